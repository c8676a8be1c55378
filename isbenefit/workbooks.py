"""Writing .xlsx workbooks byte for byte reproducibly, and text cells that stay text.

openpyxl stamps a workbook with the time it was made and saved (docProps/core.xml) and
zips every part with the current time; both are fixed here, so the same input gives the
same bytes. Text that a spreadsheet could take for a formula is neutralised as OWASP's
CSV-injection guidance says: a leading `'` (text that is a plain number, `-5`, excepted).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from openpyxl import Workbook

# The fixed creation and modification time of every workbook isbenefit writes.
FIXED_TIME = dt.datetime(2000, 1, 1, 0, 0, 0)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Text that is a plain number (`-5`, `+1.5e3`) is no formula, and stays as it is (as in
# the CSVs, results/files.py).
PLAIN_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def neutralised(text: str) -> str:
    """``text`` with a leading `'` when a spreadsheet would read it as a formula (OWASP's
    CSV-injection guidance; the CSVs apply the same rule column-wise)."""
    if text.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.match(text):
        return "'" + text
    return text


def workbook_bytes(workbook: Workbook, creator: str = "isbenefit") -> bytes:
    """The workbook as .xlsx bytes with fixed timestamps: same workbook, same bytes."""
    from openpyxl.writer.excel import ExcelWriter

    properties = workbook.properties
    properties.creator = creator
    properties.lastModifiedBy = creator
    properties.created = FIXED_TIME
    properties.modified = FIXED_TIME
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(workbook, archive).save()
    return _fixed_zip_times(buffer.getvalue())


def _fixed_zip_times(data: bytes) -> bytes:
    """The same zip with every entry dated ``_ZIP_TIME``."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            target.writestr(info, source.read(entry.filename))
    return out.getvalue()
