"""The public register of a cluster (`/register`, `/register.json`, `/register.csv`) and the
certificate page, through the Django test client and through the real server on a
loopback port, and two clusters' registers checked for double claims with the real
`isbenefit verify --claims`."""

from __future__ import annotations

import csv
import io
import json
import tempfile
import urllib.error
import urllib.request
from pathlib import Path
from unittest import mock

from django.test import Client, TestCase, TransactionTestCase
from pypdf import PdfReader
from typer.testing import CliRunner

from isbenefit.certify import claim as claims
from isbenefit.certify import register as exports
from isbenefit.cli.app import app
from isbenefit.service import issuing, keys, register_views, store, years
from isbenefit.service.models import Cluster, Document, Exchange
from tests.service.helpers import KALVO, client_for, example_cluster, users


def confirm_all(cluster: Cluster, user: object) -> None:
    for version in store.current_versions(cluster):
        for party in ("supplier", "receiver"):
            store.confirm(version, party, user, on_behalf=True)


def certify(cluster: Cluster, user: object, *org_ids: str) -> list[Document]:
    """The year 2024 closed, and certificates of ``org_ids`` issued from it."""
    if years.latest(cluster, 2024) is None:
        years.close(cluster, 2024, user, "annual close")
    job = issuing.start(cluster, "certificate", 2024, list(org_ids), user, "http://testserver")
    assert job.state == "done", job.message
    return list(job.documents.order_by("organisation__org_id"))


def partner_of(cluster: Cluster, org_id: str) -> str:
    """The other party of one of ``org_id``'s exchanges in 2024."""
    version = next(
        v for v in store.current_versions(cluster, 2024) if org_id in (v.supplier, v.receiver)
    )
    return version.receiver if version.supplier == org_id else version.supplier


def page_text(pdf: Path) -> str:
    return " ".join((p.extract_text() or "") for p in PdfReader(pdf).pages)


class RegisterPages(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cluster = example_cluster("register1")
        cls.users = users(cls.cluster)
        confirm_all(cls.cluster, cls.users["facilitator"])
        cls.partner = partner_of(cls.cluster, KALVO)
        cls.kalvo, cls.other = sorted(
            certify(cls.cluster, cls.users["facilitator"], KALVO, cls.partner),
            key=lambda d: d.organisation.org_id != KALVO,
        )

    def revoke_other(self) -> None:
        # The signed entry is listed once the revocation commits.
        with self.captureOnCommitCallbacks(execute=True):
            response = client_for(self.users["facilitator"]).post(
                f"/documents/{self.other.pk}/revoke/",
                {"reason": "meter misread", "confirmed": "yes"},
            )
        assert response.status_code == 302

    def test_the_json_lists_every_certificate_with_what_a_funder_checks(self) -> None:
        self.revoke_other()
        response = Client().get("/register.json")
        assert response.status_code == 200 and response["Content-Type"] == "application/json"
        data = json.loads(response.content)
        assert data["schema"] == exports.SCHEMA
        assert exports.problem(data) is None  # what verify --claims reads
        listed = {e["serial"]: e for e in data["certificates"]}
        assert set(listed) == {self.kalvo.certificate_id, self.other.certificate_id}
        entry, revoked = listed[self.kalvo.certificate_id], listed[self.other.certificate_id]
        fingerprint = keys.issuer(self.cluster)["fingerprint"]
        assert (entry["organisation"]["id"], entry["year"], entry["year_version"]) == (
            KALVO,
            "2024",
            1,
        )
        assert entry["issuer_fingerprint"] == fingerprint
        assert entry["page"] == f"http://testserver/c/{self.kalvo.certificate_id}"
        assert entry["pdf"] == f"http://testserver/c/{self.kalvo.certificate_id}/pdf"
        assert entry["status"] == "valid" and [h["status"] for h in entry["status_history"]] == [
            "issued"
        ]
        assert revoked["status"] == "revoked"
        assert revoked["status_history"][-1]["reason"] == "meter misread"
        # The figures are those the certificate's page prints, with its units.
        pdf = issuing.stored_file(self.kalvo)
        co2e = next(f for f in entry["figures"] if f["unit"] == "t CO\u2082e")
        assert f"{co2e['stated']} t CO\u2082e" in page_text(pdf)
        # The exchanges as the claim records them.
        claim = json.loads(claims.read_attachments(pdf)[claims.CLAIM_FILE])
        assert entry["exchanges"] == exports.exchange_identities(claim)
        assert {e["id"] for e in entry["exchanges"]} == set(self.kalvo.claim_summary["exchanges"])

    def test_the_csv_has_one_row_per_certificate(self) -> None:
        response = Client().get("/register.csv")
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert "attachment" in response["Content-Disposition"]
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
        assert tuple(rows[0]) == exports.CSV_COLUMNS
        assert {r["serial"] for r in rows} == {self.kalvo.certificate_id, self.other.certificate_id}
        row = next(r for r in rows if r["serial"] == self.kalvo.certificate_id)
        assert (row["organisation_id"], row["year_version"], row["status"]) == (KALVO, "1", "valid")
        assert row["issuer_fingerprint"] == keys.issuer(self.cluster)["fingerprint"]

    def test_the_page_lists_links_and_pages(self) -> None:
        self.revoke_other()
        text = Client().get("/register").content.decode()
        for document in (self.kalvo, self.other):
            assert f'href="/c/{document.certificate_id}"' in text
            assert f'href="/c/{document.certificate_id}/pdf"' in text
        assert '<span class="badge bad">revoked</span>' in text and "meter misread" in text
        with mock.patch.object(register_views, "PAGE_SIZE", 1):
            first = Client().get("/register").content.decode()
            second = Client().get("/register?page=2").content.decode()
        assert "page 1 of 2" in first and 'href="/register?page=2"' in first
        assert "page 2 of 2" in second
        serials = {self.kalvo.certificate_id, self.other.certificate_id}
        on_first = {s for s in serials if f'href="/c/{s}"' in first}
        on_second = {s for s in serials if f'href="/c/{s}"' in second}
        assert len(on_first) == len(on_second) == 1 and on_first | on_second == serials

    def test_the_certificate_page_states_what_the_register_does(self) -> None:
        text = Client().get(f"/c/{self.kalvo.certificate_id}").content.decode()
        entry = json.loads(Client().get("/register.json").content)["certificates"]
        mine = next(e for e in entry if e["serial"] == self.kalvo.certificate_id)
        assert f"<tr><th>Issued on</th><td>{mine['issued_on']}</td></tr>" in text
        assert "version 1 of the closed year" in text
        assert keys.issuer(self.cluster)["fingerprint"] in text
        assert keys.issuer(self.cluster)["public_key"] in text
        for figure in mine["figures"]:
            assert f"{figure['stated']} {figure['unit']}" in text
        assert "status-alert" not in text  # valid: no banner
        self.revoke_other()
        text = Client().get(f"/c/{self.other.certificate_id}").content.decode()
        assert '<div class="status-alert" role="alert">' in text
        assert '<strong class="status-word">REVOKED</strong>' in text
        assert text.index("REVOKED") < text.index("<h1")
        assert "meter misread" in text and "Do not rely on its figures." in text

    def test_exports_are_kept_until_the_register_changes_and_throttled(self) -> None:
        from django.core.cache import cache
        from django.test import override_settings

        cache.clear()
        first = Client().get("/register.json").content
        with mock.patch.object(register_views.register, "entries", side_effect=AssertionError):
            assert Client().get("/register.json").content == first  # from the cache
        self.revoke_other()  # the register changed: made again, with the revocation
        statuses = {
            e["serial"]: e["status"]
            for e in json.loads(Client().get("/register.json").content)["certificates"]
        }
        assert statuses[self.other.certificate_id] == "revoked"
        with override_settings(ISBENEFIT_REGISTER_PER_MINUTE=2):
            cache.clear()
            codes = [Client(REMOTE_ADDR="10.9.9.9").get("/register.csv").status_code
                     for _ in range(3)]  # fmt: skip
            assert codes == [200, 200, 429]
            assert Client(REMOTE_ADDR="10.9.9.8").get("/register.csv").status_code == 200
        cache.clear()

    def test_restating_with_a_loose_key_closes_nothing(self) -> None:
        path = keys.private_path(self.cluster)
        path.chmod(0o644)
        try:
            response = client_for(self.users["facilitator"]).post(
                "/years/2024/", {"reason": "late meter reading"}
            )
        finally:
            path.chmod(0o600)
        text = response.content.decode()
        assert response.status_code == 200 and "Nothing was closed" in text
        assert "chmod 600" in text
        assert years.latest(self.cluster, 2024).number == 1
        self.kalvo.refresh_from_db()
        assert self.kalvo.status == "valid"


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=60) as answer:
        return bytes(answer.read())


class TwoClustersServed(TransactionTestCase):
    """Cluster A certifies KALVO and its partner, cluster B (the same exchanges, under the
    same ids) KALVO again; a funder downloads both registers from the running service."""

    def test_a_funder_finds_the_exchange_claimed_in_both_registers(self) -> None:
        from tests.service.live import live_server

        first = example_cluster("register-a")
        second = example_cluster("register-b")
        for cluster in (first, second):
            staff = users(cluster)["facilitator"]
            confirm_all(cluster, staff)
            if cluster == first:
                partner = partner_of(cluster, KALVO)
                certify(cluster, staff, KALVO, partner)
            else:
                certify(cluster, staff, KALVO)
        folder = tempfile.TemporaryDirectory(prefix="isbenefit-register-")
        self.addCleanup(folder.cleanup)
        funder = Path(folder.name)
        with live_server() as base:
            several = urllib.request.Request(f"{base}/register.json")
            try:
                urllib.request.urlopen(several, timeout=60)
                raise AssertionError("several clusters and none named: 400 expected")
            except urllib.error.HTTPError as error:
                assert error.code == 400
                assert {"register-a", "register-b"} <= set(json.loads(error.read())["clusters"])
            assert "register-a" in fetch(f"{base}/register").decode()
            for name in ("register-a", "register-b"):
                (funder / f"{name}.json").write_bytes(fetch(f"{base}/register.json?cluster={name}"))
            csv_text = fetch(f"{base}/register.csv?cluster=register-b").decode()
            kalvo_b = Document.objects.get(cluster=second, organisation__org_id=KALVO)
            (funder / "z-copy-of-b.pdf").write_bytes(
                fetch(f"{base}/c/{kalvo_b.certificate_id}/pdf")
            )
        assert kalvo_b.certificate_id in csv_text
        result = CliRunner().invoke(app, ["verify", "--claims", str(funder), "--json"])
        report = json.loads(result.output)
        assert result.exit_code == 9, report
        listed_a = json.loads((funder / "register-a.json").read_text(encoding="utf-8"))
        kalvo_a = next(e for e in listed_a["certificates"] if e["organisation"]["id"] == KALVO)
        shared_id = next(
            e["id"] for e in kalvo_a["exchanges"] if partner in (e["supplier"], e["receiver"])
        )
        shared = Exchange.objects.get(cluster=first, exchange_id=shared_id)
        over = [f for f in report["findings"] if f["kind"] == "over-credited"]
        assert shared.exchange_id in {f["exchange"] for f in over}
        finding = next(f for f in over if f["exchange"] == shared.exchange_id)
        share = float(shared.current.fields["supplier_share"] or 0.5)
        kalvo_share = share if shared.current.supplier == KALVO else 1 - share
        # Both parties in A's register, KALVO again in B's (its PDF is the same claim).
        assert abs(finding["total_share"] - (1.0 + kalvo_share)) < 1e-9
        assert f"register-b.json {kalvo_b.certificate_id}" in finding["description"]
        assert "z-copy-of-b.pdf" not in finding["description"]  # a copy counts once
