"""`/verify`: the checks of `isbenefit verify` on an uploaded PDF, against the server's
trust store (its own file and every cluster's key) and the status list of the key that
signed it. The verdict and exit code are those of the command line."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from isbenefit import messages as msg
from isbenefit.certify.checks import EXIT_UNREADABLE
from isbenefit.messages import say
from isbenefit.service import keys, store
from isbenefit.service.models import Document

PDF_MAGIC = b"%PDF-"


def signer_fingerprint(pdf: Path) -> str | None:
    """The fingerprint of the claim signature's key, when the PDF carries one."""
    from isbenefit.certify.claim import SIGNATURE_FILE, read_attachments

    try:
        raw = read_attachments(pdf).get(SIGNATURE_FILE)
        return str(json.loads(raw)["fingerprint"]) if raw else None
    except Exception:  # any damaged upload: no signer known
        return None


class UnreadablePdfError(ValueError):
    """The upload is no PDF the checks can read (the command line's exit code 2)."""


def unreadable_report(name: str) -> dict[str, Any]:
    """The report of a file no check could read, in the form of `verify --json` (its
    verdict the English id, as the command line's)."""
    return {
        "file": name,
        "verdict": msg.UNREADABLE_PDF,
        "exit_code": EXIT_UNREADABLE,
        "certificate_id": None,
        "checks": [],
        "error": say(msg.UNREADABLE_PDF_FIX),
    }


def in_words(report: dict[str, Any]) -> dict[str, Any]:
    """``report`` as the page shows it: the verdict, each check's status and name in the
    current language (the JSON answer keeps the English ids; the messages stay English)."""

    def word(text: Any) -> Any:
        return say(text) if text in msg.VERIFY_WORDS else text

    checks = [{**c, "status": word(c["status"]), "name": word(c["name"])} for c in report["checks"]]
    return {**report, "verdict": word(report["verdict"]), "checks": checks}


def verify_bytes(data: bytes, name: str = "upload.pdf") -> dict[str, Any]:
    """The verification report as `isbenefit verify --json` prints it; UnreadablePdfError
    when the file is no PDF pypdf can read (its message names no server path)."""
    from isbenefit.certify.verification import read_certificate, verify
    from isbenefit.errors import InputError

    with tempfile.TemporaryDirectory(prefix="isbenefit-verify-") as folder:
        path = Path(folder) / "certificate.pdf"
        path.write_bytes(data)
        try:
            # pypdf may raise more than the errors read_certificate expects on garbage.
            read_certificate(path)
        except Exception as error:
            raise UnreadablePdfError(name) from error
        fingerprint = signer_fingerprint(path)
        status_list = keys.status_path(fingerprint) if fingerprint else None
        if status_list is not None and not status_list.exists():
            status_list = None
        document = _document(path)
        source = store.factor_source(document.cluster.factors if document else "")
        try:
            report = verify(path, None, source, keys.trusted(), status_list)
        except InputError as error:
            raise UnreadablePdfError(name) from error
        result = report.as_dict()
    result["file"] = name
    return result


def _document(path: Path) -> Document | None:
    import hashlib

    from isbenefit.certify.claim import CLAIM_FILE, certificate_id, read_attachments

    try:
        raw = read_attachments(path).get(CLAIM_FILE)
    except Exception:  # any damaged upload: no certificate of ours
        return None
    if not raw:
        return None
    found = certificate_id(hashlib.sha256(raw).hexdigest())
    return Document.objects.filter(certificate_id=found).select_related("cluster").first()
