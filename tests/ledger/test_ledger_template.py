"""`isbenefit template`: a blank ledger workbook that, filled in, is a ledger as it stands,
also after LibreOffice has opened and saved it."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from isbenefit import assess
from isbenefit.cli.app import app
from isbenefit.ledger.contract import ORGANISATIONS
from isbenefit.ledger.rules import (
    ALTERNATIVE_COLUMNS,
    EXCHANGE_COLUMNS,
    INPUT_COLUMNS,
    RATE_COLUMNS,
)
from isbenefit.ledger.template import template_bytes
from isbenefit.ledger.waste import WASTE_COLUMNS
from isbenefit.scoring.factorset import load_factor_set
from tests.conftest import TINY_FACTORS, F

runner = CliRunner()

# The hand computation of the filled-in exchange (tiny factor set, tests/conftest.py F):
# 100 t of FGD gypsum instead of landfill.inert, displacing prod.gypsum, moved 50 km by road,
# with 1,000 kWh of electricity.dk to make it work.
BASELINE_CO2E = 100 * F["landfill.inert"][0] + 100 * F["prod.gypsum"][0]  # 12,200 kg
SYMBIOSIS_CO2E = 100 * 50 * F["transport.road"][0] + 1000 * F["electricity.dk"][0]  # 650 kg
SAVED_CO2E = BASELINE_CO2E - SYMBIOSIS_CO2E  # 11,550 kg
SAVED_WATER = 100 * F["prod.gypsum"][1] - 1000 * F["electricity.dk"][1]  # 50 - 1 = 49 m3


def write_template(tmp_path: Path, factors: Path | None = TINY_FACTORS) -> Path:
    path = tmp_path / "ledger.xlsx"
    arguments = ["template", "-o", str(path)]
    result = runner.invoke(app, [*arguments, "--factors", str(factors)] if factors else arguments)
    assert result.exit_code == 0, result.output
    return path


def fill(template: Path, target: Path) -> Path:
    """Fill the template the way a user would, cell by cell under its headers."""
    workbook = load_workbook(template)

    def put(sheet: str, values: dict[str, object]) -> None:
        worksheet = workbook[sheet]
        header = [cell.value for cell in worksheet[1]]
        row = worksheet.max_row + 1 if worksheet.max_row > 1 else 2
        for column, value in values.items():
            worksheet.cell(row, header.index(column) + 1, value)

    put(
        "exchanges",
        {
            "id": "E1",
            "period_start": dt.date(2024, 1, 1),
            "period_end": dt.date(2024, 12, 31),
            "supplier": "POWER",
            "receiver": "BOARD",
            "flow": "material",
            "resource": "FGD gypsum",
            "quantity": 100,
            "unit": "t",
            "baseline_disposal": "landfill.inert",
            "baseline_supply": "prod.gypsum",
            "transport_mode": "transport.road",
            "transport_km": 50,
            "hazardous": "no",
            "ewc_code": "10 01 05",
            "legal_status": "by-product",
            "recovery_operation": "R5",
        },
    )
    put("inputs", {"exchange": "E1", "activity": "electricity.dk", "quantity": 1000, "unit": "kWh"})
    put("organisations", {"id": "POWER", "name": "Asnæs Power", "country": "DK", "sme": "no"})
    workbook.save(target)
    return target


def test_the_template_holds_every_sheet_and_column_with_help_and_drop_downs(
    tmp_path: Path,
) -> None:
    workbook = load_workbook(write_template(tmp_path))
    expected = {
        "exchanges": (*EXCHANGE_COLUMNS, *WASTE_COLUMNS),
        "inputs": INPUT_COLUMNS,
        "organisations": ORGANISATIONS.names,  # the optional language column too
        "baselines": ALTERNATIVE_COLUMNS,
        "rates": RATE_COLUMNS,
    }
    for sheet, columns in expected.items():
        header = workbook[sheet][1]
        assert tuple(cell.value for cell in header) == columns
        for cell in header:
            assert cell.comment is not None and "Example: " in cell.comment.text, cell.value
    assert {"Instructions", "Activities"} <= set(workbook.sheetnames)
    activities = [row[0] for row in workbook["Activities"].iter_rows(min_row=2, values_only=True)]
    assert sorted(activities) == sorted(F)
    assert [c.value for c in workbook["Activities"][1]][:6] == [
        "id", "name", "kind", "unit", "region", "source"
    ]  # fmt: skip
    exchanges = workbook["exchanges"]
    header = [cell.value for cell in exchanges[1]]

    def validations_of(column: str) -> list[str]:
        letter = exchanges.cell(1, header.index(column) + 1).column_letter
        return [
            str(v.formula1)
            for v in exchanges.data_validations.dataValidation
            if any(str(r).startswith(f"{letter}2:") for r in v.sqref.ranges)
        ]

    assert validations_of("baseline_supply") == [f"=Activities!$A$2:$A${len(F) + 1}"]
    for column in ("flow", "unit", "data_quality", "hazardous", "currency", "legal_status"):
        (formula,) = validations_of(column)
        assert formula.startswith("=Lists!$"), column
    assert len(validations_of("period_start")) == 1  # a date validation
    lists = workbook["Lists"]
    assert lists.sheet_state == "hidden"
    columns = {col[0].value: [c.value for c in col[1:] if c.value] for col in lists.iter_cols()}
    assert columns["flow"] == ["material", "energy", "water"]
    assert columns["yes_no"] == ["yes", "no"]
    assert "10 01 04*" in columns["ewc_code"] and "10 01 05" in columns["ewc_code"]
    assert exchanges.column_dimensions["B"].number_format == "yyyy-mm-dd"


def test_same_factor_set_same_bytes(tmp_path: Path) -> None:
    factor_set = load_factor_set(TINY_FACTORS)
    first = template_bytes(factor_set)
    assert first == template_bytes(factor_set)
    (tmp_path / "a").mkdir()
    assert write_template(tmp_path / "a").read_bytes() == first


def test_two_processes_write_the_same_bytes(tmp_path: Path) -> None:
    """The unit list comes out in one order whatever the hash seed: with seeds 0 and 1,
    sorting the unit set by `str.lower` alone put `l` and `L` in different orders."""
    written = []
    for seed in ("0", "1"):
        path = tmp_path / f"template-{seed}.xlsx"
        environment = {**os.environ, "PYTHONHASHSEED": seed}
        command = [sys.executable, "-m", "isbenefit", "template", "-o", str(path)]
        result = subprocess.run(
            command, check=False, env=environment, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
        written.append(path.read_bytes())
    assert written[0] == written[1]
    units = load_workbook(tmp_path / "template-0.xlsx")["Lists"]
    column = next(col for col in units.iter_cols() if col[0].value == "unit")
    listed = [cell.value for cell in column[1:] if cell.value]
    assert listed.index("L") == listed.index("l") - 1


def test_the_default_template_lists_activities_without_vintages(tmp_path: Path) -> None:
    workbook = load_workbook(write_template(tmp_path, factors=None))
    ids = [row[0] for row in workbook["Activities"].iter_rows(min_row=2, values_only=True)]
    assert ids and all("@" not in i for i in ids)
    assert ids == sorted(ids)


def test_a_filled_template_is_a_ledger(tmp_path: Path) -> None:
    ledger = fill(write_template(tmp_path), tmp_path / "filled.xlsx")
    result = assess(ledger, factors=TINY_FACTORS)
    (record,) = result.results["exchanges"]
    assert record["saved"]["co2e_kg"] == pytest.approx(SAVED_CO2E)
    assert record["saved"]["water_m3"] == pytest.approx(SAVED_WATER)
    assert record["extra"] == {
        "ewc_code": "10 01 05",
        "legal_status": "by-product",
        "recovery_operation": "R5",
        "heating_value": "",  # the template's fuel columns, left blank
        "conversion_efficiency": "",
    }
    assert record["period_start"] == "2024-01-01"


def test_unknown_language_and_wrong_suffix_are_refused(tmp_path: Path) -> None:
    out = tmp_path / "ledger.xlsx"
    assert runner.invoke(app, ["template", "-o", str(out), "--lang", "xx"]).exit_code == 2
    assert runner.invoke(app, ["template", "-o", str(tmp_path / "ledger.ods")]).exit_code == 2
    assert not out.exists()


def test_libreoffice_resaves_the_filled_template_and_isbenefit_still_reads_it(
    tmp_path: Path,
) -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        if os.environ.get("CI") == "true":
            pytest.fail("soffice (Debian: libreoffice-calc-nogui) is required in CI")
        pytest.skip(
            "LibreOffice (soffice) is not installed; scripts/bootstrap.sh --tests installs it"
        )
    filled = fill(write_template(tmp_path), tmp_path / "filled.xlsx")
    out = tmp_path / "resaved"
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "xlsx",
         "--outdir", str(out), str(filled)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    resaved = out / "filled.xlsx"
    assert resaved.read_bytes() != filled.read_bytes()  # really written by LibreOffice
    result = assess(resaved, factors=TINY_FACTORS)
    (record,) = result.results["exchanges"]
    assert record["saved"]["co2e_kg"] == pytest.approx(SAVED_CO2E)
    assert record["period_end"] == "2024-12-31"
    assert record["extra"]["ewc_code"] == "10 01 05"
