"""Mail through Django's email framework (the test runner's locmem backend): invitations,
confirmations waiting, a confirmed exchange changed, years closed and restated, documents
ready; each kind but invitations and resets turned off on the settings page."""

from __future__ import annotations

import re

from django.core import mail
from django.test import Client, TestCase

from isbenefit.service.accounts import add_user
from isbenefit.service.email_url import email_settings
from isbenefit.service.models import Exchange, Membership
from tests.service.helpers import (
    KALVO,
    PASSWORD,
    client_for,
    example_cluster,
    mailed_to,
    users,
)


class Mail(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cluster = example_cluster("mail")
        cls.users = users(cls.cluster)
        cls.own = Exchange.objects.get(cluster=cls.cluster, exchange_id="kal-gypsum-2024")
        current = cls.own.current
        assert current is not None and current.supplier == KALVO
        cls.counterparty = add_user(
            cls.cluster.name, "g@mail.org", "member", current.receiver, PASSWORD
        )

    def _confirm(self, user: object, party: str) -> None:
        self.own.refresh_from_db()
        answer = client_for(user).post(
            f"/exchanges/{self.own.pk}/confirm/", {"party": party, "version": self.own.current_id}
        )
        assert answer.status_code == 302

    def test_an_invitation_is_mailed_with_its_link(self) -> None:
        facilitator = client_for(self.users["facilitator"])
        with self.captureOnCommitCallbacks(execute=True):
            page = facilitator.post(
                "/users/", {"email": "new@mail.org", "role": "member", "organisation": KALVO}
            )
        assert page.status_code == 200
        (message,) = mailed_to("new@mail.org")
        assert "Your account on the isbenefit ledger of Nordic cluster" in message.subject
        link = re.search(r"https?://\S+/invite/\S+/", message.body)
        assert link and link.group(0) in page.content.decode()
        assert "f@mail.org" not in message.to and "settings" not in message.body

    def test_confirmation_waiting_then_a_change_of_a_confirmed_exchange(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            self._confirm(self.users["member"], "supplier")
        (waiting,) = mailed_to("g@mail.org")
        assert waiting.subject == "Exchange kal-gypsum-2024 waits for your confirmation"
        assert f"/exchanges/{self.own.pk}/" in waiting.body
        assert not mailed_to("m@mail.org")  # the one who confirmed is not told
        with self.captureOnCommitCallbacks(execute=True):
            self._confirm(self.counterparty, "receiver")
        mail.outbox.clear()
        # The counterparty changes the exchange both had confirmed.
        fields = dict(self.own.current.fields)
        with self.captureOnCommitCallbacks(execute=True):
            changed = client_for(self.counterparty).post(
                f"/exchanges/{self.own.pk}/edit/",
                {**fields, "quantity": "111", "version": self.own.current_id, "reason": "meter"},
            )
        assert changed.status_code == 302
        (told,) = mailed_to("m@mail.org")
        assert told.subject == "Exchange kal-gypsum-2024 you confirmed was changed"
        assert "Your counterparty changed exchange kal-gypsum-2024" in told.body
        assert not mailed_to("g@mail.org")

    def test_turned_off_on_the_settings_page_nothing_is_sent(self) -> None:
        member = client_for(self.users["member"])
        assert 'name="mail_confirmations"' in member.get("/settings/").content.decode()
        saved = member.post("/settings/", {"mail_changes": "on", "mail_years": "on"})
        assert saved.status_code == 302
        kept = Membership.objects.get(user=self.users["member"])
        assert not kept.mail_confirmations and kept.mail_changes and not kept.mail_documents
        with self.captureOnCommitCallbacks(execute=True):
            self._confirm(self.counterparty, "receiver")
        assert not mailed_to("m@mail.org")

    def test_year_closed_and_restated_and_documents_ready(self) -> None:
        self._confirm(self.users["member"], "supplier")
        self._confirm(self.counterparty, "receiver")
        mail.outbox.clear()
        facilitator = client_for(self.users["facilitator"])
        with self.captureOnCommitCallbacks(execute=True):
            assert facilitator.post("/years/2024/", {"reason": "closing"}).status_code == 302
        subjects = {m.to[0]: m.subject for m in mail.outbox}
        assert subjects["v@mail.org"] == "2024 closed on the isbenefit ledger of Nordic cluster"
        assert subjects["m@mail.org"] == "2024 closed on the isbenefit ledger of Nordic cluster"
        assert "f@mail.org" not in subjects  # who closed it knows
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            facilitator.post("/years/2024/", {"reason": "meter corrected"})
        (restated,) = mailed_to("m@mail.org")
        assert (
            restated.subject
            == "2024 restated (version 2) on the isbenefit ledger of Nordic cluster"
        )
        assert "Reason given: meter corrected" in restated.body
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            asked = {"kind": "statement", "year": "2024", "organisation": KALVO}
            assert facilitator.post("/documents/", asked).status_code == 302
        (ready,) = mailed_to("m@mail.org")
        assert ready.subject == "A document is ready: statement 2024"
        (requester,) = mailed_to("f@mail.org")
        assert "/documents/" in requester.body
        assert not mailed_to("o@mail.org") and not mailed_to("v@mail.org")


def test_the_email_url_configures_smtp_and_the_console_by_default() -> None:
    assert email_settings(None)["EMAIL_BACKEND"].endswith("console.EmailBackend")
    smtp = email_settings("smtp+tls://user%40x:p%2Fss@mail.example.org:2525")
    assert smtp["EMAIL_HOST"] == "mail.example.org" and smtp["EMAIL_PORT"] == 2525
    assert (smtp["EMAIL_HOST_USER"], smtp["EMAIL_HOST_PASSWORD"]) == ("user@x", "p/ss")
    assert smtp["EMAIL_USE_TLS"] and not smtp["EMAIL_USE_SSL"]
    assert email_settings("smtp+ssl://mail.example.org")["EMAIL_PORT"] == 465
    assert (
        email_settings("smtp://mail.example.org?from=ledger@example.org")["DEFAULT_FROM_EMAIL"]
        == "ledger@example.org"
    )


def test_an_unusable_email_url_names_no_password() -> None:
    import pytest

    from isbenefit.service.email_url import EmailUrlError

    with pytest.raises(EmailUrlError) as refused:
        email_settings("imap://user:secret@mail.example.org")
    assert "secret" not in str(refused.value)


def test_nothing_is_mailed_to_a_user_without_a_cluster() -> None:
    assert Client().get("/settings/").status_code == 302  # the login first
