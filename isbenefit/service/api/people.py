"""The API's views of the cluster's organisations and users. Who may see and change what
is :mod:`isbenefit.service.access`'s (the organisations and users pages' rules); writes
go through :func:`isbenefit.service.store.save_organisation` and
:func:`isbenefit.service.accounts.invite`, as the pages do."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from isbenefit import messages as msg
from isbenefit.messages import say
from isbenefit.service import access, accounts, notify, security, store
from isbenefit.service.api import lists
from isbenefit.service.api import serializers as s
from isbenefit.service.api.answers import (
    BODY,
    INVALID,
    LISTED,
    NOT_FOUND,
    REFUSED,
    UNAUTHENTICATED,
)
from isbenefit.service.models import FACILITATOR, MEMBER, ROLES, Membership, Organisation

ORGANISATION_FILTERS = (
    lists.Filter("listed", "Whether it has a row in the organisations sheet.", "bool"),
    lists.Filter("q", "Its id or name contains this text (any case)."),
)


def organisation_json(organisation: Organisation) -> dict[str, Any]:
    return {
        "id": organisation.org_id,
        "name": organisation.name,
        "listed": organisation.listed,
        "fields": {k: str(v) for k, v in organisation.fields.items()},
    }


def _row(data: dict[str, Any], base: dict[str, str] | None = None) -> dict[str, str]:
    return {**(base or {}), **{k: str(v or "") for k, v in data.items()}}


class OrganisationList(APIView):
    @extend_schema(
        operation_id="organisations_list",
        summary="The organisations the user may see (facilitator: the cluster's; member: "
        "its own; funder: none), in ledger order",
        parameters=lists.parameters(ORGANISATION_FILTERS),
        responses={
            401: UNAUTHENTICATED,
            200: s.Organisation(many=True),
            403: REFUSED,
            **LISTED,
        },
    )
    def get(self, request: Request) -> Response:
        access.member(request.user)
        given = lists.filters_of(request, ORGANISATION_FILTERS)
        found = access.visible_organisations(request.user)
        if "listed" in given:
            found = found.filter(listed=given["listed"])
        if given.get("q"):
            found = found.filter(
                Q(org_id__icontains=given["q"]) | Q(fields__name__icontains=given["q"])
            )
        ordered = found.order_by("position", "org_id", "pk")
        return lists.paged(request, ordered, organisation_json, s.Organisation)

    @extend_schema(
        operation_id="organisations_create",
        summary="Add an organisation to the cluster's organisations sheet (facilitator)",
        request=s.OrganisationWrite,
        responses={
            401: UNAUTHENTICATED,
            201: s.Organisation,
            400: INVALID,
            403: REFUSED,
            409: OpenApiResponse(
                s.Detail, description="The cluster lists that id already (PATCH it)."
            ),
            **BODY,
        },
    )
    def post(self, request: Request) -> Response:
        found = access.require(request.user, FACILITATOR)
        body = s.OrganisationWrite(data=request.data)
        body.is_valid(raise_exception=True)
        row = _row(body.validated_data)
        with transaction.atomic():
            if found.cluster.organisations.filter(org_id=row["id"], listed=True).exists():
                detail = say(msg.ORGANISATION_LISTED, organisation=row["id"])
                return Response({"detail": detail}, status=status.HTTP_409_CONFLICT)
            made = store.save_organisation(found.cluster, row, request.user)
        return Response(s.Organisation(organisation_json(made)).data, status.HTTP_201_CREATED)


def _organisation(user: Any, org_id: str) -> Organisation:
    try:
        return access.visible_organisations(user).get(org_id=org_id)
    except Organisation.DoesNotExist as error:
        raise Http404(say(msg.NO_SUCH_ORGANISATION)) from error


class OrganisationDetail(APIView):
    @extend_schema(
        operation_id="organisations_read",
        summary="One organisation (facilitator: any of the cluster; member: its own)",
        responses={401: UNAUTHENTICATED, 200: s.Organisation, 404: NOT_FOUND},
    )
    def get(self, request: Request, org_id: str) -> Response:
        return Response(s.Organisation(organisation_json(_organisation(request.user, org_id))).data)

    @extend_schema(
        operation_id="organisations_change",
        summary="Change an organisation's row (facilitator); the id stays",
        request=s.OrganisationChange,
        responses={
            401: UNAUTHENTICATED,
            200: s.Organisation,
            400: INVALID,
            403: REFUSED,
            404: NOT_FOUND,
            **BODY,
        },
    )
    def patch(self, request: Request, org_id: str) -> Response:
        found = access.require(request.user, FACILITATOR)
        organisation = _organisation(request.user, org_id)
        body = s.OrganisationChange(data=request.data)
        body.is_valid(raise_exception=True)
        row = _row({**body.validated_data, "id": org_id}, dict(organisation.fields))
        if not row.get("name"):
            return Response(
                {"name": [say(msg.ORGANISATION_NEEDS_NAME)]}, status.HTTP_400_BAD_REQUEST
            )
        with transaction.atomic():
            saved = store.save_organisation(found.cluster, row, request.user)
        return Response(s.Organisation(organisation_json(saved)).data)


USER_FILTERS = (
    lists.Filter("role", "The user's role.", "choice", tuple(k for k, _ in ROLES)),
    lists.Filter("organisation", "Members of this organisation (id)."),
    lists.Filter("active", "Whether the account may log in.", "bool"),
)


def user_json(membership: Membership) -> dict[str, Any]:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = membership.user
    return {
        "email": user.email or user.username,
        "role": membership.role,
        "organisation": membership.organisation.org_id if membership.organisation else None,
        "active": user.is_active,
        "second_factor": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
    }


class UserList(APIView):
    @extend_schema(
        operation_id="users_list",
        summary="The cluster's users and their roles, by address (facilitator)",
        parameters=lists.parameters(USER_FILTERS),
        responses={401: UNAUTHENTICATED, 200: s.User(many=True), 403: REFUSED, **LISTED},
    )
    def get(self, request: Request) -> Response:
        found = access.require(request.user, FACILITATOR)
        given = lists.filters_of(request, USER_FILTERS)
        members = Membership.objects.filter(cluster=found.cluster)
        if "role" in given:
            members = members.filter(role=given["role"])
        if "organisation" in given:
            members = members.filter(organisation__org_id=given["organisation"])
        if "active" in given:
            members = members.filter(user__is_active=given["active"])
        ordered = members.select_related("user", "organisation").order_by("user__username", "pk")
        return lists.paged(request, ordered, user_json, s.User)

    @extend_schema(
        operation_id="users_create",
        summary="Add a user to the cluster (facilitator): no password until it follows its "
        "one-time invitation link, which is mailed to it and answered here",
        request=s.UserWrite,
        responses={
            401: UNAUTHENTICATED,
            201: s.User,
            400: INVALID,
            403: REFUSED,
            409: OpenApiResponse(s.Detail, description="The address has an account already."),
            **BODY,
        },
    )
    def post(self, request: Request) -> Response:
        found = access.require(request.user, FACILITATOR)
        body = s.UserWrite(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        org_id = (data.get("organisation") or "").strip() or None
        if data["role"] == MEMBER and org_id is None:
            return Response(
                {"organisation": [say(msg.MEMBER_NEEDS_ORGANISATION)]}, status.HTTP_400_BAD_REQUEST
            )
        if org_id and not found.cluster.organisations.filter(org_id=org_id).exists():
            return Response(
                {"organisation": [say(msg.NO_SUCH_ORGANISATION_IN_CLUSTER)]},
                status.HTTP_400_BAD_REQUEST,
            )
        try:
            user = accounts.invite(found.cluster, request.user, data["email"], data["role"], org_id)
        except accounts.AccountExistsError as error:
            return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)
        path = accounts.invitation_path(user)
        notify.invitation(user, path, security.base_url(request))
        made = Membership.objects.select_related("user", "organisation").get(user=user)
        answer = {**user_json(made), "invitation": security.base_url(request) + path}
        return Response(s.User(answer).data, status=status.HTTP_201_CREATED)
