"""Unit handling on pint: one registry, conversions resolved once per unit pair.

Ledgers name units as people write them (`t`, `kWh`, `m3`); activities have a
reference unit. Only mass, energy and volume are accepted in a ledger, plus
`tkm` for transport activities.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pint

from isbenefit.errors import IsbenefitError

MASS = "mass"
ENERGY = "energy"
VOLUME = "volume"
FREIGHT = "freight"

_REGISTRY: pint.UnitRegistry = pint.UnitRegistry(on_redefinition="raise")
_REGISTRY.define("m3 = meter ** 3")
_REGISTRY.define("dm3 = decimeter ** 3")
_REGISTRY.define("cm3 = centimeter ** 3")
_REGISTRY.define("tkm = metric_ton * kilometer")

_DIMENSIONS = {
    _REGISTRY.Quantity(1, "kg").dimensionality: MASS,
    _REGISTRY.Quantity(1, "kWh").dimensionality: ENERGY,
    _REGISTRY.Quantity(1, "m3").dimensionality: VOLUME,
    _REGISTRY.Quantity(1, "tkm").dimensionality: FREIGHT,
}


class UnitError(ValueError, IsbenefitError):
    """A unit that is unknown, of the wrong kind, or not convertible."""


# Metric units only: "ton", "tons" or "gallon" name different quantities in different
# countries, a classic x1000 or x0.9 trap, so they are refused rather than guessed.
ACCEPTED_UNITS = frozenset(
    {
        "g",
        "kg",
        "t",
        "tonne",
        "Mg",
        "kt",
        "Wh",
        "kWh",
        "MWh",
        "GWh",
        "TWh",
        "J",
        "kJ",
        "MJ",
        "GJ",
        "TJ",
        "m3",
        "dm3",
        "cm3",
        "l",
        "L",
        "ml",
        "hl",
        "tkm",
    }
)


@cache
def dimension(unit: str) -> str:
    """`mass`, `energy`, `volume` or `freight` for a unit string; UnitError otherwise."""
    if unit.strip() not in ACCEPTED_UNITS:
        raise UnitError(f"unknown unit {unit!r}; accepted: {', '.join(sorted(ACCEPTED_UNITS))}")
    try:
        quantity = _REGISTRY.Quantity(1, unit.strip())
    except (
        pint.errors.UndefinedUnitError,
        pint.errors.DefinitionSyntaxError,
        ValueError,
        AttributeError,
        TypeError,
        AssertionError,
    ) as error:
        raise UnitError(f"unknown unit {unit!r}") from error
    kind = _DIMENSIONS.get(quantity.dimensionality)
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
    return float(_REGISTRY.Quantity(1.0, from_unit.strip()).to(to_unit.strip()).magnitude)


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
