"""Monte Carlo benchmark: 10,000 exchanges x 1,000 iterations against a bare numpy floor.

The floor draws the same number of lognormal samples (factors and quantities) and does
the same products and percentiles with plain numpy, with none of isbenefit's or
Brightway's code; the ratio says what our machinery costs on top.

    python bench/bench_montecarlo.py [--exchanges 10000] [--iterations 1000]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.synthetic import write_synthetic_ledger


def numpy_floor(exchanges: int, activities: int, lines: int, iterations: int, groups: int) -> float:
    rng = np.random.default_rng(0)
    start = time.perf_counter()
    factors = np.exp(rng.standard_normal((iterations, activities)) * 0.2)
    quantities = np.exp(rng.standard_normal((iterations, exchanges)) * 0.1)
    line_activity = rng.integers(0, activities, lines)
    line_exchange = np.sort(rng.integers(0, exchanges, lines))
    amounts = rng.random(lines)
    for _indicator in range(2):
        weights = np.zeros((exchanges, activities))
        np.add.at(weights, (line_exchange, line_activity), amounts)
        saved = quantities * (factors @ weights.T)
        np.percentile(saved, [5, 50, 95], axis=0)
        membership = rng.integers(0, groups, exchanges)
        grouped = np.zeros((iterations, groups))
        np.add.at(grouped.T, membership, saved.T)
        np.percentile(grouped, [5, 50, 95], axis=0)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exchanges", type=int, default=10_000)
    parser.add_argument("--iterations", type=int, default=1_000)
    args = parser.parse_args()
    from isbenefit import assess
    from isbenefit.engine.uncertainty import MonteCarloSettings

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        ledger = write_synthetic_ledger(root / "ledger", args.exchanges)
        data = root / "data"
        deterministic = assess(ledger, data_dir=data)
        settings = MonteCarloSettings(iterations=args.iterations, seed=1)
        start = time.perf_counter()
        assess(ledger, data_dir=data, monte_carlo=settings)
        with_mc = time.perf_counter() - start
        start = time.perf_counter()
        assess(ledger, data_dir=data)
        without = time.perf_counter() - start
        monte_carlo = with_mc - without
        floor = numpy_floor(
            args.exchanges,
            len(deterministic.factor_set.activities),
            len(deterministic.lines),
            args.iterations,
            len(deterministic.organisations),
        )
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"Monte Carlo of {args.exchanges:,} exchanges x {args.iterations:,} iterations: "
            f"{monte_carlo:.2f} s on top of a {without:.2f} s deterministic assess "
            f"(target < 30 s)"
        )
        print(
            f"bare numpy floor (same draws, products, percentiles): {floor:.2f} s; "
            f"ratio {monte_carlo / floor:.1f}x (target <= 5x)"
        )
        print(f"peak memory of this process: {peak:,.0f} MB")


if __name__ == "__main__":
    main()
