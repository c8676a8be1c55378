"""Writing a few cells into an existing .xlsx without touching anything else.

openpyxl rewrites a whole workbook when it saves one, and drops what it does not model:
EFRAG's VSME template loses its data-validation extensions (the drop-downs that read
other sheets), its in-cell check boxes (the feature property bag) and more. So the
template is copied zip entry by zip entry, byte for byte, and only the sheet parts that
receive values are edited as text: each target cell keeps its style (`s`) and gets an
inline string, a number or a boolean. `xl/workbook.xml` is told to recalculate on load
(`fullCalcOnLoad`), so the template's totals and checks reflect the values at once. Entries
keep the template's order, names, dates and compression: the same values give the same
bytes.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping
from xml.sax.saxutils import escape

CellValue = str | float | int | bool

_CELL = re.compile(r"<c r=\"(?P<ref>[A-Z]+\d+)\"(?P<attrs>[^>]*?)(?:/>|>.*?</c>)", re.DOTALL)
_REF = re.compile(r"^([A-Z]+)(\d+)$")
# Characters XML 1.0 does not allow (a cell cannot hold them).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _split(ref: str) -> tuple[int, int]:
    match = _REF.match(ref)
    if match is None:
        raise ValueError(f"not a cell reference: {ref!r}")
    return int(match.group(2)), column_number(match.group(1))


def cell_xml(ref: str, style: str | None, value: CellValue) -> str:
    """One `<c>` element holding ``value`` (text as an inline string, never a formula)."""
    styled = f' s="{style}"' if style is not None else ""
    if isinstance(value, bool):
        return f'<c r="{ref}"{styled} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"{styled}><v>{value!r}</v></c>'
    text = escape(_NOT_XML.sub("", value))
    return f'<c r="{ref}"{styled} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def _style(attrs: str) -> str | None:
    match = re.search(r'\bs="(\d+)"', attrs)
    return match.group(1) if match else None


def set_cells(sheet: str, values: Mapping[str, CellValue]) -> str:
    """The sheet part's XML with ``values`` written into their cells.

    A cell already in the part keeps its style; a missing cell is inserted in column
    order in its row, a missing row in row order. Nothing else of the part changes.
    """
    by_row: dict[int, dict[int, tuple[str, CellValue]]] = {}
    for ref, value in values.items():
        row, column = _split(ref)
        by_row.setdefault(row, {})[column] = (ref, value)
    for row, cells in sorted(by_row.items()):
        sheet = _set_row(sheet, row, cells)
    return sheet


def _set_row(sheet: str, row: int, cells: dict[int, tuple[str, CellValue]]) -> str:
    found = re.search(rf'<row r="{row}"(?P<attrs>[^>]*?)(?P<empty>/)?>', sheet)
    if found is None:
        start = sheet.index("<sheetData")
        later = [m for m in re.finditer(r'<row r="(\d+)"', sheet[start:]) if int(m.group(1)) > row]
        at = start + later[0].start() if later else sheet.index("</sheetData>")
        body = "".join(cell_xml(ref, None, value) for _, (ref, value) in sorted(cells.items()))
        return sheet[:at] + f'<row r="{row}">{body}</row>' + sheet[at:]
    if found.group("empty"):
        opening = f'<row r="{row}"{found.group("attrs")}>'
        content, end = "", found.end()
        closing_end = end
    else:
        opening = found.group(0)
        end = found.end()
        closing = sheet.index("</row>", end)
        content, closing_end = sheet[end:closing], closing + len("</row>")
    matches = list(_CELL.finditer(content))
    if "".join(m.group(0) for m in matches) != content:
        raise ValueError(f"row {row} holds more than cells; it is not rewritten")
    existing = {_split(m.group("ref"))[1]: m for m in matches}
    parts: list[tuple[int, str]] = [
        (column, match.group(0)) for column, match in existing.items() if column not in cells
    ]
    for column, (ref, value) in cells.items():
        old = existing.get(column)
        parts.append((column, cell_xml(ref, _style(old.group("attrs")) if old else None, value)))
    body = "".join(xml for _, xml in sorted(parts))
    return sheet[: found.start()] + opening + body + "</row>" + sheet[closing_end:]


def recalculate_on_load(workbook: str) -> str:
    """`xl/workbook.xml` telling Excel and LibreOffice to recalculate every formula on open
    (cached results of the template's totals would otherwise show the empty template's)."""
    if "fullCalcOnLoad" in workbook:
        return workbook
    if "<calcPr" in workbook:
        return workbook.replace("<calcPr", '<calcPr fullCalcOnLoad="1"', 1)
    return workbook.replace("</workbook>", '<calcPr fullCalcOnLoad="1"/></workbook>', 1)


def filled_copy(
    template: bytes, sheets: Mapping[str, Mapping[str, CellValue]], recalculate: bool = True
) -> bytes:
    """The template with ``sheets`` (zip part name, e.g. `xl/worksheets/sheet5.xml`, to
    cell values) written in; every other part copied byte for byte."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(template)) as source,
        zipfile.ZipFile(out, "w") as target,
    ):
        for entry in source.infolist():
            data = source.read(entry.filename)
            if entry.filename in sheets:
                data = set_cells(data.decode("utf-8"), sheets[entry.filename]).encode("utf-8")
            elif recalculate and entry.filename == "xl/workbook.xml":
                data = recalculate_on_load(data.decode("utf-8")).encode("utf-8")
            info = zipfile.ZipInfo(entry.filename, date_time=entry.date_time)
            info.compress_type = entry.compress_type
            info.external_attr = entry.external_attr
            target.writestr(info, data)
    return out.getvalue()
