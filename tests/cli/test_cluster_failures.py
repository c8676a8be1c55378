"""A Dask worker that dies under --scheduler (killed, out of memory) is a clear error.

The command runs in its own process, as a user runs it, with one function that is sent to
the workers replaced by one that ends the worker's process (`os._exit`) as the kernel's
out-of-memory killer would. Dask retries the part on other workers, which die too, and
gives up: the command says which part failed and what to change, exits 1, prints no
traceback and writes nothing (assess) or only the documents that were made (a batch,
whose failures are kept per organisation, as without --scheduler).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, TINY_FACTORS, exchange, write_ledger

pytest.importorskip("distributed")

# Replaces ``module.name`` (a function sent to the workers) by one that kills its worker,
# then runs the command line on the rest of argv. Functions of __main__ travel by value.
DIE = """
import importlib, os, sys

def dying(shared, part):
    os._exit(9)

module, name = sys.argv[1].rsplit(".", 1)
dying.__name__ = dying.__qualname__ = name
setattr(importlib.import_module(module), name, dying)
from isbenefit.cli.app import app
app(sys.argv[2:], prog_name="isbenefit")
"""


def run_dying(target: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", DIE, target, *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    rows = [
        exchange(baseline_supply="prod.gypsum"),
        exchange(id="E2", supplier="SUP2", receiver="REC2", baseline_supply="prod.gypsum"),
    ]
    return write_ledger(tmp_path / "ledger", rows)


def assert_clear(done: subprocess.CompletedProcess[str], part: str) -> None:
    assert done.returncode == 1, done.stderr
    assert f"a Dask worker died (killed, or out of memory) while running {part}" in done.stderr
    assert "Fix: give each worker more memory" in done.stderr
    assert "run fewer --iterations" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert "distributed" not in done.stderr + done.stdout  # no Dask log or warning


@pytest.mark.parametrize(
    ("target", "iterations", "part"),
    [
        ("isbenefit.engine.propagation.part_work", "200", "the Monte Carlo run"),
        ("isbenefit.results.monte_carlo.draw_block", "1100", "the factor draws"),
    ],
)
def test_a_worker_dying_in_the_monte_carlo_stops_assess_with_the_fix(
    ledger: Path, tmp_path: Path, target: str, iterations: str, part: str
) -> None:
    out = tmp_path / "out"
    done = run_dying(
        target,
        "assess",
        str(ledger),
        "--factors",
        str(TINY_FACTORS),
        "--iterations",
        iterations,
        "--json",
        str(out / "results.json"),
        "--csv",
        str(out / "csv"),
        "--scheduler",
        "local:2",
    )
    assert_clear(done, part)
    assert not out.exists()


def test_a_worker_dying_while_rendering_fails_those_documents_with_the_fix(
    ledger: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    done = run_dying(
        "isbenefit.batch.render_remote",
        "statements",
        str(ledger),
        "--factors",
        str(TINY_FACTORS),
        "--year",
        "2024",
        "-o",
        str(out),
        "--scheduler",
        "local:2",
    )
    assert done.returncode == 1, done.stderr
    output = " ".join((done.stdout + done.stderr).split())  # as read, not as wrapped
    assert "0 statements written" in output
    for org in ("SUP", "REC", "SUP2", "REC2"):
        assert f"- {org}: the Dask worker making it died (killed, or out of memory) " in output
    assert output.count("Fix: give each worker more memory") == 1
    assert "Traceback" not in output and "distributed" not in output
    assert list(out.iterdir()) == []
