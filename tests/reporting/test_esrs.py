"""`isbenefit esrs`: the ESRS E5 datapoints of one organisation and year, by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from isbenefit.api import Assessment, assess
from isbenefit.cli.app import app
from isbenefit.reporting.esrs import esrs_report
from isbenefit.reporting.flows import treatment
from tests.conftest import TINY_FACTORS, exchange, write_ledger
from tests.reporting_helpers import E2_2024, reporting_ledger


@pytest.fixture(scope="module")
def assessment(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    return assess(reporting_ledger(tmp_path_factory.mktemp("esrs")), factors=TINY_FACTORS)


def values(report: object) -> dict[tuple[str, str], object]:
    return {(p.paragraph, p.breakdown): p.value for p in report.datapoints if p.unit != "%"}  # type: ignore[attr-defined]


def test_operations_are_grouped_as_e5_5_groups_them() -> None:
    assert [treatment(op) for op in ("", "R1", "R2", "R5", "R11", "R12", "R13")] == [
        "recycling", "other recovery", "recycling", "recycling", "recycling",
        "other recovery", "other recovery",
    ]  # fmt: skip
    assert [treatment(op) for op in ("D10", "D1", "D5", "D12", "D8")] == [
        "incineration", "landfill", "landfill", "landfill", "other disposal",
    ]  # fmt: skip


def test_supplier_outflows_by_recovery_type_and_hazard(assessment: Assessment) -> None:
    got = values(esrs_report(assessment, "SUP", 2024))
    hazardous_t = 2 * E2_2024  # E2: 2 t of 16 08 02*, R1, 184 of 365 days in 2024
    # diverted: E1 100 t (R5) + E4 30 t (no operation: recycling) + E5 20 t (R5); E2
    assert got["E5-5 §37(b)", "non-hazardous"] == pytest.approx(150.0)
    assert got["E5-5 §37(b)", "hazardous"] == pytest.approx(hazardous_t)
    assert got["E5-5 §37(b)(i)", "hazardous"] is None  # not derivable
    assert got["E5-5 §37(b)(ii)", "non-hazardous"] == pytest.approx(150.0)
    assert got["E5-5 §37(b)(ii)", "hazardous"] == 0.0
    assert got["E5-5 §37(b)(iii)", "hazardous"] == pytest.approx(hazardous_t)
    assert got["E5-5 §37(b)(iii)", "non-hazardous"] == 0.0
    assert got["E5-5 §37(c)", "total"] == 0.0
    assert got["E5-5 §38(a)", "total"] == "10 01 05, 16 08 02*, 17 08 02"
    assert got["E5-5 §35", "total"] == pytest.approx(50.0)  # E3, a by-product: not waste
    # SUP received 40 t of recycled aggregate (E6)
    assert got["E5-4 §31(c)", "total"] == pytest.approx(40.0)
    assert got["E5-4 §31(c)", "recycled aggregate"] == pytest.approx(40.0)


def test_receiver_inflows_and_their_share(assessment: Assessment) -> None:
    report = esrs_report(assessment, "REC", 2024, materials_used_t=604.0)
    shares = [p for p in report.datapoints if p.unit == "%"]
    weight = 100 + 2 * E2_2024 + 30 + 20  # E1, E2 (2024 part), E4, E5; E7 is heat
    assert values(report)["E5-4 §31(c)", "total"] == pytest.approx(weight)
    assert shares[0].value == pytest.approx(100 * weight / 604.0)
    without = esrs_report(assessment, "REC", 2024)
    assert [p.value for p in without.datapoints if p.unit == "%"] == [None]


def test_the_method_says_what_is_assumed_when_columns_are_absent(tmp_path: Path) -> None:
    ledger = write_ledger(
        tmp_path / "plain",
        [exchange(baseline_disposal="landfill.plasterboard", baseline_supply="prod.gypsum")],
    )
    report = esrs_report(assess(ledger, factors=TINY_FACTORS), "SUP", 2024)
    assert "no ewc_code, legal_status, recovery_operation column" in report.method
    assert "every residue supplied is taken as recycled" in report.method
    assert values(report)["E5-5 §37(b)(ii)", "non-hazardous"] == pytest.approx(100.0)


def test_the_esrs_verb_writes_json_and_xlsx(tmp_path: Path) -> None:
    ledger = reporting_ledger(tmp_path / "ledger")
    json_file, xlsx_file = tmp_path / "e5.json", tmp_path / "e5.xlsx"
    result = CliRunner().invoke(
        app,
        ["esrs", str(ledger), "--org", "SUP", "--year", "2024", "--json", str(json_file),
         "--xlsx", str(xlsx_file), "--factors", str(TINY_FACTORS)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    document = json.loads(json_file.read_text(encoding="utf-8"))
    assert document["schema"] == "isbenefit.esrs-e5/1"
    recycled = [
        p for p in document["datapoints"]
        if p["paragraph"] == "E5-5 §37(b)(ii)" and p["breakdown"] == "non-hazardous"
    ]  # fmt: skip
    assert recycled[0]["value"] == pytest.approx(150.0)
    assert recycled[0]["exchanges"] == ["E1", "E4", "E5"]
    import openpyxl

    sheet = openpyxl.load_workbook(xlsx_file)["E5 datapoints"]
    assert [c.value for c in sheet[1]][:4] == ["paragraph", "datapoint", "breakdown", "value"]


def test_a_zero_material_inflow_is_refused(tmp_path: Path) -> None:
    ledger = reporting_ledger(tmp_path / "ledger")
    result = CliRunner().invoke(
        app,
        ["esrs", str(ledger), "--org", "SUP", "--year", "2024", "--factors", str(TINY_FACTORS),
         "--materials-used-t", "0"],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "--materials-used-t is 0" in result.output
