"""Declared jobs and money as documents print them: always under their own heading,
labelled as declared, with who declared each and the evidence; never beside or inside a
CO2e figure (results/declared.py)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from isbenefit import messages
from isbenefit.documents import numbers
from isbenefit.documents.report_parts import cumulative_label
from isbenefit.messages import say
from isbenefit.reported import DECLARED, FTE_DECIMALS
from isbenefit.results.declared import DeclaredAmount, DeclaredPart, DeclaredRow
from isbenefit.results.model import Results


@dataclass(frozen=True)
class DeclaredLine:
    """A declared figure summed: its label (with the other money's own label), value as
    printed and unit (FTE or the report currency)."""

    label: str
    value: str
    unit: str


@dataclass(frozen=True)
class DeclaredSource:
    """One declared row behind an organisation's figures.

    Attributes:
        label: what is declared.
        value: the part credited to the organisation in the year, as printed.
        unit: FTE or the report currency.
        basis: how that part follows from the row (share of an exchange, days in the year).
        declared_by: the organisation or the named verifier declaring it.
        evidence: where a reviewer finds it.
    """

    label: str
    value: str
    unit: str
    basis: str
    declared_by: str
    evidence: str


@dataclass(frozen=True)
class DeclaredOrganisation:
    """A row of the report's table: an organisation and its credited figures in the year,
    one per column of :attr:`DeclaredSection.columns` ("" where it has none)."""

    name: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class DeclaredSection:
    """What a document prints of the declared figures (empty tuples: nothing declared).

    Attributes:
        totals: the figures of the year (an organisation's credited share, or the
            cluster's with each row once).
        cumulative: the cluster's figures over every year of the ledger up to the year
            (report only; empty with one year).
        cumulative_label: which years ``cumulative`` covers.
        sources: the rows behind an organisation's figures (statement only).
        columns: the report table's column headings, one per figure and unit.
        organisations: the report table's rows.
    """

    totals: tuple[DeclaredLine, ...] = ()
    cumulative: tuple[DeclaredLine, ...] = ()
    cumulative_label: str = ""
    sources: tuple[DeclaredSource, ...] = ()
    columns: tuple[str, ...] = ()
    organisations: tuple[DeclaredOrganisation, ...] = ()


def _label(figure: str, label: str) -> str:
    name = say(DECLARED[figure].label)
    return say(messages.DECLARED_LABELLED, figure=name, label=label) if label else name


def _value(figure: str, amount: float) -> str:
    return numbers.fixed(amount, FTE_DECIMALS if not DECLARED[figure].money else 0)


def lines(amounts: Iterable[DeclaredAmount]) -> tuple[DeclaredLine, ...]:
    return tuple(
        DeclaredLine(_label(a.figure, a.label), _value(a.figure, a.amount), a.unit) for a in amounts
    )


def _basis(row: DeclaredRow, part: DeclaredPart) -> str:
    if not row.exchange:
        return say(messages.DECLARED_ORGANISATION_YEAR, year=part.year)
    fraction = numbers.percent(part.year_fraction)
    if row.organisation:  # credited to the one party, as declared
        if part.year_fraction == 1:
            return say(messages.DECLARED_PARTY, exchange=row.exchange)
        return say(
            messages.DECLARED_PARTY_SPLIT, exchange=row.exchange, fraction=fraction, year=part.year
        )
    share = numbers.percent(part.share)
    if part.year_fraction == 1:
        return say(messages.DECLARED_SHARE, share=share, exchange=row.exchange)
    return say(
        messages.DECLARED_SHARE_SPLIT,
        share=share,
        exchange=row.exchange,
        fraction=fraction,
        year=part.year,
    )


def statement_declared(results: Results, org_id: str, year: str) -> DeclaredSection:
    """An organisation's declared figures in a year and the rows behind them."""
    declared = results.declared
    if declared is None:
        return DeclaredSection()
    sources = tuple(
        DeclaredSource(
            _label(row.figure, row.label),
            _value(row.figure, part.amount),
            row.unit,
            _basis(row, part),
            row.declared_by,
            row.evidence,
        )
        for row, part in declared.rows_of(org_id, year)
    )
    return DeclaredSection(totals=lines(declared.of(org_id, year)), sources=sources)


def report_declared(
    results: Results, year: str, names: dict[str, str], organisations: Iterable[str]
) -> DeclaredSection:
    """The cluster's declared figures in a year (each row once), cumulative since the
    ledger's first year, and a table of the organisations credited with some."""
    declared = results.declared
    if declared is None or year not in declared.years:
        return DeclaredSection()
    annual = declared.years[year]
    keys = [(a.figure, a.label, a.unit) for a in annual]
    rows = []
    for org in organisations:
        own = {(a.figure, a.label, a.unit): a.amount for a in declared.of(org, year)}
        if own:
            values = tuple(_value(k[0], own[k]) if k in own else "" for k in keys)
            rows.append(DeclaredOrganisation(names.get(org, org), values))
    years = sorted(y for y in declared.years if y <= year)
    summed: dict[tuple[str, str, str], float] = {}
    for each in years:
        for a in declared.years[each]:
            summed[(a.figure, a.label, a.unit)] = (
                summed.get((a.figure, a.label, a.unit), 0) + a.amount
            )
    cumulative = [DeclaredAmount(f, lab, unit, v) for (f, lab, unit), v in summed.items()]
    return DeclaredSection(
        totals=lines(annual),
        cumulative=lines(cumulative) if len(years) > 1 else (),
        cumulative_label=cumulative_label(years).capitalize(),
        columns=tuple(f"{_label(f, lab)} ({unit})" for f, lab, unit in keys),
        organisations=tuple(rows),
    )
