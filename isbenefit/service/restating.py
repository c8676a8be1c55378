"""Certificates follow their year: restating a year supersedes every certificate issued on
an earlier version, and the facilitator reissues them from the new one.

Each superseded certificate gets an entry in the cluster key's signed status list,
"superseded by restatement: year Y version N replaces version M (reason)", naming the
year version that replaced it; `/c/<id>`, `/verify` and `verify --status` report it. The
certificates to reissue are those superseded by a restatement whose organisation has no
certificate on the year's latest version yet.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from isbenefit.certify import status
from isbenefit.service import keys, statuses
from isbenefit.service.models import CERTIFICATE, SUPERSEDED, VALID, Document, YearVersion

RESTATEMENT = "superseded by restatement"


def supersede_earlier(version: YearVersion, user: Any) -> list[str]:
    """Mark every valid certificate of the year issued before ``version`` (on an earlier
    version, or before the year was closed) superseded by it; their ids."""
    stale = (
        Document.objects.filter(
            cluster=version.cluster, kind=CERTIFICATE, year=version.year, status=VALID
        )
        .exclude(certificate_id="")
        .filter(Q(year_version__isnull=True) | Q(year_version__number__lt=version.number))
        .select_related("year_version")
        .order_by("certificate_id", "created_at")
    )
    earlier: dict[str, Document] = {}
    for document in stale:
        earlier.setdefault(document.certificate_id, document)
    if earlier:
        keys.checked_key(version.cluster)  # refuse before the first entry, not midway
    for certificate_id, document in earlier.items():
        statuses.record(
            version.cluster, certificate_id, status.SUPERSEDED, _reason(version, document), user
        )
    return list(earlier)


def _reason(version: YearVersion, document: Document) -> str:
    was = (
        f"version {document.year_version.number}"
        if document.year_version
        else "the open year's figures"
    )
    why = f" ({version.reason})" if version.reason else ""
    return f"{RESTATEMENT}: year {version.year} version {version.number} replaces {was}{why}"


def to_reissue(version: YearVersion | None) -> list[Document]:
    """The certificates a restatement superseded whose organisation has none on
    ``version`` (the year's latest) yet: one per organisation, the latest."""
    if version is None:
        return []
    current = set(
        Document.objects.filter(
            cluster=version.cluster, kind=CERTIFICATE, year=version.year, year_version=version
        ).values_list("organisation_id", flat=True)
    )
    superseded = (
        Document.objects.filter(
            cluster=version.cluster,
            kind=CERTIFICATE,
            year=version.year,
            status=SUPERSEDED,
            status_reason__startswith=RESTATEMENT,
        )
        .exclude(organisation_id__in=current)
        .select_related("organisation", "year_version")
        .order_by("organisation__org_id", "-created_at")
    )
    found: dict[int | None, Document] = {}
    for document in superseded:
        found.setdefault(document.organisation_id, document)
    return list(found.values())
