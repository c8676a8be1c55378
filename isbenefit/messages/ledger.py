"""The ledger's sentences: the blank ledger workbook's instructions, header comments and
drop-down refusals, and the first-hour errors of reading a ledger."""

from __future__ import annotations

from isbenefit.messages.translation import N_

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
