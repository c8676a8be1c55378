"""Monte Carlo propagation of factor and quantity uncertainty, pure and vectorised.

Per-unit scores arrive as draws (iterations x activities) from Brightway; each
iteration uses one draw for every line of every exchange, so baseline and
symbiosis lines that use the same activity move together (paired sampling).
Quantity uncertainty is a lognormal multiplier per exchange and iteration,
with a geometric standard deviation set by the exchange's `data_quality`;
it scales every line derived from the exchanged quantity (baseline disposal,
baseline supply and its haulage, transport). `inputs` rows are taken as given.

Organisation, year and total figures are summed per iteration before percentiles are
taken, so their ranges reflect the correlation between exchanges.

Two draw schemes, recorded in the results and in claims (`draw_scheme`): 2, the
default, draws every exchange and own factor from a stream keyed by its id, in
iteration blocks, and propagates group by group (`propagation`, `draws`); 1, the first
scheme, kept here so certificates made with it still recompute, draws each exchange's
multipliers from a PCG64 stream of its id and sums dense group arrays slice by slice.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from isbenefit.engine.core import BASELINE_ROLES, QUANTITY_ROLES, SAVED, Lines, Role
from isbenefit.errors import SettingsError

QUANTITY_GSD = {"measured": 1.05, "calculated": 1.15, "estimated": 1.5}
DRAW_SCHEMES = (1, 2)
DRAW_SCHEME = 2  # the scheme of new runs; a claim without one was made with scheme 1
SLICE_CELLS = 4_000_000  # iterations x exchanges per slice (32 MB per float array)

if TYPE_CHECKING:  # scipy is imported by a run only (0.07 s a run without one never pays)
    from scipy import sparse


@dataclass(frozen=True)
class MonteCarloSettings:
    """How a Monte Carlo run is made; documented in docs/uncertainty.md."""

    iterations: int = 1000
    seed: int = 1
    conservative_percentile: float = 5.0
    quantity_gsd: dict[str, float] = field(default_factory=lambda: dict(QUANTITY_GSD))
    draw_scheme: int = DRAW_SCHEME

    def __post_init__(self) -> None:
        """Refuse what the command line refuses, so the API cannot run a meaningless analysis."""
        problems = []
        if isinstance(self.iterations, bool) or not isinstance(self.iterations, int):
            problems.append(f"iterations must be a whole number, not {self.iterations!r}")
        elif self.iterations < 1:
            problems.append(f"iterations must be at least 1, not {self.iterations}")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or self.seed < 0:
            problems.append(f"seed must be a whole number >= 0, not {self.seed!r}")
        if not 0.0 <= float(self.conservative_percentile) <= 50.0:
            problems.append(
                f"conservative_percentile must be between 0 and 50 (a low percentile is the "
                f"conservative one), not {self.conservative_percentile!r}"
            )
        unknown = sorted(set(self.quantity_gsd) ^ set(QUANTITY_GSD))
        if unknown:
            problems.append(
                f"quantity_gsd must give exactly the data qualities {', '.join(QUANTITY_GSD)}; "
                f"differs in {', '.join(unknown)}"
            )
        problems += [
            f"quantity_gsd[{quality!r}] must be a number >= 1 (1: no spread), not {gsd!r}"
            for quality, gsd in self.quantity_gsd.items()
            if not (isinstance(gsd, int | float) and math.isfinite(gsd) and gsd >= 1.0)
        ]
        if self.draw_scheme not in DRAW_SCHEMES or isinstance(self.draw_scheme, bool):
            problems.append(
                f"draw_scheme must be one of {', '.join(map(str, DRAW_SCHEMES))}, "
                f"not {self.draw_scheme!r}"
            )
        if problems:
            raise SettingsError("Monte Carlo settings: " + "; ".join(problems))


@dataclass(frozen=True)
class Aggregation:
    """A linear map from exchanges to some groups (organisations, years, ...)."""

    labels: list[tuple[str, ...]]
    weights: sparse.csr_matrix  # exchanges x groups


@dataclass(frozen=True)
class Summary:
    """Percentile summary of one quantity over groups: arrays aligned with labels."""

    p5: np.ndarray
    p50: np.ndarray
    p95: np.ndarray
    conservative: np.ndarray


def quantity_multipliers(
    exchange_ids: list[str], data_quality: np.ndarray, settings: MonteCarloSettings
) -> np.ndarray:
    """Draw scheme 1: lognormal multipliers (iterations x exchanges), median 1, gsd by
    data quality.

    Each exchange draws from its own stream, seeded by the run's seed and a hash of
    the exchange id, so an exchange gets the same draws whichever other exchanges
    share the ledger: a certificate's figures can be recomputed from its own rows.
    """
    sigma = np.log(np.array([settings.quantity_gsd[q] for q in data_quality], dtype=float))
    normals = np.empty((settings.iterations, len(exchange_ids)))
    for column, exchange_id in enumerate(exchange_ids):
        stream = int.from_bytes(hashlib.sha256(exchange_id.encode("utf-8")).digest()[:8], "big")
        normals[:, column] = np.random.default_rng([settings.seed, stream]).standard_normal(
            settings.iterations
        )
    return np.exp(normals * sigma)


def line_weights(lines: Lines, count: int, activities: int) -> tuple[sparse.csr_matrix, ...]:
    """Signed amounts per (exchange, activity): quantity-driven lines and input lines."""
    from scipy import sparse

    sign = np.where(np.isin(lines.role, BASELINE_ROLES), 1.0, -1.0)
    matrices = []
    for chosen in (np.isin(lines.role, QUANTITY_ROLES), lines.role == Role.INPUT):
        matrices.append(
            sparse.csr_matrix(
                (
                    lines.amount[chosen] * sign[chosen],
                    (lines.exchange[chosen], lines.activity[chosen]),
                ),
                shape=(count, activities),
            )
        )
    return tuple(matrices)


def propagate(
    lines: Lines,
    deterministic: dict[str, np.ndarray],
    score_draws: dict[str, np.ndarray],
    multipliers: np.ndarray,
    aggregations: dict[str, Aggregation],
    settings: MonteCarloSettings,
) -> tuple[dict[str, Summary], dict[str, dict[str, Summary]]]:
    """Draw scheme 1: percentile summaries of every saved quantity, per exchange and per
    aggregation (dense groups x iterations sums, slice by slice)."""
    iterations, count = multipliers.shape
    activities = next(iter(score_draws.values())).shape[1]
    quantity_weights, input_weights = line_weights(lines, count, activities)
    step = max(1, SLICE_CELLS // max(iterations, 1))
    per_exchange: dict[str, list[Summary]] = {name: [] for name in SAVED}
    grouped = {
        (level, name): np.zeros((iterations, agg.weights.shape[1]))
        for level, agg in aggregations.items()
        for name in SAVED
    }
    for start in range(0, count, step):
        stop = min(count, start + step)
        factor = multipliers[:, start:stop]
        for name in SAVED:
            if name in score_draws:
                draws = score_draws[name]
                samples = (
                    factor * (quantity_weights[start:stop] @ draws.T).T
                    + (input_weights[start:stop] @ draws.T).T
                )
            else:
                samples = factor * deterministic[name][start:stop]
            per_exchange[name].append(summarise(samples, settings))
            for level, agg in aggregations.items():
                grouped[(level, name)] += (agg.weights[start:stop].T @ samples.T).T
    exchanges = {name: _concatenate(parts) for name, parts in per_exchange.items()}
    levels = {
        level: {name: summarise(grouped[(level, name)], settings) for name in SAVED}
        for level in aggregations
    }
    return exchanges, levels


def summarise(samples: np.ndarray, settings: MonteCarloSettings) -> Summary:
    """P5, P50, P95 and the conservative percentile over iterations (axis 0)."""
    quantiles = np.percentile(samples, [5.0, 50.0, 95.0, settings.conservative_percentile], axis=0)
    return Summary(*quantiles)


def _concatenate(parts: list[Summary]) -> Summary:
    return Summary(
        *(
            np.concatenate([getattr(p, f) for p in parts])
            for f in ("p5", "p50", "p95", "conservative")
        )
    )
