"""Revoking and superseding certificates: an append-only, hash-chained, signed status list
per issuer, and `verify --status` reading it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from isbenefit.certify import trust
from isbenefit.cli.app import app
from tests.certificate_helpers import attached_claim, make_certificate, new_test_key
from tests.conftest import TINY_FACTORS, exchange, write_ledger

runner = CliRunner()


@pytest.fixture(scope="module")
def issued(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("status")
    new_test_key(folder / "issuer.key", folder / "issuer.pub")
    new_test_key(folder / "other.key", folder / "other.pub")
    trust.trust(trust.store_path(None), folder / "issuer.pub", "Status issuer")
    ledger = write_ledger(folder / "ledger", [exchange(baseline_supply="prod.gypsum")])
    pdf = make_certificate(
        ledger, folder / "c.pdf", "--iterations", "0", "--key", str(folder / "issuer.key")
    )
    return {"pdf": pdf, "key": folder / "issuer.key", "other": folder / "other.key"}


def certificate_id(pdf: Path) -> str:
    from isbenefit.certify import claim as claims

    return claims.certificate_id(claims.claim_sha256(json.loads(attached_claim(pdf))))


def revoke(key: Path, status: Path, *extra: str, cert: str = "ISB-0000000000000001") -> None:
    result = runner.invoke(
        app, ["revoke", cert, "--key", str(key), "--status", str(status), *extra]
    )
    assert result.exit_code == 0, result.output


def verify(pdf: Path, status: Path) -> tuple[int, dict]:
    result = runner.invoke(app, ["verify", str(pdf), "--factors", str(TINY_FACTORS),
                                 "--status", str(status), "--json"])  # fmt: skip
    return result.exit_code, json.loads(result.output)


def status_message(report: dict) -> str:
    return next(c["message"] for c in report["checks"] if c["name"] == "status")


def test_a_certificate_not_in_the_list_stays_valid(issued: dict, tmp_path: Path) -> None:
    status = tmp_path / "status.json"
    revoke(issued["key"], status, "--reason", "another one")
    code, report = verify(issued["pdf"], status)
    assert (code, report["verdict"]) == (0, "valid")
    assert "not revoked or superseded in the issuer's list (1 entries)" in status_message(report)


def test_revoked_and_superseded_have_their_exit_codes(issued: dict, tmp_path: Path) -> None:
    own = certificate_id(issued["pdf"])
    revoked = tmp_path / "revoked.json"
    revoke(issued["key"], revoked, "--reason", "quantity double-counted", cert=own)
    code, report = verify(issued["pdf"], revoked)
    assert (code, report["verdict"]) == (13, "revoked")
    assert "quantity double-counted" in status_message(report)
    superseded = tmp_path / "superseded.json"
    revoke(issued["key"], superseded, "--reason", "restated with 2026.1 factors",
           "--superseded-by", "ISB-00000000000000AA", cert=own)  # fmt: skip
    code, report = verify(issued["pdf"], superseded)
    assert (code, report["verdict"]) == (14, "superseded")
    assert "superseded by ISB-00000000000000AA" in status_message(report)


@pytest.mark.parametrize("superseded_by", [None, "ISB-00000000000000AA"])
def test_a_tampered_copy_of_a_revoked_certificate_is_tampered(
    issued: dict, tmp_path: Path, superseded_by: str | None
) -> None:
    """Tampering outranks status: the changed copy may print anything, so it is reported
    as changed (16), not as the issuer's revoked or superseded certificate."""
    status = tmp_path / "status.json"
    more = ("--superseded-by", superseded_by) if superseded_by else ()
    revoke(issued["key"], status, "--reason", "restated", *more,
           cert=certificate_id(issued["pdf"]))  # fmt: skip
    data = issued["pdf"].read_bytes()
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(data.replace(b"WeasyPrint", b"WeasyPrinT", 1))
    code, report = verify(tampered, status)
    assert (code, report["verdict"]) == (16, "PDF signature invalid")
    assert status_message(report).startswith("superseded" if superseded_by else "revoked")


def test_an_edited_or_removed_entry_breaks_the_list(issued: dict, tmp_path: Path) -> None:
    own = certificate_id(issued["pdf"])
    status = tmp_path / "status.json"
    revoke(issued["key"], status, "--reason", "first")
    revoke(issued["key"], status, "--reason", "quantity wrong", cert=own)
    revoke(issued["key"], status, "--reason", "third")
    data = json.loads(status.read_text(encoding="utf-8"))

    edited = tmp_path / "edited.json"
    changed = json.loads(json.dumps(data))
    changed["entries"][1]["reason"] = "nothing wrong"
    edited.write_text(json.dumps(changed), encoding="utf-8")
    code, report = verify(issued["pdf"], edited)
    assert (code, report["verdict"]) == (15, "status list invalid")
    assert "entry 2 is not signed by the list's key (edited)" in status_message(report)

    removed = tmp_path / "removed.json"
    shortened = json.loads(json.dumps(data))
    del shortened["entries"][1]
    removed.write_text(json.dumps(shortened), encoding="utf-8")
    code, report = verify(issued["pdf"], removed)
    assert (code, report["verdict"]) == (15, "status list invalid")
    assert "an entry was removed" in status_message(report)


def test_another_issuers_list_is_not_taken(issued: dict, tmp_path: Path) -> None:
    status = tmp_path / "other.json"
    revoke(issued["other"], status, "--reason", "x", cert=certificate_id(issued["pdf"]))
    code, report = verify(issued["pdf"], status)
    assert (code, report["verdict"]) == (15, "status list invalid")
    assert "not kept by the key that signed this certificate" in status_message(report)


def test_revoke_refuses_a_malformed_id(issued: dict, tmp_path: Path) -> None:
    status = str(tmp_path / "s.json")
    result = runner.invoke(app, ["revoke", "ISB-123", "--key", str(issued["key"]),
                                 "--reason", "x", "--status", status])  # fmt: skip
    assert result.exit_code == 2
    assert "is not a certificate id" in result.output
