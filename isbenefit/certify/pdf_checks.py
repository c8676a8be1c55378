"""What `verify` makes of a certificate's PDF signatures: the issuer's and any verifier's.

The issuer's PDF signature must be made by the key that signed the claim (its chain
leads to the Ed25519 key in signature.json) and cover the whole file, or be followed
only by countersignatures. A countersignature must be intact, cover the whole file when
it is the last, and lead to a key the user trusts; only then is "verified by" backed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from isbenefit.certify.checks import Check, CheckName, Status
from isbenefit.certify.pdf_signature import (
    ISSUER_FIELD,
    VERIFIER_FIELD_PREFIX,
    PdfSignature,
    PdfSignatureError,
    common_name,
    read_pdf_signatures,
)

if TYPE_CHECKING:
    from isbenefit.certify.trust import TrustedKey

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
    verifiers = [item for item in found if item.field_name.startswith(VERIFIER_FIELD_PREFIX)]
    checks = [_issuer_check(issuer, signature_raw, claim, found)]
    if verifiers:
        checks.append(_countersignature_check(verifiers, trusted or {}, issuer))
    return checks


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
    except (ValueError, KeyError, TypeError):
        return Check(CheckName.PDF_SIGNATURE, Status.FAIL, "signature.json is unreadable")
    if not issuer:
        if claim is not None and str(claim.get("schema", "")).endswith("/1"):
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
