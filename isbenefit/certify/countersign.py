"""An independent verifier's countersignature on a signed statement.

The verifier first runs every check `verify` runs (the recomputation included) and signs
only a statement that passes them. The countersignature is a second PAdES signature,
made with the verifier's own isbenefit key, over the whole file as issued (claim,
signature and page); it appends a visible box "Verified by NAME: STATEMENT" to the page.
Adding a signature is the one change a PDF signature allows after it, so the issuer's
signature stays valid and every reader shows both. Only this box ever says "verified".
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from isbenefit.certify.checks import CheckName, Report, Status, Verdict
from isbenefit.errors import IsbenefitError

if TYPE_CHECKING:
    from isbenefit.certify.trust import TrustedKey
    from isbenefit.scoring.source import FactorSource

MAX_STATEMENT = 160
# A verifier may countersign a statement whose issuer key it has not put in its trust store
# (it checks the issuer by its own means); every other verdict stops it.
COUNTERSIGNABLE = (Verdict.VALID, Verdict.UNKNOWN_KEY)


class CountersignError(ValueError, IsbenefitError):
    """A statement that may not be countersigned, or a verifier key that may not sign.

    ``exit_code`` is the verdict's when the statement failed a check, else 1."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def countersign(
    pdf: Path,
    key_file: Path,
    statement: str,
    source: FactorSource | None = None,
    trusted: Mapping[str, TrustedKey] | None = None,
    signed_at: datetime | None = None,
) -> tuple[bytes, Report]:
    """The statement ``pdf`` countersigned with ``key_file``, and the checks it passed.

    CountersignError when the statement fails a check, is unsigned, or the key is the
    issuer's own, expired or already countersigned it.
    """
    from isbenefit.certify.pdf_signature import (
        ISSUER_FIELD,
        STAMP_BOX,
        VERIFIER_FIELD_PREFIX,
        Stamp,
        read_pdf_signatures,
        sign_pdf,
    )
    from isbenefit.certify.signing import fingerprint, load_signer, public_key_text
    from isbenefit.certify.verification import verify
    from isbenefit.documents.contexts import document_time

    said = " ".join(statement.split())
    if not said:
        raise CountersignError("--statement is empty; say what was checked and to which level")
    if len(said) > MAX_STATEMENT:
        raise CountersignError(
            f"--statement has {len(said)} characters; keep it within {MAX_STATEMENT} (the box "
            "on the page) and put the full opinion in your verification report"
        )
    signer = load_signer(key_file)
    private, verifier = signer.key, signer.issuer
    when = signed_at or document_time()
    if not verifier.covers(when.date()):
        raise CountersignError(
            f"the key of {verifier.name} may sign from {verifier.valid_from} until "
            f"{verifier.valid_until}, not on {when.date()}"
        )
    report = verify(pdf, None, source, trusted)
    # Every check must pass: the recomputation and the factor set above all (a verdict
    # of "unknown key" would hide a skipped recomputation). Only the issuer's key, and an
    # earlier verifier's, may be unknown to this verifier, who checks them by other means.
    may_be_untrusted = (CheckName.SIGNATURE, CheckName.COUNTERSIGNATURE)
    failed = [
        f"{check.name}: {check.message}"
        for check in report.checks
        if check.status is not Status.PASS
        and not (check.status is Status.UNTRUSTED and check.name in may_be_untrusted)
    ]
    if report.verdict not in COUNTERSIGNABLE or failed:
        said, code = str(report.verdict), report.exit_code
        if report.verdict in COUNTERSIGNABLE:  # what the unknown key's verdict hides
            skipped = report.status(CheckName.RECOMPUTATION) is Status.SKIP
            unavailable = Verdict.FACTOR_SET_UNAVAILABLE
            said, code = (str(unavailable), unavailable.exit_code) if skipped else ("", 1)
        raise CountersignError(
            f"{pdf}: {said + f' (exit code {code}); ' if said else ''}only a signed statement "
            "that passes every check can be countersigned. " + " | ".join(failed),
            code,
        )
    data = pdf.read_bytes()
    present = read_pdf_signatures(data)
    own = public_key_text(private.public_key())
    if any(item.root_key == own for item in present):
        whose = (
            "the issuer's own key"
            if any(i.root_key == own and i.field_name == ISSUER_FIELD for i in present)
            else "already countersigned with this key"
        )
        raise CountersignError(f"{pdf}: {whose}; a countersignature must be independent")
    number = 1 + sum(item.field_name.startswith(VERIFIER_FIELD_PREFIX) for item in present)
    stamp = Stamp(
        f"Verified by {verifier.name} on {when.date().isoformat()}: {said}\n"
        f"Countersigned with key {fingerprint(private.public_key())}",
        STAMP_BOX,
    )
    signed = sign_pdf(
        data,
        private,
        verifier,
        when,
        f"{VERIFIER_FIELD_PREFIX}-{number}",
        reason=said,
        stamp=stamp,
    )
    return signed, report
