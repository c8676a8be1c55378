"""The arithmetic of formats.md section 3, pure and vectorised over exchanges.

Nothing here reads a file, a database or Brightway: checked arrays and
per-unit scores go in, arrays come out. Activity references are integer
positions into the score arrays, -1 meaning "not given".
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum
from typing import TypeVar

import numpy as np

from isbenefit import reported


class Role(IntEnum):
    """What a calculation line stands for; the value is its position in line order."""

    BASELINE_DISPOSAL = 0
    BASELINE_SUPPLY = 1
    BASELINE_TRANSPORT = 2
    TRANSPORT = 3
    INPUT = 4

    @property
    def label(self) -> str:
        """The name the results JSON and the documents give the role."""
        return self.name.lower()


ROLES = tuple(role.label for role in Role)
# Lines of the linear baseline; the others are the symbiosis.
BASELINE_ROLES = np.array([Role.BASELINE_DISPOSAL, Role.BASELINE_SUPPLY, Role.BASELINE_TRANSPORT])
# Lines whose amount follows the exchanged quantity (the inputs rows are given on their own).
QUANTITY_ROLES = np.array([*BASELINE_ROLES, Role.TRANSPORT])
# The saved quantities, in the order every table, JSON object and document lists them.
SAVED = reported.SAVED_KEYS
MONEY = ("supplier", "receiver", "network", "additional_sales")
CO2E = reported.CO2E  # the quantity the conservative choice of baseline is made on
NONE = -1


class Party(StrEnum):
    """The two sides of an exchange."""

    SUPPLIER = "supplier"
    RECEIVER = "receiver"


Share = TypeVar("Share", float, np.ndarray)


def credit_share(supplier_share: Share, party: Party) -> Share:
    """The share of an exchange's savings credited to ``party``: the supplier gets
    ``supplier_share``, the receiver the rest. The one place this rule is written."""
    return supplier_share if party is Party.SUPPLIER else 1.0 - supplier_share


@dataclass(frozen=True)
class ExchangeArrays:
    """One entry per exchange, in canonical (id) order. Conversions are multipliers."""

    quantity: np.ndarray
    to_tonnes: np.ndarray  # ledger unit -> t; NaN when the unit is not a mass
    mass_t: np.ndarray  # the mass_t column; NaN when blank
    substitution_ratio: np.ndarray
    disposal: np.ndarray
    to_disposal_unit: np.ndarray
    supply: np.ndarray
    to_supply_unit: np.ndarray
    supply_unit_to_tonnes: np.ndarray  # baseline_supply unit -> t; NaN when not a mass
    transport: np.ndarray
    transport_km: np.ndarray
    baseline_transport: np.ndarray
    baseline_transport_km: np.ndarray
    supplier_share: np.ndarray
    hazardous: np.ndarray


@dataclass(frozen=True)
class InputArrays:
    """The `inputs` sheet: exchange position, activity position, amount in the activity's unit."""

    exchange: np.ndarray
    activity: np.ndarray
    amount: np.ndarray


@dataclass(frozen=True)
class MoneyArrays:
    """Money columns per exchange in the row's currency, blank as 0."""

    price: np.ndarray
    supplier_avoided_cost: np.ndarray
    supplier_extra_cost: np.ndarray
    receiver_avoided_cost: np.ndarray
    receiver_extra_cost: np.ndarray


@dataclass(frozen=True)
class YearSplit:
    """One entry per (exchange, calendar year) its period touches."""

    exchange: np.ndarray
    year: np.ndarray
    fraction: np.ndarray
    currency_factor: np.ndarray  # row currency -> report currency in that year


@dataclass(frozen=True)
class Activities:
    """Per-unit scores by activity position, and what the credit rules need of each."""

    scores: dict[str, np.ndarray]
    is_landfill: np.ndarray
    is_mass_production: np.ndarray


@dataclass(frozen=True)
class Lines:
    """The audit trail: one line per activity used, sorted by exchange then role."""

    exchange: np.ndarray
    role: np.ndarray
    activity: np.ndarray
    amount: np.ndarray
    impacts: dict[str, np.ndarray]


@dataclass(frozen=True)
class CoreResult:
    lines: Lines
    baseline: dict[str, np.ndarray]
    symbiosis: dict[str, np.ndarray]
    saved: dict[str, np.ndarray]
    money: dict[str, np.ndarray]
    money_by_year: dict[str, np.ndarray]  # aligned with the YearSplit entries


def moved_mass_t(exchanges: ExchangeArrays) -> np.ndarray:
    """Mass moved in tonnes: the quantity when it is a mass, else `mass_t` (NaN if neither)."""
    from_quantity = exchanges.quantity * exchanges.to_tonnes
    return np.where(np.isnan(from_quantity), exchanges.mass_t, from_quantity)


def displaced(exchanges: ExchangeArrays) -> np.ndarray:
    """Amount of baseline supply replaced, in that activity's unit (q * s)."""
    return exchanges.quantity * exchanges.to_supply_unit * exchanges.substitution_ratio


def build_lines(exchanges: ExchangeArrays, inputs: InputArrays, activities: Activities) -> Lines:
    count = len(exchanges.quantity)
    positions = np.arange(count)
    replaced = displaced(exchanges)
    candidates = [
        (exchanges.disposal, exchanges.quantity * exchanges.to_disposal_unit),
        (exchanges.supply, replaced),
        (
            exchanges.baseline_transport,
            replaced * exchanges.supply_unit_to_tonnes * exchanges.baseline_transport_km,
        ),
        (exchanges.transport, moved_mass_t(exchanges) * exchanges.transport_km),
    ]
    parts = [
        (positions[used], np.full(used.sum(), role), activity[used], amount[used])
        for role, (activity, amount) in enumerate(candidates)
        for used in [activity != NONE]
    ]
    parts.append(
        (
            inputs.exchange,
            np.full(len(inputs.exchange), Role.INPUT),
            inputs.activity,
            inputs.amount,
        )
    )
    exchange, role, activity, amount = (
        np.concatenate(column) for column in zip(*parts, strict=True)
    )
    # Stable sort keeps inputs in their canonical order within an exchange.
    order = np.lexsort((role, exchange))
    exchange, role, activity, amount = exchange[order], role[order], activity[order], amount[order]
    impacts = {name: amount * score[activity] for name, score in activities.scores.items()}
    return Lines(exchange, role, activity, amount.astype(float), impacts)


def compute(
    exchanges: ExchangeArrays,
    inputs: InputArrays,
    money: MoneyArrays,
    split: YearSplit,
    activities: Activities,
) -> CoreResult:
    """Baseline, symbiosis, savings and money of every exchange (formats.md section 3)."""
    count = len(exchanges.quantity)
    lines = build_lines(exchanges, inputs, activities)
    in_baseline = np.isin(lines.role, BASELINE_ROLES)
    baseline, symbiosis, saved = {}, {}, {}
    for name, impact in lines.impacts.items():
        baseline[name] = np.bincount(lines.exchange, impact * in_baseline, minlength=count)
        symbiosis[name] = np.bincount(lines.exchange, impact * ~in_baseline, minlength=count)
        saved[name] = baseline[name] - symbiosis[name]
    saved.update(_diverted_masses(exchanges, activities))
    per_year = _money_by_year(money, split)
    money_total = {
        name: np.bincount(split.exchange, values, minlength=count)
        for name, values in per_year.items()
    }
    return CoreResult(lines, baseline, symbiosis, saved, money_total, per_year)


def _diverted_masses(exchanges: ExchangeArrays, activities: Activities) -> dict[str, np.ndarray]:
    moved = moved_mass_t(exchanges)
    supply, disposal = exchanges.supply, exchanges.disposal
    virgin = (supply != NONE) & activities.is_mass_production[supply]
    landfill = (disposal != NONE) & activities.is_landfill[disposal]
    virgin_t = displaced(exchanges) * exchanges.supply_unit_to_tonnes
    return {
        "virgin_material_t": np.where(virgin, virgin_t, 0.0),
        "landfill_diverted_t": np.where(landfill, moved, 0.0),
        "hazardous_diverted_t": np.where(exchanges.hazardous, moved, 0.0),
    }


def _money_by_year(money: MoneyArrays, split: YearSplit) -> dict[str, np.ndarray]:
    supplier = money.price + money.supplier_avoided_cost - money.supplier_extra_cost
    receiver = money.receiver_avoided_cost - money.price - money.receiver_extra_cost
    whole_period = {
        "supplier": supplier,
        "receiver": receiver,
        "network": supplier + receiver,
        "additional_sales": np.maximum(money.price, 0.0),
    }
    weight = split.fraction * split.currency_factor
    return {name: values[split.exchange] * weight for name, values in whole_period.items()}


def year_fractions(start_days: np.ndarray, end_days: np.ndarray) -> tuple[np.ndarray, ...]:
    """Split inclusive day ranges (days since 1970-01-01) by calendar year.

    Returns (position, year, fraction) with one entry per exchange and year its
    period touches; fractions are days in that year over days in the period,
    both end dates counting.
    """
    start = start_days.astype("datetime64[D]")
    end = end_days.astype("datetime64[D]")
    first_year = start.astype("datetime64[Y]").astype(int) + 1970
    last_year = end.astype("datetime64[Y]").astype(int) + 1970
    spans = last_year - first_year + 1
    position = np.repeat(np.arange(len(start)), spans)
    offsets = np.arange(spans.sum()) - np.repeat(np.cumsum(spans) - spans, spans)
    year = first_year[position] + offsets
    year_start = (year - 1970).astype("datetime64[Y]").astype("datetime64[D]")
    year_end = (year - 1970 + 1).astype("datetime64[Y]").astype("datetime64[D]") - 1
    overlap_start = np.maximum(start[position], year_start)
    overlap_end = np.minimum(end[position], year_end)
    days = (overlap_end - overlap_start).astype(int) + 1
    total = (end - start).astype(int) + 1
    return position, year, days / total[position]


@dataclass(frozen=True)
class AlternativeResult:
    """Other plausible baselines of some exchanges, each computed as its exchange would be.

    Attributes:
        parent: the exchange position of each alternative.
        baseline: baseline impacts per alternative.
        saved: every saved quantity per alternative (its baseline minus the exchange's own
            symbiosis, which no alternative changes).
        lines: the alternatives' baseline lines (``exchange`` = alternative position).
        chosen: per exchange, the alternative the conservative figure rests on (the one
            with the smallest CO2e saving, when smaller than the ledger's), else ``NONE``.
    """

    parent: np.ndarray
    baseline: dict[str, np.ndarray]
    saved: dict[str, np.ndarray]
    lines: Lines
    chosen: np.ndarray


def compute_alternatives(
    alternatives: ExchangeArrays, parent: np.ndarray, main: CoreResult, activities: Activities
) -> AlternativeResult:
    """Savings of each alternative baseline, and the conservative choice per exchange."""
    count = len(parent)
    nothing = np.zeros(0, dtype=int)
    result = compute(
        alternatives,
        InputArrays(nothing, nothing, np.zeros(0)),
        MoneyArrays(*(np.zeros(count) for _ in range(5))),
        YearSplit(nothing, nothing, np.zeros(0), np.zeros(0)),
        activities,
    )
    saved = dict(result.saved)
    for name, baseline in result.baseline.items():
        saved[name] = baseline - main.symbiosis[name][parent]
    exchanges = len(main.saved[CO2E])
    chosen = np.full(exchanges, NONE)
    lowest = main.saved[CO2E].copy()
    for position in np.argsort(saved[CO2E], kind="stable"):
        if saved[CO2E][position] < lowest[parent[position]]:
            lowest[parent[position]] = saved[CO2E][position]
            chosen[parent[position]] = position
    baseline_lines = np.isin(result.lines.role, BASELINE_ROLES)
    lines = Lines(
        result.lines.exchange[baseline_lines],
        result.lines.role[baseline_lines],
        result.lines.activity[baseline_lines],
        result.lines.amount[baseline_lines],
        {name: impact[baseline_lines] for name, impact in result.lines.impacts.items()},
    )
    return AlternativeResult(parent, result.baseline, saved, lines, chosen)


def with_chosen_baselines(lines: Lines, alternatives: AlternativeResult) -> Lines:
    """``lines`` with each exchange's baseline lines replaced by those of its chosen
    alternative, in line order (exchange, then role)."""
    replaced = np.flatnonzero(alternatives.chosen != NONE)
    keep = ~(np.isin(lines.exchange, replaced) & np.isin(lines.role, BASELINE_ROLES))
    taken = np.isin(alternatives.lines.exchange, alternatives.chosen[replaced])
    parts = (
        (lines.exchange[keep], alternatives.parent[alternatives.lines.exchange[taken]]),
        (lines.role[keep], alternatives.lines.role[taken]),
        (lines.activity[keep], alternatives.lines.activity[taken]),
        (lines.amount[keep], alternatives.lines.amount[taken]),
    )
    exchange, role, activity, amount = (np.concatenate(pair) for pair in parts)
    order = np.lexsort((role, exchange))
    impacts = {
        name: np.concatenate([impact[keep], alternatives.lines.impacts[name][taken]])[order]
        for name, impact in lines.impacts.items()
    }
    return Lines(exchange[order], role[order], activity[order], amount[order], impacts)


def saved_under_chosen(
    saved: dict[str, np.ndarray], alternatives: AlternativeResult
) -> dict[str, np.ndarray]:
    """Every saved quantity per exchange under the baseline its conservative figure rests on."""
    replaced = np.flatnonzero(alternatives.chosen != NONE)
    under = {name: values.copy() for name, values in saved.items()}
    for name, values in under.items():
        values[replaced] = alternatives.saved[name][alternatives.chosen[replaced]]
    return under
