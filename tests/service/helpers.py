"""Shared set-up of the service tests: the example cluster and one user per role."""

from __future__ import annotations

import json
from typing import Any

from django.core import mail
from django.test import Client
from rest_framework.authtoken.models import Token

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


def mailed_to(address: str) -> list[mail.EmailMessage]:
    """The messages of Django's test outbox sent to ``address`` (each goes to one)."""
    return [m for m in mail.outbox if m.to == [address]]


def client_for(user: Any, **kwargs: Any) -> Client:
    client = Client(**kwargs)
    log_in(client, user)
    return client


def log_in(client: Client, user: Any) -> None:
    """Log the client in as ``user``; a role needing a second factor gets a confirmed
    authenticator device and a session verified by it (as after giving its code)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from isbenefit.service import second_factor

    client.force_login(user)
    if not second_factor.required(user):
        return
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test app", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def api(user: Any) -> Client:
    """A client of the JSON API with the user's token."""
    token, _ = Token.objects.get_or_create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}")


def post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def patch(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.patch(url, json.dumps(body), content_type="application/json")
