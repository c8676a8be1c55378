"""The ledger template in another language: sheet names and column headers stay the
contract's ids; instructions, header comments and drop-down messages are in the language."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from isbenefit import messages
from isbenefit.ledger.contract import EXCHANGES
from isbenefit.ledger.template import template_bytes
from isbenefit.scoring.factorset import load_factor_set
from tests.conftest import TINY_FACTORS


def test_the_polish_template_keeps_the_ids_and_says_the_rest_in_polish() -> None:
    factor_set = load_factor_set(TINY_FACTORS)
    english = load_workbook(io.BytesIO(template_bytes(factor_set, "en")))
    polish = load_workbook(io.BytesIO(template_bytes(factor_set, "pl")))
    assert polish.sheetnames == english.sheetnames
    for sheet in ("exchanges", "organisations"):
        assert [c.value for c in polish[sheet][1]] == [c.value for c in english[sheet][1]]
    with messages.language("pl"):
        rows = messages.say(messages.TEMPLATE_ROWS)
        meaning = messages.say(EXCHANGES["id"].meaning)
    assert polish["Instructions"]["A3"].value == rows != english["Instructions"]["A3"].value
    comment = polish["exchanges"]["A1"].comment.text
    assert comment.startswith(meaning) and meaning != EXCHANGES["id"].meaning
    assert "Wymagane." in comment
