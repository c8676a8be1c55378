"""A sentence the store keeps in English (who confirmed an exchange, frozen with a closed
year) said again in the current language: its values are read back through the sentence of
:mod:`isbenefit.service.wording` it was written from, as documents/flag_text.py does for a
reviewer's flag. A text no sentence matches is kept as it is."""

from __future__ import annotations

import re
import string
from collections.abc import Iterable

from isbenefit.messages import SOURCE_LANGUAGE, current_language, say
from isbenefit.service import wording

# Earlier English wordings of a sentence, kept in the years closed before it was reworded:
# each is read back like the sentence and said through it (the placeholders are the same).
EARLIER = {
    wording.CONFIRMED_ON_BEHALF: ("confirmed by the facilitator ({user}) on behalf on {date}",),
}


def pattern(sentence: str) -> str:
    """A regular expression matching ``sentence`` with any values in its placeholders."""
    parts = []
    for text, name, _, _ in string.Formatter().parse(sentence):
        parts.append(re.escape(text) + (f"(?P<{name}>.+?)" if name else ""))
    return "".join(parts)


def resaid(text: str, sentences: Iterable[str]) -> str:
    """``text`` (an English sentence of ``sentences``, or an `EARLIER` wording of one,
    filled) in the current language. In English it stays as it was kept."""
    if current_language() == SOURCE_LANGUAGE:
        return text
    for sentence in sentences:
        for written in (sentence, *EARLIER.get(sentence, ())):
            found = re.fullmatch(pattern(written), text, re.DOTALL)
            if found:
                return say(sentence, **found.groupdict())
    return text
