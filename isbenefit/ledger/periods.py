"""Calendar years of each exchange, and its money's currency factor per year.

An exchange whose period spans calendar years is split among them by days (both end dates
count); its factors' vintages follow the year holding most of its days. Money is
converted with the annual average rate of the year it falls in; a year after the last
rate held (this year's, not out yet) takes the latest one, with a warning.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from isbenefit.engine import core
from isbenefit.errors import Problem
from isbenefit.ledger.checks import SheetChecker
from isbenefit.ledger.rates import Rates
from isbenefit.ledger.rules import MONEY_COLUMNS
from isbenefit.ledger.suggest import with_suggestion

_ISO_CODE = re.compile(r"^[A-Z]{3}$")  # as the rules check the currency column


def _period_split(exchanges: pd.DataFrame) -> tuple[np.ndarray, ...]:
    """(valid, position, year, fraction): each exchange's period split by calendar year;
    a period the rules refused (missing or reversed dates) is split as day 0."""
    start = exchanges["period_start"].to_numpy(dtype="int64")
    end = exchanges["period_end"].to_numpy(dtype="int64")
    valid = (start >= 0) & (end >= start)
    return valid, *core.year_fractions(np.where(valid, start, 0), np.where(valid, end, 0))


def main_years(exchanges: pd.DataFrame) -> np.ndarray:
    """The calendar year holding most of each exchange's days (the earlier on a tie)."""
    _, position, year, fraction = _period_split(exchanges)
    # Per exchange: largest fraction first, the earlier year first among equals.
    order = np.lexsort((year, -fraction, position))
    first = np.unique(position[order], return_index=True)[1]
    best = np.zeros(len(exchanges), dtype=int)
    best[position[order][first]] = year[order][first]
    return best


def year_split(
    check: SheetChecker,
    exchanges: pd.DataFrame,
    rates: Rates,
    report_currency: str,
) -> core.YearSplit:
    """Calendar-year split of every exchange, with money's currency factor per year."""
    valid, position, year, fraction = _period_split(exchanges)
    currency = exchanges["currency"].to_numpy(dtype=object)
    has_money = (exchanges[list(MONEY_COLUMNS)].to_numpy(dtype=float) != 0).any(axis=1)
    factor = np.ones(len(position))
    pairs = pd.DataFrame({"currency": currency[position], "year": year})
    for key, group in pairs.groupby(["currency", "year"], sort=True):
        code, when = str(key[0]), int(str(key[1]))
        rows = group.index.to_numpy()
        if code == report_currency or _reported_elsewhere(code, report_currency, rates):
            continue
        needs = np.zeros(len(exchanges), dtype=bool)
        needs[position[rows]] = True
        used = {c: rates.year_for(c, when) for c in (code, report_currency)}
        from_year, to_year = used[code], used[report_currency]
        if from_year is not None and to_year is not None:
            factor[rows] = rates.factor_between(code, from_year, report_currency, to_year)
            _warn_carried_rates(check, needs & has_money & valid, used, when)
            continue
        missing = code if from_year is None else report_currency
        check.flag(
            needs & has_money & valid,
            "currency",
            f"no exchange rate for {missing} in {when}",
            f"add a row to the rates sheet: currency {missing}, year {when}, per_eur = "
            f"units of {missing} per 1 EUR (annual average)",
        )
    keep = valid[position]
    return core.YearSplit(position[keep], year[keep], fraction[keep], factor[keep])


def _reported_elsewhere(code: str, report_currency: str, rates: Rates) -> bool:
    """Whether a missing rate follows from a problem reported once already: a code that is
    no ISO 4217 code (rules), or a report currency with no rates at all (--currency)."""
    return not _ISO_CODE.match(code) or bool(check_report_currency(rates, report_currency, ""))


def _warn_carried_rates(
    check: SheetChecker, rows: np.ndarray, used: dict[str, int | None], year: int
) -> None:
    """A warning for each currency whose rate of ``year`` is not out yet (the latest
    annual average is used), as for a factor without a vintage of the year."""
    for currency, last in used.items():
        if last is not None and last != year:
            check.warn(
                rows,
                "currency",
                f"no exchange rate for {currency} in {year} yet: the {last} annual average "
                "is used (the latest the rates hold)",
                f"once the {year} annual average is published, add it to the rates sheet: "
                f"currency {currency}, year {year}, per_eur = units of {currency} per 1 EUR",
            )


def check_report_currency(rates: Rates, report_currency: str, file: str) -> list[Problem]:
    if report_currency == "EUR" or report_currency in rates.currencies():
        return []
    return [
        Problem(
            file=file,
            column="--currency",
            value=report_currency,
            message="report currency has no exchange rates",
            fix=with_suggestion(
                report_currency,
                rates.currencies(),
                f"use one of {', '.join(rates.currencies())}, or add its rates to the "
                "ledger's rates sheet",
            ),
        )
    ]


def money_arrays(exchanges: pd.DataFrame) -> core.MoneyArrays:
    values = {c: exchanges[c].to_numpy(dtype=float) for c in MONEY_COLUMNS}
    return core.MoneyArrays(**values)
