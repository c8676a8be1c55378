"""The cluster's own factors: the ledger sheet `factors` (docs/formats.md section 1).

A facilitator may use a published local figure (the district-heat company's declaration, a
supplier's EPD) wherever an activity id is. Each row becomes an activity of this
assessment only, after the factor set's own: its source is marked "supplied with the
ledger" on every line, in the results' `factors` and `sources` and in the documents; the
row travels with a certificate's claim, so `verify` recomputes with it. Its Monte Carlo
spread is a lognormal of median the value and the row's `gsd` (blank: 1.2, the contract's
default), drawn here since the factor is in no Brightway database.
"""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pandas as pd

from isbenefit import units
from isbenefit.engine import draws as keyed
from isbenefit.errors import Problem
from isbenefit.ledger.checks import SheetChecker
from isbenefit.ledger.reading import RawLedger
from isbenefit.ledger.rules import CheckedSheets
from isbenefit.reported import SUPPLIED_WITH_LEDGER
from isbenefit.scoring.factorset import EFFICIENCY, ORIGIN, FactorSet

SHEET = "factors"
SUPPLIED = SUPPLIED_WITH_LEDGER
SOURCE_PREFIX = "ledger:"  # key of each own factor's source in the results' `sources`
_ID = re.compile(r"^[a-z0-9_.-]+$")
# Seed offset of the own factors' draws, apart from the factor set's.
_SEED_OFFSET = 20_231


def with_own_factors(
    factor_set: FactorSet, sheets: CheckedSheets, raw: RawLedger, problems: list[Problem]
) -> FactorSet:
    """``factor_set`` with the ledger's own factors after its activities (itself when the
    ledger has none); their problems are added to ``problems``."""
    table = sheets.others.get(SHEET)
    raw_sheet = raw.sheets.get(SHEET)
    if table is None or raw_sheet is None or not len(table):
        return factor_set
    check = SheetChecker(raw_sheet, problems)
    ids = table["id"].to_numpy(dtype=object)
    check.flag(
        np.array([not _ID.match(str(i)) for i in ids], dtype=bool) & (ids != ""),
        "id",
        "a factor id must match [a-z0-9_.-]+",
        "use lower-case letters, digits, '_', '.' or '-'",
    )
    taken = set(factor_set.activities.index) | set(factor_set.aliases)
    check.flag(
        np.isin(ids, list(taken)),
        "id",
        f"this id is an activity of factor set {factor_set.id}",
        "give your factor an id of its own, e.g. with your cluster's name in it",
    )
    check.unique("id", "factor id")
    if any(problem.sheet == SHEET for problem in problems):  # the contract's checks too
        return factor_set
    own = _activities(table, factor_set.activities.columns)
    sources = {
        f"{SOURCE_PREFIX}{row['id']}": {
            "key": f"{SOURCE_PREFIX}{row['id']}",
            "title": row["source"],
            "publisher": SUPPLIED,
            "year": int(row["year"]),
            "url": row["evidence"] if str(row["evidence"]).startswith("http") else "",
            "licence": "",
        }
        for row in table.to_dict("records")
    }
    return replace(
        factor_set,
        activities=pd.concat([factor_set.activities, own]),
        sources={**factor_set.sources, **sources},
    )


def _activities(table: pd.DataFrame, columns: pd.Index) -> pd.DataFrame:
    """The own factors as rows of activities.csv (plus the factor set's added columns)."""
    unit = table["unit"].to_numpy(dtype=object)
    kind = np.where(
        table["kind"].to_numpy(dtype=object) != "",
        table["kind"].to_numpy(dtype=object),
        [_kind(str(u)) for u in unit],
    )
    rows = pd.DataFrame(
        {
            "id": table["id"].to_numpy(dtype=object),
            "name": table["name"].to_numpy(dtype=object),
            "kind": kind,
            "unit": unit,
            "location": table["location"].to_numpy(dtype=object),
            "co2e_kg": table["co2e_kg"].to_numpy(dtype=float),
            "water_m3": table["water_m3"].to_numpy(dtype=float),
            "gsd": table["gsd"].to_numpy(dtype=float),
            "source": [f"{SOURCE_PREFIX}{i}" for i in table["id"]],
            "source_ref": table["source_ref"].to_numpy(dtype=object),
            "year": [str(int(y)) for y in table["year"]],
            "notes": [f"{SUPPLIED}; evidence: {e}" for e in table["evidence"]],
            EFFICIENCY: np.nan,
            ORIGIN: [f"{SUPPLIED}: {s}" for s in table["source"]],
        }
    )
    return rows.reindex(columns=columns, fill_value="").set_index("id", drop=False)


def _kind(unit: str) -> str:
    if unit == units.FREIGHT_UNIT:
        return "transport"
    try:
        return "energy" if units.dimension(unit) == units.ENERGY else "production"
    except units.UnitError:
        return "production"


def with_own_scores(scores: dict[str, np.ndarray], factor_set: FactorSet) -> dict[str, np.ndarray]:
    """Per-unit scores of the factor set extended by the own factors' values (the factor
    set's come from Brightway; an own factor is its own value)."""
    count = len(next(iter(scores.values())))
    own = factor_set.activities.iloc[count:]
    if not len(own):
        return scores
    return {
        name: np.concatenate([values, own[name].to_numpy(dtype=float)])
        for name, values in scores.items()
    }


def with_own_draws(
    draws: dict[str, np.ndarray], factor_set: FactorSet, seed: int, draw_scheme: int = 1
) -> dict[str, np.ndarray]:
    """Score draws (iterations x activities) extended by lognormal draws of the own
    factors: median the value, geometric standard deviation the row's `gsd`. Under draw
    scheme 2 each own factor draws from a stream keyed by its id (engine/draws.py), so
    its draws do not depend on the other own factors of the ledger."""
    first = next(iter(draws.values()))
    iterations, count = first.shape
    own = factor_set.activities.iloc[count:]
    if not len(own):
        return draws
    sigma = np.log(own["gsd"].to_numpy(dtype=float))
    if draw_scheme == 1:
        normal = np.random.default_rng(seed + _SEED_OFFSET).standard_normal((iterations, len(own)))
        spread = np.exp(normal * sigma)
    else:
        ids = [str(i) for i in own["id"]]
        spread = keyed.lognormal_multipliers(seed, keyed.FACTOR, ids, sigma, 0, iterations).T
    return {
        name: np.concatenate([values, spread * own[name].to_numpy(dtype=float)], axis=1)
        if name in own.columns
        else values
        for name, values in draws.items()
    }
