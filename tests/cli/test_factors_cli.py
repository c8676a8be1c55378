"""`isbenefit factors list` and `factors search`: filters by kind and region, text search,
a table with id, name, kind, unit, region and year, or JSON."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from isbenefit.cli.app import app
from tests.conftest import TINY_FACTORS

runner = CliRunner()


def listed_ids(*arguments: str) -> set[str]:
    result = runner.invoke(app, [*arguments, "--factors", str(TINY_FACTORS), "--json"])
    assert result.exit_code == 0, result.output
    return {a["id"] for a in json.loads(result.output)["activities"]}


def test_list_filters_by_kind_and_region() -> None:
    assert listed_ids("factors", "list", "--kind", "transport") == {
        "transport.road", "transport.rail"
    }  # fmt: skip
    assert listed_ids("factors", "list", "--region", "dk") == {"electricity.dk"}
    assert listed_ids("factors", "list", "--kind", "energy", "--region", "GLO") == {
        "heat.gas_boiler", "natural_gas.m3"
    }  # fmt: skip
    assert len(listed_ids("factors", "list")) == 12


def test_search_finds_every_word_in_any_case() -> None:
    # "heat from a gas boiler" and "natural gas burned" (tests/fixtures/factors-tiny)
    assert listed_ids("factors", "search", "GAS") == {"heat.gas_boiler", "natural_gas.m3"}
    assert listed_ids("factors", "search", "gas boiler") == {"heat.gas_boiler"}
    assert listed_ids("factors", "search", "landfill", "--kind", "production") == set()
    assert listed_ids("factors", "search", "no-such-thing") == set()


def test_json_records_name_the_region_and_are_valid_json() -> None:
    result = runner.invoke(
        app, ["factors", "list", "--factors", str(TINY_FACTORS), "--json", "--region", "DK"]
    )
    text = result.output
    assert "NaN" not in text
    (record,) = json.loads(text)["activities"]
    assert (record["region"], record["kind"], record["unit"], record["year"]) == (
        "DK", "energy", "kWh", "2025"
    )  # fmt: skip


def test_the_table_shows_name_kind_unit_region_and_year() -> None:
    result = runner.invoke(app, ["factors", "search", "rail", "--factors", str(TINY_FACTORS)])
    assert result.exit_code == 0, result.output
    for text in ("transport.rail", "rail freight", "transport", "tkm", "GLO", "2025", "region"):
        assert text in result.output
    assert "1 of 12 activities" in result.output


def test_an_unknown_kind_is_refused() -> None:
    result = runner.invoke(app, ["factors", "list", "--kind", "mining"])
    assert result.exit_code == 2
    assert "production" in result.output
