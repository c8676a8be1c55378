"""`isbenefit verify`: check a certificate, or find double claims across documents."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from isbenefit.certify.checks import EXIT_DOUBLE_CLAIMS, exit_codes_sentence
from isbenefit.cli.common import (
    SOURCE_OPTIONS,
    SourceOptions,
    TrustStoreOption,
    fail,
    guarded,
    with_options,
)
from isbenefit.cli.text import plain

if TYPE_CHECKING:
    from isbenefit.certify.double_claims import Finding

console = Console(highlight=False)

CHECKS_HELP = (
    "Checks the claim signature and the PDF signature readers show (against --key, else "
    "against the keys of your trust store: see `isbenefit keys trust`), that the attached "
    "claim hashes to the id printed on the page, that the page prints the claim's figures, "
    "and that assessing the attached ledger rows again with the named factor set gives the "
    "same figures. The factor set is --factors (else the shipped one), or, for a claim made "
    "on your own Brightway database, --mapping with --brightway, --brightway-dir and "
    "--fallback as the certificate was made."
)
JSON_HELP = (
    "--json prints each check's name, status (pass, fail, skip, untrusted) and message, the "
    "verdict and the exit code. See docs/verify.md."
)
VERIFY_HELP = "\n\n".join(
    (
        "Verify a certificate, or look for savings claimed twice (--claims DIR).",
        CHECKS_HELP,
        exit_codes_sentence(),
        JSON_HELP,
    )
)


@with_options
def verify(
    pdf: Annotated[Path | None, typer.Argument(help="Certificate PDF.", dir_okay=False)] = None,
    key: Annotated[
        Path | None,
        typer.Option("--key", help="Issuer's public key (.pub) the signature must verify with."),
    ] = None,
    claims: Annotated[
        Path | None,
        typer.Option(
            "--claims",
            help="Folder of certificates, ledgers and register exports (JSON) to search for "
            "double claims.",
            file_okay=False,
        ),
    ] = None,
    options: SourceOptions = SOURCE_OPTIONS,
    trust_store: TrustStoreOption = None,
    status_list: Annotated[
        Path | None,
        typer.Option(
            "--status",
            help="The issuer's status list (from `isbenefit revoke`): reports a revoked or "
            "superseded certificate, and a list that was tampered with.",
            dir_okay=False,
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON report.")] = False,
) -> None:
    if claims is not None:
        if not claims.is_dir():
            fail(
                f"{claims}: no such folder. Fix: give --claims the folder holding the "
                "certificates and ledgers to compare."
            )
        _double_claims(claims, as_json)
        return
    if pdf is None:
        fail("give a certificate PDF, or --claims DIR. Fix: isbenefit verify certificate.pdf")
        return
    from isbenefit.certify import trust
    from isbenefit.certify.verification import verify as run_checks

    with guarded():
        source = options.source()
        trusted = trust.load(trust.store_path(trust_store, options.data_dir))
        report = run_checks(pdf, key, source, trusted, status_list)
    if as_json:
        typer.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=1))
    else:
        headline = Text(plain(f"{pdf}: "))
        headline.append(report.verdict, style="bold")
        language = f", language {report.language}" if report.language else ""
        headline.append(
            f" ({report.certificate_id or 'no id'}{language}), exit code {report.exit_code}"
        )
        console.print(headline)
        for check in report.checks:
            console.print(
                plain(f"  {check.status:>4}  {check.name}: {check.message}"), markup=False
            )
    raise typer.Exit(report.exit_code)


def _double_claims(folder: Path, as_json: bool) -> None:
    from isbenefit.certify.double_claims import collect, find

    credits, skipped, unverified = collect(folder)
    findings = find(credits)
    documents = sorted({c.document for c in credits})
    if as_json:
        report = _claims_json(documents, skipped, findings)
        report["unverified"] = unverified
        typer.echo(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        _print_claims_table(folder, documents, skipped, findings)
        for line in unverified:
            console.print(plain(f"unverified {line}"), markup=False)
    if findings:
        raise typer.Exit(EXIT_DOUBLE_CLAIMS)


def _claims_json(
    documents: list[str], skipped: list[str], findings: list[Finding]
) -> dict[str, Any]:
    return {
        "documents": documents,
        "skipped": skipped,
        "findings": [
            {
                "kind": f.kind,
                "exchange": f.exchange,
                "supplier": f.supplier,
                "receiver": f.receiver,
                "from": str(f.start),
                "to": str(f.end),
                "total_share": f.total_share,
                "description": f.describe(),
            }
            for f in findings
        ],
    }


def _print_claims_table(
    folder: Path, documents: list[str], skipped: list[str], findings: list[Finding]
) -> None:
    table = Table(title=Text(f"Double claims in {folder}"), title_justify="left")
    for heading in ("kind", "exchange", "from", "to", "details"):
        table.add_column(heading)
    for finding in findings:
        cells = (
            finding.kind,
            finding.exchange,
            str(finding.start),
            str(finding.end),
            finding.describe(),
        )
        table.add_row(*(Text(plain(cell)) for cell in cells))  # ids are data, never markup
    console.print(table)
    console.print(f"{len(documents)} documents read, {len(findings)} findings")
    for line in skipped:
        console.print(plain(f"skipped {line}"), markup=False)


def register(app: typer.Typer) -> None:
    app.command("verify", help=VERIFY_HELP)(verify)
