"""Declared social and economic figures: the optional sheet `declared` (formats.md section 1).

Jobs created and safeguarded (full-time equivalents), private investment and other money a
programme tracks are not computed: an organisation or a named verifier declares them,
with evidence. A row names the exchange a figure arises from, or the organisation and year
it belongs to. Each row is attributed once, in parts that add up to it:

- a row of an exchange, with no organisation: to the supplier by the exchange's
  `supplier_share` and to the receiver by the rest, as every saving is credited;
- a row of an exchange naming one of its parties: to that party alone (as declared);
- in years: by the exchange's days in each calendar year, as its savings are split, or all
  in the row's `year` when it gives one; a row of no exchange falls in its `year`.

Money is converted into the report currency with the rate of the year each part falls in
(formats.md section 3). A figure declared twice for the same exchange (or organisation)
and year is an error: a cluster total counts every row once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from isbenefit.engine import core
from isbenefit.errors import Problem
from isbenefit.ledger.checks import SheetChecker
from isbenefit.ledger.rates import Rates
from isbenefit.ledger.reading import ROW_COLUMN, RawLedger
from isbenefit.ledger.rules import CheckedSheets
from isbenefit.ledger.suggest import with_suggestion
from isbenefit.reported import DECLARED, FTE

SHEET = "declared"
_ISO_CODE = re.compile(r"^[A-Z]{3}$")
# The parts table: one row per (declared row, organisation, year).
PART_COLUMNS = (
    "row",
    "figure",
    "label",
    "unit",
    "exchange",
    "organisation",
    "year",
    "share",
    "year_fraction",
    "amount",
    "declared_by",
    "evidence",
)


@dataclass(frozen=True)
class DeclaredFigures:
    """The sheet's rows as given (typed, in sheet order) and their attributed parts.

    Attributes:
        rows: the typed sheet, with `unit` (FTE or the report currency) added.
        parts: :data:`PART_COLUMNS`; `amount` in FTE or the report currency, `share` the
            part of the row credited to the organisation, `year_fraction` the part falling
            in the year.
    """

    rows: pd.DataFrame
    parts: pd.DataFrame


def declared_figures(
    sheets: CheckedSheets,
    raw: RawLedger,
    rates: Rates,
    currency: str,
    problems: list[Problem],
    warnings: list[Problem] | None = None,
) -> DeclaredFigures | None:
    """The ledger's declared figures, attributed; None without the sheet (or with no row,
    or when a problem was found: they are in ``problems``). An organisation-year row that
    may repeat what exchange rows credit the same organisation goes to ``warnings``."""
    table = sheets.others.get(SHEET)
    raw_sheet = raw.sheets.get(SHEET)
    if table is None or raw_sheet is None or not len(table):
        return None
    if any(problem.sheet == SHEET for problem in problems):  # the contract's own checks
        return None
    check = SheetChecker(raw_sheet, problems, warnings)
    written = table["label"]
    table = table.assign(
        currency=check.text("currency").str.upper().to_numpy(dtype=object),
        label=_one_spelling(check, table),
    )
    _check_rows(check, table, sheets)
    if problems:  # attributed only against a ledger that passed every check
        return None
    exchanges = sheets.exchanges.set_index("id")
    years = _exchange_years(sheets.exchanges)
    parts = [
        part
        for row in table.to_dict("records")
        for part in _attributed(row, exchanges, years, currency)
    ]
    frame = pd.DataFrame(parts, columns=list(PART_COLUMNS))
    _convert(check, table, frame, rates, currency)
    if problems:
        return None
    _warn_overlaps(check, table, frame)
    unit = [currency if DECLARED[f].money else FTE for f in table["figure"]]
    return DeclaredFigures(table.assign(unit=unit, label=written), frame)


def _one_spelling(check: SheetChecker, table: pd.DataFrame) -> np.ndarray:
    """Each row's label as counted: labels of a figure that differ only in case or spaces
    ("grant", "Grant ") are one, spelt as its first row writes it, with a warning naming
    the rows spelt otherwise (a total per spelling would split one kind of money)."""
    first: dict[tuple[str, str], int] = {}
    group = np.array(
        [
            first.setdefault((str(figure), " ".join(str(label).split()).casefold()), at)
            for at, (figure, label) in enumerate(zip(table["figure"], table["label"], strict=True))
        ],
        dtype=int,
    )
    written = table["label"].to_numpy(dtype=object)
    spelt = written[group] if len(group) else written
    others = spelt != written
    for at in sorted(set(group[others].tolist())):
        check.warn(
            others & (group == at),
            "label",
            f"counted as {spelt[at]!r}, the label of row {int(check.rows[at])}: labels that "
            "differ only in case or spaces are one figure, printed as first written",
            "write the label the same way on every row of this money, or give different "
            "money a different label",
        )
    return spelt


def _warn_overlaps(check: SheetChecker, table: pd.DataFrame, parts: pd.DataFrame) -> None:
    """An organisation-year row of a figure the same organisation is also credited with,
    in the same year, through exchange rows: both may count the same jobs or money."""
    through = parts[parts["exchange"] != ""]
    credited = set(
        zip(through["figure"], through["label"], through["organisation"], through["year"],
            strict=True)
    )  # fmt: skip
    own = table["exchange"].to_numpy(dtype=object) == ""
    keys = zip(table["figure"], table["label"], table["organisation"], table["year"], strict=True)
    both = np.array(
        [
            mine and (f, lab, o, int(y)) in credited
            for mine, (f, lab, o, y) in zip(own, keys, strict=True)
        ],
        dtype=bool,
    )
    check.warn(
        both,
        "organisation",
        "this organisation is also credited with this figure in this year through exchange "
        "rows: if both count the same jobs or money, the total counts them twice",
        "keep each figure once: on the exchange rows, or on the organisation's row alone",
    )


def _check_rows(check: SheetChecker, table: pd.DataFrame, sheets: CheckedSheets) -> None:
    """The rules between the sheet's columns and the other sheets."""
    exchange = table["exchange"].to_numpy(dtype=object)
    organisation = table["organisation"].to_numpy(dtype=object)
    year = table["year"].to_numpy(dtype=float)
    figure = table["figure"].to_numpy(dtype=object)
    known = set(sheets.exchanges["id"])
    given = exchange != ""
    check.flag(
        given & ~np.isin(exchange, list(known)),
        "exchange",
        "no exchange of the exchanges sheet has this id",
        "use an id of the exchanges sheet, or leave exchange blank for a figure of an "
        "organisation in a year",
    )
    check.flag(
        ~given & (organisation == ""),
        "organisation",
        "a figure of no exchange needs the organisation it belongs to",
        "give the organisation's id, or the exchange the figure arises from",
    )
    check.flag(
        ~given & np.isnan(year),
        "year",
        "a figure of no exchange needs the year it belongs to",
        "give the calendar year, e.g. 2024",
    )
    check.flag(
        np.isfinite(year) & (year != np.round(year)),
        "year",
        "not a whole year",
        "write the calendar year, e.g. 2024",
    )
    organisations = set(sheets.organisations["id"])
    check.flag(
        ~given & (organisation != "") & ~np.isin(organisation, list(organisations)),
        "organisation",
        "no organisation of the ledger has this id",
        "use an organisation id of the organisations or exchanges sheet",
    )
    _check_parties(check, table, sheets.exchanges, known)
    money = np.array([DECLARED[f].money if f else False for f in figure], dtype=bool)
    check.flag(
        (figure == "other_money") & (table["label"].to_numpy(dtype=object) == ""),
        "label",
        "other_money needs a label saying what the money is",
        "write what the money is in label, e.g. public grant",
    )
    currency = table["currency"].to_numpy(dtype=object)
    check.flag(
        ~money & (currency != ""),
        "currency",
        "a job figure has no currency: it is counted in full-time equivalents",
        "leave currency blank on rows of jobs_created and jobs_safeguarded",
    )
    bad = money & (currency != "") & ~np.array([bool(_ISO_CODE.match(c)) for c in currency])
    check.flag(bad, "currency", "not an ISO 4217 currency code", "use a code such as EUR")
    check.flag(
        _declared_again(
            figure, table["label"].to_numpy(dtype=object), exchange, organisation, year
        ),
        "figure",
        "this figure is declared twice for the same exchange or organisation and year",
        "keep one row per figure, exchange (or organisation) and year, with the whole amount: "
        "a total counts every row",
    )


def _declared_again(
    figure: np.ndarray,
    label: np.ndarray,
    exchange: np.ndarray,
    organisation: np.ndarray,
    year: np.ndarray,
) -> np.ndarray:
    """Rows that cover a party and year an earlier row of the same figure and label covers
    already: the same organisation-year, or, for an exchange, an overlapping party (a
    blank organisation is both) and year (a blank year is every year of the exchange)."""
    again = np.zeros(len(figure), dtype=bool)
    seen: dict[tuple[str, str, str], list[tuple[str, float]]] = {}
    for at, (f, lab, e, o, y) in enumerate(
        zip(figure, label, exchange, organisation, year, strict=True)
    ):
        earlier = seen.setdefault((str(f), str(lab), str(e)), [])
        again[at] = any(
            (o == other_o or (e != "" and "" in (o, other_o)))
            and (y == other_y or (e != "" and (np.isnan(y) or np.isnan(other_y))))
            for other_o, other_y in earlier
        )
        earlier.append((str(o), float(y)))
    return again


def _check_parties(
    check: SheetChecker, table: pd.DataFrame, exchanges: pd.DataFrame, known: set[str]
) -> None:
    """An exchange row's organisation is one of its parties; its year one of its period."""
    # An id given twice is the exchanges sheet's problem; here its first row stands.
    by_id = exchanges.drop_duplicates("id").set_index("id")
    years = _exchange_years(exchanges)
    not_party, outside = [], []
    for exchange, organisation, year in zip(
        table["exchange"], table["organisation"], table["year"], strict=True
    ):
        inside = exchange in known
        parties = (by_id.at[exchange, "supplier"], by_id.at[exchange, "receiver"]) if inside else ()
        not_party.append(inside and organisation != "" and organisation not in parties)
        outside.append(inside and not np.isnan(year) and int(year) not in years.get(exchange, {}))
    check.flag(
        np.array(not_party, dtype=bool),
        "organisation",
        "this organisation is neither the supplier nor the receiver of the row's exchange",
        "name the supplier or the receiver, or leave organisation blank to credit both by the "
        "exchange's supplier share",
    )
    check.flag(
        np.array(outside, dtype=bool),
        "year",
        "the row's exchange has no day in this year",
        "give a year of the exchange's period, or leave year blank to split the figure by "
        "the exchange's days in each year",
    )


def _exchange_years(exchanges: pd.DataFrame) -> dict[str, dict[int, float]]:
    """Each exchange's calendar years and the part of its days in each."""
    start = exchanges["period_start"].to_numpy(dtype="int64")
    end = exchanges["period_end"].to_numpy(dtype="int64")
    valid = (start >= 0) & (end >= start)
    position, year, fraction = core.year_fractions(
        np.where(valid, start, 0), np.where(valid, end, 0)
    )
    ids = exchanges["id"].to_numpy(dtype=object)
    split: dict[str, dict[int, float]] = {}
    for at, each, part in zip(position.tolist(), year.tolist(), fraction.tolist(), strict=True):
        split.setdefault(str(ids[at]), {})[int(each)] = float(part)
    return split


def _attributed(
    row: dict[Any, Any],
    exchanges: pd.DataFrame,
    years: dict[str, dict[int, float]],
    currency: str,
) -> list[tuple[object, ...]]:
    """The parts of one row: (organisation, year) with their share of the amount."""
    figure = str(row["figure"])
    exchange, organisation = str(row["exchange"]), str(row["organisation"])
    year = float(row["year"])
    if exchange:
        supplier, receiver = exchanges.at[exchange, "supplier"], exchanges.at[exchange, "receiver"]
        share = float(exchanges.at[exchange, "supplier_share"])  # type: ignore[arg-type]
        parties = (
            [(organisation, 1.0)]
            if organisation
            else [(supplier, core.credit_share(share, core.Party.SUPPLIER)),
                  (receiver, core.credit_share(share, core.Party.RECEIVER))]
        )  # fmt: skip
        split = {int(year): 1.0} if not np.isnan(year) else years[exchange]
    else:
        parties, split = [(organisation, 1.0)], {int(year): 1.0}
    unit = currency if DECLARED[figure].money else FTE
    amount = float(row["amount"])
    return [
        (
            row[ROW_COLUMN], figure, row["label"], unit, exchange, party, each, weight,
            fraction, amount * weight * fraction, row["declared_by"], row["evidence"],
        )
        for party, weight in parties
        for each, fraction in sorted(split.items())
    ]  # fmt: skip


def _convert(
    check: SheetChecker, table: pd.DataFrame, parts: pd.DataFrame, rates: Rates, currency: str
) -> None:
    """Money parts into the report currency with the rate of their year (in place)."""
    given = dict(zip(table[ROW_COLUMN], table["currency"], strict=True))
    position = {row: at for at, row in enumerate(table[ROW_COLUMN])}
    missing = np.zeros(len(table), dtype=bool)
    factors = np.ones(len(parts))
    note = ""
    for at, (row, figure, year) in enumerate(
        zip(parts["row"], parts["figure"], parts["year"], strict=True)
    ):
        code = given[row] or currency
        if not DECLARED[figure].money or code == currency:
            continue
        used = {c: rates.year_for(c, int(year)) for c in (code, currency)}
        if used[code] is None or used[currency] is None:
            absent = code if used[code] is None else currency
            missing[position[row]] = True
            note = with_suggestion(
                absent,
                rates.currencies(),
                f"add a row to the rates sheet: currency {absent}, year {year}, per_eur = units "
                f"of {absent} per 1 EUR (annual average)",
            )
            continue
        factors[at] = rates.factor_between(code, int(used[code] or 0), currency,
                                           int(used[currency] or 0))  # fmt: skip
    parts["amount"] = parts["amount"].to_numpy(dtype=float) * factors
    check.flag(missing, "currency", "no exchange rate for this currency in the row's year", note)
