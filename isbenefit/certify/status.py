"""An issuer's status list: which of its certificates it revoked or superseded, and why.

One JSON file per issuer key, append-only: each entry names a certificate id, its status
(`revoked` or `superseded`, with the id that replaces it), the reason and the date, carries
the SHA-256 of the entry before it (``previous``; 64 zeros for the first) and is signed
with the issuer's key over its RFC 8785 canonical form without the signature. Editing or
removing an entry breaks the chain or a signature, and `verify --status` says so; a list
cut short at its end cannot be told from an older copy, so funders compare the number of
entries with the copy they last saw (docs/verify.md).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import rfc8785
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from isbenefit.certify import signing
from isbenefit.errors import InputError
from isbenefit.reported import Status
from isbenefit.writing import write_atomic

SCHEMA = "isbenefit.status/1"
REVOKED = str(Status.REVOKED)
SUPERSEDED = str(Status.SUPERSEDED)
FIRST = "0" * 64


@dataclass(frozen=True)
class Entry:
    """One status entry, as the list holds it."""

    seq: int
    certificate_id: str
    status: str
    reason: str
    superseded_by: str | None
    date: str
    previous: str
    signature: str

    def unsigned(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "certificate_id": self.certificate_id,
            "status": self.status,
            "reason": self.reason,
            "superseded_by": self.superseded_by,
            "date": self.date,
            "previous": self.previous,
        }

    def as_dict(self) -> dict[str, Any]:
        return {**self.unsigned(), "signature": self.signature}


def entry_hash(entry: Entry) -> str:
    return hashlib.sha256(rfc8785.dumps(entry.as_dict())).hexdigest()


def load(path: Path) -> tuple[str, list[Entry]]:
    """The list's public key (base64) and its entries; InputError when unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("schema") != SCHEMA:
            raise ValueError(f"schema is not {SCHEMA}")
        entries = [Entry(**entry) for entry in data["entries"]]
        return str(data["public_key"]), entries
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise InputError.one(
            file=str(path),
            message=f"not a status list written by `isbenefit revoke` ({error})",
            fix="give --status the issuer's status list file",
        ) from None


def append(
    path: Path,
    key: Ed25519PrivateKey,
    certificate_id: str,
    status: str,
    reason: str,
    date: str,
    superseded_by: str | None = None,
) -> Entry:
    """Add a signed entry at the end of ``path`` (created for the key's first entry)."""
    public = signing.public_key_text(key.public_key())
    entries: list[Entry] = []
    if path.exists():
        listed_key, entries = load(path)
        if listed_key != public:
            raise InputError.one(
                file=str(path),
                message="this status list belongs to another issuer key",
                fix="give --status the list of the key you sign with, or a new file",
            )
    unsigned = Entry(
        len(entries) + 1,
        certificate_id,
        status,
        " ".join(reason.split()),
        superseded_by,
        date,
        entry_hash(entries[-1]) if entries else FIRST,
        "",
    ).unsigned()
    signature = signing.sign(key, rfc8785.dumps(unsigned)).signature
    entry = Entry(**unsigned, signature=signature)
    document = {
        "schema": SCHEMA,
        "issuer_key": signing.fingerprint(key.public_key()),
        "public_key": public,
        "entries": [e.as_dict() for e in [*entries, entry]],
    }
    write_atomic(path, (json.dumps(document, indent=1, ensure_ascii=False) + "\n").encode())
    return entry


def problems(public_key: str, entries: list[Entry]) -> list[str]:
    """What breaks the chain: a missing or reordered entry, an edited one, a bad signature."""
    found = []
    key = signing.public_key_of(signing.Signature(signing.ALGORITHM, public_key, "", ""))
    previous = FIRST
    for position, entry in enumerate(entries, start=1):
        if entry.seq != position:
            found.append(f"entry {position} is numbered {entry.seq} (an entry was removed)")
        if entry.previous != previous:
            found.append(f"entry {entry.seq} does not follow the entry before it")
        claimed = signing.Signature(signing.ALGORITHM, public_key, "", entry.signature)
        if not signing.is_valid(claimed, rfc8785.dumps(entry.unsigned()), key):
            found.append(f"entry {entry.seq} is not signed by the list's key (edited)")
        previous = entry_hash(entry)
    return found


def status_of(entries: list[Entry], certificate_id: str) -> Entry | None:
    """The latest entry for ``certificate_id``, or None."""
    matching = [entry for entry in entries if entry.certificate_id == certificate_id]
    return matching[-1] if matching else None


def revoke(
    path: Path,
    key: Ed25519PrivateKey,
    certificate_id: str,
    reason: str,
    superseded_by: str | None = None,
) -> Entry:
    """Revoke a certificate in the key's status list at ``path``, or mark it superseded
    when ``superseded_by`` names the certificate replacing it; dated today (the date of
    SOURCE_DATE_EPOCH when set). `isbenefit revoke` and the service both revoke here."""
    from isbenefit.documents.contexts import document_time

    return append(
        path,
        key,
        certificate_id,
        SUPERSEDED if superseded_by else REVOKED,
        reason,
        document_time().date().isoformat(),
        superseded_by or None,
    )
