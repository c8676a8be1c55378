"""The service answers in the user's language: the account's choice, else the browser's
Accept-Language, else English; the language switch keeps a member's choice; the messages
the views build in Python (isbenefit.messages) speak the same language (docs/translations.md)."""

from __future__ import annotations

import re

from django.test import Client, TestCase

from isbenefit import messages
from isbenefit.service.models import Membership
from tests.service.helpers import client_for, example_cluster, users


def lang_of(page: str) -> str:
    found = re.search(r'<html lang="([^"]+)"', page)
    assert found, page[:300]
    return found.group(1)


def translated(lang: str, text: str) -> str:
    with messages.language(lang):
        return messages.translate(text)


class Languages(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cluster = example_cluster()
        cls.users = users(cls.cluster)

    def test_an_anonymous_visitor_reads_the_browser_s_language(self) -> None:
        page = Client(HTTP_ACCEPT_LANGUAGE="pl-PL,pl;q=0.9,en;q=0.5").get("/login/")
        text = page.content.decode()
        assert lang_of(text) == "pl"
        assert page["Content-Language"] == "pl"
        assert "Zaloguj się" in text and "Nie pamiętasz hasła?" in text
        assert ">Log in<" not in text
        english = Client().get("/login/").content.decode()
        assert lang_of(english) == "en" and "Forgot your password?" in english

    def test_a_language_isbenefit_lacks_falls_back_to_english(self) -> None:
        page = Client(HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9").get("/login/").content.decode()
        assert lang_of(page) == "en"

    def test_a_member_s_own_choice_wins_over_the_browser(self) -> None:
        member = self.users["member"]
        Membership.objects.filter(user=member).update(language="lt")
        client = client_for(member, HTTP_ACCEPT_LANGUAGE="de")
        page = client.get("/settings/").content.decode()
        assert lang_of(page) == "lt"
        assert translated("lt", "Settings") in page and translated("lt", "Exchanges") in page

    def test_the_switch_sets_the_language_and_keeps_a_member_s_choice(self) -> None:
        member = self.users["funder"]
        client = client_for(member)
        response = client.post("/language/", {"language": "lv", "next": "/settings/"})
        assert response.status_code == 302 and response["Location"] == "/settings/"
        assert Membership.objects.get(user=member).language == "lv"
        page = client.get("/settings/").content.decode()
        assert lang_of(page) == "lv" and "Iestatījumi" in page

    def test_the_switch_refuses_another_site_and_an_unknown_language(self) -> None:
        client = Client()
        response = client.post("/language/", {"language": "xx", "next": "https://evil.example/"})
        assert response.status_code == 302 and response["Location"] == "/"
        assert "django_language" not in response.cookies

    def test_an_anonymous_visitor_s_switch_is_a_cookie(self) -> None:
        client = Client()
        client.post("/language/", {"language": "et", "next": "/verify"})
        page = client.get("/verify").content.decode()
        assert lang_of(page) == "et" and "Kontrolli tõendit" in page

    def test_a_refusal_built_in_python_speaks_the_member_s_language(self) -> None:
        member = self.users["member"]
        Membership.objects.filter(user=member).update(language="de")
        client = client_for(member)
        response = client.get("/exchanges/no-such-exchange/")
        assert response.status_code == 404
        assert translated("de", messages.NO_SUCH_EXCHANGE) in response.content.decode()
        assert messages.current_language() == "en"  # the request's language does not leak
