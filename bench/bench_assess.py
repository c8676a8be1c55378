"""Benchmark of `assess` on a synthetic ledger, against an I/O floor and the per-exchange
LCA loop.

Prints, for `isbenefit assess LEDGER --json FILE --quiet` from CSV with the Brightway
project already cached (best of --repeat runs; the machine is shared): wall and CPU
seconds and peak memory of that process; the same for a floor process that only reads the
same CSVs with pandas and writes a JSON of the same size with orjson, and the ratio of the
two CPU times (target <= 4.5x); the time of the way an LCA practitioner scripts it (one
bw2calc LCA per exchange and indicator), timed on a sample and extrapolated, as a ratio;
and with --scaling, time and peak memory of `assess` for each ledger size given.

    python bench/bench_assess.py [--exchanges 100000] [--loop-sample 1000] [--repeat 3]
                                 [--scaling 1000,10000,100000,1000000]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.synthetic import write_synthetic_ledger


class Run(NamedTuple):
    wall: float  # seconds
    cpu: float  # user + system seconds of the process
    peak_mb: float  # peak resident memory of the process


def run_process(command: list[str], env: dict[str, str]) -> Run:
    """Wall and CPU seconds and peak resident MB of one process (its own rusage)."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _pid, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, command)
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def best(runs: list[Run]) -> Run:
    """The run with the least CPU time (the one least disturbed by other work)."""
    return min(runs, key=lambda run: run.cpu)


def run_cli(ledger: Path, out: Path, env: dict[str, str]) -> Run:
    command = [sys.executable, "-m", "isbenefit", "assess", str(ledger), "--json", str(out)]
    return run_process([*command, "--quiet"], env)


def run_floor(ledger: Path, size: int, out: Path, env: dict[str, str]) -> Run:
    """The floor in a fresh process: `python bench/bench_assess.py --floor ...`."""
    command = [sys.executable, __file__, "--floor", str(ledger), str(size), str(out)]
    return run_process(command, env)


def floor(ledger: Path, size: int, out: Path) -> None:
    """Read the ledger's CSVs with pandas, write a JSON of about ``size`` bytes with orjson.

    The JSON holds the rows read (as lists of values), repeated until it is as large as
    the results JSON: what any tool that reads these CSVs and writes that much JSON pays.
    """
    import orjson
    import pandas as pd

    frames = [
        pd.read_csv(path, dtype=str, keep_default_na=False) for path in sorted(ledger.glob("*.csv"))
    ]
    rows = [row for frame in frames for row in frame.to_numpy().tolist()]
    copies = max(1, round(size / len(orjson.dumps(rows))))
    out.write_bytes(orjson.dumps([rows] * copies))


def per_exchange_loop(ledger: Path, sample: int, data_dir: Path) -> float:
    """Seconds for `sample` exchanges done one bw2calc LCA per exchange and indicator."""
    import bw2calc
    import pandas as pd

    from isbenefit.scoring.brightway import (
        factor_scores,
        method_key,
        open_brightway,
        project_name,
    )
    from isbenefit.scoring.factorset import INDICATORS, load_factor_set

    factor_set = load_factor_set()
    factor_scores(factor_set, data_dir)  # builds or reuses the project
    bw2data, _ = open_brightway(data_dir)
    bw2data.projects.set_current(project_name(factor_set), update=False)  # scores may be kept
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
    if sys.argv[1:2] == ["--floor"]:
        floor(Path(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exchanges", type=int, default=100_000)
    parser.add_argument("--loop-sample", type=int, default=1_000, help="0: no loop")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--scaling", default="", help="comma-separated ledger sizes")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        data_dir = root / "data"
        env = {**os.environ, "ISBENEFIT_DATA_DIR": str(data_dir)}
        ledger = write_synthetic_ledger(root / "ledger", args.exchanges)
        warm = write_synthetic_ledger(root / "warm", 20)
        run_cli(warm, root / "warm.json", env)  # builds the cached Brightway project
        results = root / "results.json"
        size = 0
        assess_runs, floor_runs = [], []
        for _ in range(args.repeat):  # interleaved: both see the same load
            assess_runs.append(run_cli(ledger, results, env))
            size = results.stat().st_size
            results.unlink()
            floor_runs.append(run_floor(ledger, size, root / "floor.json", env))
            floor_size = (root / "floor.json").stat().st_size
            (root / "floor.json").unlink()
        assess_run, floor_run = best(assess_runs), best(floor_runs)
        print(
            f"exchanges: {args.exchanges:,} (inputs rows: "
            f"{sum(1 for _ in (ledger / 'inputs.csv').open()) - 1:,}); results JSON "
            f"{size / 1e6:,.0f} MB; best of {args.repeat} runs each"
        )
        print(
            f"assess from CSV, cached project, JSON written: {assess_run.wall:.2f} s wall, "
            f"{assess_run.cpu:.2f} s CPU, peak {assess_run.peak_mb:,.0f} MB"
        )
        print(
            f"floor (pandas reads the CSVs, orjson writes {floor_size / 1e6:,.0f} MB): "
            f"{floor_run.wall:.2f} s wall, {floor_run.cpu:.2f} s CPU, "
            f"peak {floor_run.peak_mb:,.0f} MB"
        )
        print(
            f"assess / floor, CPU: {assess_run.cpu / floor_run.cpu:.2f}x (target <= 4.5x); "
            f"wall: {assess_run.wall / floor_run.wall:.2f}x"
        )
        if args.loop_sample:
            loop = per_exchange_loop(ledger, args.loop_sample, data_dir)
            extrapolated = loop * args.exchanges / args.loop_sample
            print(
                f"per-exchange bw2calc loop: {loop:.2f} s for {args.loop_sample:,} exchanges, "
                f"{extrapolated:,.0f} s extrapolated to {args.exchanges:,}; speed-up "
                f"{extrapolated / assess_run.wall:,.0f}x (target >= 100x)"
            )
        if args.scaling:
            scaling(root, [int(n) for n in args.scaling.split(",")], env)


def scaling(root: Path, sizes: list[int], env: dict[str, str]) -> None:
    """Time and peak memory of `assess --json` per ledger size (one run each)."""
    print("| exchanges | inputs rows | results JSON | wall | CPU | peak memory |")
    print("|---:|---:|---:|---:|---:|---:|")
    for count in sizes:
        ledger = write_synthetic_ledger(root / f"ledger-{count}", count)
        out = root / f"results-{count}.json"
        run = run_cli(ledger, out, env)
        inputs = sum(1 for _ in (ledger / "inputs.csv").open()) - 1
        print(
            f"| {count:,} | {inputs:,} | {out.stat().st_size / 1e6:,.1f} MB | {run.wall:.2f} s "
            f"| {run.cpu:.2f} s | {run.peak_mb:,.0f} MB |",
            flush=True,
        )
        out.unlink()


if __name__ == "__main__":
    main()
