"""The answers the API's views describe in the OpenAPI document, shared by all of them:
who may not (401, 403), what is not there (404), what is refused (400, 409) and what the
service turns away before a view reads anything (413, a body beyond the limit, by
security.BodyLimitMiddleware; 415, a body that is not JSON, by the JSON parser)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse

from isbenefit.errors import Problem
from isbenefit.service.api import serializers as s

NOT_FOUND = OpenApiResponse(s.Detail, description="Not there, or not for this user.")
REFUSED = OpenApiResponse(s.Detail, description="The user's role may not do this.")
INVALID = OpenApiResponse(
    s.Problems,
    description="A body that is not valid: field errors, or every problem of the "
    "rows, located (`problems`).",
)
UNAUTHENTICATED = OpenApiResponse(s.Detail, description="No token, or an unknown one.")
BAD_QUERY = OpenApiResponse(
    s.Detail, description="A query parameter the list does not take, or cannot read."
)
NO_PAGE = OpenApiResponse(s.Detail, description="A page past the last.")
TOO_LARGE = OpenApiResponse(
    s.Detail, description="The body is larger than the API takes (2.5 MB of JSON)."
)
NOT_JSON = OpenApiResponse(s.Detail, description="The body is not JSON (Content-Type).")
BODY = {413: TOO_LARGE, 415: NOT_JSON}
LISTED = {400: BAD_QUERY, 404: NO_PAGE}


def problem_json(problem: Problem) -> dict[str, Any]:
    return {
        "file": problem.file,
        "sheet": problem.sheet,
        "row": problem.row,
        "column": problem.column,
        "value": None if problem.value is None else str(problem.value),
        "message": problem.message,
        "fix": problem.fix,
    }
