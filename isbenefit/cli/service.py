"""Service verbs: `serve`, `worker`, `db upgrade`, `users add`, `users token`, `store import`,
`store export`.

Django is imported inside each verb (through :mod:`isbenefit.service.server`), never at
import time: `isbenefit --help` stays fast and works without the `service` extra.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from isbenefit.cli.common import DataDirOption, fail, guarded

console = Console(highlight=False, stderr=True)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        metavar="URL",
        help="Database: sqlite:///FILE or postgresql://USER:PASSWORD@HOST:PORT/NAME "
        "(default: $ISBENEFIT_DB, else a SQLite file in isbenefit's data directory).",
    ),
]
ClusterNameOption = Annotated[
    str, typer.Option("--cluster", help="The cluster's short name (a slug).")
]

db_app = typer.Typer(help="The service's database.", no_args_is_help=True)
users_app = typer.Typer(help="Users of the service.", no_args_is_help=True)
store_app = typer.Typer(
    help="The cluster's shared ledger: import and export.", no_args_is_help=True
)


def _needs_django() -> None:
    try:
        import django  # noqa: F401
    except ImportError:
        fail("the service needs Django. Fix: pip install 'isbenefit[service]'")


def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535)] = 8000,
    threads: Annotated[int, typer.Option("--threads", min=1, help="Worker threads.")] = 8,
    public_url: Annotated[
        str | None,
        typer.Option(
            "--public-url",
            metavar="URL",
            help="The address users reach the service at, e.g. https://ledger.example.org "
            "(trusted by the CSRF check; https: Secure cookies and HSTS; default: "
            "$ISBENEFIT_PUBLIC_URL).",
        ),
    ] = None,
    trusted_proxy: Annotated[
        str | None,
        typer.Option(
            "--trusted-proxy",
            metavar="ADDRESS",
            help="The reverse proxy's address (e.g. 127.0.0.1): its X-Forwarded-Proto, "
            "-For and -Host are believed, nobody else's (default: $ISBENEFIT_TRUSTED_PROXY).",
        ),
    ] = None,
    factors_dir: Annotated[
        list[Path] | None,
        typer.Option(
            "--factors-dir",
            metavar="DIR",
            help="A factor-set folder a year may be closed with, besides the shipped set "
            "(repeatable; also $ISBENEFIT_FACTOR_SETS).",
        ),
    ] = None,
    email_url: Annotated[
        str | None,
        typer.Option(
            "--email-url",
            metavar="URL",
            help="Where mail goes: smtp://USER:PASSWORD@HOST:PORT or smtp+tls://... "
            "(default: $ISBENEFIT_EMAIL_URL, else printed on the console).",
        ),
    ] = None,
    with_worker: Annotated[
        bool,
        typer.Option(
            "--with-worker/--no-worker",
            help="Also run a worker for the job queue in this process (documents, closing "
            "years); --no-worker when `isbenefit worker` processes run them.",
        ),
    ] = True,
    data_dir: DataDirOption = None,
) -> None:
    """Run the shared-ledger service (migrates the database first)."""
    _needs_django()
    from isbenefit.service.server import serve as run

    console.print(f"serving on http://{host}:{port}/ (Ctrl-C stops)", markup=False)
    with guarded():
        run(
            db,
            data_dir,
            host,
            port,
            threads,
            public_url,
            trusted_proxy,
            tuple(str(folder) for folder in factors_dir or ()),
            email_url,
            with_worker,
        )


def worker(
    db: DbOption = None,
    public_url: Annotated[
        str | None,
        typer.Option(
            "--public-url",
            metavar="URL",
            help="The service's public address, for links in mail (as `serve`'s).",
        ),
    ] = None,
    factors_dir: Annotated[
        list[Path] | None,
        typer.Option(
            "--factors-dir",
            metavar="DIR",
            help="A factor-set folder a year may be closed with (as `serve`'s; repeatable).",
        ),
    ] = None,
    email_url: Annotated[
        str | None,
        typer.Option("--email-url", metavar="URL", help="Where mail goes (as `serve`'s)."),
    ] = None,
    batch: Annotated[bool, typer.Option("--batch", help="Run the queued jobs, then stop.")] = False,
    data_dir: DataDirOption = None,
) -> None:
    """Run jobs off the service's queue (documents, batches, closing years).

    Runs until stopped; start as many as you like, here or on machines sharing the
    database."""
    _needs_django()
    from isbenefit.service.server import work

    console.print("worker waiting for jobs (Ctrl-C stops after the current job)", markup=False)
    with guarded():
        work(
            db,
            data_dir,
            public_url,
            tuple(str(folder) for folder in factors_dir or ()),
            email_url,
            batch,
        )


@db_app.command("upgrade")
def db_upgrade(db: DbOption = None, data_dir: DataDirOption = None) -> None:
    """Apply the database migrations the installed isbenefit ships."""
    _needs_django()
    from isbenefit.service.server import upgrade

    with guarded():
        upgrade(db, data_dir)
    console.print("database up to date", markup=False)


@users_app.command("add")
def users_add(
    email: Annotated[str, typer.Argument(help="The user's e-mail address (their login).")],
    role: Annotated[str, typer.Option("--role", help="facilitator, member or funder.")],
    cluster: ClusterNameOption,
    org: Annotated[str | None, typer.Option("--org", help="The member's organisation id.")] = None,
    password_stdin: Annotated[
        bool,
        typer.Option("--password-stdin", help="Read the password from standard input."),
    ] = False,
    url: Annotated[
        str, typer.Option("--url", help="The service's address, for the invitation link.")
    ] = "http://127.0.0.1:8000",
    db: DbOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Add a user; prints a one-time invitation link unless --password-stdin is given."""
    _needs_django()
    from isbenefit.service.server import add_user

    if role not in {"facilitator", "member", "funder"}:
        fail(f"--role {role!r} is not a role. Fix: facilitator, member or funder")
    password = sys.stdin.readline().rstrip("\n") if password_stdin else None
    with guarded():
        try:
            link = add_user(db, data_dir, email, role, cluster, org, password)
        except ValueError as error:  # the framework's password validators, a missing --org
            fail(f"{email}: {'; '.join(getattr(error, 'messages', [str(error)]))}")
            return
    if link is None:
        console.print(f"added {email} ({role})", markup=False)
    else:
        typer.echo(f"{url.rstrip('/')}{link}")
        console.print(f"added {email} ({role}); send them the link above (one use)", markup=False)


@users_app.command("token")
def users_token(
    email: Annotated[str, typer.Argument(help="The user's e-mail address (their login).")],
    db: DbOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Print a new API token of the user (`Authorization: Token <key>`); the old one stops
    working."""
    _needs_django()
    from django.core.exceptions import ObjectDoesNotExist

    from isbenefit.service.server import new_token

    with guarded():
        try:
            key = new_token(db, data_dir, email)
        except ObjectDoesNotExist:
            fail(f"{email}: no such user. Fix: isbenefit users add {email} ...")
            return
    typer.echo(key)
    console.print(f"new API token of {email} (the one before no longer works)", markup=False)


@store_app.command("import")
def store_import(
    ledger: Annotated[Path, typer.Argument(help="Ledger: .xlsx, CSV folder or exchanges.csv.")],
    cluster: ClusterNameOption,
    title: Annotated[str | None, typer.Option("--title", help="The cluster's name.")] = None,
    factors: Annotated[
        Path | None, typer.Option("--factors", help="Factor-set folder of the cluster.")
    ] = None,
    currency: Annotated[str, typer.Option("--currency", help="Report currency.")] = "EUR",
    replace_confirmed: Annotated[
        bool,
        typer.Option(
            "--replace-confirmed",
            help="Replace versions both parties confirmed (each then needs confirming "
            "again); without it, such rows refuse the import, each listed.",
        ),
    ] = False,
    db: DbOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Check a ledger as `assess` does and load it into a cluster (made when new)."""
    _needs_django()
    from isbenefit.service.server import import_ledger

    with guarded():
        saved = import_ledger(
            db, data_dir, ledger, cluster, title, factors, currency, replace_confirmed
        )
    for replaced in saved.replaced:
        console.print(
            f"{ledger.name}, sheet exchanges, row {replaced.row}: replaced version "
            f"{replaced.version} of {replaced.exchange_id}, which both parties confirmed",
            markup=False,
            soft_wrap=True,
        )
    console.print(
        f"{cluster}: {saved.created} new, {saved.changed} changed, {saved.unchanged} "
        "unchanged exchanges",
        markup=False,
    )


@store_app.command("export")
def store_export(
    cluster: ClusterNameOption,
    output: Annotated[Path, typer.Option("--output", "-o", help=".xlsx file to write.")],
    year: Annotated[
        int | None, typer.Option("--year", help="Only the exchanges of this year.")
    ] = None,
    version: Annotated[
        int | None, typer.Option("--version", help="A closed year's version (with --year).")
    ] = None,
    confirmed_only: Annotated[
        bool, typer.Option("--confirmed-only", help="Only exchanges both parties confirmed.")
    ] = False,
    db: DbOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Write the cluster's ledger as an .xlsx workbook that `assess` reads."""
    _needs_django()
    from isbenefit.service.server import export_ledger
    from isbenefit.writing import write_atomic

    with guarded():
        write_atomic(output, export_ledger(db, data_dir, cluster, year, confirmed_only, version))
    console.print(f"ledger written to {output}", markup=False)


def register(app: typer.Typer) -> None:
    app.command()(serve)
    app.command()(worker)
    app.add_typer(db_app, name="db")
    app.add_typer(users_app, name="users")
    app.add_typer(store_app, name="store")
