"""Notes a funder expects beside an exchange's figures, computed from the ledger and the
factor set (issue of double counting, leakage and proxies; docs/baselines.md).

- ``eu_ets``: a party is an EU ETS installation (organisations sheet, `eu_ets` = yes): its
  emissions are capped, so the saving may be counted again under the cap.
- ``supply_limited``: the baseline supply is an activity whose usual substitutes are
  supply-limited by-products (factor set column `supply_limited_substitutes`): using the
  stream here may only move it from another user (leakage).
- ``region``: a baseline activity's location differs from the country of the party it
  stands for (the receiver for `baseline_supply`, the supplier for `baseline_disposal`):
  the factor is a proxy there.

Flags never change a figure; they say what a reader should weigh.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from isbenefit import messages
from isbenefit.engine.core import Party
from isbenefit.messages import say
from isbenefit.reported import flag_mark
from isbenefit.results.tables import Tables
from isbenefit.scoring.factorset import SUPPLY_LIMITED, FactorSet
from isbenefit.scoring.regional import chosen_baselines
from isbenefit.scoring.variants import EU_MEMBERS

# Locations that fit any country.
EVERYWHERE = frozenset({"", "GLO", "RoW"})
# Which party a baseline column stands for.
BASELINE_PARTY = {"baseline_supply": Party.RECEIVER, "baseline_disposal": Party.SUPPLIER}

Flag = dict[str, str]


def exchange_flags(
    exchanges: pd.DataFrame, organisations: pd.DataFrame, factor_set: FactorSet
) -> list[list[Flag]]:
    """The flags of every exchange, in the exchanges' order (an empty list for none).

    The conditions are evaluated column-wise; messages are written only for the rows
    that have a flag (a 100,000-exchange ledger has thousands, not millions).
    """
    flags: list[list[Flag]] = [[] for _ in range(len(exchanges))]
    orgs = organisations.drop_duplicates("id").set_index("id")
    for kind in (_ets_flags, _supply_limited_flags):
        for row, flag in kind(exchanges, orgs, factor_set.activities):
            flags[row].append(flag)
    # The region of the activity each exchange is scored with: its party's variant, if any.
    chosen = chosen_baselines(exchanges, organisations, factor_set)
    scored = exchanges.assign(**{column: ids for column, (ids, _) in chosen.items()})
    for row, flag in _region_flags(scored, orgs, factor_set.activities):
        flags[row].append(flag)
    return flags


# The exchanges table's column of flag marks in the CSVs and the results workbook.
MARKS_COLUMN = "flag_marks"


def with_flag_marks(tables: Tables, factor_set: FactorSet) -> Tables:
    """``tables`` whose exchanges end with a column of each exchange's flag marks
    ("ETS PROXY"; blank for none): what the CSVs and the results workbook hold. A ledger
    column of that name, the user's own, is kept as it is."""
    exchanges = tables.exchanges
    if MARKS_COLUMN in exchanges.columns:
        return tables
    marks = [
        " ".join(flag_mark(flag["code"]) for flag in flags)
        for flags in exchange_flags(exchanges, tables.organisations, factor_set)
    ]
    return replace(tables, exchanges=exchanges.assign(**{MARKS_COLUMN: marks}))


def _org_column(orgs: pd.DataFrame, ids: pd.Series, column: str) -> np.ndarray:
    """``column`` of the organisation of each id ("" when unknown or not given)."""
    if column not in orgs.columns:
        return np.full(len(ids), "", dtype=object)
    return ids.map(orgs[column]).fillna("").astype(str).to_numpy(dtype=object)


def _activity_column(activities: pd.DataFrame, ids: pd.Series, column: str) -> np.ndarray:
    if column not in activities.columns:
        return np.full(len(ids), "", dtype=object)
    values = activities[column].astype(str).replace("nan", "")
    return ids.map(values).fillna("").astype(str).to_numpy(dtype=object)


def _ets_flags(
    exchanges: pd.DataFrame, orgs: pd.DataFrame, _activities: pd.DataFrame
) -> list[tuple[int, Flag]]:
    found = []
    for party in Party:
        ids = exchanges[party.value]
        names = ids.to_numpy(dtype=object)
        for row in np.flatnonzero(_org_column(orgs, ids, "eu_ets") == "yes"):
            found.append(
                (
                    int(row),
                    {
                        "code": "eu_ets",
                        "column": party.value,
                        "message": say(messages.FLAG_EU_ETS[party.value], organisation=names[row]),
                    },
                )
            )
    return sorted(found, key=lambda item: item[0])


def _supply_limited_flags(
    exchanges: pd.DataFrame, _orgs: pd.DataFrame, activities: pd.DataFrame
) -> list[tuple[int, Flag]]:
    substitutes = _activity_column(activities, exchanges["baseline_supply"], SUPPLY_LIMITED)
    supply = exchanges["baseline_supply"].to_numpy(dtype=object)
    return [
        (
            int(row),
            {
                "code": "supply_limited",
                "column": "baseline_supply",
                "message": say(
                    messages.FLAG_SUPPLY_LIMITED, activity=supply[row], substitutes=substitutes[row]
                ),
            },
        )
        for row in np.flatnonzero(substitutes != "")
    ]


def _region_flags(
    exchanges: pd.DataFrame, orgs: pd.DataFrame, activities: pd.DataFrame
) -> list[tuple[int, Flag]]:
    found = []
    for column, party in BASELINE_PARTY.items():
        location = _activity_column(activities, exchanges[column], "location")
        known = exchanges[column].isin(activities.index).to_numpy()
        country = _org_column(orgs, exchanges[party.value], "country")
        activity = exchanges[column].to_numpy(dtype=object)
        party_ids = exchanges[party.value].to_numpy(dtype=object)
        in_eu = np.isin(country, list(EU_MEMBERS))
        differs = (
            known
            & (country != "")
            & ~np.isin(location, list(EVERYWHERE))
            & (location != country)
            & ~((location == "EU") & in_eu)
        )
        found += [
            (
                int(row),
                {
                    "code": "region",
                    "column": column,
                    "message": say(
                        messages.FLAG_REGION[column],
                        activity=activity[row],
                        location=location[row],
                        organisation=party_ids[row],
                        country=country[row],
                    ),
                },
            )
            for row in np.flatnonzero(differs)
        ]
    return sorted(found, key=lambda item: item[0])
