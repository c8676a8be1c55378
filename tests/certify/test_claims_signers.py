"""`verify --claims`: copies of a certificate are told apart by the key whose signature
verifies over the claim, never by the fingerprint signature.json merely records."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from isbenefit.cli.app import app
from tests.certificate_helpers import attached_claim, new_test_key
from tests.conftest import TINY_FACTORS, exchange, write_ledger
from tests.tamper_helpers import rewrite_attachments

runner = CliRunner()


def signed_certificate(ledger: Path, key: Path, out: Path) -> Path:
    result = runner.invoke(
        app,
        ["certificate", str(ledger), "--factors", str(TINY_FACTORS), "--org", "SUP",
         "--year", "2024", "--iterations", "0", "--key", str(key), "-o", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return out


def claims_report(folder: Path) -> tuple[int, dict]:
    result = runner.invoke(app, ["verify", "--claims", str(folder), "--json"])
    return result.exit_code, json.loads(result.output)


def signature_of(pdf: Path) -> dict[str, str]:
    from pypdf import PdfReader

    return json.loads(PdfReader(pdf).attachments["signature.json"][0])


@pytest.fixture
def two_issuers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """SUP's 70 % of one exchange, the same claim signed by two issuers' keys."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735689600")
    ledger = write_ledger(
        tmp_path / "ledger", [exchange(baseline_supply="prod.gypsum", supplier_share="0.7")]
    )
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in ("a", "b"):
        new_test_key(tmp_path / f"{name}.key", tmp_path / f"{name}.pub", "Same name")
        signed_certificate(ledger, tmp_path / f"{name}.key", tmp_path / f"sup-{name}.pdf")
    assert attached_claim(tmp_path / "sup-a.pdf") == attached_claim(tmp_path / "sup-b.pdf")
    return tmp_path


def test_the_same_claim_signed_by_two_keys_is_two_claims(two_issuers: Path) -> None:
    docs = two_issuers / "docs"
    for name in ("a", "b"):
        (docs / f"sup-{name}.pdf").write_bytes((two_issuers / f"sup-{name}.pdf").read_bytes())
    code, report = claims_report(docs)
    assert code == 9 and report["unverified"] == []
    assert report["findings"][0]["total_share"] == pytest.approx(0.7 + 0.7)


@pytest.mark.parametrize("forged", ["fingerprint", "key and fingerprint"])
def test_a_recorded_fingerprint_of_another_key_makes_no_copy(
    two_issuers: Path, forged: str
) -> None:
    """B's certificate with A's fingerprint (or A's key and fingerprint) in its
    signature.json would pass for a copy of A's, hiding the double claim: its signature
    does not verify so, it counts as a claim of its own and is named."""
    docs = two_issuers / "docs"
    (docs / "sup-a.pdf").write_bytes((two_issuers / "sup-a.pdf").read_bytes())
    a, b = signature_of(two_issuers / "sup-a.pdf"), signature_of(two_issuers / "sup-b.pdf")
    b["fingerprint"] = a["fingerprint"]
    if forged == "key and fingerprint":
        b["public_key"] = a["public_key"]
    rewrite_attachments(
        two_issuers / "sup-b.pdf",
        docs / "sup-b.pdf",
        {"signature.json": json.dumps(b).encode("utf-8")},
    )
    code, report = claims_report(docs)
    assert code == 9, report
    (finding,) = report["findings"]
    assert finding["total_share"] == pytest.approx(0.7 + 0.7)
    assert "sup-a.pdf: SUP 70%" in finding["description"]
    assert "sup-b.pdf: SUP 70%" in finding["description"]
    (note,) = report["unverified"]
    assert note.startswith("sup-b.pdf: ISB-")
    assert "the claim signature does not verify" in note
    assert "isbenefit verify sup-b.pdf" in note


def test_the_table_names_an_unverified_certificate(two_issuers: Path) -> None:
    docs = two_issuers / "docs"
    b = signature_of(two_issuers / "sup-b.pdf")
    b["fingerprint"] = "ed25519:0000:0000:0000:0000:0000:0000:0000:0000"
    rewrite_attachments(
        two_issuers / "sup-b.pdf", docs / "sup-b.pdf", {"signature.json": json.dumps(b).encode()}
    )
    result = runner.invoke(app, ["verify", "--claims", str(docs)])
    assert result.exit_code == 0, result.output
    assert "unverified sup-b.pdf: ISB-" in " ".join(result.output.split())
