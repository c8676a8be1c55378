"""Paging and filtering of the API's lists, one rule for all of them.

A list answers a JSON array (as before paging existed), one page of it: ``?page=N``
(from 1) of ``?page_size=M`` items (100 by default, at most 1,000), in a stable order
(each list names its own, ending with the id). ``X-Total-Count`` says how many items
match the filters; ``Link`` gives the ``next`` and ``prev`` pages (RFC 8288). A page past
the last answers 404; a query parameter the list does not take, or a value it cannot
read, answers 400 naming the parameter.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import NotFound, ParseError
from rest_framework.request import Request
from rest_framework.response import Response

from isbenefit.ledger.contract import FIRST_YEAR, LAST_YEAR

PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
TRUE, FALSE = ("true", "1", "yes"), ("false", "0", "no")
# ASCII digits only: str.isdigit() also takes "²", which int() refuses.
_DIGITS = re.compile(r"[0-9]{1,12}")


@dataclass(frozen=True)
class Filter:
    """A query parameter of a list: its name, what it means, how its text is read."""

    name: str
    description: str
    kind: str = "str"  # str, int (a year), bool, or a choice among ``choices``
    choices: tuple[str, ...] = ()

    def parameter(self) -> OpenApiParameter:
        types = {"int": OpenApiTypes.INT, "bool": OpenApiTypes.BOOL}
        return OpenApiParameter(
            self.name,
            types.get(self.kind, OpenApiTypes.STR),
            description=self.description,
            enum=list(self.choices) or None,
        )

    def read(self, text: str) -> Any:
        if self.kind == "int":
            if not _DIGITS.fullmatch(text.strip()) or not FIRST_YEAR <= int(text) <= LAST_YEAR:
                raise ParseError(
                    f"query parameter {self.name}: {text!r} is not a year "
                    f"({FIRST_YEAR} to {LAST_YEAR})"
                )
            return int(text)
        if self.kind == "bool":
            if text.lower() not in (*TRUE, *FALSE):
                raise ParseError(f"query parameter {self.name}: {text!r} is not true or false")
            return text.lower() in TRUE
        if self.choices and text not in self.choices:
            raise ParseError(
                f"query parameter {self.name}: {text!r} is not one of {', '.join(self.choices)}"
            )
        return text


PAGING = (
    OpenApiParameter("page", OpenApiTypes.INT, description="The page, from 1 (default 1)."),
    OpenApiParameter(
        "page_size",
        OpenApiTypes.INT,
        description=f"Items a page (default {PAGE_SIZE}, at most {MAX_PAGE_SIZE}).",
    ),
)
PAGE_HEADERS = (
    OpenApiParameter(
        "X-Total-Count",
        OpenApiTypes.INT,
        location=OpenApiParameter.HEADER,
        response=[200],
        description="How many items match the filters, on every page together.",
    ),
    OpenApiParameter(
        "Link",
        OpenApiTypes.STR,
        location=OpenApiParameter.HEADER,
        response=[200],
        description='The next and previous pages: `<URL>; rel="next"`, `<URL>; rel="prev"`.',
    ),
)


def parameters(filters: Sequence[Filter]) -> list[OpenApiParameter]:
    """The OpenAPI parameters of a list: its filters, the paging, the answer's headers."""
    return [*(f.parameter() for f in filters), *PAGING, *PAGE_HEADERS]


def filters_of(request: Request, filters: Sequence[Filter]) -> dict[str, Any]:
    """The filters given, read; 400 for one the list does not take or cannot read."""
    known = {f.name: f for f in filters}
    given: dict[str, Any] = {}
    for name, text in request.query_params.items():
        if name in ("page", "page_size"):
            continue
        if name not in known:
            names = ", ".join([*known, "page", "page_size"])
            raise ParseError(f"query parameter {name!r} is not one of: {names}")
        given[name] = known[name].read(text)
    return given


def _number(request: Request, name: str, default: int, most: int) -> int:
    text = request.query_params.get(name, str(default))
    if not _DIGITS.fullmatch(text) or not 1 <= int(text) <= most:
        raise ParseError(f"query parameter {name}: {text!r} is not a number from 1 to {most}")
    return int(text)


def paged(
    request: Request, items: Any, to_json: Callable[[Any], dict[str, Any]], serializer: Any
) -> Response:
    """One page of ``items`` (a query set in its stable order, or a list) as the answer."""
    size = _number(request, "page_size", PAGE_SIZE, MAX_PAGE_SIZE)
    number = _number(request, "page", 1, 10**9)
    pages = Paginator(items, size, allow_empty_first_page=True)
    if number > pages.num_pages:
        raise NotFound(f"no page {number}: the list has {pages.num_pages} pages of {size}")
    page = pages.page(number)
    answer = Response(serializer([to_json(item) for item in page.object_list], many=True).data)
    answer["X-Total-Count"] = str(pages.count)
    links = []
    for rel, exists, target in (
        ("next", page.has_next(), number + 1),
        ("prev", page.has_previous(), number - 1),
    ):
        if exists:
            query = {**request.query_params.dict(), "page": str(target), "page_size": str(size)}
            links.append(
                f'<{request.build_absolute_uri(request.path)}?{urlencode(query)}>; rel="{rel}"'
            )
    if links:
        answer["Link"] = ", ".join(links)
    return answer
