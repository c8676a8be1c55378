"""Recomputing a certificate's claim from the ledger rows attached to it.

The attached ledger CSVs are written to a temporary folder and assessed again with
the given factor source (a factor-set folder, else the shipped default; or the user's
Brightway database through a mapping, with or without a fallback factor set) when the
id and version of its factor set are those the claim names, in the claim's currency
and, when the claim has uncertainty settings, with the same Monte Carlo settings. The
organisation-year figures are then compared with the claim's: deterministic figures
(saved quantities, money, additional sales) to a relative tolerance of 1e-9, and the
Monte Carlo statistics (deterministic, P5, P50, P95, conservative) to the same tolerance.

The Monte Carlo figures reproduce: factor draws cover the whole factor set whatever
the ledger, and each exchange draws its quantity multipliers from a stream seeded by
the run's seed and its own id (docs/uncertainty.md), so the subset ledger gets the
same draws as the full one; only the order of summation can differ, in the last bit.
The claim's draw scheme is used (none named: the first), so certificates made before
the second scheme still recompute.

The claim's stored ledger rows carry their original row numbers, which the rewritten
CSVs do not, so figures are compared, not whole claims.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from isbenefit.certify.checks import Check, CheckName, Status
from isbenefit.errors import InputError

if TYPE_CHECKING:  # the engine (numpy, pandas, scipy) is imported by a recomputation that runs
    from isbenefit.engine.uncertainty import MonteCarloSettings
    from isbenefit.scoring.source import FactorSource

RELATIVE_TOLERANCE = 1e-9
ABSOLUTE_TOLERANCE = 1e-9
NAME = CheckName.RECOMPUTATION


def recomputation_checks(claim: Mapping[str, Any], source: FactorSource | None) -> list[Check]:
    """The factor-set check, then the recomputation (see :func:`recomputation_check`).

    The factor-set check compares every factor the claim used with the same activity of
    the factor set at hand: a set with the claim's id and version but other values (a
    modified copy) is named as such, not reported as a recomputation that differs.
    """
    from isbenefit.scoring.source import FactorSetFolder

    source = source if source is not None else FactorSetFolder()
    wanted = claim["factor_set"]
    elsewhere = _another_folder(source, wanted)
    if elsewhere is not None:
        return [_not_here(wanted, *elsewhere, source.description)]
    try:
        factor_set = source.factor_set()
    except InputError:
        factor_set = None
    if factor_set is None or (factor_set.id, factor_set.version) != (
        wanted["id"],
        wanted["version"],
    ):
        return [recomputation_check(claim, source)]
    differences = factor_differences(claim, factor_set.activities)
    if differences:
        return [
            Check(
                CheckName.FACTOR_SET,
                Status.FAIL,
                f"the factor set at hand ({source.description}) is named {factor_set.id} "
                f"{factor_set.version} like the claim's, but differs from it: "
                + "; ".join(differences)
                + ". Fix: verify with the factor set the certificate was made with",
            )
        ]
    used = len(claim.get("factors", []))
    return [
        Check(
            CheckName.FACTOR_SET,
            Status.PASS,
            f"the {used} factors the claim uses are those of {factor_set.id} "
            f"{factor_set.version} here",
        ),
        recomputation_check(claim, source),
    ]


def factor_differences(claim: Mapping[str, Any], activities: Any) -> list[str]:
    """Each factor of the claim whose unit, values or gsd the factor set here does not have."""
    from isbenefit.ledger.own_factors import SOURCE_PREFIX as OWN_SOURCE

    differences = []
    for factor in claim.get("factors", []):
        activity = str(factor["id"])
        if str(factor.get("source", "")).startswith(OWN_SOURCE):
            continue  # the ledger's own factor: its row travels with the claim
        if activity not in activities.index:
            differences.append(f"{activity} is not in it")
            continue
        row = activities.loc[activity]
        if str(row["unit"]) != str(factor["unit"]):
            differences.append(f"{activity} unit {factor['unit']!r} here {row['unit']!r}")
        for key in ("co2e_kg", "water_m3", "gsd"):
            if key in factor and not _close(factor[key], row[key]):
                here = float(row[key])
                differences.append(f"{activity} {key} {float(factor[key])!r} here {here!r}")
    return differences


def recomputation_check(claim: Mapping[str, Any], source: FactorSource | None) -> Check:
    """Assess the attached ledger rows again with ``source`` (None: the shipped factor
    set) and compare the organisation-year figures."""
    from isbenefit.scoring.source import FactorSetFolder

    source = source if source is not None else FactorSetFolder()
    wanted = claim["factor_set"]
    named = f"{wanted['id']} {wanted['version']}"
    try:
        factor_set = source.factor_set()
    except InputError as error:
        return Check(
            NAME,
            Status.SKIP,
            f"factor set {named} unavailable ({source.description}): {error.problems[0]}",
        )
    if (factor_set.id, factor_set.version) != (wanted["id"], wanted["version"]):
        return _not_here(wanted, factor_set.id, factor_set.version, source.description)
    try:
        results = _reassess(claim, source)
    except InputError as error:
        return Check(
            NAME, Status.FAIL, f"the attached ledger rows do not assess: {error.problems[0]}"
        )
    differences = figure_differences(claim, results)
    if differences:
        agree = all(d.startswith("Monte Carlo") for d in differences)
        lead = "deterministic figures agree, Monte Carlo figures differ: " if agree else ""
        return Check(
            NAME, Status.FAIL, "recomputed figures differ: " + lead + "; ".join(differences)
        )
    varied = " and Monte Carlo ranges (same seed and iterations)" if "uncertainty" in claim else ""
    return Check(
        NAME,
        Status.PASS,
        f"recomputed with {factor_set.id} {factor_set.version}: same figures{varied}",
    )


def _not_here(wanted: Mapping[str, Any], have_id: str, have_version: str, where: str) -> Check:
    """The skip of a recomputation whose factor set is not at hand."""
    return Check(
        NAME,
        Status.SKIP,
        f"factor set {wanted['id']} {wanted['version']} is not available here (have "
        f"{have_id} {have_version} from {where}); give it with --factors, or with --mapping "
        "(and --brightway, --brightway-dir, --fallback) when it came from a Brightway database",
    )


def _another_folder(source: FactorSource, wanted: Mapping[str, Any]) -> tuple[str, str] | None:
    """The id and version a factor-set folder's factorset.toml names, when they are not the
    claim's: its activities are not loaded, nor the engine imported, for a recomputation
    that cannot run. None when they are the claim's, for any other source, and when the
    file does not read (loading the set then says what is wrong with it)."""
    from isbenefit.scoring.source import FactorSetFolder

    named = source.named() if isinstance(source, FactorSetFolder) else None
    return None if named is None or named == (wanted["id"], wanted["version"]) else named


def _reassess(claim: Mapping[str, Any], source: FactorSource) -> dict[str, Any]:
    from isbenefit.certify.claim import assess_ledger_rows

    return assess_ledger_rows(
        claim["ledger_rows"], source, str(claim["currency"]), settings_of(claim)
    ).results


def settings_of(claim: Mapping[str, Any]) -> MonteCarloSettings | None:
    """The Monte Carlo settings a claim was made with, or None; a claim that names no
    draw scheme was made with the first (engine/uncertainty.py)."""
    from isbenefit.engine.uncertainty import MonteCarloSettings

    run = claim.get("uncertainty")
    if not run:
        return None
    return MonteCarloSettings(
        int(run["iterations"]),
        int(run["seed"]),
        float(run["conservative_percentile"]),
        {key: float(value) for key, value in run["quantity_gsd"].items()},
        int(run.get("draw_scheme", 1)),
    )


def figure_differences(claim: Mapping[str, Any], results: Mapping[str, Any]) -> list[str]:
    """Each claimed organisation-year figure the recomputed results do not reproduce."""
    org_id, year = str(claim["organisation"]["id"]), str(claim["year"])
    org = next((o for o in results["organisations"] if o["id"] == org_id), None)
    recomputed = org["years"].get(year) if org else None
    if recomputed is None:
        return [f"the attached rows give {org_id} no figures in {year}"]
    differences = _differences(claim["credited"], recomputed)
    if "uncertainty" in claim:
        ranges = (results.get("uncertainty") or {}).get("organisation_years", {})
        recomputed_ranges = ranges.get(f"{org_id}/{year}", {})
        differences += [
            f"Monte Carlo {name}"
            for name in _range_differences(claim["uncertainty"]["credited"], recomputed_ranges)
        ]
    return differences


def _differences(claimed: Mapping[str, Any], recomputed: Mapping[str, Any]) -> list[str]:
    pairs = [
        (f"saved.{key}", value, recomputed["saved"].get(key))
        for key, value in claimed["saved"].items()
    ]
    pairs += [
        (key, claimed[key], recomputed.get(key))
        for key in ("money", "additional_sales")
        if key in claimed
    ]
    return [
        f"{name}: claimed {left!r}, recomputed {right!r}"
        for name, left, right in pairs
        if not _close(left, right)
    ]


def _range_differences(claimed: Mapping[str, Any], recomputed: Mapping[str, Any]) -> list[str]:
    return [
        f"{quantity}.{statistic}: claimed {value!r}, recomputed "
        f"{recomputed.get(quantity, {}).get(statistic)!r}"
        for quantity, statistics in claimed.items()
        for statistic, value in statistics.items()
        if not _close(value, recomputed.get(quantity, {}).get(statistic))
    ]


def _close(left: Any, right: Any) -> bool:
    if right is None or left is None:
        return False
    return math.isclose(
        float(left), float(right), rel_tol=RELATIVE_TOLERANCE, abs_tol=ABSOLUTE_TOLERANCE
    )
