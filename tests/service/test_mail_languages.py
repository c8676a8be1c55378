"""Each mail in its recipient's language (Membership.language; else the `language` column
of the recipient's organisation; else English), whatever the language of whoever caused
it: the exchange waiting for a Polish counterparty, a password reset of a Lithuanian
account asked from a German browser, an invitation and the mail of a member who chose no
language in their organisation's language; and every kind of mail in every language keeps
no sentence of the English mail."""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

from django.test import Client, TestCase

from isbenefit import messages
from isbenefit.service import notify
from isbenefit.service.accounts import add_user
from isbenefit.service.models import Exchange, Membership, Organisation
from tests.service.helpers import (
    KALVO,
    PASSWORD,
    client_for,
    example_cluster,
    mailed_to,
    users,
)


class MailInTheRecipientsLanguage(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cluster = example_cluster("mailang")
        cls.users = users(cls.cluster)
        cls.own = Exchange.objects.get(cluster=cls.cluster, exchange_id="kal-gypsum-2024")
        current = cls.own.current
        assert current is not None and current.supplier == KALVO
        cls.counterparty = add_user(
            cls.cluster.name, "g@mailang.org", "member", current.receiver, PASSWORD
        )

    def test_a_polish_counterparty_is_asked_in_polish_by_a_german_member(self) -> None:
        Membership.objects.filter(user=self.counterparty).update(language="pl")
        member = client_for(self.users["member"], HTTP_ACCEPT_LANGUAGE="de")
        with self.captureOnCommitCallbacks(execute=True):
            answer = member.post(
                f"/exchanges/{self.own.pk}/confirm/",
                {"party": "supplier", "version": self.own.current_id},
            )
        assert answer.status_code == 302
        (waiting,) = mailed_to("g@mailang.org")
        assert waiting.subject == "Wymiana kal-gypsum-2024 czeka na Twoje potwierdzenie"
        assert "czeka na potwierdzenie Twojej organizacji" in waiting.body
        assert "waits for" not in waiting.body and "You receive this" not in waiting.body
        assert f"/exchanges/{self.own.pk}/" in waiting.body

    def test_a_reset_is_mailed_in_the_account_s_language_not_the_asker_s(self) -> None:
        Membership.objects.filter(user=self.users["member"]).update(language="lt")
        with self.captureOnCommitCallbacks(execute=True):
            Client(HTTP_ACCEPT_LANGUAGE="de").post(
                "/password-reset/", {"email": self.users["member"].email}
            )
        (reset,) = mailed_to(self.users["member"].email)
        assert reset.subject == "Atkurkite slaptažodį isbenefit registre"
        assert "Nustatykite naują slaptažodį čia" in reset.body
        assert re.search(r"/reset/\S+/\S+/", reset.body)
        # An account without a language: English, though asked from a German browser.
        with self.captureOnCommitCallbacks(execute=True):
            Client(HTTP_ACCEPT_LANGUAGE="de").post(
                "/password-reset/", {"email": self.users["funder"].email}
            )
        (english,) = mailed_to(self.users["funder"].email)
        assert english.subject == "Reset your password on the isbenefit ledger"

    def test_an_invitation_is_in_the_organisation_s_language_else_english(self) -> None:
        """A new user has chosen no language: its organisation's `language` column (a
        German browser's facilitator inviting changes nothing), else English."""
        organisation = Organisation.objects.get(cluster=self.cluster, org_id=KALVO)
        organisation.fields = {**organisation.fields, "language": "pl"}
        organisation.save(update_fields=["fields"])
        other = Organisation.objects.filter(cluster=self.cluster).exclude(org_id=KALVO).first()
        assert other is not None and not other.fields.get("language")
        facilitator = client_for(self.users["facilitator"], HTTP_ACCEPT_LANGUAGE="de")
        for address, org_id in (("pl@mailang.org", KALVO), ("en@mailang.org", other.org_id)):
            with self.captureOnCommitCallbacks(execute=True):
                invited = {"email": address, "role": "member", "organisation": org_id}
                assert facilitator.post("/users/", invited).status_code == 200
        (polish,) = mailed_to("pl@mailang.org")
        assert polish.subject.startswith("Twoje konto w rejestrze isbenefit klastra")
        assert re.search(r"/invite/\S+/", polish.body)
        (english,) = mailed_to("en@mailang.org")
        assert english.subject.startswith("Your account on the isbenefit ledger of")

    def test_without_a_chosen_language_a_mail_is_in_the_organisation_s_language(self) -> None:
        """The counterparty's organisation says Polish: its member who chose no language is
        asked in Polish and reset in Polish; its member who chose German, in German; a
        funder (no organisation, no language) in English. A German browser changes nothing."""
        receiver = self.own.current.receiver if self.own.current else ""
        organisation = Organisation.objects.get(cluster=self.cluster, org_id=receiver)
        organisation.fields = {**organisation.fields, "language": "pl"}
        organisation.save(update_fields=["fields"])
        german = add_user(self.cluster.name, "de@mailang.org", "member", receiver, PASSWORD)
        Membership.objects.filter(user=german).update(language="de")
        assert Membership.objects.get(user=self.counterparty).language == ""
        member = client_for(self.users["member"], HTTP_ACCEPT_LANGUAGE="de")
        with self.captureOnCommitCallbacks(execute=True):
            answer = member.post(
                f"/exchanges/{self.own.pk}/confirm/",
                {"party": "supplier", "version": self.own.current_id},
            )
        assert answer.status_code == 302
        (polish,) = mailed_to("g@mailang.org")
        assert polish.subject == "Wymiana kal-gypsum-2024 czeka na Twoje potwierdzenie"
        (chosen,) = mailed_to("de@mailang.org")
        assert chosen.subject == "Austausch kal-gypsum-2024 wartet auf Ihre Bestätigung"
        for user in (self.counterparty, self.users["funder"]):
            with self.captureOnCommitCallbacks(execute=True):
                Client(HTTP_ACCEPT_LANGUAGE="de").post("/password-reset/", {"email": user.email})
        (reset,) = [m for m in mailed_to("g@mailang.org") if m is not polish]
        assert reset.subject == "Zresetuj hasło w rejestrze isbenefit"
        (english,) = mailed_to(self.users["funder"].email)
        assert english.subject == "Reset your password on the isbenefit ledger"


def contexts() -> dict[str, dict[str, Any]]:
    """A context for every kind of mail: the values a template reads, by name."""
    version = SimpleNamespace(supplier="dk-a", receiver="dk-b", number=3)
    exchange = SimpleNamespace(exchange_id="ex-1")
    organisation = SimpleNamespace(name="Kalvø Energi")
    common = {"link": "https://ledger.example/x/", "exchange": exchange, "version": version}

    def proposal(kind: str, state: str) -> SimpleNamespace:
        made = SimpleNamespace(number=4, supplier="dk-a", receiver="dk-c")
        return SimpleNamespace(
            kind=kind, state=state, reason="meter read", created_by="f@x.org",
            organisations=["dk-a", "dk-c"], made=made,
        )  # fmt: skip

    changes = [("receiver", "dk-b", "dk-c")]
    made = SimpleNamespace(year=2024, number=2, reason="late invoice", cluster="Nordic")
    job = SimpleNamespace(kind="certificate", year=2024)
    document = SimpleNamespace(organisation=organisation, certificate_id="ISB-1")
    return {
        "invitation": {"cluster": "Nordic", "link": common["link"]},
        "exchange_waiting": common,
        "exchange_changed": common,
        "proposal_waiting": {**common, "proposal": proposal("parties", "open"), "changes": changes},
        "proposal_changed": {**common, "proposal": proposal("withdrawal", "open"), "changes": []},
        "proposal_decided": {**common, "proposal": proposal("parties", "accepted")},
        "year_closed": {"made": made, "restated": True, "link": common["link"]},
        "documents_ready": {"job": job, "documents": [document, document], "link": "x"},
    }


def sentences(text: str) -> set[str]:
    """The mail's sentences with at least three words of letters; links and the lists of
    data ("- name (id)", "- column: old -> new") left out."""
    found = set()
    for line in text.splitlines():
        if line.startswith("- "):
            continue
        for sentence in re.split(r"(?<=[.;:!?])\s+", line.strip()):
            if len(re.findall(r"[^\W\d_]{2,}", sentence)) >= 3 and "://" not in sentence:
                found.add(sentence)
    return found


class EveryMailInEveryLanguage(TestCase):
    def test_no_sentence_of_the_english_mail_is_left(self) -> None:
        for kind, context in contexts().items():
            english = self.render(kind, context, "")
            assert english.subject and sentences(english.body), kind
            for lang in messages.LANGUAGES[1:]:
                with self.subTest(kind=kind, lang=lang):
                    translated = self.render(kind, context, lang)
                    left = sentences(english.body) & sentences(translated.body)
                    assert left == set()
                    assert translated.subject != english.subject
                    assert "%(" not in translated.body and "{{" not in translated.body

    def render(self, kind: str, context: dict[str, Any], lang: str) -> Any:
        membership = SimpleNamespace(
            language=lang, organisation=SimpleNamespace(name="Kalvø Energi"), role="member"
        )
        full = {**context, "membership": membership, "settings_link": "https://x/settings/"}
        return notify._message("a@b.org", kind, full)
