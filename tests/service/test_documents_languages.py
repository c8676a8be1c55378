"""Documents the service makes, in their language (docs/translations.md): the language
chosen for the job, else the organisation's `language` column, else the language the
requesting user reads the service in, else English. Read back from the stored PDFs: the
statement's sentences (its confirmation section included) and a certificate that
verifies and names its language in its claim."""

from __future__ import annotations

import io
import json

from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase
from pypdf import PdfReader

from isbenefit import messages
from isbenefit.certify import claim as claims
from isbenefit.service import issuing, store
from isbenefit.service.models import Job, Organisation, YearVersion
from tests.service.helpers import KALVO, client_for, example_cluster, users

POLISH = "pl-lodz-recykling"


def text_of(job: Job, org_id: str) -> str:
    document = job.documents.get(organisation__org_id=org_id)
    pdf = issuing.stored_file(document).read_bytes()
    pages = PdfReader(io.BytesIO(pdf)).pages
    return " ".join(" ".join((page.extract_text() or "").split()) for page in pages)


def said(lang: str, message: str) -> str:
    with messages.language(lang):
        return " ".join(messages.say(message).split())


def compact(text: str) -> str:
    return "".join(text.split())


class DocumentsInTheirLanguage(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cluster = example_cluster("doclang")
        cls.users = users(cls.cluster)
        facilitator = cls.users["facilitator"]
        for version in store.current_versions(cls.cluster):
            for party in ("supplier", "receiver"):
                store.confirm(version, party, facilitator, on_behalf=True)
        # The Łódź organisation's documents are Polish: its `language`, set on the
        # organisations page as the ledger's column would.
        polish = Organisation.objects.get(cluster=cls.cluster, org_id=POLISH)
        row = {"id": POLISH, "name": polish.name, "country": "PL", "language": "pl"}
        saved = client_for(facilitator).post("/organisations/", row)
        assert saved.status_code == 302, saved.content.decode()[:2000]

    def _request(self, lang: str, **fields: str) -> Job:
        client = client_for(self.users["facilitator"], HTTP_ACCEPT_LANGUAGE=lang)
        answer = client.post("/documents/", {"year": "2024", **fields})
        assert answer.status_code == 302, answer.content.decode()[:3000]
        job = Job.objects.get(pk=answer["Location"].rstrip("/").split("/")[-1])
        assert job.state == "done", job.message
        return job

    def test_a_batch_follows_each_organisation_s_language_else_the_requester_s(self) -> None:
        job = self._request("en", kind="statement")
        polish, danish = text_of(job, POLISH), text_of(job, KALVO)
        # Polish: the unreviewed-translation line, the confirmation section in Polish (the
        # confirmations, kept in English, said again), no English sentence of it.
        assert compact(said("pl", messages.UNREVIEWED_TRANSLATION)) in compact(polish)
        assert "Potwierdzenie wymian" in polish and "potwierdzona przez koordynatora" in polish
        assert "Confirmation of the exchanges" not in polish
        assert "confirmed by the facilitator" not in polish
        # The organisation without a language: the requester's, English here.
        assert "Confirmation of the exchanges" in danish
        assert "confirmed by the facilitator" in danish
        assert compact(said("pl", messages.UNREVIEWED_TRANSLATION)) not in compact(danish)

    def test_the_requester_s_language_and_a_chosen_one(self) -> None:
        german = text_of(self._request("de", kind="statement", organisation=KALVO), KALVO)
        assert "Bestätigung der Austausche" in german, german[:2000]
        assert "Confirmation of the exchanges" not in german
        chosen = self._request("de", kind="statement", organisation=POLISH, language="lt")
        assert "Confirmation of the exchanges" not in text_of(chosen, POLISH)
        assert compact(said("lt", messages.UNREVIEWED_TRANSLATION)) in compact(
            text_of(chosen, POLISH)
        )

    def test_a_closed_year_s_confirmations_kept_with_the_earlier_wording(self) -> None:
        """A year closed before the on-behalf sentence was reworded keeps its lines with
        "on behalf on": a Polish statement says them through the current sentence; an
        English one prints them as they were kept."""
        closed = client_for(self.users["facilitator"]).post("/years/2024/", {"reason": "close"})
        assert closed.status_code == 302
        version = YearVersion.objects.get(cluster=self.cluster, year=2024)
        lines = json.dumps(version.confirmations)
        assert "on the organisation's behalf on" in lines
        earlier = lines.replace("on the organisation's behalf on", "on behalf on")
        version.confirmations = json.loads(earlier)
        version.save(update_fields=["confirmations"])
        polish = text_of(self._request("en", kind="statement", organisation=POLISH), POLISH)
        assert "potwierdzonaprzezkoordynatora" in compact(polish)
        assert "wimieniuorganizacjidnia" in compact(polish)
        assert "behalf" not in polish
        english = text_of(self._request("en", kind="statement", organisation=KALVO), KALVO)
        assert "onbehalfon" in compact(english) and "organisation'sbehalf" not in compact(english)

    def test_a_polish_certificate_verifies_and_names_its_language(self) -> None:
        closed = client_for(self.users["facilitator"]).post("/years/2024/", {"reason": "close"})
        assert closed.status_code == 302
        job = self._request("en", kind="certificate", organisation=POLISH)
        document = job.documents.get()
        pdf = issuing.stored_file(document).read_bytes()
        claim = json.loads(claims.read_attachments(io.BytesIO(pdf))[claims.CLAIM_FILE])
        assert claim["language"] == "pl"
        assert compact(said("pl", messages.UNREVIEWED_TRANSLATION)) in compact(text_of(job, POLISH))
        cache.clear()
        upload = SimpleUploadedFile("c.pdf", pdf, "application/pdf")
        report = json.loads(
            Client().post("/verify", {"pdf": upload}, HTTP_ACCEPT="application/json").content
        )
        assert (report["verdict"], report["exit_code"]) == ("valid", 0), report
        # Its public page, read in Danish, still shows the register's figures.
        page = client_for(self.users["member"], HTTP_ACCEPT_LANGUAGE="da").get(
            f"/c/{document.certificate_id}"
        )
        assert page.status_code == 200 and "Udsteder" in page.content.decode()
