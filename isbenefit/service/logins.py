"""Logins: every success and failure logged (account and address, never a password), the
lockout page of django-axes' throttle (login_rules.py) and its growing lock."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models import Q
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from isbenefit.messages import say
from isbenefit.service import wording
from isbenefit.service.login_rules import cooloff_for
from isbenefit.service.security import client_address

logger = logging.getLogger("isbenefit.service.logins")
LOCKED = 429


@receiver(user_logged_in)
def _logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    address = client_address(request) if request is not None else "-"
    logger.info("login succeeded: %s from %s", user.get_username(), address)


@receiver(user_login_failed)
def _login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    address = client_address(request) if request is not None else "-"
    # The username as typed (shortened), never the password the credentials hold.
    name = str(credentials.get("username", ""))[:100]
    logger.warning("login failed: %r from %s", name, address)


def axes_address(request: HttpRequest) -> str | None:
    """django-axes' AXES_CLIENT_IP_CALLABLE: the connection's address, None when there is
    none that is an address (a login made in code, the test client's force_login), since
    the database keeps it as an IP address."""
    import ipaddress

    address = client_address(request)
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return None
    return address


def _lockouts_today(request: HttpRequest) -> int:
    from axes.models import AccessFailureLog

    # The account's lockouts (from any address) and the address's (for any account): a run
    # of guesses spread over many addresses still makes the account's lock grow.
    since = timezone.now() - timedelta(days=1)
    whose = Q(ip_address=axes_address(request))
    username = str(request.POST.get("username", "") if request.method == "POST" else "")
    if username:
        whose |= Q(username=username)
    failures = AccessFailureLog.objects.filter(whose, locked_out=True, attempt_time__gte=since)
    return int(failures.count())


def cooloff(request: HttpRequest) -> timedelta:
    """django-axes' AXES_COOLOFF_TIME: the lock grows with each lockout of the day."""
    minutes = float(settings.ISBENEFIT_LOGIN_LOCKOUT_MINUTES)
    return cooloff_for(_lockouts_today(request), minutes)


def locked_out(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """The answer to a locked-out account or address (429, the login page's look)."""
    minutes = int(cooloff(request).total_seconds() // 60)
    message = say(wording.LOCKED_OUT, minutes=minutes)
    logger.warning("login locked out: from %s", client_address(request))
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"detail": message}, status=LOCKED)
    return render(request, "service/locked.html", {"message": message}, status=LOCKED)
