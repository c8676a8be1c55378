"""Money of a year the shipped rates do not hold yet (this year's average is not out):
the latest annual rate is used, with a warning in the results, as grid vintages do."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from isbenefit import assess
from isbenefit.errors import InputError
from isbenefit.paths import package_data
from tests.conftest import TINY_FACTORS, exchange, write_ledger

GOOD = {"baseline_disposal": "landfill.inert"}


def shipped(currency: str) -> dict[int, float]:
    """Units of ``currency`` per EUR by year, as isbenefit/data/rates.csv gives them."""
    with package_data("rates.csv").open(encoding="utf-8") as stream:
        return {
            int(row["year"]): float(row["per_eur"])
            for row in csv.DictReader(stream)
            if row["currency"] == currency
        }


def test_a_year_after_the_last_rate_uses_the_latest_with_a_warning(tmp_path: Path) -> None:
    rates = shipped("DKK")
    last = max(rates)
    year = last + 1
    row = exchange(**GOOD, period_start=f"{year}-01-01", period_end=f"{year}-12-31",
                   price="10000", currency="DKK")  # fmt: skip
    results = assess(write_ledger(tmp_path / "ledger", [row]), TINY_FACTORS).results
    (only,) = results["exchanges"]
    assert only["money"]["additional_sales"] == pytest.approx(10_000 / rates[last])
    (warning,) = results["warnings"]
    assert (warning["sheet"], warning["row"], warning["column"]) == ("exchanges", 2, "currency")
    assert (
        f"no exchange rate for DKK in {year} yet: the {last} annual average" in (warning["message"])
    )


def test_a_report_currency_without_this_years_rate_also_takes_its_latest(tmp_path: Path) -> None:
    rates = shipped("SEK")
    last = max(rates)
    year = last + 1
    row = exchange(**GOOD, period_start=f"{year}-01-01", period_end=f"{year}-12-31",
                   price="100", currency="EUR")  # fmt: skip
    assessment = assess(write_ledger(tmp_path / "ledger", [row]), TINY_FACTORS, currency="SEK")
    (only,) = assessment.results["exchanges"]
    assert only["money"]["additional_sales"] == pytest.approx(100 * rates[last])
    assert [w.message.split(":")[0] for w in assessment.warnings] == [
        f"no exchange rate for SEK in {year} yet"
    ]


def test_a_year_before_the_first_rate_is_still_refused(tmp_path: Path) -> None:
    first = min(shipped("DKK"))
    row = exchange(**GOOD, period_start=f"{first - 1}-01-01", period_end=f"{first - 1}-12-31",
                   price="100", currency="DKK")  # fmt: skip
    with pytest.raises(InputError) as caught:
        assess(write_ledger(tmp_path / "ledger", [row]), TINY_FACTORS)
    assert f"no exchange rate for DKK in {first - 1}" in str(caught.value)


def test_a_rate_of_the_ledger_for_this_year_silences_the_warning(tmp_path: Path) -> None:
    year = max(shipped("DKK")) + 1
    row = exchange(**GOOD, period_start=f"{year}-01-01", period_end=f"{year}-12-31",
                   price="750", currency="DKK")  # fmt: skip
    rate = {"currency": "DKK", "year": str(year), "per_eur": "7.5"}
    ledger = write_ledger(tmp_path / "ledger", [row], rates=[rate])
    assessment = assess(ledger, TINY_FACTORS)
    assert assessment.results["exchanges"][0]["money"]["additional_sales"] == pytest.approx(100)
    assert assessment.warnings == ()
