"""The pages of what the cluster keeps on record: its years (closing and restating them),
its documents (issuing, downloading, revoking) and the history of changes. Each view asks
:mod:`.access` what the user may see and calls :mod:`.years`, :mod:`.issuing` or
:mod:`.certificates` to change anything."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from isbenefit import messages as msg
from isbenefit.messages import say, say_n
from isbenefit.reported import ID_PREFIX
from isbenefit.service import (
    access,
    certificates,
    closing,
    confirming,
    forms,
    inbox,
    issuing,
    jobqueue,
    restating,
    security,
    store,
    wording,
    years,
)
from isbenefit.service.models import (
    CERTIFICATE,
    DONE,
    FACILITATOR,
    FAILED,
    FUNDER,
    Document,
    Job,
    YearVersion,
)

# --- years ---------------------------------------------------------------------------------


@login_required
def year_list(request: HttpRequest) -> HttpResponse:
    found = access.member(request.user)
    closed = YearVersion.objects.filter(cluster=found.cluster).order_by("-year", "-number")
    open_years: set[int] = set()
    if found.role != FUNDER:
        for version in store.current_versions(found.cluster):
            open_years.update(version.years())
    years_shown = sorted(open_years | {v.year for v in closed}, reverse=True)
    return render(
        request,
        "service/years.html",
        {"years": years_shown, "closed": {v.year: v for v in closed}},
    )


@login_required
@require_http_methods(["GET", "POST"])
def year_detail(request: HttpRequest, year: int) -> HttpResponse:
    found = access.member(request.user)
    if not years.YEARS[0] <= year <= years.YEARS[1]:
        raise Http404(say(msg.NO_SUCH_YEAR))
    versions = list(
        YearVersion.objects.filter(cluster=found.cluster, year=year).order_by("-number")
    )
    if found.role == FUNDER and not versions:
        raise Http404(say(msg.YEAR_NOT_PUBLISHED))
    form = forms.YearForm(request.POST or None)
    if request.method == "POST":
        access.require(request.user, FACILITATOR)
        if form.is_valid():
            data = form.cleaned_data
            try:
                job = closing.request(
                    found.cluster, year, request.user, data["reason"], data["factors"]
                )
            except closing.CloseInProgressError as error:
                form.add_error(None, str(error))
            else:
                if job.state != FAILED:
                    return _closed_or_queued(request, job)
                form.add_error(None, job.message)  # ran at once and closed nothing
    differences = [
        {
            "version": new,
            "rows": years.difference(old, new),
            "unconfirmed": access.unconfirmed_seen(request.user, list(new.unconfirmed)),
            "declared": years.declared_rows(new),
        }
        for new, old in zip(versions, [*versions[1:], None][: len(versions)], strict=True)
    ]
    to_reissue = restating.to_reissue(versions[0]) if versions and found.role == FACILITATOR else []
    return render(
        request,
        "service/year.html",
        {
            "year": year,
            "versions": versions,
            "differences": differences,
            "form": form,
            "to_reissue": to_reissue,
        },
    )


def _closed_or_queued(request: HttpRequest, job: Job) -> HttpResponse:
    """The year page once its close has run; the job's progress page while it waits."""
    made = job.year_version
    if job.state != DONE or made is None:
        return redirect("job", pk=job.pk)
    messages.success(request, say(msg.YEAR_CLOSED, year=job.year, version=made.number))
    stale = restating.to_reissue(made)
    if stale:
        messages.warning(
            request,
            say_n(msg.SUPERSEDED_TO_REISSUE_ONE, msg.SUPERSEDED_TO_REISSUE_MANY, len(stale)),
        )
    return redirect("year", year=job.year)


# --- documents -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def document_list(request: HttpRequest) -> HttpResponse:
    found = access.member(request.user)
    form = forms.JobForm(request.POST or None)
    if request.method == "POST":
        access.require(request.user, FACILITATOR)
        if form.is_valid():
            data = form.cleaned_data
            try:
                job = issuing.request(
                    found.cluster,
                    data["kind"],
                    data["year"],
                    data["organisation"],
                    request.user,
                    security.base_url(request),
                    issuing.Languages(data.get("language") or "", msg.current_language()),
                )
            except issuing.UnknownOrganisationError as error:
                form.add_error("organisation", str(error))
            except issuing.YearNotClosedError as error:
                form.add_error("year", str(error))
            else:
                return redirect("job", pk=job.pk)
    jobs = Job.objects.filter(cluster=found.cluster) if found.role == FACILITATOR else []
    return render(
        request,
        "service/documents.html",
        {
            "documents": access.visible_documents(request.user),
            "form": form if found.role == FACILITATOR else None,
            "jobs": jobs[:20] if jobs else [],
        },
    )


@login_required
def job_detail(request: HttpRequest, pk: str) -> HttpResponse:
    found = access.require(request.user, FACILITATOR)
    try:
        job = Job.objects.get(pk=pk, cluster=found.cluster)
    except (Job.DoesNotExist, ValueError, Exception) as error:
        raise Http404(say(msg.NO_SUCH_JOB)) from error
    return render(
        request,
        "service/job.html",
        {
            "job": job,
            "documents": job.documents.select_related("organisation"),
            "queue": jobqueue.queue_state(job),
        },
    )


@login_required
def document_download(request: HttpRequest, pk: str) -> FileResponse:
    try:
        document = access.visible_documents(request.user).get(pk=pk)
    except (Document.DoesNotExist, ValueError, Exception) as error:
        raise Http404(say(msg.NO_SUCH_DOCUMENT)) from error
    inbox.downloaded(document, request.user)
    return security.pdf_response(issuing.stored_file(document), document.download_name)


@login_required
@require_POST
def document_revoke(request: HttpRequest, pk: str) -> HttpResponse:
    found = access.require(request.user, FACILITATOR)
    try:
        # Only certificates have a status: a statement or report is no such thing here.
        document = Document.objects.get(
            pk=pk, cluster=found.cluster, kind=CERTIFICATE, certificate_id__startswith=ID_PREFIX
        )
    except (Document.DoesNotExist, ValueError, Exception) as error:
        raise Http404(say(msg.NO_SUCH_CERTIFICATE)) from error
    form = forms.RevokeForm(request.POST)
    try:
        if not form.is_valid():
            raise certificates.RevokeRefusedError(say(msg.NO_REASON))
        data = form.cleaned_data
        if not confirming.confirmed(request):
            return _ask_to_revoke(request, document, data)
        certificates.revoke(document, request.user, data["reason"], data["superseded_by"] or "")
    except certificates.RevokeRefusedError:
        messages.error(request, say(msg.GIVE_REVOKE_REASON))
    else:
        messages.success(
            request,
            say(
                msg.CERTIFICATE_STATUS, certificate=document.certificate_id, status=document.status
            ),
        )
    return redirect("certificate", certificate_id=document.certificate_id)


def _ask_to_revoke(request: HttpRequest, document: Document, data: dict[str, Any]) -> HttpResponse:
    replacement = data["superseded_by"] or ""
    title = (
        say(wording.CONFIRM_SUPERSEDE, certificate=document.certificate_id, replacement=replacement)
        if replacement
        else say(wording.CONFIRM_REVOKE_TITLE, certificate=document.certificate_id)
    )
    return confirming.ask(
        request,
        title=title,
        consequence=say(wording.CONFIRM_REVOKE),
        button=say(wording.CONFIRM_REVOKE_BUTTON),
        back=f"/c/{document.certificate_id}",
        fields={"reason": data["reason"], "superseded_by": data["superseded_by"] or ""},
    )


@login_required
def change_list(request: HttpRequest) -> HttpResponse:
    found = access.require(request.user, FACILITATOR)
    changes = found.cluster.changes.select_related("user")[:500]
    return render(request, "service/changes.html", {"changes": changes})
