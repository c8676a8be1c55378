"""The statement's and the report's sentences, and those every document shares (figures,
calculation lines, baselines, flags, declared jobs and money)."""

from __future__ import annotations

from isbenefit.messages.translation import N_, N_n

# Figures of the statement, certificate and report.
MONEY_EFFECT = N_("Money effect")
# Calculation lines, by engine.core.Role label.
ROLE_WORDS = {
    "baseline_disposal": N_("Supplier's usual route (avoided)"),
    "baseline_supply": N_("Receiver's usual supply (avoided)"),
    "baseline_transport": N_("Haulage of the usual supply (avoided)"),
    "transport": N_("Transport of the exchanged stream"),
    "input": N_("Input needed to make the exchange work"),
}
ROUNDING_NOTE = N_(
    "Rounding: each figure to the second significant digit of its uncertainty (half its "
    "P5-P95 range) when it was analysed, otherwise to three significant digits, never "
    "finer than 2 decimals of a tonne or 1 of a m\u00b3, its range to the same digit; money "
    "to whole units of the report currency. Calculation lines: amounts to 2 decimals, "
    "CO\u2082e to 3 decimals of a tonne; factors to 6 significant digits. Figures are rounded "
    "after summing, so rounded parts need not add up to the rounded total."
)
STATED_ROUNDING_NOTE = N_(
    "Rounding: each stated figure to the second significant digit of its uncertainty "
    "(half its P5-P95 range), without a Monte Carlo run to three significant digits, never "
    "finer than 2 decimals of a tonne or 1 of a m\u00b3; money to whole units."
)
WORKBOOK_UNITS = N_(
    "Columns ending in co2e_kg are kg CO2e (saved figures rounded as the rounding says, "
    "baseline and symbiosis to 10 kg, calculation lines to 1 kg), _t tonnes, water_m3 "
    "cubic metres. Money columns are in the report currency; ledger_currency is the "
    "currency the ledger row's money was given in."
)
PERIOD = N_("{start} \u2013 {end}")
BASIS_CREDITED = N_("annual {year}, credited share")
BASIS_CLUSTER = N_("annual {year}, each exchange counted once")

# An organisation's role in an exchange, and what it is credited (statement).
ROLE_NAMES = {"supplier": N_("supplier"), "receiver": N_("receiver")}
ROLE_CREDITED = {
    "supplier": N_("you are supplier, credited {share}"),
    "receiver": N_("you are receiver, credited {share}"),
}
SHARE_LINE = {
    "supplier": N_(
        "\u00d7 share credited to you as supplier ({share}) = credited CO\u2082e, {year}"
    ),
    "receiver": N_(
        "\u00d7 share credited to you as receiver ({share}) = credited CO\u2082e, {year}"
    ),
}
DATA_QUALITY_WORDS = {
    "measured": N_("measured"),
    "calculated": N_("calculated"),
    "estimated": N_("estimated"),
    "not stated": N_("not stated"),
}
# The page numbers of a document's footer (style.css in English).
PAGE_OF_PAGES = N_("Page {page} of {pages}")
# Where the documents are in a language other than English.
UNREVIEWED_TRANSLATION = N_(
    "This translation was made by machine by the isbenefit project and has not been "
    "reviewed by a native speaker; the English document is the reference."
)

# The no-symbiosis alternative of an exchange (statement): one whole sentence per flow kind
# and side, so that an activity's catalogue name ("Food and drink waste to landfill") is
# only ever quoted as the name it is, never made part of the sentence's grammar. An
# exchange with both sides gives the disposal sentence, then the supply sentence.
BASELINE_SENTENCES = {
    "material": {
        "disposal": N_(
            "Without the exchange, the supplier would have disposed of the material "
            "(scored as: {disposal})."
        ),
        "supply": N_(
            "Without the exchange, the receiver would have used other material instead "
            "(scored as: {supply})."
        ),
        "supply_ratio": N_(
            "Without the exchange, the receiver would have used other material instead, "
            "{ratio} units per unit received (scored as: {supply})."
        ),
    },
    "energy": {
        "disposal": N_(
            "Without the exchange, the supplier would have got rid of this energy unused "
            "(scored as: {disposal})."
        ),
        "supply": N_(
            "Without the exchange, the receiver would have produced or bought this energy "
            "elsewhere (scored as: {supply})."
        ),
        "supply_ratio": N_(
            "Without the exchange, the receiver would have produced or bought this energy "
            "elsewhere, {ratio} units per unit received (scored as: {supply})."
        ),
    },
    "water": {
        "disposal": N_(
            "Without the exchange, the supplier would have discharged this water "
            "(scored as: {disposal})."
        ),
        "supply": N_(
            "Without the exchange, the receiver would have drawn this water from another "
            "source (scored as: {supply})."
        ),
        "supply_ratio": N_(
            "Without the exchange, the receiver would have drawn this water from another "
            "source, {ratio} units per unit received (scored as: {supply})."
        ),
    },
}
BASELINE_NONE = N_("No baseline given.")
ALTERNATIVE = N_("{name}: {reason}; saved over the period {co2e} t CO\u2082e")
LEDGER_BASELINE = N_("the ledger's own baseline (above)")

# The benefit statement.
STATEMENT_TITLE = N_("Benefit statement {year}: {organisation}")
STATEMENT_SUBJECT = N_("Annual industrial-symbiosis benefits of {organisation} in {year}")
STATEMENT_KEYWORDS = N_("industrial symbiosis, benefit statement, {year}")
SHARE_RULE = N_(
    "Each exchange's saving is computed once for the whole exchange. The supplier is "
    "credited the exchange's supplier share (ledger column supplier_share, 50\u00a0% "
    "when not given) and the receiver the rest, so the partners' credits add up to the "
    "exchange's saving and nothing is counted twice. Shares of {organisation} in {year}: "
    "{shares}."
)
SHARE = N_("{exchange} as {role}: {share}")
EMISSIONS_CHART = N_("Emissions with and without each exchange, {year}")
EMISSIONS_CAPTION = N_(
    "Whole exchanges (before the credit split), for the part of each period in {year}. "
    "The gap between the bars is the saving."
)
CREDITED_FLOWS_CHART = N_("Credited CO\u2082e savings by flow kind, {year}")
CREDITED_FLOWS_CAPTION = N_("This organisation's credited share, t CO\u2082e.")
CHART_UNIT = N_("t CO\u2082e")
BASELINE_BARS = N_("Baseline (without the exchange)")
SYMBIOSIS_BARS = N_("Symbiosis (with the exchange)")

# The cluster report.
DEFAULT_CLUSTER = N_("Industrial symbiosis cluster")
REPORT_TITLE = N_("{cluster}: annual report {year}")
REPORT_SUBJECT = N_("Industrial-symbiosis benefits of {cluster} in {year}")
REPORT_KEYWORDS = N_("industrial symbiosis, annual report, {year}")
FIRST_YEAR = N_("first year")
NO_CHANGE_RATIO = N_("n/a")
CHANGE = N_("{change} CO\u2082e vs previous year")
# After years without exchanges: the change against the ledger's year before them, and
# which years are missing (a list of years, "2021, 2023").
CHANGE_SINCE = N_("{change} CO\u2082e vs {year}")
NO_EXCHANGES_IN = N_("no exchanges in {years}")
CUMULATIVE = N_("cumulative {first}\u2013{last} ({count} years)")
CUMULATIVE_GAPS = N_("cumulative {first}\u2013{last} ({count} years, no exchanges in {missing})")
TOTAL_ANNUAL = N_("Total, annual {year}")
COUNTED_ONCE = N_("each exchange counted once")
ALL_YEARS = N_("all years of the ledger")
EXCHANGES_ONE, EXCHANGES_MANY = N_n(
    "{count} exchange",
    "{count} exchanges",
)
NETWORK_CHART = N_("Network of exchanges, {year}")
NETWORK_WEIGHT = N_("Line width: t CO\u2082e saved in {year}")
NEGATIVE_SAVING = N_("negative saving")
NETWORK_EVERY = N_(
    "Circles are organisations, arrows run from supplier to receiver, one per exchange; "
    "line width is proportional to the t CO\u2082e saved in {year}."
)
NETWORK_MERGED = N_(
    "Circles are organisations, arrows run from supplier to receiver; line width is "
    "proportional to the t CO\u2082e saved in {year}."
)
NETWORK_GROUPED = N_(
    "The {kept} organisations with the most t CO\u2082e in their exchanges are drawn; "
    "the other {grouped} are one circle."
)
NETWORK_ARROWS_MERGED = N_(
    "Arrows of one flow kind between the same two circles are merged into one."
)
NETWORK_HIDDEN_ONE, NETWORK_HIDDEN_MANY = N_n(
    "{count} exchange between grouped organisations are not drawn.",
    "{count} exchanges between grouped organisations are not drawn.",
)
NETWORK_EVERY_LISTED = N_("The list of exchanges gives every exchange.")
FLOWS_CHART = N_("CO\u2082e saved by flow kind, {year}")
FLOWS_CAPTION = N_("Each exchange counted once, t CO\u2082e.")
TREND_CHART = N_("CO\u2082e saved per year and cumulative since {first}")
TREND_CAPTION = N_(
    "Bars: each year's total, each exchange counted once; line: the running total since "
    "{first}, the ledger's first year; t CO\u2082e."
)
ANNUAL_BARS = N_("Annual")
CUMULATIVE_LINE = N_("Cumulative since {first}")
NO_CUMULATIVE_RANGE = N_(
    "No range is given for the cumulative figure: the Monte Carlo total covers the "
    "ledger's whole period {first}\u2013{last}, not {first}\u2013{year}, and ranges of "
    "single years cannot be added up (each is taken over its own draws)."
)
PERCENTILE = N_("P{percentile}")


# Declared jobs and money (documents/declared.py): how a row's part follows from it.
DECLARED_LABELLED = N_("{figure}: {label}")
DECLARED_ORGANISATION_YEAR = N_("the organisation's own figure for {year}")
DECLARED_SHARE = N_("{share} of exchange {exchange} (its supplier share rule)")
DECLARED_SHARE_SPLIT = N_(
    "{share} of exchange {exchange} (its supplier share rule); {fraction} of its days fall "
    "in {year}"
)
DECLARED_PARTY = N_("exchange {exchange}, credited wholly to this party as declared")
DECLARED_PARTY_SPLIT = N_(
    "exchange {exchange}, credited wholly to this party as declared; {fraction} of its days "
    "fall in {year}"
)

# Flags on an exchange for a reviewer (results.flags; the results JSON, statement, report).
FLAG_EU_ETS = {
    "supplier": N_(
        "the supplier {organisation} is an EU ETS installation: its emissions are capped, so "
        "part of this saving may be counted again under the ETS cap; report it apart from ETS "
        "figures and do not sell or net it as an offset"
    ),
    "receiver": N_(
        "the receiver {organisation} is an EU ETS installation: its emissions are capped, so "
        "part of this saving may be counted again under the ETS cap; report it apart from ETS "
        "figures and do not sell or net it as an offset"
    ),
}
FLAG_SUPPLY_LIMITED = N_(
    "{activity} is mostly replaced by supply-limited by-products ({substitutes}): if this "
    "stream would otherwise have replaced {activity} elsewhere, the saving moves rather than "
    "arises (leakage)"
)
FLAG_REGION = {  # by the baseline column, whose party it stands for
    "baseline_supply": N_(
        "baseline_supply {activity} is a {location} factor and the receiver {organisation} is "
        "in {country}: a proxy there; check that it fits, or use a factor of that country"
    ),
    "baseline_disposal": N_(
        "baseline_disposal {activity} is a {location} factor and the supplier {organisation} "
        "is in {country}: a proxy there; check that it fits, or use a factor of that country"
    ),
}
