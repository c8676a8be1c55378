"""Reading and checking a factor-set folder (`factorset.toml` + `activities.csv`).

Two optional parts (docs/formats.md section 2):

- an `efficiency` column: for heat from a boiler, the boiler efficiency the row's
  factor assumes (heat delivered per unit of fuel energy). A ledger may give the
  efficiency of the real boiler (`baseline_efficiency`); the line is then rescaled.
- `vintages.csv`: the value of an activity for particular years (grid electricity per
  year). Each vintage becomes an activity of its own, `ID@YEAR`, with the row's other
  columns; a ledger naming `ID` is scored, exchange by exchange, with the vintage of the
  year that holds most of the exchange's days (`ledger.arrays`).
- `[[aliases]]` in factorset.toml: an id a previous version used, the activity it now
  stands for, since which version, why, and the old value when it changed. Ledgers
  that use an alias still assess, with a warning saying what changed.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from isbenefit import units
from isbenefit.errors import FactorSetError, Problem
from isbenefit.paths import default_factor_set
from isbenefit.scoring.bounds import MAX_EFFICIENCY
from isbenefit.scoring.fuels import (
    HEATING_VALUE_COLUMNS,
    HEATING_VALUES_FILE,
    HeatingValues,
    checked_heating_values,
)
from isbenefit.scoring.variants import VARIANT_COLUMNS, VARIANTS_FILE, Variants, checked_variants

KINDS = ("production", "landfill", "incineration", "treatment", "energy", "water", "transport")
INDICATORS = ("co2e_kg", "water_m3")
ACTIVITY_COLUMNS = (
    "id",
    "name",
    "kind",
    "unit",
    "location",
    "co2e_kg",
    "water_m3",
    "gsd",
    "source",
    "source_ref",
    "year",
    "notes",
)
# Optional columns; a factor set without them stays valid.
EFFICIENCY = "efficiency"
# For an activity usually replaced by supply-limited by-products: which ones (free text).
SUPPLY_LIMITED = "supply_limited_substitutes"
OPTIONAL_TEXT_COLUMNS = (SUPPLY_LIMITED,)
ORIGIN = "origin"  # added column: where an activity's scores come from, shown on every line
ALIAS_FIELDS = ("id", "activity", "since", "note")
VINTAGES_FILE = "vintages.csv"
VINTAGE_COLUMNS = (
    "id",
    "year",
    "co2e_kg",
    "water_m3",
    "gsd",
    "source",
    "source_ref",
    "notes",
)
VINTAGE_MARK = "@"  # `electricity.dk@2023`: not allowed in an activity id, so never ambiguous
REQUIRED_META = ("id", "version", "title", "licence", "sources")
SOURCE_FIELDS = ("key", "title", "publisher", "year", "url", "licence")
_ID_PATTERN = re.compile(r"^[a-z0-9_.-]+$")


@dataclass(frozen=True)
class Alias:
    """An activity id of an earlier version and what it stands for now.

    Attributes:
        id: the old id, still accepted in ledgers.
        activity: the activity it resolves to.
        since: the factor-set version that made the change.
        note: what changed and why, in a sentence or two.
        previous_co2e_kg: the old per-unit CO2e value when the value changed, else None.
    """

    id: str
    activity: str
    since: str
    note: str
    previous_co2e_kg: float | None = None


@dataclass(frozen=True)
class FactorSet:
    """A checked factor set. ``activities`` is indexed by activity id."""

    path: Path
    meta: dict[str, Any]
    activities: pd.DataFrame
    sha256: str
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)
    aliases: dict[str, Alias] = field(default_factory=dict)
    # Activity id -> the years it has a vintage for, ascending (vintages.csv).
    vintages: dict[str, tuple[int, ...]] = field(default_factory=dict)
    # Generic activity id -> country (or EU) -> variant id (variants.csv).
    variants: Variants = field(default_factory=dict)
    # Fuel id -> its heating values per physical unit (heating_values.csv).
    heating_values: HeatingValues = field(default_factory=dict)

    @property
    def id(self) -> str:
        return str(self.meta["id"])

    @property
    def version(self) -> str:
        return str(self.meta["version"])

    def describe(self) -> dict[str, str]:
        return {
            "id": self.id,
            "version": self.version,
            "sha256": self.sha256,
            "title": str(self.meta.get("title", "")),
            "licence": str(self.meta.get("licence", "")),
        }


def load_factor_set(path: Path | str | None = None) -> FactorSet:
    """Read and check a factor-set folder; the shipped default when ``path`` is None."""
    folder = Path(path) if path is not None else default_factor_set()
    toml_path, csv_path = folder / "factorset.toml", folder / "activities.csv"
    for required in (toml_path, csv_path):
        if not required.is_file():
            raise FactorSetError.one(
                file=str(required),
                message="file not found",
                fix="point --factors at a folder holding factorset.toml and activities.csv",
            )
    toml_bytes, csv_bytes = toml_path.read_bytes(), csv_path.read_bytes()
    meta = _read_meta(toml_path, toml_bytes)
    sources = {str(s["key"]): dict(s) for s in meta["sources"]}
    activities = _read_activities(csv_path, sources)
    aliases = _read_aliases(toml_path, meta, activities)
    vintage_path = folder / VINTAGES_FILE
    parts = [toml_bytes, csv_bytes]
    vintages: dict[str, tuple[int, ...]] = {}
    variants: Variants = {}
    variant_path = folder / VARIANTS_FILE
    if variant_path.is_file():
        parts.append(variant_path.read_bytes())
        variants = checked_variants(
            variant_path, _read_table(variant_path, VARIANT_COLUMNS), activities
        )
    heating_values: HeatingValues = {}
    fuel_path = folder / HEATING_VALUES_FILE
    if fuel_path.is_file():
        # Part of the hash since exchanges in tonnes of a fuel are scored with them.
        parts.append(fuel_path.read_bytes())
        heating_values = checked_heating_values(
            fuel_path, _read_table(fuel_path, HEATING_VALUE_COLUMNS), sources
        )
    if vintage_path.is_file():
        parts.append(vintage_path.read_bytes())
        activities, vintages = _with_vintages(vintage_path, activities, sources)
    activities[ORIGIN] = f"factor-set:{meta['id']} {meta['version']}"
    digest = hashlib.sha256()
    for part in parts:
        digest.update(hashlib.sha256(part).digest())
    return FactorSet(
        folder,
        meta,
        activities,
        digest.hexdigest(),
        sources,
        aliases,
        vintages,
        variants,
        heating_values,
    )


def vintage_id(activity_id: str, year: int) -> str:
    """The id of an activity's vintage for ``year``."""
    return f"{activity_id}{VINTAGE_MARK}{year}"


def _with_vintages(
    path: Path, activities: pd.DataFrame, sources: dict[str, dict[str, Any]]
) -> tuple[pd.DataFrame, dict[str, tuple[int, ...]]]:
    """``activities`` with one row per vintage (its base row with the vintage's values)."""
    table = _read_table(path, VINTAGE_COLUMNS)
    problems: list[Problem] = []

    def problem(row: int, column: str, message: str, fix: str) -> None:
        value = str(table.at[row, column])
        problems.append(Problem(str(path), message, fix, None, row + 2, column, value))

    duplicated = table.duplicated(["id", "year"]).to_numpy()
    for row, record in enumerate(table.to_dict("records")):
        if record["id"] not in activities.index:
            problem(row, "id", "no activity of activities.csv has this id",
                    "give a vintage only to an activity of activities.csv")  # fmt: skip
        if not (record["year"].isdigit() and len(record["year"]) == 4):
            problem(row, "year", "not a year", "write the year as four digits, e.g. 2023")
        elif duplicated[row]:
            problem(row, "year", "this activity already has a vintage for this year",
                    "keep one row per activity and year")  # fmt: skip
        for column, message, fix in _number_problems(record):
            problem(row, column, message, fix)
        if record["source"] not in sources:
            problem(row, "source", "source key not in factorset.toml",
                    "add a [[sources]] entry with this key or correct the key")  # fmt: skip
    if problems:
        raise FactorSetError(problems)
    rows = []
    for record in table.to_dict("records"):
        base = activities.loc[record["id"]].to_dict()
        year = int(record["year"])
        rows.append(
            {
                **base,
                "id": vintage_id(record["id"], year),
                "name": f"{base['name']} ({year})",
                "co2e_kg": float(record["co2e_kg"] or 0.0),
                "water_m3": float(record["water_m3"] or 0.0),
                "gsd": float(record["gsd"] or 1.0),
                "source": record["source"],
                "source_ref": record["source_ref"],
                "year": str(year),
                "notes": record["notes"],
            }
        )
    vintaged = pd.DataFrame(rows, columns=activities.columns).set_index("id", drop=False)
    years: dict[str, list[int]] = {}
    for record in table.to_dict("records"):
        years.setdefault(record["id"], []).append(int(record["year"]))
    return pd.concat([activities, vintaged]), {k: tuple(sorted(v)) for k, v in years.items()}


def _read_table(path: Path, columns: tuple[str, ...]) -> pd.DataFrame:
    """A factor-set CSV as stripped text, every one of ``columns`` present."""
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise FactorSetError.one(
            file=str(path),
            message=f"cannot be read as UTF-8 CSV: {error}",
            fix=f"save {path.name} as UTF-8 comma-separated text",
        ) from None
    table.columns = [str(c).strip().lower() for c in table.columns]
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise FactorSetError(
            [
                Problem(file=str(path), column=c, message="column missing", fix=f"add a {c} column")
                for c in missing
            ]
        )
    return table.apply(lambda column: column.str.strip())


def _read_aliases(path: Path, meta: dict[str, Any], activities: pd.DataFrame) -> dict[str, Alias]:
    """The `[[aliases]]` of factorset.toml, each pointing at an activity of this set."""
    problems: list[Problem] = []
    aliases = {}
    for number, entry in enumerate(meta.get("aliases", []), start=1):

        def problem(
            column: str, message: str, fix: str, value: str | None = None, entry_no: int = number
        ) -> Problem:
            return Problem(str(path), message, fix, f"aliases[{entry_no}]", None, column, value)

        missing = [key for key in ALIAS_FIELDS if not str(entry.get(key, "")).strip()]
        problems += [problem(key, f"alias is missing {key}", f"add {key}") for key in missing]
        if missing:
            continue
        alias = Alias(
            str(entry["id"]),
            str(entry["activity"]),
            str(entry["since"]),
            " ".join(str(entry["note"]).split()),
            float(entry["previous_co2e_kg"]) if "previous_co2e_kg" in entry else None,
        )
        if alias.id in activities.index:
            problems.append(
                problem(
                    "id",
                    "an alias cannot also be an activity id",
                    "remove the activity row or the alias",
                    alias.id,
                )
            )
        if alias.activity not in activities.index:
            problems.append(
                problem(
                    "activity",
                    "the alias points at no activity of this set",
                    "name an id of activities.csv",
                    alias.activity,
                )
            )
        aliases[alias.id] = alias
    if problems:
        raise FactorSetError(problems)
    return aliases


def _read_meta(path: Path, raw: bytes) -> dict[str, Any]:
    try:
        meta = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise FactorSetError.one(
            file=str(path),
            message=f"not valid UTF-8 TOML: {error}",
            fix="repair the TOML syntax",
        ) from None
    problems = [
        Problem(
            file=str(path),
            column=key,
            message=f"missing key {key!r}",
            fix=f"add `{key} = ...` to factorset.toml",
        )
        for key in REQUIRED_META
        if key not in meta
    ]
    for number, source in enumerate(meta.get("sources", []), start=1):
        problems.extend(
            Problem(
                file=str(path),
                sheet=f"sources[{number}]",
                column=key,
                message=f"source is missing {key!r}",
                fix=f"add {key} to this source",
            )
            for key in SOURCE_FIELDS
            if key not in source
        )
    if problems:
        raise FactorSetError(problems)
    return meta


def _read_activities(path: Path, sources: dict[str, dict[str, Any]]) -> pd.DataFrame:
    table = _read_table(path, ACTIVITY_COLUMNS)
    for optional in (EFFICIENCY, *OPTIONAL_TEXT_COLUMNS):
        if optional not in table.columns:
            table[optional] = ""
    problems = list(_check_activity_rows(path, table, sources))
    if problems:
        raise FactorSetError(problems)
    for indicator in (*INDICATORS, "gsd"):
        default = "1" if indicator == "gsd" else "0"
        table[indicator] = pd.to_numeric(table[indicator].replace("", default)).astype(float)
    table[EFFICIENCY] = pd.to_numeric(table[EFFICIENCY], errors="coerce").astype(float)
    return table.set_index("id", drop=False)


def _check_activity_rows(
    path: Path, table: pd.DataFrame, sources: dict[str, dict[str, Any]]
) -> list[Problem]:
    problems: list[Problem] = []

    def add(row: int, column: str, value: str, message: str, fix: str) -> None:
        problems.append(
            Problem(
                file=str(path), row=row + 2, column=column, value=value, message=message, fix=fix
            )
        )

    seen: set[str] = set()
    for row, record in enumerate(table.to_dict("records")):
        activity_id = record["id"]
        if not _ID_PATTERN.match(activity_id):
            add(
                row,
                "id",
                activity_id,
                "activity id must match [a-z0-9_.-]+",
                "use lower-case letters, digits, '_', '.' or '-'",
            )
        elif activity_id in seen:
            add(row, "id", activity_id, "duplicate activity id", "give each activity its own id")
        seen.add(activity_id)
        if record["kind"] not in KINDS:
            add(row, "kind", record["kind"], "unknown kind", f"use one of {', '.join(KINDS)}")
        try:
            units.dimension(record["unit"])
        except units.UnitError as error:
            add(
                row, "unit", record["unit"], str(error), "use t, kg, kWh, MWh, GJ, MJ, m3, l or tkm"
            )
        for column, message, fix in _number_problems(record):
            add(row, column, record[column], message, fix)
        efficiency = _efficiency_problem(record)
        if efficiency:
            add(row, EFFICIENCY, record[EFFICIENCY], *efficiency)
        if record["source"] not in sources:
            add(
                row,
                "source",
                record["source"],
                "source key not in factorset.toml",
                "add a [[sources]] entry with this key or correct the key",
            )
        for column in ("source_ref", "year"):
            if not record[column]:
                add(row, column, "", "missing", f"give the {column} of this number")
    return problems


def _efficiency_problem(record: dict[Any, Any]) -> tuple[str, str] | None:
    """(message, fix) when a row's boiler efficiency is out of range or out of place."""
    if not record[EFFICIENCY]:
        return None
    efficiency = pd.to_numeric(record[EFFICIENCY], errors="coerce")
    if not 0.0 < efficiency <= MAX_EFFICIENCY:
        return (
            f"not an efficiency in (0, {MAX_EFFICIENCY}]",
            "give the heat delivered per unit of fuel energy, e.g. 0.9",
        )
    if record["kind"] != "energy" or units.dimension_or_none(record["unit"]) != units.ENERGY:
        return (
            "only heat delivered per unit of energy has a boiler efficiency",
            "clear the efficiency, or make the row kind energy with a unit such as kWh",
        )
    return None


def _number_problems(record: dict[Any, Any]) -> list[tuple[str, str, str]]:
    """(column, message, fix) for each bad number of one activity row."""
    found = []
    for column in (*INDICATORS, "gsd"):
        value = record[column]
        number = pd.to_numeric(value, errors="coerce") if value else 0.0
        if pd.isna(number) or not np.isfinite(number):
            found.append((column, "not a number", "write a number with '.' as decimal mark"))
        elif column == "gsd" and value and number < 1:
            found.append((column, "gsd below 1", "a geometric standard deviation is >= 1"))
    return found
