"""Documents from the store, made in the background with visible progress.

A :class:`~isbenefit.service.models.Job` names a kind (statement, certificate, report),
a year and the organisations (none: every organisation with exchanges in the year, a
batch). It runs on a small thread pool (``ISBENEFIT_JOBS = "thread"``) or at once
(``"inline"``, tests and the CLI); ``done``/``total`` is its progress, which the job's page
shows. A closed year's documents are made from its latest version; an open year's from
the store's confirmed exchanges. Statements print the confirmation of each exchange;
certificates only ever rest on confirmed exchanges, are signed with the cluster's key
(checked before each signature) and carry ``/c/<id>`` of the service in their QR code.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import tempfile
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import close_old_connections, transaction
from django.utils import timezone

from isbenefit.service import keys, ledgers, store, years
from isbenefit.service.models import (
    CERTIFICATE,
    DONE,
    FAILED,
    REPORT,
    RUNNING,
    STATEMENT,
    VALID,
    Cluster,
    Document,
    Job,
    Organisation,
    YearVersion,
)

logger = logging.getLogger(__name__)
_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()
CERTIFICATE_ITERATIONS_SETTING = "ISBENEFIT_CERTIFICATE_ITERATIONS"


def documents_dir() -> Path:
    path = Path(settings.ISBENEFIT_SERVICE_DIR) / "documents"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def stored_file(document: Document) -> Path:
    return documents_dir() / document.stored_name


def start(
    cluster: Cluster,
    kind: str,
    year: int,
    org_ids: list[str],
    user: Any,
    base_url: str = "",
) -> Job:
    """Queue a job; it starts when the transaction that made it commits."""
    job = Job.objects.create(
        cluster=cluster,
        kind=kind,
        year=year,
        org_ids=org_ids,
        year_version=years.latest(cluster, year),
        base_url=base_url.rstrip("/"),
        created_by=user if user is not None and user.is_authenticated else None,
    )
    store.log(cluster, user, f"{kind} job", f"job {job.id}", None, {"year": year, "orgs": org_ids})
    if settings.ISBENEFIT_JOBS == "inline":
        run(job.id)  # at once, in the caller's transaction (tests, the CLI)
        job.refresh_from_db()
    else:
        transaction.on_commit(lambda: submit(job.id))
    return job


def submit(job_id: uuid.UUID) -> None:
    global _executor  # noqa: PLW0603 - one pool per process, made on first use
    if settings.ISBENEFIT_JOBS == "inline":
        run(job_id)
        return
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="isbenefit-docs")
    _executor.submit(_in_thread, job_id)


def _in_thread(job_id: uuid.UUID) -> None:
    close_old_connections()
    try:
        run(job_id)
    finally:
        close_old_connections()


@dataclass
class Source:
    """What a job's documents are made from: ledger rows and their confirmations."""

    data: ledgers.LedgerData
    confirmations: dict[str, dict[str, str]]
    unconfirmed: list[dict[str, str]]
    factors: str
    label: str
    parties: dict[str, tuple[str, str]] = field(default_factory=dict)


def source_of(job: Job) -> Source:
    cluster = job.cluster
    version: YearVersion | None = job.year_version
    if version is not None:
        data = ledgers.LedgerData.from_json(version.ledger)
        return Source(
            data,
            dict(version.confirmations),
            list(version.unconfirmed),
            version.factors,
            f"closed year {version.year}, version {version.number}",
            _parties(data),
        )
    versions = store.current_versions(cluster, job.year, confirmed_only=True)
    everything = store.current_versions(cluster, job.year)
    data = store.ledger_data(cluster, versions, whole=False)
    counted = {v.exchange.exchange_id for v in versions}
    return Source(
        data,
        {
            v.exchange.exchange_id: {c.party: c.describe() for c in v.confirmations.all()}
            for v in versions
        },
        [
            {"id": v.exchange.exchange_id, "supplier": v.supplier, "receiver": v.receiver}
            for v in everything
            if v.exchange.exchange_id not in counted
        ],
        cluster.factors,
        f"open year {job.year}, as stored on {timezone.now():%Y-%m-%d}",
        _parties(data),
    )


def _parties(data: ledgers.LedgerData) -> dict[str, tuple[str, str]]:
    return {r["id"]: (r["supplier"], r["receiver"]) for r in data.sheets.get("exchanges", [])}


def run(job_id: uuid.UUID) -> None:
    """Make a job's documents, saving progress after each; a failure is kept as its message."""
    job = Job.objects.select_related("cluster", "year_version").get(pk=job_id)
    job.state = RUNNING
    job.save(update_fields=["state"])
    try:
        _make(job)
    except Exception as error:  # any failure ends the job with its reason, never silently
        logger.exception("document job %s failed", job.id)
        job.state, job.message = FAILED, f"{type(error).__name__}: {error}"
    else:
        job.state = DONE
    job.finished_at = timezone.now()
    job.save(update_fields=["state", "message", "finished_at"])


def _make(job: Job) -> None:
    source = source_of(job)
    if not source.data.sheets.get("exchanges"):
        raise ValueError(f"no confirmed exchanges in {job.year}: nothing to issue")
    year = str(job.year)
    with tempfile.TemporaryDirectory(prefix="isbenefit-job-") as folder:
        ledger = ledgers.write_folder(source.data, Path(folder) / "ledger")
        factor_source = store.factor_source(source.factors or job.cluster.factors)
        from isbenefit.api import assess

        assessment = assess(
            ledger,
            factors=factor_source,
            currency=job.cluster.currency,
        )
        results = assessment.results
        if job.kind == REPORT:
            job.total = 1
            job.save(update_fields=["total"])
            from isbenefit.documents import report_pdf

            _keep(job, None, report_pdf(results, year, job.cluster.title))
            return
        org_ids = job.org_ids or sorted(
            {p for parties in source.parties.values() for p in parties}
            & _orgs_in_year(results, year)
        )
        job.total = len(org_ids)
        job.save(update_fields=["total"])
        for org_id in org_ids:
            if job.kind == STATEMENT:
                pdf = statement_pdf(results, org_id, year, source)
                _keep(job, org_id, pdf)
            else:
                pdf, summary = certificate_pdf(ledger, org_id, year, job, factor_source)
                _keep(job, org_id, pdf, summary)


def _orgs_in_year(results: dict[str, Any], year: str) -> set[str]:
    return {
        party
        for e in results["exchanges"]
        if float(e["years"].get(year, 0.0)) > 0.0
        for party in (e["supplier"], e["receiver"])
    }


def statement_pdf(results: dict[str, Any], org_id: str, year: str, source: Source) -> bytes:
    """The statement of ``isbenefit statement``, with the confirmation of each exchange."""
    import jinja2

    from isbenefit.documents.contexts import images, template_names
    from isbenefit.documents.render import html_to_pdf, templates_root
    from isbenefit.documents.statement import statement_context
    from isbenefit.results.model import as_results

    context = statement_context(as_results(results), org_id, year)
    environment = jinja2.Environment(
        loader=jinja2.ChoiceLoader(
            [
                jinja2.FileSystemLoader(str(Path(__file__).parent / "templates" / "pdf")),
                jinja2.FileSystemLoader(str(templates_root())),
            ]
        ),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    rows = []
    for exchange in context.exchanges:
        given = source.confirmations.get(exchange.id, {})
        rows.append(
            {
                "id": exchange.id,
                "supplier": given.get("supplier", "not confirmed"),
                "receiver": given.get("receiver", "not confirmed"),
            }
        )
    unconfirmed = [
        item["id"] for item in source.unconfirmed if org_id in (item["supplier"], item["receiver"])
    ]
    html = environment.get_template("service_statement.html").render(
        {
            **template_names(context),
            "confirmation": {
                "source": source.label,
                "rows": rows,
                "unconfirmed": unconfirmed,
            },
        }
    )
    return html_to_pdf(html, {image.name: image for image in images(context)})


def certificate_pdf(
    ledger: Path, org_id: str, year: str, job: Job, factor_source: Any
) -> tuple[bytes, dict[str, Any]]:
    """The signed certificate (its QR code pointing at ``/c/<id>`` of the service)."""
    from isbenefit.certify import claim as claims
    from isbenefit.certify.issue import certificate_pdf as make_pdf
    from isbenefit.certify.issue import certificate_results
    from isbenefit.engine.uncertainty import MonteCarloSettings

    iterations = int(getattr(settings, CERTIFICATE_ITERATIONS_SETTING, 1000))
    settings_mc = MonteCarloSettings(iterations=iterations, seed=1) if iterations else None
    results, rows = certificate_results(
        ledger, org_id, year, factor_source, job.cluster.currency, settings_mc
    )
    key_file = keys.checked_key(job.cluster)
    verify_url = f"{job.base_url}/c" if job.base_url else None
    pdf = make_pdf(results, org_id, year, rows, key_file=key_file, verify_url=verify_url)
    raw = claims.read_attachments(io.BytesIO(pdf))[claims.CLAIM_FILE]
    claim = json.loads(raw)
    summary = {
        "certificate_id": claims.certificate_id(hashlib.sha256(raw).hexdigest()),
        "organisation": claim["organisation"],
        "year": claim["year"],
        "currency": claim["currency"],
        "factor_set": claim["factor_set"],
        "credited": claims.certified_saved(claim),
        "exchanges": [str(e["id"]) for e in claim["exchanges"]],
        "fingerprint": (keys.issuer(job.cluster) or {}).get("fingerprint", ""),
    }
    return pdf, summary


def write_private(pdf: bytes) -> Path:
    """Store a PDF under a new random name, mode 600 from the start (never readable by
    others, not even between writing and a chmod)."""
    path = documents_dir() / f"{uuid.uuid4().hex}.pdf"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pdf)
    return path


def _keep(job: Job, org_id: str | None, pdf: bytes, summary: dict[str, Any] | None = None) -> None:
    """Store a PDF under a random name and record it; one step of progress."""
    name = write_private(pdf).name
    organisation = Organisation.objects.get(cluster=job.cluster, org_id=org_id) if org_id else None
    certificate_id = (summary or {}).get("certificate_id", "")
    with transaction.atomic():
        # The same claim issued again has the same certificate id: a revocation or
        # supersession recorded for that id holds for the new copy too.
        earlier = (
            Document.objects.filter(kind=CERTIFICATE, certificate_id=certificate_id)
            .exclude(status=VALID)
            .order_by("-created_at")
            .first()
            if certificate_id
            else None
        )
        Document.objects.create(
            cluster=job.cluster,
            job=job,
            kind=job.kind,
            year=job.year,
            organisation=organisation,
            year_version=job.year_version,
            stored_name=name,
            sha256=hashlib.sha256(pdf).hexdigest(),
            size=len(pdf),
            certificate_id=certificate_id,
            key_fingerprint=(summary or {}).get("fingerprint", ""),
            claim_summary=summary or {},
            status=earlier.status if earlier else VALID,
            status_reason=earlier.status_reason if earlier else "",
            superseded_by=earlier.superseded_by if earlier else "",
            created_by=job.created_by,
        )
        job.done += 1
        job.save(update_fields=["done"])


def revoke(document: Document, user: Any, reason: str, superseded_by: str = "") -> Document:
    """Revoke a certificate (or mark it superseded) in the key's signed status list."""
    from isbenefit.certify import signing, status
    from isbenefit.documents.contexts import document_time

    if document.kind != CERTIFICATE or not document.certificate_id:
        raise ValueError("only certificates can be revoked")
    key = signing.load_private_key(keys.checked_key(document.cluster))
    fingerprint = signing.fingerprint(key.public_key())
    entry = status.append(
        keys.status_path(fingerprint),
        key,
        document.certificate_id,
        status.SUPERSEDED if superseded_by else status.REVOKED,
        reason,
        document_time().date().isoformat(),
        superseded_by or None,
    )
    old = document.as_summary()
    document.status = entry.status
    document.status_reason = entry.reason
    document.superseded_by = superseded_by
    # Every stored copy of the certificate (issued again, same id) carries the status.
    Document.objects.filter(kind=CERTIFICATE, certificate_id=document.certificate_id).update(
        status=entry.status, status_reason=entry.reason, superseded_by=superseded_by
    )
    store.log(
        document.cluster,
        user,
        entry.status,
        f"certificate {document.certificate_id}",
        old,
        document.as_summary(),
    )
    return document
