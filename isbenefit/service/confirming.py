"""The confirmation step of destructive actions (withdraw an exchange, revoke or supersede
a certificate): the first POST shows what will happen on a page of its own, with the
form's fields kept hidden; only a POST carrying ``confirmed=yes`` acts. Plain forms, no
script (the CSP allows none)."""

from __future__ import annotations

from collections.abc import Mapping

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

CONFIRMED = "confirmed"


def confirmed(request: HttpRequest) -> bool:
    return request.POST.get(CONFIRMED) == "yes"


def ask(
    request: HttpRequest,
    *,
    title: str,
    consequence: str,
    button: str,
    back: str,
    fields: Mapping[str, str],
) -> HttpResponse:
    """The page asking to confirm; it posts ``fields`` back to the same address."""
    return render(
        request,
        "service/confirm.html",
        {
            "title": title,
            "consequence": consequence,
            "button": button,
            "back": back,
            "action": request.path,
            "reason": fields.get("reason", ""),
            "fields": [(name, value) for name, value in fields.items() if value],
        },
    )
