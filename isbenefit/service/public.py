"""Pages without login: a certificate's page and download, `/verify`, the issuer keys and
status lists. Nothing stored is served under a path a user could guess: certificates
are found by their id (the hash of their claim), documents by random ids."""

from __future__ import annotations

import json
import re
from pathlib import Path

from django.conf import settings
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
)
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from isbenefit import messages as msg
from isbenefit.messages import say
from isbenefit.reported import is_certificate_id
from isbenefit.service import forms, issuing, keys, security, verifying
from isbenefit.service.models import CERTIFICATE, REVOKED, SUPERSEDED, VALID, Document

FINGERPRINT_FILE = re.compile(r"^[A-Za-z0-9_-]{1,100}$")
GRAVITY = {VALID: 0, SUPERSEDED: 1, REVOKED: 2}
STYLESHEET = Path(__file__).parent / "static" / "service.css"


def _certificate(certificate_id: str) -> Document:
    if not is_certificate_id(certificate_id):
        raise Http404(say(msg.NO_SUCH_CERTIFICATE))
    copies = list(
        Document.objects.filter(kind=CERTIFICATE, certificate_id=certificate_id).select_related(
            "cluster", "organisation"
        )
    )
    if not copies:
        raise Http404(say(msg.NO_SUCH_CERTIFICATE))
    # Issued more than once (same claim, same id): the gravest status of any copy holds.
    return max(copies, key=lambda d: (GRAVITY.get(d.status, 0), d.created_at))


def certificate_page(request: HttpRequest, certificate_id: str) -> HttpResponse:
    """The certificate as its register lists it: issue date, year version, figures with
    their units, status with its history, the issuer key's fingerprint."""
    from isbenefit.service import register, statuses

    document = _certificate(certificate_id)
    copies = list(Document.objects.filter(kind=CERTIFICATE, certificate_id=certificate_id))
    listed = register.Listed(document, register.issued_on(copies))
    entry = register.entry(listed, statuses.entries_of(document.key_fingerprint))
    return render(
        request,
        "service/certificate.html",
        {
            "document": document,
            "summary": document.claim_summary,
            "issuer": register.issuer_of(document.cluster),
            "entry": entry,
        },
    )


def certificate_download(request: HttpRequest, certificate_id: str) -> FileResponse:
    document = _certificate(certificate_id)
    return security.pdf_response(issuing.stored_file(document), document.download_name)


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@csrf_exempt
@require_http_methods(["GET", "POST"])
def verify_page(request: HttpRequest) -> HttpResponse:
    """Verify an uploaded certificate; HTML, or JSON for ``Accept: application/json``.

    The page's form is CSRF-checked like every form (Django's own check, run here). A
    program asking for JSON is not: /verify changes nothing and needs no login, so a
    forged request gains nothing, and a funder's script should not have to fetch a cookie
    first (the rate limit still applies)."""
    as_json = _wants_json(request)
    if request.method == "GET":
        return render(request, "service/verify.html", {"form": forms.VerifyForm()})
    from isbenefit.service.security import allowed

    # The rate limit before anything reads the body (the CSRF check parses the form);
    # BodyLimitMiddleware has already refused a body declared too large.
    if not allowed(request, "verify"):
        return _refuse(request, as_json, 429, say(msg.TOO_MANY_CHECKS))
    if not as_json:
        # verify_page itself is exempt; the check is asked for a view that is not.
        refused = CsrfViewMiddleware(lambda _request: HttpResponse()).process_view(
            request, render, (), {}
        )
        if refused is not None:
            return refused
    form = forms.VerifyForm(request.POST, request.FILES)
    if not form.is_valid():
        return _refuse(request, as_json, 400, say(msg.ATTACH_PDF))
    uploaded = form.cleaned_data["pdf"]
    limit = settings.ISBENEFIT_VERIFY_MAX_BYTES
    if uploaded.size > limit:
        return _refuse(request, as_json, 413, say(msg.PDF_TOO_LARGE, limit=f"{limit:,}"))
    data = b"".join(uploaded.chunks())
    name = Path(uploaded.name or "upload.pdf").name
    if not data.startswith(verifying.PDF_MAGIC):
        return _unreadable(request, as_json, 415, name)
    try:
        report = verifying.verify_bytes(data, name)
    except verifying.UnreadablePdfError:
        return _unreadable(request, as_json, 422, name)
    if as_json:
        return JsonResponse(report, json_dumps_params={"ensure_ascii": False, "indent": 1})
    context = {"form": forms.VerifyForm(), "report": verifying.in_words(report)}
    return render(request, "service/verify.html", context)


def _unreadable(request: HttpRequest, as_json: bool, status: int, name: str) -> HttpResponse:
    """The verdict "not a readable PDF" (exit code 2), as a 4xx answer."""
    report = verifying.unreadable_report(name)
    if as_json:
        return JsonResponse(report, status=status, json_dumps_params={"ensure_ascii": False})
    context = {"form": forms.VerifyForm(), "report": verifying.in_words(report)}
    context["error"] = report["error"]
    return render(request, "service/verify.html", context, status=status)


def _refuse(request: HttpRequest, as_json: bool, status: int, message: str) -> HttpResponse:
    if as_json:
        return JsonResponse({"error": message}, status=status)
    return render(
        request,
        "service/verify.html",
        {"form": forms.VerifyForm(), "error": message},
        status=status,
    )


def published_keys(request: HttpRequest) -> JsonResponse:
    """The issuer keys of the service, at a fixed address: /keys.json."""
    return JsonResponse(
        {"schema": "isbenefit.service-keys/1", "keys": keys.published()},
        json_dumps_params={"ensure_ascii": False, "indent": 1},
    )


def status_list(request: HttpRequest, name: str) -> HttpResponse:
    if not FINGERPRINT_FILE.match(name):
        raise Http404(say(msg.NO_SUCH_STATUS_LIST))
    path = keys.status_dir() / f"{name}.json"
    if not path.is_file():
        raise Http404(say(msg.NO_SUCH_STATUS_LIST))
    return HttpResponse(
        json.dumps(json.loads(path.read_text(encoding="utf-8")), ensure_ascii=False, indent=1),
        content_type="application/json",
    )


def stylesheet(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(STYLESHEET.read_bytes(), content_type="text/css")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response
