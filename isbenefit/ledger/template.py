"""A blank ledger workbook for people who keep their records in a spreadsheet.

Every sheet and column of the contract (docs/formats.md section 1) with a comment on each
header (meaning, unit, example), drop-down lists where a column takes one of a few values
(activity ids from the factor set, flows, units, currencies, yes/no, data quality, the
waste columns), date columns formatted as dates, an "Instructions" sheet and an
"Activities" sheet listing the factor set. The reader reads only the contract's sheets,
so the filled-in workbook is a ledger as it stands.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from isbenefit import messages
from isbenefit.ledger import contract
from isbenefit.ledger.contract import EXCHANGES, INPUT_UNITS, LEDGER_UNITS
from isbenefit.ledger.rates import shipped_rates
from isbenefit.ledger.waste import ewc_codes
from isbenefit.messages import language, say
from isbenefit.scoring.factorset import VINTAGE_MARK, FactorSet
from isbenefit.workbooks import neutralised, workbook_bytes

if TYPE_CHECKING:
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.worksheet import Worksheet

LANGUAGES = messages.LANGUAGES  # the Instructions sheet, comments and drop-down help
ROWS = 1000  # rows 2..ROWS+1 carry the drop-downs and formats
ACTIVITIES_SHEET = "Activities"
HEATING_VALUES_SHEET = "Heating values"
LISTS_SHEET = "Lists"
INSTRUCTIONS_SHEET = "Instructions"
DATE_FORMAT = "yyyy-mm-dd"
ACTIVITY_LIST_COLUMNS = ("id", "name", "kind", "unit", "region", "source", "year")


def _sorted(values: tuple[str, ...]) -> list[str]:
    """Alphabetical regardless of case, `L` before `l`: the same order in every process
    (sorting by `str.lower` alone kept set order between `l` and `L`)."""
    return sorted(values, key=lambda value: (value.lower(), value))


def template_sheets() -> dict[str, tuple[contract.Column, ...]]:
    """The contract's sheets and columns, in the order the template gives them."""
    return {sheet.name: sheet.columns for sheet in contract.template_order()}


def _lists() -> dict[str, list[str]]:
    """The values each drop-down offers, in the order the columns first use them."""
    sources = {
        **{name: list(values) for name, values in contract.ENUMS.items()},
        "unit": _sorted(LEDGER_UNITS),
        "input_unit": _sorted(INPUT_UNITS),
        "currency": shipped_rates().currencies(),
        "ewc_code": [
            code + ("*" if hazardous else "") for code, (hazardous, _) in ewc_codes().items()
        ],
    }
    used = [c.choices for columns in template_sheets().values() for c in columns]
    return {name: sources[name] for name in dict.fromkeys(used) if name in sources}


def _activity_rows(factor_set: FactorSet) -> list[list[str]]:
    """One row per activity a ledger may name (vintages `ID@YEAR` are chosen for it)."""
    records = factor_set.activities.to_dict("records")
    fields = ("id", "name", "kind", "unit", "location", "source", "year")
    return sorted([str(row[c]) for c in fields] for row in records if VINTAGE_MARK not in row["id"])


def _instructions(factor_set: FactorSet) -> list[str]:
    required = ", ".join(EXCHANGES.required_names)
    title = factor_set.meta.get("title", "")
    return [
        say(messages.TEMPLATE_TITLE),
        "",
        say(messages.TEMPLATE_ROWS),
        say(messages.TEMPLATE_REQUIRED, columns=required),
        say(messages.TEMPLATE_OPTIONAL_SHEETS),
        say(messages.TEMPLATE_COMMENTS),
        say(
            messages.TEMPLATE_ACTIVITIES, id=factor_set.id, version=factor_set.version, title=title
        ),
        say(messages.TEMPLATE_FORMATS),
        say(messages.TEMPLATE_OWN_COLUMNS),
        "",
        say(messages.TEMPLATE_RUN),
        say(messages.TEMPLATE_NOT_READ),
        say(messages.TEMPLATE_EWC),
    ]


def template_bytes(factor_set: FactorSet, lang: str = "en") -> bytes:
    """The blank ledger workbook as .xlsx bytes; the same factor set gives the same bytes.

    Sheet names and column headers are the contract's ids in every language; the
    instructions, header comments and drop-down messages are in ``lang``."""
    if lang not in LANGUAGES:
        raise ValueError(f"language {lang!r} not available; available: {', '.join(LANGUAGES)}")
    with language(lang):
        return _template_bytes(factor_set)


def _template_bytes(factor_set: FactorSet) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

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
    if factor_set.heating_values:  # what an exchange's heating_value may name
        _write_heating_values(workbook.create_sheet(HEATING_VALUES_SHEET), factor_set)
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


def _write_heating_values(sheet: Worksheet, factor_set: FactorSet) -> None:
    from openpyxl.styles import Font

    sheet.append(["fuel", "unit", "ncv_kwh", "gcv_kwh", "source", "source_ref", "year"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for fuel in sorted(factor_set.heating_values):
        for value in factor_set.heating_values[fuel]:
            sheet.append(
                [fuel, value.unit, value.ncv_kwh, value.gcv_kwh]
                + [neutralised(text) for text in (value.source, value.source_ref, value.year)]
            )
    for letter, width in zip("ABCDEFG", (18, 6, 10, 10, 12, 60, 6), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"


def _write_header(
    sheet: Worksheet,
    columns: tuple[contract.Column, ...],
    ranges: dict[str, str],
    activities: int,
) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    # Only the exchanges sheet is required: the others' required columns stay grey.
    required = set(EXCHANGES.required_names) if sheet.title == EXCHANGES.name else set()
    for number, column in enumerate(columns, start=1):
        cell = sheet.cell(1, number, column.name)
        cell.font = Font(bold=True, color="000000" if column.name in required else "404040")
        cell.comment = Comment(
            _comment(column, column.name in required), "isbenefit", width=320, height=130
        )
        letter = get_column_letter(number)
        sheet.column_dimensions[letter].width = max(12, len(column.name) + 3)
        area = f"{letter}2:{letter}{ROWS + 1}"
        validation = _validation(column, ranges, activities)
        if validation is not None:
            validation.add(area)
            sheet.add_data_validation(validation)
        if column.kind == contract.DATE:
            sheet.column_dimensions[letter].number_format = DATE_FORMAT
            dates = DataValidation(
                type="date",
                operator="greaterThan",
                formula1="36526",  # the serial number of 2000-01-01
                showErrorMessage=True,
                errorTitle=column.name,
                error=say(messages.ENTER_A_DATE),
            )
            dates.add(area)
            sheet.add_data_validation(dates)
    sheet.freeze_panes = "A2"


def _comment(column: contract.Column, required: bool) -> str:
    """A header's comment: what the column means, its unit, an example, whether required."""
    lines = [say(column.meaning)]
    if column.unit:
        lines.append(say(messages.COMMENT_UNIT, unit=say(column.unit)))
    lines.append(say(messages.COMMENT_EXAMPLE, example=column.example))
    if required:
        lines.append(say(messages.COMMENT_REQUIRED))
    return "\n".join(lines)


def _validation(
    column: contract.Column, ranges: dict[str, str], activities: int
) -> DataValidation | None:
    from openpyxl.worksheet.datavalidation import DataValidation

    if column.choices == "activity":
        source = f"{ACTIVITIES_SHEET}!$A$2:$A${activities + 1}"
    elif column.choices in ranges:
        source = ranges[column.choices]
    else:
        return None
    # A suggested list allows other values: `none` in the baselines sheet, a currency
    # without a shipped rate (given a rates row), an EWC code typed without spaces.
    strict = not column.suggested
    return DataValidation(
        type="list",
        formula1=f"={source}",
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="stop" if strict else "warning",
        errorTitle=column.name,
        error=say(messages.CHOOSE_FROM_LIST, column=column.name),
        promptTitle=column.name,
        prompt=say(column.meaning)[:255],
        showInputMessage=False,
    )
