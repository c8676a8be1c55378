"""The API's views. Each one asks :mod:`isbenefit.service.access` what the token's user may
see and change (the pages' rules, not a copy of them) and calls the store, the years or
the document jobs as the pages do. A thing the user may not see answers 404."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from isbenefit import messages as msg
from isbenefit.messages import say
from isbenefit.service import access, entries, store
from isbenefit.service.api import answers, lists
from isbenefit.service.api import serializers as s
from isbenefit.service.api.answers import (
    BODY,
    INVALID,
    LISTED,
    NOT_FOUND,
    REFUSED,
    UNAUTHENTICATED,
)
from isbenefit.service.api.proposals import PROPOSED, proposal_response
from isbenefit.service.models import (
    RECEIVER,
    SUPPLIER,
    Confirmation,
    Exchange,
    Proposal,
)


def _refusal(error: entries.EntryError) -> Response:
    """A use case's refusal as the API answers it: every problem located (400), a
    refusal of the user's role (403), an id taken or a version superseded (409)."""
    if isinstance(error, entries.InvalidError):
        body = {
            "detail": error.message,
            "problems": [answers.problem_json(p) for p in error.problems],
        }
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(error, entries.RefusedError):
        return Response({"detail": error.message}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(error, entries.StaleError):
        detail = say(msg.STALE_CHANGE_API)
        return Response({"detail": detail}, status=status.HTTP_409_CONFLICT)
    return Response({"detail": error.message}, status=status.HTTP_409_CONFLICT)


def exchange_json(exchange: Exchange, user: Any) -> dict[str, Any]:
    version = entries.current_of(exchange)
    confirmations = list(version.confirmations.all())
    return {
        "id": str(exchange.pk),
        "exchange_id": exchange.exchange_id,
        "supplier": version.supplier,
        "receiver": version.receiver,
        "period_start": version.period_start,
        "period_end": version.period_end,
        "version": {
            "id": str(version.pk),
            "number": version.number,
            "withdrawn": version.withdrawn,
            "reason": version.reason,
            "created_at": version.created_at,
        },
        "row": version.fields,
        "inputs": version.inputs,
        "baselines": version.baselines,
        "confirmed": store.is_confirmed(version),
        "confirmations": [
            {
                "party": c.party,
                "organisation": version.supplier if c.party == SUPPLIER else version.receiver,
                "on_behalf": c.on_behalf,
                "at": c.at,
            }
            for c in confirmations
        ],
        "confirmable": [party for party, _ in access.confirmable_parties(user, version)],
    }


def _exchange(exchange: Exchange, user: Any, code: int = status.HTTP_200_OK) -> Response:
    exchange.refresh_from_db()
    return Response(s.Exchange(exchange_json(exchange, user)).data, status=code)


# --- exchanges -------------------------------------------------------------------------------


EXCHANGE_FILTERS = (
    lists.Filter("year", "Exchanges whose period overlaps this year.", "int"),
    lists.Filter("organisation", "Exchanges this organisation (id) supplies or receives."),
    lists.Filter("confirmed", "Whether both parties confirmed the current version.", "bool"),
    lists.Filter("withdrawn", "Whether the current version is a withdrawal.", "bool"),
)


def _confirmed_by_both() -> Q:
    both = Q()
    for party in (SUPPLIER, RECEIVER):
        both &= Q(Exists(Confirmation.objects.filter(version=OuterRef("current"), party=party)))
    return both


class ExchangeList(APIView):
    @extend_schema(
        operation_id="exchanges_list",
        summary="The exchanges the user may see (facilitator: all of the cluster; member: "
        "its organisation's; funder: none), in ledger order, a page at a time",
        parameters=lists.parameters(EXCHANGE_FILTERS),
        responses={401: UNAUTHENTICATED, 200: s.Exchange(many=True), 403: REFUSED, **LISTED},
    )
    def get(self, request: Request) -> Response:
        access.member(request.user)
        given = lists.filters_of(request, EXCHANGE_FILTERS)
        exchanges = access.visible_exchanges(request.user)
        if "year" in given:
            year = given["year"]
            exchanges = exchanges.filter(
                current__period_start__lt=f"{year + 1}-01-01",
                current__period_end__gte=f"{year}-01-01",
            )
        if "organisation" in given:
            org = given["organisation"]
            exchanges = exchanges.filter(Q(current__supplier=org) | Q(current__receiver=org))
        if "withdrawn" in given:
            exchanges = exchanges.filter(current__withdrawn=given["withdrawn"])
        if "confirmed" in given:
            both = _confirmed_by_both()
            exchanges = exchanges.filter(both if given["confirmed"] else ~both)
        ordered = exchanges.prefetch_related("current__confirmations").order_by(
            "position", "exchange_id", "pk"
        )
        return lists.paged(request, ordered, lambda e: exchange_json(e, request.user), s.Exchange)

    @extend_schema(
        operation_id="exchanges_create",
        summary="Enter an exchange (checked as `assess` checks a ledger row)",
        request=s.ExchangeWrite,
        responses={
            401: UNAUTHENTICATED,
            201: s.Exchange,
            400: INVALID,
            403: REFUSED,
            409: OpenApiResponse(s.Detail, description="The id is taken."),
            **BODY,
        },
    )
    def post(self, request: Request) -> Response:
        if not access.can_enter(request.user):
            raise PermissionDenied(say(msg.ROLE_MAY_NOT_ENTER))
        found = access.member(request.user)
        body = s.ExchangeWrite(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            version = entries.enter(
                request.user,
                found.cluster,
                dict(data["row"]),
                data.get("inputs", []),
                data.get("baselines", []),
                data.get("reason", ""),
            )
        except entries.EntryError as error:
            return _refusal(error)
        return _exchange(version.exchange, request.user, status.HTTP_201_CREATED)


class ExchangeDetail(APIView):
    @extend_schema(
        operation_id="exchanges_read",
        summary="One exchange with its current version and confirmations",
        responses={401: UNAUTHENTICATED, 200: s.Exchange, 404: NOT_FOUND},
    )
    def get(self, request: Request, pk: str) -> Response:
        return _exchange(access.exchange_for(request.user, pk), request.user)

    @extend_schema(
        operation_id="exchanges_change",
        summary="Change an exchange: a new version, which needs confirming again (a new "
        "supplier or receiver: a proposal, 202)",
        request=s.ExchangeChange,
        responses={
            401: UNAUTHENTICATED,
            200: s.Exchange,
            202: PROPOSED,
            400: INVALID,
            403: REFUSED,
            404: NOT_FOUND,
            409: OpenApiResponse(s.Detail, description="The exchange changed meanwhile."),
            **BODY,
        },
    )
    def patch(self, request: Request, pk: str) -> Response:
        exchange = access.exchange_for(request.user, pk)
        current = entries.changeable(request.user, exchange)
        body = s.ExchangeChange(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            made = entries.change(
                request.user,
                exchange,
                {**current.fields, **data.get("row", {})},
                data["version"],
                data.get("reason") or say(msg.CHANGED_THROUGH_API),
                data.get("inputs"),
                data.get("baselines"),
            )
        except entries.EntryError as error:
            return _refusal(error)
        if isinstance(made, Proposal):
            return proposal_response(made, request.user, status.HTTP_202_ACCEPTED)
        return _exchange(exchange, request.user)


class ExchangeConfirm(APIView):
    @extend_schema(
        operation_id="exchanges_confirm",
        summary="Confirm one side of the exchange's current version",
        request=s.ConfirmRequest,
        responses={
            401: UNAUTHENTICATED,
            200: s.Exchange,
            400: INVALID,
            403: REFUSED,
            404: NOT_FOUND,
            409: OpenApiResponse(s.Detail, description="The exchange changed meanwhile."),
            **BODY,
        },
    )
    def post(self, request: Request, pk: str) -> Response:
        exchange = access.exchange_for(request.user, pk)
        body = s.ConfirmRequest(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            entries.confirm(request.user, exchange, data["party"], data["version"])
        except entries.StaleError:
            return Response(
                {"detail": say(msg.STALE_CONFIRM_API)},
                status=status.HTTP_409_CONFLICT,
            )
        return _exchange(exchange, request.user)


class ExchangeWithdraw(APIView):
    @extend_schema(
        operation_id="exchanges_withdraw",
        summary="Withdraw an exchange (a version marked withdrawn; its history stays); "
        "once both parties confirmed it, a member's withdrawal is a proposal (202)",
        request=s.WithdrawRequest,
        responses={
            401: UNAUTHENTICATED,
            200: s.Exchange,
            202: PROPOSED,
            400: INVALID,
            403: REFUSED,
            404: NOT_FOUND,
            409: OpenApiResponse(s.Detail, description="The exchange changed meanwhile."),
            **BODY,
        },
    )
    def post(self, request: Request, pk: str) -> Response:
        exchange = access.exchange_for(request.user, pk)
        entries.changeable(request.user, exchange, "withdraw")
        body = s.WithdrawRequest(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            made = entries.withdraw(request.user, exchange, body.validated_data["reason"])
        except entries.EntryError as error:
            return _refusal(error)
        if isinstance(made, Proposal):
            return proposal_response(made, request.user, status.HTTP_202_ACCEPTED)
        return _exchange(exchange, request.user)
