"""The JSON API: the authorisation cases of test_access.py through tokens (a member
cannot read or change another member's exchange, whatever id it guesses; no token is
401; the funder only reads), the page workflows (enter, change, confirm, close a year,
documents), and the OpenAPI description at /api/openapi.json covering every address."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

from django.test import Client, TestCase
from django.urls import URLPattern, get_resolver
from drf_spectacular.validation import validate_schema

from isbenefit.service import store, years
from isbenefit.service.api import urls as api_urls
from isbenefit.service.models import Confirmation, Exchange
from tests.service.helpers import KALVO, api, example_cluster, log_in, patch, post, users


class ApiRoles(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cluster = example_cluster()
        cls.users = users(cls.cluster)
        cls.own = Exchange.objects.filter(cluster=cls.cluster, current__supplier=KALVO).first()
        cls.foreign = (
            Exchange.objects.filter(cluster=cls.cluster)
            .exclude(current__supplier=KALVO)
            .exclude(current__receiver=KALVO)
            .first()
        )

    def test_no_token_or_a_wrong_one_is_401_everywhere(self) -> None:
        pk = self.own.pk
        anonymous = Client()
        wrong = Client(HTTP_AUTHORIZATION="Token " + "0" * 40)
        for client in (anonymous, wrong):
            for url in (
                "/api/exchanges/",
                f"/api/exchanges/{pk}/",
                "/api/years/",
                "/api/years/2024/",
                "/api/documents/",
                f"/api/documents/{uuid.uuid4()}/pdf",
                f"/api/jobs/{uuid.uuid4()}/",
            ):
                response = client.get(url)
                assert response.status_code == 401, url
                assert response["WWW-Authenticate"] == "Token"
            assert post(client, "/api/exchanges/", {"row": {}}).status_code == 401
            confirm = {"party": "supplier", "version": str(self.own.current.pk)}
            assert post(client, f"/api/exchanges/{pk}/confirm/", confirm).status_code == 401
        # A session cookie is no API credential either.
        session = Client()
        log_in(session, self.users["facilitator"])
        assert session.get("/api/exchanges/").status_code == 401
        assert not Confirmation.objects.exists()

    def test_a_member_lists_only_its_exchanges(self) -> None:
        rows = api(self.users["member"]).get("/api/exchanges/").json()
        ids = {row["exchange_id"] for row in rows}
        assert self.own.exchange_id in ids and self.foreign.exchange_id not in ids
        assert all(KALVO in (row["supplier"], row["receiver"]) for row in rows)
        everything = api(self.users["facilitator"]).get("/api/exchanges/").json()
        assert len(everything) == self.cluster.exchanges.count() > len(rows)

    def test_another_members_exchange_is_not_there(self) -> None:
        client = api(self.users["member"])
        pk, version = self.foreign.pk, self.foreign.current
        before = version.fields
        assert client.get(f"/api/exchanges/{pk}/").status_code == 404
        changed = patch(
            client,
            f"/api/exchanges/{pk}/",
            {"row": {"quantity": "1"}, "version": str(Exchange.objects.get(pk=pk).current_id)},
        )
        assert changed.status_code == 404
        for party in ("supplier", "receiver"):
            body = {"party": party, "version": str(version.pk)}
            assert post(client, f"/api/exchanges/{pk}/confirm/", body).status_code == 404
        assert post(client, f"/api/exchanges/{pk}/withdraw/", {"reason": "x"}).status_code == 404
        self.foreign.refresh_from_db()
        assert self.foreign.current.fields == before and self.foreign.versions.count() == 1
        assert not Confirmation.objects.filter(version__exchange=self.foreign).exists()

    def test_guessed_ids_find_nothing(self) -> None:
        client = api(self.users["member"])
        for guess in (str(uuid.uuid4()), "1", "..%2F..%2Fetc%2Fpasswd", self.foreign.exchange_id):
            assert client.get(f"/api/exchanges/{guess}/").status_code == 404
            assert patch(client, f"/api/exchanges/{guess}/", {"row": {}}).status_code == 404
            assert client.get(f"/api/documents/{guess}/pdf").status_code == 404
        assert client.get(f"/api/jobs/{uuid.uuid4()}/").status_code == 403  # facilitator only

    def test_the_funder_reads_only(self) -> None:
        client = api(self.users["funder"])
        assert client.get("/api/exchanges/").json() == []
        assert client.get(f"/api/exchanges/{self.own.pk}/").status_code == 404
        row = {**self.own.current.fields, "id": "funder-made"}
        assert post(client, "/api/exchanges/", {"row": row}).status_code == 403
        document = {"kind": "report", "year": 2024}
        assert post(client, "/api/documents/", document).status_code == 403
        assert client.get("/api/years/").status_code == 200
        assert not Exchange.objects.filter(exchange_id="funder-made").exists()

    def test_confirmation_by_both_parties(self) -> None:
        version = self.own.current
        url = f"/api/exchanges/{self.own.pk}/confirm/"
        member, facilitator = api(self.users["member"]), api(self.users["facilitator"])
        # The facilitator may not confirm for an organisation that has an account.
        supplier = {"party": "supplier", "version": str(version.pk)}
        assert post(facilitator, url, supplier).status_code == 403
        read = member.get(f"/api/exchanges/{self.own.pk}/").json()
        assert read["confirmable"] == ["supplier"] and read["version"]["id"] == str(version.pk)
        answer = post(member, url, supplier)
        assert answer.status_code == 200 and answer.json()["confirmed"] is False
        receiver = {"party": "receiver", "version": str(version.pk)}
        answer = post(facilitator, url, receiver)
        assert answer.status_code == 200 and answer.json()["confirmed"] is True
        assert store.is_confirmed(version)
        on_behalf = Confirmation.objects.get(version=version, party="receiver")
        assert on_behalf.on_behalf and on_behalf.user == self.users["facilitator"]
        # A change is a new version, which needs confirming again; the old one is stale.
        changed = patch(
            member,
            f"/api/exchanges/{self.own.pk}/",
            {"row": {"quantity": "7"}, "version": str(self.own.current_id)},
        )
        assert changed.status_code == 200, changed.content
        body = changed.json()
        assert body["version"]["number"] == 2 and body["confirmed"] is False
        assert body["row"]["quantity"] == "7" and body["row"]["id"] == self.own.exchange_id
        stale = post(member, url, supplier)
        assert stale.status_code == 409

    def test_a_member_cannot_confirm_the_other_side(self) -> None:
        body = {"party": "receiver", "version": str(self.own.current.pk)}
        response = post(api(self.users["member"]), f"/api/exchanges/{self.own.pk}/confirm/", body)
        assert response.status_code == 403
        assert not Confirmation.objects.filter(version=self.own.current).exists()

    def test_entering_exchanges(self) -> None:
        member = api(self.users["member"])
        foreign = {**self.foreign.current.fields, "id": "not-ours"}
        refused = post(member, "/api/exchanges/", {"row": foreign})
        assert refused.status_code == 403
        assert "supplier or the receiver" in refused.json()["detail"]
        taken = post(member, "/api/exchanges/", {"row": dict(self.own.current.fields)})
        assert taken.status_code == 409
        bad = {**self.own.current.fields, "id": "api-new", "unit": "MWh"}
        answer = post(member, "/api/exchanges/", {"row": bad})
        assert answer.status_code == 400
        problem = answer.json()["problems"][0]
        assert problem["column"] == "unit" and problem["sheet"] == "exchanges" and problem["fix"]
        good = {**self.own.current.fields, "id": "api-new", "quantity": "12.5"}
        made = post(member, "/api/exchanges/", {"row": good, "reason": "from a program"})
        assert made.status_code == 201, made.content
        assert made.json()["exchange_id"] == "api-new" and made.json()["version"]["number"] == 1
        listed = {row["exchange_id"] for row in member.get("/api/exchanges/").json()}
        assert "api-new" in listed
        assert (
            api(self.users["other"]).get(f"/api/exchanges/{made.json()['id']}/").status_code == 404
        )
        assert post(member, "/api/exchanges/", {"row": "text"}).status_code == 400


class ApiYearsAndDocuments(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cluster = example_cluster("apidocs")
        cls.users = users(cls.cluster)
        for version in store.current_versions(cls.cluster):
            for party in ("supplier", "receiver"):
                store.confirm(version, party, cls.users["facilitator"], on_behalf=True)

    def test_a_closed_years_results(self) -> None:
        funder = api(self.users["funder"])
        assert funder.get("/api/years/2024/").status_code == 404
        closed = years.close(self.cluster, 2024, self.users["facilitator"], "closed")
        whole = json.loads(bytes(closed.results))
        bodies = {}
        for who in ("funder", "member", "facilitator"):
            answer = api(self.users[who]).get("/api/years/2024/")
            assert answer.status_code == 200
            body = bodies[who] = answer.json()
            assert body["version"] == 1
            assert body["totals"] == closed.totals
            assert body["factor_set"] == closed.factor_set
        # The facilitator reads the results whole; a funder the published figures only.
        assert bodies["facilitator"]["results"] == whole
        assert "results" not in bodies["funder"]
        # A member: the published figures, its organisation's exchanges and record only.
        own = bodies["member"]["results"]
        assert own["totals"] == whole["totals"] and own["factor_set"] == whole["factor_set"]
        mine = [e for e in whole["exchanges"] if KALVO in (e["supplier"], e["receiver"])]
        assert mine and own["exchanges"] == mine
        assert len(whole["exchanges"]) > len(mine)
        assert [o["id"] for o in own["organisations"]] == [KALVO]
        assert [y["year"] for y in funder.get("/api/years/").json()] == [2024]
        # A year no ledger can hold is no such year, not a database overflow.
        huge = "9" * 30
        assert funder.get(f"/api/years/{huge}/").status_code == 404
        page = Client()
        log_in(page, self.users["facilitator"])
        assert page.get(f"/years/{huge}/").status_code == 404

    def test_documents_request_list_download(self) -> None:
        facilitator = api(self.users["facilitator"])
        wrong = post(
            facilitator,
            "/api/documents/",
            {"kind": "statement", "year": 2024, "organisation": "nope"},
        )
        assert wrong.status_code == 400
        asked = {"kind": "certificate", "year": 2024, "organisation": KALVO}
        refused = post(facilitator, "/api/documents/", asked)
        assert refused.status_code == 400
        assert "only a closed year's version can be certified" in refused.json()["detail"]
        years.close(self.cluster, 2024, self.users["facilitator"], "annual close")
        for kind in ("certificate", "statement"):
            answer = post(
                facilitator, "/api/documents/", {"kind": kind, "year": 2024, "organisation": KALVO}
            )
            assert answer.status_code == 202, answer.content
            job = facilitator.get(f"/api/jobs/{answer.json()['id']}/").json()
            assert (job["state"], job["done"], job["total"]) == ("done", 1, 1), job
        listed = {d["kind"]: d for d in facilitator.get("/api/documents/").json()}
        certificate, statement = listed["certificate"], listed["statement"]
        assert certificate["certificate_id"].startswith("ISB-")
        pdf = facilitator.get(certificate["download"])
        assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
        assert b"".join(pdf.streaming_content).startswith(b"%PDF-")
        # Another member sees the published certificate, not KALVO's statement.
        other = api(self.users["other"])
        kinds = {d["kind"] for d in other.get("/api/documents/").json()}
        assert kinds == {"certificate"}
        assert other.get(statement["download"]).status_code == 404
        assert api(self.users["member"]).get(statement["download"]).status_code == 200
        funder = api(self.users["funder"])
        assert {d["kind"] for d in funder.get("/api/documents/").json()} == {"certificate"}
        assert funder.get(f"/api/jobs/{job['id']}/").status_code == 403


def served_paths() -> dict[str, set[str]]:
    """Every address under /api/ (OpenAPI spelling) and the methods its view answers."""
    found = {}
    for pattern in api_urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        route = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(pattern.pattern))
        view = pattern.callback.cls  # type: ignore[attr-defined]
        methods = {m for m in view.http_method_names if hasattr(view, m) and m != "options"}
        found[f"/api/{route}"] = methods
    return found


class OpenApi(TestCase):
    def test_the_description_covers_every_address(self) -> None:
        response = Client().get("/api/openapi.json")
        assert response.status_code == 200
        document = json.loads(response.content)
        assert document["openapi"].startswith("3.")
        validate_schema(document)  # against the OpenAPI 3 JSON schema (drf-spectacular's)
        served = served_paths()
        assert "/api/exchanges/{pk}/confirm/" in served
        described = {
            path: {m for m in item if m in {"get", "post", "put", "patch", "delete"}}
            for path, item in document["paths"].items()
        }
        assert described == served
        # Every API address is mounted where the description says it is.
        resolver = get_resolver()
        for path in served:
            concrete = path.replace("{pk}", str(uuid.uuid4())).replace("{year}", "2024")
            assert resolver.resolve(concrete).url_name.startswith("api_"), path
        schemes = document["components"]["securitySchemes"]
        assert schemes["tokenAuth"]["in"] == "header"
        operation = document["paths"]["/api/exchanges/"]["get"]
        assert {"tokenAuth": []} in operation["security"]


def test_users_token_prints_a_new_token_and_voids_the_old(tmp_path: Path) -> None:
    db = tmp_path / "service.sqlite3"
    env = {**os.environ, "ISBENEFIT_DATA_DIR": str(tmp_path / "data")}

    def cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "isbenefit", *args, "--db", f"sqlite:///{db}"]
        return subprocess.run(
            command, input=stdin, env=env, capture_output=True, text=True, check=False
        )

    added = cli(
        "users", "add", "f@cli.org", "--role", "facilitator", "--cluster", "cli",
        "--password-stdin", stdin="correct horse battery 42\n",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    first, second = cli("users", "token", "f@cli.org"), cli("users", "token", "f@cli.org")
    assert first.returncode == second.returncode == 0, first.stderr
    keys = [first.stdout.strip(), second.stdout.strip()]
    assert all(re.fullmatch(r"[0-9a-f]{40}", key) for key in keys) and keys[0] != keys[1]
    with sqlite3.connect(db) as connection:
        stored = connection.execute("SELECT key FROM authtoken_token").fetchall()
    assert stored == [(keys[1],)]  # the first token no longer works
    unknown = cli("users", "token", "nobody@cli.org")
    assert unknown.returncode != 0 and "no such user" in unknown.stderr
