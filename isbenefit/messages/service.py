"""The web service's sentences: refusals, form errors and notices of its pages and API, and
those of its durable job queue."""

from __future__ import annotations

from isbenefit.messages.translation import N_, N_n

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
