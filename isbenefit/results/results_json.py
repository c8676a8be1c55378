"""The results JSON (schema `isbenefit.results/1`) and its byte-stable serialisation.

Fields named in formats.md section 4 keep their names and meanings; the
extensions (exchange details, `money_by_year`, organisation `years`, `factors`,
`sources`, `ledger`) only add to them.
"""

from __future__ import annotations

import gc
import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import orjson
import pandas as pd

from isbenefit.engine.core import MONEY, SAVED
from isbenefit.errors import Problem
from isbenefit.ledger.contract import EXCHANGES, NUMBER, TEXT
from isbenefit.ledger.declared import DeclaredFigures
from isbenefit.results.declared import declared_json
from isbenefit.results.flags import exchange_flags
from isbenefit.results.json_columns import grouped, key, records, values
from isbenefit.results.tables import DESCRIBED_COLUMNS, Tables
from isbenefit.scoring.factorset import INDICATORS, FactorSet
from isbenefit.version import __version__

SCHEMA = "isbenefit.results/1"
# Exchange fields echoed from the ledger (id, supplier and receiver come first).
ECHOED_COLUMNS = tuple(c for c in DESCRIBED_COLUMNS if c not in ("id", "supplier", "receiver"))
# Optional ledger columns with no default: a blank one is written as null.
OPTIONAL_TEXT = tuple(
    c.name for c in EXCHANGES.columns if c.kind == TEXT and not (c.required or c.extra)
)
OPTIONAL_NUMBERS = tuple(
    c.name
    for c in EXCHANGES.columns
    if c.kind == NUMBER and c.default is None and not (c.required or c.extra)
)


@dataclass(frozen=True)
class ResultsSource:
    """What the results JSON is made from."""

    tables: Tables
    extra_columns: tuple[str, ...]
    factor_set: FactorSet
    scores: dict[str, np.ndarray]
    currency: str
    ledger: dict[str, str]
    uncertainty: dict[str, Any] | None = None
    warnings: tuple[Problem, ...] = ()
    # Per exchange id: `alternatives` and `conservative_baseline` (results/alternatives.py).
    alternatives: dict[str, dict[str, Any]] | None = None
    # The ledger's declared jobs and money (ledger/declared.py), None without them.
    declared: DeclaredFigures | None = None


def results_dict(source: ResultsSource) -> dict[str, Any]:
    """The results as a dict (exchanges included)."""
    with _no_cycle_collection():
        return _results_dict(
            source,
            _exchanges(
                source.tables, source.extra_columns, source.factor_set, source.alternatives or {}
            ),
        )


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    # Millions of small dicts are built here; the cycle collector only slows that down.
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _results_dict(source: ResultsSource, exchanges: Any) -> dict[str, Any]:
    tables = source.tables
    return {
        "schema": SCHEMA,
        "isbenefit_version": __version__,
        "factor_set": source.factor_set.describe(),
        "currency": source.currency,
        "ledger": source.ledger,
        "exchanges": exchanges,
        "organisations": _organisations(tables),
        "years": {
            str(row["year"]): {"saved": _saved(row), "money": _network_money(row)}
            for row in tables.years.to_dict("records")
        },
        "totals": {
            "saved": _saved(tables.totals.iloc[0]),
            "money": _network_money(tables.totals.iloc[0]),
        },
        # Declared jobs and money, apart from every computed figure (results/declared.py).
        **({"declared": declared_json(source.declared)} if source.declared is not None else {}),
        **_factors(tables, source.factor_set, source.scores),
        # The Monte Carlo extension; every field above keeps its meaning without it.
        **({"uncertainty": source.uncertainty} if source.uncertainty is not None else {}),
        # Present only when there is something to say (formats.md section 4).
        **({"warnings": [_warning(w) for w in source.warnings]} if source.warnings else {}),
    }


def _warning(problem: Problem) -> dict[str, Any]:
    """A warning as the results JSON gives it: where, what, and how to silence it."""
    return {
        "file": problem.file,
        "sheet": problem.sheet,
        "row": problem.row,
        "column": problem.column,
        "value": problem.value,
        "message": problem.message,
        "fix": problem.fix,
    }


def dumps(results: dict[str, Any]) -> bytes:
    """Serialise results as compact UTF-8 JSON; the same results always give the same bytes.

    Compact because a cluster ledger gives hundreds of megabytes; `jq .` indents it.
    """
    return orjson.dumps(results, option=orjson.OPT_APPEND_NEWLINE)


# Stands for the exchanges while the rest is serialised; orjson never writes a raw NUL.
_EXCHANGES_MARK = b"\x00"
BLOCK = 20_000  # exchanges serialised at a time


def results_chunks(source: ResultsSource, block: int = BLOCK) -> Iterator[bytes]:
    """The results JSON in pieces, exchanges written block by block and column by column.

    ``b"".join(results_chunks(source)) == dumps(results_dict(source))``, byte for byte,
    without one dict per exchange, line or year (`json_columns`); a writer can stream
    the pieces to a file without holding the whole text.
    """
    with _no_cycle_collection():
        frame = dumps(_results_dict(source, orjson.Fragment(_EXCHANGES_MARK)))
        head, tail = frame.split(_EXCHANGES_MARK)
        del frame
        yield head
        yield from _exchange_chunks(
            source.tables,
            source.extra_columns,
            source.factor_set,
            source.alternatives or {},
            block,
        )
        yield tail


def _exchange_chunks(
    tables: Tables,
    extra_columns: tuple[str, ...],
    factor_set: FactorSet,
    alternatives: dict[str, dict[str, Any]],
    block: int,
) -> Iterator[bytes]:
    """The `exchanges` array as `_exchanges` builds it, serialised ``block`` rows at a time."""
    exchanges = tables.exchanges
    count = len(exchanges)
    index = pd.Index(exchanges["id"])
    line_bounds = _bound_array(index.get_indexer(tables.lines["exchange"]), count)
    year_bounds = _bound_array(index.get_indexer(tables.exchange_years["exchange"]), count)
    flags = exchange_flags(exchanges, tables.organisations, factor_set)
    yield b"["
    for start in range(0, count, block):
        end = min(count, start + block)
        rows = records(
            _exchange_parts(
                exchanges.iloc[start:end],
                extra_columns,
                _grouped_lines(tables.lines, line_bounds[start : end + 1]),
                _grouped_years(tables.exchange_years, year_bounds[start : end + 1]),
                flags[start:end],
                alternatives,
            )
        )
        yield (b"," if start else b"") + b",".join(rows)
        del rows
    yield b"]"


def _exchange_parts(
    exchanges: pd.DataFrame,
    extra_columns: tuple[str, ...],
    lines: list[bytes],
    years: tuple[list[bytes], list[bytes]],
    flags: list[list[dict[str, str]]],
    alternatives: dict[str, dict[str, Any]],
) -> list[bytes | list[bytes]]:
    """Constant text and value columns of some exchanges, in `_exchanges`' key order."""
    parts: list[bytes | list[bytes]] = []

    def text(constant: bytes) -> None:
        if parts and isinstance(parts[-1], bytes):
            parts[-1] += constant
        else:
            parts.append(constant)

    def column(name: str) -> list[Any]:
        values_ = exchanges[name].tolist()
        if name in OPTIONAL_TEXT:
            return [value or None for value in values_]
        return values_  # NaN (OPTIONAL_NUMBERS) is written as null, like None

    ids = exchanges["id"].tolist()
    text(b"{" + key("id"))
    parts.append(values(ids))
    for name in ("supplier", "receiver", *ECHOED_COLUMNS):
        text(b"," + key(name))
        parts.append(values(column(name)))
    fractions, money_by_year = years
    text(b"," + key("years") + b"{")
    parts.append(fractions)
    for group, prefix, names in (
        ("baseline", "baseline_", INDICATORS),
        ("symbiosis", "symbiosis_", INDICATORS),
        ("saved", "saved_", SAVED),
        ("money", "money_", MONEY),
    ):
        text(b"}," + key(group) + b"{")
        for position, name in enumerate(names):
            text((b"," if position else b"") + key(name))
            parts.append(values(column(f"{prefix}{name}")))
    text(b"}," + key("money_by_year") + b"{")
    parts.append(money_by_year)
    text(b"}," + key("lines") + b"[")
    parts.append(lines)
    text(b"]," + key("extra") + b"{")
    for position, name in enumerate(extra_columns):
        text((b"," if position else b"") + key(name))
        parts.append(values([str(value) for value in exchanges[name].tolist()]))
    text(b"}," + key("flags"))
    parts.append([orjson.dumps(flag) if flag else b"[]" for flag in flags])
    if alternatives:
        # Only exchanges with alternative baselines carry these keys (after `flags`).
        parts.append([_more_keys(alternatives.get(exchange)) for exchange in ids])
    text(b"}")
    return parts


def _more_keys(extra: dict[str, Any] | None) -> bytes:
    """``extra``'s keys and values as they continue an object (b"" for none)."""
    return b"," + orjson.dumps(extra)[1:-1] if extra else b""


def _bound_array(positions: np.ndarray, count: int) -> np.ndarray:
    """`_bounds` as an array."""
    return np.searchsorted(positions, np.arange(count + 1), side="left")


def _grouped_lines(lines: pd.DataFrame, bounds: np.ndarray) -> list[bytes]:
    """Each exchange's audit lines (``bounds`` into `tables.lines`), comma-joined."""
    rows = lines.iloc[int(bounds[0]) : int(bounds[-1])]
    parts: list[bytes | list[bytes]] = []
    for position, name in enumerate(LINE_FIELDS):
        parts.append((b"{" if not position else b",") + key(name))
        parts.append(values(rows[name].tolist()))
    parts.extend(_optional_keys(rows, name) for name in OPTIONAL_LINE_FIELDS if name in rows)
    parts.append(b"}")
    return grouped(records(parts), bounds - bounds[0])


def _optional_keys(rows: pd.DataFrame, name: str) -> list[bytes]:
    """`,"name":value` for each line where ``name`` is given, b"" for the others."""
    label = b"," + key(name)
    return [label + orjson.dumps(value) if value else b"" for value in rows[name].tolist()]


def _grouped_years(table: pd.DataFrame, bounds: np.ndarray) -> tuple[list[bytes], list[bytes]]:
    """Each exchange's `years` and `money_by_year` members (``bounds`` into
    `tables.exchange_years`), comma-joined."""
    rows = table.iloc[int(bounds[0]) : int(bounds[-1])]
    years = values([str(year) for year in rows["year"].tolist()])
    fractions = records([years, b":", values(rows["fraction"].tolist())])
    money: list[bytes | list[bytes]] = [years, b":{"]
    for position, name in enumerate(MONEY):
        money.append((b"," if position else b"") + key(name))
        money.append(values(rows[f"money_{name}"].tolist()))
    money.append(b"}")
    relative = bounds - bounds[0]
    return grouped(fractions, relative), grouped(records(money), relative)


def _exchanges(
    tables: Tables,
    extra_columns: tuple[str, ...],
    factor_set: FactorSet,
    alternatives: dict[str, dict[str, Any]],
) -> list[dict[str, Any]]:
    """One JSON object per exchange, built column by column (fast for 100,000s of rows)."""
    exchanges = tables.exchanges
    column = {name: exchanges[name].tolist() for name in exchanges.columns}
    for name in OPTIONAL_TEXT:
        column[name] = [value or None for value in column[name]]
    for name in OPTIONAL_NUMBERS:
        column[name] = [None if math.isnan(value) else value for value in column[name]]
    groups = {
        group: _objects(names, [column[f"{prefix}{name}"] for name in names])
        for group, prefix, names in (
            ("baseline", "baseline_", INDICATORS),
            ("symbiosis", "symbiosis_", INDICATORS),
            ("saved", "saved_", SAVED),
            ("money", "money_", MONEY),
        )
    }
    groups["extra"] = (
        _objects(extra_columns, [[str(v) for v in column[name]] for name in extra_columns])
        if extra_columns
        else [{} for _ in range(len(exchanges))]
    )
    lines = _lines(tables)
    line_bounds = _bounds(
        pd.Index(exchanges["id"]).get_indexer(tables.lines["exchange"]), len(exchanges)
    )
    fractions, money_by_year, year_bounds = _years_by_exchange(tables, exchanges)
    flags = exchange_flags(exchanges, tables.organisations, factor_set)
    heads = _objects(
        ("id", "supplier", "receiver", *ECHOED_COLUMNS),
        [column[name] for name in ("id", "supplier", "receiver", *ECHOED_COLUMNS)],
    )
    records = []
    for index, head in enumerate(heads):
        first, last = year_bounds[index], year_bounds[index + 1]
        head["years"] = dict(fractions[first:last])
        head["baseline"] = groups["baseline"][index]
        head["symbiosis"] = groups["symbiosis"][index]
        head["saved"] = groups["saved"][index]
        head["money"] = groups["money"][index]
        head["money_by_year"] = dict(money_by_year[first:last])
        head["lines"] = lines[line_bounds[index] : line_bounds[index + 1]]
        head["extra"] = groups["extra"][index]
        head["flags"] = flags[index]
        # Only exchanges with alternative baselines carry these keys.
        head.update(alternatives.get(head["id"], {}))
        records.append(head)
    return records


def _objects(keys: tuple[str, ...], columns: list[list[Any]]) -> list[dict[str, Any]]:
    """Row dicts from parallel column lists (at least one key)."""
    return [dict(zip(keys, values, strict=True)) for values in zip(*columns, strict=True)]


def _bounds(sorted_positions: np.ndarray, count: int) -> list[int]:
    """Start of each position's run in a sorted array, plus the end: slice i is [b[i], b[i+1])."""
    return np.searchsorted(sorted_positions, np.arange(count + 1), side="left").tolist()


LINE_FIELDS = ("role", "activity", "amount", "unit", "co2e_kg", "water_m3", "source")
# Only on the lines they concern (results/tables.py lines_table): the regional variant
# scored and why; a fuel's quantity x heating value x efficiency.
OPTIONAL_LINE_FIELDS = ("variant", "variant_reason", "conversion")


def _lines(tables: Tables) -> list[dict[str, Any]]:
    """The audit lines; `source` (an extension) says where each line's factor comes from,
    the optional fields what a line's activity and amount rest on."""
    lines = tables.lines
    objects = _objects(LINE_FIELDS, [lines[name].tolist() for name in LINE_FIELDS])
    for name in OPTIONAL_LINE_FIELDS:
        if name in lines.columns:
            for line, value in zip(objects, lines[name].tolist(), strict=True):
                if value:
                    line[name] = value
    return objects


def _years_by_exchange(
    tables: Tables, exchanges: pd.DataFrame
) -> tuple[list[tuple[str, float]], list[tuple[str, dict[str, float]]], list[int]]:
    """(year, fraction) and (year, money) per exchange-year in exchange order, and bounds."""
    table = tables.exchange_years
    years = [str(year) for year in table["year"].tolist()]
    money = _objects(MONEY, [table[f"money_{name}"].tolist() for name in MONEY])
    positions = pd.Index(exchanges["id"]).get_indexer(table["exchange"])
    return (
        list(zip(years, table["fraction"].tolist(), strict=True)),
        list(zip(years, money, strict=True)),
        _bounds(positions, len(exchanges)),
    )


def _organisations(tables: Tables) -> list[dict[str, Any]]:
    """Built from column lists (12,500 organisations on a 100,000-exchange ledger)."""
    table = tables.organisation_years
    years: dict[str, dict[str, Any]] = {}
    for organisation, year, saved, money, sales in zip(
        table["organisation"].tolist(),
        table["year"].tolist(),
        _saved_column(table),
        _floats(table["money"]),
        _floats(table["additional_sales"]),
        strict=True,
    ):
        years.setdefault(organisation, {})[str(year)] = {
            "saved": saved,
            "money": money,
            "additional_sales": sales,
        }
    organisations = tables.organisations
    return [
        {
            "id": organisation,
            "name": _text_or_none(name),
            "country": _text_or_none(country),
            "sme": _text_or_none(sme),
            "saved": saved,
            "money": money,
            "additional_sales": sales,
            "years": years.get(organisation, {}),
        }
        for organisation, name, country, sme, saved, money, sales in zip(
            organisations["id"].tolist(),
            organisations["name"].tolist(),
            organisations["country"].tolist(),
            organisations["sme"].tolist(),
            _saved_column(organisations),
            _floats(organisations["money"]),
            _floats(organisations["additional_sales"]),
            strict=True,
        )
    ]


def _saved_column(table: pd.DataFrame) -> list[dict[str, float]]:
    """`_saved` of every row."""
    columns = [_floats(table[f"saved_{name}"]) for name in SAVED]
    return [dict(zip(SAVED, row, strict=True)) for row in zip(*columns, strict=True)]


def _floats(column: pd.Series) -> list[float]:
    return column.to_numpy(dtype=float).tolist()


def _factors(
    tables: Tables, factor_set: FactorSet, scores: dict[str, np.ndarray]
) -> dict[str, Any]:
    used = sorted(set(tables.lines["activity"].tolist()))
    activities = factor_set.activities
    positions = activities.index.get_indexer(pd.Index(used))
    factors = []
    for activity_id, position in zip(used, positions, strict=True):
        row = activities.iloc[position]
        factors.append(
            {
                "id": activity_id,
                "name": row["name"],
                "kind": row["kind"],
                "unit": row["unit"],
                "location": row["location"],
                **{name: float(scores[name][position]) for name in INDICATORS},
                "gsd": float(row["gsd"]),
                "source": row["source"],
                "source_ref": row["source_ref"],
                "year": row["year"],
                "notes": row["notes"],
            }
        )
    keys = sorted({f["source"] for f in factors})
    sources = [
        {
            k: factor_set.sources[key].get(k)
            for k in ("key", "title", "publisher", "year", "url", "licence")
        }
        for key in keys
    ]
    return {"factors": factors, "sources": sources}


def _saved(row: Any) -> dict[str, float]:
    return {name: float(row[f"saved_{name}"]) for name in SAVED}


def _network_money(row: Any) -> dict[str, float]:
    return {
        "network": float(row["money_network"]),
        "additional_sales": float(row["money_additional_sales"]),
    }


def _text_or_none(value: object) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value == "":
        return None
    return str(value)
