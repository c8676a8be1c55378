"""The linter and the type checker are part of the test suite."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO


def run_tool(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *command], cwd=REPO, capture_output=True, text=True, check=False
    )


def test_ruff_is_clean() -> None:
    result = run_tool("ruff", "check", "isbenefit", "tests", "bench", "examples", "docs")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_clean() -> None:
    result = run_tool(
        "ruff", "format", "--check", "isbenefit", "tests", "bench", "examples", "docs"
    )
    assert result.returncode == 0, result.stdout + result.stderr


def imported_modules(path: Path) -> list[str]:
    """Every module named by an import statement of ``path``, lazy imports included."""
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
        elif isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
    return names


def test_test_files_do_not_import_each_other() -> None:
    """Shared helpers live in conftest.py or a helper module, never in a test_*.py file."""
    offenders = [
        f"{path.relative_to(REPO)} imports {name}"
        for path in sorted((REPO / "tests").rglob("*.py"))
        for name in imported_modules(path)
        if name.rsplit(".", 1)[-1].startswith("test_")
    ]
    assert offenders == []


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


def test_the_slow_list_names_test_files_that_exist() -> None:
    from tests.conftest import SLOW

    assert sorted(name for name in SLOW if not (REPO / "tests" / name).is_file()) == []
