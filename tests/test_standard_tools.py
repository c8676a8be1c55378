"""A certificate checks out with standard tools alone (docs/verify-with-standard-tools.sh):
pdfdetach, sha256sum and OpenSSL, with the issuer's published public key."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
import rfc8785
from pypdf import PdfReader

from tests.certificate_helpers import attached_claim, make_certificate, new_test_key
from tests.conftest import REPO, exchange, write_ledger

RECIPE = REPO / "docs" / "verify-with-standard-tools.sh"


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    folder = tmp_path_factory.mktemp("tools")
    new_test_key(folder / "issuer.key", folder / "issuer.pub")
    new_test_key(folder / "other.key", folder / "other.pub")
    ledger = write_ledger(folder / "ledger", [exchange(baseline_supply="prod.gypsum")])
    pdf = make_certificate(
        ledger, folder / "c.pdf", "--iterations", "20", "--key", str(folder / "issuer.key")
    )
    return pdf, folder / "issuer.pub", folder / "other.pub"


def run_recipe(pdf: Path, key: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(RECIPE), str(pdf), str(key)], capture_output=True, text=True, check=False
    )


def test_the_recipe_rebuilds_the_printed_hash_and_checks_the_signature(
    signed: tuple[Path, Path, Path],
) -> None:
    pdf, issuer, _ = signed
    result = run_recipe(pdf, issuer)
    assert result.returncode == 0, result.stdout + result.stderr
    page = re.sub(r"\s+", "", PdfReader(pdf).pages[0].extract_text())
    printed_sha = re.search(r"ClaimSHA-256([0-9a-f]{64})", page)
    printed_id = re.search(r"Statementid(ISB-[0-9A-F]{16})", page)
    assert printed_sha and printed_id
    assert f"claim SHA-256: {printed_sha.group(1)}" in result.stdout
    assert f"statement id:  {printed_id.group(1)}" in result.stdout
    assert "Signature Verified Successfully" in result.stdout


def test_another_key_fails_with_openssl(signed: tuple[Path, Path, Path]) -> None:
    pdf, _, other = signed
    result = run_recipe(pdf, other)
    assert result.returncode != 0
    assert "Signature Verification Failure" in result.stdout + result.stderr


def test_the_claim_is_rfc_8785_canonical_json(signed: tuple[Path, Path, Path]) -> None:
    raw = attached_claim(signed[0])
    assert rfc8785.dumps(json.loads(raw)) == raw
