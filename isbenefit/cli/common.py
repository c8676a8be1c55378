"""What every CLI verb shares: common options and turning errors into exits."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from isbenefit.errors import InputError, IsbenefitError

EXIT_INPUT_ERROR = 2
EXIT_FAILURE = 1

err_console = Console(stderr=True, highlight=False, soft_wrap=True)

FactorsOption = Annotated[
    Path | None,
    typer.Option(
        "--factors",
        help="Factor-set folder (factorset.toml + activities.csv). Default: the shipped open set.",
        file_okay=False,
    ),
]
CurrencyOption = Annotated[
    str, typer.Option("--currency", help="Report currency, ISO 4217 (e.g. EUR, DKK, SEK).")
]
DataDirOption = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        help="isbenefit's data directory (Brightway project cache). "
        "Default: $ISBENEFIT_DATA_DIR, else ~/.local/share/isbenefit.",
        file_okay=False,
    ),
]

# Monte Carlo options, shared by `assess` and the document verbs (docs/uncertainty.md).
IterationsOption = Annotated[
    int,
    typer.Option(
        "--iterations",
        min=0,
        help="Monte Carlo iterations (0: none; 1000 recommended). Adds P5/P50/P95 and the "
        "conservative figure of every saving.",
    ),
]
SeedOption = Annotated[
    int, typer.Option("--seed", help="Monte Carlo seed; the same seed gives the same bytes.")
]
PercentileOption = Annotated[
    float,
    typer.Option(
        "--conservative-percentile",
        min=0.0,
        max=50.0,
        help="Percentile reported as the conservative figure.",
    ),
]


@contextmanager
def guarded() -> Iterator[None]:
    """Turn isbenefit's errors into a clear message on stderr and a non-zero exit."""
    try:
        yield
    except InputError as error:
        err_console.print(str(error), markup=False)
        raise typer.Exit(EXIT_INPUT_ERROR) from None
    except IsbenefitError as error:
        err_console.print(f"error: {error}", markup=False)
        raise typer.Exit(EXIT_FAILURE) from None


def fail(message: str, code: int = EXIT_INPUT_ERROR) -> NoReturn:
    """Stop a command with a message on stderr."""
    err_console.print(message, markup=False)
    sys.stderr.flush()
    raise typer.Exit(code)


MappingOption = Annotated[
    Path | None,
    typer.Option(
        "--mapping",
        help="Mapping file (TOML): which activity of your Brightway "
        "database stands for each ledger activity id. See docs/brightway-databases.md.",
        dir_okay=False,
    ),
]
BrightwayProjectOption = Annotated[
    str | None,
    typer.Option(
        "--brightway",
        metavar="PROJECT",
        help="Brightway project holding the mapped databases (else the mapping's `project`).",
    ),
]
BrightwayDirOption = Annotated[
    Path | None,
    typer.Option(
        "--brightway-dir",
        help="Your Brightway directory. Default: $BRIGHTWAY2_DIR "
        "as isbenefit was started with, else Brightway's default.",
        file_okay=False,
    ),
]
FallbackOption = Annotated[
    bool,
    typer.Option(
        "--fallback",
        help="Score ledger activity ids the mapping does not name "
        "with the factor set (--factors, else the shipped one).",
    ),
]

LedgerArgument = Annotated[
    Path,
    typer.Argument(help="Ledger: an .xlsx workbook, a folder of CSVs, or an exchanges.csv."),
]
