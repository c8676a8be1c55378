"""A synthetic cluster ledger of any size, with a realistic mix of exchanges (for benchmarks)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

# (flow, unit, quantity range, baseline_disposal, baseline_supply, transport?)
TEMPLATES = [
    ("material", "t", (500, 90_000), "landfill.plasterboard", "prod.gypsum_natural", True),
    ("material", "t", (200, 20_000), "landfill.inert", "prod.aggregates", True),
    ("material", "t", (100, 15_000), "landfill.inert", "prod.clinker", True),
    ("material", "t", (50, 5_000), "landfill.wood", "prod.wood", True),
    ("material", "t", (10, 2_000), "incineration.plastics", "prod.hdpe", True),
    ("material", "kg", (1_000, 900_000), "landfill.paper", "prod.paper", True),
    ("material", "t", (100, 30_000), "landfill.food", "", True),
    ("energy", "MWh", (100, 200_000), "", "energy.heat_natural_gas_boiler", False),
    ("energy", "MWh", (50, 30_000), "", "energy.natural_gas_kwh", False),
    ("water", "m3", (1_000, 900_000), "treatment.wastewater", "water.mains", False),
    ("water", "m3", (1_000, 500_000), "", "water.groundwater", False),
]
INPUT_ACTIVITIES = [
    ("electricity.dk", "MWh"),
    ("electricity.se", "kWh"),
    ("energy.district_heat", "MWh"),
    ("energy.diesel", "l"),
]
CURRENCIES = ["EUR", "DKK", "SEK"]


def write_synthetic_ledger(
    folder: Path,
    count: int,
    seed: int = 7,
    input_share: float = 0.3,
    organisations: int | None = None,
) -> Path:
    """Write exchanges.csv and inputs.csv for ``count`` exchanges among ``organisations``
    organisations (default count/8, at least 10)."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    organisations = organisations or max(10, count // 8)
    kinds = rng.integers(0, len(TEMPLATES), count)
    years = rng.integers(2022, 2024, count)  # periods end by 2024: shipped rates cover them
    starts = rng.integers(0, 200, count)
    lengths = rng.integers(30, 365, count)
    suppliers = rng.integers(0, organisations, count)
    receivers = (suppliers + rng.integers(1, organisations, count)) % organisations
    with (folder / "exchanges.csv").open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(
            [
                "id",
                "period_start",
                "period_end",
                "supplier",
                "receiver",
                "flow",
                "resource",
                "quantity",
                "unit",
                "baseline_disposal",
                "baseline_supply",
                "transport_mode",
                "transport_km",
                "supplier_share",
                "price",
                "currency",
            ]
        )
        for index in range(count):
            flow, unit, (low, high), disposal, supply, moved = TEMPLATES[kinds[index]]
            start = np.datetime64(f"{years[index]}-01-01") + int(starts[index])
            end = start + int(lengths[index])
            writer.writerow(
                [
                    f"S{index:07d}",
                    str(start),
                    str(end),
                    f"ORG{suppliers[index]:05d}",
                    f"ORG{receivers[index]:05d}",
                    flow,
                    f"{flow} stream",
                    f"{rng.uniform(low, high):.3f}",
                    unit,
                    disposal,
                    supply,
                    "transport.road_hgv" if moved else "",
                    f"{rng.uniform(5, 300):.1f}" if moved else "",
                    f"{rng.choice([0.5, 0.2, 0]):g}",
                    f"{rng.uniform(-5e4, 2e5):.2f}",
                    CURRENCIES[index % 3],
                ]
            )
    with (folder / "inputs.csv").open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(["exchange", "activity", "quantity", "unit", "note"])
        for index in np.flatnonzero(rng.random(count) < input_share):
            activity, unit = INPUT_ACTIVITIES[index % len(INPUT_ACTIVITIES)]
            writer.writerow(
                [f"S{index:07d}", activity, f"{rng.uniform(1, 500):.2f}", unit, "synthetic"]
            )
    return folder
