"""Storing a checked ledger in a cluster (`isbenefit store import`, web uploads): its
organisations, rates and exchanges, each changed exchange a new version (through
:mod:`.store`), in one transaction, or nothing.

An import never replaces a version both parties confirmed unless it is told to
(``replace_confirmed``: `store import --replace-confirmed`, the upload page's box): it
refuses whole, naming each row that would (:class:`ConfirmedReplacedError`), so an old file
imported again cannot silently revert a correction both parties confirmed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from isbenefit.service import store
from isbenefit.service.ledgers import LedgerData, Row
from isbenefit.service.models import Cluster, Exchange


@dataclass(frozen=True)
class Replaced:
    """A ledger row that would replace a version both parties confirmed."""

    row: int  # the row of the exchanges sheet (the header is row 1)
    exchange_id: str
    version: int


@dataclass(frozen=True)
class Saved:
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    # Versions both parties had confirmed that the import replaced (replace_confirmed).
    replaced: tuple[Replaced, ...] = ()


class ConfirmedReplacedError(Exception):
    """An import would replace versions both parties confirmed, and was not told to."""

    def __init__(self, replaced: Sequence[Replaced]) -> None:
        super().__init__(f"{len(replaced)} version(s) confirmed by both parties")
        self.replaced = list(replaced)


def replacements(cluster: Cluster, data: LedgerData) -> list[Replaced]:
    """The rows of ``data`` that would replace a current version both parties confirmed
    (a row equal to it replaces nothing)."""
    rows = data.sheets.get("exchanges", [])
    stored = {
        e.exchange_id: e.current
        for e in cluster.exchanges.filter(
            exchange_id__in=[row["id"] for row in rows], current__isnull=False
        )
        .select_related("current")
        .prefetch_related("current__confirmations")
    }
    inputs = _by_exchange(data.sheets.get("inputs", []))
    baselines = _by_exchange(data.sheets.get("baselines", []))
    found = []
    for index, row in enumerate(rows):
        current = stored.get(row["id"])
        if current is None or current.withdrawn or not store.is_confirmed(current):
            continue
        given = {
            "fields": dict(row),
            "inputs": inputs.get(row["id"], []),
            "baselines": baselines.get(row["id"], []),
        }
        if given != store.content_of(current):
            found.append(Replaced(data.row_number("exchanges", index), row["id"], current.number))
    return found


def import_data(
    cluster: Cluster,
    data: LedgerData,
    user: Any = None,
    reason: str = "import",
    replace_confirmed: bool = False,
) -> Saved:
    """Store a checked ledger: organisations, rates, exchanges with their inputs and
    baselines rows (an exchange already stored gets a new version when it changed).
    A row replacing a version both parties confirmed refuses the whole import
    (ConfirmedReplacedError, nothing stored) unless ``replace_confirmed``."""
    with transaction.atomic():
        given, cluster = cluster, Cluster.objects.select_for_update().get(pk=cluster.pk)
        replaced = replacements(cluster, data)
        if replaced and not replace_confirmed:
            raise ConfirmedReplacedError(replaced)
        headers = dict(cluster.headers)
        for sheet, columns in data.headers.items():
            known = list(headers.get(sheet, []))
            headers[sheet] = known + [c for c in columns if c not in known]
        if headers != cluster.headers:
            store.log(cluster, user, "headers", "ledger headers", cluster.headers, headers)
            cluster.headers = headers
        rates = data.sheets.get("rates")
        if rates is not None and rates != cluster.rates:
            store.log(cluster, user, "rates", "rates sheet", cluster.rates, rates)
            cluster.rates = rates
        declared = data.sheets.get("declared")
        if declared is not None and declared != cluster.declared:
            store.log(cluster, user, "declared", "declared sheet", cluster.declared, declared)
            cluster.declared = declared
        cluster.save()
        given.headers, given.rates = cluster.headers, cluster.rates
        for row in data.sheets.get("organisations", []):
            store.save_organisation(cluster, row, user)
        inputs = _by_exchange(data.sheets.get("inputs", []))
        baselines = _by_exchange(data.sheets.get("baselines", []))
        counts = {"created": 0, "changed": 0, "unchanged": 0}
        for row in data.sheets.get("exchanges", []):
            existed = Exchange.objects.filter(cluster=cluster, exchange_id=row["id"]).exists()
            _, new = store.save_exchange(
                cluster,
                row,
                inputs.get(row["id"], []),
                baselines.get(row["id"], []),
                user,
                reason,
            )
            counts["unchanged" if not new else "changed" if existed else "created"] += 1
        return Saved(**counts, replaced=tuple(replaced))


def _by_exchange(rows: Iterable[Row]) -> dict[str, list[Row]]:
    grouped: dict[str, list[Row]] = {}
    for row in rows:
        grouped.setdefault(row.get("exchange", ""), []).append(row)
    return grouped
