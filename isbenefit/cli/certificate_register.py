"""`isbenefit register`: the public register of a folder of certificates, as CSV or JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from isbenefit.cli.common import fail, guarded
from isbenefit.cli.text import plain

console = Console(highlight=False, stderr=True)
FORMATS = (".csv", ".json")


def register_command(
    folder: Annotated[
        Path, typer.Argument(help="Folder of certificate PDFs (searched recursively).")
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="register.csv or register.json to write.")
    ],
    status_lists: Annotated[
        list[Path] | None,
        typer.Option(
            "--status",
            help="The issuer's status list (from `isbenefit revoke` or the service's "
            "/status/FINGERPRINT.json); repeat for several issuer keys.",
            dir_okay=False,
        ),
    ] = None,
) -> None:
    """Export the public register of issued certificates (CSV or JSON).

    One row per certificate: serial (certificate id), organisation, year, year version,
    stated figures with units, issue date, status and its history, issuer key fingerprint.

    The JSON export also lists each certificate's exchanges (both parties, period,
    resource, quantity), which `isbenefit verify --claims` compares with other registers,
    ledgers and certificates. See docs/verify.md, "Registers".
    """
    from isbenefit.certify import register
    from isbenefit.certify.register_folder import from_folder, status_list
    from isbenefit.writing import write_atomic

    if not folder.is_dir():
        fail(f"{folder}: no such folder. Fix: give the folder holding the certificate PDFs.")
    if output.suffix.lower() not in FORMATS:
        fail(f"{output}: the register is written as .csv or .json. Fix: -o register.csv")
    with guarded():
        lists = [status_list(path) for path in status_lists or []]
        entries, skipped = from_folder(folder, lists)
        if output.suffix.lower() == ".json":
            issuers = sorted({e["issuer"] for e in entries})
            write_atomic(output, register.as_json(entries, "; ".join(issuers)))
        else:
            write_atomic(output, register.as_csv(entries))
    for line in skipped:
        console.print(plain(f"skipped {line}"), markup=False)
    covered = {item.fingerprint for item in lists}
    uncovered = sorted(
        {e["issuer_fingerprint"] for e in entries if e["issuer_fingerprint"]} - covered
    )
    for fingerprint in uncovered:
        console.print(
            f"no --status list of the key {fingerprint}: its certificates are listed as valid",
            markup=False,
        )
    console.print(plain(f"{len(entries)} certificates written to {output}"), markup=False)


def register(app: typer.Typer) -> None:
    app.command("register")(register_command)
