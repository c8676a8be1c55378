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
from isbenefit.reported import CO2E, flag_mark
from isbenefit.results.model import Exchange, Results, Uncertainty


@dataclass(frozen=True)
class TrendRow:
    """One year of the trend.

    Attributes:
        label: the year.
        detail: the change in CO2e against the ledger's year before (the calendar year
            before, or the year it names when years without exchanges lie between).
        figures: the year's figures, each exchange counted once.
        cumulative_co2e: t CO2e since the ledger's first year up to this one, as printed.
        gap: the years without exchanges just before this one ("" when there are none).
    """

    label: str
    detail: str
    figures: Credited
    cumulative_co2e: str
    gap: str = ""


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
    when it covers every year of the ledger: the extension's total). A year that follows
    years without exchanges is compared with the ledger's year before them, named, and
    says which years are missing."""
    rows: list[TrendRow] = []
    previous: tuple[str, float] | None = None
    running = 0.0
    last = max(results.years)
    for each in sorted(y for y in results.years if y <= year):
        figures = results.years[each]
        co2e = figures.saved["co2e_kg"]
        running += co2e
        missing = missing_years([previous[0], each]) if previous else []
        rows.append(
            TrendRow(
                each,
                _change(previous, co2e, bool(missing)),
                credited(figures.saved, figures.money, spreads(extension, "years", each)),
                numbers.quantity(
                    CO2E,
                    running,
                    spreads(extension, "totals", "all").get(CO2E) if each == last else None,
                ),
                say(messages.NO_EXCHANGES_IN, years=", ".join(missing)) if missing else "",
            )
        )
        previous = (each, co2e)
    return tuple(rows)


def _change(previous: tuple[str, float] | None, co2e: float, gap: bool) -> str:
    if previous is None:
        return say(messages.FIRST_YEAR)
    if previous[1] == 0:
        return say(messages.NO_CHANGE_RATIO)
    change = numbers.signed_percent((co2e - previous[1]) / abs(previous[1]))
    if gap:
        return say(messages.CHANGE_SINCE, change=change, year=previous[0])
    return say(messages.CHANGE, change=change)


def missing_years(years: Sequence[str]) -> list[str]:
    """The calendar years between the first and last of ``years`` that are not in it."""
    have = {int(y) for y in years}
    return [str(y) for y in range(min(have), max(have) + 1) if y not in have]


def cumulative_label(years: Sequence[str]) -> str:
    """ "cumulative 2022–2024 (2 years ...)": the span, how many years of it have figures,
    and which have none."""
    missing = missing_years(years)
    if missing:
        return say(
            messages.CUMULATIVE_GAPS,
            first=years[0],
            last=years[-1],
            count=len(years),
            missing=", ".join(missing),
        )
    return say(messages.CUMULATIVE, first=years[0], last=years[-1], count=len(years))


def trend_chart(results: Results, rows: Sequence[TrendRow]) -> Image:
    """Annual CO2e bars and the cumulative line since the first year."""
    # Years without exchanges keep their place on the axis, with no bar.
    years = sorted([row.label for row in rows] + missing_years([r.label for r in rows]))
    annual = [
        results.years[y].saved["co2e_kg"] / 1000 if y in results.years else 0.0 for y in years
    ]
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
