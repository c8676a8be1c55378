"""The cluster's signing key, kept on the server, and what the public may know of it.

Each cluster has one Ed25519 issuer key (``keys/<cluster>.key`` in the service folder,
made with `isbenefit keys new`'s code, mode 600). Before every signature the key file is
checked: a file others may read or write, or owned by another user, is refused. The public
keys of every cluster are published at ``/keys.json``; each key's signed status list (what
it revoked or superseded) at ``/status/<fingerprint>.json``.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

from django.conf import settings

from isbenefit.certify import signing
from isbenefit.certify.trust import TrustedKey
from isbenefit.reported import status_file_name
from isbenefit.service.models import Cluster


class KeyPermissionError(signing.KeyFileError):
    """A signing key file the service refuses to use."""


def keys_dir() -> Path:
    path = Path(settings.ISBENEFIT_SERVICE_DIR) / "keys"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def private_path(cluster: Cluster) -> Path:
    return keys_dir() / f"{cluster.name}.key"


def public_path(cluster: Cluster) -> Path:
    return keys_dir() / f"{cluster.name}.pub"


def ensure_key(cluster: Cluster) -> Path:
    """The cluster's private key file, made on first use."""
    path = private_path(cluster)
    if not path.exists():
        signing.new_key_pair(path, public_path(cluster), cluster.title or cluster.name)
    return path


def checked_key(cluster: Cluster) -> Path:
    """The key file, after checking that only this user may read it."""
    path = ensure_key(cluster)
    status = path.stat()
    mode = stat.S_IMODE(status.st_mode)
    if mode & 0o077:
        raise KeyPermissionError(
            f"{path} may be read or written by others (mode {mode:o}); nothing was signed. "
            f"Fix: chmod 600 {path}"
        )
    if hasattr(os, "getuid") and status.st_uid != os.getuid():
        raise KeyPermissionError(
            f"{path} belongs to another user; nothing was signed. Fix: chown it to the "
            "user the service runs as"
        )
    return path


def issuer(cluster: Cluster) -> dict[str, Any] | None:
    path = signing.issuer_path(private_path(cluster))
    if not path.exists():
        return None
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def status_dir() -> Path:
    path = Path(settings.ISBENEFIT_SERVICE_DIR) / "status"
    path.mkdir(parents=True, exist_ok=True)
    return path


def status_path(fingerprint: str) -> Path:
    return status_dir() / status_file_name(fingerprint)


def published() -> list[dict[str, Any]]:
    """Every cluster's issuer record (name, validity, public key, fingerprint)."""
    found = []
    for cluster in Cluster.objects.order_by("name"):
        record = issuer(cluster)
        if record is not None:
            found.append({"cluster": cluster.name, **record})
    return found


def trusted() -> dict[str, TrustedKey]:
    """The server's trust store: its own trust store file and every cluster's key."""
    from isbenefit.certify import trust

    keys = dict(trust.load(trust.store_path(None, settings.ISBENEFIT_DATA)))
    for record in published():
        keys[record["fingerprint"]] = TrustedKey(
            record["fingerprint"], record["name"], record["public_key"], record["valid_from"]
        )
    return keys
