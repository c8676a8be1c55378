"""Resolving a checked ledger against a factor set and rates into the core's arrays.

Here activity ids become positions, units become conversion multipliers (one
pint look-up per distinct unit pair), periods are split by calendar year and
money is given its currency factor. Every problem found is added to the
shared list; the arrays are only used when that list stays empty.
"""

from __future__ import annotations

import difflib

import numpy as np
import pandas as pd

from isbenefit import units
from isbenefit.engine import core
from isbenefit.ledger import fuels
from isbenefit.ledger.checks import SheetChecker
from isbenefit.ledger.contract import BASELINES, LEFT_OUT, NUMBER
from isbenefit.ledger.periods import main_years
from isbenefit.ledger.reading import RawSheet
from isbenefit.ledger.rules import ALTERNATIVE_ACTIVITIES, CheckedSheets
from isbenefit.ledger.suggest import with_suggestion
from isbenefit.scoring import regional
from isbenefit.scoring.factorset import EFFICIENCY, FactorSet, vintage_id

UNIT_FIX = (
    "use a unit of mass (kg, t, kt), energy (kWh, MWh, GWh, MJ, GJ, TJ), volume (m3, l) or "
    "gas volume at normal conditions (Nm3)"
)


def activity_positions(
    check: SheetChecker | None,
    ids: np.ndarray,
    column: str,
    factor_set: FactorSet,
    transport: bool | None,
    years: np.ndarray | None = None,
    countries: np.ndarray | None = None,
) -> np.ndarray:
    """Positions of activity ids in the factor set (-1 for blank); unknown ids are flagged.

    An id the factor set keeps as an alias of a renamed or replaced activity resolves to
    that activity, with a warning saying what changed (and the old value, if it did). An
    activity with vintages resolves to the vintage of the row's year (``years``: the year
    holding most of each exchange's days), or the nearest vintage, with a warning. With
    ``countries`` (the country of the party each row's baseline stands for), a generic
    activity resolves first to its regional variant (scoring/variants.py).
    """
    known = factor_set.activities
    ids = resolve_aliases(check, ids, column, factor_set)
    if factor_set.variants and countries is not None:
        ids = regional.variant_ids(ids, countries, column, factor_set)[0]
    if factor_set.vintages and years is not None:
        ids = _vintaged(check, ids, years, column, factor_set)
    positions = known.index.get_indexer(pd.Index(ids.astype(str)))
    positions = np.where(ids == "", core.NONE, positions)
    if check is None:
        return positions
    unknown = (ids != "") & (positions == -1)
    for bad in pd.unique(ids[unknown]):
        close = difflib.get_close_matches(str(bad), list(known.index), n=3)
        hint = f"did you mean {', '.join(close)}? " if close else ""
        check.flag(
            unknown & (ids == bad),
            column,
            f"unknown activity id in factor set {factor_set.id}",
            f"{hint}see `isbenefit factors list` for the ids",
        )
    if transport is not None:
        is_transport = known["kind"].to_numpy() == "transport"
        used = positions >= 0
        wrong = used & (is_transport[np.maximum(positions, 0)] != transport)
        want = "a transport activity (unit tkm)" if transport else "not a transport activity"
        check.flag(
            wrong,
            column,
            f"activity kind does not fit this column: needs {want}",
            "pick an activity of the right kind from `isbenefit factors list`",
        )
    return positions


def resolve_aliases(
    check: SheetChecker | None, ids: np.ndarray, column: str, factor_set: FactorSet
) -> np.ndarray:
    """``ids`` with every alias replaced by the activity it stands for (warned of)."""
    if not factor_set.aliases:
        return ids
    if check is not None:
        _warn_aliases(check, ids, column, factor_set)
    old = np.isin(ids, list(factor_set.aliases))
    if old.any():  # only the rows naming an old id are looked up
        ids = ids.copy()
        ids[old] = [factor_set.aliases[i].activity for i in ids[old]]
    return ids


def _vintage_year(years: tuple[int, ...], year: int) -> int:
    """The vintage for ``year``: its own, else the latest before it, else the first after."""
    earlier = [y for y in years if y <= year]
    return earlier[-1] if earlier else years[0]


def _vintaged(
    check: SheetChecker | None,
    ids: np.ndarray,
    years: np.ndarray,
    column: str,
    factor_set: FactorSet,
) -> np.ndarray:
    resolved = ids.copy()
    for activity_id in sorted(set(ids.tolist()) & set(factor_set.vintages)):
        available = factor_set.vintages[activity_id]
        rows = ids == activity_id
        for year in sorted(set(years[rows].tolist())):
            used = _vintage_year(available, int(year))
            at = rows & (years == year)
            resolved[at] = vintage_id(activity_id, used)
            if used != year and check is not None:
                check.warn(
                    at,
                    column,
                    f"{activity_id} has no vintage for {year} (the year holding most of the "
                    f"exchange's days): the {used} value is used "
                    f"(vintages: {', '.join(map(str, available))})",
                    f"use a factor set with a {year} vintage of {activity_id}, or accept the "
                    f"{used} value",
                )
    return resolved


def _warn_aliases(check: SheetChecker, ids: np.ndarray, column: str, factor_set: FactorSet) -> None:
    for old_id in sorted(set(ids.tolist()) & set(factor_set.aliases)):
        alias = factor_set.aliases[old_id]
        new = factor_set.activities.loc[alias.activity]
        changed = (
            f"; its factor changed from {alias.previous_co2e_kg:g} to {new['co2e_kg']:g} "
            f"kg CO2e/{new['unit']}"
            if alias.previous_co2e_kg is not None
            else ""
        )
        check.warn(
            ids == old_id,
            column,
            f"{old_id!r} is an old id: since {factor_set.id} {alias.since} it stands for "
            f"{alias.activity}{changed}. {alias.note}",
            f"write {alias.activity} (or the activity that matches your baseline) to silence "
            "this warning",
        )


def unit_factors(
    check: SheetChecker,
    exchange_ids: np.ndarray,
    from_units: np.ndarray,
    positions: np.ndarray,
    column: str,
    factor_set: FactorSet,
) -> np.ndarray:
    """Multipliers from the row's unit into the referenced activity's unit (NaN if unused)."""
    activity_units = factor_set.activities["unit"].to_numpy(dtype=object)
    used = positions >= 0
    targets = np.where(used, activity_units[np.maximum(positions, 0)], "t")
    factors, failed = units.factors_for(from_units, targets)
    valid_unit = np.array([_known_unit(u) for u in from_units], dtype=bool)
    bad = used & failed & valid_unit
    prefixes = np.array([f"exchange {e}: " for e in exchange_ids], dtype=object)
    # One rule per (unit, activity) pair, so a systematic mistake is listed once, counted.
    for unit, position in sorted(
        {(str(u), int(p)) for u, p in zip(from_units[bad], positions[bad], strict=True)}
    ):
        activity = factor_set.activities.iloc[position]
        check.flag(
            bad & (from_units == unit) & (positions == position),
            "unit",
            f"{unit!r} cannot be converted into {activity['unit']!r}, the unit of {column} "
            f"{activity['id']}",
            f"give the quantity in a unit convertible to {activity['unit']}, or choose "
            f"another {column}",
            prefixes,
        )
    return np.where(used, factors, np.nan)


def _known_unit(unit: str) -> bool:
    try:
        units.dimension(unit)
    except units.UnitError:
        return False
    return True


def check_units(check: SheetChecker, unit_column: np.ndarray) -> None:
    for unit in pd.unique(unit_column):
        if unit and not _known_unit(str(unit)):
            check.flag(
                unit_column == unit,
                "unit",
                "unknown unit, or not a unit of mass, energy or volume",
                units.unit_fix(str(unit)) or with_suggestion(str(unit), units.UNITS, UNIT_FIX),
            )


def inputs_arrays(
    check: SheetChecker | None,
    sheets: CheckedSheets,
    factor_set: FactorSet,
    exchange_years: np.ndarray | None = None,
) -> core.InputArrays:
    """The inputs rows as engine arrays; ``exchange_years`` (:func:`main_years` of the
    exchanges) chooses the vintage of each row's activity."""
    inputs = sheets.inputs
    activity_ids = inputs["activity"].to_numpy(dtype=object)
    first_of_id = pd.Index(sheets.exchanges["id"]).drop_duplicates()
    exchange = first_of_id.get_indexer(inputs["exchange"])
    years = (
        exchange_years[np.maximum(exchange, 0)]
        if exchange_years is not None and len(exchange)
        else None
    )
    positions = activity_positions(
        check, activity_ids, "activity", factor_set, transport=None, years=years
    )
    if check is None:
        amounts = np.zeros(len(inputs))
    else:
        unit_column = inputs["unit"].to_numpy(dtype=object)
        check_units(check, unit_column)
        amounts = inputs["quantity"].to_numpy(dtype=float) * unit_factors(
            check,
            inputs["exchange"].to_numpy(dtype=object),
            unit_column,
            positions,
            "activity",
            factor_set,
        )
    return core.InputArrays(exchange, positions, amounts)


def exchange_arrays(
    check: SheetChecker,
    exchanges: pd.DataFrame,
    factor_set: FactorSet,
    years: np.ndarray | None = None,
    organisations: pd.DataFrame | None = None,
    own_rows: bool = True,
) -> core.ExchangeArrays:
    """The core's per-exchange arrays; flags unknown activities, units and missing masses.

    ``years`` (:func:`main_years`, computed here when not given) chooses vintages, the
    parties' countries (``organisations``) regional variants. ``own_rows``: ``check``
    is of the exchanges sheet (not of alternatives built from its rows), so the fuel
    columns' problems are reported on it."""
    ids = exchanges["id"].to_numpy(dtype=object)
    unit = exchanges["unit"].to_numpy(dtype=object)
    check_units(check, unit)
    if years is None and factor_set.vintages:
        years = main_years(exchanges)
    position = {
        column: activity_positions(
            check,
            exchanges[column].to_numpy(dtype=object),
            column,
            factor_set,
            transport=column.endswith("transport_mode"),
            years=years,
            countries=regional.party_countries(exchanges, organisations, column),
        )
        for column in (
            "baseline_disposal",
            "baseline_supply",
            "transport_mode",
            "baseline_transport_mode",
        )
    }
    activity_units = factor_set.activities["unit"].to_numpy(dtype=object)
    supply = position["baseline_supply"]
    supply_units = np.where(supply >= 0, activity_units[np.maximum(supply, 0)], "")
    supply_to_tonnes = units.factors_for(supply_units, np.full(len(ids), "t"))[0]
    supply_from, per_unit = _delivered_energy(
        check if own_rows else None, exchanges, factor_set, supply_units
    )
    arrays = core.ExchangeArrays(
        quantity=exchanges["quantity"].to_numpy(dtype=float),
        to_tonnes=units.factors_for(unit, np.full(len(ids), "t"))[0],
        mass_t=exchanges["mass_t"].to_numpy(dtype=float),
        substitution_ratio=exchanges["substitution_ratio"].to_numpy(dtype=float),
        disposal=position["baseline_disposal"],
        to_disposal_unit=unit_factors(
            check, ids, unit, position["baseline_disposal"], "baseline_disposal", factor_set
        ),
        supply=supply,
        to_supply_unit=unit_factors(check, ids, supply_from, supply, "baseline_supply", factor_set)
        * per_unit
        * _efficiency_scale(check, exchanges, supply, factor_set),
        supply_unit_to_tonnes=supply_to_tonnes,
        transport=position["transport_mode"],
        transport_km=exchanges["transport_km"].to_numpy(dtype=float),
        baseline_transport=position["baseline_transport_mode"],
        baseline_transport_km=exchanges["baseline_transport_km"].to_numpy(dtype=float),
        supplier_share=exchanges["supplier_share"].to_numpy(dtype=float),
        hazardous=exchanges["hazardous"].to_numpy(dtype=bool),
    )
    _check_masses(check, arrays, unit, factor_set)
    return arrays


def _delivered_energy(
    check: SheetChecker | None,
    exchanges: pd.DataFrame,
    factor_set: FactorSet,
    supply_units: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """(unit, multiplier) taking each exchange's quantity towards its baseline supply: kWh
    of useful energy and its kWh per unit of the quantity where a heating value or a
    conversion efficiency applies (ledger/fuels.py), else the quantity's own unit and 1."""
    energy = fuels.delivered(check, exchanges, factor_set)
    converted = ~np.isnan(energy.kwh_per_unit)
    to_energy = np.array(
        [units.dimension_or_none(str(u)) == units.ENERGY for u in supply_units], dtype=bool
    )
    if check is not None:
        check.flag(
            converted & ~to_energy,
            "heating_value" if "heating_value" in exchanges.columns else "conversion_efficiency",
            "the quantity is converted into energy, and there is no baseline_supply per unit "
            "of energy to displace",
            "name a baseline_supply per kWh or MWh (heat, a fuel's energy), or clear the "
            "heating_value and conversion_efficiency",
        )
    converts = converted & to_energy
    unit = exchanges["unit"].to_numpy(dtype=object)
    return (
        np.where(converts, fuels.KWH, unit),
        np.where(converts, energy.kwh_per_unit, 1.0),
    )


def _efficiency_scale(
    check: SheetChecker, exchanges: pd.DataFrame, supply: np.ndarray, factor_set: FactorSet
) -> np.ndarray:
    """Multiplier of the baseline supply for the boiler the receiver really has.

    A heat-from-boiler activity's factor assumes its `efficiency` e0; heat from a boiler of
    efficiency e burns e0/e times the fuel, so the displaced amount is scaled by e0/e.
    Blank `baseline_efficiency`: 1 (the activity's own assumption).
    """
    given = exchanges["baseline_efficiency"].to_numpy(dtype=float)
    assumed = factor_set.activities.get(EFFICIENCY)
    activity_efficiency = (
        assumed.to_numpy(dtype=float)[np.maximum(supply, 0)]
        if assumed is not None
        else np.full(len(supply), np.nan)
    )
    activity_efficiency = np.where(supply >= 0, activity_efficiency, np.nan)
    check.flag(
        ~np.isnan(given) & np.isnan(activity_efficiency) & (supply >= 0),
        "baseline_efficiency",
        "baseline_supply is not heat from a boiler with a stated efficiency",
        "clear baseline_efficiency, or choose a heat-from-boiler activity (efficiency column "
        "of `isbenefit factors list --json`)",
    )
    with np.errstate(divide="ignore", invalid="ignore"):  # 0 is flagged by the rules
        scale = activity_efficiency / given
    return np.where(np.isnan(scale), 1.0, scale)


def _check_masses(
    check: SheetChecker, arrays: core.ExchangeArrays, unit: np.ndarray, factor_set: FactorSet
) -> None:
    no_mass = np.isnan(arrays.to_tonnes) & np.isnan(arrays.mass_t)
    known = np.array([_known_unit(u) for u in unit], dtype=bool)
    kinds = factor_set.activities["kind"].to_numpy(dtype=object)
    to_landfill = (arrays.disposal >= 0) & (kinds[np.maximum(arrays.disposal, 0)] == "landfill")
    check.flag(
        no_mass & known & (arrays.transport >= 0),
        "mass_t",
        "transport needs the mass moved, and the quantity is not a mass",
        "give mass_t (tonnes moved over the period)",
    )
    check.flag(
        no_mass & known & arrays.hazardous,
        "mass_t",
        "hazardous diversion needs the mass, and the quantity is not a mass",
        "give mass_t (tonnes over the period)",
    )
    check.flag(
        no_mass & known & to_landfill,
        "mass_t",
        "landfill diversion needs the mass, and the quantity is not a mass",
        "give mass_t (tonnes over the period)",
    )
    check.flag(
        (arrays.baseline_transport >= 0)
        & (arrays.supply >= 0)
        & np.isnan(arrays.supply_unit_to_tonnes),
        "baseline_transport_mode",
        "baseline transport needs a displaced mass, and baseline_supply is not per mass",
        "clear the baseline transport, or choose a baseline_supply measured in t or kg",
    )


def activity_flags(factor_set: FactorSet, scores: dict[str, np.ndarray]) -> core.Activities:
    kinds = factor_set.activities["kind"].to_numpy(dtype=object)
    mass_unit = np.array([units.is_mass(u) for u in factor_set.activities["unit"]], dtype=bool)
    return core.Activities(
        scores=scores,
        is_landfill=kinds == "landfill",
        is_mass_production=(kinds == "production") & mass_unit,
    )


def alternative_arrays(
    check: SheetChecker, sheets: CheckedSheets, factor_set: FactorSet
) -> tuple[np.ndarray, core.ExchangeArrays]:
    """The alternative baselines as exchanges of their own: (parent position, arrays).

    Each alternative is its exchange with the baseline columns it gives (blank: as in the
    exchange, `none`: left out; an alternative naming its own baseline_supply takes only its
    own baseline_efficiency) and without transport, since only the baseline differs;
    the same checks as for exchanges apply, reported on the `baselines` sheet's rows.
    """
    alternatives = sheets.alternatives
    parent = pd.Index(sheets.exchanges["id"]).get_indexer(alternatives["exchange"])
    known = parent >= 0
    frame = sheets.exchanges.iloc[parent[known]].reset_index(drop=True)
    given = alternatives.loc[known].reset_index(drop=True)
    for column in ALTERNATIVE_ACTIVITIES:
        text = given[column].to_numpy(dtype=object)
        frame[column] = np.where(
            text == LEFT_OUT, "", np.where(text == "", frame[column].to_numpy(dtype=object), text)
        )
    for column in BASELINES.of_kind(NUMBER):
        value = given[column].to_numpy(dtype=float)
        frame[column] = np.where(np.isnan(value), frame[column].to_numpy(dtype=float), value)
    # An efficiency belongs to the boiler it was given for: another baseline supply does
    # not inherit the exchange's.
    own_supply = given["baseline_supply"].to_numpy(dtype=object) != ""
    frame["baseline_efficiency"] = np.where(
        own_supply, given["baseline_efficiency"].to_numpy(dtype=float), frame["baseline_efficiency"]
    )
    frame["transport_mode"] = ""
    frame["transport_km"] = np.nan
    rows = np.flatnonzero(known)
    return parent[known], exchange_arrays(
        _RowsOf(check, rows), frame, factor_set, organisations=sheets.organisations, own_rows=False
    )


class _RowsOf(SheetChecker):
    """A checker of some rows of a sheet, so that problems name the sheet's own rows."""

    def __init__(self, check: SheetChecker, rows: np.ndarray) -> None:
        sheet = RawSheet(
            check.sheet.name, check.sheet.file, check.table.iloc[rows].reset_index(drop=True)
        )
        super().__init__(sheet, check.problems, check.warnings)
