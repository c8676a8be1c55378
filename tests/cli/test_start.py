"""`isbenefit verify ...` starts on an app holding `verify` alone (cli/start.py): the
same help, errors and exit codes as the whole app, without the other verbs' imports."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from isbenefit.cli.app import app
from isbenefit.cli.start import verb_of, verify_app
from tests.start_helpers import OTHER_VERBS, started

runner = CliRunner()


@pytest.mark.parametrize(
    ("args", "verb"),
    [
        (["verify", "c.pdf"], "verify"),
        (["--verbose", "verify", "--help"], "verify"),
        (["--help"], None),
        (["--version", "verify"], None),
        ([], None),
        (["certificate", "verify"], "certificate"),
        (["--verbose"], None),
    ],
)
def test_the_verb_is_the_first_word_past_the_root_flags(args: list[str], verb: str) -> None:
    assert verb_of(args) == verb


@pytest.mark.parametrize(
    "args",
    [
        ["verify", "--help"],
        ["--verbose", "verify", "--help"],
        ["verify"],  # no PDF: the usage error of `verify`
        ["verify", "--no-such-option"],
        ["verify", "--claims", "/no/such/folder"],
    ],
)
def test_the_verify_app_answers_as_the_whole_app(args: list[str]) -> None:
    whole = runner.invoke(app, args, prog_name="isbenefit")
    alone = runner.invoke(verify_app(), args, prog_name="isbenefit")
    assert (alone.exit_code, alone.output) == (whole.exit_code, whole.output)
    assert whole.exit_code != 1 or "Traceback" not in whole.output


def test_verify_starts_without_the_other_verbs() -> None:
    code, modules, output, _ = started("verify", "--help")
    assert code == 0 and "Verify a certificate" in output
    assert "isbenefit.cli.verify" in modules
    assert not set(OTHER_VERBS) & set(modules)


def test_any_other_verb_gets_the_whole_app() -> None:
    code, modules, output, _ = started("--help")
    assert code == 0 and "verify" in output and "certificate" in output
    assert "isbenefit.cli.app" in modules
