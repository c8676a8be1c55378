"""Reading a ledger's sheets as text, exactly as the user wrote them.

A ledger is an `.xlsx` workbook, a folder with one CSV per sheet, or a single
`exchanges.csv`. Every cell is read as text (blank = ""), so nothing the user
gave is changed before it is checked; row numbers are kept as a spreadsheet
shows them (the header is row 1). A CSV's delimiter (`,`, `;` or tab) is found from its
header line; in a `;`-delimited CSV, decimal commas of number columns are read as the
decimal points a workbook would hold. Limits (:mod:`isbenefit.ledger.limits`) refuse a
file too large, too wide or too long before it is parsed.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from isbenefit.errors import InputError, Problem
from isbenefit.ledger.contract import SHEET_NAMES, decimal_comma_columns
from isbenefit.ledger.formulas import formula_problems, formulas_without_value
from isbenefit.ledger.limits import Limits, current_limits, variable_of

SHEETS = SHEET_NAMES
ROW_COLUMN = "_row"
FIRST_DATA_ROW = 2
DELIMITERS = (",", ";", "\t")
# Columns holding numbers, in any sheet: in a `;`-delimited CSV (what Excel saves where
# `,` is the decimal mark) their decimal commas are read as decimal points.
NUMBER_COLUMNS = decimal_comma_columns()
_DECIMAL_COMMA = re.compile(r"^[+-]?(\d+,\d*|,\d+)([eE][+-]?\d+)?$")
_GROUPED = re.compile(r"^[+-]?[1-9]\d{0,2}(\.\d{3})+$")  # 1.500: 1500 or 1.5?
LISTED_PER_COLUMN = 20


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
    """Read every sheet of a ledger as text; InputError listing all unreadable parts.

    Files beyond the limits of :mod:`isbenefit.ledger.limits` (size, rows, columns, cell
    length) and anything but regular files (a folder, a pipe, a device) are refused
    before they are parsed.
    """
    ledger_path = Path(path)
    limits = current_limits()
    if ledger_path.is_dir():
        return RawLedger(ledger_path, _read_csv_folder(ledger_path, limits))
    if not ledger_path.exists():
        raise InputError.one(
            file=str(ledger_path),
            message="ledger not found",
            fix="give the path of an .xlsx workbook, a folder of CSVs or an exchanges.csv",
        )
    suffix = ledger_path.suffix.lower()
    if suffix == ".xlsx":
        _require_regular_file(ledger_path, None, limits)
        return RawLedger(ledger_path, _read_workbook(ledger_path, limits))
    if suffix == ".csv":
        sheet = _read_csv(ledger_path, "exchanges", limits)
        return RawLedger(ledger_path, {"exchanges": sheet})
    raise InputError.one(
        file=str(ledger_path),
        value=ledger_path.suffix,
        message="unsupported ledger file type",
        fix="save the ledger as .xlsx, or as CSV files in a folder",
    )


def _require_regular_file(path: Path, sheet: str | None, limits: Limits) -> None:
    """Refuse a folder, a pipe or a device where a file is expected, and a file too large.

    ``os.stat`` never blocks (opening a FIFO would wait for a writer forever).
    """
    try:
        status = path.stat()
    except OSError as error:
        raise InputError.one(
            file=str(path),
            sheet=sheet,
            message=f"cannot be read ({error.strerror or error})",
            fix="check that the file exists and that you may read it",
        ) from None
    if not stat.S_ISREG(status.st_mode):
        what = "a folder" if stat.S_ISDIR(status.st_mode) else "a pipe, socket or device"
        raise InputError.one(
            file=str(path),
            sheet=sheet,
            message=f"is {what}, not a file",
            fix="save the sheet as a regular .csv (or the ledger as an .xlsx) file",
        )
    if status.st_size > limits.file_bytes:
        raise InputError.one(
            file=str(path),
            sheet=sheet,
            message=f"the file has {status.st_size:,} bytes, more than the limit of "
            f"{limits.file_bytes:,}",
            fix=f"split the ledger, or raise the limit with {variable_of('file_bytes')} (in MB)",
        )


def _read_csv_folder(folder: Path, limits: Limits) -> dict[str, RawSheet]:
    sheets: dict[str, RawSheet] = {}
    problems: list[Problem] = []
    for name in SHEETS:
        candidates = [p for p in folder.iterdir() if p.name.lower() == f"{name}.csv"]
        if not candidates:
            continue
        try:
            sheets[name] = _read_csv(candidates[0], name, limits)
        except InputError as error:
            problems.extend(error.problems)
    if problems:
        raise InputError(problems)
    return sheets


def _read_csv(path: Path, sheet: str, limits: Limits) -> RawSheet:
    _require_regular_file(path, sheet, limits)
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
            value=repr(raw[error.start : error.start + 1])[1:],
            message=f"not valid UTF-8 (byte {error.start}; the file looks saved as "
            "Latin-1/Windows-1252)",
            fix="save the file as CSV UTF-8 (in Excel: 'CSV UTF-8 (Comma delimited)')",
        ) from None
    delimiter = _delimiter(text, str(path), sheet)
    header_fields = _header_field_count(text, delimiter)
    if header_fields > limits.columns:
        raise _too_many_columns(str(path), sheet, header_fields, limits)
    try:
        table = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            header=None,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise InputError.one(
            file=str(path),
            sheet=sheet,
            message=f"malformed CSV: {error}",
            fix="check quoting and that every row has as many fields as the header",
        ) from None
    if len(table) - 1 > limits.rows:
        raise _too_many_rows(str(path), sheet, len(table) - 1, limits)
    table = table.fillna("")
    if len(text) > limits.cell_chars:
        _check_cell_lengths(table, str(path), sheet, limits)
    header = [str(cell) for cell in table.iloc[0]]
    body = table.iloc[1:].reset_index(drop=True)
    body.columns = pd.RangeIndex(len(header))
    return _as_sheet(body, header, sheet, str(path), decimal_comma=delimiter == ";")


def _delimiter(text: str, file: str, sheet: str) -> str:
    """The field delimiter, from the header line: `,`, or `;` (what Excel saves where `,`
    is the decimal mark), or a tab; the one found most often outside quotes."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for character in _header_line(text):
        if character == '"':
            quoted = not quoted
        elif not quoted and character in counts:
            counts[character] += 1
    most = max(counts.values())
    found = [d for d, count in counts.items() if count == most]
    if most == 0:
        return ","
    if len(found) > 1:
        shown = " and ".join(repr(d) for d in found)
        raise InputError.one(
            file=file,
            sheet=sheet,
            row=1,
            message=f"cannot tell the delimiter: the header has as many {shown}",
            fix="save the file as CSV UTF-8 with one delimiter (',' or ';') between the "
            "column names",
        )
    return found[0]


def _header_field_count(text: str, delimiter: str) -> int:
    """Fields of the header line, delimiters inside quotes not counted."""
    import csv

    line = _header_line(text)
    return max(1, len(next(csv.reader([line], delimiter=delimiter), [""])))


def _header_line(text: str) -> str:
    """The first line, ended by the first line break outside quotes: `\n`, `\r\n` or
    a lone `\r` (what Excel for Mac saved as "CSV (Macintosh)")."""
    quoted = False
    for index, character in enumerate(text):
        if character == '"':
            quoted = not quoted
        elif not quoted and character in "\r\n":
            return text[:index]
    return text


def _too_many_columns(
    file: str, sheet: str, count: int, limits: Limits, row: int = 1
) -> InputError:
    return InputError.one(
        file=file,
        sheet=sheet,
        row=row,
        message=f"the sheet has {count:,} columns, more than the limit of {limits.columns:,}",
        fix=f"delete the empty or unused columns, or raise the limit with {variable_of('columns')}",
    )


def _too_many_rows(file: str, sheet: str, count: int, limits: Limits) -> InputError:
    return InputError.one(
        file=file,
        sheet=sheet,
        message=f"the sheet has {count:,} or more data rows, more than the limit of "
        f"{limits.rows:,}",
        fix="split the ledger, delete rows below the data, or raise the limit with "
        f"{variable_of('rows')}",
    )


def _too_long(
    file: str, sheet: str, row: int, column: str, length: int, limits: Limits
) -> InputError:
    return InputError.one(
        file=file,
        sheet=sheet,
        row=row,
        column=column,
        message=f"the cell holds {length:,} characters, more than the limit of "
        f"{limits.cell_chars:,}",
        fix="shorten the text (keep long evidence in a document and give its reference), "
        f"or raise the limit with {variable_of('cell_chars')}",
    )


def _check_cell_lengths(table: pd.DataFrame, file: str, sheet: str, limits: Limits) -> None:
    """Refuse the first cell longer than the limit (``table``'s row 0 is the header)."""
    for position in range(table.shape[1]):
        lengths = table.iloc[:, position].str.len().to_numpy()
        over = np.flatnonzero(lengths > limits.cell_chars)
        if len(over):
            index = int(over[0])
            column = str(table.iat[0, position]) if index else f"#{position + 1}"
            raise _too_long(file, sheet, index + 1, column, int(lengths[index]), limits)


def _read_workbook(path: Path, limits: Limits) -> dict[str, RawSheet]:
    from openpyxl import load_workbook

    _check_unpacked_sizes(path, limits)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # a damaged file breaks openpyxl in many ways
        raise _damaged(path, error) from None
    try:
        names: dict[str, list[str]] = {}
        for name in workbook.sheetnames:
            names.setdefault(name.strip().lower(), []).append(name)
        sheets = {}
        for sheet in SHEETS:
            found = names.get(sheet, [])
            if len(found) > 1:
                raise InputError.one(
                    file=str(path),
                    sheet=sheet,
                    message="two sheets are named " + " and ".join(repr(n) for n in found),
                    fix="keep one sheet of that name (names are read without case and "
                    "surrounding spaces)",
                )
            if found:
                worksheet = workbook[found[0]]
                if not hasattr(worksheet, "iter_rows"):  # a chart sheet holds no cells
                    raise InputError.one(
                        file=str(path),
                        sheet=sheet,
                        message=f"the sheet {found[0]!r} is a chart sheet, not a sheet of cells",
                        fix=f"give the ledger's {sheet} as a sheet of cells; name the chart "
                        "otherwise",
                    )
                sheets[sheet] = _sheet_from_worksheet(worksheet, sheet, path, limits)
                _refuse_formulas_without_value(worksheet, sheets[sheet], path)
    finally:
        workbook.close()
    return sheets


def _refuse_formulas_without_value(worksheet: Any, sheet: RawSheet, path: Path) -> None:
    """An error for every formula cell with no stored value (read as blank otherwise)."""
    cells = formulas_without_value(worksheet)
    if cells:
        rows = worksheet.iter_rows(min_row=1, max_row=1, values_only=True)
        try:
            header = [_cell_text(cell).strip().lower() for cell in next(rows, ())]
        finally:
            rows.close()  # the generator holds the sheet's part open
        raise InputError(formula_problems(cells, header, path.name, sheet.name))


def _damaged(path: Path, error: BaseException) -> InputError:
    detail = str(error).splitlines()[0][:200] if str(error) else type(error).__name__
    return InputError.one(
        file=str(path),
        message=f"not a readable .xlsx workbook ({detail})",
        fix="open it in a spreadsheet program and save it as .xlsx",
    )


def _check_unpacked_sizes(path: Path, limits: Limits) -> None:
    """Refuse a workbook whose parts unzip to more than the limit, before parsing any.

    The sizes are those the zip declares; :mod:`zipfile` never unpacks more than that.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            parts = [(info.filename, info.file_size) for info in archive.infolist()]
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise _damaged(path, error) from None
    total = sum(size for _, size in parts)
    if total > limits.unpacked_bytes:
        largest, size = max(parts, key=lambda part: part[1])
        raise InputError.one(
            file=str(path),
            message=f"the workbook unzips to {total:,} bytes (largest part {largest}: "
            f"{size:,} bytes), more than the limit of {limits.unpacked_bytes:,}",
            fix="check the file (a single cell or sheet this large is not a ledger), split "
            f"the ledger, or raise the limit with {variable_of('unpacked_bytes')} (in MB)",
        )


def _sheet_from_worksheet(worksheet: Any, sheet: str, path: Path, limits: Limits) -> RawSheet:
    """One worksheet's cells as text, streamed row by row within the limits.

    The dimension the sheet declares is ignored (a tiny file may declare A1:XFD1048576);
    only rows and cells present in its XML are read.
    """
    file = path.name
    worksheet.reset_dimensions()
    rows = worksheet.iter_rows(values_only=True)
    header: list[str] | None = None
    body: list[list[str]] = []
    numbers: list[int] = []
    row_number = 0
    while True:
        try:
            cells = next(rows, None)
        except Exception as error:  # damaged XML, a cut-short part, ...
            raise _damaged(path, error) from None
        if cells is None:
            break
        row_number += 1
        texts = _row_texts(cells, header, sheet, file, row_number, limits)
        if texts is None:
            if header is None:
                break  # row 1 blank: reported below
            continue
        if header is None:
            header = texts
            continue
        if len(texts) > len(header):
            raise InputError.one(
                file=file,
                sheet=sheet,
                row=row_number,
                column=f"#{len(texts)}",
                message="a column holds data but has no header",
                fix="give the column a name in row 1 or delete its data",
            )
        if len(body) >= limits.rows:
            raise _too_many_rows(file, sheet, len(body) + 1, limits)
        body.append(texts + [""] * (len(header) - len(texts)))
        numbers.append(row_number)
    if header is None:
        raise InputError.one(
            file=file,
            sheet=sheet,
            row=1,
            message="the sheet has no header row",
            fix="put the column names in row 1",
        )
    table = pd.DataFrame(body, columns=pd.RangeIndex(len(header)), dtype=object)
    return _as_sheet(table, header, sheet, file, rows=np.asarray(numbers, dtype=np.int64))


def _row_texts(
    cells: tuple[object, ...],
    header: list[str] | None,
    sheet: str,
    file: str,
    row_number: int,
    limits: Limits,
) -> list[str] | None:
    """A worksheet row's cells as text up to its last non-empty one; None when blank."""
    width = len(cells)
    while width and cells[width - 1] is None:
        width -= 1
    if not width:
        return None
    if width > limits.columns:
        raise _too_many_columns(file, sheet, width, limits, row_number)
    texts = [_cell_text(cell) for cell in cells[:width]]
    longest = max(range(width), key=lambda i: len(texts[i]))
    if len(texts[longest]) > limits.cell_chars:
        column = header[longest] if header and longest < len(header) else f"#{longest + 1}"
        raise _too_long(file, sheet, row_number, column, len(texts[longest]), limits)
    return texts


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


def _as_sheet(
    table: pd.DataFrame,
    header: list[str],
    sheet: str,
    file: str,
    *,
    decimal_comma: bool = False,
    rows: np.ndarray | None = None,
) -> RawSheet:
    """A sheet from its header and its body (text cells, columns by position).

    ``rows`` are the spreadsheet rows of the body (default: from row 2 on, one per line).
    A column named twice is an error (pandas would rename the second `quantity.1`).
    """
    names = [str(c).strip().lower() for c in header]
    problems = []
    first: dict[str, int] = {}
    for position, name in enumerate(names):
        if not name:
            continue
        if name in first:
            problems.append(
                Problem(
                    file=file,
                    sheet=sheet,
                    row=1,
                    column=name,
                    message=f"column appears twice (columns {first[name] + 1} and {position + 1})",
                    fix="delete or rename one",
                )
            )
        else:
            first[name] = position
    if problems:
        raise InputError(problems)
    table = table.astype(str)
    unnamed = [position for position, name in enumerate(names) if not name]
    for position in unnamed:
        if (table[position] != "").any():
            raise InputError.one(
                file=file,
                sheet=sheet,
                row=1,
                column=f"#{position + 1}",
                message="a column holds data but has no header",
                fix="give the column a name in row 1 or delete its data",
            )
    table = table.drop(columns=unnamed)
    padded = [c for c in table.columns if _has_padding(table[c])]
    if padded:
        table[padded] = table[padded].apply(lambda column: column.str.strip())
    table.columns = pd.Index([names[int(position)] for position in table.columns])
    table[ROW_COLUMN] = (
        rows if rows is not None else np.arange(FIRST_DATA_ROW, FIRST_DATA_ROW + len(table))
    )
    if decimal_comma:
        table = _read_decimal_commas(table, sheet, file)
    blank = (table.drop(columns=ROW_COLUMN) == "").all(axis=1)
    return RawSheet(sheet, file, table.loc[~blank].reset_index(drop=True))


def _read_decimal_commas(table: pd.DataFrame, sheet: str, file: str) -> pd.DataFrame:
    """Number columns of a `;`-delimited CSV: `12,5` read as `12.5`; `1.500` and `1.234,5`
    (a thousands separator, or not?) refused, naming the cell."""
    problems: list[Problem] = []
    for column in [c for c in table.columns if c in NUMBER_COLUMNS]:
        text = table[column]
        comma = text.str.match(_DECIMAL_COMMA)
        both = text.str.contains(",", regex=False) & text.str.contains(".", regex=False)
        ambiguous = (text.str.match(_GROUPED) | both).to_numpy()
        rows = table[ROW_COLUMN].to_numpy(dtype=np.int64)
        for position in np.flatnonzero(ambiguous)[:LISTED_PER_COLUMN]:
            problems.append(
                Problem(
                    file=file,
                    sheet=sheet,
                    row=int(rows[position]),
                    column=column,
                    value=str(text.iat[position]),
                    message="ambiguous number in a ';'-separated file: '.' may be a "
                    "thousands separator here",
                    fix="write the number without thousands separators, with ',' as the "
                    "decimal mark (1500 or 1,5; 1234,5)",
                )
            )
        if comma.any():
            table[column] = text.where(~comma, text.str.replace(",", ".", regex=False))
    if problems:
        raise InputError(problems)
    return table


def _has_padding(column: pd.Series) -> bool:
    """Whether any cell starts or ends with whitespace: whether `str.strip` (which strips
    them) would change a cell. Two C-level passes, no Python loop per cell."""
    cells = column.tolist()
    return any(map(str.__ne__, cells, map(str.strip, cells)))


def check_text_limits(
    file: str, sheet: str, header: list[str], rows: list[list[str]]
) -> list[Problem]:
    """What a sheet given as text in memory (a web form's or an API's rows) holds beyond
    the limits a file is held to: too many columns or rows, a cell too long."""
    limits = current_limits()
    if len(header) > limits.columns:
        return list(_too_many_columns(file, sheet, len(header), limits).problems)
    if len(rows) > limits.rows:
        return list(_too_many_rows(file, sheet, len(rows), limits).problems)
    for number, row in enumerate(rows, start=FIRST_DATA_ROW):
        for column, cell in zip(header, row, strict=False):
            if len(cell) > limits.cell_chars:
                return list(_too_long(file, sheet, number, column, len(cell), limits).problems)
    return []
