"""The certificate's sentences: what kind each figure is, its basis, its exchanges, its flags'
legend and its attachments."""

from __future__ import annotations

from isbenefit.messages.translation import N_, N_n

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
