"""The root of the `isbenefit` command line: the Typer app with its own options
(--version, --verbose) and the console the verbs print on.

`app.py` adds every verb to it; `start.py` adds `verify` alone when the command line is
`isbenefit verify ...`, so that verifying does not import the other verbs' modules.
"""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer
from rich.console import Console
from typer.core import TyperGroup

from isbenefit.version import __version__

HELP = (
    "Benefit accounting for industrial symbiosis: CO2e, water, materials, landfill "
    "diversion and money, exchange by exchange, traceable to every factor."
)
# Piped output (files, CI logs) gets a wide fixed width so that names are not cut.
console = Console(highlight=False, width=None if sys.stdout.isatty() else 160)


def _version(value: bool) -> None:
    if value:
        console.print(f"isbenefit {__version__}")
        raise typer.Exit()


def main(
    context: typer.Context,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose",
            help="Log on stderr what isbenefit does (from debug level) and its libraries' "
            "warnings; without it no library warning or log reaches the terminal.",
        ),
    ] = False,
) -> None:
    """isbenefit: audited savings of industrial symbiosis exchanges."""
    from isbenefit.cli.logs import configure
    from isbenefit.cli.signals import install

    install(context)  # SIGINT and SIGTERM stop cleanly, exit 130 and 143 (cli/signals.py)
    context.call_on_close(configure(verbose))


class RootGroup(TyperGroup):
    """The root command, whose --help is False when not given (Typer leaves it None).

    Typer checks the value of every option given a value other than a bool with pydantic,
    which it imports to do so (about 0.1 s): unset, the root's --help was the one such
    value of `isbenefit verify --help`, which then printed its help without pydantic.
    """

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)
        if option is not None:
            option.default = False
        return option


def new_app() -> typer.Typer:
    """The `isbenefit` app with its own options and no verb yet."""
    app = typer.Typer(
        cls=RootGroup,
        name="isbenefit",
        help=HELP,
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        add_completion=False,
    )
    app.callback()(main)
    return app
