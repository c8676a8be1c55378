"""Factors per year (vintages.csv): an exchange is scored with the vintage of the year that
holds most of its days; figures by hand from the factor set's own files."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from isbenefit import assess
from isbenefit.errors import FactorSetError
from isbenefit.scoring.factorset import load_factor_set
from tests.conftest import REPO, TINY_FACTORS, exchange, write_ledger

FOLDER = REPO / "factors" / "isbenefit-open"


def vintage(activity: str, year: str) -> float:
    with (FOLDER / "vintages.csv").open(encoding="utf-8") as stream:
        return next(
            float(row["co2e_kg"])
            for row in csv.DictReader(stream)
            if (row["id"], row["year"]) == (activity, year)
        )


def saved_and_line(tmp_path: Path, start: str, end: str) -> tuple[float, str, list]:
    row = exchange(flow="energy", quantity="100", unit="MWh", baseline_supply="electricity.dk",
                   period_start=start, period_end=end)  # fmt: skip
    results = assess(write_ledger(tmp_path / "ledger", [row])).results
    (only,) = results["exchanges"]
    (line,) = only["lines"]
    return only["saved"]["co2e_kg"], line["activity"], results.get("warnings", [])


@pytest.mark.parametrize(
    ("start", "end", "year"),
    [
        ("2023-01-01", "2023-12-31", "2023"),
        ("2024-01-01", "2024-12-31", "2024"),
        ("2023-07-01", "2024-03-31", "2023"),  # 184 days in 2023, 91 in 2024
        ("2023-11-01", "2024-12-31", "2024"),  # 61 days in 2023, 366 in 2024
        ("2023-07-02", "2024-07-01", "2023"),  # 183 days each: the earlier year
    ],
)
def test_the_year_holding_most_days_chooses_the_vintage(
    tmp_path: Path, start: str, end: str, year: str
) -> None:
    saved, activity, warnings = saved_and_line(tmp_path, start, end)
    assert activity == f"electricity.dk@{year}"
    assert saved == pytest.approx(100_000 * vintage("electricity.dk", year))
    assert warnings == []


@pytest.mark.parametrize(("year", "used"), [("2021", "2023"), ("2025", "2024")])
def test_a_year_without_vintage_takes_the_nearest_with_a_warning(
    tmp_path: Path, year: str, used: str
) -> None:
    saved, activity, warnings = saved_and_line(tmp_path, f"{year}-01-01", f"{year}-12-31")
    assert activity == f"electricity.dk@{used}"
    assert saved == pytest.approx(100_000 * vintage("electricity.dk", used))
    (warning,) = warnings
    assert f"no vintage for {year}" in warning["message"]
    assert f"the {used} value is used" in warning["message"]


def test_the_latest_vintage_is_the_activity_row_itself() -> None:
    """2024 for grid electricity; the last year the source gives for the others."""
    factor_set = load_factor_set()
    for activity, years in factor_set.vintages.items():
        row = factor_set.activities.loc[activity]
        assert vintage(activity, str(years[-1])) == row["co2e_kg"], activity
        assert str(years[-1]) == row["year"], activity


def test_a_folder_without_vintages_stays_valid() -> None:
    assert load_factor_set(TINY_FACTORS).vintages == {}


def test_a_vintage_of_no_activity_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "tiny"
    shutil.copytree(TINY_FACTORS, folder)
    (folder / "vintages.csv").write_text(
        "id,year,co2e_kg,water_m3,gsd,source,source_ref,notes\n"
        "electricity.xx,2023,0.1,,1.1,made-up,row 1,\n"
        "electricity.dk,23,0.1,,1.1,made-up,row 2,\n",
        encoding="utf-8",
    )
    with pytest.raises(FactorSetError) as error:
        load_factor_set(folder)
    text = str(error.value)
    assert "vintages.csv, row 2, column id" in text
    assert "vintages.csv, row 3, column year" in text
