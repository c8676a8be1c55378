"""Changes of an exchange that need more than one organisation's word (docs/service.md,
"Counterparties"):

- a new supplier or receiver: both current parties and the new one accept;
- withdrawing an exchange both parties confirmed: both accept (the facilitator withdraws
  alone, :func:`isbenefit.service.entries.withdraw`).

Until every organisation named has accepted, the exchange stays as it was; one declining
ends the proposal; any change of the exchange meanwhile makes it lapse (:mod:`.store`).
The facilitator answers for an organisation without an account, on its behalf, as it
confirms for one; the author's own organisation accepts by proposing. Accepting a new
supplier or receiver is confirming the version it makes, so that version is confirmed by
its two parties once it is made. Proposals and their answers are written here, the
exchange's versions and confirmations through :mod:`.store`; every step is in the history.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from isbenefit import messages as msg
from isbenefit.errors import Problem
from isbenefit.messages import say
from isbenefit.service import access, notify, store
from isbenefit.service.ledgers import Row
from isbenefit.service.models import (
    ACCEPTED,
    DECLINED,
    LAPSED,
    NEW_PARTIES,
    OPEN,
    RECEIVER,
    SUPPLIER,
    WITHDRAWAL,
    Answer,
    Exchange,
    ExchangeVersion,
    Proposal,
)


class ProposalClosedError(Exception):
    """The proposal was accepted, declined or lapsed before this answer."""

    def __init__(self, proposal: Proposal) -> None:
        super().__init__(say(msg.PROPOSAL_CLOSED, state=proposal.state))
        self.proposal = proposal


def parties_changed(current: ExchangeVersion, row: Mapping[str, str]) -> bool:
    return (row.get(SUPPLIER), row.get(RECEIVER)) != (current.supplier, current.receiver)


def unknown_parties(
    cluster: Any, current: ExchangeVersion, row: Mapping[str, str]
) -> list[Problem]:
    """The proposed supplier or receiver the cluster does not list, located as a form's or
    the API's row (``file``): nobody could accept the proposal for it, so it would stay
    open until a change made it lapse. Members are refused such ids with every row they
    store (`access.entry_refusals`); this holds for the facilitator too."""
    listed = set(cluster.organisations.values_list("org_id", flat=True))
    return [
        Problem(
            say(msg.ROWS_FILE),
            say(msg.NOT_AN_ORGANISATION, organisation=repr(row[party])),
            say(msg.PROPOSED_UNKNOWN_FIX),
            "exchanges",
            2,
            party,
            row[party],
        )
        for party in (SUPPLIER, RECEIVER)
        if row.get(party, "") != getattr(current, party) and row.get(party, "") not in listed
    ]


def needs_agreement(exchange: Exchange) -> bool:
    """Whether withdrawing the exchange needs both parties: some version of it was
    confirmed by both (so a change made just before cannot open the way alone)."""
    return store.confirmed(exchange.versions.all()).exists()


def organisations_of(current: ExchangeVersion, row: Mapping[str, str]) -> list[str]:
    """Who must accept: the current parties, then the proposed ones, each once."""
    named = [current.supplier, current.receiver, row.get(SUPPLIER, ""), row.get(RECEIVER, "")]
    return list(dict.fromkeys(org_id for org_id in named if org_id))


def changes(proposal: Proposal) -> list[tuple[str, str, str]]:
    """(column, from, to) of every cell the proposal changes (none for a withdrawal)."""
    if proposal.kind == WITHDRAWAL:
        return []
    old, new = proposal.base.fields, proposal.fields
    columns = list(dict.fromkeys([*old, *new]))
    return [
        (c, old.get(c, ""), new.get(c, "")) for c in columns if old.get(c, "") != new.get(c, "")
    ]


def propose(
    user: Any,
    exchange: Exchange,
    base: ExchangeVersion,
    kind: str,
    reason: str,
    content: Mapping[str, Any] | None = None,
) -> Proposal:
    """Propose a new supplier or receiver (``content``: the whole new row, its inputs and
    baselines rows) or the withdrawal of ``base``, the current version the user read.
    The caller has checked that the user may change the exchange and that the rows pass
    the checks; StaleVersionError when ``base`` is no longer current."""
    content = content or {}
    fields = dict(content.get("fields", {}))
    with transaction.atomic():
        locked = Exchange.objects.select_for_update().get(pk=exchange.pk)
        if locked.current_id != base.pk:
            raise store.StaleVersionError(locked.current)
        proposal = Proposal.objects.create(
            exchange=exchange,
            base=base,
            kind=kind,
            fields=fields,
            inputs=list(content.get("inputs", [])),
            baselines=list(content.get("baselines", [])),
            reason=reason,
            organisations=organisations_of(base, fields if kind == NEW_PARTIES else {}),
            created_by=user,
        )
        store.log(
            exchange.cluster,
            user,
            f"propose {kind}",
            _target(proposal),
            {"supplier": base.supplier, "receiver": base.receiver},
            {"organisations": proposal.organisations, **_parties(fields), "reason": reason},
        )
        for org_id, on_behalf in access.acts_for(user).items():
            if org_id in proposal.organisations and not on_behalf:
                _record(proposal, org_id, True, user, on_behalf)
        notify.proposal_made(proposal, user, changes(proposal))
    return proposal


def answer(user: Any, proposal: Proposal, organisation: str, accept: bool) -> Proposal:
    """The user's answer for ``organisation`` (its own, or on behalf of one without an
    account); the last acceptance applies the proposal, a refusal ends it."""
    allowed = dict(access.answerable(user, proposal))
    if organisation not in allowed:
        if proposal.state != OPEN:
            raise ProposalClosedError(proposal)
        raise PermissionDenied(say(msg.MAY_NOT_ANSWER))
    with transaction.atomic():
        # The exchange first, then the proposal: the order a change of the exchange takes
        # (store saves the exchange, then lapses its proposals), so the two cannot deadlock.
        Exchange.objects.select_for_update().get(pk=proposal.exchange_id)
        proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if proposal.state != OPEN:
            raise ProposalClosedError(proposal)
        if organisation not in dict(access.answerable(user, proposal)):  # answered meanwhile
            raise PermissionDenied(say(msg.MAY_NOT_ANSWER))
        _record(proposal, organisation, accept, user, allowed[organisation])
        if not accept:
            _decide(proposal, DECLINED, user)
        elif set(proposal.answers.values_list("organisation", flat=True)) >= set(
            proposal.organisations
        ):
            _apply(proposal, user)
    return proposal


def _record(proposal: Proposal, org_id: str, accept: bool, user: Any, on_behalf: bool) -> None:
    Answer.objects.create(
        proposal=proposal, organisation=org_id, accepted=accept, user=user, on_behalf=on_behalf
    )
    word = "accept" if accept else "decline"
    store.log(
        proposal.exchange.cluster,
        user,
        f"{word} proposal on behalf" if on_behalf else f"{word} proposal",
        f"{_target(proposal)} {org_id}",
        None,
        {"organisation": org_id, "accepted": accept, "on_behalf": on_behalf},
    )


def _decide(proposal: Proposal, state: str, user: Any) -> None:
    proposal.state, proposal.decided_at = state, timezone.now()
    proposal.save(update_fields=["state", "decided_at", "made"])
    store.log(proposal.exchange.cluster, user, f"proposal {state}", _target(proposal))
    notify.proposal_decided(proposal, user)


def _apply(proposal: Proposal, user: Any) -> None:
    """Every organisation accepted: make the proposed version (confirmed by the parties'
    acceptances) or withdraw the exchange; lapsed when the exchange changed meanwhile."""
    exchange = Exchange.objects.select_for_update().get(pk=proposal.exchange_id)
    if exchange.current_id != proposal.base_id:
        _decide(proposal, LAPSED, user)
        return
    # Accepted before the version is made: the store lets lapse only the others.
    proposal.state = ACCEPTED
    proposal.save(update_fields=["state"])
    reason = proposal.reason or say(msg.PROPOSAL_REASON)
    if proposal.kind == WITHDRAWAL:
        proposal.made = store.withdraw(exchange, user, reason)
    else:
        proposal.made, _ = store.save_exchange(
            exchange.cluster,
            proposal.fields,
            proposal.inputs,
            proposal.baselines,
            user,
            reason,
            expected=proposal.base_id,
        )
        answers = {a.organisation: a for a in proposal.answers.all()}
        for party in (SUPPLIER, RECEIVER):
            given = answers[getattr(proposal.made, party)]
            store.confirm(proposal.made, party, given.user, given.on_behalf)
    _decide(proposal, ACCEPTED, user)


def _target(proposal: Proposal) -> str:
    return f"exchange {proposal.exchange.exchange_id} v{proposal.base.number} proposal"


def _parties(fields: Row) -> dict[str, str]:
    return {party: fields[party] for party in (SUPPLIER, RECEIVER) if party in fields}
