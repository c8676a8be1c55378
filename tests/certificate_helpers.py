"""Helpers shared by the certificate tests: making a certificate through the command line and
reading its attached claim."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pypdf import PdfReader
from typer.testing import CliRunner

from isbenefit.certify import claim as claims
from isbenefit.certify.signing import new_key_pair
from isbenefit.cli.app import app
from tests.conftest import TINY_FACTORS

# SOURCE_DATE_EPOCH of the certificate tests: 2025-01-01T00:00:00Z.
EPOCH = "1735689600"


def make_certificate(ledger: Path, out: Path, *extra: str) -> Path:
    """`isbenefit certificate` for SUP in 2024 with the tiny factor set; must succeed."""
    result = CliRunner().invoke(
        app,
        [
            "certificate",
            str(ledger),
            "--factors",
            str(TINY_FACTORS),
            "--org",
            "SUP",
            "--year",
            "2024",
            "-o",
            str(out),
            *extra,
        ],
    )
    assert result.exit_code == 0, result.output
    return out


def attached_claim(pdf: Path) -> bytes:
    """The canonical claim JSON the certificate carries as an attachment."""
    return PdfReader(pdf).attachments[claims.CLAIM_FILE][0]


def new_test_key(private: Path, public: Path, name: str = "Test issuer") -> str:
    """A key pair valid from 2020 for 30 years (certificates in tests are dated 2025-2026)."""
    return new_key_pair(private, public, name, today=date(2020, 1, 1), valid_days=30 * 365)
