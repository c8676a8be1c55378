"""Reading what users hand in, robustly: CSV dialects and encodings, misspelled or doubled
headers, numbers too large, damaged or hostile workbooks, files that are not files, and
user text reaching CSV outputs, the terminal, file names and the double-claims check.

Every refusal exits 2 naming the place (file, sheet, row, column) and the fix, prints no
traceback and writes no output file."""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from isbenefit.cli.app import app
from tests.conftest import REPO, TINY_FACTORS, F, exchange, write_ledger

runner = CliRunner()
GOOD = {"baseline_supply": "prod.gypsum"}
HEADER = list(exchange(**GOOD))


def run(args: list[str], env: dict[str, str] | None = None) -> tuple[int, str]:
    result = runner.invoke(app, args, env=env)
    assert "Traceback" not in result.output, result.output
    if result.exception is not None:
        assert isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, " ".join(result.output.split())


def refused(ledger: Path, tmp_path: Path, *needles: str, env: dict[str, str] | None = None) -> str:
    """Assess ``ledger`` expecting exit 2 with every needle in the message, no output."""
    out_json, out_csv = tmp_path / "out" / "results.json", tmp_path / "out" / "csv"
    code, output = run(
        [
            "assess",
            str(ledger),
            "--factors",
            str(TINY_FACTORS),
            "--json",
            str(out_json),
            "--csv",
            str(out_csv),
        ],
        env,
    )
    assert code == 2, output
    for needle in needles:
        assert needle in output, f"{needle!r} not in:\n{output}"
    assert not out_json.exists() and not out_csv.exists(), "no output may be written"
    return output


def assessed(ledger: Path, tmp_path: Path, name: str = "out") -> dict:
    out = tmp_path / name / "results.json"
    code, output = run(["assess", str(ledger), "--factors", str(TINY_FACTORS), "--json", str(out)])
    assert code == 0, output
    return json.loads(out.read_text(encoding="utf-8"))


def csv_folder(tmp_path: Path, text: str | bytes, name: str = "exchanges.csv") -> Path:
    folder = tmp_path / "ledger"
    folder.mkdir(exist_ok=True)
    data = text.encode("utf-8") if isinstance(text, str) else text
    (folder / name).write_bytes(data)
    return folder


# 1. CSV dialects and encodings


def test_semicolons_and_decimal_commas_give_the_results_of_the_comma_version(
    tmp_path: Path,
) -> None:
    fields = {"substitution_ratio": "0.8", "supplier_share": "0.25", "price": "1234.5"}
    rows = [exchange(quantity="100.5", **GOOD, **fields)]
    comma = assessed(write_ledger(tmp_path / "comma", rows), tmp_path, "comma-out")
    header = ";".join(rows[0])
    values = ";".join(value.replace(".", ",") if value[0].isdigit() else value
                      for value in rows[0].values())  # fmt: skip
    semicolon = tmp_path / "semicolon"
    semicolon.mkdir()
    # What Excel saves as "CSV UTF-8" in Denmark: a BOM, `;` and decimal commas.
    (semicolon / "exchanges.csv").write_bytes(f"\ufeff{header}\r\n{values}\r\n".encode())
    assert "100,5" in values and "0,25" in values
    nordic = assessed(semicolon, tmp_path, "semicolon-out")
    for key in ("exchanges", "organisations", "years", "totals"):
        assert nordic[key] == comma[key], key
    displaced = 100.5 * 0.8
    saved = nordic["totals"]["saved"]
    assert saved["co2e_kg"] == pytest.approx(displaced * F["prod.gypsum"][0])
    assert saved["water_m3"] == pytest.approx(displaced * F["prod.gypsum"][1])
    assert nordic["totals"]["money"]["additional_sales"] == pytest.approx(1234.5)
    supplier = next(o for o in nordic["organisations"] if o["id"] == "SUP")
    assert supplier["saved"]["co2e_kg"] == pytest.approx(0.25 * displaced * F["prod.gypsum"][0])


@pytest.mark.parametrize("quantity", ["1.500", "1.234,5"])
def test_a_thousands_separator_in_a_semicolon_file_is_ambiguous(
    tmp_path: Path, quantity: str
) -> None:
    values = exchange(quantity=quantity, **GOOD).values()
    ledger = csv_folder(tmp_path, ";".join(HEADER) + "\n" + ";".join(values) + "\n")
    refused(
        ledger,
        tmp_path,
        "exchanges.csv, sheet exchanges, row 2, column quantity",
        "ambiguous number",
        f"(value: '{quantity}')",
        "Fix: write the number without thousands separators",
    )


def test_a_decimal_comma_in_a_comma_separated_file_is_not_a_number(tmp_path: Path) -> None:
    ledger = write_ledger(tmp_path / "ledger", [exchange(quantity="100,5", **GOOD)])
    refused(ledger, tmp_path, "row 2, column quantity", "not a number", "'.' as decimal mark")


def test_a_header_with_as_many_commas_as_semicolons_is_refused(tmp_path: Path) -> None:
    ledger = csv_folder(tmp_path, "id;period_start,period_end\nE1;2024-01-01,2024-12-31\n")
    refused(ledger, tmp_path, "exchanges.csv, sheet exchanges, row 1", "cannot tell the delimiter")


def test_windows_1252_bytes_are_refused_naming_the_byte_and_row(tmp_path: Path) -> None:
    text = ",".join(HEADER) + "\n" + ",".join(exchange(**GOOD).values()) + "\n"
    text += ",".join(exchange(id="E2", resource="gips – fra Søby", **GOOD).values()) + "\n"
    data = text.encode("cp1252")
    position = data.index("–".encode("cp1252"))
    refused(
        csv_folder(tmp_path, data),
        tmp_path,
        "exchanges.csv, sheet exchanges, row 3",
        f"not valid UTF-8 (byte {position}",
        "Fix: save the file as CSV UTF-8",
    )


# 2. `isbenefit check`


def test_check_lists_every_problem_and_computes_nothing(tmp_path: Path) -> None:
    rows = [
        exchange(id="A", quantity="-1", **GOOD),
        exchange(id="B", baseline_supply="prod.gypsun"),
        exchange(id="C", supplier_share="2", **GOOD),
        exchange(id="D", quantity="1e308", **GOOD),
    ]
    ledger = write_ledger(tmp_path / "ledger", rows)
    code, output = run(["check", str(ledger), "--factors", str(TINY_FACTORS)])
    assert code == 2, output
    assert "4 problems" in output
    for place in (
        "row 2, column quantity",
        "row 3, column baseline_supply",
        "row 4, column supplier_share",
        "row 5, column quantity",
    ):
        assert place in output, place
    assert "did you mean prod.gypsum" in output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ledger"]


def test_check_of_a_good_ledger_says_no_problems(tmp_path: Path) -> None:
    ledger = write_ledger(tmp_path / "ledger", [exchange(**GOOD)])
    code, output = run(["check", str(ledger), "--factors", str(TINY_FACTORS)])
    assert code == 0, output
    assert "no problems found" in output


def test_check_is_documented() -> None:
    formats = (REPO / "docs" / "formats.md").read_text(encoding="utf-8")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "isbenefit check LEDGER" in formats and "isbenefit check" in readme


# 3. and 4. Headers


def test_a_misspelled_header_names_the_closest_known_column(tmp_path: Path) -> None:
    row = exchange(**GOOD)
    row["qty"] = row.pop("quantity")
    output = refused(
        write_ledger(tmp_path / "ledger", [row]),
        tmp_path,
        "exchanges.csv, sheet exchanges, row 1, column qty: unknown column; did you mean "
        "'quantity'?",
        "Fix: rename the header to 'quantity'",
        "1 problem in the input",
    )
    assert "required column missing" not in output  # the misspelling says it, once
    assert "nan" not in output.lower()


def test_a_misspelled_optional_header_is_an_error_too(tmp_path: Path) -> None:
    inputs = [{"exchange": "E1", "activity": "electricity.dk", "quantity": "1", "unit": "kWh"}]
    inputs[0]["notes"] = "pumping"
    refused(
        write_ledger(tmp_path / "ledger", [exchange(supplier_shar="0.7", **GOOD)], inputs=inputs),
        tmp_path,
        "column supplier_shar: unknown column; did you mean 'supplier_share'?",
        "inputs.csv, sheet inputs, row 1, column notes: unknown column; did you mean 'note'?",
    )


def test_a_column_twice_in_a_csv_header_is_refused(tmp_path: Path) -> None:
    header = ",".join(HEADER) + ",Quantity"
    values = ",".join(exchange(**GOOD).values()) + ",5"
    refused(
        csv_folder(tmp_path, f"{header}\n{values}\n"),
        tmp_path,
        "exchanges.csv, sheet exchanges, row 1, column quantity: column appears twice "
        f"(columns {HEADER.index('quantity') + 1} and {len(HEADER) + 1})",
        "Fix: delete or rename one",
    )


def test_a_column_twice_in_a_workbook_header_is_refused(tmp_path: Path) -> None:
    path = workbook(tmp_path, [[*HEADER, "unit"], [*exchange(**GOOD).values(), "kg"]])
    refused(path, tmp_path, "ledger.xlsx, sheet exchanges, row 1, column unit", "appears twice")


# 5. Numbers too large


@pytest.mark.parametrize(("column", "value"), [("quantity", "1e308"), ("price", "-1e300")])
def test_a_number_beyond_the_bound_names_its_row_and_column(
    tmp_path: Path, column: str, value: str
) -> None:
    rows = [exchange(**GOOD), exchange(id="E2", **GOOD, **{column: value})]
    refused(
        write_ledger(tmp_path / "ledger", rows),
        tmp_path,
        f"sheet exchanges, row 3, column {column}: too large: isbenefit accepts numbers up to "
        "1e+15",
        "Fix: check the value",
    )


# 6. Damaged and hostile workbooks


def workbook(tmp_path: Path, rows: list[list[str]], name: str = "ledger.xlsx") -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "exchanges"
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    book.save(path)
    return path


def rewritten(path: Path, part: str, change: object) -> Path:
    """``path`` with one part of its zip replaced by ``change(old_bytes)``."""
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    parts[part] = change(parts[part])  # type: ignore[operator]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return path


def good_rows() -> list[list[str]]:
    return [HEADER, list(exchange(**GOOD).values())]


def test_a_sheet_cut_short_inside_a_valid_zip_is_refused(tmp_path: Path) -> None:
    path = workbook(tmp_path, good_rows() * 20)
    rewritten(path, "xl/worksheets/sheet1.xml", lambda data: data[: len(data) // 2])
    refused(path, tmp_path, "ledger.xlsx", "not a readable .xlsx workbook", "Fix: open it")


def test_a_declared_dimension_of_the_whole_grid_is_not_read(tmp_path: Path) -> None:
    path = workbook(tmp_path, good_rows())
    rewritten(
        path,
        "xl/worksheets/sheet1.xml",
        lambda data: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', data),
    )
    assert b"XFD1048576" in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    started = time.monotonic()
    data = assessed(path, tmp_path)
    assert time.monotonic() - started < 20
    assert data["totals"]["saved"]["co2e_kg"] == pytest.approx(100 * F["prod.gypsum"][0])


def test_a_value_in_the_last_column_of_the_grid_is_refused_in_seconds(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "exchanges"
    for row in good_rows():
        sheet.append(row)
    sheet["XFD2"] = "far"
    path = tmp_path / "wide.xlsx"
    book.save(path)
    started = time.monotonic()
    refused(
        path,
        tmp_path,
        "wide.xlsx, sheet exchanges, row 2",
        "the sheet has 16,384 columns, more than the limit of 500",
        "ISBENEFIT_MAX_COLUMNS",
    )
    assert time.monotonic() - started < 20


def test_a_workbook_unzipping_to_a_gigabyte_cell_is_refused_before_parsing(tmp_path: Path) -> None:
    """A 1.1 GB cell in a ~5 MB file: refused from the sizes the zip declares."""
    path = workbook(tmp_path, [HEADER, [*list(exchange(**GOOD).values())[:-1], "HUGE"]])
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    before, after = parts.pop("xl/worksheets/sheet1.xml").split(b"HUGE")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        for name, data in parts.items():
            target.writestr(name, data)
        with target.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as stream:
            stream.write(before)
            chunk = b"A" * 2**20
            for _ in range(1100):
                stream.write(chunk)
            stream.write(after)
    assert path.stat().st_size < 10 * 2**20
    started = time.monotonic()
    refused(
        path,
        tmp_path,
        "ledger.xlsx: the workbook unzips to",
        "largest part xl/worksheets/sheet1.xml",
        "more than the limit of 1,000,000,000",
        "ISBENEFIT_MAX_UNPACKED_MB",
    )
    assert time.monotonic() - started < 10


def test_limits_are_overridden_by_environment_variables(tmp_path: Path) -> None:
    rows = [exchange(id=f"E{i}", evidence="weighbridge tickets 2024", **GOOD) for i in range(5)]
    ledger = write_ledger(tmp_path / "ledger", rows)
    refused(
        ledger,
        tmp_path,
        "sheet exchanges: the sheet has 5 or more data rows, more than the limit of 4",
        "ISBENEFIT_MAX_ROWS",
        env={"ISBENEFIT_MAX_ROWS": "4"},
    )
    refused(
        ledger,
        tmp_path,
        "sheet exchanges, row 2, column evidence: the cell holds 24 characters, more than "
        "the limit of 20",
        env={"ISBENEFIT_MAX_CELL_CHARS": "20"},
    )
    refused(
        ledger,
        tmp_path,
        "exchanges.csv, sheet exchanges: the file has",
        "ISBENEFIT_MAX_FILE_MB",
        env={"ISBENEFIT_MAX_FILE_MB": "0.0001"},
    )
    path = workbook(tmp_path, good_rows())
    refused(
        path,
        tmp_path,
        f"ledger.xlsx, sheet exchanges, row 1: the sheet has {len(HEADER)} columns, more than "
        f"the limit of {len(HEADER) - 1}",
        env={"ISBENEFIT_MAX_COLUMNS": str(len(HEADER) - 1)},
    )


def test_a_long_cell_in_a_workbook_names_its_row_and_column(tmp_path: Path) -> None:
    path = workbook(tmp_path, [[*HEADER, "evidence"], [*exchange(**GOOD).values(), "x" * 40]])
    refused(
        path,
        tmp_path,
        "ledger.xlsx, sheet exchanges, row 2, column evidence: the cell holds 40 characters",
        env={"ISBENEFIT_MAX_CELL_CHARS": "30"},
    )


# 7. Files that are not files


def test_an_exchanges_csv_that_is_a_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "ledger"
    (folder / "exchanges.csv").mkdir(parents=True)
    refused(folder, tmp_path, "exchanges.csv, sheet exchanges: is a folder, not a file")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")
@pytest.mark.parametrize("as_folder", [True, False])
def test_a_named_pipe_is_refused_without_waiting(tmp_path: Path, as_folder: bool) -> None:
    folder = tmp_path / "ledger"
    folder.mkdir()
    os.mkfifo(folder / "exchanges.csv")
    ledger = folder if as_folder else folder / "exchanges.csv"
    result = subprocess.run(
        [sys.executable, "-m", "isbenefit", "assess", str(ledger), "--factors", str(TINY_FACTORS)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    flat = " ".join(result.stderr.split())
    assert "exchanges.csv, sheet exchanges: is a pipe, socket or device, not a file" in flat
    assert "Traceback" not in result.stderr


# 8. CSV outputs


def test_formula_text_is_neutralised_in_csv_outputs_and_kept_in_the_json(tmp_path: Path) -> None:
    rows = [
        exchange(
            resource='=HYPERLINK("http://evil.example","click")',
            evidence="+cmd|' /C calc'!A0",
            note_ref="-5",
            tag="@SUM(1+1)",
            **GOOD,
        )
    ]
    organisations = [{"id": "SUP", "name": "-2+3 Gips"}]
    ledger = write_ledger(tmp_path / "ledger", rows, organisations=organisations)
    out = tmp_path / "out"
    code, output = run(
        [
            "assess",
            str(ledger),
            "--factors",
            str(TINY_FACTORS),
            "--json",
            str(out / "r.json"),
            "--csv",
            str(out / "csv"),
        ]
    )
    assert code == 0, output
    with (out / "csv" / "exchanges.csv").open(encoding="utf-8", newline="") as stream:
        (row,) = list(csv.DictReader(stream))
    assert row["resource"] == "'" + rows[0]["resource"]
    assert row["evidence"] == "'+cmd|' /C calc'!A0"
    assert row["tag"] == "'@SUM(1+1)"
    assert row["note_ref"] == "-5"  # a plain number stays as written
    assert float(row["quantity"]) == 100.0
    assert float(row["saved_co2e_kg"]) == pytest.approx(100 * F["prod.gypsum"][0])
    with (out / "csv" / "organisations.csv").open(encoding="utf-8", newline="") as stream:
        names = {r["id"]: r["name"] for r in csv.DictReader(stream)}
    assert names["SUP"] == "'-2+3 Gips"
    data = json.loads((out / "r.json").read_text(encoding="utf-8"))
    assert data["exchanges"][0]["resource"] == rows[0]["resource"]
    assert data["exchanges"][0]["extra"]["tag"] == "@SUM(1+1)"


def test_csv_neutralising_is_documented() -> None:
    formats = (REPO / "docs" / "formats.md").read_text(encoding="utf-8")
    assert "The `--csv` tables are written for spreadsheets" in formats
    assert "ISBENEFIT_MAX_UNPACKED_MB" in formats and "difflib" in formats


# 9. The terminal


def test_markup_and_escapes_in_names_are_printed_as_text(tmp_path: Path) -> None:
    organisations = [
        {"id": "SUP", "name": "Gips [/x] A/S"},
        {"id": "REC", "name": "\x1b[31mRed\x1b[0m [bold]Oy[/bold]"},
    ]
    ledger = write_ledger(tmp_path / "ledger", [exchange(**GOOD)], organisations=organisations)
    code, output = run(["assess", str(ledger), "--factors", str(TINY_FACTORS)])
    assert code == 0, output
    assert "Gips [/x] A/S" in output
    assert "[31mRed[0m [bold]Oy[/bold]" in output
    assert "\x1b" not in output


def test_control_characters_in_error_messages_are_stripped(tmp_path: Path) -> None:
    row = exchange(id="X\x1b[2J\a7", unit="MWh", **GOOD)
    output = refused(
        write_ledger(tmp_path / "ledger", [row]),
        tmp_path,
        "row 2, column unit",
        "exchange X[2J7:",
    )
    assert "\x1b" not in output and "\a" not in output


# 10. File names of batch documents


def test_a_300_character_organisation_id_gets_a_short_safe_file_name(tmp_path: Path) -> None:
    from isbenefit.batch import file_name

    long_id = "Org" + "x" * 297
    rows = [exchange(supplier=long_id, **GOOD)]
    ledger = write_ledger(tmp_path / "ledger", rows)
    out = tmp_path / "statements"
    code, output = run(
        [
            "statements",
            str(ledger),
            "--year",
            "2024",
            "-o",
            str(out),
            "--factors",
            str(TINY_FACTORS),
            "--jobs",
            "1",
        ]
    )
    assert code == 0, output
    assert "2 statements written" in output
    names = sorted(p.name for p in out.iterdir())
    assert len(names) == 2 and all(len(name) < 128 for name in names)
    assert file_name("statement", long_id, "2024") in names
    assert file_name("statement", long_id, "2024") != file_name(
        "statement", long_id[:-1] + "y", "2024"
    )


# 11. Look-alike ids in the double-claims check


@pytest.mark.parametrize(
    ("field", "look_alike", "shown"),
    [
        ("id", "E1\u200b", "'E1\\u200b'"),
        ("supplier", "SU\u0420", "'SU\u0420' (mixes LATIN and CYRILLIC letters)"),
    ],
)
def test_look_alike_ids_do_not_evade_the_double_claims_check(
    tmp_path: Path, field: str, look_alike: str, shown: str
) -> None:
    write_ledger(tmp_path / "docs" / "programme-a", [exchange(**GOOD)])
    write_ledger(tmp_path / "docs" / "programme-b", [exchange(**GOOD, **{field: look_alike})])
    result = runner.invoke(app, ["verify", "--claims", str(tmp_path / "docs"), "--json"])
    assert result.exit_code == 9, result.output
    findings = json.loads(result.output)["findings"]
    kinds = {f["kind"]: f for f in findings}
    assert kinds["over-credited"]["total_share"] == pytest.approx(2.0)
    described = kinds["look-alike ids"]["description"]
    assert shown in described and "programme-a" in described and "programme-b" in described


# Review findings: headers of the waste columns, the user's own columns, old Mac CSVs,
# chart sheets and sheet names twice.


def test_waste_column_headers_spelled_naturally_are_caught(tmp_path: Path) -> None:
    """Kept as extra columns they would be read as absent: a landfilled exchange would be
    reported as recycled."""
    row = {**exchange(**GOOD), "Recovery operation": "D1", "EWC code": "17 08 02"}
    refused(
        write_ledger(tmp_path / "ledger", [row]),
        tmp_path,
        "column recovery operation: unknown column; did you mean 'recovery_operation'?",
        "column ewc code: unknown column; did you mean 'ewc_code'?",
    )


def test_a_users_column_beside_the_one_it_resembles_is_kept(tmp_path: Path) -> None:
    """`quantity_kg` beside `quantity`, `source` (a word inside `resource`): nothing is
    left blank, so they are the user's own columns, as before the header check."""
    row = {**exchange(**GOOD), "quantity_kg": "100000", "source": "plant log"}
    results = assessed(write_ledger(tmp_path / "ledger", [row]), tmp_path)
    assert results["exchanges"][0]["extra"] == {"quantity_kg": "100000", "source": "plant log"}
    # 100 t of gypsum replacing natural gypsum, by hand from the tiny factor set
    assert results["exchanges"][0]["saved"]["co2e_kg"] == pytest.approx(100 * F["prod.gypsum"][0])


def test_a_csv_with_lone_carriage_returns_is_read(tmp_path: Path) -> None:
    """Excel for Mac's "CSV (Macintosh)" ends lines with CR alone."""
    rows = [exchange(**GOOD, id=f"E{number}") for number in range(1, 30)]
    lines = [",".join(HEADER)] + [",".join(row[column] for column in HEADER) for row in rows]
    ledger = csv_folder(tmp_path, "\r".join(lines) + "\r")
    results = assessed(ledger, tmp_path)
    assert len(results["exchanges"]) == 29


def test_a_chart_sheet_named_exchanges_is_refused(tmp_path: Path) -> None:
    from openpyxl.chart import BarChart

    workbook = Workbook()
    workbook.active.title = "data"
    chart = workbook.create_chartsheet("exchanges")
    chart.add_chart(BarChart())
    path = tmp_path / "ledger.xlsx"
    workbook.save(path)
    refused(path, tmp_path, "sheet exchanges: the sheet 'exchanges' is a chart sheet")


def test_two_sheets_of_one_name_are_refused(tmp_path: Path) -> None:
    workbook = Workbook()
    workbook.active.title = "exchanges"
    workbook.active.append(HEADER)
    workbook.create_sheet("Exchanges ")
    path = tmp_path / "ledger.xlsx"
    workbook.save(path)
    refused(path, tmp_path, "two sheets are named 'exchanges' and 'Exchanges '")
