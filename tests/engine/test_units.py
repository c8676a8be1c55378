"""Every accepted ledger unit converts, into the dimension docs/formats.md gives it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from isbenefit import units
from isbenefit.cli.app import app
from tests.conftest import TINY_FACTORS, F, exchange, write_ledger

# unit -> (dimension, amount of the dimension's reference unit in one of it), by hand.
EXPECTED = {
    "g": (units.MASS, "t", 1e-6),
    "kg": (units.MASS, "t", 1e-3),
    "t": (units.MASS, "t", 1.0),
    "tonne": (units.MASS, "t", 1.0),
    "Mg": (units.MASS, "t", 1.0),
    "kt": (units.MASS, "t", 1e3),
    "Mt": (units.MASS, "t", 1e6),
    "Wh": (units.ENERGY, "kWh", 1e-3),
    "kWh": (units.ENERGY, "kWh", 1.0),
    "MWh": (units.ENERGY, "kWh", 1e3),
    "GWh": (units.ENERGY, "kWh", 1e6),
    "TWh": (units.ENERGY, "kWh", 1e9),
    "J": (units.ENERGY, "kWh", 1 / 3.6e6),
    "kJ": (units.ENERGY, "kWh", 1 / 3.6e3),
    "MJ": (units.ENERGY, "kWh", 1 / 3.6),
    "GJ": (units.ENERGY, "kWh", 1e3 / 3.6),
    "TJ": (units.ENERGY, "kWh", 1e6 / 3.6),
    "PJ": (units.ENERGY, "kWh", 1e9 / 3.6),
    "m3": (units.VOLUME, "m3", 1.0),
    "dm3": (units.VOLUME, "m3", 1e-3),
    "cm3": (units.VOLUME, "m3", 1e-6),
    "l": (units.VOLUME, "m3", 1e-3),
    "L": (units.VOLUME, "m3", 1e-3),
    "ml": (units.VOLUME, "m3", 1e-6),
    "hl": (units.VOLUME, "m3", 0.1),
    "tkm": (units.FREIGHT, "tkm", 1.0),
    "Nm3": (units.GAS_VOLUME, "Nm3", 1.0),
}


def test_every_accepted_unit_has_a_hand_computed_expectation() -> None:
    assert set(EXPECTED) == set(units.ACCEPTED_UNITS)


@pytest.mark.parametrize("unit", sorted(EXPECTED))
def test_unit_converts_within_its_dimension(unit: str) -> None:
    dimension, reference, amount = EXPECTED[unit]
    assert units.dimension(unit) == dimension
    assert units.conversion_factor(unit, reference) == pytest.approx(amount, rel=1e-12)


def test_kt_is_a_kilotonne_not_a_knot() -> None:
    assert units.conversion_factor("kt", "kg") == 1e6


def test_normal_cubic_metres_never_mix_with_cubic_metres() -> None:
    with pytest.raises(units.UnitError, match="cannot be converted"):
        units.conversion_factor("Nm3", "m3")


@pytest.mark.parametrize(
    ("written", "meant"),
    [("MWh_th", "MWh"), ("MWhth", "MWh"), ("kWh(e)", "kWh"), ("GWh el", "GWh"), ("TJ_th", "TJ")],
)
def test_heat_or_electricity_suffixes_are_refused_with_their_fix(written: str, meant: str) -> None:
    with pytest.raises(units.UnitError):
        units.dimension(written)
    fix = units.unit_fix(written) or ""
    assert fix.startswith(f"write {meant} without")
    assert "flow and the activity" in fix


def test_a_ledger_in_kilotonnes_assesses(tmp_path: Path) -> None:
    """230 kt of spoil replacing aggregates: 230,000 t x 8 kg CO2e/t (tiny set), none landfilled."""
    ledger = write_ledger(
        tmp_path / "ledger",
        [exchange(quantity="230", unit="kt", baseline_supply="prod.aggregates")],
    )
    out = tmp_path / "results.json"
    result = CliRunner().invoke(
        app, ["assess", str(ledger), "--factors", str(TINY_FACTORS), "--json", str(out), "-q"]
    )
    assert result.exit_code == 0, result.output
    saved = json.loads(out.read_text(encoding="utf-8"))["exchanges"][0]["saved"]
    assert saved["co2e_kg"] == pytest.approx(230_000 * F["prod.aggregates"][0])
    assert saved["virgin_material_t"] == pytest.approx(230_000)


def test_an_annotated_unit_in_a_ledger_names_the_fix(tmp_path: Path) -> None:
    ledger = write_ledger(
        tmp_path / "ledger",
        [exchange(flow="energy", quantity="2", unit="MWh_th", baseline_supply="heat.gas_boiler")],
    )
    result = CliRunner().invoke(app, ["assess", str(ledger), "--factors", str(TINY_FACTORS)])
    assert result.exit_code == 2
    flat = " ".join(result.output.split())
    assert "row 2, column unit" in flat
    assert "write MWh without '_th'" in flat


def test_kept_conversions_are_pints_bit_for_bit() -> None:
    """data/unit_conversions.csv holds what pint gives (scripts/unit_conversions.py writes
    it): a run reads it instead of building pint's registry, with the same float64s."""
    kept_kinds, kept_factors = units._kept()
    fresh = units.pint_conversions()
    assert {(a, b): factor for a, b, _, factor in fresh} == kept_factors
    assert {a: kind for a, _, kind, _ in fresh} == kept_kinds
    assert set(kept_kinds) == set(units.ACCEPTED_UNITS)
    for source, target, kind, factor in fresh:
        assert units.dimension(f" {source} ") == kind
        assert units.conversion_factor(source, target) == factor
