"""`verify`'s exit codes come from one table (isbenefit.certify.checks.EXIT_TABLE): the
command-line help prints it and docs/verify.md shows it, row for row."""

from __future__ import annotations

from typer.testing import CliRunner

from isbenefit.certify.checks import EXIT_TABLE, Verdict, exit_codes_markdown
from isbenefit.cli import common
from isbenefit.cli.app import app
from tests.conftest import REPO


def docs_table() -> str:
    text = (REPO / "docs" / "verify.md").read_text(encoding="utf-8")
    start = text.index("| verdict | exit code |")
    return text[start : text.index("\n\n", start)]


def test_docs_verify_shows_the_exit_code_table_of_the_code() -> None:
    assert docs_table() == exit_codes_markdown()


def test_every_verdict_has_one_code_and_no_code_two_meanings() -> None:
    codes = [row.code for row in EXIT_TABLE]
    assert codes == sorted(set(codes))  # each once, in order
    assert {row.verdict for row in EXIT_TABLE if row.verdict} == set(Verdict)
    assert all(verdict.exit_code in codes for verdict in Verdict)


def test_the_codes_of_errors_are_those_the_command_line_exits_with() -> None:
    meanings = {row.code: row.meaning for row in EXIT_TABLE}
    assert "not a readable PDF" in meanings[common.EXIT_INPUT_ERROR]
    assert meanings[common.EXIT_FAILURE] == "any other error"


def test_the_help_prints_every_row() -> None:
    result = CliRunner().invoke(app, ["verify", "--help"], env={"COLUMNS": "200"})
    text = " ".join(result.output.split())
    for row in EXIT_TABLE:
        assert f"{row.code} {' '.join(row.meaning.split())}" in text
