"""`isbenefit template -o ledger.xlsx`: a blank ledger workbook to fill in."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from isbenefit.cli.common import FactorsOption, fail, guarded


def register(app: typer.Typer, console: Console) -> None:
    @app.command("template")
    def template(
        output: Annotated[
            Path,
            typer.Option("--output", "-o", help="The workbook to write (.xlsx).", dir_okay=False),
        ],
        factors: FactorsOption = None,
        lang: Annotated[
            str,
            typer.Option(
                "--lang",
                help="Language of the instructions, comments and drop-down help: en, da, sv, "
                "fi, nb, de, pl, lt, lv or et (sheet names and headers stay the English ids).",
            ),
        ] = "en",
    ) -> None:
        """Write a blank ledger workbook: every sheet and column, with help and drop-downs.

        Fill in the exchanges sheet (and the optional ones) and run `isbenefit assess` on it.
        """
        from isbenefit.ledger.template import LANGUAGES, template_bytes
        from isbenefit.scoring.factorset import load_factor_set
        from isbenefit.writing import write_atomic

        if output.suffix.lower() != ".xlsx":
            fail(f"{output}: the template is an .xlsx workbook. Fix: name it e.g. ledger.xlsx")
        if lang not in LANGUAGES:
            fail(f"--lang {lang!r} is not available. Fix: use one of {', '.join(LANGUAGES)}")
        with guarded():
            factor_set = load_factor_set(factors)
            write_atomic(output, template_bytes(factor_set, lang))
        console.print(
            f"ledger template written to {output} (activities of {factor_set.id} "
            f"{factor_set.version})",
            markup=False,
        )
