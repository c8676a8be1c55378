"""What isbenefit reports, defined once.

The saved quantities with their label, unit and rounding; the other rounding rules of
documents; the certificate id; the issuer's status list and the statuses it gives; the
kinds of document. Documents, the certificate, the terminal summary, the results
workbook, the status list and the web service all read them here, so a new quantity or
a changed rule is one edit. Labels are marked for translation (see `messages`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from enum import StrEnum

from isbenefit import messages
from isbenefit.messages import N_, say

# The one rounding rule of reported figures (docs/reporting.md, "Rounding"). Every output
# (terminal, statement, certificate, report, results workbook, service) prints a saved
# quantity with `figure_decimals`: its last digit is the second significant digit of its
# uncertainty, half the P5-P95 width of its Monte Carlo range (JCGM 100:2008, 7.2.6),
# without a range the third significant digit of the figure itself (ISO 14064-2:2019,
# 5.13: no over-precision); never finer than the quantity's `decimals`. The bounds of a
# range print to the same place as their figure. Money is not varied: whole units.
UNCERTAINTY_DIGITS = 2
PLAIN_DIGITS = 3
TONNE_DECIMALS = 2  # finest place of CO2e and masses in tonnes
WATER_DECIMALS = 1  # finest place of water in m3
MONEY_DECIMALS = 0  # whole units of the report currency
# Working figures of a calculation line (statement, results workbook `lines`), printed so
# that a reader can redo the arithmetic: these are not reported figures.
LINE_DECIMALS = 3  # CO2e of one calculation line, in tonnes
AMOUNT_DECIMALS = 2  # amounts of calculation lines and quantities
FACTOR_DIGITS = 6  # significant digits of a per-unit factor
FRACTION_DECIMALS = 6  # year fractions in the results workbook


def supported_decimals(value: float, half_width: float | None, most: int) -> int:
    """Decimals (negative: tens, hundreds...) that ``half_width``, else the magnitude of
    ``value`` itself, supports; at most ``most``. Both in the printed unit."""
    if half_width is not None and math.isfinite(half_width) and half_width > 0:
        decimals = UNCERTAINTY_DIGITS - 1 - math.floor(math.log10(half_width))
    elif math.isfinite(value) and value != 0:
        decimals = PLAIN_DIGITS - 1 - math.floor(math.log10(abs(value)))
    else:
        decimals = most
    return min(decimals, most)


@dataclass(frozen=True)
class Quantity:
    """A saved quantity as it is reported.

    Attributes:
        key: its key in the results (engine.core.SAVED; results JSON ``saved``).
        label: what it measures, as documents print it.
        unit: the unit documents print it in.
        scale: results units per printed unit (1000 kg of CO2e per printed tonne).
        decimals: decimals documents print it with (the finest a stated figure uses).
        line_decimals: decimals of the quantity on one calculation line.
        heading: the column heading of the terminal summary (plain text).
        printed_key: its name in the printed unit (a column of the certificate register).
        headline: whether the statement's and report's headline shows it.
    """

    key: str
    label: str
    unit: str
    scale: float
    decimals: int
    line_decimals: int
    heading: str
    printed_key: str
    headline: bool = True

    def figure_decimals(
        self, value: float, half_width: float | None = None, most: int | None = None
    ) -> int:
        """Decimals of a figure of this quantity under the rounding rule; ``value`` and
        ``half_width`` (half its P5-P95 width, None without a range) in results units;
        ``most`` the finest place (default ``decimals``)."""
        half = None if half_width is None else half_width / self.scale
        finest = self.decimals if most is None else most
        return supported_decimals(value / self.scale, half, finest)

    def rounded(self, value: float, half_width: float | None = None) -> float:
        """A figure (results unit) rounded by the rule, in the printed unit."""
        return round(value / self.scale, self.figure_decimals(value, half_width)) + 0.0

    @property
    def scale_digits(self) -> int:
        """Decimal digits between the results unit and the printed unit (3 for kg -> t)."""
        return len(str(int(self.scale))) - 1


QUANTITIES = (
    Quantity(
        "co2e_kg", N_("CO\u2082e avoided"), "t CO\u2082e", 1000.0,
        TONNE_DECIMALS, LINE_DECIMALS, N_("CO2e saved (t)"), "co2e_t",
    ),
    Quantity(
        "water_m3", N_("Water saved"), "m\u00b3", 1.0,
        WATER_DECIMALS, WATER_DECIMALS, N_("Water saved (m3)"), "water_m3",
    ),
    Quantity(
        "virgin_material_t", N_("Virgin material saved"), "t", 1.0,
        TONNE_DECIMALS, TONNE_DECIMALS, N_("Virgin material (t)"), "virgin_material_t",
    ),
    Quantity(
        "landfill_diverted_t", N_("Diverted from landfill"), "t", 1.0,
        TONNE_DECIMALS, TONNE_DECIMALS, N_("Landfill diverted (t)"), "landfill_diverted_t",
    ),
    Quantity(
        "hazardous_diverted_t", N_("Hazardous waste diverted"), "t", 1.0,
        TONNE_DECIMALS, TONNE_DECIMALS, N_("Hazardous diverted (t)"), "hazardous_diverted_t",
        headline=False,
    ),
)  # fmt: skip
QUANTITY = {quantity.key: quantity for quantity in QUANTITIES}
SAVED_KEYS = tuple(quantity.key for quantity in QUANTITIES)
HEADLINE_KEYS = tuple(quantity.key for quantity in QUANTITIES if quantity.headline)
CO2E = SAVED_KEYS[0]


@dataclass(frozen=True)
class DeclaredFigure:
    """A social or economic figure an organisation or a verifier declares (the ledger's
    sheet `declared`): never computed, never part of a saved quantity, always labelled as
    declared.

    Attributes:
        key: its value of the sheet's `figure` column and its key in the results.
        label: what it counts, as documents print it.
        money: an amount of money (reported in the report currency); else full-time
            equivalents.
        decimals: decimals documents print it with.
    """

    key: str
    label: str
    money: bool
    decimals: int


FTE = "FTE"  # the unit of a declared job figure: full-time equivalents
FTE_DECIMALS = 1
DECLARED_FIGURES = (
    DeclaredFigure("jobs_created", N_("Jobs created (declared)"), False, FTE_DECIMALS),
    DeclaredFigure("jobs_safeguarded", N_("Jobs safeguarded (declared)"), False, FTE_DECIMALS),
    DeclaredFigure("private_investment", N_("Private investment (declared)"), True, MONEY_DECIMALS),
    DeclaredFigure("other_money", N_("Other money (declared)"), True, MONEY_DECIMALS),
)
DECLARED = {figure.key: figure for figure in DECLARED_FIGURES}
DECLARED_KEYS = tuple(DECLARED)

# The certificate id: this prefix and the first 16 hex digits (upper case) of the
# SHA-256 of the canonical claim (certify.claim).
ID_PREFIX = "ISB-"
ID_HEX_DIGITS = 16
CERTIFICATE_ID_PATTERN = f"{ID_PREFIX}[0-9A-F]{{{ID_HEX_DIGITS}}}"
CERTIFICATE_ID = re.compile(CERTIFICATE_ID_PATTERN)
EXAMPLE_CERTIFICATE_ID = "ISB-9045D4CF6D9ECDE4"


def is_certificate_id(text: str) -> bool:
    return CERTIFICATE_ID.fullmatch(text) is not None


def certificate_id(sha256_hex: str) -> str:
    """The id of a certificate whose claim hashes to ``sha256_hex``."""
    return ID_PREFIX + sha256_hex[:ID_HEX_DIGITS].upper()


# The issuer's status list (certify.status): one file per issuer key, in this folder of
# the data dir, named by the key's fingerprint.
STATUS_DIR = "status"


def status_file_name(fingerprint: str) -> str:
    """``ed25519-1a2b-...json`` for the fingerprint ``ed25519:1a2b:...``."""
    return f"{fingerprint.replace(':', '-')}.json"


class Status(StrEnum):
    """A certificate's status: valid until its issuer revokes or supersedes it."""

    VALID = "valid"
    REVOKED = "revoked"
    SUPERSEDED = "superseded"


class DocumentKind(StrEnum):
    """The documents isbenefit makes; the value starts each file name."""

    STATEMENT = "statement"
    CERTIFICATE = "certificate"
    REPORT = "report"


# The publisher the results give a figure of the ledger's own `factors` sheet: written
# into the results by ledger/own_factors.py and recognised by the documents.
SUPPLIED_WITH_LEDGER = "supplied with the ledger"


def flag_mark(code: str) -> str:
    """The short mark of a flag code (ETS, PROXY, LEAK): the certificate's exchange table,
    the statement, the report and the `flag_marks` column of the CSVs and workbook."""
    return say(messages.FLAG_MARKS[code]) if code in messages.FLAG_MARKS else code.upper()
