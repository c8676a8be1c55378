"""The forms of the pages (Django forms: CSRF, escaping and validation by the framework).

An exchange entered through the form is checked as `assess` checks a ledger: its row,
with the cluster's organisations and rates, goes through :func:`store.check_data`, and
each problem is put on the field of its column.
"""

from __future__ import annotations

from typing import Any

from django import forms

from isbenefit.service.ledgers import Row
from isbenefit.service.models import ROLES, Cluster, Organisation

UNITS = (
    "t",
    "kg",
    "g",
    "Mg",
    "kt",
    "MWh",
    "kWh",
    "GWh",
    "Wh",
    "GJ",
    "MJ",
    "kJ",
    "TJ",
    "m3",
    "l",
    "hl",
    "Nm3",
)
FLOWS = ("material", "energy", "water")
QUALITIES = ("measured", "calculated", "estimated")
ACTIVITY_FIELDS = (
    "baseline_disposal",
    "baseline_supply",
    "transport_mode",
    "baseline_transport_mode",
)
TEXT_FIELDS = (
    "substitution_ratio",
    "baseline_efficiency",
    "mass_t",
    "transport_km",
    "baseline_transport_km",
    "supplier_share",
    "price",
    "supplier_avoided_cost",
    "supplier_extra_cost",
    "receiver_avoided_cost",
    "receiver_extra_cost",
    "currency",
    "evidence",
    "ewc_code",
    "legal_status",
    "recovery_operation",
)


def _choices(values: tuple[str, ...], blank: bool = False) -> list[tuple[str, str]]:
    return ([("", "—")] if blank else []) + [(v, v) for v in values]


class ExchangeForm(forms.Form):
    """One exchanges row: the contract's columns; activities chosen by name."""

    id = forms.CharField(max_length=200, label="Exchange id")
    period_start = forms.DateField(input_formats=["%Y-%m-%d"], help_text="YYYY-MM-DD")
    period_end = forms.DateField(input_formats=["%Y-%m-%d"], help_text="YYYY-MM-DD")
    supplier = forms.ChoiceField()
    receiver = forms.ChoiceField()
    flow = forms.ChoiceField(choices=_choices(FLOWS))
    resource = forms.CharField(max_length=500)
    quantity = forms.CharField(max_length=40)
    unit = forms.ChoiceField(choices=_choices(UNITS))
    data_quality = forms.ChoiceField(choices=_choices(QUALITIES, blank=True), required=False)
    hazardous = forms.ChoiceField(choices=_choices(("no", "yes"), blank=True), required=False)
    reason = forms.CharField(
        max_length=500, required=False, help_text="Why this change (kept in the history)."
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
        parties = [(o.org_id, f"{o.name} ({o.org_id})") for o in organisations]
        self.fields["supplier"].choices = parties
        self.fields["receiver"].choices = parties
        named = [("", "—")] + [(a, f"{name} [{unit}]") for a, name, unit in activities]
        for name in ACTIVITY_FIELDS:
            self.fields[name] = forms.ChoiceField(choices=named, required=False)
        for name in TEXT_FIELDS:
            self.fields[name] = forms.CharField(max_length=2000, required=False)
        self.cluster = cluster

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
    ledger = forms.FileField(help_text=".xlsx workbook or exchanges .csv")
    reason = forms.CharField(max_length=500, required=False)


class VerifyForm(forms.Form):
    pdf = forms.FileField(label="Certificate (PDF)")


class UserForm(forms.Form):
    email = forms.EmailField()
    role = forms.ChoiceField(choices=ROLES)
    organisation = forms.ChoiceField(required=False)

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [("", "—")] + [
            (o.org_id, f"{o.name} ({o.org_id})") for o in organisations
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("role") == "member" and not data.get("organisation"):
            self.add_error("organisation", "a member belongs to an organisation")
        return data


class OrganisationForm(forms.Form):
    id = forms.SlugField(max_length=200, allow_unicode=True)
    name = forms.CharField(max_length=300)
    country = forms.CharField(max_length=2, required=False)
    nace = forms.CharField(max_length=20, required=False)
    sme = forms.ChoiceField(choices=_choices(("yes", "no"), blank=True), required=False)
    eu_ets = forms.ChoiceField(choices=_choices(("yes", "no"), blank=True), required=False)


class YearForm(forms.Form):
    reason = forms.CharField(max_length=1000, required=False)
    factors = forms.CharField(
        max_length=1000, required=False, help_text="Factor-set folder (blank: the cluster's)."
    )

    def clean_factors(self) -> str:
        """A folder that reads as a factor set, or blank: a year is never closed (nor a
        500 shown) on a path that holds none."""
        from isbenefit.errors import IsbenefitError
        from isbenefit.scoring.source import FactorSetFolder

        given = str(self.cleaned_data.get("factors") or "").strip()
        if not given:
            return ""
        try:
            FactorSetFolder(given).factor_set()
        except (IsbenefitError, OSError, ValueError) as error:
            raise forms.ValidationError(f"not a factor set: {error}") from None
        return given


class JobForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[("statement", "statements"), ("certificate", "certificates"), ("report", "report")]
    )
    year = forms.IntegerField(min_value=1900, max_value=2200)
    organisation = forms.CharField(max_length=200, required=False)


class RevokeForm(forms.Form):
    reason = forms.CharField(max_length=1000)
    superseded_by = forms.RegexField(regex=r"^ISB-[0-9A-F]{16}$", required=False)


class WithdrawForm(forms.Form):
    reason = forms.CharField(max_length=1000)
