"""The terminal summary of an assessment: totals, per organisation, per year (rich tables)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

HEADINGS = (
    ("co2e_kg", "CO2e saved (t)", 1e-3),
    ("water_m3", "Water saved (m3)", 1.0),
    ("virgin_material_t", "Virgin material (t)", 1.0),
    ("landfill_diverted_t", "Landfill diverted (t)", 1.0),
    ("hazardous_diverted_t", "Hazardous diverted (t)", 1.0),
)


def _figures(saved: dict[str, float]) -> list[str]:
    return [f"{saved[key] * scale:,.1f}" for key, _, scale in HEADINGS]


def _table(title: str, first: str, money: str) -> Table:
    table = Table(title=title, title_justify="left", header_style="bold")
    table.add_column(first)
    for _, heading, _scale in HEADINGS:
        table.add_column(heading, justify="right")
    table.add_column(money, justify="right")
    return table


def print_summary(results: dict[str, Any], console: Console) -> None:
    currency = results["currency"]
    factor_set = results["factor_set"]
    console.print(
        f"[bold]isbenefit[/bold] {results['isbenefit_version']}: {len(results['exchanges'])} "
        f"exchanges from {results['ledger']['name']}, factor set {factor_set['id']} "
        f"{factor_set['version']}, money in {currency}"
    )
    totals = _table(
        "Cluster totals (each exchange counted once)", "", f"Network money ({currency})"
    )
    totals.add_row(
        "all years",
        *_figures(results["totals"]["saved"]),
        f"{results['totals']['money']['network']:,.0f}",
    )
    console.print(totals)
    years = _table(
        "Per year (annual; periods split by days)", "Year", f"Network money ({currency})"
    )
    for year, figures in results["years"].items():
        years.add_row(year, *_figures(figures["saved"]), f"{figures['money']['network']:,.0f}")
    console.print(years)
    organisations = _table(
        "Per organisation (credited shares, all years)", "Organisation", f"Money delta ({currency})"
    )
    for org in results["organisations"]:
        label = f"{org['name']} ({org['id']})" if org["name"] else org["id"]
        organisations.add_row(label, *_figures(org["saved"]), f"{org['money']:,.0f}")
    console.print(organisations)
    negative = [e["id"] for e in results["exchanges"] if e["saved"]["co2e_kg"] < 0]
    if negative:
        console.print(
            f"[yellow]Exchanges whose CO2e saving is negative (reported, not "
            f"clipped):[/yellow] {', '.join(negative)}"
        )
