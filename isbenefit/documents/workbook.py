"""The results as one .xlsx workbook (`isbenefit assess LEDGER --xlsx FILE`).

The same tables as the CSVs (results/files.py), one sheet each, plus an "about" sheet.
Numbers are numbers, rounded as the documents round them, in the unit of their column:
the saved figures (`saved_*`) and the Monte Carlo ranges by the rule of reported figures
(reported.supported_decimals: what the row's own range supports, else three significant
digits; never finer than 0.01 t or 0.1 m3), each cell's number format showing exactly
its rounded digits; the working figures (baseline and symbiosis of an exchange) to the
finest place, on calculation lines CO2e to 1 kg (0.001 t); money to whole units; line
amounts to 2 decimals; year fractions to 6 decimals. Money columns carry the report
currency in their header (`money_network (EUR)`); the ledger's `currency` column, the
currency the row's money was given in before conversion, is headed `ledger_currency`.
Dates are dates; text a spreadsheet could take for a formula starts with `'`.
The same tables give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from isbenefit import messages
from isbenefit.ledger.contract import DATE, EXCHANGES, NUMBER
from isbenefit.messages import say
from isbenefit.reported import (
    AMOUNT_DECIMALS,
    FRACTION_DECIMALS,
    FTE,
    FTE_DECIMALS,
    MONEY_DECIMALS,
    QUANTITIES,
    QUANTITY,
    TONNE_DECIMALS,
)
from isbenefit.results.files import CSV_FILES
from isbenefit.results.tables import Tables
from isbenefit.workbooks import neutralised, workbook_bytes

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

DATE_COLUMNS = EXCHANGES.of_kind(DATE)
DATE_FORMAT = "yyyy-mm-dd"
LEDGER_CURRENCY = "ledger_currency"
# Columns holding money in the report currency, by table.
MONEY_NAMES = ("money", "additional_sales")
# Columns given by the user, written as they are: the ledger's number columns (`mass_t`
# is the ledger's own tonnes, not a computed figure) but its money, which the results give
# converted; and the calendar year.
AS_GIVEN = (
    *(c.name for c in EXCHANGES.columns if c.kind == NUMBER and not c.money),
    "year",
)
UNCERTAINTY_FIGURES = ("deterministic", "p5", "p50", "p95", "conservative")
SAVED_PREFIX = "saved_"
# Where each table's rows find their Monte Carlo range (level of the `uncertainty`
# extension, row -> id); tables not named have no range of their own.
RANGE_LEVELS: dict[str, tuple[str, Callable[[Mapping[str, Any]], str]]] = {
    "exchanges": ("exchanges", lambda row: str(row["id"])),
    "organisations": ("organisations", lambda row: str(row["id"])),
    "organisation_years": (
        "organisation_years",
        lambda row: f"{row['organisation']}/{row['year']}",
    ),
    "years": ("years", lambda row: str(row["year"])),
    "totals": ("totals", lambda _row: "all"),
}
Spreads = Mapping[tuple[str, str], Mapping[str, float]]


def is_money(column: str) -> bool:
    return column in MONEY_NAMES or column.startswith("money_")


def decimals(column: str, table: str) -> int | None:
    """How many decimals a numeric column of ``table`` is rounded to; None: as given."""
    if column in AS_GIVEN:
        return None
    if is_money(column):
        return MONEY_DECIMALS
    for quantity in QUANTITIES:
        # In the results unit: 0.01 t printed is 10 kg, -1 decimal of a kilogram.
        if column.endswith(quantity.key):
            printed = quantity.line_decimals if table == "lines" else quantity.decimals
            return printed - quantity.scale_digits
    if column.endswith("_t"):
        return TONNE_DECIMALS
    if column == "amount":
        return AMOUNT_DECIMALS
    if column == "fraction":
        return FRACTION_DECIMALS
    return None


def rounded(value: float, places: int | None) -> float | int:
    """``value`` rounded (no float noise, no negative zero); whole numbers for places <= 0."""
    if places is None:
        return value
    result = round(value, places)
    if places <= 0:
        return int(result)
    return result + 0.0 if result != 0 else 0.0


def number_format(places: int) -> str:
    """The format showing a number rounded to ``places`` with exactly its digits."""
    return "#,##0" if places <= 0 else "#,##0." + "0" * places


def figure_places(key: str, value: float, half_width: float | None) -> int:
    """Decimals of a saved figure in its results unit under the rule of reported figures
    (-1 for a CO2e figure printed to 0.01 t: 10 kg)."""
    quantity = QUANTITY[key]
    return quantity.figure_decimals(value, half_width) - quantity.scale_digits


def spreads_of(uncertainty: pd.DataFrame | None) -> Spreads:
    """Half the P5-P95 width of each (level, id) and quantity of the Monte Carlo table."""
    if uncertainty is None:
        return {}
    found: dict[tuple[str, str], dict[str, float]] = {}
    for row in uncertainty.to_dict("records"):
        half = (float(row["p95"]) - float(row["p5"])) / 2
        found.setdefault((str(row["level"]), str(row["id"])), {})[str(row["quantity"])] = half
    return found


def heading(column: str, currency: str) -> str:
    if column == "currency":
        return LEDGER_CURRENCY
    return f"{column} ({currency})" if is_money(column) else column


def results_workbook_bytes(
    tables: Tables,
    currency: str,
    uncertainty: pd.DataFrame | None = None,
    about: dict[str, str] | None = None,
    declared: dict[str, pd.DataFrame] | None = None,
) -> bytes:
    """The results workbook as .xlsx bytes: an "about" sheet, then one sheet per table;
    the declared jobs and money (results/declared.py `declared_tables`) last, when given."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "about"
    _write_about(sheet, currency, about or {})
    spreads = spreads_of(uncertainty)
    for name in CSV_FILES:
        _write_table(workbook.create_sheet(name), name, getattr(tables, name), currency, spreads)
    if uncertainty is not None:
        _write_uncertainty(workbook.create_sheet("uncertainty"), uncertainty, currency)
    for name, table in (declared or {}).items():
        _write_declared(workbook.create_sheet(name), table)
    return workbook_bytes(workbook)


def _write_about(sheet: Worksheet, currency: str, about: dict[str, str]) -> None:
    rows = [
        ("report currency", currency),
        *about.items(),
        ("rounding", say(messages.ROUNDING_NOTE)),
        ("units", say(messages.WORKBOOK_UNITS)),
    ]
    for row in rows:
        sheet.append([neutralised(str(value)) for value in row])
    sheet.column_dimensions["A"].width = 18
    sheet.column_dimensions["B"].width = 110


def _write_table(
    sheet: Worksheet, name: str, table: pd.DataFrame, currency: str, spreads: Spreads
) -> None:
    columns = [str(c) for c in table.columns]
    sheet.append([neutralised(heading(c, currency)) for c in columns])
    places = [decimals(c, name) for c in columns]
    dates = [c in DATE_COLUMNS for c in columns]
    saved = {
        i: c.removeprefix(SAVED_PREFIX)
        for i, c in enumerate(columns)
        if c.removeprefix(SAVED_PREFIX) in QUANTITY and name != "lines"
    }
    level, row_id = RANGE_LEVELS.get(name, ("", lambda _row: ""))
    for record in table.to_dict("records"):
        row_spreads = spreads.get((level, row_id(record)), {}) if level else {}
        cells = []
        for i, value in enumerate(record.values()):
            if i in saved and isinstance(value, int | float) and not math.isnan(value):
                key = saved[i]
                cells.append(_figure(float(value), figure_places(key, value, row_spreads.get(key))))
            else:
                cells.append(_cell(value, places[i], dates[i], columns[i] in AS_GIVEN))
        sheet.append(_values(cells))
        _apply_formats(sheet, cells)
    _format(sheet, columns)


def _write_uncertainty(sheet: Worksheet, table: pd.DataFrame, currency: str) -> None:
    """The Monte Carlo ranges; each row rounded to the place its own spread supports."""
    columns = [str(c) for c in table.columns]
    sheet.append([neutralised(c) for c in columns])
    for record in table.to_dict("records"):
        quantity = str(record["quantity"])
        label = f"{quantity} ({currency})" if is_money(quantity) else quantity
        if quantity in QUANTITY:
            half = (float(record["p95"]) - float(record["p5"])) / 2
            places = figure_places(quantity, float(record["deterministic"]), half)
        else:
            places = MONEY_DECIMALS
        cells = [
            _figure(float(record[c]), places)
            if c in UNCERTAINTY_FIGURES
            else _cell(label if c == "quantity" else record[c], None, False, False)
            for c in columns
        ]
        sheet.append(_values(cells))
        _apply_formats(sheet, cells)
    _format(sheet, columns)


def _write_declared(sheet: Worksheet, table: pd.DataFrame) -> None:
    """Declared figures: each amount rounded by its unit (FTE to 0.1, money to whole
    units), shares and year fractions as fractions are."""
    columns = [str(c) for c in table.columns]
    sheet.append([neutralised(c) for c in columns])
    for record in table.to_dict("records"):
        amount = FTE_DECIMALS if record["unit"] == FTE else MONEY_DECIMALS
        places = {"amount": amount, "share": FRACTION_DECIMALS, "year_fraction": FRACTION_DECIMALS}
        sheet.append([_cell(record[c], places.get(c), False, c not in places) for c in columns])
    _format(sheet, columns)


@dataclass(frozen=True, slots=True)
class _Figure:
    """A rounded figure and the number format that shows its digits."""

    value: float | int
    format: str


def _figure(value: float, places: int) -> _Figure:
    return _Figure(rounded(value, places), number_format(places))


def _values(cells: list[Any]) -> list[Any]:
    return [cell.value if isinstance(cell, _Figure) else cell for cell in cells]


def _apply_formats(sheet: Worksheet, cells: list[Any]) -> None:
    row = sheet.max_row
    for column, cell in enumerate(cells, start=1):
        if isinstance(cell, _Figure):
            sheet.cell(row=row, column=column).number_format = cell.format


def _cell(value: Any, places: int | None, date: bool, as_given: bool) -> Any:
    """One value as the cell it becomes: date, number (rounded), text (neutralised) or blank."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if date and isinstance(value, str) and value:
        return dt.date.fromisoformat(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
        if as_given or places is None:
            return int(number) if number.is_integer() and as_given else number
        return rounded(number, places)
    if hasattr(value, "item"):  # a numpy scalar
        return _cell(value.item(), places, date, as_given)
    text = str(value)
    return neutralised(text) if text else None


def _format(sheet: Worksheet, columns: list[str]) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for number, column in enumerate(columns, start=1):
        letter = get_column_letter(number)
        sheet.column_dimensions[letter].width = min(max(10, len(column) + 2), 40)
        if column in DATE_COLUMNS:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=number, max_col=number):
                cell.number_format = DATE_FORMAT
    sheet.freeze_panes = "A2"
