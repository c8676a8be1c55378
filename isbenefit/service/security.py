"""Security headers on every response, the rate limit of the public checks, and PDFs
served sandboxed.

The Content-Security-Policy allows no script at all (the pages are plain forms; progress
pages refresh themselves with a meta tag), no inline style, no framing
(``frame-ancestors 'none'``), forms posting only to the service itself.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse

from isbenefit import messages as msg
from isbenefit.messages import say
from isbenefit.service.settings import HSTS_SECONDS

CSP = (
    "default-src 'none'; script-src 'none'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "object-src 'none'"
)
PERMISSIONS = "camera=(), microphone=(), geolocation=(), payment=()"


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if request.user.is_authenticated if hasattr(request, "user") else False:
            response.headers.setdefault("Cache-Control", "no-store")
        if str(getattr(settings, "ISBENEFIT_PUBLIC_URL", "")).startswith("https:"):
            # Users reach the service by https even when the request reaching us is plain
            # HTTP from a proxy that is not declared (Django's own header needs is_secure);
            # a browser ignores the header on a plain-HTTP answer, so sending it is safe.
            response.headers.setdefault("Strict-Transport-Security", f"max-age={HSTS_SECONDS}")
        return response


def client_address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", "unknown"))


def allowed(request: HttpRequest, bucket: str, per_minute: int | None = None) -> bool:
    """Whether this client may make one more request of ``bucket`` in this minute."""
    limit = per_minute if per_minute is not None else settings.ISBENEFIT_VERIFY_PER_MINUTE
    return within(bucket, client_address(request), limit, 60)


def within(bucket: str, client: str, limit: int, seconds: int) -> bool:
    """Count one request of ``client`` (an address, a mail address) in ``bucket``; whether
    it is within ``limit`` for the current window of ``seconds``. The cache is the
    service's: process-local by default, so limits are per server process."""
    digest = hashlib.sha256(client.encode()).hexdigest()[:32]
    key = f"rate:{bucket}:{digest}:{int(time.time() // seconds)}"
    if cache.add(key, 1, timeout=2 * seconds):
        return limit >= 1
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=2 * seconds)
        return limit >= 1
    return bool(count <= limit)


def base_url(request: HttpRequest) -> str:
    """The service's address for links and QR codes: the public URL when one is set
    (behind a proxy the request's own address is the proxy's view), else the request's."""
    public = str(getattr(settings, "ISBENEFIT_PUBLIC_URL", "") or "")
    return public or request.build_absolute_uri("/").rstrip("/")


# A multipart body carries a little more than the file it holds.
BODY_OVERHEAD = 1024 * 1024


def body_limit(path: str) -> int:
    """The largest request body an address takes: a certificate at /verify, JSON under
    /api/ (Django's in-memory limit, DATA_UPLOAD_MAX_MEMORY_SIZE), a ledger anywhere else
    (the upload page)."""
    if path.startswith("/api/"):
        return int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    largest = settings.ISBENEFIT_UPLOAD_MAX_BYTES
    if path.rstrip("/") == "/verify":
        largest = settings.ISBENEFIT_VERIFY_MAX_BYTES
    return int(largest) + BODY_OVERHEAD


class BodyLimitMiddleware:
    """Refuse (413) a request whose declared length is beyond its address's limit, before
    anything reads the body (the CSRF check, the form, the upload handlers)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = body_limit(request.path_info)
        if length > limit:
            message = say(msg.REQUEST_TOO_LARGE, size=f"{length:,}", limit=f"{limit:,}")
            if request.path_info.startswith("/api/"):  # the API's answers: {"detail": ...}
                return JsonResponse({"detail": message}, status=413)
            if "application/json" in request.headers.get("Accept", ""):
                return JsonResponse({"error": message}, status=413)
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


def pdf_response(path: Path, download_name: str) -> FileResponse:
    """A stored PDF as a download, sandboxed: a PDF viewer in the browser runs nothing of
    it in the service's origin."""
    response = FileResponse(
        path.open("rb"), as_attachment=True, filename=download_name, content_type="application/pdf"
    )
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
