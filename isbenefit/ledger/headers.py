"""Headers isbenefit does not know: a misspelled column is an error, naming the closest one.

A header that is no column of its sheet but looks like one (`qty`, `quantty`,
`period start`, `notes` in `inputs`) is an error: read as an extra column it would leave
the real column blank or default, silently. A header like no known column
(`contract_ref`) is the user's own column: kept with the row (in the results' `extra` of
each exchange), never read by the arithmetic.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping

from isbenefit.errors import Problem
from isbenefit.ledger.reading import ROW_COLUMN, RawLedger

# difflib similarity from which an unknown header counts as a misspelling.
CUTOFF = 0.82
# Shortest header read as an abbreviation of a known column (`qty` for `quantity`).
SHORTEST_ABBREVIATION = 3
_SEPARATORS = re.compile(r"[\s\-]+")


def look_alike(header: str, known: Iterable[str]) -> str | None:
    """The known column ``header`` most likely misspells or abbreviates, if any."""
    columns = sorted(set(known))
    if header in columns:
        return None
    normal = _SEPARATORS.sub("_", header.strip().lower())
    if normal in columns:
        return normal
    close = difflib.get_close_matches(normal, columns, n=1, cutoff=CUTOFF)
    if close:
        return close[0]
    if len(normal) < SHORTEST_ABBREVIATION:
        return None
    abbreviated = [
        column
        for column in columns
        if column[0] == normal[0] and len(normal) < len(column) and _within(normal, column)
    ]
    if not abbreviated:
        return None
    return max(abbreviated, key=lambda c: (difflib.SequenceMatcher(None, normal, c).ratio(), c))


def _own_column(header: str, match: str, present: set[str]) -> bool:
    """Whether ``header`` is the user's own column although it looks like ``match``: the
    sheet has ``match`` itself (so nothing is left blank; `quantity_kg` beside
    `quantity`), or ``header`` is a word inside ``match`` that does not begin it
    (`source` in `resource`). A spelling of ``match`` with spaces or capitals never is."""
    normal = _SEPARATORS.sub("_", header.strip().lower())
    if normal == match:
        return False
    return match in present or (normal in match and not match.startswith(normal))


def _within(short: str, long: str) -> bool:
    """Whether the letters of ``short`` appear in ``long`` in the same order."""
    letters = iter(long)
    return all(letter in letters for letter in short)


def check_headers(
    raw: RawLedger, known: Mapping[str, Iterable[str]], problems: list[Problem]
) -> set[tuple[str, str]]:
    """A problem for every header of a sheet in ``known`` that looks like a known column;
    returns the (sheet, column) each such header was taken for."""
    taken_for: set[tuple[str, str]] = set()
    for name, columns in known.items():
        sheet = raw.sheets.get(name)
        if sheet is None:
            continue
        names = [*columns, ROW_COLUMN]
        present = {str(header) for header in sheet.table.columns}
        for header in sheet.table.columns:
            if header == ROW_COLUMN or header in names:
                continue
            match = look_alike(str(header), columns)
            if match is not None and _own_column(str(header), match, present):
                continue
            if match is not None:
                taken_for.add((sheet.name, match))
                problems.append(
                    Problem(
                        file=sheet.file,
                        sheet=sheet.name,
                        row=1,
                        column=str(header),
                        value=str(header),
                        message=f"unknown column; did you mean {match!r}?",
                        fix=f"rename the header to {match!r} (a column isbenefit does not "
                        "know must not look like one it knows)",
                    )
                )
    return taken_for
