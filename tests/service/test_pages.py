"""Entering exchanges by form and by upload, and the security of every page (item 10)."""

from __future__ import annotations

import re
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase, override_settings

from isbenefit.service import store
from isbenefit.service.models import Exchange, ExchangeVersion
from tests.service.helpers import KALVO, PASSWORD, client_for, example_cluster, log_in, users

TEMPLATES = Path(__file__).resolve().parents[2] / "isbenefit" / "service" / "templates"
GOOD = {
    "id": "new-1",
    "period_start": "2024-01-01",
    "period_end": "2024-12-31",
    "supplier": KALVO,
    "receiver": "dk-gipsdal",
    "flow": "material",
    "resource": "FGD gypsum",
    "quantity": "100",
    "unit": "t",
    "baseline_supply": "prod.gypsum_natural",
}


class Entering(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cluster = example_cluster()
        cls.users = users(cls.cluster)

    def test_the_form_stores_a_sound_exchange(self) -> None:
        receiver = self.cluster.exchanges.get(exchange_id="kal-gypsum-2024").current.receiver
        response = client_for(self.users["member"]).post(
            "/exchanges/new/", {**GOOD, "receiver": receiver}
        )
        assert response.status_code == 302, response.content.decode()[:3000]
        assert Exchange.objects.get(cluster=self.cluster, exchange_id="new-1").current

    def test_the_form_refuses_a_unit_the_activity_cannot_take(self) -> None:
        receiver = self.cluster.exchanges.get(exchange_id="kal-gypsum-2024").current.receiver
        response = client_for(self.users["member"]).post(
            "/exchanges/new/", {**GOOD, "receiver": receiver, "unit": "MWh"}
        )
        assert response.status_code == 200
        errors = response.context["form"].errors
        assert "unit" in errors and "MWh" in str(errors["unit"])
        assert not Exchange.objects.filter(exchange_id="new-1").exists()

    def test_a_rejected_upload_lists_every_problem_and_stores_nothing(self) -> None:
        data = (
            "id,period_start,period_end,supplier,receiver,flow,resource,quantity,unit,"
            "baseline_supply\n"
            f"U1,2024-01-01,2024-12-31,{KALVO},x,material,gypsum,10,MWh,prod.gypsum_natural\n"
            f"U2,2024-01-01,2024-12-31,{KALVO},y,material,gypsum,-5,t,prod.gypsum_natural\n"
            f"U3,2024-13-01,2024-12-31,{KALVO},z,material,gypsum,5,t,prod.gypsum_natural\n"
        ).encode()
        count = ExchangeVersion.objects.count()
        response = client_for(self.users["facilitator"]).post(
            "/upload/", {"ledger": SimpleUploadedFile("ledger.csv", data, "text/csv")}
        )
        assert response.status_code == 400
        problems = response.context["problems"]
        assert {(p.row, p.column) for p in problems} >= {(2, "unit"), (3, "quantity")}
        assert any(p.row == 4 for p in problems)
        assert ExchangeVersion.objects.count() == count

    def test_a_sound_upload_is_stored(self) -> None:
        data = (
            "id,period_start,period_end,supplier,receiver,flow,resource,quantity,unit,"
            "baseline_supply,my_note\n"
            f"U9,2024-01-01,2024-12-31,{KALVO},dk-new,material,gypsum,10,t,"
            "prod.gypsum_natural,kept\n"
        ).encode()
        response = client_for(self.users["facilitator"]).post(
            "/upload/", {"ledger": SimpleUploadedFile("more.csv", data, "text/csv")}
        )
        assert response.status_code == 302
        version = Exchange.objects.get(cluster=self.cluster, exchange_id="U9").current
        assert version.fields["my_note"] == "kept"

    def test_the_organisation_form_keeps_the_ledgers_own_columns(self) -> None:
        store.save_organisation(
            self.cluster,
            {"id": "dk-extra", "name": "Extra A/S", "language": "da", "contact": "Lone"},
            None,
        )
        response = client_for(self.users["facilitator"]).post(
            "/organisations/", {"id": "dk-extra", "name": "Extra ApS", "country": "DK"}
        )
        assert response.status_code == 302
        fields = self.cluster.organisations.get(org_id="dk-extra").fields
        # The form's columns as given (language cleared), the ledger's own column kept.
        assert fields == {"id": "dk-extra", "name": "Extra ApS", "country": "DK",
                          "nace": "", "sme": "", "eu_ets": "", "contact": "Lone"}  # fmt: skip

    @override_settings(ISBENEFIT_UPLOAD_MAX_BYTES=50)
    def test_uploads_have_a_size_limit(self) -> None:
        data = b"id,period_start\n" + b"x" * 100
        response = client_for(self.users["facilitator"]).post(
            "/upload/", {"ledger": SimpleUploadedFile("big.csv", data, "text/csv")}
        )
        assert "the limit is 50" in response.content.decode()


class Security(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cluster = example_cluster()
        cls.users = users(cls.cluster)
        store.save_organisation(
            cls.cluster, {"id": KALVO, "name": "<script>alert('x')</script> & Co"}, None
        )

    def test_every_form_needs_its_csrf_token(self) -> None:
        own = Exchange.objects.filter(current__supplier=KALVO).first()
        client = Client(enforce_csrf_checks=True)
        log_in(client, self.users["facilitator"])
        urls = [
            "/exchanges/new/",
            f"/exchanges/{own.pk}/edit/",
            f"/exchanges/{own.pk}/confirm/",
            f"/exchanges/{own.pk}/withdraw/",
            "/upload/",
            "/organisations/",
            "/users/",
            "/years/2024/",
            "/documents/",
            "/logout/",
            "/verify",
        ]
        for url in urls:
            assert client.post(url, {}).status_code == 403, url
        # A program asking /verify for JSON needs no token: nothing changes, no login.
        anonymous = Client(enforce_csrf_checks=True)
        answer = anonymous.post("/verify", {}, HTTP_ACCEPT="application/json")
        assert answer.status_code == 400 and "field 'pdf'" in answer.json()["error"]
        assert (
            Client(enforce_csrf_checks=True)
            .post("/login/", {"username": "f@nordic.org", "password": PASSWORD})
            .status_code
            == 403
        )

    def test_session_cookie_flags_and_hashed_passwords(self) -> None:
        client = Client()
        response = client.post("/login/", {"username": "f@nordic.org", "password": PASSWORD})
        assert response.status_code == 302
        cookie = response.cookies["sessionid"]
        assert cookie["httponly"] and cookie["secure"] and cookie["samesite"] == "Lax"
        stored = get_user_model().objects.get(username="f@nordic.org").password
        assert stored.startswith("pbkdf2_sha256$") and PASSWORD not in stored

    def test_security_headers(self) -> None:
        for client in (Client(), client_for(self.users["facilitator"])):
            response = client.get("/verify")
            csp = response["Content-Security-Policy"]
            assert "frame-ancestors 'none'" in csp and "script-src 'none'" in csp
            assert "unsafe-inline" not in csp
            assert response["X-Content-Type-Options"] == "nosniff"
            assert response["X-Frame-Options"] == "DENY"

    def test_no_template_has_inline_script_or_style(self) -> None:
        for path in TEMPLATES.rglob("service/*.html"):
            text = path.read_text(encoding="utf-8")
            assert not re.search(r"<script|\sstyle=|\son[a-z]+=", text), path

    def test_user_text_is_escaped(self) -> None:
        client = client_for(self.users["facilitator"])
        for url in ("/organisations/", f"/organisations/{KALVO}/"):
            page = client.get(url).content.decode()
            assert "<script>alert" not in page
            assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; Co" in page

    def test_invitation_link_is_one_time(self) -> None:
        from isbenefit.service.accounts import add_user, invitation_path

        user = add_user("nordic", "new@nordic.org", "funder", None)
        assert not user.has_usable_password()
        client = Client()
        link = invitation_path(user)
        form_page = client.get(link, follow=True)
        assert form_page.status_code == 200
        done = client.post(
            form_page.redirect_chain[-1][0],
            {"new_password1": "a long new secret 9", "new_password2": "a long new secret 9"},
        )
        assert done.status_code == 302
        assert "expired" in Client().get(link, follow=True).content.decode()

    def test_documents_are_not_served_by_stored_name(self) -> None:
        client = client_for(self.users["facilitator"])
        assert client.get("/documents/0123456789abcdef/pdf").status_code == 404
        assert client.get("/static/../documents/x.pdf").status_code == 404

    def test_verify_refuses_what_is_not_a_small_pdf(self) -> None:
        client = Client()
        text = SimpleUploadedFile("x.pdf", b"hello", "application/pdf")
        response = client.post("/verify", {"pdf": text}, HTTP_ACCEPT="application/json")
        assert response.status_code == 415
        with override_settings(ISBENEFIT_VERIFY_MAX_BYTES=10):
            big = SimpleUploadedFile("x.pdf", b"%PDF-" + b"0" * 20, "application/pdf")
            assert client.post("/verify", {"pdf": big}).status_code == 413

    def test_verify_is_rate_limited(self) -> None:
        from django.core.cache import cache

        cache.clear()
        client = Client(REMOTE_ADDR="10.9.9.9")
        with override_settings(ISBENEFIT_VERIFY_PER_MINUTE=2):
            codes = [
                client.post(
                    "/verify", {"pdf": SimpleUploadedFile("x.pdf", b"no", "application/pdf")}
                ).status_code
                for _ in range(3)
            ]
        assert codes == [415, 415, 429]
        cache.clear()
