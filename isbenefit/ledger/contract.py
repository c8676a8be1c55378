"""The ledger contract of docs/formats.md section 1, written once.

Every sheet, its columns in order, each column's type (text, number, date, yes/no, enum),
what it accepts (bounds, default, the list of an enum), the help the template shows on
its header, the flows, the units and the years a ledger may name. The reader, the rules,
the template, the service's forms and API, the results workbook and a test of
docs/formats.md all derive from these tables: a new column or sheet is one entry here.

Checks that are more than a column's type and bounds (the period, the two parties,
transport pairs, the List of Waste) stay in :mod:`.rules` and :mod:`.waste`.

To add a column, add its :class:`Column` to its sheet and its row to docs/formats.md (a
test compares the two). A column marked ``extra`` reaches the results only in ledgers
that have it, so other ledgers keep their results byte for byte; any other new exchanges
column is echoed in every exchange of the results JSON. To add a sheet, add its
:class:`Sheet` to :data:`SHEETS`: it is read, typed and checked into
``CheckedSheets.others`` without a rule of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from isbenefit.messages import LANGUAGES, N_
from isbenefit.reported import DECLARED_KEYS
from isbenefit.scoring.bounds import MAX_EFFICIENCY
from isbenefit.units import FREIGHT_UNIT, UNITS

# Column types, as docs/formats.md names them.
TEXT = "text"
NUMBER = "number"
DATE = "date"
YES_NO = "yes/no"
ENUM = "enum"
KINDS = (TEXT, NUMBER, DATE, YES_NO, ENUM)

# The calendar years a ledger's rates, a requested document and a closed year may name.
FIRST_YEAR = 1900
LAST_YEAR = 2200
YEARS = (FIRST_YEAR, LAST_YEAR)


@dataclass(frozen=True)
class Flow:
    """A kind of flow an exchange moves, with the label documents print and the colour
    their network drawings give it."""

    name: str
    label: str
    colour: str


FLOW_KINDS = (  # labels are translated where printed (isbenefit.messages.say)
    Flow("material", N_("Material"), "#0f766e"),
    Flow("energy", N_("Energy"), "#c2610c"),
    Flow("water", N_("Water"), "#2563eb"),
)
FLOWS = tuple(flow.name for flow in FLOW_KINDS)
DATA_QUALITY = ("measured", "calculated", "estimated")
YES_NO_VALUES = ("yes", "no")
# Waste Framework Directive 2008/98/EC, articles 3, 5 and 6.
LEGAL_STATUSES = ("waste", "by-product", "end-of-waste")
# Recovery (Annex II) and disposal (Annex I) operations of the Directive.
RECOVERY_OPERATIONS = (
    *(f"R{n}" for n in range(1, 14)),
    *(f"D{n}" for n in range(1, 16)),
)
# The units of a ledger's quantities: all of isbenefit.units but freight, which only
# transport activities have; an input may name a transport activity, so it takes freight.
LEDGER_UNITS = tuple(unit for unit in UNITS if unit != FREIGHT_UNIT)
INPUT_UNITS = UNITS

# Closed lists: the only values a column of the enum accepts (case-insensitive).
ENUMS: dict[str, tuple[str, ...]] = {
    "flow": FLOWS,
    "data_quality": DATA_QUALITY,
    "yes_no": YES_NO_VALUES,
    "legal_status": LEGAL_STATUSES,
    "recovery_operation": RECOVERY_OPERATIONS,
    # Social and economic figures of the sheet `declared` (reported.DECLARED_FIGURES).
    "declared_figure": DECLARED_KEYS,
    # The languages of isbenefit's documents (docs/translations.md).
    "language": LANGUAGES,
    # Kinds of an activity (docs/formats.md section 2), for the ledger's own factors.
    "factor_kind": (
        "production",
        "landfill",
        "incineration",
        "treatment",
        "energy",
        "water",
        "transport",
    ),
}
# Open lists, filled from data at run time: what a column is checked against.
OPEN_LISTS = {
    "activity": "the factor set's activity ids",
    "organisation": "the ids of the organisations sheet",
    "exchange": "the ids of the exchanges sheet",
    "unit": "LEDGER_UNITS",
    "input_unit": "INPUT_UNITS",
    "currency": "ISO 4217 codes; those with shipped rates offered",
    "ewc_code": "the European List of Waste (isbenefit/data/ewc_codes.csv)",
}

LEFT_OUT = "none"  # in the baselines sheet: an activity of the exchange row left out
LEDGER_BASELINE = "ledger"  # the name the exchange row's own baseline goes by


@dataclass(frozen=True)
class Column:
    """One column of a sheet.

    Attributes:
        name: the header, lower case.
        kind: one of :data:`KINDS`.
        meaning, unit, example: the help on the template's header.
        required: the column must be there with a value in every row.
        choices: the list of values it takes: a key of :data:`ENUMS` (checked against
            it) or of :data:`OPEN_LISTS` (checked elsewhere; the template offers it).
        default: the value of a blank cell (None: NaN for a number, "" otherwise).
        minimum, maximum, positive: bounds of a number (``positive``: greater than 0).
        money: an amount in the row's currency.
        extra: read only when the ledger has it, and then passed to the results with
            the user's own columns (the waste columns): a ledger without it keeps its
            results byte for byte.
        suggested: the template's drop-down only suggests its list (other values may be
            typed, e.g. a currency with a rates row).
    """

    name: str
    kind: str
    meaning: str
    unit: str = ""
    example: str = ""
    required: bool = False
    choices: str = ""
    default: float | str | None = None
    minimum: float | None = None
    maximum: float | None = None
    positive: bool = False
    money: bool = False
    extra: bool = False
    suggested: bool = False

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"column {self.name}: unknown kind {self.kind!r}")
        if self.choices and self.choices not in ENUMS and self.choices not in OPEN_LISTS:
            raise ValueError(f"column {self.name}: unknown list {self.choices!r}")

    @property
    def decimal_comma(self) -> bool:
        """Whether a `;`-delimited CSV may write it with a decimal comma."""
        return self.kind == NUMBER

    @property
    def values(self) -> tuple[str, ...]:
        """The closed list the column accepts; () for any other column."""
        return ENUMS.get(self.choices, ())

    @property
    def number_default(self) -> float:
        """The value of a blank cell of a number column."""
        return float("nan") if self.default is None else float(self.default)


@dataclass(frozen=True)
class Sheet:
    """A sheet of the ledger: its columns in order; ``template_position`` orders the
    template's sheets (the exchanges sheet first)."""

    name: str
    columns: tuple[Column, ...]
    template_position: int
    required: bool = False
    by_name: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {c.name: c for c in self.columns})

    def __getitem__(self, name: str) -> Column:
        return self.by_name[name]

    @property
    def names(self) -> tuple[str, ...]:
        """Every column of the contract, the optional extra ones last."""
        return tuple(c.name for c in self.columns)

    @property
    def fixed(self) -> tuple[str, ...]:
        """The columns every checked table of the sheet has (all but the extra ones)."""
        return tuple(c.name for c in self.columns if not c.extra)

    @property
    def required_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    def of_kind(self, kind: str) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.kind == kind)

    def listing(self, choices: str) -> tuple[str, ...]:
        """The columns whose values come from the list ``choices``."""
        return tuple(c.name for c in self.columns if c.choices == choices)


def _text(name: str, meaning: str, example: str, **options: Any) -> Column:
    return Column(name, TEXT, meaning, example=example, **options)


def _activity(name: str, meaning: str, example: str, **options: Any) -> Column:
    return Column(name, TEXT, meaning, example=example, choices="activity", **options)


def _number(name: str, meaning: str, unit: str, example: str, **options: Any) -> Column:
    return Column(name, NUMBER, meaning, unit, example, **options)


def _money(name: str, meaning: str, example: str, minimum: float | None = 0.0) -> Column:
    return Column(
        name,
        NUMBER,
        meaning,
        "the currency column",
        example,
        default=0.0,
        minimum=minimum,
        money=True,
    )


def _yes_no(name: str, meaning: str, example: str, default: str = "") -> Column:
    return Column(name, YES_NO, meaning, example=example, choices="yes_no", default=default)


def _either(values: tuple[str, ...]) -> str:
    return ", ".join(values[:-1]) + " or " + values[-1]


_QUANTITY_UNIT = "the unit column"
_RATIO_UNIT = "baseline_supply's unit per unit"

EXCHANGES = Sheet(
    "exchanges",
    (
        _text("id", "unique id of the exchange", "E2024-01", required=True),
        Column("period_start", DATE, "first day of the period the quantity covers", "date",
               "2024-01-01", required=True),
        Column("period_end", DATE, "last day of the period the quantity covers (inclusive)",
               "date", "2024-12-31", required=True),
        _text("supplier", "id of the organisation that gives the resource", "POWERPLANT",
              required=True, choices="organisation"),
        _text("receiver", "id of the organisation that takes it; not the supplier",
              "BOARDMILL", required=True, choices="organisation"),
        Column("flow", ENUM, f"what moves: {_either(FLOWS)}", example="material",
               required=True, choices="flow", default=""),
        _text("resource", "what the resource is, in words", "FGD gypsum", required=True),
        _number("quantity", "amount exchanged over the whole period, greater than 0",
                _QUANTITY_UNIT, "1200", required=True, positive=True),
        Column("unit", ENUM, "unit of quantity: mass, energy or volume", example="t",
               required=True, choices="unit"),
        Column("data_quality", ENUM, "how the quantity is known: measured (default), "
               "calculated or estimated", example="measured", choices="data_quality",
               default="measured"),
        _activity("baseline_disposal", "activity id: what the supplier would have done with "
                  "it otherwise (landfill, incineration, treatment)", "landfill.inert"),
        _activity("baseline_supply", "activity id: what the receiver would have used instead "
                  "(virgin material, fossil heat, mains water); give this, baseline_disposal "
                  "or both", "prod.gypsum"),
        _number("substitution_ratio", "units of baseline_supply replaced per unit exchanged; "
                "default 1", _RATIO_UNIT, "0.9", default=1.0, positive=True),
        _number("baseline_efficiency", "efficiency of the receiver's real boiler, when "
                "baseline_supply is boiler heat; in (0, 1.2]", "fraction", "0.85",
                positive=True, maximum=MAX_EFFICIENCY),
        _number("mass_t", "mass moved, when unit is not a mass (needed for transport)", "t",
                "15", positive=True),
        _activity("transport_mode", "activity id of the transport that moves the resource",
                  "transport.road"),
        _number("transport_km", "one-way distance the resource travels", "km", "35",
                minimum=0.0),
        _activity("baseline_transport_mode", "activity id of the haulage of the displaced "
                  "supply", "transport.road"),
        _number("baseline_transport_km", "one-way distance of the displaced supply", "km",
                "120", minimum=0.0),
        _number("supplier_share", "share of the savings credited to the supplier; the "
                "receiver gets the rest; default 0.5", "0 to 1", "0.5", default=0.5,
                minimum=0.0, maximum=1.0),
        _yes_no("hazardous", "yes if the resource is hazardous waste; default no", "no",
                default="no"),
        _money("price", "money the receiver pays the supplier for the period (negative: the "
               "supplier pays a gate fee)", "15000", minimum=None),
        _money("supplier_avoided_cost", "disposal cost the supplier no longer pays", "40000"),
        _money("supplier_extra_cost", "supplier's extra cost (preparation, transport it "
               "pays)", "5000"),
        _money("receiver_avoided_cost", "purchase cost the receiver no longer pays", "30000"),
        _money("receiver_extra_cost", "receiver's extra cost (handling, processing, "
               "transport it pays)", "2000"),
        Column("currency", ENUM, "ISO 4217 code of every money column of the row; default: "
               "the report currency", example="EUR", choices="currency", suggested=True),
        _text("evidence", "where the quantity comes from", "weighbridge tickets 2024"),
        Column("ewc_code", ENUM, "European List of Waste entry of the resource (hazardous "
               "entries end in *, and need hazardous = yes)", example="10 01 05",
               choices="ewc_code", extra=True, suggested=True),
        Column("legal_status", ENUM, "waste, by-product or end-of-waste (Waste Framework "
               "Directive)", example="by-product", choices="legal_status", default="",
               extra=True),
        Column("recovery_operation", ENUM, "recovery (R1-R13) or disposal (D1-D15) "
               "operation of the Waste Framework Directive", example="R5",
               choices="recovery_operation", extra=True),
        # Fuels as delivered (ledger/fuels.py): text, since a heating value has its units
        # and both are read there, a decimal comma included.
        _text("heating_value", "a fuel delivered in mass or volume: a fuel of the factor "
              "set's heating values (isbenefit factors show FUEL) or a number with its units; "
              "the quantity becomes energy for baseline_supply", "wood_chips or 3.6 MWh/t",
              extra=True),
        _text("conversion_efficiency", "useful energy out per energy in at the receiver, in "
              "(0, 1]; with heating_value, or a quantity in energy units; default 1", "0.85",
              extra=True),
    ),
    template_position=0,
    required=True,
)  # fmt: skip

INPUTS = Sheet(
    "inputs",
    (
        _text("exchange", "id of the exchange this input serves", "E2024-01", required=True),
        _activity("activity", "activity id of what the exchange takes (electricity for "
                  "pumping, drying heat, chemicals)", "electricity.dk", required=True),
        _number("quantity", "amount over the exchange's whole period", _QUANTITY_UNIT,
                "5000", required=True, positive=True),
        Column("unit", ENUM, "unit of quantity, convertible to the activity's unit",
               example="kWh", required=True, choices="input_unit"),
        _text("note", "free text", "pump at the gypsum silo"),
    ),
    template_position=1,
)  # fmt: skip

ORGANISATIONS = Sheet(
    "organisations",
    (
        _text("id", "unique id, as used in the exchanges sheet", "POWERPLANT", required=True),
        _text("name", "display name", "Asnæs Power Station"),
        _text("country", "ISO 3166-1 alpha-2 country code", "DK"),
        _text("nace", "NACE rev. 2 code", "35.11"),
        _yes_no("sme", "yes if the organisation is a small or medium-sized enterprise", "no"),
        _yes_no("eu_ets", "yes if it runs an installation under the EU Emissions Trading "
                "System", "yes"),
        Column("language", ENUM, "language of its statements and certificates made by "
               "`statements` and `certificates` (--lang overrides it); blank: English",
               example="pl", choices="language", extra=True),
    ),
    template_position=2,
)  # fmt: skip

_REPLACES = "replaces the exchange row's; blank: as in the row"
_REPLACES_ACTIVITY = "activity id replacing the exchange row's; blank: as in the row; "
BASELINES = Sheet(
    "baselines",
    (
        _text("exchange", "id of the exchange this other baseline belongs to", "E2024-01",
              required=True),
        _text("name", "short name, unique within the exchange; not 'ledger'", "incineration",
              required=True),
        _text("reason", "why this baseline is plausible", "the municipal plant takes it too",
              required=True),
        _activity("baseline_disposal", _REPLACES_ACTIVITY + "none: left out",
                  "incineration.mixed_waste", suggested=True),
        _activity("baseline_supply", _REPLACES_ACTIVITY + "none: left out", "none",
                  suggested=True),
        _number("substitution_ratio", _REPLACES, _RATIO_UNIT, "1", positive=True),
        _number("baseline_efficiency", _REPLACES, "fraction", "0.9", positive=True,
                maximum=MAX_EFFICIENCY),
        _activity("baseline_transport_mode", _REPLACES_ACTIVITY + "none: left out",
                  "transport.rail", suggested=True),
        _number("baseline_transport_km", _REPLACES, "km", "200", minimum=0.0),
    ),
    template_position=3,
)  # fmt: skip

RATES = Sheet(
    "rates",
    (
        Column("currency", ENUM, "ISO 4217 code", example="DKK", required=True,
               choices="currency", suggested=True),
        _number("year", "calendar year", "", "2024", required=True, minimum=FIRST_YEAR,
                maximum=LAST_YEAR),
        _number("per_eur", "units of the currency per 1 EUR in that year; overrides the "
                "shipped rate", "", "7.4589", required=True, positive=True),
    ),
    template_position=4,
)  # fmt: skip

# The cluster's own factors (ledger/own_factors.py): a published local figure used where
# an activity id is, supplied with the ledger and marked so wherever it is shown.
FACTORS = Sheet(
    "factors",
    (
        _text("id", "id of the factor, used like an activity id; not one of the factor "
              "set's ids", "dh.vilnius_2024", required=True),
        _text("name", "what the factor stands for", "district heat, Vilnius network 2024",
              required=True),
        Column("unit", ENUM, "unit the factor is per (as a ledger quantity, or tkm)",
               example="kWh", required=True, choices="input_unit"),
        _number("co2e_kg", "kg CO2e per unit", "kg CO2e per unit", "0.095", required=True,
                minimum=0.0),
        _number("water_m3", "freshwater consumed per unit; blank 0", "m3 per unit", "0",
                default=0.0, minimum=0.0),
        _number("gsd", "geometric standard deviation of the factor; blank: 1.2", "", "1.2",
                default=1.2, minimum=1.0),
        _text("location", "ISO 3166-1 alpha-2 country of the figure", "LT"),
        _text("source", "who publishes the figure and where (title, publisher)",
              "Vilniaus silumos tinklai, heat supply declaration 2024", required=True),
        _text("source_ref", "table, row or page within the source", "table 2, row 1"),
        _number("year", "data year", "", "2024", required=True, minimum=FIRST_YEAR,
                maximum=LAST_YEAR),
        _text("evidence", "where a reviewer finds the source (link, file, document no.)",
              "https://example.lt/declaration-2024.pdf", required=True),
        Column("kind", ENUM, "production, landfill, incineration, treatment, energy, water or "
               "transport; blank: transport for tkm, energy for energy units, else "
               "production", example="energy", choices="factor_kind", default=""),
    ),
    template_position=5,
)  # fmt: skip

# Declared social and economic figures (ledger/declared.py): jobs and money the programme
# tracks, per exchange or per organisation-year, each declared by someone with evidence.
DECLARED = Sheet(
    "declared",
    (
        Column("figure", ENUM, f"what is declared: {_either(DECLARED_KEYS)}",
               example="jobs_created", required=True, choices="declared_figure", default=""),
        _number("amount", "how much: full-time equivalents for jobs, money in the row's "
                "currency for the others", "FTE, or the currency column", "2.5",
                required=True, minimum=0.0),
        _text("exchange", "id of the exchange the figure arises from; blank: a figure of the "
              "organisation in the year", "E2024-01", choices="exchange"),
        _text("organisation", "with an exchange: the party credited with all of it (blank: "
              "both, by the exchange's supplier share); without: whose figure it is",
              "BOARDMILL", choices="organisation"),
        _number("year", "calendar year; required without an exchange; with one: the year "
                "all of it falls in (blank: split as the exchange's days)", "", "2024",
                minimum=FIRST_YEAR, maximum=LAST_YEAR),
        Column("currency", ENUM, "ISO 4217 code of a money figure; default: the report "
               "currency; blank for jobs", example="EUR", choices="currency", suggested=True),
        _text("label", "what other_money is (required for it)", "public grant"),
        _text("declared_by", "who declares it: the organisation's id, or a named verifier",
              "BOARDMILL", required=True),
        _text("evidence", "where a reviewer finds it (payroll record, contract, link)",
              "HR record 2024-17", required=True),
    ),
    template_position=6,
)  # fmt: skip

# The order sheets are read in (and named in messages).
SHEETS: dict[str, Sheet] = {
    sheet.name: sheet
    for sheet in (ORGANISATIONS, EXCHANGES, INPUTS, RATES, BASELINES, FACTORS, DECLARED)
}
SHEET_NAMES = tuple(SHEETS)


def template_order() -> tuple[Sheet, ...]:
    return tuple(sorted(SHEETS.values(), key=lambda sheet: sheet.template_position))


def number_columns() -> frozenset[str]:
    """Names of the number columns of any sheet."""
    return frozenset(name for sheet in SHEETS.values() for name in sheet.of_kind(NUMBER))


def decimal_comma_columns() -> frozenset[str]:
    """Names of the columns, in any sheet, a `;`-delimited CSV may write with a decimal
    comma."""
    return frozenset(c.name for sheet in SHEETS.values() for c in sheet.columns if c.decimal_comma)
