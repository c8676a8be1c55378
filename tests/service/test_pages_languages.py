"""Every page of the service in the user's language: each page, fetched in English and in
each of the nine other languages, keeps no sentence of the English page (neither the same
sentence nor, for a longer one, all its words; the names and ids the store holds left out),
and says its language (docs/translations.md)."""

from __future__ import annotations

import html
import re
from typing import Any

from django.test import Client, TestCase

from isbenefit import messages
from isbenefit.ledger.contract import SHEETS
from isbenefit.service import store
from isbenefit.service.models import (
    Change,
    Document,
    Exchange,
    ExchangeVersion,
    Job,
    Membership,
    Organisation,
)
from tests.service.helpers import KALVO, api, client_for, example_cluster, users

LANGS = messages.LANGUAGES[1:]
# Words printed as they are in every language: the program, formats, standards.
FIXED = {"isbenefit", "pdf", "json", "csv", "totp", "ed", "xlsx", "cli", "verify", "assess"}
FIXED |= {"yyyy", "mm", "dd"}  # the dates' format, typed as is in every language


def words(text: str) -> set[str]:
    return {word.lower() for word in re.findall(r"[^\W\d_]+", text)}


def segments(page: str) -> list[str]:
    """The page's text, node by node and sentence by sentence; lists of data (selects,
    datalists: organisations, activities, the languages by their own names) left out."""
    body = page.split("<body>", 1)[-1]
    body = re.sub(r"(?s)<(select|datalist|svg)\b.*?</\1>", " ", body)
    parts = []
    for node in re.split(r"<[^>]+>", body):
        text = " ".join(html.unescape(node).split())
        parts += [s for s in re.split(r"(?<=[.;:!?])\s+", text) if " " in s]
    return parts


def leftovers(english: str, translated: str, data: set[str]) -> list[str]:
    """Sentences of the English page (two words or more of its own) printed as they are
    on the translated page, and longer ones (four or more) whose words all recur there."""
    others = segments(translated)
    found = words(" ".join(others))
    left = []
    for sentence in segments(english):
        own = words(sentence) - data - FIXED
        if (len(own) >= 2 and sentence in others) or (len(own) >= 4 and own <= found):
            left.append(sentence)
    return left


def store_words(cluster: Any) -> set[str]:
    """Words of what the store names: the cluster, organisations, ledger rows (column names
    and cells, the contract's columns), declared figures and rates, users, certificate ids,
    the history's actions and targets."""
    texts = [cluster.name, cluster.title, str(cluster.declared), str(cluster.rates)]
    texts += [column.name for sheet in SHEETS.values() for column in sheet.columns]
    for change in Change.objects.filter(cluster=cluster):
        texts += [change.action, change.target, str(change.old), str(change.new)]
    for organisation in Organisation.objects.filter(cluster=cluster):
        texts += [organisation.org_id, organisation.name, *map(str, organisation.fields.items())]
    for version in ExchangeVersion.objects.filter(exchange__cluster=cluster):
        texts += [str(version.fields), str(version.inputs), str(version.baselines)]
    for membership in Membership.objects.filter(cluster=cluster):
        texts.append(membership.user.username)
    for document in Document.objects.filter(cluster=cluster):
        texts += [document.certificate_id, str(document.claim_summary)]
    return {word for text in texts for word in words(text)}


def lang_of(page: str) -> str:
    found = re.search(r'<html lang="([^"]+)"', page)
    assert found, page[:300]
    return found.group(1)


class PagesInEveryLanguage(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cluster = example_cluster("pages")
        cls.users = users(cls.cluster)
        facilitator = cls.users["facilitator"]
        for version in store.current_versions(cls.cluster):
            for party in ("supplier", "receiver"):
                store.confirm(version, party, facilitator, on_behalf=True)
        # One exchange changed after it was confirmed: it waits for confirmation again.
        gypsum = Exchange.objects.get(cluster=cls.cluster, exchange_id="kal-gypsum-2024")
        v = gypsum.current
        store.save_exchange(cls.cluster, {**v.fields, "quantity": "999"}, v.inputs, v.baselines)
        client = client_for(facilitator)
        assert client.post("/years/2024/", {"reason": "annual close"}).status_code == 302
        answer = client.post(
            "/documents/", {"kind": "certificate", "year": "2024", "organisation": KALVO}
        )
        assert answer.status_code == 302, answer.content.decode()[:2000]
        cls.job = Job.objects.get(pk=answer["Location"].rstrip("/").split("/")[-1])
        assert cls.job.state == "done", cls.job.message
        cls.certificate = cls.job.documents.get().certificate_id
        cls.data = store_words(cls.cluster)

    def pages(self) -> dict[str, list[str]]:
        gypsum = Exchange.objects.get(cluster=self.cluster, exchange_id="kal-gypsum-2024")
        return {
            "facilitator": [
                "/",
                "/exchanges/",
                f"/exchanges/{gypsum.pk}/",
                "/exchanges/new/",
                "/years/",
                "/years/2024/",
                "/documents/",
                "/organisations/",
                f"/organisations/{KALVO}/",
                "/users/",
                "/changes/",
                "/upload/",
                f"/jobs/{self.job.pk}/",
                f"/c/{self.certificate}",
                f"/register?cluster={self.cluster.name}",
                "/settings/",
                "/account/second-factor/setup/",
            ],
            "member": ["/", f"/exchanges/{gypsum.pk}/", "/exchanges/new/"],
            "funder": ["/", "/years/2024/"],
            "": [
                "/register",
                "/verify",
                "/password-reset/",
                "/login/",
                "/no-such-page/",
                "/register?cluster=nowhere",
            ],
        }

    def fetch(self, role: str, url: str, lang: str) -> str:
        if role:
            client = client_for(self.users[role], HTTP_ACCEPT_LANGUAGE=lang)
        else:
            client = Client(HTTP_ACCEPT_LANGUAGE=lang)
        response = client.get(url)
        assert response.status_code in (200, 404), (url, response.status_code)
        return response.content.decode()

    def test_every_page_is_in_the_user_s_language(self) -> None:
        for role, urls in self.pages().items():
            for url in urls:
                english = self.fetch(role, url, "en")
                assert lang_of(english) == "en"
                for lang in LANGS:
                    with self.subTest(role=role, url=url, lang=lang):
                        page = self.fetch(role, url, lang)
                        assert lang_of(page) == lang
                        assert leftovers(english, page, self.data) == []

    def test_the_store_s_ids_are_shown_in_the_language_and_stay_english_in_the_api(
        self,
    ) -> None:
        page = self.fetch("facilitator", "/documents/", "pl")
        assert ">ważne<" in page  # the status `valid` of the certificate
        assert ">zaświadczenie<" in page  # its kind
        assert ">valid<" not in page
        # The switch names each language in its own words, whatever the page's language.
        assert '<option value="en">English</option>' in page
        assert '<option value="pl" selected>Polski</option>' in page
        client = api(self.users["facilitator"])
        listed = client.get("/api/documents/", HTTP_ACCEPT_LANGUAGE="pl").json()
        found = listed["results"] if isinstance(listed, dict) else listed
        assert [(d["kind"], d["status"]) for d in found] == [("certificate", "valid")]


class VerificationOutcomeInTheLanguage(TestCase):
    def test_the_outcome_s_own_words_are_in_the_reader_s_language(self) -> None:
        """A file that is no readable PDF: the page's words around the verdict (exit code,
        no statement id) follow the language; "exit code" and "no id" were English."""
        from django.core.files.uploadedfile import SimpleUploadedFile

        for lang, said in (("en", "exit code 2"), ("de", "Exit-Code 2"), ("pl", "kod wyjścia 2")):
            upload = SimpleUploadedFile("x.pdf", b"%PDF-1.7\nnot a pdf", "application/pdf")
            page = Client(HTTP_ACCEPT_LANGUAGE=lang).post("/verify", {"pdf": upload})
            assert page.status_code == 422
            text = page.content.decode()
            assert said in text
            assert ("exit code" in text) == (lang == "en")
            assert ("no statement id" in text) == (lang == "en")

    def test_the_verdict_and_the_checks_are_in_the_reader_s_language(self) -> None:
        """A certificate the service issued, verified on the page in German and Polish: the
        verdict, each check's status and name are said in the language (they were English);
        the JSON answer keeps the English ids, as `isbenefit verify --json` prints them."""
        from django.core.cache import cache
        from django.core.files.uploadedfile import SimpleUploadedFile

        from isbenefit.service import issuing

        cluster = example_cluster("verify-words")
        facilitator = users(cluster)["facilitator"]
        for version in store.current_versions(cluster):
            for party in ("supplier", "receiver"):
                store.confirm(version, party, facilitator, on_behalf=True)
        client = client_for(facilitator)
        assert client.post("/years/2024/", {"reason": "annual close"}).status_code == 302
        asked = {"kind": "certificate", "year": "2024", "organisation": KALVO}
        assert client.post("/documents/", asked).status_code == 302
        document = Document.objects.get(cluster=cluster, kind="certificate")
        pdf = issuing.stored_file(document).read_bytes()

        def verified(lang: str, **headers: str) -> Any:
            cache.clear()  # the rate limit
            upload = SimpleUploadedFile("c.pdf", pdf, "application/pdf")
            answer = Client(HTTP_ACCEPT_LANGUAGE=lang).post("/verify", {"pdf": upload}, **headers)
            assert answer.status_code == 200
            return answer

        expected = {
            "en": ("valid", "pass", "signature", "recomputation", "printed figures"),
            "de": ("gültig", "bestanden", "Signatur", "Neuberechnung", "gedruckte Zahlen"),
            "pl": ("ważne", "zaliczone", "podpis", "ponowne przeliczenie", "wydrukowane liczby"),
        }
        for lang, (verdict, passed, *names) in expected.items():
            text = verified(lang).content.decode()
            assert f"<strong>{verdict}</strong>" in text
            assert f"<td>{passed}</td>" in text
            for name in names:
                assert f"<td>{name}</td>" in text
            assert ("<td>pass</td>" in text) == (lang == "en")
            assert ("<td>recomputation</td>" in text) == (lang == "en")
            report = verified(lang, HTTP_ACCEPT="application/json").json()
            assert report["verdict"] == "valid"
            assert {c["status"] for c in report["checks"]} <= {"pass", "skip"}
            assert "recomputation" in {c["name"] for c in report["checks"]}

    def test_not_a_readable_pdf_is_said_on_the_page_and_an_id_in_json(self) -> None:
        from django.core.files.uploadedfile import SimpleUploadedFile

        def posted(**headers: str) -> Any:
            upload = SimpleUploadedFile("x.pdf", b"%PDF-1.7\nnot a pdf", "application/pdf")
            return Client(HTTP_ACCEPT_LANGUAGE="de").post("/verify", {"pdf": upload}, **headers)

        assert "<strong>kein lesbares PDF</strong>" in posted().content.decode()
        assert posted(HTTP_ACCEPT="application/json").json()["verdict"] == "not a readable PDF"

    def test_every_verdict_status_and_check_name_has_its_words(self) -> None:
        from isbenefit.certify.checks import CheckName, Status, Verdict

        ids = {str(v) for kind in (Verdict, Status, CheckName) for v in kind}
        assert ids | {messages.UNREADABLE_PDF} == messages.VERIFY_WORDS
        for lang in LANGS:
            with messages.language(lang):
                said = {messages.say(word) for word in messages.VERIFY_WORDS}
            assert len(said) == len(messages.VERIFY_WORDS), lang  # no two alike
