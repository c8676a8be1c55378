"""Deployment behind an HTTPS proxy and the service's files: the public URL, the trusted
proxy, waitress's limits, and modes of the database, documents and data folder."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client, TestCase, override_settings

from isbenefit.service import settings as service_settings
from isbenefit.service.models import Job, Organisation
from isbenefit.service.settings import ServiceOptions, django_settings
from tests.service.helpers import KALVO, example_cluster, log_in, users


def _derived(tmp: Path, **options: Any) -> dict[str, Any]:
    return django_settings(ServiceOptions(data=tmp, secure_cookies=False, **options))


def test_a_public_https_url_trusts_its_origin_and_secures_cookies(tmp_path: Path) -> None:
    derived = _derived(tmp_path, public_url="https://Example.org/", trusted_proxy="127.0.0.1")
    assert derived["CSRF_TRUSTED_ORIGINS"] == ["https://example.org"]
    assert derived["ISBENEFIT_PUBLIC_URL"] == "https://example.org"
    assert "example.org" in derived["ALLOWED_HOSTS"]
    assert derived["SESSION_COOKIE_SECURE"] and derived["CSRF_COOKIE_SECURE"]
    assert derived["SECURE_HSTS_SECONDS"] > 0
    assert derived["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")


def test_forwarded_proto_is_believed_only_behind_a_declared_proxy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(service_settings.TRUSTED_PROXY_ENV, raising=False)
    monkeypatch.delenv(service_settings.PUBLIC_URL_ENV, raising=False)
    plain = _derived(tmp_path)
    assert "SECURE_PROXY_SSL_HEADER" not in plain and "SECURE_HSTS_SECONDS" not in plain
    assert not plain["SESSION_COOKIE_SECURE"] and plain["CSRF_TRUSTED_ORIGINS"] == []
    assert "testserver" not in plain["ALLOWED_HOSTS"]  # the test client's host: tests only
    monkeypatch.setenv(service_settings.PUBLIC_URL_ENV, "https://ledger.example.org")
    from_env = _derived(tmp_path)
    assert from_env["CSRF_TRUSTED_ORIGINS"] == ["https://ledger.example.org"]
    assert "SECURE_PROXY_SSL_HEADER" not in from_env


@pytest.mark.parametrize("url", ["ftp://example.org", "https://example.org/ledger", "example"])
def test_a_public_url_must_be_the_services_root(tmp_path: Path, url: str) -> None:
    with pytest.raises(service_settings.ServiceConfigError):
        _derived(tmp_path, public_url=url)


def test_waitress_takes_the_proxy_and_the_largest_upload_limit() -> None:
    from django.conf import settings

    from isbenefit.service.security import BODY_OVERHEAD
    from isbenefit.service.server import waitress_options

    with override_settings(
        ISBENEFIT_TRUSTED_PROXY="127.0.0.1",
        ISBENEFIT_UPLOAD_MAX_BYTES=5_000_000,
        ISBENEFIT_VERIFY_MAX_BYTES=1_000_000,
    ):
        options = waitress_options("127.0.0.1", 8000, 4)
        assert options["max_request_body_size"] == 5_000_000 + BODY_OVERHEAD
        assert options["trusted_proxy"] == "127.0.0.1"
        assert "x-forwarded-proto" in options["trusted_proxy_headers"]
    assert "trusted_proxy" not in waitress_options("127.0.0.1", 8000, 4)
    assert settings.ISBENEFIT_TRUSTED_PROXY == ""


PUBLIC = {
    "CSRF_TRUSTED_ORIGINS": ["https://example.org"],
    "ISBENEFIT_PUBLIC_URL": "https://example.org",
    "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
}


class BehindProxy(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cluster = example_cluster("proxied")
        cls.users = users(cls.cluster)

    def _post_organisation(self, **headers: str) -> int:
        client = Client(enforce_csrf_checks=True)
        log_in(client, self.users["facilitator"])
        page = client.get("/organisations/", **headers)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.content)
        assert token is not None
        answer = client.post(
            "/organisations/",
            {"csrfmiddlewaretoken": token.group(1).decode(), "id": "x-new", "name": "X"},
            HTTP_ORIGIN="https://example.org",
            **headers,
        )
        return int(answer.status_code)

    def test_a_form_posted_through_the_https_proxy_passes_the_csrf_check(self) -> None:
        # The proxy speaks plain HTTP to the service, with its own Host.
        with override_settings(**PUBLIC):
            assert self._post_organisation() == 302
        assert Organisation.objects.filter(cluster=self.cluster, org_id="x-new").exists()

    def test_without_the_public_url_the_origin_is_refused(self) -> None:
        assert self._post_organisation() == 403

    def test_the_forwarded_proto_makes_the_request_secure(self) -> None:
        with override_settings(**PUBLIC, ALLOWED_HOSTS=["example.org"]):
            assert (
                self._post_organisation(
                    HTTP_HOST="example.org", **{"HTTP_X_FORWARDED_PROTO": "https"}
                )
                == 302
            )

    def test_links_and_qr_codes_use_the_public_url(self) -> None:
        client = Client()
        log_in(client, self.users["facilitator"])
        with override_settings(**PUBLIC):
            answer = client.post(
                "/documents/", {"kind": "statement", "year": "2024", "organisation": KALVO}
            )
        job = Job.objects.get(pk=answer["Location"].rstrip("/").split("/")[-1])
        assert job.base_url == "https://example.org"


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_the_service_folder_and_database_are_private(tmp_path: Path) -> None:
    folder = tmp_path / "service"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    database = folder / "service.sqlite3"
    for companion in ("", "-wal", "-shm"):
        Path(f"{database}{companion}").write_bytes(b"")
        Path(f"{database}{companion}").chmod(0o644)
    _derived(tmp_path)
    assert _mode(folder) == 0o700
    for companion in ("", "-wal", "-shm"):
        assert _mode(Path(f"{database}{companion}")) == 0o600, companion
    # A new data folder: the database file is made private before SQLite opens it.
    fresh = tmp_path / "fresh"
    _derived(fresh)
    assert _mode(fresh / "service") == 0o700
    assert _mode(fresh / "service" / "service.sqlite3") == 0o600


def test_documents_are_written_private(tmp_path: Path) -> None:
    import os

    from isbenefit.service import issuing

    old = os.umask(0)  # a written-then-chmodded file would be readable meanwhile
    try:
        with override_settings(ISBENEFIT_SERVICE_DIR=str(tmp_path)):
            seen: list[int] = []
            real_open = os.open

            def watching(path: Any, flags: int, mode: int = 0o777, *args: Any) -> int:
                seen.append(mode)
                return real_open(path, flags, mode, *args)

            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(issuing.os, "open", watching)
                path = issuing.write_private(b"%PDF-1.7 test")
        assert seen == [0o600]
        assert _mode(path) == 0o600 and _mode(path.parent) == 0o700
    finally:
        os.umask(old)


class Unread:
    """A request body that fails the test if anything reads it."""

    def read(self, *args: Any) -> bytes:
        raise AssertionError("the body was read")

    readline = read


class BodyLimits(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cluster = example_cluster("limits")
        cls.users = users(cls.cluster)

    def setUp(self) -> None:
        from django.core.cache import cache

        cache.clear()

    def _post(self, client: Client, path: str, length: int, **headers: Any) -> Any:
        return client.generic(
            "POST",
            path,
            content_type="multipart/form-data; boundary=x",
            CONTENT_LENGTH=str(length),
            **{"wsgi.input": Unread()},
            **headers,
        )

    def test_a_huge_declared_body_is_refused_unread(self) -> None:
        huge = 10**12
        answer = self._post(Client(), "/verify", huge, HTTP_ACCEPT="application/json")
        assert answer.status_code == 413 and "limit" in answer.json()["error"]
        assert self._post(Client(), "/verify", huge).status_code == 413
        facilitator = Client()
        log_in(facilitator, self.users["facilitator"])
        assert self._post(facilitator, "/upload/", huge).status_code == 413

    def test_verify_takes_no_more_than_its_own_limit(self) -> None:
        from django.conf import settings

        from isbenefit.service.security import BODY_OVERHEAD

        over = settings.ISBENEFIT_VERIFY_MAX_BYTES + BODY_OVERHEAD + 1
        assert self._post(Client(), "/verify", over).status_code == 413

    def test_the_rate_limit_comes_before_the_body_is_parsed(self) -> None:
        from django.test import RequestFactory

        from isbenefit.service.security import allowed

        with override_settings(ISBENEFIT_VERIFY_PER_MINUTE=1):
            probe = RequestFactory().post("/verify", REMOTE_ADDR="127.0.0.1")
            allowed(probe, "verify")
            allowed(probe, "verify")
            for headers in ({}, {"HTTP_ACCEPT": "application/json"}):
                answer = self._post(Client(), "/verify", 1000, **headers)
                assert answer.status_code == 429
