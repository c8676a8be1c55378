"""Every sentence isbenefit's documents, ledger template and web service show, in one place,
and the language they are shown in.

A message is a constant with named placeholders (``{year}``), filled by :func:`say`;
no sentence is assembled from fragments, because word order differs between languages.
:func:`N_` (and :func:`N_n` for a singular and plural pair) only marks a text for
extraction into the translation catalog (``scripts/catalogs.py``, Babel); :func:`say`
looks it up in the catalog of the current language, which :func:`language` sets for a
block of code (documents are rendered inside one; the service sets it per request).
Pages of the documents and the service keep their own text in their jinja templates,
translated from the same catalog. English is the source language: it has no catalog,
so English text is exactly the text written here.
"""

from __future__ import annotations

import gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Any

SOURCE_LANGUAGE = "en"
# The languages of the documents, the ledger template and the service (docs/translations.md).
LANGUAGES = ("en", "da", "sv", "fi", "nb", "de", "pl", "lt", "lv", "et")
# Each language by its own name (the service's language switch).
LANGUAGE_NAMES = {
    "en": "English",
    "da": "Dansk",
    "sv": "Svenska",
    "fi": "Suomi",
    "nb": "Norsk bokmål",
    "de": "Deutsch",
    "pl": "Polski",
    "lt": "Lietuvių",
    "lv": "Latviešu",
    "et": "Eesti",
}
# One catalog per language, isbenefit/locale/LANG/LC_MESSAGES/django.po (.mo compiled from
# it); named for Django's domain so that the service reads the same catalog.
DOMAIN = "django"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
_CURRENT: ContextVar[str] = ContextVar("isbenefit_language", default=SOURCE_LANGUAGE)


class UnknownLanguageError(ValueError):
    """A language isbenefit has no catalog for."""

    def __init__(self, lang: str) -> None:
        super().__init__(lang)
        self.lang = lang

    def __str__(self) -> str:
        return f"language {self.lang!r} is not available; use one of {', '.join(LANGUAGES)}"


def N_(message: str) -> str:  # noqa: N802 (gettext's name for a marker)
    """Mark ``message`` for extraction into a translation catalog; returns it unchanged."""
    return message


def N_n(one: str, many: str) -> tuple[str, str]:  # noqa: N802 (as N_)
    """Mark a singular and plural pair for extraction as one plural message (ngettext)."""
    return one, many


def checked_language(lang: str) -> str:
    """``lang`` (case and region ignored: ``pl-PL`` is ``pl``) when isbenefit has it."""
    code = lang.strip().lower().replace("_", "-").split("-")[0]
    if code == "no":  # Norwegian without a written standard: Bokmal
        code = "nb"
    if code not in LANGUAGES:
        raise UnknownLanguageError(lang)
    return code


@cache
def catalog(lang: str) -> gettext.NullTranslations:
    """The compiled catalog of ``lang``; the source language has none (text unchanged)."""
    if lang == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, str(LOCALE_DIR), languages=[checked_language(lang)])


def current_language() -> str:
    """The language :func:`say` and the documents use here (``en`` unless set)."""
    return _CURRENT.get()


@contextmanager
def language(lang: str) -> Iterator[str]:
    """Use ``lang`` for every message said and document rendered in this block."""
    token = _CURRENT.set(checked_language(lang))
    try:
        yield _CURRENT.get()
    finally:
        _CURRENT.reset(token)


def translate(message: str) -> str:
    """``message`` in the current language (unchanged in English or when empty)."""
    return catalog(current_language()).gettext(message) if message else message


def translate_n(one: str, many: str, count: int) -> str:
    """The singular or plural form of a message for ``count`` in the current language."""
    return catalog(current_language()).ngettext(one, many, count)


def say(message: str, **values: Any) -> str:
    """``message`` in the current language, with its named placeholders filled."""
    text = translate(message)
    return text.format(**values) if values else text


def say_n(one: str, many: str, count: int, **values: Any) -> str:
    """``one`` or ``many`` by ``count`` (gettext's ngettext: a language may have more
    forms), filled with ``count`` and ``values``."""
    text = translate_n(one, many, count)
    return text.format(count=count, **values)


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

# The certificate (certify.stated). No figure is called "certified" or "verified":
# nobody independent has checked it (docs/claims.md); labels say what kind it is.
DETERMINISTIC = N_("deterministic figure (no Monte Carlo run)")
MONEY_NOT_VARIED = N_("deterministic figure (money is not varied)")
CONSERVATIVE = N_("conservative figure ({percentile} of {iterations} Monte Carlo iterations)")
CENTRAL_ESTIMATE = N_("central estimate {value} {unit}")
NET_INCREASE = N_(
    "Net increase: in {year} the exchanges credited here caused more emissions than their "
    "reference scenarios; the negative CO\u2082e figure is not a benefit."
)
NOTE_DETERMINISTIC = N_(
    "Deterministic: the central values of the assessment; no Monte Carlo uncertainty "
    "analysis was run."
)
NOTE_CONSERVATIVE = N_(
    "Conservative: the {percentile} of {iterations} Monte Carlo iterations (seed {seed}) "
    "varying factors and quantities; the central estimate beside each is the deterministic "
    "value. Money is not varied."
)
NOTE_BASELINES = N_("It rests on the alternative baseline saving least ({baselines}).")
CHOSEN_BASELINE = N_("{exchange}: {baseline}")
CERTIFICATE_TITLE = N_(
    "Statement of avoided emissions and resources {certificate}: {organisation}, {year}"
)
CERTIFICATE_SUBJECT = N_(
    "Annual avoided emissions and resources of {organisation}'s industrial-symbiosis "
    "exchanges in {year}, against stated reference scenarios"
)
CERTIFICATE_KEYWORDS = N_("industrial symbiosis, avoided emissions, {certificate}")
CERTIFICATE_SHARE_RULE = N_(
    "Savings of each exchange are computed once and split between supplier and receiver by "
    "the exchange's supplier share; the figures are this organisation's credited shares."
)
# The certificate's table of exchanges (certify.exchanges_stated).
EXCHANGES_HEADING = N_("Exchanges behind these figures, largest credited CO\u2082e first")
EXCHANGE_COLUMNS = (
    N_("Exchange"),
    N_("What replaced what"),
    N_("Baseline scored (location)"),
    N_("Share credited"),
    N_("Flags"),
)
EXCHANGE_REPLACES = N_("{resource} replaces {activity}")
EXCHANGE_AVOIDS = N_("{resource} kept from {activity}")
EXCHANGE_BOTH = N_("{resource} replaces {supply}, kept from {disposal}")
EXCHANGE_STREAM = N_("{resource}")
BASELINE_SCORED = N_("{activity} ({location})")
BASELINE_VARIANT = N_("{activity} ({location}; variant of {generic})")
EXCHANGES_MORE, EXCHANGES_MORE_MANY = N_n(
    "and {count} more exchange, {co2e} t CO\u2082e credited",
    "and {count} more exchanges, {co2e} t CO\u2082e credited",
)
# Short marks of results.flags codes, and what each means (the certificate's legend).
FLAG_MARKS = {
    "eu_ets": N_("ETS"),
    "region": N_("PROXY"),
    "supply_limited": N_("LEAK"),
}
# A flag's note in the statement and the report: its mark (as on the certificate), then
# the note.
FLAG_NOTE = N_("{mark}: {note}")
FLAG_LEGEND = {
    "eu_ets": N_(
        "{mark}: a party is an EU ETS installation; the saving may be counted again under "
        "the ETS cap"
    ),
    "region": N_(
        "{mark}: a baseline factor of another region stands in for the party's country (proxy)"
    ),
    "supply_limited": N_(
        "{mark}: the baseline is mostly replaced by supply-limited by-products; the saving may "
        "move rather than arise (leakage)"
    ),
}
FLAG_LEGEND_OTHER = N_("{mark}: see the flag {code} in the attached claim")
SPECIFICITY = N_("{share} {quality}")  # one part of the data specificity, e.g. 62 % measured
UNSIGNED = N_("{issuer} (unsigned)")
SIGNATURE_REASON = N_("Issued statement {certificate}")
CLAIM_FILE = N_(
    "Claim of certificate {certificate}: results and ledger rows (canonical JSON, SHA-256 {sha256})"
)
SIGNATURE_FILE = N_("Ed25519 signature of claim.json by the issuer key {fingerprint}")
LEDGER_SHEET_FILE = N_("Ledger sheet {sheet}: the rows the claim rests on")
# What pages of isbenefit.claim/1 printed instead (English only, kept to check them).
LEGACY_LABELS = {
    DETERMINISTIC: "certified (deterministic; no Monte Carlo run)",
    MONEY_NOT_VARIED: "certified (deterministic; money is not varied)",
}
LEGACY_CONSERVATIVE = (
    "certified (conservative, {percentile} of {iterations} Monte Carlo iterations)"
)

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

# The blank ledger workbook (ledger.template): its Instructions sheet, header comments and
# drop-down refusals. What each column means belongs to the ledger contract.
TEMPLATE_TITLE = N_("isbenefit ledger")
TEMPLATE_ROWS = N_(
    "One row per exchange on the sheet 'exchanges': who gave what to whom, how much, over "
    "which period, and what would have happened without it (the baseline)."
)
TEMPLATE_REQUIRED = N_(
    "Required on every exchange: {columns}, and at least one of baseline_disposal and "
    "baseline_supply."
)
TEMPLATE_OPTIONAL_SHEETS = N_(
    "The sheets 'inputs', 'organisations', 'baselines', 'rates', 'factors' and 'declared' "
    "(jobs and money an organisation or a verifier declares) are optional; leave them "
    "empty when you do not need them."
)
TEMPLATE_COMMENTS = N_(
    "Every column header carries a comment: what the column means, its unit and an "
    "example. Drop-down lists offer the allowed values."
)
TEMPLATE_ACTIVITIES = N_(
    "Activity ids come from the sheet 'Activities', the factor set {id} {version} ({title})."
)
TEMPLATE_FORMATS = N_(
    "Dates: YYYY-MM-DD. Numbers: plain numbers, '.' or your spreadsheet's decimal mark in "
    "number cells. Money columns are in the row's currency (column 'currency')."
)
TEMPLATE_OWN_COLUMNS = N_(
    "Do not rename the sheets or the column headers; you may add columns of your own to "
    "the exchanges sheet, they are passed to the results as they are."
)
TEMPLATE_RUN = N_("Then run: isbenefit assess ledger.xlsx --json results.json --xlsx results.xlsx")
TEMPLATE_NOT_READ = N_("The sheets 'Instructions', 'Activities' and 'Lists' are not read.")
TEMPLATE_EWC = N_(
    "The column 'ewc_code' lists the European List of Waste (Decision 2014/955/EU), "
    "copied from EFRAG's VSME Digital Template 1.3.0 (MIT licence)."
)
COMMENT_UNIT = N_("Unit: {unit}")
COMMENT_EXAMPLE = N_("Example: {example}")
COMMENT_REQUIRED = N_("Required.")
ENTER_A_DATE = N_("Enter a date, e.g. 2024-01-31.")
CHOOSE_FROM_LIST = N_("Choose a value from the list for {column}.")

# The web service: what its pages and API say to a user (refusals, form errors, notices).
NO_CLUSTER = N_("your account belongs to no cluster")
ROLE_MAY_NOT = N_("your role may not do this")
ROLE_MAY_NOT_ENTER = N_("your role may not enter exchanges")
NOT_A_PARTY = N_("your organisation must be the supplier or the receiver")
MAY_NOT_ACT = N_("you may not {action} this exchange")
MAY_NOT_CONFIRM = N_("you may not confirm this side of the exchange")
NO_VERSION = N_("this exchange has no version")
ID_TAKEN = N_("this id is taken in the cluster's ledger; choose another")
ID_TAKEN_IN_LEDGER = N_("this exchange id is taken in the cluster's ledger")
CHANGED_MEANWHILE = N_("the exchange changed meanwhile")
PROBLEMS_IN_ROWS = N_("{count} problem(s) in the rows")
LEAVE_ROW_OUT = N_("leave the row out or ask the facilitator")
ONLY_FACILITATOR_ORGANISATIONS = N_("only the facilitator describes organisations")
ONLY_FACILITATOR_RATES = N_("only the facilitator sets exchange rates")
ONLY_FACILITATOR_DECLARED = N_("only the facilitator records declared jobs and money")
REMOVE_SHEET = N_("remove the {sheet} sheet")
UPLOAD_REASON = N_("upload of {file}")
NEW_COLUMN = N_("a new column of the cluster's ledger: only the facilitator adds columns")
NEW_COLUMN_FIX = N_("leave the column out or ask the facilitator to add it")
WITHDRAWN_STAYS = N_("this exchange was withdrawn; it stays withdrawn")
WITHDRAWN_FIX = N_("leave the row out, or enter it under a new id")
NOT_AN_ORGANISATION = N_("{organisation} is no organisation of the cluster")
NOT_AN_ORGANISATION_FIX = N_(
    "use an organisation id the cluster lists, or ask the facilitator to add the organisation"
)
# The exchange form's supplier or receiver outside its list (Django fills in the value).
NOT_LISTED_CHOICE = N_(
    "%(value)s is no organisation of the cluster: the facilitator adds it under "
    "Organisations first, then it can be chosen here"
)
# A proposed party must be one the cluster lists: else nobody could accept for it.
PROPOSED_UNKNOWN_FIX = N_(
    "add the organisation under Organisations first, so that it (or the facilitator on its "
    "behalf) can accept the proposal, then propose it again"
)
NO_SUCH_EXCHANGE = N_("no such exchange")
NO_SUCH_ORGANISATION = N_("no such organisation")
NO_SUCH_YEAR = N_("no such year")
YEAR_NOT_PUBLISHED = N_("this year is not published")
NO_SUCH_JOB = N_("no such job")
NO_SUCH_DOCUMENT = N_("no such document")
NO_SUCH_CERTIFICATE = N_("no such certificate")
NO_REASON = N_("no reason given")
EXCHANGE_SAVED = N_("Exchange {exchange} saved.")
NEW_VERSION_SAVED = N_("Exchange {exchange}: new version saved.")
STALE_CHANGE = N_("The exchange changed meanwhile: open it again and make your change on that.")
STALE_CONFIRM = N_("The exchange changed meanwhile: read it again and confirm.")
CHANGED_THROUGH_FORM = N_("changed through the form")
CONFIRMED_AS = N_("Confirmed as {party}.")
GIVE_WITHDRAW_REASON = N_("Give a reason to withdraw the exchange.")
WITHDRAWN = N_("Exchange {exchange} withdrawn (its history stays).")
# Counterparties: proposals every organisation concerned accepts, confirmed versions kept.
NO_SUCH_PROPOSAL = N_("no such proposal")
MAY_NOT_ANSWER = N_("you may not answer this proposal for this organisation")
PROPOSAL_CLOSED = N_("this proposal is no longer open: it was {state}")
PROPOSAL_REASON = N_("accepted by every organisation concerned")
PROPOSED_PARTIES = N_(
    "Exchange {exchange}: the new supplier or receiver is proposed. It waits for "
    "{organisations} to accept; until then the exchange stays as it is."
)
PROPOSED_WITHDRAWAL = N_(
    "Exchange {exchange}: both parties confirmed it, so its withdrawal is proposed. It "
    "waits for {organisations} to accept; until then the exchange stays as it is."
)
ANSWER_ACCEPTED = N_("Accepted for {organisation}.")
ANSWER_DECLINED = N_("Declined for {organisation}: the exchange stays as it was.")
PROPOSAL_DONE = N_("Every organisation accepted: exchange {exchange} is now version {version}.")
STALE_ANSWER = N_("This proposal is no longer open (accepted, declined, or the exchange changed).")
REPLACES_CONFIRMED = N_(
    "this row replaces version {version} of exchange {exchange}, which both parties confirmed"
)
REPLACES_CONFIRMED_FIX_CLI = N_(
    "leave the row out, or give --replace-confirmed to replace it (both parties then "
    "confirm the new version again)"
)
REPLACES_CONFIRMED_FIX_WEB = N_(
    'leave the row out, or tick "Replace versions both parties confirmed" (both parties '
    "then confirm the new version again)"
)
REPLACE_CONFIRMED_LABEL = N_("Replace versions both parties confirmed")
REPLACE_CONFIRMED_HELP = N_(
    "Without it, a row that would replace a version both parties confirmed refuses the "
    "upload, listing each; with it, such a row makes a new version both confirm again."
)
PARTIES_BY_PROPOSAL = N_(
    "this row gives exchange {exchange} another supplier or receiver: that is a proposal "
    "both parties and the new one accept"
)
PARTIES_BY_PROPOSAL_FIX = N_(
    "leave the row out, and change the supplier or receiver on the exchange's page"
)
UPLOAD_KIND = N_("upload an .xlsx workbook or an exchanges .csv file")
UPLOAD_TOO_LARGE = N_("the file has {size} bytes; the limit is {limit}")
UPLOAD_UNPACKS_TOO_LARGE = N_(
    "the workbook unzips to {size} bytes, more than this service takes from the web ({limit})"
)
UPLOAD_UNPACKS_TOO_LARGE_FIX = N_(
    "split the ledger, or ask the facilitator to import it with `isbenefit store import`"
)
UPLOADED = N_("{file}: {created} new, {changed} changed, {unchanged} unchanged exchanges.")
ORGANISATION_SAVED = N_("Organisation {organisation} saved.")
YEAR_CLOSED = N_("Year {year}: version {version} closed.")
NOTHING_CLOSED = N_("Nothing was closed: {error}")
SUPERSEDED_TO_REISSUE_ONE, SUPERSEDED_TO_REISSUE_MANY = N_n(
    "{count} certificate of an earlier version is now superseded by this restatement: "
    "reissue it below.",
    "{count} certificates of earlier versions are now superseded by this restatement: "
    "reissue them below.",
)
NOTHING_TO_REISSUE = N_("{year}: no superseded certificate left to reissue.")
NOT_CLOSED_FOR_CERTIFICATES = N_(
    "{year} is not closed: only a closed year's version can be certified. Fix: close the "
    "year on /years/{year}/ first (statements of an open year are possible)"
)
NAME_A_CLUSTER = N_("this service keeps several clusters: name one, ?cluster=NAME")
GIVE_REVOKE_REASON = N_(
    "Give a reason (and, if superseded, the id of another certificate of this cluster)."
)
CERTIFICATE_STATUS = N_("{certificate}: {status}.")
FIELD_PROBLEM = N_("{location}: {problem}")
PROBLEM_WITH_FIX = N_("{problem} Fix: {fix}")
STALE_CHANGE_API = N_("the exchange changed meanwhile: read it again and change that version")
STALE_CONFIRM_API = N_("the exchange changed meanwhile: read it again and confirm")
CHANGED_THROUGH_API = N_("changed through the API")
YEAR_NOT_CLOSED = N_("this year is not closed")
MEMBER_NEEDS_ORGANISATION = N_("a member belongs to an organisation")
NOT_A_FACTOR_SET = N_("not a factor set: {error}")
ACCOUNT_EXISTS = N_("this address has an account already")
NO_SUCH_STATUS_LIST = N_("no such status list")
TOO_MANY_CHECKS = N_("too many checks from your address; wait a minute")
ATTACH_PDF = N_("attach the certificate PDF as the field 'pdf'")
PDF_TOO_LARGE = N_("the file is larger than {limit} bytes")
NOT_A_PDF = N_("the file is not a PDF")
BAD_REQUEST = N_("Bad request")
FORBIDDEN = N_("Not allowed")
NOT_FOUND = N_("Not found")
SERVER_ERROR = N_("Something went wrong on the server")
UNREADABLE_PDF = N_("not a readable PDF")
UNREADABLE_PDF_FIX = N_(
    "the file is damaged or not a PDF; give the certificate as `isbenefit certificate` wrote it"
)
REQUEST_TOO_LARGE = N_("the request has {size} bytes; the limit here is {limit}")
# The outcome of `isbenefit verify` as /verify's page shows it: every verdict, check status
# and check name of isbenefit.certify.checks, by its English id (a test holds the sets
# equal). The JSON answer and the command line keep the ids; the checks' messages stay
# English.
VERIFY_WORDS = frozenset(
    {
        *(N_("valid"), N_("unsigned"), N_("signature invalid"), N_("attachment altered")),
        *(N_("printed figures differ"), N_("recomputation differs")),
        *(N_("factor set unavailable"), N_("not a certificate"), N_("factor set differs")),
        *(N_("signed by an unknown key"), N_("revoked"), N_("superseded")),
        *(N_("status list invalid"), N_("PDF signature invalid")),
        *(N_("countersignature invalid"), UNREADABLE_PDF),
        *(N_("pass"), N_("fail"), N_("skip"), N_("untrusted")),
        *(N_("attachment"), N_("signature"), N_("PDF signature"), N_("countersignature")),
        *(N_("status"), N_("printed figures"), N_("factor set"), N_("recomputation")),
    }
)
NO_SUCH_ORGANISATION_IN_CLUSTER = N_("no such organisation in the cluster")
CLOSED_YEAR_BASIS = N_("closed year {year}, version {version}")
OPEN_YEAR_BASIS = N_("open year {year}, as stored on {date}")
NOTHING_TO_ISSUE = N_("no confirmed exchanges in {year}: nothing to issue")
ONLY_CERTIFICATES_REVOKED = N_("only certificates can be revoked")
REVOKE_REFUSED = N_(
    "a valid certificate is revoked, or superseded by another certificate of its cluster"
)
STALE_VERSION = N_("the exchange changed meanwhile: read it again and change that")
EXCHANGE_ID_LABEL = N_("Exchange id")
REASON_HELP = N_("Why this change (kept in the history).")
LEDGER_FILE_HELP = N_(".xlsx workbook or exchanges .csv")
CERTIFICATE_PDF_LABEL = N_("Certificate (PDF)")
FACTORS_HELP = N_("The factor set to close the year with (those this server offers).")
CLUSTERS_FACTOR_SET = N_("the cluster's factor set")
# The documents a job makes, by reported.DocumentKind.
JOB_KINDS = {
    "statement": N_("statements"),
    "certificate": N_("certificates"),
    "report": N_("report"),
}
ROWS_FILE = N_("the exchange")  # what the problems of a form's or the API's rows name as file
IMPORT_REASON = N_("import of {file}")

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

# First-hour errors of a ledger (isbenefit/ledger): whole problem sentences and fixes.
NO_EXCHANGES = N_("the ledger has no exchanges")
NO_EXCHANGES_FIX = N_(
    "fill in one exchange per row of the exchanges sheet, below its header row "
    "(docs/formats.md lists the columns)"
)
CLOSE_MATCH_FIX = N_("write {match!r} if that is what you meant; otherwise {fix}")
FORMULA_WITHOUT_VALUE = N_("cell {cell} holds a formula with no stored value")
FORMULA_WITHOUT_VALUE_FIX = N_("open and save it in a spreadsheet program, or type the value")
FORMULA_MORE = N_("{count} more cells hold a formula with no stored value")
DATE_WITH_ZONE = N_("a date-time with a time zone, whose calendar date depends on the zone")
DATE_WITH_ZONE_FIX = N_("write the date as YYYY-MM-DD, e.g. 2024-01-31")


# The ESRS E5 datapoints (reporting.esrs): labels, notes and the method disclosure.
ESRS_SECONDARY = N_("Secondary materials used (received through industrial symbiosis exchanges)")
ESRS_SECONDARY_SHARE = N_(
    "Secondary materials used (received through industrial symbiosis exchanges), share"
)
ESRS_SHARE_OF = N_("of the overall material inflow given, {tonnes} t (\u00a731(a))")
ESRS_SHARE_NEEDS = N_("needs the overall material inflow of \u00a731(a) (--materials-used-t)")
ESRS_DIVERTED = N_("Waste diverted from disposal")
ESRS_REUSE = N_("Waste diverted from disposal: preparation for reuse")
ESRS_REUSE_NOTE = N_(
    "not derivable: preparing for reuse has no operation code of its own; any such tonnes "
    "are counted under recycling"
)
ESRS_RECYCLING = N_("Waste diverted from disposal: recycling")
ESRS_OTHER_RECOVERY = N_("Waste diverted from disposal: other recovery")
ESRS_INCINERATION = N_("Waste directed to disposal: incineration")
ESRS_LANDFILL = N_("Waste directed to disposal: landfill")
ESRS_OTHER_DISPOSAL = N_("Waste directed to disposal: other disposal")
ESRS_DISPOSAL = N_("Waste directed to disposal")
ESRS_STREAMS = N_("Waste streams (European List of Waste entries)")
ESRS_NO_EWC = N_("no ewc_code in the ledger")
ESRS_NOT_WASTE = N_("Residues supplied as by-products or end-of-waste materials (not waste)")
ESRS_NOT_WASTE_NOTE = N_(
    "outside \u00a737: not waste under the Waste Framework Directive, art. 5 and 6"
)
ESRS_ABSENT = N_("The ledger has no {columns} column: {consequences}.")
ESRS_ABSENT_CONSEQUENCES = {
    "ewc_code": N_("waste streams are not named"),
    "legal_status": N_("every residue supplied is taken as waste"),
    "recovery_operation": N_("every residue supplied is taken as recycled"),
}
ESRS_METHOD = N_(
    "Figures cover the material exchanges of {name} recorded in an industrial symbiosis "
    "ledger for the calendar year {year}, computed by isbenefit {version} (factor set "
    "{factor_set}). They are parts of the undertaking's inflows and outflows, not its "
    "totals: waste not leaving through a recorded exchange and materials not received "
    "through one are not included. Masses are the quantities recorded in the ledger "
    "(measured, calculated or estimated as each exchange's data_quality says), converted "
    "into tonnes, or the exchange's mass_t; an exchange spanning years is split by days. "
    "Recovery types follow the recovery_operation column (Waste Framework Directive "
    "2008/98/EC, Annexes I and II): R2-R11 recycling; R1, R12, R13 other recovery; D10 "
    "incineration; D1, D5, D12 landfill; other D operations other disposal. A residue "
    "without recovery_operation is taken as recycled, since it replaced another firm's "
    "input. Hazardousness follows the hazardous column, checked against the List of Waste "
    "entry when ewc_code is given. Residues marked by-product or end-of-waste in "
    "legal_status are not counted as waste. Exchanges without a mass (no mass_t for a "
    "non-mass unit) are left out."
)

# The durable job queue (service/jobqueue.py, service/closing.py).
JOB_WORKER_LOST_RETRY = N_(
    "the worker {worker} stopped while running this job (attempt {tries}); it is queued again"
)
JOB_WORKER_LOST_FAILED = N_(
    "failed: the worker {worker} stopped while running this job (attempts: {tries}); "
    "whatever it made was kept whole or not at all; request it again"
)
CLOSE_IN_PROGRESS = N_(
    "a close of {year} is queued or running already (job {job}): wait for it to end"
)
ORGANISATION_LISTED = N_(
    "the cluster lists {organisation} already: change it with "
    "PATCH /api/organisations/{organisation}/"
)
ORGANISATION_NEEDS_NAME = N_("an organisation needs a name")
