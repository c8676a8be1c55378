"""EFRAG's VSME Digital Template 1.3.0, filled in for one organisation and year.

Only what the ledger knows is written, into the cells the template names after the VSME
XBRL taxonomy's elements (its defined names), on the sheet "Environmental Disclosures":

- B7 §38(a)-(b) waste table (`TypeOfWasteAxis`, `WasteDivertedToRecycleOrReuseMass` and
  its `_unit`): per List of Waste entry, the tonnes the organisation supplied through its
  exchanges to recycling or reuse, the type written as the template's drop-down list
  writes it (`    10 01 05 - Non-Hazardous - ...`). `WasteDirectedToDisposalMass` is left
  for the SME: the ledger records only what was diverted.
- B7 §38(c) material flows (`NameOfMaterialUsed`, `WeightOfMaterialUsed` and its `_unit`):
  the secondary materials the organisation received, per resource.
- B7 §37 (`UndertakingAppliesCircularEconomyPrinciples` = YES and
  `DescriptionOfHowCircularEconomyPrinciplesAreApplied`): a text naming the exchanges.
- The avoided emissions, in the entity-specific environmental disclosures
  (`DisclosureOfAnyOtherEnvironmentalAndOrEntitySpecificEnvironmentalDisclosures`), stated
  as avoided emissions, never in B3's Scope 1, 2 or 3 cells (docs/reporting.md says why).

Every other cell, sheet and part of the template is copied byte for byte
(:mod:`.xlsx_cells`).
"""

from __future__ import annotations

import re
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from io import BytesIO
from typing import TYPE_CHECKING
from xml.sax.saxutils import unescape

from isbenefit.errors import InputError
from isbenefit.ledger.waste import ewc_codes
from isbenefit.paths import package_data
from isbenefit.reporting.flows import RECYCLING, Flow, OrganisationYear, organisation_year
from isbenefit.reporting.xlsx_cells import CellValue, filled_copy

if TYPE_CHECKING:
    from isbenefit.api import Assessment

TEMPLATE = "vsme/VSME-Digital-Template-1.3.0.xlsx"
TONNES = "metric tonnes (t)"  # the template's unit list entry
YES = "YES"
# The defined names (taxonomy elements) isbenefit writes; nothing else is touched.
WASTE_TYPE = "TypeOfWasteAxis"
WASTE_UNIT = "WasteDivertedToRecycleOrReuseMass_unit"
WASTE_DIVERTED = "WasteDivertedToRecycleOrReuseMass"
MATERIAL_NAME = "NameOfMaterialUsed"
MATERIAL_WEIGHT = "WeightOfMaterialUsed"
MATERIAL_UNIT = "WeightOfMaterialUsed_unit"
APPLIES_CIRCULARITY = "UndertakingAppliesCircularEconomyPrinciples"
CIRCULARITY_TEXT = "DescriptionOfHowCircularEconomyPrinciplesAreApplied"
OTHER_ENVIRONMENTAL = "DisclosureOfAnyOtherEnvironmentalAndOrEntitySpecificEnvironmentalDisclosures"
WRITTEN_NAMES = (
    WASTE_TYPE,
    WASTE_UNIT,
    WASTE_DIVERTED,
    MATERIAL_NAME,
    MATERIAL_WEIGHT,
    MATERIAL_UNIT,
    APPLIES_CIRCULARITY,
    CIRCULARITY_TEXT,
    OTHER_ENVIRONMENTAL,
)
MAX_TEXT = 32_000  # below Excel's 32,767 characters per cell


@dataclass(frozen=True)
class Area:
    """A defined name's place: sheet, first and last column and row."""

    sheet: str
    first_column: str
    first_row: int
    last_row: int

    @property
    def rows(self) -> int:
        return self.last_row - self.first_row + 1

    def cell(self, index: int = 0) -> str:
        return f"{self.first_column}{self.first_row + index}"


@dataclass(frozen=True)
class WasteRow:
    code: str  # `10 01 05`
    label: str  # as the template's drop-down writes it
    tonnes: float
    exchanges: tuple[str, ...]


@dataclass(frozen=True)
class MaterialRow:
    name: str
    tonnes: float
    exchanges: tuple[str, ...]


@dataclass(frozen=True)
class VsmeFill:
    """What goes into the template, by defined name, and what was left out and why."""

    waste: tuple[WasteRow, ...]
    materials: tuple[MaterialRow, ...]
    circularity_text: str
    avoided_emissions_text: str
    left_out: tuple[str, ...]


def waste_label(code: str) -> str:
    """A List of Waste entry as the template's "Types of Wastes" list writes it."""
    hazardous, description = ewc_codes()[code]
    kind = "Hazardous" if hazardous else "Non-Hazardous"
    return f"    {code} - {kind} - {description}"


def vsme_fill(assessment: Assessment, org: str, year: int) -> VsmeFill:
    """The template's B7 content for ``org`` in ``year`` (tonnes rounded to 0.01 t, as the
    documents round them)."""
    flows = organisation_year(assessment, org, year)
    left_out: list[str] = []
    waste = _waste_rows(flows.supplied, left_out)
    materials = _material_rows(flows.received, left_out)
    return VsmeFill(
        waste,
        materials,
        _circularity_text(flows, assessment.ledger_name),
        avoided_emissions_text(flows),
        tuple(left_out),
    )


def _waste_rows(supplied: tuple[Flow, ...], left_out: list[str]) -> tuple[WasteRow, ...]:
    tonnes: dict[str, float] = defaultdict(float)
    exchanges: dict[str, list[str]] = defaultdict(list)
    for flow in supplied:
        reason = _not_in_waste_table(flow)
        if reason:
            left_out.append(f"exchange {flow.exchange} ({flow.resource}): {reason}")
            continue
        code = flow.ewc_code.rstrip("*")
        tonnes[code] += flow.tonnes or 0.0
        exchanges[code].append(flow.exchange)
    return tuple(
        WasteRow(code, waste_label(code), round(tonnes[code], 2), tuple(exchanges[code]))
        for code in sorted(tonnes)
    )


def _not_in_waste_table(flow: Flow) -> str:
    if not flow.is_waste:
        return f"{flow.legal_status}, not waste (Waste Framework Directive art. 5 and 6)"
    if flow.tonnes is None:
        return "no mass (give mass_t in the ledger)"
    if not flow.ewc_code:
        return "no ewc_code: the waste table needs the List of Waste entry"
    if flow.treatment != RECYCLING:
        return (
            f"{flow.recovery_operation} is not recycling or reuse; enter it with the "
            "waste directed to disposal or leave it out"
        )
    return ""


def _material_rows(received: tuple[Flow, ...], left_out: list[str]) -> tuple[MaterialRow, ...]:
    tonnes: dict[str, float] = defaultdict(float)
    exchanges: dict[str, list[str]] = defaultdict(list)
    for flow in received:
        if flow.tonnes is None:
            left_out.append(
                f"exchange {flow.exchange} ({flow.resource}): no mass (give mass_t in the ledger)"
            )
            continue
        name = f"{flow.resource} (secondary material)"
        tonnes[name] += flow.tonnes
        exchanges[name].append(flow.exchange)
    return tuple(
        MaterialRow(name, round(tonnes[name], 2), tuple(exchanges[name])) for name in sorted(tonnes)
    )


def _flow_phrase(flow: Flow, direction: str) -> str:
    mass = f"{flow.tonnes:,.2f} t" if flow.tonnes is not None else "mass not recorded"
    details = [mass]
    if flow.ewc_code:
        details.append(f"EWC {flow.ewc_code}")
    if flow.recovery_operation:
        details.append(flow.recovery_operation)
    if flow.legal_status:
        details.append(flow.legal_status)
    return f"{flow.exchange}: {flow.resource} {direction} {flow.partner} ({', '.join(details)})"


def _circularity_text(flows: OrganisationYear, ledger: str) -> str:
    parts = [
        f"{flows.name} takes part in industrial symbiosis: residual materials, energy or "
        f"water pass between firms so that one firm's residue replaces another's primary "
        f"input. In {flows.year}, {flows.exchange_count} recorded exchange(s) involved "
        f"{flows.name} (ledger {ledger})."
    ]
    if flows.supplied:
        listed = "; ".join(_flow_phrase(f, "to") for f in flows.supplied)
        parts.append(f"Residual materials supplied to other firms instead of disposal: {listed}.")
    if flows.received:
        listed = "; ".join(_flow_phrase(f, "from") for f in flows.received)
        parts.append(f"Secondary materials used in place of primary materials: {listed}.")
    others = flows.exchange_count - len(flows.supplied) - len(flows.received)
    if others:
        parts.append(f"{others} further exchange(s) of energy or water.")
    parts.append(
        f"Quantities are those of the year {flows.year} (an exchange spanning years is "
        f"split by days), computed by isbenefit {flows.isbenefit_version}."
    )
    return _capped(" ".join(parts))


def avoided_emissions_text(flows: OrganisationYear) -> str:
    """The avoided emissions as an entity-specific disclosure, never as Scope 1, 2 or 3."""
    tonnes = flows.credited_co2e_kg / 1000.0
    return _capped(
        f"Avoided emissions through industrial symbiosis, {flows.year}: {tonnes:,.2f} t CO2e, "
        f"{flows.name}'s credited share of the greenhouse gas emissions its exchanges avoided "
        "against their baselines (what the supplier would otherwise have done with the "
        "residue and what the receiver would otherwise have used), computed by isbenefit "
        f"{flows.isbenefit_version} with factor set {flows.factor_set}. These are avoided "
        "emissions outside the undertaking's GHG inventory: they are not included in, and "
        "are not to be deducted from, the gross Scope 1, 2 or 3 emissions reported under B3 "
        "(GHG Protocol Corporate Standard; WBCSD Guidance on Avoided Emissions, 2023)."
    )


def _capped(text: str) -> str:
    if len(text) <= MAX_TEXT:
        return text
    return text[: MAX_TEXT - 40].rsplit("; ", 1)[0] + "; ... (list cut at the cell's size)"


@cache
def template_bytes() -> bytes:
    """The shipped template (isbenefit/data/vsme/, EFRAG, MIT licence)."""
    return package_data(TEMPLATE).read_bytes()


def defined_names(template: bytes) -> dict[str, str]:
    """The workbook's defined names and what they refer to (`'Sheet'!$D$323:$F$422`)."""
    with zipfile.ZipFile(BytesIO(template)) as archive:
        workbook = archive.read("xl/workbook.xml").decode("utf-8")
    return {
        name: unescape(target, {"&apos;": "'", "&quot;": '"'})
        for name, target in re.findall(
            r'<definedName name="([^"]+)"[^>]*>([^<]*)</definedName>', workbook
        )
    }


def area(names: dict[str, str], name: str) -> Area:
    match = re.fullmatch(
        r"'?(?P<sheet>[^!]+?)'?!\$(?P<c1>[A-Z]+)\$(?P<r1>\d+)(?::\$[A-Z]+\$(?P<r2>\d+))?",
        names[name],
    )
    if match is None:
        raise ValueError(f"defined name {name} refers to {names[name]!r}, not to cells")
    first = int(match.group("r1"))
    last = int(match.group("r2") or first)
    return Area(match.group("sheet"), match.group("c1"), first, last)


def sheet_parts(template: bytes) -> dict[str, str]:
    """Sheet name -> zip part (`xl/worksheets/sheet5.xml`)."""
    with zipfile.ZipFile(BytesIO(template)) as archive:
        workbook = archive.read("xl/workbook.xml").decode("utf-8")
        rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    targets = dict(re.findall(r'<Relationship Id="([^"]+)"[^>]*?Target="([^"]+)"', rels))
    targets.update(
        {k: v for v, k in re.findall(r'<Relationship Target="([^"]+)"[^>]*?Id="([^"]+)"', rels)}
    )
    parts = {}
    for name, rel in re.findall(r'<sheet name="([^"]+)"[^>]*?r:id="([^"]+)"', workbook):
        target = targets[rel].lstrip("/")
        parts[unescape(name, {"&apos;": "'", "&quot;": '"'})] = (
            target if target.startswith("xl/") else f"xl/{target}"
        )
    return parts


def cells(fill: VsmeFill, names: dict[str, str]) -> dict[str, dict[str, CellValue]]:
    """Sheet name -> cell -> value of a fill, each cell found through its defined name."""
    placed: dict[str, dict[str, CellValue]] = defaultdict(dict)

    def put(name: str, value: CellValue, index: int = 0) -> None:
        where = area(names, name)
        placed[where.sheet][where.cell(index)] = value

    for table, rows in ((WASTE_TYPE, fill.waste), (MATERIAL_NAME, fill.materials)):
        room = area(names, table).rows
        if len(rows) > room:
            raise InputError.one(
                file="VSME template",
                message=f"{len(rows)} rows for {table}, which has room for {room}",
                fix="report the largest entries and merge the others by hand",
            )
    for index, waste in enumerate(fill.waste):
        put(WASTE_TYPE, waste.label, index)
        put(WASTE_UNIT, TONNES, index)
        put(WASTE_DIVERTED, waste.tonnes, index)
    for index, material in enumerate(fill.materials):
        put(MATERIAL_NAME, material.name, index)
        put(MATERIAL_WEIGHT, material.tonnes, index)
        put(MATERIAL_UNIT, TONNES, index)
    put(APPLIES_CIRCULARITY, YES)
    put(CIRCULARITY_TEXT, fill.circularity_text)
    put(OTHER_ENVIRONMENTAL, fill.avoided_emissions_text)
    return placed


def vsme_workbook(fill: VsmeFill, template: bytes | None = None) -> bytes:
    """The template with the fill written in; every other part byte for byte."""
    source = template_bytes() if template is None else template
    names = defined_names(source)
    parts = sheet_parts(source)
    return filled_copy(
        source, {parts[sheet]: values for sheet, values in cells(fill, names).items()}
    )


def vsme_bytes(assessment: Assessment, org: str, year: int) -> bytes:
    """`isbenefit vsme`: the filled template for ``org`` in ``year``."""
    return vsme_workbook(vsme_fill(assessment, org, year))
