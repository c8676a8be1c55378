"""Where credits come from: certificate PDFs, ledgers (workbooks and CSV folders) and
register exports (JSON) below a folder. See certify.double_claims."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

from isbenefit.certify import status
from isbenefit.certify.credits import Credit, claim_credit, record_of
from isbenefit.engine.core import Party, credit_share
from isbenefit.errors import InputError, Problem


def collect(folder: Path) -> tuple[list[Credit], list[str], list[str]]:
    """Credits from every certificate, ledger and register export below ``folder``; files
    (or register entries) skipped, with why; and certificates whose claim signature does
    not verify, with why (:func:`_certificate_credits`). Certificates that an issuer's
    status list below ``folder`` revokes or supersedes claim nothing (:func:`_withdrawn`)."""
    credits: list[Credit] = []
    skipped: list[str] = []
    unverified: list[str] = []
    withdrawn: dict[str, str] = {}
    for path in [folder, *sorted(folder.rglob("*"))]:
        name = str(path.relative_to(folder)) if path != folder else folder.name
        if path.is_file() and path.suffix.lower() == ".pdf":
            found, reason = _certificate_credits(path, name)
            if reason:
                (unverified if found else skipped).append(f"{name}: {reason}")
            credits.extend(found)
        elif path.is_file() and path.suffix.lower() == ".json":
            data = _json(path)
            if isinstance(data, dict) and data.get("schema") == status.SCHEMA:
                listed, reason = _withdrawn(path, name)
                if reason:
                    skipped.append(f"{name}: {reason}")
                withdrawn.update(listed)
            else:
                found, reasons = _register_credits(data, name)
                skipped.extend(f"{name}: {reason}" for reason in reasons)
                credits.extend(found)
        elif _is_ledger(path):
            try:
                credits.extend(_ledger_credits(path, name))
            except InputError as error:
                skipped.append(f"{name}: not a readable ledger ({error.problems[0]})")
    kept = [credit for credit in credits if credit.certificate not in withdrawn]
    for document in sorted({c.document for c in credits if c.certificate in withdrawn}):
        certificate = next(c.certificate for c in credits if c.document == document)
        skipped.append(f"{document}: {withdrawn[certificate]}, not counted")
    return kept, skipped, unverified


def _json(path: Path) -> Any:
    """The file's JSON, or the error that kept it from being read (a register export or a
    status list; :func:`_register_credits` reports the error)."""
    try:
        return json.loads(path.read_bytes())
    except (OSError, ValueError) as error:
        return error


def _withdrawn(path: Path, name: str) -> tuple[dict[str, str], str]:
    """The certificates (id and signer fingerprint, as credits name them) an issuer's
    status list revokes or supersedes, each with what the list says; none, and why, when
    the list is broken. Only the issuer's key can sign its list, so a list cannot withdraw
    another issuer's certificate: its entries name certificates of its own key."""
    from isbenefit.certify import signing

    try:
        public_key, entries = status.load(path)
        broken = status.problems(public_key, entries)
        key = signing.public_key_of(signing.Signature(signing.ALGORITHM, public_key, "", ""))
    except (InputError, ValueError, TypeError) as error:
        return {}, f"not a usable status list ({error})"
    if broken:
        return {}, f"status list not used: {broken[0]}"
    fingerprint = signing.fingerprint(key)
    listed: dict[str, str] = {}
    for entry in entries:
        replaced = f" by {entry.superseded_by}" if entry.superseded_by else ""
        listed[f"{entry.certificate_id} {fingerprint}"] = (
            f"{entry.certificate_id} is {entry.status}{replaced} in the issuer's status "
            f"list {name} (entry {entry.seq}: {entry.reason})"
        )
    return listed, ""


def _certificate_credits(path: Path, name: str) -> tuple[list[Credit], str]:
    """The credits a PDF's claim.json gives, or none and why.

    Copies of one certificate are one claim: the same id signed by the same key, the key
    being the one whose signature verifies over claim.json, never the fingerprint
    signature.json merely records. A certificate whose signature does not verify counts
    as a claim of its own (it is no copy of any other, so it can hide no double claim),
    and why is returned beside its credits.
    """
    from pypdf.errors import PyPdfError

    from isbenefit.certify import signing
    from isbenefit.certify.claim import (
        CLAIM_FILE,
        SIGNATURE_FILE,
        certificate_id,
        claim_sha256,
        load_claim,
        read_attachments,
    )

    try:
        files = read_attachments(path)
    except (OSError, ValueError, PyPdfError):
        return [], "not a readable PDF"
    raw = files.get(CLAIM_FILE)
    if raw is None:
        return [], "no claim attached (statements and reports carry none)"
    serial = certificate_id(hashlib.sha256(raw).hexdigest())
    signed = signing.verified_signer(files.get(SIGNATURE_FILE), raw)
    signer = f"unverified signature of {name}" if signed is None else signed["fingerprint"]
    try:
        claim = load_claim(raw)
        found = [
            claim_credit(name, claim, e, f"{serial} {signer}".strip()) for e in claim["exchanges"]
        ]
        if "language" in claim:  # a translation: the same claim as its English page
            english = {key: value for key, value in claim.items() if key != "language"}
            issued = f"{certificate_id(claim_sha256(english))} {signer}".strip()
            found = [dataclasses.replace(credit, translation_of=issued) for credit in found]
    except (ValueError, KeyError, TypeError) as error:  # ClaimError is a ValueError
        return [], f"claim.json unreadable ({error})"
    if signed is None:
        return found, (
            f"{serial}: the claim signature does not verify (the claim was altered, or "
            "signature.json is not its signature, its key or fingerprint changed): counted "
            "as a claim of its own, not as a copy of any other certificate. Fix: check it "
            f"with `isbenefit verify {name}`"
        )
    return found, ""


def _register_credits(data: Any, name: str) -> tuple[list[Credit], list[str]]:
    """The credits of the certificates a register export (``data``, its parsed JSON or
    the error reading it) lists as valid (a revoked or superseded certificate claims
    nothing any more), and what was left out, with why."""
    from isbenefit.certify import register

    if isinstance(data, OSError | ValueError):
        return [], [f"not a register export (not JSON: {data})"]
    wrong = register.problem(data)
    if wrong:
        return [], [wrong]
    credits: list[Credit] = []
    left_out: list[str] = []
    for item in data["certificates"]:
        serial = str(item["serial"])
        if item["status"] != register.VALID:
            left_out.append(f"{serial} is {item['status']}, not counted")
            continue
        claim = _claim_of(item)
        issued = f"{serial} {item.get('issuer_fingerprint') or ''}".strip()
        try:
            credits += [
                claim_credit(f"{name} {serial}", claim, e, issued, name) for e in item["exchanges"]
            ]
        except (ValueError, KeyError, TypeError) as error:
            left_out.append(f"{serial}: an exchange is unreadable ({error}), not counted")
    return credits, left_out


def _claim_of(item: dict[str, Any]) -> dict[str, Any]:
    """What claim_credit reads of a claim, from a register entry."""
    organisation = item["organisation"]
    org_id = organisation["id"] if isinstance(organisation, dict) else organisation
    return {"organisation": {"id": org_id}, "year": item["year"]}


def _is_ledger(path: Path) -> bool:
    """An .xlsx workbook, or a folder holding exchanges.csv (its CSVs are read together)."""
    if path.is_dir():
        return (path / "exchanges.csv").is_file()
    return path.suffix.lower() == ".xlsx"


def _ledger_credits(path: Path, name: str) -> list[Credit]:
    from isbenefit.ledger.reading import read_ledger
    from isbenefit.ledger.rules import check_sheets

    problems: list[Problem] = []
    sheets = check_sheets(read_ledger(path), problems, "EUR")
    if problems:
        raise InputError(problems)
    credits = []
    for row in sheets.exchanges.to_dict("records"):
        period = (_date(row["period_start"]), _date(row["period_end"]))
        share = float(row["supplier_share"])
        record = record_of(
            {
                **{str(k): v for k, v in row.items()},
                "period_start": period[0],
                "period_end": period[1],
            }
        )
        for side in Party:
            party, part = row[side], credit_share(share, side)
            credits.append(
                Credit(
                    name,
                    row["id"],
                    row["supplier"],
                    row["receiver"],
                    party,
                    part,
                    period[0],
                    period[1],
                    period,
                    record,
                    from_ledger=True,
                    source=name,
                )
            )
    return credits


def _date(days: int) -> dt.date:
    return dt.date(1970, 1, 1) + dt.timedelta(days=int(days))
