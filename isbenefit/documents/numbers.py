"""How documents print numbers: one formatter per kind, with the rounding of `reported`.

Every figure a document prints goes through these functions, so a test can
format the results JSON the same way and find the printed text. Negative values
use the true minus sign (U+2212); a value that rounds to zero prints without a sign.
"""

from __future__ import annotations

from isbenefit.reported import (
    AMOUNT_DECIMALS,
    FACTOR_DIGITS,
    LINE_DECIMALS,
    MONEY_DECIMALS,
    PLAIN_DIGITS,
    QUANTITY,
    TONNE_DECIMALS,
    UNCERTAINTY_DIGITS,
    WATER_DECIMALS,
)

MINUS = "\u2212"

# The rounding as documents state it: messages.ROUNDING_NOTE and STATED_ROUNDING_NOTE.


def fixed(value: float, decimals: int) -> str:
    """``value`` with ``decimals`` decimals, thousands separated by commas."""
    text = f"{value:,.{decimals}f}"
    if text.startswith("-"):
        if text.strip("-0.,") == "":
            return text[1:]
        return MINUS + text[1:]
    return text


# Stated figures of a statement (certificate): reported.UNCERTAINTY_DIGITS and
# PLAIN_DIGITS (docs/claims.md, item 10).


def supported_decimals(value: float, half_width: float | None, most: int) -> int:
    """Decimals (negative: tens, hundreds...) that ``half_width``, else the value's own
    magnitude, supports; at most ``most``."""
    import math

    if half_width is not None and math.isfinite(half_width) and half_width > 0:
        decimals = UNCERTAINTY_DIGITS - 1 - math.floor(math.log10(half_width))
    elif math.isfinite(value) and value != 0:
        decimals = PLAIN_DIGITS - 1 - math.floor(math.log10(abs(value)))
    else:
        decimals = most
    return min(decimals, most)


def rounded(value: float, decimals: int) -> str:
    """``value`` to ``decimals`` decimals; negative decimals round to tens, hundreds..."""
    if decimals >= 0:
        return fixed(value, decimals)
    return fixed(round(value, decimals), 0)


def quantity(key: str, value: float) -> str:
    """A saved quantity (results key and unit) as documents print it (reported.QUANTITY)."""
    reported = QUANTITY[key]
    return fixed(value / reported.scale, reported.decimals)


def line_quantity(key: str, value: float) -> str:
    """A saved quantity of one calculation line."""
    reported = QUANTITY[key]
    return fixed(value / reported.scale, reported.line_decimals)


def tonnes_from_kg(kg: float) -> str:
    """Kilograms printed as tonnes (CO2e)."""
    return fixed(kg / 1000.0, TONNE_DECIMALS)


def tonnes(value: float) -> str:
    """A mass already in tonnes."""
    return fixed(value, TONNE_DECIMALS)


def water(m3: float) -> str:
    return fixed(m3, WATER_DECIMALS)


def money(value: float) -> str:
    return fixed(value, MONEY_DECIMALS)


def line_tonnes_from_kg(kg: float) -> str:
    """CO2e of one calculation line, in tonnes with three decimals."""
    return fixed(kg / 1000.0, LINE_DECIMALS)


def amount(value: float) -> str:
    return fixed(value, AMOUNT_DECIMALS)


def factor(value: float) -> str:
    """A per-unit factor, to six significant digits."""
    text = f"{value:.{FACTOR_DIGITS}g}"
    return MINUS + text[1:] if text.startswith("-") else text


def percent(fraction: float) -> str:
    """A share such as 0.5 as ``50 %`` (up to one decimal)."""
    text = f"{fraction * 100:.1f}".removesuffix(".0")
    return f"{text}\u00a0%"


def signed_percent(fraction: float) -> str:
    """A change such as 0.123 as ``+12.3 %`` (minus sign for a fall)."""
    text = percent(abs(fraction))
    if text.startswith("0\u00a0"):
        return text
    return ("+" if fraction > 0 else MINUS) + text
