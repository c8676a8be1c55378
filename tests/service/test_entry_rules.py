"""What a member may not store, upload, form and API alike (access.entry_refusals): a
withdrawn exchange, a new column of the cluster's ledger, an unknown organisation."""

from __future__ import annotations

import json
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase
from rest_framework.authtoken.models import Token

from isbenefit.service.models import Exchange, Organisation
from tests.service.helpers import client_for, example_cluster, users


def _csv(row: dict[str, str]) -> SimpleUploadedFile:
    header = ",".join(row)
    body = ",".join(f'"{v}"' for v in row.values())
    return SimpleUploadedFile("exchanges.csv", f"{header}\n{body}\n".encode(), "text/csv")


def _api(user: Any) -> Client:
    token, _ = Token.objects.get_or_create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}")


class MemberEntries(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cluster = example_cluster("entries")
        cls.users = users(cls.cluster)
        cls.own = Exchange.objects.get(cluster=cls.cluster, exchange_id="kal-gypsum-2024")

    def _upload(self, who: str, row: dict[str, str]) -> Any:
        return client_for(self.users[who]).post("/upload/", {"ledger": _csv(row)})

    def test_an_upload_does_not_reopen_a_withdrawn_exchange(self) -> None:
        client_for(self.users["facilitator"]).post(
            f"/exchanges/{self.own.pk}/withdraw/",
            {"reason": "facilitator says no", "confirmed": "yes"},
        )
        self.own.refresh_from_db()
        assert self.own.current.withdrawn
        answer = self._upload("member", dict(self.own.current.fields))
        assert answer.status_code == 400
        problems = answer.context["problems"]
        assert [(p.sheet, p.row, p.column) for p in problems] == [("exchanges", 2, "id")]
        assert "withdrawn" in problems[0].message
        self.own.refresh_from_db()
        assert self.own.current.withdrawn

    def test_an_upload_adds_no_column_to_the_clusters_ledger(self) -> None:
        before = list(self.cluster.headers["exchanges"])
        answer = self._upload("member", {**self.own.current.fields, "evil_column": "x"})
        assert answer.status_code == 400
        problems = answer.context["problems"]
        assert [(p.sheet, p.row, p.column) for p in problems] == [("exchanges", 1, "evil_column")]
        self.cluster.refresh_from_db()
        assert self.cluster.headers["exchanges"] == before

    def test_an_upload_makes_no_organisation(self) -> None:
        row = {**self.own.current.fields, "id": "new-org-row", "receiver": "brand-new-org"}
        answer = self._upload("member", row)
        assert answer.status_code == 400
        problems = answer.context["problems"]
        assert ("exchanges", 2, "receiver") in [(p.sheet, p.row, p.column) for p in problems]
        assert not Organisation.objects.filter(org_id="brand-new-org").exists()

    def test_the_facilitator_may_add_a_column(self) -> None:
        answer = self._upload("facilitator", {**self.own.current.fields, "site": "north"})
        assert answer.status_code == 302
        self.cluster.refresh_from_db()
        assert "site" in self.cluster.headers["exchanges"]

    def test_the_api_refuses_the_same(self) -> None:
        member = _api(self.users["member"])
        row = {**self.own.current.fields, "id": "api-new", "receiver": "brand-new-org"}
        answer = member.post(
            "/api/exchanges/", json.dumps({"row": row}), content_type="application/json"
        )
        assert answer.status_code == 400
        located = [(p["sheet"], p["row"], p["column"]) for p in answer.json()["problems"]]
        assert located == [("exchanges", 2, "receiver")]
        assert not Organisation.objects.filter(org_id="brand-new-org").exists()
        answer = member.patch(
            f"/api/exchanges/{self.own.pk}/",
            json.dumps({"row": {"evil_column": "x"}, "version": str(self.own.current_id)}),
            content_type="application/json",
        )
        assert answer.status_code == 400
        located = [(p["sheet"], p["row"], p["column"]) for p in answer.json()["problems"]]
        assert located == [("exchanges", 1, "evil_column")]
        self.own.refresh_from_db()
        assert "evil_column" not in self.own.current.fields


class LostUpdates(TestCase):
    """A change carries the version it was made on; one made on a superseded version is
    refused (it would undo the other change silently)."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.cluster = example_cluster("lost")
        cls.users = users(cls.cluster)
        cls.own = Exchange.objects.get(cluster=cls.cluster, exchange_id="kal-gypsum-2024")

    def test_a_stale_form_is_refused(self) -> None:
        member = client_for(self.users["member"])
        page = member.get(f"/exchanges/{self.own.pk}/edit/").content.decode()
        first = str(self.own.current_id)
        assert f'name="version" value="{first}"' in page
        fields = dict(self.own.current.fields)
        changed = client_for(self.users["facilitator"]).post(
            f"/exchanges/{self.own.pk}/edit/", {**fields, "quantity": "111", "version": first}
        )
        assert changed.status_code == 302
        stale = member.post(
            f"/exchanges/{self.own.pk}/edit/",
            {**fields, "evidence": "member note", "version": first},
        )
        assert stale.status_code == 409 and "changed meanwhile" in stale.content.decode()
        self.own.refresh_from_db()
        assert self.own.current.fields["quantity"] == "111"
        assert self.own.current.fields.get("evidence", "") != "member note"

    def test_a_stale_api_change_is_refused(self) -> None:
        member = _api(self.users["member"])
        first = str(self.own.current_id)
        url = f"/api/exchanges/{self.own.pk}/"

        def change(quantity: str) -> Any:
            body = {"row": {"quantity": quantity}, "version": first}
            return member.patch(url, json.dumps(body), content_type="application/json")

        assert change("5").status_code == 200
        assert change("6").status_code == 409
        missing = member.patch(url, json.dumps({"row": {"quantity": "6"}}), "application/json")
        assert missing.status_code == 400
        self.own.refresh_from_db()
        assert self.own.current.fields["quantity"] == "5"

    def test_the_store_refuses_a_superseded_version_and_locks_the_rows(self) -> None:
        from unittest import mock

        from django.db.models import QuerySet

        from isbenefit.service import store, years

        version = self.own.current
        locked: list[str] = []
        real = QuerySet.select_for_update

        def recording(queryset: QuerySet[Any], *args: Any, **kwargs: Any) -> Any:
            locked.append(queryset.model.__name__)
            return real(queryset, *args, **kwargs)

        with mock.patch.object(QuerySet, "select_for_update", recording):
            store.save_exchange(
                self.cluster, {**version.fields, "quantity": "9"}, expected=version.pk
            )
            assert "Exchange" in locked
            with self.assertRaises(store.StaleVersionError):
                store.save_exchange(
                    self.cluster, {**version.fields, "quantity": "8"}, expected=version.pk
                )
            locked.clear()
            years.close(self.cluster, 2024, self.users["facilitator"], "closed")
            assert "Cluster" in locked


class ClosingAYear(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cluster = example_cluster("closing")
        cls.users = users(cls.cluster)

    def test_a_folder_typed_as_the_factor_set_closes_nothing(self) -> None:
        from isbenefit.service.models import YearVersion

        answer = client_for(self.users["facilitator"]).post(
            "/years/2024/", {"reason": "closing", "factors": "/etc"}
        )
        assert answer.status_code == 200  # the form again, with the error
        assert b"Select a valid choice" in answer.content
        assert not YearVersion.objects.filter(cluster=self.cluster).exists()

    def test_a_year_with_no_version_yet_shows_its_page(self) -> None:
        answer = client_for(self.users["facilitator"]).get("/years/2023/")
        assert answer.status_code == 200
