"""The second factor (django-otp): a TOTP authenticator app, with single-use backup codes.

Required for facilitators, the one role that can make the service sign (certificates,
revocations, restatements); optional for members and funders, who may set it up on
``/account/second-factor/setup/``. Once a user has a confirmed device, every login of that
user needs its code, whatever the role. The password login stays Django's; the middleware
below then lets a session that is not verified reach only the second-factor pages and the
public ones, until the code is given (or, for a facilitator without a device yet, the
device is set up). The JSON API authenticates by token (``isbenefit users token``, given
by the operator), not by this session.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.http import urlencode

from isbenefit.messages import say
from isbenefit.service import access, wording
from isbenefit.service.models import FACILITATOR

SETUP_PATH = "/account/second-factor/setup/"
VERIFY_PATH = "/account/second-factor/"
# Reached without a verified session: the second-factor pages, logging out, the public
# pages, and the API (tokens, no session).
OPEN_PREFIXES = (
    "/account/second-factor/",
    "/logout/",
    "/language/",
    "/login/",
    "/static/",
    "/verify",
    "/c/",
    "/register",
    "/keys.json",
    "/status/",
    "/password-reset/",
    "/reset/",
    "/invite/",
    "/api/",
)


def required(user: Any) -> bool:
    """Whether the user's role needs a second factor (those who can trigger a signature)."""
    found = access.membership(user)
    return found is not None and found.role == FACILITATOR


def has_device(user: Any) -> bool:
    from django_otp import user_has_device

    return bool(user_has_device(user, confirmed=True))


def needed_step(user: Any) -> str | None:
    """Where a logged-in user whose session is not verified must go first: the code page
    (it has a device), the set-up page (its role needs one), or nowhere (optional)."""
    if getattr(user, "is_verified", lambda: False)():
        return None
    if has_device(user):
        return VERIFY_PATH
    return SETUP_PATH if required(user) else None


class SecondFactorMiddleware:
    """After django-otp's OTPMiddleware: a session without its second factor reaches only
    the open pages."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or request.path_info.startswith(OPEN_PREFIXES):
            return self.get_response(request)
        step = needed_step(user)
        if step is None:
            return self.get_response(request)
        if "application/json" in request.headers.get("Accept", ""):
            return JsonResponse({"detail": say(wording.OTP_REQUIRED)}, status=403)
        return redirect(f"{step}?{urlencode({'next': request.get_full_path()})}")
