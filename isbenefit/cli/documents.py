"""Document verbs of the command line: statement, certificate, report, statements, certificates.

Each verb assesses the ledger as `assess` does (same --factors, --mapping, --brightway,
--brightway-dir, --fallback, --currency, --data-dir: one factor source per run, its
factor set loaded once), renders from the results and writes PDFs atomically: a failed
command leaves no output file behind. `statement`, `statements` and `report`
also take the Monte Carlo options of `assess` (--iterations, default 0 = none;
1000 recommended) and then print P5-P95 ranges and conservative figures.
`certificate` and `certificates` run 1000 iterations by default and certify the
conservative figure (--iterations 0: the deterministic one).

The verbs of one document are here; `statements` and `certificates`, one document per
organisation, are in cli/batches.py, the options they share in cli/document_options.py.
"""

from __future__ import annotations

from pathlib import Path

import typer

from isbenefit.cli.batches import certificates, statements
from isbenefit.cli.common import (
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
from isbenefit.cli.document_options import (
    CERTIFICATE_MONTE_CARLO_OPTIONS,
    ISSUING_OPTIONS,
    CertificateMonteCarloOptions,
    ClusterOption,
    IssuingOptions,
    OrgOption,
    PdfOption,
    YearOption,
    assess_showing_warnings,
    console,
)


def _check_target(output: Path) -> None:
    """Stop before assessing when the output's folder is missing."""
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
        results = assess_showing_warnings(ledger, source, currency, settings).results
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
        results = assess_showing_warnings(ledger, source, currency, settings, client).results
        write_atomic(output, report_pdf(results, str(year), cluster, lang or "en"))
    console.print(f"report written to {output}", markup=False)


def register(app: typer.Typer) -> None:
    """Add the document verbs to the `isbenefit` app."""
    for command in (statement, certificate, report, statements, certificates):
        app.command(command.__name__)(with_options(command))
