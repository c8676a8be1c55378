"""Assessing against a user's own Brightway database through a mapping file.

The database is written here with bw2data: a supply chain with a loop (electricity and
steel need each other), a substitution exchange, three biosphere flows and two methods.
Amounts are binary fractions, exact in the float32 that Brightway stores, so the numpy
inverse below and bw2calc see the very same numbers.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from isbenefit import assess
from isbenefit.errors import InputError
from isbenefit.scoring.brightway import open_brightway
from tests.conftest import exchange, write_ledger, write_mapping

ACTIVITIES = ["gypsum", "electricity", "steel", "heat", "landfill"]
UNITS = {
    "gypsum": "kilogram",
    "electricity": "kilowatt hour",
    "steel": "kilogram",
    "heat": "megajoule",
    "landfill": "kilogram",
}
# (input, output, amount, type)
TECHNOSPHERE = [
    ("electricity", "gypsum", 0.125, "technosphere"),
    ("steel", "electricity", 0.001953125, "technosphere"),
    ("electricity", "steel", 2.0, "technosphere"),
    ("electricity", "heat", 0.0625, "substitution"),
    ("electricity", "landfill", 0.015625, "technosphere"),
]
BIOSPHERE = [
    ("co2", "gypsum", 0.0625),
    ("co2", "electricity", 0.375),
    ("water", "electricity", 0.00390625),
    ("co2", "steel", 1.5),
    ("ch4", "steel", 0.0078125),
    ("co2", "heat", 0.0703125),
    ("ch4", "landfill", 0.01953125),
]
GWP = {"co2": 1.0, "ch4": 28.0}
# One lognormal exchange, so Monte Carlo has a database distribution to draw from.
STEEL_CO2_UNCERTAINTY = {"uncertainty type": 2, "loc": float(np.log(1.5)), "scale": 0.2}


def numpy_scores() -> dict[str, dict[str, float]]:
    """Per-unit scores of every activity from the matrix inverse, without Brightway."""
    index = {name: i for i, name in enumerate(ACTIVITIES)}
    technosphere = np.eye(len(ACTIVITIES))
    for source, target, amount, kind in TECHNOSPHERE:
        technosphere[index[source], index[target]] += amount if kind == "substitution" else -amount
    flows = ["co2", "ch4", "water"]
    biosphere = np.zeros((len(flows), len(ACTIVITIES)))
    for flow, target, amount in BIOSPHERE:
        biosphere[flows.index(flow), index[target]] += amount
    inverse = np.linalg.inv(technosphere)
    gwp = np.array([GWP.get(flow, 0.0) for flow in flows])
    water = np.array([1.0 if flow == "water" else 0.0 for flow in flows])
    return {
        name: {
            "co2e": float(gwp @ biosphere @ inverse[:, i]),
            "water": float(water @ biosphere @ inverse[:, i]),
        }
        for name, i in index.items()
    }


@pytest.fixture(scope="module")
def user_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("user-brightway")
    bw2data, _ = open_brightway(tmp_path_factory.mktemp("isbenefit-data"))
    bw2data.projects.change_base_directories(base, project_name="plant-lca")
    bw2data.Database("bio").write(
        {
            ("bio", flow): {
                "name": flow,
                "unit": "kilogram" if flow != "water" else "cubic meter",
                "type": "emission",
            }
            for flow in ("co2", "ch4", "water")
        }
    )
    data = {}
    for name in ACTIVITIES:
        exchanges = [{"input": ("tech", name), "amount": 1.0, "type": "production"}]
        exchanges += [
            {"input": ("tech", source), "amount": amount, "type": kind}
            for source, target, amount, kind in TECHNOSPHERE
            if target == name
        ]
        exchanges += [
            {
                "input": ("bio", flow),
                "amount": amount,
                "type": "biosphere",
                **(STEEL_CO2_UNCERTAINTY if (flow, target) == ("co2", "steel") else {}),
            }
            for flow, target, amount in BIOSPHERE
            if target == name
        ]
        data[("tech", name)] = {
            "name": f"{name} production",
            "unit": UNITS[name],
            "location": "DK",
            "reference product": name,
            "exchanges": exchanges,
        }
    bw2data.Database("tech").write(data)
    bw2data.Method(("test", "gwp")).write([(("bio", f), cf) for f, cf in GWP.items()])
    bw2data.Method(("test", "water")).write([(("bio", "water"), 1.0)])
    open_brightway(None)  # back to isbenefit's directory, as a fresh process would be
    return base


MAPPING = """
project = "plant-lca"
[methods]
co2e_kg = ["test", "gwp"]
water_m3 = ["test", "water"]

[[activities]]
id = "prod.gypsum"
kind = "production"
unit = "t"
database = "tech"
code = "gypsum"

[[activities]]
id = "heat.boiler"
kind = "energy"
unit = "kWh"
database = "tech"
name = "heat production"
location = "DK"
reference_product = "heat"

[[activities]]
id = "landfill.gypsum"
kind = "landfill"
unit = "t"
database = "tech"
code = "landfill"
"""


def test_scores_match_the_matrix_inverse(tmp_path: Path, user_dir: Path) -> None:
    rows = [
        exchange(baseline_supply="prod.gypsum", baseline_disposal="landfill.gypsum"),
        exchange(
            id="H",
            flow="energy",
            resource="heat",
            quantity="10",
            unit="MWh",
            baseline_supply="heat.boiler",
        ),
    ]
    ledger = write_ledger(tmp_path / "ledger", rows)
    mapping = write_mapping(tmp_path, MAPPING)
    results = assess(ledger, mapping=mapping, brightway_dir=user_dir).results
    expected = numpy_scores()
    by_id = {e["id"]: e for e in results["exchanges"]}
    gypsum = 100 * 1000 * (expected["gypsum"]["co2e"] + expected["landfill"]["co2e"])
    heat = 10_000 * 3.6 * expected["heat"]["co2e"]
    assert by_id["E1"]["baseline"]["co2e_kg"] == pytest.approx(gypsum, rel=1e-9)
    assert by_id["H"]["baseline"]["co2e_kg"] == pytest.approx(heat, rel=1e-9)
    water = 100 * 1000 * (expected["gypsum"]["water"] + expected["landfill"]["water"])
    assert by_id["E1"]["baseline"]["water_m3"] == pytest.approx(water, rel=1e-9)
    assert {line["source"] for line in by_id["E1"]["lines"]} == {"brightway:plant-lca/tech"}
    assert expected["heat"]["co2e"] < 0.0703125  # the substitution credit is in the score


def test_unmapped_ids_fall_back_only_when_asked(tmp_path: Path, user_dir: Path) -> None:
    from tests.conftest import TINY_FACTORS

    rows = [
        exchange(baseline_supply="prod.gypsum", transport_mode="transport.road", transport_km="10")
    ]
    ledger = write_ledger(tmp_path / "ledger", rows)
    mapping = write_mapping(tmp_path, MAPPING)
    with pytest.raises(InputError, match="transport_mode"):
        assess(ledger, mapping=mapping, brightway_dir=user_dir)
    results = assess(
        ledger, mapping=mapping, brightway_dir=user_dir, factors=TINY_FACTORS, fallback=True
    ).results
    sources = {line["activity"]: line["source"] for line in results["exchanges"][0]["lines"]}
    assert sources == {
        "prod.gypsum": "brightway:plant-lca/tech",
        "transport.road": "factor-set:tiny-test 1.0",
    }


@pytest.mark.parametrize(
    ("change", "needles"),
    [
        (
            ('code = "gypsum"', 'code = "gypsom"'),
            ["ledger activity prod.gypsum", "row 1", "no activity with code 'gypsom'"],
        ),
        (('unit = "kWh"', 'unit = "t"'), ["ledger activity heat.boiler", "row 2", "megajoule"]),
        (('project = "plant-lca"', 'project = "nope"'), ["project 'nope' not found"]),
        (('co2e_kg = ["test", "gwp"]', 'co2e_kg = ["test", "gwp2"]'), ["impact method", "gwp2"]),
    ],
)
def test_mapping_errors_name_the_activity_and_row(
    tmp_path: Path, user_dir: Path, change: tuple[str, str], needles: list[str]
) -> None:
    ledger = write_ledger(tmp_path / "ledger", [exchange(baseline_supply="prod.gypsum")])
    mapping = write_mapping(tmp_path, MAPPING.replace(*change))
    with pytest.raises(InputError) as error:
        assess(ledger, mapping=mapping, brightway_dir=user_dir)
    for needle in needles:
        assert needle in str(error.value)
    assert "mapping.toml" in str(error.value)


def test_command_line_and_export_give_the_same_figures(
    tmp_path: Path, user_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    from typer.testing import CliRunner

    from isbenefit.cli.app import app

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735689600")
    runner = CliRunner()
    ledger = write_ledger(tmp_path / "ledger", [exchange(baseline_supply="prod.gypsum")])
    mapping = write_mapping(tmp_path, MAPPING)
    direct = runner.invoke(
        app,
        [
            "assess",
            str(ledger),
            "--mapping",
            str(mapping),
            "--brightway",
            "plant-lca",
            "--brightway-dir",
            str(user_dir),
            "--json",
            str(tmp_path / "direct.json"),
            "-q",
        ],
    )
    assert direct.exit_code == 0, direct.output
    exported = tmp_path / "exported"
    export = runner.invoke(
        app,
        [
            "factors",
            "export",
            "--mapping",
            str(mapping),
            "--brightway-dir",
            str(user_dir),
            "-o",
            str(exported),
        ],
    )
    assert export.exit_code == 0, export.output
    again = runner.invoke(
        app,
        [
            "factors",
            "export",
            "--mapping",
            str(mapping),
            "--brightway-dir",
            str(user_dir),
            "-o",
            str(exported),
        ],
    )
    assert again.exit_code == 2 and "--force" in again.output
    shared = runner.invoke(
        app,
        [
            "assess",
            str(ledger),
            "--factors",
            str(exported),
            "--json",
            str(tmp_path / "shared.json"),
            "-q",
        ],
    )
    assert shared.exit_code == 0, shared.output
    first = json.loads((tmp_path / "direct.json").read_text(encoding="utf-8"))
    second = json.loads((tmp_path / "shared.json").read_text(encoding="utf-8"))
    assert second["totals"]["saved"]["co2e_kg"] == pytest.approx(
        first["totals"]["saved"]["co2e_kg"], rel=1e-12
    )
    (source,) = second["sources"]
    assert source["title"] == "tech" and source["year"] == 2025


def test_monte_carlo_draws_from_the_database_paired_and_seeded(
    tmp_path: Path, user_dir: Path
) -> None:
    from isbenefit.engine.uncertainty import MonteCarloSettings
    from isbenefit.scoring.mapping import read_mapping
    from isbenefit.scoring.user_database import database_score_samples

    mapping = write_mapping(tmp_path, MAPPING)
    first = database_score_samples(read_mapping(mapping), None, 50, 7, user_dir)
    second = database_score_samples(read_mapping(mapping), None, 50, 7, user_dir)
    np.testing.assert_array_equal(first["co2e_kg"], second["co2e_kg"])
    assert first["co2e_kg"][:, 0].std() > 0  # gypsum needs steel through electricity
    paired = exchange(
        flow="energy", resource="heat", quantity="1000", unit="kWh", baseline_supply="heat.boiler"
    )
    inputs = [{"exchange": "E1", "activity": "heat.boiler", "quantity": "1", "unit": "MWh"}]
    ledger = write_ledger(tmp_path / "ledger", [paired], inputs=inputs)
    exact = {"measured": 1.0, "calculated": 1.0, "estimated": 1.0}
    result = assess(
        ledger,
        mapping=mapping,
        brightway_dir=user_dir,
        monte_carlo=MonteCarloSettings(100, 3, quantity_gsd=exact),
    ).uncertainty
    assert result is not None
    figures = result["exchanges"]["E1"]["co2e_kg"]
    assert figures["p5"] == pytest.approx(0.0, abs=1e-9)
    assert figures["p95"] == pytest.approx(0.0, abs=1e-9)


def test_iterative_solver_for_large_databases_agrees(
    tmp_path: Path, user_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from isbenefit.scoring import brightway

    monkeypatch.setattr(brightway, "DIRECT_UP_TO", 0)  # take the large-database path
    ledger = write_ledger(tmp_path / "ledger", [exchange(baseline_supply="prod.gypsum")])
    mapping = write_mapping(tmp_path, MAPPING)
    results = assess(ledger, mapping=mapping, brightway_dir=user_dir).results
    expected = 100 * 1000 * numpy_scores()["gypsum"]["co2e"]
    assert results["exchanges"][0]["baseline"]["co2e_kg"] == pytest.approx(expected, rel=1e-9)


def test_monte_carlo_on_a_cluster_draws_the_database_on_the_workers(
    tmp_path: Path, user_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """More than one block of iterations: each worker opens the user's project and draws
    its block; the results are the bytes of one process. The command finds the project
    through BRIGHTWAY2_DIR and a mapping named relative to where it runs; a worker that
    runs elsewhere, without BRIGHTWAY2_DIR (another machine), needs only the project at
    the same path."""
    distributed = pytest.importorskip("distributed")
    from typer.testing import CliRunner

    from isbenefit.cli.app import app
    from isbenefit.results import monte_carlo

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735689600")
    monkeypatch.setenv("BRIGHTWAY2_DIR", str(user_dir))
    monkeypatch.chdir(tmp_path)
    write_mapping(tmp_path, MAPPING)
    rows = [
        exchange(baseline_supply="prod.gypsum"),
        exchange(id="E2", supplier="REC", receiver="SUP", baseline_disposal="landfill.gypsum"),
    ]
    write_ledger(tmp_path / "ledger", rows)
    on_workers: list[bool] = []
    draws = monte_carlo.factor_draws

    def spied(source: Any, settings: Any, mapper: Any = None) -> Any:
        on_workers.append(mapper is not None)
        return draws(source, settings, mapper)

    monkeypatch.setattr(monte_carlo, "factor_draws", spied)

    def run(name: str, *extra: str) -> bytes:
        command = ["assess", "ledger", "--mapping", "mapping.toml", "--iterations", "1100"]
        result = CliRunner().invoke(app, [*command, "--json", f"{name}.json", "-q", *extra])
        assert result.exit_code == 0, result.output
        return (tmp_path / f"{name}.json").read_bytes()

    alone = run("alone")
    assert run("local", "--scheduler", "local:2") == alone
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    def move(folder: str) -> None:
        os.environ.pop("BRIGHTWAY2_DIR", None)
        os.chdir(folder)

    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        client.run(move, str(elsewhere))
        assert run("remote", "--scheduler", cluster.scheduler_address) == alone
    assert on_workers == [False, True, True]
    figures = json.loads(alone)["uncertainty"]["exchanges"]["E1"]["co2e_kg"]
    assert figures["p5"] < figures["p95"]  # the database's steel CO2 is drawn
