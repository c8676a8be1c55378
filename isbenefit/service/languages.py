"""The language of the service's pages and messages (docs/translations.md).

Django's LocaleMiddleware picks the language of a request from the language cookie, else
the browser's Accept-Language, else English; :class:`LanguageMiddleware` then prefers the
language a member chose (``Membership.language``) and makes it the language of
:func:`isbenefit.messages.say` for the request, so the refusals and notices the views build
in Python speak it too. :func:`switch` is the language switch every page offers: it sets
the cookie and, for a member, keeps the choice with the account.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from isbenefit.messages import (
    LANGUAGE_NAMES,
    LANGUAGES,
    SOURCE_LANGUAGE,
    UnknownLanguageError,
    checked_language,
    language,
)

# The switch lists each language by its own name, so that a reader finds theirs.
CHOICES = [(code, LANGUAGE_NAMES[code]) for code in LANGUAGES]


def chosen(request: HttpRequest) -> str | None:
    """The language the signed-in member chose, if any."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    membership = getattr(user, "membership", None)
    return getattr(membership, "language", "") or None


class LanguageMiddleware:
    """After Django's LocaleMiddleware and the authentication: a member's own language
    first; the request's language for every message said while it is answered."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        own = chosen(request)
        if own:
            translation.activate(own)
            request.LANGUAGE_CODE = own
        try:
            code = checked_language(translation.get_language() or SOURCE_LANGUAGE)
        except UnknownLanguageError:
            code = SOURCE_LANGUAGE
        with language(code):
            return self.get_response(request)


@require_POST
def switch(request: HttpRequest) -> HttpResponse:
    """The language switch: the cookie for everyone, the account's choice for a member;
    back to the page it was sent from."""
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    try:
        code = checked_language(request.POST.get("language", ""))
    except UnknownLanguageError:
        return response
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=request.is_secure(),
        httponly=True,
    )
    user = request.user
    membership = getattr(user, "membership", None) if user.is_authenticated else None
    if membership is not None:
        membership.language = code
        membership.save(update_fields=["language"])
    return response
