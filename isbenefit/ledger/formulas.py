"""Formula cells of a workbook that hold no stored value.

A workbook written by a program (not a spreadsheet) may hold formulas that were never
calculated: the file stores the formula but no value. Read for values only, such a cell
is blank, so a quantity or a price would silently go missing; every one is an error
naming its cell instead. The sheet's XML is scanned once more, streaming, for `<c>`
elements with an `<f>` and no `<v>`.
"""

from __future__ import annotations

import re
from typing import IO, Any

from isbenefit.errors import Problem
from isbenefit.messages import (
    FORMULA_MORE,
    FORMULA_WITHOUT_VALUE,
    FORMULA_WITHOUT_VALUE_FIX,
    say,
)

# openpyxl is imported where a workbook is read, not with this module: `verify` reads no
# workbook and starts faster without it. The namespace is openpyxl's SHEET_MAIN_NS.
SHEET_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_CELL = f"{{{SHEET_MAIN_NS}}}c"
_FORMULA = f"{{{SHEET_MAIN_NS}}}f"
_VALUE = f"{{{SHEET_MAIN_NS}}}v"
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
LISTED = 20  # cells listed one by one, as the rows of any other rule


def formulas_without_value(worksheet: Any) -> list[str]:
    """The coordinates (``C5``) of the worksheet's formula cells with no stored value."""
    from openpyxl.xml.functions import iterparse

    get_source = getattr(worksheet, "_get_source", None)
    if get_source is None:  # not openpyxl's read-only sheet: nothing to scan
        return []
    with get_source() as source:
        if not _has_formula(source):
            return []  # the usual case, found by a byte search far faster than parsing
    found = []
    with get_source() as source:
        for _, element in iterparse(source):
            if element.tag != _CELL:
                continue
            value = element.findtext(_VALUE)
            if element.find(_FORMULA) is not None and not value and element.get("r"):
                found.append(str(element.get("r")))
            element.clear()
    return found


def _has_formula(source: IO[bytes], chunk: int = 1 << 20) -> bool:
    """Whether the sheet's XML has a formula element (`<f>`, `<x:f ...>`) at all."""
    tail = b""
    while block := source.read(chunk):
        if _FORMULA_TAG.search(tail + block):
            return True
        tail = block[-16:]  # a tag cut between two blocks
    return False


def formula_problems(cells: list[str], header: list[str], file: str, sheet: str) -> list[Problem]:
    """One problem per cell (up to the listing limit), naming its row and column."""
    from openpyxl.utils.cell import coordinate_to_tuple

    problems = []
    for cell in cells[:LISTED]:
        row, column = coordinate_to_tuple(cell)
        name = header[column - 1] if column <= len(header) and row > 1 else f"#{column}"
        problems.append(
            Problem(
                file=file,
                sheet=sheet,
                row=row,
                column=name or f"#{column}",
                message=say(FORMULA_WITHOUT_VALUE, cell=cell),
                fix=FORMULA_WITHOUT_VALUE_FIX,
            )
        )
    if len(cells) > LISTED:
        problems.append(
            Problem(
                file=file,
                sheet=sheet,
                message=say(FORMULA_MORE, count=len(cells) - LISTED),
                fix=FORMULA_WITHOUT_VALUE_FIX,
            )
        )
    return problems
