"""Monte Carlo ranges in statements and reports: printed ranges equal the `uncertainty` figures.

Expected text is formatted from the results' `uncertainty` extension with the
rounding the documents state (tests.documents_helpers), never copied from output.
The conservative percentile is 10 here, so the conservative figure differs from
the P5 and a mix-up between them shows.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from isbenefit import assess
from isbenefit.documents import report_pdf, statement_pdf
from isbenefit.documents.report import report_context
from isbenefit.documents.statement import statement_context
from isbenefit.engine.uncertainty import QUANTITY_GSD, MonteCarloSettings
from isbenefit.results.model import Results
from tests.conftest import TINY_FACTORS, exchange, write_ledger
from tests.documents_helpers import (
    documents_app,
    flat,
    pdf_text,
    section,
    stated,
    tonnes_kg,
    unicode_ledger,
)

SETTINGS = MonteCarloSettings(iterations=200, seed=7, conservative_percentile=10.0)
# Per quantity: results units per printed unit, finest decimals, printed unit.
FORMAT: dict[str, tuple[float, int, str]] = {
    "co2e_kg": (1000.0, 2, "t CO₂e"),
    "water_m3": (1.0, 1, "m³"),
    "virgin_material_t": (1.0, 2, "t"),
    "landfill_diverted_t": (1.0, 2, "t"),
}
NO_ANALYSIS = "no uncertainty analysis was run"


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return unicode_ledger(tmp_path_factory.mktemp("ranges") / "ledger")


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("ranges-data")


@pytest.fixture(scope="module")
def results(ledger: Path, data_dir: Path) -> dict[str, Any]:
    made = assess(ledger, factors=TINY_FACTORS, data_dir=data_dir, monte_carlo=SETTINGS)
    return dict(made.results)


@pytest.fixture(scope="module")
def statement_text(results: dict[str, Any]) -> str:
    return flat(pdf_text(statement_pdf(results, "THIRD", "2024")))


@pytest.fixture(scope="module")
def report_text(results: dict[str, Any]) -> str:
    return flat(pdf_text(report_pdf(results, "2024")))


def dehyphenate(text: str) -> str:
    """Undo the methodology's justified hyphenation (U+2010 at a line end)."""
    return text.replace("\u2010 ", "")


def half(figures: dict[str, float], scale: float = 1.0) -> float:
    return (figures["p95"] - figures["p5"]) / 2 * scale


def by_rule(
    quantity: str, figures: dict[str, float], scale: float = 1.0, finest: int | None = None
) -> Callable[[float], str]:
    """Prints a value (results unit) of ``figures`` x ``scale`` to the place the range's
    half width supports (tests.documents_helpers.stated: the rule by hand)."""
    per_unit, fixed, _unit = FORMAT[quantity]
    width = half(figures, scale) / per_unit
    return lambda value: stated(
        value * scale / per_unit, width, fixed if finest is None else finest
    )


def card_text(value: float, quantity: str, basis: str, figures: dict[str, float]) -> str:
    """A headline card with its range, as the PDF text reads it."""
    formatter, unit = by_rule(quantity, figures), FORMAT[quantity][2]
    return (
        f"{formatter(value)} {unit} {basis} Range P5–P95 {formatter(figures['p5'])} – "
        f"{formatter(figures['p95'])} Conservative (P10) {formatter(figures['conservative'])}"
    )


def credited_parts(results: dict[str, Any], org: str, year: str) -> list[tuple[str, float]]:
    """(exchange id, year fraction x credit share) of an organisation's exchanges in a year."""
    parts = []
    for e in results["exchanges"]:
        if org in (e["supplier"], e["receiver"]) and e["years"].get(year, 0) > 0:
            share = e["supplier_share"] if e["supplier"] == org else 1 - e["supplier_share"]
            parts.append((e["id"], e["years"][year] * share))
    return parts


def test_statement_headline_shows_the_organisation_year_ranges(
    results: dict[str, Any], statement_text: str
) -> None:
    ranges = results["uncertainty"]["organisation_years"]["THIRD/2024"]
    saved = next(o for o in results["organisations"] if o["id"] == "THIRD")["years"]["2024"]
    head = section(statement_text, "Credited savings", "Share rule")
    for quantity in FORMAT:
        assert ranges[quantity]["deterministic"] == pytest.approx(saved["saved"][quantity])
        expected = card_text(
            saved["saved"][quantity], quantity, "annual 2024, credited share", ranges[quantity]
        )
        assert expected in head
    assert "EUR annual 2024, credited share Not varied in the Monte Carlo" in head
    # The organisation's range is not the sum of its exchanges' ranges (E2 and E3 draw
    # different factors, so their low ends do not coincide).
    exchanges = results["uncertainty"]["exchanges"]
    summed = sum(
        exchanges[i]["co2e_kg"]["p5"] * k for i, k in credited_parts(results, "THIRD", "2024")
    )
    assert tonnes_kg(summed) != tonnes_kg(ranges["co2e_kg"]["p5"])


def test_statement_exchange_rows_scale_the_exchange_range(
    results: dict[str, Any], statement_text: str
) -> None:
    exchanges = results["uncertainty"]["exchanges"]
    table = section(statement_text, "Exchanges in 2024", "Savings are")
    calculations = section(statement_text, "How each figure is computed", "Methodology")
    parts = credited_parts(results, "THIRD", "2024")
    assert len(parts) == 2
    for exchange_id, scale in parts:
        co2e = exchanges[exchange_id]["co2e_kg"]
        credited = by_rule("co2e_kg", co2e, scale)
        low, high = credited(co2e["p5"]), credited(co2e["p95"])
        assert f"Credited CO₂e P5–P95: {low} – {high} t" in table
        whole = by_rule("co2e_kg", co2e, finest=3)  # a calculation line's finest place
        period = f"{whole(co2e['p5'])} – {whole(co2e['p95'])} t"
        assert (
            f"saved over the period P5–P95 {period}" in calculations
            and f"credited CO₂e P5–P95 {low} – {high} t, conservative (P10) "
            f"{credited(co2e['conservative'])} t"
            in calculations
        )
    total = results["uncertainty"]["organisation_years"]["THIRD/2024"]["co2e_kg"]
    printed = by_rule("co2e_kg", total)
    assert (
        f"Total credited, annual 2024 CO₂e P5–P95: {printed(total['p5'])} – "
        f"{printed(total['p95'])} t · conservative (P10) {printed(total['conservative'])} t"
    ) in table


def test_a_single_exchange_scales_exactly(results: dict[str, Any]) -> None:
    """The claim behind the exchange rows: one exchange's range, scaled, is its credit's range."""
    uncertainty = results["uncertainty"]
    checked = 0
    for key, figures in uncertainty["organisation_years"].items():
        org, year = key.split("/")
        parts = credited_parts(results, org, year)
        if len(parts) != 1:
            continue
        ((exchange_id, scale),) = parts
        for stat in ("p5", "p50", "p95", "conservative"):
            whole = uncertainty["exchanges"][exchange_id]["co2e_kg"][stat]
            assert figures["co2e_kg"][stat] == pytest.approx(whole * scale, rel=1e-9, abs=1e-9)
        checked += 1
    assert checked >= 3


def test_report_headline_and_organisation_ranges(results: dict[str, Any], report_text: str) -> None:
    uncertainty = results["uncertainty"]
    year = results["years"]["2024"]["saved"]
    head = section(report_text, "ANNUAL REPORT · 2024", "CUMULATIVE")
    for quantity in FORMAT:
        figures = uncertainty["years"]["2024"][quantity]
        basis = "annual 2024, each exchange counted once"
        assert card_text(year[quantity], quantity, basis, figures) in head
    table = section(report_text, "Uncertainty ranges of CO₂e", "Year on year")
    active = [o for o in results["organisations"] if "2024" in o["years"]]
    for org in active:
        figures = uncertainty["organisation_years"][f"{org['id']}/2024"]["co2e_kg"]
        printed = by_rule("co2e_kg", figures)
        cells = " ".join(
            printed(figures[s]) for s in ("deterministic", "p5", "p50", "p95", "conservative")
        )
        assert f"{org['name']} {org['id']} {cells}" in table
    annual = uncertainty["years"]["2024"]["co2e_kg"]
    printed = by_rule("co2e_kg", annual)
    cells = " ".join(
        printed(annual[s]) for s in ("deterministic", "p5", "p50", "p95", "conservative")
    )
    assert f"Total, annual 2024 each exchange counted once {cells}" in table


def test_report_cumulative_range_is_the_ledger_total(
    results: dict[str, Any], report_text: str
) -> None:
    total = results["uncertainty"]["totals"]["all"]
    cumulative = {k: sum(results["years"][y]["saved"][k] for y in ("2023", "2024")) for k in FORMAT}
    cards = section(report_text, "CUMULATIVE 2023–2024 (2 YEARS)", "Network of exchanges")
    for quantity in FORMAT:
        basis = "cumulative 2023–2024 (2 years)"
        assert card_text(cumulative[quantity], quantity, basis, total[quantity]) in cards
    table = section(report_text, "Uncertainty ranges of CO₂e", "Year on year")
    printed = by_rule("co2e_kg", total["co2e_kg"])
    cells = " ".join(
        printed(total["co2e_kg"][s]) for s in ("deterministic", "p5", "p50", "p95", "conservative")
    )
    assert f"Cumulative 2023–2024 (2 years) all years of the ledger {cells}" in table


def test_cumulative_short_of_the_ledger_has_no_range_and_says_why(
    tmp_path: Path, data_dir: Path
) -> None:
    rows = [
        exchange(
            id=f"E{year}",
            baseline_supply="prod.gypsum",
            period_start=f"{year}-01-01",
            period_end=f"{year}-12-31",
        )
        for year in (2022, 2023, 2024)
    ]
    ledger = write_ledger(tmp_path / "ledger", rows)
    made = assess(ledger, factors=TINY_FACTORS, data_dir=data_dir, monte_carlo=SETTINGS)
    context = report_context(Results.from_results(made.results), "2023")
    assert context.cumulative is not None and context.cumulative.ranges == ()
    text = flat(pdf_text(report_pdf(made.results, "2023")))
    cards = section(text, "CUMULATIVE 2022–2023 (2 YEARS)", "Network of exchanges")
    total = sum(made.results["years"][y]["saved"]["co2e_kg"] for y in ("2022", "2023"))
    assert f"{tonnes_kg(total)} t CO₂e cumulative 2022–2023 (2 years) Water" in cards
    assert "No range is given for the cumulative figure" in cards
    assert "whole period 2022–2024, not 2022–2023" in cards
    assert "Cumulative 2022–2023" not in section(text, "Uncertainty ranges", "Year on year")
    last = report_context(Results.from_results(made.results), "2024")
    assert last.cumulative is not None and len(last.cumulative.ranges) == 5


def test_methodology_describes_the_run(statement_text: str, report_text: str) -> None:
    gsd = ", ".join(f"{quality} {value:g}" for quality, value in QUANTITY_GSD.items())
    for text in (statement_text, report_text):
        method = dehyphenate(section(text, "Methodology", "Annex: factors and sources"))
        assert "Uncertainty" in method and NO_ANALYSIS not in method
        for phrase in (
            "200 iterations (seed 7)",
            "Brightway",
            "paired draws",
            f"data quality: {gsd}.",
            "the conservative figure is the P10",
        ):
            assert phrase in method, phrase


def test_same_seed_same_bytes(results: dict[str, Any], ledger: Path, data_dir: Path) -> None:
    again = assess(ledger, factors=TINY_FACTORS, data_dir=data_dir, monte_carlo=SETTINGS).results
    assert statement_pdf(again, "THIRD", "2024") == statement_pdf(results, "THIRD", "2024")
    assert report_pdf(again, "2024") == report_pdf(results, "2024")
    other = MonteCarloSettings(iterations=200, seed=8, conservative_percentile=10.0)
    differs = assess(ledger, factors=TINY_FACTORS, data_dir=data_dir, monte_carlo=other).results
    assert report_pdf(differs, "2024") != report_pdf(results, "2024")


def test_without_monte_carlo_nothing_changes_but_the_methodology_says_so(
    ledger: Path, data_dir: Path
) -> None:
    plain = assess(ledger, factors=TINY_FACTORS, data_dir=data_dir).results
    assert "uncertainty" not in plain
    statement = statement_context(Results.from_results(plain), "THIRD", "2024")
    assert statement.headline_ranges == () and statement.total_range is None
    assert all(x.co2e_range is None and x.period_range is None for x in statement.exchanges)
    report = report_context(Results.from_results(plain), "2024")
    assert report.headline_ranges == () and report.range_rows == report.range_totals == ()
    for pdf in (statement_pdf(plain, "THIRD", "2024"), report_pdf(plain, "2024")):
        text = flat(pdf_text(pdf))
        method = dehyphenate(section(text, "Methodology", "Annex: factors and sources"))
        assert NO_ANALYSIS in method
        outside = text.replace(method, "") if method in text else text.split("Methodology")[0]
        assert not re.search("P5–P95|Monte Carlo|Not varied|Uncertainty ranges", outside)


def test_document_verbs_take_the_monte_carlo_options(
    ledger: Path, data_dir: Path, tmp_path: Path
) -> None:
    runner = CliRunner()
    app = documents_app()
    plain_options = [
        str(ledger),
        "--factors",
        str(TINY_FACTORS),
        "--data-dir",
        str(data_dir),
        "--year",
        "2024",
    ]
    common = [
        *plain_options,
        "--iterations",
        "60",
        "--seed",
        "3",
        "--conservative-percentile",
        "10",
    ]
    statement = tmp_path / "statement.pdf"
    done = runner.invoke(app, ["statement", *common, "--org", "THIRD", "-o", str(statement)])
    assert done.exit_code == 0, done.output
    report = tmp_path / "report.pdf"
    done = runner.invoke(app, ["report", *common, "-o", str(report)])
    assert done.exit_code == 0, done.output
    folder = tmp_path / "statements"
    done = runner.invoke(app, ["statements", *common, "--jobs", "1", "-o", str(folder)])
    assert done.exit_code == 0, done.output
    settings = MonteCarloSettings(iterations=60, seed=3, conservative_percentile=10.0)
    expected = assess(ledger, factors=TINY_FACTORS, data_dir=data_dir, monte_carlo=settings)
    figures = expected.results["uncertainty"]["organisation_years"]["THIRD/2024"]["co2e_kg"]
    low_high = f"{tonnes_kg(figures['p5'])} – {tonnes_kg(figures['p95'])}"
    assert statement.read_bytes() == statement_pdf(expected.results, "THIRD", "2024")
    assert low_high in flat(pdf_text(statement))
    assert "60 iterations (seed 3)" in dehyphenate(flat(pdf_text(report)))
    batch = sorted(folder.glob("*.pdf"))
    assert len(batch) == 5
    assert any(low_high in flat(pdf_text(path)) for path in batch)
    plain = tmp_path / "plain.pdf"
    done = runner.invoke(app, ["report", *plain_options, "-o", str(plain)])
    assert done.exit_code == 0, done.output
    assert NO_ANALYSIS in dehyphenate(flat(pdf_text(plain)))
