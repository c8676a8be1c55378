"""The linter and the type checker are part of the test suite."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.conftest import REPO


def run_tool(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *command], cwd=REPO, capture_output=True, text=True, check=False
    )


def test_ruff_is_clean() -> None:
    result = run_tool("ruff", "check", "isbenefit", "tests", "bench", "examples", "docs")
    assert result.returncode == 0, result.stdout + result.stderr


def test_package_type_checks() -> None:
    result = run_tool("mypy")
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_print_in_library_code() -> None:
    bare_print = re.compile(r"(?<![\w.])print\(")  # print(...), not console.print or fingerprint
    offenders = [
        str(path.relative_to(REPO))
        for path in (REPO / "isbenefit").rglob("*.py")
        if bare_print.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
