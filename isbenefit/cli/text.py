"""User text on the terminal: printed as the characters it is, never as markup or commands.

Names, ids, file names and messages quoting a ledger reach the terminal through rich.
`plain` drops control characters (ANSI escape sequences, carriage returns, bidirectional
overrides) that would recolour, move or reorder what the terminal shows; `escaped` also
escapes rich markup (`Gips [/x] A/S` would otherwise stop the command with a MarkupError).
"""

from __future__ import annotations

import re

from rich.markup import escape

# C0 and C1 controls but the line feed, DEL, and the bidirectional marks and overrides.
_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def plain(text: object) -> str:
    """``text`` without control characters; line feeds are kept."""
    return _CONTROL.sub("", str(text))


def escaped(text: object) -> str:
    """``text`` safe inside a rich markup string: no control characters, markup escaped."""
    return escape(plain(text))
