"""--scheduler: refused when malformed or without Dask; without it, Dask is not imported."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from isbenefit.cli.app import app
from tests.conftest import REPO, TINY_FACTORS, exchange, write_ledger


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    return write_ledger(tmp_path / "ledger", [exchange(baseline_supply="prod.gypsum")])


def test_a_malformed_scheduler_is_refused_with_the_forms_accepted(ledger: Path) -> None:
    result = CliRunner().invoke(app, ["assess", str(ledger), "--scheduler", "local:0"])
    assert result.exit_code == 2
    assert "--scheduler 'local:0' is not a scheduler" in result.output
    assert "local:N (N worker processes on this machine)" in result.output


def test_a_scheduler_without_dask_names_the_extra_to_install(
    ledger: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed fails
    for verb in (["assess"], ["statements", "--year", "2024", "-o", "out"]):
        result = CliRunner().invoke(
            app, [*verb[:1], str(ledger), *verb[1:], "--scheduler", "local:2"]
        )
        assert result.exit_code == 2, result.output
        assert "Fix: pip install 'isbenefit[scale]'" in result.output
    assert not Path("out").exists()


def test_without_a_scheduler_dask_is_not_imported(ledger: Path) -> None:
    script = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from isbenefit.cli.app import app\n"
        f"r = CliRunner().invoke(app, ['assess', {str(ledger)!r}, '--factors', "
        f"{str(TINY_FACTORS)!r}, '--iterations', '50', '-q'])\n"
        "assert r.exit_code == 0, r.output\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


def test_the_verbs_that_run_at_scale_take_the_option() -> None:
    for verb in ("assess", "statements", "certificates", "report"):
        result = CliRunner().invoke(app, [verb, "--help"], env={"COLUMNS": "200"})
        assert "--scheduler" in result.output, verb
