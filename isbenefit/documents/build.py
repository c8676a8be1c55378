"""The three documents as PDF bytes, from a results dict (spec section 4 + extensions)."""

from __future__ import annotations

from pathlib import Path

from isbenefit.documents.certificate import DEFAULT_ISSUER, certificate
from isbenefit.documents.claim import LedgerRows
from isbenefit.documents.render import render_pdf
from isbenefit.documents.report import DEFAULT_CLUSTER, report_context
from isbenefit.documents.shares import Results
from isbenefit.documents.statement import statement_context
from isbenefit.signing import load_private_key


def statement_pdf(results: Results, org_id: str, year: str) -> bytes:
    """The benefit statement of ``org_id`` for ``year``."""
    return render_pdf("statement.html", statement_context(results, org_id, year))


def certificate_pdf(
    results: Results,
    org_id: str,
    year: str,
    ledger_rows: LedgerRows,
    issuer: str = DEFAULT_ISSUER,
    key_file: Path | None = None,
) -> bytes:
    """The one-page certificate of ``org_id`` for ``year``, its claim data attached.

    With ``key_file`` (an Ed25519 private key from `isbenefit keys new`) the claim is signed.
    """
    signing_key = load_private_key(key_file) if key_file else None
    made = certificate(results, org_id, year, ledger_rows, issuer, signing_key)
    return render_pdf("certificate.html", made.context, made.attachments)


def report_pdf(results: Results, year: str, cluster: str = DEFAULT_CLUSTER) -> bytes:
    """The cluster annual report for ``year``."""
    return render_pdf("report.html", report_context(results, year, cluster))
