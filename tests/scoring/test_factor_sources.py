"""One factor source per run: a factor-set folder, the user's own Brightway database
through a mapping, or that database with a fallback factor set, for every verb.

The user's database is written here with bw2data (real Brightway, nothing mocked):
electricity feeds gypsum and landfill, three biosphere flows, a GWP and a water method.
Amounts are binary fractions, exact in Brightway's float32, so the per-unit scores are
worked out by hand below:

    electricity, per kWh:  0.5 kg CO2, 0.25 m3 water
    gypsum, per kg:        0.0625 kg CO2 + 0.125 kWh  ->  0.125 kg CO2e, 0.03125 m3
    landfill, per kg:      0.015625 kg CH4 (GWP 32) + 0.0625 kWh  ->  0.53125 kg CO2e,
                           0.015625 m3

The ledger's 100 t of gypsum replace virgin gypsum and its landfill: 100 x 1000 x
(0.125 + 0.53125) = 65,625 kg CO2e saved, 60 % of it credited to the supplier.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from isbenefit import assess
from isbenefit.certify import trust
from isbenefit.cli.app import app
from isbenefit.engine.uncertainty import MonteCarloSettings
from isbenefit.errors import InputError
from isbenefit.scoring import factorset, user_database
from isbenefit.scoring.brightway import open_brightway
from isbenefit.scoring.source import (
    FactorSetFolder,
    MappedDatabase,
    WithFallback,
    factor_source,
)
from tests.certificate_helpers import new_test_key
from tests.conftest import REPO, TINY_FACTORS, F, exchange, write_ledger, write_mapping
from tests.documents_helpers import flat, pdf_text, stated

runner = CliRunner()
EPOCH = "1735689600"
PROJECT = "factory-lca"
GWP_CH4 = 32.0
CO2E_PER_T = {  # kg CO2e per t, as worked out in the module docstring
    "gypsum": 1000 * (0.0625 + 0.125 * 0.5),
    "landfill": 1000 * (0.015625 * GWP_CH4 + 0.0625 * 0.5),
}
WATER_PER_T = {"gypsum": 1000 * 0.125 * 0.25, "landfill": 1000 * 0.0625 * 0.25}
SHARE = 0.6
TONNES = 100.0
SAVED_CO2E_KG = TONNES * (CO2E_PER_T["gypsum"] + CO2E_PER_T["landfill"])  # 65,625
ROAD_KG = TONNES * 10 * F["transport.road"][0]  # 10 km by road, from the tiny factor set

MAPPING = f"""
project = "{PROJECT}"
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
id = "landfill.plasterboard"
kind = "landfill"
unit = "t"
database = "tech"
name = "landfill of gypsum"
location = "DK"
"""


@pytest.fixture(autouse=True)
def _epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


@pytest.fixture(scope="module")
def user_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The user's Brightway directory with project factory-lca (see the module docstring)."""
    base = tmp_path_factory.mktemp("user-brightway")
    bw2data, _ = open_brightway(tmp_path_factory.mktemp("isbenefit-data"))
    bw2data.projects.change_base_directories(base, project_name=PROJECT)
    units = {"co2": "kilogram", "ch4": "kilogram", "water": "cubic meter"}
    bw2data.Database("bio").write(
        {("bio", f): {"name": f, "unit": u, "type": "emission"} for f, u in units.items()}
    )
    nodes: dict[str, tuple[str, str, list[tuple[str, str, float]]]] = {
        "electricity": (
            "electricity production",
            "kilowatt hour",
            [("bio", "co2", 0.5), ("bio", "water", 0.25)],
        ),
        "gypsum": (
            "gypsum production",
            "kilogram",
            [("bio", "co2", 0.0625), ("tech", "electricity", 0.125)],
        ),
        "landfill": (
            "landfill of gypsum",
            "kilogram",
            [("bio", "ch4", 0.015625), ("tech", "electricity", 0.0625)],
        ),
    }
    bw2data.Database("tech").write(
        {
            ("tech", code): {
                "name": name,
                "unit": unit,
                "location": "DK",
                "reference product": code,
                "exchanges": [
                    {"input": ("tech", code), "amount": 1.0, "type": "production"},
                    *(
                        {
                            "input": (database, flow),
                            "amount": amount,
                            "type": "biosphere" if database == "bio" else "technosphere",
                        }
                        for database, flow, amount in inputs
                    ),
                ],
            }
            for code, (name, unit, inputs) in nodes.items()
        }
    )
    bw2data.Method(("test", "gwp")).write([(("bio", "co2"), 1.0), (("bio", "ch4"), GWP_CH4)])
    bw2data.Method(("test", "water")).write([(("bio", "water"), 1.0)])
    open_brightway(None)  # back to isbenefit's directory, as a fresh process would be
    return base


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The mapping, a ledger the mapping covers, one with a road leg it does not, and keys."""
    folder = tmp_path_factory.mktemp("sources")
    gypsum = exchange(
        baseline_supply="prod.gypsum",
        baseline_disposal="landfill.plasterboard",
        supplier_share=str(SHARE),
    )
    road = {**gypsum, "transport_mode": "transport.road", "transport_km": "10"}
    new_test_key(folder / "issuer.key", folder / "issuer.pub")
    trust.trust(trust.store_path(None), folder / "issuer.pub", "Test issuer")
    return {
        "mapping": write_mapping(folder, MAPPING),
        "ledger": write_ledger(folder / "ledger", [gypsum]),
        "road": write_ledger(folder / "road", [road]),
        "key": folder / "issuer.key",
    }


def database_options(files: dict[str, Path], user_dir: Path, *fallback: str) -> list[str]:
    return [
        "--mapping",
        str(files["mapping"]),
        "--brightway",
        PROJECT,
        "--brightway-dir",
        str(user_dir),
        *fallback,
    ]


def invoke(*args: str) -> Any:
    return runner.invoke(app, list(args))


def figure_on_page(text: str, label: str) -> str:
    """The figure printed after a card's label, e.g. '39.38 t CO₂e'."""
    after = flat(text).split(label, 1)[1].split()
    return " ".join(after[:3])


def test_api_source_equals_the_mapping_keywords(files: dict[str, Path], user_dir: Path) -> None:
    by_keywords = assess(
        files["ledger"],
        mapping=files["mapping"],
        brightway_project=PROJECT,
        brightway_dir=user_dir,
    )
    source = MappedDatabase(files["mapping"], PROJECT, user_dir)
    by_source = assess(files["ledger"], factors=source)
    assert by_source.results_json() == by_keywords.results_json()
    saved = by_source.results["totals"]["saved"]
    assert saved["co2e_kg"] == pytest.approx(SAVED_CO2E_KG, rel=1e-12)
    assert saved["water_m3"] == pytest.approx(
        TONNES * (WATER_PER_T["gypsum"] + WATER_PER_T["landfill"]), rel=1e-12
    )
    assert source.factor_set() is source.factor_set()  # loaded once, kept


def test_api_fallback_source_equals_the_keywords_with_monte_carlo(
    files: dict[str, Path], user_dir: Path
) -> None:
    settings = MonteCarloSettings(40, 5)
    by_keywords = assess(
        files["road"],
        factors=TINY_FACTORS,
        mapping=files["mapping"],
        brightway_dir=user_dir,
        fallback=True,
        monte_carlo=settings,
    )
    source = factor_source(TINY_FACTORS, files["mapping"], None, user_dir, fallback=True)
    assert isinstance(source, WithFallback)
    by_source = assess(files["road"], factors=source, monte_carlo=settings)
    assert by_source.results_json() == by_keywords.results_json()
    assert by_source.factor_set.id == f"brightway-{PROJECT}+tiny-test"
    assert list(by_source.factor_set.activities.index[:2]) == [
        "prod.gypsum",
        "landfill.plasterboard",
    ]
    saved = by_source.results["totals"]["saved"]["co2e_kg"]
    assert saved == pytest.approx(SAVED_CO2E_KG - ROAD_KG, rel=1e-12)
    draws = source.score_draws(3, 5)
    scores = source.scores()
    activities = source.factor_set().activities
    assert draws["co2e_kg"].shape == (3, len(activities))
    road = activities.index.get_loc("transport.road")
    assert scores["co2e_kg"][road] == F["transport.road"][0]
    assert scores["co2e_kg"][0] == pytest.approx(CO2E_PER_T["gypsum"], rel=1e-12)


def test_statement_on_the_users_database(
    files: dict[str, Path], user_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "statement.pdf"
    result = invoke(
        "statement",
        str(files["ledger"]),
        *database_options(files, user_dir),
        "--org",
        "SUP",
        "--year",
        "2024",
        "-o",
        str(out),
    )
    assert result.exit_code == 0, result.output
    text = flat(pdf_text(out))
    # 39.38 t, printed by the rule of reported figures: three significant digits, 39.4 t.
    credited = stated(SAVED_CO2E_KG * SHARE / 1000, None, 2)
    assert f"{credited} t" in text, text
    assert f"brightway-{PROJECT}" in text


def test_statement_with_fallback(files: dict[str, Path], user_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "statement.pdf"
    args = ["statement", str(files["road"]), "--org", "SUP", "--year", "2024", "-o", str(out)]
    refused = invoke(*args, *database_options(files, user_dir))
    assert refused.exit_code == 2 and "transport.road" in refused.output
    result = invoke(
        *args, *database_options(files, user_dir, "--fallback"), "--factors", str(TINY_FACTORS)
    )
    assert result.exit_code == 0, result.output
    # 39.32 t, three significant digits: 39.3 t (39.4 t without the road transport).
    credited = stated((SAVED_CO2E_KG - ROAD_KG) * SHARE / 1000, None, 2)
    assert f"{credited} t" in flat(pdf_text(out))


def count_calls(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[int]:
    calls: list[int] = []
    original: Callable[..., Any] = getattr(module, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


@pytest.mark.parametrize("iterations", ["0", "30"])
def test_certificate_and_verify_on_the_users_database(
    files: dict[str, Path],
    user_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    iterations: str,
) -> None:
    pdf = tmp_path / "certificate.pdf"
    options = database_options(files, user_dir, "--fallback", "--factors", str(TINY_FACTORS))
    folders = count_calls(monkeypatch, factorset, "load_factor_set")
    databases = count_calls(monkeypatch, user_database, "database_factor_set")
    made = invoke(
        "certificate",
        str(files["road"]),
        *options,
        "--org",
        "SUP",
        "--year",
        "2024",
        "--iterations",
        iterations,
        "--key",
        str(files["key"]),
        "-o",
        str(pdf),
    )
    assert made.exit_code == 0, made.output
    assert (len(folders), len(databases)) == (1, 1)  # once per run, though assessed twice
    claim = json.loads(pdf_text_attachment(pdf))
    assert claim["factor_set"]["id"] == f"brightway-{PROJECT}+tiny-test"
    central = (SAVED_CO2E_KG - ROAD_KG) * SHARE
    assert claim["credited"]["saved"]["co2e_kg"] == pytest.approx(central, rel=1e-12)
    if iterations == "0":
        # No Monte Carlo run: three significant digits (docs/claims.md, item 10).
        stated_co2e = f"{stated(central / 1000, None, 2)} t CO₂e"
        assert figure_on_page(pdf_text(pdf), "CO₂e avoided") == stated_co2e

    folders.clear()
    databases.clear()
    verified = invoke("verify", str(pdf), *options, "--json")
    report = json.loads(verified.output)
    assert (verified.exit_code, report["verdict"]) == (0, "valid"), verified.output
    assert (len(folders), len(databases)) == (1, 1)
    other = json.loads(invoke("verify", str(pdf), "--json").output)  # the shipped set alone
    assert other["verdict"] == "factor set unavailable"
    assert f"brightway-{PROJECT}" in other["checks"][-1]["message"]


def pdf_text_attachment(pdf: Path) -> bytes:
    from isbenefit.certify.claim import CLAIM_FILE, read_attachments

    return read_attachments(pdf)[CLAIM_FILE]


def test_the_default_source_loads_its_factor_set_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, Path]
) -> None:
    loads = count_calls(monkeypatch, factorset, "load_factor_set")
    pdf = tmp_path / "c.pdf"
    made = invoke(
        "certificate",
        str(files["road"]),
        "--factors",
        str(TINY_FACTORS),
        "--org",
        "REC",
        "--year",
        "2024",
        "--iterations",
        "20",
        "-o",
        str(pdf),
    )
    assert made.exit_code == 0, made.output
    assert len(loads) == 1
    loads.clear()
    verified = invoke("verify", str(pdf), "--factors", str(TINY_FACTORS))
    assert verified.exit_code == 3, verified.output  # unsigned, every other check passes
    assert len(loads) == 1


@pytest.mark.parametrize(
    ("options", "needle"),
    [
        (["--fallback"], "--fallback: only used with --mapping"),
        (["--brightway", PROJECT], "--brightway: only used with --mapping"),
        (["--mapping", "MAPPING", "--factors", str(TINY_FACTORS)], "add --fallback"),
    ],
)
def test_options_that_would_be_ignored_are_refused(
    files: dict[str, Path], tmp_path: Path, options: list[str], needle: str
) -> None:
    options = [str(files["mapping"]) if o == "MAPPING" else o for o in options]
    for verb in (
        ["assess", str(files["ledger"])],
        ["report", str(files["ledger"]), "--year", "2024", "-o", str(tmp_path / "r.pdf")],
        ["statements", str(files["ledger"]), "--year", "2024", "-o", str(tmp_path / "s")],
    ):
        result = invoke(*verb, *options)
        assert result.exit_code == 2 and needle in flat(result.output), result.output
    assert not (tmp_path / "r.pdf").exists()


def test_every_assessing_verb_takes_the_source_options() -> None:
    for verb in ("assess", "statement", "certificate", "report", "statements", "certificates"):
        shown = flat(invoke(verb, "--help").output)
        for option in ("--factors", "--mapping", "--brightway", "--brightway-dir", "--fallback"):
            assert option in shown, (verb, option)
    shown = flat(invoke("verify", "--help").output)
    assert all(o in shown for o in ("--mapping", "--brightway-dir", "--fallback"))


def test_process_state_is_left_as_found(files: dict[str, Path], user_dir: Path) -> None:
    """In a fresh process: the user's BRIGHTWAY2_DIR names the database and is the same
    after the run; stdout stays empty; the warnings filters are those of before."""
    script = f"""
import os, sys, warnings
from isbenefit import assess  # isbenefit.api and what it imports, bw2data not yet
from isbenefit.engine.uncertainty import MonteCarloSettings
from isbenefit.errors import InputError
assert "bw2data" not in sys.modules
before = list(warnings.filters)
stdout = sys.stdout
result = assess({str(files["ledger"])!r}, mapping={str(files["mapping"])!r},
                monte_carlo=MonteCarloSettings(5, 1))
assert sys.stdout is stdout
assert warnings.filters == before, warnings.filters[:3]
assert os.environ["BRIGHTWAY2_DIR"] == {str(user_dir)!r}, os.environ.get("BRIGHTWAY2_DIR")
assert "BRIGHTWAY_NO_STRUCTLOG" not in os.environ
sys.stderr.write(repr(result.results["totals"]["saved"]["co2e_kg"]))
"""
    env = {**os.environ, "BRIGHTWAY2_DIR": str(user_dir), "PYTHONPATH": str(REPO)}
    env.pop("BRIGHTWAY_NO_STRUCTLOG", None)
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert float(done.stderr) == pytest.approx(SAVED_CO2E_KG, rel=1e-12)


def test_folder_source_describes_itself() -> None:
    assert FactorSetFolder().description == "the shipped factor set"
    assert str(TINY_FACTORS) in FactorSetFolder(TINY_FACTORS).description


def test_a_source_caches_in_the_data_dir_it_is_built_with(
    files: dict[str, Path], tmp_path: Path
) -> None:
    data = tmp_path / "data"
    source = factor_source(TINY_FACTORS, data_dir=data)
    assert source.data_dir == data
    made = assess(files["road"], factors=source)
    assert (data / "brightway").is_dir()  # the project was built there, not in the default
    # The keyword may repeat the source's own data directory, and builds the same source.
    again = assess(files["road"], factors=source, data_dir=data)
    by_keyword = assess(files["road"], factors=TINY_FACTORS, data_dir=data)
    assert again.results_json() == made.results_json() == by_keyword.results_json()
    with pytest.raises(InputError) as raised:
        assess(files["road"], factors=source, data_dir=tmp_path / "elsewhere")
    assert "build the source with data_dir" in str(raised.value)


def test_a_folder_names_its_set_without_loading_it(tmp_path: Path) -> None:
    """`verify` skips a recomputation from factorset.toml alone when the set is not the
    claim's (certify/recomputation.py): the id and version are those the file names, the
    loaded set's once loaded, and None when the file is not there."""
    folder = FactorSetFolder(TINY_FACTORS)
    assert folder.named() == ("tiny-test", "1.0")
    assert folder._factor_set is None  # nothing was loaded
    loaded = folder.factor_set()
    assert folder.named() == (loaded.id, loaded.version) == ("tiny-test", "1.0")
    assert FactorSetFolder(tmp_path).named() is None
