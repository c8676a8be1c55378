"""Invariants of the arithmetic, on random ledgers (hypothesis)."""

from __future__ import annotations

import datetime as dt
import random
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from isbenefit import assess
from isbenefit.engine.core import SAVED
from isbenefit.scoring.source import FactorSetFolder
from tests.conftest import TINY_FACTORS, write_ledger

SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
KINDS = {
    "material": [
        {
            "unit": "t",
            "baseline_disposal": "landfill.plasterboard",
            "baseline_supply": "prod.gypsum",
        },
        {
            "unit": "t",
            "baseline_supply": "prod.aggregates",
            "baseline_transport_mode": "transport.rail",
            "baseline_transport_km": "80",
        },
    ],
    "energy": [{"unit": "MWh", "baseline_supply": "heat.gas_boiler"}],
    "water": [
        {
            "unit": "m3",
            "baseline_disposal": "treatment.wastewater",
            "baseline_supply": "water.mains",
        }
    ],
}
ORGS = ["A", "B", "C", "D"]
# One source for every example: the factor set is read and scored through Brightway once,
# not twice per example (the scores are what every example shares; the ledgers differ).
TINY = FactorSetFolder(TINY_FACTORS)


@st.composite
def ledgers(draw: st.DrawFn) -> list[dict[str, str]]:
    count = draw(st.integers(1, 6))
    rows = []
    for index in range(count):
        flow = draw(st.sampled_from(sorted(KINDS)))
        template = draw(st.sampled_from(KINDS[flow]))
        supplier, receiver = draw(st.permutations(ORGS))[:2]
        start = dt.date(2023, 1, 1) + dt.timedelta(days=draw(st.integers(0, 700)))
        end = start + dt.timedelta(days=draw(st.integers(0, 500)))
        row = {
            "id": f"X{index:02d}",
            "period_start": start.isoformat(),
            "period_end": end.isoformat(),
            "supplier": supplier,
            "receiver": receiver,
            "flow": flow,
            "resource": flow,
            "quantity": repr(draw(st.floats(0.5, 1e5, allow_nan=False))),
            "supplier_share": repr(draw(st.floats(0, 1))),
            "price": repr(draw(st.floats(-1e4, 1e4, allow_nan=False))),
            **template,
        }
        if template["unit"] == "t" and draw(st.booleans()):
            row.update(transport_mode="transport.road", transport_km=repr(draw(st.floats(0, 500))))
        rows.append(row)
    return rows


def results_of(rows: list[dict[str, str]], inputs: list[dict[str, str]] | None = None) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        sheets = {"inputs": inputs} if inputs else {}
        ledger = write_ledger(Path(folder) / "ledger", rows, **sheets)
        return assess(ledger, factors=TINY).results


def scaled(rows: list[dict[str, str]], factor: float) -> list[dict[str, str]]:
    return [
        {
            **row,
            "quantity": repr(float(row["quantity"]) * factor),
            "price": repr(float(row["price"]) * factor),
        }
        for row in rows
    ]


@SETTINGS
@given(ledgers(), st.floats(0.1, 50))
def test_savings_are_linear_in_quantity(rows: list[dict[str, str]], factor: float) -> None:
    base, bigger = results_of(rows), results_of(scaled(rows, factor))
    for before, after in zip(base["exchanges"], bigger["exchanges"], strict=True):
        for name in SAVED:
            assert after["saved"][name] == pytest.approx(
                before["saved"][name] * factor, rel=1e-9, abs=1e-9
            )


@SETTINGS
@given(ledgers())
def test_unit_choice_does_not_change_results(rows: list[dict[str, str]]) -> None:
    bigger_units = {"t": ("kg", 1000.0), "MWh": ("kWh", 1000.0), "m3": ("l", 1000.0)}
    converted = []
    for row in rows:
        unit, factor = bigger_units[row["unit"]]
        converted.append({**row, "unit": unit, "quantity": repr(float(row["quantity"]) * factor)})
    first, second = results_of(rows), results_of(converted)
    for name in SAVED:
        assert second["totals"]["saved"][name] == pytest.approx(
            first["totals"]["saved"][name], rel=1e-9, abs=1e-9
        )


@SETTINGS
@given(ledgers())
def test_credits_add_up_to_exchange_and_cluster_totals(rows: list[dict[str, str]]) -> None:
    results = results_of(rows)
    for name in SAVED:
        exchange_sum = sum(e["saved"][name] for e in results["exchanges"])
        org_sum = sum(o["saved"][name] for o in results["organisations"])
        year_sum = sum(y["saved"][name] for y in results["years"].values())
        total = results["totals"]["saved"][name]
        assert exchange_sum == pytest.approx(total, rel=1e-9, abs=1e-9)
        assert org_sum == pytest.approx(total, rel=1e-9, abs=1e-9)
        assert year_sum == pytest.approx(total, rel=1e-9, abs=1e-9)
    network = sum(e["money"]["network"] for e in results["exchanges"])
    org_money = sum(o["money"] for o in results["organisations"])
    assert org_money == pytest.approx(network, rel=1e-9, abs=1e-6)


@SETTINGS
@given(ledgers(), st.randoms(use_true_random=False))
def test_row_order_changes_nothing(rows: list[dict[str, str]], rng: random.Random) -> None:
    inputs = [
        {"exchange": row["id"], "activity": "electricity.dk", "quantity": "10", "unit": "kWh"}
        for row in rows[:2]
    ]
    shuffled_rows, shuffled_inputs = rows[:], inputs[:]
    rng.shuffle(shuffled_rows)
    rng.shuffle(shuffled_inputs)
    first = results_of(rows, inputs)
    second = results_of(shuffled_rows, shuffled_inputs)
    for result in (first, second):
        result.pop("ledger")
    assert first == second


@SETTINGS
@given(ledgers())
def test_supplier_plus_receiver_credit_equals_each_exchange_total(
    rows: list[dict[str, str]],
) -> None:
    from isbenefit.results.tables import SAVED_COLUMNS, _credits

    with tempfile.TemporaryDirectory() as folder:
        assessment = assess(write_ledger(Path(folder) / "ledger", rows), factors=TINY)
    credits = _credits(assessment.sheets.exchanges, assessment.tables.exchange_years)
    # Credits list the supplier rows, then the receiver rows, each in exchange-year order.
    exchange_of = assessment.tables.exchange_years["exchange"].to_numpy()
    per_exchange = credits.assign(exchange=np.concatenate([exchange_of, exchange_of]))
    summed = per_exchange.groupby("exchange")[SAVED_COLUMNS].sum()
    expected = assessment.tables.exchanges.set_index("id")[SAVED_COLUMNS]
    np.testing.assert_allclose(
        summed.loc[expected.index].to_numpy(), expected.to_numpy(), rtol=1e-9, atol=1e-9
    )
