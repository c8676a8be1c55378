"""Figures as the service's pages print them: the labels of the one table of reported
quantities (reported.QUANTITIES), each figure rounded by the rule every document uses
(documents.numbers.quantity; a closed year runs no Monte Carlo analysis, so three
significant digits), money in whole units with its currency code."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from isbenefit.documents import numbers
from isbenefit.messages import say
from isbenefit.reported import QUANTITIES, QUANTITY
from isbenefit.service import wording

# The money of a year's totals the pages show, with their labels.
MONEY = (("network", wording.MONEY_NETWORK), ("additional_sales", wording.ADDITIONAL_SALES))


@dataclass(frozen=True)
class Row:
    """One figure of a year version beside the one before it, as printed.

    Attributes:
        key: its key in the results (``saved.co2e_kg``, ``money.network``), for programs.
        label: what it measures (reported.Quantity.label, or the money's label).
        unit: the printed unit (``t CO₂e``) or the currency code.
        before: the figure of the version before, or "" for a first version.
        after: the figure of this version.
        difference: this version minus the one before, to the same place, signed; or "".
    """

    key: str
    label: str
    unit: str
    before: str
    after: str
    difference: str


def quantity(key: str, value: float) -> str:
    """A saved quantity (results key and unit) with its printed unit: ``743 t CO₂e``."""
    return f"{numbers.quantity(key, value)}\u00a0{QUANTITY[key].unit}"


def money(value: float, currency: str) -> str:
    """Money in whole units with its currency code: ``210,680 EUR``."""
    return f"{numbers.money(value)}\u00a0{currency}"


def _signed(text: str, value: float) -> str:
    return f"+{text}" if value > 0 and text.strip("0.,") else text


def _quantity_row(key: str, after: float, before: float | None) -> Row:
    reported = QUANTITY[key]
    difference = ""
    if before is not None:  # the difference ends where the coarser of its figures ends
        place = min(reported.figure_decimals(after), reported.figure_decimals(before))
        change = (after - before) / reported.scale
        difference = _signed(numbers.rounded(change, place), change)
    return Row(
        key=f"saved.{key}",
        label=say(reported.label),
        unit=reported.unit,
        before="" if before is None else numbers.quantity(key, before),
        after=numbers.quantity(key, after),
        difference=difference,
    )


def _money_row(key: str, label: str, currency: str, after: float, before: float | None) -> Row:
    return Row(
        key=f"money.{key}",
        label=say(label),
        unit=currency,
        before="" if before is None else numbers.money(before),
        after=numbers.money(after),
        difference="" if before is None else _signed(numbers.money(after - before), after - before),
    )


def year_rows(
    after: Mapping[str, Any], before: Mapping[str, Any] | None, currency: str
) -> list[Row]:
    """The saved quantities and the money of a year version's totals (``years[YEAR]`` of
    the results) beside those of the version before (None for a first version)."""

    def figure(totals: Mapping[str, Any] | None, group: str, key: str) -> float | None:
        if totals is None:
            return None
        return float(totals.get(group, {}).get(key, 0.0))

    rows = [
        _quantity_row(q.key, figure(after, "saved", q.key) or 0.0, figure(before, "saved", q.key))
        for q in QUANTITIES
    ]
    rows += [
        _money_row(key, label, currency, figure(after, "money", key) or 0.0,
                   figure(before, "money", key))
        for key, label in MONEY
    ]  # fmt: skip
    return rows
