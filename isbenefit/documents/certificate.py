"""What the one-page certificate prints: its context types and its QR code.

The context is built by :mod:`isbenefit.certify.issue` from a claim; this module only
describes the page and draws the QR code, so rendering never assesses or signs.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

from isbenefit.documents.contexts import Figure, Image, Meta, Organisation, Provenance

if TYPE_CHECKING:  # `verify` reads CertifiedFigure without loading the renderer
    from isbenefit.documents.render import AttachedFile

QR_MASK = 4


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
        verify_address: the issuer's verification address of this certificate (the QR
            code carries it), or empty.
        data_specificity: shares of the credited CO2e resting on measured, calculated and
            estimated quantities, or empty.
        supplied: the figures supplied with the ledger (its `factors` sheet) the credited
            exchanges use, with their sources, or empty.
        exchanges: the exchanges behind the figures with their baselines, shares and
            flags (claims from isbenefit.claim/3 on), or None.
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
    verify_address: str = ""
    data_specificity: str = ""
    supplied: str = ""
    exchanges: ExchangeTable | None = None


@dataclass(frozen=True)
class ExchangeRow:
    """One exchange behind the figures, as the page prints it.

    Attributes:
        id: the exchange id.
        replaced: what the exchange's stream replaced or avoided (resource and baselines).
        baseline: the baseline activities scored, each with its location (variant noted).
        share: the share of the exchange's saving credited to the organisation.
        marks: the short marks of the exchange's flags, e.g. ``ETS PROXY``.
    """

    id: str
    replaced: str
    baseline: str
    share: str
    marks: str


@dataclass(frozen=True)
class ExchangeTable:
    """The exchanges a certificate names: the largest ones, how many more, the legend.

    Attributes:
        heading: the table's caption.
        columns: the column headings, in the rows' order.
        rows: the exchanges printed, largest credited CO2e first.
        more: ``and N more exchanges`` when not all fit, else empty.
        legend: each flag mark used with its meaning, or empty.
    """

    heading: str
    columns: tuple[str, ...]
    rows: tuple[ExchangeRow, ...]
    more: str
    legend: tuple[str, ...]


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
    import qrcode
    import qrcode.constants

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


def qr_image(cert_id: str, sha: str, payload: str) -> Image:
    """The QR code of a certificate carrying ``payload``, as the page prints it."""
    return Image("qr", "", f"{cert_id} sha256:{sha}", qr_png(payload), "image/png")
