"""docs/formats.md section 1 and the contract table of the code (isbenefit.ledger.contract)
say the same: the sheets, their columns in order, each column's type, which exchanges
columns are required, the values of each short list, the units and the years."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from isbenefit.cli.app import app
from isbenefit.errors import Problem
from isbenefit.ledger import contract
from isbenefit.ledger.reading import NUMBER_COLUMNS, ROW_COLUMN, SHEETS, RawSheet
from isbenefit.ledger.template import template_sheets
from isbenefit.ledger.typed import check_sheet
from tests.conftest import REPO

FORMATS = REPO / "docs" / "formats.md"
SHORT_LIST = 10  # lists this short are spelled out value by value in the docs


@dataclass(frozen=True)
class DocRow:
    name: str
    kind: str
    required: str | None
    meaning: str


def _section_one() -> str:
    text = FORMATS.read_text(encoding="utf-8")
    return text[text.index("## 1.") : text.index("## 2.")]


def documented() -> dict[str, tuple[str, list[DocRow]]]:
    """Each sheet of docs/formats.md: its heading and one row per column it names."""
    sheets: dict[str, tuple[str, list[DocRow]]] = {}
    for block in re.split(r"^### ", _section_one(), flags=re.MULTILINE)[1:]:
        heading, *lines = block.splitlines()
        found = re.match(r"sheet `(\w+)`", heading)
        if not found:
            continue
        table = [line for line in lines if line.startswith("|")]
        header = [cell.strip() for cell in table[0].strip("|").split("|")]
        rows = []
        for line in table[2:]:
            cells = dict(zip(header, (c.strip() for c in line.strip("|").split("|")), strict=True))
            names = re.findall(r"`([^`]+)`", cells["column"])
            kinds = [k.strip() for k in cells["type"].split(",")]
            kinds = kinds * len(names) if len(kinds) == 1 else kinds
            assert len(kinds) == len(names), line
            rows += [
                DocRow(name, kind, cells.get("required"), cells["meaning"])
                for name, kind in zip(names, kinds, strict=True)
            ]
        sheets[found.group(1)] = (heading, rows)
    return sheets


def test_the_docs_name_the_sheets_of_the_contract() -> None:
    assert set(documented()) == set(contract.SHEETS) == set(SHEETS)
    for name, (heading, _) in documented().items():
        assert ("(required)" in heading) == contract.SHEETS[name].required, heading


@pytest.mark.parametrize("sheet", list(contract.SHEETS))
def test_the_docs_give_each_column_in_order_with_its_type(sheet: str) -> None:
    rows = documented()[sheet][1]
    spec = contract.SHEETS[sheet]
    names = [row.name for row in rows]
    # The docs group the baselines sheet's columns: activities, then numbers.
    assert (sorted(names) if sheet == "baselines" else names) == (
        sorted(spec.names) if sheet == "baselines" else list(spec.names)
    )
    assert {row.name: row.kind for row in rows} == {c.name: c.kind for c in spec.columns}


def test_the_required_exchanges_columns_are_those_of_the_contract() -> None:
    rows = documented()["exchanges"][1]
    assert [r.name for r in rows if r.required == "yes"] == list(contract.EXCHANGES.required_names)


def test_the_docs_spell_out_every_value_of_a_short_list() -> None:
    for name, (_, rows) in documented().items():
        spec = contract.SHEETS[name]
        for row in rows:
            values = spec[row.name].values
            if values and len(values) <= SHORT_LIST:
                written = set(re.findall(r"`([^`]+)`", row.meaning))
                assert set(values) <= written, (name, row.name, set(values) - written)


def test_the_docs_give_the_maximum_of_every_bounded_number() -> None:
    for _, rows in (documented()[name] for name in ("exchanges",)):
        for row in rows:
            maximum = contract.EXCHANGES[row.name].maximum
            if maximum is not None:
                assert f"{maximum:g}" in row.meaning, row.name


def test_the_docs_list_the_units_a_ledger_accepts() -> None:
    unit = next(r for r in documented()["exchanges"][1] if r.name == "unit")
    accepted = unit.meaning[unit.meaning.index("isbenefit accepts:") : unit.meaning.index("Metric")]
    assert set(re.findall(r"`([^`]+)`", accepted)) == set(contract.LEDGER_UNITS)


def test_the_docs_give_the_years() -> None:
    assert f"from {contract.FIRST_YEAR} to {contract.LAST_YEAR}" in _section_one()


def test_every_number_column_and_no_other_takes_a_decimal_comma() -> None:
    numbers = {
        row.name for _, rows in documented().values() for row in rows if row.kind == contract.NUMBER
    }
    assert set(NUMBER_COLUMNS) == numbers == contract.decimal_comma_columns()


def test_the_template_gives_every_column_of_the_contract() -> None:
    given = {name: tuple(c.name for c in columns) for name, columns in template_sheets().items()}
    assert given == {name: sheet.names for name, sheet in contract.SHEETS.items()}
    assert next(iter(given)) == contract.EXCHANGES.name


def test_a_sheet_no_rule_names_is_typed_and_checked_as_the_contract_says() -> None:
    """A sheet (or column) added to the contract is read without a rule of its own."""
    sheet = contract.Sheet(
        "fuels",
        (
            contract.Column("fuel", contract.TEXT, "fuel id", required=True),
            contract.Column("value", contract.NUMBER, "heating value", positive=True),
            contract.Column("basis", contract.ENUM, "CV basis", choices="yes_no", default="no"),
            contract.Column("since", contract.DATE, "first day"),
        ),
        template_position=9,
    )
    table = pd.DataFrame(
        {
            "fuel": ["gas", "", "oil"],
            "value": ["10.5", "-1", "x"],
            "basis": ["YES", "", "maybe"],
            "since": ["2024-01-01", "", "2024-13-01"],
            ROW_COLUMN: [2, 3, 4],
        }
    )
    problems: list[Problem] = []
    typed = check_sheet(sheet, RawSheet("fuels", "fuels.csv", table), problems)
    assert typed["value"].iloc[0] == 10.5
    assert typed["basis"].tolist() == ["yes", "no", "maybe"]
    assert typed["since"].iloc[0] == (dt.date(2024, 1, 1) - dt.date(1970, 1, 1)).days
    assert [(p.row, p.column, p.message) for p in problems] == [
        (3, "fuel", "value missing"),
        (4, "value", "not a number"),
        (3, "value", "must be greater than 0"),
        (4, "basis", "not an allowed value"),
        (4, "since", "not a date in the form YYYY-MM-DD"),
    ]


@pytest.mark.parametrize("verb", ["statement", "report", "vsme"])
def test_the_command_line_refuses_a_year_outside_the_contract(verb: str, tmp_path: Path) -> None:
    org = [] if verb == "report" else ["--org", "A"]
    for year, bound in (
        (contract.FIRST_YEAR - 1, contract.FIRST_YEAR),
        (contract.LAST_YEAR + 1, contract.LAST_YEAR),
    ):
        arguments = [verb, str(tmp_path), *org, "--year", str(year), "-o", str(tmp_path / "x")]
        result = CliRunner().invoke(app, arguments, terminal_width=200)
        assert result.exit_code == 2, result.output
        assert str(bound) in result.output
