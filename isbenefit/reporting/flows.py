"""One organisation's material flows of one calendar year, as sustainability reports need them.

Both reporting formats (:mod:`.vsme`, :mod:`.esrs`) start here: the material exchanges an
organisation supplied (waste or residues leaving it) and received (secondary materials
entering it) in a year, each with the tonnes falling into that year (an exchange spanning
years is split by days, as every other figure is) and its waste columns (docs/formats.md:
`ewc_code`, `legal_status`, `recovery_operation`, `hazardous`).

Recovery and disposal operations are grouped as ESRS E5-5 §37(b) and §37(c) group them:
- recycling: R2-R11 (the Waste Framework Directive's Annex II operations that reprocess
  waste into materials; Eurostat's waste statistics count these as recycling);
- other recovery: R1 (use as a fuel), R12 and R13 (exchange or storage pending another
  R operation: the final one is not recorded);
- preparing for reuse has no operation code of its own, so it is never inferred;
- disposal: D10 incineration; D1, D5, D12 landfill; other D operations.
An exchange without `recovery_operation` is taken as recycling: its material replaces
another firm's input, which is what the ledger records. Reports say so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from isbenefit.errors import InputError
from isbenefit.units import conversion_factor, is_mass

if TYPE_CHECKING:
    from isbenefit.api import Assessment

RECYCLING = "recycling"
OTHER_RECOVERY = "other recovery"
INCINERATION = "incineration"
LANDFILL = "landfill"
OTHER_DISPOSAL = "other disposal"
DIVERSION = (RECYCLING, OTHER_RECOVERY)
DISPOSAL = (INCINERATION, LANDFILL, OTHER_DISPOSAL)
NOT_WASTE = ("by-product", "end-of-waste")


def treatment(operation: str) -> str:
    """The ESRS E5-5 group of a Waste Framework Directive operation (blank: recycling)."""
    if not operation:
        return RECYCLING
    kind, number = operation[0], int(operation[1:])
    if kind == "R":
        return RECYCLING if 2 <= number <= 11 else OTHER_RECOVERY
    if number == 10:
        return INCINERATION
    return LANDFILL if number in (1, 5, 12) else OTHER_DISPOSAL


@dataclass(frozen=True)
class Flow:
    """One material exchange as seen by one of its parties, for one year."""

    exchange: str
    partner: str  # the other party's display name (name, else id)
    resource: str
    tonnes: float | None  # in the year; None: the exchange gives no mass (no mass_t)
    ewc_code: str  # canonical (`10 01 05`, `10 01 04*`), or ""
    hazardous: bool
    legal_status: str  # `waste`, `by-product`, `end-of-waste` or ""
    recovery_operation: str  # `R5`, `D1`, ... or ""
    saved_co2e_kg: float  # the exchange's whole saving in the year (not a credited share)

    @property
    def is_waste(self) -> bool:
        """Waste when handed over: a by-product (WFD art. 5) or end-of-waste material
        (art. 6) is not."""
        return self.legal_status not in NOT_WASTE

    @property
    def treatment(self) -> str:
        return treatment(self.recovery_operation)


@dataclass(frozen=True)
class OrganisationYear:
    """What the ledger says of one organisation's material flows in one year."""

    org: str
    name: str
    year: int
    supplied: tuple[Flow, ...]  # material exchanges where it is the supplier
    received: tuple[Flow, ...]  # material exchanges where it is the receiver
    credited_co2e_kg: float  # its credited share of the CO2e saved in the year
    exchange_count: int  # every exchange (any flow) it takes part in during the year
    waste_columns: tuple[str, ...]  # which of ewc_code, legal_status, recovery_operation
    # the ledger has
    factor_set: str
    isbenefit_version: str


def organisation_year(assessment: Assessment, org: str, year: int) -> OrganisationYear:
    """The organisation's flows in the year; InputError naming the fix when the ledger
    does not know the organisation or it has no exchange that year."""
    from isbenefit.version import __version__

    tables = assessment.tables
    exchanges = tables.exchanges
    if not ((exchanges["supplier"] == org) | (exchanges["receiver"] == org)).any():
        known = sorted(set(exchanges["supplier"]) | set(exchanges["receiver"]))
        raise InputError.one(
            file=assessment.ledger_name,
            value=org,
            message="no exchange of the ledger has this organisation as supplier or receiver",
            fix=f"give --org as in the ledger, one of: {', '.join(known[:20])}",
        )
    in_year = tables.exchange_years.loc[tables.exchange_years["year"] == year]
    fraction = dict(zip(in_year["exchange"], in_year["fraction"], strict=True))
    saved = dict(zip(in_year["exchange"], in_year["saved_co2e_kg"], strict=True))
    involved = exchanges.loc[
        ((exchanges["supplier"] == org) | (exchanges["receiver"] == org))
        & exchanges["id"].isin(list(fraction))
    ]
    if involved.empty:
        raise InputError.one(
            file=assessment.ledger_name,
            value=str(year),
            message=f"organisation {org} has no exchange in {year}",
            fix="choose a year in which one of its exchanges falls (isbenefit assess lists them)",
        )
    names = _names(assessment)
    supplied: list[Flow] = []
    received: list[Flow] = []
    for row in involved.loc[involved["flow"] == "material"].to_dict("records"):
        exchange_id = str(row["id"])
        side = "supplier" if row["supplier"] == org else "receiver"
        partner = str(row["receiver" if side == "supplier" else "supplier"])
        flow = Flow(
            exchange=exchange_id,
            partner=names.get(partner) or partner,
            resource=str(row["resource"]),
            tonnes=_tonnes(row, fraction[exchange_id]),
            ewc_code=str(row.get("ewc_code", "") or ""),
            hazardous=row["hazardous"] == "yes",
            legal_status=str(row.get("legal_status", "") or ""),
            recovery_operation=str(row.get("recovery_operation", "") or ""),
            saved_co2e_kg=float(saved[exchange_id]),
        )
        (supplied if side == "supplier" else received).append(flow)
    org_years = tables.organisation_years
    credited = org_years.loc[
        (org_years["organisation"] == org) & (org_years["year"] == year), "saved_co2e_kg"
    ]
    return OrganisationYear(
        org=org,
        name=names.get(org) or org,
        year=year,
        supplied=tuple(supplied),
        received=tuple(received),
        credited_co2e_kg=float(credited.sum()),
        exchange_count=len(involved),
        waste_columns=tuple(
            c for c in ("ewc_code", "legal_status", "recovery_operation") if c in exchanges
        ),
        factor_set=f"{assessment.factor_set.id} {assessment.factor_set.version}",
        isbenefit_version=__version__,
    )


def _names(assessment: Assessment) -> dict[str, str]:
    organisations = assessment.tables.organisations
    return {str(i): str(n) for i, n in zip(organisations["id"], organisations["name"], strict=True)}


def _tonnes(row: Mapping[Any, Any], fraction: float) -> float | None:
    """The exchange's mass in the year: its quantity when that is a mass, else `mass_t`."""
    unit = str(row["unit"])
    if is_mass(unit):
        return float(row["quantity"]) * conversion_factor(unit, "t") * fraction
    mass = float(row["mass_t"])
    return None if np.isnan(mass) else mass * fraction


def total_tonnes(flows: tuple[Flow, ...] | list[Flow]) -> float:
    return sum(f.tonnes for f in flows if f.tonnes is not None)
