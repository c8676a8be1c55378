"""The terminal summary of an assessment: totals, per year, per organisation (rich tables).

The organisation table is bounded: the `TOP` organisations with the largest CO2e saving
(a cluster ledger can name thousands, and printing them costs more than assessing them);
`isbenefit assess --all` prints every one, and the results JSON and CSVs hold them all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table

from isbenefit.cli.text import escaped
from isbenefit.reported import QUANTITIES, SUMMARY_DECIMALS

if TYPE_CHECKING:
    import pandas as pd

    from isbenefit.api import Assessment

# (table column, heading, multiplier to the printed unit) per saved quantity.
HEADINGS = tuple((f"saved_{q.key}", q.heading, 1 / q.scale) for q in QUANTITIES)


def _figures(row: Any) -> list[str]:
    return [f"{row[column] * scale:,.{SUMMARY_DECIMALS}f}" for column, _, scale in HEADINGS]


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
    console.print(
        f"[bold]isbenefit[/bold]: {len(tables.exchanges):,} exchanges from "
        f"{escaped(assessment.ledger_name)}, factor set {escaped(factor_set.id)} "
        f"{escaped(factor_set.version)}, "
        f"money in {currency}"
    )
    totals = _table("Cluster totals (each exchange counted once)", "", f"Network ({currency})")
    for row in tables.totals.to_dict("records"):
        totals.add_row("all years", *_figures(row), f"{row['money_network']:,.0f}")
    console.print(totals)
    years = _table("Per year (annual; periods split by days)", "Year", f"Network ({currency})")
    for row in tables.years.to_dict("records"):
        years.add_row(str(row["year"]), *_figures(row), f"{row['money_network']:,.0f}")
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
    for row in listed.to_dict("records"):
        label = escaped(f"{row['name']} ({row['id']})" if row["name"] else row["id"])
        organisations.add_row(label, *_figures(row), f"{row['money']:,.0f}")
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
