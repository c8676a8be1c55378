"""`isbenefit vsme` and `isbenefit esrs`: sustainability-report content of one organisation
and year (docs/reporting.md). Each assesses the ledger as `assess` does (same factor and
currency options) and writes its files atomically."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from isbenefit.cli.common import (
    PLACED,
    SOURCE_OPTIONS,
    CurrencyOption,
    LangOption,
    LedgerArgument,
    Placed,
    SourceOptions,
    fail,
    guarded,
    show_warnings,
    with_options,
)
from isbenefit.cli.text import plain
from isbenefit.ledger.contract import FIRST_YEAR, LAST_YEAR

OrgOption = Annotated[str, typer.Option("--org", help="Organisation id, as in the ledger.")]
YearOption = Annotated[
    int, typer.Option("--year", help="Calendar year, e.g. 2024.", min=FIRST_YEAR, max=LAST_YEAR)
]


def register(app: typer.Typer, console: Console) -> None:
    @app.command("vsme")
    @with_options
    def vsme(
        ledger: LedgerArgument,
        org: OrgOption,
        year: YearOption,
        output: Annotated[
            Path,
            typer.Option("--output", "-o", help="The workbook to write (.xlsx).", dir_okay=False),
        ],
        options: SourceOptions = SOURCE_OPTIONS,
        currency: CurrencyOption = "EUR",
        data_dir: Placed = PLACED,  # of `options`, after --currency as --help lists it
    ) -> None:
        """Fill EFRAG's VSME Digital Template (1.3.0) for one organisation and year.

        What the ledger knows: B7 waste diverted, secondary materials used, the circular
        economy description and the avoided emissions (never in B3). Every other cell is
        left for the SME."""
        from isbenefit.api import assess
        from isbenefit.reporting.vsme import vsme_fill, vsme_workbook
        from isbenefit.writing import write_atomic

        if output.suffix.lower() != ".xlsx":
            fail(f"{output}: the VSME template is an .xlsx workbook. Fix: name it e.g. vsme.xlsx")
        with guarded():
            assessment = assess(
                ledger,
                factors=options.source(),
                currency=currency,
            )
            show_warnings(assessment.warnings)
            fill = vsme_fill(assessment, org, year)
            write_atomic(output, vsme_workbook(fill))
        console.print(
            f"VSME template written to {output}: {len(fill.waste)} waste type(s), "
            f"{len(fill.materials)} secondary material(s)",
            markup=False,
        )
        for reason in fill.left_out:
            console.print(plain(f"not in the B7 tables: {reason}"), markup=False)

    @app.command("esrs")
    @with_options
    def esrs(
        ledger: LedgerArgument,
        org: OrgOption,
        year: YearOption,
        xlsx_file: Annotated[
            Path | None,
            typer.Option("--xlsx", help="Write the datapoints as a workbook.", dir_okay=False),
        ] = None,
        json_file: Annotated[
            Path | None,
            typer.Option("--json", help="Write the datapoints as JSON.", dir_okay=False),
        ] = None,
        materials_used_t: Annotated[
            float | None,
            typer.Option(
                "--materials-used-t",
                min=0.0,
                help="The organisation's overall material inflow in tonnes (E5-4 §31(a)), "
                "for the share of secondary materials.",
            ),
        ] = None,
        options: SourceOptions = SOURCE_OPTIONS,
        currency: CurrencyOption = "EUR",
        data_dir: Placed = PLACED,  # of `options`, after --currency as --help lists it
        lang: LangOption = None,
    ) -> None:
        """Print the ESRS E5 datapoints the ledger supports for one organisation and year.

        E5-4 §31(c) secondary materials, E5-5 §37(b)-(c) waste by recovery type and
        hazardousness, each with its paragraph, and the method disclosure."""
        from isbenefit.api import assess
        from isbenefit.reporting.esrs import datapoint_rows, esrs_report, esrs_workbook_bytes
        from isbenefit.writing import write_atomic

        if materials_used_t == 0:
            fail(
                "--materials-used-t is 0: a share of no inflow is no share. Fix: give the "
                "overall material inflow in tonnes, or leave the option out"
            )
        with guarded():
            assessment = assess(
                ledger,
                factors=options.source(),
                currency=currency,
            )
            show_warnings(assessment.warnings)
            report = esrs_report(assessment, org, year, materials_used_t, lang or "en")
            if json_file is not None:
                text = json.dumps(report.as_dict(), ensure_ascii=False, indent=1) + "\n"
                write_atomic(json_file, text.encode("utf-8"))
            if xlsx_file is not None:
                write_atomic(xlsx_file, esrs_workbook_bytes(report))
        table = Table(title=f"ESRS E5 datapoints, {report.name} ({report.org}), {year}")
        for heading in ("paragraph", "datapoint", "breakdown", "value", "unit", "exchanges"):
            table.add_column(heading)
        for row in datapoint_rows(report):
            value = row["value"]
            shown = (
                "n/a" if value is None else (f"{value:,.2f}" if isinstance(value, float) else value)
            )
            table.add_row(
                *(Text(str(row[k])) for k in ("paragraph", "datapoint", "breakdown")),
                Text(str(shown)),
                Text(row["unit"]),
                Text(row["exchanges"]),
            )
        console.print(table)
        console.print(plain(f"Method: {report.method}"), markup=False)
        for path in (json_file, xlsx_file):
            if path is not None:
                console.print(f"written to {path}", markup=False)
