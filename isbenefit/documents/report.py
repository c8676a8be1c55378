"""Context of the cluster annual report: totals once per exchange, breakdowns, network."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from isbenefit import messages
from isbenefit.documents import charts, numbers
from isbenefit.documents.contexts import (
    FLOW_LABELS,
    Credited,
    FactorRow,
    Figure,
    Image,
    Meta,
    Provenance,
    annex,
    credited,
    flag_notes,
    headline,
    make_meta,
    names_by_id,
    provenance,
    used_activities,
)
from isbenefit.documents.declared import DeclaredSection, report_declared
from isbenefit.documents.network import Condensed, Edge, condense, network_diagram
from isbenefit.documents.ranges import (
    MonteCarloNote,
    Range,
    RangeRow,
    cumulative_ranges,
    headline_ranges,
    monte_carlo_note,
    organisation_rows,
    quantity_range,
    spreads,
)
from isbenefit.documents.report_parts import (
    FlagCount,
    TrendRow,
    cumulative_label,
    flag_counts,
    trend,
    trend_chart,
)
from isbenefit.documents.shares import (
    display_name,
    exchanges_in_year,
    organisations_in_year,
    require_year,
)
from isbenefit.engine.core import SAVED
from isbenefit.messages import say, say_n
from isbenefit.results.model import Exchange, Results, Source, Uncertainty

DEFAULT_CLUSTER = say(messages.DEFAULT_CLUSTER)


@dataclass(frozen=True)
class BreakdownRow:
    """One row of a breakdown table (by flow kind, by organisation, by year).

    Attributes:
        label: what the row is (flow kind, organisation name, year).
        detail: second line (organisation id and country, number of exchanges, change).
        figures: its figures as printed.
    """

    label: str
    detail: str
    figures: Credited


@dataclass(frozen=True)
class ReportExchange:
    """One exchange of the year, counted once (no credit split).

    Attributes:
        id: exchange id.
        supplier: supplier's name.
        receiver: receiver's name.
        flow: flow kind, capitalised.
        resource: what was exchanged.
        quantity: quantity over the exchange's period, as printed.
        unit: unit of the quantity.
        year_fraction: part of the period in the year, as a percentage.
        figures: savings in the year and the network money effect, as printed.
        flags: notes for a reviewer (EU ETS, supply-limited by-products, proxy factors).
    """

    id: str
    supplier: str
    receiver: str
    flow: str
    resource: str
    quantity: str
    unit: str
    year_fraction: str
    figures: Credited
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Cumulative:
    """A cumulative figure over stated years.

    Attributes:
        label: e.g. ``cumulative 2022-2024 (3 years)``.
        figures: the summed figures.
        ranges: Monte Carlo range of each figure (None for money), aligned with ``figures``;
            empty without Monte Carlo or when the ranges do not cover exactly these years.
        range_note: why there is no range despite a Monte Carlo run (else empty).
    """

    label: str
    figures: tuple[Figure, ...]
    ranges: tuple[Range | None, ...] = ()
    range_note: str = ""


@dataclass(frozen=True)
class ReportContext:
    """Everything ``report.html`` prints.

    Attributes:
        meta: PDF metadata.
        cluster: name of the cluster.
        year: the reporting year.
        currency: report currency.
        organisation_count: organisations with exchanges in the year.
        exchange_count: exchanges in the year.
        headline: annual totals, each exchange counted once.
        headline_ranges: Monte Carlo range of each headline figure (None for money), aligned
            with ``headline``; empty without Monte Carlo.
        total: the annual totals as printed in total rows.
        cumulative: cumulative totals up to the year, or None without earlier years.
        by_flow: totals by flow kind.
        by_org: credited shares by organisation (they add up to ``total``).
        range_rows: CO2e ranges by organisation (credited shares; empty without Monte Carlo).
        range_totals: CO2e ranges of the annual total and, when it covers the ledger's
            years, of the cumulative total.
        exchanges: the exchanges of the year.
        network: diagram of the flows between organisations.
        charts: other charts (CO2e by flow kind).
        history: one row per year from the ledger's first up to the reporting year, annual
            and cumulative (empty in the ledger's first year).
        trend_chart: annual bars and the cumulative line of ``history`` (None without it).
        flags: each kind of flag of the year's exchanges, with how many carry it.
        factors: annex of every factor used in the year.
        sources: the sources those factors cite.
        provenance: versions, hashes and rounding.
        monte_carlo: what the methodology says about uncertainty.
        declared: the declared jobs and money of the year (each row once), cumulative,
            and by organisation (empty without any).
    """

    meta: Meta
    cluster: str
    year: str
    currency: str
    organisation_count: int
    exchange_count: int
    headline: tuple[Figure, ...]
    headline_ranges: tuple[Range | None, ...]
    total: Credited
    cumulative: Cumulative | None
    by_flow: tuple[BreakdownRow, ...]
    by_org: tuple[BreakdownRow, ...]
    range_rows: tuple[RangeRow, ...]
    range_totals: tuple[RangeRow, ...]
    exchanges: tuple[ReportExchange, ...]
    network: Image
    charts: tuple[Image, ...]
    history: tuple[TrendRow, ...]
    trend_chart: Image | None
    flags: tuple[FlagCount, ...]
    factors: tuple[FactorRow, ...]
    sources: tuple[Source, ...]
    provenance: Provenance
    monte_carlo: MonteCarloNote
    declared: DeclaredSection


def _in_year(exchange: Exchange, year: str) -> tuple[dict[str, float], float]:
    fraction = exchange.years[year]
    saved = {key: exchange.saved[key] * fraction for key in SAVED}
    return saved, exchange.money_by_year[year].network


def flow_totals(
    exchanges: Sequence[Exchange], year: str
) -> dict[str, tuple[dict[str, float], float, int]]:
    """Saved, network money and count per flow kind, each exchange counted once."""
    totals: dict[str, tuple[dict[str, float], float, int]] = {}
    for exchange in exchanges:
        saved, money = _in_year(exchange, year)
        before = totals.get(exchange.flow, (dict.fromkeys(SAVED, 0.0), 0.0, 0))
        totals[exchange.flow] = (
            {key: before[0][key] + saved[key] for key in SAVED},
            before[1] + money,
            before[2] + 1,
        )
    return dict(sorted(totals.items()))


def _cumulative(
    results: Results, year: str, currency: str, extension: Uncertainty | None = None
) -> Cumulative | None:
    years = sorted(y for y in results.years if y <= year)
    if len(years) < 2:
        return None
    label = cumulative_label(years)
    saved = {key: sum(results.years[y].saved[key] for y in years) for key in SAVED}
    money = sum(results.years[y].money for y in years)
    ranges, note = cumulative_ranges(results, year, extension)
    # The extension's total is the cumulative figure's only when it covers every year.
    spread = spreads(extension, "totals", "all") if ranges else {}
    return Cumulative(label, headline(saved, money, currency, label, spread), ranges, note)


def _range_totals(
    year: str, cumulative: Cumulative | None, extension: Uncertainty | None
) -> tuple[RangeRow, ...]:
    """The annual total's CO2e range and the cumulative one when it has a range."""
    rows = []
    annual = quantity_range(extension, "years", year)
    if annual is not None:
        rows.append(
            RangeRow(say(messages.TOTAL_ANNUAL, year=year), say(messages.COUNTED_ONCE), annual)
        )
    if cumulative is not None and cumulative.ranges:
        total = quantity_range(extension, "totals", "all")
        if total is not None:
            rows.append(RangeRow(cumulative.label.capitalize(), say(messages.ALL_YEARS), total))
    return tuple(rows)


def _network(results: Results, year: str, exchanges: Sequence[Exchange]) -> Image:
    names = names_by_id(results)
    nodes = [(org, names[org]) for org in organisations_in_year(results, year)]
    edges = [
        Edge(e.supplier, e.receiver, e.flow, e.saved["co2e_kg"] * e.years[year] / 1000)
        for e in exchanges
    ]
    drawn = condense(nodes, edges)
    return Image(
        "network",
        say(messages.NETWORK_CHART, year=year),
        _network_caption(drawn, len(nodes), year),
        network_diagram(drawn.nodes, drawn.edges, say(messages.NETWORK_WEIGHT, year=year)),
    )


def _network_caption(drawn: Condensed, organisations: int, year: str) -> str:
    """The diagram's caption: whole sentences, joined."""
    if not drawn.merged:
        return say(messages.NETWORK_EVERY, year=year)
    sentences = [say(messages.NETWORK_MERGED, year=year)]
    if drawn.grouped:
        kept = organisations - drawn.grouped
        sentences.append(say(messages.NETWORK_GROUPED, kept=kept, grouped=drawn.grouped))
    sentences.append(say(messages.NETWORK_ARROWS_MERGED))
    if drawn.hidden:
        sentences.append(
            say_n(messages.NETWORK_HIDDEN_ONE, messages.NETWORK_HIDDEN_MANY, drawn.hidden)
        )
    sentences.append(say(messages.NETWORK_EVERY_LISTED))
    return " ".join(sentences)


def _flows_chart(flows: Mapping[str, tuple[dict[str, float], float, int]], year: str) -> Image:
    unit = say(messages.CHART_UNIT)
    return Image(
        "flows",
        say(messages.FLOWS_CHART, year=year),
        say(messages.FLOWS_CAPTION),
        charts.bars_by_flow(list(flows), [v[0]["co2e_kg"] / 1000 for v in flows.values()], unit),
    )


def _exchange_row(
    exchange: Exchange, year: str, names: Mapping[str, str], extension: Uncertainty | None
) -> ReportExchange:
    saved, money = _in_year(exchange, year)
    spread = spreads(extension, "exchanges", exchange.id, exchange.years[year])
    return ReportExchange(
        id=exchange.id,
        supplier=names.get(exchange.supplier, exchange.supplier),
        receiver=names.get(exchange.receiver, exchange.receiver),
        flow=say(FLOW_LABELS.get(exchange.flow, exchange.flow)),
        resource=exchange.resource,
        quantity=numbers.amount(exchange.quantity),
        unit=exchange.unit,
        year_fraction=numbers.percent(exchange.years[year]),
        figures=credited(saved, money, spread),
        flags=flag_notes(exchange.flags),
    )


def _flow_rows(
    flows: Mapping[str, tuple[dict[str, float], float, int]],
) -> tuple[BreakdownRow, ...]:
    return tuple(
        BreakdownRow(
            say(FLOW_LABELS.get(flow, flow)),
            say_n(messages.EXCHANGES_ONE, messages.EXCHANGES_MANY, count),
            credited(saved, money),
        )
        for flow, (saved, money, count) in flows.items()
    )


def _org_rows(
    results: Results, year: str, extension: Uncertainty | None
) -> tuple[BreakdownRow, ...]:
    active = set(organisations_in_year(results, year))
    return tuple(
        BreakdownRow(
            display_name(org),
            " \u00b7 ".join(part for part in (org.id, org.country) if part),
            credited(
                org.years[year].saved,
                org.years[year].money,
                spreads(extension, "organisation_years", f"{org.id}/{year}"),
            ),
        )
        for org in results.organisations
        if org.id in active
    )


def report_context(results: Results, year: str, cluster: str = DEFAULT_CLUSTER) -> ReportContext:
    """The cluster report for ``year``; InputError when the year has no exchange."""
    if cluster == DEFAULT_CLUSTER:  # the default name, in the language of the report
        cluster = say(messages.DEFAULT_CLUSTER)
    require_year(results, year)
    exchanges = exchanges_in_year(results, year)
    currency = results.currency
    totals = results.years[year]
    flows = flow_totals(exchanges, year)
    extension = results.uncertainty
    history = trend(results, year, extension)
    factor_rows, source_rows = annex(results, used_activities(exchanges))
    names = names_by_id(results)
    spread = spreads(extension, "years", year)
    cumulative = _cumulative(results, year, currency, extension)
    return ReportContext(
        meta=make_meta(
            results,
            say(messages.REPORT_TITLE, cluster=cluster, year=year),
            cluster,
            say(messages.REPORT_SUBJECT, cluster=cluster, year=year),
            say(messages.REPORT_KEYWORDS, year=year),
        ),
        cluster=cluster,
        year=year,
        currency=currency,
        organisation_count=len(organisations_in_year(results, year)),
        exchange_count=len(exchanges),
        headline=headline(
            totals.saved,
            totals.money,
            currency,
            say(messages.BASIS_CLUSTER, year=year),
            spread,
        ),
        headline_ranges=headline_ranges(extension, "years", year),
        total=credited(totals.saved, totals.money, spread),
        cumulative=cumulative,
        by_flow=_flow_rows(flows),
        by_org=_org_rows(results, year, extension),
        range_rows=organisation_rows(results, year, extension),
        range_totals=_range_totals(year, cumulative, extension),
        exchanges=tuple(_exchange_row(e, year, names, extension) for e in exchanges),
        network=_network(results, year, exchanges),
        charts=(_flows_chart(flows, year),),
        history=history if len(history) > 1 else (),
        trend_chart=trend_chart(results, history) if len(history) > 1 else None,
        flags=flag_counts(exchanges),
        factors=factor_rows,
        sources=source_rows,
        provenance=provenance(results),
        monte_carlo=monte_carlo_note(extension),
        declared=report_declared(results, year, names, organisations_in_year(results, year)),
    )
