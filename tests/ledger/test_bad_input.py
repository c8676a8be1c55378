"""One test per class of bad input: a clear message naming file, sheet, row and column,
a non-zero exit, and no output file written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from isbenefit.cli.app import app
from tests.conftest import TINY_FACTORS, exchange, write_ledger

runner = CliRunner()


def assess_cli(ledger: Path, tmp_path: Path, *extra: str) -> tuple[int, str]:
    out_json, out_csv = tmp_path / "out" / "results.json", tmp_path / "out" / "csv"
    result = runner.invoke(
        app,
        [
            "assess",
            str(ledger),
            "--factors",
            str(TINY_FACTORS),
            "--json",
            str(out_json),
            "--csv",
            str(out_csv),
            *extra,
        ],
    )
    assert not out_json.exists(), "no output may be written on bad input"
    assert not out_csv.exists(), "no output may be written on bad input"
    return result.exit_code, result.output


def fails_with(
    tmp_path: Path, rows: list[dict[str, str]], *needles: str, **sheets: list[dict[str, str]]
) -> str:
    ledger = write_ledger(tmp_path / "ledger", rows, **sheets)
    code, output = assess_cli(ledger, tmp_path)
    assert code == 2, output
    flat = " ".join(output.split())
    for needle in needles:
        assert needle in flat, f"{needle!r} not in:\n{output}"
    return flat


GOOD = {"baseline_supply": "prod.gypsum"}


def test_missing_exchanges_sheet(tmp_path: Path) -> None:
    folder = tmp_path / "ledger"
    folder.mkdir()
    (folder / "inputs.csv").write_text("exchange,activity,quantity,unit\n", encoding="utf-8")
    code, output = assess_cli(folder, tmp_path)
    assert code == 2
    assert "sheet exchanges" in output and "missing" in output


def test_missing_required_column(tmp_path: Path) -> None:
    row = exchange(**GOOD)
    del row["unit"]
    fails_with(
        tmp_path,
        [row],
        "exchanges.csv, sheet exchanges, row 1, column unit",
        "required column missing",
    )


def test_unknown_activity_id_suggests_close_ids(tmp_path: Path) -> None:
    fails_with(
        tmp_path,
        [exchange(baseline_supply="prod.gypsun")],
        "sheet exchanges, row 2, column baseline_supply",
        "unknown activity id",
        "'prod.gypsun'",
        "did you mean prod.gypsum",
    )


def test_unit_dimension_mismatch_names_both_units(tmp_path: Path) -> None:
    fails_with(
        tmp_path,
        [exchange(quantity="10", unit="MWh", baseline_supply="prod.gypsum")],
        "row 2, column unit",
        "exchange E1",
        "'MWh' cannot be converted into 't'",
        "baseline_supply prod.gypsum",
    )


def test_unknown_unit(tmp_path: Path) -> None:
    fails_with(tmp_path, [exchange(unit="tons", **GOOD)], "row 2, column unit", "unknown unit")


@pytest.mark.parametrize("quantity", ["0", "-5", "abc", ""])
def test_non_positive_or_missing_quantity(tmp_path: Path, quantity: str) -> None:
    fails_with(tmp_path, [exchange(quantity=quantity, **GOOD)], "row 2, column quantity")


def test_end_before_start(tmp_path: Path) -> None:
    fails_with(
        tmp_path,
        [exchange(period_start="2024-05-01", period_end="2024-04-30", **GOOD)],
        "row 2, column period_end",
        "period ends before it starts",
    )


def test_malformed_date(tmp_path: Path) -> None:
    fails_with(
        tmp_path,
        [exchange(period_start="01/05/2024", **GOOD)],
        "row 2, column period_start",
        "YYYY-MM-DD",
    )


def test_duplicate_exchange_id_names_the_second_row(tmp_path: Path) -> None:
    fails_with(
        tmp_path, [exchange(**GOOD), exchange(**GOOD)], "row 3, column id", "duplicate exchange id"
    )


def test_supplier_equals_receiver(tmp_path: Path) -> None:
    fails_with(
        tmp_path,
        [exchange(receiver="SUP", **GOOD)],
        "row 2, column receiver",
        "supplier and receiver are the same",
    )


def test_input_for_unknown_exchange(tmp_path: Path) -> None:
    inputs = [{"exchange": "NOPE", "activity": "electricity.dk", "quantity": "1", "unit": "kWh"}]
    fails_with(
        tmp_path,
        [exchange(**GOOD)],
        "inputs.csv, sheet inputs, row 2, column exchange",
        "no exchange has this id",
        inputs=inputs,
    )


@pytest.mark.parametrize("share", ["1.5", "-0.1", "half"])
def test_share_outside_zero_one(tmp_path: Path, share: str) -> None:
    fails_with(tmp_path, [exchange(supplier_share=share, **GOOD)], "row 2, column supplier_share")


def test_unknown_currency_or_year(tmp_path: Path) -> None:
    fails_with(
        tmp_path,
        [exchange(price="100", currency="XYZ", **GOOD)],
        "row 2, column currency",
        "no exchange rate for XYZ in 2024",
        "rates sheet",
    )


def test_unknown_report_currency(tmp_path: Path) -> None:
    ledger = write_ledger(tmp_path / "ledger", [exchange(**GOOD)])
    code, output = assess_cli(ledger, tmp_path, "--currency", "QQQ")
    assert code == 2
    assert "--currency" in output and "QQQ" in output


def test_transport_of_energy_without_mass(tmp_path: Path) -> None:
    row = exchange(
        flow="energy",
        quantity="5",
        unit="MWh",
        baseline_supply="heat.gas_boiler",
        transport_mode="transport.road",
        transport_km="10",
    )
    fails_with(tmp_path, [row], "row 2, column mass_t", "transport needs the mass moved")


def test_all_problems_are_reported_together(tmp_path: Path) -> None:
    rows = [
        exchange(id="A", quantity="-1", **GOOD),
        exchange(id="B", baseline_supply="nonsense"),
        exchange(id="C", supplier_share="2", **GOOD),
    ]
    flat = fails_with(tmp_path, rows, "3 problems")
    assert "column quantity" in flat and "column baseline_supply" in flat
    assert "column supplier_share" in flat


def test_wrong_encoding_csv(tmp_path: Path) -> None:
    folder = tmp_path / "ledger"
    folder.mkdir()
    text = (
        "id,period_start,period_end,supplier,receiver,flow,resource,quantity,unit\n"
        "E1,2024-01-01,2024-12-31,Søby,B,material,gips,1,t\n"
    )
    (folder / "exchanges.csv").write_bytes(text.encode("latin-1"))
    code, output = assess_cli(folder, tmp_path)
    assert code == 2
    assert "exchanges.csv" in output and "row 2" in output and "UTF-8" in output


def test_empty_csv(tmp_path: Path) -> None:
    folder = tmp_path / "ledger"
    folder.mkdir()
    (folder / "exchanges.csv").write_bytes(b"")
    code, output = assess_cli(folder, tmp_path)
    assert code == 2
    assert "exchanges.csv" in output and "empty" in output


def test_malformed_xlsx(tmp_path: Path) -> None:
    broken = tmp_path / "ledger.xlsx"
    broken.write_bytes(b"PK\x03\x04 this is not really a workbook")
    code, output = assess_cli(broken, tmp_path)
    assert code == 2
    assert "ledger.xlsx" in output and "not a readable .xlsx" in output


def test_xlsx_problem_names_workbook_sheet_row_column(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Exchanges"
    row = exchange(quantity="-3", **GOOD)
    sheet.append(list(row))
    sheet.append(list(row.values()))
    path = tmp_path / "cluster.xlsx"
    workbook.save(path)
    code, output = assess_cli(path, tmp_path)
    assert code == 2
    assert "cluster.xlsx, sheet exchanges, row 2, column quantity" in " ".join(output.split())


def test_column_with_data_but_no_header(tmp_path: Path) -> None:
    folder = tmp_path / "ledger"
    folder.mkdir()
    header = ",".join(exchange(**GOOD)) + ","
    values = ",".join(exchange(**GOOD).values()) + ",lost?"
    (folder / "exchanges.csv").write_text(f"{header}\n{values}\n", encoding="utf-8")
    code, output = assess_cli(folder, tmp_path)
    assert code == 2
    assert "has no header" in output


def test_a_systematic_mistake_is_listed_once_and_counted(tmp_path: Path) -> None:
    rows = [exchange(id=f"X{i:02d}", unit="MWh", baseline_supply="prod.gypsum") for i in range(30)]
    flat = fails_with(
        tmp_path,
        rows,
        "exchange X00: 'MWh' cannot be converted into 't'",
        "10 more rows with the same problem",
    )
    assert flat.count("cannot be converted") == 21  # 20 listed rows and the count


def test_landfill_by_volume_without_mass_names_mass_t(tmp_path: Path) -> None:
    """A landfill measured in m3 (a user's own factor set) cannot give tonnes diverted."""
    factors = tmp_path / "factors"
    shutil.copytree(TINY_FACTORS, factors)
    with (factors / "activities.csv").open("a", encoding="utf-8") as stream:
        stream.write(
            "landfill.sludge_m3,sludge to landfill,landfill,m3,GLO,5,0,1.2,made-up,x,2025,\n"
        )
    ledger = write_ledger(
        tmp_path / "ledger",
        [exchange(flow="water", quantity="40", unit="m3", baseline_disposal="landfill.sludge_m3")],
    )
    result = runner.invoke(app, ["assess", str(ledger), "--factors", str(factors)])
    assert result.exit_code == 2, result.output
    flat = " ".join(result.output.split())
    assert "row 2, column mass_t" in flat
    assert "landfill diversion needs the mass" in flat
