"""The home page (what waits for the user: :mod:`.inbox`; a funder's closed years per
organisation) and the proposals' pages (:mod:`.proposals`)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_POST

from isbenefit import messages as msg
from isbenefit.messages import say
from isbenefit.reported import QUANTITY
from isbenefit.service import access, entries, figures, inbox, proposals
from isbenefit.service.models import ACCEPTED, FUNDER, LAPSED, WITHDRAWAL, Proposal, YearVersion


def inbox_context(request: HttpRequest) -> dict[str, Any]:
    """Template context: how many things wait for the user (counted only when a page
    shows it: the navigation of a logged-in user)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"inbox_count": SimpleLazyObject(lambda: inbox.count(user))}


CO2E = "co2e_kg"


@login_required
def home(request: HttpRequest) -> HttpResponse:
    found = access.member(request.user)
    closed = YearVersion.objects.filter(cluster=found.cluster).order_by("-year", "-number")
    context: dict[str, Any] = {
        "cluster": found.cluster,
        # Each closed version with its CO2e as the documents print it (service/figures.py).
        "closed": [(version, _co2e(version)) for version in closed[:10]],
        "co2e_label": say(QUANTITY[CO2E].label),
        "documents": access.visible_documents(request.user)[:10],
    }
    if found.role == FUNDER:
        context["by_organisation"] = inbox.closed_by_organisation(found.cluster)
        return render(request, "service/home_funder.html", context)
    context["exchange_count"] = access.visible_exchanges(request.user).count()
    context["inbox"] = waiting = inbox.inbox(request.user)
    context["inbox_count"] = waiting.count  # the navigation's, counted once
    return render(request, "service/home.html", context)


def _co2e(version: YearVersion) -> str:
    saved = (version.totals or {}).get("saved") or {}
    return figures.quantity(CO2E, float(saved[CO2E])) if CO2E in saved else ""


def proposal_made(request: HttpRequest, proposal: Proposal) -> HttpResponse:
    """After a change or withdrawal became a proposal: say what it waits for."""
    waiting = [o for o in proposal.organisations if o not in _answered(proposal)]
    text = msg.PROPOSED_WITHDRAWAL if proposal.kind == WITHDRAWAL else msg.PROPOSED_PARTIES
    exchange = proposal.exchange.exchange_id
    messages.info(request, say(text, exchange=exchange, organisations=", ".join(waiting)))
    return redirect("proposal", pk=proposal.pk)


def _answered(proposal: Proposal) -> dict[str, Any]:
    return {a.organisation: a for a in proposal.answers.all()}


@login_required
def proposal_detail(request: HttpRequest, pk: str) -> HttpResponse:
    proposal = access.proposal_for(request.user, pk)
    answers = _answered(proposal)
    return render(
        request,
        "service/proposal.html",
        {
            "proposal": proposal,
            "changes": proposals.changes(proposal),
            "organisations": [(org_id, answers.get(org_id)) for org_id in proposal.organisations],
            "answerable": access.answerable(request.user, proposal),
            "exchange_readable": access.readable_exchanges(request.user)
            .filter(pk=proposal.exchange_id)
            .exists(),
        },
    )


@login_required
@require_POST
def proposal_answer(request: HttpRequest, pk: str) -> HttpResponse:
    proposal = access.proposal_for(request.user, pk)
    organisation = request.POST.get("organisation", "")
    accept = request.POST.get("answer") == "accept"
    try:
        proposal = entries.answer(request.user, proposal, organisation, accept)
    except entries.StaleError:
        messages.error(request, say(msg.STALE_ANSWER))
        return redirect("proposal", pk=proposal.pk)
    if proposal.state == LAPSED:
        messages.error(request, say(msg.STALE_ANSWER))
    elif proposal.state == ACCEPTED and proposal.made is not None:
        exchange, version = proposal.exchange.exchange_id, proposal.made.number
        messages.success(request, say(msg.PROPOSAL_DONE, exchange=exchange, version=version))
    elif accept:
        messages.success(request, say(msg.ANSWER_ACCEPTED, organisation=organisation))
    else:
        messages.success(request, say(msg.ANSWER_DECLINED, organisation=organisation))
    return redirect("proposal", pk=proposal.pk)
