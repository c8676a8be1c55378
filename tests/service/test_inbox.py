"""The inbox through the real server: what waits for each person on the home page, with
its count in the navigation; a funder's home with the closed years per organisation."""

from __future__ import annotations

import re
from typing import Any

from django.test import TestCase

from isbenefit.service import store
from isbenefit.service.accounts import add_user
from isbenefit.service.models import Document, Exchange, Job, Proposal
from tests.service.helpers import KALVO, PASSWORD, client_for, example_cluster, users

# The example's exchanges with dk-kalvo-chp as a party (examples/nordic-cluster.xlsx):
# supplier of kal-gypsum-2023, kal-gypsum-2024, kal-flyash-2024; receiver of
# kal-coolwater-2023, kal-coolwater-2024, kal-treatedwater-2024.
KALVO_EXCHANGES = 6
# Of the example's 20 exchanges, one is between two organisations with accounts here
# (kal-treatedwater-2024, dk-hojmark-ferm to dk-kalvo-chp); the facilitator confirms a
# side of each of the 19 others on behalf of its organisation.
ON_BEHALF = 19


def _navigation(page: str) -> int:
    """The figure the navigation's Inbox link shows (0 when it shows none)."""
    found = re.search(r'class="inbox-link">Inbox(?: <span class="count"[^>]*>(\d+)</span>)?', page)
    assert found, page[:2000]
    return int(found.group(1) or 0)


class Inbox(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cluster = example_cluster("inbox")
        cls.users = users(cls.cluster)
        cls.gypsum = Exchange.objects.get(cluster=cls.cluster, exchange_id="kal-gypsum-2024")

    def _home(self, user: Any) -> tuple[str, Any]:
        answer = client_for(user).get("/")
        assert answer.status_code == 200
        return answer.content.decode(), answer.context

    def test_a_member_sees_the_exchanges_it_confirms_and_their_count(self) -> None:
        page, context = self._home(self.users["member"])
        assert len(context["inbox"].to_confirm) == KALVO_EXCHANGES
        assert _navigation(page) == KALVO_EXCHANGES
        assert f"Exchanges to confirm ({KALVO_EXCHANGES})" in page
        assert f'href="/exchanges/{self.gypsum.pk}/"' in page
        member = client_for(self.users["member"])
        assert self.gypsum.current is not None
        member.post(
            f"/exchanges/{self.gypsum.pk}/confirm/",
            {"party": "supplier", "version": self.gypsum.current.pk},
        )
        page, _ = self._home(self.users["member"])
        assert _navigation(page) == KALVO_EXCHANGES - 1
        assert f'href="/exchanges/{self.gypsum.pk}/"' not in page
        # Every page's navigation carries the count.
        assert _navigation(member.get("/exchanges/").content.decode()) == KALVO_EXCHANGES - 1

    def test_a_proposal_waits_for_the_organisations_it_names(self) -> None:
        receiver = add_user("inbox", "g@inbox.org", "member", "dk-naestved-gips", PASSWORD)
        before, _ = self._home(receiver)
        assert self.gypsum.current is not None
        fields = {**self.gypsum.current.fields, "receiver": "dk-rorby-svin"}
        client_for(self.users["member"]).post(
            f"/exchanges/{self.gypsum.pk}/edit/",
            {**fields, "version": self.gypsum.current.pk, "reason": "moved"},
        )
        proposal = Proposal.objects.get(exchange=self.gypsum)
        page, context = self._home(receiver)
        assert context["inbox"].proposals == [proposal]
        assert _navigation(page) == _navigation(before) + 1
        assert f'href="/proposals/{proposal.pk}/"' in page
        # The proposer's organisation accepted by proposing: nothing more waits there.
        _, mine = self._home(self.users["member"])
        assert mine["inbox"].proposals == []
        # The facilitator answers for dk-rorby-svin, which has no account.
        _, facilitator = self._home(self.users["facilitator"])
        assert facilitator["inbox"].proposals == [proposal]

    def test_the_facilitator_sees_sides_to_confirm_for_and_years_to_close(self) -> None:
        page, context = self._home(self.users["facilitator"])
        inbox = context["inbox"]
        assert len(inbox.to_confirm) == ON_BEHALF
        # The example's exchanges run in 2023 and 2024, both ended, neither closed.
        assert inbox.years == [2024, 2023]
        assert _navigation(page) == ON_BEHALF + 2
        assert 'href="/years/2024/"' in page and "Years to close (2)" in page
        closed = client_for(self.users["facilitator"]).post("/years/2024/", {"reason": "year"})
        assert closed.status_code == 302
        _, context = self._home(self.users["facilitator"])
        assert context["inbox"].years == [2023]

    def test_a_document_waits_until_it_is_downloaded(self) -> None:
        for version in store.current_versions(self.cluster, 2024):
            for party in ("supplier", "receiver"):
                store.confirm(version, party, self.users["facilitator"], on_behalf=True)
        facilitator = client_for(self.users["facilitator"])
        started = facilitator.post(
            "/documents/", {"kind": "statement", "year": "2024", "organisation": KALVO}
        )
        job = Job.objects.get(pk=started["Location"].rstrip("/").split("/")[-1])
        assert job.state == "done", job.message
        (document,) = Document.objects.filter(job=job)
        page, context = self._home(self.users["member"])
        assert context["inbox"].documents == [document]
        assert f'href="/documents/{document.pk}/pdf"' in page
        # Left to confirm: its two 2023 exchanges (kal-gypsum-2023, kal-coolwater-2023).
        assert _navigation(page) == 2 + 1
        # Not the other organisation's: its member has nothing ready.
        _, other = self._home(self.users["other"])
        assert other["inbox"].documents == []
        pdf = client_for(self.users["member"]).get(f"/documents/{document.pk}/pdf")
        assert pdf.status_code == 200
        _, context = self._home(self.users["member"])
        assert context["inbox"].documents == []
        # The facilitator's own job's document waits for the facilitator too.
        _, mine = self._home(self.users["facilitator"])
        assert mine["inbox"].documents == [document]


class FunderHome(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cluster = example_cluster("funded")
        cls.users = users(cls.cluster)
        for version in store.current_versions(cls.cluster, 2024):
            for party in ("supplier", "receiver"):
                store.confirm(version, party, cls.users["facilitator"], on_behalf=True)

    def test_closed_years_per_organisation_with_certificates_and_the_register(self) -> None:
        funder = client_for(self.users["funder"])
        page = funder.get("/").content.decode()
        assert "No year is closed yet" in page and 'class="inbox-link"' not in page
        assert 'href="/exchanges/"' not in page  # a funder reads no exchanges
        closed = client_for(self.users["facilitator"]).post("/years/2024/", {"reason": "year"})
        assert closed.status_code == 302
        # A certificate of the year, as an issued one is recorded.
        organisation = self.cluster.organisations.get(org_id=KALVO)
        Document.objects.create(
            cluster=self.cluster,
            kind="certificate",
            year=2024,
            organisation=organisation,
            year_version=self.cluster.year_versions.get(year=2024),
            stored_name="not-read-here.pdf",
            sha256="0" * 64,
            size=1,
            certificate_id="ISB-0123456789ABCDEF",
        )
        answer = funder.get("/")
        page = answer.content.decode()
        (year,) = answer.context["by_organisation"]
        assert year["version"].year == 2024
        # Every organisation of the 2024 exchanges, by name, its id on hover.
        org_ids = {
            p for v in store.current_versions(self.cluster, 2024) for p in (v.supplier, v.receiver)
        }
        assert {o["org_id"] for o in year["organisations"]} == org_ids
        assert f'title="{KALVO}">{organisation.name}<' in page
        assert 'href="/c/ISB-0123456789ABCDEF"' in page
        assert 'href="/register?cluster=funded"' in page and 'href="/years/2024/"' in page
        assert "no certificate" in page  # the organisations without one
