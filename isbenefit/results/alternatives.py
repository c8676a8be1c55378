"""Alternative baselines in the results JSON: what each one gives, and which one the
conservative figure rests on (formats.md section 4, `alternatives`)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from isbenefit.engine.core import NONE, AlternativeResult
from isbenefit.ledger.contract import BASELINES, NUMBER
from isbenefit.ledger.rules import ALTERNATIVE_ACTIVITIES, LEDGER_BASELINE
from isbenefit.results.results_json import LINE_FIELDS
from isbenefit.results.tables import lines_table
from isbenefit.scoring.factorset import INDICATORS, FactorSet

NUMBERS = BASELINES.of_kind(NUMBER)


def alternative_records(
    table: pd.DataFrame, result: AlternativeResult, exchange_ids: list[str], factor_set: FactorSet
) -> dict[str, dict[str, Any]]:
    """Per exchange with alternatives: ``alternatives`` (each with what it changes, its
    baseline, saved figures and baseline lines) and ``conservative_baseline`` (the name of
    the baseline with the smallest CO2e saving: ``ledger`` for the exchange row's own).

    ``table`` is the checked `baselines` sheet; rows naming no exchange were refused.
    """
    known = table.loc[table["exchange"].isin(exchange_ids)].reset_index(drop=True)
    labels = np.arange(len(known))
    lines = lines_table(labels, result.lines, factor_set)
    by_alternative: dict[int, list[dict[str, Any]]] = {}
    for line in lines.to_dict("records"):
        by_alternative.setdefault(int(line["exchange"]), []).append(
            {field: line[field] for field in LINE_FIELDS}
        )
    records: dict[str, dict[str, Any]] = {}
    for position, row in enumerate(known.to_dict("records")):
        entry = records.setdefault(str(row["exchange"]), {"alternatives": []})
        entry["alternatives"].append(
            {
                "name": row["name"],
                "reason": row["reason"],
                **{column: row[column] or None for column in ALTERNATIVE_ACTIVITIES},
                **{
                    column: None if math.isnan(row[column]) else float(row[column])
                    for column in NUMBERS
                },
                "baseline": {name: float(result.baseline[name][position]) for name in INDICATORS},
                "saved": {name: float(values[position]) for name, values in result.saved.items()},
                "lines": by_alternative.get(position, []),
            }
        )
    position_of = {exchange: index for index, exchange in enumerate(exchange_ids)}
    for exchange, entry in records.items():
        chosen = result.chosen[position_of[exchange]]
        entry["conservative_baseline"] = (
            str(known.at[int(chosen), "name"]) if chosen != NONE else LEDGER_BASELINE
        )
    return records
