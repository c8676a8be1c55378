"""Every formula of formats.md section 3, checked against sums done by hand from the
tiny factor set (values restated in conftest.F)."""

from __future__ import annotations

from pathlib import Path

import pytest

from isbenefit import assess
from tests.conftest import TINY_FACTORS, F, exchange, write_ledger


def run(
    tmp_path: Path,
    exchanges: list[dict[str, str]],
    currency: str = "EUR",
    **sheets: list[dict[str, str]],
) -> dict:
    ledger = write_ledger(tmp_path / "ledger", exchanges, **sheets)
    return assess(ledger, factors=TINY_FACTORS, currency=currency).results


def only(results: dict) -> dict:
    (single,) = results["exchanges"]
    return single


def test_baseline_symbiosis_and_saved_by_hand(tmp_path: Path) -> None:
    row = exchange(
        baseline_disposal="landfill.plasterboard",
        baseline_supply="prod.gypsum",
        substitution_ratio="0.9",
        transport_mode="transport.road",
        transport_km="50",
    )
    inputs = [{"exchange": "E1", "activity": "electricity.dk", "quantity": "1", "unit": "MWh"}]
    result = only(run(tmp_path, [row], inputs=inputs))
    q, s = 100.0, 0.9
    baseline_co2e = q * F["landfill.plasterboard"][0] + q * s * F["prod.gypsum"][0]
    baseline_water = q * s * F["prod.gypsum"][1]
    symbiosis_co2e = q * 50 * F["transport.road"][0] + 1000 * F["electricity.dk"][0]
    symbiosis_water = 1000 * F["electricity.dk"][1]
    assert result["baseline"]["co2e_kg"] == pytest.approx(baseline_co2e, rel=1e-12)
    assert result["baseline"]["water_m3"] == pytest.approx(baseline_water, rel=1e-12)
    assert result["symbiosis"]["co2e_kg"] == pytest.approx(symbiosis_co2e, rel=1e-12)
    assert result["symbiosis"]["water_m3"] == pytest.approx(symbiosis_water, rel=1e-12)
    saved = result["saved"]
    assert saved["co2e_kg"] == pytest.approx(baseline_co2e - symbiosis_co2e, rel=1e-12)
    assert saved["water_m3"] == pytest.approx(baseline_water - symbiosis_water, rel=1e-12)
    assert saved["virgin_material_t"] == pytest.approx(q * s)
    assert saved["landfill_diverted_t"] == pytest.approx(q)
    assert saved["hazardous_diverted_t"] == 0.0


def test_audit_lines_redo_the_sum(tmp_path: Path) -> None:
    row = exchange(
        baseline_disposal="landfill.plasterboard",
        baseline_supply="prod.gypsum",
        transport_mode="transport.road",
        transport_km="50",
    )
    inputs = [{"exchange": "E1", "activity": "electricity.dk", "quantity": "1000", "unit": "kWh"}]
    result = only(run(tmp_path, [row], inputs=inputs))
    roles = [
        (line["role"], line["activity"], line["amount"], line["unit"]) for line in result["lines"]
    ]
    assert roles == [
        ("baseline_disposal", "landfill.plasterboard", 100.0, "t"),
        ("baseline_supply", "prod.gypsum", 100.0, "t"),
        ("transport", "transport.road", 5000.0, "tkm"),
        ("input", "electricity.dk", 1000.0, "kWh"),
    ]
    for line in result["lines"]:
        assert line["co2e_kg"] == pytest.approx(line["amount"] * F[line["activity"]][0])
    baseline = sum(line["co2e_kg"] for line in result["lines"] if line["role"].startswith("base"))
    assert result["baseline"]["co2e_kg"] == pytest.approx(baseline)


def test_transport_of_a_non_mass_uses_mass_t_and_negative_saving_is_kept(tmp_path: Path) -> None:
    row = exchange(
        flow="water",
        resource="process water",
        quantity="1000",
        unit="m3",
        baseline_disposal="treatment.wastewater",
        baseline_supply="water.mains",
        mass_t="1000",
        transport_mode="transport.road",
        transport_km="20",
    )
    result = only(run(tmp_path, [row]))
    baseline = 1000 * F["treatment.wastewater"][0] + 1000 * F["water.mains"][0]
    symbiosis = 1000 * 20 * F["transport.road"][0]
    assert result["saved"]["co2e_kg"] == pytest.approx(baseline - symbiosis)
    assert result["saved"]["co2e_kg"] < 0
    assert result["saved"]["water_m3"] == pytest.approx(1000 * F["water.mains"][1])
    assert result["saved"]["virgin_material_t"] == 0.0  # water.mains is not a production


@pytest.mark.parametrize(
    ("quantity", "unit"), [("2", "MWh"), ("2000", "kWh"), ("7.2", "GJ"), ("7200", "MJ")]
)
def test_energy_units_convert_into_the_activity_unit(
    tmp_path: Path, quantity: str, unit: str
) -> None:
    row = exchange(
        flow="energy",
        resource="waste heat 90 C",
        quantity=quantity,
        unit=unit,
        baseline_supply="heat.gas_boiler",
    )
    result = only(run(tmp_path, [row]))
    assert result["baseline"]["co2e_kg"] == pytest.approx(2000 * F["heat.gas_boiler"][0])


def test_baseline_transport_of_displaced_mass(tmp_path: Path) -> None:
    row = exchange(
        quantity="50000",
        unit="kg",
        baseline_supply="prod.aggregates",
        substitution_ratio="0.8",
        baseline_transport_mode="transport.rail",
        baseline_transport_km="100",
    )
    result = only(run(tmp_path, [row]))
    displaced_t = 50 * 0.8
    expected = displaced_t * F["prod.aggregates"][0] + displaced_t * 100 * F["transport.rail"][0]
    assert result["baseline"]["co2e_kg"] == pytest.approx(expected)
    assert result["saved"]["virgin_material_t"] == pytest.approx(displaced_t)


def test_hazardous_and_landfill_diversion(tmp_path: Path) -> None:
    hazardous = exchange(
        id="H", quantity="5000", unit="kg", hazardous="yes", baseline_disposal="landfill.inert"
    )
    burned = exchange(id="I", baseline_disposal="incineration.mixed_waste")
    results = run(tmp_path, [hazardous, burned])
    by_id = {e["id"]: e["saved"] for e in results["exchanges"]}
    assert by_id["H"]["hazardous_diverted_t"] == pytest.approx(5.0)
    assert by_id["H"]["landfill_diverted_t"] == pytest.approx(5.0)
    assert by_id["I"]["landfill_diverted_t"] == 0.0  # incineration is not landfill
    assert by_id["I"]["hazardous_diverted_t"] == 0.0


def test_year_split_by_days_both_ends_counting(tmp_path: Path) -> None:
    row = exchange(
        period_start="2023-07-01",
        period_end="2024-06-30",
        baseline_supply="prod.gypsum",
        supplier_share="0.25",
    )
    results = run(tmp_path, [row])
    days_2023, days_2024 = 184, 182  # Jul-Dec 2023; Jan-Jun 2024 (leap year)
    total = days_2023 + days_2024
    assert only(results)["years"] == pytest.approx(
        {"2023": days_2023 / total, "2024": days_2024 / total}
    )
    saved = 100 * F["prod.gypsum"][0]
    assert results["years"]["2023"]["saved"]["co2e_kg"] == pytest.approx(saved * 184 / 366)
    assert results["years"]["2024"]["saved"]["co2e_kg"] == pytest.approx(saved * 182 / 366)
    orgs = {o["id"]: o for o in results["organisations"]}
    assert orgs["SUP"]["years"]["2024"]["saved"]["co2e_kg"] == pytest.approx(
        saved * 0.25 * 182 / 366
    )
    assert orgs["REC"]["years"]["2023"]["saved"]["co2e_kg"] == pytest.approx(
        saved * 0.75 * 184 / 366
    )


def test_credit_shares_default_half_and_cluster_counts_once(tmp_path: Path) -> None:
    rows = [
        exchange(id="A", baseline_supply="prod.gypsum"),
        exchange(
            id="B",
            supplier="REC",
            receiver="THIRD",
            baseline_supply="prod.gypsum",
            supplier_share="0",
        ),
    ]
    results = run(tmp_path, rows)
    saved = 100 * F["prod.gypsum"][0]
    orgs = {o["id"]: o["saved"]["co2e_kg"] for o in results["organisations"]}
    assert orgs == pytest.approx({"SUP": saved * 0.5, "REC": saved * 0.5 + 0.0, "THIRD": saved})
    assert results["totals"]["saved"]["co2e_kg"] == pytest.approx(2 * saved)


def test_money_per_party_in_report_currency(tmp_path: Path) -> None:
    row = exchange(
        baseline_supply="prod.gypsum",
        price="1000",
        supplier_avoided_cost="500",
        supplier_extra_cost="100",
        receiver_avoided_cost="2000",
        receiver_extra_cost="300",
        currency="DKK",
    )
    rates = [
        {"currency": "DKK", "year": "2024", "per_eur": "7.5"},
        {"currency": "SEK", "year": "2024", "per_eur": "11"},
    ]
    in_eur = only(run(tmp_path / "eur", [row], rates=rates))["money"]
    supplier, receiver = 1000 + 500 - 100, 2000 - 1000 - 300
    assert in_eur["supplier"] == pytest.approx(supplier / 7.5)
    assert in_eur["receiver"] == pytest.approx(receiver / 7.5)
    assert in_eur["network"] == pytest.approx((supplier + receiver) / 7.5)
    assert in_eur["additional_sales"] == pytest.approx(1000 / 7.5)
    in_sek = only(run(tmp_path / "sek", [row], currency="SEK", rates=rates))["money"]
    assert in_sek["supplier"] == pytest.approx(supplier * 11 / 7.5)


def test_gate_fee_gives_no_additional_sales(tmp_path: Path) -> None:
    row = exchange(baseline_disposal="landfill.inert", price="-400")
    results = run(tmp_path, [row])
    money = only(results)["money"]
    assert money["supplier"] == pytest.approx(-400)
    assert money["receiver"] == pytest.approx(400)
    assert money["additional_sales"] == 0.0
    orgs = {o["id"]: o for o in results["organisations"]}
    assert orgs["SUP"]["money"] == pytest.approx(-400)
    assert orgs["REC"]["additional_sales"] == 0.0


def test_money_split_over_years_uses_each_years_rate(tmp_path: Path) -> None:
    row = exchange(
        period_start="2023-07-01",
        period_end="2024-06-30",
        baseline_supply="prod.gypsum",
        price="3660",
        currency="DKK",
    )
    rates = [
        {"currency": "DKK", "year": "2023", "per_eur": "7.0"},
        {"currency": "DKK", "year": "2024", "per_eur": "8.0"},
    ]
    money = only(run(tmp_path, [row], rates=rates))
    expected_2023, expected_2024 = 3660 * 184 / 366 / 7.0, 3660 * 182 / 366 / 8.0
    assert money["money_by_year"]["2023"]["supplier"] == pytest.approx(expected_2023)
    assert money["money"]["supplier"] == pytest.approx(expected_2023 + expected_2024)


def test_unknown_columns_are_passed_through(tmp_path: Path) -> None:
    row = exchange(baseline_supply="prod.gypsum", contract_ref="K-77/å")
    assert only(run(tmp_path, [row]))["extra"] == {"contract_ref": "K-77/å"}
