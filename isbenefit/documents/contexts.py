"""Pieces every document context shares: metadata, figures, images, annex, provenance.

A document is rendered in stages: results (:class:`isbenefit.results.model.Results`)
-> context dataclass -> HTML -> PDF. Contexts hold text ready to print (numbers already formatted by
:mod:`isbenefit.documents.numbers`), so templates carry no arithmetic.
Templates see the fields of a document context as top-level names.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from isbenefit import messages
from isbenefit.documents import numbers
from isbenefit.documents.flag_text import flag_message
from isbenefit.ledger.contract import FLOW_KINDS
from isbenefit.messages import current_language, say
from isbenefit.reported import HEADLINE_KEYS, QUANTITY, SAVED_KEYS, SUPPLIED_WITH_LEDGER, flag_mark

if TYPE_CHECKING:  # the certificate's page text, which `verify` rebuilds, needs no results
    from isbenefit.results import model
    from isbenefit.results.model import Exchange, Factor, Line, Results, Source

IMAGE_SCHEME = "isbenefit-image"
FLOW_LABELS = {flow.name: flow.label for flow in FLOW_KINDS}


@dataclass(frozen=True)
class Meta:
    """PDF metadata.

    Attributes:
        title: document title (PDF Title).
        author: who the document is from (PDF Author).
        subject: one-line description (PDF Subject).
        keywords: comma-separated keywords.
        created: creation time, W3C date-time in UTC (from SOURCE_DATE_EPOCH when set).
        generator: the program that made it.
        lang: language of the text.
    """

    title: str
    author: str
    subject: str
    keywords: str
    created: str
    generator: str
    lang: str = "en"


@dataclass(frozen=True)
class Figure:
    """One headline figure.

    Attributes:
        label: what it measures.
        value: the number as printed.
        unit: its unit.
        basis: what it covers, e.g. ``annual 2024, credited share``.
    """

    label: str
    value: str
    unit: str
    basis: str


@dataclass(frozen=True)
class Image:
    """A generated image (chart, diagram, QR code) served to the renderer.

    Attributes:
        name: unique name within the document.
        title: heading printed above it.
        caption: text printed below it.
        data: the image bytes (SVG unless ``media_type`` says otherwise).
        media_type: MIME type of ``data``.
    """

    name: str
    title: str
    caption: str
    data: bytes
    media_type: str = "image/svg+xml"

    @property
    def src(self) -> str:
        """The URL the template uses; only the renderer's fetcher can resolve it."""
        return f"{IMAGE_SCHEME}:{self.name}"


@dataclass(frozen=True)
class FactorRow:
    """One factor used, for the annex.

    Attributes:
        id: activity id in the factor set.
        name: activity name.
        kind: activity kind.
        unit: reference unit.
        location: geography.
        co2e: kg CO2e per unit, as printed.
        water: m3 of water per unit, as printed.
        source: title of the source.
        source_ref: table or row within the source.
        year: data year.
        licence: licence of the source.
    """

    id: str
    name: str
    kind: str
    unit: str
    location: str
    co2e: str
    water: str
    source: str
    source_ref: str
    year: str
    licence: str


@dataclass(frozen=True)
class Provenance:
    """What the figures were computed with.

    Attributes:
        isbenefit_version: version of isbenefit that computed the results.
        factor_set: factor-set id and version.
        factor_set_title: its title.
        factor_set_licence: its licence.
        factor_set_sha256: hash of the factor-set files.
        ledger_name: file name of the ledger.
        ledger_sha256: hash of the ledger file.
        currency: report currency.
        rounding: the rounding the document applies.
    """

    isbenefit_version: str
    factor_set: str
    factor_set_title: str
    factor_set_licence: str
    factor_set_sha256: str
    ledger_name: str
    ledger_sha256: str
    currency: str
    rounding: str


@dataclass(frozen=True)
class Organisation:
    """An organisation as printed.

    Attributes:
        id: ledger id.
        name: display name (the id when the ledger gives none).
        country: ISO country code or empty.
        sme: ``yes``/``no`` or empty.
    """

    id: str
    name: str
    country: str
    sme: str


@dataclass(frozen=True)
class Credited:
    """A set of saved quantities and money, as printed (one table row's figures).

    Attributes:
        co2e_t: t CO2e avoided.
        water_m3: m3 of water saved.
        virgin_t: t of virgin material saved.
        landfill_t: t diverted from landfill.
        hazardous_t: t of hazardous waste diverted.
        money: money effect, report currency.
    """

    co2e_t: str
    water_m3: str
    virgin_t: str
    landfill_t: str
    hazardous_t: str
    money: str


# Half the P5-P95 width of each saved quantity of a figure (results keys and units); a
# figure without a Monte Carlo range gets an empty mapping (documents.ranges.spreads).
Spreads = Mapping[str, float]


def credited(saved: Mapping[str, float], money: float, spreads: Spreads | None = None) -> Credited:
    """Format a saved dict (results keys) and a money figure, each quantity rounded by the
    rule of reported figures with its spread when it has one."""
    spreads = spreads or {}
    printed = {key: numbers.quantity(key, saved[key], spreads.get(key)) for key in SAVED_KEYS}
    return Credited(
        co2e_t=printed["co2e_kg"],
        water_m3=printed["water_m3"],
        virgin_t=printed["virgin_material_t"],
        landfill_t=printed["landfill_diverted_t"],
        hazardous_t=printed["hazardous_diverted_t"],
        money=numbers.money(money),
    )


def document_time() -> datetime:
    """SOURCE_DATE_EPOCH when set (reproducible builds), else now; always UTC."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return datetime.fromtimestamp(int(epoch), tz=UTC)
    return datetime.now(tz=UTC).replace(microsecond=0)


def make_meta(results: Results, title: str, author: str, subject: str, keywords: str) -> Meta:
    created = document_time().strftime("%Y-%m-%dT%H:%M:%SZ")
    generator = f"isbenefit {results.isbenefit_version}"
    return Meta(title, author, subject, keywords, created, generator, current_language())


def headline(
    saved: Mapping[str, float],
    money: float,
    currency: str,
    basis: str,
    spreads: Spreads | None = None,
) -> tuple[Figure, ...]:
    """The headline quantities (reported.HEADLINE_KEYS), then the money delta."""
    spreads = spreads or {}
    return (
        *(quantity_figure(key, saved[key], basis, spreads.get(key)) for key in HEADLINE_KEYS),
        Figure(say(messages.MONEY_EFFECT), numbers.money(money), currency, basis),
    )


def quantity_figure(key: str, value: float, basis: str, half_width: float | None = None) -> Figure:
    """A saved quantity (results unit) as a figure, with its label and printed unit."""
    reported = QUANTITY[key]
    printed = numbers.quantity(key, value, half_width)
    return Figure(say(reported.label), printed, reported.unit, basis)


def organisation(record: model.Organisation) -> Organisation:
    from isbenefit.documents.shares import display_name

    return Organisation(
        id=record.id, name=display_name(record), country=record.country, sme=record.sme
    )


def names_by_id(results: Results) -> dict[str, str]:
    from isbenefit.documents.shares import display_name

    return {org.id: display_name(org) for org in results.organisations}


def activity_name(factors: Mapping[str, Factor], activity: str) -> str:
    factor = factors.get(activity)
    return factor.name if factor and factor.name else activity


def line_activity_name(factors: Mapping[str, Factor], line: Line) -> str:
    """A line's activity name; for a regional variant, with its country and why; for a
    fuel delivered in mass or volume, with the energy it gives."""
    name = activity_name(factors, line.activity)
    if line.conversion:
        name = f"{name} ({line.conversion})"
    if not line.variant:
        return name
    factor = factors.get(line.activity)
    location = factor.location if factor is not None else ""
    return f"{name}, {location} variant ({line.variant_reason})"


def _baseline_name(exchange: Exchange, factors: Mapping[str, Factor], role: str) -> str:
    """The baseline activity of ``role``, named as its line was scored (its variant)."""
    for line in exchange.lines:
        if line.role == role and line.variant:
            return line_activity_name(factors, line)
    return activity_name(factors, getattr(exchange, role))


def baseline_words(exchange: Exchange, factors: Mapping[str, Factor]) -> str:
    """The no-symbiosis alternative of an exchange: the whole sentences of its flow kind
    (messages.BASELINE_SENTENCES), the disposal side first."""
    disposal, supply = exchange.baseline_disposal, exchange.baseline_supply
    if not (disposal or supply):
        return say(messages.BASELINE_NONE)
    sentences = messages.BASELINE_SENTENCES.get(
        exchange.flow, messages.BASELINE_SENTENCES["material"]
    )
    said = []
    if disposal:
        name = _baseline_name(exchange, factors, "baseline_disposal")
        said.append(say(sentences["disposal"], disposal=name))
    if supply:
        ratio = exchange.substitution_ratio
        name = _baseline_name(exchange, factors, "baseline_supply")
        key = "supply" if ratio == 1 else "supply_ratio"
        said.append(say(sentences[key], supply=name, ratio=numbers.factor(ratio)))
    return " ".join(said)


def used_activities(exchanges: Iterable[Exchange]) -> list[str]:
    return sorted({line.activity for e in exchanges for line in e.lines})


def annex(
    results: Results, activities: Iterable[str]
) -> tuple[tuple[FactorRow, ...], tuple[Source, ...]]:
    """Factor rows for ``activities`` and the sources they cite."""
    sources = {s.key: s for s in results.sources}
    rows = []
    for activity in activities:
        factor = results.factors.get(activity)
        if factor is None:
            continue
        source = sources.get(factor.source)
        rows.append(
            FactorRow(
                id=activity,
                name=factor.name,
                kind=factor.kind,
                unit=factor.unit,
                location=factor.location,
                co2e=numbers.factor(factor.co2e_kg),
                water=numbers.factor(factor.water_m3),
                source=(source.title if source else "") or factor.source,
                source_ref=factor.source_ref,
                year=factor.year,
                licence=source.licence if source else "",
            )
        )
    cited = {results.factors[row.id].source for row in rows}
    source_rows = tuple(s for s in results.sources if s.key in cited)
    return tuple(rows), source_rows


def provenance(results: Results) -> Provenance:
    factor_set = results.factor_set
    return Provenance(
        isbenefit_version=results.isbenefit_version,
        factor_set=f"{factor_set.id} {factor_set.version}",
        factor_set_title=factor_set.title,
        factor_set_licence=factor_set.licence,
        factor_set_sha256=factor_set.sha256,
        ledger_name=results.ledger_name,
        ledger_sha256=results.ledger_sha256,
        currency=results.currency,
        rounding=say(messages.ROUNDING_NOTE),
    )


def images(context: object) -> Iterator[Image]:
    """Every Image held by a context's fields (directly or in a tuple)."""
    for field in fields(context):  # type: ignore[arg-type]
        value = getattr(context, field.name)
        if isinstance(value, Image):
            yield value
        elif isinstance(value, tuple):
            yield from (item for item in value if isinstance(item, Image))


def template_names(context: object) -> dict[str, Any]:
    """The context's fields as the template's top-level names."""
    return {field.name: getattr(context, field.name) for field in fields(context)}  # type: ignore[arg-type]


def supplied_figures(results: Results, exchanges: Iterable[Exchange]) -> str:
    """The figures of the ledger's own `factors` sheet the exchanges' lines use, each with
    its value and source, in one sentence ("" when none): they are marked wherever shown."""
    sources = {source.key: source for source in results.sources}
    parts = []
    for activity in used_activities(exchanges):
        factor = results.factors.get(activity)
        source = sources.get(factor.source) if factor is not None else None
        if factor is None or source is None or source.publisher != SUPPLIED_WITH_LEDGER:
            continue
        link = f", {source.url}" if source.url else ""
        parts.append(
            f"{factor.name} ({factor.id}): {numbers.factor(factor.co2e_kg)} kg CO2e/"
            f"{factor.unit}, {source.title} ({factor.year}{link})"
        )
    return "; ".join(parts)


def flag_notes(flags: tuple[model.Flag, ...]) -> tuple[str, ...]:
    """Each flag of an exchange as "MARK: note", the marks the certificate's legend uses."""
    return tuple(
        say(messages.FLAG_NOTE, mark=flag_mark(flag.code), note=flag_message(flag))
        for flag in flags
    )
