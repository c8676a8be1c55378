"""Reading a ledger's sheets as text, exactly as the user wrote them.

A ledger is an `.xlsx` workbook, a folder with one CSV per sheet, or a single
`exchanges.csv`. Every cell is read as text (blank = ""), so nothing the user
gave is changed before it is checked; row numbers are kept as a spreadsheet
shows them (the header is row 1).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from isbenefit.errors import InputError, Problem

SHEETS = ("organisations", "exchanges", "inputs", "rates", "baselines")
ROW_COLUMN = "_row"
_PADDING = re.compile(r"(^|\x1f)\s|\s($|\x1f)")
FIRST_DATA_ROW = 2


@dataclass(frozen=True)
class RawSheet:
    """One sheet as text. ``file`` is what error messages name; ``table`` has a `_row` column."""

    name: str
    file: str
    table: pd.DataFrame


@dataclass(frozen=True)
class RawLedger:
    path: Path
    sheets: dict[str, RawSheet]


def read_ledger(path: Path | str) -> RawLedger:
    """Read every sheet of a ledger as text; InputError listing all unreadable parts."""
    ledger_path = Path(path)
    if ledger_path.is_dir():
        return RawLedger(ledger_path, _read_csv_folder(ledger_path))
    if not ledger_path.exists():
        raise InputError.one(
            file=str(ledger_path),
            message="ledger not found",
            fix="give the path of an .xlsx workbook, a folder of CSVs or an exchanges.csv",
        )
    suffix = ledger_path.suffix.lower()
    if suffix == ".xlsx":
        return RawLedger(ledger_path, _read_workbook(ledger_path))
    if suffix == ".csv":
        sheet = _read_csv(ledger_path, "exchanges")
        return RawLedger(ledger_path, {"exchanges": sheet})
    raise InputError.one(
        file=str(ledger_path),
        value=ledger_path.suffix,
        message="unsupported ledger file type",
        fix="save the ledger as .xlsx, or as CSV files in a folder",
    )


def _read_csv_folder(folder: Path) -> dict[str, RawSheet]:
    sheets: dict[str, RawSheet] = {}
    problems: list[Problem] = []
    for name in SHEETS:
        candidates = [p for p in folder.iterdir() if p.name.lower() == f"{name}.csv"]
        if not candidates:
            continue
        try:
            sheets[name] = _read_csv(candidates[0], name)
        except InputError as error:
            problems.extend(error.problems)
    if problems:
        raise InputError(problems)
    return sheets


def _read_csv(path: Path, sheet: str) -> RawSheet:
    raw = path.read_bytes()
    if not raw.strip():
        raise InputError.one(
            file=str(path),
            sheet=sheet,
            message="the file is empty",
            fix="add a header row and the data rows",
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise InputError.one(
            file=str(path),
            sheet=sheet,
            row=line,
            message=f"not valid UTF-8 (byte {error.start})",
            fix="save the file as CSV UTF-8 (in Excel: 'CSV UTF-8 (Comma delimited)')",
        ) from None
    try:
        table = pd.read_csv(
            io.StringIO(text), dtype=str, keep_default_na=False, skip_blank_lines=False
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise InputError.one(
            file=str(path),
            sheet=sheet,
            message=f"malformed CSV: {error}",
            fix="check quoting and that every row has as many fields as the header",
        ) from None
    return _as_sheet(table, sheet, str(path))


def _read_workbook(path: Path) -> dict[str, RawSheet]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as error:
        raise InputError.one(
            file=str(path),
            message=f"not a readable .xlsx workbook ({error})",
            fix="open it in a spreadsheet program and save it as .xlsx",
        ) from None
    try:
        names = {name.strip().lower(): name for name in workbook.sheetnames}
        sheets = {}
        for sheet in SHEETS:
            if sheet in names:
                rows = list(workbook[names[sheet]].iter_rows(values_only=True))
                sheets[sheet] = _sheet_from_rows(rows, sheet, path.name)
    finally:
        workbook.close()
    return sheets


def _sheet_from_rows(rows: list[tuple[object, ...]], sheet: str, file: str) -> RawSheet:
    if not rows or all(cell is None for cell in rows[0]):
        raise InputError.one(
            file=file,
            sheet=sheet,
            row=1,
            message="the sheet has no header row",
            fix="put the column names in row 1",
        )
    header = [_cell_text(cell) for cell in rows[0]]
    width = len(header)
    body = [
        [_cell_text(cell) for cell in row[:width]] + [""] * (width - len(row)) for row in rows[1:]
    ]
    return _as_sheet(pd.DataFrame(body, columns=header, dtype=object), sheet, file)


def _cell_text(cell: object) -> str:
    """A workbook cell as the text a user would type for it."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "yes" if cell else "no"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat() if cell.time() == dt.time() else cell.isoformat()
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return str(cell)


def _as_sheet(table: pd.DataFrame, sheet: str, file: str) -> RawSheet:
    columns = [str(c).strip().lower() for c in table.columns]
    problems = []
    seen: set[str] = set()
    for column in columns:
        if column in seen:
            problems.append(
                Problem(
                    file=file,
                    sheet=sheet,
                    row=1,
                    column=column,
                    message="column appears twice",
                    fix="delete or rename one",
                )
            )
        seen.add(column)
    if problems:
        raise InputError(problems)
    table = table.astype(str)
    padded = [c for c in table.columns if _has_padding(table[c])]
    if padded:
        table[padded] = table[padded].apply(lambda column: column.str.strip())
    table.columns = pd.Index(columns)
    unnamed = [c for c in columns if not c or c.startswith("unnamed:")]
    for column in unnamed:
        if (table[column] != "").any():
            raise InputError.one(
                file=file,
                sheet=sheet,
                row=1,
                column=f"#{columns.index(column) + 1}",
                message="a column holds data but has no header",
                fix="give the column a name in row 1 or delete its data",
            )
    table = table.drop(columns=unnamed)
    table[ROW_COLUMN] = range(FIRST_DATA_ROW, FIRST_DATA_ROW + len(table))
    blank = (table.drop(columns=ROW_COLUMN) == "").all(axis=1)
    return RawSheet(sheet, file, table.loc[~blank].reset_index(drop=True))


def _has_padding(column: pd.Series) -> bool:
    """Whether any cell starts or ends with whitespace (one C-level scan, not one per cell)."""
    joined = "\x1f".join(column.tolist())
    return _PADDING.search(joined) is not None
