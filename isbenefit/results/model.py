"""The results JSON as typed, read-only values: what documents read of an assessment.

:func:`Results.from_results` parses the results dict (formats.md section 4 and its
extensions: exchange details, `years`, `money_by_year`, `lines`, organisation `years`,
`factors`, `sources`, `ledger`, `uncertainty`) once; every coercion of a JSON value to
the type a document needs happens here and nowhere else. Text a ledger may leave blank
is ``""``, never None. The dict itself stays the authority for anything written out as
JSON (a certificate's claim is built from :attr:`Results.source`, byte for byte).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from isbenefit.engine.core import SAVED, Party
from isbenefit.results.declared import Declared

# Saved quantities (the keys of engine.core.SAVED) -> value.
Saved = Mapping[str, float]


def _text(value: Any) -> str:
    """Optional text: ``""`` for a blank (None, empty) value, else the value as text."""
    return str(value) if value else ""


def _saved(record: Mapping[str, Any]) -> dict[str, float]:
    return {key: float(record[key]) for key in SAVED}


@dataclass(frozen=True, slots=True)
class Line:
    """One calculation line of an exchange (whole period of the exchange).

    Attributes:
        role: ``baseline_disposal``, ``baseline_supply``, ``baseline_transport``,
            ``transport`` or ``input`` (engine.core.Role labels).
        activity: activity id in the factor set.
        amount: amount of the activity, in ``unit``.
        unit: the activity's unit.
        co2e_kg: kg CO2e of the line.
        water_m3: m3 of water of the line.
        source: where the line's factor comes from (``""`` when not given).
        variant: the regional variant of the ledger's baseline activity the line is
            scored with (``""``: none).
        variant_reason: why that variant (``""``: none).
        conversion: for a fuel delivered in mass or volume, quantity x heating value x
            efficiency in words (``""``: none).
    """

    role: str
    activity: str
    amount: float
    unit: str
    co2e_kg: float
    water_m3: float
    source: str
    variant: str = ""
    variant_reason: str = ""
    conversion: str = ""

    @property
    def is_baseline(self) -> bool:
        """Whether the line belongs to the no-symbiosis baseline."""
        return self.role.startswith("baseline")

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Line:
        return cls(
            role=str(record["role"]),
            activity=str(record["activity"]),
            amount=float(record["amount"]),
            unit=str(record["unit"]),
            co2e_kg=float(record["co2e_kg"]),
            water_m3=float(record.get("water_m3") or 0.0),
            source=_text(record.get("source")),
            variant=_text(record.get("variant")),
            variant_reason=_text(record.get("variant_reason")),
            conversion=_text(record.get("conversion")),
        )


@dataclass(frozen=True, slots=True)
class Alternative:
    """Another plausible baseline of an exchange and what it gives.

    Attributes:
        name: its name in the ledger's `baselines` sheet.
        reason: why it is plausible.
        saved: every saved quantity over the exchange's period under it.
    """

    name: str
    reason: str
    saved: Saved

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Alternative:
        return cls(str(record["name"]), str(record["reason"]), _saved(record["saved"]))


@dataclass(frozen=True, slots=True)
class Flag:
    """A note on an exchange for a reviewer.

    Attributes:
        code: ``eu_ets``, ``supply_limited`` or ``region``.
        column: the ledger column (or party) it concerns.
        message: the note in a sentence.
    """

    code: str
    column: str
    message: str

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Flag:
        return cls(str(record["code"]), str(record["column"]), str(record["message"]))


@dataclass(frozen=True, slots=True)
class Money:
    """Money effects of an exchange in one year, report currency.

    Attributes:
        supplier: the supplier's money delta.
        receiver: the receiver's money delta.
        network: both together.
        additional_sales: sales the supplier makes (the price, when positive).
    """

    supplier: float
    receiver: float
    network: float
    additional_sales: float

    def of(self, party: Party) -> float:
        """The money delta of ``party``."""
        return self.supplier if party is Party.SUPPLIER else self.receiver

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Money:
        return cls(
            supplier=float(record["supplier"]),
            receiver=float(record["receiver"]),
            network=float(record["network"]),
            additional_sales=float(record["additional_sales"]),
        )


@dataclass(frozen=True, slots=True)
class Exchange:
    """One exchange: the ledger columns documents print and its computed figures.

    Attributes:
        id: exchange id.
        supplier: supplier's organisation id.
        receiver: receiver's organisation id.
        flow: flow kind (material, energy, water).
        resource: what was exchanged.
        quantity: quantity over the exchange's period, in ``unit``.
        unit: unit of the quantity.
        period_start: first day of the period, ISO date.
        period_end: last day of the period, ISO date.
        data_quality: measured, calculated or estimated (``measured`` when not given).
        evidence: where the quantity comes from (``""`` when not given).
        baseline_disposal: activity id of the supplier's usual route (``""``: none).
        baseline_supply: activity id of the receiver's usual supply (``""``: none).
        substitution_ratio: units of baseline supply replaced per unit received.
        supplier_share: share of the savings credited to the supplier.
        baseline: baseline impacts by indicator (whole period).
        symbiosis: symbiosis impacts by indicator (whole period).
        saved: saved quantities (keys of engine.core.SAVED), whole period.
        years: calendar year -> fraction of the period in that year, period order.
        money_by_year: calendar year -> money effects in that year.
        lines: the calculation lines, in role order.
        flags: notes a reviewer should weigh (EU ETS, supply-limited by-products,
            region of a baseline factor), see :mod:`isbenefit.results.flags`.
        alternatives: other plausible baselines the ledger gives for the exchange.
        conservative_baseline: the baseline its conservative figure rests on (``ledger``
            for the exchange row's own; empty without alternatives).
    """

    id: str
    supplier: str
    receiver: str
    flow: str
    resource: str
    quantity: float
    unit: str
    period_start: str
    period_end: str
    data_quality: str
    evidence: str
    baseline_disposal: str
    baseline_supply: str
    substitution_ratio: float
    supplier_share: float
    baseline: Mapping[str, float]
    symbiosis: Mapping[str, float]
    saved: Saved
    years: Mapping[str, float]
    money_by_year: Mapping[str, Money]
    lines: tuple[Line, ...]
    flags: tuple[Flag, ...] = ()
    alternatives: tuple[Alternative, ...] = ()
    conservative_baseline: str = ""

    def fraction(self, year: str) -> float:
        """Part of the exchange's period in ``year`` (0 when none)."""
        return self.years.get(year, 0.0)

    def involves(self, org_id: str) -> bool:
        return org_id in (self.supplier, self.receiver)

    def party(self, org_id: str) -> Party:
        """The side ``org_id`` is on (the receiver unless it is the supplier)."""
        return Party.SUPPLIER if self.supplier == org_id else Party.RECEIVER

    def partner(self, org_id: str) -> str:
        """Id of the organisation on the other side from ``org_id``."""
        return self.receiver if self.party(org_id) is Party.SUPPLIER else self.supplier

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Exchange:
        ratio = record.get("substitution_ratio")
        return cls(
            id=str(record["id"]),
            supplier=str(record["supplier"]),
            receiver=str(record["receiver"]),
            flow=str(record["flow"]),
            resource=str(record["resource"]),
            quantity=float(record["quantity"]),
            unit=str(record["unit"]),
            period_start=str(record["period_start"]),
            period_end=str(record["period_end"]),
            data_quality=_text(record.get("data_quality")) or "measured",
            evidence=_text(record.get("evidence")),
            baseline_disposal=_text(record.get("baseline_disposal")),
            baseline_supply=_text(record.get("baseline_supply")),
            substitution_ratio=1.0 if ratio is None else float(ratio),
            supplier_share=float(record["supplier_share"]),
            baseline={name: float(value) for name, value in record["baseline"].items()},
            symbiosis={name: float(value) for name, value in record["symbiosis"].items()},
            saved=_saved(record["saved"]),
            years={str(year): float(part) for year, part in record["years"].items()},
            money_by_year={
                str(year): Money.from_record(money)
                for year, money in record["money_by_year"].items()
                if money
            },
            lines=tuple(Line.from_record(line) for line in record["lines"]),
            flags=tuple(Flag.from_record(flag) for flag in record.get("flags", ())),
            alternatives=tuple(
                Alternative.from_record(item) for item in record.get("alternatives", ())
            ),
            conservative_baseline=_text(record.get("conservative_baseline")),
        )


@dataclass(frozen=True, slots=True)
class Figures:
    """Saved quantities and money of an organisation or of the cluster, for a year or all.

    Attributes:
        saved: saved quantities (keys of engine.core.SAVED).
        money: money delta, report currency: the organisation's own for an organisation,
            the network's (each exchange once) for the cluster.
        additional_sales: additional sales, report currency.
    """

    saved: Saved
    money: float
    additional_sales: float

    @classmethod
    def of_organisation(cls, record: Mapping[str, Any]) -> Figures:
        """An organisation's credited figures: ``money`` is a number."""
        return cls(
            _saved(record["saved"]),
            float(record["money"]),
            float(record.get("additional_sales") or 0.0),
        )

    @classmethod
    def of_cluster(cls, record: Mapping[str, Any]) -> Figures:
        """The cluster's figures: ``money`` holds ``network`` and ``additional_sales``."""
        money = record["money"]
        return cls(
            _saved(record["saved"]),
            float(money["network"]),
            float(money.get("additional_sales") or 0.0),
        )


@dataclass(frozen=True, slots=True)
class Organisation:
    """An organisation of the ledger with its credited shares per year.

    Attributes:
        id: ledger id.
        name: name (``""`` when the ledger gives none).
        country: ISO country code (``""`` when not given).
        sme: ``yes``/``no`` (``""`` when not given).
        years: calendar year -> credited figures, for the years with exchanges.
    """

    id: str
    name: str
    country: str
    sme: str
    years: Mapping[str, Figures]

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Organisation:
        return cls(
            id=str(record["id"]),
            name=_text(record.get("name")),
            country=_text(record.get("country")),
            sme=_text(record.get("sme")),
            years={
                str(year): Figures.of_organisation(figures)
                for year, figures in record.get("years", {}).items()
            },
        )


@dataclass(frozen=True, slots=True)
class Factor:
    """One factor used by the results.

    Attributes:
        id: activity id in the factor set.
        name: activity name.
        kind: activity kind.
        unit: reference unit.
        location: geography (``""`` when not given).
        co2e_kg: kg CO2e per unit.
        water_m3: m3 of water per unit.
        source: key of its source.
        source_ref: table or row within the source (``""`` when not given).
        year: data year as text (``""`` when not given).
    """

    id: str
    name: str
    kind: str
    unit: str
    location: str
    co2e_kg: float
    water_m3: float
    source: str
    source_ref: str
    year: str

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Factor:
        return cls(
            id=str(record["id"]),
            name=_text(record.get("name")),
            kind=str(record["kind"]),
            unit=str(record["unit"]),
            location=_text(record.get("location")),
            co2e_kg=float(record["co2e_kg"]),
            water_m3=float(record.get("water_m3") or 0.0),
            source=str(record["source"]),
            source_ref=_text(record.get("source_ref")),
            year=_text(record.get("year")),
        )


@dataclass(frozen=True, slots=True)
class Source:
    """A source the factors cite.

    Attributes:
        key: key used by the factor set.
        title: title of the publication.
        publisher: who publishes it.
        year: year of the edition, as text.
        url: where to find it.
        licence: its licence.
    """

    key: str
    title: str
    publisher: str
    year: str
    url: str
    licence: str

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Source:
        return cls(
            key=str(record["key"]),
            title=_text(record.get("title")),
            publisher=_text(record.get("publisher")),
            year=_text(record.get("year")),
            url=_text(record.get("url")),
            licence=_text(record.get("licence")),
        )


@dataclass(frozen=True, slots=True)
class FactorSetInfo:
    """The factor set the results were computed with.

    Attributes:
        id: factor-set id.
        version: its version.
        sha256: hash of its files.
        title: its title (``""`` when not given).
        licence: its licence (``""`` when not given).
    """

    id: str
    version: str
    sha256: str
    title: str
    licence: str

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> FactorSetInfo:
        return cls(
            id=str(record["id"]),
            version=str(record["version"]),
            sha256=str(record["sha256"]),
            title=_text(record.get("title")),
            licence=_text(record.get("licence")),
        )


@dataclass(frozen=True, slots=True)
class MonteCarloRange:
    """One figure over the Monte Carlo iterations.

    Attributes:
        deterministic: the deterministic value.
        p5: 5th percentile.
        p50: median.
        p95: 95th percentile.
        conservative: the conservative figure (the run's conservative percentile).
    """

    deterministic: float
    p5: float
    p50: float
    p95: float
    conservative: float

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> MonteCarloRange:
        return cls(
            deterministic=float(record["deterministic"]),
            p5=float(record["p5"]),
            p50=float(record["p50"]),
            p95=float(record["p95"]),
            conservative=float(record["conservative"]),
        )


# One entry of a level of the uncertainty extension: saved quantity -> its range.
Ranges = Mapping[str, MonteCarloRange]


def _level(record: Mapping[str, Any], name: str) -> dict[str, Ranges]:
    return {
        str(key): {
            quantity: MonteCarloRange.from_record(figures) for quantity, figures in entry.items()
        }
        for key, entry in record.get(name, {}).items()
    }


@dataclass(frozen=True, slots=True)
class Uncertainty:
    """The `uncertainty` extension (docs/uncertainty.md): ranges of every level.

    Attributes:
        method: how the ranges were made, in words.
        iterations: number of Monte Carlo iterations.
        seed: the random seed.
        conservative_percentile: percentile taken as the conservative figure, e.g. 5.0.
        quantity_gsd: data quality -> geometric standard deviation of quantities.
        exchanges: exchange id -> ranges over the whole period.
        organisations: organisation id -> ranges of its credited shares, all years.
        organisation_years: ``org/year`` -> ranges of its credited shares in the year.
        years: year -> ranges of the year's totals (each exchange once).
        totals: ``all`` -> ranges of the cluster totals.
        draw_scheme: how the draws were made (engine/uncertainty.py); 1 when not recorded.
    """

    method: str
    iterations: int
    seed: int
    conservative_percentile: float
    quantity_gsd: Mapping[str, float]
    exchanges: Mapping[str, Ranges]
    organisations: Mapping[str, Ranges]
    organisation_years: Mapping[str, Ranges]
    years: Mapping[str, Ranges]
    totals: Mapping[str, Ranges]
    draw_scheme: int = 1

    def level(self, name: str) -> Mapping[str, Ranges]:
        """The entries of level ``name`` (``exchanges``, ``organisation_years``, ...)."""
        levels = {
            "exchanges": self.exchanges,
            "organisations": self.organisations,
            "organisation_years": self.organisation_years,
            "years": self.years,
            "totals": self.totals,
        }
        return levels[name]

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Uncertainty:
        return cls(
            method=_text(record.get("method")),
            iterations=int(record["iterations"]),
            seed=int(record["seed"]),
            conservative_percentile=float(record["conservative_percentile"]),
            quantity_gsd={
                str(quality): float(gsd) for quality, gsd in record["quantity_gsd"].items()
            },
            exchanges=_level(record, "exchanges"),
            organisations=_level(record, "organisations"),
            organisation_years=_level(record, "organisation_years"),
            years=_level(record, "years"),
            totals=_level(record, "totals"),
            draw_scheme=int(record.get("draw_scheme", 1)),
        )


@dataclass(frozen=True, slots=True)
class Results:
    """An assessment's results as documents read them.

    Attributes:
        currency: report currency.
        ledger_name: file name of the ledger.
        ledger_sha256: hash of the ledger file.
        factor_set: the factor set used.
        isbenefit_version: version of isbenefit that computed the results.
        exchanges: every exchange, in canonical (id) order.
        organisations: every organisation, in ledger order.
        years: calendar year -> the cluster's figures (each exchange once), year order.
        totals: the cluster's figures over every year.
        factors: activity id -> factor, for every activity the lines use.
        sources: the sources those factors cite, in results order.
        uncertainty: the Monte Carlo ranges, or None when no Monte Carlo was run.
        source: the results dict this was parsed from (JSON output such as a
            certificate's claim is built from it, not from these values).
        declared: the declared jobs and money, or None when the ledger declares none.
    """

    currency: str
    ledger_name: str
    ledger_sha256: str
    factor_set: FactorSetInfo
    isbenefit_version: str
    exchanges: tuple[Exchange, ...]
    organisations: tuple[Organisation, ...]
    years: Mapping[str, Figures]
    totals: Figures
    factors: Mapping[str, Factor]
    sources: tuple[Source, ...]
    uncertainty: Uncertainty | None
    source: Mapping[str, Any] = field(repr=False, compare=False)
    declared: Declared | None = None

    @classmethod
    def from_results(cls, results: Mapping[str, Any]) -> Results:
        """Parse a results dict (formats.md section 4 and its extensions)."""
        uncertainty = results.get("uncertainty")
        factors = (Factor.from_record(record) for record in results["factors"])
        return cls(
            currency=str(results["currency"]),
            ledger_name=str(results["ledger"]["name"]),
            ledger_sha256=str(results["ledger"]["sha256"]),
            factor_set=FactorSetInfo.from_record(results["factor_set"]),
            isbenefit_version=str(results["isbenefit_version"]),
            exchanges=tuple(Exchange.from_record(record) for record in results["exchanges"]),
            organisations=tuple(
                Organisation.from_record(record) for record in results["organisations"]
            ),
            years={
                str(year): Figures.of_cluster(figures) for year, figures in results["years"].items()
            },
            totals=Figures.of_cluster(results["totals"]),
            factors={factor.id: factor for factor in factors},
            sources=tuple(Source.from_record(record) for record in results["sources"]),
            uncertainty=Uncertainty.from_record(uncertainty) if uncertainty else None,
            source=results,
            declared=Declared.from_record(results["declared"]) if "declared" in results else None,
        )


def with_uncertainty(results: Results, uncertainty: Mapping[str, Any]) -> Results:
    """``results`` with another run's `uncertainty` extension, parsing only that part."""
    return replace(
        results,
        uncertainty=Uncertainty.from_record(uncertainty),
        source={**results.source, "uncertainty": uncertainty},
    )


def as_results(results: Results | Mapping[str, Any]) -> Results:
    """``results`` itself when already parsed, else the parsed results dict."""
    return results if isinstance(results, Results) else Results.from_results(results)
