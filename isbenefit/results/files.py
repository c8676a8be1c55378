"""Writing the tidy CSV tables, each file whole or not at all (:mod:`isbenefit.writing`)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from isbenefit.results.tables import Tables
from isbenefit.writing import write_atomic

CSV_FILES = (
    "exchanges",
    "lines",
    "exchange_years",
    "organisations",
    "organisation_years",
    "years",
    "totals",
)


def csv_texts(tables: Tables) -> dict[str, str]:
    """The tidy CSVs as text, by file stem; floats as their shortest exact repr."""
    texts = {}
    for name in CSV_FILES:
        table = getattr(tables, name)
        texts[name] = table.to_csv(index=False, lineterminator="\n")
    return texts


def write_csvs(folder: Path, tables: Tables, uncertainty: pd.DataFrame | None = None) -> list[Path]:
    texts = csv_texts(tables)
    if uncertainty is not None:
        texts["uncertainty"] = uncertainty.to_csv(index=False, lineterminator="\n")
    written = []
    for name, text in texts.items():
        path = folder / f"{name}.csv"
        write_atomic(path, text.encode("utf-8"))
        written.append(path)
    return written
