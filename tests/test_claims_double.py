"""`isbenefit verify --claims DIR`: savings credited more than once across documents."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from isbenefit.cli import app
from tests.conftest import TINY_FACTORS, exchange, write_ledger

runner = CliRunner()


def claims_report(folder: Path) -> tuple[int, dict]:
    result = runner.invoke(app, ["verify", "--claims", str(folder), "--json"])
    return result.exit_code, json.loads(result.output)


def test_two_ledgers_crediting_the_same_exchange_are_caught(tmp_path: Path) -> None:
    first = exchange(baseline_supply="prod.gypsum", supplier_share="0.7")
    second = exchange(baseline_supply="prod.gypsum", supplier_share="0.6")
    write_ledger(tmp_path / "docs" / "programme-a", [first])
    write_ledger(tmp_path / "docs" / "programme-b", [second])
    code, report = claims_report(tmp_path / "docs")
    assert code == 9
    (finding,) = [f for f in report["findings"] if f["kind"] == "over-credited"]
    assert finding["exchange"] == "E1"
    assert finding["total_share"] == pytest.approx(0.7 + 0.3 + 0.6 + 0.4)
    assert "SUP 70%" in finding["description"] and "SUP 60%" in finding["description"]


def test_certificates_of_both_programmes_for_the_supplier_add_to_130_percent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735689600")
    docs = tmp_path / "docs"
    docs.mkdir()
    for name, share in (("a", "0.7"), ("b", "0.6")):
        ledger = write_ledger(tmp_path / name, [exchange(baseline_supply="prod.gypsum",
                                                         supplier_share=share)])
        result = runner.invoke(app, ["certificate", str(ledger), "--factors", str(TINY_FACTORS),
                                     "--org", "SUP", "--year", "2024", "-o",
                                     str(docs / f"{name}.pdf")])
        assert result.exit_code == 0, result.output
    code, report = claims_report(docs)
    assert code == 9
    (finding,) = report["findings"]
    assert finding["total_share"] == pytest.approx(1.3)
    assert (finding["from"], finding["to"]) == ("2024-01-01", "2024-12-31")


def test_shares_up_to_100_percent_are_not_flagged(tmp_path: Path) -> None:
    write_ledger(tmp_path / "docs" / "only", [exchange(baseline_supply="prod.gypsum")])
    code, report = claims_report(tmp_path / "docs")
    assert (code, report["findings"]) == (0, [])


def test_overlapping_and_separate_periods(tmp_path: Path) -> None:
    h1 = exchange(period_start="2024-01-01", period_end="2024-06-30",
                  baseline_supply="prod.gypsum")
    h2 = exchange(period_start="2024-07-01", period_end="2024-12-31",
                  baseline_supply="prod.gypsum")
    recut = exchange(period_start="2024-05-01", period_end="2024-08-31",
                     baseline_supply="prod.gypsum")
    write_ledger(tmp_path / "separate" / "a", [h1])
    write_ledger(tmp_path / "separate" / "b", [h2])
    code, report = claims_report(tmp_path / "separate")
    assert (code, report["findings"]) == (0, [])
    write_ledger(tmp_path / "overlap" / "a", [h1])
    write_ledger(tmp_path / "overlap" / "b", [recut])
    code, report = claims_report(tmp_path / "overlap")
    assert code == 9
    kinds = {f["kind"]: f for f in report["findings"]}
    assert (kinds["overlapping periods"]["from"], kinds["overlapping periods"]["to"]) == (
        "2024-05-01", "2024-06-30")
    assert kinds["over-credited"]["total_share"] == pytest.approx(2.0)
