"""A Dask LocalCluster of two worker processes gives the bytes of one process: the Monte
Carlo shared out by organisation blocks, its factor draws by iteration block, and a batch
of documents by document."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from bench.synthetic import write_synthetic_ledger
from isbenefit import assess, cluster
from isbenefit.batch import DocumentKind, plan, run_batch, run_on_cluster
from isbenefit.engine import propagation
from isbenefit.engine.uncertainty import MonteCarloSettings
from isbenefit.errors import SettingsError
from isbenefit.results import monte_carlo
from isbenefit.results.model import Results
from isbenefit.scoring.source import FactorSetFolder
from tests.conftest import TINY_FACTORS, exchange, write_ledger

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as connected,
    ):
        yield connected


def test_monte_carlo_on_two_workers_gives_the_same_bytes(
    client: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger = write_synthetic_ledger(tmp_path / "ledger", 400, organisations=30)
    monkeypatch.setattr(propagation, "UNIT_CELLS", 5 * 100)  # six or more units to share
    settings = MonteCarloSettings(iterations=100, seed=6)
    alone = assess(ledger, monte_carlo=settings)
    shared = assess(ledger, monte_carlo=settings, client=client)
    assert json.dumps(shared.uncertainty).encode() == json.dumps(alone.uncertainty).encode()
    assert b"".join(shared.results_json_chunks()) == b"".join(alone.results_json_chunks())
    workers = {w["id"] for w in client.scheduler_info()["workers"].values()}
    assert len(workers) == 2


def test_statements_on_two_workers_are_the_same_files(
    client: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735689600")
    rows = [
        exchange(baseline_supply="prod.gypsum"),
        exchange(id="E2", supplier="REC", receiver="THIRD", baseline_disposal="landfill.inert"),
    ]
    assessment = assess(write_ledger(tmp_path / "ledger", rows), TINY_FACTORS)
    results = Results.from_results(assessment.results)
    made = {}
    for name in ("pool", "dask"):
        jobs = plan(DocumentKind.STATEMENT, ["SUP", "REC", "THIRD"], "2024", tmp_path / name)
        (tmp_path / name).mkdir()
        outcomes = (
            run_batch(results.source, jobs, workers=1)
            if name == "pool"
            else run_on_cluster(client, results.source, jobs)
        )
        assert [o.error for o in outcomes] == [None, None, None]
        made[name] = {p.name: p.read_bytes() for p in sorted((tmp_path / name).iterdir())}
    assert len(made["dask"]) == 3
    assert made["dask"] == made["pool"]


def test_factor_draws_by_iteration_block_on_two_workers(client: Any, tmp_path: Path) -> None:
    """With more than one block of iterations the workers draw the factor blocks, each
    opening the factor set's Brightway project itself; the draws are those of one process."""
    settings = MonteCarloSettings(iterations=1_100, seed=2)
    parts: list[int] = []
    run = cluster.mapper(client)

    def counted(function: Any, shared: Any, items: Any) -> list[Any]:
        parts.append(len(items))
        return run(function, shared, items)

    on_workers = monte_carlo.factor_draws(
        FactorSetFolder(TINY_FACTORS, tmp_path / "workers"), settings, counted
    )
    here = monte_carlo.factor_draws(FactorSetFolder(TINY_FACTORS, tmp_path / "here"), settings)
    assert parts == [2]
    assert on_workers.keys() == here.keys()
    for name, values in here.items():
        assert values.shape == (1_100, len(FactorSetFolder(TINY_FACTORS).factor_set().activities))
        assert np.array_equal(on_workers[name], values)
    assert (tmp_path / "workers").is_dir()


def test_a_lost_part_is_named_as_a_user_knows_it() -> None:
    def draw_block() -> None: ...

    def part_work() -> None: ...

    assert cluster._part(draw_block, 1, 3) == (
        "the factor draws, block 2 of 3 (1,000 iterations each)"
    )
    assert cluster._part(part_work, None, 4) == "the Monte Carlo run"


def test_the_wait_for_a_worker_is_dasks_setting_and_a_bad_one_is_named() -> None:
    import dask

    assert cluster.no_worker_wait() == cluster.NO_WORKER_WAIT == 60.0
    with dask.config.set({"distributed.scheduler.no-workers-timeout": "10m"}):
        assert cluster.no_worker_wait() == 600.0
    for bad in ("ten minutes", "-5s", ""):
        with (
            dask.config.set({"distributed.scheduler.no-workers-timeout": bad}),
            pytest.raises(SettingsError) as raised,
        ):
            cluster.no_worker_wait()
        assert f"no-workers-timeout is {bad!r}, not a duration. Fix: give one" in str(raised.value)
