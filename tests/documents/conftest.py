"""What every document test runs under: a fixed SOURCE_DATE_EPOCH, and any warning
weasyprint logs while rendering fails the test (unless the test is marked
``weasyprint_logs``: it provokes weasyprint's log on purpose)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.documents_helpers import EPOCH, no_weasyprint_warnings


@pytest.fixture(autouse=True)
def _strict_rendering(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    if request.node.get_closest_marker("weasyprint_logs"):
        yield
        return
    with no_weasyprint_warnings():
        yield
