"""Reading one organisation's credited share of one year out of the results dict.

The results JSON (spec section 4) carries each exchange's savings for its whole
period, the fraction of the period in each calendar year and the supplier's
share. An organisation's credit for exchange *e* in year *y* is

    saved[k] * years[y] * (supplier_share if supplier else 1 - supplier_share)

and its money is ``money_by_year[y].supplier`` or ``.receiver``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from isbenefit.engine.core import SAVED, Party, credit_share
from isbenefit.errors import InputError

SAVED_KEYS = SAVED
SUPPLIER = Party.SUPPLIER
RECEIVER = Party.RECEIVER

Results = Mapping[str, Any]


@dataclass(frozen=True)
class Credit:
    """One organisation's part of one exchange in one year.

    Attributes:
        exchange: the exchange record of the results dict.
        role: ``supplier`` or ``receiver``.
        partner: id of the other organisation.
        year_fraction: part of the exchange's period that falls in the year.
        credit_share: share of the savings credited to this organisation.
        saved: credited savings (the keys of ``SAVED_KEYS``).
        money: this organisation's money delta in the year, report currency.
        additional_sales: sales credited in the year (supplier only).
    """

    exchange: Mapping[str, Any]
    role: str
    partner: str
    year_fraction: float
    credit_share: float
    saved: Mapping[str, float]
    money: float
    additional_sales: float


def credit(exchange: Mapping[str, Any], org_id: str, year: str) -> Credit:
    """The credit of ``org_id`` (supplier or receiver of ``exchange``) in ``year``."""
    role = SUPPLIER if exchange["supplier"] == org_id else RECEIVER
    partner = exchange["receiver"] if role == SUPPLIER else exchange["supplier"]
    fraction = float(exchange["years"].get(year, 0.0))
    share = credit_share(float(exchange["supplier_share"]), role)
    saved = {key: float(exchange["saved"][key]) * fraction * share for key in SAVED_KEYS}
    money_year = exchange["money_by_year"].get(year)
    money = float(money_year[role]) if money_year else 0.0
    sales = float(money_year["additional_sales"]) if money_year and role == SUPPLIER else 0.0
    return Credit(exchange, role, partner, fraction, share, saved, money, sales)


def exchanges_in_year(results: Results, year: str) -> list[Mapping[str, Any]]:
    """Exchanges with a part of their period in ``year``, in results order."""
    return [e for e in results["exchanges"] if float(e["years"].get(year, 0.0)) > 0.0]


def credits(results: Results, org_id: str, year: str) -> list[Credit]:
    """Every credit of ``org_id`` in ``year``, in results order."""
    return [
        credit(e, org_id, year)
        for e in exchanges_in_year(results, year)
        if org_id in (e["supplier"], e["receiver"])
    ]


def organisations_in_year(results: Results, year: str) -> list[str]:
    """Ids of the organisations with at least one exchange in ``year``, in results order."""
    active = {
        org for e in exchanges_in_year(results, year) for org in (e["supplier"], e["receiver"])
    }
    return [org["id"] for org in results["organisations"] if org["id"] in active]


def display_name(org: Mapping[str, Any]) -> str:
    """The organisation's name, or its id when the ledger gives none."""
    return str(org["name"]) if org.get("name") else str(org["id"])


def find_organisation(results: Results, org_id: str) -> Mapping[str, Any]:
    """The organisation record; InputError naming the known ids when unknown."""
    for org in results["organisations"]:
        if org["id"] == org_id:
            return dict(org)
    known = ", ".join(sorted(str(o["id"]) for o in results["organisations"])) or "(none)"
    raise InputError.one(
        file=_ledger_name(results),
        sheet="organisations",
        column="id",
        value=org_id,
        message="no organisation has this id",
        fix=f"use one of the ids in the ledger: {known}",
    )


def require_year(results: Results, year: str, org_id: str | None = None) -> None:
    """InputError when ``year`` has no exchange (of ``org_id``, when given)."""
    if org_id is None:
        found = bool(exchanges_in_year(results, year))
        whose = "the ledger"
        years = _years_with_exchanges(results["exchanges"])
    else:
        found = bool(credits(results, org_id, year))
        whose = f"organisation {org_id!r}"
        years = _years_with_exchanges(
            e for e in results["exchanges"] if org_id in (e["supplier"], e["receiver"])
        )
    if not found:
        listed = ", ".join(years) or "none"
        raise InputError.one(
            file=_ledger_name(results),
            sheet="exchanges",
            column="period_start",
            value=year,
            message=f"{whose} has no exchange whose period falls in this year",
            fix=f"choose a year with exchanges ({listed})",
        )


def _years_with_exchanges(exchanges: Any) -> list[str]:
    found = {year for e in exchanges for year, part in e["years"].items() if float(part) > 0}
    return sorted(found)


def _ledger_name(results: Results) -> str:
    return str(results["ledger"]["name"])


def sum_saved(parts: Sequence[Mapping[str, float]]) -> dict[str, float]:
    """Key-wise sum of saved dicts."""
    return {key: sum(float(part[key]) for part in parts) for key in SAVED_KEYS}
