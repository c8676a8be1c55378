"""The cluster's own factors (ledger sheet `factors`): used like an activity id, marked
"supplied with the ledger" with their source, refused without source, year or evidence,
varied by their own gsd. Figures by hand from the rows below."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from isbenefit import assess
from isbenefit.engine.uncertainty import MonteCarloSettings
from isbenefit.errors import InputError
from tests.conftest import TINY_FACTORS, exchange, write_ledger

OWN = {
    "id": "dh.local_2024",
    "name": "district heat, local network 2024",
    "unit": "kWh",
    "co2e_kg": "0.095",
    "water_m3": "",
    "gsd": "",
    "location": "LT",
    "source": "Local heat company, heat supply declaration 2024",
    "source_ref": "table 2",
    "year": "2024",
    "evidence": "https://example.invalid/declaration-2024.pdf",
}
HEAT = {"flow": "energy", "resource": "surplus heat", "quantity": "100", "unit": "MWh",
        "baseline_supply": "dh.local_2024"}  # fmt: skip


def ledger(tmp_path: Path, **own: str) -> Path:
    return write_ledger(tmp_path / "ledger", [exchange(**HEAT)], factors=[{**OWN, **own}])


def test_an_own_factor_is_used_and_marked_with_its_source(tmp_path: Path) -> None:
    results = assess(ledger(tmp_path), TINY_FACTORS).results
    (only,) = results["exchanges"]
    (line,) = only["lines"]
    assert only["saved"]["co2e_kg"] == pytest.approx(100_000 * 0.095)
    assert line["activity"] == "dh.local_2024"
    assert line["source"] == f"supplied with the ledger: {OWN['source']}"
    (factor,) = [f for f in results["factors"] if f["id"] == "dh.local_2024"]
    assert (factor["kind"], factor["location"], factor["gsd"]) == ("energy", "LT", 1.2)
    (source,) = [s for s in results["sources"] if s["key"] == "ledger:dh.local_2024"]
    assert (source["title"], source["publisher"]) == (OWN["source"], "supplied with the ledger")


@pytest.mark.parametrize("column", ["source", "year", "evidence"])
def test_a_row_without_source_year_or_evidence_is_refused(tmp_path: Path, column: str) -> None:
    with pytest.raises(InputError) as caught:
        assess(ledger(tmp_path, **{column: ""}), TINY_FACTORS)
    assert f"sheet factors, row 2, column {column}" in str(caught.value)


def test_an_id_of_the_factor_set_is_refused(tmp_path: Path) -> None:
    rows = [exchange(**{**HEAT, "baseline_supply": "heat.gas_boiler"})]
    folder = write_ledger(tmp_path / "l", rows, factors=[{**OWN, "id": "heat.gas_boiler"}])
    with pytest.raises(InputError) as caught:
        assess(folder, TINY_FACTORS)
    assert "sheet factors, row 2, column id" in str(caught.value)
    assert "is an activity of factor set tiny-test" in str(caught.value)


def spread(tmp_path: Path, gsd: str) -> float:
    settings = MonteCarloSettings(
        iterations=400, seed=3, quantity_gsd={"measured": 1.0, "calculated": 1.0, "estimated": 1.0}
    )
    assessment = assess(ledger(tmp_path / gsd, gsd=gsd), TINY_FACTORS, monte_carlo=settings)
    ranges: Any = assessment.uncertainty
    co2e = ranges["exchanges"]["E1"]["co2e_kg"]
    return float(co2e["p95"] / co2e["p5"])


def test_monte_carlo_uses_the_rows_gsd(tmp_path: Path) -> None:
    # With the quantity fixed, the saving's spread is the factor's: p95/p5 of a lognormal
    # of gsd g is g ** (2 x 1.645); a blank gsd is 1.2.
    assert spread(tmp_path, "1") == pytest.approx(1.0)
    assert spread(tmp_path, "1.5") == pytest.approx(1.5 ** (2 * 1.645), rel=0.15)
    assert spread(tmp_path, "") == pytest.approx(1.2 ** (2 * 1.645), rel=0.15)


def test_documents_mark_the_figure_and_verify_recomputes_with_it(tmp_path: Path) -> None:
    from pypdf import PdfReader
    from typer.testing import CliRunner

    from isbenefit.cli.app import app
    from tests.documents_helpers import flat, pdf_text

    runner = CliRunner()
    pdf = tmp_path / "c.pdf"
    made = runner.invoke(app, ["certificate", str(ledger(tmp_path)), "--factors",
                               str(TINY_FACTORS), "--org", "REC", "--year", "2024", "-o",
                               str(pdf), "--iterations", "50"])  # fmt: skip
    assert made.exit_code == 0, made.output
    text = flat(pdf_text(pdf))
    assert "Supplied with the ledger" in text
    assert flat(OWN["source"]) in text
    assert "factors.csv" in PdfReader(pdf).attachments
    checked = runner.invoke(app, ["verify", str(pdf), "--factors", str(TINY_FACTORS)])
    assert checked.exit_code == 3, checked.output  # unsigned; every other check passes
    assert "pass  recomputation" in checked.output


def test_the_statement_cites_the_figure_as_supplied_with_the_ledger(tmp_path: Path) -> None:
    from isbenefit.documents.files import write_statement
    from tests.documents_helpers import flat, pdf_text

    assessment = assess(ledger(tmp_path), TINY_FACTORS)
    pdf = write_statement(assessment.results, "REC", 2024, tmp_path / "statement.pdf")
    text = flat(pdf_text(pdf))
    assert flat(f"{OWN['source']}, supplied with the ledger, 2024") in text
    assert "dh.local_2024" in text
