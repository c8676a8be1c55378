"""Global (`GLO`) variants: chosen where neither the party's country nor, in the EEA, the
EU has a variant; the country's own variant and a generic row of the party's own country
are kept. Figures by hand from tests/fixtures/factors-regional (natural_gas.m3 2 GLO, DK
variant 2.2) plus a GLO variant 1.9 added here, and from the default factor set's rows."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from isbenefit import assess
from tests.conftest import REPO, exchange, write_ledger

REGIONAL = REPO / "tests" / "fixtures" / "factors-regional"
DEFAULT = REPO / "factors" / "isbenefit-open"
GAS = {"flow": "energy", "resource": "biogas", "quantity": "1000", "unit": "m3",
       "baseline_supply": "natural_gas.m3"}  # fmt: skip


def with_global_gas(tmp_path: Path) -> Path:
    folder = tmp_path / "factors"
    shutil.copytree(REGIONAL, folder)
    with (folder / "activities.csv").open("a", encoding="utf-8") as stream:
        stream.write("natural_gas.m3.glo,natural gas burned,energy,m3,GLO,1.9,0,1.05,"
                     "made-up,IPCC default (test figure),2006,\n")  # fmt: skip
    with (folder / "variants.csv").open("a", encoding="utf-8") as stream:
        stream.write("natural_gas.m3,GLO,natural_gas.m3.glo,\n")
    return folder


def only(tmp_path: Path, factors: Path, row: dict[str, str], receiver: str) -> Any:
    organisations = [{"id": "SUP", "country": "DK"}, {"id": "REC", "country": receiver}]
    ledger = write_ledger(tmp_path / f"ledger-{receiver}", [row], organisations=organisations)
    (result,) = assess(ledger, factors).results["exchanges"]
    return result


@pytest.mark.parametrize(
    ("receiver", "activity", "reason", "factor"),
    [
        ("US", "natural_gas.m3.glo",
         "the receiver's country US has no variant of natural_gas.m3: the global one", 1.9),
        ("FI", "natural_gas.m3.glo",  # no EU variant of natural_gas.m3
         "the receiver's country FI has no variant of natural_gas.m3: the global one", 1.9),
        ("DK", "natural_gas.m3.dk", "the receiver's country is DK", 2.2),
    ],
)  # fmt: skip
def test_a_global_variant_comes_after_the_country_and_the_eu(
    tmp_path: Path, receiver: str, activity: str, reason: str, factor: float
) -> None:
    result = only(tmp_path, with_global_gas(tmp_path), exchange(**GAS), receiver)
    (line,) = result["lines"]
    assert (line["activity"], line["variant_reason"]) == (activity, reason)
    assert result["saved"]["co2e_kg"] == pytest.approx(1000 * factor)
    assert result["flags"] == []


def test_the_eu_variant_still_comes_before_a_global_one(tmp_path: Path) -> None:
    folder = with_global_gas(tmp_path)
    with (folder / "activities.csv").open("a", encoding="utf-8") as stream:
        stream.write("heat.gas_boiler.glo,heat,energy,kWh,GLO,0.3,0,1.05,made-up,row,2006,\n")
    with (folder / "variants.csv").open("a", encoding="utf-8") as stream:
        stream.write("heat.gas_boiler,GLO,heat.gas_boiler.glo,\n")
    heat = exchange(flow="energy", resource="heat", quantity="10", unit="MWh",
                    baseline_supply="heat.gas_boiler")  # fmt: skip
    assert only(tmp_path, folder, heat, "FI")["lines"][0]["activity"] == "heat.gas_boiler.eu"
    assert only(tmp_path, folder, heat, "US")["lines"][0]["activity"] == "heat.gas_boiler.glo"


# The default set: IPCC 2006 Table 2.2 CO2 factors (kg CO2/TJ net CV) x 3.6e-6 TJ/kWh over
# the generic rows' assumed efficiencies; natural gas to gross CV with DESNZ 0.18296/0.2027.
HEAT_OIL_SE = 74_100 * 3.6e-6 / 0.90
HEAT_GAS_FI = 56_100 * 3.6e-6 * 0.18296 / 0.2027 / 0.90


@pytest.mark.parametrize(
    ("baseline", "receiver", "activity", "factor"),
    [
        ("energy.heat_gas_oil_boiler", "SE", "energy.heat_gas_oil_boiler.glo", HEAT_OIL_SE),
        ("energy.heat_natural_gas_boiler", "FI", "energy.heat_natural_gas_boiler.glo",
         HEAT_GAS_FI),
        ("energy.heat_natural_gas_boiler", "NO", "energy.heat_natural_gas_boiler.no",
         1.99 / 9.92 * 0.18296 / 0.2027 / 0.90),
        ("energy.heat_gas_oil_boiler", "GB", "energy.heat_gas_oil_boiler", 0.27288 / 0.90),
    ],
)  # fmt: skip
def test_the_default_set_scores_heat_with_the_global_fuel_default(
    tmp_path: Path, baseline: str, receiver: str, activity: str, factor: float
) -> None:
    row = exchange(flow="energy", resource="surplus heat", quantity="100", unit="MWh",
                   baseline_supply=baseline)  # fmt: skip
    result = only(tmp_path, DEFAULT, row, receiver)
    (line,) = result["lines"]
    assert line["activity"] == activity
    assert result["saved"]["co2e_kg"] == pytest.approx(100_000 * factor, rel=1e-5)
    assert [flag["code"] for flag in result["flags"]] == []
