"""End to end in a real headless Chromium (Debian's chromium and chromium-driver, through
Selenium with /usr/bin/chromedriver; Selenium Manager is never asked to download).

The service runs in this process (waitress in a thread, tests/service/live.py) on the
test database. A facilitator uploads the example ledger; a member logs in and confirms
its side of an exchange; the facilitator confirms the other side (it has no account),
closes the year and issues the member's certificate; an anonymous funder opens /c/<id>,
downloads the PDF, uploads it to /verify and reads "valid"; the same PDF with one byte
changed is "PDF signature invalid". A second run goes through the inbox: two parties
confirm an exchange from their home pages, the supplier proposes a new receiver, the old
and the new receiver accept it there, and the old one keeps reading what it confirmed.
In CI (CI set) a missing browser fails; locally it skips.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
import unittest
from pathlib import Path
from typing import Any, ClassVar

from django.db import connection
from django.test import TransactionTestCase, override_settings
from filelock import FileLock

from isbenefit.service import entries, store
from isbenefit.service.accounts import add_user
from isbenefit.service.models import Document, Exchange
from tests.service.conftest import EXAMPLE
from tests.service.helpers import KALVO, PASSWORD
from tests.service.live import live_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
MISSING = not (CHROMIUM.exists() and CHROMEDRIVER.exists())
CERTIFICATE = re.compile(r"ISB-[0-9A-F]{16}")


def chromium(profile: Path, downloads: Path) -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager: never download a browser
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.add_experimental_option(
        "prefs",
        {
            "download.default_directory": str(downloads),
            "download.prompt_for_download": False,
            "plugins.always_open_pdf_externally": True,
        },
    )
    return webdriver.Chrome(options=options, service=Service(executable_path=str(CHROMEDRIVER)))


def _gone(element: Any) -> bool:
    """Whether ``element``'s page was replaced. chromedriver reports a replaced node
    either as stale or, racing the navigation, as "does not belong to the document"."""
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException

    try:
        element.is_enabled()
    except StaleElementReferenceException:
        return True
    except WebDriverException as error:
        if "does not belong to the document" in str(error):
            return True
        raise
    return False


@unittest.skipIf(MISSING and not os.environ.get("CI"), "chromium/chromium-driver not installed")
@override_settings(SESSION_COOKIE_SECURE=False, CSRF_COOKIE_SECURE=False)  # as `serve` on loopback
class Browser(TransactionTestCase):
    folder: ClassVar[Path]
    driver: ClassVar[Any]
    browser_lock: ClassVar[FileLock]

    @classmethod
    def setUpClass(cls) -> None:
        # One Chromium at a time on the machine: the SQLite run and the PostgreSQL run
        # (tests/service/test_postgresql.py) may otherwise start theirs together on the
        # two cores, and Chromium then fails at random ("unhandled inspector error").
        cls.browser_lock = FileLock(Path(tempfile.gettempdir()) / "isbenefit-chromium.lock")
        cls.browser_lock.acquire(timeout=600)
        try:
            super().setUpClass()
            cls.folder = Path(tempfile.mkdtemp(prefix="isbenefit-browser-"))
            (cls.folder / "downloads").mkdir()
            cls.driver = chromium(cls.folder / "profile", cls.folder / "downloads")
            cls.driver.set_page_load_timeout(120)
        except BaseException:
            cls.browser_lock.release()
            raise

    @classmethod
    def tearDownClass(cls) -> None:
        try:
            cls.driver.quit()
            shutil.rmtree(cls.folder, ignore_errors=True)
            super().tearDownClass()
        finally:
            cls.browser_lock.release()

    def setUp(self) -> None:
        # Server threads close their connections after each request, so the test
        # database can be emptied and dropped at the end.
        self.max_age = connection.settings_dict.get("CONN_MAX_AGE", 0)
        connection.settings_dict["CONN_MAX_AGE"] = 0

    def tearDown(self) -> None:
        connection.settings_dict["CONN_MAX_AGE"] = self.max_age

    # --- browser steps ---------------------------------------------------------------------

    def open(self, path: str) -> str:
        self.driver.get(self.base + path)
        return str(self.driver.find_element("tag name", "body").text)

    def log_in(self, email: str) -> None:
        self.driver.delete_all_cookies()
        self.open("/login/")
        self.driver.find_element("name", "username").send_keys(email)
        self.driver.find_element("name", "password").send_keys(PASSWORD)
        self.submit("Log in")
        assert "/login/" not in self.driver.current_url, self.page()
        if "/account/second-factor/" in self.driver.current_url:
            # The facilitator's second factor: one of its backup codes, each used once.
            self.driver.find_element("name", "code").send_keys(self.backup_codes.pop())
            self.submit("Continue")
            assert "/account/second-factor/" not in self.driver.current_url, self.page()

    def submit(self, text: str) -> str:
        """Click the submit button labelled ``text``; the next page's text."""
        buttons = self.driver.find_elements("css selector", "button[type=submit]")
        chosen = [b for b in buttons if text in b.text]
        assert chosen, f"no button {text!r} on {self.driver.current_url}"
        from selenium.webdriver.support.wait import WebDriverWait

        before = self.driver.find_element("tag name", "html")
        chosen[0].click()
        WebDriverWait(self.driver, 120).until(lambda _driver: _gone(before))  # next page
        return self.page()

    def page(self) -> str:
        return str(self.driver.find_element("tag name", "body").text)

    def verdict_of(self, pdf: Path) -> str:
        self.open("/verify")
        self.driver.find_element("name", "pdf").send_keys(str(pdf))
        self.submit("Verify")
        return str(self.driver.find_element("css selector", ".card strong").text)

    def download(self, link_text: str) -> Path:
        self.driver.find_element("partial link text", link_text).click()
        folder = self.folder / "downloads"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            done = [p for p in folder.glob("*.pdf") if p.stat().st_size > 0]
            if done and not list(folder.glob("*.crdownload")):
                return done[0]
            time.sleep(0.1)
        raise AssertionError(f"no PDF downloaded: {list(folder.iterdir())}")

    backup_codes: ClassVar[list[str]] = []

    # --- the scenario ------------------------------------------------------------------------

    def test_confirm_issue_and_verify_in_chromium(self) -> None:
        cluster = store.cluster_named("e2e", "Nordic cluster")
        facilitator = add_user("e2e", "facilitator@e2e.org", "facilitator", None, PASSWORD)
        self.backup_codes = _second_factor(facilitator)
        add_user("e2e", "member@e2e.org", "member", KALVO, PASSWORD)
        with live_server() as base:
            self.base = base
            # The facilitator loads the example ledger through the upload page.
            self.log_in("facilitator@e2e.org")
            self.open("/upload/")
            self.driver.find_element("name", "ledger").send_keys(str(EXAMPLE))
            text = self.submit("Check and store")
            assert re.search(r"nordic-cluster\.xlsx: \d+ new", text), text
            exchange = Exchange.objects.get(cluster=cluster, exchange_id="kal-gypsum-2024")
            assert exchange.current is not None and exchange.current.supplier == KALVO

            # The member confirms its side; the exchange is not confirmed yet.
            self.log_in("member@e2e.org")
            text = self.open(f"/exchanges/{exchange.pk}/")
            assert "awaiting confirmation" in text
            assert "Confirm as receiver" not in text  # not its side
            text = self.submit("Confirm as supplier")
            assert "Confirmed as supplier." in text and "awaiting confirmation" in text

            certificate_id = self.confirm_other_side_and_issue(exchange)
            self.funder_verifies(certificate_id)

    def confirm_other_side_and_issue(self, exchange: Exchange) -> str:
        """The facilitator confirms the receiver (no account: on its behalf) and issues
        the member's certificate; its id."""
        assert exchange.current is not None
        receiver = exchange.current.receiver
        self.log_in("facilitator@e2e.org")
        text = self.open(f"/exchanges/{exchange.pk}/")
        assert "Confirm as supplier" not in text
        text = self.submit("Confirm as receiver on behalf")
        assert "confirmed by both parties" in text, text
        assert receiver in text
        # Only a closed year is certified: the facilitator closes 2024 first.
        self.open("/years/2024/")
        text = self.submit("Close the year")
        assert "Year 2024: version 1 closed." in text, text
        self.open("/documents/")
        self.driver.find_element("name", "kind").send_keys("certificates")
        self.driver.find_element("name", "year").send_keys("2024")
        self.driver.find_element("name", "organisation").send_keys(KALVO)
        text = self.submit("Start")
        assert "Done" in text and "1 of 1 made." in text, text
        found = CERTIFICATE.search(text)
        assert found, text
        document = Document.objects.get(certificate_id=found.group(0))
        assert document.claim_summary["exchanges"] == ["kal-gypsum-2024"]
        return found.group(0)

    def funder_verifies(self, certificate_id: str) -> None:
        """An anonymous funder: the certificate's page, its PDF, /verify."""
        self.driver.delete_all_cookies()
        text = self.open(f"/c/{certificate_id}")
        assert certificate_id in text and "valid" in text.split("\n")
        assert "Revoke" not in text
        pdf = self.download("Download the certificate")
        assert pdf.read_bytes().startswith(b"%PDF-")
        assert self.verdict_of(pdf) == "valid"
        assert "exit code 0" in self.page()
        # One byte changed (the producer string, which only the PDF signature covers).
        tampered = self.folder / "tampered.pdf"
        data = pdf.read_bytes()
        assert data.count(b"WeasyPrint") >= 1
        tampered.write_bytes(data.replace(b"WeasyPrint", b"WeasyPrinT", 1))
        assert self.verdict_of(tampered) == "PDF signature invalid"
        assert "exit code 16" in self.page()
        # Not a PDF at all: refused with a reason.
        junk = self.folder / "junk.pdf"
        junk.write_bytes(b"not a pdf")
        self.open("/verify")
        self.driver.find_element("name", "pdf").send_keys(str(junk))
        assert "not a PDF" in self.submit("Verify")

    def test_inbox_confirmations_and_a_new_party_in_chromium(self) -> None:
        """Each person's inbox leads to what waits: the two parties confirm an exchange
        from their home pages, the supplier proposes a new receiver, the old and the new
        receiver accept it from theirs, and the old one keeps reading what it confirmed."""
        cluster = store.cluster_named("e2e-inbox", "Nordic cluster")
        entries.import_file(cluster, EXAMPLE)
        add_user("e2e-inbox", "supplier@e2e.org", "member", KALVO, PASSWORD)
        add_user("e2e-inbox", "receiver@e2e.org", "member", "dk-naestved-gips", PASSWORD)
        add_user("e2e-inbox", "newcomer@e2e.org", "member", "dk-rorby-svin", PASSWORD)
        exchange = Exchange.objects.get(cluster=cluster, exchange_id="kal-gypsum-2024")
        with live_server() as base:
            self.base = base
            # dk-kalvo-chp is party to six exchanges of the example, none confirmed.
            self.log_in("supplier@e2e.org")
            assert "Inbox 6" in self.open("/")
            self.driver.find_element("link text", "kal-gypsum-2024").click()
            text = self.submit("Confirm as supplier")
            assert "Confirmed as supplier." in text and "Inbox 5" in text

            self.log_in("receiver@e2e.org")
            self.open("/")
            self.driver.find_element("link text", "kal-gypsum-2024").click()
            text = self.submit("Confirm as receiver")
            assert "confirmed by both parties" in text, text

            # The supplier moves the exchange to another receiver: a proposal.
            self.log_in("supplier@e2e.org")
            self.open(f"/exchanges/{exchange.pk}/edit/")
            from selenium.webdriver.support.select import Select

            Select(self.driver.find_element("name", "receiver")).select_by_value("dk-rorby-svin")
            text = self.submit("Save")
            assert "waits for dk-naestved-gips, dk-rorby-svin to accept" in text, text
            exchange.refresh_from_db()
            assert exchange.current is not None and exchange.current.number == 1

            self.log_in("receiver@e2e.org")
            text = self.open("/")
            assert "Proposals to answer (1)" in text, text
            self.driver.find_element("link text", "change of supplier or receiver").click()
            assert "Accepted for dk-naestved-gips." in self.submit("Accept for dk-naestved-gips")

            self.log_in("newcomer@e2e.org")
            assert "Proposals to answer (1)" in self.open("/")
            self.driver.find_element("link text", "change of supplier or receiver").click()
            text = self.submit("Accept for dk-rorby-svin")
            assert "exchange kal-gypsum-2024 is now version 2" in text, text
            text = self.open(f"/exchanges/{exchange.pk}/")
            assert "confirmed by both parties" in text and "dk-rorby-svin" in text

            # The former receiver reads the version it confirmed, nothing after it.
            self.log_in("receiver@e2e.org")
            text = self.open(f"/exchanges/{exchange.pk}/")
            assert "no longer a party" in text and "dk-rorby-svin" not in text


def _second_factor(user: Any) -> list[str]:
    """A confirmed authenticator device of ``user`` and five backup codes to log in with."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    backup = StaticDevice.objects.create(user=user, name="backup codes", confirmed=True)
    codes = [f"e2ecode{n}" for n in range(5)]
    for code in codes:
        backup.token_set.create(token=code)
    return codes
