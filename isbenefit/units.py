"""Unit handling on pint: one registry, conversions resolved once per unit pair.

Ledgers name units as people write them (`t`, `kWh`, `m3`); activities have a
reference unit. Only mass, energy and volume are accepted in a ledger, plus
`tkm` for transport activities and `Nm3` for gases.

`Nm3` (normal cubic metre) is gas at 0 °C and 101.325 kPa (DIN 1343). It is a
dimension of its own: converting it into `m3` needs the gas's pressure and
temperature, which a ledger does not give, so the two are never mixed.

The accepted units are a closed list, so every dimension and every factor a run can ask
for is pint's, computed ahead: `isbenefit/data/unit_conversions.csv` (written by
`scripts/unit_conversions.py`, checked against pint bit for bit by tests/engine/test_units.py).
A run reads that file and never imports pint nor builds its registry (0.3 s).
"""

from __future__ import annotations

import csv
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from isbenefit.errors import IsbenefitError

if TYPE_CHECKING:  # numpy is imported when units are converted: not to list them
    import numpy as np
    import pint

MASS = "mass"
ENERGY = "energy"
VOLUME = "volume"
GAS_VOLUME = "gas volume at normal conditions"
FREIGHT = "freight"

# pint reads `kt` as a knot; in a ledger it is a kilotonne.
_PINT_NAMES = {"kt": "kilotonne"}
CONVERSIONS_FILE = Path(__file__).resolve().parent / "data" / "unit_conversions.csv"
CONVERSIONS_COLUMNS = ("from_unit", "to_unit", "dimension", "factor")


@contextmanager
def pint_without_dask() -> Iterator[None]:
    """Hide Dask while pint is imported (here, or by bw2parameters under bw2data).

    pint.compat imports dask at its own import when dask is installed, for dask arrays
    isbenefit never hands it: 0.2 s on every run, and Dask is to be imported only for
    --scheduler. A dask imported before is left alone, and hiding ends with the block.
    """
    if "pint" in sys.modules or "dask" in sys.modules:
        yield
        return
    sys.modules["dask"] = None  # type: ignore[assignment]  # find_spec("dask") is None
    try:
        yield
    finally:
        if "dask" in sys.modules and sys.modules["dask"] is None:
            del sys.modules["dask"]


@cache
def _registry() -> tuple[pint.UnitRegistry, dict[Any, str]]:
    """pint's registry with the ledger's extra units, and the dimensions isbenefit accepts.

    Built once per process, and only for a unit `CONVERSIONS_FILE` does not keep: never
    for an accepted one.
    """
    with pint_without_dask():
        import pint

    registry: pint.UnitRegistry = pint.UnitRegistry(on_redefinition="raise")
    registry.define("m3 = meter ** 3")
    registry.define("dm3 = decimeter ** 3")
    registry.define("cm3 = centimeter ** 3")
    registry.define("tkm = metric_ton * kilometer")
    registry.define("Nm3 = [normal_volume]")
    dimensions = {
        registry.Quantity(1, "kg").dimensionality: MASS,
        registry.Quantity(1, "kWh").dimensionality: ENERGY,
        registry.Quantity(1, "m3").dimensionality: VOLUME,
        registry.Quantity(1, "tkm").dimensionality: FREIGHT,
        registry.Quantity(1, "Nm3").dimensionality: GAS_VOLUME,
    }
    return registry, dimensions


class UnitError(ValueError, IsbenefitError):
    """A unit that is unknown, of the wrong kind, or not convertible."""


# Metric units only: "ton", "tons" or "gallon" name different quantities in different
# countries, a classic x1000 or x0.9 trap, so they are refused rather than guessed.
UNITS = (
    "t",
    "tonne",
    "kg",
    "g",
    "Mg",
    "kt",
    "Mt",
    "MWh",
    "kWh",
    "GWh",
    "TWh",
    "Wh",
    "GJ",
    "MJ",
    "kJ",
    "J",
    "TJ",
    "PJ",
    "m3",
    "dm3",
    "cm3",
    "l",
    "L",
    "ml",
    "hl",
    "Nm3",
    "tkm",
)  # the order forms offer them in: the common unit of each dimension first
ACCEPTED_UNITS = frozenset(UNITS)
FREIGHT_UNIT = "tkm"  # of transport activities only: never the unit of an exchange
# `MWh_th`, `kWh(e)`, `GWhel`: heat or electricity is said by the flow and the activity,
# not by the unit; such a suffix is refused with that fix rather than guessed away.
_ANNOTATED_ENERGY = re.compile(
    r"^(?P<unit>[kMGT]?Wh|[kMGTP]?J)[\s_\-.(]*(?P<note>th|thermal|heat|el|e|elec|electric)\)?$",
    re.IGNORECASE,
)


@cache
def _kept() -> tuple[dict[str, str], dict[tuple[str, str], float]]:
    """The dimension of each unit and the factor of each pair in `CONVERSIONS_FILE`."""
    kinds: dict[str, str] = {}
    factors: dict[tuple[str, str], float] = {}
    with CONVERSIONS_FILE.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            kinds.setdefault(row["from_unit"], row["dimension"])
            factors[row["from_unit"], row["to_unit"]] = float(row["factor"])
    return kinds, factors


@cache
def dimension(unit: str) -> str:
    """The dimension of a ledger unit (mass, energy, volume, freight, gas volume); UnitError
    for any other unit."""
    if unit.strip() not in ACCEPTED_UNITS:
        raise UnitError(f"unknown unit {unit!r}; accepted: {', '.join(sorted(ACCEPTED_UNITS))}")
    kind = _kept()[0].get(unit.strip())
    return kind if kind is not None else pint_dimension(unit)


def dimension_or_none(unit: str) -> str | None:
    """The dimension of a ledger unit, or None for a unit isbenefit does not accept."""
    try:
        return dimension(unit)
    except UnitError:
        return None


def pint_dimension(unit: str) -> str:
    """:func:`dimension` as pint gives it."""
    with pint_without_dask():
        import pint

    registry, dimensions = _registry()
    try:
        quantity = registry.Quantity(1, _pint_name(unit))
    except (
        pint.errors.UndefinedUnitError,
        pint.errors.DefinitionSyntaxError,
        ValueError,
        AttributeError,
        TypeError,
        AssertionError,
    ) as error:
        raise UnitError(f"unknown unit {unit!r}") from error
    kind = dimensions.get(quantity.dimensionality)
    if kind is None:
        raise UnitError(f"{unit!r} is not a unit of mass, energy or volume")
    return kind


@cache
def conversion_factor(from_unit: str, to_unit: str) -> float:
    """Multiplier taking an amount in ``from_unit`` into ``to_unit``."""
    from_kind, to_kind = dimension(from_unit), dimension(to_unit)
    if from_kind != to_kind:
        raise UnitError(
            f"{from_unit!r} ({from_kind}) cannot be converted into {to_unit!r} ({to_kind})"
        )
    factor = _kept()[1].get((from_unit.strip(), to_unit.strip()))
    return factor if factor is not None else pint_factor(from_unit, to_unit)


def pint_factor(from_unit: str, to_unit: str) -> float:
    """:func:`conversion_factor` as pint gives it."""
    registry, _ = _registry()
    return float(registry.Quantity(1.0, _pint_name(from_unit)).to(_pint_name(to_unit)).magnitude)


def _pint_name(unit: str) -> str:
    return _PINT_NAMES.get(unit.strip(), unit.strip())


def pint_conversions() -> list[tuple[str, str, str, float]]:
    """(from unit, to unit, dimension, factor) from pint for every pair of accepted units of
    one dimension: what `CONVERSIONS_FILE` holds."""
    accepted = sorted(ACCEPTED_UNITS)
    return [
        (source, target, pint_dimension(source), pint_factor(source, target))
        for source in accepted
        for target in accepted
        if pint_dimension(source) == pint_dimension(target)
    ]


def unit_fix(unit: str) -> str | None:
    """A specific fix for a unit written in a way isbenefit refuses, or None."""
    annotated = _ANNOTATED_ENERGY.match(unit.strip())
    if annotated:
        return (
            f"write {annotated['unit']} without '{unit.strip()[len(annotated['unit']) :]}': "
            "whether it is heat or electricity follows from the flow and the activity "
            "(e.g. energy.heat_natural_gas_boiler or electricity.dk)"
        )
    if unit.strip().lower() in {"ton", "tons", "short ton", "long ton"}:
        return "write t (metric tonne); ton is 907 kg in the US and 1016 kg in the UK"
    if unit.strip().lower() in {"nm³", "nm^3", "normal m3"}:
        return "write Nm3 (normal cubic metre, gas at 0 °C and 101.325 kPa)"
    return None


def is_mass(unit: str) -> bool:
    try:
        return dimension(unit) == MASS
    except UnitError:
        return False


def factors_for(from_units: np.ndarray, to_units: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised conversion factors for paired unit arrays.

    Returns the factors (NaN where the pair cannot be converted) and a boolean
    array marking those failures. Each distinct pair is resolved once.
    """
    import numpy as np

    pairs = np.char.add(np.char.add(from_units.astype(str), "\x1f"), to_units.astype(str))
    unique_pairs, inverse = np.unique(pairs, return_inverse=True)
    values = np.empty(len(unique_pairs), dtype=float)
    for index, pair in enumerate(unique_pairs):
        source, target = str(pair).split("\x1f")
        try:
            values[index] = conversion_factor(source, target)
        except UnitError:
            values[index] = np.nan
    result = values[inverse]
    return result, np.isnan(result)
