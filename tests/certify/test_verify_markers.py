"""`verify` reads a certificate by its claim and fixed markers, never by its English
labels: the same page with every label in another language checks out the same, and a
changed value is still caught."""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace

import pytest

from isbenefit.certify import printed, verification
from isbenefit.certify.checks import Status
from isbenefit.certify.claim import CLAIM_FILE, SIGNATURE_FILE, certificate_id
from tests.certificate_helpers import EPOCH, make_certificate, new_test_key
from tests.conftest import REPO, exchange, write_ledger

# The page's English words (templates/certificate.html) and made-up stand-ins.
RELABELLED = {
    "Statement id": "Identyfikator",
    "Claim SHA-256": "Skrót",
    "Organisation": "Organizacja",
    "calendar year": "rok kalendarzowy",
    "Issued by": "Wystawca",
    "on": "dnia",
    "Signed by the issuer key with fingerprint": "Podpisano kluczem",
}


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> verification.Certificate:
    folder = tmp_path_factory.mktemp("markers")
    new_test_key(folder / "issuer.key", folder / "issuer.pub", "Marker issuer")
    ledger = write_ledger(folder / "ledger", [exchange(baseline_supply="prod.gypsum")])
    patcher = pytest.MonkeyPatch()
    patcher.setenv("SOURCE_DATE_EPOCH", EPOCH)
    try:
        pdf = make_certificate(
            ledger, folder / "c.pdf", "--iterations", "20", "--key", str(folder / "issuer.key")
        )
    finally:
        patcher.undo()
    return verification.read_certificate(pdf)


def relabelled(document: verification.Certificate) -> verification.Certificate:
    text = document.text
    for english, other in RELABELLED.items():
        words = r"\s+".join(map(re.escape, english.split()))
        text = re.sub(rf"(?<!\w){words}(?!\w)", other.strip(), text)
    assert text != document.text
    return replace(document, text=text)


def checks(document: verification.Certificate) -> list[Status]:
    raw = document.attachments[CLAIM_FILE]
    claim, attachment = verification.attachment_check(raw, document.compact)
    assert claim is not None, attachment.message
    signature = verification.signature_check(
        document.attachments[SIGNATURE_FILE], raw, None, document, None
    )
    figures = printed.printed_check(claim, document.flat)
    assert figures.status is Status.PASS, figures.message
    return [attachment.status, signature.status, figures.status]


def test_the_page_in_other_words_checks_out_the_same(page: verification.Certificate) -> None:
    other = relabelled(page)
    for english in RELABELLED:
        assert not re.search(rf"(?<!\w){re.escape(english)}(?!\w)", other.flat)
    assert checks(other) == checks(page) == [Status.PASS, Status.UNTRUSTED, Status.PASS]


def test_a_changed_value_is_caught_whatever_the_labels(page: verification.Certificate) -> None:
    other = relabelled(page)
    claim, _ = verification.attachment_check(other.attachments[CLAIM_FILE], other.compact)
    assert claim is not None
    year = str(claim["year"])
    retyped = other.flat.replace(f"kalendarzowy {year}", "kalendarzowy 1999")
    check = printed.printed_check(claim, retyped)
    assert check.status is Status.FAIL and f"year {year}" in check.message
    renamed = other.flat.replace(str(claim["organisation"]["id"]) + " ", "OTHER ", 1)
    assert "organisation" in printed.printed_check(claim, renamed).message
    own = certificate_id(hashlib.sha256(other.attachments[CLAIM_FILE]).hexdigest())
    another_id = other.compact.replace(own, "ISB-0000000000000000", 1)
    _, attachment = verification.attachment_check(other.attachments[CLAIM_FILE], another_id)
    assert attachment.status is Status.FAIL
    assert "the page prints ISB-0000000000000000" in attachment.message


def test_the_reading_code_holds_no_label_of_the_page() -> None:
    for module in ("verification.py", "printed.py", "claim_signature.py"):
        source = (REPO / "isbenefit" / "certify" / module).read_text(encoding="utf-8")
        code = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith("#"))
        for english in ("Statement|Certificate", "ClaimSHA", "calendar year {", "Issued by {",
                        "signedbytheissuerkey", "Organisation {"):  # fmt: skip
            assert english not in code, (module, english)
