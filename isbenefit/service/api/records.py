"""The API's views of the cluster's record: closed years (list, results, closing one) and
jobs (list, progress). Each asks :mod:`isbenefit.service.access` who may; a close is
queued by :mod:`isbenefit.service.closing`, as the year page does."""

from __future__ import annotations

import json
from typing import Any

from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from isbenefit import messages as msg
from isbenefit.messages import say
from isbenefit.service import access, closing, factor_sets, years
from isbenefit.service.api import lists
from isbenefit.service.api import serializers as s
from isbenefit.service.api.answers import (
    BODY,
    LISTED,
    NOT_FOUND,
    REFUSED,
    UNAUTHENTICATED,
)
from isbenefit.service.api.shapes import job_json
from isbenefit.service.models import FACILITATOR, JOB_KINDS, JOB_STATES, Job, YearVersion


def _year_summary(version: YearVersion) -> dict[str, Any]:
    return {
        "year": version.year,
        "version": version.number,
        "reason": version.reason,
        "closed_at": version.closed_at,
        "totals": version.totals,
    }


YEAR_FILTERS = (
    lists.Filter("since", "Closed years from this one on.", "int"),
    lists.Filter("until", "Closed years up to this one.", "int"),
)


class YearList(APIView):
    @extend_schema(
        operation_id="years_list",
        summary="The cluster's closed years, latest version of each, newest year first",
        parameters=lists.parameters(YEAR_FILTERS),
        responses={
            401: UNAUTHENTICATED,
            200: s.YearSummary(many=True),
            403: REFUSED,
            **LISTED,
        },
    )
    def get(self, request: Request) -> Response:
        found = access.member(request.user)
        given = lists.filters_of(request, YEAR_FILTERS)
        closed = YearVersion.objects.filter(
            cluster=found.cluster,
            year__gte=given.get("since", years.YEARS[0]),
            year__lte=given.get("until", years.YEARS[1]),
        ).order_by("-year", "-number")
        latest: dict[int, YearVersion] = {}
        for version in closed:
            latest.setdefault(version.year, version)
        return lists.paged(request, list(latest.values()), _year_summary, s.YearSummary)


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


class YearClose(APIView):
    @extend_schema(
        operation_id="years_close",
        summary="Close a year, or restate it when closed (facilitator): a job of the queue "
        "(its progress at /api/jobs/{id}/; `year_version` once done)",
        request=s.CloseRequest,
        responses={
            401: UNAUTHENTICATED,
            202: s.Job,
            400: OpenApiResponse(
                s.Problems,
                description="Fields not valid, or not a factor set of this server (the "
                "answer lists them).",
            ),
            403: REFUSED,
            404: OpenApiResponse(s.Detail, description="Not a year a ledger may hold."),
            409: OpenApiResponse(
                s.Detail, description="A close of the year is queued or running already."
            ),
            **BODY,
        },
    )
    def post(self, request: Request, year: int) -> Response:
        found = access.require(request.user, FACILITATOR)
        if not years.YEARS[0] <= year <= years.YEARS[1]:
            raise Http404(say(msg.NO_SUCH_YEAR))
        body = s.CloseRequest(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        key = data.get("factors", "").strip()
        try:
            folder = factor_sets.folder_of(key)
        except KeyError:
            offered = ", ".join(repr(k) for k, _ in factor_sets.choices())
            detail = f"factors: {key!r} is not a factor set of this server; one of: {offered}"
            return Response({"detail": detail}, status=status.HTTP_400_BAD_REQUEST)
        try:
            job = closing.request(found.cluster, year, request.user, data.get("reason", ""), folder)
        except closing.CloseInProgressError as error:
            return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)
        return Response(s.Job(job_json(job)).data, status=status.HTTP_202_ACCEPTED)


# --- jobs ----------------------------------------------------------------------------------

JOB_FILTERS = (
    lists.Filter("kind", "The kind of job.", "choice", tuple(k for k, _ in JOB_KINDS)),
    lists.Filter("state", "The job's state.", "choice", tuple(k for k, _ in JOB_STATES)),
    lists.Filter("year", "Jobs of this year.", "int"),
)


class JobList(APIView):
    @extend_schema(
        operation_id="jobs_list",
        summary="The cluster's jobs (documents, closes), newest first (facilitator)",
        parameters=lists.parameters(JOB_FILTERS),
        responses={401: UNAUTHENTICATED, 200: s.Job(many=True), 403: REFUSED, **LISTED},
    )
    def get(self, request: Request) -> Response:
        found = access.require(request.user, FACILITATOR)
        given = lists.filters_of(request, JOB_FILTERS)
        jobs = Job.objects.filter(cluster=found.cluster, **given).select_related("year_version")
        return lists.paged(request, jobs.order_by("-created_at", "pk"), job_json, s.Job)


class JobDetail(APIView):
    @extend_schema(
        operation_id="jobs_read",
        summary="A job's progress, its place in the queue, and its documents (facilitator)",
        responses={401: UNAUTHENTICATED, 200: s.Job, 403: REFUSED, 404: NOT_FOUND},
    )
    def get(self, request: Request, pk: str) -> Response:
        found = access.require(request.user, FACILITATOR)
        try:
            job = Job.objects.get(pk=pk, cluster=found.cluster)
        except Exception as error:  # no such job, or not an id at all
            raise Http404(say(msg.NO_SUCH_JOB)) from error
        return Response(s.Job(job_json(job)).data)
