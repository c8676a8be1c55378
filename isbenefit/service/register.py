"""A cluster's public register: every certificate it issued, one entry per certificate id.

Copies of one certificate (the same claim issued again) are one entry: issued on the
first copy's date, with the gravest status of any copy (revoked, then superseded). The
status history comes from the cluster key's signed status list, the figures and the
exchanges from the claim (kept with the certificate when it was issued; certificates
issued before that are read from their stored PDF). The entries are those of
`isbenefit register` (certify.register), with links to `/c/<id>` and the PDF.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from isbenefit.certify import register
from isbenefit.service import issuing, keys, statuses
from isbenefit.service.models import CERTIFICATE, REVOKED, SUPERSEDED, VALID, Cluster, Document

GRAVITY = {VALID: 0, SUPERSEDED: 1, REVOKED: 2}


@dataclass(frozen=True)
class Listed:
    """One certificate of the register: the copy whose status holds, and its issue date."""

    document: Document
    issued_on: str


def gravest(copies: list[Document]) -> Document:
    """The copy whose status holds: the gravest, the latest of equals."""
    return max(copies, key=lambda d: (GRAVITY.get(d.status, 0), d.created_at))


def listed(cluster: Cluster) -> list[Listed]:
    """The cluster's certificates, by issue date and serial."""
    copies: dict[str, list[Document]] = {}
    documents = Document.objects.filter(cluster=cluster, kind=CERTIFICATE).exclude(
        certificate_id=""
    )
    for document in documents.select_related("organisation", "year_version", "cluster"):
        copies.setdefault(document.certificate_id, []).append(document)
    found = [Listed(gravest(group), issued_on(group)) for group in copies.values()]
    return sorted(found, key=lambda item: (item.issued_on, item.document.certificate_id))


def version(cluster: Cluster) -> str:
    """What the cluster's register is made of, hashed: its certificates with their
    statuses, the issuer record, and the size of each status list. A new certificate, a
    revocation or a new key changes it; reading it costs one query and a few stats."""
    import hashlib

    rows = list(
        Document.objects.filter(cluster=cluster, kind=CERTIFICATE)
        .exclude(certificate_id="")
        .order_by("pk")
        .values_list("pk", "status", "key_fingerprint")
    )
    lists = []
    for fingerprint in sorted({row[2] for row in rows if row[2]}):
        path = keys.status_path(fingerprint)
        lists.append((fingerprint, path.stat().st_size if path.is_file() else 0))
    made = json.dumps([rows, lists, keys.issuer(cluster), cluster.title], default=str)
    return hashlib.sha256(made.encode()).hexdigest()


def issued_on(copies: list[Document]) -> str:
    """The first copy's issue date (the signing date recorded with it, else its creation)."""
    first = min(copies, key=lambda d: d.created_at)
    return str(first.claim_summary.get("issued_on") or first.created_at.date().isoformat())


def entries(items: list[Listed], base_url: str) -> list[dict[str, Any]]:
    """The register entries of ``items``; links are made absolute on ``base_url``."""
    lists: dict[str, list[Any]] = {}
    issuers: dict[int, dict[str, Any]] = {}
    found = []
    for item in items:
        fingerprint = item.document.key_fingerprint
        if fingerprint not in lists:
            lists[fingerprint] = statuses.entries_of(fingerprint)
        cluster = item.document.cluster
        if cluster.pk not in issuers:
            issuers[cluster.pk] = keys.issuer(cluster) or {}
        found.append(entry(item, lists[fingerprint], base_url, issuers[cluster.pk]))
    return found


def signer_name(document: Document, current: dict[str, Any]) -> str:
    """Who signed the certificate: the name recorded when it was issued; for certificates
    issued before names were recorded, the cluster's issuer when its key is the one that
    signed, else the cluster's title (a key since replaced may have carried another name)."""
    recorded = document.claim_summary.get("issuer")
    if recorded:
        return str(recorded)
    if current.get("name") and current.get("fingerprint") == document.key_fingerprint:
        return str(current["name"])
    return str(document.cluster.title or document.cluster.name)


def entry(
    item: Listed,
    status_entries: list[Any],
    base_url: str = "",
    current_issuer: dict[str, Any] | None = None,
) -> dict[str, Any]:
    document = item.document
    serial = document.certificate_id
    if current_issuer is None:
        current_issuer = keys.issuer(document.cluster) or {}
    issued = register.Issued(
        serial,
        item.issued_on,
        signer_name(document, current_issuer),
        document.key_fingerprint,
        page=f"{base_url}/c/{serial}",
        pdf=f"{base_url}/c/{serial}/pdf",
    )
    made = register.entry(claim_of(document), issued, status_entries)
    if made["status"] == register.VALID and document.status != VALID:
        # Recorded in the store but not in the list at hand (a list kept elsewhere).
        made["status"] = document.status
    if made["year_version"] is None and document.year_version is not None:
        made["year_version"] = document.year_version.number
    return made


def claim_of(document: Document) -> dict[str, Any]:
    """What the register reads of the certificate's claim."""
    kept = document.claim_summary.get("claim")
    if isinstance(kept, dict):
        return kept
    from isbenefit.certify.claim import CLAIM_FILE, read_attachments

    raw = read_attachments(issuing.stored_file(document))[CLAIM_FILE]
    return register.register_claim(json.loads(raw))


def issuer_of(cluster: Cluster) -> dict[str, Any]:
    """The cluster's issuer record (name, fingerprint, validity), or what is known."""
    return keys.issuer(cluster) or {"name": cluster.title or cluster.name, "fingerprint": ""}
