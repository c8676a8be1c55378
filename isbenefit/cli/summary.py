"""The terminal summary of an assessment: totals, per year, per organisation (rich tables)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    from isbenefit.api import Assessment

HEADINGS = (
    ("saved_co2e_kg", "CO2e saved (t)", 1e-3),
    ("saved_water_m3", "Water saved (m3)", 1.0),
    ("saved_virgin_material_t", "Virgin material (t)", 1.0),
    ("saved_landfill_diverted_t", "Landfill diverted (t)", 1.0),
    ("saved_hazardous_diverted_t", "Hazardous diverted (t)", 1.0),
)


def _figures(row: Any) -> list[str]:
    return [f"{row[column] * scale:,.1f}" for column, _, scale in HEADINGS]


def _table(title: str, first: str, money: str) -> Table:
    table = Table(title=title, title_justify="left", header_style="bold")
    table.add_column(first)
    for _, heading, _scale in HEADINGS:
        table.add_column(heading, justify="right")
    table.add_column(money, justify="right")
    return table


def print_summary(assessment: Assessment, console: Console) -> None:
    tables, currency = assessment.tables, assessment.currency
    factor_set = assessment.factor_set
    console.print(
        f"[bold]isbenefit[/bold]: {len(tables.exchanges):,} exchanges from "
        f"{assessment.ledger_name}, factor set {factor_set.id} {factor_set.version}, "
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
    organisations = _table(
        "Per organisation (credited shares, all years)", "Organisation", f"Money delta ({currency})"
    )
    for row in tables.organisations.to_dict("records"):
        label = f"{row['name']} ({row['id']})" if row["name"] else row["id"]
        organisations.add_row(label, *_figures(row), f"{row['money']:,.0f}")
    console.print(organisations)
    negative = tables.exchanges.loc[tables.exchanges["saved_co2e_kg"] < 0, "id"].tolist()
    if negative:
        shown = ", ".join(negative[:20]) + (
            f" and {len(negative) - 20} more" if len(negative) > 20 else ""
        )
        console.print(
            f"[yellow]Exchanges whose CO2e saving is negative (reported, not "
            f"clipped):[/yellow] {shown}"
        )
