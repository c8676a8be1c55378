"""The forms of the pages (Django forms: CSRF, escaping and validation by the framework).

An exchange entered through the form is checked as `assess` checks a ledger: its row,
with the cluster's organisations and rates, goes through :func:`entries.check_data`, and
each problem is put on the field of its column.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from isbenefit import messages as msg
from isbenefit import units
from isbenefit.ledger import contract
from isbenefit.ledger.contract import EXCHANGES, FIRST_YEAR, LAST_YEAR, LEDGER_UNITS, YES_NO_VALUES
from isbenefit.messages import LANGUAGE_NAMES, LANGUAGES, say
from isbenefit.reported import CERTIFICATE_ID_PATTERN, DocumentKind
from isbenefit.service import wording
from isbenefit.service.ledgers import Row
from isbenefit.service.models import ROLES, Cluster, Organisation

# Longest text a field takes (a number never needs more than 40 characters).
MAX_LENGTH = {"id": 200, "resource": 500}
TEXT_LENGTH = 2000
NUMBER_LENGTH = 40
# Lazy: a form class is built once, at import; its texts are said in each request's language.
LABELS = {"id": gettext_lazy(msg.EXCHANGE_ID_LABEL)}
# The exchange form's fieldsets: (legend, columns), in the order of the page. A contract
# column not named here lands in the last one, so a new column is never lost.
FIELDSETS = (
    (wording.FIELDSET_PARTIES, ("id", "period_start", "period_end", "supplier", "receiver",
                                "supplier_share")),
    (wording.FIELDSET_FLOW, ("flow", "resource", "quantity", "unit", "data_quality", "mass_t",
                             "hazardous", "ewc_code", "legal_status", "recovery_operation",
                             "heating_value", "conversion_efficiency")),
    (wording.FIELDSET_BASELINE, ("baseline_disposal", "baseline_supply", "substitution_ratio",
                                 "baseline_efficiency")),
    (wording.FIELDSET_TRANSPORT, ("transport_mode", "transport_km", "baseline_transport_mode",
                                  "baseline_transport_km")),
    (wording.FIELDSET_MONEY, ("currency", "price", "supplier_avoided_cost",
                              "supplier_extra_cost", "receiver_avoided_cost",
                              "receiver_extra_cost")),
    (wording.FIELDSET_EVIDENCE, ("evidence", "reason")),
)  # fmt: skip
# The id of the page's one list of the factor set's activities (a <datalist>).
ACTIVITY_LIST = "activities"
# Activity columns whose unit the quantity's unit must convert into (a supply with a
# heating value or a conversion efficiency is converted through them: the rules check it).
UNIT_COLUMNS = ("baseline_disposal", "baseline_supply")
THROUGH_ENERGY = ("heating_value", "conversion_efficiency")


def fitting_units(activity_unit: str) -> tuple[str, ...]:
    """The ledger units a quantity may be given in for an activity counted in
    ``activity_unit`` (those convertible into it)."""
    fitting = []
    for unit in LEDGER_UNITS:
        try:
            units.conversion_factor(unit, activity_unit)
        except units.UnitError:
            continue
        fitting.append(unit)
    return tuple(fitting)


class ActivityInput(forms.TextInput):
    """A text input searching the page's list of activities by name or id (a native
    <datalist>: no script); the field still accepts only the factor set's ids."""

    def __init__(self) -> None:
        super().__init__(attrs={"list": ACTIVITY_LIST, "autocomplete": "off"})


def _choices(values: tuple[str, ...], blank: bool = False) -> list[tuple[str, str]]:
    return ([("", "—")] if blank else []) + [(v, v) for v in values]


def exchange_field(column: contract.Column) -> forms.Field:
    """The form field of an exchanges column, as the contract types it. Organisations and
    activities are offered by the form itself (they are the cluster's and the factor
    set's); other open lists (currency, EWC code) are typed and checked by the rules."""
    required = column.required
    label = LABELS.get(column.name)
    if column.kind == contract.DATE:
        return forms.DateField(input_formats=["%Y-%m-%d"], help_text="YYYY-MM-DD", label=label)
    if column.choices == "organisation":
        return forms.ChoiceField(required=required, label=label, help_text=say(column.meaning))
    if column.choices == "activity":
        return forms.ChoiceField(
            required=required, label=label, widget=ActivityInput(), help_text=say(column.meaning)
        )
    values = LEDGER_UNITS if column.choices == "unit" else column.values
    if values:
        return forms.ChoiceField(
            choices=_choices(values, blank=not required), required=required, label=label
        )
    length = NUMBER_LENGTH if column.kind == contract.NUMBER else TEXT_LENGTH
    return forms.CharField(
        max_length=MAX_LENGTH.get(column.name, length), required=required, label=label
    )


class ExchangeForm(forms.Form):
    """One exchanges row: the contract's columns in its order; activities chosen by name."""

    reason = forms.CharField(
        max_length=500,
        required=False,
        label=gettext_lazy(wording.LABEL_REASON),
        help_text=gettext_lazy(msg.REASON_HELP),
    )

    def __init__(
        self,
        *args: Any,
        cluster: Cluster,
        organisations: list[Organisation],
        activities: list[tuple[str, str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for column in EXCHANGES.columns:
            self.fields[column.name] = exchange_field(column)
        parties = [(o.org_id, f"{o.name} ({o.org_id})") for o in organisations]
        named = [("", "—")] + [(a, f"{name} [{unit}]") for a, name, unit in activities]
        self.activities = activities
        self.activity_units = {a: unit for a, _name, unit in activities}
        for column in EXCHANGES.columns:
            field = self.fields[column.name]
            if column.choices == "organisation":
                field.choices = parties
                field.error_messages["invalid_choice"] = say(msg.NOT_LISTED_CHOICE)
            elif column.choices == "activity":
                field.choices = named
        self.order_fields([*EXCHANGES.names, "reason"])
        self.cluster = cluster

    def fieldsets(self) -> list[tuple[str, list[forms.BoundField]]]:
        """The bound fields grouped for the page (FIELDSETS), every field exactly once."""
        named = {name for _legend, names in FIELDSETS for name in names}
        groups = [
            (say(legend), [self[name] for name in names if name in self.fields])
            for legend, names in FIELDSETS
        ]
        rest = [self[name] for name in self.fields if name not in named]
        if rest:
            groups.append((say(wording.FIELDSET_OTHER), rest))
        return [(legend, fields) for legend, fields in groups if fields]

    def clean(self) -> dict[str, Any]:
        """Refuse a unit the chosen activity cannot take, naming the units that fit, and
        offer only those when the page comes back."""
        data = super().clean() or {}
        unit = data.get("unit")
        for column in UNIT_COLUMNS:
            activity = data.get(column)
            if not unit or not activity or activity not in self.activity_units:
                continue
            if column == "baseline_supply" and any(data.get(c) for c in THROUGH_ENERGY):
                continue
            fitting = fitting_units(self.activity_units[activity])
            if fitting and unit not in fitting:
                text = say(
                    wording.UNIT_DOES_NOT_FIT,
                    unit=unit,
                    column=column,
                    activity=activity,
                    activity_unit=self.activity_units[activity],
                    units=", ".join(fitting),
                )
                self.add_error("unit", text)
                self.fields["unit"].choices = _choices(fitting)
                break
        return data

    def row(self, extra: Row | None = None) -> Row:
        """The exchanges row as text (the user's extra columns kept from ``extra``)."""
        data = self.cleaned_data
        row = dict(extra or {})
        for name, value in data.items():
            if name == "reason":
                continue
            row[name] = value.isoformat() if hasattr(value, "isoformat") else str(value or "")
        return row


class UploadForm(forms.Form):
    ledger = forms.FileField(
        label=gettext_lazy(wording.LABEL_LEDGER), help_text=gettext_lazy(msg.LEDGER_FILE_HELP)
    )
    reason = forms.CharField(
        max_length=500, required=False, label=gettext_lazy(wording.LABEL_REASON)
    )
    replace_confirmed = forms.BooleanField(
        required=False,
        label=gettext_lazy(msg.REPLACE_CONFIRMED_LABEL),
        help_text=gettext_lazy(msg.REPLACE_CONFIRMED_HELP),
    )


class VerifyForm(forms.Form):
    pdf = forms.FileField(label=gettext_lazy(msg.CERTIFICATE_PDF_LABEL))


class UserForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy(wording.LABEL_EMAIL))
    role = forms.ChoiceField(
        label=gettext_lazy(wording.LABEL_ROLE),
        choices=[(role, gettext_lazy(wording.WORDS["role"][role])) for role, _name in ROLES],
    )
    organisation = forms.ChoiceField(required=False, label=gettext_lazy(wording.LABEL_ORGANISATION))

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [("", "—")] + [
            (o.org_id, f"{o.name} ({o.org_id})") for o in organisations
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("role") == "member" and not data.get("organisation"):
            self.add_error("organisation", say(msg.MEMBER_NEEDS_ORGANISATION))
        return data


class OrganisationForm(forms.Form):
    id = forms.SlugField(max_length=200, allow_unicode=True)
    name = forms.CharField(max_length=300, label=gettext_lazy(wording.LABEL_NAME))
    country = forms.CharField(
        max_length=2, required=False, label=gettext_lazy(wording.LABEL_COUNTRY)
    )
    nace = forms.CharField(max_length=20, required=False)
    sme = forms.ChoiceField(choices=_choices(YES_NO_VALUES, blank=True), required=False)
    eu_ets = forms.ChoiceField(choices=_choices(YES_NO_VALUES, blank=True), required=False)
    # The language of the organisation's documents (the ledger's `language` column).
    language = forms.ChoiceField(choices=_choices(LANGUAGES, blank=True), required=False)


class YearForm(forms.Form):
    reason = forms.CharField(
        max_length=1000, required=False, label=gettext_lazy(wording.LABEL_REASON)
    )
    # Chosen among the sets the server is configured with (factor_sets.py), never a path.
    factors = forms.ChoiceField(
        required=False,
        label=gettext_lazy(wording.LABEL_FACTORS),
        help_text=gettext_lazy(msg.FACTORS_HELP),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from isbenefit.service import factor_sets

        super().__init__(*args, **kwargs)
        own = (factor_sets.CLUSTERS_OWN, say(msg.CLUSTERS_FACTOR_SET))
        self.fields["factors"].choices = [own, *factor_sets.choices()]

    def clean_factors(self) -> str | None:
        """The folder of the chosen set ("" the shipped one), None for the cluster's."""
        from isbenefit.service import factor_sets

        return factor_sets.folder_of(str(self.cleaned_data.get("factors") or ""))


class JobForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy(wording.LABEL_KIND),
        choices=[(str(kind), gettext_lazy(msg.JOB_KINDS[kind])) for kind in DocumentKind],
    )
    year = forms.IntegerField(
        min_value=FIRST_YEAR, max_value=LAST_YEAR, label=gettext_lazy(wording.LABEL_YEAR)
    )
    organisation = forms.CharField(
        max_length=200, required=False, label=gettext_lazy(wording.LABEL_ORGANISATION)
    )
    language = forms.ChoiceField(
        required=False,
        label=gettext_lazy(wording.LABEL_LANGUAGE),
        help_text=gettext_lazy(wording.DOCUMENTS_LANGUAGE_HELP),
        choices=[("", gettext_lazy(wording.LANGUAGE_OF_EACH))]
        + [(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(max_length=1000, label=gettext_lazy(wording.LABEL_REASON))
    superseded_by = forms.RegexField(regex=f"^{CERTIFICATE_ID_PATTERN}$", required=False)


class WithdrawForm(forms.Form):
    reason = forms.CharField(max_length=1000, label=gettext_lazy(wording.LABEL_REASON))
