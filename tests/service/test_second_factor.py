"""The second factor through the real server: a facilitator (who can make the service
sign) must set up an authenticator app before anything else; the QR code is inline SVG
under the strict CSP; logins then need the code or a backup code; optional for members."""

from __future__ import annotations

import re
import time

from django.test import Client, TestCase
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.service.helpers import PASSWORD, example_cluster, users


def _code(device: TOTPDevice, step_offset: int = 0) -> str:
    value = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{value:0{device.digits}d}"


def _password_login(email: str) -> Client:
    client = Client()
    answer = client.post("/login/", {"username": email, "password": PASSWORD})
    assert answer.status_code == 302
    return client


class SecondFactor(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cluster = example_cluster("otp")
        cls.users = users(cls.cluster)

    def test_a_facilitator_sets_it_up_before_anything_else(self) -> None:
        client = _password_login("f@otp.org")
        blocked = client.get("/documents/")
        assert blocked.status_code == 302
        assert blocked["Location"].startswith("/account/second-factor/setup/?next=")
        assert client.get("/api/exchanges/").status_code == 401  # tokens only, as before
        json_refused = client.get("/users/", HTTP_ACCEPT="application/json")
        assert json_refused.status_code == 403
        page = client.get("/account/second-factor/setup/")
        html = page.content.decode()
        # The otpauth URI as an inline SVG QR code: no script, no style attribute.
        assert "<svg" in html and "<path" in html and "style=" not in html
        assert "<script" not in html and "script-src 'none'" in page["Content-Security-Policy"]
        uri = re.search(r"otpauth://totp/[^<\s]+", html)
        assert uri is not None and "issuer=isbenefit" in uri.group(0)
        device = TOTPDevice.objects.get(user=self.users["facilitator"], confirmed=False)
        wrong = client.post("/account/second-factor/setup/", {"code": "000000"})
        assert "not right" in wrong.content.decode()
        time.sleep(1.1)  # django-otp's own throttle: a second after a wrong code
        done = client.post("/account/second-factor/setup/", {"code": _code(device)})
        codes = re.findall(r"<li>([a-z0-9]{8})</li>", done.content.decode())
        assert len(codes) == 10
        assert client.get("/documents/").status_code == 200
        # The next login asks for the code; a backup code works once.
        again = _password_login("f@otp.org")
        asked = again.get("/users/")
        assert asked["Location"].startswith("/account/second-factor/?next=")
        assert again.post("/account/second-factor/", {"code": "12345678"}).status_code == 200
        time.sleep(1.1)
        passed = again.post("/account/second-factor/", {"code": codes[0], "next": "/users/"})
        assert passed.status_code == 302 and passed["Location"] == "/users/"
        assert again.get("/users/").status_code == 200
        third = _password_login("f@otp.org")
        reused = third.post("/account/second-factor/", {"code": codes[0]})
        assert reused.status_code == 200 and "not right" in reused.content.decode()

    def test_optional_for_a_member_until_it_sets_it_up(self) -> None:
        client = _password_login("m@otp.org")
        assert client.get("/exchanges/").status_code == 200
        settings_page = client.get("/settings/").content.decode()
        assert "optional for your role" in settings_page
        client.get("/account/second-factor/setup/")
        device = TOTPDevice.objects.get(user=self.users["member"], confirmed=False)
        client.post("/account/second-factor/setup/", {"code": _code(device)})
        later = _password_login("m@otp.org")
        assert later.get("/exchanges/")["Location"].startswith("/account/second-factor/")
        # A password alone cannot enrol another app for a user who has one.
        refused = later.get("/account/second-factor/setup/")
        assert refused.status_code == 302
        assert refused["Location"].startswith("/account/second-factor/?next=")
        later.post("/account/second-factor/setup/", {"code": "123456"})
        assert TOTPDevice.objects.filter(user=self.users["member"]).count() == 1
        assert later.get("/exchanges/")["Location"].startswith("/account/second-factor/")

    def test_the_public_pages_stay_open_and_next_stays_on_the_site(self) -> None:
        client = _password_login("f@otp.org")
        assert client.get("/verify").status_code == 200
        assert client.get("/register").status_code == 200
        page = client.get("/account/second-factor/setup/?next=https://evil.example/")
        assert 'value="/"' in page.content.decode()
