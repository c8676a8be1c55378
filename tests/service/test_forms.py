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
