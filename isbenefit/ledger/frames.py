"""A ledger handed over as pandas DataFrames instead of files (the Python API).

``{"exchanges": df, "organisations": df2, ...}`` (sheet name -> DataFrame, the sheets of
docs/formats.md section 1) or one DataFrame (the exchanges sheet). Each cell becomes the
text a user would type for it, as a workbook cell does (:func:`~.reading.cell_text`):
blanks (None, NaN, NaT, pd.NA) as "", whole floats without `.0`, booleans as yes/no,
dates and midnight timestamps as ISO dates. Then every rule of the contract applies as to
a file; problems name the sheet as ``exchanges (DataFrame)`` and the row as a spreadsheet
would show the frame (its first row is row 2).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from isbenefit.errors import InputError
from isbenefit.ledger.reading import SHEETS, RawLedger, _as_sheet, _cell_text

FRAMES_NAME = "<DataFrames>"


def is_frames(ledger: object) -> bool:
    return isinstance(ledger, pd.DataFrame) or (
        isinstance(ledger, Mapping) and all(isinstance(v, pd.DataFrame) for v in ledger.values())
    )


def as_sheets(ledger: pd.DataFrame | Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    frames = {"exchanges": ledger} if isinstance(ledger, pd.DataFrame) else dict(ledger)
    unknown = sorted(name for name in frames if name not in SHEETS)
    if unknown:
        raise InputError.one(
            file=FRAMES_NAME,
            value=", ".join(map(str, unknown)),
            message="not a sheet of the ledger",
            fix=f"name the DataFrames after the sheets: {', '.join(SHEETS)}",
        )
    return frames


def cell_text(value: object) -> str:
    """One DataFrame cell as the text a user would type for it."""
    if value is None or value is pd.NaT or value is pd.NA:
        return ""
    if isinstance(value, float | np.floating) and np.isnan(value):
        return ""
    if isinstance(value, np.floating) and not isinstance(value, np.float64):
        # float32 0.1 is 0.100000001...: its shortest text is what the user typed
        return np.format_float_positional(value, trim="-")
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)  # .item() of nanoseconds is a plain integer
    elif isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime | dt.date | bool | float):
        return _cell_text(value)
    return str(value)


def read_frames(ledger: pd.DataFrame | Mapping[str, pd.DataFrame]) -> RawLedger:
    """The DataFrames as a :class:`RawLedger`, every cell as text."""
    sheets = {}
    for name, frame in as_sheets(ledger).items():
        header = [str(c) for c in frame.columns]
        body = pd.DataFrame(
            [[cell_text(v) for v in row] for row in frame.itertuples(index=False, name=None)],
            columns=range(len(header)),
            dtype=object,
        )
        sheets[name] = _as_sheet(body, header, name, f"{name} (DataFrame)")
    return RawLedger(Path(FRAMES_NAME), sheets)


def frames_sha256(raw: RawLedger) -> str:
    """Content hash of a ledger given as DataFrames: each sheet's text, sheet by sheet in
    name order, so the same frames give the same hash."""
    digest = hashlib.sha256()
    for name in sorted(raw.sheets):
        table = raw.sheets[name].table
        digest.update(name.encode() + b"\0")
        digest.update(table.to_csv(index=False, lineterminator="\n").encode("utf-8"))
    return digest.hexdigest()
