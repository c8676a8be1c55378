"""Context and attachments of the one-page certificate of one organisation and year."""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import qrcode
import qrcode.constants
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from isbenefit.documents import claim as claims
from isbenefit.documents.contexts import (
    Figure,
    Image,
    Meta,
    Organisation,
    Provenance,
    document_time,
    headline,
    make_meta,
    organisation,
    provenance,
)
from isbenefit.documents.render import AttachedFile
from isbenefit.documents.shares import Results, credits, find_organisation, require_year
from isbenefit.signing import Signature, sign

SIGNATURE_FILE = "signature.json"

DEFAULT_ISSUER = "isbenefit"
QR_MASK = 4
DETERMINISTIC = "certified (deterministic; no Monte Carlo run)"
MONEY_NOT_VARIED = "certified (deterministic; money is not varied)"
CENTRAL = "central estimate"
SHARE_RULE = (
    "Savings of each exchange are computed once and split between supplier and receiver by "
    "the exchange's supplier share; the figures are this organisation's credited shares."
)


@dataclass(frozen=True)
class CertificateContext:
    """Everything ``certificate.html`` prints.

    Attributes:
        meta: PDF metadata.
        issuer: who issues the certificate.
        org: the organisation.
        year: the reporting year.
        figures: the certified annual credited figures.
        certification: which figures are certified (conservative or deterministic), in a
            sentence.
        exchange_count: number of exchanges the figures come from.
        share_rule: the credit share rule in one sentence.
        certificate_id: id derived from the claim's hash.
        claim_sha256: SHA-256 of the claim's canonical JSON.
        qr: QR code carrying the id and the hash.
        attachments: names of the files embedded in the PDF.
        signature: the issuer's signature of the claim, or None when unsigned.
        issued_on: date of issue (UTC).
        provenance: versions, hashes and rounding.
    """

    meta: Meta
    issuer: str
    org: Organisation
    year: str
    figures: tuple[CertifiedFigure, ...]
    certification: str
    exchange_count: int
    share_rule: str
    certificate_id: str
    claim_sha256: str
    qr: Image
    attachments: tuple[str, ...]
    signature: SignatureNote | None
    issued_on: str
    provenance: Provenance


@dataclass(frozen=True)
class CertifiedFigure:
    """One certified headline figure.

    Attributes:
        figure: the certified figure as printed (label, value, unit, basis).
        certified: how it is certified, e.g. ``certified (conservative, P5 of 1000 Monte
            Carlo iterations)`` or ``certified (deterministic; no Monte Carlo run)``.
        central: ``central estimate`` and the deterministic value with its unit, or empty
            when the certified figure is the deterministic one.
    """

    figure: Figure
    certified: str
    central: str


@dataclass(frozen=True)
class SignatureNote:
    """What the page prints of a signature.

    Attributes:
        fingerprint: the issuer public key's fingerprint, in full.
        excerpt: the first and last characters of the base64 signature.
    """

    fingerprint: str
    excerpt: str


@dataclass(frozen=True)
class Certificate:
    """A certificate ready to render: its context and the files to embed.

    Attributes:
        context: what the page prints.
        attachments: claim.json and the ledger rows as CSV sheets.
    """

    context: CertificateContext
    attachments: tuple[AttachedFile, ...]


def qr_png(payload: str) -> bytes:
    """A QR code (error correction M, no border) as a PNG of one pixel per module.

    Printed scaled up without interpolation (CSS ``image-rendering: pixelated``),
    so its edges stay sharp at any size. A PNG renders far faster than the
    equivalent SVG path of several hundred squares. The mask is fixed: any of
    the eight is valid, and searching for the best costs more than the rest.
    """
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=0,
        box_size=1,
        mask_pattern=QR_MASK,
    )
    code.add_data(payload)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image().save(buffer, format="PNG")
    return buffer.getvalue()


def claim_files(
    claim: dict[str, object],
    cert_id: str,
    sha: str,
    ledger_rows: claims.LedgerRows,
    signature: Signature | None = None,
) -> list[AttachedFile]:
    """The files a certificate embeds: the canonical claim, its signature, the ledger sheets."""
    files = [
        AttachedFile(
            claims.CLAIM_FILE,
            claims.canonical_json(claim),
            f"Claim of certificate {cert_id}: results and ledger rows "
            f"(canonical JSON, SHA-256 {sha})",
        )
    ]
    if signature is not None:
        files.append(
            AttachedFile(
                SIGNATURE_FILE,
                claims.canonical_json({**signature.as_dict(), "claim_sha256": sha}),
                f"Ed25519 signature of claim.json by the issuer key {signature.fingerprint}",
            )
        )
    files += [
        AttachedFile(
            name,
            data,
            f"Ledger sheet {name[:-4]}: the rows the claim rests on",
            relationship="Source",
        )
        for name, data in claims.ledger_csvs(ledger_rows).items()
    ]
    return files


def certified_figures(claim: Mapping[str, Any]) -> tuple[CertifiedFigure, ...]:
    """The figures a claim certifies, as the page prints them.

    With a Monte Carlo run the certified saved figures are the conservative ones and the
    central estimate (the deterministic value) is printed beside each; money is never
    varied. Without one the deterministic figures are certified. Everything comes from
    the claim, so ``isbenefit verify`` rebuilds the same text from claim.json alone.
    """
    year, currency = str(claim["year"]), str(claim["currency"])
    basis = f"annual {year}, credited share"
    money = float(claim["credited"]["money"])
    central = headline(claim["credited"]["saved"], money, currency, basis)
    run = claim.get("uncertainty")
    if not run:
        return tuple(CertifiedFigure(figure, DETERMINISTIC, "") for figure in central)
    certified = headline(claims.certified_saved(claim), money, currency, basis)
    label = conservative_label(run)
    return tuple(
        CertifiedFigure(figure, label, f"{CENTRAL} {middle.value} {middle.unit}")
        if figure.unit != currency
        else CertifiedFigure(figure, MONEY_NOT_VARIED, "")
        for figure, middle in zip(certified, central, strict=True)
    )


def conservative_label(run: Mapping[str, Any]) -> str:
    """``certified (conservative, P5 of 1000 Monte Carlo iterations)``."""
    return (
        f"certified (conservative, P{float(run['conservative_percentile']):g} of "
        f"{int(run['iterations'])} Monte Carlo iterations)"
    )


def certification_note(claim: Mapping[str, Any]) -> str:
    """One sentence saying which figures are certified and why."""
    run = claim.get("uncertainty")
    if not run:
        return (
            "Deterministic: the central values of the assessment; no Monte Carlo uncertainty "
            "analysis was run."
        )
    percentile = f"P{float(run['conservative_percentile']):g}"
    return (
        f"Conservative: the {percentile} of {int(run['iterations'])} Monte Carlo iterations "
        f"(seed {run['seed']}) varying factors and quantities; the central estimate beside "
        "each is the deterministic value. Money is not varied."
    )


def qr_image(cert_id: str, sha: str) -> Image:
    """The QR code of a certificate, as the page prints it."""
    return Image(
        "qr", "", f"{cert_id} sha256:{sha}", qr_png(claims.qr_payload(cert_id, sha)), "image/png"
    )


def signature_note(signature: Signature) -> SignatureNote:
    """The fingerprint in full and the signature abbreviated to its ends."""
    return SignatureNote(
        signature.fingerprint, f"{signature.signature[:12]}…{signature.signature[-12:]}"
    )


def certificate(
    results: Results,
    org_id: str,
    year: str,
    ledger_rows: claims.LedgerRows,
    issuer: str = DEFAULT_ISSUER,
    signing_key: Ed25519PrivateKey | None = None,
) -> Certificate:
    """The certificate of ``org_id`` for ``year``, signed when a key is given.

    InputError for an unknown organisation or a year without its exchanges.
    """
    record = find_organisation(results, org_id)
    require_year(results, year, org_id)
    claim = claims.build_claim(results, org_id, year, ledger_rows)
    sha = claims.claim_sha256(claim)
    cert_id = claims.certificate_id(sha)
    signature = sign(signing_key, claims.canonical_json(claim)) if signing_key else None
    files = claim_files(claim, cert_id, sha, ledger_rows, signature)
    org = organisation(record)
    context = CertificateContext(
        meta=make_meta(
            results,
            f"Benefit certificate {cert_id}: {org.name}, {year}",
            issuer,
            f"Certified annual industrial-symbiosis benefits of {org.name} in {year}",
            f"industrial symbiosis, certificate, {cert_id}",
        ),
        issuer=issuer,
        org=org,
        year=year,
        figures=certified_figures(claim),
        certification=certification_note(claim),
        exchange_count=len(credits(results, org_id, year)),
        share_rule=SHARE_RULE,
        certificate_id=cert_id,
        claim_sha256=sha,
        qr=qr_image(cert_id, sha),
        attachments=tuple(item.name for item in files),
        signature=signature_note(signature) if signature else None,
        issued_on=document_time().date().isoformat(),
        provenance=provenance(results),
    )
    return Certificate(context, tuple(files))
