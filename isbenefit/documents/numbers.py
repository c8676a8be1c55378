"""How documents print numbers: one formatter per kind, with the rounding of `reported`.

Every figure a document prints goes through these functions, so a test can
format the results JSON the same way and find the printed text. Negative values
use the true minus sign (U+2212); a value that rounds to zero prints without a sign.

Numbers are rounded once, the same way in every language; in a language other than
English (:func:`isbenefit.messages.current_language`) the rounded number is then written
with the locale's separators by Babel (CLDR data): 1,660.50 in English is 1.660,50 in
Danish and German and 1 660,50 (no-break space) in Polish.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from isbenefit.messages import SOURCE_LANGUAGE, current_language
from isbenefit.reported import (
    AMOUNT_DECIMALS,
    FACTOR_DIGITS,
    LINE_DECIMALS,
    MONEY_DECIMALS,
    QUANTITY,
    TONNE_DECIMALS,
    WATER_DECIMALS,
)

MINUS = "\u2212"

# The rounding as documents state it: messages.ROUNDING_NOTE and STATED_ROUNDING_NOTE;
# the rule itself is reported.supported_decimals.


def fixed(value: float, decimals: int) -> str:
    """``value`` with ``decimals`` decimals, thousands separated by commas."""
    text = f"{value:,.{decimals}f}"
    if text.startswith("-"):
        text = text[1:] if text.strip("-0.,") == "" else MINUS + text[1:]
    return localised(text)


def localised(text: str) -> str:
    """A number printed the English way (``1,660.50``, minus sign kept) in the current
    language's form."""
    lang = current_language()
    if lang == SOURCE_LANGUAGE:
        return text
    from babel.numbers import format_decimal, get_decimal_symbol

    sign = MINUS if text.startswith(MINUS) else ""
    digits = text.removeprefix(MINUS).replace(",", "")
    if "e" in digits:  # an exponent (a factor's 6 significant digits): separators only
        return sign + digits.replace(".", get_decimal_symbol(lang))
    decimals = len(digits.partition(".")[2])
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return sign + format_decimal(Decimal(digits), format=pattern, locale=lang)


def rounded(value: float, decimals: int) -> str:
    """``value`` to ``decimals`` decimals; negative decimals round to tens, hundreds..."""
    if decimals >= 0:
        return fixed(value, decimals)
    return fixed(round(value, decimals), 0)


def quantity(key: str, value: float, half_width: float | None = None) -> str:
    """A saved quantity (results key and unit) rounded by the rule of reported figures:
    to what ``half_width`` (half its P5-P95 width, results unit) supports, else to three
    significant digits, never finer than the quantity's decimals (reported.Quantity)."""
    reported = QUANTITY[key]
    return rounded(value / reported.scale, reported.figure_decimals(value, half_width))


def fixed_quantity(key: str, value: float) -> str:
    """A saved quantity to the quantity's fixed decimals, as pages of claims made before
    the rounding rule printed it (`isbenefit verify` reprints them so)."""
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
    return localised(MINUS + text[1:] if text.startswith("-") else text)


def percent(fraction: float) -> str:
    """A share such as 0.5 as ``50 %`` (up to one decimal)."""
    text = f"{fraction * 100:.1f}".removesuffix(".0")
    lang = current_language()
    if lang == SOURCE_LANGUAGE:
        return f"{text}\u00a0%"
    from babel import Locale
    from babel.numbers import parse_pattern

    pattern = parse_pattern(Locale.parse(lang).percent_formats[None].pattern)
    pattern.frac_prec = (0, 1)
    return pattern.apply(Decimal(text) / 100, Locale.parse(lang))


def signed_percent(fraction: float) -> str:
    """A change such as 0.123 as ``+12.3 %`` (minus sign for a fall)."""
    text = percent(abs(fraction))
    if text.rstrip("%\u00a0") == "0":
        return text
    return ("+" if fraction > 0 else MINUS) + text


def date(iso: str) -> str:
    """A date given as YYYY-MM-DD, as the current language writes it in numbers
    (CLDR's yMd: 31.12.2024 in German, 2024-12-31 in Swedish); unchanged in English."""
    lang = current_language()
    if lang == SOURCE_LANGUAGE or not iso:
        return iso
    from babel.dates import format_skeleton

    return format_skeleton("yMd", datetime.date.fromisoformat(iso), locale=lang)
