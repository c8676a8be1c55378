"""The public register pages (`/register`, `/register.json`, `/register.csv`, no login)
and the facilitator's reissue of certificates a restatement superseded."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from isbenefit import messages as msg
from isbenefit.certify import register as exports
from isbenefit.messages import say
from isbenefit.service import access, issuing, register, restating, security, wording, years
from isbenefit.service.models import CERTIFICATE, FACILITATOR, Cluster

PAGE_SIZE = 50
EXPORT_KEPT_SECONDS = 3600  # an unchanged register's export, kept in the cache


class ClusterNotNamedError(Exception):
    """The service keeps several clusters and the address names none."""


def _cluster(request: HttpRequest) -> Cluster:
    name = request.GET.get("cluster", "").strip()
    if name:
        try:
            return Cluster.objects.get(name=name)
        except Cluster.DoesNotExist:
            raise Http404(say(wording.NO_SUCH_CLUSTER)) from None
    clusters = list(Cluster.objects.order_by("name")[:2])
    if not clusters:
        raise Http404(say(wording.NO_CLUSTER_YET))
    if len(clusters) > 1:
        raise ClusterNotNamedError
    return clusters[0]


def register_page(request: HttpRequest) -> HttpResponse:
    """The register as a page, PAGE_SIZE certificates a page (``?page=N``)."""
    try:
        cluster = _cluster(request)
    except ClusterNotNamedError:
        clusters = Cluster.objects.order_by("name")
        return render(request, "service/registers.html", {"clusters": clusters})
    page = Paginator(register.listed(cluster), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "service/register.html",
        {
            "cluster": cluster,
            "issuer": register.issuer_of(cluster),
            "page": page,
            "entries": register.entries(list(page.object_list), ""),
            "query": f"cluster={cluster.name}&" if request.GET.get("cluster") else "",
        },
    )


def _export(request: HttpRequest, kind: str) -> HttpResponse:
    """The register of the cluster the address names as ``kind`` ("json" or "csv").

    Anyone may fetch it, so each address may ask ISBENEFIT_REGISTER_PER_MINUTE times a
    minute, and
    the bytes are kept in the cache until the register changes (register.version): many
    clients cost the server one export per change, not one per request.
    """
    if not security.allowed(request, "register", settings.ISBENEFIT_REGISTER_PER_MINUTE):
        return JsonResponse({"error": say(wording.TOO_MANY_REQUESTS)}, status=429)
    try:
        cluster = _cluster(request)
    except ClusterNotNamedError:
        names = list(Cluster.objects.order_by("name").values_list("name", flat=True))
        return JsonResponse(
            {"error": say(msg.NAME_A_CLUSTER), "clusters": names},
            status=400,
        )  # fmt: skip
    base = security.base_url(request)
    key = f"register:{cluster.pk}:{kind}:{register.version(cluster)}:{base}"
    body = cache.get(key)
    if body is None:
        entries = register.entries(register.listed(cluster), base)
        if kind == "json":
            body = exports.as_json(entries, str(register.issuer_of(cluster).get("name", "")))
        else:
            body = exports.as_csv(entries)
        cache.set(key, body, timeout=EXPORT_KEPT_SECONDS)
    if kind == "json":
        response = HttpResponse(body, content_type="application/json")
        response.headers["Content-Disposition"] = f'inline; filename="register-{cluster.name}.json"'
    else:
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
        disposition = f'attachment; filename="register-{cluster.name}.csv"'
        response.headers["Content-Disposition"] = disposition
    return response


def register_json(request: HttpRequest) -> HttpResponse:
    return _export(request, "json")


def register_csv(request: HttpRequest) -> HttpResponse:
    return _export(request, "csv")


@login_required
@require_POST
def reissue(request: HttpRequest, year: int) -> HttpResponse:
    """Certificates of the year's latest version for every organisation whose certificate
    a restatement superseded (restating.to_reissue)."""
    found = access.require(request.user, FACILITATOR)
    if not years.YEARS[0] <= year <= years.YEARS[1]:
        raise Http404(say(msg.NO_SUCH_YEAR))
    stale = restating.to_reissue(years.latest(found.cluster, year))
    org_ids = sorted({d.organisation.org_id for d in stale if d.organisation is not None})
    if not org_ids:
        messages.error(request, say(msg.NOTHING_TO_REISSUE, year=year))
        return redirect("year", year=year)
    with transaction.atomic():
        job = issuing.start(
            found.cluster,
            CERTIFICATE,
            year,
            org_ids,
            request.user,
            security.base_url(request),
            issuing.Languages(requester=msg.current_language()),
        )
    return redirect("job", pk=job.pk)
