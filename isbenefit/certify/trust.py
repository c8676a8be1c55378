"""The keys a user trusts to sign certificates: one JSON file, fingerprint -> issuer.

`verify` accepts a signature as the issuer's only when its key is in the trust store (or
given with `--key` for one run); a valid signature by any other key is reported as
"signed by an unknown key", with the fingerprint and how to trust it. The store lives in
isbenefit's data directory (`trust.json`), or wherever `--trust-store` points.

The file is plain JSON, sorted, written atomically, so that it can be reviewed, kept under
version control and shared inside an organisation.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from isbenefit.certify import signing
from isbenefit.errors import InputError
from isbenefit.paths import data_dir
from isbenefit.writing import write_atomic

STORE_FILE = "trust.json"
SCHEMA = "isbenefit.trust/1"


@dataclass(frozen=True)
class TrustedKey:
    """A public key the user trusts, and whose it is.

    Attributes:
        fingerprint: the key's fingerprint (``ed25519:...``).
        name: the issuer, as the user named it when trusting the key.
        public_key: base64 of the raw 32-byte public key.
        added: when it was trusted (UTC, ISO 8601).
    """

    fingerprint: str
    name: str
    public_key: str
    added: str


def store_path(trust_store: Path | None, data: Path | str | None = None) -> Path:
    """The trust store file: ``trust_store`` when given, else in isbenefit's data dir."""
    return trust_store if trust_store is not None else data_dir(data) / STORE_FILE


def load(path: Path) -> dict[str, TrustedKey]:
    """The trusted keys by fingerprint; an absent file is an empty store."""
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        keys = {entry["fingerprint"]: TrustedKey(**entry) for entry in data["keys"]}
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise InputError.one(
            file=str(path),
            message=f"not a trust store written by `isbenefit keys trust` ({error})",
            fix="repair the JSON, or point --trust-store at another file",
        ) from None
    return keys


def save(path: Path, keys: dict[str, TrustedKey]) -> None:
    entries = [asdict(keys[fingerprint]) for fingerprint in sorted(keys)]
    text = json.dumps({"schema": SCHEMA, "keys": entries}, indent=1, ensure_ascii=False)
    write_atomic(path, (text + "\n").encode("utf-8"))


def trust(path: Path, public_key_file: Path, name: str) -> TrustedKey:
    """Add (or rename) the key in ``public_key_file`` under the issuer ``name``."""
    if not name.strip():
        raise InputError.one(
            file=str(public_key_file),
            message="the issuer's name is empty",
            fix="give --name with the issuer's name as you know it",
        )
    key = _public_key(public_key_file)
    entry = TrustedKey(
        signing.fingerprint(key),
        " ".join(name.split()),
        signing.public_key_text(key),
        datetime.now(UTC).replace(microsecond=0).isoformat(),
    )
    keys = load(path)
    keys[entry.fingerprint] = entry
    save(path, keys)
    return entry


def untrust(path: Path, which: str) -> TrustedKey:
    """Remove a key, named by its fingerprint or its public key file."""
    keys = load(path)
    fingerprint = which if which.startswith("ed25519:") else None
    if fingerprint is None:
        fingerprint = signing.fingerprint(_public_key(Path(which)))
    if fingerprint not in keys:
        raise InputError.one(
            file=str(path),
            value=which,
            message="no trusted key has this fingerprint",
            fix="see the fingerprints with `isbenefit keys list`",
        )
    removed = keys.pop(fingerprint)
    save(path, keys)
    return removed


def _public_key(path: Path) -> Ed25519PublicKey:
    try:
        return signing.load_public_key(path)
    except signing.KeyFileError as error:
        raise InputError.one(
            file=str(path), message=str(error), fix="give the issuer's .pub file"
        ) from None
