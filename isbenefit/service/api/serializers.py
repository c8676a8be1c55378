"""What the API takes and gives. Request serializers validate bodies; answer serializers
describe the JSON in the OpenAPI document and shape the views' dicts."""

from __future__ import annotations

from rest_framework import serializers

from isbenefit.ledger.contract import EXCHANGES, FIRST_YEAR, LAST_YEAR, YES_NO_VALUES
from isbenefit.messages import LANGUAGES
from isbenefit.reported import CERTIFICATE_ID_PATTERN
from isbenefit.service.models import DOCUMENT_KINDS, PARTIES, ROLES


def _rows(help_text: str) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.DictField(child=serializers.CharField(allow_blank=True)),
        required=False,
        max_length=1000,
        help_text=help_text,
    )


class ExchangeWrite(serializers.Serializer):
    """A new exchange: its exchanges row (every cell as text, contract columns as
    docs/formats.md names them) and optionally its inputs and baselines rows."""

    row = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=10_000),
        help_text=f"The exchanges row: {', '.join(EXCHANGES.required_names)}, ... (text, "
        "as in a ledger file)",
    )
    inputs = _rows("Rows of the inputs sheet for this exchange.")
    baselines = _rows("Rows of the baselines sheet for this exchange.")
    reason = serializers.CharField(allow_blank=True, required=False, max_length=500)


class ExchangeChange(serializers.Serializer):
    """A change of an exchange: the cells given replace the current version's (the id
    stays); inputs and baselines rows, when given, replace the current ones."""

    version = serializers.CharField(
        max_length=100,
        help_text="The id of the version the change is made on (`current.id` read); 409 "
        "when the exchange changed meanwhile, so no change is lost.",
    )
    row = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=10_000),
        required=False,
        help_text="Cells of the exchanges row to change.",
    )
    inputs = _rows("Replaces the exchange's inputs rows.")
    baselines = _rows("Replaces the exchange's baselines rows.")
    reason = serializers.CharField(allow_blank=True, required=False, max_length=500)


class ConfirmRequest(serializers.Serializer):
    party = serializers.ChoiceField(choices=PARTIES)
    version = serializers.UUIDField(
        help_text="The version read (`version.id`): a changed exchange is confirmed anew."
    )


class WithdrawRequest(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)


class DocumentRequest(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DOCUMENT_KINDS)
    year = serializers.IntegerField(min_value=FIRST_YEAR, max_value=LAST_YEAR)
    organisation = serializers.CharField(
        allow_blank=True,
        required=False,
        max_length=200,
        help_text="One organisation's statement or certificate; blank: all of the year.",
    )
    language = serializers.ChoiceField(
        choices=LANGUAGES,
        required=False,
        allow_blank=True,
        help_text="The documents' language; blank: each organisation's `language` column, "
        "else the requesting user's language (Accept-Language, or the account's choice).",
    )


class Confirmation(serializers.Serializer):
    party = serializers.CharField()
    organisation = serializers.CharField()
    on_behalf = serializers.BooleanField()
    at = serializers.DateTimeField()


class Version(serializers.Serializer):
    id = serializers.UUIDField()
    number = serializers.IntegerField()
    withdrawn = serializers.BooleanField()
    reason = serializers.CharField()
    created_at = serializers.DateTimeField()


class Exchange(serializers.Serializer):
    id = serializers.UUIDField(help_text="The store's id of the exchange (random).")
    exchange_id = serializers.CharField(help_text="The ledger's id of the exchange.")
    supplier = serializers.CharField()
    receiver = serializers.CharField()
    period_start = serializers.CharField()
    period_end = serializers.CharField()
    version = Version()
    row = serializers.DictField(child=serializers.CharField(allow_blank=True))
    inputs = serializers.ListField(child=serializers.DictField(child=serializers.CharField()))
    baselines = serializers.ListField(child=serializers.DictField(child=serializers.CharField()))
    confirmed = serializers.BooleanField(help_text="Both parties confirmed this version.")
    confirmations = Confirmation(many=True)
    confirmable = serializers.ListField(
        child=serializers.CharField(), help_text="Parties the token's user may confirm now."
    )


class Problem(serializers.Serializer):
    file = serializers.CharField()
    sheet = serializers.CharField(allow_null=True)
    row = serializers.IntegerField(allow_null=True)
    column = serializers.CharField(allow_null=True)
    value = serializers.CharField(allow_null=True)
    message = serializers.CharField()
    fix = serializers.CharField()


class Problems(serializers.Serializer):
    """A refused body: every problem of its rows, or (other keys) each field's errors."""

    detail = serializers.CharField(required=False)
    problems = Problem(many=True, required=False)


class Detail(serializers.Serializer):
    detail = serializers.CharField()


class YearSummary(serializers.Serializer):
    year = serializers.IntegerField()
    version = serializers.IntegerField()
    reason = serializers.CharField()
    closed_at = serializers.DateTimeField()
    totals = serializers.DictField()


class YearResults(YearSummary):
    factor_set = serializers.DictField()
    results = serializers.DictField(
        required=False,
        help_text=(
            "The results JSON (isbenefit.results/1): whole for the facilitator; for a "
            "member its published figures with only the exchanges its organisation is "
            "party to and that organisation's record; absent for a funder."
        ),
    )


class Document(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.CharField()
    year = serializers.IntegerField()
    organisation = serializers.CharField(allow_null=True)
    certificate_id = serializers.CharField(allow_null=True)
    status = serializers.CharField()
    sha256 = serializers.CharField()
    size = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    download = serializers.CharField(help_text="The PDF's address under /api/.")


class QueueState(serializers.Serializer):
    """The job's entry in the durable queue (docs/service.md, "Jobs")."""

    queued = serializers.BooleanField(help_text="False when the job ran inline.")
    status = serializers.CharField(help_text="ready, running, successful or failed.")
    attempt = serializers.IntegerField(help_text="How many workers took it so far.")
    attempts = serializers.IntegerField(help_text="How many may, before it fails.")
    worker = serializers.CharField(help_text="HOST:PID of the worker running it.")
    ahead = serializers.IntegerField(help_text="Jobs ahead of it in the queue.")
    workers = serializers.IntegerField(help_text="Workers alive (beating) now.")
    waiting_for_worker = serializers.BooleanField()


class Job(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.CharField(help_text="statement, certificate, report, or close (a year).")
    year = serializers.IntegerField()
    organisations = serializers.ListField(child=serializers.CharField())
    state = serializers.CharField()
    done = serializers.IntegerField()
    total = serializers.IntegerField()
    message = serializers.CharField()
    year_version = serializers.IntegerField(
        allow_null=True,
        help_text="The year version documents are made from, or the one a close made.",
    )
    documents = Document(many=True)
    queue = QueueState()


class CloseRequest(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, required=False, max_length=1000)
    factors = serializers.CharField(
        allow_blank=True,
        required=False,
        max_length=200,
        help_text="A factor set the server is configured with, by id and version as the "
        "year page offers it (`ID VERSION`; a 400 answer lists them); blank: the "
        "cluster's own.",
    )


class RevokeRequest(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)
    superseded_by = serializers.RegexField(
        regex=f"^{CERTIFICATE_ID_PATTERN}$",
        required=False,
        allow_blank=True,
        help_text="The certificate of the cluster that replaces this one (marks it "
        "superseded instead of revoked).",
    )


def _yes_no() -> serializers.ChoiceField:
    return serializers.ChoiceField(choices=["", *YES_NO_VALUES], required=False)


class OrganisationWrite(serializers.Serializer):
    """An organisations-sheet row, as the organisations page takes it (docs/formats.md)."""

    id = serializers.SlugField(max_length=200, allow_unicode=True)
    name = serializers.CharField(max_length=300)
    country = serializers.CharField(max_length=2, required=False, allow_blank=True)
    nace = serializers.CharField(max_length=20, required=False, allow_blank=True)
    sme = _yes_no()
    eu_ets = _yes_no()


class OrganisationChange(OrganisationWrite):
    """The cells to change; the id stays."""

    id = serializers.SlugField(max_length=200, allow_unicode=True, required=False)
    name = serializers.CharField(max_length=300, required=False)


class Organisation(serializers.Serializer):
    id = serializers.CharField(help_text="The organisation's id in the ledger.")
    name = serializers.CharField()
    listed = serializers.BooleanField(help_text="It has a row in the organisations sheet.")
    fields = serializers.DictField(
        child=serializers.CharField(allow_blank=True), help_text="Its organisations-sheet row."
    )


class UserWrite(serializers.Serializer):
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=ROLES)
    organisation = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text="The member's organisation (id); a member needs one.",
    )


class User(serializers.Serializer):
    email = serializers.EmailField()
    role = serializers.CharField()
    organisation = serializers.CharField(allow_null=True)
    active = serializers.BooleanField()
    second_factor = serializers.BooleanField(help_text="It has a confirmed authenticator.")
    invitation = serializers.CharField(
        required=False,
        help_text="The one-time link setting the password (only when the user was added; "
        "also mailed to the user).",
    )
