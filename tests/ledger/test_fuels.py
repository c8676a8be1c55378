"""Fuels as delivered: a quantity in t or m3 with a heating value and a conversion
efficiency displaces a baseline per unit of energy. Figures by hand from
tests/fixtures/factors-regional (heat.gas_boiler 0.2 kg/kWh; wood chips 4000 kWh/t net)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from isbenefit import assess
from isbenefit.errors import InputError
from tests.conftest import REPO, exchange, write_ledger

REGIONAL = REPO / "tests" / "fixtures" / "factors-regional"
CHIPS = {"flow": "energy", "resource": "wood chips", "quantity": "300", "unit": "t",
         "baseline_supply": "heat.gas_boiler", "heating_value": "wood_chips",
         "conversion_efficiency": "0.85"}  # fmt: skip


def only(tmp_path: Path, **fields: str) -> Any:
    ledger = write_ledger(tmp_path / "ledger", [exchange(**{**CHIPS, **fields})])
    (result,) = assess(ledger, REGIONAL).results["exchanges"]
    return result


def refused(tmp_path: Path, **fields: str) -> str:
    ledger = write_ledger(tmp_path / "ledger", [exchange(**{**CHIPS, **fields})])
    with pytest.raises(InputError) as caught:
        assess(ledger, REGIONAL)
    return str(caught.value)


def test_tonnes_of_chips_displace_heat_through_the_factor_sets_heating_value(
    tmp_path: Path,
) -> None:
    result = only(tmp_path)
    (line,) = result["lines"]
    useful_kwh = 300 * 4000 * 0.85
    assert (line["activity"], line["unit"]) == ("heat.gas_boiler", "kWh")
    assert line["amount"] == pytest.approx(useful_kwh)
    assert result["saved"]["co2e_kg"] == pytest.approx(useful_kwh * 0.2)
    assert line["conversion"] == (
        "300 t x 4000 kWh/t (wood_chips, net, made-up 2025) x efficiency 0.85 = 1020000 kWh"
    )


def test_a_stated_heating_value_with_its_units(tmp_path: Path) -> None:
    result = only(tmp_path, heating_value="3.6 MWh/t", conversion_efficiency="")
    (line,) = result["lines"]
    assert line["amount"] == pytest.approx(300 * 3600)
    assert "3.6 MWh/t (stated in the ledger) x efficiency 1" in line["conversion"]


def test_a_quantity_in_kg_is_converted_to_the_fuels_tonne(tmp_path: Path) -> None:
    (line,) = only(tmp_path, quantity="300000", unit="kg")["lines"]
    assert line["amount"] == pytest.approx(300 * 4000 * 0.85)


def test_litres_of_a_fuel_with_a_heating_value_per_litre(tmp_path: Path) -> None:
    (line,) = only(tmp_path, quantity="2", unit="m3", heating_value="fuel_oil")["lines"]
    assert line["amount"] == pytest.approx(2000 * 10 * 0.85)


def test_an_efficiency_of_energy_delivered_in_kwh(tmp_path: Path) -> None:
    (line,) = only(tmp_path, quantity="1000", unit="MWh", heating_value="")["lines"]
    assert line["amount"] == pytest.approx(1_000_000 * 0.85)
    assert line["conversion"] == "1000 MWh x efficiency 0.85 = 850000 kWh"


def test_the_disposal_baseline_keeps_the_tonnes(tmp_path: Path) -> None:
    result = only(tmp_path, baseline_disposal="landfill.inert")
    disposal, supply = result["lines"]
    assert (disposal["amount"], disposal["unit"]) == (300, "t")
    assert "conversion" not in disposal and "conversion" in supply
    assert result["saved"]["landfill_diverted_t"] == 300


def test_without_the_columns_nothing_changes(tmp_path: Path) -> None:
    plain = {k: v for k, v in CHIPS.items() if k not in ("heating_value", "conversion_efficiency")}
    row = exchange(**{**plain, "quantity": "100", "unit": "MWh"})
    (result,) = assess(write_ledger(tmp_path / "l", [row]), REGIONAL).results["exchanges"]
    assert "conversion" not in result["lines"][0]
    assert result["saved"]["co2e_kg"] == pytest.approx(100_000 * 0.2)


@pytest.mark.parametrize(
    ("fields", "column", "words"),
    [
        ({"heating_value": "birch"}, "heating_value", "'birch' is neither a fuel"),
        ({"heating_value": "3.6 MWh/m3"}, "heating_value", "must be energy per mass"),
        ({"heating_value": "fuel_oil"}, "heating_value", "fuel_oil has a heating value per l"),
        ({"unit": "MWh"}, "heating_value", "converts a mass or volume into energy"),
        ({"conversion_efficiency": "1.5"}, "conversion_efficiency", "not an efficiency in"),
        ({"heating_value": ""}, "conversion_efficiency", "needs the energy of the quantity"),
        ({"baseline_supply": "prod.gypsum"}, "heating_value", "no baseline_supply per unit"),
    ],
)
def test_bad_fuel_cells_are_refused_naming_row_and_column(
    tmp_path: Path, fields: dict[str, str], column: str, words: str
) -> None:
    message = refused(tmp_path, **fields)
    assert f"row 2, column {column}" in message
    assert words in message


def test_factors_show_prints_a_fuels_heating_values() -> None:
    import json

    from typer.testing import CliRunner

    from isbenefit.cli.app import app

    runner = CliRunner()
    shown = runner.invoke(app, ["factors", "show", "wood_chips", "--factors", str(REGIONAL)])
    assert shown.exit_code == 0, shown.output
    assert "wood_chips: net 4000 kWh/t" in shown.output
    as_json = runner.invoke(
        app, ["factors", "show", "fuel_oil", "--json", "--factors", str(REGIONAL)]
    )
    (value,) = json.loads(as_json.output)["heating_values"]
    assert (value["unit"], value["ncv_kwh"], value["gcv_kwh"]) == ("l", 10, 11)


def test_the_template_lists_the_heating_values_and_the_fuel_columns(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from isbenefit.ledger.template import template_bytes
    from isbenefit.scoring.factorset import load_factor_set

    path = tmp_path / "template.xlsx"
    path.write_bytes(template_bytes(load_factor_set(REGIONAL)))
    workbook = load_workbook(path)
    rows = list(workbook["Heating values"].iter_rows(values_only=True))
    assert rows[1:] == [
        ("fuel_oil", "l", 10, 11, "made-up", "row 20", "2025"),
        ("wood_chips", "t", 4000, None, "made-up", "row 19", "2025"),
    ]
    header = [cell.value for cell in workbook["exchanges"][1]]
    assert {"heating_value", "conversion_efficiency"} <= set(header)
