"""Filters that show the store's ids (a certificate's status, a job's state, a role, a
proposal's kind) and a confirmation in the page's language. The ids stay English in the
store, the API and the JSON; only their display is translated (docs/translations.md)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import translation

from isbenefit.messages import LANGUAGE_NAMES, LANGUAGES
from isbenefit.service import wording

register = template.Library()


@register.filter
def word(value: Any, group: str = "state") -> str:
    """The display of id ``value`` of ``group`` (wording.WORDS) in the active language;
    an id the group does not know is shown as it is."""
    text = wording.WORDS.get(group, {}).get(str(value))
    return translation.gettext(text) if text else str(value)


@register.filter
def said(value: Any) -> str:
    """``value`` through the catalog: a sentence of isbenefit.messages kept in English
    (a figure's label, a basis) in the active language; other text unchanged."""
    return translation.gettext(str(value)) if value else ""


@register.filter
def confirmed(confirmation: Any) -> str:
    """Who confirmed a version and when (Confirmation.describe, in the page's language)."""
    message = wording.CONFIRMED_ON_BEHALF if confirmation.on_behalf else wording.CONFIRMED_BY
    text = translation.gettext(message)
    return text.format(user=confirmation.user, date=f"{confirmation.at:%Y-%m-%d}")


@register.simple_tag
def language_choices() -> list[tuple[str, str]]:
    """The language switch's options, each language by its own name (untranslated: Django's
    get_available_languages would say "Englisch" on a German page)."""
    return [(code, LANGUAGE_NAMES[code]) for code in LANGUAGES]
