"""The sentences of the account pages (mail settings, logins, the second factor), marked
for extraction like those of :mod:`isbenefit.messages` (``pybabel extract -k N_``)."""

from __future__ import annotations

from isbenefit.messages import N_

MAIL_CONFIRMATIONS = N_("Exchanges waiting for my confirmation")
MAIL_CHANGES = N_("Changes of exchanges I confirmed, by the counterparty")
MAIL_YEARS = N_("Years closed or restated")
MAIL_DOCUMENTS = N_("Documents ready")
MAIL_SAVED = N_("Your mail settings are saved.")
LOCKED_OUT = N_(
    "Too many failed logins for this account or from your address: wait {minutes} minutes "
    "and try again, or reset your password."
)
TOO_MANY_RESETS = N_(
    "Too many password resets asked from your address: wait an hour and try again."
)
TOO_MANY_REQUESTS = N_("Too many requests from your address: wait a minute and try again.")
OTP_REQUIRED = N_("Your role needs a second factor: set up an authenticator app first.")
OTP_WRONG = N_("That code is not right (or was used already); try the next one.")
OTP_ENROLLED = N_("Your authenticator app is set up; logins now ask for its code.")
OTP_LABEL = N_("Code from your authenticator app (or a backup code)")
# Money of a closed year's totals, as the year page labels it.
MONEY_NETWORK = N_("Money effect, all parties together")
ADDITIONAL_SALES = N_("Additional sales")
# The confirmation step of a destructive action (service/confirm.html).
CONFIRM_WITHDRAW_TITLE = N_("Withdraw exchange {exchange}?")
CONFIRM_WITHDRAW = N_(
    "The exchange stops counting towards documents from its next closed year; its history "
    "stays. A withdrawn exchange cannot be confirmed again (enter it anew under a new id)."
)
CONFIRM_PROPOSE_WITHDRAW = N_(
    "Both parties confirmed this exchange: withdrawing it is a proposal the other party "
    "must accept. Until then it counts as before."
)
CONFIRM_WITHDRAW_BUTTON = N_("Yes, withdraw")
CONFIRM_PROPOSE_WITHDRAW_BUTTON = N_("Yes, propose to withdraw")
CONFIRM_REVOKE_TITLE = N_("Revoke certificate {certificate}?")
CONFIRM_SUPERSEDE = N_("Mark certificate {certificate} as superseded by {replacement}?")
CONFIRM_REVOKE = N_(
    "The issuer's signed status list will say so: anyone verifying this certificate is told "
    "not to rely on its figures. This cannot be undone."
)
CONFIRM_REVOKE_BUTTON = N_("Yes, record it in the status list")
# The exchange form: its fieldsets, in the order of the form.
FIELDSET_PARTIES = N_("Parties and period")
FIELDSET_FLOW = N_("What flows")
FIELDSET_BASELINE = N_("Baseline: what would have happened without the exchange")
FIELDSET_TRANSPORT = N_("Transport")
FIELDSET_MONEY = N_("Money")
FIELDSET_EVIDENCE = N_("Evidence and reason")
FIELDSET_OTHER = N_("Other columns")
UNIT_DOES_NOT_FIT = N_(
    "{unit} does not fit {column} {activity}, which is counted in {activity_unit}: "
    "choose one of {units}"
)
# Who confirmed a version (models.Confirmation.describe, which stays English for the
# documents' data), as the pages show it.
CONFIRMED_BY = N_("confirmed by {user} on {date}")
CONFIRMED_ON_BEHALF = N_(
    "confirmed by the facilitator ({user}) on the organisation's behalf on {date}"
)
# The store's ids as the pages show them (templatetags/words.py); the ids stay English.
WORDS = {
    "state": {
        "valid": N_("valid"),
        "revoked": N_("revoked"),
        "superseded": N_("superseded"),
        "queued": N_("queued"),
        "running": N_("running"),
        "done": N_("done"),
        "failed": N_("failed"),
        "open": N_("open"),
        "accepted": N_("accepted"),
        "declined": N_("declined"),
        "lapsed": N_("lapsed"),
    },
    "kind": {
        "statement": N_("statement"),
        "certificate": N_("certificate"),
        "report": N_("report"),
        "close": N_("close"),
        "parties": N_("change of supplier or receiver"),
        "withdrawal": N_("withdrawal"),
    },
    "role": {
        "facilitator": N_("facilitator"),
        "member": N_("member"),
        "funder": N_("funder/viewer"),
    },
    # A role as the invitation mail names it (its id, where the pages say "funder/viewer").
    "role_id": {
        "facilitator": N_("facilitator"),
        "member": N_("member"),
        "funder": N_("funder"),
    },
    "party": {"supplier": N_("supplier"), "receiver": N_("receiver")},
    # A job's task in the durable queue (django-tasks' statuses, jobqueue.position).
    "queue": {
        "ready": N_("ready"),
        "running": N_("running"),
        "failed": N_("failed"),
        "successful": N_("successful"),
    },
}
# Labels of the forms' fields (Django would otherwise label a field by its name, in English).
LABEL_REASON = N_("Reason")
LABEL_LEDGER = N_("Ledger")
LABEL_EMAIL = N_("Email")
LABEL_ROLE = N_("Role")
LABEL_ORGANISATION = N_("Organisation")
LABEL_NAME = N_("Name")
LABEL_COUNTRY = N_("Country")
LABEL_FACTORS = N_("Factors")
LABEL_KIND = N_("Kind")
LABEL_YEAR = N_("Year")
LABEL_LANGUAGE = N_("Language")
LANGUAGE_OF_EACH = N_("Each organisation's language (its language column), else yours")
# A job's documents: the language each is made in (issuing.Languages).
DOCUMENTS_LANGUAGE_HELP = N_(
    "Documents are made in the language chosen here; blank: each organisation's language "
    "column of the ledger, else the language you read this service in."
)
# The public register asked for a cluster the service does not keep (register_views.py).
NO_SUCH_CLUSTER = N_("No cluster of that name is kept here.")
NO_CLUSTER_YET = N_("This service keeps no cluster yet.")
