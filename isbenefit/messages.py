"""Every sentence isbenefit's documents, ledger template and web service show, in one place.

A message is a constant with named placeholders (``{year}``), filled by :func:`say`;
no sentence is assembled from fragments, because word order differs between languages.
:func:`N_` only marks a text for extraction (``pybabel extract -k N_``); :func:`say` is
the one place a catalog lookup goes when isbenefit is translated. Pages of the
documents and the service keep their own text in their jinja templates.
"""

from __future__ import annotations

from typing import Any


def N_(message: str) -> str:  # noqa: N802 (gettext's name for a marker)
    """Mark ``message`` for extraction into a translation catalog; returns it unchanged."""
    return message


def say(message: str, **values: Any) -> str:
    """``message`` with its named placeholders filled (no translation yet)."""
    return message.format(**values) if values else message


# Figures of the statement, certificate and report.
MONEY_EFFECT = N_("Money effect")
