"""Draw scheme 2: draws keyed by item, the same bytes under any partition; scheme 1 kept."""

from __future__ import annotations

import hashlib
import itertools
import json
import struct
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from typer.testing import CliRunner

from bench.synthetic import write_synthetic_ledger
from isbenefit import assess
from isbenefit.certify import claim as claims
from isbenefit.cli.app import app
from isbenefit.engine import draws, percentiles, propagation
from isbenefit.engine.reduction import subtree_nodes, tree_reduce
from isbenefit.engine.uncertainty import MonteCarloSettings
from isbenefit.errors import SettingsError
from isbenefit.results import monte_carlo
from isbenefit.scoring.source import FactorSetFolder
from tests.conftest import TINY_FACTORS, exchange, write_ledger, write_mapping

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_synthetic_ledger(tmp_path_factory.mktemp("mc") / "ledger", 600, organisations=40)


def _extension(ledger: Path, partitions: int, iterations: int = 120) -> bytes:
    assessment = assess(ledger)
    mc_settings = MonteCarloSettings(iterations=iterations, seed=4)
    factor_draws = monte_carlo.factor_draws(FactorSetFolder(), mc_settings)
    extension = monte_carlo.run(
        assessment.tables,
        assessment.computed.lines,
        assessment.sheets.exchanges,
        mc_settings,
        factor_draws,
        partitions=partitions,
    )
    return json.dumps(extension).encode()


def test_one_two_and_three_partitions_give_the_same_bytes(
    synthetic: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Small units and blocks, so the 40 organisations make several units and the
    # exchanges of a unit come in several blocks.
    monkeypatch.setattr(propagation, "UNIT_CELLS", 12 * 120)
    monkeypatch.setattr(propagation, "SLICE_CELLS", 50 * 120)
    planned: list[int] = []
    plan = propagation.plan_units

    def counted(*args: object) -> list[propagation.Unit]:
        units = plan(*args)  # type: ignore[arg-type]
        planned.append(len(units))
        return units

    monkeypatch.setattr(propagation, "plan_units", counted)
    outputs = {partitions: _extension(synthetic, partitions) for partitions in (1, 2, 3)}
    assert outputs[1] == outputs[2] == outputs[3]
    # Another block size sums each group over its exchanges in the same order.
    monkeypatch.setattr(propagation, "SLICE_CELLS", 7 * 120)
    assert _extension(synthetic, 2) == outputs[1]
    ranges = json.loads(outputs[1])
    assert ranges["draw_scheme"] == 2
    assert len(ranges["organisations"]) == 40
    assert min(planned) >= 4


def test_an_exchange_draws_the_same_in_a_smaller_ledger(tmp_path: Path) -> None:
    rows = [
        exchange(id="A", baseline_supply="prod.gypsum", data_quality="estimated"),
        exchange(id="B", baseline_disposal="landfill.inert", supplier="X", receiver="Y"),
    ]
    settings_ = MonteCarloSettings(iterations=200, seed=8)
    whole = assess(write_ledger(tmp_path / "w", rows), TINY_FACTORS, monte_carlo=settings_)
    alone = assess(write_ledger(tmp_path / "a", rows[:1]), TINY_FACTORS, monte_carlo=settings_)
    assert whole.uncertainty is not None and alone.uncertainty is not None
    assert whole.uncertainty["exchanges"]["A"] == alone.uncertainty["exchanges"]["A"]


def test_keyed_draws_are_philox_streams_by_block() -> None:
    ids = ["E1", "E2", "x" * 40]
    full = draws.standard_normals(3, draws.QUANTITY, ids, 0, 2500)
    key = draws.item_key(3, draws.QUANTITY, ids[1])
    fresh = np.concatenate(
        [
            np.random.Generator(np.random.Philox(key=key, counter=[0, 0, 0, b])).standard_normal(
                1000
            )
            for b in range(3)
        ]
    )
    assert np.array_equal(full[1], fresh[:2500])
    assert np.array_equal(
        draws.standard_normals(3, draws.QUANTITY, ids, 1700, 2100), full[:, 1700:2100]
    )
    assert not np.array_equal(draws.standard_normals(3, draws.FACTOR, ids, 0, 10), full[:, :10])
    assert draws.block_seed(9, 0) == 9 and draws.block_seed(9, 1) != draws.block_seed(9, 2)


def test_item_keys_are_the_sha256_of_the_scheme_kind_seed_and_id() -> None:
    ids = ["E1", "Wärme/ø", ""]
    keys = draws.item_keys(3, draws.QUANTITY, ids)
    for row, item in enumerate(ids):
        text = f"isbenefit.draws/2\x00quantity\x003\x00{item}".encode()
        expected = struct.unpack("<2Q", hashlib.sha256(text).digest()[:16])
        assert keys[row].tolist() == list(expected)
        assert draws.item_key(3, draws.QUANTITY, item).tolist() == list(expected)


def test_the_draw_scheme_is_checked() -> None:
    with pytest.raises(SettingsError, match="draw_scheme must be one of 1, 2, not 3"):
        MonteCarloSettings(draw_scheme=3)


def test_a_certificate_of_the_first_draw_scheme_still_verifies() -> None:
    """tests/fixtures/legacy-certificate-draws1.pdf was made by isbenefit before draw
    scheme 2 (`isbenefit certificate LEDGER --factors tests/fixtures/factors-tiny --org SUP
    --year 2024 --iterations 200 --seed 7`): its claim names no scheme, and verify
    recomputes it with the first."""
    pdf = FIXTURES / "legacy-certificate-draws1.pdf"
    claim = json.loads(PdfReader(pdf).attachments[claims.CLAIM_FILE][0])
    assert "draw_scheme" not in claim["uncertainty"]
    result = CliRunner().invoke(app, ["verify", str(pdf), "--factors", str(TINY_FACTORS), "--json"])
    report = json.loads(result.output)
    recomputation = next(c for c in report["checks"] if c["name"] == "recomputation")
    assert recomputation["status"] == "pass", recomputation["message"]
    assert "Monte Carlo ranges" in recomputation["message"]


def test_a_new_certificate_names_scheme_2_and_verifies(tmp_path: Path) -> None:
    rows = [exchange(baseline_supply="prod.gypsum", data_quality="estimated")]
    ledger = write_ledger(tmp_path / "ledger", rows)
    pdf = tmp_path / "c.pdf"
    made = CliRunner().invoke(app, ["certificate", str(ledger), "--factors", str(TINY_FACTORS),
                                    "--org", "SUP", "--year", "2024", "--iterations", "100",
                                    "-o", str(pdf)])  # fmt: skip
    assert made.exit_code == 0, made.output
    claim = json.loads(PdfReader(pdf).attachments[claims.CLAIM_FILE][0])
    assert claim["uncertainty"]["draw_scheme"] == 2
    result = CliRunner().invoke(app, ["verify", str(pdf), "--factors", str(TINY_FACTORS), "--json"])
    statuses = {c["name"]: c["status"] for c in json.loads(result.output)["checks"]}
    assert statuses["recomputation"] == "pass"


@settings(max_examples=60, deadline=None)
@given(
    count=st.integers(1, 40),
    cuts=st.lists(st.integers(1, 39), max_size=6),
    data=st.data(),
)
def test_the_tree_reduction_gives_the_same_bits_for_any_partition(
    count: int, cuts: list[int], data: st.DataObject
) -> None:
    values = [
        np.array(data.draw(st.lists(st.floats(-1e6, 1e6), min_size=3, max_size=3)))
        for _ in range(count)
    ]

    def add(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return a + b

    bounds = [0, *sorted({c for c in cuts if c < count}), count]
    nodes: dict[tuple[int, int], np.ndarray] = {}
    for low, high in itertools.pairwise(bounds):
        nodes.update(subtree_nodes(values[low:high], low, count, add))
    whole = tree_reduce(subtree_nodes(values, 0, count, add), count, add)
    assert np.array_equal(tree_reduce(nodes, count, add), whole)
    assert whole == pytest.approx(np.sum(values, axis=0), rel=1e-9, abs=1e-3)


def test_a_factor_source_pickles_as_its_settings(tmp_path: Path) -> None:
    """A worker rebuilds the source from its settings (no lock, no cached scores)."""
    import pickle

    from isbenefit.scoring.source import MappedDatabase, WithFallback

    folder = FactorSetFolder(TINY_FACTORS, tmp_path)
    folder.factor_set()
    again = pickle.loads(pickle.dumps(folder))
    assert (again.path, again.data_dir, again._factor_set) == (TINY_FACTORS, tmp_path, None)
    mapping = write_mapping(
        tmp_path,
        'project = "proj"\n[methods]\nco2e_kg = ["m", "gwp"]\n'
        '[[activities]]\nid = "prod.gypsum"\nkind = "production"\nunit = "t"\n'
        'database = "tech"\ncode = "gypsum"\n',
    )
    mapped = MappedDatabase(mapping, "proj", tmp_path / "bw", tmp_path / "d")
    both = pickle.loads(pickle.dumps(WithFallback(mapped, folder)))
    assert repr(both) == repr(WithFallback(mapped, folder))
    # A worker elsewhere gets the mapping as read here, without the file.
    mapping.unlink()
    assert both.primary.mapping().methods["co2e_kg"] == ("m", "gwp")


def test_percentiles_from_one_sort_are_numpys() -> None:
    rng = np.random.default_rng(3)
    for samples in (
        rng.lognormal(size=(50, 1000)),
        rng.integers(0, 4, size=(20, 37)).astype(float),  # ties
        rng.normal(size=(5, 1)),
    ):
        wanted = (5.0, 50.0, 95.0, 2.5, 97.5)
        expected = np.percentile(samples, wanted, axis=1)
        assert np.array_equal(percentiles.percentiles(samples, wanted), expected)


def test_a_negative_figure_takes_the_multipliers_percentiles_the_other_way_round() -> None:
    multipliers = np.random.default_rng(4).lognormal(0.0, 0.3, size=(2, 2001))
    spread = percentiles.percentiles(multipliers, (5.0, 50.0, 95.0, 10.0, 90.0))
    figures = np.array([3.0, -2.0])
    scaled = percentiles.scaled(spread, figures)
    direct = percentiles.percentiles(multipliers * figures[:, None], (5.0, 50.0, 95.0, 10.0))
    assert scaled == pytest.approx(direct, rel=1e-12)
