"""From the core's arrays to tidy tables and the results JSON of formats.md section 4.

Organisation figures are credited shares (supplier_share to the supplier, the
rest to the receiver); `years` and `totals` count each exchange once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from isbenefit.engine.core import (
    MONEY,
    ROLES,
    SAVED,
    CoreResult,
    Lines,
    Party,
    YearSplit,
    credit_share,
)
from isbenefit.errors import ComputationError
from isbenefit.ledger.fuels import delivered
from isbenefit.ledger.rules import EXCHANGE_COLUMNS
from isbenefit.ledger.rules import MONEY_COLUMNS as LEDGER_MONEY_COLUMNS
from isbenefit.scoring.factorset import INDICATORS, ORIGIN, FactorSet
from isbenefit.scoring.regional import chosen_baselines

SAVED_COLUMNS = [f"saved_{name}" for name in SAVED]
MONEY_COLUMNS = [f"money_{name}" for name in MONEY]


@dataclass(frozen=True)
class Tables:
    """Tidy results. Column names follow the JSON: `saved_co2e_kg`, `money_network`, ..."""

    exchanges: pd.DataFrame
    lines: pd.DataFrame
    exchange_years: pd.DataFrame
    organisations: pd.DataFrame
    organisation_years: pd.DataFrame
    years: pd.DataFrame
    totals: pd.DataFrame


# Every ledger column of an exchange except the money, which is reported converted.
DESCRIBED_COLUMNS = tuple(c for c in EXCHANGE_COLUMNS if c not in LEDGER_MONEY_COLUMNS)


def build_tables(
    exchanges: pd.DataFrame,
    extra_columns: tuple[str, ...],
    organisations: pd.DataFrame,
    split: YearSplit,
    result: CoreResult,
    factor_set: FactorSet,
) -> Tables:
    ids = exchanges["id"].to_numpy(dtype=object)
    per_exchange = _exchange_table(exchanges, extra_columns, result)
    lines = lines_table(
        ids,
        result.lines,
        factor_set,
        chosen_baselines(exchanges, organisations, factor_set),
        delivered(None, exchanges, factor_set).steps,
    )
    _require_finite(per_exchange)
    exchange_years = _exchange_years(ids, split, result)
    credits = _credits(exchanges, exchange_years)
    organisation_years = credits.groupby(["organisation", "year"], sort=True).sum().reset_index()
    by_org = credits.drop(columns="year").groupby("organisation", sort=True).sum()
    org_table = organisations.merge(by_org, left_on="id", right_index=True, how="left")
    numeric = [*SAVED_COLUMNS, "money", "additional_sales"]
    org_table[numeric] = org_table[numeric].fillna(0.0)
    years = (
        exchange_years.drop(columns=["exchange", "fraction", "money_supplier", "money_receiver"])
        .groupby("year", sort=True)
        .sum()
        .reset_index()
    )
    totals = per_exchange[[*SAVED_COLUMNS, "money_network", "money_additional_sales"]].sum()
    return Tables(
        per_exchange,
        lines,
        exchange_years,
        org_table.reset_index(drop=True),
        organisation_years,
        years,
        totals.to_frame().T,
    )


def _exchange_table(
    exchanges: pd.DataFrame, extra_columns: tuple[str, ...], result: CoreResult
) -> pd.DataFrame:
    """One row per exchange: its ledger columns as given, then its computed figures."""
    per_exchange = exchanges[list(DESCRIBED_COLUMNS)].assign(
        period_start=iso_dates(exchanges["period_start"]),
        period_end=iso_dates(exchanges["period_end"]),
        hazardous=np.where(exchanges["hazardous"].to_numpy(dtype=bool), "yes", "no"),
    )
    for prefix, values in (("baseline", result.baseline), ("symbiosis", result.symbiosis)):
        for name in INDICATORS:
            per_exchange[f"{prefix}_{name}"] = values[name]
    for name in SAVED:
        per_exchange[f"saved_{name}"] = result.saved[name]
    for name in MONEY:
        per_exchange[f"money_{name}"] = result.money[name]
    for column in extra_columns:
        per_exchange[column] = exchanges[column].to_numpy(dtype=object)
    return per_exchange


def lines_table(
    ids: np.ndarray,
    lines: Lines,
    factor_set: FactorSet,
    chosen: dict[str, tuple[np.ndarray, np.ndarray]] | None = None,
    conversions: np.ndarray | None = None,
) -> pd.DataFrame:
    """The audit trail with ids, role names, units and score origins instead of positions;
    ``ids`` names what each line's ``exchange`` position refers to.

    With ``chosen`` (scoring/regional.py: per baseline column, the activity of each
    exchange and why), and when a regional variant is used anywhere, two more columns:
    `variant` (the variant's id) and `variant_reason` ("" on the other lines). With
    ``conversions`` (ledger/fuels.py: per exchange, quantity x heating value x efficiency
    in words), and when one is given anywhere, `conversion` on the baseline supply lines.
    """
    activity = factor_set.activities
    table = pd.DataFrame(
        {
            "exchange": ids[lines.exchange],
            "role": np.array(ROLES, dtype=object)[lines.role],
            "activity": activity["id"].to_numpy(dtype=object)[lines.activity],
            "amount": lines.amount,
            "unit": activity["unit"].to_numpy(dtype=object)[lines.activity],
            "source": activity[ORIGIN].to_numpy(dtype=object)[lines.activity],
            **{name: lines.impacts[name] for name in INDICATORS},
        }
    )
    if conversions is not None and (conversions != "").any():
        supply = lines.role == ROLES.index("baseline_supply")
        table["conversion"] = np.where(supply, conversions[lines.exchange], "")
    if chosen is None:
        return table
    variant = np.full(len(table), "", dtype=object)
    reason = np.full(len(table), "", dtype=object)
    for column, (chosen_ids, reasons) in chosen.items():
        at = lines.role == ROLES.index(column)
        variant[at] = np.where(reasons != "", chosen_ids, "")[lines.exchange[at]]
        reason[at] = reasons[lines.exchange[at]]
    if (reason != "").any():
        table["variant"], table["variant_reason"] = variant, reason
    return table


def _exchange_years(ids: np.ndarray, split: YearSplit, result: CoreResult) -> pd.DataFrame:
    table = pd.DataFrame(
        {"exchange": ids[split.exchange], "year": split.year, "fraction": split.fraction}
    )
    for name in SAVED:
        table[f"saved_{name}"] = result.saved[name][split.exchange] * split.fraction
    for name in MONEY:
        table[f"money_{name}"] = result.money_by_year[name]
    return table


def _credits(exchanges: pd.DataFrame, exchange_years: pd.DataFrame) -> pd.DataFrame:
    """One row per (organisation, exchange, year) credit, supplier rows then receiver rows."""
    position = pd.Index(exchanges["id"]).get_indexer(exchange_years["exchange"])
    share = exchanges["supplier_share"].to_numpy(dtype=float)[position]
    sides = []
    for side in Party:
        weight = credit_share(share, side)
        part = pd.DataFrame(
            {
                "organisation": exchanges[side].to_numpy(dtype=object)[position],
                "year": exchange_years["year"].to_numpy(),
            }
        )
        for column in SAVED_COLUMNS:
            part[column] = exchange_years[column].to_numpy() * weight
        part["money"] = exchange_years[f"money_{side}"].to_numpy()
        sales = exchange_years["money_additional_sales"].to_numpy()
        part["additional_sales"] = sales if side == "supplier" else np.zeros(len(part))
        sides.append(part)
    return pd.concat(sides, ignore_index=True)


def iso_dates(days: pd.Series) -> np.ndarray:
    """Days since 1970-01-01 as ISO date text."""
    return days.to_numpy(dtype="int64").astype("datetime64[D]").astype(str).astype(object)


def _require_finite(per_exchange: pd.DataFrame) -> None:
    figures = [f"{side}_{name}" for side in ("baseline", "symbiosis") for name in INDICATORS]
    computed = per_exchange[[*figures, *SAVED_COLUMNS, *MONEY_COLUMNS]]
    bad = ~np.isfinite(computed.to_numpy(dtype=float)).all(axis=1)
    if bad.any():
        raise ComputationError(
            f"figures of exchanges {', '.join(per_exchange['id'][bad].head(5))} are not finite; "
            "check the factor set's values for the activities they use"
        )
