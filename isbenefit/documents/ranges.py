"""Monte Carlo ranges as documents print them, read from the results' `uncertainty` extension.

The extension (docs/uncertainty.md) gives, for every saved quantity of every
exchange, organisation and year, year and the cluster total, the deterministic
value, P5, P50, P95 and the conservative figure. Aggregates were summed per
iteration before their percentiles were taken, so a document takes each
aggregate's range from its own entry and never adds up the ranges of its parts.
A range is printed to the same place as the figure it belongs to: the place its own
spread supports (reported.supported_decimals), so the figure, its bounds and its
conservative value end at the same digit.

Without the extension (no Monte Carlo run) every function here returns "no
range" (an empty tuple or None) and the documents print exactly what they
printed before.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from isbenefit import messages
from isbenefit.documents import numbers
from isbenefit.documents.shares import display_name, organisations_in_year
from isbenefit.messages import say
from isbenefit.reported import CO2E, HEADLINE_KEYS, QUANTITY
from isbenefit.results.model import MonteCarloRange, Results, Uncertainty

# Headline figures in the order of contexts.headline(); money (last) is not varied.
HEADLINE_QUANTITIES = HEADLINE_KEYS


@dataclass(frozen=True)
class Range:
    """The Monte Carlo range of one figure, as printed (same rounding as the figure).

    Attributes:
        deterministic: the deterministic value, the one printed as the figure.
        p5: 5th percentile over the iterations.
        p50: median.
        p95: 95th percentile.
        conservative: the conservative figure (the percentile ``percentile`` names).
        percentile: the conservative percentile, e.g. ``P5``.
    """

    deterministic: str
    p5: str
    p50: str
    p95: str
    conservative: str
    percentile: str


@dataclass(frozen=True)
class RangeRow:
    """One row of a table of CO2e ranges (an organisation, a year total, a cumulative total).

    Attributes:
        label: what the row is.
        detail: second line (organisation id, what the figure covers).
        co2e: the CO2e range of the row, in tonnes.
    """

    label: str
    detail: str
    co2e: Range


@dataclass(frozen=True)
class MonteCarloNote:
    """What the methodology says about uncertainty.

    Attributes:
        run: whether a Monte Carlo analysis was run (the other fields are empty when not).
        iterations: number of iterations, as printed.
        seed: the random seed.
        percentile: the conservative percentile, e.g. ``P5``.
        quantity_gsd: each data quality with its geometric standard deviation, as printed.
    """

    run: bool
    iterations: str = ""
    seed: str = ""
    percentile: str = ""
    quantity_gsd: tuple[str, ...] = ()


def percentile_label(extension: Uncertainty) -> str:
    """The conservative percentile as a label: 5.0 gives ``P5``, 2.5 gives ``P2.5``."""
    return say(messages.PERCENTILE, percentile=f"{extension.conservative_percentile:g}")


def half_width(figures: MonteCarloRange, scale: float = 1.0) -> float:
    """Half the P5-P95 width of ``figures`` times ``scale``: the spread the rule rounds by."""
    return (figures.p95 - figures.p5) / 2 * scale


def figure_range(
    figures: MonteCarloRange,
    key: str,
    percentile: str,
    scale: float = 1.0,
    most: int | None = None,
) -> Range:
    """``figures`` of quantity ``key`` times ``scale``, each statistic printed to the place
    the deterministic figure's spread supports (finest ``most``, default the quantity's).

    Percentiles commute with multiplying every draw by the same non-negative number,
    so a scaled range is exactly the range of the scaled quantity.
    """
    quantity = QUANTITY[key]
    decimals = quantity.figure_decimals(
        figures.deterministic * scale, half_width(figures, scale), most
    )

    def printed(value: float) -> str:
        return numbers.rounded(value * scale / quantity.scale, decimals)

    return Range(
        deterministic=printed(figures.deterministic),
        p5=printed(figures.p5),
        p50=printed(figures.p50),
        p95=printed(figures.p95),
        conservative=printed(figures.conservative),
        percentile=percentile,
    )


def spreads(
    extension: Uncertainty | None, level: str, key: str, scale: float = 1.0
) -> dict[str, float]:
    """Half the P5-P95 width of each saved quantity of ``level[key]`` times ``scale``
    (results units), for rounding the figure by the rule; empty without a range."""
    entry = None if extension is None else extension.level(level).get(key)
    if entry is None:
        return {}
    return {quantity: half_width(figures, scale) for quantity, figures in entry.items()}


def all_spreads(extension: Uncertainty | None, level: str) -> Mapping[str, Mapping[str, float]]:
    """:func:`spreads` of every entry of ``level``; empty without a Monte Carlo run."""
    if extension is None:
        return {}
    return {key: spreads(extension, level, key) for key in extension.level(level)}


def quantity_range(
    extension: Uncertainty | None, level: str, key: str, quantity: str = CO2E, scale: float = 1.0
) -> Range | None:
    """The range of ``quantity`` of ``level[key]`` (e.g. ``years``, ``2024``), or None."""
    if extension is None:
        return None
    entry = extension.level(level).get(key)
    if entry is None:
        return None
    return figure_range(entry[quantity], quantity, percentile_label(extension), scale)


def headline_ranges(
    extension: Uncertainty | None, level: str, key: str
) -> tuple[Range | None, ...]:
    """Ranges aligned with contexts.headline(): one per saved quantity, None for money.

    An empty tuple when there is no range to print (no Monte Carlo, or no such entry).
    """
    if extension is None or key not in extension.level(level):
        return ()
    return (*(quantity_range(extension, level, key, q) for q in HEADLINE_QUANTITIES), None)


def exchange_ranges(
    extension: Uncertainty | None, exchange_id: str, fraction: float, share: float
) -> tuple[Range | None, Range | None]:
    """CO2e range of an exchange over its whole period (calculation-line rounding) and of
    one organisation's credited share of it in one year.

    The credited range is the exchange's range times its year fraction times the
    organisation's share. That is exact, not an approximation: both factors are fixed
    numbers applied to every draw of the same exchange, and percentiles commute with a
    non-negative linear scaling. (Sums over several exchanges are not like this; their
    ranges come from the aggregate levels of the extension.)
    """
    if extension is None or exchange_id not in extension.exchanges:
        return None, None
    figures = extension.exchanges[exchange_id][CO2E]
    label = percentile_label(extension)
    return (
        figure_range(figures, CO2E, label, most=QUANTITY[CO2E].line_decimals),
        figure_range(figures, CO2E, label, fraction * share),
    )


def monte_carlo_note(extension: Uncertainty | None) -> MonteCarloNote:
    """The methodology's account of the Monte Carlo run, or of its absence."""
    if extension is None:
        return MonteCarloNote(run=False)
    return MonteCarloNote(
        run=True,
        iterations=f"{extension.iterations:,}",
        seed=f"{extension.seed}",
        percentile=percentile_label(extension),
        quantity_gsd=tuple(f"{quality} {gsd:g}" for quality, gsd in extension.quantity_gsd.items()),
    )


def organisation_rows(
    results: Results, year: str, extension: Uncertainty | None
) -> tuple[RangeRow, ...]:
    """CO2e range of each organisation's credited share in ``year``, in results order."""
    active = set(organisations_in_year(results, year))
    rows = []
    for org in results.organisations:
        made = quantity_range(extension, "organisation_years", f"{org.id}/{year}")
        if org.id in active and made is not None:
            rows.append(RangeRow(display_name(org), org.id, made))
    return tuple(rows)


def cumulative_ranges(
    results: Results, year: str, extension: Uncertainty | None
) -> tuple[tuple[Range | None, ...], str]:
    """Ranges of the cumulative figure up to ``year`` and, when there are none, why.

    The extension's total covers every year of the ledger, so it is the range of the
    cumulative figure only when ``year`` is the ledger's last year. Earlier cumulative
    figures get no range: adding the annual ranges would overstate the spread.
    """
    if extension is None:
        return (), ""
    years = sorted(results.years)
    if year == years[-1]:
        return headline_ranges(extension, "totals", "all"), ""
    return (), say(messages.NO_CUMULATIVE_RANGE, first=years[0], last=years[-1], year=year)
