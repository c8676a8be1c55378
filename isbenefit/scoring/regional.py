"""Which regional variant of a baseline activity an exchange is scored with.

The baseline stands for one party: `baseline_supply` for the receiver (what it would
have bought), `baseline_disposal` for the supplier (what it would have done with the
stream). The party's country (organisations sheet) chooses the variant
(scoring/variants.py); the same choice is made for the engine's arrays, the calculation
lines (`variant`, `variant_reason`) and the `region` flag, so all three agree.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from isbenefit.scoring.factorset import FactorSet
from isbenefit.scoring.variants import choose

# Which party a baseline column stands for.
BASELINE_PARTY = {"baseline_supply": "receiver", "baseline_disposal": "supplier"}


def party_countries(
    exchanges: pd.DataFrame, organisations: pd.DataFrame | None, column: str
) -> np.ndarray | None:
    """The country of the party ``column`` stands for, per exchange ("" when not given);
    None for a column that stands for no party, or without organisations."""
    party = BASELINE_PARTY.get(column)
    if party is None or organisations is None or "country" not in organisations.columns:
        return None
    country = organisations.drop_duplicates("id").set_index("id")["country"]
    return exchanges[party].map(country).fillna("").astype(str).to_numpy(dtype=object)


def variant_ids(
    ids: np.ndarray, countries: np.ndarray, column: str, factor_set: FactorSet
) -> tuple[np.ndarray, np.ndarray]:
    """(activity ids, reasons) of ``ids`` (aliases already resolved) in ``column``, each
    generic activity replaced by the variant of its party's country."""
    return choose(
        ids,
        countries,
        factor_set.variants,
        factor_set.activities["location"],
        BASELINE_PARTY[column],
    )


def chosen_baselines(
    exchanges: pd.DataFrame, organisations: pd.DataFrame, factor_set: FactorSet
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per baseline column: the activity each exchange is scored with (before vintages)
    and why, "" where no variant is involved."""
    chosen = {}
    for column in BASELINE_PARTY:
        ids = exchanges[column].to_numpy(dtype=object)
        if factor_set.aliases:
            ids = np.array(
                [factor_set.aliases[i].activity if i in factor_set.aliases else i for i in ids],
                dtype=object,
            )
        countries = party_countries(exchanges, organisations, column)
        if factor_set.variants and countries is not None:
            chosen[column] = variant_ids(ids, countries, column, factor_set)
        else:
            chosen[column] = (ids, np.full(len(ids), "", dtype=object))
    return chosen
