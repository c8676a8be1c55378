"""The engine on its own: arrays in, arrays out, no ledger, no Brightway (formats.md section 3).

Property tests build the engine's input arrays straight from hypothesis strategies, so
each example takes a millisecond or so; the example-based tests restate a few figures
computed by hand from formats.md.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, replace
from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse

from isbenefit.engine import core, uncertainty
from isbenefit.engine.core import (
    NONE,
    SAVED,
    Activities,
    CoreResult,
    ExchangeArrays,
    InputArrays,
    MoneyArrays,
    Party,
    Role,
    YearSplit,
    credit_share,
    year_fractions,
)
from isbenefit.engine.uncertainty import (
    QUANTITY_GSD,
    Aggregation,
    MonteCarloSettings,
    propagate,
    quantity_multipliers,
)

FAST = settings(max_examples=200, deadline=None)
MONTE_CARLO = settings(max_examples=100, deadline=None)
SCORES = ("co2e_kg", "water_m3")
QUALITIES = tuple(QUANTITY_GSD)
EPOCH = dt.date(1970, 1, 1)

finite = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)


def sizes(largest: float) -> st.SearchStrategy[float]:
    """Zero or a number in [0.001, largest]: no subnormal or tiny figures, whose products
    would lose the relative precision the tests check."""
    return st.one_of(st.just(0.0), st.floats(1e-3, largest))


amounts = sizes(1e5)
positive = st.floats(1e-3, 1e3, allow_nan=False, allow_infinity=False)
# A unit into tonnes: kg, t, kt, or not a mass (NaN), as ledger/arrays gives it.
to_tonnes = st.sampled_from([0.001, 1.0, 1000.0, math.nan])


@dataclass(frozen=True)
class Case:
    """A consistent set of engine inputs: what the ledger checks would let through."""

    exchanges: ExchangeArrays
    inputs: InputArrays
    money: MoneyArrays
    split: YearSplit
    activities: Activities


def floats_array(draw: st.DrawFn, size: int, elements: st.SearchStrategy[float]) -> np.ndarray:
    return np.array(draw(st.lists(elements, min_size=size, max_size=size)), dtype=float)


@st.composite
def activity_sets(draw: st.DrawFn) -> tuple[Activities, np.ndarray]:
    """Activities and, per activity, its unit into tonnes (NaN when not per mass)."""
    count = draw(st.integers(1, 6))
    unit_to_t = floats_array(draw, count, to_tonnes)
    production = np.array(draw(st.lists(st.booleans(), min_size=count, max_size=count)))
    landfill = np.array(draw(st.lists(st.booleans(), min_size=count, max_size=count)))
    activities = Activities(
        scores={name: floats_array(draw, count, finite) for name in SCORES},
        is_landfill=landfill & ~production,
        is_mass_production=production & ~np.isnan(unit_to_t),
    )
    return activities, unit_to_t


def optional_activity(draw: st.DrawFn, count: int) -> int:
    return draw(st.one_of(st.just(NONE), st.integers(0, count - 1)))


@st.composite
def exchange_rows(
    draw: st.DrawFn, unit_to_t: np.ndarray, is_landfill: np.ndarray
) -> dict[str, float]:
    """One exchange: conversions are NaN where the activity is not used, as in the ledger."""
    activities = len(unit_to_t)
    quantity_to_t = draw(to_tonnes)
    mass_t = draw(st.one_of(st.just(math.nan), amounts))
    moved_known = not (math.isnan(quantity_to_t) and math.isnan(mass_t))
    disposal = optional_activity(draw, activities)
    if disposal != NONE and is_landfill[disposal] and not moved_known:
        disposal = NONE  # landfill diversion needs the mass (not checked by the ledger yet)
    supply = optional_activity(draw, activities)
    supply_per_mass = supply != NONE and not math.isnan(unit_to_t[supply])
    baseline_transport = optional_activity(draw, activities) if supply_per_mass else NONE
    transport = optional_activity(draw, activities) if moved_known else NONE
    return {
        "quantity": draw(amounts),
        "to_tonnes": quantity_to_t,
        "mass_t": mass_t,
        "substitution_ratio": draw(sizes(2.0)),
        "disposal": disposal,
        "to_disposal_unit": draw(positive) if disposal != NONE else math.nan,
        "supply": supply,
        "to_supply_unit": draw(positive) if supply != NONE else math.nan,
        "supply_unit_to_tonnes": unit_to_t[supply] if supply != NONE else math.nan,
        "transport": transport,
        "transport_km": draw(sizes(2000.0)) if transport != NONE else math.nan,
        "baseline_transport": baseline_transport,
        "baseline_transport_km": draw(sizes(2000.0)) if baseline_transport != NONE else math.nan,
        "supplier_share": draw(st.floats(0.0, 1.0)),
        "hazardous": draw(st.booleans()) and moved_known,
    }


ACTIVITY_COLUMNS = ("disposal", "supply", "transport", "baseline_transport")


def exchange_arrays(rows: list[dict[str, float]]) -> ExchangeArrays:
    columns = {}
    for name in ExchangeArrays.__dataclass_fields__:
        values = [row[name] for row in rows]
        if name in ACTIVITY_COLUMNS:
            columns[name] = np.array(values, dtype=np.int64)
        elif name == "hazardous":
            columns[name] = np.array(values, dtype=bool)
        else:
            columns[name] = np.array(values, dtype=float)
    return ExchangeArrays(**columns)


@st.composite
def year_splits(draw: st.DrawFn, count: int) -> YearSplit:
    """Periods of up to three years from 1968 on; currency factors per (exchange, year)."""
    start = np.array(draw(st.lists(st.integers(-700, 25_000), min_size=count, max_size=count)))
    length = np.array(draw(st.lists(st.integers(0, 1100), min_size=count, max_size=count)))
    position, year, fraction = year_fractions(start, start + length)
    factor = floats_array(draw, len(position), st.floats(0.01, 100.0))
    return YearSplit(position, year, fraction, factor)


@st.composite
def cases(draw: st.DrawFn, min_exchanges: int = 0) -> Case:
    activities, unit_to_t = draw(activity_sets())
    count = draw(st.integers(min_exchanges, 6))
    rows = [draw(exchange_rows(unit_to_t, activities.is_landfill)) for _ in range(count)]
    inputs = draw(st.integers(0, 6)) if count else 0
    inputs_exchange = np.array(
        draw(st.lists(st.integers(0, max(count - 1, 0)), min_size=inputs, max_size=inputs)),
        dtype=np.int64,
    )
    inputs_activity = np.array(
        draw(st.lists(st.integers(0, len(unit_to_t) - 1), min_size=inputs, max_size=inputs)),
        dtype=np.int64,
    )
    money = MoneyArrays(
        **{
            name: floats_array(draw, count, st.floats(-1e5, 1e5))
            for name in MoneyArrays.__dataclass_fields__
        }
    )
    return Case(
        exchange_arrays(rows),
        InputArrays(inputs_exchange, inputs_activity, floats_array(draw, inputs, amounts)),
        money,
        draw(year_splits(count)),
        activities,
    )


def run(case: Case) -> CoreResult:
    return core.compute(case.exchanges, case.inputs, case.money, case.split, case.activities)


def close(actual: np.ndarray, expected: np.ndarray, scale: np.ndarray | float = 1.0) -> None:
    """Equal up to rounding of sums whose terms are of size ``scale``."""
    np.testing.assert_allclose(actual, expected, rtol=1e-9, atol=1e-9 * np.max(scale, initial=1.0))


def expected_impacts(case: Case, e: int, name: str) -> tuple[float, float, float]:
    """formats.md section 3, one exchange at a time in plain floats: (baseline, symbiosis,
    size), size being the sum of the terms' magnitudes, for the rounding tolerance."""
    x, score = case.exchanges, case.activities.scores[name]
    q, s = float(x.quantity[e]), float(x.substitution_ratio[e])
    baseline_terms, symbiosis_terms = [], []
    if x.disposal[e] != NONE:
        baseline_terms.append(q * x.to_disposal_unit[e] * score[x.disposal[e]])
    if x.supply[e] != NONE:
        displaced = q * x.to_supply_unit[e] * s
        baseline_terms.append(displaced * score[x.supply[e]])
        if x.baseline_transport[e] != NONE:
            haul = displaced * x.supply_unit_to_tonnes[e] * x.baseline_transport_km[e]
            baseline_terms.append(haul * score[x.baseline_transport[e]])
    if x.transport[e] != NONE:
        mass = q * x.to_tonnes[e] if not math.isnan(x.to_tonnes[e]) else x.mass_t[e]
        symbiosis_terms.append(mass * x.transport_km[e] * score[x.transport[e]])
    for row in np.flatnonzero(case.inputs.exchange == e):
        symbiosis_terms.append(case.inputs.amount[row] * score[case.inputs.activity[row]])
    size = sum(abs(t) for t in baseline_terms + symbiosis_terms)
    return math.fsum(baseline_terms), math.fsum(symbiosis_terms), size


# --- the calculation lines and the saved quantities -------------------------------------------


@FAST
@given(cases())
def test_baseline_symbiosis_and_saved_follow_formats_md(case: Case) -> None:
    result = run(case)
    count = len(case.exchanges.quantity)
    for name in SCORES:
        assert result.baseline[name].shape == result.symbiosis[name].shape == (count,)
        for e in range(count):
            baseline, symbiosis, size = expected_impacts(case, e, name)
            close(result.baseline[name][e], baseline, size)
            close(result.symbiosis[name][e], symbiosis, size)
        np.testing.assert_array_equal(
            result.saved[name], result.baseline[name] - result.symbiosis[name]
        )
    for name in SAVED:
        assert np.isfinite(result.saved[name]).all(), "unused columns must not leak NaN"


@FAST
@given(cases())
def test_diverted_masses_follow_formats_md(case: Case) -> None:
    result, x = run(case), case.exchanges
    for e in range(len(x.quantity)):
        mass = x.quantity[e] * x.to_tonnes[e] if not np.isnan(x.to_tonnes[e]) else x.mass_t[e]
        virgin = x.supply[e] != NONE and case.activities.is_mass_production[x.supply[e]]
        landfill = x.disposal[e] != NONE and case.activities.is_landfill[x.disposal[e]]
        displaced_t = x.quantity[e] * x.to_supply_unit[e] * x.substitution_ratio[e]
        displaced_t *= x.supply_unit_to_tonnes[e]
        assert result.saved["virgin_material_t"][e] == pytest.approx(
            displaced_t if virgin else 0.0, rel=1e-12
        )
        assert result.saved["landfill_diverted_t"][e] == (mass if landfill else 0.0)
        assert result.saved["hazardous_diverted_t"][e] == (mass if x.hazardous[e] else 0.0)


@FAST
@given(cases())
def test_line_impacts_sum_to_baseline_and_symbiosis(case: Case) -> None:
    result = run(case)
    lines, count = result.lines, len(case.exchanges.quantity)
    baseline_line = np.isin(
        lines.role, [Role.BASELINE_DISPOSAL, Role.BASELINE_SUPPLY, Role.BASELINE_TRANSPORT]
    )
    for name in SCORES:
        impact = lines.impacts[name]
        np.testing.assert_array_equal(
            impact, lines.amount * case.activities.scores[name][lines.activity]
        )
        for e in range(count):
            mine = lines.exchange == e
            size = np.abs(impact[mine]).sum()
            close(result.baseline[name][e], math.fsum(impact[mine & baseline_line]), size)
            close(result.symbiosis[name][e], math.fsum(impact[mine & ~baseline_line]), size)


@FAST
@given(cases())
def test_lines_are_sorted_by_exchange_then_role_with_inputs_in_their_order(case: Case) -> None:
    lines, x = run(case).lines, case.exchanges
    keys = list(zip(lines.exchange.tolist(), lines.role.tolist(), strict=True))
    assert keys == sorted(keys)
    assert set(lines.role.tolist()) <= {int(role) for role in Role}
    # One line per activity used: each quantity role at most once per exchange.
    used = {
        Role.BASELINE_DISPOSAL: x.disposal,
        Role.BASELINE_SUPPLY: x.supply,
        Role.BASELINE_TRANSPORT: x.baseline_transport,
        Role.TRANSPORT: x.transport,
    }
    for role, activity in used.items():
        chosen = lines.role == role
        np.testing.assert_array_equal(lines.exchange[chosen], np.flatnonzero(activity != NONE))
        np.testing.assert_array_equal(lines.activity[chosen], activity[activity != NONE])
    inputs = lines.role == Role.INPUT
    for e in range(len(x.quantity)):
        given_rows = np.flatnonzero(case.inputs.exchange == e)
        mine = inputs & (lines.exchange == e)
        np.testing.assert_array_equal(lines.activity[mine], case.inputs.activity[given_rows])
        np.testing.assert_array_equal(lines.amount[mine], case.inputs.amount[given_rows])


QUANTITY_LINES = [
    Role.BASELINE_DISPOSAL,
    Role.BASELINE_SUPPLY,
    Role.BASELINE_TRANSPORT,
    Role.TRANSPORT,
]


def scaled_quantity(exchanges: ExchangeArrays, factor: float | np.ndarray) -> ExchangeArrays:
    """The same exchanges with ``factor`` times the quantity (and the mass moved)."""
    return replace(
        exchanges, quantity=exchanges.quantity * factor, mass_t=exchanges.mass_t * factor
    )


@FAST
@given(cases(), sizes(100.0))
def test_quantity_lines_scale_linearly_and_inputs_do_not(case: Case, factor: float) -> None:
    before = run(case)
    after = run(replace(case, exchanges=scaled_quantity(case.exchanges, factor)))
    driven = np.isin(before.lines.role, QUANTITY_LINES)
    np.testing.assert_array_equal(after.lines.role, before.lines.role)
    np.testing.assert_allclose(
        after.lines.amount[driven], before.lines.amount[driven] * factor, rtol=1e-12, atol=0
    )
    np.testing.assert_array_equal(after.lines.amount[~driven], before.lines.amount[~driven])
    for name in SCORES:
        terms = np.abs(before.lines.impacts[name][driven]).sum() * max(factor, 1.0)
        close(after.baseline[name], before.baseline[name] * factor, terms)
    for name in SAVED[2:]:
        close(after.saved[name], before.saved[name] * factor, np.abs(before.saved[name]))


@FAST
@given(cases(min_exchanges=1), st.data())
def test_zero_substitution_ratio_removes_the_supply_amount(case: Case, data: st.DataObject) -> None:
    chosen = data.draw(st.integers(0, len(case.exchanges.quantity) - 1))
    ratio = case.exchanges.substitution_ratio.copy()
    ratio[chosen] = 0.0
    result = run(replace(case, exchanges=replace(case.exchanges, substitution_ratio=ratio)))
    lines = result.lines
    mine = lines.exchange == chosen
    displaced_roles = [Role.BASELINE_SUPPLY, Role.BASELINE_TRANSPORT]
    assert (lines.amount[mine & np.isin(lines.role, displaced_roles)] == 0.0).all()
    assert result.saved["virgin_material_t"][chosen] == 0.0
    for name in SCORES:
        disposal = mine & (lines.role == Role.BASELINE_DISPOSAL)
        assert result.baseline[name][chosen] == lines.impacts[name][disposal].sum()


# --- years and money ---------------------------------------------------------------------------


def days(day: dt.date) -> int:
    return (day - EPOCH).days


@FAST
@given(
    st.lists(
        st.tuples(st.dates(dt.date(1950, 1, 1), dt.date(2090, 1, 1)), st.integers(0, 2000)),
        max_size=8,
    )
)
def test_year_fractions_split_each_period_by_its_days(periods: list[tuple[dt.date, int]]) -> None:
    starts = np.array([days(start) for start, _ in periods], dtype=np.int64)
    ends = starts + np.array([length for _, length in periods], dtype=np.int64)
    position, year, fraction = year_fractions(starts, ends)
    assert ((fraction > 0) & (fraction <= 1)).all()
    np.testing.assert_allclose(
        np.bincount(position, fraction, minlength=len(periods)), 1.0, rtol=1e-12
    )
    for index, (start, length) in enumerate(periods):
        end = start + dt.timedelta(days=length)
        mine = position == index
        assert year[mine].tolist() == list(range(start.year, end.year + 1))
        for when, part in zip(year[mine], fraction[mine], strict=True):
            first = max(start, dt.date(when, 1, 1))
            last = min(end, dt.date(when, 12, 31))
            assert part == ((last - first).days + 1) / (length + 1)


def test_year_fractions_by_hand_across_a_year_boundary() -> None:
    # 2023-07-01 .. 2024-06-30: July to December 2023 is 31+31+30+31+30+31 = 184 days,
    # January to June 2024 (a leap year) is 31+29+31+30+31+30 = 182 days; 366 in all.
    position, year, fraction = year_fractions(
        np.array([days(dt.date(2023, 7, 1)), days(dt.date(2024, 12, 31))]),
        np.array([days(dt.date(2024, 6, 30)), days(dt.date(2025, 1, 1))]),
    )
    assert position.tolist() == [0, 0, 1, 1]
    assert year.tolist() == [2023, 2024, 2024, 2025]
    # One day in each year: both end dates count, so half and half.
    assert fraction.tolist() == [184 / 366, 182 / 366, 0.5, 0.5]
    one_day = np.array([days(dt.date(2024, 3, 5))])
    single = year_fractions(one_day, one_day)
    assert [part.tolist() for part in single] == [[0], [2024], [1.0]]


def whole_period_money(money: MoneyArrays) -> dict[str, np.ndarray]:
    """formats.md section 3, money, before the split by year."""
    supplier = money.price + money.supplier_avoided_cost - money.supplier_extra_cost
    receiver = money.receiver_avoided_cost - money.price - money.receiver_extra_cost
    return {
        "supplier": supplier,
        "receiver": receiver,
        "network": supplier + receiver,
        "additional_sales": np.where(money.price > 0, money.price, 0.0),
    }


@FAST
@given(cases())
def test_money_by_year_is_the_whole_period_money_by_fraction_and_currency(case: Case) -> None:
    result, split = run(case), case.split
    whole = whole_period_money(case.money)
    count = len(case.exchanges.quantity)
    # Money columns are at most 1e5 and currency factors at most 100.
    scale = 3e5 * 100
    for name, values in whole.items():
        expected = values[split.exchange] * split.fraction * split.currency_factor
        close(result.money_by_year[name], expected, scale)
        close(result.money[name], np.bincount(split.exchange, expected, minlength=count), scale)


@FAST
@given(cases(), st.data())
def test_money_by_year_sums_to_the_whole_period_times_the_currency_factor(
    case: Case, data: st.DataObject
) -> None:
    count = len(case.exchanges.quantity)
    per_exchange = floats_array(data.draw, count, st.floats(0.01, 100.0))
    split = replace(case.split, currency_factor=per_exchange[case.split.exchange])
    result = run(replace(case, split=split))
    for name, values in whole_period_money(case.money).items():
        summed = np.bincount(split.exchange, result.money_by_year[name], minlength=count)
        np.testing.assert_allclose(summed, values * per_exchange, rtol=1e-9, atol=1e-6)
        np.testing.assert_allclose(result.money[name], summed, rtol=1e-12, atol=1e-9)


def test_money_by_hand_over_two_years_and_two_rates() -> None:
    # Price 1000, supplier avoids 200 and spends 50, receiver avoids 1500 and spends 100:
    # supplier 1000 + 200 - 50 = 1150, receiver 1500 - 1000 - 100 = 400, network 1550,
    # additional sales 1000. Period 2023-07-01 .. 2024-06-30 (184 + 182 days), rates
    # 0.5 in 2023 and 0.25 in 2024.
    money = MoneyArrays(*(np.array([v]) for v in (1000.0, 200.0, 50.0, 1500.0, 100.0)))
    split = YearSplit(
        np.array([0, 0]), np.array([2023, 2024]), np.array([184, 182]) / 366, np.array([0.5, 0.25])
    )
    case = replace(one_exchange_case(), money=money, split=split)
    result = run(case)
    assert result.money_by_year["supplier"] == pytest.approx(
        [1150 * 184 / 366 * 0.5, 1150 * 182 / 366 * 0.25]
    )
    assert result.money["network"] == pytest.approx([1550 * (92 + 45.5) / 366])
    assert result.money["receiver"] == pytest.approx([400 * (92 + 45.5) / 366])
    assert result.money["additional_sales"] == pytest.approx([1000 * (92 + 45.5) / 366])
    negative_price = replace(money, price=np.array([-300.0]))
    again = run(replace(case, money=negative_price))
    assert again.money["additional_sales"].tolist() == [0.0]
    assert again.money["supplier"] == pytest.approx([(-300 + 150) * (92 + 45.5) / 366])


# --- credit ------------------------------------------------------------------------------------


@FAST
@given(st.floats(0.0, 1.0), st.lists(st.floats(0.0, 1.0), max_size=10))
def test_credit_shares_of_both_parties_add_up_to_one(share: float, shares: list[float]) -> None:
    assert credit_share(share, Party.SUPPLIER) == share
    assert credit_share(share, Party.SUPPLIER) + credit_share(share, Party.RECEIVER) == 1.0
    array = np.array(shares)
    both = credit_share(array, Party.SUPPLIER) + credit_share(array, Party.RECEIVER)
    np.testing.assert_array_equal(both, np.ones(len(shares)))


# --- hand-computed exchanges (tiny factor set values, tests/conftest.py F) ---------------------

# Activity positions and (co2e kg, water m3) per unit: gypsum 120/0.5 per t, landfill of
# plasterboard 70/0 per t, road 0.1/0 per tkm, aggregates 8/0.2 per t, rail 0.03/0 per tkm,
# electricity 0.15/0.001 per kWh, gas boiler heat 0.2/0 per kWh.
GYPSUM, PLASTERBOARD, ROAD, AGGREGATES, RAIL, ELECTRICITY, HEAT = range(7)
HAND_ACTIVITIES = Activities(
    scores={
        "co2e_kg": np.array([120.0, 70.0, 0.1, 8.0, 0.03, 0.15, 0.2]),
        "water_m3": np.array([0.5, 0.0, 0.0, 0.2, 0.0, 0.001, 0.0]),
    },
    is_landfill=np.array([False, True, False, False, False, False, False]),
    is_mass_production=np.array([True, False, False, True, False, False, False]),
)


def hand_exchange(**fields: float) -> dict[str, float]:
    return {
        "quantity": 100.0,
        "to_tonnes": 1.0,
        "mass_t": math.nan,
        "substitution_ratio": 1.0,
        "disposal": NONE,
        "to_disposal_unit": math.nan,
        "supply": NONE,
        "to_supply_unit": math.nan,
        "supply_unit_to_tonnes": math.nan,
        "transport": NONE,
        "transport_km": math.nan,
        "baseline_transport": NONE,
        "baseline_transport_km": math.nan,
        "supplier_share": 1.0,
        "hazardous": False,
        **fields,
    }


def hand_case(rows: list[dict[str, float]], inputs: InputArrays | None = None) -> Case:
    count = len(rows)
    zero = np.zeros(count)
    return Case(
        exchange_arrays(rows),
        inputs or InputArrays(np.array([], dtype=np.int64), np.array([], dtype=np.int64), zero[:0]),
        MoneyArrays(zero, zero, zero, zero, zero),
        YearSplit(np.arange(count), np.full(count, 2024), np.ones(count), np.ones(count)),
        HAND_ACTIVITIES,
    )


def one_exchange_case() -> Case:
    return hand_case([hand_exchange()])


def test_gypsum_by_hand_in_kilograms() -> None:
    # 100 000 kg = 100 t of FGD gypsum replacing gypsum one for one and avoiding plasterboard
    # landfill, trucked 30 km. Baseline CO2e 100 * 70 + 100 * 120 = 19 000 kg; symbiosis
    # 100 t * 30 km = 3 000 tkm * 0.1 = 300 kg; saved 18 700 kg. Water: 100 * 0.5 = 50 m3.
    kg = 0.001
    row = hand_exchange(
        quantity=100_000.0,
        to_tonnes=kg,
        disposal=PLASTERBOARD,
        to_disposal_unit=kg,
        supply=GYPSUM,
        to_supply_unit=kg,
        supply_unit_to_tonnes=1.0,
        transport=ROAD,
        transport_km=30.0,
        hazardous=True,
    )
    result = run(hand_case([row]))
    lines = result.lines
    assert lines.role.tolist() == [Role.BASELINE_DISPOSAL, Role.BASELINE_SUPPLY, Role.TRANSPORT]
    assert lines.amount == pytest.approx([100.0, 100.0, 3000.0])
    assert result.baseline["co2e_kg"] == pytest.approx([19_000.0])
    assert result.symbiosis["co2e_kg"] == pytest.approx([300.0])
    assert result.saved["co2e_kg"] == pytest.approx([18_700.0])
    assert result.saved["water_m3"] == pytest.approx([50.0])
    assert result.saved["virgin_material_t"] == pytest.approx([100.0])
    assert result.saved["landfill_diverted_t"] == pytest.approx([100.0])
    assert result.saved["hazardous_diverted_t"] == pytest.approx([100.0])


def test_aggregates_with_baseline_haulage_and_inputs_by_hand() -> None:
    # 50 t of crushed concrete replacing aggregates at 0.8: displaced 40 t, 40 * 8 = 320 kg;
    # the aggregates would have come 80 km by rail: 40 t * 80 km = 3 200 tkm * 0.03 = 96 kg.
    # Crushing takes 1 000 kWh of electricity: 150 kg CO2e and 1 m3 of water.
    # Second exchange: 2 MWh of heat (1 MWh = 1000 kWh) replacing gas boiler heat, 5 t of
    # hot water trucked 10 km (mass_t): 2000 * 0.2 = 400 kg baseline, 50 tkm * 0.1 = 5 kg.
    rows = [
        hand_exchange(
            quantity=50.0,
            substitution_ratio=0.8,
            supply=AGGREGATES,
            to_supply_unit=1.0,
            supply_unit_to_tonnes=1.0,
            baseline_transport=RAIL,
            baseline_transport_km=80.0,
        ),
        hand_exchange(
            quantity=2.0,
            to_tonnes=math.nan,
            mass_t=5.0,
            supply=HEAT,
            to_supply_unit=1000.0,
            transport=ROAD,
            transport_km=10.0,
            hazardous=True,
        ),
    ]
    inputs = InputArrays(np.array([0]), np.array([ELECTRICITY]), np.array([1000.0]))
    result = run(hand_case(rows, inputs))
    assert result.lines.exchange.tolist() == [0, 0, 0, 1, 1]
    assert result.lines.role.tolist() == [
        Role.BASELINE_SUPPLY,
        Role.BASELINE_TRANSPORT,
        Role.INPUT,
        Role.BASELINE_SUPPLY,
        Role.TRANSPORT,
    ]
    assert result.lines.amount == pytest.approx([40.0, 3200.0, 1000.0, 2000.0, 50.0])
    assert result.baseline["co2e_kg"] == pytest.approx([416.0, 400.0])
    assert result.symbiosis["co2e_kg"] == pytest.approx([150.0, 5.0])
    assert result.saved["co2e_kg"] == pytest.approx([266.0, 395.0])
    assert result.saved["water_m3"] == pytest.approx([40 * 0.2 - 1.0, 0.0])
    assert result.saved["virgin_material_t"] == pytest.approx([40.0, 0.0])
    assert result.saved["landfill_diverted_t"].tolist() == [0.0, 0.0]
    assert result.saved["hazardous_diverted_t"] == pytest.approx([0.0, 5.0])


# --- uncertainty -------------------------------------------------------------------------------

exchange_ids = st.lists(
    st.text(st.characters(codec="utf-8"), min_size=1, max_size=12),
    min_size=1,
    max_size=6,
    unique=True,
)


def mc_settings(iterations: int, seed: int, gsd: float | None = None) -> MonteCarloSettings:
    spread = dict.fromkeys(QUALITIES, gsd) if gsd is not None else dict(QUANTITY_GSD)
    return MonteCarloSettings(iterations=iterations, seed=seed, quantity_gsd=spread)


@MONTE_CARLO
@given(
    exchange_ids,
    exchange_ids,
    st.integers(1, 50),
    st.integers(0, 2**32),
    st.data(),
)
def test_an_exchange_draws_the_same_multipliers_whatever_else_is_in_the_ledger(
    ids: list[str], others: list[str], iterations: int, seed: int, data: st.DataObject
) -> None:
    qualities = {i: data.draw(st.sampled_from(QUALITIES)) for i in ids + others}
    settings_ = mc_settings(iterations, seed)
    mixed = data.draw(st.permutations(list(dict.fromkeys(ids + others))))

    def of(chosen: list[str]) -> dict[str, np.ndarray]:
        quality = np.array([qualities[i] for i in chosen], dtype=object)
        values = quantity_multipliers(chosen, quality, settings_)
        assert values.shape == (iterations, len(chosen))
        return dict(zip(chosen, values.T, strict=True))

    alone, together, again = of(ids), of(mixed), of(ids)
    for exchange_id in ids:
        np.testing.assert_array_equal(alone[exchange_id], together[exchange_id])
        np.testing.assert_array_equal(alone[exchange_id], again[exchange_id])
        assert (alone[exchange_id] > 0).all()


@MONTE_CARLO
@given(exchange_ids, st.integers(2, 50), st.integers(0, 2**32), st.integers(0, 2**32))
def test_the_seed_and_the_id_choose_the_stream(
    ids: list[str], iterations: int, seed: int, other_seed: int
) -> None:
    quality = np.full(len(ids), "estimated", dtype=object)
    first = quantity_multipliers(ids, quality, mc_settings(iterations, seed))
    if other_seed != seed:
        second = quantity_multipliers(ids, quality, mc_settings(iterations, other_seed))
        assert not np.array_equal(first, second)
    columns = {tuple(column) for column in first.T}
    assert len(columns) == len(ids), "two exchanges must not share a stream"


@MONTE_CARLO
@given(exchange_ids, st.integers(1, 50), st.integers(0, 2**32))
def test_data_quality_only_scales_the_spread_of_one_stream(
    ids: list[str], iterations: int, seed: int
) -> None:
    logs = {}
    for quality, gsd in QUANTITY_GSD.items():
        values = quantity_multipliers(
            ids, np.full(len(ids), quality), mc_settings(iterations, seed)
        )
        logs[quality] = np.log(values) / math.log(gsd)
    np.testing.assert_allclose(logs["measured"], logs["estimated"], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(logs["calculated"], logs["estimated"], rtol=1e-9, atol=1e-12)
    exact = quantity_multipliers(
        ids, np.full(len(ids), "estimated"), mc_settings(iterations, 1, 1.0)
    )
    assert (exact == 1.0).all()


def test_quantity_multipliers_are_lognormal_with_the_stated_gsd() -> None:
    values = quantity_multipliers(["E1"], np.array(["estimated"]), mc_settings(20_000, 3))
    logs = np.log(values[:, 0])
    # Median 1 and gsd 1.5: the logs have mean 0 and standard deviation ln 1.5 = 0.405.
    assert abs(np.mean(logs)) < 0.01
    assert np.std(logs) == pytest.approx(math.log(1.5), rel=0.02)


@st.composite
def groupings(draw: st.DrawFn, case: Case) -> dict[str, Aggregation]:
    """Organisations credited by supplier_share, calendar years, and the total."""
    count = len(case.exchanges.quantity)
    organisations = ["A", "B", "C"]
    supplier = [draw(st.sampled_from(organisations)) for _ in range(count)]
    receiver = [draw(st.sampled_from(organisations)) for _ in range(count)]
    share = case.exchanges.supplier_share
    weights = np.zeros((count, len(organisations)))
    for e in range(count):
        weights[e, organisations.index(supplier[e])] += credit_share(share[e], Party.SUPPLIER)
        weights[e, organisations.index(receiver[e])] += credit_share(share[e], Party.RECEIVER)
    years = sorted(set(case.split.year.tolist()))
    by_year = np.zeros((count, len(years)))
    for e, when, part in zip(
        case.split.exchange, case.split.year, case.split.fraction, strict=True
    ):
        by_year[e, years.index(when)] += part
    return {
        "organisations": Aggregation([(o,) for o in organisations], sparse.csr_matrix(weights)),
        "years": Aggregation([(str(y),) for y in years], sparse.csr_matrix(by_year)),
        "totals": Aggregation([("all",)], sparse.csr_matrix(np.ones((count, 1)))),
    }


def score_draws_of(draw: st.DrawFn, case: Case, iterations: int) -> dict[str, np.ndarray]:
    """Per-unit score draws: each activity's score times a positive factor per iteration."""
    activities = len(case.activities.is_landfill)
    factors = np.array(
        draw(
            st.lists(
                st.floats(0.5, 2.0),
                min_size=iterations * activities,
                max_size=iterations * activities,
            )
        )
    ).reshape(iterations, activities)
    return {name: factors * case.activities.scores[name] for name in SCORES}


def per_draw(case: Case, draws: dict[str, np.ndarray], multipliers: np.ndarray) -> np.ndarray:
    """Saved quantities per iteration (name x iterations x exchanges), one deterministic
    engine run per draw: the draw's scores, the quantity and the mass moved times its
    multiplier, the inputs rows as given."""
    iterations = multipliers.shape[0]
    runs = []
    for i in range(iterations):
        scores = {name: values[i] for name, values in draws.items()}
        drawn = replace(
            case,
            exchanges=scaled_quantity(case.exchanges, multipliers[i]),
            activities=replace(case.activities, scores=scores),
        )
        runs.append(run(drawn).saved)
    return np.array([[saved[name] for saved in runs] for name in SAVED])


def percentiles(samples: np.ndarray, mc: MonteCarloSettings) -> list[np.ndarray]:
    return list(np.percentile(samples, [5.0, 50.0, 95.0, mc.conservative_percentile], axis=0))


def assert_summary(summary: uncertainty.Summary, expected: list[np.ndarray], scale: float) -> None:
    actual = [summary.p5, summary.p50, summary.p95, summary.conservative]
    for got, want in zip(actual, expected, strict=True):
        close(got, want, scale)


@MONTE_CARLO
@given(
    cases(min_exchanges=1), st.integers(1, 12), st.floats(0.0, 50.0), st.integers(1, 5), st.data()
)
def test_propagate_is_the_engine_run_once_per_draw_and_sums_groups_per_draw(
    case: Case, iterations: int, percentile: float, slice_columns: int, data: st.DataObject
) -> None:
    count = len(case.exchanges.quantity)
    mc = MonteCarloSettings(iterations=iterations, seed=1, conservative_percentile=percentile)
    draws = score_draws_of(data.draw, case, iterations)
    multipliers = floats_array(data.draw, iterations * count, st.floats(0.5, 2.0)).reshape(
        iterations, count
    )
    aggregations = data.draw(groupings(case))
    result = run(case)
    # Small slices, so that sums over exchanges run across slice boundaries.
    with mock.patch.object(uncertainty, "SLICE_CELLS", iterations * slice_columns):
        exchanges, levels = propagate(
            result.lines, result.saved, draws, multipliers, aggregations, mc
        )
    samples = per_draw(case, draws, multipliers)
    scale = float(np.abs(samples).max(initial=0.0)) * count * 4
    for k, name in enumerate(SAVED):
        assert_summary(exchanges[name], percentiles(samples[k], mc), scale)
        for level, aggregation in aggregations.items():
            grouped = samples[k] @ aggregation.weights.toarray()
            assert_summary(levels[level][name], percentiles(grouped, mc), scale)


@MONTE_CARLO
@given(cases(min_exchanges=1), st.data())
def test_one_draw_sums_organisations_from_their_credited_exchanges(
    case: Case, data: st.DataObject
) -> None:
    count = len(case.exchanges.quantity)
    mc = MonteCarloSettings(iterations=1, seed=1)
    draws = score_draws_of(data.draw, case, 1)
    multipliers = floats_array(data.draw, count, st.floats(0.5, 2.0)).reshape(1, count)
    aggregations = data.draw(groupings(case))
    result = run(case)
    exchanges, levels = propagate(result.lines, result.saved, draws, multipliers, aggregations, mc)
    for name in SAVED:
        summary = exchanges[name]
        np.testing.assert_array_equal(summary.p5, summary.p95)
        organisations = levels["organisations"][name].p50
        by_hand = [
            sum(summary.p50[e] * aggregations["organisations"].weights[e, o] for e in range(count))
            for o in range(3)
        ]
        close(organisations, np.array(by_hand), np.abs(summary.p50).sum())
        close(levels["totals"][name].p50, np.array([summary.p50.sum()]), np.abs(summary.p50).sum())


@MONTE_CARLO
@given(cases(min_exchanges=1), st.integers(1, 30), st.data())
def test_no_spread_gives_back_the_deterministic_figures(
    case: Case, iterations: int, data: st.DataObject
) -> None:
    count = len(case.exchanges.quantity)
    mc = mc_settings(iterations, data.draw(st.integers(0, 1000)), gsd=1.0)
    ids = [f"E{e}" for e in range(count)]
    quality = np.array([data.draw(st.sampled_from(QUALITIES)) for _ in ids], dtype=object)
    multipliers = quantity_multipliers(ids, quality, mc)
    draws = {name: np.tile(case.activities.scores[name], (iterations, 1)) for name in SCORES}
    aggregations = data.draw(groupings(case))
    result = run(case)
    exchanges, levels = propagate(result.lines, result.saved, draws, multipliers, aggregations, mc)
    for name in SAVED:
        impacts = sum(np.abs(result.lines.impacts[score]).sum() for score in SCORES)
        scale = impacts + np.abs(result.saved[name]).sum()
        expected = [result.saved[name]] * 4
        assert_summary(exchanges[name], expected, scale)
        for level, aggregation in aggregations.items():
            grouped = aggregation.weights.T @ result.saved[name]
            assert_summary(levels[level][name], [grouped] * 4, scale)
