"""Faults around a run: signals, folders that cannot be written, runs started together.

Each fault ends with a known exit code (130/143 for SIGINT/SIGTERM, 73 for a place that
cannot be written), a message on stderr naming the path and the fix, and nothing partial
written: no temporary file, no new file beside an earlier run's, no worker left writing.
Faults of the file system are injected by tests/faults_helpers.py, in this process or,
through tests/fault_site/sitecustomize.py, in a subprocess.
"""

from __future__ import annotations

import errno
import os
import pickle
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from isbenefit.cli.app import app
from isbenefit.cli.common import EXIT_CANNOT_WRITE
from isbenefit.errors import WriteError
from isbenefit.scoring import brightway
from isbenefit.writing import write_files_atomic
from tests.conftest import REPO, TINY_FACTORS, exchange, write_ledger
from tests.faults_helpers import fault_env, inject

EXAMPLE = REPO / "examples" / "nordic-cluster.xlsx"
runner = CliRunner()
STOP_BOUND = 20.0  # seconds: generous, a bound on hanging, not a measure of speed


def isbenefit(*args: str) -> list[str]:
    return [sys.executable, "-m", "isbenefit", *args]


def small_ledger(folder: Path) -> Path:
    """Two exchanges between four organisations, scored with the tiny factor set."""
    rows = [
        exchange(id="E1", baseline_supply="prod.gypsum"),
        exchange(id="E2", supplier="SUP2", receiver="REC2", baseline_supply="prod.gypsum"),
    ]
    return write_ledger(folder, rows)


def everything_in(folder: Path) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))


def children(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def session_members(session: int) -> list[int]:
    """Live processes of a session (``start_new_session`` makes the leader's pid its id)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[3]) == session and fields[0] not in ("Z", "X"):
            found.append(int(stat.parent.name))
    return found


def running(pid: int) -> bool:
    """Whether ``pid`` is a live process (a zombie waiting to be reaped is not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def wait_for(condition: Callable[[], object], timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the run never got to the point of the test"
        time.sleep(0.05)


def temporaries(folder: Path) -> list[Path]:
    return [path for path in folder.rglob(".*") if path.name.endswith(".tmp")]


# -- signals -------------------------------------------------------------------------------


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_during_assess_leaves_no_temporary_file(
    tmp_path: Path, signum: int, code: int
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    # Writing under out/ hangs, so the signal comes while the results JSON is being written.
    process = subprocess.Popen(
        isbenefit("assess", str(small_ledger(tmp_path / "ledger")), "--factors",
                  str(TINY_FACTORS), "--json", str(out / "results.json"), "-q"),
        env=fault_env("hang", out), stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    wait_for(lambda: temporaries(out))
    sent = time.monotonic()
    os.killpg(process.pid, signum)  # SIGINT to the group, as a terminal's Ctrl-C
    _, stderr = process.communicate(timeout=STOP_BOUND)
    assert time.monotonic() - sent < STOP_BOUND
    assert process.returncode == code
    assert f"stopping on {signal.Signals(signum).name}" in stderr
    assert "Traceback" not in stderr
    assert everything_in(out) == []


@pytest.mark.parametrize(
    ("signum", "code", "group"), [(signal.SIGTERM, 143, False), (signal.SIGINT, 130, True)]
)
def test_a_signal_stops_a_batch_and_its_workers_at_once(
    tmp_path: Path, signum: int, code: int, group: bool
) -> None:
    out = tmp_path / "statements"
    out.mkdir()
    # Every worker hangs writing its first statement: the signal finds both mid-write.
    process = subprocess.Popen(
        isbenefit("statements", str(EXAMPLE), "--year", "2024", "-j", "2", "-o", str(out)),
        env=fault_env("hang", out), stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    wait_for(lambda: len(temporaries(out)) >= 2)
    workers = children(process.pid)
    assert len(workers) >= 2
    sent = time.monotonic()
    if group:  # Ctrl-C in a terminal: SIGINT to the parent and to every worker
        os.killpg(process.pid, signum)
    else:  # `kill PID`: the parent alone
        os.kill(process.pid, signum)
    _, stderr = process.communicate(timeout=STOP_BOUND)
    assert time.monotonic() - sent < STOP_BOUND
    assert process.returncode == code
    assert f"stopping on {signal.Signals(signum).name}" in stderr
    assert "Traceback" not in stderr
    wait_for(lambda: not any(running(pid) for pid in workers), timeout=STOP_BOUND)
    # Nothing of the run is left that could still write: no live process in its session.
    assert session_members(process.pid) == []
    assert everything_in(out) == []


# -- folders that cannot be written --------------------------------------------------------


def assert_cannot_write(result: Result, path: Path, reason: str, fix: str) -> None:
    """Exit 73, and on stderr (not stdout) the path, what happened and the fix."""
    assert result.exit_code == EXIT_CANNOT_WRITE, result.output
    assert f"cannot write {path}: {reason}. Fix: " in result.stderr
    assert fix in result.stderr.split("Fix: ", 1)[1]
    assert "cannot write" not in result.stdout
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_read_only_output_folder_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    ledger = small_ledger(tmp_path / "ledger")
    inject(monkeypatch, "readonly", out)
    result = runner.invoke(
        app, ["assess", str(ledger), "--factors", str(TINY_FACTORS), "--json",
              str(out / "results.json"), "-q"],
    )  # fmt: skip
    assert_cannot_write(result, out / "results.json", "the file system is read-only",
                        "choose another place")  # fmt: skip
    assert everything_in(out) == []


def test_a_read_only_output_folder_stops_a_batch_before_any_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "locked" / "statements"
    out.parent.mkdir()
    inject(monkeypatch, "readonly", out.parent)
    result = runner.invoke(
        app, ["statements", str(small_ledger(tmp_path / "ledger")), "--factors",
              str(TINY_FACTORS), "--year", "2024", "-o", str(out)],
    )  # fmt: skip
    assert_cannot_write(result, out, "the file system is read-only", "another --output")
    assert everything_in(out.parent) == []


def test_a_read_only_empty_data_dir_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    out = tmp_path / "out"
    inject(monkeypatch, "readonly", data)
    result = runner.invoke(
        app, ["assess", str(small_ledger(tmp_path / "ledger")), "--factors",
              str(TINY_FACTORS), "--data-dir", str(data), "--json", str(out / "r.json")],
    )  # fmt: skip
    assert_cannot_write(result, data / "brightway", "the file system is read-only",
                        "--data-dir or $ISBENEFIT_DATA_DIR")  # fmt: skip
    assert everything_in(data) == []
    assert not out.exists()


def test_a_read_only_data_dir_with_its_project_built_is_read_as_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    ledger = small_ledger(tmp_path / "ledger")
    command = ["assess", str(ledger), "--factors", str(TINY_FACTORS), "--data-dir", str(data)]
    built = runner.invoke(app, [*command, "--json", str(tmp_path / "first.json")])
    assert built.exit_code == 0, built.output
    (data / "brightway" / brightway.BUILD_LOCK).unlink()  # as a copy without it would be
    before = everything_in(data)
    inject(monkeypatch, "readonly", data)
    again = runner.invoke(app, [*command, "--json", str(tmp_path / "again.json")])
    assert again.exit_code == 0, again.output
    assert (tmp_path / "again.json").read_bytes() == (tmp_path / "first.json").read_bytes()
    assert everything_in(data) == before


def test_a_data_dir_whose_database_cannot_be_written_is_a_write_error(tmp_path: Path) -> None:
    """SQLite's own refusal (bw2data writes through peewee) names the data directory too."""
    import peewee

    database = tmp_path / "projects.db"
    sqlite3.connect(database).execute("create table t (x)").connection.commit()
    read_only = peewee.SqliteDatabase(f"file:{database}?mode=ro", uri=True)
    with pytest.raises(WriteError) as raised, brightway._data_dir_faults(tmp_path):
        read_only.execute_sql("insert into t values (1)")
    assert raised.value.errno == errno.EROFS
    assert str(raised.value).startswith(f"cannot write {tmp_path}: the file system is read-only")
    assert "--data-dir" in raised.value.fix


# -- a full disk ---------------------------------------------------------------------------


def test_a_full_disk_leaves_an_earlier_runs_csv_tables_as_they_were(tmp_path: Path) -> None:
    """In a subprocess, the fault injected by its sitecustomize: the third table fails."""
    out = tmp_path / "csv"
    out.mkdir()
    earlier = {name: f"{name} of an earlier run\n" for name in ("exchanges", "lines", "totals")}
    for name, text in earlier.items():
        (out / f"{name}.csv").write_text(text)
    result = subprocess.run(
        isbenefit("assess", str(small_ledger(tmp_path / "ledger")), "--factors",
                  str(TINY_FACTORS), "--csv", str(out), "-q"),
        env=fault_env("enospc", out, after=2), capture_output=True, text=True, check=False,
        timeout=300,
    )  # fmt: skip
    assert result.returncode == EXIT_CANNOT_WRITE, result.stderr
    assert "Traceback" not in result.stderr
    assert f"cannot write {out / 'exchange_years.csv'}: the disk is full. " in result.stderr
    assert f"Fix: free space on the disk holding {out}, or choose another" in result.stderr
    assert "cannot write" not in result.stdout
    assert everything_in(out) == sorted(f"{name}.csv" for name in earlier)
    for name, text in earlier.items():
        assert (out / f"{name}.csv").read_text() == text


def test_a_full_disk_writing_the_results_json_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "results.json").write_text("an earlier run's\n")
    inject(monkeypatch, "enospc", out)
    result = runner.invoke(
        app, ["assess", str(small_ledger(tmp_path / "ledger")), "--factors",
              str(TINY_FACTORS), "--json", str(out / "results.json"), "-q"],
    )  # fmt: skip
    assert_cannot_write(result, out / "results.json", "the disk is full", f"holding {out}")
    assert everything_in(out) == ["results.json"]
    assert (out / "results.json").read_text() == "an earlier run's\n"


def test_a_full_disk_stops_a_batch_with_one_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "statements"
    inject(monkeypatch, "enospc", out)  # the workers, forked from this process, inherit it
    result = runner.invoke(
        app, ["statements", str(small_ledger(tmp_path / "ledger")), "--factors",
              str(TINY_FACTORS), "--year", "2024", "-j", "2", "-o", str(out)],
    )  # fmt: skip
    assert result.exit_code == EXIT_CANNOT_WRITE, result.output
    assert result.stderr.count("cannot write") == 1
    assert ": the disk is full. Fix: free space on the disk holding" in result.stderr
    assert "another --output folder" in result.stderr
    assert everything_in(out) == []


def test_a_write_set_fails_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.csv").write_text("old a")
    inject(monkeypatch, "enospc", tmp_path, after=1)
    with pytest.raises(WriteError) as raised:
        write_files_atomic(tmp_path, {"a.csv": b"new a", "b.csv": b"new b"})
    assert raised.value.path == tmp_path / "b.csv"
    assert everything_in(tmp_path) == ["a.csv"]
    assert (tmp_path / "a.csv").read_text() == "old a"


def test_a_write_error_crosses_from_a_worker_process_intact(tmp_path: Path) -> None:
    error = WriteError.of(tmp_path / "x.pdf", OSError(errno.ENOSPC, "full"), "go elsewhere")
    copy = pickle.loads(pickle.dumps(error))
    assert (type(copy), str(copy), copy.errno, copy.path) == (
        WriteError, str(error), errno.ENOSPC, tmp_path / "x.pdf"
    )  # fmt: skip


# -- runs started together -----------------------------------------------------------------


def test_four_runs_started_together_on_an_empty_data_dir_build_one_project(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"  # empty: each run would build the shipped factor set's project

    def start(n: int) -> subprocess.Popen[str]:
        return subprocess.Popen(
            isbenefit("assess", str(EXAMPLE), "--data-dir", str(data), "--json",
                      str(tmp_path / f"results-{n}.json"), "-q"),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip

    runs = [start(n) for n in range(4)]
    ended = [run.communicate(timeout=600) for run in runs]
    for run, (_stdout, stderr) in zip(runs, ended, strict=True):
        assert run.returncode == 0, stderr
    results = {(tmp_path / f"results-{n}.json").read_bytes() for n in range(4)}
    assert len(results) == 1
    ready = list((data / "brightway" / "isbenefit-ready").iterdir())
    assert len(ready) == 1


def test_keys_new_in_a_read_only_folder_is_a_clear_error_and_leaves_no_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keys = tmp_path / "keys"
    keys.mkdir()
    inject(monkeypatch, "readonly", keys)
    result = runner.invoke(app, ["keys", "new", "-o", str(keys / "issuer"), "--name", "Gips"])
    assert_cannot_write(result, keys / "issuer.key", "the file system is read-only",
                        "choose another -o PREFIX")  # fmt: skip
    assert everything_in(keys) == []


def test_keys_new_on_a_disk_filling_up_leaves_no_half_key_pair(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keys = tmp_path / "keys"
    keys.mkdir()
    inject(monkeypatch, "enospc", keys, after=1)  # the private key fits, the public one not
    result = runner.invoke(app, ["keys", "new", "-o", str(keys / "issuer"), "--name", "Gips"])
    assert_cannot_write(result, keys / "issuer.pub", "the disk is full", "choose another -o")
    assert everything_in(keys) == []


def test_a_run_without_monte_carlo_removes_an_earlier_runs_uncertainty_table(
    tmp_path: Path,
) -> None:
    out = tmp_path / "csv"
    ledger = str(small_ledger(tmp_path / "ledger"))
    base = ["assess", ledger, "--factors", str(TINY_FACTORS), "--csv", str(out), "-q"]
    first = runner.invoke(app, [*base, "--iterations", "20"])
    assert first.exit_code == 0, first.output
    assert (out / "uncertainty.csv").exists()
    second = runner.invoke(app, base)
    assert second.exit_code == 0, second.output
    assert "uncertainty.csv" not in everything_in(out)
    assert "exchanges.csv" in everything_in(out)
