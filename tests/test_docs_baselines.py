"""The ledger rows of docs/baselines.md assess as written, to the figures the factors give."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from isbenefit import assess
from tests.conftest import REPO

GUIDE = REPO / "docs" / "baselines.md"
DEFAULT_FACTORS = REPO / "factors" / "isbenefit-open" / "activities.csv"
EXAMPLE = re.compile(r"\n    (id,[^\n]+)\n    ([^\n]+)\n")


def factor(activity: str) -> float:
    """kg CO2e per unit of a default-set activity, read from the factor file itself."""
    with DEFAULT_FACTORS.open(encoding="utf-8") as stream:
        return next(float(r["co2e_kg"]) for r in csv.DictReader(stream) if r["id"] == activity)


def examples() -> dict[str, str]:
    rows = EXAMPLE.findall(GUIDE.read_text(encoding="utf-8"))
    return {row.split(",", 1)[0]: f"{head}\n{row}\n" for head, row in rows}


def saved_by(exchange_id: str, tmp_path: Path) -> dict[str, float]:
    (tmp_path / "exchanges.csv").write_text(examples()[exchange_id], encoding="utf-8")
    (only,) = assess(tmp_path).results["exchanges"]
    return only["saved"]


def heating_value(fuel: str, unit: str) -> float:
    """Net kWh per unit of a default-set fuel, read from heating_values.csv itself."""
    with (DEFAULT_FACTORS.parent / "heating_values.csv").open(encoding="utf-8") as stream:
        return next(
            float(r["ncv_kwh"])
            for r in csv.DictReader(stream)
            if (r["fuel"], r["unit"]) == (fuel, unit)
        )


def test_the_guide_has_its_examples() -> None:
    assert set(examples()) == {
        "hbg-heat-2024",
        "spoil-2024",
        "coolwater-2024",
        "chips-2024",
        "biogas-2024",
        "steam-2024",
    }


def test_wood_chips_example(tmp_path: Path) -> None:
    """3,000 t x the chips' net heating value x 0.85 of gas-boiler heat."""
    useful_kwh = 3000 * heating_value("wood_chips", "t") * 0.85
    saved = saved_by("chips-2024", tmp_path)
    assert saved["co2e_kg"] == pytest.approx(useful_kwh * factor("energy.heat_natural_gas_boiler"))


def test_biogas_example(tmp_path: Path) -> None:
    """500,000 Nm3 x 6.0 kWh/Nm3 (stated) of natural gas on the net heating value."""
    saved = saved_by("biogas-2024", tmp_path)
    assert saved["co2e_kg"] == pytest.approx(500_000 * 6.0 * factor("energy.natural_gas_kwh_net"))


def test_heat_example(tmp_path: Path) -> None:
    saved = saved_by("hbg-heat-2024", tmp_path)
    assert saved["co2e_kg"] == pytest.approx(120e6 * factor("energy.heat_natural_gas_boiler"))


def test_spoil_example(tmp_path: Path) -> None:
    """230 kt: avoided landfill and aggregates, minus 18 km of articulated truck."""
    tonnes = 230_000
    expected = tonnes * (factor("landfill.inert") + factor("prod.aggregates")) - tonnes * 18 * (
        factor("transport.road_artic")
    )
    saved = saved_by("spoil-2024", tmp_path)
    assert saved["co2e_kg"] == pytest.approx(expected)
    assert saved["landfill_diverted_t"] == saved["virgin_material_t"] == tonnes


def test_water_example(tmp_path: Path) -> None:
    volume = 1_200_000
    saved = saved_by("coolwater-2024", tmp_path)
    assert saved["co2e_kg"] == pytest.approx(
        volume * (factor("treatment.wastewater") + factor("water.mains"))
    )
    assert saved["water_m3"] == pytest.approx(volume)


def test_steam_example(tmp_path: Path) -> None:
    """120,000 t x (2828 - 335) kJ/kg / 3.6 = 692.5 kWh/t of gas-boiler heat."""
    saved = saved_by("steam-2024", tmp_path)
    heat_kwh = 120_000 * (2828 - 335) / 3.6  # kJ/kg = MJ/t; 3.6 MJ per kWh
    assert saved["co2e_kg"] == pytest.approx(heat_kwh * factor("energy.heat_natural_gas_boiler"))
