"""Recording a certificate's status: an entry signed with the cluster's key in its status
list (the file `/status/<fingerprint>.json` publishes and `verify --status` reads), the same
status on every stored copy of the certificate, and a line in the history.

The copies and the history change in the caller's transaction; the signed entry is
appended once that transaction commits (``transaction.on_commit``), so a change rolled
back (a restatement that failed midway) lists nothing publicly. Appending is idempotent:
an entry already listed for the certificate with the same status, reason and replacement
is not added again, and a lock file keeps two appends from interleaving.

An append that fails after the commit (a full disk, a key file gone) would leave a
certificate revoked in the store but valid in the public list. So every append lists
all the cluster's revoked and superseded certificates the list lacks
(:func:`publish_pending`), and so do `isbenefit serve` and `isbenefit worker` when they
start: the next revocation, or the next start, publishes what was missed.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from django.db import transaction

from isbenefit.certify import status
from isbenefit.service import keys, store
from isbenefit.service.models import CERTIFICATE, VALID, Cluster, Document

logger = logging.getLogger("isbenefit.service")


def record(
    cluster: Cluster,
    certificate_id: str,
    name: str,
    reason: str,
    user: Any,
    superseded_by: str = "",
) -> str:
    """Mark every stored copy of ``certificate_id`` (a copy issued again has the same id)
    ``name`` (revoked, superseded) and list the signed entry once the transaction commits;
    the reason as listed. The cluster's key is checked first, before anything changes."""
    keys.checked_key(cluster)
    listed = " ".join(reason.split())
    copies = Document.objects.filter(kind=CERTIFICATE, certificate_id=certificate_id)
    first = copies.select_related("organisation").first()
    old = first.as_summary() if first else None
    copies.update(status=name, status_reason=listed, superseded_by=superseded_by)
    store.log(
        cluster,
        user,
        name,
        f"certificate {certificate_id}",
        old,
        {**(old or {}), "status": name, "reason": listed},
    )
    transaction.on_commit(partial(publish_pending, cluster))
    return listed


def publish_pending(cluster: Cluster) -> int:
    """List every revoked or superseded certificate of ``cluster`` the status list lacks
    (in the order their copies were stored); how many entries were added."""
    pending: dict[str, tuple[str, str, str]] = {}
    documents = (
        Document.objects.filter(cluster=cluster, kind=CERTIFICATE)
        .exclude(certificate_id="")
        .exclude(status=VALID)
        .order_by("pk")
    )
    for document in documents:
        pending.setdefault(
            document.certificate_id,
            (document.status, document.status_reason, document.superseded_by or ""),
        )
    return _append_missing(cluster, pending) if pending else 0


def publish_all_pending() -> int:
    """:func:`publish_pending` for every cluster with a key (at start-up); entries added.
    A cluster whose list cannot be written is logged for the operator and the others go
    on: the service starts, and the next start or revocation tries again."""
    added = 0
    for cluster in Cluster.objects.order_by("pk"):
        if keys.issuer(cluster) is None:
            continue
        try:
            added += publish_pending(cluster)
        except Exception:  # the operator's to fix (disk, key file); never a reason not to start
            logger.exception("status list of cluster %s not brought up to date", cluster.name)
    return added


def _append_missing(cluster: Cluster, pending: dict[str, tuple[str, str, str]]) -> int:
    """Append the entries of ``pending`` (certificate id -> status, reason, replacement)
    that the cluster key's list does not hold yet, the list read once under its lock."""
    from filelock import FileLock

    from isbenefit.certify import signing
    from isbenefit.documents.contexts import document_time

    key = signing.load_private_key(keys.checked_key(cluster))
    path = keys.status_path(signing.fingerprint(key.public_key()))
    with FileLock(str(path) + ".lock"):
        listed = {
            (e.certificate_id, e.status, e.reason, e.superseded_by or "")
            for e in (status.load(path)[1] if path.is_file() else [])
        }
        missing = [(c, *entry) for c, entry in pending.items() if (c, *entry) not in listed]
        today = document_time().date().isoformat()
        for certificate_id, name, reason, superseded_by in missing:
            status.append(path, key, certificate_id, name, reason, today, superseded_by or None)
    return len(missing)


def entries_of(fingerprint: str) -> list[status.Entry]:
    """The entries of the status list of the key ``fingerprint`` (none yet: empty)."""
    path = keys.status_path(fingerprint) if fingerprint else None
    if path is None or not path.is_file():
        return []
    return status.load(path)[1]
