"""`isbenefit check LEDGER`: every problem of a ledger, without computing anything."""

from __future__ import annotations

import typer
from rich.console import Console

from isbenefit.cli.common import (
    BrightwayDirOption,
    BrightwayProjectOption,
    CurrencyOption,
    DataDirOption,
    FactorsOption,
    FallbackOption,
    LedgerArgument,
    MappingOption,
    factor_source_of,
    guarded,
    show_warnings,
)

console = Console(highlight=False)


def check(
    ledger: LedgerArgument,
    factors: FactorsOption = None,
    currency: CurrencyOption = "EUR",
    data_dir: DataDirOption = None,
    mapping: MappingOption = None,
    brightway: BrightwayProjectOption = None,
    brightway_dir: BrightwayDirOption = None,
    fallback: FallbackOption = False,
) -> None:
    """Check LEDGER against the contract and the factor set, computing nothing.

    Lists every problem (file, sheet, row, column, fix) and exits 2, or says there are
    none and exits 0. Warnings (an activity id a factor set renamed) are printed either way.
    """
    from isbenefit.api import check as check_ledger

    with guarded():
        source = factor_source_of(factors, mapping, brightway, brightway_dir, fallback, data_dir)
        warnings = check_ledger(ledger, source, currency)
    show_warnings(warnings)
    console.print(f"{ledger}: no problems found", markup=False)


def register(app: typer.Typer) -> None:
    """Add `check` to the `isbenefit` app."""
    app.command("check")(check)
