"""Issuer keys and signatures (Ed25519, from the `cryptography` package).

A key pair is two PEM files: the private key (PKCS#8, mode 0600) and the public
key (SubjectPublicKeyInfo). A signature covers the canonical JSON bytes of a
claim. The fingerprint of a public key is ``ed25519:`` and the first 32 hex
digits of the SHA-256 of its raw 32 bytes, grouped by four for reading aloud.
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from isbenefit.errors import IsbenefitError

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


def new_key_pair(private_path: Path, public_path: Path) -> str:
    """Write a new key pair; refuses to overwrite. Returns the public key's fingerprint."""
    for path in (private_path, public_path):
        if path.exists():
            raise KeyFileError(f"{path} exists; choose another name or move it away first")
    private = Ed25519PrivateKey.generate()
    private_pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    private_path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as stream:
        stream.write(private_pem)
    public_path.write_bytes(public_pem)
    return fingerprint(private.public_key())


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
