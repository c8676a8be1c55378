"""What waits for a user: the home page's inbox and the count in the navigation.

- exchanges to confirm: current versions a side of which the user confirms (a member its
  organisation's side, the facilitator the side of an organisation without an account)
  and has not;
- proposals to answer: open proposals naming an organisation the user answers for, which
  has not answered;
- documents ready: the last 30 days' documents of the member's organisation, or of the
  facilitator's own jobs, that the user has not downloaded;
- years to close (facilitator): ended years with exchanges and no closed version.

A funder's home shows instead the closed years per organisation, with their certificates
(:func:`closed_by_organisation`). Who may see what is :mod:`.access`'s.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from isbenefit.service import access
from isbenefit.service.models import (
    CERTIFICATE,
    FACILITATOR,
    MEMBER,
    OPEN,
    RECEIVER,
    SUPPLIER,
    Cluster,
    Confirmation,
    Document,
    Download,
    Exchange,
    Organisation,
    Proposal,
    YearVersion,
)

DOCUMENT_DAYS = 30


@dataclass
class Inbox:
    to_confirm: list[Exchange] = field(default_factory=list)
    proposals: list[Proposal] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    years: list[int] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.to_confirm) + len(self.proposals) + len(self.documents) + len(self.years)


def to_confirm(user: Any) -> QuerySet[Exchange]:
    """Exchanges whose current version waits for a confirmation the user gives."""
    found = access.membership(user)
    acting = access.acts_for(user)
    if found is None or not acting:
        return Exchange.objects.none()
    given = Confirmation.objects.filter(version=OuterRef("current"))
    waiting = Q(current__supplier__in=acting, has_supplier=False) | Q(
        current__receiver__in=acting, has_receiver=False
    )
    return (
        Exchange.objects.filter(
            cluster=found.cluster, current__withdrawn=False, current__superseded_at__isnull=True
        )
        .annotate(
            has_supplier=Exists(given.filter(party=SUPPLIER)),
            has_receiver=Exists(given.filter(party=RECEIVER)),
        )
        .filter(waiting)
        .select_related("current")
    )


def to_answer(user: Any) -> list[Proposal]:
    """Open proposals naming an organisation the user answers for that has not answered."""
    acting = access.acts_for(user)
    if not acting:
        return []
    found = []
    proposals = access.visible_proposals(user).filter(state=OPEN).prefetch_related("answers")
    for proposal in proposals:
        answered = {a.organisation for a in proposal.answers.all()}
        if any(o in acting and o not in answered for o in proposal.organisations):
            found.append(proposal)
    return found


def documents_ready(user: Any) -> QuerySet[Document]:
    """The last 30 days' documents of the member's organisation (the facilitator's: of its
    own jobs) the user has not downloaded, newest first."""
    found = access.membership(user)
    if found is None or found.role not in {MEMBER, FACILITATOR}:
        return Document.objects.none()
    since = timezone.now() - timedelta(days=DOCUMENT_DAYS)
    documents = access.visible_documents(user).filter(created_at__gte=since)
    if found.role == MEMBER:
        documents = documents.filter(organisation_id=found.organisation_id)
    else:
        documents = documents.filter(job__created_by=user)
    read = Download.objects.filter(document=OuterRef("pk"), user=user)
    return documents.exclude(Exists(read)).select_related("year_version")


def years_to_close(user: Any) -> list[int]:
    """The facilitator's: ended years that have exchanges and no closed version."""
    found = access.membership(user)
    if found is None or found.role != FACILITATOR:
        return []
    periods = (
        found.cluster.exchanges.filter(current__withdrawn=False)
        .values_list("current__period_start", "current__period_end")
        .distinct()
    )
    this_year = timezone.now().year
    years: set[int] = set()
    for start, end in periods:
        if start and end:
            years.update(range(int(start[:4]), min(int(end[:4]), this_year - 1) + 1))
    closed = set(YearVersion.objects.filter(cluster=found.cluster).values_list("year", flat=True))
    return sorted(years - closed, reverse=True)


def inbox(user: Any) -> Inbox:
    return Inbox(
        to_confirm=list(to_confirm(user)),
        proposals=to_answer(user),
        documents=list(documents_ready(user)),
        years=years_to_close(user),
    )


def count(user: Any) -> int:
    """How many things wait for the user (the navigation's figure)."""
    return (
        to_confirm(user).count()
        + len(to_answer(user))
        + documents_ready(user).count()
        + len(years_to_close(user))
    )


def closed_by_organisation(cluster: Cluster) -> list[dict[str, Any]]:
    """Each closed year (its latest version, newest year first) with each organisation
    of its exchanges and that organisation's certificates of the year (one entry per
    certificate id, newest first)."""
    latest: dict[int, YearVersion] = {}
    for version in YearVersion.objects.filter(cluster=cluster).order_by("year", "number"):
        latest[version.year] = version
    names = {o.org_id: o for o in Organisation.objects.filter(cluster=cluster)}
    certificates = (
        Document.objects.filter(cluster=cluster, kind=CERTIFICATE)
        .exclude(certificate_id="")
        .select_related("organisation", "year_version")
        .order_by("-created_at")
    )
    by_org: dict[tuple[int, str], dict[str, Document]] = {}
    for document in certificates:
        org_id = document.organisation.org_id if document.organisation else ""
        by_org.setdefault((document.year, org_id), {}).setdefault(document.certificate_id, document)
    years = []
    for year in sorted(latest, reverse=True):
        version = latest[year]
        rows = version.ledger.get("sheets", {}).get("exchanges", [])
        org_ids = dict.fromkeys(r.get(p, "") for r in rows for p in (SUPPLIER, RECEIVER))
        org_ids.update(dict.fromkeys(org for (y, org) in by_org if y == year))
        organisations = [
            {
                "org_id": org_id,
                "organisation": names.get(org_id),
                "certificates": list(by_org.get((year, org_id), {}).values()),
            }
            for org_id in sorted(o for o in org_ids if o)
        ]
        years.append({"version": version, "organisations": organisations})
    return years


def downloaded(document: Document, user: Any) -> None:
    """Record that the user downloaded the document: it no longer waits in the inbox."""
    if user is not None and user.is_authenticated:
        Download.objects.create(document=document, user=user)
