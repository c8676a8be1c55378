"""The results JSON written column by column gives the very bytes of the dicts; the
terminal summary lists the top 20 organisations unless --all is given."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import orjson
import pytest
from typer.testing import CliRunner

from isbenefit import assess
from isbenefit.cli.app import app
from isbenefit.cli.summary import TOP
from isbenefit.results.json_columns import grouped, values
from isbenefit.results.results_json import dumps, results_chunks
from tests.conftest import TINY_FACTORS, exchange, write_ledger

runner = CliRunner()
# Text a naive cut of serialised columns would get wrong: quotes, commas, the `","` of a
# string boundary, backslashes, control characters and non-ASCII.
AWKWARD = ['he said "no", then', 'a","b', "ends with \\", "tab\there", "ÆØÅ łódź 🏭", ",", '"']


def awkward_ledger(tmp_path: Path) -> Path:
    rows = []
    for index in range(12):
        rows.append(
            exchange(
                id=f"E{index:02d}",
                supplier=f"S{index % 5}",
                receiver=f"R{index % 3}",
                resource=AWKWARD[index % len(AWKWARD)],
                quantity=str(10 + index),
                baseline_supply="prod.gypsum",
                baseline_disposal="landfill.plasterboard" if index % 2 else "",
                evidence=AWKWARD[(index + 3) % len(AWKWARD)] if index % 3 else "",
                period_end="2025-03-31" if index % 4 == 0 else "2024-12-31",
                contract_ref=AWKWARD[(index + 1) % len(AWKWARD)],
            )
        )
    organisations = [
        {"id": "S0", "name": 'Gips "A/S"', "country": "GB", "eu_ets": "yes"},
        {"id": "R1", "name": "Łódź, Recykling", "country": "PL", "eu_ets": "no"},
    ]
    alternatives = [
        {"exchange": "E03", "name": 'inert, "landfill"', "reason": AWKWARD[0],
         "baseline_disposal": "landfill.inert"},
        {"exchange": "E07", "name": "aggregates", "reason": "the plant could use them",
         "baseline_supply": "prod.aggregates", "baseline_disposal": "none"},
    ]  # fmt: skip
    return write_ledger(
        tmp_path / "ledger", rows, organisations=organisations, baselines=alternatives
    )


@pytest.mark.parametrize("block", [1, 5, 20_000])
def test_column_wise_results_are_the_bytes_of_the_dicts(tmp_path: Path, block: int) -> None:
    assessment = assess(awkward_ledger(tmp_path), TINY_FACTORS)
    expected = dumps(assessment.results)
    source = assessment._results_source
    assert b"".join(results_chunks(source, block)) == expected
    assert assessment.results_json() == expected
    parsed = json.loads(expected)
    assert {e["resource"] for e in parsed["exchanges"]} <= set(AWKWARD)
    assert any(e.get("alternatives") for e in parsed["exchanges"])
    assert any(e["flags"] for e in parsed["exchanges"])
    assert any(len(e["years"]) == 2 for e in parsed["exchanges"])


def test_json_file_of_the_command_line_is_the_same_bytes(tmp_path: Path) -> None:
    ledger = awkward_ledger(tmp_path)
    out = tmp_path / "results.json"
    result = runner.invoke(
        app, ["assess", str(ledger), "--factors", str(TINY_FACTORS), "--json", str(out), "-q"]
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == assess(ledger, TINY_FACTORS).results_json()


@pytest.mark.parametrize(
    "column",
    [
        [1.5, None, float("nan"), -0.0, 1e16, 1e-7, 3, True],
        ["a", None, "", 'x","y', "\\", "z"] * 3,
        ["same"] * 10 + [None] * 5,
        ["\x00", None, "a"],
        ["a", 1, None, [1, "b"], {"k": "v,w"}],
        [],
    ],
)
def test_values_are_what_orjson_writes_for_each(column: list[object]) -> None:
    assert values(column) == [orjson.dumps(value) for value in column]


def test_grouped_joins_each_run_including_empty_ones() -> None:
    items = [b"a", b"b", b"c", b"d"]
    bounds = np.array([0, 0, 2, 2, 3, 4, 4])
    assert grouped(items, bounds) == [b"", b"a,b", b"", b"c", b"d", b""]
    assert grouped([], np.array([0, 0, 0])) == [b"", b""]


def many_organisations_ledger(tmp_path: Path, exchanges: int) -> Path:
    rows = [
        exchange(
            id=f"E{index:02d}",
            supplier=f"SUP{index:02d}",
            receiver=f"REC{index:02d}",
            quantity=str(10 * (index + 1)),
            baseline_supply="prod.gypsum",
        )
        for index in range(exchanges)
    ]
    return write_ledger(tmp_path / "ledger", rows)


def shown_organisations(output: str, exchanges: int) -> set[str]:
    ids = [f"{side}{index:02d}" for index in range(exchanges) for side in ("SUP", "REC")]
    return {org for org in ids if org in output}


def test_summary_lists_the_top_20_organisations_and_all_with_all(tmp_path: Path) -> None:
    count = 13  # 26 organisations; the savings grow with the exchange's number
    ledger = many_organisations_ledger(tmp_path, count)
    bounded = runner.invoke(app, ["assess", str(ledger), "--factors", str(TINY_FACTORS)])
    assert bounded.exit_code == 0, bounded.output
    largest = {
        f"{side}{index:02d}" for index in range(count - TOP // 2, count) for side in ("SUP", "REC")
    }
    assert TOP == 20
    assert shown_organisations(bounded.output, count) == largest
    assert "Top 20 of 26 organisations" in bounded.output
    assert "6 more organisations: --all prints every one" in bounded.output
    everyone = runner.invoke(app, ["assess", str(ledger), "--factors", str(TINY_FACTORS), "--all"])
    assert everyone.exit_code == 0, everyone.output
    assert len(shown_organisations(everyone.output, count)) == 2 * count
    assert "more organisation" not in everyone.output


def test_summary_of_few_organisations_lists_them_all(tmp_path: Path) -> None:
    ledger = many_organisations_ledger(tmp_path, 3)
    result = runner.invoke(app, ["assess", str(ledger), "--factors", str(TINY_FACTORS)])
    assert result.exit_code == 0, result.output
    assert len(shown_organisations(result.output, 3)) == 6
    assert "Per organisation (credited shares, all years)" in result.output
