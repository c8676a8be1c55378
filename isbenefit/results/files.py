"""Writing the tidy CSV tables as one set, all whole or none (:mod:`isbenefit.writing`).

Text cells a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a tab
or a carriage return) get a leading `'`, as OWASP's CSV-injection guidance says;
numbers, and text that is a plain number (`-5`), are never changed. The results JSON
keeps the user's text as given.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from isbenefit.results.tables import Tables
from isbenefit.workbooks import FORMULA_STARTS, PLAIN_NUMBER
from isbenefit.writing import write_files_atomic

CSV_FILES = (
    "exchanges",
    "lines",
    "exchange_years",
    "organisations",
    "organisation_years",
    "years",
    "totals",
)


def neutralised(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with a `'` before every text cell a spreadsheet would read as a formula."""
    changed = None
    for column in table.columns:
        if table[column].dtype.kind in "biufcmM":  # numbers, booleans, dates: never changed
            continue
        text = table[column]
        try:
            risky = text.str.startswith(FORMULA_STARTS, na=False) & ~text.str.match(
                PLAIN_NUMBER, na=False
            )
        except AttributeError:  # no text in this column
            continue
        if risky.any():
            changed = table.copy() if changed is None else changed
            changed[column] = text.where(~risky, "'" + text.astype(str))
    return table if changed is None else changed


def csv_texts(tables: Tables) -> dict[str, str]:
    """The tidy CSVs as text, by file stem; floats as their shortest exact repr."""
    texts = {}
    for name in CSV_FILES:
        table = getattr(tables, name)
        texts[name] = neutralised(table).to_csv(index=False, lineterminator="\n")
    return texts


def write_csvs(folder: Path, tables: Tables, uncertainty: pd.DataFrame | None = None) -> list[Path]:
    texts = csv_texts(tables)
    if uncertainty is not None:
        texts["uncertainty"] = neutralised(uncertainty).to_csv(index=False, lineterminator="\n")
    # All files or none: a full disk must not leave new tables beside an earlier run's,
    # nor a run without Monte Carlo an earlier run's uncertainty.csv.
    return write_files_atomic(
        folder,
        {f"{name}.csv": text.encode("utf-8") for name, text in texts.items()},
        set_members=["uncertainty.csv"],
    )
