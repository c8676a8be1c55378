"""The service's forms take their fields from the ledger contract: the exchange form has
every exchanges column in the contract's order, each as the contract types it, and the
year fields its year bounds (the same as `--year` and the API's)."""

from __future__ import annotations

from django import forms as django_forms
from django.test import SimpleTestCase

from isbenefit.ledger import contract
from isbenefit.service import forms
from isbenefit.service.api import serializers
from isbenefit.service.models import Cluster


def exchange_form() -> forms.ExchangeForm:
    return forms.ExchangeForm(
        cluster=Cluster(name="c"),
        organisations=[],
        activities=[("landfill.inert", "Inert waste to landfill", "t")],
    )


class ExchangeFormFollowsTheContract(SimpleTestCase):
    def test_every_column_in_the_contracts_order_then_the_reason(self) -> None:
        assert list(exchange_form().fields) == [*contract.EXCHANGES.names, "reason"]

    def test_each_field_as_the_contract_types_its_column(self) -> None:
        fields = exchange_form().fields
        for column in contract.EXCHANGES.columns:
            field = fields[column.name]
            assert field.required == column.required, column.name
            if column.kind == contract.DATE:
                assert isinstance(field, django_forms.DateField), column.name
            elif column.values:
                offered = [value for value, _ in field.choices if value]
                assert offered == list(column.values), column.name
        units = [value for value, _ in fields["unit"].choices]
        assert units == list(contract.LEDGER_UNITS)
        activities = [value for value, _ in fields["baseline_supply"].choices]
        assert activities == ["", "landfill.inert"]

    def test_a_number_is_typed_as_text_and_checked_by_the_rules(self) -> None:
        field = exchange_form().fields["supplier_share"]
        assert isinstance(field, django_forms.CharField)
        assert not isinstance(field, django_forms.ChoiceField)


class YearsFollowTheContract(SimpleTestCase):
    def test_the_job_form_and_the_api_take_the_contracts_years(self) -> None:
        first, last = contract.YEARS
        for year, valid in ((first, True), (last, True), (first - 1, False), (last + 1, False)):
            form = forms.JobForm({"kind": "report", "year": str(year)})
            request = serializers.DocumentRequest(data={"kind": "report", "year": year})
            assert form.is_valid() == valid == request.is_valid(), year


class ExchangeFormLayout(SimpleTestCase):
    def test_fieldsets_hold_every_field_once_in_the_parts_of_an_exchange(self) -> None:
        groups = exchange_form().fieldsets()
        names = [field.name for _legend, fields in groups for field in fields]
        assert sorted(names) == sorted([*contract.EXCHANGES.names, "reason"])
        assert len(names) == len(set(names))
        legends = [legend for legend, _fields in groups]
        assert legends[0] == "Parties and period" and legends[-1] == "Evidence and reason"

    def test_activities_are_typed_from_a_list_but_only_the_factor_sets_are_taken(self) -> None:
        html = str(exchange_form()["baseline_disposal"])
        assert 'list="activities"' in html and "<select" not in html
        form = forms.ExchangeForm(
            {"baseline_disposal": "no.such.activity"},
            cluster=Cluster(name="c"),
            organisations=[],
            activities=[("landfill.inert", "Inert waste to landfill", "t")],
        )
        assert not form.is_valid() and "baseline_disposal" in form.errors

    def test_the_units_that_fit_an_activity_are_those_convertible_into_its_unit(self) -> None:
        fit = forms.fitting_units("t")
        assert {"t", "kg"} <= set(fit) and "MWh" not in fit and "m3" not in fit
        assert "MWh" in forms.fitting_units("kWh")
