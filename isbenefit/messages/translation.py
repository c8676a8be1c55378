"""Languages and catalogs: mark a text for extraction (:func:`N_`), say it in the current
language (:func:`say`), set that language for a block (:func:`language`)."""

from __future__ import annotations

import gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Any

SOURCE_LANGUAGE = "en"
# The languages of the documents, the ledger template and the service (docs/translations.md).
LANGUAGES = ("en", "da", "sv", "fi", "nb", "de", "pl", "lt", "lv", "et")
# Each language by its own name (the service's language switch).
LANGUAGE_NAMES = {
    "en": "English",
    "da": "Dansk",
    "sv": "Svenska",
    "fi": "Suomi",
    "nb": "Norsk bokmål",
    "de": "Deutsch",
    "pl": "Polski",
    "lt": "Lietuvių",
    "lv": "Latviešu",
    "et": "Eesti",
}
# One catalog per language, isbenefit/locale/LANG/LC_MESSAGES/django.po (.mo compiled from
# it); named for Django's domain so that the service reads the same catalog.
DOMAIN = "django"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
_CURRENT: ContextVar[str] = ContextVar("isbenefit_language", default=SOURCE_LANGUAGE)


class UnknownLanguageError(ValueError):
    """A language isbenefit has no catalog for."""

    def __init__(self, lang: str) -> None:
        super().__init__(lang)
        self.lang = lang

    def __str__(self) -> str:
        return f"language {self.lang!r} is not available; use one of {', '.join(LANGUAGES)}"


def N_(message: str) -> str:  # noqa: N802 (gettext's name for a marker)
    """Mark ``message`` for extraction into a translation catalog; returns it unchanged."""
    return message


def N_n(one: str, many: str) -> tuple[str, str]:  # noqa: N802 (as N_)
    """Mark a singular and plural pair for extraction as one plural message (ngettext)."""
    return one, many


def checked_language(lang: str) -> str:
    """``lang`` (case and region ignored: ``pl-PL`` is ``pl``) when isbenefit has it."""
    code = lang.strip().lower().replace("_", "-").split("-")[0]
    if code == "no":  # Norwegian without a written standard: Bokmal
        code = "nb"
    if code not in LANGUAGES:
        raise UnknownLanguageError(lang)
    return code


@cache
def catalog(lang: str) -> gettext.NullTranslations:
    """The compiled catalog of ``lang``; the source language has none (text unchanged)."""
    if lang == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, str(LOCALE_DIR), languages=[checked_language(lang)])


def current_language() -> str:
    """The language :func:`say` and the documents use here (``en`` unless set)."""
    return _CURRENT.get()


@contextmanager
def language(lang: str) -> Iterator[str]:
    """Use ``lang`` for every message said and document rendered in this block."""
    token = _CURRENT.set(checked_language(lang))
    try:
        yield _CURRENT.get()
    finally:
        _CURRENT.reset(token)


def translate(message: str) -> str:
    """``message`` in the current language (unchanged in English or when empty)."""
    return catalog(current_language()).gettext(message) if message else message


def translate_n(one: str, many: str, count: int) -> str:
    """The singular or plural form of a message for ``count`` in the current language."""
    return catalog(current_language()).ngettext(one, many, count)


def say(message: str, **values: Any) -> str:
    """``message`` in the current language, with its named placeholders filled."""
    text = translate(message)
    return text.format(**values) if values else text


def say_n(one: str, many: str, count: int, **values: Any) -> str:
    """``one`` or ``many`` by ``count`` (gettext's ngettext: a language may have more
    forms), filled with ``count`` and ``values``."""
    text = translate_n(one, many, count)
    return text.format(count=count, **values)
