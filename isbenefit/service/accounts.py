"""Accounts: a user with a role in a cluster, and the one-time link that sets its password.

The users page, ``isbenefit users add`` and the tests all add users here."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from isbenefit import messages as msg
from isbenefit.messages import say
from isbenefit.service import store
from isbenefit.service.models import MEMBER, Cluster, Membership


class AccountExistsError(ValueError):
    """The address has an account already."""


def add_user(
    cluster_name: str, email: str, role: str, org_id: str | None, password: str | None = None
) -> Any:
    """A user with a role in a cluster; without ``password`` it has none until it follows
    its invitation link. The password, when given, passes the framework's validators."""
    from django.contrib.auth.password_validation import validate_password

    cluster = Cluster.objects.get(name=cluster_name)
    organisation = store.organisation(cluster, org_id) if org_id else None
    if role == MEMBER and organisation is None:
        raise ValueError("a member belongs to an organisation: give --org")
    users = get_user_model()
    user = users(username=email, email=email)
    if password is not None:
        validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    Membership.objects.create(user=user, cluster=cluster, role=role, organisation=organisation)
    return user


def invite(cluster: Cluster, by: Any, email: str, role: str, org_id: str | None) -> Any:
    """A new user of the cluster without a password (it sets one through its invitation
    link), logged as added by ``by``; AccountExistsError when the address has one."""
    if get_user_model().objects.filter(username=email).exists():
        raise AccountExistsError(say(msg.ACCOUNT_EXISTS))
    with transaction.atomic():
        user = add_user(cluster.name, email, role, org_id)
        store.log(
            cluster,
            by,
            "user add",
            f"user {user.username}",
            None,
            {"role": role, "organisation": org_id or ""},
        )
    return user


def invitation_path(user: Any) -> str:
    """The one-time link setting the user's password (valid until used or a week passed)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse(
        "invite", kwargs={"uidb64": uid, "token": default_token_generator.make_token(user)}
    )
