"""Every document in every language: rendered once per language here (module fixture), read
back with pdftotext: the language is set, the text holds no sentence of the English document,
figures are written the locale's way, the fonts cover the letters, and the unreviewed
translation is said. A certificate in each language verifies; a tampered one does not."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader

from isbenefit import messages
from isbenefit.api import Assessment, assess
from isbenefit.certify import claim as claims
from isbenefit.certify.checks import Verdict
from isbenefit.certify.issue import Issuing, certificate_pdf
from isbenefit.certify.verification import verify
from isbenefit.documents.build import report_pdf, statement_pdf
from tests.certificate_helpers import EPOCH, new_test_key
from tests.conftest import REPO
from tests.i18n_helpers import by_hand
from tests.tamper_helpers import rewrite_attachments

EXAMPLE = REPO / "examples" / "nordic-cluster.xlsx"
ORG, YEAR = "pl-lodz-recykling", "2024"
KINDS = ("statement", "certificate", "report")
# Letters of each language its documents print, which the fonts must carry.
LETTERS = {"pl": "ąęłńśźżó", "lt": "ąėįųūčšž", "lv": "āēīķļņūšž", "et": "õäöü", "da": "æøå"}


@dataclass(frozen=True)
class Rendered:
    pdf: Path
    text: str  # pdftotext, whitespace as one space


@pytest.fixture(scope="module")
def assessment() -> Assessment:
    return assess(EXAMPLE)


@pytest.fixture(scope="module")
def rendered(
    tmp_path_factory: pytest.TempPathFactory, assessment: Assessment
) -> Iterator[dict[tuple[str, str], Rendered]]:
    patcher = pytest.MonkeyPatch()
    patcher.setenv("SOURCE_DATE_EPOCH", EPOCH)
    folder = tmp_path_factory.mktemp("languages")
    new_test_key(folder / "issuer.key", folder / "issuer.pub")
    rows = assessment.source_rows(claims.claim_exchange_ids(assessment.results, ORG, YEAR))
    issuing = Issuing(key_file=folder / "issuer.key")
    made = {}
    for lang in messages.LANGUAGES:
        pdfs = {
            "statement": statement_pdf(assessment.results, ORG, YEAR, lang),
            "certificate": certificate_pdf(assessment.results, ORG, YEAR, rows, issuing, lang=lang),
            "report": report_pdf(assessment.results, YEAR, lang=lang),
        }
        for kind, data in pdfs.items():
            path = folder / f"{kind}-{lang}.pdf"
            path.write_bytes(data)
            text = subprocess.run(
                ["pdftotext", "-enc", "UTF-8", str(path), "-"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            made[kind, lang] = Rendered(path, " ".join(text.replace("\u00a0", " ").split()))
    yield made
    patcher.undo()


def names(results: dict) -> set[str]:  # type: ignore[type-arg]
    """Words of what the ledger and the factor set name (organisations, resources, factors,
    sources): data, printed as given in every language."""
    texts = [json.dumps(results["ledger"]), results["factor_set"]["title"]]
    texts += [str(o.get("name") or "") + " " + o["id"] for o in results["organisations"]]
    for exchange in results["exchanges"]:
        texts += [str(exchange.get(key) or "") for key in ("id", "resource", "evidence", "unit")]
        texts += [line["activity"] for line in exchange["lines"]]
    for factor in results["factors"]:
        texts += [factor["id"], factor["name"], str(factor.get("source_ref") or "")]
    for source in results["sources"]:
        texts += [str(source.get(key) or "") for key in ("title", "publisher", "licence", "url")]
    return {word for text in texts for word in words(text)}


def words(text: str) -> set[str]:
    return {word.lower() for word in re.findall(r"[^\W\d_]+", text)}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("lang", messages.LANGUAGES[1:])
def test_a_translated_document_holds_no_sentence_of_the_english_one(
    rendered: dict[tuple[str, str], Rendered], assessment: Assessment, kind: str, lang: str
) -> None:
    data = names(assessment.results)  # names and ids
    english = rendered[kind, "en"].text
    translated = words(rendered[kind, lang].text)
    left = []
    for sentence in re.split(r"(?<=[.;:!?])\s+", english):
        own = words(sentence) - data
        if len(own) >= 4 and own <= translated:
            left.append(sentence)
    assert left == []


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("lang", messages.LANGUAGES)
def test_a_document_says_its_language_and_writes_figures_the_locale_s_way(
    rendered: dict[tuple[str, str], Rendered], assessment: Assessment, kind: str, lang: str
) -> None:
    document = rendered[kind, lang]
    catalog = PdfReader(document.pdf).trailer["/Root"]
    assert catalog["/Lang"] == lang
    results = assessment.results
    money = next(o for o in results["organisations"] if o["id"] == ORG)["years"][YEAR]["money"]
    if kind == "report":
        money = results["years"][YEAR]["money"]["network"]
    # The money figure of the page, by hand: whole units, the locale's separators.
    expected = by_hand(lang, f"{money:,.0f}").replace("-", "\u2212").replace("\u00a0", " ")
    assert expected in document.text
    with messages.language(lang):
        note = messages.say(messages.UNREVIEWED_TRANSLATION)
    compact = "".join(document.text.split())
    assert ("".join(note.split()) in compact) == (lang != "en")


@pytest.mark.parametrize("lang", sorted(LETTERS))
def test_the_fonts_carry_the_letters_of_the_language(
    rendered: dict[tuple[str, str], Rendered], lang: str
) -> None:
    printed = {letter for kind in KINDS for letter in rendered[kind, lang].text.lower()}
    assert set(LETTERS[lang]) <= printed
    for kind in KINDS:
        document = rendered[kind, lang]
        fonts = subprocess.run(
            ["pdffonts", str(document.pdf)], capture_output=True, text=True, check=True
        ).stdout.splitlines()[2:]
        assert fonts and all("DejaVu" in line for line in fonts), fonts


@pytest.mark.parametrize("lang", messages.LANGUAGES)
def test_a_certificate_in_any_language_verifies_and_says_its_language(
    rendered: dict[tuple[str, str], Rendered], lang: str, tmp_path: Path
) -> None:
    pdf = rendered["certificate", lang].pdf
    public = pdf.parent / "issuer.pub"
    report = verify(pdf, public_key=public)
    assert report.verdict is Verdict.VALID, report.as_dict()
    assert report.exit_code == 0
    assert report.language == lang
    claim = json.loads(claims.read_attachments(pdf)[claims.CLAIM_FILE])
    assert claim.get("language", "en") == lang
    # Another figure in the claim, or the claim said to be in another language: refused.
    claim["credited"]["money"] += 1000
    forged = rewrite_attachments(
        pdf, tmp_path / "forged.pdf", {claims.CLAIM_FILE: json.dumps(claim).encode()}
    )
    assert verify(forged, public_key=public).exit_code != 0


def test_a_page_printed_in_one_language_does_not_pass_for_another(
    rendered: dict[tuple[str, str], Rendered],
) -> None:
    """The printed-figures check rebuilds the page's text in the claim's language: the
    Polish claim read against the German page differs."""
    from isbenefit.certify.checks import Status
    from isbenefit.certify.verification import printed_in_language, read_certificate

    polish = rendered["certificate", "pl"].pdf
    claim = json.loads(claims.read_attachments(polish)[claims.CLAIM_FILE])
    german_page = read_certificate(rendered["certificate", "de"].pdf).flat
    assert printed_in_language(claim, read_certificate(polish).flat, "pl").status is Status.PASS
    assert printed_in_language(claim, german_page, "pl").status is Status.FAIL
