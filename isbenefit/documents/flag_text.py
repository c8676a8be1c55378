"""A reviewer's flag in the language of the document it is printed in.

The results JSON keeps each flag's note as an English sentence (it is data, the same in
every language); a document in another language reads the note's values back through the
sentence of :mod:`isbenefit.messages` it was written from and says that sentence again.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from typing import TYPE_CHECKING

from isbenefit import messages
from isbenefit.messages import SOURCE_LANGUAGE, current_language, say

if TYPE_CHECKING:
    from isbenefit.results import model


def flag_message(flag: model.Flag) -> str:
    """A flag's note in the current language; a note no sentence matches is kept as it is."""
    if current_language() == SOURCE_LANGUAGE:
        return flag.message
    sentences = {
        "eu_ets": messages.FLAG_EU_ETS.get(flag.column),
        "supply_limited": messages.FLAG_SUPPLY_LIMITED,
        "region": messages.FLAG_REGION.get(flag.column),
    }
    sentence = sentences.get(flag.code)
    if sentence is None:
        return flag.message
    pattern = "".join(
        re.escape(text) + (f"(?P={name})" if name in seen else f"(?P<{name}>.+?)" if name else "")
        for text, name, seen in _sentence_parts(sentence)
    )
    found = re.fullmatch(pattern, flag.message, re.DOTALL)
    return say(sentence, **found.groupdict()) if found else flag.message


def _sentence_parts(sentence: str) -> Iterator[tuple[str, str | None, set[str]]]:
    """The literal text before each placeholder, the placeholder's name (None at the end)
    and the names met before it (a name used twice matches only once)."""
    seen: set[str] = set()
    for text, name, _, _ in string.Formatter().parse(sentence):
        yield text, name, set(seen)
        if name:
            seen.add(name)
