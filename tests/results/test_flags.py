"""Notes a funder expects: EU ETS parties, supply-limited by-products, proxy factors."""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import load_workbook
from pypdf import PdfReader
from typer.testing import CliRunner

from isbenefit import assess
from isbenefit.certify.issue import certificate_pdf
from isbenefit.cli.app import app
from isbenefit.documents import statement_pdf
from tests.conftest import exchange, write_ledger

runner = CliRunner()


def flags_of(tmp_path: Path, row: dict[str, str], *organisations: dict[str, str]) -> list[dict]:
    sheets = {"organisations": list(organisations)} if organisations else {}
    ledger = write_ledger(tmp_path / "ledger", [row], **sheets)
    (only,) = assess(ledger).results["exchanges"]
    return only["flags"]


def org(org_id: str, country: str = "", eu_ets: str = "") -> dict[str, str]:
    return {"id": org_id, "name": org_id, "country": country, "eu_ets": eu_ets}


def codes(flags: list[dict]) -> list[tuple[str, str]]:
    return [(flag["code"], flag["column"]) for flag in flags]


def test_an_ets_party_is_flagged_for_double_counting(tmp_path: Path) -> None:
    flags = flags_of(
        tmp_path,
        exchange(baseline_supply="prod.aggregates"),
        org("SUP", "GB", eu_ets="yes"),
        org("REC", "GB", eu_ets="no"),
    )
    assert codes(flags) == [("eu_ets", "supplier")]
    assert "the supplier SUP is an EU ETS installation" in flags[0]["message"]


def test_gypsum_rock_is_flagged_as_replaced_by_a_supply_limited_by_product(
    tmp_path: Path,
) -> None:
    flags = flags_of(
        tmp_path,
        exchange(baseline_supply="prod.gypsum_natural"),
        org("SUP", "GB"),
        org("REC", "GB"),
    )
    assert codes(flags) == [("supply_limited", "baseline_supply")]
    assert "FGD gypsum" in flags[0]["message"] and "leakage" in flags[0]["message"]


def test_a_factor_of_another_country_is_flagged_for_the_party_it_stands_for(
    tmp_path: Path,
) -> None:
    """Aggregates (GB) bought by a Danish receiver; inert landfill (GB) at a British supplier."""
    flags = flags_of(
        tmp_path,
        exchange(baseline_supply="prod.aggregates", baseline_disposal="landfill.inert"),
        org("SUP", "GB"),
        org("REC", "DK"),
    )
    assert codes(flags) == [("region", "baseline_supply")]
    assert "is a GB factor and the receiver REC is in DK" in flags[0]["message"]


def test_global_and_eu_factors_fit_where_they_should(tmp_path: Path) -> None:
    clinker = exchange(baseline_supply="prod.clinker")  # location GLO
    assert codes(flags_of(tmp_path / "a", clinker, org("SUP", "PL"), org("REC", "PL"))) == [
        ("supply_limited", "baseline_supply")
    ]
    power = exchange(flow="energy", unit="MWh", baseline_supply="electricity.eu")  # location EU
    assert flags_of(tmp_path / "b", power, org("SUP", "DK"), org("REC", "DK")) == []
    assert codes(flags_of(tmp_path / "c", power, org("SUP", "NO"), org("REC", "NO"))) == [
        ("region", "baseline_supply")
    ]


def test_no_country_no_region_flag(tmp_path: Path) -> None:
    assert flags_of(tmp_path, exchange(baseline_supply="prod.aggregates")) == []


def test_a_wrong_eu_ets_value_is_refused(tmp_path: Path) -> None:
    ledger = write_ledger(
        tmp_path / "ledger",
        [exchange(baseline_supply="prod.aggregates")],
        organisations=[org("SUP", "DK", eu_ets="maybe")],
    )
    result = runner.invoke(app, ["assess", str(ledger)])
    assert result.exit_code == 2
    assert "sheet organisations, row 2, column eu_ets" in " ".join(result.output.split())


def test_statement_prints_the_notes_for_a_reviewer(tmp_path: Path) -> None:
    ledger = write_ledger(
        tmp_path / "ledger",
        [exchange(baseline_supply="prod.gypsum_natural")],
        organisations=[org("SUP", "DK", eu_ets="yes"), org("REC", "DK")],
    )
    results = assess(ledger).results
    text = " ".join(
        " ".join(page.extract_text() for page in PdfReader(_pdf(tmp_path, results)).pages).split()
    )
    assert "For a reviewer:" in text
    assert "ETS: the supplier SUP is an EU ETS installation" in text
    assert "LEAK: " in text and "supply-limited by-products" in text


def test_the_csvs_and_the_workbook_carry_the_flag_marks(tmp_path: Path) -> None:
    """SUP is an EU ETS installation (ETS) and natural gypsum is replaced by supply-limited
    by-products (LEAK); REC and SUP are in DK while the gypsum and landfill factors are GB's
    (PROXY)."""
    ledger = write_ledger(
        tmp_path / "ledger",
        [
            exchange(baseline_supply="prod.gypsum_natural"),
            exchange(id="E2", baseline_disposal="landfill.inert"),
        ],
        organisations=[org("SUP", "DK", eu_ets="yes"), org("REC", "DK")],
    )
    out = tmp_path / "csv"
    workbook = tmp_path / "results.xlsx"
    result = runner.invoke(app, ["assess", str(ledger), "-q", "--csv", str(out),
                                 "--xlsx", str(workbook)])  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader((out / "exchanges.csv").open(encoding="utf-8")))
    assert [row["flag_marks"] for row in rows] == ["ETS LEAK PROXY", "ETS PROXY"]
    sheet = load_workbook(workbook)["exchanges"]
    header = [cell.value for cell in sheet[1]]
    column = header.index("flag_marks")
    assert [sheet.cell(row, column + 1).value for row in (2, 3)] == ["ETS LEAK PROXY", "ETS PROXY"]


def _pdf(tmp_path: Path, results: dict) -> Path:
    path = tmp_path / "statement.pdf"
    path.write_bytes(statement_pdf(results, "SUP", "2024"))
    return path


def test_flags_are_part_of_a_certificate_claim(tmp_path: Path) -> None:
    """The exchange records in claim.json carry their flags, so a funder sees them too."""
    ledger = write_ledger(
        tmp_path / "ledger",
        [exchange(baseline_supply="prod.gypsum_natural")],
        organisations=[org("SUP", "DK", eu_ets="yes"), org("REC", "DK")],
    )
    assessment = assess(ledger)
    rows = assessment.source_rows(["E1"])
    pdf = tmp_path / "c.pdf"
    pdf.write_bytes(certificate_pdf(assessment.results, "SUP", "2024", rows))
    claim = PdfReader(pdf).attachments["claim.json"][0].decode("utf-8")
    assert '"code":"eu_ets"' in claim and '"code":"supply_limited"' in claim
