"""One Chromium run of the languages: a browser asking for Polish gets the login page in
Polish; its language switch turns the service German and the choice stays with the page
reloaded and the next one (the password reset). Debian's chromium and chromium-driver
through Selenium, as tests/service/test_browser.py runs them; in CI a missing browser
fails, locally it skips."""

from __future__ import annotations

import os
import shutil
import tempfile
import unittest
from pathlib import Path
from typing import Any

from django.db import connection
from django.test import TransactionTestCase, override_settings
from filelock import FileLock

from tests.service.live import live_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
MISSING = not (CHROMIUM.exists() and CHROMEDRIVER.exists())


def polish_chromium(profile: Path) -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager: never download a browser
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--no-first-run", "--lang=pl"):  # fmt: skip
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.add_experimental_option("prefs", {"intl.accept_languages": "pl,en"})
    return webdriver.Chrome(options=options, service=Service(executable_path=str(CHROMEDRIVER)))


@unittest.skipIf(MISSING and not os.environ.get("CI"), "chromium/chromium-driver not installed")
@override_settings(SESSION_COOKIE_SECURE=False, CSRF_COOKIE_SECURE=False)  # as `serve` on loopback
class BrowserLanguage(TransactionTestCase):
    def test_a_polish_browser_reads_polish_and_switches_to_german(self) -> None:
        from selenium.webdriver.support.ui import Select

        lock = FileLock(Path(tempfile.gettempdir()) / "isbenefit-chromium.lock")
        folder = Path(tempfile.mkdtemp(prefix="isbenefit-language-"))
        max_age = connection.settings_dict.get("CONN_MAX_AGE", 0)
        connection.settings_dict["CONN_MAX_AGE"] = 0
        with lock.acquire(timeout=600):
            driver = polish_chromium(folder / "profile")
            try:
                with live_server() as base:
                    driver.get(base + "/login/")
                    html = driver.find_element("tag name", "html")
                    assert html.get_attribute("lang") == "pl"
                    assert "Nie pamiętasz hasła?" in driver.find_element("tag name", "body").text
                    Select(driver.find_element("name", "language")).select_by_value("de")
                    driver.find_element("css selector", "form.language button").click()
                    driver.get(base + "/login/")
                    body = driver.find_element("tag name", "body").text
                    assert driver.find_element("tag name", "html").get_attribute("lang") == "de"
                    assert "Passwort vergessen?" in body
                    # A page's body text, not only the bar and the login form.
                    driver.get(base + "/password-reset/")
                    body = driver.find_element("tag name", "body").text
                    assert "Geben Sie die Adresse Ihres Kontos an" in body
                    assert "Give the address of your account" not in body
            finally:
                driver.quit()
                shutil.rmtree(folder, ignore_errors=True)
                connection.settings_dict["CONN_MAX_AGE"] = max_age
