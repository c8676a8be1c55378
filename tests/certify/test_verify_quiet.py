"""Quiet, ordered verdicts: each verdict of the tamper suite comes from the real command in
a fresh process with nothing on stderr (no pyHanko deprecation warning, no traceback from
its difference analysis), and `--verbose` is where the libraries' logs go."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from isbenefit.certify import claim as claims
from isbenefit.certify import trust
from isbenefit.cli.app import app
from tests.certificate_helpers import EPOCH, make_certificate, new_test_key
from tests.conftest import TINY_FACTORS, exchange, write_ledger
from tests.tamper_helpers import changed_after_signing, rewrite_attachments


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("quiet")
    new_test_key(folder / "issuer.key", folder / "issuer.pub", "Quiet issuer")
    new_test_key(folder / "other.key", folder / "other.pub", "Other issuer")
    store = folder / "trust.json"
    trust.trust(store, folder / "issuer.pub", "Quiet issuer")
    ledger = write_ledger(folder / "ledger", [exchange(baseline_supply="prod.gypsum")])
    signed = run("certificate", str(ledger), "--factors", str(TINY_FACTORS), "--org", "SUP",
                 "--year", "2024", "--iterations", "0", "--key", str(folder / "issuer.key"),
                 "-o", str(folder / "c.pdf"))  # fmt: skip
    # Signing is quiet too: isbenefit's closing line, no library's warning.
    assert (signed.returncode, signed.stderr) == (0, f"certificate written to {folder / 'c.pdf'}\n")
    patcher = pytest.MonkeyPatch()
    patcher.setenv("SOURCE_DATE_EPOCH", EPOCH)
    try:
        unsigned = make_certificate(ledger, folder / "u.pdf", "--iterations", "0")
    finally:
        patcher.undo()
    status = folder / "status.json"
    cert_id = claims.certificate_id(hashlib.sha256(_claim(folder / "c.pdf")).hexdigest())
    result = CliRunner().invoke(app, ["revoke", cert_id, "--key", str(folder / "issuer.key"),
                                      "--status", str(status), "--reason", "wrong"])  # fmt: skip
    assert result.exit_code == 0, result.output
    return {"folder": folder, "pdf": folder / "c.pdf", "unsigned": unsigned,
            "other": folder / "other.key", "store": store, "status": status}  # fmt: skip


def _claim(pdf: Path) -> bytes:
    from pypdf import PdfReader

    return PdfReader(pdf).attachments[claims.CLAIM_FILE][0]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """`isbenefit ARGS` in a fresh process, as a user runs it (warnings at their default)."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONWARNINGS"}
    env["SOURCE_DATE_EPOCH"] = EPOCH
    return subprocess.run(
        [sys.executable, "-m", "isbenefit", *args],
        capture_output=True, text=True, check=False, env=env,
    )  # fmt: skip


def verify(pdf: Path, made: dict[str, Path], *extra: str) -> subprocess.CompletedProcess[str]:
    return run("verify", str(pdf), "--factors", str(TINY_FACTORS),
               "--trust-store", str(made["store"]), *extra)  # fmt: skip


CHANGES = sorted(changed_after_signing(Path()))


@pytest.mark.parametrize("change", CHANGES)
def test_a_file_changed_after_signing_is_reported_quietly(
    made: dict[str, Path], tmp_path: Path, change: str
) -> None:
    tampered = changed_after_signing(made["other"])[change](made["pdf"], tmp_path / "t.pdf")
    done = verify(tampered, made)
    assert done.returncode == 16, done.stdout
    assert "PDF signature invalid" in " ".join(done.stdout.split())
    assert done.stderr == ""


@pytest.mark.parametrize(
    ("name", "code", "verdict"),
    [
        ("valid", 0, "valid"),
        ("unsigned", 3, "unsigned"),
        ("claim edited", 5, "attachment altered"),
        ("signature stripped", 3, "unsigned"),
        ("revoked", 13, "revoked"),
        ("revoked and changed", 16, "PDF signature invalid"),
    ],
)
def test_every_other_verdict_is_quiet(
    made: dict[str, Path], tmp_path: Path, name: str, code: int, verdict: str
) -> None:
    pdf, extra = made["pdf"], ()
    if name == "unsigned":
        pdf = made["unsigned"]
    elif name == "claim edited":
        edited = _claim(pdf).replace(b'"SUP"', b'"SUQ"', 1)
        pdf = rewrite_attachments(pdf, tmp_path / "t.pdf", {claims.CLAIM_FILE: edited})
    elif name == "signature stripped":
        pdf = rewrite_attachments(pdf, tmp_path / "t.pdf", {claims.SIGNATURE_FILE: None})
    elif name.startswith("revoked"):
        extra = ("--status", str(made["status"]))
        if name == "revoked and changed":
            pdf = changed_after_signing(made["other"])["one byte edited"](pdf, tmp_path / "t.pdf")
    done = verify(pdf, made, *extra)
    assert (done.returncode, done.stderr) == (code, "")
    assert f": {verdict} (" in " ".join(done.stdout.split())


def test_verbose_shows_what_the_libraries_said(made: dict[str, Path], tmp_path: Path) -> None:
    """pyHanko's difference analysis logs why it cannot explain an incremental update:
    not for the verdict, which says the file changed, but there for who asks."""
    append = changed_after_signing(made["other"])["page appended"]
    tampered = append(made["pdf"], tmp_path / "t.pdf")
    done = run("--verbose", "verify", str(tampered), "--factors", str(TINY_FACTORS),
               "--trust-store", str(made["store"]))  # fmt: skip
    assert done.returncode == 16
    assert "pyhanko" in done.stderr
    assert "DEBUG isbenefit.certify.verification:" in done.stderr
