"""Closing a year and restating it.

Closing assesses the confirmed exchanges of the year from the store and keeps, as a new
:class:`~isbenefit.service.models.YearVersion`, the ledger rows, the confirmations and the
results JSON: the year's figures and documents rest on it from then on, whatever later
changes. A restatement (a corrected quantity, a new factor-set version) is the next
version of the year, made the same way; the versions before stay, and so do the documents
issued on them (their claims carry their own ledger rows and factor set), but every
certificate of an earlier version is marked superseded by the restatement (restating.py).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.db import transaction

from isbenefit.ledger import contract
from isbenefit.messages import DECLARED_LABELLED, say
from isbenefit.reported import DECLARED
from isbenefit.service import figures, ledgers, store
from isbenefit.service.models import Cluster, YearVersion

# The years a ledger may hold (docs/formats.md); an address naming another is 404.
YEARS = contract.YEARS


def latest(cluster: Cluster, year: int) -> YearVersion | None:
    return YearVersion.objects.filter(cluster=cluster, year=year).order_by("-number").first()


def assess_data(data: ledgers.LedgerData, cluster: Cluster, factors: str = "") -> bytes:
    """The results JSON of ledger rows, as `isbenefit assess` writes it."""
    from isbenefit.api import assess

    with tempfile.TemporaryDirectory(prefix="isbenefit-year-") as folder:
        path = ledgers.write_folder(data, Path(folder) / "ledger")
        assessment = assess(
            path,
            factors=store.factor_source(factors or cluster.factors),
            currency=cluster.currency,
        )
        return assessment.results_json()


def close(
    cluster: Cluster,
    year: int,
    user: Any,
    reason: str = "",
    factors: str | None = None,
    on_made: Callable[[YearVersion], None] | None = None,
) -> YearVersion:
    """Close ``year`` (or restate it when closed): a new version from the store's confirmed
    exchanges, assessed with ``factors`` (None: the cluster's factor set). ``on_made``
    runs in the transaction that makes the version (a job records its end there)."""
    chosen = cluster.factors if factors is None else factors
    versions = store.current_versions(cluster, year, confirmed_only=True)
    everything = store.current_versions(cluster, year)
    data = ledgers_of(cluster, versions)
    results = assess_data(data, cluster, chosen) if versions else b"{}"
    parsed = json.loads(results)
    confirmations = {
        v.exchange.exchange_id: {c.party: c.describe() for c in v.confirmations.all()}
        for v in versions
    }
    with transaction.atomic():
        # One close of the cluster at a time: version numbers follow one another.
        Cluster.objects.select_for_update().get(pk=cluster.pk)
        previous = latest(cluster, year)
        made = YearVersion.objects.create(
            cluster=cluster,
            year=year,
            number=previous.number + 1 if previous else 1,
            reason=reason or ("closed" if previous is None else "restated"),
            factors=chosen,
            factor_set=parsed.get("factor_set", {}),
            ledger=data.as_json(),
            confirmations=confirmations,
            unconfirmed=[
                {"id": v.exchange.exchange_id, "supplier": v.supplier, "receiver": v.receiver}
                for v in everything
                if v.exchange.exchange_id not in confirmations
            ],
            results=results,
            totals=_year_totals(parsed, year),
            closed_by=user if user is not None and user.is_authenticated else None,
        )
        store.log(
            cluster,
            user,
            "close year" if previous is None else "restate year",
            f"year {year} v{made.number}",
            previous.totals if previous else None,
            made.totals,
        )
        from isbenefit.service import restating

        # Certificates follow their year: those of earlier versions are superseded.
        restating.supersede_earlier(made, user)
        from isbenefit.service import notify

        notify.year_closed(made, user)
        if on_made is not None:
            on_made(made)
    return made


def ledgers_of(cluster: Cluster, versions: list[Any]) -> ledgers.LedgerData:
    return store.ledger_data(cluster, versions, whole=False)


def difference(old: YearVersion | None, new: YearVersion) -> list[figures.Row]:
    """Each saved quantity and the money of two versions and their difference, labelled
    and rounded as the documents print them (service.figures)."""
    before = old.totals if old else None
    return figures.year_rows(new.totals, before, new.cluster.currency)


def _year_totals(parsed: dict[str, Any], year: int) -> dict[str, Any]:
    """The year's cluster figures; with the ledger's declared jobs and money (each row
    once) under `declared`, apart from the computed ones."""
    totals = dict(parsed.get("years", {}).get(str(year), {}))
    declared = parsed.get("declared", {}).get("years", {}).get(str(year))
    if declared:
        totals["declared"] = declared
    return totals


def declared_rows(version: YearVersion) -> list[dict[str, Any]]:
    """A version's declared figures as the year page lists them: label, amount, unit."""
    return [
        {
            "label": _label(d),
            "amount": d["amount"],
            "unit": d["unit"],
            # Django's floatformat: decimals as documents print the figure, thousands grouped.
            "format": f"{DECLARED[d['figure']].decimals}g",
        }
        for d in version.totals.get("declared", [])
        if d.get("figure") in DECLARED
    ]


def _label(declared: dict[str, Any]) -> str:
    name = say(DECLARED[declared["figure"]].label)
    if not declared.get("label"):
        return name
    return say(DECLARED_LABELLED, figure=name, label=declared["label"])
