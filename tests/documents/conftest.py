"""What every document test runs under: a fixed SOURCE_DATE_EPOCH, and any warning
weasyprint logs while rendering fails the test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.documents_helpers import EPOCH, no_weasyprint_warnings


@pytest.fixture(autouse=True)
def _strict_rendering(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    with no_weasyprint_warnings():
        yield
