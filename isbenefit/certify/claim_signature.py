"""The claim signature check of `verify`: signature.json verifies over claim.json with the
given key, else with its embedded key, which must then be trusted; its records are the
key's and the claim's; the page prints the key's fingerprint after the claim's SHA-256,
and the key's issuer and the date of issue in its head (:mod:`isbenefit.certify.printed`).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

from isbenefit.certify.checks import Check, CheckName, Status
from isbenefit.certify.printed import issuer_printed, says_signed

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    from isbenefit.certify.signing import Signature
    from isbenefit.certify.trust import TrustedKey


class Page(Protocol):
    """The page text a check reads (`verification.Certificate`)."""

    @property
    def compact(self) -> str: ...

    @property
    def flat(self) -> str: ...


def signature_check(
    raw: bytes | None,
    claim_bytes: bytes | None,
    key: Ed25519PublicKey | None,
    document: Page,
    trusted: Mapping[str, TrustedKey] | None = None,
) -> Check:
    """The signature against ``key`` when given, else the embedded public key, which must
    then be one of the ``trusted`` keys: a valid signature by any other key is only
    "signed by an unknown key" (anyone can make a key and sign)."""
    from isbenefit.certify import signing

    if raw is None:
        return Check(
            CheckName.SIGNATURE,
            Status.SKIP,
            "not signed: no signature.json attached"
            + (", although the page says it was signed" if says_signed(document.compact) else ""),
        )
    try:
        data = json.loads(raw)
        signature = signing.Signature(
            data["algorithm"], data["public_key"], data["fingerprint"], data["signature"]
        )
        embedded = signing.fingerprint(signing.public_key_of(signature))
    except (ValueError, KeyError, TypeError) as error:
        return Check(CheckName.SIGNATURE, Status.FAIL, f"signature.json is unreadable: {error}")
    problem = _signature_problem(signature, data, claim_bytes, key, embedded)
    if problem is None and not _fingerprint_printed(embedded, claim_bytes, document.compact):
        problem = "the page does not print the signing key's fingerprint"
    named = data.get("issuer")
    if problem is None and named is not None:
        problem = _issuer_problem(named, data.get("signed_on"), signature, document, claim_bytes)
    if problem:
        return Check(CheckName.SIGNATURE, Status.FAIL, problem)
    if key is not None:
        return Check(
            CheckName.SIGNATURE, Status.PASS, f"signed with the given key, fingerprint {embedded}"
        )
    known = (trusted or {}).get(embedded)
    self_named = f"; the key names its issuer {named['name']!r}" if named else ""
    if known is None:
        return Check(
            CheckName.SIGNATURE,
            Status.UNTRUSTED,
            f"signed by the key {embedded}{self_named}, which is not in your trust store: "
            "anyone can make a key under any name and sign. "
            "Fix: if you know this key is the issuer's (ask them for their .pub "
            "file through a channel you trust), run `isbenefit keys trust ISSUER.pub --name "
            "NAME`, or give it with --key",
        )
    return Check(
        CheckName.SIGNATURE,
        Status.PASS,
        f"signed by {known.name} (trusted key {embedded}, trusted on {known.added[:10]}"
        f"{self_named})",
    )


def _fingerprint_printed(fingerprint: str, claim_bytes: bytes | None, compact: str) -> bool:
    """The page prints the key's fingerprint after the claim's SHA-256 (in the details, not
    above them); anywhere when it does not print that SHA-256 (the attachment check fails)."""
    sha = hashlib.sha256(claim_bytes or b"").hexdigest()
    return compact.find(re.sub(r"\s+", "", fingerprint), max(compact.find(sha), 0)) >= 0


def _issuer_problem(
    named: Any, signed_on: Any, signature: Signature, document: Page, claim_bytes: Any
) -> str | None:
    """Why the issuer record in signature.json does not hold for this page, or None."""
    from datetime import date

    from isbenefit.certify import signing

    problem = signing.issuer_problem(named)
    if problem:
        return problem
    if named["public_key"] != signature.public_key:
        return "the issuer record is another key's"
    try:
        day = date.fromisoformat(str(signed_on))
    except ValueError:
        return "signature.json has no readable signing date"
    if (
        not date.fromisoformat(named["valid_from"])
        <= day
        <= date.fromisoformat(named["valid_until"])
    ):
        return (
            f"signed on {day} outside the key's validity ({named['valid_from']} to "
            f"{named['valid_until']})"
        )
    try:
        claim = json.loads(claim_bytes) if claim_bytes else None
    except ValueError:
        claim = None
    issuer = " ".join(str(named["name"]).split())
    if not issuer_printed(document.flat, issuer, day.isoformat(), claim):
        return (
            f"the page does not print the key's issuer {named['name']!r} and date {day} "
            "above the organisation it names"
        )
    return None


def _signature_problem(
    signature: Signature,
    data: Mapping[str, Any],
    claim_bytes: bytes | None,
    key: Ed25519PublicKey | None,
    embedded: str,
) -> str | None:
    from isbenefit.certify import signing

    if signature.algorithm != signing.ALGORITHM:
        return f"unknown signature algorithm {signature.algorithm!r}"
    if key is not None and signing.fingerprint(key) != embedded:
        return f"signed by the key {embedded}, not by the given key {signing.fingerprint(key)}"
    if claim_bytes is None or not signing.is_valid(signature, claim_bytes, key):
        return "the signature does not verify over claim.json"
    if signature.fingerprint != embedded:
        return "signature.json records another fingerprint than its key's"
    if claim_bytes is not None and data.get("claim_sha256") not in (
        None,
        hashlib.sha256(claim_bytes).hexdigest(),
    ):
        return "signature.json names another claim SHA-256"
    return None
