"""What a web upload may be: a workbook unpacking to at most the service's own limit
(lower than the command line's), and problems that name the file as the user sent it,
never the server's temporary path."""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from django.conf import settings

from isbenefit import messages as msg
from isbenefit.errors import Problem
from isbenefit.messages import say


def unpacked_refusal(path: Path) -> list[Problem]:
    """A problem when the .xlsx unzips (as its zip declares) beyond the upload limit;
    none for a CSV or a damaged zip (the ledger checks name that)."""
    limit = int(settings.ISBENEFIT_UPLOAD_UNPACKED_MAX_BYTES)
    if path.suffix.lower() != ".xlsx":
        return []
    try:
        with zipfile.ZipFile(path) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return []
    if total <= limit:
        return []
    return [
        Problem(
            file=path.name,
            message=say(msg.UPLOAD_UNPACKS_TOO_LARGE, size=f"{total:,}", limit=f"{limit:,}"),
            fix=say(msg.UPLOAD_UNPACKS_TOO_LARGE_FIX),
        )
    ]


def as_sent(problems: Sequence[Problem], path: Path) -> list[Problem]:
    """``problems`` with the temporary folder taken out of every text: the file as the
    user named it."""
    folder = str(path.parent)

    def clean(text: str | None) -> str | None:
        if text is None:
            return None
        return text.replace(str(path), path.name).replace(folder + "/", "").replace(folder, "")

    return [
        replace(
            problem,
            file=path.name,
            message=clean(problem.message) or "",
            fix=clean(problem.fix) or "",
            value=clean(problem.value),
        )
        for problem in problems
    ]
