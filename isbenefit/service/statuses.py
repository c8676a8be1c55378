"""Recording a certificate's status: an entry signed with the cluster's key in its status
list (the file `/status/<fingerprint>.json` publishes and `verify --status` reads), the same
status on every stored copy of the certificate, and a line in the history."""

from __future__ import annotations

from typing import Any

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
) -> status.Entry:
    """Append ``name`` (revoked, superseded) for ``certificate_id`` to the cluster key's
    status list and mark every stored copy so (a copy issued again has the same id)."""
    from isbenefit.certify import signing
    from isbenefit.documents.contexts import document_time

    key = signing.load_private_key(keys.checked_key(cluster))
    entry = status.append(
        keys.status_path(signing.fingerprint(key.public_key())),
        key,
        certificate_id,
        name,
        reason,
        document_time().date().isoformat(),
        superseded_by or None,
    )
    copies = Document.objects.filter(kind=CERTIFICATE, certificate_id=certificate_id)
    first = copies.select_related("organisation").first()
    old = first.as_summary() if first else None
    copies.update(status=entry.status, status_reason=entry.reason, superseded_by=superseded_by)
    store.log(
        cluster,
        user,
        entry.status,
        f"certificate {certificate_id}",
        old,
        {**(old or {}), "status": entry.status, "reason": entry.reason},
    )
    return entry


def entries_of(fingerprint: str) -> list[status.Entry]:
    """The entries of the status list of the key ``fingerprint`` (none yet: empty)."""
    path = keys.status_path(fingerprint) if fingerprint else None
    if path is None or not path.is_file():
        return []
    return status.load(path)[1]
