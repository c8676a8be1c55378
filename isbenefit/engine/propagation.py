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

import functools
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from isbenefit.engine import draws as keyed
from isbenefit.engine.core import SAVED, Lines
from isbenefit.engine.percentiles import scaled, spread, statistics
from isbenefit.engine.reduction import subtree_nodes, tree_reduce
from isbenefit.engine.uncertainty import line_weights

if TYPE_CHECKING:
    from scipy import sparse

    from isbenefit.engine.uncertainty import MonteCarloSettings

SLICE_CELLS = 2_000_000  # exchanges x iterations drawn at once (16 MB per float array)
# Wide groups x iterations per unit: its sums of five quantities take at most 0.64 GB. The
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

    @functools.cached_property
    def keys(self) -> np.ndarray:
        """Every exchange's Philox key (exchanges x 2), made once for all its draws."""
        return keyed.item_keys(self.seed, keyed.QUANTITY, self.ids)

    def multipliers(self, rows: np.ndarray) -> np.ndarray:
        """Lognormal multipliers (rows x iterations)."""
        return keyed.keyed_lognormals(self.keys[rows], self.sigma[rows], 0, self.iterations)


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
    # Per saved quantity, per exchange: False where every draw is exactly zero.
    active: dict[str, np.ndarray]


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
    quantities.keys  # noqa: B018 -- made here once, not in every worker
    quantity_weights, input_weights = line_weights(
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
        _active(deterministic, score_draws, quantity_weights, input_weights, quantities.sigma),
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
    """Draw the unit's exchanges block by block; sum into the unit's wide groups.

    A quantity whose draws are all zero for an exchange (`Problem.active`) is neither
    computed nor summed for it: adding zeros leaves every sum's bits as they were, and
    its percentiles are zero."""
    iterations = problem.quantities.iterations
    shares = {name: _Share.of(problem, unit, name) for name in SAVED}
    sums = {
        (level, name): np.zeros((weights.shape[0], iterations))
        for name, share in shares.items()
        for level, weights in share.wide.items()
    }
    narrow: Partials = {
        (level, name): np.zeros((data.weights.shape[1], iterations))
        for level, data in problem.levels.items()
        if data.owner is None
        for name in SAVED
    }
    spread_rows = np.logical_or.reduce(
        [shares[name].active for name in SAVED if name not in problem.draws]
        + [np.zeros(len(unit.rows), dtype=bool)]
    )
    exchanges: dict[str, list[np.ndarray]] = {name: [] for name in SAVED}
    step = max(1, SLICE_CELLS // iterations)
    for start in range(0, len(unit.rows), step):
        block = slice(start, min(len(unit.rows), start + step))
        rows, home = unit.rows[block], unit.home[block]
        multipliers = problem.quantities.multipliers(rows)
        # The multipliers' percentiles, where a quantity figure has to be scaled by them.
        spreads = np.ones((5, int(home.sum())))
        spreads[:, spread_rows[block][home]] = spread(
            multipliers[home & spread_rows[block]], problem.percentile
        )
        for name, share in shares.items():
            exchanges[name].append(
                _block_work(
                    problem, name, share, (block, rows, home), multipliers, spreads, sums, narrow
                )
            )
    wide: dict[str, dict[str, np.ndarray]] = {level: {} for level in unit.groups}
    for level, groups in unit.groups.items():
        for name, share in shares.items():
            figures = wide[level][name] = np.zeros((4, len(groups)))
            if level in share.wide:
                figures[:, share.touched[level]] = statistics(
                    sums.pop((level, name)), problem.percentile
                )
    exchange_figures = {name: np.concatenate(parts, axis=1) for name, parts in exchanges.items()}
    return UnitResult(unit.index, unit.rows[unit.home], exchange_figures, wide), narrow


@dataclass(frozen=True)
class _Share:
    """A unit's exchanges for one saved quantity: those whose draws are not all zero
    (``active``, per unit row), and the weights of the groups they touch."""

    active: np.ndarray
    before: np.ndarray  # active rows before each unit row (cumulative, len(rows) + 1)
    home_before: np.ndarray  # active home rows before each unit row
    wide: dict[str, sparse.csc_matrix]  # touched groups x active rows
    touched: dict[str, np.ndarray]  # wide level -> positions (in the unit) of those groups
    narrow: dict[str, sparse.csc_matrix]  # groups x active home rows

    @classmethod
    def of(cls, problem: Problem, unit: Unit, name: str) -> _Share:
        active = problem.active[name][unit.rows]
        rows = unit.rows[active]
        wide, touched = {}, {}
        for level, groups in unit.groups.items():
            weights = problem.levels[level].weights[rows][:, groups].T.tocsr()
            hit = np.flatnonzero(np.diff(weights.indptr))
            if len(hit):
                wide[level], touched[level] = weights[hit].tocsc(), hit
        own = unit.rows[active & unit.home]
        narrow = {
            level: data.weights[own].T.tocsc()
            for level, data in problem.levels.items()
            if data.owner is None
        }
        counts = np.concatenate([[0], np.cumsum(active)])
        homes = np.concatenate([[0], np.cumsum(active & unit.home)])
        return cls(active, counts, homes, wide, touched, narrow)


def _block_work(
    problem: Problem,
    name: str,
    share: _Share,
    at: tuple[slice, np.ndarray, np.ndarray],
    multipliers: np.ndarray,
    spreads: np.ndarray,
    sums: Partials,
    narrow: Partials,
) -> np.ndarray:
    """One quantity of one block (``at``: its unit positions, ledger rows and home flags):
    its sums added in, the percentiles of its home exchanges (4 x home rows)."""
    block, rows, home = at
    if name not in problem.draws:
        figures = scaled(spreads, problem.deterministic[name][rows[home]])
    else:
        figures = np.zeros((4, int(home.sum())))
    active = share.active[block]
    if not active.any():
        return figures
    samples = _samples(problem, name, rows[active], multipliers[active])
    a0, a1 = share.before[block.start], share.before[block.stop]
    for level, weights in share.wide.items():
        add_product(sums[(level, name)], _rows(weights[:, a0:a1]), samples)
    own = samples if home[active].all() else samples[home[active]]
    h0, h1 = share.home_before[block.start], share.home_before[block.stop]
    for level, weights in share.narrow.items():
        add_product(narrow[(level, name)], _rows(weights[:, h0:h1]), own)
    if name in problem.draws and len(own):
        figures[:, active[home]] = statistics(own, problem.percentile)
    return figures


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
        levels[level][name] = statistics(sums, problem.percentile)
    return exchanges, levels


def _active(
    deterministic: dict[str, np.ndarray],
    score_draws: dict[str, np.ndarray],
    quantity_weights: sparse.csr_matrix,
    input_weights: sparse.csr_matrix,
    sigma: np.ndarray,
) -> dict[str, np.ndarray]:
    """Per saved quantity, the exchanges whose draws may not all be zero.

    A zero figure times a finite multiplier is zero; so is a draw made of lines on
    activities whose score draws are all zero (a sum from +0 of products with zeros is
    +0, and its percentiles +0). Multipliers are finite below a sigma of 50: a standard
    normal of numpy's ziggurat never exceeds 13 in size, and exp overflows above 709."""
    wild = sigma > 50.0
    active = {}
    for name in SAVED:
        if name in score_draws:
            moving = np.any(score_draws[name] != 0, axis=0)  # NaN counts as moving
            active[name] = (
                wild | _touches(quantity_weights, moving) | _touches(input_weights, moving)
            )
        else:
            active[name] = wild | (deterministic[name] != 0)
    return active


def _touches(weights: sparse.csr_matrix, moving: np.ndarray) -> np.ndarray:
    """Rows with a line on a moving activity or with an amount that is not finite."""
    hit = moving[weights.indices] | ~np.isfinite(weights.data)
    rows = np.repeat(np.arange(weights.shape[0]), np.diff(weights.indptr))
    return np.bincount(rows, weights=hit, minlength=weights.shape[0]) > 0


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
