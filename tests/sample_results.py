"""A synthetic results dict of the engine's shape, for previews, benchmarks and tests.

It follows the arithmetic of the spec (section 3) on a small built-in factor
table, so every derived figure (lines, savings, years, credited shares, totals)
is consistent with the exchange it comes from. Nothing here is real data.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date
from typing import Any

from isbenefit.documents.shares import credit
from isbenefit.engine.core import SAVED
from isbenefit.results.model import Exchange

DEFAULT_NAMES = (
    "Ørsted Bioenergi A/S",
    "Äänekoski Sellu Oy",
    "Zakłady Chemiczne Łódź S.A.",
    "Ėnergija Klaipėda UAB",
    "Завод Жемчуг",
    "Kalundborg Forsyning",
)
_COUNTRIES = ("DK", "FI", "PL", "LT", "LV", "SE")
_SOURCES = [
    {
        "key": "desnz-2025",
        "title": "Greenhouse gas reporting: conversion factors 2025",
        "publisher": "UK DESNZ",
        "year": 2025,
        "url": "https://www.gov.uk/",
        "licence": "OGL-UK-3.0",
    },
    {
        "key": "ember-2024",
        "title": "Yearly electricity data",
        "publisher": "Ember",
        "year": 2024,
        "url": "https://ember-energy.org/",
        "licence": "CC-BY-4.0",
    },
]
# id, name, kind, unit, co2e_kg, water_m3, source, source_ref
_ACTIVITIES = (
    (
        "landfill.ci",
        "landfill, commercial and industrial waste",
        "landfill",
        "t",
        520.5327,
        0.0,
        "desnz-2025",
        "Waste disposal 20_507_5313_15_1",
    ),
    (
        "gypsum.primary",
        "gypsum, primary (plasterboard proxy)",
        "production",
        "t",
        120.05,
        0.0,
        "desnz-2025",
        "Material use 19_500_5040_15_1",
    ),
    (
        "heat.gas-boiler",
        "heat from natural gas boiler",
        "energy",
        "MWh",
        203.29,
        0.0,
        "desnz-2025",
        "Fuels 1_100_1004_6_1 / 0.9",
    ),
    (
        "water.mains",
        "mains water supply",
        "water",
        "m3",
        0.1913,
        1.0,
        "desnz-2025",
        "Water supply 17_404_4005_1_1",
    ),
    (
        "water.treatment",
        "wastewater treatment",
        "treatment",
        "m3",
        0.17088,
        0.0,
        "desnz-2025",
        "Water treatment 18_405_4006_1_1",
    ),
    (
        "freight.road",
        "road freight, average laden HGV",
        "transport",
        "tkm",
        0.10163,
        0.0,
        "desnz-2025",
        "Freighting goods 27_304_3140_14_1",
    ),
    (
        "electricity.dk",
        "electricity, grid, Denmark",
        "energy",
        "kWh",
        0.1433,
        0.0,
        "ember-2024",
        "DK 2024 average intensity",
    ),
)
_FACTORS = {row[0]: row for row in _ACTIVITIES}
# flow, resource, unit, disposal, supply, transport?, input activity, input per unit
_KINDS = (
    ("material", "FGD gypsum", "t", "landfill.ci", "gypsum.primary", True, "electricity.dk", 4.0),
    ("energy", "waste heat 90 °C", "MWh", None, "heat.gas-boiler", False, "electricity.dk", 15.0),
    (
        "water",
        "treated process water",
        "m3",
        "water.treatment",
        "water.mains",
        False,
        "electricity.dk",
        0.4,
    ),
)


def sample_results(
    names: Sequence[str] = DEFAULT_NAMES,
    *,
    exchanges_per_org: int = 2,
    years: Sequence[int] = (2023, 2024),
    seed: int = 7,
    currency: str = "EUR",
) -> dict[str, Any]:
    """A results dict for organisations called ``names`` trading in a ring."""
    rng = random.Random(seed)
    orgs = [
        {
            "id": f"org{index + 1:03d}",
            "name": name,
            "country": _COUNTRIES[index % 6],
            "sme": "yes" if index % 2 else "no",
        }
        for index, name in enumerate(names)
    ]
    exchanges = []
    for index in range(len(orgs) * exchanges_per_org):
        supplier = orgs[index % len(orgs)]["id"]
        receiver = orgs[(index + 1 + index // len(orgs)) % len(orgs)]["id"]
        if receiver == supplier:
            receiver = orgs[(index + 1) % len(orgs)]["id"]
        exchanges.append(_exchange(index, supplier, receiver, rng, years, currency))
    used = sorted({line["activity"] for e in exchanges for line in e["lines"]})
    results: dict[str, Any] = {
        "schema": "isbenefit.results/1",
        "isbenefit_version": "0.1.0",
        "factor_set": {
            "id": "sample-open",
            "version": "2025.1",
            "sha256": "0" * 64,
            "title": "Sample open factor set",
            "licence": "OGL-UK-3.0 / CC-BY-4.0",
        },
        "currency": currency,
        "ledger": {"name": "sample-cluster.xlsx", "sha256": "1" * 64},
        "exchanges": exchanges,
        "factors": [_factor_record(activity) for activity in used],
        "sources": [dict(source) for source in _SOURCES],
    }
    results["organisations"] = [_organisation(org, exchanges) for org in orgs]
    results["years"] = _year_totals(exchanges)
    results["totals"] = _sum_years(results["years"].values())
    return results


def _exchange(
    index: int,
    supplier: str,
    receiver: str,
    rng: random.Random,
    years: Sequence[int],
    currency: str,
) -> dict[str, Any]:
    flow, resource, unit, disposal, supply, moved, _, _ = _KINDS[index % 3]
    quantity = round(rng.uniform(50, 5000), 1)
    ratio = 1.0 if flow != "energy" else 1.0 / 0.9
    start, end = _period(index, years)
    lines = _lines(index, quantity, ratio, rng)
    money = _money(quantity, rng)
    fractions = _year_fractions(start, end)
    record = {
        "id": f"X{index + 1:04d}",
        "supplier": supplier,
        "receiver": receiver,
        "flow": flow,
        "resource": resource,
        "quantity": quantity,
        "unit": unit,
        "period_start": start.isoformat(),
        "period_end": end.isoformat(),
        "data_quality": ("measured", "calculated", "estimated")[index % 3],
        "baseline_disposal": disposal,
        "baseline_supply": supply,
        "substitution_ratio": ratio,
        "supplier_share": (0.5, 0.3, 0.0, 0.8)[index % 4],
        "hazardous": "yes" if index % 7 == 3 else "no",
        "currency": currency,
        "evidence": f"weighbridge tickets W-{index:03d}",
        "years": fractions,
        "lines": lines,
        "money": money,
        "money_by_year": {
            y: {k: v * part for k, v in money.items()} for y, part in fractions.items()
        },
        "extra": {"contract_ref": f"C-{index:03d}"} if index % 4 == 0 else {},
    }
    _add_sums(record, quantity if moved or flow == "material" else 0.0)
    return record


def _lines(index: int, quantity: float, ratio: float, rng: random.Random) -> list[dict[str, Any]]:
    _, _, _, disposal, supply, moved, input_activity, per_unit = _KINDS[index % 3]
    lines = []
    if disposal:
        lines.append(_line("baseline_disposal", disposal, quantity))
    lines.append(_line("baseline_supply", supply, quantity * ratio))
    if moved:
        km = round(rng.uniform(5, 120), 0)
        lines.append(_line("transport", "freight.road", quantity * km))
    lines.append(_line("input", input_activity, quantity * per_unit))
    return lines


def _money(quantity: float, rng: random.Random) -> dict[str, float]:
    price = round(quantity * rng.uniform(-5, 20), 2)
    money = {
        "supplier": price + quantity * 8.0 - quantity * 1.5,
        "receiver": quantity * 25.0 - price - quantity * 3.0,
    }
    money["network"] = money["supplier"] + money["receiver"]
    money["additional_sales"] = max(price, 0.0)
    return money


def _line(role: str, activity: str, amount: float) -> dict[str, Any]:
    _, _, _, unit, co2e, water_m3, _, _ = _FACTORS[activity]
    return {
        "role": role,
        "activity": activity,
        "amount": amount,
        "unit": unit,
        "co2e_kg": amount * co2e,
        "water_m3": amount * water_m3,
    }


def _add_sums(record: dict[str, Any], mass_t: float) -> None:
    def total(prefix: bool, key: str) -> float:
        return sum(
            line[key] for line in record["lines"] if line["role"].startswith("baseline") == prefix
        )

    record["baseline"] = {k: total(True, k) for k in ("co2e_kg", "water_m3")}
    record["symbiosis"] = {k: total(False, k) for k in ("co2e_kg", "water_m3")}
    supply_kind = _FACTORS[record["baseline_supply"]][2]
    disposal = record["baseline_disposal"]
    record["saved"] = {
        "co2e_kg": record["baseline"]["co2e_kg"] - record["symbiosis"]["co2e_kg"],
        "water_m3": record["baseline"]["water_m3"] - record["symbiosis"]["water_m3"],
        "virgin_material_t": mass_t * record["substitution_ratio"]
        if supply_kind == "production"
        else 0.0,
        "landfill_diverted_t": mass_t if disposal and _FACTORS[disposal][2] == "landfill" else 0.0,
        "hazardous_diverted_t": mass_t if record["hazardous"] == "yes" else 0.0,
    }


def _period(index: int, years: Sequence[int]) -> tuple[date, date]:
    year = years[index % len(years)]
    if index % 5 == 4 and year != years[-1]:
        return date(year, 7, 1), date(year + 1, 6, 30)
    return date(year, 1 + index % 6, 1), date(year, 12, 31)


def _year_fractions(start: date, end: date) -> dict[str, float]:
    days = (end - start).days + 1
    parts = {}
    for year in range(start.year, end.year + 1):
        first, last = max(start, date(year, 1, 1)), min(end, date(year, 12, 31))
        parts[str(year)] = ((last - first).days + 1) / days
    return parts


def _organisation(org: dict[str, Any], exchanges: list[dict[str, Any]]) -> dict[str, Any]:
    per_year: dict[str, dict[str, Any]] = {}
    mine = [e for e in exchanges if org["id"] in (e["supplier"], e["receiver"])]
    for year in sorted({y for e in mine for y in e["years"]}):
        parts = [
            credit(Exchange.from_record(e), org["id"], year) for e in mine if year in e["years"]
        ]
        per_year[year] = {
            "saved": {k: sum(p.saved[k] for p in parts) for k in SAVED},
            "money": sum(p.money for p in parts),
            "additional_sales": sum(p.additional_sales for p in parts),
        }
    return {
        **org,
        "saved": {k: sum(y["saved"][k] for y in per_year.values()) for k in SAVED},
        "money": sum(y["money"] for y in per_year.values()),
        "additional_sales": sum(y["additional_sales"] for y in per_year.values()),
        "years": per_year,
    }


def _year_totals(exchanges: list[dict[str, Any]]) -> dict[str, Any]:
    years: dict[str, Any] = {}
    for year in sorted({y for e in exchanges for y in e["years"]}):
        inside = [e for e in exchanges if year in e["years"]]
        years[year] = {
            "saved": {k: sum(e["saved"][k] * e["years"][year] for e in inside) for k in SAVED},
            "money": {
                k: sum(e["money_by_year"][year][k] for e in inside)
                for k in ("network", "additional_sales")
            },
        }
    return years


def _sum_years(years: Any) -> dict[str, Any]:
    years = list(years)
    return {
        "saved": {k: sum(y["saved"][k] for y in years) for k in SAVED},
        "money": {k: sum(y["money"][k] for y in years) for k in ("network", "additional_sales")},
    }


def _factor_record(activity: str) -> dict[str, Any]:
    id_, name, kind, unit, co2e, water_m3, source, ref = _FACTORS[activity]
    return {
        "id": id_,
        "name": name,
        "kind": kind,
        "unit": unit,
        "location": "GLO",
        "co2e_kg": co2e,
        "water_m3": water_m3,
        "gsd": 1.0,
        "source": source,
        "source_ref": ref,
        "year": 2024,
        "notes": "synthetic sample",
    }
