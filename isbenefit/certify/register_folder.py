"""A register from a folder of certificate PDFs and the issuers' status lists
(`isbenefit register`).

Every PDF below the folder that carries a claim is an entry; statements, reports and other
PDFs are listed as skipped. A certificate whose claim signature does not verify, or whose
claim is damaged, stops the export (a register must not list what its issuer did not
sign): the error names the file and says to check it with `isbenefit verify`. A status
list applies to the certificates signed by its key; it must be intact (its chain and
signatures), else nothing is written.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from isbenefit.certify import register
from isbenefit.certify import status as statuses
from isbenefit.errors import InputError


@dataclass(frozen=True)
class StatusList:
    path: Path
    public_key: str
    entries: list[statuses.Entry]

    @property
    def fingerprint(self) -> str:
        from isbenefit.certify import signing

        return signing.fingerprint(
            signing.public_key_of(signing.Signature(signing.ALGORITHM, self.public_key, "", ""))
        )


def status_list(path: Path) -> StatusList:
    """An intact status list; InputError naming what breaks it."""
    public_key, entries = statuses.load(path)
    broken = statuses.problems(public_key, entries)
    if broken:
        raise InputError.one(
            file=str(path),
            message="the status list is broken: " + "; ".join(broken),
            fix="fetch the issuer's published status list again",
        )
    return StatusList(path, public_key, entries)


def from_folder(
    folder: Path, lists: Sequence[StatusList]
) -> tuple[list[dict[str, Any]], list[str]]:
    """The register entries of every certificate below ``folder`` (one per serial, by issue
    date and serial) and the files skipped, with why."""
    by_key = {item.public_key: item.entries for item in lists}
    found: dict[str, dict[str, Any]] = {}
    skipped: list[str] = []
    for path in sorted(p for p in folder.rglob("*") if p.suffix.lower() == ".pdf"):
        name = path.relative_to(folder).as_posix()
        read = _certificate(path, name)
        if isinstance(read, str):
            skipped.append(f"{name}: {read}")
            continue
        claim, issued, public_key = read
        earlier = found.get(issued.serial)
        if earlier is not None and (earlier["issuer_fingerprint"] or not issued.fingerprint):
            skipped.append(f"{name}: another copy of {issued.serial}")
            continue
        if earlier is not None:  # the signed copy of an unsigned one
            skipped.append(f"{earlier['pdf']}: an unsigned copy of {issued.serial}")
        found[issued.serial] = register.entry(claim, issued, by_key.get(public_key, []))
    entries = sorted(found.values(), key=lambda e: (e["issued_on"], e["serial"]))
    return entries, skipped


def _certificate(path: Path, name: str) -> tuple[dict[str, Any], register.Issued, str] | str:
    """The claim, what the register says of its issue, and the signing key (base64; empty
    when unsigned); or why the file is no certificate."""
    from pypdf.errors import PyPdfError

    from isbenefit.certify import signing
    from isbenefit.certify.claim import CLAIM_FILE, certificate_id, load_claim, read_attachments
    from isbenefit.certify.issue import SIGNATURE_FILE

    try:
        files = read_attachments(path)
    except (OSError, ValueError, PyPdfError):
        return "not a readable PDF"
    raw = files.get(CLAIM_FILE)
    if raw is None:
        return "no claim attached (statements and reports carry none)"
    fix = f"check it with `isbenefit verify {name}`, or take it out of the folder"
    try:
        claim = load_claim(raw)
    except ValueError as error:
        raise InputError.one(file=str(path), message=str(error), fix=fix) from None
    serial = certificate_id(hashlib.sha256(raw).hexdigest())
    signed = signing.verified_signer(files.get(SIGNATURE_FILE), raw)
    if signed is None:
        raise InputError.one(
            file=str(path),
            message=f"{serial}: the claim signature does not verify (the claim was altered, "
            "or signature.json is not its signature)",
            fix=fix,
        )
    issued = register.Issued(
        serial,
        signed["signed_on"] or _creation_date(path),
        signed["issuer"],
        signed["fingerprint"],
        pdf=name,
    )
    return claim, issued, signed["public_key"]


def _creation_date(path: Path) -> str:
    """The PDF's creation date (YYYY-MM-DD), for certificates signed before signing dates
    were recorded, and unsigned ones."""
    from pypdf import PdfReader

    metadata = PdfReader(path).metadata
    stamp = str(metadata.get("/CreationDate", "")) if metadata is not None else ""
    digits = stamp[2:10] if stamp.startswith("D:") else ""
    return f"{digits[:4]}-{digits[4:6]}-{digits[6:8]}" if len(digits) == 8 else ""
