"""Verifying a certificate: its attachment, its signature, its printed figures, its sums.

Checks, verdicts and exit codes are described in :mod:`isbenefit.certify.checks`; the
page is read against the claim in :mod:`isbenefit.certify.printed` (by the claim and
fixed markers, never by the page's labels); the claim signature check is in
:mod:`isbenefit.certify.claim_signature`, the recomputation check in
:mod:`isbenefit.certify.recomputation`. With ``isbenefit --verbose`` each check's outcome
and time is logged at debug level.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import re
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from isbenefit.certify.checks import Check, CheckName, Report, Status, Verdict
from isbenefit.certify.claim_signature import signature_check
from isbenefit.certify.printed import (
    printed_check,
    printed_ids,
    statement_id_problems,
)
from isbenefit.errors import InputError
from isbenefit.messages import SOURCE_LANGUAGE, UnknownLanguageError, language

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    from isbenefit.certify.trust import TrustedKey
    from isbenefit.scoring.source import FactorSource

CLAIM_FIELDS = (
    "schema",
    "year",
    "currency",
    "factor_set",
    "organisation",
    "credited",
    "exchanges",
    "ledger_rows",
)
LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class Certificate:
    """What a certificate PDF holds: its attachments and its page text."""

    attachments: dict[str, bytes]
    text: str
    data: bytes = b""  # the file as read, for its PDF signatures

    @property
    def compact(self) -> str:
        """The page text without any whitespace (hashes and ids wrap across lines)."""
        return re.sub(r"\s+", "", self.text)

    @property
    def flat(self) -> str:
        """The page text with every run of whitespace as one space."""
        return " ".join(self.text.replace("\u00a0", " ").split())


def read_certificate(pdf: Path) -> Certificate:
    """Attachments and text of a PDF; InputError when it is not a readable PDF."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        data = pdf.read_bytes()
        reader = PdfReader(io.BytesIO(data))
        attachments = {name: data[0] for name, data in reader.attachments.items() if data}
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
    except (OSError, ValueError, PyPdfError) as error:
        raise InputError.one(
            file=str(pdf),
            message=f"not a readable PDF ({error})",
            fix="give a certificate written by `isbenefit certificate`",
        ) from None
    return Certificate(attachments, text, data)


def verify(
    pdf: Path,
    public_key: Path | None = None,
    source: FactorSource | None = None,
    trusted: Mapping[str, TrustedKey] | None = None,
    status_list: Path | None = None,
) -> Report:
    """Run every check on a certificate PDF (see the module docstring).

    ``source`` gives the factor set the recomputation uses (None: the shipped one);
    ``trusted`` the keys whose signatures are accepted without ``public_key``.
    """
    from isbenefit.certify.claim import CLAIM_FILE, SIGNATURE_FILE, certificate_id

    key = read_public_key(public_key) if public_key else None
    with _timed(f"reading {pdf}"):
        document = read_certificate(pdf)
    raw = document.attachments.get(CLAIM_FILE)
    sha = hashlib.sha256(raw).hexdigest() if raw is not None else ""
    report = Report(str(pdf), certificate_id=certificate_id(sha) if sha else None)
    if (
        raw is None
        and SIGNATURE_FILE not in document.attachments
        and not printed_ids(document.compact)
    ):
        report.not_a_certificate = True
        report.checks.append(
            Check(
                CheckName.ATTACHMENT,
                Status.FAIL,
                "not a certificate: no claim is attached and no certificate id is printed "
                "(a benefit statement or an annual report is not verifiable on its own; its "
                "figures come from the ledger: assess that). Fix: give the certificate PDF",
            )
        )
        return report
    _run_checks(report, document, key, source, trusted, status_list)
    for check in report.checks:
        LOG.debug("%s: %s (%s)", check.name, check.status, check.message)
    LOG.debug("verdict: %s, exit code %d", report.verdict, report.exit_code)
    return report


def _run_checks(
    report: Report,
    document: Certificate,
    key: Ed25519PublicKey | None,
    source: FactorSource | None,
    trusted: Mapping[str, TrustedKey] | None,
    status_list: Path | None,
) -> None:
    """Each check of a certificate, in order, into ``report``."""
    from isbenefit.certify.claim import CLAIM_FILE, SIGNATURE_FILE
    from isbenefit.certify.pdf_checks import pdf_signature_checks
    from isbenefit.certify.recomputation import recomputation_checks

    raw, signed = document.attachments.get(CLAIM_FILE), document.attachments.get(SIGNATURE_FILE)
    claim, attachment = attachment_check(raw, document.compact)
    if claim is not None:
        problem = _other_attachments_problem(claim, document.attachments)
        if problem:
            claim, attachment = None, Check(CheckName.ATTACHMENT, Status.FAIL, problem)
    report.checks.append(attachment)
    report.checks.append(signature_check(signed, raw, key, document, trusted))
    if claim is None:
        return
    with _timed("the PDF signatures"):
        report.checks.extend(pdf_signature_checks(document.data, signed, claim, trusted))
    if status_list is not None:
        check, report.status_verdict = status_check(
            status_list, report.certificate_id or "", signed
        )
        report.checks.append(check)
    try:
        report.language = str(claim.get("language", SOURCE_LANGUAGE))
        report.checks.append(printed_in_language(claim, document.flat, report.language))
        with _timed("the recomputation"):
            report.checks.extend(recomputation_checks(claim, source))
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as error:
        if isinstance(error, InputError):
            raise
        # A claim of the right shape whose deeper parts are not a claim's: whoever made
        # it, it is no claim isbenefit wrote.
        report.checks[0] = Check(
            CheckName.ATTACHMENT,
            Status.FAIL,
            f"claim.json is malformed ({type(error).__name__}: {error})",
        )


def printed_in_language(claim: Mapping[str, Any], flat: str, lang: str) -> Check:
    """The printed-figures check, with the page's text rebuilt in the claim's language."""
    try:
        with language(lang):
            return printed_check(claim, flat)
    except UnknownLanguageError as error:
        return Check(CheckName.PRINTED, Status.FAIL, f"claim.json names {error}")


@contextmanager
def _timed(what: str) -> Iterator[None]:
    """Log how long ``what`` took, at debug level."""
    start = time.perf_counter()
    try:
        yield
    finally:
        LOG.debug("%s took %.3f s", what, time.perf_counter() - start)


def status_check(
    path: Path, certificate_id: str, signature_raw: bytes | None
) -> tuple[Check, Verdict | None]:
    """What the issuer's status list says of the certificate, once the list checks out."""
    from isbenefit.certify import status

    public_key, entries = status.load(path)
    broken = status.problems(public_key, entries)
    if broken:
        return Check(
            CheckName.STATUS, Status.FAIL, f"the status list {path} is broken: " + "; ".join(broken)
        ), Verdict.STATUS_LIST_INVALID
    signer = json.loads(signature_raw).get("public_key") if signature_raw else None
    if signer != public_key:
        return Check(
            CheckName.STATUS,
            Status.FAIL,
            f"the status list {path} is not kept by the key that signed this certificate",
        ), Verdict.STATUS_LIST_INVALID
    entry = status.status_of(entries, certificate_id)
    if entry is None:
        return Check(
            CheckName.STATUS,
            Status.PASS,
            f"not revoked or superseded in the issuer's list ({len(entries)} entries)",
        ), None
    replaced = f" by {entry.superseded_by}" if entry.superseded_by else ""
    return Check(
        CheckName.STATUS,
        Status.FAIL,
        f"{entry.status}{replaced} on {entry.date} by its issuer: {entry.reason}",
    ), (Verdict.REVOKED if entry.status == status.REVOKED else Verdict.SUPERSEDED)


def attachment_check(raw: bytes | None, page: str) -> tuple[dict[str, Any] | None, Check]:
    """The claim, when claim.json is intact, and the check saying so.

    ``page`` is the page text without whitespace. Intact: present, a canonical JSON
    object with the fields of a claim, hashing to the SHA-256 the page prints and to the
    statement id printed just before it (the page prints no other statement id but those
    of the claim's own text: :func:`printed.statement_id_problems`).
    """
    from isbenefit.certify.claim import canonical_json, certificate_id

    claim, problem = _parse_claim(raw)
    if claim is None:
        return None, Check(CheckName.ATTACHMENT, Status.FAIL, problem)
    sha = hashlib.sha256(raw or b"").hexdigest()
    problems = []
    if raw != canonical_json(claim):
        problems.append("claim.json is not in canonical form (it was rewritten)")
    problems += statement_id_problems(claim, page, sha)
    if problems:
        return None, Check(CheckName.ATTACHMENT, Status.FAIL, "; ".join(problems))
    return claim, Check(
        CheckName.ATTACHMENT,
        Status.PASS,
        f"claim.json hashes to the printed id {certificate_id(sha)}",
    )


def _other_attachments_problem(
    claim: Mapping[str, Any], attachments: Mapping[str, bytes]
) -> str | None:
    """Every attachment besides claim.json and signature.json must be a ledger sheet
    holding exactly the claim's rows of that sheet: nothing attached escapes the claim's
    hash. (Rows are compared, not bytes: the claim's canonical form sorts their keys.)"""
    from isbenefit.certify.claim import CLAIM_FILE, SIGNATURE_FILE

    sheets = claim["ledger_rows"]
    for name, data in sorted(attachments.items()):
        if name in (CLAIM_FILE, SIGNATURE_FILE):
            continue
        rows = sheets.get(name.removesuffix(".csv")) if name.endswith(".csv") else None
        if not rows:
            return f"{name} is attached but is no ledger sheet of the claim"
        if _csv_rows(data) != _claim_rows(rows):
            return f"{name} differs from the ledger rows in claim.json (edited after issue)"
    return None


def _csv_rows(data: bytes) -> list[dict[str, str]] | None:
    import csv

    try:
        return [dict(row) for row in csv.DictReader(io.StringIO(data.decode("utf-8")))]
    except (UnicodeDecodeError, csv.Error):
        return None


def _claim_rows(rows: Any) -> list[dict[str, str]]:
    """The claim's rows as the attached CSV holds them: bookkeeping keys (``_row``) left
    out, every column of the sheet on every row (empty where a row has none)."""
    kept = [{k: v for k, v in row.items() if not str(k).startswith("_")} for row in rows]
    columns = list(dict.fromkeys(key for row in kept for key in row))
    return [
        {column: "" if row.get(column) is None else str(row[column]) for column in columns}
        for row in kept
    ]


def _parse_claim(raw: bytes | None) -> tuple[dict[str, Any] | None, str]:
    """The claim in ``raw``, or None and why not."""
    from isbenefit.certify.claim import ClaimError, load_claim

    if raw is None:
        return None, "no claim.json attached"
    try:
        claim = load_claim(raw)
    except ClaimError as error:
        return None, str(error)
    missing = [name for name in CLAIM_FIELDS if name not in claim]
    if missing:
        return None, "claim.json lacks " + ", ".join(missing)
    return claim, ""


def read_public_key(path: Path) -> Ed25519PublicKey:
    """The issuer's public key; InputError when the file is not an Ed25519 public key."""
    from isbenefit.certify import signing

    try:
        return signing.load_public_key(path)
    except signing.KeyFileError as error:
        raise InputError.one(
            file=str(path),
            message=str(error),
            fix="give --key the issuer's .pub file from `isbenefit keys new`",
        ) from None
