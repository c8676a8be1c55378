"""Issuer keys and signatures (Ed25519, from the `cryptography` package).

A key pair is two PEM files: the private key (PKCS#8, mode 0600) and the public
key (SubjectPublicKeyInfo), plus ``PREFIX.issuer.json``: the issuer's name and the
key's validity period, signed by the key itself. A certificate signed with the key
prints that name as its issuer (never free text). A signature covers the canonical JSON
bytes of a claim. The fingerprint of a public key is ``ed25519:`` and the first 32 hex
digits of the SHA-256 of its raw 32 bytes, grouped by four for reading aloud.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from isbenefit.errors import IsbenefitError, WriteError

ALGORITHM = "Ed25519"


class KeyFileError(ValueError, IsbenefitError):
    """A key file that cannot be read or is not an Ed25519 key."""


@dataclass(frozen=True)
class Signature:
    """A detached signature, as embedded in a certificate."""

    algorithm: str
    public_key: str  # base64 of the raw 32-byte public key
    fingerprint: str
    signature: str  # base64 of the 64-byte signature

    def as_dict(self) -> dict[str, str]:
        return {
            "algorithm": self.algorithm,
            "public_key": self.public_key,
            "fingerprint": self.fingerprint,
            "signature": self.signature,
        }


ISSUER_SCHEMA = "isbenefit.issuer/1"
DEFAULT_VALID_DAYS = 3 * 365


@dataclass(frozen=True)
class Issuer:
    """Who holds a key, by their own statement signed with it, and when it may sign."""

    name: str
    valid_from: str  # ISO date, inclusive
    valid_until: str  # ISO date, inclusive
    public_key: str
    fingerprint: str
    signature: str = ""

    def unsigned(self) -> dict[str, str]:
        return {
            "schema": ISSUER_SCHEMA,
            "name": self.name,
            "valid_from": self.valid_from,
            "valid_until": self.valid_until,
            "public_key": self.public_key,
            "fingerprint": self.fingerprint,
        }

    def as_dict(self) -> dict[str, str]:
        return {**self.unsigned(), "signature": self.signature}

    def covers(self, day: date) -> bool:
        return date.fromisoformat(self.valid_from) <= day <= date.fromisoformat(self.valid_until)


def issuer_path(private_path: Path) -> Path:
    """``PREFIX.issuer.json`` beside ``PREFIX.key``."""
    return private_path.with_suffix(".issuer.json")


def issuer_problem(data: Any) -> str | None:
    """Why an issuer record (from signature.json or an issuer file) does not hold, or None."""
    try:
        issuer = Issuer(**{k: str(v) for k, v in data.items() if k != "schema"})
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(issuer.public_key))
        date.fromisoformat(issuer.valid_from), date.fromisoformat(issuer.valid_until)
    except (TypeError, ValueError, AttributeError) as error:
        return f"the issuer record is unreadable ({error})"
    if fingerprint(key) != issuer.fingerprint:
        return "the issuer record names another key's fingerprint"
    claimed = Signature(ALGORITHM, issuer.public_key, issuer.fingerprint, issuer.signature)
    if not is_valid(claimed, rfc8785.dumps(issuer.unsigned()), key):
        return "the issuer record is not signed by its key (name or validity edited)"
    return None


def load_issuer(private_path: Path, key: Ed25519PrivateKey) -> Issuer:
    """The issuer record beside a private key; KeyFileError when absent or not this key's."""
    path = issuer_path(private_path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise KeyFileError(
            f"{path}: the key has no readable issuer record ({error}); make keys with "
            "`isbenefit keys new --name NAME`, which names the issuer a signed certificate prints"
        ) from None
    problem = issuer_problem(data)
    if problem is None and data.get("public_key") != public_key_text(key.public_key()):
        problem = "it belongs to another key"
    if problem:
        raise KeyFileError(f"{path}: {problem}")
    return Issuer(**{k: str(v) for k, v in data.items() if k != "schema"})


def new_key_pair(
    private_path: Path,
    public_path: Path,
    name: str,
    valid_days: int = DEFAULT_VALID_DAYS,
    today: date | None = None,
) -> str:
    """Write a new key pair and its issuer record (``name``, valid from ``today`` for
    ``valid_days``); refuses to overwrite. Returns the public key's fingerprint."""
    if not name.strip():
        raise KeyFileError("the issuer's name is empty; give --name")
    for path in (private_path, public_path, issuer_path(private_path)):
        if path.exists():
            raise KeyFileError(f"{path} exists; choose another name or move it away first")
    private = Ed25519PrivateKey.generate()
    private_pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    start = today or datetime.now(UTC).date()
    unsigned = Issuer(
        " ".join(name.split()),
        start.isoformat(),
        (start + timedelta(days=valid_days)).isoformat(),
        public_key_text(private.public_key()),
        fingerprint(private.public_key()),
    )
    signed = Issuer(
        **{
            **unsigned.__dict__,
            "signature": sign(private, rfc8785.dumps(unsigned.unsigned())).signature,
        }
    )
    record = json.dumps(signed.as_dict(), indent=1, ensure_ascii=False) + "\n"
    _write_key_files(
        (private_path, private_pem, 0o600),
        (public_path, public_pem, 0o666),
        (issuer_path(private_path), record.encode("utf-8"), 0o666),
    )
    return fingerprint(private.public_key())


def _write_key_files(*files: tuple[Path, bytes, int]) -> None:
    """Write each new file (never over an existing one), all or none: a folder that
    cannot be written leaves nothing behind and raises WriteError."""
    written: list[Path] = []
    try:
        for path, data, mode in files:
            path.parent.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
            written.append(path)
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(descriptor, view) :]
            finally:
                os.close(descriptor)
    except OSError as error:
        for path in written:
            path.unlink(missing_ok=True)
        if WriteError.covers(error):
            raise WriteError.of(path, error, "choose another -o PREFIX") from None
        raise


@dataclass(frozen=True)
class Signer:
    """A private key with the issuer record beside it: who signs, and when they may."""

    key: Ed25519PrivateKey
    issuer: Issuer


def load_signer(private_path: Path) -> Signer:
    """The key at ``private_path`` and its issuer record (`load_private_key`,
    `load_issuer`); KeyFileError when either does not hold."""
    key = load_private_key(private_path)
    return Signer(key, load_issuer(private_path, key))


def load_private_key(path: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as error:
        raise KeyFileError(
            f"{path}: not a readable unencrypted PEM private key ({error}); "
            "make one with `isbenefit keys new`"
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(f"{path}: not an Ed25519 key; make one with `isbenefit keys new`")
    return key


def load_public_key(path: Path) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(path.read_bytes())
    except (OSError, ValueError) as error:
        raise KeyFileError(
            f"{path}: not a readable PEM public key ({error}); give the .pub file "
            "written by `isbenefit keys new`"
        ) from None
    if not isinstance(key, Ed25519PublicKey):
        raise KeyFileError(f"{path}: not an Ed25519 public key")
    return key


def public_key_text(key: Ed25519PublicKey) -> str:
    """Base64 of the raw 32-byte public key, as signature.json and the trust store hold it."""
    return base64.b64encode(raw_public_bytes(key)).decode("ascii")


def raw_public_bytes(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def fingerprint(key: Ed25519PublicKey) -> str:
    digest = hashlib.sha256(raw_public_bytes(key)).hexdigest()[:32]
    return "ed25519:" + ":".join(digest[i : i + 4] for i in range(0, 32, 4))


def sign(private: Ed25519PrivateKey, message: bytes) -> Signature:
    public = private.public_key()
    return Signature(
        ALGORITHM,
        public_key_text(public),
        fingerprint(public),
        base64.b64encode(private.sign(message)).decode("ascii"),
    )


def public_key_of(signature: Signature) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(base64.b64decode(signature.public_key))


def is_valid(signature: Signature, message: bytes, key: Ed25519PublicKey | None = None) -> bool:
    """Whether ``signature`` signs ``message`` under ``key`` (else the embedded public key)."""
    try:
        verifier = key or public_key_of(signature)
        verifier.verify(base64.b64decode(signature.signature, validate=True), message)
    except (InvalidSignature, ValueError):
        return False
    return True


def verified_signer(raw: bytes | None, claim: bytes) -> dict[str, str] | None:
    """Who signed ``claim`` as signature.json (``raw``) says, once the signature verifies
    over it with its embedded key and the recorded fingerprint is that key's: ``issuer``
    (the issuer record's name), ``fingerprint`` (the verified key's), ``public_key`` and
    ``signed_on``. All empty, and ``issuer`` "unsigned", without a signature.json; None
    when it does not verify (a fingerprint alone is never taken on trust)."""
    if raw is None:
        return {"issuer": "unsigned", "fingerprint": "", "public_key": "", "signed_on": ""}
    try:
        data = json.loads(raw)
        signature = Signature(
            str(data["algorithm"]),
            str(data["public_key"]),
            str(data["fingerprint"]),
            str(data["signature"]),
        )
        key = public_key_of(signature)
    except (ValueError, KeyError, TypeError):
        return None
    if signature.algorithm != ALGORITHM or not is_valid(signature, claim, key):
        return None
    if fingerprint(key) != signature.fingerprint:
        return None
    issuer = data.get("issuer") if isinstance(data.get("issuer"), dict) else {}
    return {
        "issuer": str(issuer.get("name") or "unnamed issuer"),
        "fingerprint": fingerprint(key),
        "public_key": signature.public_key,
        "signed_on": str(data.get("signed_on") or ""),
    }
