"""Who may see and change what. Pages and the JSON API ask here, nowhere else.

- facilitator: everything of its cluster (organisations, users, every exchange, closing
  years, documents, revocations);
- member: the exchanges its organisation is party to (read, change, confirm its side),
  its organisation's documents and the cluster's published figures;
- funder/viewer: read-only on published figures: closed years, reports, certificates.

Anything a user may not see is answered as if it did not exist (404), so guessing ids
tells nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from isbenefit import messages as msg
from isbenefit.errors import Problem
from isbenefit.messages import say
from isbenefit.service.models import (
    CERTIFICATE,
    FACILITATOR,
    MEMBER,
    RECEIVER,
    REPORT,
    SUPPLIER,
    Confirmation,
    Document,
    Exchange,
    ExchangeVersion,
    Membership,
    Organisation,
    Proposal,
)


def membership(user: Any) -> Membership | None:
    if user is None or not user.is_authenticated:
        return None
    try:
        found: Membership = user.membership
    except Membership.DoesNotExist:
        return None
    return found


def member(user: Any) -> Membership:
    """The user's membership; PermissionDenied for an account of no cluster."""
    found = membership(user)
    if found is None:
        raise PermissionDenied(say(msg.NO_CLUSTER))
    return found


def require(user: Any, *roles: str) -> Membership:
    """The user's membership when its role is one of ``roles``; PermissionDenied else."""
    found = membership(user)
    if found is None or found.role not in roles:
        raise PermissionDenied(say(msg.ROLE_MAY_NOT))
    return found


def is_facilitator(user: Any) -> bool:
    found = membership(user)
    return found is not None and found.role == FACILITATOR


def own_org_id(found: Membership) -> str | None:
    return found.organisation.org_id if found.organisation else None


def visible_exchanges(user: Any) -> QuerySet[Exchange]:
    found = membership(user)
    if found is None:
        return Exchange.objects.none()
    exchanges = Exchange.objects.filter(cluster=found.cluster).select_related("current")
    if found.role == FACILITATOR:
        return exchanges
    org_id = own_org_id(found)
    if found.role == MEMBER and org_id:
        return exchanges.filter(Q(current__supplier=org_id) | Q(current__receiver=org_id))
    return Exchange.objects.none()


def exchange_for(user: Any, pk: Any) -> Exchange:
    """The exchange ``pk`` when the user may see it; 404 otherwise (also for a bad id)."""
    try:
        return visible_exchanges(user).get(pk=pk)
    except (Exchange.DoesNotExist, ValueError, TypeError) as error:
        raise Http404(say(msg.NO_SUCH_EXCHANGE)) from error
    except Exception as error:  # a malformed UUID is a ValidationError
        raise Http404(say(msg.NO_SUCH_EXCHANGE)) from error


def readable_exchanges(user: Any) -> QuerySet[Exchange]:
    """The exchanges the user may read: the visible ones and, for a member, every exchange
    its organisation ever confirmed, also once it is no longer a party (read only, and
    only the versions it was party to: :func:`readable_versions`)."""
    found = membership(user)
    org_id = own_org_id(found) if found is not None else None
    if found is None or found.role != MEMBER or not org_id:
        return visible_exchanges(user)
    confirmed = Confirmation.objects.filter(version__exchange=OuterRef("pk")).filter(
        Q(party=SUPPLIER, version__supplier=org_id) | Q(party=RECEIVER, version__receiver=org_id)
    )
    return Exchange.objects.filter(cluster=found.cluster).filter(
        Q(current__supplier=org_id) | Q(current__receiver=org_id) | Exists(confirmed)
    )


def former_exchanges(user: Any) -> QuerySet[Exchange]:
    """The exchanges a member's organisation confirmed and is no longer party to."""
    found = membership(user)
    org_id = own_org_id(found) if found is not None else None
    if found is None or found.role != MEMBER or not org_id:
        return Exchange.objects.none()
    current = Q(current__supplier=org_id) | Q(current__receiver=org_id)
    return readable_exchanges(user).exclude(current)


def readable_exchange(user: Any, pk: Any) -> Exchange:
    """The exchange ``pk`` when the user may read it; 404 otherwise (also for a bad id)."""
    try:
        return readable_exchanges(user).get(pk=pk)
    except Exception as error:  # not there, not readable, or a malformed UUID
        raise Http404(say(msg.NO_SUCH_EXCHANGE)) from error


def readable_versions(user: Any, exchange: Exchange) -> QuerySet[ExchangeVersion]:
    """The versions of the exchange the user may read, newest first: the facilitator all,
    a member those its organisation is party to (not another pair's rows and prices)."""
    versions = exchange.versions.order_by("-number")
    found = membership(user)
    if found is not None and found.role == FACILITATOR:
        return versions
    org_id = own_org_id(found) if found is not None else None
    if not org_id:
        return versions.none()
    return versions.filter(Q(supplier=org_id) | Q(receiver=org_id))


def acts_for(user: Any) -> dict[str, bool]:
    """The organisations the user answers for (org id -> on behalf): a member its own;
    the facilitator each organisation of its cluster without an account, on its behalf."""
    found = membership(user)
    if found is None:
        return {}
    if found.role == MEMBER and found.organisation is not None:
        return {found.organisation.org_id: False}
    if found.role != FACILITATOR:
        return {}
    with_accounts = set(
        Membership.objects.filter(
            cluster=found.cluster, user__is_active=True, organisation__isnull=False
        ).values_list("organisation__org_id", flat=True)
    )
    org_ids = found.cluster.organisations.values_list("org_id", flat=True)
    return {org_id: True for org_id in org_ids if org_id not in with_accounts}


def visible_proposals(user: Any) -> QuerySet[Proposal]:
    """The proposals the user may read: the facilitator all of its cluster's, a member
    those naming its organisation (as a current or a proposed party)."""
    found = membership(user)
    if found is None:
        return Proposal.objects.none()
    proposals = Proposal.objects.filter(exchange__cluster=found.cluster).select_related(
        "exchange", "base"
    )
    if found.role == FACILITATOR:
        return proposals
    org_id = own_org_id(found)
    if found.role != MEMBER or not org_id:
        return Proposal.objects.none()
    return proposals.filter(
        Q(base__supplier=org_id)
        | Q(base__receiver=org_id)
        | Q(fields__supplier=org_id)
        | Q(fields__receiver=org_id)
    )


def proposal_for(user: Any, pk: Any) -> Proposal:
    """The proposal ``pk`` when the user may read it; 404 otherwise (also for a bad id)."""
    try:
        return visible_proposals(user).get(pk=pk)
    except Exception as error:  # not there, not readable, or a malformed UUID
        raise Http404(say(msg.NO_SUCH_PROPOSAL)) from error


def answerable(user: Any, proposal: Proposal) -> list[tuple[str, bool]]:
    """(organisation, on behalf) the user may answer the open proposal for."""
    if proposal.state != "open":
        return []
    answered = {a.organisation for a in proposal.answers.all()}
    acting = acts_for(user)
    return [
        (org_id, acting[org_id])
        for org_id in proposal.organisations
        if org_id in acting and org_id not in answered
    ]


def can_enter(user: Any) -> bool:
    found = membership(user)
    return found is not None and found.role in {FACILITATOR, MEMBER}


def may_save(user: Any, supplier: str, receiver: str) -> str | None:
    """Why the user may not save an exchange between these parties (None: it may)."""
    found = membership(user)
    if found is None or found.role not in {FACILITATOR, MEMBER}:
        return say(msg.ROLE_MAY_NOT_ENTER)
    if found.role == MEMBER and own_org_id(found) not in {supplier, receiver}:
        return say(msg.NOT_A_PARTY)
    return None


def confirmable_parties(user: Any, version: ExchangeVersion) -> list[tuple[str, bool]]:
    """(party, on behalf) the user may confirm on this version, not yet confirmed."""
    found = membership(user)
    if found is None or version.withdrawn or version.superseded_at is not None:
        return []
    done = {c.party for c in version.confirmations.all()}
    parties = [(SUPPLIER, version.supplier), (RECEIVER, version.receiver)]
    allowed: list[tuple[str, bool]] = []
    for party, org_id in parties:
        if party in done:
            continue
        if found.role == MEMBER and own_org_id(found) == org_id:
            allowed.append((party, False))
        elif found.role == FACILITATOR and not has_accounts(found.cluster_id, org_id):
            allowed.append((party, True))
    return allowed


def has_accounts(cluster_id: int, org_id: str) -> bool:
    return Membership.objects.filter(
        cluster_id=cluster_id, organisation__org_id=org_id, user__is_active=True
    ).exists()


def visible_organisations(user: Any) -> QuerySet[Organisation]:
    found = membership(user)
    if found is None:
        return Organisation.objects.none()
    organisations = Organisation.objects.filter(cluster=found.cluster)
    if found.role == FACILITATOR:
        return organisations
    if found.role == MEMBER and found.organisation_id:
        return organisations.filter(pk=found.organisation_id)
    return Organisation.objects.none()


def unconfirmed_seen(user: Any, unconfirmed: list[dict[str, str]]) -> tuple[list[str], int]:
    """The ids of a closed year's unconfirmed exchanges the user may read (the
    facilitator's: all; a member's: its organisation's; a funder's: none) and how many
    others there are, which are counted, not named."""
    found = member(user)
    if found.role == FACILITATOR:
        return [item["id"] for item in unconfirmed], 0
    own = own_org_id(found)
    listed = [
        item["id"]
        for item in unconfirmed
        if own is not None and own in (item.get("supplier"), item.get("receiver"))
    ]
    return listed, len(unconfirmed) - len(listed)


def visible_documents(user: Any) -> QuerySet[Document]:
    found = membership(user)
    if found is None:
        return Document.objects.none()
    documents = Document.objects.filter(cluster=found.cluster).select_related("organisation")
    if found.role == FACILITATOR:
        return documents
    published = Q(kind=REPORT) | Q(kind=CERTIFICATE)
    if found.role == MEMBER and found.organisation_id:
        return documents.filter(published | Q(organisation_id=found.organisation_id))
    return documents.filter(published)


# The parts of a closed year's results JSON that are the cluster's published figures.
PUBLISHED_RESULTS = ("schema", "isbenefit_version", "factor_set", "currency", "years", "totals")


def visible_results(user: Any, results: dict[str, Any]) -> dict[str, Any] | None:
    """What of a closed year's results JSON the user may read (None: only the totals).

    The facilitator reads it whole; a member the published figures and only the
    exchanges its organisation is party to (and that organisation's record); a funder
    the totals and factor set, which the API gives beside the results."""
    found = membership(user)
    if found is None:
        return None
    if found.role == FACILITATOR:
        return results
    org_id = own_org_id(found)
    if found.role != MEMBER or not org_id:
        return None
    own = {key: results[key] for key in PUBLISHED_RESULTS if key in results}
    own["exchanges"] = [
        e for e in results.get("exchanges", []) if org_id in (e.get("supplier"), e.get("receiver"))
    ]
    own["organisations"] = [o for o in results.get("organisations", []) if o.get("id") == org_id]
    return own


def entry_refusals(
    user: Any, cluster: Any, sheets: dict[str, list[dict[str, str]]], file: str
) -> list[Problem]:
    """What a member may not store of these ledger rows (the facilitator may all): an
    exchange the facilitator or a party withdrew (it stays withdrawn), a column the
    cluster's ledger does not have (the headers are the whole cluster's), an organisation
    id the cluster does not know (the facilitator adds organisations). Every refusal is
    located by sheet, row (the header is row 1) and column; upload, form and API alike."""
    from isbenefit.ledger.contract import SHEETS

    found = membership(user)
    if found is not None and found.role == FACILITATOR:
        return []
    problems: list[Problem] = []
    understood = {name: sheet.names for name, sheet in SHEETS.items()}
    for sheet, rows in sheets.items():
        # Columns isbenefit itself reads are no new columns; any other is the cluster's.
        known = set(cluster.headers.get(sheet, [])) | set(understood.get(sheet, ()))
        new = [c for c in dict.fromkeys(c for row in rows for c in row) if c not in known]
        problems.extend(
            Problem(
                file,
                say(msg.NEW_COLUMN),
                say(msg.NEW_COLUMN_FIX),
                sheet,
                1,
                column,
                column,
            )
            for column in new
        )
    exchanges = sheets.get("exchanges", [])
    ids = [row.get("id", "") for row in exchanges]
    withdrawn = set(
        Exchange.objects.filter(
            cluster=cluster, exchange_id__in=ids, current__withdrawn=True
        ).values_list("exchange_id", flat=True)
    )
    named = {row.get(party, "") for row in exchanges for party in (SUPPLIER, RECEIVER)}
    organisations = set(
        Organisation.objects.filter(cluster=cluster, org_id__in=named).values_list(
            "org_id", flat=True
        )
    )
    for number, row in enumerate(exchanges, start=2):
        if row.get("id", "") in withdrawn:
            problems.append(
                Problem(
                    file,
                    say(msg.WITHDRAWN_STAYS),
                    say(msg.WITHDRAWN_FIX),
                    "exchanges",
                    number,
                    "id",
                    row.get("id", ""),
                )
            )
        for party in (SUPPLIER, RECEIVER):
            org_id = row.get(party, "")
            if org_id and org_id not in organisations:
                problems.append(
                    Problem(
                        file,
                        say(msg.NOT_AN_ORGANISATION, organisation=repr(org_id)),
                        say(msg.NOT_AN_ORGANISATION_FIX),
                        "exchanges",
                        number,
                        party,
                        org_id,
                    )
                )
    return problems
