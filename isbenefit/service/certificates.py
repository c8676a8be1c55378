"""Certificates of the service: issued from a document job's assessment, signed with the
cluster's key, revoked in that key's signed status list (as `isbenefit revoke` does).

A certificate is `isbenefit certificate`'s: :func:`isbenefit.certify.issue.certificate_pdf`
on the job's results and the organisation's ledger rows, its Monte Carlo run on those rows
alone (`isbenefit.certify.claim.assess_ledger_rows`) unless the job's assessment carries
one over the whole ledger already; the QR code points at ``/c/<id>`` of the service.
"""

from __future__ import annotations

import hashlib
import io
import json
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction

from isbenefit import messages as msg
from isbenefit.messages import SOURCE_LANGUAGE, say
from isbenefit.service import keys, statuses
from isbenefit.service.models import CERTIFICATE, VALID, Document, Job

if TYPE_CHECKING:
    from isbenefit.api import Assessment
    from isbenefit.certify.claim import LedgerRows
    from isbenefit.engine.uncertainty import MonteCarloSettings
    from isbenefit.results.model import Results

ITERATIONS_SETTING = "ISBENEFIT_CERTIFICATE_ITERATIONS"


def monte_carlo() -> MonteCarloSettings | None:
    """The certificates' Monte Carlo run (``ISBENEFIT_CERTIFICATE_ITERATIONS``, 1000;
    0: deterministic figures)."""
    from isbenefit.engine.uncertainty import MonteCarloSettings

    iterations = int(getattr(settings, ITERATIONS_SETTING, 1000))
    return MonteCarloSettings(iterations=iterations, seed=1) if iterations else None


def certificate_pdf(
    assessment: Assessment,
    results: Results,
    org_id: str,
    job: Job,
    factor_source: Any,
    monte_carlo: MonteCarloSettings | None,
    lang: str = SOURCE_LANGUAGE,
) -> tuple[bytes, dict[str, Any]]:
    """The signed certificate (its QR code pointing at ``/c/<id>`` of the service) from
    the job's assessment, in ``lang``; with ``monte_carlo``, run on the organisation's
    rows alone."""
    rows, results = _organisation_rows(assessment, results, org_id, job, factor_source, monte_carlo)
    pdf = _signed_pdf(results, org_id, job, rows, lang)
    return pdf, _summary(pdf, job)


def _organisation_rows(
    assessment: Assessment,
    results: Results,
    org_id: str,
    job: Job,
    factor_source: Any,
    monte_carlo: MonteCarloSettings | None,
) -> tuple[LedgerRows, Results]:
    """The ledger rows the organisation's claim rests on, and the results with their Monte
    Carlo ranges when ``monte_carlo`` is given (run on those rows alone); stops when the
    organisation or its year is missing."""
    from isbenefit.certify import claim as claims
    from isbenefit.documents.shares import find_organisation, require_year
    from isbenefit.results.model import with_uncertainty

    year = str(job.year)
    find_organisation(results, org_id)
    require_year(results, year, org_id)
    rows = assessment.source_rows(claims.claim_exchange_ids(results.source, org_id, year))
    if monte_carlo is not None:
        currency = job.cluster.currency
        ranges = claims.assess_ledger_rows(rows, factor_source, currency, monte_carlo)
        results = with_uncertainty(results, ranges.results["uncertainty"])
    return rows, results


def _signed_pdf(results: Results, org_id: str, job: Job, rows: LedgerRows, lang: str) -> bytes:
    """The certificate PDF signed with the cluster's key, its QR code pointing at the
    service's ``/c/`` pages when the job knows the service's address."""
    from isbenefit.certify.issue import Issuing
    from isbenefit.certify.issue import certificate_pdf as make_pdf

    key_file = keys.checked_key(job.cluster)
    verify_url = f"{job.base_url}/c" if job.base_url else None
    number = job.year_version.number if job.year_version else None
    return make_pdf(
        results,
        org_id,
        str(job.year),
        rows,
        Issuing(key_file=key_file, verify_url=verify_url),
        year_version=number,
        lang=lang,
    )


def _summary(pdf: bytes, job: Job) -> dict[str, Any]:
    """What the service keeps of a certificate beside its PDF, read back from the claim
    the PDF carries."""
    from isbenefit.certify import claim as claims
    from isbenefit.certify.register import register_claim
    from isbenefit.documents.contexts import document_time

    raw = claims.read_attachments(io.BytesIO(pdf))[claims.CLAIM_FILE]
    claim = json.loads(raw)
    issuer = keys.issuer(job.cluster) or {}
    return {
        "certificate_id": claims.certificate_id(hashlib.sha256(raw).hexdigest()),
        "organisation": claim["organisation"],
        "year": claim["year"],
        "currency": claim["currency"],
        "factor_set": claim["factor_set"],
        "credited": claims.certified_saved(claim),
        "exchanges": [str(e["id"]) for e in claim["exchanges"]],
        "fingerprint": issuer.get("fingerprint", ""),
        # The signer's name as it was: a later key of the cluster may carry another.
        "issuer": issuer.get("name", ""),
        "issued_on": document_time().date().isoformat(),
        # What the public register lists, kept so that it need not open every PDF.
        "claim": register_claim(claim),
    }


class RevokeRefusedError(ValueError):
    """A revocation the certificate's state or the replacement named does not allow."""


def revoke(document: Document, user: Any, reason: str, superseded_by: str = "") -> Document:
    """Revoke a valid certificate (or mark it superseded by another certificate of its
    cluster) in the key's signed status list, as `isbenefit revoke` does; every stored
    copy takes the status (:func:`isbenefit.service.statuses.record`)."""
    from isbenefit.certify import status

    if document.kind != CERTIFICATE or not document.certificate_id:
        raise RevokeRefusedError(say(msg.ONLY_CERTIFICATES_REVOKED))
    replacement_known = not superseded_by or (
        superseded_by != document.certificate_id
        and Document.objects.filter(
            cluster=document.cluster, kind=CERTIFICATE, certificate_id=superseded_by
        ).exists()
    )
    if document.status != VALID or not replacement_known:
        raise RevokeRefusedError(say(msg.REVOKE_REFUSED))
    name = status.SUPERSEDED if superseded_by else status.REVOKED
    with transaction.atomic():
        listed = statuses.record(
            document.cluster, document.certificate_id, name, reason, user, superseded_by
        )
    document.status, document.status_reason, document.superseded_by = name, listed, superseded_by
    return document
