"""`isbenefit countersign`: an independent verifier's signature on a signed statement."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from isbenefit.cli.common import (
    SOURCE_OPTIONS,
    SourceOptions,
    TrustStoreOption,
    fail,
    guarded,
    with_options,
)

console = Console(highlight=False)


@with_options
def countersign(
    pdf: Annotated[Path, typer.Argument(help="The issuer-signed statement PDF.", dir_okay=False)],
    key: Annotated[
        Path,
        typer.Option(
            "--key",
            help="The verifier's private key (from `isbenefit keys new --name VERIFIER`).",
            dir_okay=False,
        ),
    ],
    statement: Annotated[
        str,
        typer.Option(
            "--statement",
            help='What was checked and to which level, e.g. "limited assurance per ISO 14064-3".',
        ),
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Where to write the countersigned PDF.")
    ],
    options: SourceOptions = SOURCE_OPTIONS,
    trust_store: TrustStoreOption = None,
) -> None:
    """Countersign a signed statement as its independent verifier.

    Runs every check of `isbenefit verify` first (the recomputation included, with the
    factor options as for verify) and signs only a statement that passes. Adds a second
    PDF signature with your key and a box on the page: "Verified by NAME: STATEMENT".
    """
    from isbenefit.certify import trust
    from isbenefit.certify.countersign import CountersignError
    from isbenefit.certify.countersign import countersign as make
    from isbenefit.writing import write_atomic

    with guarded():
        source = options.source()
        trusted = trust.load(trust.store_path(trust_store, options.data_dir))
        try:
            signed, report = make(pdf, key, statement, source, trusted)
        except CountersignError as error:
            fail(f"error: {error}", error.exit_code)
        write_atomic(output, signed)
    console.print(
        f"countersigned {report.certificate_id} into {output} (verdict of the checks before "
        f"signing: {report.verdict})",
        markup=False,
    )


def register(app: typer.Typer) -> None:
    app.command("countersign")(countersign)
