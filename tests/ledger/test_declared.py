"""Declared jobs and money (the ledger's sheet `declared`): attribution by hand across a
two-party exchange and a year split, totals that count every row once, kept apart from
the computed figures, and bad rows refused naming sheet, row, column and the fix."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from isbenefit import assess
from isbenefit.errors import InputError
from isbenefit.results.declared import declared_tables
from tests.conftest import TINY_FACTORS, exchange, write_ledger

# 2023-07-01 to 2024-06-30: 184 days in 2023 (Jul-Dec), 182 in 2024 (Jan-Jun, a leap year).
SPLIT = exchange(id="E1", period_start="2023-07-01", period_end="2024-06-30",
                 baseline_disposal="landfill.inert", supplier_share="0.3")  # fmt: skip
IN_2023, IN_2024 = 184 / 366, 182 / 366
RATES = [{"currency": "DKK", "year": "2024", "per_eur": "7.5"}]
HEADER = ["figure", "amount", "exchange", "organisation", "year", "currency", "label",
          "declared_by", "evidence"]  # fmt: skip


def row(**fields: str) -> dict[str, str]:
    return {column: fields.get(column, "") for column in HEADER}


ROWS = [
    # Credited by the exchange's supplier share (0.3 / 0.7) and split by its days.
    row(figure="jobs_created", amount="4", exchange="E1", declared_by="SUP",
        evidence="payroll 2024-03"),
    # Wholly to the receiver, as declared, all in 2024; DKK at 7.5 per EUR.
    row(figure="private_investment", amount="150000", exchange="E1", organisation="REC",
        year="2024", currency="DKK", declared_by="Verifier: A. Berg, Nordic IS Audit",
        evidence="contract 17"),
    # An organisation-year figure.
    row(figure="jobs_safeguarded", amount="1.5", organisation="SUP", year="2023",
        declared_by="SUP", evidence="works council minutes"),
    row(figure="other_money", amount="2000", organisation="REC", year="2024",
        label="public grant", declared_by="REC", evidence="grant letter"),
]  # fmt: skip


def assessed(folder: Path, rows: list[dict[str, str]]) -> Any:
    ledger = write_ledger(folder, [SPLIT], rates=RATES, declared=rows)
    return assess(ledger, TINY_FACTORS)


def amounts(records: list[dict[str, Any]]) -> dict[tuple[str, str | None], float]:
    return {(r["figure"], r["label"]): r["amount"] for r in records}


def test_attribution_by_hand_across_two_parties_and_two_years(tmp_path: Path) -> None:
    assessment = assessed(tmp_path / "ledger", ROWS)
    declared = assessment.results["declared"]
    orgs = {org["id"]: org for org in declared["organisations"]}
    sup, rec = orgs["SUP"]["years"], orgs["REC"]["years"]
    assert amounts(sup["2023"]) == pytest.approx(
        {("jobs_created", None): 4 * 0.3 * IN_2023, ("jobs_safeguarded", None): 1.5}
    )
    assert amounts(sup["2024"]) == pytest.approx({("jobs_created", None): 4 * 0.3 * IN_2024})
    assert amounts(rec["2023"]) == pytest.approx({("jobs_created", None): 4 * 0.7 * IN_2023})
    assert amounts(rec["2024"]) == pytest.approx(
        {
            ("jobs_created", None): 4 * 0.7 * IN_2024,
            ("private_investment", None): 150_000 / 7.5,
            ("other_money", "public grant"): 2000.0,
        }
    )
    # The cluster counts every row once, whatever the shares and the split.
    assert amounts(declared["years"]["2023"]) == pytest.approx(
        {("jobs_created", None): 4 * IN_2023, ("jobs_safeguarded", None): 1.5}
    )
    assert amounts(declared["totals"]) == pytest.approx(
        {
            ("jobs_created", None): 4.0,
            ("jobs_safeguarded", None): 1.5,
            ("private_investment", None): 20_000.0,
            ("other_money", "public grant"): 2000.0,
        }
    )
    units = {r["figure"]: r["unit"] for r in declared["totals"]}
    assert units == {"jobs_created": "FTE", "jobs_safeguarded": "FTE",
                     "private_investment": "EUR", "other_money": "EUR"}  # fmt: skip
    first = declared["rows"][0]
    assert (first["row"], first["declared_by"], first["evidence"]) == (2, "SUP", "payroll 2024-03")
    assert sum(part["amount"] for part in first["credited"]) == pytest.approx(4.0)


def test_declared_figures_change_no_computed_figure(tmp_path: Path) -> None:
    plain = assess(write_ledger(tmp_path / "plain", [SPLIT], rates=RATES), TINY_FACTORS)
    with_rows = assessed(tmp_path / "ledger", ROWS)
    assert "declared" not in plain.results
    for key in ("exchanges", "organisations", "years", "totals"):
        assert with_rows.results[key] == plain.results[key]


def test_the_results_workbook_gives_parts_and_totals(tmp_path: Path) -> None:
    assessment = assessed(tmp_path / "ledger", ROWS)
    tables = declared_tables(assessment.declared)
    totals = tables["declared_totals"]
    cluster = totals[(totals["organisation"] == "") & (totals["year"] == "all")]
    assert dict(zip(cluster["figure"], cluster["amount"], strict=True)) == pytest.approx(
        {"jobs_created": 4.0, "jobs_safeguarded": 1.5, "private_investment": 20_000.0,
         "other_money": 2000.0}
    )  # fmt: skip
    from isbenefit.documents.workbook import results_workbook_bytes

    data = results_workbook_bytes(assessment.tables, "EUR", declared=tables)
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames[-2:] == ["declared", "declared_totals"]
    header, *lines = book["declared"].iter_rows(values_only=True)
    at = {name: header.index(name) for name in ("organisation", "year", "amount", "unit")}
    jobs = [r for r in lines if r[at["unit"]] == "FTE" and r[at["organisation"]] == "REC"]
    assert sorted(r[at["amount"]] for r in jobs) == [round(4 * 0.7 * IN_2024, 1),
                                                     round(4 * 0.7 * IN_2023, 1)]  # fmt: skip


BAD = [
    (row(figure="jobs", amount="1", organisation="SUP", year="2024", declared_by="SUP",
         evidence="x"), "figure", "not an allowed value", "jobs_created"),
    (row(figure="jobs_created", amount="1", exchange="E9", declared_by="SUP", evidence="x"),
     "exchange", "no exchange of the exchanges sheet has this id", "leave exchange blank"),
    (row(figure="jobs_created", amount="1", organisation="SUP", declared_by="SUP",
         evidence="x"), "year", "needs the year", "give the calendar year"),
    (row(figure="jobs_created", amount="1", year="2024", declared_by="SUP", evidence="x"),
     "organisation", "needs the organisation", "give the organisation's id"),
    (row(figure="jobs_created", amount="1", exchange="E1", organisation="OTHER",
         declared_by="SUP", evidence="x"),
     "organisation", "neither the supplier nor the receiver", "leave organisation blank"),
    (row(figure="jobs_created", amount="1", exchange="E1", year="2025", declared_by="SUP",
         evidence="x"), "year", "has no day in this year", "give a year of the exchange"),
    (row(figure="other_money", amount="1", organisation="SUP", year="2024", declared_by="SUP",
         evidence="x"), "label", "needs a label", "public grant"),
    (row(figure="jobs_created", amount="1", organisation="SUP", year="2024", currency="EUR",
         declared_by="SUP", evidence="x"), "currency", "no currency", "leave currency blank"),
    (row(figure="private_investment", amount="1", organisation="SUP", year="2023",
         currency="JPY", declared_by="SUP", evidence="x"),
     "currency", "no exchange rate", "add a row to the rates sheet"),
    (row(figure="jobs_created", amount="-2", organisation="SUP", year="2024",
         declared_by="SUP", evidence="x"), "amount", "must be at least 0", "0 or more"),
    (row(figure="jobs_created", amount="1", organisation="SUP", year="2024", evidence="x"),
     "declared_by", "value missing", "fill in declared_by"),
]  # fmt: skip


@pytest.mark.parametrize(("bad", "column", "message", "fix"), BAD)
def test_a_bad_row_names_sheet_row_column_and_fix(
    tmp_path: Path, bad: dict[str, str], column: str, message: str, fix: str
) -> None:
    # The bad row is the sheet's third row, after a good one.
    with pytest.raises(InputError) as raised:
        assessed(tmp_path / "ledger", [ROWS[2], bad])
    (problem,) = raised.value.problems
    assert (problem.sheet, problem.row, problem.column) == ("declared", 3, column)
    assert message in problem.message
    assert fix in problem.fix


def test_a_figure_declared_twice_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError) as raised:
        assessed(tmp_path / "ledger", [ROWS[0], ROWS[0]])
    (problem,) = raised.value.problems
    assert (problem.sheet, problem.row, problem.column) == ("declared", 3, "figure")
    assert "declared twice" in problem.message


def test_statement_and_report_print_them_labelled_as_declared(tmp_path: Path) -> None:
    from isbenefit.documents import report_pdf, statement_pdf
    from tests.documents_helpers import pdf_text

    results = assessed(tmp_path / "ledger", ROWS).results
    statement = " ".join(pdf_text(statement_pdf(results, "REC", "2024")).split())
    section = statement[statement.index("Declared social and economic figures, 2024") :]
    assert f"Jobs created (declared) {4 * 0.7 * IN_2024:.1f} FTE" in section
    assert "Private investment (declared) 20,000 EUR" in section
    assert "Other money (declared): public grant 2,000 EUR" in section
    assert "Verifier: A. Berg, Nordic IS Audit" in section and "contract 17" in section
    assert "70 % of exchange E1" in section
    report = " ".join(pdf_text(report_pdf(results, "2024")).split())
    section = report[report.index("Declared social and economic figures, 2024") :]
    assert f"Jobs created (declared) {4 * IN_2024:.1f} FTE" in section
    assert "Cumulative 2023–2024 (2 years)" in section
    assert "Jobs created (declared) 4.0 FTE" in section


OVERLAPS = [
    # All of E1's years by its share, then 2024 again: 2024's jobs would count twice.
    [row(figure="jobs_created", amount="4", exchange="E1", declared_by="SUP", evidence="x"),
     row(figure="jobs_created", amount="2", exchange="E1", year="2024", declared_by="SUP",
         evidence="y")],
    # Both parties by the share, then the supplier alone: the supplier's part twice.
    [row(figure="jobs_created", amount="4", exchange="E1", year="2024", declared_by="SUP",
         evidence="x"),
     row(figure="jobs_created", amount="1", exchange="E1", organisation="SUP", year="2024",
         declared_by="SUP", evidence="y")],
]  # fmt: skip


@pytest.mark.parametrize("rows", OVERLAPS)
def test_a_row_covering_what_an_earlier_row_covers_is_refused(
    tmp_path: Path, rows: list[dict[str, str]]
) -> None:
    with pytest.raises(InputError) as raised:
        assessed(tmp_path / "ledger", rows)
    (problem,) = raised.value.problems
    assert (problem.sheet, problem.row, problem.column) == ("declared", 3, "figure")
    assert "declared twice" in problem.message


def test_rows_of_other_years_or_other_parties_of_an_exchange_are_kept(tmp_path: Path) -> None:
    rows = [
        row(figure="jobs_created", amount="1", exchange="E1", organisation="SUP", year="2023",
            declared_by="SUP", evidence="x"),
        row(figure="jobs_created", amount="2", exchange="E1", organisation="SUP", year="2024",
            declared_by="SUP", evidence="y"),
        row(figure="jobs_created", amount="3", exchange="E1", organisation="REC",
            declared_by="REC", evidence="z"),
    ]  # fmt: skip
    declared = assessed(tmp_path / "ledger", rows).results["declared"]
    assert amounts(declared["totals"]) == pytest.approx({("jobs_created", None): 6.0})


def test_a_year_that_is_not_whole_is_refused(tmp_path: Path) -> None:
    bad = row(figure="jobs_created", amount="1", organisation="SUP", year="2024.5",
              declared_by="SUP", evidence="x")  # fmt: skip
    with pytest.raises(InputError) as raised:
        assessed(tmp_path / "ledger", [bad])
    (problem,) = raised.value.problems
    assert (problem.sheet, problem.row, problem.column) == ("declared", 2, "year")
    assert "not a whole year" in problem.message


def test_an_exchange_id_given_twice_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    rows = [row(figure="jobs_created", amount="1", exchange="E1", organisation="SUP",
                declared_by="SUP", evidence="x")]  # fmt: skip
    ledger = write_ledger(tmp_path / "ledger", [SPLIT, SPLIT], rates=RATES, declared=rows)
    with pytest.raises(InputError) as raised:
        assess(ledger, TINY_FACTORS)
    assert [(p.sheet, p.column) for p in raised.value.problems] == [("exchanges", "id")]


def test_an_organisation_row_beside_exchange_rows_of_the_same_figure_is_warned(
    tmp_path: Path,
) -> None:
    # SUP is credited with jobs_created in 2024 through E1 (row 2); row 3 declares SUP's
    # own jobs_created for 2024: perhaps the same jobs, so a warning names row 3.
    own = row(figure="jobs_created", amount="1", organisation="SUP", year="2024",
              declared_by="SUP", evidence="HR")  # fmt: skip
    results = assessed(tmp_path / "ledger", [ROWS[0], own]).results
    (warning,) = results["warnings"]
    assert (warning["sheet"], warning["row"], warning["column"]) == ("declared", 3, "organisation")
    assert "counts them twice" in warning["message"]
    assert amounts(results["declared"]["totals"]) == pytest.approx({("jobs_created", None): 5.0})


def test_labels_differing_only_in_case_or_spaces_are_one_figure_with_a_warning(
    tmp_path: Path,
) -> None:
    """'public grant' (row 2), 'Public Grant' (row 3) and ' public  GRANT ' (row 4) are one
    total of 2,000 + 500 + 250 EUR, printed as row 2 writes it; the rows spelt otherwise
    are named. Each row keeps its own spelling in the rows the documents list."""
    grant = row(figure="other_money", amount="2000", organisation="REC", year="2024",
                label="public grant", declared_by="REC", evidence="grant letter")  # fmt: skip
    rows = [
        grant,
        {**grant, "amount": "500", "organisation": "SUP", "label": "Public Grant"},
        {**grant, "amount": "250", "year": "2023", "label": " public  GRANT "},
    ]
    results = assessed(tmp_path / "ledger", rows).results
    assert amounts(results["declared"]["totals"]) == pytest.approx(
        {("other_money", "public grant"): 2750.0}
    )
    (warning,) = results["warnings"]
    assert (warning["sheet"], warning["row"], warning["column"]) == ("declared", 3, "label")
    assert warning["message"].startswith("counted as 'public grant', the label of row 2")
    assert "(rows 3, 4)" in warning["message"]
    assert "write the label the same way" in warning["fix"]
    labels = [r["label"] for r in results["declared"]["rows"]]
    assert labels[:2] == ["public grant", "Public Grant"]


def test_the_same_money_under_two_spellings_is_declared_twice(tmp_path: Path) -> None:
    grant = row(figure="other_money", amount="2000", organisation="REC", year="2024",
                label="public grant", declared_by="REC", evidence="grant letter")  # fmt: skip
    with pytest.raises(InputError) as raised:
        assessed(tmp_path / "ledger", [grant, {**grant, "label": "Public grant"}])
    problem = next(p for p in raised.value.problems if p.column == "figure")
    assert (problem.sheet, problem.row) == ("declared", 3)
    assert "declared twice" in problem.message
