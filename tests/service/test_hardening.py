"""Errors and limits through the real server: /verify on damaged PDFs, the web's own
unpacked-size limit, no server path in any answer, factor sets chosen by name, HSTS,
unconfirmed exchanges of others counted, JSON under /api/, the service's error pages."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from unittest import mock

from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase, override_settings

from isbenefit.service import factor_sets, years
from isbenefit.service.models import YearVersion
from tests.service.conftest import DATA, EXAMPLE
from tests.service.helpers import KALVO, client_for, example_cluster, users

CERTIFICATE = Path(__file__).resolve().parents[1] / "fixtures" / "legacy-certificate-claim1.pdf"
TINY_FACTORS = Path(__file__).resolve().parents[1] / "fixtures" / "factors-tiny"


def _damaged_pdfs() -> dict[str, bytes]:
    """Truncations and garbage, as the tamper tests make them, of a real certificate."""
    data = CERTIFICATE.read_bytes()
    cuts = {f"cut at {n}": data[:n] for n in (5, 9, 200, len(data) // 3, len(data) // 2)}
    return {
        **cuts,
        "cut before %%EOF": data[: data.rindex(b"%%EOF")],
        "header and garbage": b"%PDF-1.4 x",
        "header and bytes": b"%PDF-1.7\n" + bytes(range(256)) * 4,
        "xref garbled": data.replace(b"xref", b"xrex").replace(b"startxref", b"startxrex"),
        "objects garbled": data[:400] + b"\x00" * 2000 + data[2400:],
        "not a PDF at all": b"PK\x03\x04 a zip, not a pdf",
    }


class VerifyDamagedFiles(TestCase):
    def _post(self, data: bytes, as_json: bool) -> tuple[int, str]:
        cache.clear()  # the per-address rate limit
        upload = SimpleUploadedFile("c.pdf", data, "application/pdf")
        headers = {"HTTP_ACCEPT": "application/json"} if as_json else {}
        client = Client(raise_request_exception=False, enforce_csrf_checks=False)
        response = client.post("/verify", {"pdf": upload}, **headers)
        return response.status_code, response.content.decode()

    def test_every_damaged_file_gets_the_verdict_not_a_readable_pdf(self) -> None:
        for name, data in _damaged_pdfs().items():
            status, body = self._post(data, as_json=True)
            if status == 200:  # pypdf repaired it: then a report of the checks, not a 500
                assert json.loads(body)["verdict"], name
                continue
            assert 400 <= status < 500, (name, status, body[:300])
            report = json.loads(body)
            assert (report["verdict"], report["exit_code"]) == ("not a readable PDF", 2), name
            assert "/tmp" not in body and str(DATA) not in body, name
            status, page = self._post(data, as_json=False)
            assert 400 <= status < 500 and "not a readable PDF" in page, name
            assert "exit code 2" in page and "/tmp" not in page, name

    def test_truncated_files_are_refused_not_repaired(self) -> None:
        status, body = self._post(CERTIFICATE.read_bytes()[:200], as_json=True)
        assert status == 422 and json.loads(body)["exit_code"] == 2


class UploadsAndPages(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cluster = example_cluster("hardening")
        cls.users = users(cls.cluster)

    def _upload(self, name: str, data: bytes) -> str:
        client = client_for(self.users["member"])
        file = SimpleUploadedFile(name, data)
        answer = client.post("/upload/", {"ledger": file, "reason": "test"})
        return str(answer.content.decode())

    def test_a_workbook_unpacking_beyond_the_web_limit_is_refused(self) -> None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("xl/worksheets/sheet1.xml", b" " * 3_000_000)
        with override_settings(ISBENEFIT_UPLOAD_UNPACKED_MAX_BYTES=2_000_000):
            page = self._upload("big.xlsx", buffer.getvalue())
        assert "unzips to 3,000,000 bytes" in page and "2,000,000" in page
        # The example itself (far below the limit) passes it.
        with override_settings(ISBENEFIT_UPLOAD_UNPACKED_MAX_BYTES=2_000_000):
            assert "unzips" not in self._upload("ledger.xlsx", EXAMPLE.read_bytes())

    def test_upload_errors_name_the_file_not_the_server_path(self) -> None:
        page = self._upload("broken.xlsx", b"PK\x03\x04 not really a workbook")
        assert "broken.xlsx" in page and "not a readable .xlsx workbook" in page
        assert "isbenefit-upload-" not in page and "/tmp" not in page

    def test_the_factor_set_is_chosen_by_name_never_a_path(self) -> None:
        facilitator = client_for(self.users["facilitator"])
        with override_settings(ISBENEFIT_FACTOR_SETS=[str(TINY_FACTORS.resolve())]):
            page = facilitator.get("/years/2024/").content.decode()
            assert "(factors-tiny)" in page and "(shipped)" in page
            assert str(TINY_FACTORS) not in page
            refused = facilitator.post("/years/2024/", {"reason": "x", "factors": "/etc"})
            assert refused.status_code == 200 and "Select a valid choice" in (
                refused.content.decode()
            )
            assert not YearVersion.objects.filter(cluster=self.cluster).exists()
            (shipped, _), _ = factor_sets.choices()[0], None
            closed = facilitator.post("/years/2024/", {"reason": "x", "factors": shipped})
        assert closed.status_code == 302
        assert years.latest(self.cluster, 2024).factors == ""

    def test_others_unconfirmed_exchanges_are_counted_not_listed(self) -> None:
        years.close(self.cluster, 2024, self.users["facilitator"], "closing")
        unconfirmed = years.latest(self.cluster, 2024).unconfirmed
        own = [u["id"] for u in unconfirmed if KALVO in (u["supplier"], u["receiver"])]
        others = [u["id"] for u in unconfirmed if u["id"] not in own]
        assert others, "the example must have other organisations' unconfirmed exchanges"
        facilitator = client_for(self.users["facilitator"]).get("/years/2024/").content.decode()
        assert all(i in facilitator for i in own + others)
        member = client_for(self.users["member"]).get("/years/2024/").content.decode()
        assert all(i in member for i in own) and not any(i in member for i in others)
        assert f"{len(others)} exchange" in member
        funder = client_for(self.users["funder"]).get("/years/2024/").content.decode()
        assert not any(i in funder for i in own + others)
        assert f"{len(own) + len(others)} exchange" in funder


class Answers(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cluster = example_cluster("answers")
        cls.users = users(cls.cluster)

    def test_hsts_whenever_the_public_url_is_https(self) -> None:
        with override_settings(ISBENEFIT_PUBLIC_URL="https://ledger.example.org"):
            answer = Client().get("/verify")
        assert answer.headers["Strict-Transport-Security"].startswith("max-age=31536000")
        with override_settings(ISBENEFIT_PUBLIC_URL="http://ledger.example.org"):
            assert "Strict-Transport-Security" not in Client().get("/verify").headers

    def test_the_api_answers_json_everywhere(self) -> None:
        client = client_for(self.users["member"])
        for path in ("/api/nothing-here", "/api/exchanges/x/y/z", "/api/"):
            answer = client.get(path)
            assert answer.status_code == 404 and answer["Content-Type"] == "application/json"
            assert "detail" in answer.json()
        anonymous = Client().get("/api/exchanges/")
        assert anonymous.status_code in (401, 403) and anonymous.json()

    def test_the_services_own_error_pages(self) -> None:
        page = client_for(self.users["member"]).get("/no/such/page/")
        assert page.status_code == 404 and "Not found" in page.content.decode()
        assert 'href="/static/service.css"' in page.content.decode()
        forbidden = client_for(self.users["member"]).get("/users/")
        assert forbidden.status_code == 403 and "Not allowed" in forbidden.content.decode()
        client = Client(raise_request_exception=False)
        with mock.patch("isbenefit.service.keys.published", side_effect=RuntimeError("boom")):
            failed = client.get("/keys.json")
            failed_json = client.get("/keys.json", HTTP_ACCEPT="application/json")
        assert failed.status_code == 500 and "went wrong" in failed.content.decode()
        assert "boom" not in failed.content.decode() and "Traceback" not in failed.content.decode()
        assert failed_json.status_code == 500 and failed_json.json()["detail"]


def test_messages_name_files_not_server_folders() -> None:
    from isbenefit.service.failures import without_paths

    text = "/srv/isb/service/keys/nordic.key may be read by others; fix: chmod 600 /srv/k/a.key"
    assert without_paths(text) == "nordic.key may be read by others; fix: chmod 600 a.key"
    assert without_paths("see https://example.org/a/b and 3/4 t") == (
        "see https://example.org/a/b and 3/4 t"
    )
