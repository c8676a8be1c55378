"""From a blank ledger workbook to a filled VSME template: `isbenefit template` -> filled in
with openpyxl (the waste columns included) -> `isbenefit vsme` -> the B7 cells."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from isbenefit.cli.app import app
from tests.conftest import TINY_FACTORS, F
from tests.reporting_helpers import cell_of, label, load

ROWS = [
    {"id": "X1", "period_start": dt.date(2024, 1, 1), "period_end": dt.date(2024, 12, 31),
     "supplier": "PLANT", "receiver": "BOARDS", "flow": "material", "resource": "FGD gypsum",
     "quantity": 1200, "unit": "t", "baseline_disposal": "landfill.plasterboard",
     "baseline_supply": "prod.gypsum", "hazardous": "no", "ewc_code": "10 01 05",
     "legal_status": "waste", "recovery_operation": "R5"},
    {"id": "X2", "period_start": dt.date(2024, 1, 1), "period_end": dt.date(2024, 6, 30),
     "supplier": "PLANT", "receiver": "BOARDS", "flow": "material", "resource": "FGD gypsum",
     "quantity": 300000, "unit": "kg", "baseline_disposal": "landfill.plasterboard",
     "hazardous": "no", "ewc_code": "100105"},
    {"id": "X3", "period_start": dt.date(2024, 1, 1), "period_end": dt.date(2024, 12, 31),
     "supplier": "PLANT", "receiver": "BOARDS", "flow": "energy", "resource": "waste heat",
     "quantity": 50, "unit": "MWh", "baseline_supply": "heat.gas_boiler", "hazardous": "no"},
]  # fmt: skip


def test_template_filled_assessed_and_reported_in_the_vsme_template(tmp_path: Path) -> None:
    runner = CliRunner()
    ledger = tmp_path / "ledger.xlsx"
    made = runner.invoke(app, ["template", "-o", str(ledger), "--factors", str(TINY_FACTORS)])
    assert made.exit_code == 0, made.output
    workbook = openpyxl.load_workbook(ledger)
    sheet = workbook["exchanges"]
    columns = {cell.value: cell.column for cell in sheet[1] if cell.value}
    for number, row in enumerate(ROWS, start=2):
        for name, value in row.items():
            sheet.cell(row=number, column=columns[name], value=value)
    organisations = workbook["organisations"]
    header = {cell.value: cell.column for cell in organisations[1] if cell.value}
    organisations.cell(row=2, column=header["id"], value="PLANT")
    organisations.cell(row=2, column=header["name"], value="Power Plant A/S")
    workbook.save(ledger)

    output = tmp_path / "vsme.xlsx"
    result = runner.invoke(
        app,
        ["vsme", str(ledger), "--org", "PLANT", "--year", "2024", "-o", str(output),
         "--factors", str(TINY_FACTORS)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    filled = load(output.read_bytes())
    # X1 1200 t + X2 300000 kg = 300 t of 10 01 05, both to recycling (R5; X2 assumed)
    assert cell_of(filled, "TypeOfWasteAxis", 0) == label("10 01 05")
    assert cell_of(filled, "WasteDivertedToRecycleOrReuseMass", 0) == 1500.0
    assert cell_of(filled, "WasteDivertedToRecycleOrReuseMass_unit", 0) == "metric tonnes (t)"
    assert cell_of(filled, "TypeOfWasteAxis", 1) is None
    assert cell_of(filled, "NameOfMaterialUsed", 0) is None  # PLANT receives nothing
    assert cell_of(filled, "UndertakingAppliesCircularEconomyPrinciples") == "YES"
    text = cell_of(filled, "DescriptionOfHowCircularEconomyPrinciplesAreApplied")
    assert "Power Plant A/S" in text
    assert "X1: FGD gypsum to BOARDS (1,200.00 t, EWC 10 01 05, R5, waste)" in text
    # PLANT's half of: X1 1200 x (70 + 120), X2 300 x 70, X3 50000 kWh x 0.2
    co2 = {name: value[0] for name, value in F.items()}
    saved = (
        1200 * (co2["landfill.plasterboard"] + co2["prod.gypsum"])
        + 300 * co2["landfill.plasterboard"]
        + 50_000 * co2["heat.gas_boiler"]
    )
    shown = f"{0.5 * saved / 1000:,.2f} t CO2e"
    assert shown == "129.50 t CO2e"
    name = "DisclosureOfAnyOtherEnvironmentalAndOrEntitySpecificEnvironmentalDisclosures"
    assert shown in cell_of(filled, name)
    assert cell_of(filled, "GrossScope1GreenhouseGasEmissions") is None
