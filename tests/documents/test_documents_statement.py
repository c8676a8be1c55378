"""Benefit statements: every printed figure equals the results, safely rendered."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from isbenefit.documents import statement_pdf
from isbenefit.documents.contexts import baseline_words
from isbenefit.documents.render import AssetFetcher, render_pdf, templates_root
from isbenefit.documents.statement import statement_context
from isbenefit.errors import InputError
from isbenefit.results.model import Results
from tests.documents_helpers import (
    EPOCH,
    HOSTILE_NAMES,
    UNICODE_NAMES,
    assess_ledger,
    flat,
    fmt,
    pdf_text,
    percent,
    row_figures,
    section,
    stated,
    tonnes_kg,
    unicode_ledger,
)
from tests.sample_results import sample_results


@pytest.fixture(scope="module")
def real_results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("statement")
    return dict(assess_ledger(unicode_ledger(root / "ledger"), root / "data").results)


def org_record(results: dict[str, Any], org_id: str) -> dict[str, Any]:
    return next(org for org in results["organisations"] if org["id"] == org_id)


def exchanges_of(results: dict[str, Any], org_id: str, year: str) -> list[dict[str, Any]]:
    return [
        e
        for e in results["exchanges"]
        if org_id in (e["supplier"], e["receiver"]) and e["years"].get(year, 0) > 0
    ]


def check_statement(results: dict[str, Any], org_id: str, year: str) -> str:
    text = pdf_text(statement_pdf(results, org_id, year))
    credited = org_record(results, org_id)["years"][year]
    head = flat(section(text, "Credited savings", "Share rule"))
    saved = credited["saved"]
    for expected in (
        f"{tonnes_kg(saved['co2e_kg'])} t CO₂e",
        f"{stated(saved['water_m3'], None, 1)} m³",
        f"{stated(saved['virgin_material_t'], None, 2)} t",
        f"{stated(saved['landfill_diverted_t'], None, 2)} t",
        f"{fmt(credited['money'], 0)} {results['currency']}",
    ):
        assert expected in head
    assert f"annual {year}, credited share" in head
    table = section(text, f"Exchanges in {year}", "Total credited")
    mine = exchanges_of(results, org_id, year)
    names = {org["id"]: org["name"] or org["id"] for org in results["organisations"]}
    for index, exchange in enumerate(mine):
        following = mine[index + 1]["id"] if index + 1 < len(mine) else None
        row = flat(section(table, exchange["id"], following))
        supplier = exchange["supplier"] == org_id
        share = exchange["supplier_share"] if supplier else 1 - exchange["supplier_share"]
        fraction = exchange["years"][year]
        saved_row = {k: v * fraction * share for k, v in exchange["saved"].items()}
        money = exchange["money_by_year"][year]["supplier" if supplier else "receiver"]
        assert row_figures(saved_row, money) in row
        assert f"credited {percent(share)}" in row
        partner = exchange["receiver"] if supplier else exchange["supplier"]
        assert flat(names[partner]) in row
        assert f"you are {'supplier' if supplier else 'receiver'}," in row
        assert exchange["resource"] in row
    total = flat(section(text, "Total credited", "Savings are"))
    assert row_figures(saved, credited["money"]) in total
    return text


def test_sample_statement_figures_equal_the_results() -> None:
    results = sample_results()
    for org in ("org001", "org002", "org005"):
        check_statement(results, org, "2024")


def test_real_statement_figures_lines_and_annex(real_results: dict[str, Any]) -> None:
    text = check_statement(real_results, "THIRD", "2024")
    e3 = next(e for e in real_results["exchanges"] if e["id"] == "E3")
    calculation = flat(section(text, "How each figure is computed", "Methodology"))
    for line in e3["lines"]:
        assert f"{fmt(line['amount'], 2)} {line['unit']}" in calculation
        assert fmt(line["co2e_kg"] / 1000, 3) in calculation
    assert fmt(e3["baseline"]["co2e_kg"] / 1000, 3) in calculation
    assert fmt(e3["saved"]["co2e_kg"] / 1000, 3) in calculation
    annex = flat(section(text, "Annex: factors and sources", "Versions"))
    used = {
        line["activity"] for e in exchanges_of(real_results, "THIRD", "2024") for line in e["lines"]
    }
    for factor in real_results["factors"]:
        assert (factor["id"] in annex) == (factor["id"] in used)
    assert "Round numbers for tests" in annex and "CC0-1.0" in annex
    for term in (
        "System expansion",
        "Credit share rule",
        "Conservativeness",
        "Not part of an inventory",
        "supplier share",
    ):
        assert term in text
    assert f"isbenefit {real_results['isbenefit_version']}" in text
    assert f"{real_results['factor_set']['id']} {real_results['factor_set']['version']}" in text


def test_page_numbers_and_metadata(real_results: dict[str, Any]) -> None:
    pdf = statement_pdf(real_results, "REC", "2024")
    reader = PdfReader(io.BytesIO(pdf))
    count = len(reader.pages)
    assert count >= 2
    for number, page in enumerate(reader.pages, start=1):
        assert f"Page {number} of {count}" in page.extract_text()
    info = reader.metadata
    assert info is not None
    assert info.title == f"Benefit statement 2024: {UNICODE_NAMES[1]}"
    assert info.author == "isbenefit"
    assert UNICODE_NAMES[1] in (info.subject or "")
    assert info.creation_date is not None
    assert int(info.creation_date.timestamp()) == int(EPOCH)


def test_unicode_names_render(real_results: dict[str, Any]) -> None:
    for org_id, name in zip(("SUP", "REC", "THIRD", "FOURTH", "FIFTH"), UNICODE_NAMES, strict=True):
        text = pdf_text(statement_pdf(real_results, org_id, "2024"))
        assert text.count(name) >= 2  # heading and running header


def test_hostile_names_are_printed_literally_and_nothing_is_fetched(tmp_path: Path) -> None:
    names = (*HOSTILE_NAMES, *UNICODE_NAMES[2:])
    results = assess_ledger(unicode_ledger(tmp_path / "ledger", names), tmp_path / "data").results
    fetcher = AssetFetcher(templates_root())
    context = statement_context(Results.from_results(results), "SUP", "2024")
    pdf = render_pdf("statement.html", context, fetcher=fetcher)
    text = flat(pdf_text(pdf))
    for name in HOSTILE_NAMES:
        assert name in text
    assert fetcher.refused == []
    assert fetcher.fetched == ["isbenefit-image:emissions", "isbenefit-image:flows"]


def test_same_input_same_bytes(real_results: dict[str, Any]) -> None:
    assert statement_pdf(real_results, "SUP", "2024") == statement_pdf(real_results, "SUP", "2024")


def test_unknown_org_names_it_and_lists_the_known_ids(real_results: dict[str, Any]) -> None:
    with pytest.raises(InputError) as caught:
        statement_pdf(real_results, "NOPE", "2024")
    problem = caught.value.problems[0]
    assert (problem.sheet, problem.column, problem.value) == ("organisations", "id", "NOPE")
    assert "FIFTH, FOURTH, REC, SUP, THIRD" in problem.fix


def test_year_without_exchanges_is_an_input_error(real_results: dict[str, Any]) -> None:
    with pytest.raises(InputError) as caught:
        statement_pdf(real_results, "SUP", "2023")
    assert "SUP" in str(caught.value) and "2024" in caught.value.problems[0].fix


def test_baseline_sentences_are_written_per_flow_kind() -> None:
    """The no-symbiosis sentence is a whole sentence of the exchange's flow kind; an
    activity's catalogue name is quoted after "scored as:", never glued into the grammar
    ("send it to Food and drink waste to landfill")."""
    results = Results.from_results(sample_results())
    said = {}
    for exchange in results.exchanges:
        text = baseline_words(exchange, results.factors)
        assert "send it to" not in text and "would use" not in text
        said.setdefault(exchange.flow, (exchange, text))
    material, text = said["material"]
    disposal = results.factors[material.baseline_disposal].name
    assert text.startswith(
        "Without the exchange, the supplier would have disposed of the material "
        f"(scored as: {disposal})."
    )
    energy, text = said["energy"]
    assert "the receiver would have produced or bought this energy elsewhere" in text
    assert f"(scored as: {results.factors[energy.baseline_supply].name})." in text
    _, text = said["water"]
    assert "this water" in text and "(scored as: " in text
    food = replace(material, baseline_disposal="landfill.food", baseline_supply="", lines=())
    factors = {"landfill.food": replace(results.factors[disposal_id(results)], name=FOOD)}
    assert baseline_words(food, factors) == (
        "Without the exchange, the supplier would have disposed of the material "
        f"(scored as: {FOOD})."
    )


FOOD = "Food and drink waste to landfill"


def disposal_id(results: Results) -> str:
    return next(e.baseline_disposal for e in results.exchanges if e.baseline_disposal)
