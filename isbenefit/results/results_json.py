"""The results JSON (schema `isbenefit.results/1`) and its byte-stable serialisation.

Fields named in formats.md section 4 keep their names and meanings; the
extensions (exchange details, `money_by_year`, organisation `years`, `factors`,
`sources`, `ledger`) only add to them.
"""

from __future__ import annotations

import gc
import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import orjson
import pandas as pd

from isbenefit.engine.core import MONEY, SAVED
from isbenefit.errors import Problem
from isbenefit.results.flags import exchange_flags
from isbenefit.results.tables import DESCRIBED_COLUMNS, Tables
from isbenefit.scoring.factorset import INDICATORS, FactorSet
from isbenefit.version import __version__

SCHEMA = "isbenefit.results/1"
# Exchange fields echoed from the ledger (id, supplier and receiver come first).
ECHOED_COLUMNS = tuple(c for c in DESCRIBED_COLUMNS if c not in ("id", "supplier", "receiver"))
OPTIONAL_TEXT = (
    "baseline_disposal",
    "baseline_supply",
    "transport_mode",
    "baseline_transport_mode",
    "evidence",
)
OPTIONAL_NUMBERS = ("baseline_efficiency", "mass_t", "transport_km", "baseline_transport_km")


@dataclass(frozen=True)
class ResultsSource:
    """What the results JSON is made from."""

    tables: Tables
    extra_columns: tuple[str, ...]
    factor_set: FactorSet
    scores: dict[str, np.ndarray]
    currency: str
    ledger: dict[str, str]
    uncertainty: dict[str, Any] | None = None
    warnings: tuple[Problem, ...] = ()
    # Per exchange id: `alternatives` and `conservative_baseline` (results/alternatives.py).
    alternatives: dict[str, dict[str, Any]] | None = None


def results_dict(source: ResultsSource) -> dict[str, Any]:
    """The results as a dict (exchanges included)."""
    with _no_cycle_collection():
        return _results_dict(
            source,
            _exchanges(
                source.tables, source.extra_columns, source.factor_set, source.alternatives or {}
            ),
        )


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    # Millions of small dicts are built here; the cycle collector only slows that down.
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _results_dict(source: ResultsSource, exchanges: list[dict[str, Any]]) -> dict[str, Any]:
    tables = source.tables
    return {
        "schema": SCHEMA,
        "isbenefit_version": __version__,
        "factor_set": source.factor_set.describe(),
        "currency": source.currency,
        "ledger": source.ledger,
        "exchanges": exchanges,
        "organisations": _organisations(tables),
        "years": {
            str(row["year"]): {"saved": _saved(row), "money": _network_money(row)}
            for row in tables.years.to_dict("records")
        },
        "totals": {
            "saved": _saved(tables.totals.iloc[0]),
            "money": _network_money(tables.totals.iloc[0]),
        },
        **_factors(tables, source.factor_set, source.scores),
        # The Monte Carlo extension; every field above keeps its meaning without it.
        **({"uncertainty": source.uncertainty} if source.uncertainty is not None else {}),
        # Present only when there is something to say (formats.md section 4).
        **({"warnings": [_warning(w) for w in source.warnings]} if source.warnings else {}),
    }


def _warning(problem: Problem) -> dict[str, Any]:
    """A warning as the results JSON gives it: where, what, and how to silence it."""
    return {
        "file": problem.file,
        "sheet": problem.sheet,
        "row": problem.row,
        "column": problem.column,
        "value": problem.value,
        "message": problem.message,
        "fix": problem.fix,
    }


def dumps(results: dict[str, Any]) -> bytes:
    """Serialise results as compact UTF-8 JSON; the same results always give the same bytes.

    Compact because a cluster ledger gives hundreds of megabytes; `jq .` indents it.
    """
    return orjson.dumps(results, option=orjson.OPT_APPEND_NEWLINE)


def _exchanges(
    tables: Tables,
    extra_columns: tuple[str, ...],
    factor_set: FactorSet,
    alternatives: dict[str, dict[str, Any]],
) -> list[dict[str, Any]]:
    """One JSON object per exchange, built column by column (fast for 100,000s of rows)."""
    exchanges = tables.exchanges
    column = {name: exchanges[name].tolist() for name in exchanges.columns}
    for name in OPTIONAL_TEXT:
        column[name] = [value or None for value in column[name]]
    for name in OPTIONAL_NUMBERS:
        column[name] = [None if math.isnan(value) else value for value in column[name]]
    groups = {
        group: _objects(names, [column[f"{prefix}{name}"] for name in names])
        for group, prefix, names in (
            ("baseline", "baseline_", INDICATORS),
            ("symbiosis", "symbiosis_", INDICATORS),
            ("saved", "saved_", SAVED),
            ("money", "money_", MONEY),
        )
    }
    groups["extra"] = (
        _objects(extra_columns, [[str(v) for v in column[name]] for name in extra_columns])
        if extra_columns
        else [{} for _ in range(len(exchanges))]
    )
    lines = _lines(tables)
    line_bounds = _bounds(
        pd.Index(exchanges["id"]).get_indexer(tables.lines["exchange"]), len(exchanges)
    )
    fractions, money_by_year, year_bounds = _years_by_exchange(tables, exchanges)
    flags = exchange_flags(exchanges, tables.organisations, factor_set)
    heads = _objects(
        ("id", "supplier", "receiver", *ECHOED_COLUMNS),
        [column[name] for name in ("id", "supplier", "receiver", *ECHOED_COLUMNS)],
    )
    records = []
    for index, head in enumerate(heads):
        first, last = year_bounds[index], year_bounds[index + 1]
        head["years"] = dict(fractions[first:last])
        head["baseline"] = groups["baseline"][index]
        head["symbiosis"] = groups["symbiosis"][index]
        head["saved"] = groups["saved"][index]
        head["money"] = groups["money"][index]
        head["money_by_year"] = dict(money_by_year[first:last])
        head["lines"] = lines[line_bounds[index] : line_bounds[index + 1]]
        head["extra"] = groups["extra"][index]
        head["flags"] = flags[index]
        # Only exchanges with alternative baselines carry these keys.
        head.update(alternatives.get(head["id"], {}))
        records.append(head)
    return records


def _objects(keys: tuple[str, ...], columns: list[list[Any]]) -> list[dict[str, Any]]:
    """Row dicts from parallel column lists (at least one key)."""
    return [dict(zip(keys, values, strict=True)) for values in zip(*columns, strict=True)]


def _bounds(sorted_positions: np.ndarray, count: int) -> list[int]:
    """Start of each position's run in a sorted array, plus the end: slice i is [b[i], b[i+1])."""
    return np.searchsorted(sorted_positions, np.arange(count + 1), side="left").tolist()


LINE_FIELDS = ("role", "activity", "amount", "unit", "co2e_kg", "water_m3", "source")


def _lines(tables: Tables) -> list[dict[str, Any]]:
    """The audit lines; `source` (an extension) says where each line's factor comes from."""
    lines = tables.lines
    return _objects(LINE_FIELDS, [lines[name].tolist() for name in LINE_FIELDS])


def _years_by_exchange(
    tables: Tables, exchanges: pd.DataFrame
) -> tuple[list[tuple[str, float]], list[tuple[str, dict[str, float]]], list[int]]:
    """(year, fraction) and (year, money) per exchange-year in exchange order, and bounds."""
    table = tables.exchange_years
    years = [str(year) for year in table["year"].tolist()]
    money = _objects(MONEY, [table[f"money_{name}"].tolist() for name in MONEY])
    positions = pd.Index(exchanges["id"]).get_indexer(table["exchange"])
    return (
        list(zip(years, table["fraction"].tolist(), strict=True)),
        list(zip(years, money, strict=True)),
        _bounds(positions, len(exchanges)),
    )


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
