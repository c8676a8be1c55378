"""A certificate checks out with standard tools alone (docs/verify-with-standard-tools.sh):
poppler's pdfdetach, pdftotext and pdfsig, sha256sum and OpenSSL, with the issuer's
published public key; and the recipe fails on every file `verify` reports as changed after
signing (16), so the no-install check is as strict as `verify` on the file."""

from __future__ import annotations

import json
import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
import rfc8785
from pypdf import PdfReader
from typer.testing import CliRunner

from isbenefit.certify import claim as claims
from isbenefit.certify.pdf_signature import sign_pdf
from isbenefit.certify.signing import load_issuer, load_private_key
from isbenefit.cli.app import app
from tests.certificate_helpers import attached_claim, make_certificate, new_test_key
from tests.conftest import REPO, TINY_FACTORS, exchange, write_ledger
from tests.tamper_helpers import changed_after_signing, rewrite_attachments

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
    assert "Signature Validation: Signature is Valid." in result.stdout
    assert "Total document signed" in result.stdout
    assert "PDF signature: made with a certificate issued by the key in" in result.stdout


def test_another_key_fails_with_openssl(signed: tuple[Path, Path, Path]) -> None:
    pdf, _, other = signed
    result = run_recipe(pdf, other)
    assert result.returncode != 0
    assert "Signature Verification Failure" in result.stdout + result.stderr


def test_the_claim_is_rfc_8785_canonical_json(signed: tuple[Path, Path, Path]) -> None:
    raw = attached_claim(signed[0])
    assert rfc8785.dumps(json.loads(raw)) == raw


def verify_code(pdf: Path, key: Path) -> int:
    result = CliRunner().invoke(
        app, ["verify", str(pdf), "--key", str(key), "--factors", str(TINY_FACTORS)]
    )
    return result.exit_code


@pytest.mark.parametrize("change", sorted(changed_after_signing(Path())))
def test_every_change_verify_calls_a_pdf_signature_invalid_fails_the_recipe(
    signed: tuple[Path, Path, Path], tmp_path: Path, change: str
) -> None:
    pdf, issuer, other = signed
    tampered = changed_after_signing(other.with_suffix(".key"))[change](pdf, tmp_path / "t.pdf")
    assert verify_code(tampered, issuer) == 16
    result = run_recipe(tampered, issuer)
    assert result.returncode != 0, result.stdout
    assert "FAIL: " in result.stderr
    assert "OK:" not in result.stdout


def test_a_pdf_signature_by_another_key_fails_the_recipe(
    signed: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    """The issuer's page and signed claim, its PDF signature replaced by a valid one over
    the whole file made with another key: `verify` reports 16, and so must the recipe."""
    pdf, issuer, other = signed
    data = pdf.read_bytes()
    rendered = data[: data.index(b"%%EOF") + len(b"%%EOF\n")]  # the revision before signing
    private = load_private_key(other.with_suffix(".key"))
    when = datetime(2025, 1, 1, tzinfo=UTC)
    resigned = tmp_path / "resigned.pdf"
    resigned.write_bytes(sign_pdf(rendered, private, load_issuer(other.with_suffix(".key"),
                                                                 private), when))  # fmt: skip
    assert verify_code(resigned, issuer) == 16
    result = run_recipe(resigned, issuer)
    assert result.returncode != 0
    assert "certificates do not lead to the key in" in result.stderr


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({claims.CLAIM_FILE: b"{}"}, "does not print claim.json's SHA-256"),
        ({claims.SIGNATURE_FILE: None}, "no signature.json attached"),
    ],
)
def test_an_attachment_changed_fails_the_recipe(
    signed: tuple[Path, Path, Path], tmp_path: Path, change: dict[str, bytes | None], words: str
) -> None:
    pdf, issuer, _ = signed
    tampered = rewrite_attachments(pdf, tmp_path / "t.pdf", change)
    result = run_recipe(tampered, issuer)
    assert result.returncode != 0
    assert words in result.stderr
