"""Counterparties through the real server (Django's test client): a new supplier or
receiver is a proposal both current parties and the new one accept, and until then the
exchange stays as it was; an exchange both confirmed is withdrawn only with both (or by
the facilitator); a former party keeps reading the versions it confirmed; uploads and
`store import` never replace a version both parties confirmed unless told to."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
from django.core import mail
from django.test import TestCase
from typer.testing import CliRunner

from isbenefit.cli.app import app
from isbenefit.service import store
from isbenefit.service.accounts import add_user
from isbenefit.service.models import (
    Answer,
    Change,
    Confirmation,
    Exchange,
    Membership,
    Proposal,
)
from tests.service.conftest import EXAMPLE
from tests.service.helpers import KALVO, PASSWORD, client_for, example_cluster, users

RECEIVER = "dk-naestved-gips"  # kal-gypsum-2024's receiver in the example
NEW = "dk-rorby-svin"  # a third organisation, with an account in these tests
NO_ACCOUNT = "dk-bostrup-biogas"  # an organisation nobody logs in for


def _row_of(exchange_id: str) -> int:
    """The example workbook's row of an exchange, read with openpyxl (header: row 1)."""
    sheet = openpyxl.load_workbook(EXAMPLE, read_only=True)["exchanges"]
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        if row[0] == exchange_id:
            return number
    raise AssertionError(exchange_id)


class Counterparties(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cluster = example_cluster("parties")
        cls.users = users(cls.cluster)
        cls.counterparty = add_user(cls.cluster.name, "g@parties.org", "member", RECEIVER, PASSWORD)
        cls.newcomer = add_user(cls.cluster.name, "n@parties.org", "member", NEW, PASSWORD)
        cls.own = Exchange.objects.get(cluster=cls.cluster, exchange_id="kal-gypsum-2024")

    # --- steps --------------------------------------------------------------------------------

    def _current(self) -> Any:
        self.own.refresh_from_db()
        return self.own.current

    def _confirm_both(self) -> None:
        for user, party in ((self.users["member"], "supplier"), (self.counterparty, "receiver")):
            answer = client_for(user).post(
                f"/exchanges/{self.own.pk}/confirm/",
                {"party": party, "version": self._current().pk},
            )
            assert answer.status_code == 302
        assert store.is_confirmed(self._current())

    def _edit(self, user: Any, **cells: str) -> Any:
        current = self._current()
        return client_for(user).post(
            f"/exchanges/{self.own.pk}/edit/",
            {**current.fields, **cells, "version": current.pk, "reason": "sold the line"},
        )

    def _answer(self, user: Any, proposal: Proposal, org_id: str, answer: str) -> Any:
        return client_for(user).post(
            f"/proposals/{proposal.pk}/answer/", {"organisation": org_id, "answer": answer}
        )

    # --- a new party ---------------------------------------------------------------------------

    def test_a_new_receiver_waits_for_both_parties_and_the_new_one(self) -> None:
        self._confirm_both()
        before = self._current()
        proposed = self._edit(self.users["member"], receiver=NEW)
        proposal = Proposal.objects.get(exchange=self.own)
        assert proposed.status_code == 302 and proposed.url == f"/proposals/{proposal.pk}/"
        assert proposal.organisations == [KALVO, RECEIVER, NEW]
        assert [a.organisation for a in proposal.answers.all()] == [KALVO]  # by proposing
        # Until all accepted, the exchange stays as both confirmed it.
        assert self._current() == before and store.is_confirmed(before)
        newcomer = client_for(self.newcomer)
        page = newcomer.get(f"/proposals/{proposal.pk}/").content.decode()
        assert "Accept for dk-rorby-svin" in page and "dk-naestved-gips" in page
        assert newcomer.get(f"/exchanges/{self.own.pk}/").status_code == 404  # not yet a party
        assert client_for(self.users["other"]).get(f"/proposals/{proposal.pk}/").status_code == 404
        # The newcomer may not answer for the counterparty.
        assert self._answer(self.newcomer, proposal, RECEIVER, "accept").status_code == 403

        assert self._answer(self.counterparty, proposal, RECEIVER, "accept").status_code == 302
        assert self._current() == before
        answered = self._answer(self.newcomer, proposal, NEW, "accept")
        assert answered.status_code == 302
        made = self._current()
        proposal.refresh_from_db()
        assert proposal.state == "accepted" and proposal.made == made
        assert (made.number, made.supplier, made.receiver) == (before.number + 1, KALVO, NEW)
        # Accepting was confirming: the new version is confirmed by its two parties.
        given = {c.party: c.user for c in Confirmation.objects.filter(version=made)}
        assert given == {"supplier": self.users["member"], "receiver": self.newcomer}
        actions = set(Change.objects.filter(cluster=self.cluster).values_list("action", flat=True))
        assert {"propose parties", "accept proposal", "proposal accepted"} <= actions

        # The former receiver reads the versions it confirmed, not the new one.
        former = client_for(self.counterparty).get(f"/exchanges/{self.own.pk}/")
        assert former.status_code == 200
        assert [v.number for v in former.context["versions"]] == [before.number]
        text = former.content.decode()
        assert "no longer a party" in text and NEW not in text
        listed = client_for(self.counterparty).get("/exchanges/").content.decode()
        assert "no longer party to" in listed and f"/exchanges/{self.own.pk}/" in listed
        assert (
            client_for(self.counterparty).get(f"/exchanges/{self.own.pk}/edit/").status_code == 404
        )
        # The new receiver reads its version, not the earlier pair's.
        page = client_for(self.newcomer).get(f"/exchanges/{self.own.pk}/")
        assert [v.number for v in page.context["versions"]] == [made.number]

    def test_a_party_declining_ends_the_proposal(self) -> None:
        before = self._current()
        self._edit(self.users["member"], receiver=NEW)
        proposal = Proposal.objects.get(exchange=self.own)
        assert self._answer(self.counterparty, proposal, RECEIVER, "decline").status_code == 302
        proposal.refresh_from_db()
        assert proposal.state == "declined" and self._current() == before
        late = client_for(self.newcomer).post(
            f"/proposals/{proposal.pk}/answer/",
            {"organisation": NEW, "answer": "accept"},
            follow=True,
        )
        assert "no longer open" in late.content.decode()
        assert self._current() == before

    def test_a_change_meanwhile_makes_the_proposal_lapse(self) -> None:
        self._edit(self.users["member"], receiver=NEW)
        proposal = Proposal.objects.get(exchange=self.own)
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            assert self._edit(self.users["member"], quantity="4321").status_code == 302
        proposal.refresh_from_db()
        assert proposal.state == "lapsed"
        lapsed = [m for m in mail.outbox if m.to == ["n@parties.org"]]
        assert [m.subject for m in lapsed] == ["Proposal for exchange kal-gypsum-2024 lapsed"]
        self._answer(self.counterparty, proposal, RECEIVER, "accept")
        assert self._current().receiver == RECEIVER
        assert not Answer.objects.filter(proposal=proposal, organisation=RECEIVER).exists()

    def test_the_facilitator_answers_only_for_an_organisation_without_an_account(self) -> None:
        facilitator = self.users["facilitator"]
        self._edit(self.users["member"], receiver=NO_ACCOUNT)
        proposal = Proposal.objects.get(exchange=self.own)
        page = client_for(facilitator).get(f"/proposals/{proposal.pk}/").content.decode()
        assert f"Accept for {NO_ACCOUNT} on its behalf" in page
        assert f"Accept for {RECEIVER}" not in page  # it has an account: its own answer
        assert self._answer(facilitator, proposal, RECEIVER, "accept").status_code == 403
        self._answer(facilitator, proposal, NO_ACCOUNT, "accept")
        self._answer(self.counterparty, proposal, RECEIVER, "accept")
        made = self._current()
        assert made.receiver == NO_ACCOUNT
        on_behalf = Confirmation.objects.get(version=made, party="receiver")
        assert on_behalf.on_behalf and on_behalf.user == facilitator
        assert Change.objects.filter(action="accept proposal on behalf").exists()

    def test_a_member_may_propose_handing_its_side_over(self) -> None:
        self._edit(self.users["member"], supplier=NEW)
        proposal = Proposal.objects.get(exchange=self.own)
        assert proposal.organisations == [KALVO, RECEIVER, NEW]

    def test_a_party_the_cluster_does_not_list_is_refused_when_proposed(self) -> None:
        """Nobody could accept for it, so the proposal would stay open until it lapsed."""
        facilitator = self.users["facilitator"]
        before = self._current()
        page = self._edit(facilitator, receiver="dk-unknown-co")
        assert page.status_code == 200  # the form again, with the problem on its field
        text = page.content.decode()
        assert (
            "dk-unknown-co is no organisation of the cluster: the facilitator adds it under "
            "Organisations first, then it can be chosen here" in text
        )
        assert not Proposal.objects.filter(exchange=self.own).exists()
        assert self._current() == before
        # Listed first, the same proposal is made.
        client_for(facilitator).post("/organisations/", {"id": "dk-unknown-co", "name": "Co"})
        assert self._edit(facilitator, receiver="dk-unknown-co").status_code == 302
        assert Proposal.objects.get(exchange=self.own).state == "open"

    # --- withdrawing ---------------------------------------------------------------------------

    def _withdraw(self, user: Any) -> Any:
        return client_for(user).post(
            f"/exchanges/{self.own.pk}/withdraw/", {"reason": "double", "confirmed": "yes"}
        )

    def test_an_exchange_both_confirmed_is_withdrawn_only_with_both(self) -> None:
        self._confirm_both()
        # A change just before cannot open the way: some version was confirmed by both.
        self._edit(self.users["member"], quantity="4321")
        answer = self._withdraw(self.users["member"])
        proposal = Proposal.objects.get(exchange=self.own, kind="withdrawal")
        assert answer.url == f"/proposals/{proposal.pk}/"
        assert not self._current().withdrawn
        assert proposal.organisations == [KALVO, RECEIVER]
        self._answer(self.counterparty, proposal, RECEIVER, "accept")
        assert self._current().withdrawn

    def test_the_facilitator_withdraws_alone(self) -> None:
        self._confirm_both()
        assert self._withdraw(self.users["facilitator"]).status_code == 302
        assert self._current().withdrawn
        assert not Proposal.objects.filter(exchange=self.own).exists()

    def test_an_exchange_never_confirmed_by_both_is_withdrawn_by_a_party(self) -> None:
        self._withdraw(self.users["member"])
        assert self._current().withdrawn

    # --- the API --------------------------------------------------------------------------------

    def test_the_api_answers_a_new_party_with_a_proposal(self) -> None:
        from rest_framework.authtoken.models import Token
        from rest_framework.test import APIClient

        def api(user: Any) -> APIClient:
            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
            return client

        current = self._current()
        body = {"version": str(current.pk), "row": {"receiver": NEW}}
        answer = api(self.users["member"]).patch(
            f"/api/exchanges/{self.own.pk}/", body, format="json"
        )
        assert answer.status_code == 202, answer.content
        proposal = answer.json()
        assert proposal["state"] == "open" and proposal["organisations"] == [KALVO, RECEIVER, NEW]
        assert {"column": "receiver", "old": RECEIVER, "new": NEW} in proposal["changes"]
        assert self._current() == current
        newcomer = api(self.newcomer)
        listed = newcomer.get("/api/proposals/?state=open").json()
        assert [p["id"] for p in listed] == [proposal["id"]] and listed[0]["answerable"] == [NEW]
        path = f"/api/proposals/{proposal['id']}/answer/"
        refused = newcomer.post(path, {"organisation": RECEIVER, "answer": "accept"}, format="json")
        assert refused.status_code == 403
        api(self.counterparty).post(
            path, {"organisation": RECEIVER, "answer": "accept"}, format="json"
        )
        done = newcomer.post(path, {"organisation": NEW, "answer": "accept"}, format="json")
        assert done.status_code == 200 and done.json()["state"] == "accepted"
        assert self._current().receiver == NEW
        again = newcomer.post(path, {"organisation": NEW, "answer": "accept"}, format="json")
        assert again.status_code == 409

    def test_the_api_refuses_a_proposed_party_the_cluster_does_not_list(self) -> None:
        from rest_framework.authtoken.models import Token
        from rest_framework.test import APIClient

        client = APIClient()
        token = Token.objects.create(user=self.users["facilitator"]).key
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        body = {"version": str(self._current().pk), "row": {"supplier": "dk-unknown-co"}}
        answer = client.patch(f"/api/exchanges/{self.own.pk}/", body, format="json")
        assert answer.status_code == 400, answer.content
        (problem,) = answer.json()["problems"]
        assert problem["column"] == "supplier" and problem["value"] == "dk-unknown-co"
        assert problem["message"] == "'dk-unknown-co' is no organisation of the cluster"
        assert problem["fix"].startswith("add the organisation under Organisations first")
        assert not Proposal.objects.filter(exchange=self.own).exists()

    # --- mail -----------------------------------------------------------------------------------

    def test_the_parties_are_mailed_with_their_opt_outs(self) -> None:
        self._confirm_both()
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            self._edit(self.users["member"], receiver=NEW)
        to = {m.to[0]: m for m in mail.outbox}
        assert set(to) == {"g@parties.org", "n@parties.org"}  # not the proposer
        assert to["g@parties.org"].subject == (
            "Your counterparty proposes to change the parties of exchange kal-gypsum-2024 "
            "you confirmed"
        )
        assert f"- receiver: {RECEIVER} -> {NEW}" in to["g@parties.org"].body
        assert to["n@parties.org"].subject == (
            "A new party for exchange kal-gypsum-2024 waits for your answer"
        )
        proposal = Proposal.objects.get(exchange=self.own)
        assert f"/proposals/{proposal.pk}/" in to["n@parties.org"].body
        # Changes of exchanges it confirmed turned off: the counterparty hears nothing.
        Membership.objects.filter(user=self.counterparty).update(mail_changes=False)
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            self._answer(self.newcomer, proposal, NEW, "decline")
        assert [m.to for m in mail.outbox] == [["m@parties.org"]]
        assert mail.outbox[0].subject == "Proposal for exchange kal-gypsum-2024 declined"


class Imports(TestCase):
    """The issue's case: both parties confirm a correction; the original file imported
    again would revert it."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.cluster = example_cluster("imports")
        cls.users = users(cls.cluster)
        cls.counterparty = add_user(cls.cluster.name, "g@imports.org", "member", RECEIVER, PASSWORD)
        cls.own = Exchange.objects.get(cluster=cls.cluster, exchange_id="kal-gypsum-2024")
        current = cls.own.current
        assert current is not None
        corrected, _ = store.save_exchange(
            cls.cluster, {**current.fields, "quantity": "4321"}, current.inputs, current.baselines
        )
        store.confirm(corrected, "supplier", cls.users["member"], False)
        store.confirm(corrected, "receiver", cls.counterparty, False)
        cls.corrected = corrected

    def _upload(self, user: Any, **extra: str) -> Any:
        with EXAMPLE.open("rb") as stream:
            return client_for(user).post("/upload/", {"ledger": stream, "reason": "again", **extra})

    def test_an_upload_lists_each_confirmed_version_it_would_replace(self) -> None:
        answer = self._upload(self.users["facilitator"])
        assert answer.status_code == 400
        (problem,) = answer.context["problems"]
        assert (problem.sheet, problem.row, problem.column) == (
            "exchanges",
            _row_of("kal-gypsum-2024"),
            "id",
        )
        assert "replaces version 2 of exchange kal-gypsum-2024" in problem.message
        assert "Replace versions both parties confirmed" in problem.fix
        self.own.refresh_from_db()
        assert self.own.current == self.corrected  # nothing stored
        done = self._upload(self.users["facilitator"], replace_confirmed="on")
        assert done.status_code == 302
        self.own.refresh_from_db()
        assert self.own.current.number == 3 and self.own.current.fields["quantity"] != "4321"
        assert not store.is_confirmed(self.own.current)

    def test_an_upload_may_not_move_an_exchange_to_another_party(self) -> None:
        folder = Path(self.enterContext(_tempdir()))
        book = openpyxl.load_workbook(EXAMPLE)
        sheet = book["exchanges"]
        number = _row_of("kal-flyash-2024")
        column = [c.value for c in sheet[1]].index("receiver") + 1
        sheet.cell(number, column).value = NEW
        moved = folder / "moved.xlsx"
        book.save(moved)
        with moved.open("rb") as stream:
            answer = client_for(self.users["member"]).post("/upload/", {"ledger": stream})
        assert answer.status_code == 400
        located = [(p.row, p.column, p.value) for p in answer.context["problems"]]
        assert (number, "receiver", NEW) in located

    def test_store_import_refuses_then_replaces_with_the_flag(self) -> None:
        runner = CliRunner()
        args = ["store", "import", str(EXAMPLE), "--cluster", "imports"]
        refused = runner.invoke(app, args)
        assert refused.exit_code == 2, refused.output
        row = _row_of("kal-gypsum-2024")
        assert f"sheet exchanges, row {row}, column id" in refused.output
        assert "replaces version 2 of exchange kal-gypsum-2024" in refused.output
        assert "--replace-confirmed" in refused.output
        self.own.refresh_from_db()
        assert self.own.current == self.corrected
        done = runner.invoke(app, [*args, "--replace-confirmed"])
        assert done.exit_code == 0, done.output
        assert f"row {row}: replaced version 2 of kal-gypsum-2024" in done.output
        assert "1 changed" in done.output
        self.own.refresh_from_db()
        assert self.own.current.number == 3


def _tempdir() -> Any:
    import tempfile

    return tempfile.TemporaryDirectory(prefix="isbenefit-parties-")
