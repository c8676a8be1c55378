"""`isbenefit verify`: an untouched signed certificate is valid; each kind of tampering
gets its own verdict and exit code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from typer.testing import CliRunner

from isbenefit.cli import app
from isbenefit.documents import claim as claims
from isbenefit.signing import new_key_pair
from tests.conftest import TINY_FACTORS, exchange, write_ledger

runner = CliRunner()


@pytest.fixture(autouse=True)
def _epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735689600")


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("keys")
    new_key_pair(folder / "issuer.key", folder / "issuer.pub")
    new_key_pair(folder / "other.key", folder / "other.pub")
    return {"key": folder / "issuer.key", "pub": folder / "issuer.pub",
            "other": folder / "other.pub"}


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rows = [exchange(baseline_supply="prod.gypsum", baseline_disposal="landfill.plasterboard",
                     transport_mode="transport.road", transport_km="30"),
            exchange(id="E2", supplier="REC", receiver="SUP", flow="water", resource="water",
                     quantity="500", unit="m3", baseline_supply="water.mains")]
    return write_ledger(tmp_path_factory.mktemp("verify") / "ledger", rows)


def make_certificate(ledger: Path, out: Path, *extra: str) -> Path:
    result = runner.invoke(app, ["certificate", str(ledger), "--factors", str(TINY_FACTORS),
                                 "--org", "SUP", "--year", "2024", "-o", str(out), *extra])
    assert result.exit_code == 0, result.output
    return out


def verify(pdf: Path, *extra: str) -> tuple[int, dict]:
    result = runner.invoke(app, ["verify", str(pdf), "--factors", str(TINY_FACTORS), "--json",
                                 *extra])
    return result.exit_code, json.loads(result.output)


def rewrite_attachments(source: Path, target: Path, change: dict[str, bytes | None]) -> Path:
    """A copy of a PDF with some attachments replaced (bytes) or removed (None)."""
    reader = PdfReader(source)
    writer = PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    for name, contents in reader.attachments.items():
        data = change.get(name, contents[0])
        if data is not None:
            writer.add_attachment(name, data)
    with target.open("wb") as stream:
        writer.write(stream)
    return target


def test_untouched_signed_certificate_is_valid(ledger: Path, keys: dict[str, Path],
                                               tmp_path: Path) -> None:
    pdf = make_certificate(ledger, tmp_path / "c.pdf", "--key", str(keys["key"]))
    code, report = verify(pdf, "--key", str(keys["pub"]))
    assert (code, report["verdict"]) == (0, "valid")
    assert {c["name"]: c["status"] for c in report["checks"]} == {
        "attachment": "pass", "signature": "pass", "printed figures": "pass",
        "recomputation": "pass"}


def test_unsigned_certificate(ledger: Path, tmp_path: Path) -> None:
    code, report = verify(make_certificate(ledger, tmp_path / "c.pdf"))
    assert (code, report["verdict"]) == (3, "unsigned")


def test_another_key_makes_the_signature_invalid(ledger: Path, keys: dict[str, Path],
                                                 tmp_path: Path) -> None:
    pdf = make_certificate(ledger, tmp_path / "c.pdf", "--key", str(keys["key"]))
    code, report = verify(pdf, "--key", str(keys["other"]))
    assert (code, report["verdict"]) == (4, "signature invalid")


def test_one_byte_of_the_claim_edited(ledger: Path, keys: dict[str, Path],
                                      tmp_path: Path) -> None:
    pdf = make_certificate(ledger, tmp_path / "c.pdf", "--key", str(keys["key"]))
    original = PdfReader(pdf).attachments[claims.CLAIM_FILE][0]
    position = original.index(b'"year":"2024"') + len(b'"year":"202')
    edited = original[:position] + b"5" + original[position + 1:]
    tampered = rewrite_attachments(pdf, tmp_path / "t.pdf", {claims.CLAIM_FILE: edited})
    code, report = verify(tampered)
    assert (code, report["verdict"]) == (5, "attachment altered")


def test_stripped_signature(ledger: Path, keys: dict[str, Path], tmp_path: Path) -> None:
    pdf = make_certificate(ledger, tmp_path / "c.pdf", "--key", str(keys["key"]))
    stripped = rewrite_attachments(pdf, tmp_path / "s.pdf", {"signature.json": None})
    code, report = verify(stripped)
    assert (code, report["verdict"]) == (3, "unsigned")
    signature = next(c for c in report["checks"] if c["name"] == "signature")
    assert "although the page says it was signed" in signature["message"]


def test_printed_figure_differs_from_the_claim(ledger: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from isbenefit.documents import certificate as certificate_module

    real_build = claims.build_claim

    def inflated(*args: object, **kwargs: object) -> dict:
        claim = real_build(*args, **kwargs)  # type: ignore[arg-type]
        claim["credited"] = {**claim["credited"], "saved": {
            **claim["credited"]["saved"], "co2e_kg": claim["credited"]["saved"]["co2e_kg"] * 2}}
        return claim

    monkeypatch.setattr(certificate_module.claims, "build_claim", inflated)
    pdf = make_certificate(ledger, tmp_path / "c.pdf")
    code, report = verify(pdf)
    assert (code, report["verdict"]) == (6, "printed figures differ")


def test_recomputation_differs(ledger: Path, tmp_path: Path,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    from isbenefit.documents import certificate as certificate_module

    real_build = claims.build_claim

    def other_rows(*args: object, **kwargs: object) -> dict:
        claim = real_build(*args, **kwargs)  # type: ignore[arg-type]
        rows = [dict(row) for row in claim["ledger_rows"]["exchanges"]]
        for row in rows:
            row["quantity"] = str(float(row["quantity"]) * 3)
        claim["ledger_rows"] = {**claim["ledger_rows"], "exchanges": rows}
        return claim

    monkeypatch.setattr(certificate_module.claims, "build_claim", other_rows)
    pdf = make_certificate(ledger, tmp_path / "c.pdf")
    code, report = verify(pdf)
    assert (code, report["verdict"]) == (7, "recomputation differs")


def test_factor_set_unavailable(ledger: Path, tmp_path: Path) -> None:
    pdf = make_certificate(ledger, tmp_path / "c.pdf")
    result = runner.invoke(app, ["verify", str(pdf), "--json"])  # the default set is not tiny
    report = json.loads(result.output)
    assert (result.exit_code, report["verdict"]) == (8, "factor set unavailable")


def certificate_id_of(pdf: Path) -> str:
    raw = PdfReader(pdf).attachments[claims.CLAIM_FILE][0]
    return claims.certificate_id(claims.claim_sha256(json.loads(raw)))


def test_conservative_figure_is_certified_and_recomputes(ledger: Path, tmp_path: Path) -> None:
    pdf = make_certificate(ledger, tmp_path / "c.pdf", "--iterations", "200", "--seed", "4")
    claim = json.loads(PdfReader(pdf).attachments[claims.CLAIM_FILE][0])
    conservative = claim["uncertainty"]["credited"]["co2e_kg"]["conservative"]
    central = claim["credited"]["saved"]["co2e_kg"]
    assert conservative < central
    text = " ".join(PdfReader(pdf).pages[0].extract_text().split())
    assert f"{conservative / 1000:,.2f} t CO₂e" in text
    assert f"central estimate {central / 1000:,.2f} t CO₂e" in text
    code, report = verify(pdf)
    assert (code, report["verdict"]) == (3, "unsigned")  # every other check passed
    assert all(c["status"] == "pass" for c in report["checks"] if c["name"] != "signature")


def test_certificate_id_follows_the_certified_figure(ledger: Path, tmp_path: Path) -> None:
    first = make_certificate(ledger, tmp_path / "a.pdf", "--iterations", "200", "--seed", "4")
    again = make_certificate(ledger, tmp_path / "b.pdf", "--iterations", "200", "--seed", "4")
    other = make_certificate(ledger, tmp_path / "c.pdf", "--iterations", "200", "--seed", "5")
    assert certificate_id_of(first) == certificate_id_of(again)
    assert certificate_id_of(first) != certificate_id_of(other)
