"""Context and attachments of the one-page certificate of one organisation and year."""

from __future__ import annotations

import io
from dataclasses import dataclass, replace
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
        headline: the annual credited figures.
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
    headline: tuple[Figure, ...]
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


def certified_headline(
    claim: dict[str, Any], year_figures: dict[str, Any], currency: str, year: str
) -> tuple[Figure, ...]:
    """The figures the certificate certifies: conservative ones beside the central estimate
    when Monte Carlo was run (money is never varied), else the deterministic ones."""
    basis = f"annual {year}, credited share"
    money = float(year_figures["money"])
    uncertainty = claim.get("uncertainty")
    if not uncertainty:
        return headline(year_figures["saved"], money, currency, basis)
    certified = headline(claims.certified_saved(claim), money, currency, basis)
    central = headline(year_figures["saved"], money, currency, basis)
    note = (f"certified: conservative P{uncertainty['conservative_percentile']:g} of "
            f"{uncertainty['iterations']} Monte Carlo iterations")
    return tuple(
        replace(figure, basis=f"{basis}; {note}; central estimate {middle.value} {middle.unit}")
        if figure.unit != currency else replace(figure, basis=f"{basis}; not varied")
        for figure, middle in zip(certified, central, strict=True)
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
    year_figures = record["years"][year]
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
        headline=certified_headline(claim, year_figures, str(results["currency"]), year),
        exchange_count=len(credits(results, org_id, year)),
        share_rule=SHARE_RULE,
        certificate_id=cert_id,
        claim_sha256=sha,
        qr=Image(
            "qr",
            "",
            f"{cert_id} sha256:{sha}",
            qr_png(claims.qr_payload(cert_id, sha)),
            "image/png",
        ),
        attachments=tuple(item.name for item in files),
        signature=SignatureNote(
            signature.fingerprint, f"{signature.signature[:12]}…{signature.signature[-12:]}"
        )
        if signature
        else None,
        issued_on=document_time().date().isoformat(),
        provenance=provenance(results),
    )
    return Certificate(context, tuple(files))
