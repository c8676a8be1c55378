"""Checking a ledger's sheets against formats.md section 1 and typing their columns.

All rules are checked before anything is computed; every problem is collected
and raised together. Exchanges are put in canonical order (by id) so that the
order of rows in the file never changes a result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from isbenefit.errors import Problem
from isbenefit.ledger import contract
from isbenefit.ledger.checks import REQUIRED_COLUMN_MISSING, SheetChecker
from isbenefit.ledger.contract import (
    BASELINES,
    EXCHANGES,
    INPUTS,
    LEDGER_BASELINE,
    ORGANISATIONS,
    RATES,
)
from isbenefit.ledger.headers import check_headers
from isbenefit.ledger.rates import shipped_rates
from isbenefit.ledger.reading import ROW_COLUMN, RawLedger, RawSheet
from isbenefit.ledger.suggest import with_suggestion
from isbenefit.ledger.typed import check_sheet, typed_column, typed_rest
from isbenefit.ledger.waste import check_waste

# The contract's columns (isbenefit.ledger.contract) under the names the stages import.
EXCHANGE_REQUIRED = EXCHANGES.required_names
EXCHANGE_COLUMNS = EXCHANGES.fixed
ACTIVITY_COLUMNS = EXCHANGES.listing("activity")
MONEY_COLUMNS = tuple(c.name for c in EXCHANGES.columns if c.money)
INPUT_COLUMNS = INPUTS.names
# Alternative baselines of an exchange: blank = as in the exchange row, `none` = left out.
ALTERNATIVE_COLUMNS = BASELINES.names
ALTERNATIVE_ACTIVITIES = BASELINES.listing("activity")
ORGANISATION_COLUMNS = ORGANISATIONS.fixed  # `language` is read by the batch verbs only
RATE_COLUMNS = RATES.names
# The sheets with rules of their own here; any other sheet of the contract is typed alone.
CHECKED_HERE = ("exchanges", "inputs", "organisations", "rates", "baselines")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")


@dataclass(frozen=True)
class CheckedSheets:
    """Typed tables of a ledger whose sheet-level rules all passed (or problems were noted)."""

    exchanges: pd.DataFrame
    inputs: pd.DataFrame
    organisations: pd.DataFrame
    rates: pd.DataFrame
    extra_columns: tuple[str, ...]
    exchanges_sheet: RawSheet | None
    inputs_sheet: RawSheet | None
    alternatives: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=[*ALTERNATIVE_COLUMNS, ROW_COLUMN])
    )
    alternatives_sheet: RawSheet | None = None
    # Sheets of the contract no rule here names, each typed as the contract says.
    others: dict[str, pd.DataFrame] = field(default_factory=dict)


def check_sheets(raw: RawLedger, problems: list[Problem], report_currency: str) -> CheckedSheets:
    """Check every sheet's own rules; typed tables come back even when problems were found."""
    exchanges_sheet = raw.sheets.get("exchanges")
    if exchanges_sheet is None:
        problems.append(
            Problem(
                file=str(raw.path),
                sheet="exchanges",
                message="the exchanges sheet is missing",
                fix="add a sheet (or exchanges.csv) named 'exchanges' with one row per exchange",
            )
        )
        exchanges = pd.DataFrame(columns=[*EXCHANGE_COLUMNS, ROW_COLUMN])
        extras: tuple[str, ...] = ()
        checked_columns: tuple[str, ...] = EXCHANGE_COLUMNS
    else:
        exchanges = _check_exchanges(SheetChecker(exchanges_sheet, problems), report_currency)
        checked_columns = tuple(exchanges.columns)  # the contract's and those checked beside
        extras = tuple(
            c
            for c in exchanges_sheet.table.columns
            if c not in EXCHANGE_COLUMNS and c != ROW_COLUMN
        )
        typed = len(exchanges) == len(exchanges_sheet.table)  # not when columns are missing
        for column in extras if typed else ():
            if column not in exchanges.columns:  # waste columns come back checked
                exchanges[column] = exchanges_sheet.table[column].to_numpy()
    read = exchanges if _was_read(exchanges, exchanges_sheet) else None
    inputs_sheet = raw.sheets.get("inputs")
    inputs = (
        _check_inputs(SheetChecker(inputs_sheet, problems), read)
        if inputs_sheet is not None
        else pd.DataFrame(columns=[*INPUT_COLUMNS, ROW_COLUMN])
    )
    organisations = _check_organisations(raw.sheets.get("organisations"), problems, exchanges)
    rates = _check_rates(raw.sheets.get("rates"), problems)
    alternatives_sheet = raw.sheets.get("baselines")
    alternatives = (
        _check_alternatives(SheetChecker(alternatives_sheet, problems), read)
        if alternatives_sheet is not None
        else pd.DataFrame(columns=[*ALTERNATIVE_COLUMNS, ROW_COLUMN])
    )
    known_columns = {
        # The waste columns are known whether or not a ledger has them, so that
        # `EWC code` or `Recovery operation` is caught, not kept as an extra column.
        **{name: sheet.names for name, sheet in contract.SHEETS.items()},
        "exchanges": (*EXCHANGE_COLUMNS, *checked_columns, *EXCHANGES.names),
    }
    _one_problem_per_misspelled_column(check_headers(raw, known_columns, problems), problems)
    exchanges, exchanges_sheet = _canonical(exchanges, exchanges_sheet, ["id"])
    inputs, inputs_sheet = _canonical(
        inputs, inputs_sheet, ["exchange", "activity", "unit", "quantity", "note"]
    )
    alternatives, alternatives_sheet = _canonical(
        alternatives, alternatives_sheet, ["exchange", "name"]
    )
    others = {
        name: check_sheet(sheet, raw.sheets.get(name), problems)
        for name, sheet in contract.SHEETS.items()
        if name not in CHECKED_HERE
    }
    return CheckedSheets(
        exchanges,
        inputs,
        organisations,
        rates,
        extras,
        exchanges_sheet,
        inputs_sheet,
        alternatives,
        alternatives_sheet,
        others,
    )


def _was_read(exchanges: pd.DataFrame, sheet: RawSheet | None) -> bool:
    """Whether the exchanges sheet was read (it exists and has its required columns)."""
    return sheet is not None and len(exchanges) == len(sheet.table)


def _one_problem_per_misspelled_column(
    misspelled: set[tuple[str, str]], problems: list[Problem]
) -> None:
    """Drop "required column missing" for a column whose misspelling was found: the
    misspelled header's problem names it, with the fix (rename the header)."""
    problems[:] = [
        p
        for p in problems
        if not (p.message == REQUIRED_COLUMN_MISSING and (p.sheet, p.column) in misspelled)
    ]


def _canonical(
    table: pd.DataFrame, sheet: RawSheet | None, keys: list[str]
) -> tuple[pd.DataFrame, RawSheet | None]:
    """Sort a typed table and its raw sheet alike, so results never depend on row order."""
    order = (
        np.lexsort([table[key].to_numpy().astype(str) for key in reversed(keys)])
        if len(table)
        else np.arange(0)
    )
    table = table.iloc[order].reset_index(drop=True)
    if sheet is not None and len(sheet.table) == len(table):
        sheet = RawSheet(sheet.name, sheet.file, sheet.table.iloc[order].reset_index(drop=True))
    return table, sheet


def _flag_currency_codes(check: SheetChecker, currency: pd.Series) -> None:
    """Codes that are no ISO 4217 code, with the shipped rates' close code if any
    (`EURO` -> `EUR`)."""
    bad = (currency != "") & ~currency.str.match(_CURRENCY)
    known = shipped_rates().currencies()
    plain = "write a three-letter code such as EUR, DKK, SEK"
    fixes = {code: with_suggestion(code, known, plain) for code in pd.unique(currency[bad])}
    suggested = np.array([fixes.get(code, plain) != plain for code in currency], dtype=bool)
    check.flag(bad.to_numpy() & ~suggested, "currency", "not an ISO 4217 currency code", plain)
    for code, fix in fixes.items():
        if fix != plain:
            check.flag(currency == code, "currency", "not an ISO 4217 currency code", fix)


def _check_exchanges(check: SheetChecker, report_currency: str) -> pd.DataFrame:
    if not check.require_columns(EXCHANGE_REQUIRED):
        return pd.DataFrame(columns=[*EXCHANGE_COLUMNS, ROW_COLUMN])
    check.require_values(EXCHANGE_REQUIRED)
    check.unique("id", "exchange id")
    text = {
        column: check.text(column).to_numpy(dtype=object)
        for column in (
            "id",
            "supplier",
            "receiver",
            "resource",
            "unit",
            "evidence",
            *ACTIVITY_COLUMNS,
        )
    }
    start, end = check.date("period_start"), check.date("period_end")
    _check_relations(check, text, start, end)
    currency = check.text("currency").str.upper()
    _flag_currency_codes(check, currency)
    money = {c: typed_column(check, EXCHANGES, c) for c in MONEY_COLUMNS}
    typed = {
        **text,
        "period_start": start,
        "period_end": end,
        "flow": typed_column(check, EXCHANGES, "flow"),
        "quantity": typed_column(check, EXCHANGES, "quantity"),
        "data_quality": typed_column(check, EXCHANGES, "data_quality"),
        **{
            c: typed_column(check, EXCHANGES, c)
            for c in (
                "substitution_ratio",
                "baseline_efficiency",
                "mass_t",
                "transport_km",
                "baseline_transport_km",
                "supplier_share",
            )
        },
        "hazardous": typed_column(check, EXCHANGES, "hazardous") == "yes",
        **money,
        "currency": np.where(currency == "", report_currency, currency.to_numpy()),
        ROW_COLUMN: check.rows,
    }
    _check_transport_pairs(check, text)
    typed.update(check_waste(check, typed["hazardous"]))
    typed.update(typed_rest(check, EXCHANGES, typed))
    return pd.DataFrame(typed)


def _check_relations(
    check: SheetChecker, text: dict[str, np.ndarray], start: np.ndarray, end: np.ndarray
) -> None:
    """Rules between columns of a row: the period, the two parties, a baseline at all."""
    check.flag(
        (start >= 0) & (end >= 0) & (end < start),
        "period_end",
        "period ends before it starts",
        "swap the dates or correct period_end",
    )
    check.flag(
        (text["supplier"] == text["receiver"]) & (text["supplier"] != ""),
        "receiver",
        "supplier and receiver are the same organisation",
        "an exchange is between two organisations: correct supplier or receiver",
    )
    no_baseline = (text["baseline_disposal"] == "") & (text["baseline_supply"] == "")
    check.flag(
        no_baseline,
        "baseline_supply",
        "neither baseline_disposal nor baseline_supply given",
        "name what the supplier would have done with it, what the receiver would have "
        "used instead, or both",
    )


def _check_transport_pairs(check: SheetChecker, text: dict[str, np.ndarray]) -> None:
    for mode, km in (
        ("transport_mode", "transport_km"),
        ("baseline_transport_mode", "baseline_transport_km"),
    ):
        distance = check.text(km).to_numpy()
        check.flag(
            (text[mode] != "") & (distance == ""),
            km,
            f"{mode} given without a distance",
            f"give {km} in km, or clear {mode}",
        )
        check.flag(
            (text[mode] == "") & (distance != ""),
            mode,
            f"{km} given without a mode",
            f"name the transport activity in {mode}, or clear {km}",
        )
    check.flag(
        (text["baseline_transport_mode"] != "") & (text["baseline_supply"] == ""),
        "baseline_transport_mode",
        "baseline transport needs a baseline_supply",
        "name the displaced supply in baseline_supply, or clear the baseline transport",
    )


def _exchange_ids(check: SheetChecker, exchanges: pd.DataFrame | None) -> pd.Series:
    """The sheet's `exchange` column, each id that names no exchange flagged; none when
    the exchanges could not be read (their missing sheet or column is the one problem)."""
    exchange = check.text("exchange")
    if exchanges is None:
        return exchange
    check.flag(
        (exchange != "") & ~exchange.isin(exchanges["id"]),
        "exchange",
        "no exchange has this id",
        "use an id from the exchanges sheet",
    )
    return exchange


def _check_inputs(check: SheetChecker, exchanges: pd.DataFrame | None) -> pd.DataFrame:
    if not check.require_columns(INPUTS.required_names):
        return pd.DataFrame(columns=[*INPUT_COLUMNS, ROW_COLUMN])
    check.require_values(INPUTS.required_names)
    exchange = _exchange_ids(check, exchanges)
    return pd.DataFrame(
        {
            "exchange": exchange.to_numpy(dtype=object),
            **typed_rest(check, INPUTS, ["exchange"]),
            ROW_COLUMN: check.rows,
        }
    )


def _check_alternatives(check: SheetChecker, exchanges: pd.DataFrame | None) -> pd.DataFrame:
    """The `baselines` sheet: other plausible baselines of an exchange, each with a reason."""
    required = BASELINES.required_names
    if not check.require_columns(required):
        return pd.DataFrame(columns=[*ALTERNATIVE_COLUMNS, ROW_COLUMN])
    check.require_values(required)
    exchange = _exchange_ids(check, exchanges)
    name = check.text("name")
    check.flag(
        name.str.lower() == LEDGER_BASELINE,
        "name",
        f"{LEDGER_BASELINE!r} names the exchange row's own baseline",
        "give the alternative another name",
    )
    check.flag(
        (name != "") & (exchange + "\x1f" + name).duplicated(keep="first"),
        "name",
        "this exchange already has an alternative baseline of this name",
        "give each alternative of an exchange its own name",
    )
    return pd.DataFrame(
        {
            "exchange": exchange.to_numpy(dtype=object),
            "name": name.to_numpy(dtype=object),
            **typed_rest(check, BASELINES, ["exchange", "name"]),
            ROW_COLUMN: check.rows,
        }
    )[[*ALTERNATIVE_COLUMNS, ROW_COLUMN]]


def _check_organisations(
    sheet: RawSheet | None, problems: list[Problem], exchanges: pd.DataFrame
) -> pd.DataFrame:
    """The organisations sheet, plus a bare row for every id used only in exchanges."""
    listed = pd.DataFrame(columns=list(ORGANISATION_COLUMNS))
    if sheet is not None:
        check = SheetChecker(sheet, problems)
        if check.require_columns(ORGANISATIONS.required_names):
            check.require_values(ORGANISATIONS.required_names)
            check.unique("id", "organisation id")
            country = check.text("country").str.upper()
            check.flag(
                (country != "") & ~country.str.match(_COUNTRY),
                "country",
                "not an ISO 3166-1 alpha-2 country code",
                "write two letters, e.g. DK",
            )
            typed = typed_rest(check, ORGANISATIONS, ["country"])
            typed["country"] = country.to_numpy(dtype=object)
            listed = pd.DataFrame(typed)[list(ORGANISATION_COLUMNS)].drop_duplicates("id")
    used = pd.unique(
        np.concatenate(
            [
                exchanges["supplier"].to_numpy(dtype=object),
                exchanges["receiver"].to_numpy(dtype=object),
            ]
        )
    )
    unlisted = sorted(set(used) - set(listed["id"]) - {""})
    bare = pd.DataFrame({"id": unlisted, **dict.fromkeys(ORGANISATION_COLUMNS[1:], "")})
    merged = pd.concat([listed, bare], ignore_index=True) if unlisted else listed
    return merged.sort_values("id", kind="stable").reset_index(drop=True)


def _check_rates(sheet: RawSheet | None, problems: list[Problem]) -> pd.DataFrame:
    if sheet is None:
        return pd.DataFrame(columns=list(RATE_COLUMNS))
    check = SheetChecker(sheet, problems)
    if not check.require_columns(RATE_COLUMNS):
        return pd.DataFrame(columns=list(RATE_COLUMNS))
    check.require_values(RATE_COLUMNS)
    currency = check.text("currency").str.upper()
    check.flag(
        (currency != "") & ~currency.str.match(_CURRENCY),
        "currency",
        "not an ISO 4217 currency code",
        "write a three-letter code such as DKK",
    )
    year = typed_column(check, RATES, "year")
    check.flag(
        np.isfinite(year) & (year != np.round(year)),
        "year",
        "not a whole year",
        "write the calendar year, e.g. 2024",
    )
    per_eur = typed_column(check, RATES, "per_eur")
    keys = currency + "/" + check.text("year")
    check.flag(
        keys.duplicated().to_numpy(),
        "year",
        "rate given twice for this currency and year",
        "keep one row per currency and year",
    )
    rest = typed_rest(check, RATES, ("currency", "year", "per_eur"))
    table = pd.DataFrame({"currency": currency, "year": year, "per_eur": per_eur, **rest})
    return table.loc[np.isfinite(year) & np.isfinite(per_eur)]
