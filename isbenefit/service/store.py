"""Every change of the store goes through here: ledgers in and out, exchange versions,
confirmations, and the change log that keeps who changed what, when, from what to what.

Nothing is deleted: a change of an exchange is a new version (the one before is marked
superseded with the time), a withdrawal is a version marked withdrawn. Pages, the CLI and
the JSON API all call these functions; none writes the models itself.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from isbenefit import messages as msg
from isbenefit.messages import say
from isbenefit.scoring.source import FactorSetFolder
from isbenefit.service import ledgers, notify
from isbenefit.service.ledgers import LedgerData, Row
from isbenefit.service.models import (
    LAPSED,
    OPEN,
    RECEIVER,
    SUPPLIER,
    Change,
    Cluster,
    Confirmation,
    Exchange,
    ExchangeVersion,
    Organisation,
    Proposal,
)

_sources: dict[tuple[str, Path], FactorSetFolder] = {}
_sources_lock = threading.Lock()


def data_dir() -> Path:
    return Path(settings.ISBENEFIT_DATA)


def factor_source(factors: str = "") -> FactorSetFolder:
    """The factor source of a folder (blank: the shipped set), caching in the service's
    data directory, loaded once per process."""
    from isbenefit.paths import default_factor_set

    path = str(Path(factors).resolve()) if factors else str(default_factor_set())
    key = path, data_dir()
    with _sources_lock:
        if key not in _sources:
            _sources[key] = FactorSetFolder(Path(path), key[1])
        return _sources[key]


def activities(cluster: Cluster) -> list[tuple[str, str, str]]:
    """(id, name, unit) of every activity of the cluster's factor set, by name."""
    factor_set = factor_source(cluster.factors).factor_set()
    table = factor_set.activities
    rows = zip(table.index, table["name"], table["unit"], strict=True)
    return sorted(
        ((str(i), str(n), str(u)) for i, n, u in rows if "@" not in str(i)),
        key=lambda a: a[1].lower(),
    )


def log(
    cluster: Cluster, user: Any, action: str, target: str, old: Any = None, new: Any = None
) -> Change:
    return Change.objects.create(
        cluster=cluster,
        user=user if user is not None and user.is_authenticated else None,
        action=action,
        target=target,
        old=old,
        new=new,
    )


# --- reading the store as a ledger ----------------------------------------------------------


def current_versions(
    cluster: Cluster, year: int | None = None, confirmed_only: bool = False
) -> list[ExchangeVersion]:
    """The current, not withdrawn versions (of one year's exchanges), in ledger order."""
    versions = ExchangeVersion.objects.filter(
        exchange__cluster=cluster, superseded_at__isnull=True, withdrawn=False
    ).select_related("exchange")
    if year is not None:
        versions = overlapping(versions, year)
    if confirmed_only:
        versions = confirmed(versions)
    return sorted(versions, key=lambda v: (v.exchange.position, v.exchange.exchange_id))


def overlapping(versions: QuerySet[ExchangeVersion], year: int) -> QuerySet[ExchangeVersion]:
    return versions.filter(period_start__lt=f"{year + 1}-01-01", period_end__gte=f"{year}-01-01")


def confirmed(versions: QuerySet[ExchangeVersion]) -> QuerySet[ExchangeVersion]:
    """Versions both parties confirmed."""
    return versions.filter(confirmations__party=SUPPLIER).filter(confirmations__party=RECEIVER)


def is_confirmed(version: ExchangeVersion) -> bool:
    return {c.party for c in version.confirmations.all()} >= {SUPPLIER, RECEIVER}


def ledger_data(cluster: Cluster, versions: Sequence[ExchangeVersion], whole: bool) -> LedgerData:
    """The ledger of ``versions``: their rows, their organisations (every listed one when
    ``whole``) and the cluster's rates, in the imported header order."""
    cluster.refresh_from_db(fields=["headers", "rates", "factors", "currency", "declared"])
    headers = {k: list(v) for k, v in cluster.headers.items()}
    data = LedgerData(headers=headers)
    used = {v.supplier for v in versions} | {v.receiver for v in versions}
    organisations = [
        o.fields for o in cluster.organisations.filter(listed=True) if whole or o.org_id in used
    ]
    if organisations or "organisations" in headers:
        data.sheets["organisations"] = [dict(o) for o in organisations]
    data.sheets["exchanges"] = [dict(v.fields) for v in versions]
    inputs = [dict(row) for v in versions for row in v.inputs]
    if inputs or "inputs" in headers:
        data.sheets["inputs"] = inputs
    baselines = [dict(row) for v in versions for row in v.baselines]
    if baselines or "baselines" in headers:
        data.sheets["baselines"] = baselines
    if cluster.rates or "rates" in headers:
        data.sheets["rates"] = [dict(r) for r in cluster.rates]
    declared = _declared_rows(cluster.declared, {v.exchange.exchange_id for v in versions}, used)
    if declared or "declared" in headers:
        data.sheets["declared"] = declared
    for sheet, rows in data.sheets.items():
        data.headers[sheet] = data.header(sheet, rows) or list(ledgers.CONTRACT_COLUMNS[sheet])
    return data


def _declared_rows(rows: Sequence[Row], exchanges: set[str], organisations: set[str]) -> list[Row]:
    """The declared rows of these exchanges, and of organisations of them when a row names
    no exchange: a row of an exchange left out (unconfirmed, another year) is left out too."""
    return [
        dict(row)
        for row in rows
        if (row.get("exchange") and row["exchange"] in exchanges)
        or (not row.get("exchange") and row.get("organisation") in organisations)
    ]


def export_xlsx(cluster: Cluster, year: int | None = None, confirmed_only: bool = False) -> bytes:
    """The cluster's ledger (one year's exchanges) as a workbook `assess` reads."""
    versions = current_versions(cluster, year, confirmed_only)
    return ledgers.xlsx_bytes(ledger_data(cluster, versions, whole=year is None))


# --- writing -----------------------------------------------------------------------------


def cluster_named(name: str, title: str = "", currency: str = "EUR") -> Cluster:
    cluster, _ = Cluster.objects.get_or_create(
        name=name, defaults={"title": title or name, "currency": currency}
    )
    return cluster


def organisation(cluster: Cluster, org_id: str) -> Organisation:
    """The organisation of an id (made, unlisted, on its first use)."""
    found, _ = Organisation.objects.get_or_create(
        cluster=cluster,
        org_id=org_id,
        defaults={"position": cluster.organisations.count(), "fields": {}},
    )
    return found


def save_organisation(cluster: Cluster, fields: Row, user: Any) -> Organisation:
    """Add or change an organisations-sheet row (logged with the old row)."""
    found = organisation(cluster, fields["id"])
    if found.listed and found.fields == fields:
        return found
    old = found.fields if found.listed else None
    found.fields, found.listed = dict(fields), True
    found.save()
    log(cluster, user, "organisation", f"organisation {found.org_id}", old, fields)
    return found


class StaleVersionError(Exception):
    """The exchange changed since the version a change was made on (a lost update)."""

    def __init__(self, current: ExchangeVersion | None) -> None:
        super().__init__(say(msg.STALE_VERSION))
        self.current = current


def save_exchange(
    cluster: Cluster,
    fields: Row,
    inputs: Sequence[Row] = (),
    baselines: Sequence[Row] = (),
    user: Any = None,
    reason: str = "",
    withdrawn: bool = False,
    expected: Any = None,
) -> tuple[ExchangeVersion, bool]:
    """A new version of the exchange ``fields["id"]`` (the exchange is made on first use),
    unless it equals the current one; (version, whether a new one was made).

    The exchange's row is locked while its current version is read and replaced, so two
    changes at once are made one after the other; ``expected`` (the id of the version the
    change was made on) refuses a change of a version superseded meanwhile: StaleVersionError."""
    with transaction.atomic():
        return _save_exchange(cluster, fields, inputs, baselines, user, reason, withdrawn, expected)


def _save_exchange(
    cluster: Cluster,
    fields: Row,
    inputs: Sequence[Row],
    baselines: Sequence[Row],
    user: Any,
    reason: str,
    withdrawn: bool,
    expected: Any,
) -> tuple[ExchangeVersion, bool]:
    exchange, made = Exchange.objects.get_or_create(
        cluster=cluster,
        exchange_id=fields["id"],
        defaults={"position": cluster.exchanges.count()},
    )
    # The row alone (PostgreSQL locks no nullable side of a join); then its current version.
    exchange = Exchange.objects.select_for_update().get(pk=exchange.pk)
    current = exchange.current
    if expected is not None and (current is None or str(current.pk) != str(expected)):
        raise StaleVersionError(current)
    content = {"fields": dict(fields), "inputs": list(inputs), "baselines": list(baselines)}
    unchanged = current is not None and content_of(current) == content
    if current is not None and unchanged and not withdrawn and not current.withdrawn:
        return current, False
    for org_id in (fields["supplier"], fields["receiver"]):
        organisation(cluster, org_id)
    now = timezone.now()
    if current is not None:
        current.superseded_at = now
        current.save(update_fields=["superseded_at"])
        _lapse_proposals(current, user, now)
    version = ExchangeVersion.objects.create(
        exchange=exchange,
        number=(current.number + 1) if current else 1,
        fields=content["fields"],
        inputs=content["inputs"],
        baselines=content["baselines"],
        supplier=fields["supplier"],
        receiver=fields["receiver"],
        period_start=fields["period_start"],
        period_end=fields["period_end"],
        withdrawn=withdrawn,
        reason=reason,
        created_by=user if user is not None and user.is_authenticated else None,
    )
    exchange.current = version
    exchange.save(update_fields=["current"])
    action = "withdraw" if withdrawn else ("create" if made else "change")
    log(
        cluster,
        user,
        f"exchange {action}",
        f"exchange {exchange.exchange_id} v{version.number}",
        content_of(current) if current else None,
        content,
    )
    return version, True


def _lapse_proposals(superseded: ExchangeVersion, user: Any, now: Any) -> None:
    """Open proposals made on a version no longer current lapse (proposals.py): an
    answer given to a proposal should never apply to rows its author did not read."""
    for proposal in Proposal.objects.filter(base=superseded, state=OPEN):
        proposal.state, proposal.decided_at = LAPSED, now
        proposal.save(update_fields=["state", "decided_at"])
        target = f"exchange {superseded.exchange.exchange_id} v{superseded.number} proposal"
        log(superseded.exchange.cluster, user, "proposal lapsed", target)
        notify.proposal_decided(proposal, user)


def content_of(version: ExchangeVersion) -> dict[str, Any]:
    return {"fields": version.fields, "inputs": version.inputs, "baselines": version.baselines}


def withdraw(exchange: Exchange, user: Any, reason: str) -> ExchangeVersion:
    current = exchange.current
    if current is None:
        raise ValueError(f"exchange {exchange.exchange_id} has no version to withdraw")
    version, _ = save_exchange(
        exchange.cluster,
        current.fields,
        current.inputs,
        current.baselines,
        user,
        reason or "withdrawn",
        withdrawn=True,
    )
    return version


def confirm(version: ExchangeVersion, party: str, user: Any, on_behalf: bool) -> Confirmation:
    """Record that ``party`` confirmed this version (once; later calls change nothing)."""
    found, made = Confirmation.objects.get_or_create(
        version=version, party=party, defaults={"user": user, "on_behalf": on_behalf}
    )
    if made:
        org_id = version.supplier if party == SUPPLIER else version.receiver
        log(
            version.exchange.cluster,
            user,
            "confirm on behalf" if on_behalf else "confirm",
            f"exchange {version.exchange.exchange_id} v{version.number} {party} {org_id}",
            None,
            {"party": party, "organisation": org_id, "on_behalf": on_behalf},
        )
    return found


def versions_of_party(cluster: Cluster, org_id: str) -> QuerySet[Exchange]:
    return cluster.exchanges.filter(Q(current__supplier=org_id) | Q(current__receiver=org_id))
