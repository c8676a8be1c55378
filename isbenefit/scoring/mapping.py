"""The mapping file: which activity of a user's Brightway database stands for each
activity id a ledger uses, and which impact methods give CO2e and water.

A TOML file (documented in docs/brightway-databases.md)::

    project = "ecoinvent-3.10"                 # optional; --brightway overrides it
    [methods]
    co2e_kg = ["IPCC 2021", "climate change", "global warming potential (GWP100)"]
    water_m3 = ["..."]                         # optional: without it water scores are 0

    [[activities]]
    id = "prod.gypsum"                         # the ledger's activity id
    kind = "production"                        # isbenefit kind (landfill, energy, ...)
    unit = "t"                                 # the unit ledger quantities convert into
    database = "ecoinvent-3.10-cutoff"
    code = "a1b2..."                           # or name + location + reference_product
    per_unit = 1000                            # optional: database units per `unit`
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from isbenefit import units
from isbenefit.errors import InputError, Problem
from isbenefit.scoring.factorset import INDICATORS, KINDS

# Brightway unit names and the pint units they mean.
BRIGHTWAY_UNITS = {
    "kilogram": "kg",
    "ton": "t",
    "tonne": "t",
    "metric ton": "t",
    "gram": "g",
    "kilowatt hour": "kWh",
    "megawatt hour": "MWh",
    "megajoule": "MJ",
    "gigajoule": "GJ",
    "cubic meter": "m3",
    "cubic metre": "m3",
    "litre": "l",
    "liter": "l",
    "ton kilometer": "tkm",
    "tonne kilometer": "tkm",
    "metric ton*km": "tkm",
}
DEFAULT_CO2E_METHODS = (
    ("IPCC 2021", "climate change", "global warming potential (GWP100)"),
    ("IPCC 2021", "climate change: including SLCFs", "global warming potential (GWP100)"),
)


@dataclass(frozen=True)
class MappedActivity:
    """One `[[activities]]` entry; ``row`` is its position (1-based) in the file."""

    id: str
    kind: str
    unit: str
    database: str
    code: str | None
    name: str | None
    location: str | None
    reference_product: str | None
    per_unit: float | None
    row: int


@dataclass(frozen=True)
class Mapping:
    path: Path
    project: str | None
    methods: dict[str, tuple[str, ...] | None]
    activities: tuple[MappedActivity, ...]

    def problem(
        self,
        message: str,
        fix: str,
        entry: MappedActivity | None = None,
        column: str | None = None,
        value: str | None = None,
        sheet: str | None = None,
    ) -> Problem:
        return Problem(
            file=str(self.path),
            sheet=sheet or ("activities" if entry else None),
            row=entry.row if entry else None,
            column=column,
            value=value,
            message=message,
            fix=fix,
        )


def read_mapping(path: Path | str) -> Mapping:
    """Read and check a mapping file; every problem reported at once."""
    file = Path(path)
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise InputError.one(
            file=str(file),
            message=f"not a readable TOML file ({error})",
            fix="see docs/brightway-databases.md for the format",
        ) from None
    problems: list[Problem] = []
    methods = {
        name: _method(data.get("methods", {}).get(name), file, name, problems)
        for name in INDICATORS
    }
    entries = [
        _activity(entry, number, file, problems)
        for number, entry in enumerate(data.get("activities", []), start=1)
    ]
    seen: set[str] = set()
    for entry in entries:
        if entry.id in seen:
            problems.append(
                Problem(
                    file=str(file),
                    sheet="activities",
                    row=entry.row,
                    column="id",
                    value=entry.id,
                    message="mapped twice",
                    fix="keep one [[activities]] entry per ledger activity id",
                )
            )
        seen.add(entry.id)
    if not entries:
        problems.append(
            Problem(
                file=str(file),
                sheet="activities",
                message="no activities",
                fix="add an [[activities]] entry per ledger activity id",
            )
        )
    if problems:
        raise InputError(problems)
    project = data.get("project")
    return Mapping(file, str(project) if project else None, methods, tuple(entries))


def _method(value: Any, file: Path, name: str, problems: list[Problem]) -> tuple[str, ...] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.append(
            Problem(
                file=str(file),
                sheet="methods",
                column=name,
                value=str(value),
                message="a method is a list of strings",
                fix='write e.g. co2e_kg = ["IPCC 2021", "climate change", ...]',
            )
        )
        return None
    return tuple(value)


def _activity(
    entry: dict[str, Any], row: int, file: Path, problems: list[Problem]
) -> MappedActivity:
    def text(key: str) -> str | None:
        value = entry.get(key)
        return str(value) if value is not None else None

    def flag(column: str, message: str, fix: str) -> None:
        problems.append(
            Problem(
                file=str(file),
                sheet="activities",
                row=row,
                column=column,
                value=text(column),
                message=message,
                fix=fix,
            )
        )

    for key in ("id", "kind", "unit", "database"):
        if not entry.get(key):
            flag(key, "missing", f"give {key} for this activity")
    if entry.get("kind") and entry["kind"] not in KINDS:
        flag("kind", "unknown kind", f"use one of {', '.join(KINDS)}")
    if entry.get("unit"):
        try:
            units.dimension(str(entry["unit"]))
        except units.UnitError as error:
            flag("unit", str(error), "use t, kg, kWh, MWh, GJ, MJ, m3, l or tkm")
    if not entry.get("code") and not entry.get("name"):
        flag(
            "code",
            "neither code nor name given",
            "give the activity's code, or its name (with location and reference_product)",
        )
    per_unit = entry.get("per_unit")
    if per_unit is not None and (not isinstance(per_unit, int | float) or per_unit <= 0):
        flag("per_unit", "must be a positive number", "give database units per `unit`")
    return MappedActivity(
        str(entry.get("id", "")),
        str(entry.get("kind", "")),
        str(entry.get("unit", "")),
        str(entry.get("database", "")),
        text("code"),
        text("name"),
        text("location"),
        text("reference_product"),
        float(per_unit) if isinstance(per_unit, int | float) else None,
        row,
    )
