"""The API's proposals: a new supplier or receiver, or the withdrawal of an exchange both
parties confirmed, which every organisation concerned accepts (:mod:`..proposals`). A
PATCH or withdrawal that became one answers 202 with it; these views read and answer
them, with the pages' rules (:mod:`..access`)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from isbenefit.service import access, entries, proposals
from isbenefit.service.api import lists
from isbenefit.service.api.answers import BODY, INVALID, LISTED
from isbenefit.service.api.serializers import Detail
from isbenefit.service.models import PROPOSAL_KINDS, PROPOSAL_STATES, Proposal

NOT_FOUND = OpenApiResponse(Detail, description="Not there, or not for this user.")
UNAUTHENTICATED = OpenApiResponse(Detail, description="No token, or an unknown one.")


class AnswerJSON(serializers.Serializer):
    organisation = serializers.CharField()
    accepted = serializers.BooleanField()
    on_behalf = serializers.BooleanField()
    at = serializers.DateTimeField()


class ChangeJSON(serializers.Serializer):
    column = serializers.CharField()
    old = serializers.CharField(allow_blank=True)
    new = serializers.CharField(allow_blank=True)


class ProposalJSON(serializers.Serializer):
    id = serializers.CharField()
    exchange = serializers.CharField(help_text="The exchange's id in the API (`id`).")
    exchange_id = serializers.CharField()
    kind = serializers.ChoiceField(choices=PROPOSAL_KINDS)
    state = serializers.ChoiceField(choices=PROPOSAL_STATES)
    base_version = serializers.IntegerField(help_text="The version it was made on.")
    made_version = serializers.IntegerField(allow_null=True)
    reason = serializers.CharField(allow_blank=True)
    changes = ChangeJSON(many=True)
    organisations = serializers.ListField(child=serializers.CharField())
    answers = AnswerJSON(many=True)
    answerable = serializers.ListField(
        child=serializers.CharField(), help_text="Organisations this user may answer for."
    )


class AnswerRequest(serializers.Serializer):
    organisation = serializers.CharField(max_length=200)
    answer = serializers.ChoiceField(choices=(("accept", "accept"), ("decline", "decline")))


def proposal_json(proposal: Proposal, user: Any) -> dict[str, Any]:
    return {
        "id": str(proposal.pk),
        "exchange": str(proposal.exchange_id),
        "exchange_id": proposal.exchange.exchange_id,
        "kind": proposal.kind,
        "state": proposal.state,
        "base_version": proposal.base.number,
        "made_version": proposal.made.number if proposal.made else None,
        "reason": proposal.reason,
        "changes": [
            {"column": c, "old": old, "new": new} for c, old, new in proposals.changes(proposal)
        ],
        "organisations": list(proposal.organisations),
        "answers": [
            {
                "organisation": a.organisation,
                "accepted": a.accepted,
                "on_behalf": a.on_behalf,
                "at": a.at,
            }
            for a in proposal.answers.all()
        ],
        "answerable": [org_id for org_id, _ in access.answerable(user, proposal)],
    }


def proposal_response(proposal: Proposal, user: Any, code: int) -> Response:
    proposal.refresh_from_db()
    return Response(ProposalJSON(proposal_json(proposal, user)).data, status=code)


PROPOSED = OpenApiResponse(
    ProposalJSON,
    description="A new supplier or receiver, or the withdrawal of an exchange both "
    "parties confirmed: a proposal every organisation concerned accepts; the exchange "
    "stays as it is until then.",
)


PROPOSAL_FILTERS = (
    lists.Filter(
        "state",
        "The proposal's state (open: waiting for answers).",
        "choice",
        tuple(k for k, _ in PROPOSAL_STATES),
    ),
)


class ProposalList(APIView):
    @extend_schema(
        operation_id="proposals_list",
        summary="The proposals the user may read (facilitator: the cluster's; member: those "
        "naming its organisation), newest first; `?state=open` for the open ones",
        parameters=lists.parameters(PROPOSAL_FILTERS),
        responses={401: UNAUTHENTICATED, 200: ProposalJSON(many=True), **LISTED},
    )
    def get(self, request: Request) -> Response:
        access.member(request.user)
        given = lists.filters_of(request, PROPOSAL_FILTERS)
        found = access.visible_proposals(request.user).filter(**given)
        ordered = found.prefetch_related("answers").order_by("-created_at", "pk")
        return lists.paged(request, ordered, lambda p: proposal_json(p, request.user), ProposalJSON)


class ProposalAnswer(APIView):
    @extend_schema(
        operation_id="proposals_answer",
        summary="Accept or decline a proposal for an organisation (the user's own; the "
        "facilitator's for one without an account, on its behalf)",
        request=AnswerRequest,
        responses={
            401: UNAUTHENTICATED,
            200: ProposalJSON,
            400: INVALID,
            403: OpenApiResponse(Detail, description="Not this user's to answer."),
            404: NOT_FOUND,
            409: OpenApiResponse(Detail, description="The proposal is no longer open."),
            **BODY,
        },
    )
    def post(self, request: Request, pk: str) -> Response:
        proposal = access.proposal_for(request.user, pk)
        body = AnswerRequest(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            made = entries.answer(
                request.user, proposal, data["organisation"], data["answer"] == "accept"
            )
        except entries.StaleError as error:
            return Response({"detail": error.message}, status=status.HTTP_409_CONFLICT)
        return proposal_response(made, request.user, status.HTTP_200_OK)
