"""Signed statements carry a PAdES signature that PDF readers check (poppler's pdfsig and
pyHanko here), bound to the key that signed the claim; any change after signing is
caught by the readers and by `isbenefit verify`; an independent verifier can countersign,
and only then does the page say "verified by"."""

from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader
from pypdf.generic import ContentStream
from typer.testing import CliRunner

from isbenefit.certify import trust
from isbenefit.certify.pdf_signature import ISSUER_FIELD
from isbenefit.cli.app import app
from tests.certificate_helpers import EPOCH, make_certificate, new_test_key
from tests.conftest import TINY_FACTORS, exchange, write_ledger
from tests.tamper_helpers import (
    byte_range_broken,
    page_appended,
    painted_over,
    producer_edited,
    signed_over,
)

runner = CliRunner()
ISSUER = "Nordic Symbiosis Centre"
VERIFIER = "Łódź Weryfikacja Sp. z o.o."
STATEMENT = "limited assurance per ISO 14064-3"


@pytest.fixture(autouse=True)
def _epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("keys")
    new_test_key(folder / "issuer.key", folder / "issuer.pub", ISSUER)
    new_test_key(folder / "verifier.key", folder / "verifier.pub", VERIFIER)
    store = folder / "trust.json"
    trust.trust(store, folder / "issuer.pub", ISSUER)
    both = folder / "trust-both.json"
    trust.trust(both, folder / "issuer.pub", ISSUER)
    trust.trust(both, folder / "verifier.pub", "Weryfikacja")
    return {
        "issuer": folder / "issuer.key",
        "verifier": folder / "verifier.key",
        "store": store,
        "both": both,
    }


@pytest.fixture(scope="module")
def signed(keys: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("signed")
    ledger = write_ledger(folder / "ledger", [exchange(baseline_supply="prod.gypsum")])
    patcher = pytest.MonkeyPatch()
    patcher.setenv("SOURCE_DATE_EPOCH", EPOCH)
    try:
        return make_certificate(
            ledger, folder / "c.pdf", "--iterations", "0", "--key", str(keys["issuer"])
        )
    finally:
        patcher.undo()


def verify(pdf: Path, store: Path) -> tuple[int, dict[str, Any]]:
    result = runner.invoke(
        app,
        ["verify", str(pdf), "--factors", str(TINY_FACTORS), "--trust-store", str(store), "--json"],
    )
    return result.exit_code, json.loads(result.output)


def check(report: dict[str, Any], name: str) -> dict[str, str]:
    return next(c for c in report["checks"] if c["name"] == name)


def pdfsig(pdf: Path) -> str:
    return subprocess.run(["pdfsig", str(pdf)], capture_output=True, text=True, check=False).stdout


def pyhanko_statuses(pdf: Path) -> list[Any]:
    reader = PdfFileReader(io.BytesIO(pdf.read_bytes()), strict=False)
    # No trust roots: these signatures are self-certified; trust is verify's business.
    context = ValidationContext(trust_roots=[], allow_fetching=False)
    return [
        validate_pdf_signature(item, signer_validation_context=context)
        for item in reader.embedded_signatures
    ]


def countersign(pdf: Path, key: Path, out: Path, store: Path) -> Any:
    return runner.invoke(
        app,
        [
            "countersign",
            str(pdf),
            "--key",
            str(key),
            "--statement",
            STATEMENT,
            "-o",
            str(out),
            "--factors",
            str(TINY_FACTORS),
            "--trust-store",
            str(store),
        ],
    )


def stamp_text(pdf: Path) -> str:
    """The text drawn by the visible signature boxes (widget appearance streams)."""
    reader = PdfReader(pdf)
    shown = []
    for annotation in reader.pages[0].get("/Annots", []):
        widget = annotation.get_object()
        if widget.get("/FT") != "/Sig" or "/AP" not in widget:
            continue
        stream = ContentStream(widget["/AP"]["/N"].get_object(), reader)
        for operands, operator in stream.operations:
            if operator == b"BDC" and len(operands) > 1 and "/ActualText" in operands[1]:
                shown.append(str(operands[1]["/ActualText"]))
    return " ".join(shown)


def test_a_signed_statement_carries_a_pades_signature_readers_accept(signed: Path) -> None:
    shown = pdfsig(signed)
    assert "Signature Field Name: isbenefit-issuer" in shown
    assert f"Signer Certificate Common Name: {ISSUER}" in shown
    assert "Signature Type: ETSI.CAdES.detached" in shown
    assert "Total document signed" in shown
    assert "Signature Validation: Signature is Valid." in shown
    # Self-certified: the reader says so rather than calling it trusted.
    assert "Certificate Validation: Certificate issuer isn't Trusted." in shown
    (status,) = pyhanko_statuses(signed)
    assert status.intact and status.valid and not status.trusted
    assert status.coverage.name == "ENTIRE_FILE"


def test_verify_checks_the_pdf_signature_against_the_claim_key(
    signed: Path, keys: dict[str, Path]
) -> None:
    code, report = verify(signed, keys["store"])
    assert (code, report["verdict"]) == (0, "valid")
    message = check(report, "PDF signature")["message"]
    assert check(report, "PDF signature")["status"] == "pass"
    assert f"PAdES signature by {ISSUER}" in message and "covers the whole file" in message


def test_one_byte_edited_after_signing_fails_every_reader_and_verify(
    signed: Path, keys: dict[str, Path], tmp_path: Path
) -> None:
    # The producer string in the document information: nothing else checks it, so the
    # PDF signature alone must catch the change.
    tampered = producer_edited(signed, tmp_path / "t.pdf")
    assert "Signature Validation: Digest Mismatch." in pdfsig(tampered)
    (status,) = pyhanko_statuses(tampered)
    assert not status.intact  # the signed bytes no longer hash to the signed digest
    code, report = verify(tampered, keys["store"])
    assert (code, report["verdict"]) == (16, "PDF signature invalid")
    assert check(report, "PDF signature")["message"] == (
        "the signed bytes were changed after signing (digest mismatch)"
    )
    assert check(report, "signature")["status"] == "pass"  # the claim itself is intact


def test_a_page_appended_after_signing_is_caught(
    signed: Path, keys: dict[str, Path], tmp_path: Path
) -> None:
    appended = page_appended(signed, tmp_path / "appended.pdf")
    assert "Not total document signed" in pdfsig(appended)
    code, report = verify(appended, keys["store"])
    assert (code, report["verdict"]) == (16, "PDF signature invalid")
    assert "appended after the last signature" in check(report, "PDF signature")["message"]


def test_a_white_box_drawn_over_a_figure_after_signing_is_caught(
    signed: Path, keys: dict[str, Path], tmp_path: Path
) -> None:
    """An incremental update that paints over the page: the text a parser extracts is
    unchanged, what a reader shows is not."""
    painted = painted_over(signed, tmp_path / "painted.pdf")
    assert "Not total document signed" in pdfsig(painted)
    code, report = verify(painted, keys["store"])
    assert (code, report["verdict"]) == (16, "PDF signature invalid")
    assert "appended after the last signature" in check(report, "PDF signature")["message"]


def test_the_same_input_gives_the_same_signed_bytes(
    signed: Path, keys: dict[str, Path], tmp_path: Path
) -> None:
    ledger = write_ledger(tmp_path / "ledger", [exchange(baseline_supply="prod.gypsum")])
    again = make_certificate(
        ledger, tmp_path / "again.pdf", "--iterations", "0", "--key", str(keys["issuer"])
    )
    assert again.read_bytes() == signed.read_bytes()


def test_an_uncountersigned_statement_says_nothing_of_verification(signed: Path) -> None:
    text = " ".join(page.extract_text() or "" for page in PdfReader(signed).pages).lower()
    assert "verified" not in text and "certif" not in text
    assert stamp_text(signed) == ""


def test_countersigned_statement_shows_both_signatures(
    signed: Path, keys: dict[str, Path], tmp_path: Path
) -> None:
    out = tmp_path / "countersigned.pdf"
    result = countersign(signed, keys["verifier"], out, keys["store"])
    assert result.exit_code == 0, result.output
    stamp = stamp_text(out)
    assert stamp.startswith(f"Verified by {VERIFIER} on 2025-01-01: {STATEMENT}")
    shown = pdfsig(out)
    assert shown.count("Signature Validation: Signature is Valid.") == 2
    assert f"Signer Certificate Common Name: {VERIFIER}" in shown
    issuer, verifier = pyhanko_statuses(out)
    assert issuer.intact and issuer.valid and issuer.coverage.name == "ENTIRE_REVISION"
    assert verifier.intact and verifier.valid and verifier.coverage.name == "ENTIRE_FILE"

    # The verifier's key is not trusted: "verified by" is not backed for this user.
    code, report = verify(out, keys["store"])
    assert (code, report["verdict"]) == (12, "signed by an unknown key")
    assert check(report, "countersignature")["status"] == "untrusted"
    assert "isbenefit keys trust VERIFIER.pub" in check(report, "countersignature")["message"]
    assert check(report, "PDF signature")["status"] == "pass"

    code, report = verify(out, keys["both"])
    assert (code, report["verdict"]) == (0, "valid")
    message = check(report, "countersignature")["message"]
    assert message.startswith("verified by Weryfikacja (trusted key ed25519:")
    assert repr(STATEMENT) in message

    # Countersigning is as reproducible as signing.
    again = tmp_path / "again.pdf"
    assert countersign(signed, keys["verifier"], again, keys["store"]).exit_code == 0
    assert again.read_bytes() == out.read_bytes()

    # A byte edited in the countersignature's revision breaks that signature only.
    later = out.read_bytes().rindex(b"/Reason")
    data = bytearray(out.read_bytes())
    data[later + 9] ^= 0x01  # inside the countersignature's reason string
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(bytes(data))
    code, report = verify(broken, keys["both"])
    assert (code, report["verdict"]) == (17, "countersignature invalid")
    assert "digest mismatch" in check(report, "countersignature")["message"]
    assert "Digest Mismatch" in pdfsig(broken)


def test_countersign_refuses_a_statement_that_fails_a_check(
    signed: Path, keys: dict[str, Path], tmp_path: Path
) -> None:
    tampered = producer_edited(signed, tmp_path / "t.pdf")
    out = tmp_path / "out.pdf"
    result = countersign(tampered, keys["verifier"], out, keys["store"])
    assert result.exit_code == 16
    assert "PDF signature invalid" in result.output and "PDF signature:" in result.output
    assert not out.exists()


@pytest.mark.parametrize("field", ["Signature1", "isbenefit-issuer2"])
def test_a_signature_under_another_name_cannot_paint_over_the_page(
    signed: Path, keys: dict[str, Path], tmp_path: Path, field: str
) -> None:
    """Adding a signature is "form filling" for the issuer's signature, whatever its box
    draws: only isbenefit's countersignatures may follow it."""
    painted = signed_over(signed, keys["verifier"], field, tmp_path / "painted.pdf")
    code, report = verify(painted, keys["both"])
    assert (code, report["verdict"]) == (16, "PDF signature invalid")
    message = check(report, "PDF signature")["message"]
    assert f"other signatures follow the issuer's ('{field}' by {VERIFIER})" in message


def test_a_countersignature_may_draw_only_in_its_box(
    signed: Path, keys: dict[str, Path], tmp_path: Path
) -> None:
    painted = signed_over(signed, keys["verifier"], "isbenefit-verifier-1", tmp_path / "p.pdf")
    code, report = verify(painted, keys["both"])  # even a trusted verifier's key
    assert (code, report["verdict"]) == (17, "countersignature invalid")
    assert "outside the countersignature box" in check(report, "countersignature")["message"]


def test_a_malformed_signature_is_broken_not_a_traceback(
    signed: Path, keys: dict[str, Path], tmp_path: Path
) -> None:
    tampered = byte_range_broken(signed, tmp_path / "broken.pdf")
    code, report = verify(tampered, keys["store"])
    assert (code, report["verdict"]) == (16, "PDF signature invalid")
    assert "malformed" in check(report, "PDF signature")["message"]


def test_countersign_refuses_when_the_recomputation_cannot_run(
    signed: Path, keys: dict[str, Path], tmp_path: Path
) -> None:
    """Without the factor set the statement names, nothing was recomputed: an unknown
    issuer key must not hide that."""
    out = tmp_path / "out.pdf"
    empty = tmp_path / "trust.json"
    result = runner.invoke(
        app,
        ["countersign", str(signed), "--key", str(keys["verifier"]), "--statement", STATEMENT,
         "-o", str(out), "--trust-store", str(empty)],
    )  # fmt: skip
    assert result.exit_code == 8, result.output
    assert "factor set unavailable" in result.output and "recomputation:" in result.output
    assert not out.exists()


def test_countersign_refuses_the_issuers_own_key(
    signed: Path, keys: dict[str, Path], tmp_path: Path
) -> None:
    out = tmp_path / "out.pdf"
    result = countersign(signed, keys["issuer"], out, keys["store"])
    assert result.exit_code == 1
    assert "the issuer's own key" in result.output
    assert not out.exists()


def test_an_unsigned_statement_cannot_be_countersigned(
    keys: dict[str, Path], tmp_path: Path
) -> None:
    ledger = write_ledger(tmp_path / "ledger", [exchange(baseline_supply="prod.gypsum")])
    unsigned = make_certificate(ledger, tmp_path / "u.pdf", "--iterations", "0")
    out = tmp_path / "out.pdf"
    result = countersign(unsigned, keys["verifier"], out, keys["store"])
    assert result.exit_code == 3
    assert "only a signed statement" in result.output
    assert not out.exists()


def test_the_issuer_field_is_the_one_readers_list_first(signed: Path) -> None:
    reader = PdfFileReader(io.BytesIO(signed.read_bytes()), strict=False)
    assert [item.field_name for item in reader.embedded_signatures] == [ISSUER_FIELD]


@pytest.mark.parametrize("before_pdf_signatures", [True, False])
def test_a_signed_claim_without_a_pdf_signature(
    keys: dict[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    before_pdf_signatures: bool,
) -> None:
    """Claims signed before PDF signatures existed lack "rounding" (inside the signed
    claim): they pass without one. A claim that has it lost its PDF signature."""
    from isbenefit.certify import claim as claims
    from isbenefit.certify import pdf_signature

    monkeypatch.setattr(pdf_signature, "sign_pdf", lambda pdf, *args, **kwargs: pdf)
    if before_pdf_signatures:
        real = claims.build_claim

        def older(*args: Any, **kwargs: Any) -> dict[str, Any]:
            made = real(*args, **kwargs)
            del made["rounding"]
            return made

        monkeypatch.setattr(claims, "build_claim", older)
    ledger = write_ledger(tmp_path / "ledger", [exchange(baseline_supply="prod.gypsum")])
    pdf = make_certificate(ledger, tmp_path / "c.pdf", "--iterations", "0", "--key",
                           str(keys["issuer"]))  # fmt: skip
    monkeypatch.undo()
    code, report = verify(pdf, keys["store"])
    if before_pdf_signatures:
        assert (code, report["verdict"]) == (0, "valid")
        assert check(report, "PDF signature")["status"] == "skip"
    else:
        assert (code, report["verdict"]) == (16, "PDF signature invalid")
        assert "carries no issuer PDF signature" in check(report, "PDF signature")["message"]
