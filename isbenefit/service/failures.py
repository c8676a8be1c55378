"""The service's answers when a request fails: its own 400/403/404/500 pages, and JSON for
every address under /api/ (and for clients asking for JSON), whatever the address.

No answer names a server path or shows a traceback; a 404 says only what our own views
say (an unknown address and an id one may not see answer the same)."""

from __future__ import annotations

import re
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader

from isbenefit import messages as msg
from isbenefit.messages import say

# An absolute path (two parts or more): a message shows only its last part.
SERVER_PATH = re.compile(r"(?<![\w.:/])/(?:[\w.@+~-]+/)+([\w.@+~-]+)")


def without_paths(text: str) -> str:
    """``text`` with every absolute path cut to its file name: what the service tells a
    user names no folder of the server (the operator's log keeps the whole message)."""
    return SERVER_PATH.sub(r"\1", text)


TITLES = {
    400: msg.BAD_REQUEST,
    403: msg.FORBIDDEN,
    404: msg.NOT_FOUND,
    500: msg.SERVER_ERROR,
}


def wants_json(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/") or "application/json" in request.headers.get(
        "Accept", ""
    )


def _detail(exception: BaseException | None) -> str:
    """The message our views gave the exception (a sentence of isbenefit.messages); none
    for Django's own (the resolver's carries the URL patterns tried)."""
    args: tuple[Any, ...] = tuple(getattr(exception, "args", ()))
    return str(args[0]) if len(args) == 1 and isinstance(args[0], str) else ""


def _answer(request: HttpRequest, status: int, detail: str = "") -> HttpResponse:
    title = say(TITLES[status])
    if wants_json(request):
        return JsonResponse({"detail": detail or title}, status=status)
    context: dict[str, Any] = {"status": status, "title": title, "detail": detail}
    if status == 500:
        # Nothing that may have failed (the database, the user): a standalone page.
        html = loader.render_to_string("service/error_500.html", context)
    else:
        html = loader.render_to_string("service/error.html", context, request)
    return HttpResponse(html, status=status)


def bad_request(request: HttpRequest, exception: BaseException | None = None) -> HttpResponse:
    return _answer(request, 400)


def forbidden(request: HttpRequest, exception: BaseException | None = None) -> HttpResponse:
    return _answer(request, 403, _detail(exception))


def not_found(request: HttpRequest, exception: BaseException | None = None) -> HttpResponse:
    return _answer(request, 404, _detail(exception))


def server_error(request: HttpRequest) -> HttpResponse:
    return _answer(request, 500)
