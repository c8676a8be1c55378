"""Issuing a certificate: the claim, its signature, what the page prints, and the PDF.

The claim (:mod:`isbenefit.certify.claim`) is built from the results of an assessment;
the page's context is derived from the claim alone, so ``isbenefit verify`` rebuilds the
printed text from claim.json. Rendering is left to :mod:`isbenefit.documents`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from isbenefit import messages
from isbenefit.certify import claim as claims
from isbenefit.certify.claim import SIGNATURE_FILE
from isbenefit.certify.exchanges_stated import stated_exchanges
from isbenefit.certify.signing import KeyFileError, Signature, Signer, load_signer, sign
from isbenefit.certify.stated import certification_note, certified_figures
from isbenefit.documents import numbers
from isbenefit.documents.certificate import (
    Certificate,
    CertificateContext,
    SignatureNote,
    qr_image,
)
from isbenefit.documents.contexts import (
    document_time,
    make_meta,
    organisation,
    provenance,
    supplied_figures,
)
from isbenefit.documents.render import AttachedFile, render_pdf
from isbenefit.documents.shares import credits, find_organisation, require_year
from isbenefit.messages import SOURCE_LANGUAGE, language, say
from isbenefit.results.model import Results, as_results, with_uncertainty

DEFAULT_ISSUER = "isbenefit"


@dataclass(frozen=True)
class Issuing:
    """Who issues a certificate, and where it is verified.

    Attributes:
        issuer: the issuer an unsigned certificate prints (marked unsigned).
        key_file: the issuer's private key (from `isbenefit keys new`), which signs the
            claim; its issuer record, not ``issuer``, names the issuer of a signed one.
        verify_url: the issuer's verification address prefix: the QR code and the page
            then carry it followed by the certificate id.

    A value, so that a batch hands it to its worker processes: the key is read where
    the certificate is made (`certificate_pdf`).
    """

    issuer: str = DEFAULT_ISSUER
    key_file: Path | None = None
    verify_url: str | None = None

    def signer(self) -> Signer | None:
        """The key and its issuer record, read from ``key_file``; None when unsigned."""
        return load_signer(self.key_file) if self.key_file is not None else None


UNSIGNED = Issuing()


def claim_files(
    claim: dict[str, object],
    cert_id: str,
    sha: str,
    ledger_rows: claims.LedgerRows,
    signature: Signature | None = None,
    signer: Mapping[str, Any] | None = None,
) -> list[AttachedFile]:
    """The files a certificate embeds: the canonical claim, its signature, the ledger sheets."""
    files = [
        AttachedFile(
            claims.CLAIM_FILE,
            claims.canonical_json(claim),
            say(messages.CLAIM_FILE, certificate=cert_id, sha256=sha),
        )
    ]
    if signature is not None:
        files.append(
            AttachedFile(
                SIGNATURE_FILE,
                claims.canonical_json(
                    {**signature.as_dict(), "claim_sha256": sha, **(signer or {})}
                ),
                say(messages.SIGNATURE_FILE, fingerprint=signature.fingerprint),
            )
        )
    files += [
        AttachedFile(
            name,
            data,
            say(messages.LEDGER_SHEET_FILE, sheet=name.removesuffix(".csv")),
            relationship="Source",
        )
        for name, data in claims.ledger_csvs(ledger_rows).items()
    ]
    return files


def data_specificity(claim: Mapping[str, Any]) -> str:
    """How much of the credited CO2e rests on measured, calculated and estimated
    quantities, e.g. ``62 % measured, 38 % estimated``; empty without any CO2e."""
    org, year = str(claim["organisation"]["id"]), str(claim["year"])
    weights: dict[str, float] = {}
    for exchange in claim["exchanges"]:
        share = float(exchange["supplier_share"])
        credited = (share if exchange["supplier"] == org else 0.0) + (
            1.0 - share if exchange["receiver"] == org else 0.0
        )
        amount = abs(
            float(exchange["saved"]["co2e_kg"]) * float(exchange["years"].get(year, 0.0)) * credited
        )
        quality = str(exchange.get("data_quality") or "not stated")
        weights[quality] = weights.get(quality, 0.0) + amount
    total = sum(weights.values())
    if total <= 0:
        return ""
    order = ("measured", "calculated", "estimated")
    kinds = sorted(weights, key=lambda kind: (order.index(kind) if kind in order else 3, kind))
    return ", ".join(
        say(messages.SPECIFICITY, share=numbers.percent(weights[kind] / total), quality=kind)
        for kind in kinds
        if weights[kind] > 0
    )


def signature_note(signature: Signature) -> SignatureNote:
    """The fingerprint in full and the signature abbreviated to its ends."""
    return SignatureNote(
        signature.fingerprint, f"{signature.signature[:12]}…{signature.signature[-12:]}"
    )


def certificate(
    results: Results | Mapping[str, Any],
    org_id: str,
    year: str,
    ledger_rows: claims.LedgerRows,
    issuer: str = DEFAULT_ISSUER,
    signer: Signer | None = None,
    verify_url: str | None = None,
    year_version: int | None = None,
    lang: str = SOURCE_LANGUAGE,
) -> Certificate:
    """The certificate of ``org_id`` for ``year``, signed when a ``signer`` is given (then
    its issuer record names the issuer, else ``issuer`` does, marked unsigned).

    With ``verify_url`` (the issuer's verification address prefix) the QR code carries
    that address followed by the id, and the page prints it; else the QR carries the id
    and the claim hash.

    InputError for an unknown organisation or a year without its exchanges. The claim is
    built from the results dict (``results.source`` when parsed results are given). The
    page is in ``lang``, which a claim names unless it is English.
    """
    with language(lang) as code:
        return _certificate(
            as_results(results), org_id, year, ledger_rows, issuer, signer, verify_url,
            year_version, code,
        )  # fmt: skip


def _certificate(
    results: Results,
    org_id: str,
    year: str,
    ledger_rows: claims.LedgerRows,
    issuer: str,
    signer: Signer | None,
    verify_url: str | None,
    year_version: int | None,
    lang: str,
) -> Certificate:
    record = find_organisation(results, org_id)
    require_year(results, year, org_id)
    claim = claims.build_claim(results.source, org_id, year, ledger_rows, year_version, lang)
    sha = claims.claim_sha256(claim)
    cert_id = claims.certificate_id(sha)
    signature = sign(signer.key, claims.canonical_json(claim)) if signer else None
    issued_on = document_time().date()
    signed_by = None
    if signer is not None:
        if not signer.issuer.covers(issued_on):
            raise KeyFileError(
                f"the key of {signer.issuer.name} may sign from {signer.issuer.valid_from} "
                f"until {signer.issuer.valid_until}, not on {issued_on.isoformat()}; make a "
                "new key with `isbenefit keys new --name` and have it trusted"
            )
        issuer = signer.issuer.name  # a signed certificate names the key's issuer, nothing else
        signed_by = {"issuer": signer.issuer.as_dict(), "signed_on": issued_on.isoformat()}
    else:
        issuer = say(messages.UNSIGNED, issuer=issuer)
    files = claim_files(claim, cert_id, sha, ledger_rows, signature, signed_by)
    org = organisation(record)
    address = f"{verify_url.rstrip('/')}/{cert_id}" if verify_url else ""
    context = CertificateContext(
        meta=make_meta(
            results,
            say(messages.CERTIFICATE_TITLE, certificate=cert_id, organisation=org.name, year=year),
            issuer,
            say(messages.CERTIFICATE_SUBJECT, organisation=org.name, year=year),
            say(messages.CERTIFICATE_KEYWORDS, certificate=cert_id),
        ),
        issuer=issuer,
        org=org,
        year=year,
        figures=certified_figures(claim),
        certification=certification_note(claim),
        exchange_count=len(credits(results, org_id, year)),
        share_rule=say(messages.CERTIFICATE_SHARE_RULE),
        certificate_id=cert_id,
        claim_sha256=sha,
        qr=qr_image(cert_id, sha, address or claims.qr_payload(cert_id, sha)),
        verify_address=address,
        attachments=tuple(item.name for item in files),
        signature=signature_note(signature) if signature else None,
        issued_on=issued_on.isoformat(),
        provenance=replace(provenance(results), rounding=say(messages.STATED_ROUNDING_NOTE)),
        data_specificity=data_specificity(claim),
        supplied=supplied_figures(
            results, (credit.exchange for credit in credits(results, org_id, year))
        ),
        exchanges=stated_exchanges(claim),
    )
    return Certificate(context, tuple(files))


def certificate_pdf(
    results: Results | Mapping[str, Any],
    org_id: str,
    year: str,
    ledger_rows: claims.LedgerRows,
    issuing: Issuing = UNSIGNED,
    year_version: int | None = None,
    lang: str = SOURCE_LANGUAGE,
) -> bytes:
    """The one-page certificate of ``org_id`` for ``year``, its claim data attached, in
    ``lang``.

    With the ``issuing`` key file the claim and the PDF are signed; with its
    ``verify_url`` the QR code and the page carry the verification address; with
    ``year_version`` the claim names the closed year's version it rests on.
    """
    signer = issuing.signer()
    made = certificate(
        results,
        org_id,
        year,
        ledger_rows,
        issuing.issuer,
        signer,
        issuing.verify_url,
        year_version=year_version,
        lang=lang,
    )
    with language(lang):
        pdf = render_pdf("certificate.html", made.context, made.attachments)
        reason = say(messages.SIGNATURE_REASON, certificate=made.context.certificate_id)
    if signer is None:
        return pdf
    from isbenefit.certify.pdf_signature import ISSUER_FIELD, sign_pdf

    # The PDF signature any reader shows; the claim signature inside stays what
    # recomputation rests on.
    return sign_pdf(
        pdf,
        signer.key,
        signer.issuer,
        document_time(),
        ISSUER_FIELD,
        reason=reason,
    )


if TYPE_CHECKING:  # for the annotations of certificate_results only
    from isbenefit.engine.uncertainty import MonteCarloSettings
    from isbenefit.scoring.source import FactorSource


def certificate_results(
    ledger: Path | str,
    org_id: str,
    year: str,
    source: FactorSource,
    currency: str = "EUR",
    monte_carlo: MonteCarloSettings | None = None,
) -> tuple[Results, claims.LedgerRows]:
    """The results a certificate of ``org_id`` for ``year`` is issued from (parsed once),
    and the ledger rows its claim rests on (for :func:`certificate_pdf`).

    The whole ledger is checked and assessed; InputError for an unknown organisation or a
    year without its exchanges, before any Monte Carlo run. With ``monte_carlo`` the run
    needs only this organisation's rows (`claim.assess_ledger_rows`) and gives its ranges
    exactly as a run over the whole ledger would (same claim, same id as `certificates`),
    in a fraction of the time and memory; its `uncertainty` goes into the results. Both
    assessments use ``source``, whose factor set and scores are loaded once.
    """
    from isbenefit.api import assess

    assessment = assess(ledger, factors=source, currency=currency)
    results = Results.from_results(assessment.results)
    find_organisation(results, org_id)
    require_year(results, year, org_id)
    rows = assessment.source_rows(claims.claim_exchange_ids(results.source, org_id, year))
    if monte_carlo is not None:
        ranges = claims.assess_ledger_rows(rows, source, currency, monte_carlo)
        results = with_uncertainty(results, ranges.results["uncertainty"])
    return results, rows
