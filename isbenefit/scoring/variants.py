"""Regional variants of an activity (`variants.csv` of a factor set, docs/formats.md
section 2): the country (or `EU`, or global `GLO`) figures of a generic activity, each a
full row of activities.csv.

A ledger naming the generic activity is scored with the variant of the party the
baseline stands for (the receiver for `baseline_supply`, the supplier for
`baseline_disposal`, as the `region` flag): its country's variant, else, when the generic
row is not of that country, the `EU` variant for a party in the European Economic Area,
else the `GLO` variant (a global default such as an IPCC Tier 1 fuel factor: a property of
the fuel, not another country's figure), else the generic row (the `region` flag then says
it is a proxy). This module reads and checks the file and makes that choice; it never
touches a figure.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from isbenefit import units
from isbenefit.errors import FactorSetError, Problem

VARIANTS_FILE = "variants.csv"
VARIANT_COLUMNS = ("activity", "country", "variant", "notes")
REGION = "EU"
# A global default, chosen where neither the country nor (in the EEA) the EU has a variant.
GLOBAL = "GLO"
# EU member states (ISO 3166-1 alpha-2), where an `EU` factor fits.
EU_MEMBERS = frozenset(
    {
        *("AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE"),
        *("IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"),
    }
)
# Where an `EU` variant stands in for a missing national one: the European Economic Area,
# whose energy and waste law is the EU's (the `region` flag still calls it a proxy outside
# the EU).
EEA = EU_MEMBERS | {"IS", "LI", "NO"}
_COUNTRY = re.compile(r"^([A-Z]{2}|GLO)$")
# Generic activity id -> country (or EU, GLO) -> variant id.
Variants = dict[str, dict[str, str]]


def checked_variants(path: Path, table: pd.DataFrame, activities: pd.DataFrame) -> Variants:
    """The variants of ``table`` (a factor set's variants.csv at ``path``, stripped text),
    checked against ``activities`` (activities.csv, indexed by id); FactorSetError naming
    each bad cell."""
    problems: list[Problem] = []
    duplicated = table.duplicated(["activity", "country"]).to_numpy()
    variant_ids = set(table["variant"])
    for row, record in enumerate(table.to_dict("records")):
        for column, message, fix in _row_problems(record, activities, variant_ids):
            problems.append(
                Problem(str(path), message, fix, None, row + 2, column, str(record[column]))
            )
        if duplicated[row]:
            problems.append(
                Problem(
                    str(path),
                    "this activity already has a variant for this country",
                    "keep one row per activity and country",
                    None,
                    row + 2,
                    "country",
                    str(record["country"]),
                )
            )
    if problems:
        raise FactorSetError(problems)
    variants: Variants = {}
    for record in table.to_dict("records"):
        variants.setdefault(record["activity"], {})[record["country"]] = record["variant"]
    return variants


def _row_problems(
    record: dict[Any, Any], activities: pd.DataFrame, variant_ids: set[str]
) -> list[tuple[str, str, str]]:
    """(column, message, fix) for each bad cell of one variants.csv row."""
    found = []
    generic, country, variant = record["activity"], record["country"], record["variant"]
    if generic not in activities.index:
        found.append(("activity", "no activity of activities.csv has this id",
                      "name the generic activity's id of activities.csv"))  # fmt: skip
    elif generic in variant_ids:
        found.append(("activity", "this activity is itself a variant",
                      "give variants of the generic activity only"))  # fmt: skip
    if not (_COUNTRY.match(country)):
        found.append(("country", "not an ISO 3166-1 alpha-2 country code, EU or GLO",
                      "write two capital letters, e.g. DK, or EU, or GLO"))  # fmt: skip
    if variant not in activities.index:
        found.append(("variant", "no activity of activities.csv has this id",
                      "add the variant's row to activities.csv, or correct the id"))  # fmt: skip
        return found
    row = activities.loc[variant]
    if _COUNTRY.match(country) and row["location"] != country:
        found.append(("variant", f"the variant's location in activities.csv is "
                      f"{row['location']!r}, not {country}",
                      "give the variant row the location of its country"))  # fmt: skip
    if generic in activities.index and generic != variant:
        base = activities.loc[generic]
        same_quantity = units.dimension_or_none(str(row["unit"])) == units.dimension_or_none(
            str(base["unit"])
        )
        if row["kind"] != base["kind"] or not same_quantity:
            found.append(("variant", f"the variant is {row['kind']} per {row['unit']}, the "
                          f"activity {base['kind']} per {base['unit']}",
                          "a variant has its activity's kind and a unit of the same "
                          "quantity"))  # fmt: skip
    elif generic == variant:
        found.append(("variant", "an activity cannot be its own variant",
                      "name the variant's own row of activities.csv"))  # fmt: skip
    return found


def choose(
    ids: np.ndarray,
    countries: np.ndarray,
    variants: Variants,
    locations: pd.Series,
    party: str,
) -> tuple[np.ndarray, np.ndarray]:
    """(activity ids, reasons): each of ``ids`` replaced by the variant for its party's
    country (``countries``, "" when not given), with the reason ("" where none is used).

    ``locations`` is activities.csv's `location` by id; ``party`` names the party in the
    reasons (`receiver` or `supplier`). An id that is itself a variant is kept, with the
    reason that the ledger names it.
    """
    chosen = ids.copy()
    reasons = np.full(len(ids), "", dtype=object)
    named = {v for by_country in variants.values() for v in by_country.values()}
    pairs = pd.DataFrame({"id": ids, "country": countries}).drop_duplicates()
    for generic, country in pairs.itertuples(index=False):
        rows = (ids == generic) & (countries == country)
        if generic in named:
            reasons[rows] = "named in the ledger"
            continue
        by_country = variants.get(generic)
        if not by_country or not country:
            continue
        if country in by_country:
            chosen[rows] = by_country[country]
            reasons[rows] = f"the {party}'s country is {country}"
        elif locations.get(generic) == country:
            continue  # the generic row is the country's own figure
        elif REGION in by_country and country in EEA:
            chosen[rows] = by_country[REGION]
            reasons[rows] = (
                f"the {party}'s country {country} has no variant of {generic}: the EU one"
            )
        elif GLOBAL in by_country:
            chosen[rows] = by_country[GLOBAL]
            reasons[rows] = (
                f"the {party}'s country {country} has no variant of {generic}: the global one"
            )
    return chosen, reasons
