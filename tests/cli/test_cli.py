"""The command line, driven in-process: exit codes, output files, byte-stable results."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from isbenefit.cli.app import app
from tests.conftest import TINY_FACTORS, F, exchange, write_ledger

runner = CliRunner()


def make_ledger(tmp_path: Path) -> Path:
    rows = [
        exchange(baseline_supply="prod.gypsum", contract_ref="C-1"),
        exchange(
            id="E2",
            supplier="REC",
            receiver="THIRD",
            flow="water",
            resource="cooling water",
            quantity="250",
            unit="m3",
            baseline_supply="water.mains",
        ),
    ]
    organisations = [
        {"id": "SUP", "name": "Næstved Gipsværk A/S", "country": "DK"},
        {"id": "REC", "name": "Łódź Recykling", "country": "PL"},
        {"id": "THIRD", "name": "Kymijoen Kuitu Oy", "country": "FI"},
    ]
    return write_ledger(tmp_path / "ledger", rows, organisations=organisations)


def test_assess_prints_summary_and_writes_json_and_csv(tmp_path: Path) -> None:
    ledger = make_ledger(tmp_path)
    out = tmp_path / "results.json"
    result = runner.invoke(
        app,
        [
            "assess",
            str(ledger),
            "--factors",
            str(TINY_FACTORS),
            "--json",
            str(out),
            "--csv",
            str(tmp_path / "csv"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Næstved Gipsværk A/S" in result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["schema"] == "isbenefit.results/1"
    assert data["factor_set"]["id"] == "tiny-test"
    expected_total = 100 * F["prod.gypsum"][0] + 250 * F["water.mains"][0]
    assert abs(data["totals"]["saved"]["co2e_kg"] - expected_total) < 1e-9
    csv_files = sorted(p.name for p in (tmp_path / "csv").iterdir())
    assert csv_files == sorted(
        [
            "exchanges.csv",
            "lines.csv",
            "exchange_years.csv",
            "organisations.csv",
            "organisation_years.csv",
            "years.csv",
            "totals.csv",
        ]
    )
    header = (tmp_path / "csv" / "exchanges.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.endswith("contract_ref,flag_marks")  # the user's column, then the marks


def test_same_input_gives_the_same_bytes(tmp_path: Path) -> None:
    ledger = make_ledger(tmp_path)
    outputs = []
    for name in ("first.json", "second.json"):
        result = runner.invoke(
            app,
            [
                "assess",
                str(ledger),
                "--factors",
                str(TINY_FACTORS),
                "--json",
                str(tmp_path / name),
                "--quiet",
            ],
        )
        assert result.exit_code == 0, result.output
        outputs.append((tmp_path / name).read_bytes())
    assert outputs[0] == outputs[1]


def test_factors_list_and_show(tmp_path: Path) -> None:
    listed = runner.invoke(app, ["factors", "list", "--factors", str(TINY_FACTORS), "--json"])
    assert listed.exit_code == 0, listed.output
    activities = json.loads(listed.output)["activities"]
    assert {a["id"] for a in activities} == set(F)
    shown = runner.invoke(app, ["factors", "show", "prod.gypsum", "--factors", str(TINY_FACTORS)])
    assert shown.exit_code == 0
    assert "Round numbers for tests" in shown.output and "row 1" in shown.output
    missing = runner.invoke(app, ["factors", "show", "nope", "--factors", str(TINY_FACTORS)])
    assert missing.exit_code == 2
    assert "no activity 'nope'" in missing.output


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and "isbenefit" in result.output


def test_result_files_get_the_usual_permissions(tmp_path: Path) -> None:
    import os
    import stat

    ledger = make_ledger(tmp_path)
    out = tmp_path / "results.json"
    result = runner.invoke(
        app, ["assess", str(ledger), "--factors", str(TINY_FACTORS), "--json", str(out), "-q"]
    )
    assert result.exit_code == 0, result.output
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask
