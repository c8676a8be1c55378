"""The translation catalogs: one per language, complete, placeholders kept, compiled .mo
equal to a fresh compile, and every text the templates and message modules mark is in them;
numbers written per locale (docs/translations.md)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from isbenefit import messages
from isbenefit.documents import numbers
from tests.conftest import REPO
from tests.i18n_helpers import by_hand

LOCALE = REPO / "isbenefit" / "locale"
TRANSLATED = [lang for lang in messages.LANGUAGES if lang != messages.SOURCE_LANGUAGE]
# Placeholders of both kinds (python-brace of isbenefit.messages, python-format of the templates),
# the escaped percent sign of a template, and HTML tags.
PLACEHOLDER = re.compile(r"\{[a-z_]+(?:![a-z])?\}|%\([a-z_]+\)s|%%|</?[a-z]+[^>]*>")


def catalog(lang: str):  # type: ignore[no-untyped-def]
    with (LOCALE / lang / "LC_MESSAGES" / "django.po").open("rb") as handle:
        return read_po(handle)


def test_there_is_a_catalog_for_every_language_but_the_source() -> None:
    assert messages.LANGUAGES == ("en", "da", "sv", "fi", "nb", "de", "pl", "lt", "lv", "et")
    found = sorted(p.parent.parent.name for p in LOCALE.glob("*/LC_MESSAGES/django.po"))
    assert found == sorted(TRANSLATED)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_a_catalog_is_complete_and_keeps_every_placeholder(lang: str) -> None:
    po = catalog(lang)
    entries = [m for m in po if m.id]
    assert len(entries) > 300
    for message in entries:
        assert not message.fuzzy, message.id
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert len(strings) == po.num_plurals or len(ids) == 1, message.id
        for text in strings:
            assert text.strip(), f"{lang}: untranslated {message.id!r}"
            assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(ids[-1])), (
                f"{lang}: {message.id!r} -> {text!r}"
            )


@pytest.mark.parametrize("lang", TRANSLATED)
def test_a_catalog_says_it_is_machine_made_and_not_reviewed(lang: str) -> None:
    header = (LOCALE / lang / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")[:1200]
    assert "machine translation made by the isbenefit project" in header
    assert "NOT reviewed by a native speaker" in header


def test_each_compiled_catalog_is_the_compile_of_its_po() -> None:
    completed = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "catalogs.py"), "check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr


def test_every_marked_text_is_in_every_catalog(tmp_path: Path) -> None:
    """A new sentence in a template or isbenefit.messages fails until it is translated."""
    import shutil

    scripts = tmp_path / "scripts"
    scripts.mkdir()
    shutil.copy(REPO / "scripts" / "catalogs.py", scripts / "catalogs.py")
    pot = REPO / "isbenefit" / "locale" / "django.pot"
    before = pot.read_bytes()
    try:
        subprocess.run(
            [sys.executable, str(REPO / "scripts" / "catalogs.py"), "extract"],
            check=True,
            capture_output=True,
        )
        with pot.open("rb") as handle:
            wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
        assert pot.read_bytes() == before, "django.pot is stale: run scripts/catalogs.py extract"
    finally:
        pot.write_bytes(before)
    for lang in TRANSLATED:
        have = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog(lang) if m.id}
        assert wanted - have == set(), (
            f"{lang}: not in the catalog; run scripts/catalogs.py extract and update, translate "
            "the new entries of every isbenefit/locale/*/LC_MESSAGES/django.po (the glossary of "
            "docs/translations.md), then scripts/catalogs.py compile"
        )


@pytest.mark.parametrize("lang", messages.LANGUAGES)
def test_figures_are_rounded_once_and_written_the_locale_s_way(lang: str) -> None:
    with messages.language(lang):
        assert numbers.tonnes(1660.5) == by_hand(lang, "1,660.50")
        assert numbers.tonnes(2.675) == by_hand(lang, "2.67")  # binary 2.67499..: rounded once
        assert numbers.water(-12345.67) == "\u2212" + by_hand(lang, "12,345.7")
        assert numbers.money(1234567.4) == by_hand(lang, "1,234,567")
        assert numbers.tonnes(-0.001) == by_hand(lang, "0.00")  # no sign on a rounded zero
        assert numbers.date("2024-12-31") in ("2024-12-31", "31.12.2024", "31.12.2024.")


def test_a_language_is_named_by_its_code_region_or_case_ignored() -> None:
    assert messages.checked_language("pl-PL") == "pl"
    assert messages.checked_language("NB_no") == "nb"
    assert messages.checked_language("no") == "nb"
    with pytest.raises(messages.UnknownLanguageError, match="'fr' is not available"):
        messages.checked_language("fr")


def test_the_source_language_is_the_text_of_the_code() -> None:
    assert messages.say(messages.BASIS_CREDITED, year="2024") == "annual 2024, credited share"
    with messages.language("de"):
        assert messages.say(messages.BASIS_CREDITED, year="2024") != "annual 2024, credited share"
    assert messages.current_language() == "en"
