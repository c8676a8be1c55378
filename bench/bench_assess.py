"""Benchmark of `assess` on a synthetic ledger, against the per-exchange LCA loop.

Prints: end-to-end wall time of `isbenefit assess LEDGER --json` from CSV with the
Brightway project already cached, its peak memory, and the time of the way an LCA
practitioner scripts it (one bw2calc LCA per exchange and indicator), timed on a
sample and extrapolated, as a ratio.

    python bench/bench_assess.py [--exchanges 100000] [--loop-sample 1000]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.synthetic import write_synthetic_ledger


def run_cli(ledger: Path, out: Path, env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak resident MB of one `isbenefit assess` process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "isbenefit", "assess", str(ledger), "--json", str(out), "--quiet"],
        check=True,
        env=env,
    )
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, max(peak, before) / 1024


def per_exchange_loop(ledger: Path, sample: int, data_dir: Path) -> float:
    """Seconds for `sample` exchanges done one bw2calc LCA per exchange and indicator."""
    import bw2calc
    import pandas as pd

    from isbenefit.scoring.brightway import factor_scores, method_key, open_brightway
    from isbenefit.scoring.factorset import INDICATORS, load_factor_set

    factor_set = load_factor_set()
    factor_scores(factor_set, data_dir)  # builds or reuses the project
    bw2data, _ = open_brightway(data_dir)
    nodes = {node["code"]: node.id for node in bw2data.Database(factor_set.id)}
    rows = pd.read_csv(ledger / "exchanges.csv", dtype=str, keep_default_na=False).head(sample)
    start = time.perf_counter()
    for row in rows.to_dict("records"):
        demand: dict[int, float] = {}
        for column in ("baseline_disposal", "baseline_supply", "transport_mode"):
            if row[column]:
                demand[nodes[row[column]]] = float(row["quantity"])
        for indicator in INDICATORS:
            lca = bw2calc.LCA(demand, method=method_key(factor_set, indicator))
            lca.lci()
            lca.lcia()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exchanges", type=int, default=100_000)
    parser.add_argument("--loop-sample", type=int, default=1_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        data_dir = root / "data"
        env = {**os.environ, "ISBENEFIT_DATA_DIR": str(data_dir)}
        ledger = write_synthetic_ledger(root / "ledger", args.exchanges)
        warm = write_synthetic_ledger(root / "warm", 20)
        run_cli(warm, root / "warm.json", env)  # builds the cached Brightway project
        seconds, peak_mb = run_cli(ledger, root / "results.json", env)
        size_mb = (root / "results.json").stat().st_size / 1e6
        loop = per_exchange_loop(ledger, args.loop_sample, data_dir)
        extrapolated = loop * args.exchanges / args.loop_sample
        print(
            f"exchanges: {args.exchanges:,} (inputs rows: "
            f"{sum(1 for _ in (ledger / 'inputs.csv').open()) - 1:,})"
        )
        print(
            f"assess from CSV, cached project, JSON written: {seconds:.2f} s wall "
            f"(target < 5 s on 2 cores)"
        )
        print(f"peak memory of that process: {peak_mb:,.0f} MB (target < 1,500 MB)")
        print(f"results JSON: {size_mb:,.0f} MB")
        print(
            f"per-exchange bw2calc loop: {loop:.2f} s for {args.loop_sample:,} exchanges, "
            f"{extrapolated:,.0f} s extrapolated to {args.exchanges:,}"
        )
        print(
            f"speed-up over the per-exchange loop: {extrapolated / seconds:,.0f}x (target >= 100x)"
        )


if __name__ == "__main__":
    main()
