"""The terminal summary of an assessment: totals, per year, per organisation (rich tables).

The organisation table is bounded: the `TOP` organisations with the largest CO2e saving
(a cluster ledger can name thousands, and printing them costs more than assessing them);
`isbenefit assess --all` prints every one, and the results JSON and CSVs hold them all.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table

from isbenefit.cli.text import escaped
from isbenefit.documents import numbers
from isbenefit.documents.ranges import all_spreads
from isbenefit.reported import QUANTITIES
from isbenefit.results.model import Uncertainty

if TYPE_CHECKING:
    import pandas as pd

    from isbenefit.api import Assessment

# (table column, heading, quantity key) per saved quantity.
HEADINGS = tuple((f"saved_{q.key}", q.heading, q.key) for q in QUANTITIES)


def _figures(row: Any, spreads: Mapping[str, float] | None = None) -> list[str]:
    """The row's saved figures rounded by the rule of reported figures, as documents print
    them (with the row's Monte Carlo spread after a run), a plain minus for the terminal."""
    spreads = spreads or {}
    return [
        numbers.quantity(key, float(row[column]), spreads.get(key)).replace(numbers.MINUS, "-")
        for column, _, key in HEADINGS
    ]


def _money(value: float) -> str:
    return numbers.money(value).replace(numbers.MINUS, "-")


def _table(title: str, first: str, money: str) -> Table:
    table = Table(title=title, title_justify="left", header_style="bold")
    table.add_column(first)
    for _, heading, _scale in HEADINGS:
        table.add_column(heading, justify="right")
    table.add_column(money, justify="right")
    return table


TOP = 20  # organisations printed without --all


def print_summary(assessment: Assessment, console: Console, show_all: bool = False) -> None:
    tables, currency = assessment.tables, assessment.currency
    factor_set = assessment.factor_set
    run = Uncertainty.from_record(assessment.uncertainty) if assessment.uncertainty else None
    console.print(
        f"[bold]isbenefit[/bold]: {len(tables.exchanges):,} exchanges from "
        f"{escaped(assessment.ledger_name)}, factor set {escaped(factor_set.id)} "
        f"{escaped(factor_set.version)}, "
        f"money in {currency}"
    )
    totals = _table("Cluster totals (each exchange counted once)", "", f"Network ({currency})")
    whole = all_spreads(run, "totals").get("all")
    for row in tables.totals.to_dict("records"):
        totals.add_row("all years", *_figures(row, whole), _money(row["money_network"]))
    console.print(totals)
    years = _table("Per year (annual; periods split by days)", "Year", f"Network ({currency})")
    per_year = all_spreads(run, "years")
    for row in tables.years.to_dict("records"):
        spread = per_year.get(str(row["year"]))
        years.add_row(str(row["year"]), *_figures(row, spread), _money(row["money_network"]))
    console.print(years)
    everyone = tables.organisations
    listed = everyone if show_all else _top(everyone)
    organisations = _table(
        "Per organisation (credited shares, all years)"
        if len(listed) == len(everyone)
        else f"Top {len(listed)} of {len(everyone):,} organisations by CO2e saved "
        "(credited shares, all years)",
        "Organisation",
        f"Money delta ({currency})",
    )
    per_organisation = all_spreads(run, "organisations")
    for row in listed.to_dict("records"):
        label = escaped(f"{row['name']} ({row['id']})" if row["name"] else row["id"])
        spread = per_organisation.get(str(row["id"]))
        organisations.add_row(label, *_figures(row, spread), _money(row["money"]))
    console.print(organisations)
    if len(listed) < len(everyone):
        console.print(
            f"{len(everyone) - len(listed):,} more organisation"
            f"{'' if len(everyone) - len(listed) == 1 else 's'}: --all prints every one; "
            "the results JSON (--json) and CSVs (--csv) hold them all"
        )
    negative = tables.exchanges.loc[tables.exchanges["saved_co2e_kg"] < 0, "id"].tolist()
    if negative:
        shown = ", ".join(escaped(e) for e in negative[:20]) + (
            f" and {len(negative) - 20} more" if len(negative) > 20 else ""
        )
        console.print(
            f"[yellow]Exchanges whose CO2e saving is negative (reported, not "
            f"clipped):[/yellow] {shown}"
        )


def _top(organisations: pd.DataFrame) -> pd.DataFrame:
    """The `TOP` organisations with the largest CO2e saving (ties in table order)."""
    if len(organisations) <= TOP:
        return organisations
    order = organisations["saved_co2e_kg"].sort_values(ascending=False, kind="stable")
    return organisations.loc[order.index[:TOP]]
