"""ESRS E5 datapoints one organisation's exchanges support (Delegated Regulation (EU)
2023/2772, Annex I, ESRS E5), for a large undertaking taking part in industrial symbiosis.

- E5-4 resource inflows, §31(c): the secondary materials it received (weight; share of
  its overall material inflow of §31(a) when that is given, which the ledger does not know).
- E5-5 resource outflows, §37(b): the waste it supplied that its partners recovered, by
  recovery type ((i) preparing for reuse, (ii) recycling, (iii) other recovery) and
  hazardous or not; §37(c): waste it supplied to a disposal operation, by type;
  §38(a): the waste streams (List of Waste entries).
- §32 and §40: the method disclosure (what the figures cover and what is assumed).

These are parts of the undertaking's totals, never the totals: E5-5 §37(a) (all waste
generated) and §37(d) (non-recycled waste) need every waste stream, not only the ones
leaving through recorded exchanges. docs/reporting.md gives the mapping and its sources.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from isbenefit import messages
from isbenefit.messages import SOURCE_LANGUAGE, language, say
from isbenefit.reporting.flows import (
    DISPOSAL,
    INCINERATION,
    LANDFILL,
    OTHER_DISPOSAL,
    OTHER_RECOVERY,
    RECYCLING,
    Flow,
    OrganisationYear,
    organisation_year,
)

if TYPE_CHECKING:
    from isbenefit.api import Assessment

SCHEMA = "isbenefit.esrs-e5/1"
HAZARD_SPLITS = (("hazardous", True), ("non-hazardous", False))


@dataclass(frozen=True)
class Datapoint:
    """One figure with its ESRS place. ``value`` None: the ledger cannot support it."""

    paragraph: str  # `E5-5 §37(b)(ii)`
    label: str
    breakdown: str  # `hazardous`, `non-hazardous`, `total`, or a resource / waste stream
    value: float | str | None
    unit: str  # `t`, `%`, or "" for text
    exchanges: tuple[str, ...]
    note: str = ""


@dataclass(frozen=True)
class EsrsReport:
    org: str
    name: str
    year: int
    datapoints: tuple[Datapoint, ...]
    method: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "organisation": {"id": self.org, "name": self.name},
            "year": self.year,
            "datapoints": [
                {**asdict(point), "exchanges": list(point.exchanges)} for point in self.datapoints
            ],
            "method": self.method,
        }


def _sum(flows: Iterable[Flow]) -> tuple[float, tuple[str, ...]]:
    chosen = [f for f in flows if f.tonnes is not None]
    return float(round(sum(f.tonnes or 0.0 for f in chosen), 6)), tuple(f.exchange for f in chosen)


def esrs_report(
    assessment: Assessment,
    org: str,
    year: int,
    materials_used_t: float | None = None,
    lang: str = SOURCE_LANGUAGE,
) -> EsrsReport:
    """The E5 datapoints of ``org`` in ``year``; ``materials_used_t`` is its overall
    material inflow (E5-4 §31(a)), for the share of secondary materials. Labels, notes and
    the method are in ``lang``; keys, paragraphs and breakdowns stay as ESRS writes them."""
    flows = organisation_year(assessment, org, year)
    with language(lang):
        points = [*_inflows(flows, materials_used_t), *_outflows(flows)]
        return EsrsReport(org, flows.name, year, tuple(points), method_text(flows))


def _inflows(flows: OrganisationYear, materials_used_t: float | None) -> list[Datapoint]:
    weight, ids = _sum(flows.received)
    label = say(messages.ESRS_SECONDARY)
    points = [Datapoint("E5-4 §31(c)", label, "total", weight, "t", ids)]
    if materials_used_t is not None and materials_used_t > 0:
        share: float | None = round(100.0 * weight / materials_used_t, 6)
        note = say(messages.ESRS_SHARE_OF, tonnes=f"{materials_used_t:g}")
    else:
        share, note = None, say(messages.ESRS_SHARE_NEEDS)
    share_label = say(messages.ESRS_SECONDARY_SHARE)
    points.append(Datapoint("E5-4 §31(c)", share_label, "total", share, "%", ids, note))
    for resource in sorted({f.resource for f in flows.received}):
        weight, ids = _sum(f for f in flows.received if f.resource == resource)
        points.append(Datapoint("E5-4 §31(c)", label, resource, weight, "t", ids))
    return points


def _outflows(flows: OrganisationYear) -> list[Datapoint]:
    waste = [f for f in flows.supplied if f.is_waste]
    points = []
    diverted = [f for f in waste if f.treatment in (RECYCLING, OTHER_RECOVERY)]
    for split, hazardous in HAZARD_SPLITS:
        weight, ids = _sum(f for f in diverted if f.hazardous == hazardous)
        points.append(
            Datapoint("E5-5 §37(b)", say(messages.ESRS_DIVERTED), split, weight, "t", ids)
        )
    for split, _ in HAZARD_SPLITS:
        points.append(
            Datapoint(
                "E5-5 §37(b)(i)",
                say(messages.ESRS_REUSE),
                split,
                None,
                "t",
                (),
                say(messages.ESRS_REUSE_NOTE),
            )
        )
    for paragraph, kind, label in (
        ("E5-5 §37(b)(ii)", RECYCLING, messages.ESRS_RECYCLING),
        ("E5-5 §37(b)(iii)", OTHER_RECOVERY, messages.ESRS_OTHER_RECOVERY),
        ("E5-5 §37(c)(i)", INCINERATION, messages.ESRS_INCINERATION),
        ("E5-5 §37(c)(ii)", LANDFILL, messages.ESRS_LANDFILL),
        ("E5-5 §37(c)(iii)", OTHER_DISPOSAL, messages.ESRS_OTHER_DISPOSAL),
    ):
        for split, hazardous in HAZARD_SPLITS:
            weight, ids = _sum(f for f in waste if f.treatment == kind and f.hazardous == hazardous)
            points.append(Datapoint(paragraph, say(label), split, weight, "t", ids))
    disposal, ids = _sum(f for f in waste if f.treatment in DISPOSAL)
    points.append(
        Datapoint("E5-5 §37(c)", say(messages.ESRS_DISPOSAL), "total", disposal, "t", ids)
    )
    streams = sorted({f.ewc_code for f in waste if f.ewc_code})
    points.append(
        Datapoint(
            "E5-5 §38(a)",
            say(messages.ESRS_STREAMS),
            "total",
            ", ".join(streams) if streams else None,
            "",
            tuple(f.exchange for f in waste if f.ewc_code),
            "" if streams else say(messages.ESRS_NO_EWC),
        )
    )
    not_waste = [f for f in flows.supplied if not f.is_waste]
    weight, ids = _sum(not_waste)
    points.append(
        Datapoint(
            "E5-5 §35",
            say(messages.ESRS_NOT_WASTE),
            "total",
            weight,
            "t",
            ids,
            say(messages.ESRS_NOT_WASTE_NOTE),
        )
    )
    return points


def method_text(flows: OrganisationYear) -> str:
    """The methodology disclosure (E5-4 §32, E5-5 §40)."""
    absent = [
        c
        for c in ("ewc_code", "legal_status", "recovery_operation")
        if c not in flows.waste_columns
    ]
    assumed = (
        " "
        + say(
            messages.ESRS_ABSENT,
            columns=", ".join(absent),
            consequences="; ".join(say(messages.ESRS_ABSENT_CONSEQUENCES[c]) for c in absent),
        )
        if absent
        else ""
    )
    method = say(
        messages.ESRS_METHOD,
        name=flows.name,
        year=flows.year,
        version=flows.isbenefit_version,
        factor_set=flows.factor_set,
    )
    return method + assumed


def datapoint_rows(report: EsrsReport) -> list[dict[str, Any]]:
    """One dict per datapoint, for the terminal and the workbook."""
    return [
        {
            "paragraph": p.paragraph,
            "datapoint": p.label,
            "breakdown": p.breakdown,
            "value": p.value,
            "unit": p.unit,
            "exchanges": ", ".join(p.exchanges),
            "note": p.note,
        }
        for p in report.datapoints
    ]


def esrs_workbook_bytes(report: EsrsReport) -> bytes:
    """The datapoints and the method as a workbook (fixed timestamps: same report, same
    bytes); text cells neutralised as every isbenefit workbook's are."""
    from openpyxl import Workbook

    from isbenefit.workbooks import neutralised, workbook_bytes

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "E5 datapoints"
    rows = datapoint_rows(report)
    columns = ["paragraph", "datapoint", "breakdown", "value", "unit", "exchanges", "note"]
    sheet.append(columns)
    for row in rows:
        sheet.append([neutralised(v) if isinstance(v, str) else v for v in row.values()])
    about = workbook.create_sheet("method")
    about.append(["organisation", neutralised(report.org)])
    about.append(["name", neutralised(report.name)])
    about.append(["year", report.year])
    about.append(["method (E5-4 §32, E5-5 §40)", neutralised(report.method)])
    return workbook_bytes(workbook)
