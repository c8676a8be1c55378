"""The README's two commands: what each installs, the dpkg lock, and `.ci/run`."""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
from pathlib import Path

from tests.conftest import REPO

TEST_ONLY = {"postgresql", "chromium", "chromium-driver", "libreoffice-calc-nogui"}


def readme_commands() -> list[str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    head = readme[: readme.index("\n---\n")]
    return re.findall(r"^    (bash scripts/bootstrap\.sh.*)$", head, flags=re.MULTILINE)


def test_ci_runs_exactly_the_readme_test_command() -> None:
    main_job, tests = readme_commands()
    assert "isbenefit assess examples/nordic-cluster.xlsx" in main_job
    assert tests.endswith("-m pytest")
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    assert ci[-1] == tests


def fake_checkout(tmp_path: Path, lock_failures: int) -> tuple[Path, Path, dict[str, str]]:
    """A copy of the bootstrap script beside a fake .venv, with fake dpkg and apt-get on PATH
    that log their arguments; apt-get update fails `lock_failures` times as a held lock does."""
    checkout = tmp_path / "checkout"
    (checkout / "scripts").mkdir(parents=True)
    shutil.copy(REPO / "scripts" / "bootstrap.sh", checkout / "scripts" / "bootstrap.sh")
    log = tmp_path / "log"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    scripts = {
        "dpkg": "exit 1",  # every package missing
        "apt-get": (
            f'echo "apt-get $*" >> {log}\n'
            f"n=$(cat {tmp_path}/count 2>/dev/null || echo 0); echo $((n+1)) > {tmp_path}/count\n"
            f'if [[ " $* " == *" update "* ]] && [ "$n" -lt {lock_failures} ]; then\n'
            '  echo "E: Could not get lock /var/lib/apt/lists/lock" >&2; exit 100\nfi'
        ),
        "id": "echo 0",
    }
    venv_python = checkout / ".venv" / "bin" / "python"
    venv_python.parent.mkdir(parents=True)
    for path, body in [*((bin_dir / n, b) for n, b in scripts.items()), (venv_python, "")]:
        path.write_text(f'#!/bin/bash\n{body}\necho "{path.name} $*" >> {log}\n')
        path.chmod(path.stat().st_mode | stat.S_IXUSR)
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "ISBENEFIT_APT_WAIT": "3"}
    return checkout, log, env


def installed(log: Path) -> set[str]:
    lines = [line for line in log.read_text().splitlines() if " install " in line]
    return {word for line in lines for word in line.split() if not word.startswith("-")}


def test_the_main_job_installs_no_test_tools(tmp_path: Path) -> None:
    checkout, log, env = fake_checkout(tmp_path, lock_failures=0)
    run = subprocess.run(
        ["bash", "scripts/bootstrap.sh"],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    packages = installed(log)
    assert "libpango-1.0-0" in packages and not packages & TEST_ONLY
    assert "installing with apt-get" in run.stderr
    assert "python -m pip install -q --disable-pip-version-check -e ." in log.read_text()


def test_the_test_command_installs_the_rest_and_waits_for_the_lock(tmp_path: Path) -> None:
    checkout, log, env = fake_checkout(tmp_path, lock_failures=1)
    run = subprocess.run(
        ["bash", "scripts/bootstrap.sh", "--tests"],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert run.stderr.count("retrying") == 1
    assert installed(log) >= TEST_ONLY
    assert "DPkg::Lock::Timeout=3" in log.read_text()
    assert "-e .[dev]" in log.read_text()


def test_a_lock_held_past_the_wait_fails_with_a_message(tmp_path: Path) -> None:
    checkout, log, env = fake_checkout(tmp_path, lock_failures=100)
    env["ISBENEFIT_APT_WAIT"] = "1"
    run = subprocess.run(
        ["bash", "scripts/bootstrap.sh"],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 1
    assert "still failing after 1 s" in run.stderr
    assert " install " not in log.read_text()
