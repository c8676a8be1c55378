"""What every CLI verb shares: common options and turning errors into exits."""

from __future__ import annotations

import inspect
import math
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields, is_dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar, cast, get_type_hints

import typer
from rich.console import Console

from isbenefit.cli.text import plain
from isbenefit.errors import InputError, IsbenefitError, Problem, WriteError

if TYPE_CHECKING:
    from isbenefit.engine.uncertainty import MonteCarloSettings
    from isbenefit.scoring.source import FactorSource

EXIT_INPUT_ERROR = 2
EXIT_FAILURE = 1
EXIT_CANNOT_WRITE = 73  # sysexits' EX_CANTCREAT: an output or the data directory not writable

err_console = Console(stderr=True, highlight=False, soft_wrap=True)

FactorsOption = Annotated[
    Path | None,
    typer.Option(
        "--factors",
        help="Factor-set folder (factorset.toml + activities.csv). Default: the shipped open set. "
        "With --mapping, used only with --fallback.",
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


def show_warnings(warnings: Iterable[Problem | Mapping[str, Any]]) -> None:
    """Print each warning of an assessment (or of a results JSON) on stderr."""
    for warning in warnings:
        problem = warning if isinstance(warning, Problem) else Problem(**warning)
        err_console.print(f"warning: {plain(problem)}", markup=False)


@contextmanager
def guarded() -> Iterator[None]:
    """Turn isbenefit's errors into a clear message on stderr and a non-zero exit."""
    try:
        yield
    except InputError as error:
        err_console.print(plain(error), markup=False)
        raise typer.Exit(EXIT_INPUT_ERROR) from None
    except WriteError as error:
        err_console.print(f"error: {plain(error)}", markup=False)
        raise typer.Exit(EXIT_CANNOT_WRITE) from None
    except IsbenefitError as error:
        err_console.print(f"error: {plain(error)}", markup=False)
        raise typer.Exit(EXIT_FAILURE) from None


def _language(value: str | None) -> str | None:
    """A --lang value as its language code; stops on a language isbenefit does not have."""
    from isbenefit.messages import UnknownLanguageError, checked_language

    if value is None:
        return None
    try:
        return checked_language(value)
    except UnknownLanguageError as error:
        raise typer.BadParameter(f"{error}") from None


LangOption = Annotated[
    str | None,
    typer.Option(
        "--lang",
        callback=_language,
        help="Language of the document: en, da, sv, fi, nb, de, pl, lt, lv or et "
        "(docs/translations.md; default en).",
    ),
]


def fail(message: str, code: int = EXIT_INPUT_ERROR) -> NoReturn:
    """Stop a command with a message on stderr."""
    err_console.print(plain(message), markup=False)
    sys.stderr.flush()
    raise typer.Exit(code)


SchedulerOption = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        metavar="local[:N]|tcp://HOST:PORT",
        help="Run on Dask: local[:N] starts N worker processes here (default one per core), "
        "tcp://HOST:PORT uses a running Dask scheduler. Same results, byte for byte. Needs "
        "pip install 'isbenefit[scale]'. See docs/scale.md.",
        show_default=False,
    ),
]


@contextmanager
def scheduler_client(spec: str | None) -> Iterator[Any]:
    """A Dask client for --scheduler (None without one: Dask is not imported); a bad
    address or Dask missing stops the command with the fix (exit 2)."""
    if spec is None:
        yield None
        return
    from isbenefit import cluster
    from isbenefit.errors import SettingsError

    try:
        cluster.check_scheduler(spec)
        cluster.distributed_module()
    except SettingsError as error:
        fail(str(error))
    with guarded(), cluster.client_for(spec) as client:  # no scheduler there: exit 1
        yield client


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


@dataclass(frozen=True)
class SourceOptions:
    """Where a verb's scores come from: the options every verb that assesses shares.

    A verb takes them as one parameter typed `SourceOptions` and is wrapped in
    `with_options`; each field is one option of its --help.
    """

    factors: FactorsOption = None
    mapping: MappingOption = None
    brightway: BrightwayProjectOption = None
    brightway_dir: BrightwayDirOption = None
    fallback: FallbackOption = False
    data_dir: DataDirOption = None

    def source(self) -> FactorSource:
        """The run's one factor source, caching in --data-dir.

        Call it inside `guarded()`: options that would be ignored are an InputError.
        Nothing is read yet; the source loads its factor set once for the whole run.
        """
        from isbenefit.scoring.source import factor_source

        return factor_source(
            self.factors, self.mapping, self.brightway, self.brightway_dir, self.fallback,
            self.data_dir,
        )  # fmt: skip


SOURCE_OPTIONS = SourceOptions()  # the default of a verb's options parameter


class Placed:
    """The type of a verb parameter that only says where one field of its options
    dataclass goes among the verb's options, so that --help lists it there."""


PLACED = Placed()

Command = TypeVar("Command", bound=Callable[..., None])


def _options_of(group: type[Any]) -> list[inspect.Parameter]:
    """The fields of an options dataclass as keyword parameters, their Typer options
    (the `Annotated` types) and defaults as declared."""
    hints = get_type_hints(group, include_extras=True)
    return [
        inspect.Parameter(
            field.name,
            inspect.Parameter.KEYWORD_ONLY,
            default=field.default,
            annotation=hints[field.name],
        )
        for field in fields(group)
    ]


def with_options(command: Command) -> Command:
    """``command`` with each parameter typed as an options dataclass (`SourceOptions`,
    `MonteCarloOptions`, ...) spread into the options its fields declare, for Typer to
    read, and gathered back into the dataclass when the command runs.

    The fields take the place of that parameter, in field order, except those the
    command names as a parameter of type `Placed`: they take that place instead.
    """
    signature = inspect.signature(command, eval_str=True)
    groups: dict[str, type[Any]] = {
        name: parameter.annotation
        for name, parameter in signature.parameters.items()
        if isinstance(parameter.annotation, type) and is_dataclass(parameter.annotation)
    }
    placed = {n for n, p in signature.parameters.items() if p.annotation is Placed}
    options = [parameter for group in groups.values() for parameter in _options_of(group)]
    declared = {parameter.name: parameter for parameter in options}
    if len(declared) < len(options) or declared.keys() & signature.parameters.keys() - placed:
        raise TypeError(f"{command.__name__}: an option is declared twice")
    unknown = placed - declared.keys()
    if unknown:
        raise TypeError(f"{command.__name__}: {sorted(unknown)} are no fields of its options")
    spread: list[inspect.Parameter] = []
    for name, parameter in signature.parameters.items():
        if name in groups:
            spread.extend(
                declared[field.name] for field in fields(groups[name]) if field.name not in placed
            )
        else:
            chosen = declared[name] if name in placed else parameter
            spread.append(chosen.replace(kind=inspect.Parameter.KEYWORD_ONLY))

    def gathered(**given: Any) -> None:
        own = {name: value for name, value in given.items() if name not in declared}
        for name, group in groups.items():
            own[name] = group(**{field.name: given[field.name] for field in fields(group)})
        command(**own)

    gathered.__name__ = command.__name__
    gathered.__qualname__ = command.__qualname__
    gathered.__doc__ = command.__doc__
    gathered.__module__ = command.__module__
    gathered.__signature__ = signature.replace(parameters=spread)  # type: ignore[attr-defined]
    gathered.__annotations__ = {p.name: p.annotation for p in spread}
    return cast(Command, gathered)


TrustStoreOption = Annotated[
    Path | None,
    typer.Option(
        "--trust-store",
        help="The file of trusted issuer keys. Default: trust.json in isbenefit's data "
        "directory (see --data-dir).",
        dir_okay=False,
    ),
]

LedgerArgument = Annotated[
    Path,
    typer.Argument(help="Ledger: an .xlsx workbook, a folder of CSVs, or an exchanges.csv."),
]


def monte_carlo_settings(
    iterations: int, seed: int, percentile: float, quantity_gsd: Sequence[str] = ()
) -> MonteCarloSettings | None:
    """Settings from the Monte Carlo options of any verb; None when --iterations is 0.

    Quantity uncertainty is the documented default (docs/uncertainty.md) unless
    --quantity-gsd overrides a data quality; a malformed one stops with its fix.
    """
    from isbenefit.engine.uncertainty import QUANTITY_GSD, MonteCarloSettings

    if not iterations:
        return None
    gsd = dict(QUANTITY_GSD)
    for item in quantity_gsd:
        quality, _, value = item.partition("=")
        try:
            number = float(value)
        except ValueError:
            number = math.nan
        if quality not in gsd or not (math.isfinite(number) and number >= 1.0):
            fail(
                f"--quantity-gsd {item!r}: expected QUALITY=GSD with QUALITY one of "
                f"{', '.join(gsd)} and GSD >= 1. Fix: e.g. --quantity-gsd estimated=1.6"
            )
        gsd[quality] = number
    return MonteCarloSettings(iterations, seed, percentile, gsd)


@dataclass(frozen=True)
class MonteCarloOptions:
    """The Monte Carlo options of `assess` and the document verbs (`with_options`)."""

    iterations: IterationsOption = 0
    seed: SeedOption = 1
    conservative_percentile: PercentileOption = 5.0

    def settings(self, quantity_gsd: Sequence[str] = ()) -> MonteCarloSettings | None:
        """The run's settings (`monte_carlo_settings`); None when --iterations is 0."""
        return monte_carlo_settings(
            self.iterations, self.seed, self.conservative_percentile, quantity_gsd
        )


MONTE_CARLO_OPTIONS = MonteCarloOptions()  # the default of a verb's Monte Carlo parameter
