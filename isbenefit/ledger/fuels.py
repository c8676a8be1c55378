"""Fuels as delivered: tonnes of wood chips or cubic metres of biogas scored against a
baseline in energy units (docs/formats.md section 1, optional exchange columns).

- `heating_value`: a fuel of the factor set's heating_values.csv (`wood_chips`: its net
  heating value per the unit of the row's quantity), or a number with its units
  (`3.6 MWh/t`, `6 kWh/Nm3`);
- `conversion_efficiency`: useful energy out per energy in at the receiver, in (0, 1];
  blank: 1.

The quantity becomes delivered useful energy, quantity x heating value x efficiency, in
kWh, which `baseline_supply` (an activity per unit of energy) then displaces; the
`baseline_disposal` and the transport keep the quantity as delivered. The steps are
written on the baseline supply's calculation line (`conversion`). A ledger without these
columns is read as before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from isbenefit import units
from isbenefit.ledger.checks import SheetChecker
from isbenefit.scoring.factorset import FactorSet
from isbenefit.scoring.fuels import PHYSICAL

FUEL_COLUMNS = ("heating_value", "conversion_efficiency")
KWH = "kWh"
_NUMBER_PER_UNIT = re.compile(
    r"^(?P<number>\d+(?:[.,]\d*)?(?:[eE][+-]?\d+)?)\s*(?P<energy>\w+)\s*/\s*(?P<per>\w+)$"
)
HEATING_VALUE_FIX = (
    "give a fuel of the factor set's heating values (`isbenefit factors show FUEL`, e.g. "
    "wood_chips) or a number with its units, e.g. 3.6 MWh/t or 6 kWh/Nm3"
)


@dataclass(frozen=True)
class Delivered:
    """Per exchange: kWh of useful energy per unit of its quantity (NaN: not converted)
    and the steps in words ("" where not converted)."""

    kwh_per_unit: np.ndarray
    steps: np.ndarray


def delivered(
    check: SheetChecker | None, exchanges: pd.DataFrame, factor_set: FactorSet
) -> Delivered:
    """The fuel conversion of every exchange; bad cells flagged on ``check`` when given."""
    count = len(exchanges)
    kwh = np.full(count, np.nan)
    steps = np.full(count, "", dtype=object)
    if not any(column in exchanges.columns for column in FUEL_COLUMNS):
        return Delivered(kwh, steps)
    given = _text(exchanges, "heating_value")
    efficiency = _efficiency(check, _text(exchanges, "conversion_efficiency"))
    unit = exchanges["unit"].to_numpy(dtype=object)
    quantity = exchanges["quantity"].to_numpy(dtype=float)
    for text, from_unit in sorted({(t, str(u)) for t, u in zip(given, unit, strict=True) if t}):
        rows = (given == text) & (unit == from_unit)
        per_unit, label, problem = _per_unit(text, from_unit, factor_set)
        if problem is not None:
            if check is not None:
                check.flag(rows, "heating_value", problem, HEATING_VALUE_FIX)
            continue
        kwh[rows] = per_unit * efficiency[rows]
        steps[rows] = [
            f"{_num(q)} {from_unit} x {label} x efficiency {_num(e)} = {_num(q * per_unit * e)} kWh"
            for q, e in zip(quantity[rows], efficiency[rows], strict=True)
        ]
    energy = np.array([units.dimension_or_none(str(u)) == units.ENERGY for u in unit], dtype=bool)
    useful = (given == "") & energy & (efficiency != 1.0)
    kwh_in = units.factors_for(unit, np.full(count, KWH))[0]
    kwh[useful] = kwh_in[useful] * efficiency[useful]
    steps[useful] = [
        f"{_num(q)} {u} x efficiency {_num(e)} = {_num(q * k * e)} kWh"
        for q, u, k, e in zip(
            quantity[useful], unit[useful], kwh_in[useful], efficiency[useful], strict=True
        )
    ]
    if check is not None:
        check.flag(
            (given == "") & _given(exchanges, "conversion_efficiency") & ~energy,
            "conversion_efficiency",
            "an efficiency needs the energy of the quantity, and it is not in energy units",
            "give heating_value too, or the quantity in kWh or MWh",
        )
    return Delivered(kwh, steps)


def _text(exchanges: pd.DataFrame, column: str) -> np.ndarray:
    if column not in exchanges.columns:
        return np.full(len(exchanges), "", dtype=object)
    return exchanges[column].fillna("").astype(str).str.strip().to_numpy(dtype=object)


def _given(exchanges: pd.DataFrame, column: str) -> np.ndarray:
    return _text(exchanges, column) != ""


def _efficiency(check: SheetChecker | None, text: np.ndarray) -> np.ndarray:
    """The conversion efficiencies (1 where blank, and where bad: flagged, so never used)."""
    # A decimal comma is read as in the number columns (the cell is text: see the contract).
    written = pd.Series(text, dtype=object).replace("", "1").str.replace(",", ".", regex=False)
    number = pd.to_numeric(written, errors="coerce")
    values = number.to_numpy(dtype=float)
    bad = ~((values > 0) & (values <= 1))
    if check is not None:
        check.flag(
            bad,
            "conversion_efficiency",
            "not an efficiency in (0, 1]",
            "give the useful energy out per energy in at the receiver, e.g. 0.85",
        )
    return np.where(bad, 1.0, values)


def _per_unit(text: str, from_unit: str, factor_set: FactorSet) -> tuple[float, str, str | None]:
    """(kWh per ``from_unit``, the heating value in words, problem or None)."""
    dimension = units.dimension_or_none(from_unit)
    if dimension not in PHYSICAL:
        return _refused(
            f"a heating value converts a mass or volume into energy; {from_unit!r} is neither"
        )
    match = _NUMBER_PER_UNIT.match(text)
    if match is not None:
        energy, per = match["energy"], match["per"]
        if (
            units.dimension_or_none(energy) != units.ENERGY
            or units.dimension_or_none(per) != dimension
        ):
            return _refused(
                f"{text!r}: the heating value must be energy per {dimension}, like the "
                f"quantity's unit {from_unit}"
            )
        value = float(match["number"].replace(",", "."))
        to_kwh = units.conversion_factor(energy, KWH) * units.conversion_factor(from_unit, per)
        return value * to_kwh, f"{_num(value)} {energy}/{per} (stated in the ledger)", None
    values = factor_set.heating_values.get(text)
    if values is None:
        return _refused(
            f"{text!r} is neither a fuel of the factor set's heating values nor a number with "
            "its units"
        )
    for held in values:
        if units.dimension_or_none(held.unit) == dimension:
            per_unit = held.ncv_kwh * units.conversion_factor(from_unit, held.unit)
            label = f"{_num(held.ncv_kwh)} kWh/{held.unit} ({text}, net, {held.source} {held.year})"
            return per_unit, label, None
    held_units = ", ".join(v.unit for v in values)
    return _refused(f"{text} has a heating value per {held_units}, not per {from_unit}")


def _num(value: float) -> str:
    """A number in the steps: six significant digits at most, never in exponent form."""
    return str(np.format_float_positional(value, precision=6, fractional=False, trim="-"))


def _refused(problem: str) -> tuple[float, str, str | None]:
    return np.nan, "", problem
