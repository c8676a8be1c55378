"""`isbenefit factors list` and `factors search TEXT`: a factor set's activities, filtered."""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from isbenefit.cli.common import FactorsOption, fail, guarded

if TYPE_CHECKING:
    from pathlib import Path

    from isbenefit.scoring.factorset import FactorSet

KindOption = Annotated[
    str | None,
    typer.Option(
        "--kind",
        help="Only activities of this kind: production, landfill, incineration, treatment, "
        "energy, water or transport.",
    ),
]
RegionOption = Annotated[
    str | None,
    typer.Option(
        "--region", help="Only activities of this region (the location column: DK, EU, GLO, ...)."
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
SEARCHED_COLUMNS = ("id", "name", "kind", "unit", "location", "source", "source_ref", "notes")


def matching(
    factor_set: FactorSet, kind: str | None, region: str | None, text: str = ""
) -> list[dict[str, Any]]:
    """The activities (as records, NaN as None, `region` added) that pass every filter.

    ``text``: every word must occur, case-insensitively, in the id, name, kind, unit,
    region, source or notes.
    """
    from isbenefit.scoring.factorset import KINDS

    if kind is not None and kind.lower() not in KINDS:
        fail(f"--kind {kind!r} is not a kind. Fix: use one of {', '.join(KINDS)}")
    words = text.lower().split()
    found = []
    for record in factor_set.activities.to_dict("records"):
        if kind is not None and record["kind"] != kind.lower():
            continue
        if region is not None and str(record["location"]).lower() != region.lower():
            continue
        haystack = " ".join(str(record[c]) for c in SEARCHED_COLUMNS).lower()
        if not all(word in haystack for word in words):
            continue
        clean = {str(k): None if _is_nan(v) else v for k, v in record.items()}
        found.append({**clean, "region": record["location"]})
    return found


def _is_nan(value: object) -> bool:
    return isinstance(value, float) and math.isnan(value)


def show(
    console: Console,
    factors: Path | None,
    kind: str | None,
    region: str | None,
    as_json: bool,
    text: str = "",
) -> None:
    """Print the matching activities as a table, or as JSON."""
    from isbenefit.scoring.factorset import load_factor_set

    with guarded():
        factor_set = load_factor_set(factors)
    records = matching(factor_set, kind, region, text)
    if as_json:
        typer.echo(
            json.dumps(
                {"factor_set": factor_set.describe(), "activities": records},
                ensure_ascii=False,
                indent=1,
            )
        )
        return
    table = Table(
        title=f"{factor_set.meta['title']} ({factor_set.id} {factor_set.version})",
        title_justify="left",
        header_style="bold",
    )
    headings = ("id", "name", "kind", "unit", "region", "kg CO2e/unit", "year", "source")
    for heading in headings:
        table.add_column(heading, justify="right" if "/" in heading else "left")
    for row in records:
        table.add_row(
            Text(row["id"]),
            Text(row["name"]),
            row["kind"],
            Text(row["unit"]),
            Text(row["region"]),
            f"{row['co2e_kg']:.6g}",
            Text(str(row["year"])),
            Text(row["source"]),
        )
    console.print(table)
    shown = f"{len(records)} of {len(factor_set.activities)} activities"
    console.print(
        f"{shown}. Licence: {factor_set.meta['licence']}. `isbenefit factors show ID` for one "
        "activity with its factors and source.",
        markup=False,
    )
    if factor_set.heating_values:
        console.print(
            "Heating values (an exchange's heating_value; `isbenefit factors show FUEL`): "
            + ", ".join(sorted(factor_set.heating_values))
            + ".",
            markup=False,
        )


def show_fuel(console: Console, factor_set: FactorSet, fuel: str, as_json: bool) -> None:
    """Print a fuel's heating values, per unit, with their sources."""
    from dataclasses import asdict

    values = factor_set.heating_values[fuel]
    if as_json:
        rows = [{**asdict(v), "source": factor_set.sources.get(v.source, {})} for v in values]
        typer.echo(json.dumps({"fuel": fuel, "heating_values": rows}, ensure_ascii=False, indent=1))
        return
    for value in values:
        gross = f", gross {value.gcv_kwh:g} kWh/{value.unit}" if value.gcv_kwh else ""
        title = factor_set.sources.get(value.source, {}).get("title", value.source)
        console.print(
            Text(
                f"{fuel}: net {value.ncv_kwh:g} kWh/{value.unit}{gross}\n"
                f"  source: {title} ({value.year}), {value.source_ref}"
            )
        )


def register(factors_app: typer.Typer, console: Console) -> None:
    """Add `search` to the `factors` group (`list` lives in cli/app.py and calls :func:`show`)."""

    @factors_app.command("search")
    def factors_search(
        text: Annotated[
            str,
            typer.Argument(
                metavar="TEXT",
                help="Words to find in the id, name, kind, unit, region, source or notes "
                "(all of them, any case).",
            ),
        ],
        factors: FactorsOption = None,
        kind: KindOption = None,
        region: RegionOption = None,
        as_json: JsonOption = False,
    ) -> None:
        """Find activities by words, e.g. `isbenefit factors search gypsum`."""
        show(console, factors, kind, region, as_json, text)
