"""Documents from the store, made in the background with visible progress.

A :class:`~isbenefit.service.models.Job` names a kind (statement, certificate, report),
a year and the organisations (none: every organisation with exchanges in the year, a
batch). It goes through the durable queue (jobqueue.py; run by ``isbenefit worker``) or
runs at once (``ISBENEFIT_JOBS = "inline"``, tests and the CLI); ``done``/``total`` is its
progress, which the job's page shows. A job run again after its worker died resumes: the
documents it made are kept (each PDF is written under a temporary name and renamed whole,
then recorded), the others are made. A closed year's documents are made from its latest
version; an open year's from the store's confirmed exchanges. Statements print the
confirmation of each exchange; certificates only ever rest on confirmed exchanges, are
signed with the cluster's key (checked before each signature) and carry ``/c/<id>`` of
the service in their QR code.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from isbenefit import messages as msg
from isbenefit.messages import (
    SOURCE_LANGUAGE,
    UnknownLanguageError,
    checked_language,
    language,
    say,
)
from isbenefit.service import certificates, jobqueue, ledgers, store, years
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

if TYPE_CHECKING:
    from isbenefit.api import Assessment
    from isbenefit.engine.uncertainty import MonteCarloSettings
    from isbenefit.results.model import Results

logger = logging.getLogger(__name__)


def documents_dir() -> Path:
    path = Path(settings.ISBENEFIT_SERVICE_DIR) / "documents"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def stored_file(document: Document) -> Path:
    return documents_dir() / document.stored_name


class YearNotClosedError(ValueError):
    """Certificates of a year that was never closed: they would rest on nothing fixed."""

    def __init__(self, year: int) -> None:
        super().__init__(say(msg.NOT_CLOSED_FOR_CERTIFICATES, year=year))


def start(
    cluster: Cluster,
    kind: str,
    year: int,
    org_ids: list[str],
    user: Any,
    base_url: str = "",
    languages: Languages | None = None,
) -> Job:
    """Queue a job (a worker sees it once the caller's transaction commits). Certificates
    rest on the year's latest closed version: YearNotClosedError for an open year."""
    version = years.latest(cluster, year)
    if kind == CERTIFICATE and version is None:
        raise YearNotClosedError(year)
    job = Job.objects.create(
        cluster=cluster,
        kind=kind,
        year=year,
        org_ids=org_ids,
        year_version=version,
        base_url=base_url.rstrip("/"),
        created_by=user if user is not None and user.is_authenticated else None,
        params=(languages or Languages()).as_params(),
    )
    store.log(cluster, user, f"{kind} job", f"job {job.id}", None, {"year": year, "orgs": org_ids})
    jobqueue.enqueue(job)
    return job


class UnknownOrganisationError(ValueError):
    """Documents asked for an organisation the cluster does not know."""


def request(
    cluster: Cluster,
    kind: str,
    year: int,
    org_id: str,
    user: Any,
    base_url: str = "",
    languages: Languages | None = None,
) -> Job:
    """Documents of ``kind`` for ``year``: of one organisation (``org_id``), or of every
    organisation with exchanges in the year when blank (a report is always the cluster's)."""
    org_id = org_id.strip()
    if org_id and not cluster.organisations.filter(org_id=org_id).exists():
        raise UnknownOrganisationError(say(msg.NO_SUCH_ORGANISATION_IN_CLUSTER))
    orgs = [org_id] if org_id and kind != REPORT else []
    with transaction.atomic():
        return start(cluster, kind, year, orgs, user, base_url, languages)


@dataclass(frozen=True)
class Languages:
    """The language of a job's documents, as the batch verbs choose it: ``chosen`` (the
    form's or the API's language, as ``--lang``) for every document; else each
    organisation's ``language`` column; else ``requester`` (the language the requesting
    user reads the service in); else English. A report, the cluster's, takes ``chosen``,
    else ``requester``."""

    chosen: str = ""
    requester: str = ""

    def as_params(self) -> dict[str, str]:
        return {"language": self.chosen, "requester_language": self.requester}

    @classmethod
    def of(cls, job: Job) -> Languages:
        params = job.params or {}
        return cls(str(params.get("language") or ""), str(params.get("requester_language") or ""))

    def of_organisation(self, organisation: Organisation | None) -> str:
        own = str((organisation.fields if organisation else {}).get("language") or "")
        return _known(self.chosen) or _known(own) or self.of_cluster()

    def of_cluster(self) -> str:
        return _known(self.chosen) or _known(self.requester) or SOURCE_LANGUAGE


def _known(lang: str) -> str:
    """``lang`` as isbenefit names it, or "" when blank or not one of its languages."""
    try:
        return checked_language(lang) if lang.strip() else ""
    except UnknownLanguageError:
        return ""


@dataclass
class Source:
    """What a job's documents are made from: ledger rows and their confirmations."""

    data: ledgers.LedgerData
    confirmations: dict[str, dict[str, str]]
    unconfirmed: list[dict[str, str]]
    factors: str
    # What the rows are, said in each document's language: a sentence and its values.
    basis: tuple[str, dict[str, Any]]

    @property
    def label(self) -> str:
        sentence, values = self.basis
        return say(sentence, **values)


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
            (msg.CLOSED_YEAR_BASIS, {"year": version.year, "version": version.number}),
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
        (msg.OPEN_YEAR_BASIS, {"year": job.year, "date": f"{timezone.now():%Y-%m-%d}"}),
    )


@jobqueue.runs(STATEMENT, CERTIFICATE, REPORT)
def run(job_id: uuid.UUID) -> None:
    """Make a job's documents, saving progress after each; a failure is kept as its message."""
    job = Job.objects.select_related("cluster", "year_version").get(pk=job_id)
    job.state = RUNNING
    job.save(update_fields=["state"])
    try:
        _make(job)
    except Exception as error:  # any failure ends the job with its reason, never silently
        logger.exception("document job %s failed", job.id)
        # The page and the API show the reason; the log above keeps the server's paths.
        from isbenefit.service.failures import without_paths

        job.state, job.message = FAILED, without_paths(f"{type(error).__name__}: {error}")
    else:
        job.state = DONE
    job.finished_at = timezone.now()
    job.save(update_fields=["state", "message", "finished_at"])
    if job.state == DONE:
        from isbenefit.service import notify

        notify.documents_ready(job)


def _make(job: Job) -> None:
    """One assessment of the job's ledger rows; every document is made from it (a job
    making one certificate also runs its Monte Carlo on that organisation's rows alone,
    as `isbenefit certificate` does; one making several runs it over the whole ledger,
    as `isbenefit certificates` does: the same claims, the same bytes)."""
    from isbenefit.documents.shares import organisations_in_year
    from isbenefit.results.model import Results

    source = source_of(job)
    if not source.data.sheets.get("exchanges"):
        raise ValueError(say(msg.NOTHING_TO_ISSUE, year=job.year))
    year = str(job.year)
    factor_source = store.factor_source(source.factors or job.cluster.factors)
    monte_carlo = certificates.monte_carlo() if job.kind == CERTIFICATE else None
    whole = monte_carlo if len(job.org_ids) != 1 else None
    assessment = _assess(job, source, factor_source, whole)
    results = Results.from_results(assessment.results)
    if job.kind == REPORT:
        job.total = 1
        job.save(update_fields=["total"])
        from isbenefit.documents import report_pdf

        if not job.documents.exists():
            lang = Languages.of(job).of_cluster()
            _keep(job, None, report_pdf(results, year, job.cluster.title, lang=lang))
        return
    org_ids = job.org_ids or sorted(organisations_in_year(results, year))
    job.total = len(org_ids)
    job.save(update_fields=["total"])
    # A job run again (its worker died) keeps the documents made before.
    made = set(job.documents.values_list("organisation__org_id", flat=True))
    languages = Languages.of(job)
    organisations = {o.org_id: o for o in job.cluster.organisations.filter(org_id__in=org_ids)}
    for org_id in (o for o in org_ids if o not in made):
        lang = languages.of_organisation(organisations.get(org_id))
        if job.kind == STATEMENT:
            _keep(job, org_id, statement_pdf(results, org_id, year, source, lang))
        else:
            rows = monte_carlo if whole is None else None
            pdf, summary = certificates.certificate_pdf(
                assessment, results, org_id, job, factor_source, rows, lang
            )
            _keep(job, org_id, pdf, summary)


def _assess(
    job: Job, source: Source, factor_source: Any, monte_carlo: MonteCarloSettings | None
) -> Assessment:
    """The assessment of the job's ledger rows, written as the CSV folder ``ledger`` (its
    name and hash are what the documents print as their ledger)."""
    from isbenefit.api import assess

    with tempfile.TemporaryDirectory(prefix="isbenefit-job-") as folder:
        return assess(
            ledgers.write_folder(source.data, Path(folder) / "ledger"),
            factors=factor_source,
            currency=job.cluster.currency,
            monte_carlo=monte_carlo,
        )


def statement_pdf(
    results: Results, org_id: str, year: str, source: Source, lang: str = SOURCE_LANGUAGE
) -> bytes:
    """The statement of ``isbenefit statement``, with the confirmation of each exchange,
    in ``lang`` (the confirmations, kept in English, said again in it)."""
    from isbenefit.documents.confirmations import confirmed_statement_pdf
    from isbenefit.service import wording
    from isbenefit.service.resay import resaid

    unconfirmed = [
        item["id"] for item in source.unconfirmed if org_id in (item["supplier"], item["receiver"])
    ]
    sentences = (wording.CONFIRMED_ON_BEHALF, wording.CONFIRMED_BY)  # the longer one first
    with language(lang):
        confirmations = {
            exchange: {party: resaid(text, sentences) for party, text in parties.items()}
            for exchange, parties in source.confirmations.items()
        }
        return confirmed_statement_pdf(
            results, org_id, year, source.label, confirmations, unconfirmed
        )


def write_private(pdf: bytes) -> Path:
    """Store a PDF under a new random name, mode 600 from the start (never readable by
    others, not even between writing and a chmod), whole or not at all: written and
    synced under a temporary name, then renamed (a worker killed midway leaves no
    truncated PDF under a document's name)."""
    name = uuid.uuid4().hex
    path, partial = documents_dir() / f"{name}.pdf", documents_dir() / f".{name}.part"
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pdf)
        handle.flush()
        os.fsync(handle.fileno())
    partial.replace(path)
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
