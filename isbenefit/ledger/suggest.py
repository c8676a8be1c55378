"""Close matches a fix offers for a value isbenefit refuses (`T` -> `t`, `EURO` -> `EUR`).

The value written the same but for case comes first (`kwh` -> `kWh`), then the one close
spelling difflib finds. A suggestion is only offered, never applied: the value is still
refused, so nothing is read as something the user did not write. Units whose case changes
their size by a factor of a million or more (`mg`, `Mg`; `MT`, often meant as metric
tonnes) get no suggestion.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from isbenefit.messages import CLOSE_MATCH_FIX, say

CUTOFF = 0.75  # difflib similarity from which a spelling counts as close
NO_SUGGESTION = frozenset({"mg", "mt"})


def close_match(value: str, choices: Iterable[str]) -> str | None:
    """The one choice ``value`` most likely means, or None."""
    written = value.strip()
    options = sorted(set(choices))
    if not written or written in options or written.lower() in NO_SUGGESTION:
        return None
    same = [c for c in options if c.lower() == written.lower()]
    if len(same) == 1:
        return same[0]
    if same:
        return None  # `l` and `L` both mean litre; more than one is no suggestion
    by_case = {c.lower(): c for c in options}
    close = difflib.get_close_matches(written.lower(), list(by_case), n=2, cutoff=CUTOFF)
    if len(close) == 2 and close[0] != close[1]:
        first, second = (difflib.SequenceMatcher(None, written.lower(), c).ratio() for c in close)
        if first == second:
            return None  # two equally close: say neither
    return by_case[close[0]] if close else None


def with_suggestion(value: str, choices: Iterable[str], fix: str) -> str:
    """``fix`` led by the close match of ``value``, when there is one."""
    match = close_match(value, choices)
    return fix if match is None else say(CLOSE_MATCH_FIX, match=match, fix=fix)
