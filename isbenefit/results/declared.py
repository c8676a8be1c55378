"""Declared jobs and money in the results: the `declared` extension of the results JSON,
its tables for `--xlsx`, and the typed form documents read.

Totals per organisation (the credited parts), per year and of the cluster (each row once)
are kept apart from the saved quantities: nothing here is added to CO2e or to the money
the exchanges' own columns give. Present only when the ledger has a `declared` sheet, so
other ledgers keep their results byte for byte.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from isbenefit.ledger.declared import DeclaredFigures
from isbenefit.ledger.reading import ROW_COLUMN
from isbenefit.reported import DECLARED_KEYS

_AMOUNT_KEYS = ("figure", "label", "unit")
ALL_YEARS = "all"  # the `year` of a total over every year in the totals table


def declared_json(declared: DeclaredFigures) -> dict[str, Any]:
    """The results JSON's `declared` object."""
    parts = declared.parts
    by_row = dict(list(parts.groupby("row", sort=False)))
    rows = [_row(record, by_row[record[ROW_COLUMN]]) for record in _records(declared.rows)]
    organisations = []
    for organisation, group in parts.groupby("organisation", sort=True):
        organisations.append(
            {
                "id": organisation,
                "years": {str(y): _amounts(g) for y, g in group.groupby("year", sort=True)},
                "total": _amounts(group),
            }
        )
    return {
        "rows": rows,
        "organisations": organisations,
        "years": {str(y): _amounts(g) for y, g in parts.groupby("year", sort=True)},
        "totals": _amounts(parts),
    }


def _records(table: pd.DataFrame) -> list[dict[str, Any]]:
    return table.to_dict("records")  # type: ignore[return-value]


def _row(record: Mapping[str, Any], parts: pd.DataFrame) -> dict[str, Any]:
    year = float(record["year"])
    return {
        "row": int(record[ROW_COLUMN]),
        "figure": record["figure"],
        "label": record["label"] or None,
        "amount": float(record["amount"]),
        "currency": record["currency"] or None,
        "unit": record["unit"],
        "exchange": record["exchange"] or None,
        "organisation": record["organisation"] or None,
        "year": None if np.isnan(year) else int(year),
        "declared_by": record["declared_by"],
        "evidence": record["evidence"],
        "credited": [
            {
                "organisation": part["organisation"],
                "year": str(part["year"]),
                "share": float(part["share"]),
                "year_fraction": float(part["year_fraction"]),
                "amount": float(part["amount"]),
            }
            for part in _records(parts)
        ],
    }


def _amounts(parts: pd.DataFrame) -> list[dict[str, Any]]:
    """Sums by figure (the reported order), label and unit."""
    sums = parts.groupby(list(_AMOUNT_KEYS), sort=False)["amount"].sum()
    keys = sorted(sums.index, key=lambda k: (DECLARED_KEYS.index(k[0]), k[1], k[2]))
    return [
        {"figure": f, "label": label or None, "unit": unit, "amount": float(sums[(f, label, unit)])}
        for f, label, unit in keys
    ]


def declared_tables(declared: DeclaredFigures) -> dict[str, pd.DataFrame]:
    """The `--xlsx` sheets: `declared` (each row's credited parts) and `declared_totals`
    (per organisation and year, per organisation over all years, per year and of the
    cluster; `organisation` blank for the cluster)."""
    parts = declared.parts.rename(columns={"row": "sheet_row"})
    totals = []
    keys = list(_AMOUNT_KEYS)
    for by in (["organisation", "year"], ["organisation"], ["year"], []):
        summed = parts.groupby([*by, *keys], sort=True)["amount"].sum().reset_index()
        if "organisation" not in by:
            summed.insert(0, "organisation", "")
        if "year" not in by:
            summed.insert(1, "year", ALL_YEARS)
        totals.append(summed[["organisation", "year", *keys, "amount"]])
    table = pd.concat(totals, ignore_index=True)
    table["year"] = table["year"].astype(str)
    return {"declared": parts, "declared_totals": table}


@dataclass(frozen=True, slots=True)
class DeclaredAmount:
    """A declared figure summed: what, its label (other money), unit and amount."""

    figure: str
    label: str
    unit: str
    amount: float

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> DeclaredAmount:
        return cls(
            str(record["figure"]),
            str(record.get("label") or ""),
            str(record["unit"]),
            float(record["amount"]),
        )


@dataclass(frozen=True, slots=True)
class DeclaredPart:
    """The part of a declared row credited to one organisation in one year."""

    organisation: str
    year: str
    share: float
    year_fraction: float
    amount: float


@dataclass(frozen=True, slots=True)
class DeclaredRow:
    """A row of the sheet `declared`, as given, with its credited parts."""

    row: int
    figure: str
    label: str
    amount: float
    currency: str
    unit: str
    exchange: str
    organisation: str
    year: int | None
    declared_by: str
    evidence: str
    credited: tuple[DeclaredPart, ...]

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> DeclaredRow:
        return cls(
            row=int(record["row"]),
            figure=str(record["figure"]),
            label=str(record.get("label") or ""),
            amount=float(record["amount"]),
            currency=str(record.get("currency") or ""),
            unit=str(record["unit"]),
            exchange=str(record.get("exchange") or ""),
            organisation=str(record.get("organisation") or ""),
            year=None if record.get("year") is None else int(record["year"]),
            declared_by=str(record["declared_by"]),
            evidence=str(record["evidence"]),
            credited=tuple(
                DeclaredPart(
                    str(p["organisation"]),
                    str(p["year"]),
                    float(p["share"]),
                    float(p["year_fraction"]),
                    float(p["amount"]),
                )
                for p in record["credited"]
            ),
        )


def _amount_list(records: Iterable[Mapping[str, Any]]) -> tuple[DeclaredAmount, ...]:
    return tuple(DeclaredAmount.from_record(record) for record in records)


@dataclass(frozen=True, slots=True)
class Declared:
    """The results' `declared` extension as documents read it.

    Attributes:
        rows: the sheet's rows with their credited parts, in sheet order.
        organisations: organisation id -> year -> its credited sums.
        organisation_totals: organisation id -> its credited sums over every year.
        years: year -> the cluster's sums (each row once).
        totals: the cluster's sums over every year.
    """

    rows: tuple[DeclaredRow, ...]
    organisations: Mapping[str, Mapping[str, tuple[DeclaredAmount, ...]]]
    organisation_totals: Mapping[str, tuple[DeclaredAmount, ...]]
    years: Mapping[str, tuple[DeclaredAmount, ...]]
    totals: tuple[DeclaredAmount, ...]

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Declared:
        return cls(
            rows=tuple(DeclaredRow.from_record(row) for row in record["rows"]),
            organisations={
                org["id"]: {year: _amount_list(v) for year, v in org["years"].items()}
                for org in record["organisations"]
            },
            organisation_totals={
                org["id"]: _amount_list(org["total"]) for org in record["organisations"]
            },
            years={year: _amount_list(v) for year, v in record["years"].items()},
            totals=_amount_list(record["totals"]),
        )

    def of(self, organisation: str, year: str) -> tuple[DeclaredAmount, ...]:
        """An organisation's credited sums in a year (empty when none)."""
        return tuple(self.organisations.get(organisation, {}).get(year, ()))

    def rows_of(self, organisation: str, year: str) -> list[tuple[DeclaredRow, DeclaredPart]]:
        """The rows crediting an organisation in a year, each with that part."""
        return [
            (row, part)
            for row in self.rows
            for part in row.credited
            if part.organisation == organisation and part.year == year
        ]
