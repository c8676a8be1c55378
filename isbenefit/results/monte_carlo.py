"""Monte Carlo of assessed tables: score draws in, percentile ranges out.

Wires the pure propagation (:mod:`isbenefit.engine.uncertainty`) to the results
tables: factor draws from a factor source, quantity multipliers from a seeded
numpy generator, and the aggregation maps for organisations, years and totals.
The same seed gives the same draws and so the same bytes.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import sparse

from isbenefit.engine import draws as keyed
from isbenefit.engine.core import SAVED, Lines, Party, credit_share
from isbenefit.engine.propagation import Level, Mapper, Quantities, propagate_keyed
from isbenefit.engine.uncertainty import (
    Aggregation,
    MonteCarloSettings,
    Summary,
    propagate,
    quantity_multipliers,
)
from isbenefit.results.tables import Tables

if TYPE_CHECKING:
    from isbenefit.scoring.source import FactorSource

STATISTICS = ("p5", "p50", "p95", "conservative")


def run(
    tables: Tables,
    lines: Lines,
    exchanges: pd.DataFrame,
    settings: MonteCarloSettings,
    draws: dict[str, np.ndarray],
    conservative: tuple[Lines, dict[str, np.ndarray]] | None = None,
    mapper: Mapper | None = None,
    partitions: int = 1,
) -> dict[str, Any]:
    """The `uncertainty` extension of the results JSON.

    ``tables`` and ``lines`` are the deterministic results, ``exchanges`` the checked
    exchanges sheet (its data_quality, supplier_share and partners), and ``draws`` the
    per-unit score draws (iterations x activities of the factor set) of a factor source.

    ``conservative``: the lines and saved figures under the baseline each exchange's
    conservative figure rests on, when alternative baselines give a smaller saving than
    the ledger's. The same draws are propagated through them, and the conservative
    statistic of every exchange and group comes from that run (baseline choice x factor
    spread x quantity spread); P5, P50 and P95 stay those of the ledger's baselines.

    ``mapper`` runs draw scheme 2's units elsewhere (on a cluster), cut into
    ``partitions`` parts; the bytes depend on neither.
    """
    aggregations = _aggregations(tables, exchanges)
    deterministic = {
        name: tables.exchanges[f"saved_{name}"].to_numpy(dtype=float) for name in SAVED
    }
    runs = [(lines, deterministic)] + ([conservative] if conservative is not None else [])
    if settings.draw_scheme == 1:
        quality = exchanges["data_quality"].to_numpy(dtype=object)
        multipliers = quantity_multipliers(tables.exchanges["id"].tolist(), quality, settings)
        done = [
            propagate(run_lines, figures, draws, multipliers, aggregations, settings)
            for run_lines, figures in runs
        ]
    else:
        done = [
            _keyed(tables, exchanges, aggregations, settings, draws, run, mapper, partitions)
            for run in runs
        ]
    per_exchange, levels = done[0]
    if conservative is not None:
        low_exchange, low_levels = done[1]
        per_exchange = _with_conservative(per_exchange, low_exchange)
        levels = {level: _with_conservative(levels[level], low_levels[level]) for level in levels}
    return {
        "method": "Monte Carlo through Brightway (bw2calc use_distributions), paired draws "
        "of factors across baseline and symbiosis, lognormal quantity multipliers "
        "by data_quality",
        "iterations": settings.iterations,
        "seed": settings.seed,
        "draw_scheme": settings.draw_scheme,
        "conservative_percentile": settings.conservative_percentile,
        "quantity_gsd": dict(settings.quantity_gsd),
        "exchanges": _by_label(tables.exchanges["id"].tolist(), deterministic, per_exchange),
        **{
            level: _by_label(
                [_join(label) for label in aggregations[level].labels],
                _deterministic_of(tables, level),
                levels[level],
            )
            for level in aggregations
        },
    }


def factor_draws(
    source: FactorSource, settings: MonteCarloSettings, mapper: Mapper | None = None
) -> dict[str, np.ndarray]:
    """Per-unit score draws (iterations x activities) of a factor source.

    Draw scheme 2 asks for them in blocks of `draws.ITERATION_BLOCK` iterations, each
    seeded by `draws.block_seed`, so a block can be drawn on its own: with ``mapper``,
    the blocks are drawn on a cluster's workers, each opening the factor set or the
    user's Brightway project itself (the source pickles as its settings). Up to one
    block, the draws are those of scheme 1, which asks for all iterations at once.
    """
    if settings.draw_scheme == 1:
        return source.score_draws(settings.iterations, settings.seed)
    blocks = [
        (
            min(settings.iterations, start + keyed.ITERATION_BLOCK) - start,
            keyed.block_seed(settings.seed, start // keyed.ITERATION_BLOCK),
        )
        for start in range(0, settings.iterations, keyed.ITERATION_BLOCK)
    ]
    if mapper is not None and len(blocks) > 1:
        drawn = mapper(draw_block, source, blocks)
    else:
        drawn = [draw_block(source, block) for block in blocks]
    return {name: np.concatenate([b[name] for b in drawn]) for name in drawn[0]}


def draw_block(source: FactorSource, block: tuple[int, int]) -> dict[str, np.ndarray]:
    """One block of factor draws: (iterations, seed) of `factor_draws`."""
    return source.score_draws(*block)


def _keyed(
    tables: Tables,
    exchanges: pd.DataFrame,
    aggregations: dict[str, Aggregation],
    settings: MonteCarloSettings,
    draws: dict[str, np.ndarray],
    run: tuple[Lines, dict[str, np.ndarray]],
    mapper: Mapper | None,
    partitions: int,
) -> tuple[dict[str, Summary], dict[str, dict[str, Summary]]]:
    """Draw scheme 2 (engine/propagation.py): organisations own their groups and years."""
    position = {org: i for i, org in enumerate(tables.organisations["id"].tolist())}
    owners = {
        "organisations": np.arange(len(position)),
        "organisation_years": np.array(
            [position[label[0]] for label in aggregations["organisation_years"].labels],
            dtype=int,
        ),
    }
    levels = {level: Level(agg.weights, owners.get(level)) for level, agg in aggregations.items()}
    quality = exchanges["data_quality"].to_numpy(dtype=object)
    quantities = Quantities(
        tables.exchanges["id"].tolist(),
        np.log(np.array([settings.quantity_gsd[q] for q in quality], dtype=float)),
        settings.seed,
        settings.iterations,
    )
    per_exchange, per_level = propagate_keyed(
        run[0], run[1], draws, quantities, levels, settings, mapper, partitions
    )
    return (
        {name: Summary(*figures) for name, figures in per_exchange.items()},
        {
            level: {name: Summary(*figures) for name, figures in by_name.items()}
            for level, by_name in per_level.items()
        },
    )


def _with_conservative(
    summaries: dict[str, Summary], lower: dict[str, Summary]
) -> dict[str, Summary]:
    return {
        name: replace(summary, conservative=lower[name].conservative)
        for name, summary in summaries.items()
    }


def _aggregations(tables: Tables, exchanges: pd.DataFrame) -> dict[str, Aggregation]:
    """Exchange-to-group weights, with labels in the order of the deterministic tables."""
    count = len(exchanges)
    share = exchanges["supplier_share"].to_numpy(dtype=float)
    split = tables.exchange_years
    at = pd.Index(exchanges["id"]).get_indexer(split["exchange"])
    fraction = split["fraction"].to_numpy(dtype=float)
    year = split["year"].astype(str).tolist()
    supplier = exchanges["supplier"].tolist()
    receiver = exchanges["receiver"].tolist()
    everything = np.arange(count)
    org_years = tables.organisation_years
    return {
        "organisations": _grouping(
            [(o,) for o in tables.organisations["id"].tolist()],
            count,
            (everything, [(o,) for o in supplier], credit_share(share, Party.SUPPLIER)),
            (everything, [(o,) for o in receiver], credit_share(share, Party.RECEIVER)),
        ),
        "organisation_years": _grouping(
            list(
                zip(
                    org_years["organisation"].tolist(),
                    org_years["year"].astype(str).tolist(),
                    strict=True,
                )
            ),
            count,
            (
                at,
                [(supplier[i], y) for i, y in zip(at, year, strict=True)],
                fraction * credit_share(share[at], Party.SUPPLIER),
            ),
            (
                at,
                [(receiver[i], y) for i, y in zip(at, year, strict=True)],
                fraction * credit_share(share[at], Party.RECEIVER),
            ),
        ),
        "years": _grouping(
            [(str(y),) for y in tables.years["year"].tolist()],
            count,
            (at, [(y,) for y in year], fraction),
        ),
        "totals": _grouping([("all",)], count, (everything, [("all",)] * count, np.ones(count))),
    }


def _grouping(
    labels: list[tuple[str, ...]],
    count: int,
    *parts: tuple[np.ndarray, list[tuple[str, ...]], np.ndarray],
) -> Aggregation:
    """Sum of (exchange position, group label, weight) entries as an exchanges x groups map."""
    index = {label: i for i, label in enumerate(labels)}
    rows = np.concatenate([part[0] for part in parts])
    columns = np.array([index[label] for part in parts for label in part[1]], dtype=int)
    weights = np.concatenate([part[2] for part in parts])
    matrix = sparse.csr_matrix((weights, (rows, columns)), shape=(count, len(labels)))
    return Aggregation(labels, matrix)


def _deterministic_of(tables: Tables, level: str) -> dict[str, np.ndarray]:
    table = {
        "organisations": tables.organisations,
        "organisation_years": tables.organisation_years,
        "years": tables.years,
        "totals": tables.totals,
    }[level]
    return {name: table[f"saved_{name}"].to_numpy(dtype=float) for name in SAVED}


def _join(label: tuple[str, ...]) -> str:
    return "/".join(label)


def _by_label(
    labels: list[str], deterministic: dict[str, np.ndarray], summaries: dict[str, Summary]
) -> dict[str, dict[str, dict[str, float]]]:
    # One list of per-item dicts per quantity, then zipped by item: no index look-ups. The
    # dicts are written out (keys: "deterministic" and STATISTICS), not zipped from the
    # keys: a third of the time at a million items.
    columns = [
        [
            {"deterministic": figure, "p5": p5, "p50": p50, "p95": p95, "conservative": low}
            for figure, p5, p50, p95, low in zip(
                deterministic[name].tolist(),
                *(getattr(summaries[name], stat).tolist() for stat in STATISTICS),
                strict=True,
            )
        ]
        for name in SAVED
    ]
    return {
        label: dict(zip(SAVED, figures, strict=True))
        for label, figures in zip(labels, zip(*columns, strict=True), strict=True)
    }


def uncertainty_table(extension: dict[str, Any]) -> pd.DataFrame:
    """The extension as a tidy table: level, id, quantity, deterministic and percentiles."""
    records = [
        {"level": level, "id": label, "quantity": name, **figures}
        for level in ("exchanges", "organisations", "organisation_years", "years", "totals")
        for label, by_quantity in extension[level].items()
        for name, figures in by_quantity.items()
    ]
    return pd.DataFrame.from_records(records)
