"""The `isbenefit` command line. A thin layer: options in, API call, errors to exit codes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from isbenefit.cli.common import (
    MONTE_CARLO_OPTIONS,
    PLACED,
    SOURCE_OPTIONS,
    BrightwayDirOption,
    BrightwayProjectOption,
    CurrencyOption,
    DataDirOption,
    FactorsOption,
    LedgerArgument,
    MonteCarloOptions,
    Placed,
    SchedulerOption,
    SourceOptions,
    TrustStoreOption,
    fail,
    guarded,
    scheduler_client,
    show_warnings,
    with_options,
)
from isbenefit.cli.factors import JsonOption, KindOption, RegionOption
from isbenefit.cli.factors import show as show_activities
from isbenefit.cli.root import console, new_app

app = new_app()
factors_app = typer.Typer(
    help="List and inspect a factor set's activities and sources.", no_args_is_help=True
)
app.add_typer(factors_app, name="factors")
keys_app = typer.Typer(
    help="Issuer keys (Ed25519): make your own (new), and keep the ones you trust to sign "
    "certificates (trust, list, untrust).",
    no_args_is_help=True,
)
app.add_typer(keys_app, name="keys")


@app.command()
@with_options
def assess(
    ledger: LedgerArgument,
    factors: Placed = PLACED,  # of `options`; placed as --help has always listed them
    currency: CurrencyOption = "EUR",
    json_file: Annotated[
        Path | None, typer.Option("--json", help="Write the results JSON here.", dir_okay=False)
    ] = None,
    csv_dir: Annotated[
        Path | None,
        typer.Option("--csv", help="Write tidy CSV tables into this folder.", file_okay=False),
    ] = None,
    xlsx_file: Annotated[
        Path | None,
        typer.Option("--xlsx", help="Write the tables as one .xlsx workbook here.", dir_okay=False),
    ] = None,
    data_dir: Placed = PLACED,
    monte_carlo: MonteCarloOptions = MONTE_CARLO_OPTIONS,
    quantity_gsd: Annotated[
        list[str] | None,
        typer.Option(
            "--quantity-gsd",
            metavar="QUALITY=GSD",
            help="Quantity uncertainty by data_quality, e.g. estimated=1.6 (repeatable). Defaults: "
            "measured=1.05, calculated=1.15, estimated=1.5.",
        ),
    ] = None,
    options: SourceOptions = SOURCE_OPTIONS,  # --mapping, --brightway, ... --fallback
    scheduler: SchedulerOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary.")] = False,
    show_all: Annotated[
        bool,
        typer.Option("--all", help="List every organisation in the summary, not only the top 20."),
    ] = False,
) -> None:
    """Assess every exchange of LEDGER against its baseline and print the summary."""
    from isbenefit.api import assess as run_assessment
    from isbenefit.cli.summary import print_summary
    from isbenefit.results.files import write_csvs
    from isbenefit.results.flags import with_flag_marks
    from isbenefit.results.monte_carlo import uncertainty_table
    from isbenefit.writing import write_atomic

    with guarded(), scheduler_client(scheduler) as client:
        settings = monte_carlo.settings(quantity_gsd or [])
        assessment = run_assessment(
            ledger,
            factors=options.source(),
            currency=currency,
            monte_carlo=settings,
            client=client,
        )
        show_warnings(assessment.warnings)
        if not quiet:
            print_summary(assessment, console, show_all=show_all)
        if json_file is not None:
            write_atomic(json_file, assessment.results_json_chunks())
            console.print(f"results JSON written to {json_file}", markup=False)
        if csv_dir is not None:
            write_csvs(
                csv_dir,
                with_flag_marks(assessment.tables, assessment.factor_set),
                uncertainty_table(assessment.uncertainty) if assessment.uncertainty else None,
            )
            console.print(f"CSV tables written to {csv_dir}", markup=False)
        if xlsx_file is not None:
            # Imported only here: the workbook brings the documents (weasyprint), ~1 s.
            from isbenefit.cli.results_workbook import write_results_workbook

            write_results_workbook(xlsx_file, assessment)
            console.print(f"results workbook written to {xlsx_file}", markup=False)


@factors_app.command("list")
def factors_list(
    factors: FactorsOption = None,
    kind: KindOption = None,
    region: RegionOption = None,
    as_json: JsonOption = False,
) -> None:
    """List the activities of a factor set: id, name, kind, unit, region, factor, year, source."""
    show_activities(console, factors, kind, region, as_json)


@factors_app.command("show")
def factors_show(
    activity_id: Annotated[
        str, typer.Argument(metavar="ID", help="Activity id, or a fuel of the heating values.")
    ],
    factors: FactorsOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show one activity: its factors, uncertainty, and full source attribution; or a
    fuel's heating values (an exchange's `heating_value` may name it)."""
    from isbenefit.cli.factors import show_fuel
    from isbenefit.scoring.factorset import load_factor_set

    with guarded():
        factor_set = load_factor_set(factors)
    if activity_id not in factor_set.activities.index and activity_id in factor_set.heating_values:
        show_fuel(console, factor_set, activity_id, as_json)
        return
    if activity_id not in factor_set.activities.index:
        fail(
            f"{factor_set.path / 'activities.csv'}: no activity {activity_id!r}. "
            "Fix: use an id printed by `isbenefit factors list`."
        )
    record = factor_set.activities.loc[activity_id].to_dict()
    source = factor_set.sources.get(record["source"], {})
    if as_json:
        typer.echo(
            json.dumps(
                {"activity": record, "source": source}, ensure_ascii=False, indent=1, default=str
            )
        )
        return
    for key, value in record.items():
        console.print(f"[bold]{key:>11}[/bold]  {value}")
    for key in ("title", "publisher", "year", "url", "licence"):
        console.print(f"[bold]{'source ' + key:>15}[/bold]  {source.get(key, '')}")


@factors_app.command("export")
def factors_export(
    mapping: Annotated[
        Path, typer.Option("--mapping", help="Mapping file (TOML).", dir_okay=False)
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Folder to write.", file_okay=False)
    ],
    brightway: BrightwayProjectOption = None,
    brightway_dir: BrightwayDirOption = None,
    data_dir: DataDirOption = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite a non-empty folder.")] = False,
) -> None:
    """Write the scores of a mapped Brightway database as a factor-set folder."""
    from isbenefit.scoring.export import check_target, export_factor_set
    from isbenefit.scoring.source import MappedDatabase

    with guarded():
        check_target(output, force)
        factor_set = MappedDatabase(mapping, brightway, brightway_dir, data_dir).factor_set()
        export_factor_set(factor_set, output, force)
    console.print(
        f"factor set with {len(factor_set.activities)} activities written to {output}",
        markup=False,
    )


@keys_app.command("new")
def keys_new(
    prefix: Annotated[
        Path,
        typer.Option(
            "--out", "-o", help="Path prefix: writes PREFIX.key (private, mode 600) and PREFIX.pub."
        ),
    ] = Path("issuer"),
    name: Annotated[
        str,
        typer.Option(
            "--name", help="The issuer: certificates signed with the key print this name."
        ),
    ] = "",
    valid_days: Annotated[
        int, typer.Option("--valid-days", min=1, help="How long the key may sign, from today.")
    ] = 3 * 365,
) -> None:
    """Make a new issuer key pair, named and dated, for signing certificates."""
    from isbenefit.certify.signing import issuer_path, new_key_pair

    if not name.strip():
        fail("give --name: the issuer a certificate signed with this key names. "
             'Fix: isbenefit keys new -o issuer --name "Nordic Symbiosis Office"')  # fmt: skip
    private = prefix.with_name(prefix.name + ".key")
    public = prefix.with_name(prefix.name + ".pub")
    with guarded():
        fingerprint = new_key_pair(private, public, name, valid_days)
        console.print(f"private key: {private} (keep it secret)", markup=False)
        console.print(f"public key:  {public} (publish it)", markup=False)
        console.print(f"issuer:      {issuer_path(private)} ({name})", markup=False)
        console.print(f"fingerprint: {fingerprint}")


@keys_app.command("trust")
def keys_trust(
    public_key: Annotated[
        Path, typer.Argument(metavar="PUB", help="The issuer's public key (.pub).", dir_okay=False)
    ],
    name: Annotated[str, typer.Option("--name", help="The issuer, as you know it.")],
    trust_store: TrustStoreOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Trust a key to sign certificates: `verify` then names its issuer and exits 0.

    Only trust a key you received from the issuer through a channel you trust: anyone can
    make a key pair under any name.
    """
    from isbenefit.certify import trust

    with guarded():
        path = trust.store_path(trust_store, data_dir)
        entry = trust.trust(path, public_key, name)
    console.print(f"trusted {entry.fingerprint} as {entry.name!r} in {path}", markup=False)


@keys_app.command("list")
def keys_list(
    trust_store: TrustStoreOption = None,
    data_dir: DataDirOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List the keys you trust, with their issuers."""
    from dataclasses import asdict

    from isbenefit.certify import trust

    with guarded():
        path = trust.store_path(trust_store, data_dir)
        keys = trust.load(path)
    if as_json:
        typer.echo(json.dumps([asdict(k) for k in keys.values()], ensure_ascii=False, indent=1))
        return
    table = Table(title=f"Trusted issuer keys ({path})", title_justify="left")
    for heading in ("fingerprint", "issuer", "trusted on"):
        table.add_column(heading)
    for key in keys.values():
        table.add_row(Text(key.fingerprint), Text(key.name), Text(key.added[:10]))
    console.print(table)
    if not keys:
        console.print("no trusted keys: add one with `isbenefit keys trust PUB --name NAME`")


@keys_app.command("untrust")
def keys_untrust(
    key: Annotated[
        str, typer.Argument(metavar="FINGERPRINT|PUB", help="A fingerprint or a .pub file.")
    ],
    trust_store: TrustStoreOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Stop trusting a key: certificates it signs are then "signed by an unknown key"."""
    from isbenefit.certify import trust

    with guarded():
        path = trust.store_path(trust_store, data_dir)
        removed = trust.untrust(path, key)
    console.print(f"no longer trusted: {removed.fingerprint} ({removed.name})", markup=False)


@app.command()
def revoke(
    certificate_id: Annotated[
        str, typer.Argument(metavar="ID", help="The certificate id, e.g. ISB-9045D4CF6D9ECDE4.")
    ],
    key: Annotated[
        Path, typer.Option("--key", help="The issuer's private key that signed it.", dir_okay=False)
    ],
    reason: Annotated[str, typer.Option("--reason", help="Why, in a sentence.")],
    superseded_by: Annotated[
        str | None,
        typer.Option("--superseded-by", metavar="ID", help="The certificate replacing it."),
    ] = None,
    status_list: Annotated[
        Path | None,
        typer.Option(
            "--status",
            help="The status list to append to. Default: status/FINGERPRINT.json in isbenefit's "
            "data directory.",
            dir_okay=False,
        ),
    ] = None,
    data_dir: DataDirOption = None,
) -> None:
    """Revoke a certificate, or mark it superseded, in the issuer's signed status list.

    The list is append-only and hash-chained: publish it where funders fetch it and check
    certificates with `isbenefit verify CERT.pdf --status LIST`.
    """
    from isbenefit import reported
    from isbenefit.certify import signing, status
    from isbenefit.paths import data_dir as isbenefit_data_dir

    for given in (certificate_id, superseded_by):
        if given is not None and not reported.is_certificate_id(given):
            example = reported.EXAMPLE_CERTIFICATE_ID
            fail(f"{given!r} is not a certificate id. Fix: give it as printed, e.g. {example}")
    if not reason.strip():
        fail("--reason is empty. Fix: say why the certificate is withdrawn")
    with guarded():
        private = signing.load_private_key(key)
        fingerprint = signing.fingerprint(private.public_key())
        folder = isbenefit_data_dir(data_dir) / reported.STATUS_DIR
        path = status_list or folder / reported.status_file_name(fingerprint)
        entry = status.revoke(path, private, certificate_id, reason, superseded_by)
    console.print(
        f"{certificate_id} {entry.status} (entry {entry.seq}) in {path}; publish that file",
        markup=False,
    )


def _register_document_verbs() -> None:
    from isbenefit.cli.certificate_register import register as register_register
    from isbenefit.cli.check import register as register_check
    from isbenefit.cli.countersign import register as register_countersign
    from isbenefit.cli.documents import register
    from isbenefit.cli.factors import register as register_factors
    from isbenefit.cli.reporting import register as register_reporting
    from isbenefit.cli.service import register as register_service
    from isbenefit.cli.template import register as register_template
    from isbenefit.cli.verify import register as register_verify

    register(app)
    register_check(app)
    register_verify(app)
    register_countersign(app)
    register_register(app)
    register_factors(factors_app, console)
    register_template(app, console)
    register_service(app)
    register_reporting(app, console)


_register_document_verbs()
