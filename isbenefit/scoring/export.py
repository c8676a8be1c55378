"""`isbenefit factors export`: a mapped Brightway database's scores as a factor-set folder.

The folder can be shared with someone who holds no licence for the database: it
carries per-unit scores only, each naming the database and activity it came from.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

from isbenefit.errors import InputError
from isbenefit.scoring.factorset import ACTIVITY_COLUMNS, FactorSet, load_factor_set
from isbenefit.writing import write_atomic


def export_year() -> int:
    """The year of the export (SOURCE_DATE_EPOCH when set, for reproducible folders)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch else dt.datetime.now(dt.UTC)
    return when.year


def check_target(folder: Path, force: bool = False) -> None:
    """Refuse a non-empty folder unless ``force``: check before any scores are computed."""
    if folder.exists() and any(folder.iterdir()) and not force:
        raise InputError.one(
            file=str(folder),
            message="folder exists and is not empty",
            fix="choose a new folder, or add --force to overwrite",
        )


def export_factor_set(factor_set: FactorSet, folder: Path, force: bool = False) -> Path:
    """Write ``factor_set`` as factorset.toml + activities.csv; refuses a non-empty folder."""
    check_target(folder, force)
    year = export_year()
    table = factor_set.activities.loc[:, list(ACTIVITY_COLUMNS)].copy()
    table["year"] = str(year)
    table["notes"] = table["notes"] + f"; per-unit score exported from Brightway in {year}"
    sources = [
        {**source, "year": year, "url": source.get("url") or "n/a"}
        for source in factor_set.meta["sources"]
    ]
    lines = [
        f"id = {json.dumps(factor_set.id + '-export')}",
        f"version = {json.dumps(factor_set.version)}",
        f"title = {json.dumps('Exported scores: ' + str(factor_set.meta['title']))}",
        f"licence = {json.dumps(str(factor_set.meta['licence']))}",
        "",
    ]
    for source in sources:
        lines.append("[[sources]]")
        lines += [
            f"{key} = {json.dumps(source[key])}"
            for key in ("key", "title", "publisher", "year", "url", "licence")
        ]
        lines.append("")
    write_atomic(folder / "factorset.toml", "\n".join(lines).encode("utf-8"))
    write_atomic(
        folder / "activities.csv", table.to_csv(index=False, lineterminator="\n").encode("utf-8")
    )
    load_factor_set(folder)  # the folder must read back as a valid factor set
    return folder
