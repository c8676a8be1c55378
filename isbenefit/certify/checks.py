"""The outcome of verifying a certificate: each check, the verdict, the exit code.

Each check reports pass, fail or skip with a message; the verdict is the first
failure in order of gravity, and every verdict has its own exit code:

| verdict | exit code |
|---|---|
| valid | 0 |
| unsigned (every other check passed) | 3 |
| signature invalid | 4 |
| attachment altered | 5 |
| printed figures differ | 6 |
| recomputation differs | 7 |
| factor set unavailable (other checks passed) | 8 |
| not a certificate (a statement, a report, any other PDF) | 10 |
| factor set differs from the one the claim names (same id and version, other values) | 11 |
| signed by an unknown key (valid signature, key not in the trust store; other checks passed) | 12 |
| revoked by its issuer (`verify --status LIST`) | 13 |
| superseded by another certificate (`verify --status LIST`) | 14 |
| the status list is broken (an entry removed or edited) or another issuer's | 15 |
| the PDF signature (PAdES) fails: the file changed after signing, or another key | 16 |
| a verifier's countersignature fails | 17 |
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    """How one check ended."""

    PASS = "pass"
    FAIL = "fail"
    SKIP = "skip"
    UNTRUSTED = "untrusted"  # a valid signature by a key the user does not trust


class CheckName(StrEnum):
    """The checks `verify` runs, in the order it runs them."""

    ATTACHMENT = "attachment"
    SIGNATURE = "signature"
    PDF_SIGNATURE = "PDF signature"
    COUNTERSIGNATURE = "countersignature"
    STATUS = "status"
    PRINTED = "printed figures"
    FACTOR_SET = "factor set"
    RECOMPUTATION = "recomputation"


class Verdict(StrEnum):
    """What `verify` concludes of a certificate; each has its exit code."""

    VALID = "valid"
    UNSIGNED = "unsigned"
    SIGNATURE_INVALID = "signature invalid"
    ATTACHMENT_ALTERED = "attachment altered"
    PRINTED_DIFFER = "printed figures differ"
    RECOMPUTATION_DIFFERS = "recomputation differs"
    FACTOR_SET_UNAVAILABLE = "factor set unavailable"
    NOT_A_CERTIFICATE = "not a certificate"
    FACTOR_SET_DIFFERS = "factor set differs"
    UNKNOWN_KEY = "signed by an unknown key"
    REVOKED = "revoked"
    SUPERSEDED = "superseded"
    STATUS_LIST_INVALID = "status list invalid"
    PDF_SIGNATURE_INVALID = "PDF signature invalid"
    COUNTERSIGNATURE_INVALID = "countersignature invalid"

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self]


EXIT_CODES = {
    Verdict.VALID: 0,
    Verdict.UNSIGNED: 3,
    Verdict.SIGNATURE_INVALID: 4,
    Verdict.ATTACHMENT_ALTERED: 5,
    Verdict.PRINTED_DIFFER: 6,
    Verdict.RECOMPUTATION_DIFFERS: 7,
    Verdict.FACTOR_SET_UNAVAILABLE: 8,
    Verdict.NOT_A_CERTIFICATE: 10,
    Verdict.FACTOR_SET_DIFFERS: 11,
    Verdict.UNKNOWN_KEY: 12,
    Verdict.REVOKED: 13,
    Verdict.SUPERSEDED: 14,
    Verdict.STATUS_LIST_INVALID: 15,
    Verdict.PDF_SIGNATURE_INVALID: 16,
    Verdict.COUNTERSIGNATURE_INVALID: 17,
}
# A failed check gives its verdict; the first failure in this order wins.
GRAVITY = (
    (CheckName.ATTACHMENT, Verdict.ATTACHMENT_ALTERED),
    (CheckName.SIGNATURE, Verdict.SIGNATURE_INVALID),
    (CheckName.PDF_SIGNATURE, Verdict.PDF_SIGNATURE_INVALID),
    (CheckName.COUNTERSIGNATURE, Verdict.COUNTERSIGNATURE_INVALID),
    (CheckName.PRINTED, Verdict.PRINTED_DIFFER),
    (CheckName.FACTOR_SET, Verdict.FACTOR_SET_DIFFERS),
    (CheckName.RECOMPUTATION, Verdict.RECOMPUTATION_DIFFERS),
)


@dataclass(frozen=True)
class Check:
    """One check's outcome."""

    name: CheckName
    status: Status
    message: str


@dataclass
class Report:
    """Every check of one certificate, and the verdict they give."""

    file: str
    checks: list[Check] = field(default_factory=list)
    certificate_id: str | None = None
    # Set when the PDF is no certificate at all (no claim, no certificate id printed).
    not_a_certificate: bool = False
    # What the issuer's status list says (revoked, superseded, list invalid), if anything.
    status_verdict: Verdict | None = None

    def status(self, name: CheckName) -> Status | None:
        return next((check.status for check in self.checks if check.name == name), None)

    @property
    def verdict(self) -> Verdict:
        if self.not_a_certificate:
            return Verdict.NOT_A_CERTIFICATE
        for name, verdict in GRAVITY:
            if self.status(name) == Status.FAIL:
                return verdict
            if name is CheckName.SIGNATURE and self.status_verdict is not None:
                return self.status_verdict  # the issuer's word, once the claim is intact
        if any(check.status == Status.UNTRUSTED for check in self.checks):
            return Verdict.UNKNOWN_KEY  # the issuer's or a countersigning verifier's key
        if self.status(CheckName.RECOMPUTATION) == Status.SKIP:
            return Verdict.FACTOR_SET_UNAVAILABLE
        if self.status(CheckName.SIGNATURE) == Status.SKIP:
            return Verdict.UNSIGNED
        return Verdict.VALID

    @property
    def exit_code(self) -> int:
        return self.verdict.exit_code

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "verdict": str(self.verdict),
            "exit_code": self.exit_code,
            "certificate_id": self.certificate_id,
            "checks": [
                {
                    key: str(value) if key != "message" else value
                    for key, value in asdict(check).items()
                }
                for check in self.checks
            ],
        }
