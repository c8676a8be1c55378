"""What is made from the ledger: closed years, the jobs that close them or make documents
(and the workers running those jobs), the documents and who downloaded them."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models

from isbenefit.reported import DocumentKind, Status
from isbenefit.service.models.ledger import Cluster, Organisation


class YearVersion(models.Model):
    """A closed year: what its figures and documents rest on. Never changed once made."""

    cluster = models.ForeignKey(Cluster, on_delete=models.PROTECT, related_name="year_versions")
    year = models.IntegerField()
    number = models.IntegerField()
    reason = models.TextField(blank=True, default="")
    factors = models.CharField(max_length=1000, blank=True, default="")
    factor_set = models.JSONField(default=dict)  # id, version, sha256 of the results
    ledger = models.JSONField()  # headers and rows per sheet (ledgers.LedgerData)
    confirmations = models.JSONField(default=dict)  # exchange id -> party -> text
    unconfirmed = models.JSONField(default=list)  # exchange ids left out when closing
    results = models.BinaryField()  # the results JSON, as assess wrote it
    totals = models.JSONField(default=dict)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    closed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "year", "number"], name="unique_year_version"
            )
        ]
        ordering = ["year", "number"]

    def __str__(self) -> str:
        return f"{self.year} v{self.number}"


QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
JOB_STATES = ((QUEUED, QUEUED), (RUNNING, RUNNING), (DONE, DONE), (FAILED, FAILED))
STATEMENT, CERTIFICATE, REPORT = (str(kind) for kind in DocumentKind)
DOCUMENT_KINDS = tuple((str(kind), str(kind)) for kind in DocumentKind)
# A job closes a year (or restates it) or makes documents.
CLOSE = "close"
JOB_KINDS = (*DOCUMENT_KINDS, (CLOSE, CLOSE))
VALID, REVOKED, SUPERSEDED = (str(status) for status in Status)
DOCUMENT_STATES = tuple((str(status), str(status)) for status in Status)


class Job(models.Model):
    """Work done by a worker off the durable queue (jobqueue.py): documents (one job, one or
    many PDFs) or the close of a year (``kind`` close; ``year_version`` is then the
    version it made)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    cluster = models.ForeignKey(Cluster, on_delete=models.PROTECT, related_name="jobs")
    kind = models.CharField(max_length=20, choices=JOB_KINDS)
    year = models.IntegerField()
    # Empty: every organisation with exchanges in the year (a batch); the report has none.
    org_ids = models.JSONField(default=list)
    year_version = models.ForeignKey(YearVersion, on_delete=models.PROTECT, null=True)
    base_url = models.CharField(max_length=500, blank=True, default="")
    state = models.CharField(max_length=10, choices=JOB_STATES, default=QUEUED)
    total = models.IntegerField(default=0)
    done = models.IntegerField(default=0)
    message = models.TextField(blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # What a close takes: {"reason": ..., "factors": ...}.
    params = models.JSONField(default=dict)
    # Its entry in the queue (django-tasks-db's DBTaskResult); None when run inline.
    task_id = models.UUIDField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.year} ({self.state})"

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0


class Document(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    cluster = models.ForeignKey(Cluster, on_delete=models.PROTECT, related_name="documents")
    job = models.ForeignKey(Job, on_delete=models.PROTECT, null=True, related_name="documents")
    kind = models.CharField(max_length=20, choices=DOCUMENT_KINDS)
    year = models.IntegerField()
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, related_name="documents"
    )
    year_version = models.ForeignKey(YearVersion, on_delete=models.PROTECT, null=True)
    # The file under the service's documents folder: a random name, never a user's text.
    stored_name = models.CharField(max_length=80, unique=True)
    sha256 = models.CharField(max_length=64)
    size = models.IntegerField()
    certificate_id = models.CharField(max_length=40, blank=True, default="", db_index=True)
    key_fingerprint = models.CharField(max_length=120, blank=True, default="")
    claim_summary = models.JSONField(default=dict)
    status = models.CharField(max_length=12, choices=DOCUMENT_STATES, default=VALID)
    status_reason = models.TextField(blank=True, default="")
    superseded_by = models.CharField(max_length=40, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.year} {self.certificate_id}"

    @property
    def download_name(self) -> str:
        org = self.organisation.org_id if self.organisation else "cluster"
        label = self.certificate_id or str(self.year)
        return f"{self.kind}-{org}-{label}.pdf"

    def as_summary(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "kind": self.kind,
            "year": self.year,
            "organisation": self.organisation.org_id if self.organisation else None,
            "certificate_id": self.certificate_id or None,
            "status": self.status,
        }


class Download(models.Model):
    """A user downloaded a document (the inbox lists the ones not yet downloaded)."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="downloads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)


class QueueWorker(models.Model):
    """A running `isbenefit worker` (or `serve`'s own): it beats every few seconds, so a
    job whose worker stopped beating is known to be orphaned (jobqueue.recover)."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=255)
    pid = models.IntegerField()
    started_at = models.DateTimeField(auto_now_add=True)
    beat_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.host}:{self.pid}"
