"""The glossary of claim-carrying terms (docs/translations.md) is what the catalogs say: every
translated message whose English text holds a term carries the glossary's word for it."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from isbenefit import messages
from tests.conftest import REPO

DOC = REPO / "docs" / "translations.md"
LOCALE = REPO / "isbenefit" / "locale"
TRANSLATED = [lang for lang in messages.LANGUAGES if lang != messages.SOURCE_LANGUAGE]

# The glossary's rows checked here, each with the English words that call for it. A word
# inside a placeholder ({supplier}, %(receiver)s) or a column id (baseline_supply) is not
# the term: placeholders are taken out of the English text before it is searched.
PLACEHOLDER = re.compile(r"\{[^}]*\}|%\([^)]*\)[a-z]")
_WORD = r"(?<![_'\w]){}(?![_'\w])"
CHECKED = {
    "avoided emissions": re.compile(r"avoided emissions", re.I),
    "credited share": re.compile(r"credited shares?", re.I),
    "baseline / reference scenario": re.compile(
        _WORD.format("baseline") + r"|reference scenarios?", re.I
    ),
    "conservative figure": re.compile(_WORD.format("conservative"), re.I),
    "central estimate": re.compile(r"central estimate", re.I),
    "supplier": re.compile(_WORD.format("suppliers?"), re.I),
    "receiver": re.compile(_WORD.format("receivers?"), re.I),
    "landfill diversion (diverted from landfill)": re.compile(
        r"diverted from landfill|landfill diverted", re.I
    ),
    "waste diverted from disposal": re.compile(r"diverted from disposal", re.I),
    "waste directed to disposal": re.compile(r"directed to disposal", re.I),
}


def glossary() -> dict[str, dict[str, str]]:
    """The first table under the glossary heading: English term -> language -> wording."""
    text = DOC.read_text(encoding="utf-8").split("## Glossary of claim-carrying terms", 1)[1]
    rows = [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in text.split("\n\n")[2].splitlines()
    ]
    header, body = rows[0], rows[2:]
    assert header[1:] == TRANSLATED, header
    return {row[0]: dict(zip(header[1:], row[1:], strict=True)) for row in body}


def stems(wording: str) -> list[str]:
    """The words' stems, so that an inflected form (Finnish, Polish, Baltic cases) counts."""
    words = [w.lower() for w in re.findall(r"\w+", wording) if len(w) >= 4]
    return [w[: max(4, min(6, len(w) - 2))] for w in words]


def test_the_glossary_has_every_checked_term_in_every_language() -> None:
    terms = glossary()
    assert set(CHECKED) <= set(terms)
    for term, row in terms.items():
        assert all(row.values()), term


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_message_holding_a_term_uses_the_glossary_word(lang: str) -> None:
    terms = glossary()
    with (LOCALE / lang / "LC_MESSAGES" / "django.po").open("rb") as handle:
        catalog = read_po(handle)
    astray = []
    for message in catalog:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not ids[0] or not all(s.strip() for s in strings):
            continue  # untranslated: test_catalogs says so
        for term, english in CHECKED.items():
            if english.search(PLACEHOLDER.sub(" ", " ".join(ids))):
                wanted = stems(terms[term][lang])
                astray += [
                    f"{term!r} ({terms[term][lang]!r}): {ids[0]!r} -> {text!r}"
                    for text in strings
                    if not any(stem in text.lower() for stem in wanted)
                ]
    assert not astray, f"{lang}: translate with the glossary of docs/translations.md:\n" + (
        "\n".join(astray)
    )
