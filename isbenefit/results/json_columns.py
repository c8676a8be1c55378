"""JSON text of many records written column by column: orjson's bytes, without one dict
per record.

Building a dict per exchange (and per line, per year, per group of figures) and handing
them to orjson costs several times the serialisation itself on a large ledger. Here a
whole column is serialised by one orjson call and cut into its values; records are then
joined from those values and the constant text between them (keys, braces, commas).

The bytes are exactly those orjson writes for the same records as dicts: each value's text
is orjson's own for that value, orjson writes compact JSON (no spaces), and a nested
value's text does not depend on where it is nested. A column is cut only where the cut
cannot fall inside a value (numbers and null hold no comma; strings are cut only when no
value holds an escaped quote); any other column is serialised value by value.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import repeat
from typing import Any

import numpy as np
import orjson
import pandas as pd

NULL = b"null"
# Never written raw by orjson (it escapes every control character): marks group ends.
_MARK = b"\x00"
# Stands for None while a text column is serialised in one go; `"\u0000"` in the JSON.
_NONE_TEXT = "\x00"
_NONE_ENCODED = b"\\u0000"
_NUMBERS = frozenset({float, int, bool, type(None)})
_TEXTS = frozenset({str, type(None)})


def key(name: str) -> bytes:
    """The JSON text of an object key, with its colon."""
    return orjson.dumps(name) + b":"


def values(column: Sequence[Any]) -> list[bytes]:
    """orjson's text of every value of ``column``, in order."""
    if not len(column):
        return []
    column = list(column)
    kinds = set(map(type, column))
    if kinds <= _NUMBERS:
        # A number, true, false or null holds no comma.
        return orjson.dumps(column)[1:-1].split(b",")
    if kinds <= _TEXTS:
        return _texts(column, type(None) in kinds)
    return list(map(orjson.dumps, column))


def _texts(column: list[str | None], has_none: bool) -> list[bytes]:
    """Texts (and None): a column of few distinct values is written once per value."""
    codes, distinct = pd.factorize(np.asarray(column, dtype=object), use_na_sentinel=False)
    if len(distinct) * 4 <= len(column):
        written = _cut_texts(distinct.tolist(), has_none) or list(map(orjson.dumps, distinct))
        return np.asarray(written, dtype=object)[codes].tolist()
    return _cut_texts(column, has_none) or list(map(orjson.dumps, column))


def _cut_texts(column: list[str | None], has_none: bool) -> list[bytes] | None:
    """Texts (and None) cut from one serialisation; None when a cut could be wrong."""
    if has_none:
        if _NONE_TEXT in column:
            return None
        column = [_NONE_TEXT if value is None else value for value in column]
    data = orjson.dumps(column)
    # Without an escaped quote every `","` is the boundary between two strings.
    if b'\\"' in data:
        return None
    pieces = data[2:-2].split(b'","')
    if len(pieces) != len(column):
        return None
    if has_none:
        return [NULL if piece == _NONE_ENCODED else b'"' + piece + b'"' for piece in pieces]
    return [b'"' + piece + b'"' for piece in pieces]


def records(parts: Sequence[bytes | list[bytes]]) -> list[bytes]:
    """One text per record: constant parts (bytes) and per-record parts (lists of values,
    all of one length) joined in order."""
    lengths = {len(part) for part in parts if not isinstance(part, bytes)}
    if len(lengths) != 1:
        raise ValueError(f"records need value lists of one length, not {sorted(lengths)}")
    columns = [repeat(part) if isinstance(part, bytes) else part for part in parts]
    # The constant parts repeat forever; the value lists (one length) end the records.
    return list(map(b"".join, zip(*columns, strict=False)))


def grouped(items: list[bytes], bounds: np.ndarray) -> list[bytes]:
    """``items[bounds[i]:bounds[i + 1]]`` joined with commas, for every i (an empty group
    gives b"").

    ``bounds`` is non-decreasing. The groups are joined in one go, with a mark no item
    holds between groups, and cut at the marks.
    """
    count = len(bounds) - 1
    if count <= 0:
        return []
    first, last = int(bounds[0]), int(bounds[-1])
    items = items[first:last]
    size = len(items)
    # How many groups (after the first) start at each item, or after the last one.
    starts = np.bincount(np.asarray(bounds[1:-1], dtype=np.int64) - first, minlength=size + 1)
    separators = np.full(size, b",", dtype=object)
    marked = np.flatnonzero(starts[:size])
    separators[marked] = [_MARK * int(n) for n in starts[marked]]
    if size and not starts[0]:
        separators[0] = b""
    tokens: list[Any] = [None] * (2 * size)
    tokens[0::2] = separators.tolist()
    tokens[1::2] = items
    tokens.append(_MARK * int(starts[size]))
    return b"".join(tokens).split(_MARK)
