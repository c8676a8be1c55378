"""Document verbs of the command line: statement, certificate, report, statements, certificates.

Each verb assesses the ledger as `assess` does (same --factors, --mapping, --brightway,
--brightway-dir, --fallback, --currency, --data-dir: one factor source per run, its
factor set loaded once), renders from the results and writes PDFs atomically: a failed
command leaves no output file behind. `statement`, `statements` and `report`
also take the Monte Carlo options of `assess` (--iterations, default 0 = none;
1000 recommended) and then print P5-P95 ranges and conservative figures.
`certificate` and `certificates` run 1000 iterations by default and certify the
conservative figure (--iterations 0: the deterministic one).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from isbenefit.cli.common import (
    EXIT_FAILURE,
    MONTE_CARLO_OPTIONS,
    PLACED,
    SOURCE_OPTIONS,
    CurrencyOption,
    LangOption,
    LedgerArgument,
    MonteCarloOptions,
    Placed,
    SchedulerOption,
    SourceOptions,
    fail,
    guarded,
    scheduler_client,
    show_warnings,
    with_options,
)
from isbenefit.cli.text import plain
from isbenefit.ledger.contract import FIRST_YEAR, LAST_YEAR

if TYPE_CHECKING:
    from isbenefit.api import Assessment
    from isbenefit.batch import DocumentKind, Outcome
    from isbenefit.certify.issue import Issuing
    from isbenefit.engine.uncertainty import MonteCarloSettings
    from isbenefit.scoring.source import FactorSource

console = Console(highlight=False, stderr=True)

OrgOption = Annotated[str, typer.Option("--org", help="Organisation id, as in the ledger.")]
YearOption = Annotated[
    int, typer.Option("--year", help="Calendar year, e.g. 2024.", min=FIRST_YEAR, max=LAST_YEAR)
]
KeyOption = Annotated[
    Path | None,
    typer.Option(
        "--key",
        help="Issuer's private key (from `isbenefit keys new`): signs the "
        "claim; the signature and key fingerprint go into the PDF.",
        dir_okay=False,
    ),
]
PdfOption = Annotated[
    Path, typer.Option("--output", "-o", help="PDF file to write.", dir_okay=False)
]
DirOption = Annotated[
    Path,
    typer.Option(
        "--output",
        "-o",
        help="Folder to write the PDFs into (created if missing).",
        file_okay=False,
    ),
]
VerifyUrlOption = Annotated[
    str | None,
    typer.Option(
        "--verify-url",
        metavar="URL",
        help="Your verification address prefix, e.g. https://example.org/c: the QR code and "
        "the page then carry URL/ISB-... (publish the certificates or their status there).",
    ),
]
IssuerOption = Annotated[
    str | None,
    typer.Option(
        "--issuer",
        help="Issuer printed on an unsigned certificate (marked unsigned; default isbenefit). "
        "A signed certificate prints the issuer named in its key (`keys new --name`).",
    ),
]
ClusterOption = Annotated[str, typer.Option("--cluster", help="Cluster name on the report.")]
CertificateIterationsOption = Annotated[
    int,
    typer.Option(
        "--iterations",
        min=0,
        help="Monte Carlo iterations (default 1000; 0 turns the analysis off and certifies "
        "the deterministic figures). With a run the conservative figure is certified and "
        "the central estimate printed beside it.",
    ),
]


@dataclass(frozen=True)
class CertificateMonteCarloOptions(MonteCarloOptions):
    """The Monte Carlo options of `certificate` and `certificates`: 1000 iterations."""

    iterations: CertificateIterationsOption = 1000


CERTIFICATE_MONTE_CARLO_OPTIONS = CertificateMonteCarloOptions()
JobsOption = Annotated[
    int | None, typer.Option("--jobs", "-j", min=1, help="Worker processes (default: all cores).")
]


def _assess(
    ledger: Path,
    source: FactorSource,
    currency: str,
    monte_carlo: MonteCarloSettings | None = None,
    client: Any = None,
) -> Assessment:
    from isbenefit.api import assess

    assessment = assess(
        ledger, factors=source, currency=currency, monte_carlo=monte_carlo, client=client
    )
    show_warnings(assessment.warnings)
    return assessment


@dataclass(frozen=True)
class IssuingOptions:
    """Who issues the certificates of `certificate` and `certificates` (`with_options`)."""

    issuer: IssuerOption = None
    key: KeyOption = None
    verify_url: VerifyUrlOption = None

    def issuing(self) -> Issuing:
        """The options as one `Issuing`; stops on a --verify-url that is no web address,
        and on --issuer beside --key (the key's own issuer record names the issuer)."""
        from isbenefit.certify.issue import DEFAULT_ISSUER, Issuing

        if self.verify_url is not None and not self.verify_url.startswith(("https://", "http://")):
            fail(
                f"--verify-url {self.verify_url!r} is not a web address. Fix: give it with "
                "its scheme, e.g. https://example.org/c"
            )
        if self.key is not None and self.issuer is not None:
            fail(
                "--issuer is for unsigned certificates: a signed certificate prints the "
                "issuer named in its key. Fix: leave out --issuer, or make a key with "
                '`isbenefit keys new --name "..."`'
            )
        return Issuing(self.issuer or DEFAULT_ISSUER, self.key, self.verify_url)


ISSUING_OPTIONS = IssuingOptions()  # the default of a verb's issuing parameter


def _check_target(output: Path) -> None:
    if not output.parent.is_dir():
        fail(
            f"{output}: the folder {output.parent} does not exist. Fix: create it or choose "
            "another --output."
        )


def statement(
    ledger: LedgerArgument,
    org: OrgOption,
    year: YearOption,
    output: PdfOption,
    options: SourceOptions = SOURCE_OPTIONS,
    currency: CurrencyOption = "EUR",
    data_dir: Placed = PLACED,  # of `options`, after --currency as --help lists it
    monte_carlo: MonteCarloOptions = MONTE_CARLO_OPTIONS,
    lang: LangOption = None,
) -> None:
    """Write the benefit statement of one organisation for one year (PDF)."""
    from isbenefit.documents import statement_pdf
    from isbenefit.writing import write_atomic

    _check_target(output)
    with guarded():
        source = options.source()
        settings = monte_carlo.settings()
        results = _assess(ledger, source, currency, settings).results
        write_atomic(output, statement_pdf(results, org, str(year), lang or "en"))
    console.print(f"statement written to {output}", markup=False)


def certificate(
    ledger: LedgerArgument,
    org: OrgOption,
    year: YearOption,
    output: PdfOption,
    issuing: IssuingOptions = ISSUING_OPTIONS,
    options: SourceOptions = SOURCE_OPTIONS,
    currency: CurrencyOption = "EUR",
    data_dir: Placed = PLACED,  # of `options`, after --currency as --help lists it
    monte_carlo: CertificateMonteCarloOptions = CERTIFICATE_MONTE_CARLO_OPTIONS,
    lang: LangOption = None,
) -> None:
    """Write the one-page certificate of one organisation for one year, its claim attached.

    By default 1000 Monte Carlo iterations are run and the conservative figure (P5) is
    certified, the central estimate printed beside it; --iterations 0 certifies the
    deterministic figures. --key signs the claim.
    """
    from isbenefit.certify.issue import certificate_pdf, certificate_results
    from isbenefit.writing import write_atomic

    _check_target(output)
    issuer = issuing.issuing()
    with guarded():
        source = options.source()
        settings = monte_carlo.settings()
        results, rows = certificate_results(ledger, org, str(year), source, currency, settings)
        show_warnings(results.source.get("warnings", ()))
        pdf = certificate_pdf(results, org, str(year), rows, issuer, lang=lang or "en")
        write_atomic(output, pdf)
    console.print(f"certificate written to {output}", markup=False)


def report(
    ledger: LedgerArgument,
    year: YearOption,
    output: PdfOption,
    cluster: ClusterOption = "Industrial symbiosis cluster",
    options: SourceOptions = SOURCE_OPTIONS,
    currency: CurrencyOption = "EUR",
    data_dir: Placed = PLACED,  # of `options`, after --currency as --help lists it
    monte_carlo: MonteCarloOptions = MONTE_CARLO_OPTIONS,
    lang: LangOption = None,
    scheduler: SchedulerOption = None,
) -> None:
    """Write the cluster's annual report for one year (PDF)."""
    from isbenefit.documents import report_pdf
    from isbenefit.writing import write_atomic

    _check_target(output)
    with guarded(), scheduler_client(scheduler) as client:
        source = options.source()
        settings = monte_carlo.settings()
        results = _assess(ledger, source, currency, settings, client).results
        write_atomic(output, report_pdf(results, str(year), cluster, lang or "en"))
    console.print(f"report written to {output}", markup=False)


def statements(
    ledger: LedgerArgument,
    year: YearOption,
    output: DirOption,
    options: SourceOptions = SOURCE_OPTIONS,
    currency: CurrencyOption = "EUR",
    data_dir: Placed = PLACED,  # of `options`, after --currency as --help lists it
    jobs: JobsOption = None,
    monte_carlo: MonteCarloOptions = MONTE_CARLO_OPTIONS,
    lang: LangOption = None,
    scheduler: SchedulerOption = None,
) -> None:
    """Write one statement per organisation with exchanges in the year (all cores).

    On a Dask cluster with --scheduler. Each in --lang, else in its organisation's
    `language` (organisations sheet), else English.
    """
    with guarded():
        source = options.source()
    settings = monte_carlo.settings()
    from isbenefit.batch import DocumentKind

    with scheduler_client(scheduler) as client:
        _batch(
            DocumentKind.STATEMENT,
            ledger,
            year,
            output,
            source,
            currency,
            jobs,
            monte_carlo=settings,
            lang=lang,
            client=client,
        )


def certificates(
    ledger: LedgerArgument,
    year: YearOption,
    output: DirOption,
    issuing: IssuingOptions = ISSUING_OPTIONS,
    options: SourceOptions = SOURCE_OPTIONS,
    currency: CurrencyOption = "EUR",
    data_dir: Placed = PLACED,  # of `options`, after --currency as --help lists it
    jobs: JobsOption = None,
    monte_carlo: CertificateMonteCarloOptions = CERTIFICATE_MONTE_CARLO_OPTIONS,
    lang: LangOption = None,
    scheduler: SchedulerOption = None,
) -> None:
    """Write one certificate per organisation with exchanges in the year (all cores).

    On a Dask cluster with --scheduler. Monte Carlo and signing as for `certificate`
    (default 1000 iterations); languages as for `statements`.
    """
    issuer = issuing.issuing()
    with guarded():
        source = options.source()
    from isbenefit.batch import DocumentKind

    with scheduler_client(scheduler) as client:
        _batch(
            DocumentKind.CERTIFICATE,
            ledger,
            year,
            output,
            source,
            currency,
            jobs,
            issuer,
            monte_carlo=monte_carlo.settings(),
            lang=lang,
            client=client,
        )


def _batch(
    kind: DocumentKind,
    ledger: Path,
    year: int,
    output: Path,
    source: FactorSource,
    currency: str,
    jobs: int | None,
    issuing: Issuing | None = None,
    monte_carlo: MonteCarloSettings | None = None,
    lang: str | None = None,
    client: Any = None,
) -> None:
    from isbenefit.batch import DocumentKind, organisation_languages, plan
    from isbenefit.certify.claim import claim_exchange_ids
    from isbenefit.certify.issue import UNSIGNED
    from isbenefit.documents.shares import organisations_in_year, require_year
    from isbenefit.results.model import Results
    from isbenefit.writing import make_folder

    with guarded():
        assessment = _assess(ledger, source, currency, monte_carlo, client)
        results = Results.from_results(assessment.results)
        require_year(results, str(year))
        orgs = organisations_in_year(results, str(year))
        rows = (
            {
                org: assessment.source_rows(claim_exchange_ids(results.source, org, str(year)))
                for org in orgs
            }
            if kind is DocumentKind.CERTIFICATE
            else None
        )
    with guarded():  # an output folder that cannot be written stops the batch (exit 73)
        make_folder(output, "choose another --output folder")
        # Workers get the results dict (smaller to send than the parsed model), parse it once.
        outcomes = _run_with_progress(
            results.source,
            plan(
                kind,
                orgs,
                str(year),
                output,
                rows,
                issuing or UNSIGNED,
                dict.fromkeys(orgs, lang) if lang else organisation_languages(assessment),
            ),
            jobs,
            f"{kind}s {year}",
            client,
        )
    failed = [outcome for outcome in outcomes if outcome.error]
    console.print(
        f"{len(outcomes) - len(failed)} {kind}s written to {output}"
        + (f", {len(failed)} failed:" if failed else ""),
        markup=False,
    )
    for outcome in failed:
        console.print(plain(f"- {outcome.org_id}: {outcome.error}"), markup=False)
    if client is not None:
        from isbenefit.cluster import fixes

        for fix in fixes(client, (outcome.error for outcome in failed)):
            console.print(fix, markup=False)
    if failed:
        raise typer.Exit(EXIT_FAILURE)


def _run_with_progress(
    results: Any, jobs_list: list[Any], workers: int | None, label: str, client: Any = None
) -> list[Outcome]:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from isbenefit.batch import run_batch, run_on_cluster

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as progress:
        task = progress.add_task(label, total=len(jobs_list))
        if client is not None:
            return run_on_cluster(
                client, results, jobs_list, on_done=lambda _outcome: progress.advance(task)
            )
        return run_batch(
            results, jobs_list, workers=workers, on_done=lambda _outcome: progress.advance(task)
        )


def register(app: typer.Typer) -> None:
    """Add the document verbs to the `isbenefit` app."""
    for command in (statement, certificate, report, statements, certificates):
        app.command(command.__name__)(with_options(command))
