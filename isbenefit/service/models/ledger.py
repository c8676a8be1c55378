"""The ledger kept version by version: clusters, organisations, members, exchanges and
their versions, confirmations, proposals and their answers, and the log of changes."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

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
