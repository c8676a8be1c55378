"""What is reported is defined once (isbenefit.reported) and every reader agrees with it;
every message of isbenefit.messages is fit for a translation catalog."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from isbenefit import messages, reported
from isbenefit.documents import numbers
from isbenefit.documents.workbook import decimals
from isbenefit.engine.core import SAVED
from tests.conftest import REPO


def test_the_engine_saves_the_reported_quantities_in_their_order() -> None:
    assert tuple(q.key for q in reported.QUANTITIES) == SAVED
    assert reported.CO2E == "co2e_kg"


@pytest.mark.parametrize(
    ("key", "value", "half_width", "printed", "line"),
    [
        # No range: three significant digits of the figure in its printed unit.
        ("co2e_kg", 12340.0, None, "12.3", "12.340"),  # kg printed as tonnes
        ("water_m3", 1234.56, None, "1,230", "1,234.6"),
        # Never finer than 2 decimals of a tonne; a negative figure keeps its sign.
        ("virgin_material_t", -3.5, None, "\u22123.50", "\u22123.50"),
        ("hazardous_diverted_t", 0.001, None, "0.00", "0.00"),
        # With a range: the second significant digit of half its P5-P95 width.
        ("co2e_kg", 741854.12, 50000.0, "742", "741.854"),  # +-50 t: whole tonnes
        ("co2e_kg", 741854.12, 380000.0, "740", "741.854"),  # +-380 t: tens
        ("co2e_kg", 741854.12, 40.0, "741.85", "741.854"),  # +-0.04 t: the finest, 0.01 t
        ("water_m3", 1234.56, 0.5, "1,234.6", "1,234.6"),  # finest for water: 0.1 m3
    ],
)
def test_documents_print_a_quantity_by_the_rule_of_reported_figures(
    key: str, value: float, half_width: float | None, printed: str, line: str
) -> None:
    assert numbers.quantity(key, value, half_width) == printed
    assert numbers.line_quantity(key, value) == line


def test_the_results_workbook_rounds_in_the_results_unit_as_documents_round() -> None:
    # 0.01 t is 10 kg (-1 decimal of a kilogram); a calculation line's 0.001 t is 1 kg.
    assert decimals("saved_co2e_kg", "exchanges") == -1
    assert decimals("co2e_kg", "lines") == 0
    assert decimals("saved_water_m3", "years") == 1
    assert decimals("saved_landfill_diverted_t", "totals") == 2
    assert decimals("money_network", "totals") == 0


def test_a_certificate_id_is_the_prefix_and_16_upper_case_hex_digits() -> None:
    made = reported.certificate_id("9045d4cf6d9ecde4" + "0" * 48)
    assert made == reported.EXAMPLE_CERTIFICATE_ID
    assert reported.is_certificate_id(made)
    for wrong in ("ISB-9045d4cf6d9ecde4", "ISB-9045D4CF6D9ECDE", "ISB-9045D4CF6D9ECDE40", ""):
        assert not reported.is_certificate_id(wrong)


def test_a_status_list_is_named_by_its_key_fingerprint_without_colons() -> None:
    assert reported.status_file_name("ed25519:1a2b:3c4d") == "ed25519-1a2b-3c4d.json"
    assert [str(s) for s in reported.Status] == ["valid", "revoked", "superseded"]
    assert [str(k) for k in reported.DocumentKind] == ["statement", "certificate", "report"]


def _texts() -> list[str]:
    found = [v for k, v in vars(messages).items() if k.isupper() and isinstance(v, str)]
    labels = [text for q in reported.QUANTITIES for text in (q.label, q.heading)]
    return found + labels


def test_every_message_has_named_placeholders_only() -> None:
    texts = _texts()
    assert len(texts) > 10
    for text in texts:
        fields = [field for _, field, _, _ in string.Formatter().parse(text) if field is not None]
        assert all(field.isidentifier() for field in fields), text


# Modules that build what a document, the ledger template or the service shows: their
# sentences come from isbenefit.messages (or the jinja templates), never from literals.
TEXT_BUILDERS = (
    "documents/contexts.py",
    "documents/statement.py",
    "documents/report.py",
    "documents/ranges.py",
    "documents/charts.py",
    "documents/network.py",
    "documents/numbers.py",
    "documents/workbook.py",
    "documents/certificate.py",
    "results/flags.py",
    "certify/issue.py",
    "certify/stated.py",
    "ledger/template.py",
    "service/views.py",
    "service/record_views.py",
    "service/entries.py",
    "service/access.py",
    "service/forms.py",
    "service/public.py",
    "service/issuing.py",
    "service/certificates.py",
    "service/accounts.py",
    "service/security.py",
)
WORDS = re.compile(r"[A-Za-z]+[ ,][A-Za-z]+ [A-Za-z]+")  # three words: a sentence or part


def literal_sentences(path: Path) -> list[str]:
    """String literals of three words or more in ``path``; left_out and the messages of
    errors raised (the command line's, not a document's) left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    left_out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                left_out.add(id(first.value))
        if isinstance(node, ast.Raise):
            left_out |= {id(inner) for inner in ast.walk(node)}
    return [
        f"{path.name}:{node.lineno}: {node.value!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in left_out
        and WORDS.search(node.value)
    ]


@pytest.mark.parametrize("module", TEXT_BUILDERS)
def test_text_a_user_reads_is_not_written_in_the_code_that_builds_it(module: str) -> None:
    assert literal_sentences(REPO / "isbenefit" / module) == []


def test_the_sentence_finder_finds_a_sentence(tmp_path: Path) -> None:
    source = tmp_path / "made.py"
    source.write_text('"""Doc string here."""\nx = f"Network of exchanges, {1}"\n')
    assert literal_sentences(source) == ["made.py:2: 'Network of exchanges, '"]
