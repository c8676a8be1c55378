"""Writing results to disk: whole files or nothing (written aside, then renamed)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

from isbenefit.results import Tables

CSV_FILES = (
    "exchanges",
    "lines",
    "exchange_years",
    "organisations",
    "organisation_years",
    "years",
    "totals",
)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the whole new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        # mkstemp makes the file private (0600); a result file gets the usual permissions.
        Path(temporary).chmod(0o666 & ~_umask())
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def csv_texts(tables: Tables) -> dict[str, str]:
    """The tidy CSVs as text, by file stem; floats as their shortest exact repr."""
    texts = {}
    for name in CSV_FILES:
        table = getattr(tables, name)
        texts[name] = table.to_csv(index=False, lineterminator="\n")
    return texts


def write_csvs(folder: Path, tables: Tables, uncertainty: pd.DataFrame | None = None
               ) -> list[Path]:
    texts = csv_texts(tables)
    if uncertainty is not None:
        texts["uncertainty"] = uncertainty.to_csv(index=False, lineterminator="\n")
    written = []
    for name, text in texts.items():
        path = folder / f"{name}.csv"
        write_atomic(path, text.encode("utf-8"))
        written.append(path)
    return written


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
