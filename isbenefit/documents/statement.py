"""Contexts of the benefit statement and the certificate of one organisation and year."""

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
    Organisation,
    Provenance,
    annex,
    baseline_words,
    credited,
    flag_notes,
    headline,
    line_activity_name,
    make_meta,
    names_by_id,
    organisation,
    provenance,
    used_activities,
)
from isbenefit.documents.declared import DeclaredSection, statement_declared
from isbenefit.documents.ranges import (
    MonteCarloNote,
    Range,
    exchange_ranges,
    headline_ranges,
    monte_carlo_note,
    quantity_range,
    spreads,
)
from isbenefit.documents.shares import Credit, credits, find_organisation, require_year
from isbenefit.messages import say
from isbenefit.results.alternatives import LEDGER_BASELINE
from isbenefit.results.model import Alternative, Factor, Line, Results, Source, Uncertainty


@dataclass(frozen=True)
class CalcLine:
    """One line of an exchange's calculation (whole period of the exchange).

    Attributes:
        role: what the line stands for, in words.
        activity: activity name.
        activity_id: activity id in the factor set.
        amount: amount of the activity, as printed.
        unit: unit of the amount.
        factor: kg CO2e per unit of the activity, as printed.
        co2e_t: t CO2e of the line, as printed.
    """

    role: str
    activity: str
    activity_id: str
    amount: str
    unit: str
    factor: str
    co2e_t: str


@dataclass(frozen=True)
class StatementExchange:
    """One exchange of the organisation, with its credited share in the year.

    Attributes:
        id: exchange id.
        partner: the other organisation's name.
        partner_id: its id.
        role: ``supplier`` or ``receiver``.
        flow: flow kind, capitalised.
        resource: what was exchanged.
        quantity: quantity over the exchange's period, as printed.
        unit: unit of the quantity.
        period: the period the quantity covers.
        data_quality: measured, calculated or estimated.
        evidence: where the quantity comes from (may be empty).
        baseline: the no-symbiosis alternative in words.
        baseline_lines: calculation lines of the baseline.
        symbiosis_lines: calculation lines of the symbiosis.
        baseline_t: baseline t CO2e (whole period).
        symbiosis_t: symbiosis t CO2e (whole period).
        saved_period_t: t CO2e saved over the whole period.
        year_fraction: part of the period in the year, as a percentage.
        saved_year_t: t CO2e saved in the year, whole exchange.
        credit_share: this organisation's share, as a percentage.
        credited: this organisation's credited figures and money in the year.
        period_range: CO2e range saved over the whole period, calculation-line rounding
            (None without Monte Carlo).
        co2e_range: CO2e range of the credited share in the year (None without Monte Carlo).
        flags: notes for a reviewer (EU ETS, supply-limited by-products, proxy factors), each
            a sentence.
        alternatives: the other plausible baselines, each with its reason and the t CO2e it
            would save over the period, as sentences.
        conservative_baseline: the baseline the conservative figure rests on, in words
            (empty without alternatives).
        role_credited: the organisation's role and credited share, in words.
        share_line: the calculation's last line (share credited = credited CO2e), in words.
    """

    id: str
    partner: str
    partner_id: str
    role: str
    flow: str
    resource: str
    quantity: str
    unit: str
    period: str
    data_quality: str
    evidence: str
    baseline: str
    baseline_lines: tuple[CalcLine, ...]
    symbiosis_lines: tuple[CalcLine, ...]
    baseline_t: str
    symbiosis_t: str
    saved_period_t: str
    year_fraction: str
    saved_year_t: str
    credit_share: str
    credited: Credited
    period_range: Range | None = None
    co2e_range: Range | None = None
    flags: tuple[str, ...] = ()
    alternatives: tuple[str, ...] = ()
    conservative_baseline: str = ""
    role_credited: str = ""
    share_line: str = ""


@dataclass(frozen=True)
class StatementContext:
    """Everything ``statement.html`` prints.

    Attributes:
        meta: PDF metadata.
        org: the organisation.
        year: the reporting year.
        currency: report currency.
        headline: the annual credited figures.
        headline_ranges: Monte Carlo range of each headline figure (None for money), aligned
            with ``headline``; empty without Monte Carlo.
        share_rule: the credit share rule and this organisation's shares, in words.
        exchanges: the organisation's exchanges in the year.
        total: the credited annual figures as printed in the table's total row.
        total_range: CO2e range of the credited annual total (None without Monte Carlo).
        charts: charts (emissions per exchange, savings by flow kind).
        factors: annex of every factor used.
        sources: the sources those factors cite.
        provenance: versions, hashes and rounding.
        monte_carlo: what the methodology says about uncertainty.
        declared: the organisation's declared jobs and money in the year, with the rows
            behind them (empty without any).
    """

    meta: Meta
    org: Organisation
    year: str
    currency: str
    headline: tuple[Figure, ...]
    headline_ranges: tuple[Range | None, ...]
    share_rule: str
    exchanges: tuple[StatementExchange, ...]
    total: Credited
    total_range: Range | None
    charts: tuple[Image, ...]
    factors: tuple[FactorRow, ...]
    sources: tuple[Source, ...]
    provenance: Provenance
    monte_carlo: MonteCarloNote
    declared: DeclaredSection


def _calc_lines(
    lines: Sequence[Line], baseline: bool, factors: Mapping[str, Factor]
) -> tuple[CalcLine, ...]:
    return tuple(
        CalcLine(
            role=say(messages.ROLE_WORDS.get(line.role, line.role)),
            activity=line_activity_name(factors, line),
            activity_id=line.activity,
            amount=numbers.amount(line.amount),
            unit=line.unit,
            factor=numbers.factor(_per_unit(line, factors)),
            co2e_t=numbers.line_tonnes_from_kg(line.co2e_kg),
        )
        for line in lines
        if line.is_baseline == baseline
    )


def _per_unit(line: Line, factors: Mapping[str, Factor]) -> float:
    """kg CO2e per unit of the line's activity: the factor's value, else derived."""
    factor = factors.get(line.activity)
    if factor is not None and factor.unit == line.unit:
        return factor.co2e_kg
    return line.co2e_kg / line.amount if line.amount else 0.0


def statement_exchange(
    part: Credit,
    year: str,
    names: Mapping[str, str],
    factors: Mapping[str, Factor],
    extension: Uncertainty | None = None,
) -> StatementExchange:
    e = part.exchange
    saved_kg = e.saved["co2e_kg"]
    period_range, co2e_range = exchange_ranges(
        extension, e.id, part.year_fraction, part.credit_share
    )
    return StatementExchange(
        id=e.id,
        partner=names.get(part.partner, part.partner),
        partner_id=part.partner,
        role=say(messages.ROLE_NAMES.get(part.role, part.role)),
        flow=say(FLOW_LABELS.get(e.flow, e.flow)),
        resource=e.resource,
        quantity=numbers.amount(e.quantity),
        unit=e.unit,
        period=say(
            messages.PERIOD, start=numbers.date(e.period_start), end=numbers.date(e.period_end)
        ),
        data_quality=say(messages.DATA_QUALITY_WORDS.get(e.data_quality, e.data_quality)),
        evidence=e.evidence,
        baseline=baseline_words(e, factors),
        baseline_lines=_calc_lines(e.lines, True, factors),
        symbiosis_lines=_calc_lines(e.lines, False, factors),
        baseline_t=numbers.line_tonnes_from_kg(e.baseline["co2e_kg"]),
        symbiosis_t=numbers.line_tonnes_from_kg(e.symbiosis["co2e_kg"]),
        saved_period_t=numbers.line_tonnes_from_kg(saved_kg),
        year_fraction=numbers.percent(part.year_fraction),
        saved_year_t=numbers.line_tonnes_from_kg(saved_kg * part.year_fraction),
        credit_share=numbers.percent(part.credit_share),
        # The exchange's spread scaled as its credited figure is (ranges.exchange_ranges).
        credited=credited(
            part.saved,
            part.money,
            spreads(extension, "exchanges", e.id, part.year_fraction * part.credit_share),
        ),
        period_range=period_range,
        co2e_range=co2e_range,
        flags=flag_notes(e.flags),
        alternatives=tuple(_alternative(a) for a in e.alternatives),
        conservative_baseline=(
            say(messages.LEDGER_BASELINE)
            if e.conservative_baseline == LEDGER_BASELINE
            else e.conservative_baseline
        ),
        role_credited=say(
            messages.ROLE_CREDITED.get(part.role, part.role),
            share=numbers.percent(part.credit_share),
        ),
        share_line=say(
            messages.SHARE_LINE.get(part.role, part.role),
            share=numbers.percent(part.credit_share),
            year=year,
        ),
    )


def _alternative(alternative: Alternative) -> str:
    """Another plausible baseline of an exchange and what it saves, in a sentence."""
    co2e = numbers.line_tonnes_from_kg(alternative.saved["co2e_kg"])
    return say(messages.ALTERNATIVE, name=alternative.name, reason=alternative.reason, co2e=co2e)


def share_rule(org_name: str, year: str, parts: Sequence[Credit]) -> str:
    """The credit share rule, with this organisation's shares."""
    shares = "; ".join(
        say(
            messages.SHARE,
            exchange=part.exchange.id,
            role=say(messages.ROLE_NAMES.get(part.role, part.role)),
            share=numbers.percent(part.credit_share),
        )
        for part in parts
    )
    return say(messages.SHARE_RULE, organisation=org_name, year=year, shares=shares)


def _statement_charts(parts: Sequence[Credit], year: str) -> tuple[Image, ...]:
    labels = [f"{p.exchange.id} {p.exchange.resource}" for p in parts]
    baseline = [p.exchange.baseline["co2e_kg"] * p.year_fraction / 1000 for p in parts]
    symbiosis = [p.exchange.symbiosis["co2e_kg"] * p.year_fraction / 1000 for p in parts]
    flows = sorted({p.exchange.flow for p in parts})
    by_flow = [
        sum(p.saved["co2e_kg"] for p in parts if p.exchange.flow == flow) / 1000 for flow in flows
    ]
    return (
        Image(
            "emissions",
            say(messages.EMISSIONS_CHART, year=year),
            say(messages.EMISSIONS_CAPTION, year=year),
            charts.emissions_by_exchange(labels, baseline, symbiosis),
        ),
        Image(
            "flows",
            say(messages.CREDITED_FLOWS_CHART, year=year),
            say(messages.CREDITED_FLOWS_CAPTION),
            charts.bars_by_flow(flows, by_flow, say(messages.CHART_UNIT)),
        ),
    )


def statement_context(results: Results, org_id: str, year: str) -> StatementContext:
    """The statement of ``org_id`` for ``year``; InputError for an unknown org or empty year."""
    record = find_organisation(results, org_id)
    require_year(results, year, org_id)
    org = organisation(record)
    parts = credits(results, org_id, year)
    names, factors = names_by_id(results), results.factors
    year_figures = record.years[year]
    factor_rows, source_rows = annex(results, used_activities(p.exchange for p in parts))
    extension = results.uncertainty
    org_year = f"{org_id}/{year}"
    spread = spreads(extension, "organisation_years", org_year)
    return StatementContext(
        meta=make_meta(
            results,
            say(messages.STATEMENT_TITLE, year=year, organisation=org.name),
            "isbenefit",
            say(messages.STATEMENT_SUBJECT, year=year, organisation=org.name),
            say(messages.STATEMENT_KEYWORDS, year=year),
        ),
        org=org,
        year=year,
        currency=results.currency,
        headline=headline(
            year_figures.saved,
            year_figures.money,
            results.currency,
            say(messages.BASIS_CREDITED, year=year),
            spread,
        ),
        # The organisation's own entry: its draws were summed over its exchanges before
        # the percentiles were taken, so they are not the sum of the exchanges' ranges.
        headline_ranges=headline_ranges(extension, "organisation_years", org_year),
        share_rule=share_rule(org.name, year, parts),
        exchanges=tuple(statement_exchange(p, year, names, factors, extension) for p in parts),
        total=credited(year_figures.saved, year_figures.money, spread),
        total_range=quantity_range(extension, "organisation_years", org_year),
        charts=_statement_charts(parts, year),
        factors=factor_rows,
        sources=source_rows,
        provenance=provenance(results),
        monte_carlo=monte_carlo_note(extension),
        declared=statement_declared(results, org_id, year),
    )
