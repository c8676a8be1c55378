"""What a certificate states, derived from its claim alone: the stated figures with their
labels and rounding, and the sentence saying which figures are stated and why.

The page prints these (:mod:`isbenefit.certify.issue`) and ``isbenefit verify`` rebuilds
them from claim.json to compare with the page, without rendering anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

from isbenefit import messages
from isbenefit.certify import claim as claims
from isbenefit.documents import numbers
from isbenefit.documents.certificate import CertifiedFigure
from isbenefit.documents.contexts import Figure
from isbenefit.ledger.contract import LEDGER_BASELINE
from isbenefit.messages import say
from isbenefit.reported import HEADLINE_KEYS, QUANTITIES, QUANTITY, SAVED_KEYS

# No figure is called "certified" or "verified": nobody independent has checked it
# (docs/claims.md). The labels say what kind of figure is stated.
DETERMINISTIC = messages.DETERMINISTIC
MONEY_NOT_VARIED = messages.MONEY_NOT_VARIED
# What pages of isbenefit.claim/1 printed instead, so that `verify` still reads them.
LEGACY_LABELS = messages.LEGACY_LABELS


def certified_figures(claim: Mapping[str, Any]) -> tuple[CertifiedFigure, ...]:
    """The figures a claim certifies, as the page prints them.

    With a Monte Carlo run the certified saved figures are the conservative ones and the
    central estimate (the deterministic value) is printed beside each; money is never
    varied. Without one the deterministic figures are certified. Everything comes from
    the claim, so ``isbenefit verify`` rebuilds the same text from claim.json alone.
    """
    year, currency = str(claim["year"]), str(claim["currency"])
    basis = say(messages.BASIS_CREDITED, year=year)
    money = float(claim["credited"]["money"])
    legacy = claim.get("schema") == claims.LEGACY_SCHEMA
    figures = _legacy_headline if legacy else _figures
    if claim.get("rounding") == claims.ROUNDING_BY_UNCERTAINTY:
        figures = partial(_rounded_figures, decimals=stated_decimals(claim))
    central = figures(claim["credited"]["saved"], money, currency, basis)
    run = claim.get("uncertainty")

    def label(text: str) -> str:
        return LEGACY_LABELS.get(text, say(text)) if legacy else say(text)

    if not run:
        return tuple(CertifiedFigure(figure, label(DETERMINISTIC), "") for figure in central)
    certified = figures(claims.certified_saved(claim), money, currency, basis)
    conservative = conservative_label(run, legacy)
    return tuple(
        CertifiedFigure(
            figure,
            conservative,
            say(messages.CENTRAL_ESTIMATE, value=middle.value, unit=middle.unit),
        )
        if figure.unit != currency
        else CertifiedFigure(figure, label(MONEY_NOT_VARIED), "")
        for figure, middle in zip(certified, central, strict=True)
    )


def _figures(
    saved: Mapping[str, float], money: float, currency: str, basis: str
) -> tuple[Figure, ...]:
    """Every saved quantity (hazardous waste diverted too, unlike a statement's headline)
    to its fixed decimals, then the money effect: pages of claims without ``rounding``."""
    return (
        *(_fixed_figure(key, float(saved[key]), basis) for key in SAVED_KEYS),
        Figure(say(messages.MONEY_EFFECT), numbers.money(money), currency, basis),
    )


def _legacy_headline(
    saved: Mapping[str, float], money: float, currency: str, basis: str
) -> tuple[Figure, ...]:
    """The headline quantities to their fixed decimals: pages of isbenefit.claim/1."""
    return (
        *(_fixed_figure(key, float(saved[key]), basis) for key in HEADLINE_KEYS),
        Figure(say(messages.MONEY_EFFECT), numbers.money(money), currency, basis),
    )


def _fixed_figure(key: str, value: float, basis: str) -> Figure:
    reported = QUANTITY[key]
    return Figure(say(reported.label), numbers.fixed_quantity(key, value), reported.unit, basis)


def stated_decimals(claim: Mapping[str, Any]) -> dict[str, int]:
    """The decimals each stated figure prints with under the claim's rounding rule, the
    rule of every reported figure: what its Monte Carlo range supports, else three
    significant digits of the central value (reported.Quantity.figure_decimals)."""
    ranges = (claim.get("uncertainty") or {}).get("credited", {})
    saved = claim["credited"]["saved"]
    decimals = {}
    for quantity in QUANTITIES:
        spread = ranges.get(quantity.key)
        half = (float(spread["p95"]) - float(spread["p5"])) / 2 if spread else None
        decimals[quantity.key] = quantity.figure_decimals(float(saved[quantity.key]), half)
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
            Figure(say(q.label), numbers.rounded(float(saved[q.key]) / q.scale, decimals[q.key]),
                   q.unit, basis)
            for q in QUANTITIES
        ),
        Figure(say(messages.MONEY_EFFECT), numbers.money(money), currency, basis),
    )  # fmt: skip


def conservative_label(run: Mapping[str, Any], legacy: bool = False) -> str:
    """``conservative figure (P5 of 1000 Monte Carlo iterations)``; ``certified
    (conservative, ...)`` as pages of isbenefit.claim/1 printed it."""
    return say(
        messages.LEGACY_CONSERVATIVE if legacy else messages.CONSERVATIVE,
        percentile=_percentile(run),
        iterations=int(run["iterations"]),
    )


def _percentile(run: Mapping[str, Any]) -> str:
    return say(messages.PERCENTILE, percentile=f"{float(run['conservative_percentile']):g}")


def net_increase_note(claim: Mapping[str, Any]) -> str:
    """A warning when the credited CO2e is negative (central or conservative), else ""."""
    central = float(claim["credited"]["saved"]["co2e_kg"])
    stated = claims.certified_saved(claim)["co2e_kg"]
    if min(central, stated) >= 0:
        return ""
    return say(messages.NET_INCREASE, year=claim["year"])


def certification_note(claim: Mapping[str, Any]) -> str:
    """One sentence saying which figures are stated and why (and, where the ledger gives
    alternative baselines, which baseline the conservative figure rests on), led by the
    net-increase warning when the CO2e figure is negative."""
    warning = "" if claim.get("schema") == claims.LEGACY_SCHEMA else net_increase_note(claim)
    run = claim.get("uncertainty")
    if not run:
        return " ".join(filter(None, (warning, say(messages.NOTE_DETERMINISTIC))))
    chosen = [
        say(messages.CHOSEN_BASELINE, exchange=exchange["id"], baseline=baseline)
        for exchange in claim["exchanges"]
        if (baseline := exchange.get("conservative_baseline", LEDGER_BASELINE)) != LEDGER_BASELINE
    ]
    note = say(
        messages.NOTE_CONSERVATIVE,
        percentile=_percentile(run),
        iterations=int(run["iterations"]),
        seed=run["seed"],
    )
    rests = say(messages.NOTE_BASELINES, baselines="; ".join(chosen)) if chosen else ""
    return " ".join(filter(None, (warning, note, rests)))
