"""The batch verbs of the command line: `statements` and `certificates`, one document per
organisation with exchanges in the year, written on all cores or on a Dask cluster.

A batch assesses the ledger once, then renders every organisation's document in its
worker; an organisation whose document fails is reported and the others are still
written (exit 1 when any failed).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

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
    guarded,
    scheduler_client,
)
from isbenefit.cli.document_options import (
    CERTIFICATE_MONTE_CARLO_OPTIONS,
    ISSUING_OPTIONS,
    CertificateMonteCarloOptions,
    DirOption,
    IssuingOptions,
    JobsOption,
    YearOption,
    assess_showing_warnings,
    console,
)
from isbenefit.cli.text import plain

if TYPE_CHECKING:
    from isbenefit.api import Assessment
    from isbenefit.batch import DocumentKind, Outcome
    from isbenefit.certify.claim import LedgerRows
    from isbenefit.certify.issue import Issuing
    from isbenefit.engine.uncertainty import MonteCarloSettings
    from isbenefit.results.model import Results
    from isbenefit.scoring.source import FactorSource


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


@dataclass(frozen=True)
class _Assessed:
    """What a batch renders from: the assessment, its results parsed once, the
    organisations with exchanges in the year and, for certificates, each one's ledger rows."""

    assessment: Assessment
    results: Results
    orgs: list[str]
    rows: Mapping[str, LedgerRows] | None


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
    """Assess the ledger, write every organisation's document, report what failed."""
    with guarded():
        assessed = _assess_year(kind, ledger, str(year), source, currency, monte_carlo, client)
    with guarded():  # an output folder that cannot be written stops the batch (exit 73)
        outcomes = _write_documents(kind, assessed, year, output, jobs, issuing, lang, client)
    _report(kind, outcomes, output, client)


def _assess_year(
    kind: DocumentKind,
    ledger: Path,
    year: str,
    source: FactorSource,
    currency: str,
    monte_carlo: MonteCarloSettings | None,
    client: Any,
) -> _Assessed:
    """The assessment and the organisations of ``year``; stops when it has no exchange."""
    from isbenefit.batch import DocumentKind
    from isbenefit.certify.claim import claim_exchange_ids
    from isbenefit.documents.shares import organisations_in_year, require_year
    from isbenefit.results.model import Results

    assessment = assess_showing_warnings(ledger, source, currency, monte_carlo, client)
    results = Results.from_results(assessment.results)
    require_year(results, year)
    orgs = organisations_in_year(results, year)
    rows = (
        {org: assessment.source_rows(claim_exchange_ids(results.source, org, year)) for org in orgs}
        if kind is DocumentKind.CERTIFICATE
        else None
    )
    return _Assessed(assessment, results, orgs, rows)


def _write_documents(
    kind: DocumentKind,
    assessed: _Assessed,
    year: int,
    output: Path,
    jobs: int | None,
    issuing: Issuing | None,
    lang: str | None,
    client: Any,
) -> list[Outcome]:
    """Create the output folder and render one document per organisation into it, each
    in ``lang``, else its organisation's language."""
    from isbenefit.batch import organisation_languages, plan
    from isbenefit.certify.issue import UNSIGNED
    from isbenefit.writing import make_folder

    make_folder(output, "choose another --output folder")
    orgs = assessed.orgs
    languages = dict.fromkeys(orgs, lang) if lang else organisation_languages(assessed.assessment)
    planned = plan(kind, orgs, str(year), output, assessed.rows, issuing or UNSIGNED, languages)
    # Workers get the results dict (smaller to send than the parsed model), parse it once.
    source = assessed.results.source
    return _run_with_progress(source, planned, jobs, f"{kind}s {year}", client)


def _report(kind: DocumentKind, outcomes: list[Outcome], output: Path, client: Any) -> None:
    """Print how many documents were written and why each failed one failed; exit 1 when
    any failed."""
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
