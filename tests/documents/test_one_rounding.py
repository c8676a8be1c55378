"""One rounding everywhere: the same figure read back from the terminal, a statement, a
certificate, the annual report and the results workbook equals the rule's value,
computed here by hand from the factors (docs/formats.md, "Rounding of reported figures").

One exchange: Q t of gypsum replaces virgin gypsum (prod.gypsum, 120 kg CO2e/t) and
keeps it out of an inert landfill (landfill.inert, 2 kg CO2e/t), so the exchange saves
Q x 122 kg CO2e and its supplier SUP is credited half: 743,407 kg, 743.407 t. Without a
Monte Carlo run the rule keeps three significant digits: 743 t everywhere (it read
743.4 in the terminal, 743.41 on the statement before). The cluster total 1,486.814 t
reads 1,490 t.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from isbenefit import assess
from isbenefit.cli.app import app
from isbenefit.documents import report_pdf, statement_pdf
from isbenefit.engine.uncertainty import MonteCarloSettings
from tests.certificate_helpers import attached_claim, make_certificate
from tests.conftest import TINY_FACTORS, F, exchange, write_ledger
from tests.documents_helpers import flat, pdf_text, section

Q = 12187.0  # tonnes
SAVED_KG = Q * (F["prod.gypsum"][0] + F["landfill.inert"][0])  # 1,486,814 kg
CREDITED_KG = SAVED_KG / 2  # the supplier's default share: 743,407 kg
PLAIN_CREDITED = "743"  # 743.407 t to three significant digits
PLAIN_TOTAL = "1,490"  # 1,486.814 t to three significant digits
ITERATIONS, SEED = 80, 5


def by_rule(tonnes: float, half_tonnes: float | None) -> str:
    """The rule by hand: last digit at the second significant digit of the half width,
    else the third significant digit; never finer than 0.01 t; commas for thousands."""
    if half_tonnes:
        decimals = 1 - math.floor(math.log10(half_tonnes))
    else:
        decimals = 2 - math.floor(math.log10(abs(tonnes)))
    decimals = min(decimals, 2)
    return f"{round(tonnes, decimals):,.{max(decimals, 0)}f}"


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    row = exchange(
        quantity=f"{Q:g}", baseline_disposal="landfill.inert", baseline_supply="prod.gypsum"
    )
    return write_ledger(tmp_path_factory.mktemp("one-rounding") / "ledger", [row])


def terminal_cells(ledger: Path, *extra: str) -> dict[str, list[str]]:
    """The rows of `isbenefit assess`'s tables by their first cell."""
    done = CliRunner().invoke(
        app,
        ["assess", str(ledger), "--factors", str(TINY_FACTORS), *extra],
        env={"COLUMNS": "250"},
    )
    assert done.exit_code == 0, done.output
    rows = {}
    for line in done.output.splitlines():
        cells = [cell.strip() for cell in line.split("│")[1:-1]]
        if cells:
            rows[cells[0]] = cells[1:]
    return rows


def workbook_cell(ledger: Path, out: Path, sheet: str, row: int, *extra: str) -> Any:
    """The saved_co2e_kg cell of ``row`` (2: first data row) of ``sheet``."""
    done = CliRunner().invoke(
        app,
        ["assess", str(ledger), "--factors", str(TINY_FACTORS), "-q", "--xlsx", str(out), *extra],
    )
    assert done.exit_code == 0, done.output
    table = load_workbook(out)[sheet]
    column = next(c.column for c in table[1] if c.value == "saved_co2e_kg")
    return table.cell(row=row, column=column)


def test_without_a_run_every_output_prints_three_significant_digits(
    ledger: Path, tmp_path: Path
) -> None:
    results = assess(ledger, factors=TINY_FACTORS).results
    sup = next(o for o in results["organisations"] if o["id"] == "SUP")
    assert sup["years"]["2024"]["saved"]["co2e_kg"] == pytest.approx(CREDITED_KG)
    # Terminal: the organisation and the cluster total.
    rows = terminal_cells(ledger)
    assert rows["SUP"][0] == PLAIN_CREDITED
    assert rows["all years"][0] == PLAIN_TOTAL
    # Statement: the headline card and the total row.
    statement = flat(pdf_text(statement_pdf(results, "SUP", "2024")))
    head = section(statement, "Credited savings", "Share rule")
    assert f"CO₂e avoided {PLAIN_CREDITED} t CO₂e" in head
    assert f"Total credited, annual 2024 {PLAIN_CREDITED} " in statement
    # Certificate (no Monte Carlo run: the deterministic figure).
    certificate = make_certificate(ledger, tmp_path / "c.pdf", "--iterations", "0")
    page = flat(pdf_text(certificate))
    assert f"CO₂e avoided {PLAIN_CREDITED} t CO₂e" in page
    assert '"rounding":"uncertainty/1"' in attached_claim(certificate).decode()
    # Report: the year's headline and SUP's row.
    report = flat(pdf_text(report_pdf(results, "2024")))
    assert f"CO₂e avoided {PLAIN_TOTAL} t CO₂e" in report
    assert re.search(rf"SUP {PLAIN_CREDITED} \d", report)
    # Workbook: the stored value is the rule's, shown with exactly its digits.
    cell = workbook_cell(ledger, tmp_path / "r.xlsx", "organisation_years", 3)
    row = [c.value for c in cell.parent[cell.row]]
    assert row[:2] == ["SUP", 2024]
    assert cell.value == 743_000 and cell.number_format == "#,##0"
    total = workbook_cell(ledger, tmp_path / "r.xlsx", "totals", 2)
    assert total.value == 1_490_000 and total.number_format == "#,##0"


def test_after_a_run_every_output_prints_the_place_the_range_supports(
    ledger: Path, tmp_path: Path
) -> None:
    run = MonteCarloSettings(iterations=ITERATIONS, seed=SEED)
    results = assess(ledger, factors=TINY_FACTORS, monte_carlo=run).results
    figures = results["uncertainty"]["organisation_years"]["SUP/2024"]["co2e_kg"]
    half = (figures["p95"] - figures["p5"]) / 2 / 1000
    expected = by_rule(CREDITED_KG / 1000, half)
    low, high = by_rule(figures["p5"] / 1000, half), by_rule(figures["p95"] / 1000, half)
    assert expected != PLAIN_CREDITED  # +-214 t: the range moves the place to the tens
    options = ("--iterations", str(ITERATIONS), "--seed", str(SEED))
    # Terminal: SUP's all-year figure is its 2024 figure (one exchange, one year).
    whole = results["uncertainty"]["organisations"]["SUP"]["co2e_kg"]
    assert whole["p5"] == pytest.approx(figures["p5"])
    assert terminal_cells(ledger, *options)["SUP"][0] == expected
    statement = flat(pdf_text(statement_pdf(results, "SUP", "2024")))
    head = section(statement, "Credited savings", "Share rule")
    assert f"CO₂e avoided {expected} t CO₂e" in head
    assert f"Range P5–P95 {low} – {high}" in head
    # Certificate: the same run gives the same range, so the central estimate reads the
    # same; the stated (conservative) figure ends at the same digit.
    certificate = make_certificate(ledger, tmp_path / "c.pdf", *options)
    page = flat(pdf_text(certificate))
    assert f"central estimate {expected} t CO₂e" in page
    conservative = by_rule(figures["conservative"] / 1000, half)
    assert f"CO₂e avoided {conservative} t CO₂e" in page
    report = flat(pdf_text(report_pdf(results, "2024")))
    assert re.search(rf"SUP {re.escape(expected)} {re.escape(low)} ", report)
    cell = workbook_cell(ledger, tmp_path / "r.xlsx", "organisation_years", 3, *options)
    places = min(1 - math.floor(math.log10(half)), 2)
    # In kilograms, three places further left: a whole number shown without decimals.
    assert cell.value == round(CREDITED_KG, places - 3) and cell.number_format == "#,##0"
