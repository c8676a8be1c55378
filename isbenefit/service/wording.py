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
