"""The service suite against a real PostgreSQL server: a throwaway cluster (initdb, a Unix
socket of its own, stopped at the end) and every test of tests/service run again in a child process
with ``ISBENEFIT_TEST_DB`` pointing at it (tests/service/conftest.py). In CI a missing
PostgreSQL fails; locally it skips."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.service.conftest import TEST_DB_ENV
from tests.service.postgres import binaries, throwaway_server

HERE = Path(__file__).resolve()


def test_the_service_suite_passes_on_postgresql(tmp_path: Path) -> None:
    if binaries() is None and not os.environ.get("CI"):
        pytest.skip("PostgreSQL is not installed (scripts/bootstrap.sh --tests installs it)")
    report = tmp_path / "postgresql.xml"
    with throwaway_server() as url:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-n",
                "0",
                "-q",
                "-p",
                "no:cacheprovider",
                f"--ignore={HERE}",
                f"--junitxml={report}",
                str(HERE.parent),
            ],
            cwd=REPO,
            env={**os.environ, TEST_DB_ENV: url},
            capture_output=True,
            text=True,
            timeout=2400,  # the whole service suite, workers and a browser included
            check=False,
        )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]
    suite = ET.parse(report).getroot().find("testsuite")
    assert suite is not None
    counts = {key: int(suite.get(key, "0")) for key in ("tests", "failures", "errors", "skipped")}
    assert counts["tests"] >= 40 and counts["failures"] == counts["errors"] == 0, counts
    assert counts["skipped"] == 0, result.stdout[-3000:]
