"""The results JSON (schema `isbenefit.results/1`) and its byte-stable serialisation.

Fields named in formats.md section 4 keep their names and meanings; the
extensions (exchange details, `money_by_year`, organisation `years`, `factors`,
`sources`, `ledger`) only add to them.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd

from isbenefit import __version__
from isbenefit.core import MONEY, SAVED
from isbenefit.factorset import INDICATORS, FactorSet
from isbenefit.results import Tables

SCHEMA = "isbenefit.results/1"
DESCRIBED_COLUMNS = (
    "flow",
    "resource",
    "quantity",
    "unit",
    "period_start",
    "period_end",
    "data_quality",
    "baseline_disposal",
    "baseline_supply",
    "substitution_ratio",
    "supplier_share",
    "hazardous",
    "currency",
    "evidence",
)
OPTIONAL_TEXT = ("baseline_disposal", "baseline_supply", "evidence")


def results_dict(
    tables: Tables,
    extra_columns: tuple[str, ...],
    factor_set: FactorSet,
    scores: dict[str, np.ndarray],
    currency: str,
    ledger: dict[str, str],
) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "isbenefit_version": __version__,
        "factor_set": factor_set.describe(),
        "currency": currency,
        "ledger": ledger,
        "exchanges": _exchanges(tables, extra_columns),
        "organisations": _organisations(tables),
        "years": {
            str(row["year"]): {"saved": _saved(row), "money": _network_money(row)}
            for row in tables.years.to_dict("records")
        },
        "totals": {
            "saved": _saved(tables.totals.iloc[0]),
            "money": _network_money(tables.totals.iloc[0]),
        },
        **_factors(tables, factor_set, scores),
    }


def dumps(results: dict[str, Any]) -> str:
    """Serialise results; the same results always give the same text."""
    return json.dumps(results, ensure_ascii=False, indent=1, allow_nan=False) + "\n"


def _exchanges(tables: Tables, extra_columns: tuple[str, ...]) -> list[dict[str, Any]]:
    exchanges = tables.exchanges
    lines = tables.lines.to_dict("records")
    line_positions = pd.Index(exchanges["id"]).get_indexer(tables.lines["exchange"])
    line_bounds = np.searchsorted(line_positions, np.arange(len(exchanges)), side="left")
    line_ends = [*line_bounds[1:], len(lines)]
    years = _by_exchange(tables.exchange_years)
    records = []
    for index, row in enumerate(exchanges.to_dict("records")):
        exchange_id = row["id"]
        records.append(
            {
                "id": exchange_id,
                "supplier": row["supplier"],
                "receiver": row["receiver"],
                **{c: _plain(row[c], c) for c in DESCRIBED_COLUMNS},
                "years": {y: f for y, f, _ in years[exchange_id]},
                "baseline": {n: float(row[f"baseline_{n}"]) for n in INDICATORS},
                "symbiosis": {n: float(row[f"symbiosis_{n}"]) for n in INDICATORS},
                "saved": _saved(row),
                "money": {n: float(row[f"money_{n}"]) for n in MONEY},
                "money_by_year": {y: m for y, _, m in years[exchange_id]},
                "lines": [_line(line) for line in lines[line_bounds[index] : line_ends[index]]],
                "extra": {c: str(row[c]) for c in extra_columns},
            }
        )
    return records


def _by_exchange(exchange_years: pd.DataFrame) -> dict[str, list[tuple[str, float, dict]]]:
    grouped: dict[str, list[tuple[str, float, dict]]] = {}
    for row in exchange_years.to_dict("records"):
        money = {n: float(row[f"money_{n}"]) for n in MONEY}
        grouped.setdefault(row["exchange"], []).append(
            (str(row["year"]), float(row["fraction"]), money)
        )
    return grouped


def _organisations(tables: Tables) -> list[dict[str, Any]]:
    years: dict[str, dict[str, Any]] = {}
    for row in tables.organisation_years.to_dict("records"):
        years.setdefault(row["organisation"], {})[str(row["year"])] = {
            "saved": _saved(row),
            "money": float(row["money"]),
            "additional_sales": float(row["additional_sales"]),
        }
    return [
        {
            "id": row["id"],
            "name": _text_or_none(row["name"]),
            "country": _text_or_none(row["country"]),
            "sme": _text_or_none(row["sme"]),
            "saved": _saved(row),
            "money": float(row["money"]),
            "additional_sales": float(row["additional_sales"]),
            "years": years.get(row["id"], {}),
        }
        for row in tables.organisations.to_dict("records")
    ]


def _factors(
    tables: Tables, factor_set: FactorSet, scores: dict[str, np.ndarray]
) -> dict[str, Any]:
    used = sorted(set(tables.lines["activity"]))
    activities = factor_set.activities
    positions = activities.index.get_indexer(pd.Index(used))
    factors = []
    for activity_id, position in zip(used, positions, strict=True):
        row = activities.iloc[position]
        factors.append(
            {
                "id": activity_id,
                "name": row["name"],
                "kind": row["kind"],
                "unit": row["unit"],
                "location": row["location"],
                **{name: float(scores[name][position]) for name in INDICATORS},
                "gsd": float(row["gsd"]),
                "source": row["source"],
                "source_ref": row["source_ref"],
                "year": row["year"],
                "notes": row["notes"],
            }
        )
    keys = sorted({f["source"] for f in factors})
    sources = [
        {
            k: factor_set.sources[key].get(k)
            for k in ("key", "title", "publisher", "year", "url", "licence")
        }
        for key in keys
    ]
    return {"factors": factors, "sources": sources}


def _plain(value: Any, column: str) -> Any:
    if column in OPTIONAL_TEXT:
        return _text_or_none(value)
    if isinstance(value, np.generic):
        return value.item()
    return value


def _line(line: dict[Any, Any]) -> dict[str, Any]:
    return {
        "role": line["role"],
        "activity": line["activity"],
        "amount": float(line["amount"]),
        "unit": line["unit"],
        **{n: float(line[n]) for n in INDICATORS},
    }


def _saved(row: Any) -> dict[str, float]:
    return {name: float(row[f"saved_{name}"]) for name in SAVED}


def _network_money(row: Any) -> dict[str, float]:
    return {
        "network": float(row["money_network"]),
        "additional_sales": float(row["money_additional_sales"]),
    }


def _text_or_none(value: object) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value == "":
        return None
    return str(value)
