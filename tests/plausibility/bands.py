"""The band a published case's figure must fall in, shared by the plausibility tests."""

from __future__ import annotations


def assert_in_band(value: float, low: float, high: float, what: str) -> None:
    assert low <= value <= high, (
        f"{what} = {value:,.0f}, outside the band [{low:,.0f}, {high:,.0f}]"
    )
