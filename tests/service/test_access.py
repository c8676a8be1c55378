"""Roles: a member sees and changes only its organisation's exchanges, by page, by
guessed id, by upload; confirmations follow the rules of the issue (item 4)."""

from __future__ import annotations

import uuid

from django.test import TestCase

from isbenefit.service import store
from isbenefit.service.models import Confirmation, Exchange
from tests.service.helpers import KALVO, client_for, example_cluster, users


class Roles(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cluster = example_cluster()
        cls.users = users(cls.cluster)
        cls.own = Exchange.objects.filter(current__supplier=KALVO).first()
        cls.foreign = (
            Exchange.objects.exclude(current__supplier=KALVO)
            .exclude(current__receiver=KALVO)
            .first()
        )

    def test_a_member_lists_only_its_exchanges(self) -> None:
        page = client_for(self.users["member"]).get("/exchanges/").content.decode()
        assert self.own.exchange_id in page
        assert self.foreign.exchange_id not in page

    def test_another_members_exchange_is_not_there(self) -> None:
        client = client_for(self.users["member"])
        pk = self.foreign.pk
        before = self.foreign.current.fields
        for url in (f"/exchanges/{pk}/", f"/exchanges/{pk}/edit/"):
            assert client.get(url).status_code == 404
        assert client.post(f"/exchanges/{pk}/edit/", {"quantity": "1"}).status_code == 404
        confirm = {"party": "supplier", "version": str(self.foreign.current.pk)}
        assert client.post(f"/exchanges/{pk}/confirm/", confirm).status_code == 404
        assert client.post(f"/exchanges/{pk}/withdraw/", {"reason": "x"}).status_code == 404
        self.foreign.refresh_from_db()
        assert self.foreign.current.fields == before
        assert not Confirmation.objects.filter(version__exchange=self.foreign).exists()

    def test_guessed_ids_find_nothing(self) -> None:
        client = client_for(self.users["member"])
        for guess in (str(uuid.uuid4()), "1", "../../etc/passwd", self.foreign.exchange_id):
            assert client.get(f"/exchanges/{guess}/").status_code == 404

    def test_the_funder_sees_no_exchange_and_enters_none(self) -> None:
        client = client_for(self.users["funder"])
        assert self.own.exchange_id not in client.get("/exchanges/").content.decode()
        assert client.get(f"/exchanges/{self.own.pk}/").status_code == 404
        assert client.get("/exchanges/new/").status_code == 403
        assert client.get("/upload/").status_code == 403
        assert client.get("/users/").status_code == 403

    def test_pages_need_a_login(self) -> None:
        from django.test import Client

        response = Client().get("/exchanges/")
        assert response.status_code == 302 and "/login/" in response["Location"]

    def test_confirmation_by_both_parties(self) -> None:
        version = self.own.current
        member = client_for(self.users["member"])
        facilitator = client_for(self.users["facilitator"])
        # The facilitator may not confirm for an organisation that has an account.
        refused = facilitator.post(
            f"/exchanges/{self.own.pk}/confirm/", {"party": "supplier", "version": version.pk}
        )
        assert refused.status_code == 403
        member.post(
            f"/exchanges/{self.own.pk}/confirm/", {"party": "supplier", "version": version.pk}
        )
        assert not store.is_confirmed(version)
        # The receiver has no account: the facilitator confirms for it, recorded as such.
        facilitator.post(
            f"/exchanges/{self.own.pk}/confirm/", {"party": "receiver", "version": version.pk}
        )
        assert store.is_confirmed(version)
        on_behalf = Confirmation.objects.get(version=version, party="receiver")
        assert on_behalf.on_behalf and on_behalf.user == self.users["facilitator"]
        # A change is a new version, which needs confirming again.
        new, _ = store.save_exchange(
            self.cluster, {**version.fields, "quantity": "1"}, version.inputs, version.baselines
        )
        assert not store.is_confirmed(new)
        confirmed = store.current_versions(self.cluster, confirmed_only=True)
        assert self.own.exchange_id not in {v.exchange.exchange_id for v in confirmed}

    def test_a_member_cannot_confirm_the_other_side(self) -> None:
        version = self.own.current
        response = client_for(self.users["member"]).post(
            f"/exchanges/{self.own.pk}/confirm/", {"party": "receiver", "version": version.pk}
        )
        assert response.status_code == 403

    def test_a_member_uploads_nothing_of_others(self) -> None:
        foreign = self.foreign.current
        row = dict(foreign.fields)
        header = ",".join(row)
        body = ",".join(f'"{v}"' for v in row.values())
        data = f"{header}\n{body}\n".encode()
        from django.core.files.uploadedfile import SimpleUploadedFile

        response = client_for(self.users["member"]).post(
            "/upload/", {"ledger": SimpleUploadedFile("exchanges.csv", data, "text/csv")}
        )
        assert response.status_code == 400
        assert "supplier or the receiver" in response.content.decode()
        assert self.foreign.versions.count() == 1
