"""What the command line's service verbs do: serve, migrate, add users, import and export.

Each function configures Django (:func:`isbenefit.service.settings.configure`) first, so
the CLI imports Django only when one of these verbs runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from isbenefit.service.settings import LOOPBACK, ServiceOptions, configure, migrate


def setup(db_url: str | None, data: Path | None, **options: Any) -> None:
    configure(ServiceOptions(db_url=db_url, data=data, **options))


def upgrade(db_url: str | None, data: Path | None) -> None:
    setup(db_url, data)
    migrate()


def wsgi_application() -> Any:
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()


def serve(
    db_url: str | None,
    data: Path | None,
    host: str,
    port: int,
    threads: int = 8,
    public_url: str | None = None,
    trusted_proxy: str | None = None,
    factor_sets: tuple[str, ...] = (),
    email_url: str | None = None,
    with_worker: bool = True,
) -> None:
    """Migrate, then serve with waitress (threads) until interrupted; with a worker of
    the job queue in a thread of its own unless ``with_worker`` is false."""
    import waitress

    setup(
        db_url,
        data,
        secure_cookies=host not in LOOPBACK,
        extra_hosts=(host,),
        public_url=public_url,
        trusted_proxy=trusted_proxy,
        factor_sets=factor_sets,
        email_url=email_url,
    )
    migrate()
    _publish_missed_statuses()
    application = wsgi_application()
    if with_worker:
        from isbenefit.service import workers

        workers.start_in_thread()
    waitress.serve(application, **waitress_options(host, port, threads))


def work(
    db_url: str | None,
    data: Path | None,
    public_url: str | None = None,
    factor_sets: tuple[str, ...] = (),
    email_url: str | None = None,
    batch: bool = False,
) -> None:
    """Migrate, then run jobs off the queue until stopped (``batch``: until it is empty)."""
    setup(db_url, data, public_url=public_url, factor_sets=factor_sets, email_url=email_url)
    migrate()
    _publish_missed_statuses()
    from isbenefit.service import workers

    workers.work(batch=batch)


def _publish_missed_statuses() -> None:
    """Revocations recorded in the store whose signed entry never reached the status list
    (statuses.publish_pending) are listed before anything else is served or run."""
    from isbenefit.service import statuses

    statuses.publish_all_pending()


def waitress_options(host: str, port: int, threads: int) -> dict[str, Any]:
    """waitress's settings from the configured service: the body limit is the largest
    upload limit; forwarded headers are believed from the declared proxy only."""
    from django.conf import settings

    from isbenefit.service.security import BODY_OVERHEAD

    largest = max(settings.ISBENEFIT_UPLOAD_MAX_BYTES, settings.ISBENEFIT_VERIFY_MAX_BYTES)
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "threads": threads,
        "ident": "isbenefit",
        "max_request_body_size": largest + BODY_OVERHEAD,
    }
    if settings.ISBENEFIT_TRUSTED_PROXY:
        options.update(
            trusted_proxy=settings.ISBENEFIT_TRUSTED_PROXY,
            trusted_proxy_headers={"x-forwarded-for", "x-forwarded-host", "x-forwarded-proto"},
            clear_untrusted_proxy_headers=True,
        )
    return options


def add_user(
    db_url: str | None,
    data: Path | None,
    email: str,
    role: str,
    cluster: str,
    org_id: str | None,
    password: str | None,
) -> str | None:
    """Add a user; returns the invitation path when no password was given."""
    setup(db_url, data)
    migrate()
    from django.db import transaction

    from isbenefit.service import store
    from isbenefit.service.accounts import add_user as make_user
    from isbenefit.service.accounts import invitation_path

    with transaction.atomic():
        store.cluster_named(cluster)
        user = make_user(cluster, email, role, org_id, password)
    return None if password is not None else invitation_path(user)


def new_token(db_url: str | None, data: Path | None, email: str) -> str:
    """A new API token of the user (the one before stops working)."""
    setup(db_url, data)
    migrate()
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from rest_framework.authtoken.models import Token

    user = get_user_model().objects.get(username=email)
    with transaction.atomic():
        Token.objects.filter(user=user).delete()
        return str(Token.objects.create(user=user).key)


def import_ledger(
    db_url: str | None,
    data: Path | None,
    ledger: Path,
    cluster: str,
    title: str | None,
    factors: Path | None = None,
    currency: str = "EUR",
    replace_confirmed: bool = False,
) -> Any:
    """Import a ledger file into a cluster (made when new): the importing.Saved counts."""
    setup(db_url, data)
    migrate()
    from isbenefit.service import entries, store

    made = store.cluster_named(cluster, title or cluster, currency.upper())
    if factors is not None and made.factors != str(factors.resolve()):
        made.factors = str(factors.resolve())
        made.save(update_fields=["factors"])
    return entries.import_file(made, ledger, replace_confirmed=replace_confirmed)


def export_ledger(
    db_url: str | None,
    data: Path | None,
    cluster: str,
    year: int | None,
    confirmed_only: bool,
    version: int | None = None,
) -> bytes:
    """The cluster's ledger as .xlsx: the store's current rows, or a closed year's version."""
    setup(db_url, data)
    migrate()
    from isbenefit.service import ledgers, store
    from isbenefit.service.models import Cluster, YearVersion

    found = Cluster.objects.get(name=cluster)
    if version is not None:
        if year is None:
            raise ValueError("--version needs --year")
        closed = YearVersion.objects.get(cluster=found, year=year, number=version)
        return ledgers.xlsx_bytes(ledgers.LedgerData.from_json(closed.ledger))
    return store.export_xlsx(found, year, confirmed_only)
