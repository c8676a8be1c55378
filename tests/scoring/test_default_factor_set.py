"""The shipped factor set: sourced rows, renamed ids that still work with a warning, heat
from a boiler with its stated efficiency, and heating values consistent with the factors.

Expected figures are computed here from the numbers in activities.csv, never from output.
"""

from __future__ import annotations

import csv
import json
import shutil
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from isbenefit import assess
from isbenefit.cli.app import app
from isbenefit.errors import FactorSetError
from isbenefit.scoring.factorset import load_factor_set
from tests.conftest import REPO, exchange, write_ledger

FOLDER = REPO / "factors" / "isbenefit-open"
runner = CliRunner()


def rows() -> dict[str, dict[str, str]]:
    with (FOLDER / "activities.csv").open(encoding="utf-8") as stream:
        return {row["id"]: row for row in csv.DictReader(stream)}


def co2e(activity: str) -> float:
    return float(rows()[activity]["co2e_kg"])


def test_every_row_cites_a_listed_source_with_its_place_and_year() -> None:
    meta = tomllib.loads((FOLDER / "factorset.toml").read_text(encoding="utf-8"))
    keys = {source["key"] for source in meta["sources"]}
    for activity, row in rows().items():
        assert row["source"] in keys, activity
        assert row["source_ref"].strip(), activity
        assert row["year"].strip().isdigit(), activity


# Heat row -> (fuel row it divides, by hand from the fuel rows' units and CV basis).
HEAT_FROM_FUEL = {
    "energy.heat_natural_gas_boiler": "energy.natural_gas_kwh",
    "energy.heat_gas_oil_boiler": "energy.gas_oil_kwh_net",
    "energy.heat_fuel_oil_boiler": "energy.fuel_oil_kwh_net",
    "energy.heat_lpg_boiler": "energy.lpg_kwh_net",
    "energy.heat_coal_boiler": "energy.coal_industrial_kwh_net",
    "energy.heat_wood_chips_boiler": "energy.wood_chips_kwh",
    "energy.heat_wood_pellets_boiler": "energy.wood_pellets_kwh",
    "energy.heat_peat_boiler": "energy.peat_kwh_net",
}


def regional_variants() -> dict[str, str]:
    """Country variant id -> its generic id, from variants.csv."""
    with (FOLDER / "variants.csv").open(encoding="utf-8") as stream:
        return {row["variant"]: row["activity"] for row in csv.DictReader(stream)}


def heat_from_fuel() -> dict[str, str]:
    """HEAT_FROM_FUEL plus each country variant of a heat row, paired with the same
    country's variant of the fuel row (`<generic id>.<cc>`)."""
    pairs = dict(HEAT_FROM_FUEL)
    for variant, generic in regional_variants().items():
        if generic in HEAT_FROM_FUEL:
            country = variant.rsplit(".", 1)[1]
            pairs[variant] = f"{HEAT_FROM_FUEL[generic]}.{country}"
    return pairs


@pytest.mark.parametrize("heat", sorted(heat_from_fuel()))
def test_heat_from_a_boiler_is_its_fuel_over_the_stated_efficiency(heat: str) -> None:
    row = rows()[heat]
    efficiency = float(row["efficiency"])
    assert 0.8 <= efficiency <= 0.95
    assert co2e(heat) == pytest.approx(co2e(heat_from_fuel()[heat]) / efficiency, rel=5e-5)


def test_only_heat_rows_state_an_efficiency() -> None:
    stated = {activity for activity, row in rows().items() if row["efficiency"]}
    assert stated == set(heat_from_fuel())


def test_every_variant_is_a_row_of_its_country_with_the_generic_unit() -> None:
    """variants.csv: a generic id and a full row named `<generic id>.<cc>`, located in
    that country, in the generic row's unit, from a listed source."""
    meta = tomllib.loads((FOLDER / "factorset.toml").read_text(encoding="utf-8"))
    keys = {source["key"] for source in meta["sources"]}
    with (FOLDER / "variants.csv").open(encoding="utf-8") as stream:
        table = list(csv.DictReader(stream))
    assert table
    for line in table:
        generic, variant = rows()[line["activity"]], rows()[line["variant"]]
        assert line["variant"] == f"{line['activity']}.{line['country'].lower()}"
        assert variant["location"] == line["country"]
        assert variant["unit"] == generic["unit"]
        assert variant["source"] in keys and variant["source_ref"].strip()


def test_a_derived_gross_cv_variant_is_its_net_value_times_the_desnz_ratio() -> None:
    ratio = co2e("energy.natural_gas_kwh") / co2e("energy.natural_gas_kwh_net")
    for country in ("no", "de", "glo"):
        gross, net = f"energy.natural_gas_kwh.{country}", f"energy.natural_gas_kwh_net.{country}"
        assert co2e(gross) == pytest.approx(co2e(net) * ratio, rel=5e-6)


def test_heating_values_agree_with_the_factors() -> None:
    """Per-unit factor / per-kWh factor = heating value per unit, for every fuel listed."""
    with (FOLDER / "heating_values.csv").open(encoding="utf-8") as stream:
        values = list(csv.DictReader(stream))
    assert {v["fuel"] for v in values} >= {
        "coal_industrial",
        "fuel_oil",
        "gas_oil",
        "lpg",
        "natural_gas",
        "wood_chips",
        "wood_pellets",
        "peat",
    }
    checked = 0
    for value in values:
        per_unit = rows().get(f"energy.{value['fuel']}_{value['unit']}")
        per_kwh_net = rows().get(f"energy.{value['fuel']}_kwh_net") or rows().get(
            f"energy.{value['fuel']}_kwh"
        )
        if per_unit is None or per_kwh_net is None:
            continue
        ratio = float(per_unit["co2e_kg"]) / float(per_kwh_net["co2e_kg"])
        assert ratio == pytest.approx(float(value["ncv_kwh"]), rel=2e-3), value
        checked += 1
    assert checked >= 8


def test_the_old_gypsum_id_still_assesses_with_the_new_value_and_a_warning(tmp_path: Path) -> None:
    ledger = write_ledger(tmp_path / "ledger", [exchange(baseline_supply="prod.gypsum")])
    result = assess(ledger)
    (only,) = result.results["exchanges"]
    assert only["baseline_supply"] == "prod.gypsum"  # the ledger's text is kept as given
    (line,) = only["lines"]
    assert line["activity"] == "prod.gypsum_natural"
    assert only["saved"]["co2e_kg"] == pytest.approx(100 * co2e("prod.gypsum_natural"))
    (warning,) = result.results["warnings"]
    assert (warning["sheet"], warning["row"], warning["column"]) == (
        "exchanges",
        2,
        "baseline_supply",
    )
    assert "changed from 120.05 to 7.79306 kg CO2e/t" in warning["message"]
    assert "prod.gypsum_natural" in warning["fix"]


def test_the_cli_prints_the_warning_and_still_writes_results(tmp_path: Path) -> None:
    ledger = write_ledger(tmp_path / "ledger", [exchange(baseline_supply="prod.gypsum")])
    out = tmp_path / "results.json"
    result = runner.invoke(app, ["assess", str(ledger), "--json", str(out), "-q"])
    assert result.exit_code == 0, result.output
    flat = " ".join(result.output.split())
    assert flat.startswith("warning: ")
    assert "exchanges.csv, sheet exchanges, row 2, column baseline_supply" in flat
    assert json.loads(out.read_text(encoding="utf-8"))["warnings"]


def test_a_ledger_without_old_ids_has_no_warnings_key(tmp_path: Path) -> None:
    ledger = write_ledger(tmp_path / "ledger", [exchange(baseline_supply="prod.gypsum_natural")])
    assert "warnings" not in assess(ledger).results


def test_heat_replacing_an_oil_boiler_with_its_real_efficiency(tmp_path: Path) -> None:
    """1 GWh of surplus heat replacing a gas-oil boiler of 80 %: 1e6 kWh / 0.8 of gas oil."""
    rows_written = [
        exchange(id="H1", flow="energy", quantity="1", unit="GWh",
                 baseline_supply="energy.heat_gas_oil_boiler", baseline_efficiency="0.8"),
        exchange(id="H2", flow="energy", quantity="1", unit="GWh",
                 baseline_supply="energy.heat_gas_oil_boiler"),
    ]  # fmt: skip
    saved = {
        e["id"]: e["saved"]["co2e_kg"]
        for e in assess(write_ledger(tmp_path / "ledger", rows_written)).results["exchanges"]
    }
    fuel = co2e("energy.gas_oil_kwh_net")
    assert saved["H1"] == pytest.approx(1e6 * fuel / 0.8, rel=5e-5)
    assert saved["H2"] == pytest.approx(1e6 * co2e("energy.heat_gas_oil_boiler"))
    assert saved["H2"] == pytest.approx(1e6 * fuel / 0.9, rel=5e-5)


@pytest.mark.parametrize(
    ("supply", "efficiency", "message"),
    [
        ("prod.aggregates", "0.8", "baseline_supply is not heat from a boiler"),
        ("energy.heat_gas_oil_boiler", "85", "must be at most 1.2"),
        ("energy.heat_gas_oil_boiler", "0", "must be greater than 0"),
    ],
)
def test_a_misplaced_or_impossible_efficiency_is_refused(
    tmp_path: Path, supply: str, efficiency: str, message: str
) -> None:
    ledger = write_ledger(
        tmp_path / "ledger", [exchange(baseline_supply=supply, baseline_efficiency=efficiency)]
    )
    result = runner.invoke(app, ["assess", str(ledger)])
    assert result.exit_code == 2
    flat = " ".join(result.output.split())
    assert "row 2, column baseline_efficiency" in flat
    assert message in flat


def copy_with_toml(tmp_path: Path, extra: str) -> Path:
    folder = tmp_path / "factors"
    shutil.copytree(FOLDER, folder)
    with (folder / "factorset.toml").open("a", encoding="utf-8") as stream:
        stream.write(extra)
    return folder


def test_an_alias_must_point_at_an_activity(tmp_path: Path) -> None:
    folder = copy_with_toml(
        tmp_path,
        '\n[[aliases]]\nid = "prod.old"\nactivity = "prod.nowhere"\nsince = "x"\nnote = "y"\n',
    )
    with pytest.raises(FactorSetError, match="the alias points at no activity"):
        load_factor_set(folder)


def test_an_alias_cannot_shadow_an_activity(tmp_path: Path) -> None:
    folder = copy_with_toml(
        tmp_path,
        '\n[[aliases]]\nid = "prod.aggregates"\nactivity = "prod.glass"\nsince = "x"\nnote = "y"\n',
    )
    with pytest.raises(FactorSetError, match="an alias cannot also be an activity id"):
        load_factor_set(folder)


def test_a_factor_set_without_the_efficiency_column_stays_valid() -> None:
    tiny = load_factor_set(REPO / "tests" / "fixtures" / "factors-tiny")
    assert tiny.activities["efficiency"].isna().all()
    assert tiny.aliases == {}
