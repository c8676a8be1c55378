"""The errors a first-time user meets, through the real `isbenefit check` and `assess`:
each says exactly what is wrong once, with the fix, exits 2 and writes nothing."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from isbenefit.cli.app import app
from tests.conftest import BASE_EXCHANGE, TINY_FACTORS, exchange, write_ledger

runner = CliRunner()
GOOD = {"baseline_supply": "prod.gypsum"}
PLAIN_UNIT_FIX = (
    "use a unit of mass (kg, t, kt), energy (kWh, MWh, GWh, MJ, GJ, TJ), volume (m3, l) or "
    "gas volume at normal conditions (Nm3)"
)


def run(command: str, ledger: Path, tmp_path: Path, *extra: str) -> tuple[int, list[str]]:
    """Exit code and the problem lines of `isbenefit COMMAND LEDGER`; asserts nothing was
    written (assess is given a JSON and a CSV output)."""
    out = tmp_path / "out"
    outputs = ["--json", str(out / "r.json"), "--csv", str(out / "csv")]
    args = [command, str(ledger), "--factors", str(TINY_FACTORS), *extra]
    result = runner.invoke(app, [*args, *(outputs if command == "assess" else [])])
    assert not out.exists(), "nothing may be written on bad input"
    lines = [line for line in result.output.splitlines() if line.startswith("- ")]
    return result.exit_code, lines


def problems(ledger: Path, tmp_path: Path, *extra: str) -> list[str]:
    """The problem lines, the same from check and assess, each exiting 2."""
    found = []
    for command in ("check", "assess"):
        code, lines = run(command, ledger, tmp_path, *extra)
        assert code == 2, lines
        found.append(lines)
    assert found[0] == found[1]
    return found[0]


def workbook(path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "exchanges"
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_blank_template_has_no_exchanges(tmp_path: Path) -> None:
    template = tmp_path / "ledger.xlsx"
    made = runner.invoke(app, ["template", "-o", str(template), "--factors", str(TINY_FACTORS)])
    assert made.exit_code == 0, made.output
    assert problems(template, tmp_path) == [
        "- ledger.xlsx, sheet exchanges: the ledger has no exchanges. Fix: fill in one "
        "exchange per row of the exchanges sheet, below its header row (docs/formats.md "
        "lists the columns)"
    ]


def test_header_alone_has_no_exchanges(tmp_path: Path) -> None:
    folder = tmp_path / "ledger"
    folder.mkdir()
    (folder / "exchanges.csv").write_text(",".join(BASE_EXCHANGE) + "\n", encoding="utf-8")
    assert problems(folder, tmp_path) == [
        f"- {folder / 'exchanges.csv'}, sheet exchanges: the ledger has no exchanges. Fix: "
        "fill in one exchange per row of the exchanges sheet, below its header row "
        "(docs/formats.md lists the columns)"
    ]


def test_bad_report_currency_is_one_problem(tmp_path: Path) -> None:
    rows = [exchange(id=f"E{i}", price="100", currency="DKK", **GOOD) for i in range(3)]
    ledger = write_ledger(tmp_path / "ledger", rows, rates=[rate("DKK")])
    assert problems(ledger, tmp_path, "--currency", "EURO") == [
        "- --currency, column --currency: report currency has no exchange rates (value: "
        "'EURO'). Fix: write 'EUR' if that is what you meant; otherwise use one of CHF, CZK, "
        "DKK, EUR, GBP, HUF, ISK, NOK, PLN, SEK, USD, or add its rates to the ledger's "
        "rates sheet"
    ]
    only = problems(ledger, tmp_path, "--currency", "QQQ")
    assert len(only) == 1 and "(value: 'QQQ'). Fix: use one of CHF" in only[0]


def rate(currency: str) -> dict[str, str]:
    return {"currency": currency, "year": "2024", "per_eur": "7.4589"}


def test_currency_euro_is_one_problem_with_the_close_code(tmp_path: Path) -> None:
    ledger = write_ledger(tmp_path / "ledger", [exchange(price="100", currency="EURO", **GOOD)])
    assert problems(ledger, tmp_path) == [
        f"- {ledger / 'exchanges.csv'}, sheet exchanges, row 2, column currency: not an ISO "
        "4217 currency code (value: 'EURO'). Fix: write 'EUR' if that is what you meant; "
        "otherwise write a three-letter code such as EUR, DKK, SEK"
    ]


def test_misspelled_header_is_one_problem(tmp_path: Path) -> None:
    row = {("quantiy" if k == "quantity" else k): v for k, v in exchange(**GOOD).items()}
    inputs = [{"exchange": "E1", "activity": "elec.grid", "quantity": "1", "unit": "MWh"}]
    ledger = write_ledger(tmp_path / "ledger", [row], inputs=inputs)
    assert problems(ledger, tmp_path) == [
        f"- {ledger / 'exchanges.csv'}, sheet exchanges, row 1, column quantiy: unknown "
        "column; did you mean 'quantity'? (value: 'quantiy'). Fix: rename the header to "
        "'quantity' (a column isbenefit does not know must not look like one it knows)"
    ]


@pytest.mark.parametrize(("written", "meant"), [("T", "t"), ("kwh", "kWh"), ("KG", "kg")])
def test_unit_in_the_wrong_case_suggests_the_unit(tmp_path: Path, written: str, meant: str) -> None:
    ledger = write_ledger(tmp_path / "ledger", [exchange(unit=written, **GOOD)])
    assert problems(ledger, tmp_path) == [
        f"- {ledger / 'exchanges.csv'}, sheet exchanges, row 2, column unit: unknown unit, or "
        f"not a unit of mass, energy or volume (value: '{written}'). Fix: write '{meant}' if "
        f"that is what you meant; otherwise {PLAIN_UNIT_FIX}"
    ]


@pytest.mark.parametrize("written", ["mg", "MT", "bags"])
def test_no_suggestion_where_it_could_mislead(tmp_path: Path, written: str) -> None:
    """mg/Mg and MT/Mt differ by a factor of a million or more: no guess is offered."""
    ledger = write_ledger(tmp_path / "ledger", [exchange(unit=written, **GOOD)])
    [line] = problems(ledger, tmp_path)
    assert line.endswith(f"(value: '{written}'). Fix: {PLAIN_UNIT_FIX}")


def test_enum_value_misspelled_suggests_the_value(tmp_path: Path) -> None:
    ledger = write_ledger(tmp_path / "ledger", [exchange(data_quality="Measurd", **GOOD)])
    assert problems(ledger, tmp_path) == [
        f"- {ledger / 'exchanges.csv'}, sheet exchanges, row 2, column data_quality: not an "
        "allowed value (value: 'Measurd'). Fix: write 'measured' if that is what you meant; "
        "otherwise use one of: measured, calculated, estimated"
    ]


def header_and(row: dict[str, object]) -> list[list[object]]:
    values = {**exchange(**GOOD), **row}
    return [list(values), list(values.values())]


def test_excel_date_times_are_read_as_their_dates(tmp_path: Path) -> None:
    """A period from 2024-01-01 00:00 to 2024-12-31 23:59 is the year 2024: the same
    results as the dates alone."""
    timed = workbook(
        tmp_path / "timed.xlsx",
        header_and(
            {
                "period_start": dt.datetime(2024, 1, 1, 0, 0),
                "period_end": dt.datetime(2024, 12, 31, 23, 59),
            }
        ),
    )
    plain = workbook(tmp_path / "plain.xlsx", header_and({}))
    results = []
    for ledger in (timed, plain):
        out = tmp_path / f"{ledger.stem}.json"
        done = runner.invoke(
            app, ["assess", str(ledger), "--factors", str(TINY_FACTORS), "--json", str(out)]
        )
        assert done.exit_code == 0, done.output
        got = json.loads(out.read_text(encoding="utf-8"))
        results.append({key: got[key] for key in ("exchanges", "years", "totals")})
    assert results[0] == results[1]
    first = results[0]["exchanges"][0]
    assert (first["period_start"], first["period_end"]) == ("2024-01-01", "2024-12-31")
    assert list(results[0]["years"]) == ["2024"]


def test_a_date_time_with_a_zone_is_refused(tmp_path: Path) -> None:
    ledger = write_ledger(
        tmp_path / "ledger", [exchange(period_end="2024-12-31T23:00:00+02:00", **GOOD)]
    )
    assert problems(ledger, tmp_path) == [
        f"- {ledger / 'exchanges.csv'}, sheet exchanges, row 2, column period_end: a "
        "date-time with a time zone, whose calendar date depends on the zone (value: "
        "'2024-12-31T23:00:00+02:00'). Fix: write the date as YYYY-MM-DD, e.g. 2024-01-31"
    ]


def test_formula_without_stored_value_names_its_cell(tmp_path: Path) -> None:
    """In a required column (quantity) and an optional one (price) alike."""
    rows = header_and({"price": "100"})
    ledger = workbook(tmp_path / "ledger.xlsx", rows)
    book_rows = rows[0]
    quantity = book_rows.index("quantity") + 1
    price = book_rows.index("price") + 1
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    book = load_workbook(ledger)
    sheet = book["exchanges"]
    sheet.cell(2, quantity).value = "=50*2"
    sheet.cell(2, price).value = "=SUM(1,2)"
    book.save(ledger)  # openpyxl stores formulas without values, as a program would
    q, p = get_column_letter(quantity), get_column_letter(price)
    fix = "Fix: open and save it in a spreadsheet program, or type the value"
    assert problems(ledger, tmp_path) == [
        f"- ledger.xlsx, sheet exchanges, row 2, column quantity: cell {q}2 holds a formula "
        f"with no stored value. {fix}",
        f"- ledger.xlsx, sheet exchanges, row 2, column price: cell {p}2 holds a formula with "
        f"no stored value. {fix}",
    ]
