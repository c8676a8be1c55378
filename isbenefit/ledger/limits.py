"""Limits on what a ledger file may hold, so a damaged or hostile file is refused in seconds.

Each limit has a documented default (docs/formats.md, "Limits") that any real cluster
ledger stays far below, and an environment variable that raises or lowers it. The limits
are read when a ledger is read, so a changed variable takes effect on the next call.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from isbenefit.errors import SettingsError

MB = 1_000_000


@dataclass(frozen=True)
class Limits:
    """Upper bounds on a ledger's files, checked before (or while) they are parsed.

    Attributes:
        file_bytes: size of one ledger file (a CSV or the .xlsx workbook) on disk.
        unpacked_bytes: size of all parts of an .xlsx workbook once unzipped (sheets,
            shared strings...), as the zip declares them, checked before anything is parsed.
        rows: data rows of one sheet.
        columns: columns of one sheet.
        cell_chars: characters in one cell (Excel itself stops at 32,767).
    """

    file_bytes: int = 200 * MB
    unpacked_bytes: int = 1000 * MB
    rows: int = 1_000_000
    columns: int = 500
    cell_chars: int = 32_767


# (attribute, environment variable, multiplier of the variable's value)
VARIABLES = (
    ("file_bytes", "ISBENEFIT_MAX_FILE_MB", MB),
    ("unpacked_bytes", "ISBENEFIT_MAX_UNPACKED_MB", MB),
    ("rows", "ISBENEFIT_MAX_ROWS", 1),
    ("columns", "ISBENEFIT_MAX_COLUMNS", 1),
    ("cell_chars", "ISBENEFIT_MAX_CELL_CHARS", 1),
)


def current_limits() -> Limits:
    """The defaults, each overridden by its environment variable when that is set."""
    given: dict[str, int] = {}
    for attribute, variable, scale in VARIABLES:
        text = os.environ.get(variable, "").strip()
        if not text:
            continue
        try:
            value = float(text)
        except ValueError:
            value = -1.0
        if not (0 < value < 1e15):
            raise SettingsError(
                f"environment variable {variable}={text!r} is not a positive number. "
                f"Fix: set it to a positive number, or unset it for the default"
            )
        given[attribute] = max(1, int(value * scale))
    return Limits(**given)


def variable_of(attribute: str) -> str:
    """The environment variable overriding a limit, for error messages."""
    return next(variable for name, variable, _ in VARIABLES if name == attribute)
