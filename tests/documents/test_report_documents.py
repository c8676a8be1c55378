"""Cluster annual report: totals once per exchange, shares that add up, vector network."""

from __future__ import annotations

import io
from typing import Any

import pytest
from pypdf import PdfReader

from isbenefit.documents import report_pdf
from isbenefit.documents.render import render_html
from isbenefit.documents.report import report_context
from isbenefit.errors import InputError
from isbenefit.results.model import Results
from tests.conftest import F, write_ledger
from tests.conftest import exchange as exchange_row
from tests.documents_helpers import (
    UNICODE_NAMES,
    assess_ledger,
    flat,
    fmt,
    pdf_text,
    row_figures,
    section,
    tonnes_kg,
    unicode_ledger,
)
from tests.sample_results import sample_results

KEYS = ("co2e_kg", "water_m3", "virgin_material_t", "landfill_diverted_t", "hazardous_diverted_t")


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("report")
    return dict(assess_ledger(unicode_ledger(root / "ledger"), root / "data").results)


@pytest.fixture(scope="module")
def report_text(results: dict[str, Any]) -> str:
    return pdf_text(report_pdf(results, "2024", "Øresund–Baltic Cluster"))


def test_headline_totals_are_annual_and_counted_once(
    results: dict[str, Any], report_text: str
) -> None:
    year = results["years"]["2024"]
    inside = [e for e in results["exchanges"] if e["years"].get("2024", 0) > 0]
    once = sum(e["saved"]["co2e_kg"] * e["years"]["2024"] for e in inside)
    assert abs(once - year["saved"]["co2e_kg"]) < 1e-6
    head = flat(section(report_text, "ANNUAL REPORT · 2024", "Network of exchanges"))
    assert f"{tonnes_kg(year['saved']['co2e_kg'])} t CO₂e" in head
    assert f"{fmt(year['money']['network'], 0)} EUR" in head
    assert "annual 2024, each exchange counted once" in head
    assert "Øresund–Baltic Cluster" in head


def test_cumulative_figure_is_labelled_with_its_years(
    results: dict[str, Any], report_text: str
) -> None:
    total = sum(results["years"][y]["saved"]["co2e_kg"] for y in ("2023", "2024"))
    head = flat(section(report_text, "CUMULATIVE 2023–2024 (2 YEARS)", "Network of exchanges"))
    assert f"{tonnes_kg(total)} t CO₂e" in head
    assert "cumulative 2023–2024 (2 years)" in head


def test_organisation_shares_add_up_to_the_totals(
    results: dict[str, Any], report_text: str
) -> None:
    active = [o for o in results["organisations"] if "2024" in o["years"]]
    for key in KEYS:
        shares = sum(o["years"]["2024"]["saved"][key] for o in active)
        assert abs(shares - results["years"]["2024"]["saved"][key]) < 1e-6
    table = flat(section(report_text, "By organisation", "Year on year"))
    for org in active:
        figures = org["years"]["2024"]
        assert f"{org['name']} {org['id']}" in table
        assert row_figures(figures["saved"], figures["money"]) in table
    totals = results["years"]["2024"]
    assert f"Total, annual 2024 {row_figures(totals['saved'], totals['money']['network'])}" in table


def test_flow_rows_exchange_rows_and_history(results: dict[str, Any], report_text: str) -> None:
    inside = [e for e in results["exchanges"] if e["years"].get("2024", 0) > 0]
    flows = flat(section(report_text, "By flow kind", "By organisation"))
    for flow in sorted({e["flow"] for e in inside}):
        mine = [e for e in inside if e["flow"] == flow]
        saved = {k: sum(e["saved"][k] * e["years"]["2024"] for e in mine) for k in KEYS}
        money = sum(e["money_by_year"]["2024"]["network"] for e in mine)
        assert f"{flow.capitalize()} {len(mine)} exchange" in flows
        assert row_figures(saved, money) in flows
    table = section(report_text, "Exchanges in 2024", "Each exchange's savings")
    for index, exchange in enumerate(inside):
        following = inside[index + 1]["id"] if index + 1 < len(inside) else None
        row = flat(section(table, exchange["id"], following))
        saved = {k: v * exchange["years"]["2024"] for k, v in exchange["saved"].items()}
        assert row_figures(saved, exchange["money_by_year"]["2024"]["network"]) in row
    history = flat(section(report_text, "Year on year", "Exchanges in 2024"))
    running = 0.0
    for year, figures in sorted(results["years"].items()):
        running += figures["saved"]["co2e_kg"]
        cells = row_figures(figures["saved"], figures["money"]["network"])
        assert f"{year} " in history
        # The year's figures, then the running total of CO2e since the ledger's first year.
        assert f"{cells} {tonnes_kg(running)}" in history
    assert "CO₂e saved per year and cumulative since 2023" in history
    for name in UNICODE_NAMES:
        assert name in report_text


def test_network_diagram_is_vector(results: dict[str, Any]) -> None:
    context = report_context(Results.from_results(results), "2024")
    assert context.network.data.lstrip().startswith((b"<?xml", b"<svg"))
    assert b"<image" not in context.network.data
    reader = PdfReader(io.BytesIO(report_pdf(results, "2024")))
    for page in reader.pages:
        objects = page.get("/Resources", {}).get("/XObject", {})
        for item in objects.values():
            assert item.get_object().get("/Subtype") != "/Image"


def test_first_year_has_no_history_nor_cumulative(results: dict[str, Any]) -> None:
    context = report_context(Results.from_results(results), "2023")
    assert context.cumulative is None and context.history == ()
    html = render_html("report.html", context)
    assert "Year on year" not in html and "umulative" not in html.replace("cumulative</em>", "")


def test_year_without_exchanges(results: dict[str, Any]) -> None:
    with pytest.raises(InputError) as caught:
        report_pdf(results, "2019")
    assert "2023, 2024" in caught.value.problems[0].fix


def test_sample_report_and_determinism() -> None:
    sample = sample_results()
    first = report_pdf(sample, "2024")
    assert first == report_pdf(sample, "2024")
    text = flat(pdf_text(first))
    assert tonnes_kg(sample["years"]["2024"]["saved"]["co2e_kg"]) in text


def test_a_year_after_a_gap_is_compared_with_the_year_it_names(tmp_path: Any) -> None:
    """Exchanges in 2022 and 2024, none in 2023: the 2024 change is against 2022, says so
    and says 2023 is missing; the cumulative label says it too."""
    rows = [
        exchange_row(id="E1", period_start="2022-01-01", period_end="2022-12-31"),
        exchange_row(id="E2", quantity="150", period_start="2024-01-01", period_end="2024-12-31"),
    ]
    ledger = write_ledger(
        tmp_path / "ledger", [{**r, "baseline_supply": "prod.gypsum"} for r in rows]
    )
    results = assess_ledger(ledger, tmp_path / "data").results
    assert sorted(results["years"]) == ["2022", "2024"]
    # 100 t and 150 t of gypsum replacing production at F["prod.gypsum"] kg CO2e per t.
    co2e = {"2022": 100 * F["prod.gypsum"][0], "2024": 150 * F["prod.gypsum"][0]}
    assert results["years"]["2024"]["saved"]["co2e_kg"] == pytest.approx(co2e["2024"])
    text = flat(pdf_text(report_pdf(results, "2024")))
    history = section(text, "Year on year", "Exchanges in 2024")
    assert "2024 +50 % CO₂e vs 2022 no exchanges in 2023" in history
    assert "vs previous year" not in history
    assert "cumulative 2022–2024 (2 years, no exchanges in 2023)" in text
    german = flat(pdf_text(report_pdf(results, "2024", lang="de")))
    assert "+50 % CO₂e gegenüber 2022 Jahre ohne Austausche: 2023" in german
