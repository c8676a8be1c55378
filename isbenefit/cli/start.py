"""How the `isbenefit` command starts.

`isbenefit verify ...` runs on an app holding that verb alone (the same root options,
help texts and exit codes), so that a verifier's start-up does not import the modules of
every other verb (documents, reporting, the service ...); any other command line gets
the whole app of `app.py`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import typer

ROOT_FLAGS = ("--verbose",)  # root options that may stand before the verb
FAST_VERB = "verify"


def verb_of(args: Sequence[str]) -> str | None:
    """The verb a command line names, past the root flags; None when there is none
    (or a root option that takes the whole app, such as --help or --version)."""
    for arg in args:
        if arg not in ROOT_FLAGS:
            return None if arg.startswith("-") else arg
    return None


def verify_app() -> typer.Typer:
    """The root app with `verify` alone."""
    from isbenefit.cli.root import new_app
    from isbenefit.cli.verify import register

    app = new_app()
    register(app)
    return app


def main() -> None:
    """The console script and `python -m isbenefit`."""
    if verb_of(sys.argv[1:]) == FAST_VERB:
        app = verify_app()
    else:
        from isbenefit.cli.app import app
    app()
