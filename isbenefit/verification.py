"""Verifying a certificate: its signature, its attachment, its printed figures, its sums.

Each check reports pass, fail or skip with a message; the verdict is the first
failure in this order of gravity, and every verdict has its own exit code:

| verdict | exit code |
|---|---|
| valid | 0 |
| unsigned (every other check passed) | 3 |
| signature invalid | 4 |
| attachment altered | 5 |
| printed figures differ | 6 |
| recomputation differs | 7 |
| factor set unavailable (other checks passed) | 8 |
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from isbenefit.errors import InputError, Problem
from isbenefit.uncertainty import MonteCarloSettings

EXIT_CODES = {
    "valid": 0,
    "unsigned": 3,
    "signature invalid": 4,
    "attachment altered": 5,
    "printed figures differ": 6,
    "recomputation differs": 7,
    "factor set unavailable": 8,
}
RELATIVE_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Check:
    name: str
    status: str  # "pass", "fail" or "skip"
    message: str


@dataclass
class Report:
    file: str
    checks: list[Check] = field(default_factory=list)
    certificate_id: str | None = None

    @property
    def verdict(self) -> str:
        failed = {check.name for check in self.checks if check.status == "fail"}
        for verdict, check in (
            ("attachment altered", "attachment"),
            ("signature invalid", "signature"),
            ("printed figures differ", "printed figures"),
            ("recomputation differs", "recomputation"),
        ):
            if check in failed:
                return verdict
        if any(c.name == "recomputation" and c.status == "skip" for c in self.checks):
            return "factor set unavailable"
        if any(c.name == "signature" and c.status == "skip" for c in self.checks):
            return "unsigned"
        return "valid"

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.verdict]

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "verdict": self.verdict,
            "exit_code": self.exit_code,
            "certificate_id": self.certificate_id,
            "checks": [asdict(check) for check in self.checks],
        }


def verify(
    pdf: Path,
    public_key: Path | None = None,
    factors: Path | None = None,
    data_dir: Path | None = None,
) -> Report:
    """Run every check on a certificate PDF."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    from isbenefit.documents.certificate import SIGNATURE_FILE
    from isbenefit.documents.claim import CLAIM_FILE, canonical_json, certificate_id

    report = Report(str(pdf))
    try:
        reader = PdfReader(pdf)
        attachments = {n: c[0] for n, c in reader.attachments.items() if c}
        page_text = "\n".join(page.extract_text() or "" for page in reader.pages)
    except (OSError, ValueError, PyPdfError) as error:
        raise InputError(
            [
                Problem(
                    file=str(pdf),
                    message=f"not a readable PDF ({error})",
                    fix="give a certificate written by `isbenefit certificate`",
                )
            ]
        ) from None
    raw = attachments.get(CLAIM_FILE)
    claim = _parse_claim(raw)
    sha = hashlib.sha256(raw).hexdigest() if raw else ""
    report.certificate_id = certificate_id(sha) if sha else None
    compact = re.sub(r"\s+", "", page_text)
    intact = (
        claim is not None
        and raw == canonical_json(claim)
        and sha in compact
        and certificate_id(sha) in compact
    )
    report.checks.append(
        Check(
            "attachment",
            "pass" if intact else "fail",
            "claim.json hashes to the id and SHA-256 printed on the page"
            if intact
            else "claim.json is missing, not canonical, or does not "
            "hash to the id and SHA-256 printed on the page",
        )
    )
    report.checks.append(
        _signature_check(attachments.get(SIGNATURE_FILE), raw, sha, public_key, compact)
    )
    if claim is None:
        return report
    report.checks.append(_printed_check(claim, page_text))
    report.checks.append(_recomputation_check(claim, factors, data_dir))
    return report


def _parse_claim(raw: bytes | None) -> dict[str, Any] | None:
    if raw is None:
        return None
    try:
        claim = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    return claim if isinstance(claim, dict) else None


def _signature_check(
    raw: bytes | None, claim_bytes: bytes | None, sha: str, public_key: Path | None, page: str
) -> Check:
    """The signature against the given or embedded key; ``page`` is the page text, no spaces."""
    from isbenefit import signing

    if raw is None:
        says_signed = "Signedbytheissuerkey" in page
        return Check(
            "signature",
            "skip",
            "not signed: no signature.json attached"
            + (", although the page says it was signed" if says_signed else ""),
        )
    try:
        data = json.loads(raw)
        signature = signing.Signature(
            data["algorithm"], data["public_key"], data["fingerprint"], data["signature"]
        )
        key = signing.load_public_key(public_key) if public_key else None
    except (ValueError, KeyError, TypeError) as error:
        return Check("signature", "fail", f"signature.json unreadable: {error}")
    if data.get("claim_sha256") not in (None, sha):
        return Check("signature", "fail", "the signature is for another claim")
    if claim_bytes is None or not signing.is_valid(signature, claim_bytes, key):
        whose = f"the key {public_key}" if public_key else "the embedded public key"
        return Check("signature", "fail", f"the signature does not verify with {whose}")
    if signature.fingerprint != signing.fingerprint(signing.public_key_of(signature)):
        return Check("signature", "fail", "the recorded fingerprint is not the key's")
    if re.sub(r"\s+", "", signature.fingerprint) not in page:
        return Check("signature", "fail", "the page does not print the signing key's fingerprint")
    return Check("signature", "pass", f"signed by the key with fingerprint {signature.fingerprint}")


def _printed_check(claim: dict[str, Any], page_text: str) -> Check:
    from isbenefit.documents.claim import certified_saved
    from isbenefit.documents.contexts import headline

    credited = claim["credited"]
    figures = headline(certified_saved(claim), float(credited["money"]), str(claim["currency"]), "")
    flat = " ".join(page_text.split())
    missing = [
        f"{f.label}: {f.value} {f.unit}" for f in figures if f"{f.value} {f.unit}" not in flat
    ]
    if missing:
        return Check(
            "printed figures",
            "fail",
            "the page does not print the claim's figures: " + "; ".join(missing),
        )
    return Check(
        "printed figures", "pass", f"all {len(figures)} headline figures printed as in the claim"
    )


def _recomputation_check(
    claim: dict[str, Any], factors: Path | None, data_dir: Path | None
) -> Check:
    from isbenefit import assess
    from isbenefit.documents.claim import ledger_csvs
    from isbenefit.factorset import load_factor_set

    wanted = claim["factor_set"]
    factor_set = load_factor_set(factors)
    if (factor_set.id, factor_set.version) != (wanted["id"], wanted["version"]):
        return Check(
            "recomputation",
            "skip",
            f"factor set {wanted['id']} {wanted['version']} is not available here "
            f"(have {factor_set.id} {factor_set.version}); give it with --factors",
        )
    with tempfile.TemporaryDirectory() as folder:
        for name, data in ledger_csvs(claim["ledger_rows"]).items():
            (Path(folder) / name).write_bytes(data)
        try:
            results = assess(
                folder,
                factors=factor_set.path,
                currency=claim["currency"],
                data_dir=data_dir,
                monte_carlo=_settings_of(claim),
            ).results
        except InputError as error:
            return Check(
                "recomputation",
                "fail",
                f"the attached ledger rows do not assess: {error.problems[0]}",
            )
    org = next(
        (o for o in results["organisations"] if o["id"] == claim["organisation"]["id"]), None
    )
    year = str(claim["year"])
    recomputed = org["years"].get(year) if org else None
    differences = _differences(claim["credited"], recomputed) if recomputed else ["no figures"]
    if recomputed and "uncertainty" in claim:
        ranges = results["uncertainty"]["organisation_years"][f"{org['id']}/{year}"]  # type: ignore[index]
        differences += _range_differences(claim["uncertainty"]["credited"], ranges)
    if differences:
        return Check(
            "recomputation", "fail", "recomputed figures differ: " + "; ".join(differences)
        )
    return Check(
        "recomputation",
        "pass",
        f"recomputed with {factor_set.id} {factor_set.version}: same figures",
    )


def _differences(claimed: dict[str, Any], recomputed: dict[str, Any]) -> list[str]:
    pairs = [
        (f"saved.{key}", value, recomputed["saved"].get(key))
        for key, value in claimed["saved"].items()
    ]
    pairs += [
        (key, claimed[key], recomputed.get(key))
        for key in ("money", "additional_sales")
        if key in claimed
    ]
    return [
        f"{name}: claimed {left!r}, recomputed {right!r}"
        for name, left, right in pairs
        if right is None
        or not math.isclose(float(left), float(right), rel_tol=RELATIVE_TOLERANCE, abs_tol=1e-9)
    ]


def _settings_of(claim: dict[str, Any]) -> MonteCarloSettings | None:
    """The Monte Carlo settings a claim was made with, or None."""
    run = claim.get("uncertainty")
    if not run:
        return None
    return MonteCarloSettings(
        int(run["iterations"]),
        int(run["seed"]),
        float(run["conservative_percentile"]),
        {key: float(value) for key, value in run["quantity_gsd"].items()},
    )


def _range_differences(claimed: dict[str, Any], recomputed: dict[str, Any]) -> list[str]:
    return [
        f"{quantity}.{statistic}: claimed {value!r}, recomputed {recomputed[quantity][statistic]!r}"
        for quantity, statistics in claimed.items()
        for statistic, value in statistics.items()
        if not math.isclose(
            float(value),
            float(recomputed[quantity][statistic]),
            rel_tol=RELATIVE_TOLERANCE,
            abs_tol=1e-9,
        )
    ]
