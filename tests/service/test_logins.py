"""Logins through the real server: the throttle per account and per address (django-axes),
its growing lock, every login logged, and the password reset by mail."""

from __future__ import annotations

import re

from django.core import mail
from django.test import Client, TestCase

from isbenefit.service.login_rules import cooloff_for
from tests.service.helpers import PASSWORD, example_cluster, users

WRONG = "not the password 123"


def _login(address: str, username: str, password: str) -> int:
    answer = Client(REMOTE_ADDR=address).post(
        "/login/", {"username": username, "password": password}
    )
    return int(answer.status_code)


class Throttle(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cluster = example_cluster("logins")
        cls.users = users(cls.cluster)

    def test_an_account_is_locked_after_five_failures_from_anywhere(self) -> None:
        with self.assertLogs("isbenefit.service.logins", "INFO") as logged:
            codes = [_login(f"10.0.0.{n}", "m@logins.org", WRONG) for n in range(5)]
            # The form again, with its error; the fifth failure locks.
            assert codes == [200, 200, 200, 200, 429]
            assert _login("10.0.0.9", "m@logins.org", PASSWORD) == 429
        lines = "\n".join(logged.output)
        # Five wrong passwords and the right one refused while locked.
        assert lines.count("login failed: 'm@logins.org' from 10.0.0.") == 6
        assert WRONG not in lines and PASSWORD not in lines
        page = Client(REMOTE_ADDR="10.0.0.9").post(
            "/login/", {"username": "m@logins.org", "password": PASSWORD}
        )
        assert "Too many failed logins" in page.content.decode()
        # Another account is not locked by this one's failures.
        assert _login("10.0.0.9", "o@logins.org", PASSWORD) == 302

    def test_an_address_is_locked_after_five_failures_for_any_accounts(self) -> None:
        codes = [_login("10.7.7.7", f"{name}@nowhere.org", WRONG) for name in "abcde"]
        assert codes == [200, 200, 200, 200, 429]
        assert _login("10.7.7.7", "v@logins.org", PASSWORD) == 429
        with self.assertLogs("isbenefit.service.logins", "INFO") as logged:
            assert _login("10.7.7.8", "v@logins.org", PASSWORD) == 302
        assert "login succeeded: v@logins.org from 10.7.7.8" in "\n".join(logged.output)

    def test_the_header_a_client_sends_is_not_its_address(self) -> None:
        for n in range(5):
            Client(REMOTE_ADDR="10.3.3.3", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").post(
                "/login/", {"username": f"x{n}@nowhere.org", "password": WRONG}
            )
        assert _login("10.3.3.3", "f@logins.org", PASSWORD) == 429

    def test_the_lock_grows_with_each_lockout_of_the_day(self) -> None:
        assert cooloff_for(0, 15).total_seconds() == 15 * 60
        assert cooloff_for(1, 15).total_seconds() == 15 * 60
        assert cooloff_for(3, 15).total_seconds() == 45 * 60
        for _ in range(6):
            _login("10.4.4.4", "nobody@nowhere.org", WRONG)
        page = Client(REMOTE_ADDR="10.4.4.4").post(
            "/login/", {"username": "nobody@nowhere.org", "password": WRONG}
        )
        first = re.search(r"wait (\d+) minutes", page.content.decode())
        assert first is not None
        from axes.utils import reset

        reset(ip="10.4.4.4")
        for _ in range(6):
            _login("10.4.4.4", "nobody@nowhere.org", WRONG)
        page = Client(REMOTE_ADDR="10.4.4.4").post(
            "/login/", {"username": "nobody@nowhere.org", "password": WRONG}
        )
        second = re.search(r"wait (\d+) minutes", page.content.decode())
        assert second is not None and int(second.group(1)) > int(first.group(1))

    def test_the_accounts_lock_grows_whichever_addresses_guess(self) -> None:
        """Guesses at one account spread over new addresses each time: the second lock of
        the day is still longer than the first (the account's lockouts count)."""
        from axes.utils import reset

        waits = []
        for run in range(2):
            for n in range(5):
                _login(f"10.8.{run}.{n}", "guessed@nowhere.org", WRONG)
            page = Client(REMOTE_ADDR=f"10.8.{run}.9").post(
                "/login/", {"username": "guessed@nowhere.org", "password": WRONG}
            )
            found = re.search(r"wait (\d+) minutes", page.content.decode())
            assert found is not None
            waits.append(int(found.group(1)))
            reset(username="guessed@nowhere.org")
        assert waits[1] > waits[0]


class PasswordReset(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cluster = example_cluster("resets")
        cls.users = users(cls.cluster)

    def test_a_reset_link_is_mailed_and_sets_a_new_password(self) -> None:
        assert "Forgot your password?" in Client().get("/login/").content.decode()
        sent = Client().post("/password-reset/", {"email": "m@resets.org"})
        assert sent.status_code == 302 and sent["Location"] == "/password-reset/sent/"
        (message,) = mail.outbox
        assert message.to == ["m@resets.org"]
        assert message.subject == "Reset your password on the isbenefit ledger"
        found = re.search(r"http://testserver(/reset/\S+/)", message.body)
        assert found is not None
        client = Client()
        form = client.get(found.group(1), follow=True)
        new = "a brand new secret 77"
        done = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
        assert done.status_code == 302
        assert _login("10.5.5.5", "m@resets.org", new) == 302
        # An unknown address: the same answer, no mail (nobody learns who has an account).
        mail.outbox.clear()
        assert Client().post("/password-reset/", {"email": "who@nowhere.org"}).status_code == 302
        assert not mail.outbox

    def test_resets_are_throttled_per_address_and_per_mail(self) -> None:
        from django.core.cache import cache

        from isbenefit.service.account_views import RESETS_PER_ADDRESS, RESETS_PER_MAIL

        cache.clear()
        # One mail address asked for from many addresses: the first few get their mail,
        # then the same answer without one (nobody floods another's inbox).
        for n in range(RESETS_PER_MAIL + 2):
            answer = Client(REMOTE_ADDR=f"10.6.0.{n}").post(
                "/password-reset/", {"email": "m@resets.org"}
            )
            assert answer.status_code == 302
        assert len(mail.outbox) == RESETS_PER_MAIL
        # One address asking for many: refused with 429 beyond its limit.
        codes = [
            Client(REMOTE_ADDR="10.6.1.1")
            .post("/password-reset/", {"email": f"x{n}@nowhere.org"})
            .status_code
            for n in range(RESETS_PER_ADDRESS + 1)
        ]
        assert codes == [302] * RESETS_PER_ADDRESS + [429]
        cache.clear()
