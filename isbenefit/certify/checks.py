"""The outcome of verifying a certificate: each check, the verdict, the exit code.

Each check reports pass, fail or skip with a message; the verdict is the first
failure in order of gravity (:data:`GRAVITY`), and every verdict has its own exit code:
:data:`EXIT_TABLE` is the one table of them, which the CLI help prints and
docs/verify.md shows (a test holds the two equal).
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


EXIT_OTHER_ERROR = 1
EXIT_UNREADABLE = 2  # the PDF or the key file (an InputError)
EXIT_DOUBLE_CLAIMS = 9  # `verify --claims DIR`


@dataclass(frozen=True)
class ExitCode:
    """One exit code of `verify`: the verdict it stands for (None when it is no verdict
    of a certificate) and what it means."""

    code: int
    verdict: Verdict | None
    meaning: str


EXIT_TABLE = (
    ExitCode(0, Verdict.VALID, "valid"),
    ExitCode(EXIT_OTHER_ERROR, None, "any other error"),
    ExitCode(EXIT_UNREADABLE, None, "not a readable PDF, or `--key` not an Ed25519 public key"),
    ExitCode(
        3,
        Verdict.UNSIGNED,
        "unsigned (every other check passed; the message says if the page claims a signature)",
    ),
    ExitCode(4, Verdict.SIGNATURE_INVALID, "signature invalid"),
    ExitCode(
        5,
        Verdict.ATTACHMENT_ALTERED,
        "attachment altered (claim.json missing, unparseable, rewritten, or not hashing to the "
        "printed id and SHA-256)",
    ),
    ExitCode(6, Verdict.PRINTED_DIFFER, "printed figures differ"),
    ExitCode(7, Verdict.RECOMPUTATION_DIFFERS, "recomputation differs"),
    ExitCode(8, Verdict.FACTOR_SET_UNAVAILABLE, "factor set unavailable (the other checks passed)"),
    ExitCode(
        EXIT_DOUBLE_CLAIMS, None, "double claims found (`--claims DIR`; 0 when none are found)"
    ),
    ExitCode(
        10,
        Verdict.NOT_A_CERTIFICATE,
        "not a certificate: no claim attached and no certificate id printed (a benefit "
        "statement, an annual report, any other PDF)",
    ),
    ExitCode(
        11,
        Verdict.FACTOR_SET_DIFFERS,
        "factor set differs: the factor set at hand has the claim's id and version, but a "
        "factor the claim used has another unit, value or gsd (a modified copy); the message "
        "names each",
    ),
    ExitCode(
        12,
        Verdict.UNKNOWN_KEY,
        "signed by an unknown key: the signature is valid but its key is not in your trust "
        "store (the other checks passed or were not reached); the message names the "
        "fingerprint and how to trust it",
    ),
    ExitCode(13, Verdict.REVOKED, "revoked by its issuer (with `--status LIST`)"),
    ExitCode(14, Verdict.SUPERSEDED, "superseded by its issuer (with `--status LIST`)"),
    ExitCode(
        15,
        Verdict.STATUS_LIST_INVALID,
        "status list invalid: an entry edited, removed or reordered, or the list kept by "
        "another key",
    ),
    ExitCode(
        16,
        Verdict.PDF_SIGNATURE_INVALID,
        "PDF signature invalid: the file changed after the issuer signed it (a byte edited, a "
        "page or a drawing appended by an incremental update), or the PDF signature is "
        "another key's or missing; whatever the status list says of the certificate",
    ),
    ExitCode(
        17,
        Verdict.COUNTERSIGNATURE_INVALID,
        "countersignature invalid: a verifier's signature broken, or made with the issuer's "
        "own key",
    ),
)
EXIT_CODES = {row.verdict: row.code for row in EXIT_TABLE if row.verdict is not None}


def exit_codes_markdown() -> str:
    """:data:`EXIT_TABLE` as the Markdown table docs/verify.md shows."""
    rows = [f"| {row.meaning} | {row.code} |" for row in EXIT_TABLE]
    return "\n".join(["| verdict | exit code |", "|---|---|", *rows])


def exit_codes_sentence() -> str:
    """:data:`EXIT_TABLE` in one paragraph, for the command-line help."""
    return "Exit codes: " + "; ".join(f"{row.code} {row.meaning}" for row in EXIT_TABLE) + "."


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
    # The language the claim says the page is printed in (None: no readable claim).
    language: str | None = None

    def status(self, name: CheckName) -> Status | None:
        return next((check.status for check in self.checks if check.name == name), None)

    @property
    def verdict(self) -> Verdict:
        if self.not_a_certificate:
            return Verdict.NOT_A_CERTIFICATE
        for name, verdict in GRAVITY:
            if self.status(name) == Status.FAIL:
                return verdict
            if name is CheckName.COUNTERSIGNATURE and self.status_verdict is not None:
                # The issuer's word, once the file is intact: a tampered copy of a revoked
                # certificate is reported as tampered (its page may say anything).
                return self.status_verdict
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
            "language": self.language,
            "checks": [
                {
                    key: str(value) if key != "message" else value
                    for key, value in asdict(check).items()
                }
                for check in self.checks
            ],
        }
