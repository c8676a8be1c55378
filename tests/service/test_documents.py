"""Years, documents and the public pages: close, issue, verify, revoke, restate."""

from __future__ import annotations

import contextlib
import io
import json
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase
from pypdf import PdfReader

from isbenefit.certify import claim as claims
from isbenefit.service import issuing, keys, store, years
from isbenefit.service.models import Document, Exchange, Job
from tests.service.helpers import KALVO, client_for, example_cluster, users


def _confirm_all(cluster, user) -> None:  # type: ignore[no-untyped-def]
    for version in store.current_versions(cluster):
        for party in ("supplier", "receiver"):
            store.confirm(version, party, user, on_behalf=True)


def _text(pdf: bytes) -> str:
    return " ".join(
        " ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(pdf)).pages
    )


class Documents(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cluster = example_cluster("docs")
        cls.users = users(cls.cluster)
        _confirm_all(cls.cluster, cls.users["facilitator"])
        # One exchange of KALVO stays unconfirmed after a change.
        gypsum = Exchange.objects.get(cluster=cls.cluster, exchange_id="kal-gypsum-2024")
        v = gypsum.current
        store.save_exchange(cls.cluster, {**v.fields, "quantity": "999"}, v.inputs, v.baselines)

    def _close(self, reason: str = "annual close") -> None:
        response = client_for(self.users["facilitator"]).post("/years/2024/", {"reason": reason})
        assert response.status_code == 302

    def _issue(self, kind: str, org: str = KALVO) -> Job:
        if kind == "certificate" and years.latest(self.cluster, 2024) is None:
            self._close()
        response = client_for(self.users["facilitator"]).post(
            "/documents/", {"kind": kind, "year": "2024", "organisation": org}
        )
        assert response.status_code == 302
        job = Job.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])
        assert job.state == "done", job.message
        assert job.done == job.total == 1
        return job

    def test_only_a_closed_year_is_certified(self) -> None:
        facilitator = client_for(self.users["facilitator"])
        asked = {"kind": "certificate", "year": "2024", "organisation": KALVO}
        page = facilitator.post("/documents/", asked)
        assert page.status_code == 200  # the form again, with the reason
        assert "2024 is not closed: only a closed year&#x27;s version can be certified" in (
            page.content.decode()
        )
        assert not Job.objects.filter(cluster=self.cluster, kind="certificate").exists()
        assert facilitator.post("/documents/", {**asked, "kind": "statement"}).status_code == 302
        self._close()
        job = self._issue("certificate")
        document = job.documents.get()
        assert document.year_version == years.latest(self.cluster, 2024)
        claim = json.loads(
            claims.read_attachments(issuing.stored_file(document))[claims.CLAIM_FILE]
        )
        assert claim["year_version"] == 1

    def test_certificate_issue_page_verify_revoke(self) -> None:
        job = self._issue("certificate")
        document = job.documents.get()
        assert document.certificate_id.startswith("ISB-")
        assert set(document.claim_summary["exchanges"]).isdisjoint({"kal-gypsum-2024"})
        pdf = issuing.stored_file(document).read_bytes()
        assert f"http://testserver/c/{document.certificate_id}" in _text(pdf).replace(" ", "")
        public = Client()
        page = public.get(f"/c/{document.certificate_id}")
        assert page.status_code == 200 and "valid" in page.content.decode()
        assert public.get(f"/c/{document.certificate_id}/pdf").status_code == 200
        fingerprint = keys.issuer(self.cluster)["fingerprint"]
        assert fingerprint in public.get("/keys.json").content.decode()
        report = self._verify(pdf)
        assert (report["verdict"], report["exit_code"]) == ("valid", 0), report
        assert "valid" in self._verify(pdf, as_json=False)
        # Revoked: the page says so with the reason, /verify answers as the CLI would.
        # The signed entry is listed once the revocation commits.
        with self.captureOnCommitCallbacks(execute=True):
            client_for(self.users["facilitator"]).post(
                f"/documents/{document.pk}/revoke/",
                {"reason": "wrong meter reading", "confirmed": "yes"},
            )
        page = public.get(f"/c/{document.certificate_id}").content.decode()
        assert "revoked" in page and "wrong meter reading" in page
        assert self._verify(pdf)["exit_code"] == 13
        listed = public.get(f"/status/{fingerprint.replace(':', '-')}.json").json()
        assert document.certificate_id in {e["certificate_id"] for e in listed["entries"]}
        # The organisation's page lists its documents.
        org_page = client_for(self.users["member"]).get(f"/organisations/{KALVO}/")
        assert document.certificate_id in org_page.content.decode()
        other = client_for(self.users["other"]).get(f"/organisations/{KALVO}/")
        assert other.status_code == 404

    def _verify(self, pdf: bytes, as_json: bool = True):  # type: ignore[no-untyped-def]
        from django.core.cache import cache

        cache.clear()
        upload = SimpleUploadedFile("c.pdf", pdf, "application/pdf")
        headers = {"HTTP_ACCEPT": "application/json"} if as_json else {}
        response = Client().post("/verify", {"pdf": upload}, **headers)
        assert response.status_code == 200
        return json.loads(response.content) if as_json else response.content.decode()

    def test_statement_shows_confirmations(self) -> None:
        job = self._issue("statement")
        text = _text(issuing.stored_file(job.documents.get()).read_bytes())
        assert "Confirmation of the exchanges" in text
        assert "on the organisation's behalf on" in text
        assert "kal-gypsum-2024" in text  # listed as not counted

    def test_a_loose_key_file_signs_nothing(self) -> None:
        self._close()
        path = keys.ensure_key(self.cluster)
        path.chmod(0o644)
        try:
            response = client_for(self.users["facilitator"]).post(
                "/documents/", {"kind": "certificate", "year": "2024", "organisation": KALVO}
            )
            job = Job.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])
            assert job.state == "failed" and "chmod 600" in job.message
            assert not job.documents.exists()
        finally:
            path.chmod(0o600)

    def test_a_restatement_rolled_back_lists_nothing_and_listing_is_idempotent(self) -> None:
        from isbenefit.service import statuses

        certificate = self._issue("certificate").documents.get()
        fingerprint = keys.issuer(self.cluster)["fingerprint"]
        before = statuses.entries_of(fingerprint)
        # The status list is a file, not rolled back with the test: as it was after.
        path = keys.status_path(fingerprint)
        kept = path.read_bytes() if path.is_file() else None
        self.addCleanup(lambda: path.write_bytes(kept) if kept else path.unlink(missing_ok=True))
        failing = mock.patch(
            "isbenefit.service.notify.year_closed", side_effect=RuntimeError("mail down")
        )
        with (
            self.captureOnCommitCallbacks(execute=True),
            failing,
            contextlib.suppress(RuntimeError),
        ):
            years.close(self.cluster, 2024, self.users["facilitator"], "restated")
        assert statuses.entries_of(fingerprint) == before  # nothing listed publicly
        certificate.refresh_from_db()
        assert certificate.status == "valid" and years.latest(self.cluster, 2024).number == 1
        with self.captureOnCommitCallbacks(execute=True) as listed:
            years.close(self.cluster, 2024, self.users["facilitator"], "restated")
        after = statuses.entries_of(fingerprint)
        assert [e.certificate_id for e in after[len(before) :]] == [certificate.certificate_id]
        listed[0]()  # the same entry once more: already listed, not added again
        assert statuses.entries_of(fingerprint) == after

    def test_a_revocation_whose_listing_failed_is_listed_at_the_next_start(self) -> None:
        from isbenefit.certify import status
        from isbenefit.service import certificates, statuses

        certificate = self._issue("certificate").documents.get()
        fingerprint = keys.issuer(self.cluster)["fingerprint"]
        path = keys.status_path(fingerprint)
        kept = path.read_bytes() if path.is_file() else None
        self.addCleanup(lambda: path.write_bytes(kept) if kept else path.unlink(missing_ok=True))
        before = statuses.entries_of(fingerprint)
        disk_full = mock.patch.object(status, "append", side_effect=OSError(28, "disk full"))
        # The append fails when the transaction commits (callbacks run as the capture ends).
        with contextlib.suppress(OSError), disk_full, self.captureOnCommitCallbacks(execute=True):
            certificates.revoke(certificate, self.users["facilitator"], "meter misread")
        certificate.refresh_from_db()
        assert certificate.status == "revoked"  # in the store, not yet in the public list
        assert statuses.entries_of(fingerprint) == before
        assert statuses.publish_all_pending() == 1  # what `serve` and `worker` do at start
        (entry,) = statuses.entries_of(fingerprint)[len(before) :]
        assert (entry.certificate_id, entry.status, entry.reason) == (
            certificate.certificate_id,
            "revoked",
            "meter misread",
        )
        assert statuses.publish_all_pending() == 0  # listed once

    def test_close_and_restate_a_year(self) -> None:
        facilitator = client_for(self.users["facilitator"])
        facilitator.post("/years/2024/", {"reason": "annual close"})
        first = years.latest(self.cluster, 2024)
        assert first is not None and first.number == 1
        assert "kal-gypsum-2024" in {u["id"] for u in first.unconfirmed}
        # The funder sees the closed year only.
        funder = client_for(self.users["funder"])
        assert funder.get("/years/2024/").status_code == 200
        assert funder.get("/years/2023/").status_code == 404
        # Documents of a closed year rest on its version (another organisation than the
        # one whose certificate another test revokes: the same claim has the same id).
        heat = Exchange.objects.get(cluster=self.cluster, exchange_id="hbg-heat-2024")
        job = self._issue("certificate", heat.current.supplier)
        old_certificate = job.documents.get()
        assert old_certificate.year_version == first
        # A corrected quantity, confirmed, then restated: version 2 with the difference.
        version = Exchange.objects.get(cluster=self.cluster, exchange_id="kal-gypsum-2024").current
        for party in ("supplier", "receiver"):
            store.confirm(version, party, self.users["facilitator"], on_behalf=True)
        with self.captureOnCommitCallbacks(execute=True):
            facilitator.post("/years/2024/", {"reason": "gypsum counted"})
        second = years.latest(self.cluster, 2024)
        assert second.number == 2
        rows = {r.key: r for r in years.difference(first, second)}
        co2e = rows["saved.co2e_kg"]
        assert co2e.difference not in ("", "0.00") and co2e.unit == "t CO\u2082e"
        assert "gypsum counted" in facilitator.get("/years/2024/").content.decode()
        first.refresh_from_db()
        assert first.totals != second.totals  # the old version is kept as it was
        # The certificate issued on version 1 is superseded by the restatement, in the
        # signed status list: its page, /verify and the year page (to reissue) say so.
        old_certificate.refresh_from_db()
        assert old_certificate.status == "superseded"
        pdf = issuing.stored_file(old_certificate).read_bytes()
        report = self._verify(pdf)
        assert (report["verdict"], report["exit_code"]) == ("superseded", 14)
        status = next(c for c in report["checks"] if c["name"] == "status")
        replaced = "superseded by restatement: year 2024 version 2 replaces version 1"
        assert replaced in status["message"] and "gypsum counted" in status["message"]
        page = Client().get(f"/c/{old_certificate.certificate_id}").content.decode()
        assert '<strong class="status-word">SUPERSEDED</strong>' in page
        assert page.index("SUPERSEDED") < page.index("<h1")  # above everything else
        assert replaced in page
        year_page = facilitator.get("/years/2024/").content.decode()
        assert "Certificates to reissue" in year_page
        assert old_certificate.certificate_id in year_page
        # Reissued from version 2: another claim, another id, valid.
        answer = facilitator.post("/years/2024/reissue/")
        job = Job.objects.get(pk=answer["Location"].rstrip("/").split("/")[-1])
        assert job.state == "done", job.message
        new_certificate = job.documents.get()
        assert new_certificate.year_version == second
        assert new_certificate.organisation == old_certificate.organisation
        assert new_certificate.certificate_id != old_certificate.certificate_id
        new_pdf = issuing.stored_file(new_certificate).read_bytes()
        assert self._verify(new_pdf)["exit_code"] == 0
        assert "Certificates to reissue" not in facilitator.get("/years/2024/").content.decode()
        assert Document.objects.filter(year_version=first).exists()


class OneAssessmentPerJob(TestCase):
    """A job assesses its ledger rows once and makes every document from that."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.cluster = example_cluster("counted")
        cls.users = users(cls.cluster)
        _confirm_all(cls.cluster, cls.users["facilitator"])
        years.close(cls.cluster, 2024, cls.users["facilitator"], "annual close")

    def _issue(self, org: str) -> tuple[Job, int]:
        import isbenefit.api

        real, calls = isbenefit.api.assess, []

        def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
            calls.append(args[0])
            return real(*args, **kwargs)

        with mock.patch.object(isbenefit.api, "assess", counting):
            job = issuing.start(
                self.cluster, "certificate", 2024, [org] if org else [], None, "http://x"
            )
        assert job.state == "done", job.message
        return job, len(calls)

    def test_certificates_of_every_organisation_take_one_assessment(self) -> None:
        job, assessments = self._issue("")
        assert job.done == job.total > 10
        assert assessments == 1  # with the Monte Carlo run over the whole ledger
        single, assessments = self._issue(KALVO)
        assert assessments == 2  # the whole ledger, then the Monte Carlo on its rows
        # Either way the same claim: the same certificate id.
        ids = {d.organisation.org_id: d.certificate_id for d in job.documents.all()}
        assert single.documents.get().certificate_id == ids[KALVO]


class IssuedAgain(TestCase):
    """The same claim issued twice has the same certificate id: one status for both."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.cluster = example_cluster("again")
        cls.users = users(cls.cluster)
        _confirm_all(cls.cluster, cls.users["facilitator"])
        years.close(cls.cluster, 2024, cls.users["facilitator"], "annual close")

    def _issue(self) -> Document:
        response = client_for(self.users["facilitator"]).post(
            "/documents/", {"kind": "certificate", "year": "2024", "organisation": KALVO}
        )
        job = Job.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])
        assert job.state == "done", job.message
        return job.documents.get()

    def test_a_revoked_certificate_issued_again_stays_revoked(self) -> None:
        first = self._issue()
        client_for(self.users["facilitator"]).post(
            f"/documents/{first.pk}/revoke/", {"reason": "wrong meter reading", "confirmed": "yes"}
        )
        again = self._issue()
        assert again.certificate_id == first.certificate_id
        assert (again.status, again.status_reason) == ("revoked", "wrong meter reading")
        page = Client().get(f"/c/{again.certificate_id}").content.decode()
        assert "revoked" in page and '<span class="badge">valid</span>' not in page

    def test_the_gravest_status_of_any_copy_is_shown(self) -> None:
        first = self._issue()
        second = self._issue()
        # Rows stored before copies shared their status: one revoked, the newer valid.
        Document.objects.filter(pk=first.pk).update(status="revoked", status_reason="bad")
        page = Client().get(f"/c/{second.certificate_id}").content.decode()
        assert "revoked" in page and '<span class="badge">valid</span>' not in page

    def test_revoking_marks_every_copy(self) -> None:
        first = self._issue()
        second = self._issue()
        client_for(self.users["facilitator"]).post(
            f"/documents/{second.pk}/revoke/", {"reason": "double counted", "confirmed": "yes"}
        )
        assert set(
            Document.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)
        ) == {"revoked"}

    def test_a_statement_cannot_be_revoked(self) -> None:
        response = client_for(self.users["facilitator"]).post(
            "/documents/", {"kind": "statement", "year": "2024", "organisation": KALVO}
        )
        job = Job.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])
        statement = job.documents.get()
        answer = client_for(self.users["facilitator"]).post(
            f"/documents/{statement.pk}/revoke/", {"reason": "x"}
        )
        assert answer.status_code == 404
        statement.refresh_from_db()
        assert statement.status == "valid"

    def test_superseded_by_must_name_a_certificate(self) -> None:
        first = self._issue()
        answer = client_for(self.users["facilitator"]).post(
            f"/documents/{first.pk}/revoke/",
            {"reason": "replaced", "superseded_by": "ISB-0000000000000000", "confirmed": "yes"},
        )
        assert answer.status_code == 302
        first.refresh_from_db()
        assert first.status == "valid"
