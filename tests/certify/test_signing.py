"""Issuer keys and signatures."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from isbenefit.certify import signing
from isbenefit.cli.app import app
from tests.certificate_helpers import new_test_key


def test_keys_new_writes_a_private_key_only_the_owner_reads(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["keys", "new", "-o", str(tmp_path / "issuer"), "--name", "Gips"]
    )
    assert result.exit_code == 0, result.output
    private, public = tmp_path / "issuer.key", tmp_path / "issuer.pub"
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    key = signing.load_public_key(public)
    assert signing.fingerprint(key) in result.output
    again = CliRunner().invoke(
        app, ["keys", "new", "-o", str(tmp_path / "issuer"), "--name", "Gips"]
    )
    assert again.exit_code != 0 and "exists" in again.output


def test_signature_verifies_and_detects_changes(tmp_path: Path) -> None:
    new_test_key(tmp_path / "a.key", tmp_path / "a.pub")
    new_test_key(tmp_path / "b.key", tmp_path / "b.pub")
    private = signing.load_private_key(tmp_path / "a.key")
    message = '{"claim":"Næstved","co2e_kg":1200.5}'.encode()
    signature = signing.sign(private, message)
    assert signing.is_valid(signature, message)
    assert signing.is_valid(signature, message, signing.load_public_key(tmp_path / "a.pub"))
    assert not signing.is_valid(signature, message.replace(b"1200.5", b"1200.6"))
    assert not signing.is_valid(signature, message, signing.load_public_key(tmp_path / "b.pub"))
    assert signature.fingerprint == signing.fingerprint(private.public_key())


def test_unreadable_key_file_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.key"
    bad.write_text("not a key", encoding="utf-8")
    with pytest.raises(signing.KeyFileError, match=r"bad\.key.*isbenefit keys new"):
        signing.load_private_key(bad)
