"""A user's database written the way ecoinvent is: treatment activities producing -1 kg of
the waste they treat, the IPCC 2021 method under an `ecoinvent-X.Y` prefix, a name shared
by two locations, a single-exchange activity with a lognormal spread.

Amounts are binary fractions, exactly representable in the float32 of Brightway's
processed arrays (which isbenefit reads, as Brightway does), so the float64 numpy
inverse below sees the very numbers bw2calc sees and results agree to rounding.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from isbenefit import assess
from isbenefit.errors import InputError
from isbenefit.scoring.brightway import open_brightway
from tests.conftest import exchange, write_ledger, write_mapping

PROJECT = "eco-lca"
GWP100 = ("ecoinvent-3.10", "IPCC 2021", "climate change", "global warming potential (GWP100)")
WATER = ("ReCiPe 2016 v1.03, midpoint (H)", "water use", "water consumption potential (WCP)")
# code: (name, location, reference product, unit, production amount)
NODES = {
    "clinker": ("clinker production", "CH", "clinker", "kilogram", 1.0),
    "electricity": ("electricity production", "CH", "electricity", "kilowatt hour", 1.0),
    "landfill": (
        "treatment of waste gypsum, inert material landfill",
        "CH",
        "waste gypsum",
        "kilogram",
        -1.0,
    ),
    "gravel": ("gravel production", "CH", "gravel", "kilogram", 1.0),
    "heat-dk": ("heat production", "DK", "heat", "megajoule", 1.0),
    "heat-se": ("heat production", "SE", "heat", "megajoule", 1.0),
}
TECHNOSPHERE = [  # (input, output, amount)
    ("electricity", "clinker", 0.0625),
    ("clinker", "electricity", 0.001953125),  # a loop
    ("electricity", "landfill", 0.015625),
    ("electricity", "heat-dk", 0.125),
    ("electricity", "heat-se", 0.0625),
]
BIOSPHERE = [  # (flow, output, amount)
    ("co2", "clinker", 0.5),
    ("co2", "electricity", 0.25),
    ("water", "electricity", 0.00390625),
    ("ch4", "landfill", 0.01953125),
    ("co2", "gravel", 0.0078125),
    ("co2", "heat-dk", 0.0703125),
    ("co2", "heat-se", 0.0703125),
]
CF = {"co2": 1.0, "ch4": 29.75}
GRAVEL_SCALE = 0.25


def expected_per_unit(code: str, indicator: str) -> float:
    """Score of one unit of the activity's reference flow as the activity runs it (treating
    1 kg for the landfill), from the float64 inverse, without Brightway."""
    index = {name: i for i, name in enumerate(NODES)}
    technosphere = np.diag([NODES[name][4] for name in NODES])
    for source, target, amount in TECHNOSPHERE:
        technosphere[index[source], index[target]] -= amount
    flows = ["co2", "ch4", "water"]
    biosphere = np.zeros((len(flows), len(NODES)))
    for flow, target, amount in BIOSPHERE:
        biosphere[flows.index(flow), index[target]] += amount
    weights = (
        np.array([CF.get(f, 0.0) for f in flows])
        if indicator == "co2e_kg"
        else np.array([f == "water" for f in flows], dtype=float)
    )
    demand = np.zeros(len(NODES))
    demand[index[code]] = NODES[code][4]  # the landfill runs once when -1 kg is demanded
    return float(weights @ biosphere @ np.linalg.solve(technosphere, demand))


def write_project(base: Path, name: str, extra_methods: tuple[tuple[str, ...], ...] = ()) -> None:
    bw2data, _ = open_brightway(base.parent / f"{base.name}-isbenefit")
    bw2data.projects.change_base_directories(base, project_name=name)
    bw2data.Database("eco-bio").write(
        {
            ("eco-bio", flow): {
                "name": flow,
                "type": "emission",
                "unit": "cubic meter" if flow == "water" else "kilogram",
            }
            for flow in ("co2", "ch4", "water")
        }
    )
    data: dict[tuple[str, str], dict[str, Any]] = {}
    for code, (label, location, product, unit, produced) in NODES.items():
        exchanges: list[dict[str, Any]] = [
            {"input": ("eco", code), "amount": produced, "type": "production"}
        ]
        exchanges += [
            {"input": ("eco", source), "amount": amount, "type": "technosphere"}
            for source, target, amount in TECHNOSPHERE
            if target == code
        ]
        for flow, target, amount in BIOSPHERE:
            if target == code:
                spread = (
                    {"uncertainty type": 2, "loc": math.log(amount), "scale": GRAVEL_SCALE}
                    if code == "gravel"
                    else {}
                )
                exchanges.append(
                    {"input": ("eco-bio", flow), "amount": amount, "type": "biosphere", **spread}
                )
        data[("eco", code)] = {
            "name": label,
            "location": location,
            "unit": unit,
            "reference product": product,
            "type": "process",
            "exchanges": exchanges,
        }
    bw2data.Database("eco").write(data)
    bw2data.databases["eco"]["modified"] = "2023-06-30T12:00:00"
    bw2data.databases["eco"]["version"] = "3.10"
    bw2data.databases.flush()
    for method in (GWP100, *extra_methods):
        bw2data.Method(method).write([(("eco-bio", f), cf) for f, cf in CF.items()])
    bw2data.Method(WATER).write([(("eco-bio", "water"), 1.0)])
    open_brightway(None)


@pytest.fixture(scope="module")
def user_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("eco-brightway")
    write_project(base, PROJECT)
    return base


MAPPING = f"""
project = "{PROJECT}"
[methods]
water_m3 = {list(WATER)!r}

[[activities]]
id = "prod.clinker"
kind = "production"
unit = "t"
database = "eco"
code = "clinker"

[[activities]]
id = "landfill.gypsum"
kind = "landfill"
unit = "t"
database = "eco"
name = "treatment of waste gypsum, inert material landfill"

[[activities]]
id = "prod.gravel"
kind = "production"
unit = "kg"
database = "eco"
code = "gravel"

[[activities]]
id = "heat.dk"
kind = "energy"
unit = "MWh"
database = "eco"
name = "heat production"
location = "DK"
""".replace("'", '"')


def test_treatment_is_scored_per_unit_treated_with_the_default_method(
    tmp_path: Path, user_dir: Path
) -> None:
    ledger = write_ledger(
        tmp_path / "ledger",
        [exchange(baseline_disposal="landfill.gypsum", baseline_supply="prod.clinker")],
    )
    mapping = write_mapping(tmp_path, MAPPING)
    results = assess(ledger, mapping=mapping, brightway_dir=user_dir).results
    landfill = expected_per_unit("landfill", "co2e_kg")
    assert landfill > 0  # ch4 and electricity of the landfill: a burden, not a credit
    lines = {line["activity"]: line for line in results["exchanges"][0]["lines"]}
    assert lines["landfill.gypsum"]["co2e_kg"] == pytest.approx(100 * 1000 * landfill, rel=1e-9)
    clinker = 100 * 1000 * expected_per_unit("clinker", "co2e_kg")
    assert lines["prod.clinker"]["co2e_kg"] == pytest.approx(clinker, rel=1e-9)
    water = (
        100
        * 1000
        * (expected_per_unit("landfill", "water_m3") + expected_per_unit("clinker", "water_m3"))
    )
    assert results["exchanges"][0]["baseline"]["water_m3"] == pytest.approx(water, rel=1e-9)
    assert lines["landfill.gypsum"]["source"] == f"brightway:{PROJECT}/eco"


def test_factors_name_the_database_activity_year_and_spread(tmp_path: Path, user_dir: Path) -> None:
    from isbenefit.scoring.mapping import read_mapping
    from isbenefit.scoring.user_database import database_factor_set

    factor_set, scores = database_factor_set(
        read_mapping(write_mapping(tmp_path, MAPPING)), None, user_dir
    )
    table = factor_set.activities
    gravel, heat = table.loc["prod.gravel"], table.loc["heat.dk"]
    assert gravel["source_ref"] == "gravel production | CH | code gravel"
    assert gravel["gsd"] == pytest.approx(math.exp(GRAVEL_SCALE), rel=1e-12)
    assert heat["gsd"] == 1.0 and "supply-chain" in heat["notes"]
    assert heat["name"] == "heat production" and heat["location"] == "DK"
    assert heat["co2e_kg"] == pytest.approx(
        1000 * 3.6 * expected_per_unit("heat-dk", "co2e_kg"), rel=1e-9
    )
    assert set(table["year"]) == {"2023"}
    (source,) = factor_set.sources.values()
    assert source["title"] == "eco 3.10" and source["year"] == "2023"
    assert "IPCC 2021" in heat["notes"]
    assert scores.ids == ("prod.clinker", "landfill.gypsum", "prod.gravel", "heat.dk")


@pytest.mark.parametrize(
    ("change", "needles"),
    [
        (
            ('database = "eco"\ncode = "gravel"', 'database = "ecoo"\ncode = "gravel"'),
            [
                "ledger activity prod.gravel",
                "row 3",
                "column database",
                "database 'ecoo' is not",
                "use one of: eco, eco-bio",
            ],
        ),
        (
            ('name = "heat production"\nlocation = "DK"', 'name = "heat production"'),
            [
                "ledger activity heat.dk",
                "row 4",
                "2 activities named 'heat production'",
                "heat-dk",
                "heat-se",
                "add location",
            ],
        ),
        (
            ('location = "DK"', 'location = "NO"'),
            ["ledger activity heat.dk", "no activity named 'heat production', location 'NO'"],
        ),
        (
            ('code = "clinker"', 'code = "clinker"\nper_unit = 1'),
            [
                "ledger activity prod.clinker",
                "column per_unit",
                "contradicts",
                "1 t is 1000 kilogram",
            ],
        ),
        (
            (
                'unit = "kg"\ndatabase = "eco"\ncode = "gravel"',
                'unit = "kg"\ndatabase = "eco-bio"\ncode = "co2"',
            ),
            ["ledger activity prod.gravel", "of type 'emission'"],
        ),
        (
            ('unit = "MWh"', 'unit = "tkm"'),
            ["ledger activity heat.dk", "unit 'tkm' and the database unit 'megajoule'", "per_unit"],
        ),
    ],
)
def test_mapping_errors(
    tmp_path: Path, user_dir: Path, change: tuple[str, str], needles: list[str]
) -> None:
    assert change[0] in MAPPING
    ledger = write_ledger(tmp_path / "ledger", [exchange(baseline_supply="prod.clinker")])
    with pytest.raises(InputError) as error:
        assess(
            ledger,
            mapping=write_mapping(tmp_path, MAPPING.replace(*change)),
            brightway_dir=user_dir,
        )
    message = str(error.value)
    for needle in [*needles, "mapping.toml"]:
        assert needle in message, message


def test_two_default_methods_are_an_error_naming_both(tmp_path: Path) -> None:
    base = tmp_path / "brightway"
    base.mkdir()
    other = ("ecoinvent-3.9.1", *GWP100[1:])
    write_project(base, "two-methods", extra_methods=(other,))
    mapping = MAPPING.replace(f'project = "{PROJECT}"', 'project = "two-methods"')
    ledger = write_ledger(tmp_path / "ledger", [exchange(baseline_supply="prod.clinker")])
    with pytest.raises(InputError) as error:
        assess(ledger, mapping=write_mapping(tmp_path, mapping), brightway_dir=base)
    message = str(error.value)
    assert "several IPCC 2021 GWP100 methods" in message and "ecoinvent-3.9.1" in message
    assert "sheet methods, column co2e_kg" in message


def test_unprocessed_database_is_refused_and_left_alone(tmp_path: Path) -> None:
    base = tmp_path / "brightway"
    base.mkdir()
    write_project(base, "edited")
    bw2data, _ = open_brightway(tmp_path / "isbenefit")
    bw2data.projects.change_base_directories(base, project_name="edited")
    edge = next(iter(bw2data.get_node(database="eco", code="clinker").biosphere()))
    edge["amount"] = 0.75
    edge.save()  # marks the database dirty: its processed arrays are stale
    database = bw2data.Database("eco")
    processed = database.dirpath_processed() / database.filename_processed()
    stale = processed.read_bytes()
    open_brightway(None)
    mapping = MAPPING.replace(f'project = "{PROJECT}"', 'project = "edited"')
    ledger = write_ledger(tmp_path / "ledger", [exchange(baseline_supply="prod.clinker")])
    with pytest.raises(InputError, match=r"Database\('eco'\)\.process\(\)"):
        assess(ledger, mapping=write_mapping(tmp_path, mapping), brightway_dir=base)
    bw2data.projects.change_base_directories(base, project_name="edited")
    assert bw2data.databases["eco"].get("dirty"), "isbenefit must not process the database"
    open_brightway(None)
    assert processed.read_bytes() == stale


def test_assessing_writes_nothing_into_the_user_project(tmp_path: Path, user_dir: Path) -> None:
    def snapshot() -> dict[str, bytes]:
        return {
            str(p.relative_to(user_dir)): p.read_bytes()
            for p in user_dir.rglob("*")
            if p.is_file() and not p.name.endswith(("-wal", "-shm"))
        }

    before = snapshot()
    ledger = write_ledger(tmp_path / "ledger", [exchange(baseline_supply="prod.clinker")])
    assess(ledger, mapping=write_mapping(tmp_path, MAPPING), brightway_dir=user_dir)
    assert snapshot() == before


def test_draws_are_yielded_per_iteration_and_repeat_with_the_seed(
    tmp_path: Path, user_dir: Path
) -> None:
    import bw2data

    from isbenefit.scoring.mapping import read_mapping
    from isbenefit.scoring.user_database import database_score_samples, iter_score_draws

    mapping = read_mapping(write_mapping(tmp_path, MAPPING))
    draws = iter_score_draws(mapping, None, 200, 11, user_dir)
    first = next(draws)
    assert not Path(bw2data.projects._base_data_dir).is_relative_to(user_dir)
    rest = list(draws)
    assert len(rest) == 199 and set(first) == {"co2e_kg", "water_m3"}
    again = database_score_samples(mapping, None, 200, 11, user_dir)
    np.testing.assert_array_equal(again["co2e_kg"][0], first["co2e_kg"])
    np.testing.assert_array_equal(again["co2e_kg"][1:], [d["co2e_kg"] for d in rest])
    other = database_score_samples(mapping, None, 200, 12, user_dir)
    assert not np.array_equal(other["co2e_kg"], again["co2e_kg"])
    gravel = again["co2e_kg"][:, 2]  # per kg: the lognormal of its one exchange
    assert np.std(np.log(gravel)) == pytest.approx(GRAVEL_SCALE, rel=0.2)
    assert np.median(gravel) == pytest.approx(0.0078125, rel=0.1)
    np.testing.assert_array_equal(again["co2e_kg"][:, 0], again["co2e_kg"][0, 0])  # no spread
