"""Alternative baselines: each is reported, and the conservative figure rests on the one
saving least (baseline choice x factor spread x quantity spread). Figures by hand from the
tiny factor set (tests/conftest.py, F)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from isbenefit import assess
from isbenefit.cli.app import app
from isbenefit.engine.uncertainty import MonteCarloSettings
from tests.conftest import REPO, TINY_FACTORS, F, exchange, write_ledger

runner = CliRunner()
EXACT = {"measured": 1.0, "calculated": 1.0, "estimated": 1.0}
# 100 t of FGD gypsum; the ledger says it replaces gypsum and avoids plasterboard landfill.
GYPSUM = exchange(baseline_supply="prod.gypsum", baseline_disposal="landfill.plasterboard")
LEDGER_SAVED = 100 * (F["prod.gypsum"][0] + F["landfill.plasterboard"][0])  # 19,000 kg
ALTERNATIVES = [
    {"exchange": "E1", "name": "inert landfill", "reason": "the permit allows inert landfill",
     "baseline_disposal": "landfill.inert"},
    {"exchange": "E1", "name": "aggregates", "reason": "the plant could use aggregates",
     "baseline_supply": "prod.aggregates", "baseline_disposal": "none"},
]  # fmt: skip
INERT_SAVED = 100 * (F["prod.gypsum"][0] + F["landfill.inert"][0])  # 12,200 kg
AGGREGATES_SAVED = 100 * F["prod.aggregates"][0]  # 800 kg: no disposal credit at all


def ledger_with(tmp_path: Path, alternatives: list[dict[str, str]]) -> Path:
    return write_ledger(tmp_path / "ledger", [GYPSUM], baselines=alternatives)


def test_each_alternative_is_reported_and_the_least_saving_one_named(tmp_path: Path) -> None:
    (only,) = assess(ledger_with(tmp_path, ALTERNATIVES), TINY_FACTORS).results["exchanges"]
    assert only["saved"]["co2e_kg"] == pytest.approx(LEDGER_SAVED)
    saved = {a["name"]: a["saved"]["co2e_kg"] for a in only["alternatives"]}
    assert saved == pytest.approx({"inert landfill": INERT_SAVED, "aggregates": AGGREGATES_SAVED})
    assert only["conservative_baseline"] == "aggregates"
    by_name = {a["name"]: a for a in only["alternatives"]}
    assert by_name["aggregates"]["saved"]["landfill_diverted_t"] == 0.0  # no landfill there
    assert by_name["inert landfill"]["saved"]["landfill_diverted_t"] == 100.0
    assert [line["activity"] for line in by_name["aggregates"]["lines"]] == ["prod.aggregates"]


def test_the_ledger_baseline_stays_when_it_saves_least(tmp_path: Path) -> None:
    higher = [{"exchange": "E1", "name": "plasterboard", "reason": "x", "substitution_ratio": "2"}]
    (only,) = assess(ledger_with(tmp_path, higher), TINY_FACTORS).results["exchanges"]
    (alternative,) = only["alternatives"]
    assert alternative["saved"]["co2e_kg"] == pytest.approx(
        100 * (2 * F["prod.gypsum"][0] + F["landfill.plasterboard"][0])
    )
    assert only["conservative_baseline"] == "ledger"


def test_without_alternatives_nothing_changes(tmp_path: Path) -> None:
    plain = assess(write_ledger(tmp_path / "plain", [GYPSUM]), TINY_FACTORS).results
    assert "alternatives" not in plain["exchanges"][0]
    assert "conservative_baseline" not in plain["exchanges"][0]


def exact_factors(tmp_path: Path) -> Path:
    """The tiny set with every gsd 1: Monte Carlo draws equal the factors."""
    folder = tmp_path / "exact"
    shutil.copytree(TINY_FACTORS, folder)
    path = folder / "activities.csv"
    with path.open(encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    for row in rows:
        row["gsd"] = "1"
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return folder


def test_the_conservative_figure_rests_on_the_least_saving_baseline(tmp_path: Path) -> None:
    """No spread at all: P5-P95 are the ledger's figure, the conservative one the
    aggregates baseline's, for the exchange, the organisations and the total."""
    settings = MonteCarloSettings(50, 1, 5.0, EXACT)
    result = assess(
        ledger_with(tmp_path, ALTERNATIVES), exact_factors(tmp_path), monte_carlo=settings
    )
    ranges = result.uncertainty
    figures = ranges["exchanges"]["E1"]["co2e_kg"]
    assert (figures["p5"], figures["p50"], figures["p95"]) == pytest.approx((LEDGER_SAVED,) * 3)
    assert figures["conservative"] == pytest.approx(AGGREGATES_SAVED)
    assert ranges["totals"]["all"]["co2e_kg"]["conservative"] == pytest.approx(AGGREGATES_SAVED)
    supplier = ranges["organisation_years"]["SUP/2024"]["co2e_kg"]
    assert supplier["conservative"] == pytest.approx(0.5 * AGGREGATES_SAVED)
    landfill = ranges["exchanges"]["E1"]["landfill_diverted_t"]
    assert (landfill["p50"], landfill["conservative"]) == pytest.approx((100.0, 0.0))


def test_an_alternative_for_another_supply_does_not_take_the_rows_efficiency(
    tmp_path: Path,
) -> None:
    """Default set: 1 GWh of heat, oil boiler at 80 % in the ledger, gas boiler as the
    alternative: the gas boiler keeps its own efficiency (its row's factor as it is)."""
    row = exchange(flow="energy", quantity="1", unit="GWh", baseline_efficiency="0.8",
                   baseline_supply="energy.heat_gas_oil_boiler")  # fmt: skip
    gas = [{"exchange": "E1", "name": "gas", "reason": "r",
            "baseline_supply": "energy.heat_natural_gas_boiler"}]  # fmt: skip
    (only,) = assess(write_ledger(tmp_path / "l", [row], baselines=gas)).results["exchanges"]
    with (REPO / "factors/isbenefit-open/activities.csv").open() as f:
        factors = {r["id"]: float(r["co2e_kg"]) for r in csv.DictReader(f)}
    (alternative,) = only["alternatives"]
    assert alternative["saved"]["co2e_kg"] == pytest.approx(
        1e6 * factors["energy.heat_natural_gas_boiler"]
    )


@pytest.mark.parametrize(
    ("alternative", "column", "message"),
    [
        ({"exchange": "E9", "name": "x", "reason": "r"}, "exchange", "no exchange has this id"),
        ({"exchange": "E1", "name": "ledger", "reason": "r"}, "name", "names the exchange row"),
        ({"exchange": "E1", "name": "x", "reason": ""}, "reason", "value missing"),
        (
            {"exchange": "E1", "name": "x", "reason": "r", "baseline_supply": "prod.gypsun"},
            "baseline_supply",
            "unknown activity id",
        ),
    ],
)
def test_a_bad_alternative_is_refused_with_its_row(
    tmp_path: Path, alternative: dict[str, str], column: str, message: str
) -> None:
    ledger = ledger_with(tmp_path, [alternative])
    result = runner.invoke(app, ["assess", str(ledger), "--factors", str(TINY_FACTORS)])
    assert result.exit_code == 2, result.output
    flat = " ".join(result.output.split())
    assert f"sheet baselines, row 2, column {column}" in flat
    assert message in flat


def test_a_duplicate_name_is_refused(tmp_path: Path) -> None:
    twice = [ALTERNATIVES[0], {**ALTERNATIVES[1], "name": "inert landfill"}]
    result = runner.invoke(
        app, ["assess", str(ledger_with(tmp_path, twice)), "--factors", str(TINY_FACTORS)]
    )
    assert result.exit_code == 2
    assert "already has an alternative baseline of this name" in " ".join(result.output.split())


def test_certificate_says_which_baseline_and_verify_recomputes_it(tmp_path: Path) -> None:
    ledger = ledger_with(tmp_path, ALTERNATIVES)
    pdf = tmp_path / "c.pdf"
    made = runner.invoke(app, ["certificate", str(ledger), "--factors", str(TINY_FACTORS),
                               "--org", "SUP", "--year", "2024", "-o", str(pdf),
                               "--iterations", "50"])  # fmt: skip
    assert made.exit_code == 0, made.output
    text = " ".join(PdfReader(pdf).pages[0].extract_text().split())
    assert "It rests on the alternative baseline saving least (E1: aggregates)" in text
    assert "baselines.csv" in PdfReader(pdf).attachments
    checked = runner.invoke(app, ["verify", str(pdf), "--factors", str(TINY_FACTORS)])
    assert checked.exit_code == 3, checked.output  # unsigned; every other check passes
    assert "pass  recomputation" in checked.output
