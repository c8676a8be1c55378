"""A ledger as rows of text, the form the store keeps it in.

:func:`read` takes a ledger file or folder as :mod:`isbenefit.ledger.reading` reads it
(every cell as text, header names in lower case) and keeps each sheet's header order and
rows; :func:`xlsx_bytes` and :func:`write_folder` write it back, every cell a text cell,
so that reading the written ledger gives the same text and the same results.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from isbenefit.ledger.contract import SHEETS as CONTRACT_SHEETS
from isbenefit.ledger.reading import ROW_COLUMN, SHEETS, RawLedger, read_ledger

Row = dict[str, str]
# Each sheet's columns of the contract, the optional extra ones (waste) left out.
CONTRACT_COLUMNS: dict[str, tuple[str, ...]] = {
    name: sheet.fixed for name, sheet in CONTRACT_SHEETS.items()
}


@dataclass
class LedgerData:
    """Headers and rows per sheet; a sheet absent from the ledger is absent here."""

    headers: dict[str, list[str]] = field(default_factory=dict)
    sheets: dict[str, list[Row]] = field(default_factory=dict)
    # Each row's number in the file read (the header is row 1), for messages; not stored.
    numbers: dict[str, list[int]] = field(default_factory=dict)

    def row_number(self, sheet: str, index: int) -> int:
        """The file's row number of the sheet's ``index``-th row (0-based)."""
        numbers = self.numbers.get(sheet, [])
        return numbers[index] if index < len(numbers) else index + 2

    def as_json(self) -> dict[str, Any]:
        return {"headers": self.headers, "sheets": self.sheets}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LedgerData:
        return cls(
            {k: list(v) for k, v in data["headers"].items()},
            {k: [dict(r) for r in v] for k, v in data["sheets"].items()},
        )

    def header(self, sheet: str, rows: Iterable[Row] = ()) -> list[str]:
        """The sheet's header: as imported, then the contract's columns, then any other
        column a row holds (a form adds a column the imported ledger lacked)."""
        names = list(self.headers.get(sheet, []))
        seen = set(names)
        wanted = [c for row in rows for c in row if c not in seen]
        for name in dict.fromkeys(wanted):
            names.append(name)
            seen.add(name)
        return names


def from_raw(raw: RawLedger) -> LedgerData:
    data = LedgerData()
    for name in SHEETS:
        sheet = raw.sheets.get(name)
        if sheet is None:
            continue
        columns = [str(c) for c in sheet.table.columns if c != ROW_COLUMN]
        data.headers[name] = columns
        data.sheets[name] = [
            {column: str(row[column]) for column in columns}
            for row in sheet.table.to_dict("records")
        ]
        if ROW_COLUMN in sheet.table.columns:
            data.numbers[name] = [int(n) for n in sheet.table[ROW_COLUMN]]
    return data


def read(path: Path | str) -> LedgerData:
    """The ledger at ``path`` as text rows (InputError when it cannot be read)."""
    return from_raw(read_ledger(path))


def xlsx_bytes(data: LedgerData) -> bytes:
    """The ledger as an .xlsx workbook: every cell a text cell (a value starting with `=`
    stays text, never a formula), fixed timestamps: same data, same bytes."""
    from openpyxl import Workbook

    from isbenefit.workbooks import workbook_bytes

    workbook = Workbook()
    workbook.remove(workbook.active)
    for name in SHEETS:
        if name not in data.sheets:
            continue
        rows = data.sheets[name]
        header = data.header(name, rows)
        sheet = workbook.create_sheet(name)
        sheet.append(header)
        for row in rows:
            sheet.append([row.get(column, "") or None for column in header])
        for cells in sheet.iter_rows():
            for cell in cells:
                if cell.value is not None:
                    cell.data_type = "s"
    return workbook_bytes(workbook)


def write_folder(data: LedgerData, folder: Path) -> Path:
    """The ledger as a folder of UTF-8 CSV files (one per sheet), for assess and check."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in data.sheets.items():
        header = data.header(name, rows)
        with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as stream:
            writer = csv.writer(stream, lineterminator="\n")
            writer.writerow(header)
            writer.writerows([row.get(column, "") for column in header] for row in rows)
    return folder
