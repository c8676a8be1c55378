"""The API's views. Each one asks :mod:`isbenefit.service.access` what the token's user may
see and change (the pages' rules, not a copy of them) and calls the store, the years or
the document jobs as the pages do. A thing the user may not see answers 404."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from isbenefit import messages as msg
from isbenefit.errors import Problem
from isbenefit.messages import say
from isbenefit.service import access, entries, inbox, issuing, jobqueue, security, store, years
from isbenefit.service.api import serializers as s
from isbenefit.service.api.proposals import PROPOSED, proposal_response
from isbenefit.service.models import (
    FACILITATOR,
    SUPPLIER,
    Document,
    Exchange,
    Job,
    Proposal,
    YearVersion,
)

NOT_FOUND = OpenApiResponse(s.Detail, description="Not there, or not for this user.")
REFUSED = OpenApiResponse(s.Detail, description="The user's role may not do this.")
INVALID = OpenApiResponse(
    s.Problems,
    description="A body that is not valid: field errors, or every problem of the "
    "rows, located (`problems`).",
)
UNAUTHENTICATED = OpenApiResponse(s.Detail, description="No token, or an unknown one.")


def _problem(problem: Problem) -> dict[str, Any]:
    return {
        "file": problem.file,
        "sheet": problem.sheet,
        "row": problem.row,
        "column": problem.column,
        "value": None if problem.value is None else str(problem.value),
        "message": problem.message,
        "fix": problem.fix,
    }


def _refusal(error: entries.EntryError) -> Response:
    """A use case's refusal as the API answers it: every problem located (400), a
    refusal of the user's role (403), an id taken or a version superseded (409)."""
    if isinstance(error, entries.InvalidError):
        body = {"detail": error.message, "problems": [_problem(p) for p in error.problems]}
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


class ExchangeList(APIView):
    @extend_schema(
        operation_id="exchanges_list",
        summary="The exchanges the user may see (facilitator: all of the cluster; member: "
        "its organisation's; funder: none)",
        responses={401: UNAUTHENTICATED, 200: s.Exchange(many=True), 403: REFUSED},
    )
    def get(self, request: Request) -> Response:
        access.member(request.user)
        exchanges = access.visible_exchanges(request.user).prefetch_related(
            "current__confirmations"
        )
        rows = [exchange_json(e, request.user) for e in exchanges.order_by("position")]
        return Response(s.Exchange(rows, many=True).data)

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
            403: REFUSED,
            404: NOT_FOUND,
            409: OpenApiResponse(s.Detail, description="The exchange changed meanwhile."),
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
            403: REFUSED,
            404: NOT_FOUND,
            409: OpenApiResponse(s.Detail, description="The exchange changed meanwhile."),
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


# --- years ---------------------------------------------------------------------------------


def _year_summary(version: YearVersion) -> dict[str, Any]:
    return {
        "year": version.year,
        "version": version.number,
        "reason": version.reason,
        "closed_at": version.closed_at,
        "totals": version.totals,
    }


class YearList(APIView):
    @extend_schema(
        operation_id="years_list",
        summary="The cluster's closed years, latest version of each",
        responses={401: UNAUTHENTICATED, 200: s.YearSummary(many=True), 403: REFUSED},
    )
    def get(self, request: Request) -> Response:
        found = access.member(request.user)
        closed = YearVersion.objects.filter(cluster=found.cluster).order_by("-year", "-number")
        latest: dict[int, YearVersion] = {}
        for version in closed:
            latest.setdefault(version.year, version)
        rows = [_year_summary(v) for v in latest.values()]
        return Response(s.YearSummary(rows, many=True).data)


class YearDetail(APIView):
    @extend_schema(
        operation_id="years_results",
        summary=(
            "A closed year's results (its latest version): totals, factor set and the "
            "results JSON (whole for the facilitator; a member's own exchanges only; "
            "none for a funder)"
        ),
        responses={401: UNAUTHENTICATED, 200: s.YearResults, 403: REFUSED, 404: NOT_FOUND},
    )
    def get(self, request: Request, year: int) -> Response:
        found = access.member(request.user)
        if not years.YEARS[0] <= year <= years.YEARS[1]:
            raise Http404(say(msg.NO_SUCH_YEAR))
        version = years.latest(found.cluster, year)
        if version is None:
            raise Http404(say(msg.YEAR_NOT_CLOSED))
        row: dict[str, Any] = {**_year_summary(version), "factor_set": version.factor_set}
        results = access.visible_results(request.user, json.loads(bytes(version.results) or b"{}"))
        if results is not None:
            row["results"] = results
        return Response(s.YearResults(row).data)


# --- documents -----------------------------------------------------------------------------


def document_json(document: Document) -> dict[str, Any]:
    return {
        **document.as_summary(),
        "sha256": document.sha256,
        "size": document.size,
        "created_at": document.created_at,
        "download": f"/api/documents/{document.pk}/pdf",
    }


def job_json(job: Job) -> dict[str, Any]:
    return {
        "id": str(job.pk),
        "kind": job.kind,
        "year": job.year,
        "organisations": list(job.org_ids),
        "state": job.state,
        "done": job.done,
        "total": job.total,
        "message": job.message,
        "documents": [document_json(d) for d in job.documents.select_related("organisation")],
        "queue": jobqueue.queue_state(job),
    }


class DocumentList(APIView):
    @extend_schema(
        operation_id="documents_list",
        summary="The documents the user may see (facilitator: all; member: its "
        "organisation's and the published ones; funder: reports and certificates)",
        responses={401: UNAUTHENTICATED, 200: s.Document(many=True), 403: REFUSED},
    )
    def get(self, request: Request) -> Response:
        access.member(request.user)
        documents = access.visible_documents(request.user)
        return Response(s.Document([document_json(d) for d in documents], many=True).data)

    @extend_schema(
        operation_id="documents_request",
        summary="Request documents (facilitator): a job made in the background",
        request=s.DocumentRequest,
        responses={
            401: UNAUTHENTICATED,
            202: s.Job,
            400: OpenApiResponse(s.Detail, description="No such organisation."),
            403: REFUSED,
        },
    )
    def post(self, request: Request) -> Response:
        found = access.require(request.user, FACILITATOR)
        body = s.DocumentRequest(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            job = issuing.request(
                found.cluster,
                data["kind"],
                data["year"],
                data.get("organisation", ""),
                request.user,
                security.base_url(request),
            )
        except (issuing.UnknownOrganisationError, issuing.YearNotClosedError) as error:
            return Response({"detail": str(error)}, status=status.HTTP_400_BAD_REQUEST)
        return Response(s.Job(job_json(job)).data, status=status.HTTP_202_ACCEPTED)


class JobDetail(APIView):
    @extend_schema(
        operation_id="jobs_read",
        summary="A document job's progress and documents (facilitator)",
        responses={401: UNAUTHENTICATED, 200: s.Job, 403: REFUSED, 404: NOT_FOUND},
    )
    def get(self, request: Request, pk: str) -> Response:
        found = access.require(request.user, FACILITATOR)
        try:
            job = Job.objects.get(pk=pk, cluster=found.cluster)
        except Exception as error:  # no such job, or not an id at all
            raise Http404(say(msg.NO_SUCH_JOB)) from error
        return Response(s.Job(job_json(job)).data)


class DocumentDownload(APIView):
    @extend_schema(
        operation_id="documents_download",
        summary="A document's PDF",
        responses={
            401: UNAUTHENTICATED,
            (200, "application/pdf"): OpenApiTypes.BINARY,
            404: NOT_FOUND,
        },
    )
    def get(self, request: Request, pk: str) -> FileResponse:
        try:
            document = access.visible_documents(request.user).get(pk=pk)
        except Exception as error:  # not visible, no such document, or not an id
            raise Http404(say(msg.NO_SUCH_DOCUMENT)) from error
        inbox.downloaded(document, request.user)
        return security.pdf_response(issuing.stored_file(document), document.download_name)
