"""Parts of the cluster's annual report: the year-by-year trend (annual and cumulative
since the ledger's first year) with its chart, and the flags summary."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from isbenefit import messages
from isbenefit.documents import charts, numbers
from isbenefit.documents.contexts import Credited, Image, credited
from isbenefit.documents.ranges import spreads
from isbenefit.messages import say
from isbenefit.reported import CO2E
from isbenefit.results.flags import flag_mark
from isbenefit.results.model import Exchange, Results, Uncertainty


@dataclass(frozen=True)
class TrendRow:
    """One year of the trend.

    Attributes:
        label: the year.
        detail: the change in CO2e against the year before.
        figures: the year's figures, each exchange counted once.
        cumulative_co2e: t CO2e since the ledger's first year up to this one, as printed.
    """

    label: str
    detail: str
    figures: Credited
    cumulative_co2e: str


@dataclass(frozen=True)
class FlagCount:
    """A kind of flag in the year: its mark, what it means and how many exchanges carry it."""

    mark: str
    legend: str
    count: str


def trend(
    results: Results, year: str, extension: Uncertainty | None = None
) -> tuple[TrendRow, ...]:
    """Every year of the ledger up to ``year``, with its change and the cumulative CO2e;
    each figure rounded by the rule with its own range (a cumulative figure has one only
    when it covers every year of the ledger: the extension's total)."""
    rows, previous, running = [], None, 0.0
    last = max(results.years)
    for each in sorted(y for y in results.years if y <= year):
        figures = results.years[each]
        co2e = figures.saved["co2e_kg"]
        running += co2e
        if previous is None:
            change = say(messages.FIRST_YEAR)
        elif previous == 0:
            change = say(messages.NO_CHANGE_RATIO)
        else:
            change = say(
                messages.CHANGE, change=numbers.signed_percent((co2e - previous) / abs(previous))
            )
        rows.append(
            TrendRow(
                each,
                change,
                credited(figures.saved, figures.money, spreads(extension, "years", each)),
                numbers.quantity(
                    CO2E,
                    running,
                    spreads(extension, "totals", "all").get(CO2E) if each == last else None,
                ),
            )
        )
        previous = co2e
    return tuple(rows)


def trend_chart(results: Results, rows: Sequence[TrendRow]) -> Image:
    """Annual CO2e bars and the cumulative line since the first year."""
    years = [row.label for row in rows]
    annual = [results.years[y].saved["co2e_kg"] / 1000 for y in years]
    first = years[0]
    return Image(
        "years",
        say(messages.TREND_CHART, first=first),
        say(messages.TREND_CAPTION, first=first),
        charts.trend_by_year(
            years,
            annual,
            say(messages.CHART_UNIT),
            say(messages.ANNUAL_BARS),
            say(messages.CUMULATIVE_LINE, first=first),
        ),
    )


def flag_counts(exchanges: Sequence[Exchange]) -> tuple[FlagCount, ...]:
    """How many exchanges of the year carry each kind of flag, most frequent first."""
    counts = Counter(code for e in exchanges for code in dict.fromkeys(f.code for f in e.flags))
    made = []
    for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        mark = flag_mark(code)
        legend = messages.FLAG_LEGEND.get(code, messages.FLAG_LEGEND_OTHER)
        made.append(
            FlagCount(
                mark,
                say(legend, mark=mark, code=code),
                say_count(count),
            )
        )
    return tuple(made)


def say_count(count: int) -> str:
    return messages.say_n(messages.EXCHANGES_ONE, messages.EXCHANGES_MANY, count)
