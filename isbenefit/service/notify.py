"""The service's mail, through Django's email framework (the backend email_url.py chose):
invitations, an exchange waiting for your confirmation, a counterparty's change of an
exchange you confirmed, a proposal waiting for your answer (or a counterparty's proposal
to change an exchange you confirmed) and its outcome, a year closed or restated,
documents ready.

Each message's subject and text are templates (``service/email/<kind>_subject.txt`` and
``<kind>.txt``), translated through the catalogs; each is written in its recipient's
language (the one chosen with the language switch, ``Membership.language``; else the
`language` column of the recipient's organisation, as for an invitation to a new user, who
has chosen none yet; else English). Every
message goes to one address (no recipient sees another's), after the transaction that
caused it commits, and only to users who keep that kind on
(``Membership.mail_*``, the settings page); invitations and password resets always go.
A mail server that fails is logged, never the user's error.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from isbenefit.messages import SOURCE_LANGUAGE, UnknownLanguageError, checked_language, language
from isbenefit.service.models import (
    MEMBER,
    RECEIVER,
    SUPPLIER,
    Cluster,
    Document,
    ExchangeVersion,
    Job,
    Membership,
    Proposal,
    YearVersion,
)

logger = logging.getLogger(__name__)
# Each kind a user may turn off, and its Membership field.
CONFIRMATIONS = "mail_confirmations"
CHANGES = "mail_changes"
YEARS = "mail_years"
DOCUMENTS = "mail_documents"
SETTINGS_FIELDS = (CONFIRMATIONS, CHANGES, YEARS, DOCUMENTS)


def link(path: str, base: str = "") -> str:
    """An address for a message: on the public URL (or ``base``); a bare path without."""
    root = base or str(getattr(settings, "ISBENEFIT_PUBLIC_URL", "") or "")
    return f"{root.rstrip('/')}{path}"


def _checked(lang: str) -> str:
    try:
        return checked_language(lang or SOURCE_LANGUAGE)
    except UnknownLanguageError:
        return SOURCE_LANGUAGE


def language_of(user: Any) -> str:
    """The language of ``user``'s mail (`member_language`); never the language of whoever
    caused the mail."""
    found = Membership.objects.select_related("organisation").filter(user=user)
    return member_language(found.first() if user is not None else None)


def member_language(membership: Any) -> str:
    """A member's mail language: the one chosen with the language switch
    (Membership.language), else its organisation's (the organisations sheet's `language`
    column), else English."""
    chosen = getattr(membership, "language", "")
    if not chosen:
        organisation = getattr(membership, "organisation", None)
        chosen = str((getattr(organisation, "fields", None) or {}).get("language") or "")
    return _checked(chosen)


@contextmanager
def in_language(lang: str) -> Iterator[None]:
    """Templates (Django's catalog) and sentences said in Python (isbenefit.messages) in
    ``lang`` for this block."""
    with translation.override(lang), language(lang):
        yield


def _message(address: str, kind: str, context: dict[str, Any]) -> EmailMessage:
    """One message, in its recipient's language (the context's membership)."""
    with in_language(member_language(context.get("membership"))):
        subject = " ".join(render_to_string(f"service/email/{kind}_subject.txt", context).split())
        body = render_to_string(f"service/email/{kind}.txt", context)
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address])


def _send(messages: list[EmailMessage]) -> None:
    if not messages:
        return
    try:
        get_connection().send_messages(messages)
    except Exception:  # the mail server's failure is the operator's, never the user's
        logger.exception("sending %d message(s) failed", len(messages))


def send(recipients: Iterable[Membership], kind: str, context: dict[str, Any]) -> None:
    """One message of ``kind`` to each recipient, in its language (`member_language`),
    once the current transaction commits."""
    common = {**context, "settings_link": link("/settings/")}
    messages = [
        _message(m.user.email, kind, {**common, "membership": m})
        for m in recipients
        if m.user.email and m.user.is_active
    ]
    transaction.on_commit(lambda: _send(messages))


def _members(cluster: Cluster, org_id: str, field: str, author: Any) -> list[Membership]:
    found = Membership.objects.filter(
        cluster=cluster, role=MEMBER, organisation__org_id=org_id, **{field: True}
    ).select_related("user", "organisation")
    return [m for m in found if author is None or m.user_id != getattr(author, "pk", None)]


def invitation(user: Any, path: str, base: str = "") -> None:
    """The invitation link to a new user (always sent). A new user has chosen no language
    yet: the mail is in its organisation's (`member_language`), else English."""
    found = Membership.objects.select_related("cluster", "organisation").get(user=user)
    context = {"link": link(path, base), "cluster": found.cluster}
    send([found], "invitation", context)


def exchange_saved(version: ExchangeVersion, author: Any, confirmed_before: set[str]) -> None:
    """A new version needs both parties' confirmation: a party that had confirmed the
    version before is told its counterparty changed it; the other is asked to confirm."""
    exchange = version.exchange
    context = {"exchange": exchange, "version": version, "link": link(f"/exchanges/{exchange.pk}/")}
    for party, org_id in ((SUPPLIER, version.supplier), (RECEIVER, version.receiver)):
        changed = party in confirmed_before
        field = CHANGES if changed else CONFIRMATIONS
        recipients = _members(exchange.cluster, org_id, field, author)
        send(recipients, "exchange_changed" if changed else "exchange_waiting", context)


def exchange_confirmed(version: ExchangeVersion, party: str, author: Any) -> None:
    """One side confirmed: the other side, when it has not, is asked to."""
    exchange = version.exchange
    done = {c.party for c in version.confirmations.all()}
    context = {"exchange": exchange, "version": version, "link": link(f"/exchanges/{exchange.pk}/")}
    for other, org_id in ((SUPPLIER, version.supplier), (RECEIVER, version.receiver)):
        if other != party and other not in done:
            recipients = _members(exchange.cluster, org_id, CONFIRMATIONS, author)
            send(recipients, "exchange_waiting", context)


def proposal_made(proposal: Proposal, author: Any, changes: list[tuple[str, str, str]]) -> None:
    """Each organisation that has not answered: a party that had confirmed the version
    is told its counterparty proposes to change it (the kind "changes"); the others, the
    new party among them, that a proposal waits for their answer ("confirmations")."""
    base = proposal.base
    confirmed = {
        base.supplier if c.party == SUPPLIER else base.receiver for c in base.confirmations.all()
    }
    answered = set(proposal.answers.values_list("organisation", flat=True))
    context = {
        "proposal": proposal,
        "exchange": proposal.exchange,
        "version": base,
        "changes": changes,
        "link": link(f"/proposals/{proposal.pk}/"),
    }
    for org_id in proposal.organisations:
        if org_id in answered:
            continue
        kind = "proposal_changed" if org_id in confirmed else "proposal_waiting"
        field = CHANGES if org_id in confirmed else CONFIRMATIONS
        send(_members(proposal.exchange.cluster, org_id, field, author), kind, context)


def proposal_decided(proposal: Proposal, author: Any) -> None:
    """Every organisation the proposal named: it was accepted (and made), declined or
    lapsed (the kind "changes")."""
    context = {
        "proposal": proposal,
        "exchange": proposal.exchange,
        "link": link(f"/proposals/{proposal.pk}/"),
    }
    for org_id in proposal.organisations:
        send(
            _members(proposal.exchange.cluster, org_id, CHANGES, author),
            "proposal_decided",
            context,
        )


def year_closed(made: YearVersion, author: Any) -> None:
    """Everyone of the cluster who keeps year mail on: the year closed or restated."""
    recipients = [
        m
        for m in Membership.objects.filter(cluster=made.cluster, mail_years=True).select_related(
            "user", "organisation"
        )
        if author is None or m.user_id != getattr(author, "pk", None)
    ]
    context = {"made": made, "restated": made.number > 1, "link": link(f"/years/{made.year}/")}
    send(recipients, "year_closed", context)


def documents_ready(job: Job) -> None:
    """The requester and the members of each document's organisation: documents ready."""
    documents = list(Document.objects.filter(job=job).select_related("organisation"))
    if not documents:
        return
    by_user: dict[int, tuple[Membership, list[Document]]] = {}
    for document in documents:
        org_id = document.organisation.org_id if document.organisation else None
        readers = _members(job.cluster, org_id, DOCUMENTS, None) if org_id else []
        for reader in readers:
            by_user.setdefault(reader.user_id, (reader, []))[1].append(document)
    requester = (
        Membership.objects.filter(user=job.created_by, mail_documents=True)
        .select_related("user", "organisation")
        .first()
    )
    if requester is not None:
        by_user[requester.user_id] = (requester, documents)
    for reader, ready in by_user.values():
        context = {"job": job, "documents": ready, "link": link("/documents/")}
        send([reader], "documents_ready", context)
