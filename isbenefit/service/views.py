"""The pages behind the login: exchanges, uploads, confirmations, organisations and users
(years, documents and the history: :mod:`.record_views`). Each view asks :mod:`.access`
what the user may see and calls the use cases (:mod:`.entries`, :mod:`.accounts`) or
:mod:`.store` to change anything."""

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
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from isbenefit import messages as msg
from isbenefit.errors import Problem
from isbenefit.messages import say
from isbenefit.service import (
    access,
    accounts,
    confirming,
    entries,
    forms,
    home_views,
    ledgers,
    notify,
    proposals,
    security,
    store,
    wording,
)
from isbenefit.service.models import (
    FACILITATOR,
    MEMBER,
    Membership,
    Organisation,
    Proposal,
)

LEDGER_SUFFIXES = (".xlsx", ".csv")


def membership_context(request: HttpRequest) -> dict[str, Any]:
    """Template context: the user's membership (role, cluster, organisation)."""
    return {"membership": access.membership(getattr(request, "user", None))}


# --- exchanges -------------------------------------------------------------------------------


@login_required
def exchange_list(request: HttpRequest) -> HttpResponse:
    access.member(request.user)
    exchanges = list(
        access.visible_exchanges(request.user).prefetch_related("current__confirmations")
    )
    names = organisation_names(access.member(request.user).cluster)
    rows = [
        {
            "exchange": e,
            "version": e.current,
            "confirmed": e.current is not None and store.is_confirmed(e.current),
            "supplier": names.get(e.current.supplier, e.current.supplier) if e.current else "",
            "receiver": names.get(e.current.receiver, e.current.receiver) if e.current else "",
        }
        for e in exchanges
    ]
    # Exchanges its organisation confirmed and is no longer party to (read only).
    former = access.readable_exchanges(request.user).exclude(pk__in=[e.pk for e in exchanges])
    return render(
        request,
        "service/exchanges.html",
        {"rows": rows, "can_enter": access.can_enter(request.user), "former": former},
    )


def organisation_names(cluster: Any) -> dict[str, str]:
    """The name of each organisation of the cluster by its id (pages print names, the id on
    hover)."""
    return {o.org_id: o.name for o in cluster.organisations.all()}


def _party_names(cluster: Any, version: Any) -> dict[str, str]:
    names = organisation_names(cluster)
    return {
        "supplier": names.get(version.supplier, version.supplier),
        "receiver": names.get(version.receiver, version.receiver),
    }


@login_required
def exchange_detail(request: HttpRequest, pk: str) -> HttpResponse:
    exchange = access.readable_exchange(request.user, pk)
    versions = list(
        access.readable_versions(request.user, exchange).prefetch_related("confirmations")
    )
    current = entries.current_of(exchange)
    found = access.member(request.user)
    if not access.visible_exchanges(request.user).filter(pk=exchange.pk).exists():
        # A former party: the history of the versions it was party to, nothing after.
        return render(
            request, "service/exchange_former.html", {"exchange": exchange, "versions": versions}
        )
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
            "parties": _party_names(found.cluster, current),
            "can_edit": entries.may_change(request.user, current),
            "withdraw_needs_agreement": not access.is_facilitator(request.user)
            and proposals.needs_agreement(exchange),
            "proposals": access.visible_proposals(request.user).filter(exchange=exchange)[:20],
            "columns": ledgers.LedgerData(headers=found.cluster.headers).header(
                "exchanges", [current.fields]
            ),
        },
    )


def _form_kwargs(request: HttpRequest) -> dict[str, Any]:
    found = access.member(request.user)
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
    found = access.member(request.user)
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
            made = entries.change(
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
            if isinstance(made, Proposal):
                return home_views.proposal_made(request, made)
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
    if not confirming.confirmed(request):
        proposal = not access.is_facilitator(request.user) and proposals.needs_agreement(exchange)
        return confirming.ask(
            request,
            title=say(wording.CONFIRM_WITHDRAW_TITLE, exchange=exchange.exchange_id),
            consequence=say(
                wording.CONFIRM_PROPOSE_WITHDRAW if proposal else wording.CONFIRM_WITHDRAW
            ),
            button=say(
                wording.CONFIRM_PROPOSE_WITHDRAW_BUTTON
                if proposal
                else wording.CONFIRM_WITHDRAW_BUTTON
            ),
            back=f"/exchanges/{exchange.pk}/",
            fields={"reason": form.cleaned_data["reason"]},
        )
    try:
        made = entries.withdraw(request.user, exchange, form.cleaned_data["reason"])
    except entries.StaleError:
        messages.error(request, say(msg.STALE_CHANGE))
        return redirect("exchange", pk=exchange.pk)
    if isinstance(made, Proposal):
        return home_views.proposal_made(request, made)
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
    found = access.member(request.user)
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
                        request.user,
                        found.cluster,
                        path,
                        form.cleaned_data["reason"],
                        form.cleaned_data["replace_confirmed"],
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
        row = _organisation_row(found.cluster, form.cleaned_data)
        with transaction.atomic():
            store.save_organisation(found.cluster, row, request.user)
        messages.success(request, say(msg.ORGANISATION_SAVED, organisation=row["id"]))
        return redirect("organisations")
    return render(
        request,
        "service/organisations.html",
        {"organisations": found.cluster.organisations.all(), "form": form},
    )


def _organisation_row(cluster: Any, data: dict[str, Any]) -> dict[str, str]:
    """The organisations-sheet row the form saves: the form's columns as given, and every
    other column the organisation already has (a ledger's own columns) kept as it was."""
    stored = cluster.organisations.filter(org_id=data["id"], listed=True).first()
    kept = {k: v for k, v in (stored.fields if stored else {}).items() if k not in data}
    # `language` is an optional column: only an organisation that has one carries it.
    given = {k: str(v or "") for k, v in data.items() if v or k != "language"}
    return {**kept, **given}


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
            path = accounts.invitation_path(user)
            invitation = security.base_url(request) + path
            notify.invitation(user, path, security.base_url(request))
    members = Membership.objects.filter(cluster=found.cluster).select_related(
        "user", "organisation"
    )
    return render(
        request,
        "service/users.html",
        {"form": form, "members": members, "invitation": invitation},
    )
