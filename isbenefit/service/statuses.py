"""Recording a certificate's status: an entry signed with the cluster's key in its status
list (the file `/status/<fingerprint>.json` publishes and `verify --status` reads), the same
status on every stored copy of the certificate, and a line in the history.

The copies and the history change in the caller's transaction; the signed entry is
appended once that transaction commits (``transaction.on_commit``), so a change rolled
back (a restatement that failed midway) lists nothing publicly. Appending is idempotent:
an entry already listed for the certificate with the same status, reason and replacement
is not added again, and a lock file keeps two appends from interleaving.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction

from isbenefit.certify import status
from isbenefit.service import keys, store
from isbenefit.service.models import CERTIFICATE, Cluster, Document


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
    append = partial(_append_once, cluster, certificate_id, name, listed, superseded_by)
    transaction.on_commit(append)
    return listed


def _append_once(
    cluster: Cluster, certificate_id: str, name: str, reason: str, superseded_by: str
) -> None:
    from filelock import FileLock

    from isbenefit.certify import signing
    from isbenefit.documents.contexts import document_time

    key = signing.load_private_key(keys.checked_key(cluster))
    path = keys.status_path(signing.fingerprint(key.public_key()))
    with FileLock(str(path) + ".lock"):
        listed = status.load(path)[1] if path.is_file() else []
        if any(
            (e.certificate_id, e.status, e.reason, e.superseded_by or "")
            == (certificate_id, name, reason, superseded_by)
            for e in listed
        ):
            return
        status.append(
            path,
            key,
            certificate_id,
            name,
            reason,
            document_time().date().isoformat(),
            superseded_by or None,
        )


def entries_of(fingerprint: str) -> list[status.Entry]:
    """The entries of the status list of the key ``fingerprint`` (none yet: empty)."""
    path = keys.status_path(fingerprint) if fingerprint else None
    if path is None or not path.is_file():
        return []
    return status.load(path)[1]
