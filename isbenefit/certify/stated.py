"""What a certificate states, derived from its claim alone: the stated figures with their
labels and rounding, and the sentence saying which figures are stated and why.

The page prints these (:mod:`isbenefit.certify.issue`) and ``isbenefit verify`` rebuilds
them from claim.json to compare with the page, without rendering anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

from isbenefit.certify import claim as claims
from isbenefit.documents import numbers
from isbenefit.documents.certificate import CertifiedFigure
from isbenefit.documents.contexts import Figure, headline
from isbenefit.ledger.rules import LEDGER_BASELINE

# No figure is called "certified" or "verified": nobody independent has checked it
# (docs/claims.md). The labels say what kind of figure is stated.
DETERMINISTIC = "deterministic figure (no Monte Carlo run)"
MONEY_NOT_VARIED = "deterministic figure (money is not varied)"
# What pages of isbenefit.claim/1 printed instead, so that `verify` still reads them.
LEGACY_LABELS = {
    DETERMINISTIC: "certified (deterministic; no Monte Carlo run)",
    MONEY_NOT_VARIED: "certified (deterministic; money is not varied)",
}
CENTRAL = "central estimate"


def certified_figures(claim: Mapping[str, Any]) -> tuple[CertifiedFigure, ...]:
    """The figures a claim certifies, as the page prints them.

    With a Monte Carlo run the certified saved figures are the conservative ones and the
    central estimate (the deterministic value) is printed beside each; money is never
    varied. Without one the deterministic figures are certified. Everything comes from
    the claim, so ``isbenefit verify`` rebuilds the same text from claim.json alone.
    """
    year, currency = str(claim["year"]), str(claim["currency"])
    basis = f"annual {year}, credited share"
    money = float(claim["credited"]["money"])
    legacy = claim.get("schema") == claims.LEGACY_SCHEMA
    figures = headline if legacy else _figures
    if claim.get("rounding") == claims.ROUNDING_BY_UNCERTAINTY:
        figures = partial(_rounded_figures, decimals=stated_decimals(claim))
    central = figures(claim["credited"]["saved"], money, currency, basis)
    run = claim.get("uncertainty")

    def label(text: str) -> str:
        return LEGACY_LABELS.get(text, text) if legacy else text

    if not run:
        return tuple(CertifiedFigure(figure, label(DETERMINISTIC), "") for figure in central)
    certified = figures(claims.certified_saved(claim), money, currency, basis)
    conservative = (
        conservative_label(run).replace("conservative figure (", "certified (conservative, ")
        if legacy
        else conservative_label(run)
    )
    return tuple(
        CertifiedFigure(figure, conservative, f"{CENTRAL} {middle.value} {middle.unit}")
        if figure.unit != currency
        else CertifiedFigure(figure, label(MONEY_NOT_VARIED), "")
        for figure, middle in zip(certified, central, strict=True)
    )


def _figures(
    saved: Mapping[str, float], money: float, currency: str, basis: str
) -> tuple[Figure, ...]:
    """The headline figures with hazardous waste diverted beside the other diversions."""
    figures = headline(saved, money, currency, basis)
    hazardous = Figure(
        "Hazardous waste diverted", numbers.tonnes(float(saved["hazardous_diverted_t"])), "t", basis
    )
    return (*figures[:4], hazardous, *figures[4:])


# Stated figures in the order of the page, with the unit they print in and its finest
# rounding: (key in the claim's saved figures, label, unit, kg per printed unit, decimals).
STATED = (
    ("co2e_kg", "CO\u2082e avoided", "t CO\u2082e", 1000.0, numbers.TONNE_DECIMALS),
    ("water_m3", "Water saved", "m\u00b3", 1.0, numbers.WATER_DECIMALS),
    ("virgin_material_t", "Virgin material saved", "t", 1.0, numbers.TONNE_DECIMALS),
    ("landfill_diverted_t", "Diverted from landfill", "t", 1.0, numbers.TONNE_DECIMALS),
    ("hazardous_diverted_t", "Hazardous waste diverted", "t", 1.0, numbers.TONNE_DECIMALS),
)


def stated_decimals(claim: Mapping[str, Any]) -> dict[str, int]:
    """The decimals each stated figure prints with under the claim's rounding rule:
    what its Monte Carlo range supports, else three significant digits of the central
    value (numbers.supported_decimals)."""
    ranges = (claim.get("uncertainty") or {}).get("credited", {})
    saved = claim["credited"]["saved"]
    decimals = {}
    for key, _label, _unit, scale, finest in STATED:
        spread = ranges.get(key)
        half = (float(spread["p95"]) - float(spread["p5"])) / 2 / scale if spread else None
        decimals[key] = numbers.supported_decimals(float(saved[key]) / scale, half, finest)
    return decimals


def _rounded_figures(
    saved: Mapping[str, float],
    money: float,
    currency: str,
    basis: str,
    decimals: Mapping[str, int],
) -> tuple[Figure, ...]:
    """The stated figures, each rounded to ``decimals`` of its key (claims that carry
    ``rounding``: ROUNDING_BY_UNCERTAINTY)."""
    return (
        *(
            Figure(label, numbers.rounded(float(saved[key]) / scale, decimals[key]), unit, basis)
            for key, label, unit, scale, _finest in STATED
        ),
        Figure("Money effect", numbers.money(money), currency, basis),
    )


def conservative_label(run: Mapping[str, Any]) -> str:
    """``conservative figure (P5 of 1000 Monte Carlo iterations)``."""
    return (
        f"conservative figure (P{float(run['conservative_percentile']):g} of "
        f"{int(run['iterations'])} Monte Carlo iterations)"
    )


def net_increase_note(claim: Mapping[str, Any]) -> str:
    """A warning when the credited CO2e is negative (central or conservative), else ""."""
    central = float(claim["credited"]["saved"]["co2e_kg"])
    stated = claims.certified_saved(claim)["co2e_kg"]
    if min(central, stated) >= 0:
        return ""
    return (
        f"Net increase: in {claim['year']} the exchanges credited here caused more emissions "
        "than their reference scenarios; the negative CO₂e figure is not a benefit."
    )


def certification_note(claim: Mapping[str, Any]) -> str:
    """One sentence saying which figures are stated and why (and, where the ledger gives
    alternative baselines, which baseline the conservative figure rests on), led by the
    net-increase warning when the CO2e figure is negative."""
    warning = "" if claim.get("schema") == claims.LEGACY_SCHEMA else net_increase_note(claim)
    lead = f"{warning} " if warning else ""
    run = claim.get("uncertainty")
    if not run:
        return (
            f"{lead}Deterministic: the central values of the assessment; no Monte Carlo "
            "uncertainty analysis was run."
        )
    percentile = f"P{float(run['conservative_percentile']):g}"
    chosen = [
        f"{exchange['id']}: {exchange['conservative_baseline']}"
        for exchange in claim["exchanges"]
        if exchange.get("conservative_baseline", LEDGER_BASELINE) != LEDGER_BASELINE
    ]
    baselines = (
        " It rests on the alternative baseline saving least (" + "; ".join(chosen) + ")."
        if chosen
        else ""
    )
    return (
        f"{lead}Conservative: the {percentile} of {int(run['iterations'])} Monte Carlo iterations "
        f"(seed {run['seed']}) varying factors and quantities; the central estimate beside "
        f"each is the deterministic value. Money is not varied.{baselines}"
    )
