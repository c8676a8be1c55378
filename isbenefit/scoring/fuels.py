"""Heating values of fuels (`heating_values.csv` of a factor set, docs/formats.md section 2):
energy per physical unit, which turns tonnes of wood chips or cubic metres of biogas into
the energy an exchange delivers (ledger/fuels.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from isbenefit import units
from isbenefit.errors import FactorSetError, Problem

HEATING_VALUES_FILE = "heating_values.csv"
HEATING_VALUE_COLUMNS = ("fuel", "unit", "ncv_kwh", "gcv_kwh", "source", "source_ref", "year")
# What a fuel is delivered in: mass, volume, or gas volume at normal conditions.
PHYSICAL = (units.MASS, units.VOLUME, units.GAS_VOLUME)
_FUEL = re.compile(r"^[a-z0-9_.-]+$")


@dataclass(frozen=True)
class HeatingValue:
    """A fuel's heating values per one of its physical units.

    Attributes:
        fuel: the fuel id (`wood_chips`).
        unit: the physical unit (`t`, `m3`, `l`).
        ncv_kwh: net calorific value, kWh per unit (what conversions use).
        gcv_kwh: gross calorific value, kWh per unit (None when not given).
        source, source_ref, year: where the figure comes from.
    """

    fuel: str
    unit: str
    ncv_kwh: float
    gcv_kwh: float | None
    source: str
    source_ref: str
    year: str


# Fuel id -> its heating values, one per unit.
HeatingValues = dict[str, tuple[HeatingValue, ...]]


def checked_heating_values(
    path: Path, table: pd.DataFrame, sources: dict[str, Any]
) -> HeatingValues:
    """The rows of ``table`` (heating_values.csv at ``path``, stripped text) as heating values;
    FactorSetError naming each bad cell."""
    problems: list[Problem] = []
    found: dict[str, list[HeatingValue]] = {}
    duplicated = table.duplicated(["fuel", "unit"]).to_numpy()
    for row, record in enumerate(table.to_dict("records")):
        bad = _row_problems(record, sources)
        if duplicated[row]:
            bad.append(("unit", "this fuel already has a heating value per this unit",
                        "keep one row per fuel and unit"))  # fmt: skip
        problems += [
            Problem(str(path), message, fix, None, row + 2, column, str(record[column]))
            for column, message, fix in bad
        ]
        if not bad:
            found.setdefault(record["fuel"], []).append(
                HeatingValue(
                    record["fuel"],
                    record["unit"],
                    float(record["ncv_kwh"]),
                    float(record["gcv_kwh"]) if record["gcv_kwh"] else None,
                    record["source"],
                    record["source_ref"],
                    record["year"],
                )
            )
    if problems:
        raise FactorSetError(problems)
    return {fuel: tuple(values) for fuel, values in found.items()}


def _row_problems(record: dict[Any, Any], sources: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(column, message, fix) for each bad cell of one heating_values.csv row."""
    found = []
    if not _FUEL.match(record["fuel"]):
        found.append(("fuel", "fuel id must match [a-z0-9_.-]+", "use lower case, e.g. wood_chips"))
    if units.dimension_or_none(record["unit"]) not in PHYSICAL:
        found.append(("unit", "not a unit of mass or volume", "use t, kg, m3, Nm3 or l"))
    for column, blank_ok in (("ncv_kwh", False), ("gcv_kwh", True)):
        if blank_ok and not record[column]:
            continue
        if not pd.to_numeric(record[column], errors="coerce") > 0:
            found.append((column, "not a positive number", "give kWh per unit, e.g. 3777.4"))
    if record["source"] not in sources:
        found.append(("source", "source key not in factorset.toml",
                      "add a [[sources]] entry with this key or correct the key"))  # fmt: skip
    found += [
        (column, "missing", f"give the {column} of this number")
        for column in ("source_ref", "year")
        if not record[column]
    ]
    return found
