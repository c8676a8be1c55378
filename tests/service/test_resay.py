"""Confirmation lines, kept in English with a closed year, said again in a document's
language (service/resay.py): a line of the current wording, and one kept with the earlier
wording ("on behalf on"), are both said through the current sentence; English keeps the
line as it was stored."""

from __future__ import annotations

import pytest

from isbenefit.messages import language
from isbenefit.service import wording
from isbenefit.service.resay import resaid

SENTENCES = (wording.CONFIRMED_ON_BEHALF, wording.CONFIRMED_BY)  # as issuing.py reads them
EARLIER = "confirmed by the facilitator (f@x.org) on behalf on 2024-03-01"
CURRENT = "confirmed by the facilitator (f@x.org) on the organisation's behalf on 2024-03-01"


def test_a_new_line_names_whose_behalf() -> None:
    assert wording.CONFIRMED_ON_BEHALF.format(user="f@x.org", date="2024-03-01") == CURRENT


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("de", "bestätigt von der Koordination (f@x.org) im Namen der Organisation am 2024-03-01"),
        ("pl", "potwierdzona przez koordynatora (f@x.org) w imieniu organizacji dnia 2024-03-01"),
        ("sv", "bekräftat av facilitatorn (f@x.org) på organisationens vägnar den 2024-03-01"),
    ],
)
def test_a_line_kept_with_the_earlier_wording_is_said_as_a_new_one(lang: str, said: str) -> None:
    with language(lang):
        assert resaid(EARLIER, SENTENCES) == said
        assert resaid(CURRENT, SENTENCES) == said


def test_in_english_a_kept_line_stays_as_stored() -> None:
    with language("en"):
        assert resaid(EARLIER, SENTENCES) == EARLIER
        assert resaid(CURRENT, SENTENCES) == CURRENT


def test_a_confirmation_by_the_party_is_not_taken_for_one_on_behalf() -> None:
    with language("de"):
        assert resaid("confirmed by m@x.org on 2024-03-02", SENTENCES) == (
            "bestätigt von m@x.org am 2024-03-02"
        )
        assert resaid("something else on 2024-03-02", SENTENCES) == ("something else on 2024-03-02")
