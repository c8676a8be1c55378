"""The Python API: ledgers as DataFrames, typed tables, documents as files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader

import isbenefit
from isbenefit.errors import InputError
from tests.conftest import TINY_FACTORS, write_ledger

EXCHANGES = pd.DataFrame(
    {
        "id": ["E1", "E2"],
        "period_start": [dt.date(2024, 1, 1), pd.Timestamp("2024-01-01")],
        "period_end": ["2024-12-31", pd.Timestamp("2024-12-31")],
        "supplier": ["SUP", "SUP"],
        "receiver": ["REC", "REC"],
        "flow": ["material", "material"],
        "resource": ["FGD gypsum", "ash"],
        "quantity": [100, 25.0],
        "unit": ["t", "t"],
        "baseline_disposal": ["landfill.plasterboard", "landfill.inert"],
        "baseline_supply": ["prod.gypsum", None],
        "hazardous": [False, "yes"],
    }
)
ORGANISATIONS = pd.DataFrame(
    {"id": ["SUP", "REC"], "name": ["Supplier A/S", "Receiver Oy"], "sme": [True, None]}
)


def csv_rows() -> list[dict[str, str]]:
    """EXCHANGES as a user would type them into a CSV."""
    typed = EXCHANGES.assign(
        period_start="2024-01-01", period_end="2024-12-31", hazardous=["no", "yes"]
    )
    return [
        {str(k): ("" if pd.isna(v) else str(v)) for k, v in row.items()}
        for row in typed.to_dict("records")
    ]


def test_a_dataframe_ledger_gives_the_figures_of_the_same_csv_ledger(tmp_path: Path) -> None:
    frames = isbenefit.assess(
        {"exchanges": EXCHANGES, "organisations": ORGANISATIONS}, factors=TINY_FACTORS
    )
    # E1: 100 t x (70 landfill + 120 gypsum) = 19000 kg; E2: 25 t x 2 (inert landfill) = 50 kg
    assert frames.exchanges["saved_co2e_kg"].tolist() == [19000.0, 50.0]
    assert frames.exchanges["saved_hazardous_diverted_t"].tolist() == [0.0, 25.0]
    csv = isbenefit.assess(
        write_ledger(tmp_path / "csv", csv_rows(), organisations=[
            {"id": "SUP", "name": "Supplier A/S", "sme": "yes"},
            {"id": "REC", "name": "Receiver Oy", "sme": ""},
        ]),
        factors=TINY_FACTORS,
    )  # fmt: skip
    assert frames.results["exchanges"] == csv.results["exchanges"]
    assert frames.results["ledger"]["name"] == "<DataFrames>"
    exchanges_only = isbenefit.assess(EXCHANGES, factors=TINY_FACTORS)
    assert exchanges_only.totals["saved_co2e_kg"].item() == 19050.0


def test_a_bad_dataframe_is_refused_naming_sheet_row_and_column() -> None:
    bad = EXCHANGES.assign(quantity=[100, -1])
    with pytest.raises(InputError) as caught:
        isbenefit.assess(bad, factors=TINY_FACTORS)
    problem = caught.value.problems[0]
    assert (problem.file, problem.row, problem.column) == ("exchanges (DataFrame)", 3, "quantity")
    with pytest.raises(InputError, match="not a sheet"):
        isbenefit.assess({"exchange": EXCHANGES}, factors=TINY_FACTORS)


def test_tables_carry_dates_and_booleans_and_the_json_keeps_its_text(tmp_path: Path) -> None:
    result = isbenefit.assess(
        {"exchanges": EXCHANGES, "organisations": ORGANISATIONS}, factors=TINY_FACTORS
    )
    exchanges = result.exchanges
    assert str(exchanges["period_start"].dtype).startswith("datetime64")
    assert exchanges["period_end"].tolist() == [pd.Timestamp("2024-12-31")] * 2
    assert exchanges["hazardous"].tolist() == [False, True]
    assert exchanges["hazardous"].dtype == bool
    organisations = result.organisations.set_index("id")
    assert organisations["sme"].dtype == "boolean"
    assert organisations.loc["SUP", "sme"] is True or organisations.loc["SUP", "sme"] == True  # noqa: E712
    assert pd.isna(organisations.loc["REC", "sme"])
    # the results JSON and the tables behind it keep ISO text and yes/no
    assert result.results["exchanges"][0]["period_start"] == "2024-01-01"
    assert result.tables.exchanges["hazardous"].tolist() == ["no", "yes"]


def test_documents_are_callable_from_python(tmp_path: Path) -> None:
    result = isbenefit.assess(
        {"exchanges": EXCHANGES, "organisations": ORGANISATIONS}, factors=TINY_FACTORS
    )
    from isbenefit.documents import write_report, write_statement

    statement = write_statement(result, "SUP", 2024, tmp_path / "statement.pdf")
    report = write_report(result.results, 2024, tmp_path / "report.pdf", cluster="Test cluster")
    text = "".join(page.extract_text() for page in PdfReader(statement).pages)
    assert "Supplier A/S" in text
    assert "Test cluster" in "".join(page.extract_text() for page in PdfReader(report).pages)
    with pytest.raises(InputError):
        write_statement(result, "NOBODY", 2024, tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_a_certificate_is_callable_from_python(tmp_path: Path) -> None:
    from isbenefit.certify.files import write_certificate

    ledger = write_ledger(tmp_path / "ledger", csv_rows())
    path = write_certificate(
        ledger, "SUP", 2024, tmp_path / "cert.pdf", factors=TINY_FACTORS, iterations=0
    )
    text = "".join(page.extract_text() for page in PdfReader(path).pages)
    assert "SUP" in text


def test_float32_and_datetime64_cells_read_as_the_user_wrote_them() -> None:
    import numpy as np

    from isbenefit.ledger.frames import cell_text

    assert cell_text(np.float32(0.1)) == "0.1"  # not 0.10000000149011612
    assert cell_text(np.datetime64("2024-07-01T00:00:00", "ns")) == "2024-07-01"
    assert cell_text(np.int64(7)) == "7"
