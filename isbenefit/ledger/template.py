"""A blank ledger workbook for people who keep their records in a spreadsheet.

Every sheet and column of the contract (docs/formats.md section 1) with a comment on each
header (meaning, unit, example), drop-down lists where a column takes one of a few values
(activity ids from the factor set, flows, units, currencies, yes/no, data quality, the
waste columns), date columns formatted as dates, an "Instructions" sheet and an
"Activities" sheet listing the factor set. The reader reads only the contract's sheets,
so the filled-in workbook is a ledger as it stands.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from isbenefit.ledger.rates import shipped_rates
from isbenefit.ledger.rules import (
    ALTERNATIVE_COLUMNS,
    DATA_QUALITY,
    EXCHANGE_COLUMNS,
    EXCHANGE_REQUIRED,
    FLOWS,
    INPUT_COLUMNS,
    ORGANISATION_COLUMNS,
    RATE_COLUMNS,
    YES_NO,
)
from isbenefit.ledger.waste import LEGAL_STATUSES, RECOVERY_OPERATIONS, WASTE_COLUMNS, ewc_codes
from isbenefit.scoring.factorset import VINTAGE_MARK, FactorSet
from isbenefit.units import ACCEPTED_UNITS
from isbenefit.workbooks import neutralised, workbook_bytes

if TYPE_CHECKING:
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.worksheet import Worksheet

LANGUAGES = ("en",)
ROWS = 1000  # rows 2..ROWS+1 carry the drop-downs and formats
ACTIVITIES_SHEET = "Activities"
LISTS_SHEET = "Lists"
INSTRUCTIONS_SHEET = "Instructions"
DATE_FORMAT = "yyyy-mm-dd"
ACTIVITY_LIST_COLUMNS = ("id", "name", "kind", "unit", "region", "source", "year")
LEDGER_UNITS = tuple(sorted(ACCEPTED_UNITS - {"tkm"}, key=str.lower))
INPUT_UNITS = tuple(sorted(ACCEPTED_UNITS, key=str.lower))


@dataclass(frozen=True)
class Column:
    """One column of the template: what it means, its unit, an example, what it accepts."""

    name: str
    meaning: str
    unit: str
    example: str
    choices: str = ""  # a key of the template's lists, or "activity"
    date: bool = False


_EXCHANGE_HELP = {
    "id": ("unique id of the exchange", "", "E2024-01"),
    "period_start": ("first day of the period the quantity covers", "date", "2024-01-01"),
    "period_end": ("last day of the period the quantity covers (inclusive)", "date",
                   "2024-12-31"),
    "supplier": ("id of the organisation that gives the resource", "", "POWERPLANT"),
    "receiver": ("id of the organisation that takes it; not the supplier", "", "BOARDMILL"),
    "flow": ("what moves: material, energy or water", "", "material"),
    "resource": ("what the resource is, in words", "", "FGD gypsum"),
    "quantity": ("amount exchanged over the whole period, greater than 0", "the unit column",
                 "1200"),
    "unit": ("unit of quantity: mass, energy or volume", "", "t"),
    "data_quality": ("how the quantity is known: measured (default), calculated or estimated",
                     "", "measured"),
    "baseline_disposal": ("activity id: what the supplier would have done with it otherwise "
                          "(landfill, incineration, treatment)", "", "landfill.inert"),
    "baseline_supply": ("activity id: what the receiver would have used instead (virgin "
                        "material, fossil heat, mains water); give this, baseline_disposal or "
                        "both", "", "prod.gypsum"),
    "substitution_ratio": ("units of baseline_supply replaced per unit exchanged; default 1",
                           "baseline_supply's unit per unit", "0.9"),
    "baseline_efficiency": ("efficiency of the receiver's real boiler, when baseline_supply is "
                            "boiler heat; in (0, 1.2]", "fraction", "0.85"),
    "mass_t": ("mass moved, when unit is not a mass (needed for transport)", "t", "15"),
    "transport_mode": ("activity id of the transport that moves the resource", "",
                       "transport.road"),
    "transport_km": ("one-way distance the resource travels", "km", "35"),
    "baseline_transport_mode": ("activity id of the haulage of the displaced supply", "",
                                "transport.road"),
    "baseline_transport_km": ("one-way distance of the displaced supply", "km", "120"),
    "supplier_share": ("share of the savings credited to the supplier; the receiver gets the "
                       "rest; default 0.5", "0 to 1", "0.5"),
    "hazardous": ("yes if the resource is hazardous waste; default no", "", "no"),
    "price": ("money the receiver pays the supplier for the period (negative: the supplier "
              "pays a gate fee)", "the currency column", "15000"),
    "supplier_avoided_cost": ("disposal cost the supplier no longer pays", "the currency column",
                              "40000"),
    "supplier_extra_cost": ("supplier's extra cost (preparation, transport it pays)",
                            "the currency column", "5000"),
    "receiver_avoided_cost": ("purchase cost the receiver no longer pays", "the currency column",
                              "30000"),
    "receiver_extra_cost": ("receiver's extra cost (handling, processing, transport it pays)",
                            "the currency column", "2000"),
    "currency": ("ISO 4217 code of every money column of the row; default: the report currency",
                 "", "EUR"),
    "evidence": ("where the quantity comes from", "", "weighbridge tickets 2024"),
    "ewc_code": ("European List of Waste entry of the resource (hazardous entries end in *, "
                 "and need hazardous = yes)", "", "10 01 05"),
    "legal_status": ("waste, by-product or end-of-waste (Waste Framework Directive)", "",
                     "by-product"),
    "recovery_operation": ("recovery (R1-R13) or disposal (D1-D15) operation of the Waste "
                           "Framework Directive", "", "R5"),
}  # fmt: skip
_INPUT_HELP = {
    "exchange": ("id of the exchange this input serves", "", "E2024-01"),
    "activity": ("activity id of what the exchange takes (electricity for pumping, drying "
                 "heat, chemicals)", "", "electricity.dk"),
    "quantity": ("amount over the exchange's whole period", "the unit column", "5000"),
    "unit": ("unit of quantity, convertible to the activity's unit", "", "kWh"),
    "note": ("free text", "", "pump at the gypsum silo"),
}  # fmt: skip
_ORGANISATION_HELP = {
    "id": ("unique id, as used in the exchanges sheet", "", "POWERPLANT"),
    "name": ("display name", "", "Asnæs Power Station"),
    "country": ("ISO 3166-1 alpha-2 country code", "", "DK"),
    "nace": ("NACE rev. 2 code", "", "35.11"),
    "sme": ("yes if the organisation is a small or medium-sized enterprise", "", "no"),
    "eu_ets": ("yes if it runs an installation under the EU Emissions Trading System", "",
               "yes"),
}  # fmt: skip
_ALTERNATIVE_HELP = {
    "exchange": ("id of the exchange this other baseline belongs to", "", "E2024-01"),
    "name": ("short name, unique within the exchange; not 'ledger'", "", "incineration"),
    "reason": ("why this baseline is plausible", "", "the municipal plant takes it too"),
    "baseline_disposal": ("activity id replacing the exchange row's; blank: as in the row; "
                          "none: left out", "", "incineration.mixed_waste"),
    "baseline_supply": ("activity id replacing the exchange row's; blank: as in the row; none: "
                        "left out", "", "none"),
    "substitution_ratio": ("replaces the exchange row's; blank: as in the row",
                           "baseline_supply's unit per unit", "1"),
    "baseline_efficiency": ("replaces the exchange row's; blank: as in the row", "fraction",
                            "0.9"),
    "baseline_transport_mode": ("activity id replacing the exchange row's; blank: as in the "
                                "row; none: left out", "", "transport.rail"),
    "baseline_transport_km": ("replaces the exchange row's; blank: as in the row", "km", "200"),
}  # fmt: skip
_RATE_HELP = {
    "currency": ("ISO 4217 code", "", "DKK"),
    "year": ("calendar year", "", "2024"),
    "per_eur": ("units of the currency per 1 EUR in that year; overrides the shipped rate", "",
                "7.4589"),
}  # fmt: skip

_CHOICES = {
    "flow": "flow",
    "unit": "unit",
    "data_quality": "data_quality",
    "hazardous": "yes_no",
    "currency": "currency",
    "sme": "yes_no",
    "eu_ets": "yes_no",
    "legal_status": "legal_status",
    "recovery_operation": "recovery_operation",
    "ewc_code": "ewc_code",
}
_ACTIVITY_COLUMNS = {
    "baseline_disposal",
    "baseline_supply",
    "transport_mode",
    "baseline_transport_mode",
    "activity",
}


def _columns(names: tuple[str, ...], help_: dict[str, tuple[str, str, str]]) -> list[Column]:
    return [
        Column(
            name,
            *help_[name],
            choices="activity" if name in _ACTIVITY_COLUMNS else _CHOICES.get(name, ""),
            date=name in ("period_start", "period_end"),
        )
        for name in names
    ]


def template_sheets() -> dict[str, list[Column]]:
    """The contract's sheets and columns, in the order the template gives them."""
    return {
        "exchanges": _columns((*EXCHANGE_COLUMNS, *WASTE_COLUMNS), _EXCHANGE_HELP),
        "inputs": _columns(INPUT_COLUMNS, _INPUT_HELP),
        "organisations": _columns(ORGANISATION_COLUMNS, _ORGANISATION_HELP),
        "baselines": _columns(ALTERNATIVE_COLUMNS, _ALTERNATIVE_HELP),
        "rates": _columns(RATE_COLUMNS, _RATE_HELP),
    }


def _lists() -> dict[str, list[str]]:
    """The values each drop-down offers (activity ids come from the Activities sheet)."""
    return {
        "flow": list(FLOWS),
        "unit": list(LEDGER_UNITS),
        "input_unit": list(INPUT_UNITS),
        "data_quality": list(DATA_QUALITY),
        "yes_no": list(YES_NO),
        "currency": shipped_rates().currencies(),
        "legal_status": list(LEGAL_STATUSES),
        "recovery_operation": list(RECOVERY_OPERATIONS),
        "ewc_code": [
            code + ("*" if hazardous else "") for code, (hazardous, _) in ewc_codes().items()
        ],
    }


def _activity_rows(factor_set: FactorSet) -> list[list[str]]:
    """One row per activity a ledger may name (vintages `ID@YEAR` are chosen for it)."""
    records = factor_set.activities.to_dict("records")
    fields = ("id", "name", "kind", "unit", "location", "source", "year")
    return sorted([str(row[c]) for c in fields] for row in records if VINTAGE_MARK not in row["id"])


def _instructions(factor_set: FactorSet) -> list[str]:
    return [
        "isbenefit ledger",
        "",
        "One row per exchange on the sheet 'exchanges': who gave what to whom, how much, over "
        "which period, and what would have happened without it (the baseline).",
        "Required on every exchange: " + ", ".join(EXCHANGE_REQUIRED) + ", and at least one of "
        "baseline_disposal and baseline_supply.",
        "The sheets 'inputs', 'organisations', 'baselines' and 'rates' are optional; leave them "
        "empty when you do not need them.",
        "Every column header carries a comment: what the column means, its unit and an "
        "example. Drop-down lists offer the allowed values.",
        "Activity ids come from the sheet 'Activities', the factor set "
        f"{factor_set.id} {factor_set.version} ({factor_set.meta.get('title', '')}).",
        "Dates: YYYY-MM-DD. Numbers: plain numbers, '.' or your spreadsheet's decimal mark in "
        "number cells. Money columns are in the row's currency (column 'currency').",
        "Do not rename the sheets or the column headers; you may add columns of your own to "
        "the exchanges sheet, they are passed to the results as they are.",
        "",
        "Then run: isbenefit assess ledger.xlsx --json results.json --xlsx results.xlsx",
        "The sheets 'Instructions', 'Activities' and 'Lists' are not read.",
        "The column 'ewc_code' lists the European List of Waste (Decision 2014/955/EU), "
        "copied from EFRAG's VSME Digital Template 1.3.0 (MIT licence).",
    ]


def template_bytes(factor_set: FactorSet, lang: str = "en") -> bytes:
    """The blank ledger workbook as .xlsx bytes; the same factor set gives the same bytes."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    if lang not in LANGUAGES:
        raise ValueError(f"language {lang!r} not available; available: {', '.join(LANGUAGES)}")
    workbook = Workbook()
    instructions = workbook.active
    assert instructions is not None
    instructions.title = INSTRUCTIONS_SHEET
    for number, line in enumerate(_instructions(factor_set), start=1):
        instructions.cell(number, 1, neutralised(line))
    instructions["A1"].font = Font(bold=True, size=14)
    instructions.column_dimensions["A"].width = 120
    lists = _lists()
    activities = _activity_rows(factor_set)
    ranges = _write_lists(workbook.create_sheet(LISTS_SHEET), lists)
    for name, columns in template_sheets().items():
        sheet = workbook.create_sheet(name)
        _write_header(sheet, columns, ranges, len(activities))
    _write_activities(workbook.create_sheet(ACTIVITIES_SHEET), activities)
    workbook[LISTS_SHEET].sheet_state = "hidden"
    workbook.move_sheet(LISTS_SHEET, len(workbook.sheetnames) - 2)  # last
    workbook.active = workbook.sheetnames.index("exchanges")
    return workbook_bytes(workbook)


def _write_lists(sheet: Worksheet, lists: dict[str, list[str]]) -> dict[str, str]:
    """One column per list on the hidden Lists sheet; its absolute range by list name."""
    from openpyxl.utils import get_column_letter

    ranges = {}
    for number, (name, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(number)
        sheet.cell(1, number, name)
        for row, value in enumerate(values, start=2):
            sheet.cell(row, number, value)
        ranges[name] = f"{LISTS_SHEET}!${letter}$2:${letter}${len(values) + 1}"
    return ranges


def _write_activities(sheet: Worksheet, rows: list[list[str]]) -> None:
    from openpyxl.styles import Font

    sheet.append(list(ACTIVITY_LIST_COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([neutralised(value) for value in row])
    for letter, width in zip("ABCDEFG", (34, 60, 13, 7, 8, 14, 6), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"


def _write_header(
    sheet: Worksheet, columns: list[Column], ranges: dict[str, str], activities: int
) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    required = set(EXCHANGE_REQUIRED) if sheet.title == "exchanges" else set()
    for number, column in enumerate(columns, start=1):
        cell = sheet.cell(1, number, column.name)
        cell.font = Font(bold=True, color="000000" if column.name in required else "404040")
        text = column.meaning + (f"\nUnit: {column.unit}" if column.unit else "")
        text += f"\nExample: {column.example}" + ("\nRequired." if column.name in required else "")
        cell.comment = Comment(text, "isbenefit", width=320, height=130)
        letter = get_column_letter(number)
        sheet.column_dimensions[letter].width = max(12, len(column.name) + 3)
        area = f"{letter}2:{letter}{ROWS + 1}"
        validation = _validation(sheet.title, column, ranges, activities)
        if validation is not None:
            validation.add(area)
            sheet.add_data_validation(validation)
        if column.date:
            sheet.column_dimensions[letter].number_format = DATE_FORMAT
            dates = DataValidation(
                type="date",
                operator="greaterThan",
                formula1="36526",  # the serial number of 2000-01-01
                showErrorMessage=True,
                errorTitle=column.name,
                error="Enter a date, e.g. 2024-01-31.",
            )
            dates.add(area)
            sheet.add_data_validation(dates)
    sheet.freeze_panes = "A2"


def _validation(
    sheet: str, column: Column, ranges: dict[str, str], activities: int
) -> DataValidation | None:
    from openpyxl.worksheet.datavalidation import DataValidation

    if column.choices == "activity":
        source = f"{ACTIVITIES_SHEET}!$A$2:$A${activities + 1}"
        # In the baselines sheet `none` is allowed too, so the list only suggests there.
        strict = sheet != "baselines"
    elif column.choices:
        key = "input_unit" if (sheet == "inputs" and column.choices == "unit") else column.choices
        source = ranges[key]
        # Currencies without a shipped rate are allowed with a rates sheet row; an EWC code
        # may be typed without spaces.
        strict = column.choices not in ("currency", "ewc_code")
    else:
        return None
    return DataValidation(
        type="list",
        formula1=f"={source}",
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="stop" if strict else "warning",
        errorTitle=column.name,
        error=f"Choose a value from the list for {column.name}.",
        promptTitle=column.name,
        prompt=column.meaning[:255],
        showInputMessage=False,
    )
