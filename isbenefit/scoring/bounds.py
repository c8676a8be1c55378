"""Bounds a factor set's activities and a ledger's columns share (no heavy import: the
ledger contract, read by the command line at start-up, takes them from here)."""

from __future__ import annotations

MAX_EFFICIENCY = 1.2  # condensing boilers exceed 1 on a net-CV basis; more is a typo
