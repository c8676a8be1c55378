"""Percentiles of Monte Carlo draws, row by row, bit for bit those of `np.percentile`."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

CHUNK_ROWS = 256  # rows ranked at once: their float32 copies stay in a core's cache


def statistics(samples: np.ndarray, percentile: float) -> np.ndarray:
    """P5, P50, P95 and the conservative percentile of each row (4 x rows)."""
    return percentiles(samples, (5.0, 50.0, 95.0, percentile))


def spread(multipliers: np.ndarray, percentile: float) -> np.ndarray:
    """P5, P50, P95, the conservative percentile and its mirror (100 - it) of each row of
    multipliers (5 x rows): what `scaled` turns into a figure's statistics."""
    return percentiles(multipliers, (5.0, 50.0, 95.0, percentile, 100.0 - percentile))


def percentiles(samples: np.ndarray, wanted: Sequence[float]) -> np.ndarray:
    """Percentiles of each row (len(wanted) x rows) by numpy's default (linear) method,
    from the few order statistics they need (`order_statistics`): bit for bit
    `np.percentile`, faster for several percentiles. ``samples`` is left as it was."""
    if not samples.size:
        return np.empty((len(wanted), samples.shape[0]))
    last = samples.shape[1] - 1
    plan = []
    for q in wanted:
        virtual = q / 100.0 * last
        below = min(int(np.floor(virtual)), last)
        plan.append((below, min(below + 1, last), virtual - below))
    ranks = sorted({rank for below, above, _ in plan for rank in (below, above)})
    ordered = dict(zip(ranks, order_statistics(samples, ranks), strict=True))
    out = np.empty((len(wanted), samples.shape[0]))
    for i, (below, above, gamma) in enumerate(plan):
        a, b = ordered[below], ordered[above]
        # numpy's _lerp: from the nearer end, so equal neighbours give exactly their value.
        out[i] = b - (b - a) * (1.0 - gamma) if gamma >= 0.5 else a + (b - a) * gamma
    return out


def order_statistics(samples: np.ndarray, ranks: Sequence[int]) -> np.ndarray:
    """The values at positions ``ranks`` (ascending, distinct) of each row sorted, bit
    for bit those of `np.sort` (len(ranks) x rows).

    Rows are sorted as float32 copies (numpy sorts them faster: docs/scale.md): rounding to
    float32 keeps the order, so where the float32 values at and next to the wanted
    positions all differ, the elements whose float32 falls between them are exactly
    the wanted ones, and their own values, sorted, are the answer. Rows where some do
    not differ (ties, zeros of both signs, NaN, values that round alike) are sorted
    whole, as float64."""
    rows, count = samples.shape
    runs: list[list[int]] = []  # consecutive ranks, as [first, last]
    for rank in ranks:
        if runs and rank == runs[-1][1] + 1:
            runs[-1][1] = rank
        else:
            runs.append([rank, rank])
    out = np.empty((len(ranks), rows))
    unsure = np.zeros(rows, dtype=bool)
    for start in range(0, rows, CHUNK_ROWS):
        chunk = samples[start : start + CHUNK_ROWS]
        with np.errstate(over="ignore", under="ignore"):
            rough = chunk.astype(np.float32)
        ordered = np.sort(rough, axis=1)
        sure = ~np.isnan(ordered[:, ranks]).any(axis=1)
        wanted = np.zeros(rough.shape, dtype=bool)
        for first, last in runs:
            edge = ordered[:, max(first - 1, 0) : min(last + 2, count)]
            sure &= (edge[:, 1:] > edge[:, :-1]).all(axis=1)
            wanted |= (rough >= ordered[:, first, None]) & (rough <= ordered[:, last, None])
        wanted[~sure] = False
        found = np.sort(chunk[wanted].reshape(-1, len(ranks)), axis=1)
        out[:, start : start + len(chunk)][:, sure] = found.T
        unsure[start : start + len(chunk)] = ~sure
    if unsure.any():
        out[:, unsure] = np.sort(samples[unsure], axis=1)[:, list(ranks)].T
    return out


def scaled(spread: np.ndarray, deterministic: np.ndarray) -> np.ndarray:
    """Percentiles of deterministic x multiplier from the multiplier's: a negative figure
    turns the order round (its P5 is the multiplier's P95)."""
    low = deterministic < 0
    p5 = np.where(low, spread[2], spread[0])
    p95 = np.where(low, spread[0], spread[2])
    conservative = np.where(low, spread[4], spread[3])
    return np.stack([p5, spread[1], p95, conservative]) * deterministic
