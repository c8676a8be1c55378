"""Reading one organisation's credited share of one year out of the results.

The results (spec section 4, read as :class:`isbenefit.results.model.Results`) carry
each exchange's savings for its whole period, the fraction of the period in each
calendar year and the supplier's share. An organisation's credit for exchange *e* in year *y* is

    saved[k] * years[y] * (supplier_share if supplier else 1 - supplier_share)

and its money is ``money_by_year[y].supplier`` or ``.receiver``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from isbenefit.engine.core import SAVED, Party, credit_share
from isbenefit.errors import InputError
from isbenefit.results.model import Exchange, Organisation, Results, as_results


@dataclass(frozen=True)
class Credit:
    """One organisation's part of one exchange in one year.

    Attributes:
        exchange: the exchange.
        role: ``supplier`` or ``receiver``.
        partner: id of the other organisation.
        year_fraction: part of the exchange's period that falls in the year.
        credit_share: share of the savings credited to this organisation.
        saved: credited savings (the keys of ``engine.core.SAVED``).
        money: this organisation's money delta in the year, report currency.
        additional_sales: sales credited in the year (supplier only).
    """

    exchange: Exchange
    role: Party
    partner: str
    year_fraction: float
    credit_share: float
    saved: Mapping[str, float]
    money: float
    additional_sales: float


def credit(exchange: Exchange, org_id: str, year: str) -> Credit:
    """The credit of ``org_id`` (supplier or receiver of ``exchange``) in ``year``."""
    role = exchange.party(org_id)
    fraction = exchange.fraction(year)
    share = credit_share(exchange.supplier_share, role)
    saved = {key: exchange.saved[key] * fraction * share for key in SAVED}
    money_year = exchange.money_by_year.get(year)
    money = money_year.of(role) if money_year else 0.0
    sales = money_year.additional_sales if money_year and role is Party.SUPPLIER else 0.0
    return Credit(exchange, role, exchange.partner(org_id), fraction, share, saved, money, sales)


def exchanges_in_year(results: Results, year: str) -> list[Exchange]:
    """Exchanges with a part of their period in ``year``, in results order."""
    return [e for e in results.exchanges if e.fraction(year) > 0.0]


def credits(results: Results, org_id: str, year: str) -> list[Credit]:
    """Every credit of ``org_id`` in ``year``, in results order."""
    return [credit(e, org_id, year) for e in exchanges_in_year(results, year) if e.involves(org_id)]


# The three checks below also take the results dict (the command line checks its options
# on it before any document is made); documents pass the parsed results.


def organisations_in_year(results: Results | Mapping[str, Any], year: str) -> list[str]:
    """Ids of the organisations with at least one exchange in ``year``, in results order."""
    parsed = as_results(results)
    active = {org for e in exchanges_in_year(parsed, year) for org in (e.supplier, e.receiver)}
    return [org.id for org in parsed.organisations if org.id in active]


def display_name(org: Organisation) -> str:
    """The organisation's name, or its id when the ledger gives none."""
    return org.name or org.id


def find_organisation(results: Results | Mapping[str, Any], org_id: str) -> Organisation:
    """The organisation; InputError naming the known ids when unknown."""
    parsed = as_results(results)
    for org in parsed.organisations:
        if org.id == org_id:
            return org
    known = ", ".join(sorted(o.id for o in parsed.organisations)) or "(none)"
    raise InputError.one(
        file=parsed.ledger_name,
        sheet="organisations",
        column="id",
        value=org_id,
        message="no organisation has this id",
        fix=f"use one of the ids in the ledger: {known}",
    )


def require_year(
    results: Results | Mapping[str, Any], year: str, org_id: str | None = None
) -> None:
    """InputError when ``year`` has no exchange (of ``org_id``, when given)."""
    parsed = as_results(results)
    if org_id is None:
        found = bool(exchanges_in_year(parsed, year))
        whose = "the ledger"
        years = _years_with_exchanges(parsed.exchanges)
    else:
        found = bool(credits(parsed, org_id, year))
        whose = f"organisation {org_id!r}"
        years = _years_with_exchanges(e for e in parsed.exchanges if e.involves(org_id))
    if not found:
        listed = ", ".join(years) or "none"
        raise InputError.one(
            file=parsed.ledger_name,
            sheet="exchanges",
            column="period_start",
            value=year,
            message=f"{whose} has no exchange whose period falls in this year",
            fix=f"choose a year with exchanges ({listed})",
        )


def _years_with_exchanges(exchanges: Iterable[Exchange]) -> list[str]:
    found = {year for e in exchanges for year, part in e.years.items() if part > 0}
    return sorted(found)


def sum_saved(parts: Sequence[Mapping[str, float]]) -> dict[str, float]:
    """Key-wise sum of saved dicts."""
    return {key: sum(part[key] for part in parts) for key in SAVED}
