"""A Dask worker that dies under --scheduler (killed, out of memory) is a clear error.

The command runs in its own process, as a user runs it, with one function that is sent to
the workers replaced by one that ends the worker's process (`os._exit`) as the kernel's
out-of-memory killer would. Dask retries the part on other workers, which die too, and
gives up: the command says which part failed and what to change, exits 1, prints no
traceback and writes nothing (assess) or only the documents that were made (a batch,
whose failures are kept per organisation, as without --scheduler).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO, TINY_FACTORS, exchange, write_ledger

distributed = pytest.importorskip("distributed")

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


# An existing cluster (--scheduler tcp://...) that loses its only worker for good: a Dask
# scheduler and a worker (with its nanny, as `dask worker` starts it), each a process of
# its own. The command is held at a point of the run (after ``module.name`` returns) until
# the test has killed the worker's process group (nanny and worker, as when its machine
# goes), then goes on to hand work to a cluster without workers.
PAUSE = """
import importlib, sys, time
from pathlib import Path

held, go = Path(sys.argv[1]), Path(sys.argv[2])
module, name = sys.argv[3].rsplit(".", 1)
original = getattr(importlib.import_module(module), name)

def paused(*args, **kwargs):
    done = original(*args, **kwargs)
    held.touch()
    while not go.exists():
        time.sleep(0.05)
    return done

setattr(importlib.import_module(module), name, paused)
from isbenefit.cli.app import app
app(sys.argv[4:], prog_name="isbenefit")
"""
# Ends its worker's part in the middle: tells the test it runs, then waits to be killed.
HANG = """
import importlib, os, sys, time
from pathlib import Path

running = Path(sys.argv[1])

def hanging(shared, part):
    running.touch()
    time.sleep(600)

module, name = sys.argv[2].rsplit(".", 1)
hanging.__name__ = hanging.__qualname__ = name
setattr(importlib.import_module(module), name, hanging)
from isbenefit.cli.app import app
app(sys.argv[3:], prog_name="isbenefit")
"""
NO_WORKER_WAIT = "2s"  # Dask's setting the command reads; one minute by default


def _started(*args: str, log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", *args],
            cwd=REPO,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: a nanny and its worker
        )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


@pytest.fixture(scope="module")
def scheduler(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The scheduler file of a running `dask scheduler`."""
    folder = tmp_path_factory.mktemp("dask")
    found = folder / "scheduler.json"
    process = _started(
        "distributed.cli.dask_scheduler",
        *("--host", "127.0.0.1", "--port", "0", "--no-dashboard"),
        *("--scheduler-file", str(found)),
        log=folder / "scheduler.log",
    )
    try:
        deadline = time.monotonic() + 60
        while not found.exists() or not found.read_text().strip():
            assert process.poll() is None and time.monotonic() < deadline, "no scheduler"
            time.sleep(0.1)
        yield found
    finally:
        _stop(process)


@pytest.fixture
def worker(scheduler: Path, tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """The scheduler's address and its only worker, registered."""
    process = _started(
        "distributed.cli.dask_worker",
        *("--scheduler-file", str(scheduler), "--nthreads", "1", "--no-dashboard"),
        log=tmp_path / "worker.log",
    )
    try:
        with distributed.Client(scheduler_file=str(scheduler), timeout="30s") as client:
            client.wait_for_workers(1, timeout=60)
            address = client.scheduler.address
        yield address, process
    finally:
        _stop(process)


def _kill_when(
    signalled: Path, command: subprocess.Popen[str], worker: subprocess.Popen[bytes]
) -> None:
    deadline = time.monotonic() + 120
    try:
        while not signalled.exists():
            assert command.poll() is None, command.communicate()
            assert time.monotonic() < deadline, "the command never reached the point"
            time.sleep(0.05)
    except AssertionError:
        command.kill()  # a failed test leaves no command running
        raise
    _stop(worker)


def _command(script: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", script, *args],
        cwd=REPO,
        env={**os.environ, "DASK_DISTRIBUTED__SCHEDULER__NO_WORKERS_TIMEOUT": NO_WORKER_WAIT},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finished(command: subprocess.Popen[str]) -> tuple[int, str]:
    try:
        stdout, stderr = command.communicate(timeout=120)
    finally:
        if command.poll() is None:  # still held: a failed test leaves no command running
            command.kill()
            command.wait()
    output = " ".join((stdout + stderr).split())  # as read, not as wrapped
    assert "Traceback" not in output
    assert "distributed" not in output  # no Dask log line or warning
    return command.returncode, output


def _no_worker_fix(address: str) -> str:
    return (
        f"the Dask cluster at {address} had no worker for 2 s (its workers stopped: "
        "killed, out of memory or their machine gone; or none joined). Fix: start workers "
        f"again (dask worker {address};"
    )


def test_a_cluster_that_lost_its_only_worker_stops_assess_with_the_fix(
    ledger: Path, tmp_path: Path, worker: tuple[str, subprocess.Popen[bytes]]
) -> None:
    """Killed before the Monte Carlo is shared out: the work would wait for a worker for
    ever; it is given up after the wait without one."""
    address, process = worker
    out = tmp_path / "out"
    held, go = tmp_path / "held", tmp_path / "go"
    command = _command(
        PAUSE,
        *(str(held), str(go), "isbenefit.results.monte_carlo.factor_draws"),
        *("assess", str(ledger), "--factors", str(TINY_FACTORS), "--iterations", "200"),
        *("--json", str(out / "results.json"), "--csv", str(out / "csv")),
        *("--scheduler", address),
    )
    _kill_when(held, command, process)
    go.touch()
    code, output = _finished(command)
    assert code == 1, output
    assert output.startswith(
        f"error: no Dask worker was left to run the Monte Carlo run: {_no_worker_fix(address)}"
    )
    assert "or run with --scheduler local:N or without --scheduler" in output
    assert not out.exists()


def test_a_cluster_that_lost_its_only_worker_fails_a_batchs_documents_with_the_fix(
    ledger: Path, tmp_path: Path, worker: tuple[str, subprocess.Popen[bytes]]
) -> None:
    address, process = worker
    out = tmp_path / "out"
    held, go = tmp_path / "held", tmp_path / "go"
    command = _command(
        PAUSE,
        *(str(held), str(go), "isbenefit.batch.plan"),
        *("statements", str(ledger), "--factors", str(TINY_FACTORS), "--year", "2024"),
        *("-o", str(out), "--scheduler", address),
    )
    _kill_when(held, command, process)
    go.touch()
    code, output = _finished(command)
    assert code == 1, output
    assert "0 statements written" in output
    for org in ("SUP", "REC", "SUP2", "REC2"):
        assert f"- {org}: no Dask worker was left to make it " in output
    assert output.count("Fix: start workers again") == 1
    assert "The" + _no_worker_fix(address)[3:] in output
    assert list(out.iterdir()) == []


def test_a_worker_killed_while_it_runs_a_part_of_an_existing_cluster_stops_assess(
    ledger: Path, tmp_path: Path, worker: tuple[str, subprocess.Popen[bytes]]
) -> None:
    """The part's shared data dies with the only worker: Dask cancels the part at once."""
    address, process = worker
    out = tmp_path / "out"
    running = tmp_path / "running"
    command = _command(
        HANG,
        *(str(running), "isbenefit.engine.propagation.part_work"),
        *("assess", str(ledger), "--factors", str(TINY_FACTORS), "--iterations", "200"),
        *("--json", str(out / "results.json"), "--scheduler", address),
    )
    _kill_when(running, command, process)
    code, output = _finished(command)
    assert code == 1, output
    assert output.startswith(
        "error: a Dask worker died (killed, or out of memory) while running the Monte Carlo run"
    )
    assert not out.exists()


@pytest.mark.parametrize("scheduler", ["local:1", "tcp://127.0.0.1:1"])
def test_a_wait_for_workers_that_is_no_duration_stops_before_any_cluster(
    ledger: Path, tmp_path: Path, scheduler: str
) -> None:
    """Read by the command and by a local cluster's scheduler: named once, no traceback,
    before a scheduler is started or asked."""
    out = tmp_path / "results.json"
    done = subprocess.run(
        [sys.executable, "-m", "isbenefit", "assess", str(ledger), "--factors",
         str(TINY_FACTORS), "--iterations", "20", "--json", str(out), "--scheduler", scheduler],
        cwd=REPO,
        env={**os.environ, "DASK_DISTRIBUTED__SCHEDULER__NO_WORKERS_TIMEOUT": "ten minutes"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )  # fmt: skip
    output = " ".join((done.stdout + done.stderr).split())
    assert done.returncode == 1, output
    assert output == (
        "error: Dask's setting distributed.scheduler.no-workers-timeout is 'ten minutes', not "
        "a duration. Fix: give one such as 10m or 600s (e.g. in "
        "DASK_DISTRIBUTED__SCHEDULER__NO_WORKERS_TIMEOUT), or unset it (one minute)"
    )
    assert not out.exists()
