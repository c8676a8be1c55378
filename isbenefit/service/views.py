"""The pages behind the login: exchanges, uploads, confirmations, organisations, users,
years and documents. Each view asks :mod:`.access` what the user may see and change and
calls :mod:`.store`, :mod:`.years` or :mod:`.issuing` to change anything."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from isbenefit import messages as msg
from isbenefit.errors import Problem
from isbenefit.messages import say, say_n
from isbenefit.reported import ID_PREFIX
from isbenefit.service import (
    access,
    accounts,
    certificates,
    entries,
    forms,
    issuing,
    keys,
    ledgers,
    restating,
    security,
    store,
    years,
)
from isbenefit.service.models import (
    CERTIFICATE,
    FACILITATOR,
    FUNDER,
    MEMBER,
    Document,
    Job,
    Membership,
    Organisation,
    YearVersion,
)

LEDGER_SUFFIXES = (".xlsx", ".csv")


def membership_context(request: HttpRequest) -> dict[str, Any]:
    """Template context: the user's membership (role, cluster, organisation)."""
    return {"membership": access.membership(getattr(request, "user", None))}


def _member(request: HttpRequest) -> Membership:
    found = access.membership(request.user)
    if found is None:
        raise PermissionDenied(say(msg.NO_CLUSTER))
    return found


@login_required
def home(request: HttpRequest) -> HttpResponse:
    found = _member(request)
    exchanges = access.visible_exchanges(request.user)
    closed = YearVersion.objects.filter(cluster=found.cluster).order_by("-year", "-number")
    return render(
        request,
        "service/home.html",
        {
            "cluster": found.cluster,
            "exchange_count": exchanges.count(),
            "closed": closed[:10],
            "documents": access.visible_documents(request.user)[:10],
        },
    )


# --- exchanges -------------------------------------------------------------------------------


@login_required
def exchange_list(request: HttpRequest) -> HttpResponse:
    _member(request)
    exchanges = list(
        access.visible_exchanges(request.user).prefetch_related("current__confirmations")
    )
    rows = [
        {
            "exchange": e,
            "version": e.current,
            "confirmed": e.current is not None and store.is_confirmed(e.current),
        }
        for e in exchanges
    ]
    return render(
        request,
        "service/exchanges.html",
        {"rows": rows, "can_enter": access.can_enter(request.user)},
    )


@login_required
def exchange_detail(request: HttpRequest, pk: str) -> HttpResponse:
    exchange = access.exchange_for(request.user, pk)
    versions = list(exchange.versions.order_by("-number").prefetch_related("confirmations"))
    current = entries.current_of(exchange)
    found = _member(request)
    return render(
        request,
        "service/exchange.html",
        {
            "exchange": exchange,
            "current": current,
            "versions": versions,
            "confirmed": store.is_confirmed(current),
            "confirmations": {c.party: c for c in current.confirmations.all()},
            "confirmable": access.confirmable_parties(request.user, current),
            "can_edit": entries.may_change(request.user, current),
            "columns": ledgers.LedgerData(headers=found.cluster.headers).header(
                "exchanges", [current.fields]
            ),
        },
    )


def _form_kwargs(request: HttpRequest) -> dict[str, Any]:
    found = _member(request)
    cluster = found.cluster
    organisations = list(cluster.organisations.all())
    return {
        "cluster": cluster,
        "organisations": organisations,
        "activities": store.activities(cluster),
    }


def _put_on_form(form: forms.ExchangeForm, problems: list[Problem]) -> None:
    """Put every problem `assess` finds in the row (and every refusal of
    `access.entry_refusals`) on the field of its column."""
    for problem in problems:
        text = (
            say(msg.PROBLEM_WITH_FIX, problem=problem.message, fix=problem.fix)
            if problem.fix
            else problem.message
        )
        if problem.sheet == "exchanges" and problem.column in form.fields:
            form.add_error(problem.column, text)
        else:
            location = problem.location().split(", ", 1)[-1]
            form.add_error(None, say(msg.FIELD_PROBLEM, location=location, problem=text))


@login_required
@require_http_methods(["GET", "POST"])
def exchange_new(request: HttpRequest) -> HttpResponse:
    if not access.can_enter(request.user):
        raise PermissionDenied(say(msg.ROLE_MAY_NOT_ENTER))
    found = _member(request)
    initial = {}
    if found.role == MEMBER and found.organisation:
        initial["supplier"] = found.organisation.org_id
    form = forms.ExchangeForm(request.POST or None, initial=initial, **_form_kwargs(request))
    if request.method == "POST" and form.is_valid():
        row = form.row()
        try:
            version = entries.enter(
                request.user, found.cluster, row, reason=form.cleaned_data["reason"]
            )
        except entries.RefusedError as refused:
            form.add_error(None, refused.message)
        except entries.TakenError as taken:
            form.add_error("id", taken.message)
        except entries.InvalidError as invalid:
            _put_on_form(form, invalid.problems)
        else:
            messages.success(request, say(msg.EXCHANGE_SAVED, exchange=row["id"]))
            return redirect("exchange", pk=version.exchange_id)
    return render(request, "service/exchange_form.html", {"form": form, "exchange": None})


@login_required
@require_http_methods(["GET", "POST"])
def exchange_edit(request: HttpRequest, pk: str) -> HttpResponse:
    exchange = access.exchange_for(request.user, pk)
    current = entries.changeable(request.user, exchange)
    form = forms.ExchangeForm(
        request.POST or None, initial=dict(current.fields), **_form_kwargs(request)
    )
    form.fields["id"].disabled = True
    # The version the form was filled in on: a change of a version superseded meanwhile
    # would silently undo the other change (a lost update), so it is refused.
    edited = request.POST.get("version", "") if request.method == "POST" else str(current.pk)
    stale = say(msg.STALE_CHANGE)
    if request.method == "POST" and form.is_valid():
        try:
            entries.change(
                request.user,
                exchange,
                form.row(extra=current.fields),
                edited,
                form.cleaned_data["reason"] or say(msg.CHANGED_THROUGH_FORM),
            )
        except entries.RefusedError as refused:
            form.add_error(None, refused.message)
        except entries.StaleError:
            form.add_error(None, stale)
        except entries.InvalidError as invalid:
            _put_on_form(form, invalid.problems)
        else:
            messages.success(request, say(msg.NEW_VERSION_SAVED, exchange=exchange.exchange_id))
            return redirect("exchange", pk=exchange.pk)
    status = 409 if stale in form.non_field_errors() else 200
    return render(
        request,
        "service/exchange_form.html",
        {"form": form, "exchange": exchange, "version": edited},
        status=status,
    )


@login_required
@require_POST
def exchange_confirm(request: HttpRequest, pk: str) -> HttpResponse:
    exchange = access.exchange_for(request.user, pk)
    party = request.POST.get("party", "")
    try:
        entries.confirm(request.user, exchange, party, request.POST.get("version", ""))
    except entries.StaleError:
        messages.error(request, say(msg.STALE_CONFIRM))
    else:
        messages.success(request, say(msg.CONFIRMED_AS, party=party))
    return redirect("exchange", pk=exchange.pk)


@login_required
@require_POST
def exchange_withdraw(request: HttpRequest, pk: str) -> HttpResponse:
    exchange = access.exchange_for(request.user, pk)
    entries.changeable(request.user, exchange, "withdraw")
    form = forms.WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, say(msg.GIVE_WITHDRAW_REASON))
        return redirect("exchange", pk=exchange.pk)
    entries.withdraw(request.user, exchange, form.cleaned_data["reason"])
    messages.success(request, say(msg.WITHDRAWN, exchange=exchange.exchange_id))
    return redirect("exchange", pk=exchange.pk)


# --- uploads -------------------------------------------------------------------------------


def _safe_name(name: str) -> str:
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(name).name)[:100].lstrip(".")
    return base or "ledger"


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    if not access.can_enter(request.user):
        raise PermissionDenied(say(msg.ROLE_MAY_NOT_ENTER))
    found = _member(request)
    form = forms.UploadForm(request.POST or None, request.FILES or None)
    problems: list[Problem] = []
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["ledger"]
        name = _safe_name(uploaded.name)
        limit = settings.ISBENEFIT_UPLOAD_MAX_BYTES
        if not name.lower().endswith(LEDGER_SUFFIXES):
            form.add_error("ledger", say(msg.UPLOAD_KIND))
        elif uploaded.size > limit:
            size = f"{uploaded.size:,}"
            form.add_error("ledger", say(msg.UPLOAD_TOO_LARGE, size=size, limit=f"{limit:,}"))
        else:
            with tempfile.TemporaryDirectory(prefix="isbenefit-upload-") as folder:
                path = Path(folder) / name
                with path.open("wb") as stream:
                    for chunk in uploaded.chunks():
                        stream.write(chunk)
                try:
                    saved = entries.upload(
                        request.user, found.cluster, path, form.cleaned_data["reason"]
                    )
                except entries.InvalidError as invalid:
                    problems = invalid.problems
                else:
                    counts = {
                        "created": saved.created,
                        "changed": saved.changed,
                        "unchanged": saved.unchanged,
                    }
                    messages.success(request, say(msg.UPLOADED, file=name, **counts))
                    return redirect("exchanges")
    status = 400 if problems else 200
    return render(
        request, "service/upload.html", {"form": form, "problems": problems}, status=status
    )


# --- organisations and users ----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def organisation_list(request: HttpRequest) -> HttpResponse:
    found = access.require(request.user, FACILITATOR)
    form = forms.OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        row = {k: str(v or "") for k, v in form.cleaned_data.items()}
        with transaction.atomic():
            store.save_organisation(found.cluster, row, request.user)
        messages.success(request, say(msg.ORGANISATION_SAVED, organisation=row["id"]))
        return redirect("organisations")
    return render(
        request,
        "service/organisations.html",
        {"organisations": found.cluster.organisations.all(), "form": form},
    )


@login_required
def organisation_detail(request: HttpRequest, org_id: str) -> HttpResponse:
    try:
        organisation = access.visible_organisations(request.user).get(org_id=org_id)
    except Organisation.DoesNotExist as error:
        raise Http404(say(msg.NO_SUCH_ORGANISATION)) from error
    documents = access.visible_documents(request.user).filter(organisation=organisation)
    return render(
        request,
        "service/organisation.html",
        {"organisation": organisation, "documents": documents},
    )


@login_required
@require_http_methods(["GET", "POST"])
def user_list(request: HttpRequest) -> HttpResponse:
    found = access.require(request.user, FACILITATOR)
    organisations = list(found.cluster.organisations.all())
    form = forms.UserForm(request.POST or None, organisations=organisations)
    invitation = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = accounts.invite(
                found.cluster, request.user, data["email"], data["role"], data["organisation"]
            )
        except accounts.AccountExistsError as error:
            form.add_error("email", str(error))
        else:
            invitation = security.base_url(request) + accounts.invitation_path(user)
    members = Membership.objects.filter(cluster=found.cluster).select_related(
        "user", "organisation"
    )
    return render(
        request,
        "service/users.html",
        {"form": form, "members": members, "invitation": invitation},
    )


# --- years ---------------------------------------------------------------------------------


@login_required
def year_list(request: HttpRequest) -> HttpResponse:
    found = _member(request)
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
    found = _member(request)
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
        made = None
        if form.is_valid():
            try:
                made = years.close(
                    found.cluster,
                    year,
                    request.user,
                    form.cleaned_data["reason"],
                    form.cleaned_data["factors"] or None,
                )
            except keys.KeyPermissionError as error:  # superseding needs the cluster's key
                form.add_error(None, say(msg.NOTHING_CLOSED, error=error))
        if made is not None:
            messages.success(request, say(msg.YEAR_CLOSED, year=year, version=made.number))
            stale = restating.to_reissue(made)
            if stale:
                messages.warning(
                    request,
                    say_n(
                        msg.SUPERSEDED_TO_REISSUE_ONE, msg.SUPERSEDED_TO_REISSUE_MANY, len(stale)
                    ),
                )
            return redirect("year", year=year)
    differences = [
        {"version": new, "rows": years.difference(old, new)}
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


# --- documents -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def document_list(request: HttpRequest) -> HttpResponse:
    found = _member(request)
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
        {"job": job, "documents": job.documents.select_related("organisation")},
    )


@login_required
def document_download(request: HttpRequest, pk: str) -> FileResponse:
    try:
        document = access.visible_documents(request.user).get(pk=pk)
    except (Document.DoesNotExist, ValueError, Exception) as error:
        raise Http404(say(msg.NO_SUCH_DOCUMENT)) from error
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


@login_required
def change_list(request: HttpRequest) -> HttpResponse:
    found = access.require(request.user, FACILITATOR)
    changes = found.cluster.changes.select_related("user")[:500]
    return render(request, "service/changes.html", {"changes": changes})
