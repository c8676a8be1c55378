"""What `verify` makes of a certificate's PDF signatures: the issuer's and any verifier's.

The issuer's PDF signature must be made by the key that signed the claim (its chain
leads to the Ed25519 key in signature.json) and cover the whole file, or be followed
only by countersignatures. A countersignature must be intact, cover the whole file when
it is the last, and lead to a key the user trusts; only then is "verified by" backed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from isbenefit.certify.checks import Check, CheckName, Status
from isbenefit.certify.claim import LEGACY_SCHEMA
from isbenefit.certify.pdf_signature import (
    ISSUER_FIELD,
    STAMP_BOX,
    VERIFIER_FIELD_PREFIX,
    PdfSignature,
    PdfSignatureError,
    common_name,
    read_pdf_signatures,
)

if TYPE_CHECKING:
    from isbenefit.certify.trust import TrustedKey

# A countersignature's field, as `isbenefit countersign` names it.
VERIFIER_FIELD = re.compile(re.escape(VERIFIER_FIELD_PREFIX) + r"-[1-9][0-9]*")

READER_NOTE = (
    'PDF readers show "signed by {name}"; as the key is self-certified they add that its '
    "identity is not in their trusted list"
)


def pdf_signature_checks(
    pdf: bytes,
    signature_raw: bytes | None,
    claim: Mapping[str, Any] | None,
    trusted: Mapping[str, TrustedKey] | None,
) -> list[Check]:
    """The PDF-signature check, and a countersignature check when a verifier signed."""
    try:
        found = read_pdf_signatures(pdf)
    except PdfSignatureError as error:
        return [Check(CheckName.PDF_SIGNATURE, Status.FAIL, str(error))]
    issuer = [item for item in found if item.field_name == ISSUER_FIELD]
    verifiers = [item for item in found if VERIFIER_FIELD.fullmatch(item.field_name)]
    others = [item for item in found if item not in issuer and item not in verifiers]
    check = _issuer_check(issuer, signature_raw, claim, found)
    if others and check.status is not Status.SKIP:
        # A signature under any other name could draw anything over the page and still
        # count as "form filling" for the issuer's signature: none may follow it.
        named = ", ".join(
            f"{item.field_name!r} by {item.signer_name or 'unknown'}" for item in others
        )
        problem = (
            f"other signatures follow the issuer's ({named}); only isbenefit countersignatures may"
        )
        check = Check(
            CheckName.PDF_SIGNATURE,
            Status.FAIL,
            problem if check.status is not Status.FAIL else f"{check.message}; {problem}",
        )
    checks = [check]
    if verifiers:
        checks.append(_countersignature_check(verifiers, trusted or {}, issuer))
    return checks


def _outside_stamp(pades: PdfSignature) -> str:
    """Why ``pades`` draws where no countersignature may (anywhere but the stamp box at
    the foot of the page), or ""."""
    if pades.box is None:
        return ""
    left, bottom, right, top = STAMP_BOX
    x1, y1, x2, y2 = pades.box
    if x1 >= left - 1 and y1 >= bottom - 1 and x2 <= right + 1 and y2 <= top + 1:
        return ""
    return (
        f"its box ({x1:.0f}, {y1:.0f}, {x2:.0f}, {y2:.0f}) lies outside the countersignature "
        "box at the foot of the page and may cover what the issuer printed"
    )


def _issuer_check(
    issuer: list[PdfSignature],
    signature_raw: bytes | None,
    claim: Mapping[str, Any] | None,
    found: list[PdfSignature],
) -> Check:
    if signature_raw is None:
        others = ", ".join(item.field_name for item in found)
        return Check(
            CheckName.PDF_SIGNATURE,
            Status.SKIP,
            "no issuer signature (the claim is unsigned)"
            + (f"; other PDF signatures, not checked: {others}" if others else ""),
        )
    try:
        signed = json.loads(signature_raw)
        claim_key, named = str(signed["public_key"]), signed.get("issuer") or {}
    except (ValueError, KeyError, TypeError, AttributeError):
        return Check(CheckName.PDF_SIGNATURE, Status.FAIL, "signature.json is unreadable")
    if not isinstance(named, dict) or not isinstance(named.get("name", ""), str):
        return Check(CheckName.PDF_SIGNATURE, Status.FAIL, "signature.json's issuer is unreadable")
    if not issuer:
        # Claims signed since PDF signatures exist carry "rounding" (inside the signed
        # claim, so it cannot be dropped): only older ones may lack the PDF signature.
        if claim is not None and (claim.get("schema") == LEGACY_SCHEMA or "rounding" not in claim):
            return Check(
                CheckName.PDF_SIGNATURE,
                Status.SKIP,
                "no PDF signature: issued before isbenefit signed certificates for PDF readers",
            )
        return Check(
            CheckName.PDF_SIGNATURE,
            Status.FAIL,
            "the claim is signed but the PDF carries no issuer PDF signature (removed?)",
        )
    if len(issuer) > 1:
        return Check(CheckName.PDF_SIGNATURE, Status.FAIL, "two issuer PDF signatures")
    pades = issuer[0]
    problems = pades.problems()
    if pades.box is not None:
        problems.append("the issuer's PDF signature draws on the page (it never does)")
    if pades.root_key and pades.root_key != claim_key:
        problems.append(
            f"the PDF signature leads to the key {pades.root_fingerprint}, not to the key "
            "that signed the claim"
        )
    if named and pades.signer_name != common_name(str(named.get("name"))):
        problems.append(
            f"the PDF signature names {pades.signer_name!r}, the issuer record {named['name']!r}"
        )
    if problems:
        return Check(CheckName.PDF_SIGNATURE, Status.FAIL, "; ".join(problems))
    return Check(
        CheckName.PDF_SIGNATURE,
        Status.PASS,
        f"PAdES signature by {pades.signer_name} (the claim's key {pades.root_fingerprint}), "
        f"signed {pades.signed_at}, covers "
        + ("the whole file" if pades.covers_whole_file else "its revision; only signatures follow")
        + "; "
        + READER_NOTE.format(name=pades.signer_name),
    )


def _countersignature_check(
    verifiers: list[PdfSignature],
    trusted: Mapping[str, TrustedKey],
    issuer: list[PdfSignature],
) -> Check:
    failed, unknown, passed = [], [], []
    for pades in verifiers:
        problems = pades.problems()
        if _outside_stamp(pades):
            problems.append(_outside_stamp(pades))
        if issuer and pades.root_key == issuer[0].root_key:
            problems.append("countersigned with the issuer's own key (not independent)")
        label = f"{pades.signer_name} ({pades.root_fingerprint or 'no isbenefit key'})"
        if problems:
            failed.append(f"{label}: " + "; ".join(problems))
            continue
        known = trusted.get(pades.root_fingerprint)
        said = f"{pades.reason!r}, signed {pades.signed_at}"
        if known is None:
            unknown.append(
                f"{label}, {said}: the verifier's key is not in your trust store. Fix: if you "
                "know it is the verifier's, `isbenefit keys trust VERIFIER.pub --name NAME`"
            )
        else:
            passed.append(
                f"verified by {known.name} (trusted key {pades.root_fingerprint}), {said}"
            )
    if failed:
        return Check(CheckName.COUNTERSIGNATURE, Status.FAIL, " | ".join(failed))
    if unknown:
        return Check(CheckName.COUNTERSIGNATURE, Status.UNTRUSTED, " | ".join(unknown + passed))
    return Check(CheckName.COUNTERSIGNATURE, Status.PASS, " | ".join(passed))
