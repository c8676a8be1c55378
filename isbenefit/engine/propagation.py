"""Monte Carlo propagation under draw scheme 2: linear in the ledger, any partition.

The groups of the wide levels (organisations and their years: many groups, each touched
by few exchanges) are cut into units of consecutive owners (an organisation and its
years share an owner). A unit draws the exchanges that touch its groups, block by
block, sums them into its own groups only and takes their percentiles; an exchange's
own percentiles and its share of the narrow levels (years, totals: few groups that
every exchange touches) are taken in its home unit, the first one it touches. Memory is
bounded by the size of a unit and a block, not by the ledger; each exchange is drawn
once per unit it touches (at most two: its supplier's and its receiver's).

Units are fixed by the ledger and the settings alone, and draws by each exchange's id
(`draws`), so a unit gives the same bits wherever it runs. Wide groups are summed
within one unit; the narrow levels' per-iteration partial sums are added up along a
fixed tree over the units (`reduction`). Units are handed out in contiguous parts
through ``mapper``: in this process by default, or on a cluster.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from isbenefit.engine import draws as keyed
from isbenefit.engine.core import BASELINE_ROLES, QUANTITY_ROLES, SAVED, Lines, Role
from isbenefit.engine.reduction import subtree_nodes, tree_reduce

if TYPE_CHECKING:
    from scipy import sparse

    from isbenefit.engine.uncertainty import MonteCarloSettings

SLICE_CELLS = 2_000_000  # exchanges x iterations drawn at once (16 MB per float array)
# Wide groups x iterations per unit: its sums of six quantities take at most 0.8 GB. The
# larger the unit, the fewer exchanges are drawn twice (for a supplier and a receiver in
# two units); the smaller, the more units a cluster can share out.
UNIT_CELLS = 16_000_000
STATISTICS = ("p5", "p50", "p95", "conservative")

# mapper(function, shared, parts) -> [function(shared, part) for part in parts], anywhere.
Mapper = Callable[[Callable[[Any, Any], Any], Any, Sequence[Any]], list[Any]]


Partials = dict[tuple[str, str], np.ndarray]  # (level, quantity) -> groups x iterations


@dataclass(frozen=True)
class Quantities:
    """What an exchange's quantity multipliers are drawn from: its id and spread."""

    ids: list[str]
    sigma: np.ndarray  # log of the geometric standard deviation, per exchange
    seed: int
    iterations: int

    def multipliers(self, rows: np.ndarray) -> np.ndarray:
        """Lognormal multipliers (rows x iterations)."""
        return keyed.lognormal_multipliers(
            self.seed, keyed.QUANTITY, [self.ids[r] for r in rows], self.sigma[rows], 0,
            self.iterations,
        )  # fmt: skip


@dataclass(frozen=True)
class Level:
    """A linear map from exchanges to groups; ``owner`` per group for a wide level."""

    weights: sparse.csr_matrix  # exchanges x groups
    owner: np.ndarray | None = None


@dataclass(frozen=True)
class Problem:
    """Everything a unit's work reads: shipped once to each worker."""

    quantity_weights: sparse.csr_matrix  # exchanges x activities
    input_weights: sparse.csr_matrix
    draws: dict[str, np.ndarray]  # activities x iterations, C order
    deterministic: dict[str, np.ndarray]
    quantities: Quantities
    levels: dict[str, Level]
    percentile: float


@dataclass(frozen=True)
class Unit:
    """Some wide groups and every exchange that touches them (ascending)."""

    index: int
    groups: dict[str, np.ndarray]  # wide level -> group positions
    rows: np.ndarray
    home: np.ndarray  # bool per row: the exchange's percentiles are taken here


@dataclass(frozen=True)
class UnitResult:
    index: int
    home_rows: np.ndarray
    exchanges: dict[str, np.ndarray]  # quantity -> 4 x home rows
    wide: dict[str, dict[str, np.ndarray]]  # level -> quantity -> 4 x groups of the unit


def propagate_keyed(
    lines: Lines,
    deterministic: dict[str, np.ndarray],
    score_draws: dict[str, np.ndarray],
    quantities: Quantities,
    levels: dict[str, Level],
    settings: MonteCarloSettings,
    mapper: Mapper | None = None,
    partitions: int = 1,
) -> tuple[dict[str, np.ndarray], dict[str, dict[str, np.ndarray]]]:
    """Percentiles (4 x items: P5, P50, P95, conservative) of every saved quantity per
    exchange and per group of each level. ``partitions``: how many contiguous parts the
    units are cut into (the bytes do not depend on it)."""
    count = len(quantities.ids)
    quantity_weights, input_weights = _line_weights(
        lines, count, next(iter(score_draws.values())).shape[1]
    )
    problem = Problem(
        quantity_weights,
        input_weights,
        {name: np.ascontiguousarray(d.T) for name, d in score_draws.items()},
        deterministic,
        quantities,
        levels,
        settings.conservative_percentile,
    )
    units = plan_units(levels, count, quantities.iterations)
    cuts = np.linspace(0, len(units), min(partitions, len(units)) + 1).round().astype(int)
    parts = [(len(units), units[a:b]) for a, b in itertools.pairwise(cuts)]
    run = mapper or (lambda function, shared, items: [function(shared, i) for i in items])
    results = run(part_work, problem, parts)
    return _assemble(problem, units, results)


def part_work(
    problem: Problem, part: tuple[int, list[Unit]]
) -> tuple[list[UnitResult], dict[tuple[int, int], Partials]]:
    """A contiguous run of units: their results, and their narrow partial sums added up as
    far as the tree allows inside the run (whoever gathers the parts finishes the tree)."""
    count, units = part
    done, partials = [], []
    for unit in units:
        result, narrow = unit_work(problem, unit)
        done.append(result)
        partials.append(narrow)
    return done, subtree_nodes(partials, units[0].index, count, _add)


def unit_work(problem: Problem, unit: Unit) -> tuple[UnitResult, Partials]:
    """Draw the unit's exchanges block by block; sum into the unit's wide groups."""
    iterations = problem.quantities.iterations
    wide = unit.groups
    home_rows = unit.rows[unit.home]
    wide_weights, narrow_weights = _unit_weights(problem, unit)
    sums = {
        (level, name): np.zeros((len(g), iterations)) for level, g in wide.items() for name in SAVED
    }
    narrow: Partials = {
        (level, name): np.zeros((w.shape[0], iterations))
        for level, w in narrow_weights.items()
        for name in SAVED
    }
    exchanges: dict[str, list[np.ndarray]] = {name: [] for name in SAVED}
    step = max(1, SLICE_CELLS // iterations)
    homes = np.concatenate([[0], np.cumsum(unit.home)])
    for start in range(0, len(unit.rows), step):
        stop = min(len(unit.rows), start + step)
        rows, home = unit.rows[start:stop], unit.home[start:stop]
        h0, h1 = homes[start], homes[stop]
        multipliers = problem.quantities.multipliers(rows)
        spread = _multiplier_percentiles(multipliers[home], problem.percentile)
        wide_block = {level: _rows(w[:, start:stop]) for level, w in wide_weights.items()}
        narrow_block = {level: _rows(w[:, h0:h1]) for level, w in narrow_weights.items()}
        for name in SAVED:
            samples = _samples(problem, name, rows, multipliers)
            if name in problem.draws:
                exchanges[name].append(_percentiles(samples[home], problem.percentile))
            else:
                exchanges[name].append(_scaled(spread, problem.deterministic[name][rows[home]]))
            for level, weights in wide_block.items():
                add_product(sums[(level, name)], weights, samples)
            for level, weights in narrow_block.items():
                add_product(narrow[(level, name)], weights, samples[home])
    result = UnitResult(
        unit.index,
        home_rows,
        {name: np.concatenate(parts, axis=1) for name, parts in exchanges.items()},
        {
            level: {name: _percentiles(sums[(level, name)], problem.percentile) for name in SAVED}
            for level in wide
        },
    )
    return result, narrow


def _unit_weights(
    problem: Problem, unit: Unit
) -> tuple[dict[str, sparse.csc_matrix], dict[str, sparse.csc_matrix]]:
    """Weights (groups x rows, so a block is a column slice) of the unit's wide groups from
    all its rows, and of the narrow levels from its home rows."""
    wide = {
        level: problem.levels[level].weights[unit.rows][:, groups].T.tocsc()
        for level, groups in unit.groups.items()
    }
    narrow = {
        level: problem.levels[level].weights[unit.rows[unit.home]].T.tocsc()
        for level, data in problem.levels.items()
        if data.owner is None
    }
    return wide, narrow


def plan_units(levels: dict[str, Level], count: int, iterations: int) -> list[Unit]:
    """Consecutive owners cut into units of at most `UNIT_CELLS` (groups x iterations);
    each exchange's home is the first unit it touches."""
    wide = {level: data.owner for level, data in levels.items() if data.owner is not None}
    weights = {level: levels[level].weights for level in wide}
    owners = 1 + max((int(o.max()) for o in wide.values() if len(o)), default=0)
    cost = np.zeros(owners)
    for owner in wide.values():
        np.add.at(cost, owner, 1)
    budget = max(1, UNIT_CELLS // iterations)
    unit_of_owner = np.zeros(owners, dtype=int)
    total, current = 0.0, 0
    for position, size in enumerate(cost):
        if total and total + size > budget:
            current, total = current + 1, 0.0
        unit_of_owner[position] = current
        total += size
    pairs = [np.empty(0, dtype=np.int64)]
    for level, owner in wide.items():
        touched = weights[level].tocoo()
        pairs.append(unit_of_owner[owner[touched.col]] * count + touched.row)
    pairs_all = np.unique(np.concatenate(pairs))
    unit, row = np.divmod(pairs_all, count)
    orphans = np.setdiff1d(np.arange(count), row)  # touching no wide group: unit 0
    unit = np.concatenate([unit, np.zeros(len(orphans), dtype=np.int64)])
    row = np.concatenate([row, orphans])
    order = np.lexsort((row, unit))
    unit, row = unit[order], row[order]
    home_unit = np.full(count, current + 1)
    np.minimum.at(home_unit, row, unit)
    units = []
    for index in range(current + 1):
        rows = row[unit == index]
        groups = {
            level: np.flatnonzero(unit_of_owner[owner] == index) for level, owner in wide.items()
        }
        units.append(Unit(index, groups, rows, home_unit[rows] == index))
    return units


def _assemble(
    problem: Problem, units: list[Unit], results: list[Any]
) -> tuple[dict[str, np.ndarray], dict[str, dict[str, np.ndarray]]]:
    count = len(problem.quantities.ids)
    exchanges = {name: np.empty((4, count)) for name in SAVED}
    levels = {
        level: {name: np.empty((4, data.weights.shape[1])) for name in SAVED}
        for level, data in problem.levels.items()
    }
    nodes: dict[tuple[int, int], Partials] = {}
    for done, part_nodes in results:
        nodes.update(part_nodes)
        for result in done:
            groups = units[result.index].groups
            for name in SAVED:
                exchanges[name][:, result.home_rows] = result.exchanges[name]
                for level, figures in result.wide.items():
                    levels[level][name][:, groups[level]] = figures[name]
    narrow = tree_reduce(nodes, len(units), _add)
    for (level, name), sums in narrow.items():
        levels[level][name] = _percentiles(sums, problem.percentile)
    return exchanges, levels


def _rows(weights: sparse.csc_matrix) -> sparse.csr_matrix:
    """A block's weights by group, each group's exchanges in ledger order."""
    rows = weights.tocsr()
    rows.sort_indices()
    return rows


def add_product(total: np.ndarray, rows: sparse.csr_matrix, samples: np.ndarray) -> None:
    """total += rows @ samples, in place (groups x iterations; ``rows`` as `_rows` makes).

    Each group's sum runs over its exchanges in their order, one product at a time, from
    the total so far: the bits do not depend on how the exchanges are cut into blocks, and
    no groups x iterations array is made per block (scipy's own product makes one)."""
    from scipy.sparse import _sparsetools

    if not rows.nnz:
        return
    _sparsetools.csr_matvecs(
        rows.shape[0], rows.shape[1], total.shape[1], rows.indptr, rows.indices, rows.data,
        np.ascontiguousarray(samples).ravel(), total.ravel(),
    )  # fmt: skip


def _add(left: Partials, right: Partials) -> Partials:
    return {key: left[key] + right[key] for key in left}


def _samples(problem: Problem, name: str, rows: np.ndarray, multipliers: np.ndarray) -> np.ndarray:
    """One quantity's draws (rows x iterations)."""
    if name not in problem.draws:
        return problem.deterministic[name][rows][:, None] * multipliers
    draws = problem.draws[name]
    samples = problem.quantity_weights[rows] @ draws
    samples *= multipliers
    samples += problem.input_weights[rows] @ draws
    return samples


def _percentiles(samples: np.ndarray, percentile: float) -> np.ndarray:
    """P5, P50, P95 and the conservative percentile of each row (4 x rows)."""
    return percentiles(samples, (5.0, 50.0, 95.0, percentile))


def _multiplier_percentiles(multipliers: np.ndarray, percentile: float) -> np.ndarray:
    return percentiles(multipliers, (5.0, 50.0, 95.0, percentile, 100.0 - percentile))


def percentiles(samples: np.ndarray, wanted: Sequence[float]) -> np.ndarray:
    """Percentiles of each row (len(wanted) x rows) by numpy's default (linear) method,
    from one sort of the rows: faster than `np.percentile` for several percentiles."""
    if not samples.size:
        return np.empty((len(wanted), samples.shape[0]))
    ordered = np.sort(samples, axis=1)
    last = ordered.shape[1] - 1
    out = np.empty((len(wanted), ordered.shape[0]))
    for i, q in enumerate(wanted):
        virtual = q / 100.0 * last
        below = min(int(np.floor(virtual)), last)
        above = min(below + 1, last)
        gamma = virtual - below
        a, b = ordered[:, below], ordered[:, above]
        # numpy's _lerp: from the nearer end, so equal neighbours give exactly their value.
        out[i] = b - (b - a) * (1.0 - gamma) if gamma >= 0.5 else a + (b - a) * gamma
    return out


def _scaled(spread: np.ndarray, deterministic: np.ndarray) -> np.ndarray:
    """Percentiles of deterministic x multiplier from the multiplier's: a negative figure
    turns the order round (its P5 is the multiplier's P95)."""
    low = deterministic < 0
    p5 = np.where(low, spread[2], spread[0])
    p95 = np.where(low, spread[0], spread[2])
    conservative = np.where(low, spread[4], spread[3])
    return np.stack([p5, spread[1], p95, conservative]) * deterministic


def _line_weights(
    lines: Lines, count: int, activities: int
) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
    """Signed amounts per (exchange, activity): quantity-driven lines and input lines."""
    from scipy import sparse

    sign = np.where(np.isin(lines.role, BASELINE_ROLES), 1.0, -1.0)
    quantity, inputs = (
        sparse.csr_matrix(
            (lines.amount[chosen] * sign[chosen], (lines.exchange[chosen], lines.activity[chosen])),
            shape=(count, activities),
        )
        for chosen in (np.isin(lines.role, QUANTITY_ROLES), lines.role == Role.INPUT)
    )
    return quantity, inputs
