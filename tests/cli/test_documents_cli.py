"""Document verbs driven in-process: options as `assess`, exit codes, no partial files."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from isbenefit import assess
from tests.conftest import TINY_FACTORS
from tests.documents_helpers import (
    EPOCH,
    UNICODE_NAMES,
    documents_app,
    flat,
    fmt,
    pdf_text,
    unicode_ledger,
)

runner = CliRunner()
app = documents_app()


@pytest.fixture(autouse=True)
def _epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return unicode_ledger(tmp_path_factory.mktemp("cli") / "ledger")


def common(ledger: Path, data_dir: Path) -> list[str]:
    return [str(ledger), "--factors", str(TINY_FACTORS), "--data-dir", str(data_dir)]


def test_statement_in_another_currency(ledger: Path, tmp_path: Path) -> None:
    out = tmp_path / "statement.pdf"
    result = runner.invoke(
        app,
        [
            "statement",
            *common(ledger, tmp_path / "data"),
            "--org",
            "SUP",
            "--year",
            "2024",
            "--currency",
            "SEK",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    results = assess(
        ledger, factors=TINY_FACTORS, currency="SEK", data_dir=tmp_path / "data"
    ).results
    sup = next(org for org in results["organisations"] if org["id"] == "SUP")
    text = flat(pdf_text(out))
    assert f"{fmt(sup['years']['2024']['money'], 0)} SEK" in text
    assert UNICODE_NAMES[0] in text


def test_certificate_and_report(ledger: Path, tmp_path: Path) -> None:
    certificate = tmp_path / "certificate.pdf"
    result = runner.invoke(
        app,
        [
            "certificate",
            *common(ledger, tmp_path / "data"),
            "--org",
            "REC",
            "--year",
            "2024",
            "--issuer",
            "Øresund Office",
            "-o",
            str(certificate),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Øresund Office" in pdf_text(certificate)
    report = tmp_path / "report.pdf"
    result = runner.invoke(
        app,
        [
            "report",
            *common(ledger, tmp_path / "data"),
            "--year",
            "2024",
            "--cluster",
            "Baltic Loop",
            "-o",
            str(report),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Baltic Loop" in pdf_text(report)


@pytest.mark.parametrize("verb", ["statement", "certificate"])
def test_unknown_org_fails_and_writes_nothing(verb: str, ledger: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.pdf"
    result = runner.invoke(
        app,
        [
            verb,
            *common(ledger, tmp_path / "data"),
            "--org",
            "ACME",
            "--year",
            "2024",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 2
    assert "ACME" in result.output
    assert "FIFTH, FOURTH, REC, SUP, THIRD" in result.output
    assert list(tmp_path.glob("out*")) == [] and list(tmp_path.glob(".out*")) == []


def test_year_without_exchanges_fails(ledger: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.pdf"
    result = runner.invoke(
        app, ["report", *common(ledger, tmp_path / "data"), "--year", "2030", "-o", str(out)]
    )
    assert result.exit_code == 2
    assert "2030" in result.output and "2023, 2024" in result.output
    assert not out.exists()


def test_missing_output_folder_is_reported(ledger: Path, tmp_path: Path) -> None:
    out = tmp_path / "missing" / "report.pdf"
    result = runner.invoke(
        app, ["report", *common(ledger, tmp_path / "data"), "--year", "2024", "-o", str(out)]
    )
    assert result.exit_code == 2
    assert "does not exist" in result.output
