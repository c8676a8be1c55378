"""The store: a cluster's ledger, kept version by version, never deleted.

A ledger row is kept as the user gave it: every cell as text, under its column name
(contract columns, optional ones and the user's own extra columns alike), with the
cluster's header order per sheet, so a ledger exported again reads as the imported one.

- an :class:`Exchange` is one ledger id; each change makes a new :class:`ExchangeVersion`
  (its exchanges row, its inputs and baselines rows) and marks the one before superseded;
  a withdrawn exchange is a version marked ``withdrawn``;
- a version counts towards documents when both parties confirmed *that* version
  (:class:`Confirmation`; the facilitator may confirm for an organisation without an
  account, ``on_behalf``);
- a new supplier or receiver, or the withdrawal of an exchange both parties confirmed, is
  a :class:`Proposal` every organisation it names must accept (:class:`Answer`); until
  then the exchange stays as it is;
- :class:`Change` keeps who changed what, when, with the old and the new values;
- a closed year is a :class:`YearVersion`: the ledger rows and results it was closed
  with; a restatement adds the next version, the old one stays;
- :class:`Job` makes documents or closes a year off the durable queue (progress
  ``done``/``total``); :class:`QueueWorker` is a worker's heartbeat;
  :class:`Document` is one PDF, stored under a random name; :class:`Download` records
  who downloaded it (the inbox lists documents not yet read).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models

from isbenefit.reported import DocumentKind, Status

FACILITATOR = "facilitator"
MEMBER = "member"
FUNDER = "funder"
ROLES = ((FACILITATOR, "facilitator"), (MEMBER, "member"), (FUNDER, "funder/viewer"))
SUPPLIER = "supplier"
RECEIVER = "receiver"
PARTIES = ((SUPPLIER, "supplier"), (RECEIVER, "receiver"))


class Cluster(models.Model):
    name = models.SlugField(max_length=64, unique=True)
    title = models.CharField(max_length=200)
    currency = models.CharField(max_length=3, default="EUR")
    # A factor-set folder; blank: the shipped default.
    factors = models.CharField(max_length=1000, blank=True, default="")
    # Header order per sheet, as the ledger was imported (extra columns included).
    headers = models.JSONField(default=dict)
    # The `rates` sheet rows (text cells).
    rates = models.JSONField(default=list)
    # The `declared` sheet rows (text cells): declared jobs and money, set by the facilitator.
    declared = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.title or self.name


class Organisation(models.Model):
    cluster = models.ForeignKey(Cluster, on_delete=models.PROTECT, related_name="organisations")
    org_id = models.CharField(max_length=200)
    # The organisations-sheet row (text cells); empty when the ledger had no row for it.
    fields = models.JSONField(default=dict)
    listed = models.BooleanField(default=False)
    position = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cluster", "org_id"], name="unique_org_per_cluster")
        ]
        ordering = ["position", "org_id"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return str(self.fields.get("name") or self.org_id)


class Membership(models.Model):
    """A user's role in one cluster (members belong to one organisation)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="membership"
    )
    cluster = models.ForeignKey(Cluster, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=20, choices=ROLES)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="members"
    )
    # Which mail the user wants (the settings page; notify.py). Invitations and password
    # resets are always sent.
    mail_confirmations = models.BooleanField(default=True)
    mail_changes = models.BooleanField(default=True)
    mail_years = models.BooleanField(default=True)
    mail_documents = models.BooleanField(default=True)
    # The language the user chose with the language switch (languages.py); blank: the
    # browser's.
    language = models.CharField(max_length=8, blank=True, default="")

    def __str__(self) -> str:
        return f"{self.user} ({self.role})"


class Exchange(models.Model):
    # Random ids: a URL names no guessable exchange.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    cluster = models.ForeignKey(Cluster, on_delete=models.PROTECT, related_name="exchanges")
    exchange_id = models.CharField(max_length=200)
    position = models.IntegerField(default=0)
    current = models.ForeignKey(
        "ExchangeVersion", on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "exchange_id"], name="unique_exchange_per_cluster"
            )
        ]
        ordering = ["position", "exchange_id"]

    def __str__(self) -> str:
        return self.exchange_id


class ExchangeVersion(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    exchange = models.ForeignKey(Exchange, on_delete=models.PROTECT, related_name="versions")
    number = models.IntegerField()
    fields = models.JSONField()  # the exchanges row, every cell as text
    inputs = models.JSONField(default=list)  # its inputs rows
    baselines = models.JSONField(default=list)  # its baselines rows
    # Denormalised from ``fields`` for the queries of access rules and years.
    supplier = models.CharField(max_length=200, db_index=True)
    receiver = models.CharField(max_length=200, db_index=True)
    period_start = models.CharField(max_length=10)
    period_end = models.CharField(max_length=10)
    withdrawn = models.BooleanField(default=False)
    reason = models.TextField(blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["exchange", "number"], name="unique_version_number")
        ]
        ordering = ["exchange", "number"]

    def __str__(self) -> str:
        return f"{self.exchange.exchange_id} v{self.number}"

    def party(self, org_id: str) -> str | None:
        if org_id == self.supplier:
            return SUPPLIER
        if org_id == self.receiver:
            return RECEIVER
        return None

    def years(self) -> range:
        return range(int(self.period_start[:4]), int(self.period_end[:4]) + 1)


class Confirmation(models.Model):
    version = models.ForeignKey(
        ExchangeVersion, on_delete=models.PROTECT, related_name="confirmations"
    )
    party = models.CharField(max_length=10, choices=PARTIES)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Confirmed by the facilitator for an organisation without an account.
    on_behalf = models.BooleanField(default=False)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "party"], name="one_confirmation_per_party")
        ]

    def __str__(self) -> str:
        return f"{self.version} {self.party}"

    def describe(self) -> str:
        """Who confirmed and when, in English: the documents' data (a document in another
        language says it again through the same sentence, service/resay.py)."""
        from isbenefit.service import wording

        sentence = wording.CONFIRMED_ON_BEHALF if self.on_behalf else wording.CONFIRMED_BY
        return sentence.format(user=self.user, date=f"{self.at:%Y-%m-%d}")


OPEN, ACCEPTED, DECLINED, LAPSED = "open", "accepted", "declined", "lapsed"
PROPOSAL_STATES = tuple((state, state) for state in (OPEN, ACCEPTED, DECLINED, LAPSED))
NEW_PARTIES, WITHDRAWAL = "parties", "withdrawal"
PROPOSAL_KINDS = ((NEW_PARTIES, "change of supplier or receiver"), (WITHDRAWAL, "withdrawal"))


class Proposal(models.Model):
    """A change of an exchange its author alone may not make: a new supplier or receiver
    (both current parties and the new one accept) or the withdrawal of an exchange both
    parties confirmed (both accept). It applies to the version it was made on (``base``)
    once every organisation of ``organisations`` accepted; a change of the exchange
    meanwhile makes it lapse, and one organisation declining ends it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    exchange = models.ForeignKey(Exchange, on_delete=models.PROTECT, related_name="proposals")
    base = models.ForeignKey(ExchangeVersion, on_delete=models.PROTECT, related_name="proposals")
    kind = models.CharField(max_length=20, choices=PROPOSAL_KINDS)
    # The proposed exchanges row and its inputs and baselines rows (a change of parties).
    fields = models.JSONField(default=dict)
    inputs = models.JSONField(default=list)
    baselines = models.JSONField(default=list)
    reason = models.TextField(blank=True, default="")
    organisations = models.JSONField(default=list)  # the org ids that must accept
    state = models.CharField(max_length=10, choices=PROPOSAL_STATES, default=OPEN, db_index=True)
    made = models.ForeignKey(
        ExchangeVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} of {self.exchange.exchange_id} ({self.state})"


class Answer(models.Model):
    """One organisation's answer to a proposal (the facilitator's for an organisation
    without an account is ``on_behalf``)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="answers")
    organisation = models.CharField(max_length=200)
    accepted = models.BooleanField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    on_behalf = models.BooleanField(default=False)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "organisation"], name="one_answer_per_organisation"
            )
        ]
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.organisation}: {'accepted' if self.accepted else 'declined'}"


class Change(models.Model):
    """One change of the store: who, when, what, the old and the new values."""

    cluster = models.ForeignKey(Cluster, on_delete=models.PROTECT, related_name="changes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    action = models.CharField(max_length=40)
    target = models.CharField(max_length=300)
    old = models.JSONField(null=True)
    new = models.JSONField(null=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.action} {self.target}"


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
