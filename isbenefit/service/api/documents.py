"""The API's views of documents: list, request (a job of the queue), download, and
revoking a certificate. Each asks :mod:`isbenefit.service.access` who may see what and
calls :mod:`isbenefit.service.issuing` or :mod:`isbenefit.service.certificates`, as the
documents pages do."""

from __future__ import annotations

from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from isbenefit import messages as msg
from isbenefit.messages import say
from isbenefit.reported import ID_PREFIX
from isbenefit.service import access, certificates, inbox, issuing, security
from isbenefit.service.api import lists
from isbenefit.service.api import serializers as s
from isbenefit.service.api.answers import (
    BODY,
    LISTED,
    NOT_FOUND,
    REFUSED,
    UNAUTHENTICATED,
)
from isbenefit.service.api.shapes import document_json, job_json
from isbenefit.service.models import (
    CERTIFICATE,
    DOCUMENT_KINDS,
    DOCUMENT_STATES,
    FACILITATOR,
    VALID,
    Document,
)

DOCUMENT_FILTERS = (
    lists.Filter("kind", "The kind of document.", "choice", tuple(k for k, _ in DOCUMENT_KINDS)),
    lists.Filter("year", "Documents of this year.", "int"),
    lists.Filter("organisation", "Documents of this organisation (id)."),
    lists.Filter(
        "status", "A certificate's status.", "choice", tuple(k for k, _ in DOCUMENT_STATES)
    ),
)


class DocumentList(APIView):
    @extend_schema(
        operation_id="documents_list",
        summary="The documents the user may see (facilitator: all; member: its "
        "organisation's and the published ones; funder: reports and certificates), newest "
        "first",
        parameters=lists.parameters(DOCUMENT_FILTERS),
        responses={401: UNAUTHENTICATED, 200: s.Document(many=True), 403: REFUSED, **LISTED},
    )
    def get(self, request: Request) -> Response:
        access.member(request.user)
        given = lists.filters_of(request, DOCUMENT_FILTERS)
        documents = access.visible_documents(request.user)
        if "organisation" in given:
            documents = documents.filter(organisation__org_id=given.pop("organisation"))
        documents = documents.filter(**given).order_by("-created_at", "pk")
        return lists.paged(request, documents, document_json, s.Document)

    @extend_schema(
        operation_id="documents_request",
        summary="Request documents (facilitator): a job made in the background",
        request=s.DocumentRequest,
        responses={
            401: UNAUTHENTICATED,
            202: s.Job,
            400: OpenApiResponse(
                s.Problems,
                description="Fields not valid, no such organisation, or certificates of a "
                "year not closed.",
            ),
            403: REFUSED,
            **BODY,
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
                issuing.Languages(data.get("language") or "", msg.current_language()),
            )
        except (issuing.UnknownOrganisationError, issuing.YearNotClosedError) as error:
            return Response({"detail": str(error)}, status=status.HTTP_400_BAD_REQUEST)
        return Response(s.Job(job_json(job)).data, status=status.HTTP_202_ACCEPTED)


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


class DocumentRevoke(APIView):
    @extend_schema(
        operation_id="documents_revoke",
        summary="Revoke a certificate, or mark it superseded by another of the cluster "
        "(facilitator): an entry signed in the key's status list; every copy takes it",
        request=s.RevokeRequest,
        responses={
            401: UNAUTHENTICATED,
            200: s.Document,
            400: OpenApiResponse(
                s.Problems,
                description="No reason, or `superseded_by` not another certificate of the cluster.",
            ),
            403: REFUSED,
            404: OpenApiResponse(
                s.Detail, description="No such certificate (only certificates are revoked)."
            ),
            409: OpenApiResponse(
                s.Detail, description="The certificate is revoked or superseded already."
            ),
            **BODY,
        },
    )
    def post(self, request: Request, pk: str) -> Response:
        found = access.require(request.user, FACILITATOR)
        try:
            document = Document.objects.get(
                pk=pk, cluster=found.cluster, kind=CERTIFICATE, certificate_id__startswith=ID_PREFIX
            )
        except Exception as error:  # not a certificate of the cluster, or not an id
            raise Http404(say(msg.NO_SUCH_CERTIFICATE)) from error
        body = s.RevokeRequest(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        if document.status != VALID:
            detail = say(
                msg.CERTIFICATE_STATUS, certificate=document.certificate_id, status=document.status
            )
            return Response({"detail": detail}, status=status.HTTP_409_CONFLICT)
        try:
            certificates.revoke(
                document, request.user, data["reason"], data.get("superseded_by") or ""
            )
        except certificates.RevokeRefusedError as error:
            return Response({"detail": str(error)}, status=status.HTTP_400_BAD_REQUEST)
        document.refresh_from_db()
        return Response(s.Document(document_json(document)).data)
