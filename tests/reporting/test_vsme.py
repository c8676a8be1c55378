"""`isbenefit vsme`: EFRAG's VSME template filled in its B7 cells and nothing else."""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from isbenefit.api import Assessment, assess
from isbenefit.cli.app import app
from isbenefit.ledger.waste import ewc_codes
from isbenefit.reporting import vsme
from tests.conftest import TINY_FACTORS
from tests.reporting_helpers import (
    cell_of,
    label,
    load,
    reporting_ledger,
    sup_credited_co2e_2024_kg,
)

SHEET = "Environmental Disclosures"
# B3's scope cells (the current period's); isbenefit must never write them.
B3_NAMES = (
    "GrossScope1GreenhouseGasEmissions",
    "GrossLocationBasedScope2GreenhouseGasEmissions",
    "GrossMarketBasedScope2GreenhouseGasEmissions",
    "GrossScope3GreenhouseGasEmissions_CurrentlyStatedMember",
    "TotalGrossLocationBasedScope1AndScope2GHGEmissions",
    "TotalGrossMarketBasedScope1AndScope2GHGEmissions",
)


@pytest.fixture(scope="module")
def assessment(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    return assess(reporting_ledger(tmp_path_factory.mktemp("vsme")), factors=TINY_FACTORS)


def value_of(cell: Any) -> Any:
    """A cell's value, an array formula as its text and range."""
    value = cell.value
    return (value.text, value.ref) if hasattr(value, "ref") else value


def test_the_fill_holds_the_hand_computed_b7_figures(assessment: Assessment) -> None:
    fill = vsme.vsme_fill(assessment, "SUP", 2024)
    # E1 100 t of 10 01 05 (R5); E4 30 t (no operation: taken as recycling) + E5 20 t of
    # 17 08 02. E2 goes to R1 (energy recovery) and E3 is a by-product: not in the table.
    assert [(w.code, w.tonnes, w.exchanges) for w in fill.waste] == [
        ("10 01 05", 100.0, ("E1",)),
        ("17 08 02", 50.0, ("E4", "E5")),
    ]
    assert [(m.name, m.tonnes) for m in fill.materials] == [
        ("recycled aggregate (secondary material)", 40.0)
    ]
    assert len(fill.left_out) == 2
    assert fill.left_out[0].startswith("exchange E2 (spent catalyst): R1 is not recycling")
    assert fill.left_out[1].startswith("exchange E3 (fly ash): by-product, not waste")
    expected = f"{sup_credited_co2e_2024_kg() / 1000:,.2f} t CO2e"
    assert expected == "12.81 t CO2e"
    assert expected in fill.avoided_emissions_text
    for exchange_id in ("E1", "E2", "E3", "E4", "E5", "E6"):
        assert f"{exchange_id}: " in fill.circularity_text
    assert "7 recorded exchange(s)" in fill.circularity_text


def test_the_labels_are_the_templates_drop_down_entries() -> None:
    workbook = load(vsme.template_bytes())
    where = vsme.area(vsme.defined_names(vsme.template_bytes()), "enum_ListTypeOfWastes")
    listed = {
        workbook[where.sheet][f"{where.first_column}{row}"].value
        for row in range(where.first_row, where.last_row + 1)
    }
    assert all(vsme.waste_label(code) in listed for code in ewc_codes())
    assert vsme.waste_label("16 08 02") == label("16 08 02")


def test_the_workbook_keeps_the_template_and_fills_only_b7(assessment: Assessment) -> None:
    data = vsme.vsme_bytes(assessment, "SUP", 2024)
    assert data == vsme.vsme_bytes(assessment, "SUP", 2024)  # same input, same bytes
    template = vsme.template_bytes()
    filled, original = load(data), load(template)
    # every named range (taxonomy element) survives, pointing where it did
    assert {n: d.attr_text for n, d in filled.defined_names.items()} == {
        n: d.attr_text for n, d in original.defined_names.items()
    }
    assert len(filled.defined_names) == 878
    # the filled cells, computed by hand (tests/reporting_helpers.py)
    assert cell_of(filled, "TypeOfWasteAxis", 0) == label("10 01 05")
    assert cell_of(filled, "WasteDivertedToRecycleOrReuseMass_unit", 0) == "metric tonnes (t)"
    assert cell_of(filled, "WasteDivertedToRecycleOrReuseMass", 0) == 100.0
    assert cell_of(filled, "TypeOfWasteAxis", 1) == label("17 08 02")
    assert cell_of(filled, "WasteDivertedToRecycleOrReuseMass", 1) == 50.0
    assert cell_of(filled, "TypeOfWasteAxis", 2) is None
    assert cell_of(filled, "WasteDirectedToDisposalMass", 0) is None  # the SME's to give
    assert cell_of(filled, "NameOfMaterialUsed", 0) == "recycled aggregate (secondary material)"
    assert cell_of(filled, "WeightOfMaterialUsed", 0) == 40.0
    assert cell_of(filled, "WeightOfMaterialUsed_unit", 0) == "metric tonnes (t)"
    assert cell_of(filled, "UndertakingAppliesCircularEconomyPrinciples") == "YES"
    assert "E4: plasterboard offcuts to Receiver Oy" in cell_of(
        filled, "DescriptionOfHowCircularEconomyPrinciplesAreApplied"
    )
    other = cell_of(
        filled, "DisclosureOfAnyOtherEnvironmentalAndOrEntitySpecificEnvironmentalDisclosures"
    )
    assert "12.81 t CO2e" in other
    assert "not included in" in other
    # B3 stays empty: avoided emissions are no part of Scope 1, 2 or 3
    for name in B3_NAMES:
        assert cell_of(filled, name) == cell_of(original, name), name
    for name in B3_NAMES[:3]:  # the entry cells; the totals are the template's formulas
        assert cell_of(filled, name) is None, name
    scope3 = [filled[SHEET][f"D{row}"].value for row in range(30, 45)]  # the 15 categories
    assert scope3 == [None] * 15
    # every other sheet holds the same values as the template's
    for sheet in original.sheetnames:
        if sheet == SHEET:
            continue
        assert [[value_of(c) for c in row] for row in filled[sheet].iter_rows()] == [
            [value_of(c) for c in row] for row in original[sheet].iter_rows()
        ], sheet
    # and every part but the filled sheet and workbook.xml is byte for byte the template's
    with zipfile.ZipFile(io.BytesIO(data)) as out, zipfile.ZipFile(io.BytesIO(template)) as src:
        assert out.namelist() == src.namelist()
        changed = [n for n in src.namelist() if out.read(n) != src.read(n)]
        assert changed == ["xl/workbook.xml", "xl/worksheets/sheet5.xml"]
        workbook_xml = src.read("xl/workbook.xml").decode()
        assert out.read("xl/workbook.xml").decode() == workbook_xml.replace(
            "<calcPr", '<calcPr fullCalcOnLoad="1"', 1
        )
        before, after = src.read("xl/worksheets/sheet5.xml"), out.read("xl/worksheets/sheet5.xml")
        # the data validations, conditional formats and extensions after the cells are intact
        assert after.split(b"</sheetData>")[1] == before.split(b"</sheetData>")[1]
        assert after.split(b"<sheetData>")[0] == before.split(b"<sheetData>")[0]
        rows_changed = {
            int(r)
            for r in set(re.findall(rb'<row r="(\d+)"[^>]*>.*?</row>', after, re.S))
            ^ set(re.findall(rb'<row r="(\d+)"[^>]*>.*?</row>', before, re.S))
        }
        assert rows_changed == set()  # same rows; what changed is inside them
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sheet = filled[SHEET]
    assert sheet.data_validations.dataValidation  # still there


def test_an_unknown_organisation_or_year_is_refused(assessment: Assessment) -> None:
    from isbenefit.errors import InputError

    with pytest.raises(InputError, match="no exchange of the ledger"):
        vsme.vsme_fill(assessment, "NOBODY", 2024)
    with pytest.raises(InputError, match="no exchange in 2030"):
        vsme.vsme_fill(assessment, "SUP", 2030)


def test_the_vsme_verb_writes_the_workbook(tmp_path: Path) -> None:
    ledger = reporting_ledger(tmp_path / "ledger")
    output = tmp_path / "vsme.xlsx"
    result = CliRunner().invoke(
        app,
        ["vsme", str(ledger), "--org", "SUP", "--year", "2024", "-o", str(output),
         "--factors", str(TINY_FACTORS)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "2 waste type(s), 1 secondary material(s)" in result.output
    assert "not in the B7 tables: exchange E2" in result.output
    assert cell_of(load(output.read_bytes()), "WasteDivertedToRecycleOrReuseMass", 1) == 50.0
    bad = CliRunner().invoke(
        app,
        ["vsme", str(ledger), "--org", "SUP", "--year", "2024", "-o", str(tmp_path / "v.pdf")],
    )
    assert bad.exit_code == 2
