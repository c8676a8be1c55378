"""Monte Carlo benchmark: isbenefit's run against a numpy floor, at several ledger sizes.

For each size (a fresh process each, so peak memory is the size's own) a synthetic
ledger is assessed without and with Monte Carlo; the Monte Carlo cost is the
difference. The factor draws are taken from Brightway once beforehand (a fixed cost
that does not grow with the ledger, kept beside the factor set's project).

The floor is what no implementation can avoid: the same number of lognormal draws
(iterations x (exchanges + activities)) and one sparse matrix-vector product of the
calculation lines per iteration, in plain numpy/scipy, block by block. Printed side by
side: seconds, the ratio to the floor, peak memory, and the slope of log(time) against
log(exchanges) between consecutive sizes (1.0: linear).

    python bench/bench_montecarlo.py [--sizes 10000,100000] [--iterations 1000]
                                     [--scheduler local:2]  (also on Dask workers, wall time)
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.synthetic import write_synthetic_ledger  # noqa: E402

BLOCK_CELLS = 2_000_000


def numpy_floor(exchanges: int, activities: int, lines: int, iterations: int) -> float:
    """Seconds for the draws and products no Monte Carlo of this size can skip."""
    from scipy import sparse

    rng = np.random.default_rng(0)
    weights = sparse.csr_matrix(
        (rng.random(lines), (np.sort(rng.integers(0, exchanges, lines)),
                             rng.integers(0, activities, lines))),
        shape=(exchanges, activities),
    )  # fmt: skip
    start = time.process_time()
    factors = np.exp(rng.standard_normal((activities, iterations)) * 0.2)
    step = max(1, BLOCK_CELLS // iterations)
    for low in range(0, exchanges, step):
        high = min(exchanges, low + step)
        quantities = np.exp(rng.standard_normal((high - low, iterations)) * 0.1)
        quantities *= weights[low:high] @ factors
    return time.process_time() - start


def sorting_floor(rows: int, iterations: int) -> float:
    """Seconds numpy takes to sort ``rows`` rows of ``iterations`` values as float32 (its
    fastest sort), block by block: what ranking the published percentiles costs at least."""
    rng = np.random.default_rng(0)
    block = np.exp(rng.standard_normal((256, iterations)) * 0.3).astype(np.float32)
    start = time.process_time()
    for low in range(0, rows, len(block)):
        np.sort(block[: min(len(block), rows - low)], axis=1)
    return time.process_time() - start


@contextlib.contextmanager
def counting_ranked_rows() -> Iterator[list[int]]:
    """Count the rows the run ranks (every percentile goes through `order_statistics`)."""
    from isbenefit.engine import percentiles

    ranked = [0]
    original = percentiles.order_statistics

    def counted(samples: np.ndarray, ranks: Sequence[int]) -> np.ndarray:
        ranked[0] += samples.shape[0]
        return original(samples, ranks)

    percentiles.order_statistics = counted
    try:
        yield ranked
    finally:
        percentiles.order_statistics = original


def one_size(exchanges: int, iterations: int, data: Path, scheduler: str | None) -> dict:
    """Time one size in this process; returns the figures as a dict."""
    from isbenefit import assess
    from isbenefit.engine.uncertainty import MonteCarloSettings

    settings = MonteCarloSettings(iterations=iterations, seed=1)
    with tempfile.TemporaryDirectory() as folder:
        ledger = write_synthetic_ledger(Path(folder) / "ledger", exchanges)
        wall, cpu = time.perf_counter(), time.process_time()
        deterministic = assess(ledger, data_dir=data)
        without = (time.perf_counter() - wall, time.process_time() - cpu)
        wall, cpu = time.perf_counter(), time.process_time()
        with counting_ranked_rows() as ranked:
            assess(ledger, data_dir=data, monte_carlo=settings)
        with_mc = (time.perf_counter() - wall, time.process_time() - cpu)
        figures = {
            "exchanges": exchanges,
            "deterministic_s": without[1],
            "monte_carlo_s": with_mc[1] - without[1],
            "monte_carlo_wall_s": with_mc[0] - without[0],
            "assess_wall_s": with_mc[0],
        }
        if scheduler is not None:
            figures.update(on_cluster(ledger, data, settings, scheduler, without[0]))
        figures["floor_s"] = numpy_floor(
            exchanges,
            len(deterministic.factor_set.activities),
            len(deterministic.lines),
            iterations,
        )
        figures["ranked_rows"] = ranked[0]
        figures["sort_floor_s"] = sorting_floor(ranked[0], iterations)
    figures["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures["load"] = os.getloadavg()[0]
    return figures


def on_cluster(
    ledger: Path, data: Path, settings: object, scheduler: str, deterministic_wall: float
) -> dict[str, float]:
    """Wall seconds of the Monte Carlo run on the scheduler's workers (started beforehand)."""
    from isbenefit import assess, cluster

    start = time.perf_counter()
    with cluster.client_for(scheduler) as client:
        started = time.perf_counter() - start
        assess(ledger, data_dir=data, monte_carlo=settings, client=client)  # workers warm up
        before = sum(client.run(time.process_time).values()) - time.process_time()
        start = time.perf_counter()
        assess(ledger, data_dir=data, monte_carlo=settings, client=client)
        wall = time.perf_counter() - start
        cpu = sum(client.run(time.process_time).values()) + time.process_time() - before
        workers = cluster.workers_of(client)
    return {
        "cluster_start_s": started,
        "cluster_wall_s": wall - deterministic_wall,
        "cluster_cpu_s": cpu,
        "workers": workers,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--iterations", type=int, default=1_000)
    parser.add_argument("--data", type=Path, default=None, help="data directory to reuse")
    parser.add_argument("--scheduler", default=None, help="also run on Dask, e.g. local:2")
    parser.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    data = args.data or Path(tempfile.mkdtemp(prefix="isbenefit-bench-"))
    if args.one is not None:
        print(json.dumps(one_size(args.one, args.iterations, data, args.scheduler)))
        return
    one_size(50, args.iterations, data, None)  # the factor draws, once, outside the timings
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        done = subprocess.run(
            [sys.executable, __file__, "--one", str(size), "--iterations",
             str(args.iterations), "--data", str(data)]
            + (["--scheduler", args.scheduler] if args.scheduler else []),
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
        report(rows, args.iterations)


def report(rows: list[dict[str, float]], iterations: int) -> None:
    print(
        f"\nMonte Carlo, {iterations:,} iterations (CPU seconds; ratio = Monte Carlo / floor; "
        f"MC wall: its wall seconds; all wall: the whole assessment with Monte Carlo; load: "
        "1-minute load average at the end)"
    )
    print(f"{'exchanges':>10} {'determ.':>8} {'MC':>8} {'floor':>7} {'ratio':>6} "
          f"{'MC wall':>8} {'all wall':>8} {'peak MB':>8} {'slope':>6} {'load':>5}")  # fmt: skip
    for i, row in enumerate(rows):
        slope = ""
        if i:
            before = rows[i - 1]
            slope = "{:.2f}".format(
                math.log(row["monte_carlo_s"] / before["monte_carlo_s"])
                / math.log(row["exchanges"] / before["exchanges"])
            )
        print(f"{row['exchanges']:>10,} {row['deterministic_s']:>8.2f} "
              f"{row['monte_carlo_s']:>8.2f} {row['floor_s']:>7.2f} "
              f"{row['monte_carlo_s'] / row['floor_s']:>6.2f} {row['monte_carlo_wall_s']:>8.2f} "
              f"{row['assess_wall_s']:>8.2f} {row['peak_mb']:>8,.0f} {slope:>6} "
              f"{row['load']:>5.1f}")  # fmt: skip
    print(
        "\nThe percentiles' part: rows of the run ranked for its percentiles, numpy's float32 "
        "sort of as many rows (sort floor, CPU s), and the run against both floors"
    )
    print(f"{'exchanges':>10} {'ranked rows':>12} {'sort floor':>10} {'floor + sort':>12} "
          f"{'MC ratio to both':>16}")  # fmt: skip
    for row in rows:
        both = row["floor_s"] + row["sort_floor_s"]
        print(f"{row['exchanges']:>10,} {row['ranked_rows']:>12,} {row['sort_floor_s']:>10.2f} "
              f"{both:>12.2f} {row['monte_carlo_s'] / both:>16.2f}")  # fmt: skip
    for row in rows:
        if "cluster_wall_s" in row:
            print(f"{row['exchanges']:>10,}: Monte Carlo wall {row['monte_carlo_wall_s']:.2f} s "
                  f"in this process, {row['cluster_wall_s']:.2f} s on {row['workers']:.0f} Dask "
                  f"workers (cluster started in {row['cluster_start_s']:.1f} s); CPU "
                  f"{row['monte_carlo_s'] + row['deterministic_s']:.2f} s in this process, "
                  f"{row['cluster_cpu_s']:.2f} s with the workers' "
                  "(deterministic assessment included)")  # fmt: skip
    sys.stdout.flush()


if __name__ == "__main__":
    main()
