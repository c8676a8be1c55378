"""Shared set-up of the service tests: the example cluster and one user per role."""

from __future__ import annotations

from typing import Any

from django.test import Client

from isbenefit.service import entries, store
from isbenefit.service.accounts import add_user
from isbenefit.service.models import Cluster
from tests.service.conftest import EXAMPLE

PASSWORD = "correct horse battery 42"
# Two exchanges of the example: one between dk-kalvo-chp and dk-gipsdal, one not.
KALVO = "dk-kalvo-chp"


def example_cluster(name: str = "nordic") -> Cluster:
    cluster = store.cluster_named(name, "Nordic cluster")
    entries.import_file(cluster, EXAMPLE)
    return cluster


def users(cluster: Cluster) -> dict[str, Any]:
    """facilitator, member (dk-kalvo-chp), other (another organisation), funder."""
    other = (
        cluster.exchanges.exclude(current__supplier=KALVO).exclude(current__receiver=KALVO).first()
    )
    assert other is not None and other.current is not None
    return {
        "facilitator": add_user(
            cluster.name, f"f@{cluster.name}.org", "facilitator", None, PASSWORD
        ),
        "member": add_user(cluster.name, f"m@{cluster.name}.org", "member", KALVO, PASSWORD),
        "other": add_user(
            cluster.name, f"o@{cluster.name}.org", "member", other.current.supplier, PASSWORD
        ),
        "funder": add_user(cluster.name, f"v@{cluster.name}.org", "funder", None, PASSWORD),
    }


def client_for(user: Any, **kwargs: Any) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client
