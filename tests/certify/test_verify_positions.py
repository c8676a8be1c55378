"""`verify` reads the statement id, the claim's SHA-256, the issuer and the key's
fingerprint where the page prints them, by markers no language changes: the id just
before the SHA-256, the issuer and date of issue above the organisation, the fingerprint
after the SHA-256. The same text elsewhere on the page (a footnote) does not stand in, and
an id-like text the claim itself holds is no second statement id."""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from pathlib import Path

import pytest

from isbenefit.certify import printed, verification
from isbenefit.certify.checks import Status
from isbenefit.certify.claim import CLAIM_FILE, SIGNATURE_FILE, certificate_id
from tests.certificate_helpers import EPOCH, make_certificate, new_test_key
from tests.conftest import TINY_FACTORS, exchange, write_ledger

ISSUER = "Marker issuer"
QUOTED = "ISB-0123456789ABCDEF"  # an exchange id of the ledger, shaped like a statement id


def certificate(folder: Path, exchange_id: str) -> Path:
    new_test_key(folder / "issuer.key", folder / "issuer.pub", ISSUER)
    ledger = write_ledger(
        folder / "ledger", [exchange(id=exchange_id, baseline_supply="prod.gypsum")]
    )
    patcher = pytest.MonkeyPatch()
    patcher.setenv("SOURCE_DATE_EPOCH", EPOCH)
    try:
        return make_certificate(
            ledger, folder / "c.pdf", "--iterations", "0", "--key", str(folder / "issuer.key")
        )
    finally:
        patcher.undo()


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return {
        "plain": certificate(tmp_path_factory.mktemp("plain"), "E1"),
        "quoted": certificate(tmp_path_factory.mktemp("quoted"), QUOTED),
    }


@pytest.fixture(scope="module")
def page(made: dict[str, Path]) -> verification.Certificate:
    return verification.read_certificate(made["plain"])


def own_id_and_sha(document: verification.Certificate) -> tuple[str, str]:
    sha = hashlib.sha256(document.attachments[CLAIM_FILE]).hexdigest()
    return certificate_id(sha), sha


def attachment(document: verification.Certificate) -> verification.Check:
    return verification.attachment_check(document.attachments[CLAIM_FILE], document.compact)[1]


def signature(document: verification.Certificate) -> verification.Check:
    raw = document.attachments[CLAIM_FILE]
    return verification.signature_check(
        document.attachments[SIGNATURE_FILE], raw, None, document, None
    )


def moved(document: verification.Certificate, text: str, footnote: str) -> verification.Certificate:
    """The page with ``text`` taken from its place (once) and printed in a last line."""
    assert text in document.text
    return replace(document, text=document.text.replace(text, "", 1) + f"\nNote: {footnote}")


def test_the_untouched_page_passes(page: verification.Certificate) -> None:
    assert attachment(page).status is Status.PASS
    assert signature(page).status is Status.UNTRUSTED  # valid, by a key not trusted here


def test_the_right_id_only_in_a_footnote_is_no_statement_id(
    page: verification.Certificate,
) -> None:
    own, _ = own_id_and_sha(page)
    check = attachment(moved(page, own, f"see {own}"))
    assert check.status is Status.FAIL
    assert f"no statement id beside the claim's SHA-256 ({own} elsewhere)" in check.message


def test_another_id_beside_the_sha_and_the_right_one_in_a_footnote(
    page: verification.Certificate,
) -> None:
    own, _ = own_id_and_sha(page)
    forged = replace(page, text=page.text.replace(own, "ISB-00000000000000AA", 1) + f"\n{own}")
    check = attachment(forged)
    assert check.status is Status.FAIL
    assert f"claim.json gives the id {own}, the page prints ISB-00000000000000AA" in check.message


def test_the_sha_only_in_a_footnote_is_not_printed_beside_the_id(
    page: verification.Certificate,
) -> None:
    _, sha = own_id_and_sha(page)
    check = attachment(moved(page, sha, f"hash {sha}"))
    assert check.status is Status.FAIL
    assert "no statement id beside the claim's SHA-256" in check.message


def test_a_stray_id_the_claim_does_not_hold_is_a_second_statement_id(
    page: verification.Certificate,
) -> None:
    stray = replace(page, text=page.text + "\nSee also ISB-FEDCBA9876543210")
    check = attachment(stray)
    assert check.status is Status.FAIL
    assert "the page prints another statement id: ISB-FEDCBA9876543210" in check.message


def test_an_exchange_named_like_a_statement_id_is_no_second_id(made: dict[str, Path]) -> None:
    """The claim holds QUOTED as an exchange id and the page prints it in its table: the
    certificate is intact, as every check says."""
    document = verification.read_certificate(made["quoted"])
    assert QUOTED in document.compact
    assert attachment(document).status is Status.PASS, attachment(document).message
    from isbenefit.scoring.source import FactorSetFolder

    key = made["quoted"].parent / "issuer.pub"
    report = verification.verify(made["quoted"], key, FactorSetFolder(TINY_FACTORS))
    assert report.verdict == "valid", [(c.name, c.message) for c in report.checks]
    stray = replace(document, text=document.text + "\nISB-FEDCBA9876543210")
    assert "another statement id: ISB-FEDCBA9876543210" in attachment(stray).message


def test_the_issuer_only_in_a_footnote_is_not_the_pages_issuer(
    page: verification.Certificate,
) -> None:
    day = re.search(rf"{ISSUER}\s+\S+\s+(\d{{4}}-\d\d-\d\d)", page.text)
    assert day is not None
    head = replace(page, text=page.text.replace(ISSUER, "Someone else", 1))
    forged = replace(head, text=head.text + f"\n{ISSUER} on {day.group(1)}")
    check = signature(forged)
    assert check.status is Status.FAIL
    assert f"does not print the key's issuer {ISSUER!r}" in check.message


def test_the_fingerprint_above_the_details_is_not_printed_as_the_signers(
    page: verification.Certificate,
) -> None:
    fingerprint = re.search(r"ed25519:[0-9a-f:\s]+[0-9a-f]{4}", page.text)
    assert fingerprint is not None
    first_line = page.text.split("\n", 1)[0]
    text = page.text.replace(fingerprint.group(), "ed25519:0000", 1)
    text = text.replace(first_line, f"{first_line} {fingerprint.group()}", 1)
    check = signature(replace(page, text=text))
    assert check.status is Status.FAIL
    assert "does not print the signing key's fingerprint" in check.message


def test_the_markers_are_read_by_position_not_by_label() -> None:
    sha = "ab" * 32
    own = certificate_id(sha)
    claim: dict[str, object] = {"exchanges": [{"id": "E1"}]}
    for label in ("ClaimSHA-256", "SHA-256derAussage", "Teiginio SHA-256"):
        assert printed.statement_id_problems(claim, f"x{own}{label}{sha}y", sha) == []
    far = "x" * (printed.BESIDE + 1)
    assert printed.statement_id_problems(claim, f"{own}{far}{sha}", sha) == [
        f"the page prints no statement id beside the claim's SHA-256 ({own} elsewhere)"
    ]
