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

from typing import Any

import pandas as pd

from isbenefit.engine.core import Party
from isbenefit.scoring.factorset import SUPPLY_LIMITED, FactorSet

# EU member states (ISO 3166-1 alpha-2), where an `EU` factor fits.
EU_MEMBERS = frozenset(
    {
        *("AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE"),
        *("IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"),
    }
)
# Locations that fit any country.
EVERYWHERE = frozenset({"", "GLO", "RoW"})
# Which party a baseline column stands for.
BASELINE_PARTY = {"baseline_supply": Party.RECEIVER, "baseline_disposal": Party.SUPPLIER}

Flag = dict[str, str]


def exchange_flags(
    exchanges: pd.DataFrame, organisations: pd.DataFrame, factor_set: FactorSet
) -> list[list[Flag]]:
    """The flags of every exchange, in the exchanges' order (an empty list for none)."""
    orgs = organisations.set_index("id")
    activities = factor_set.activities
    return [
        [
            *_ets_flags(row, orgs),
            *_supply_limited_flags(row, activities),
            *_region_flags(row, orgs, activities),
        ]
        for row in _records(exchanges)
    ]


def _records(table: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(key): value for key, value in row.items()} for row in table.to_dict("records")]


def _org_value(orgs: pd.DataFrame, org_id: str, column: str) -> str:
    if org_id not in orgs.index or column not in orgs.columns:
        return ""
    return str(orgs.at[org_id, column] or "")


def _ets_flags(row: dict[str, Any], orgs: pd.DataFrame) -> list[Flag]:
    return [
        {
            "code": "eu_ets",
            "column": party.value,
            "message": f"the {party.value} {row[party]} is an EU ETS installation: its emissions "
            "are capped, so part of this saving may be counted again under the ETS cap; report "
            "it apart from ETS figures and do not sell or net it as an offset",
        }
        for party in Party
        if _org_value(orgs, row[party], "eu_ets") == "yes"
    ]


def _supply_limited_flags(row: dict[str, Any], activities: pd.DataFrame) -> list[Flag]:
    supply = row["baseline_supply"]
    if not supply or SUPPLY_LIMITED not in activities.columns or supply not in activities.index:
        return []
    substitutes = str(activities.at[supply, SUPPLY_LIMITED] or "")
    if not substitutes:
        return []
    return [
        {
            "code": "supply_limited",
            "column": "baseline_supply",
            "message": f"{supply} is mostly replaced by supply-limited by-products "
            f"({substitutes}): if this stream would otherwise have replaced {supply} "
            "elsewhere, the saving moves rather than arises (leakage)",
        }
    ]


def _region_flags(row: dict[str, Any], orgs: pd.DataFrame, activities: pd.DataFrame) -> list[Flag]:
    flags = []
    for column, party in BASELINE_PARTY.items():
        activity = row[column]
        if not activity or activity not in activities.index:
            continue
        location = str(activities.at[activity, "location"] or "")
        country = _org_value(orgs, row[party], "country")
        if not country or location in EVERYWHERE or location == country:
            continue
        if location == "EU" and country in EU_MEMBERS:
            continue
        flags.append(
            {
                "code": "region",
                "column": column,
                "message": f"{column} {activity} is a {location} factor and the {party.value} "
                f"{row[party]} is in {country}: a proxy there; check that it fits, or use a "
                "factor of that country",
            }
        )
    return flags
