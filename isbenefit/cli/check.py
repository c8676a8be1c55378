"""`isbenefit check LEDGER`: every problem of a ledger, without computing anything."""

from __future__ import annotations

import typer
from rich.console import Console

from isbenefit.cli.common import (
    PLACED,
    SOURCE_OPTIONS,
    CurrencyOption,
    LedgerArgument,
    Placed,
    SourceOptions,
    guarded,
    show_warnings,
    with_options,
)

console = Console(highlight=False)


@with_options
def check(
    ledger: LedgerArgument,
    factors: Placed = PLACED,  # --factors, --currency, --data-dir, then the others
    currency: CurrencyOption = "EUR",
    data_dir: Placed = PLACED,
    options: SourceOptions = SOURCE_OPTIONS,
) -> None:
    """Check LEDGER against the contract and the factor set, computing nothing.

    Lists every problem (file, sheet, row, column, fix) and exits 2, or says there are
    none and exits 0. Warnings (an activity id a factor set renamed) are printed either way.
    """
    from isbenefit.api import check as check_ledger

    with guarded():
        source = options.source()
        warnings = check_ledger(ledger, source, currency)
    show_warnings(warnings)
    console.print(f"{ledger}: no problems found", markup=False)


def register(app: typer.Typer) -> None:
    """Add `check` to the `isbenefit` app."""
    app.command("check")(check)
