"""`isbenefit assess LEDGER --xlsx FILE`: the tables as one workbook, numbers rounded as the
documents round them, the report currency in every money header, dates as dates, formulas
neutralised, the same bytes every time."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from isbenefit import assess
from isbenefit.cli.app import app
from isbenefit.cli.results_workbook import write_results_workbook
from isbenefit.engine.uncertainty import MonteCarloSettings
from isbenefit.workbooks import neutralised
from tests.conftest import TINY_FACTORS, F, exchange, write_ledger

runner = CliRunner()
DKK_PER_EUR_2024 = 7.4589  # isbenefit/data/rates.csv, ECB annual average
PRICE_EUR = 1234.56
Q = 33.4  # tonnes of gypsum, instead of landfill.inert, displacing prod.gypsum


def ledger(tmp_path: Path) -> Path:
    rows = [
        exchange(
            quantity=str(Q),
            baseline_disposal="landfill.inert",
            baseline_supply="prod.gypsum",
            price=str(PRICE_EUR),
            currency="EUR",
            resource='=HYPERLINK("http://example.invalid","click")',
            evidence="@SUM(A1:A9)",
        )
    ]
    return write_ledger(tmp_path / "ledger", rows)


def sheet_rows(path: Path, name: str) -> list[dict[str, object]]:
    worksheet = load_workbook(path)[name]
    rows = list(worksheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_the_workbook_rounds_as_the_documents_and_names_the_report_currency(
    tmp_path: Path,
) -> None:
    assessment = assess(ledger(tmp_path), factors=TINY_FACTORS, currency="DKK")
    out = tmp_path / "results.xlsx"
    write_results_workbook(out, assessment)
    workbook = load_workbook(out)
    assert workbook.sheetnames == [
        "about", "exchanges", "lines", "exchange_years", "organisations",
        "organisation_years", "years", "totals",
    ]  # fmt: skip
    (row,) = sheet_rows(out, "exchanges")
    assert "currency" not in row and row["ledger_currency"] == "EUR"
    baseline = Q * F["landfill.inert"][0] + Q * F["prod.gypsum"][0]  # 4,074.8 kg
    assert row["baseline_co2e_kg"] == 4070  # to 0.01 t, as the documents print it
    assert round(baseline, -1) == 4070
    assert row["saved_water_m3"] == 16.7  # 33.4 t x 0.5 m3/t, to 0.1 m3
    assert row["saved_virgin_material_t"] == 33.4
    money = round(PRICE_EUR * DKK_PER_EUR_2024)  # 9,208 DKK
    assert row["money_supplier (DKK)"] == money
    assert row["money_receiver (DKK)"] == -money
    assert row["money_additional_sales (DKK)"] == money
    assert row["money_network (DKK)"] == 0
    assert row["period_start"] == dt.datetime(2024, 1, 1)
    assert workbook["exchanges"]["B2"].number_format == "yyyy-mm-dd"
    assert row["resource"] == "'" + '=HYPERLINK("http://example.invalid","click")'
    assert row["evidence"] == "'@SUM(A1:A9)"
    assert workbook["exchanges"]["G2"].data_type == "s"  # text, never a formula
    lines = {r["role"]: r for r in sheet_rows(out, "lines")}
    assert lines["baseline_disposal"]["co2e_kg"] == round(Q * F["landfill.inert"][0])  # 67 kg
    assert lines["baseline_supply"]["amount"] == 33.4
    (organisation, *_) = sheet_rows(out, "organisations")
    assert "money (DKK)" in organisation and "additional_sales (DKK)" in organisation
    (totals,) = sheet_rows(out, "totals")
    assert totals["money_additional_sales (DKK)"] == money


def test_uncertainty_sheet_after_a_monte_carlo_run(tmp_path: Path) -> None:
    settings = MonteCarloSettings(iterations=50, seed=3)
    assessment = assess(ledger(tmp_path), factors=TINY_FACTORS, monte_carlo=settings)
    out = tmp_path / "results.xlsx"
    write_results_workbook(out, assessment)
    rows = sheet_rows(out, "uncertainty")
    co2e = [r for r in rows if r["level"] == "totals" and r["quantity"] == "co2e_kg"]
    (total,) = co2e
    # The rule by hand: the last digit is the second significant digit of half the
    # P5-P95 width in tonnes (never finer than 0.01 t), in kg 3 places further left.
    run = assessment.uncertainty["totals"]["all"]["co2e_kg"]
    half_t = (run["p95"] - run["p5"]) / 2 / 1000
    places = min(1 - math.floor(math.log10(half_t)), 2) - 3
    for figure in ("deterministic", "p5", "p50", "p95", "conservative"):
        value = total[figure]
        assert isinstance(value, int) and value == round(run[figure], places), (figure, value)
    formats = {c.number_format for c in load_workbook(out)["uncertainty"]["D"][1:]}
    assert formats <= {"#,##0", "#,##0.0", "#,##0.00"}


def test_same_ledger_same_bytes_through_the_command_line(tmp_path: Path) -> None:
    path = ledger(tmp_path)
    outputs = []
    for name in ("first.xlsx", "second.xlsx"):
        result = runner.invoke(
            app,
            ["assess", str(path), "--factors", str(TINY_FACTORS), "--xlsx",
             str(tmp_path / name), "-q", "--iterations", "20"],
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        outputs.append((tmp_path / name).read_bytes())
    assert outputs[0] == outputs[1]
    assert "uncertainty" in load_workbook(tmp_path / "first.xlsx").sheetnames


def test_formula_starts_are_neutralised() -> None:
    for text in ("=1+2", "+A1", "-1+1", "@A1", "\tx", "\rx", "-cmd|' /C calc'!A0"):
        assert neutralised(text) == "'" + text
    for text in ("gypsum", "", "-5", "+1.5e3"):  # plain numbers are no formula
        assert neutralised(text) == text


def test_the_ledgers_own_tonnes_are_written_as_given(tmp_path: Path) -> None:
    rows = [exchange(quantity="12.3456", mass_t="12.3456", baseline_disposal="landfill.inert")]
    assessment = assess(write_ledger(tmp_path / "ledger", rows), factors=TINY_FACTORS)
    out = tmp_path / "results.xlsx"
    write_results_workbook(out, assessment)
    (row,) = sheet_rows(out, "exchanges")
    assert row["mass_t"] == 12.3456 and row["quantity"] == 12.3456  # not 12.35
