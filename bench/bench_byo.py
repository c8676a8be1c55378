"""Benchmark of assessing against an ecoinvent-sized Brightway database.

Writes once (cached under --cache) a synthetic sparse database of 20,000 activities and
about 200,000 exchanges, with loops, 100 biosphere flows and two methods, then prints:
per-unit scores of 1,000 mapped activities for two indicators, `assess` of 100,000
exchanges against it, and Monte Carlo iterations per second, each beside the naive way
(one bw2calc LCA per mapped activity and indicator) as a ratio.

    python bench/bench_byo.py [--activities 20000] [--mapped 1000] [--cache DIR]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.synthetic import TEMPLATES, write_synthetic_ledger

PROJECT = "bench-ecoinvent-sized"


def build_database(base: Path, activities: int, seed: int = 1) -> None:
    """Write the synthetic database with bw2data (once per cache folder)."""
    from isbenefit.scoring.brightway import open_brightway

    bw2data, _ = open_brightway(base.parent / "isbenefit-data")
    bw2data.projects.change_base_directories(base, project_name=PROJECT)
    if "synthetic" in bw2data.databases:
        return
    rng = np.random.default_rng(seed)
    bw2data.Database("bio").write(
        {
            ("bio", f"f{i}"): {"name": f"flow {i}", "unit": "kilogram", "type": "emission"}
            for i in range(100)
        }
    )
    data = {}
    for j in range(activities):
        exchanges = [{"input": ("synthetic", f"a{j}"), "amount": 1.0, "type": "production"}]
        for _ in range(8):
            upstream = (
                (j + 1 + int(rng.exponential(200))) % activities
                if rng.random() > 0.005
                else int(rng.integers(activities))
            )
            if upstream != j:
                exchanges.append(
                    {
                        "input": ("synthetic", f"a{upstream}"),
                        "amount": float(rng.uniform(0.001, 0.1)),
                        "type": "technosphere",
                    }
                )
        for flow in rng.choice(100, size=2, replace=False):
            amount = float(rng.uniform(0.01, 2))
            exchanges.append(
                {
                    "input": ("bio", f"f{flow}"),
                    "amount": amount,
                    "type": "biosphere",
                    "uncertainty type": 2,
                    "loc": float(np.log(amount)),
                    "scale": 0.1,
                }
            )
        data[("synthetic", f"a{j}")] = {
            "name": f"activity {j}",
            "unit": "kilogram",
            "location": "GLO",
            "exchanges": exchanges,
        }
    bw2data.Database("synthetic").write(data)
    bw2data.Method(("bench", "gwp")).write([(("bio", f"f{i}"), 1.0 + i % 7) for i in range(40)])
    bw2data.Method(("bench", "water")).write([(("bio", f"f{i}"), 1.0) for i in range(90, 100)])


def write_mapping(path: Path, mapped: int, activities: int) -> Path:
    ledger_ids = sorted(
        {t[4] for t in TEMPLATES if t[4]}
        | {t[3] for t in TEMPLATES if t[3]}
        | {
            "transport.road_hgv",
            "electricity.dk",
            "electricity.se",
            "energy.district_heat",
            "energy.diesel",
        }
    )
    units = {
        "energy.diesel": "l",
        "energy.": "kWh",
        "electricity.": "kWh",
        "water.": "m3",
        "treatment.wastewater": "m3",
        "transport.": "tkm",
    }
    lines = [
        f'project = "{PROJECT}"',
        "[methods]",
        'co2e_kg = ["bench", "gwp"]',
        'water_m3 = ["bench", "water"]',
        "",
    ]
    step = max(1, activities // mapped)
    for index in range(mapped):
        ledger_id = ledger_ids[index] if index < len(ledger_ids) else f"extra.{index}"
        unit = next((u for prefix, u in units.items() if ledger_id.startswith(prefix)), "t")
        kind = "transport" if unit == "tkm" else "production"
        lines += [
            "[[activities]]",
            f'id = "{ledger_id}"',
            f'kind = "{kind}"',
            f'unit = "{unit}"',
            'database = "synthetic"',
            f'code = "a{index * step}"',
            "per_unit = 1000",
            "",
        ]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def naive_seconds(base: Path, mapping: Path, sample: int) -> float:
    """One bw2calc LCA per mapped activity and indicator, timed on ``sample`` activities."""
    import bw2calc

    from isbenefit.scoring.brightway import open_brightway
    from isbenefit.scoring.mapping import read_mapping

    bw2data, _ = open_brightway(base.parent / "isbenefit-data")
    bw2data.projects.change_base_directories(base, project_name=PROJECT)
    entries = read_mapping(mapping).activities[:sample]
    start = time.perf_counter()
    for entry in entries:
        node = bw2data.get_node(database="synthetic", code=entry.code)
        for method in (("bench", "gwp"), ("bench", "water")):
            lca = bw2calc.LCA({node.id: 1.0}, method=method)
            lca.lci()
            lca.lcia()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--activities", type=int, default=20_000)
    parser.add_argument("--mapped", type=int, default=1_000)
    parser.add_argument("--exchanges", type=int, default=100_000)
    parser.add_argument("--naive-sample", type=int, default=3)
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "isb-bench-byo")
    args = parser.parse_args()
    from isbenefit import assess
    from isbenefit.scoring.mapping import read_mapping
    from isbenefit.scoring.user_database import database_factor_set, database_score_samples

    base = args.cache / "brightway"
    base.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    build_database(base, args.activities)
    print(f"database ready ({args.activities:,} activities): {time.perf_counter() - start:.1f} s")
    mapping = write_mapping(args.cache / "mapping.toml", args.mapped, args.activities)
    data = args.cache / "isbenefit-data"
    start = time.perf_counter()
    database_factor_set(read_mapping(mapping), None, base, data)
    scores = time.perf_counter() - start
    naive = naive_seconds(base, mapping, args.naive_sample) * args.mapped / args.naive_sample
    print(
        f"per-unit scores of {args.mapped:,} activities, 2 indicators: {scores:.2f} s "
        f"(target < 10 s); naive {naive:,.0f} s extrapolated: {naive / scores:,.0f}x "
        f"(target >= 50x)"
    )
    ledger = write_synthetic_ledger(args.cache / "ledger", args.exchanges)
    start = time.perf_counter()
    assess(ledger, mapping=mapping, brightway_dir=base, data_dir=data)
    print(f"assess {args.exchanges:,} exchanges against it: {time.perf_counter() - start:.2f} s")
    iterations = 20
    start = time.perf_counter()
    database_score_samples(read_mapping(mapping), None, iterations, 1, base, data)
    overall = iterations / (time.perf_counter() - start)
    rates = {}
    for mapped in sorted({max(1, args.mapped // 4), args.mapped}):
        subset = write_mapping(args.cache / f"mapping-{mapped}.toml", mapped, args.activities)
        setup, rates[mapped] = monte_carlo_rate(subset, base, data, iterations)
        print(
            f"Monte Carlo, {mapped:,} mapped activities: {rates[mapped]:.2f} iterations/s "
            f"after {setup:.2f} s opening the project and the first draw"
        )
    per_second = rates[args.mapped]
    smallest = min(rates)
    print(
        f"Monte Carlo: {per_second:.2f} iterations/s for all {args.mapped:,} mapped activities "
        f"(target >= 8); {overall:.2f} iterations/s counting the opening for {iterations}; "
        f"{args.mapped / smallest:.0f}x the activities take {rates[smallest] / per_second:.2f}x "
        f"the time per iteration; naive (one LCA per activity and indicator per iteration) "
        f"{1 / naive:.4f} iterations/s: {per_second * naive:,.0f}x"
    )


def monte_carlo_rate(mapping: Path, base: Path, data: Path, iterations: int) -> tuple[float, float]:
    """Seconds to the first draw (project opened, mapping resolved), then draws per second."""
    from isbenefit.scoring.mapping import read_mapping
    from isbenefit.scoring.user_database import iter_score_draws

    start = time.perf_counter()
    draws = iter_score_draws(read_mapping(mapping), None, iterations + 1, 1, base, data)
    next(draws)
    first = time.perf_counter()
    for _draw in draws:
        pass
    return first - start, iterations / (time.perf_counter() - first)


if __name__ == "__main__":
    main()
