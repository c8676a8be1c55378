"""The facilitator's work through the API: lists paged and filtered in a stable order;
closing a year, revoking a certificate, organisations and users; the pages' access rules
(a member cannot close a year, a funder cannot write, one cluster never sees another's);
and every 400/404/409/413/415 the OpenAPI document lists is one the views really give."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from unittest import mock

from django.core import mail
from django.test import Client, TestCase, override_settings
from django.utils.http import urlencode

from isbenefit.service import issuing, store, years
from isbenefit.service.accounts import add_user
from isbenefit.service.models import Exchange, Job
from tests.service.helpers import KALVO, api, example_cluster, patch, post, users

Answer = Any
# The refusals whose documentation is checked against the views' answers.
PROBED = {400, 404, 409, 413, 415}


def confirm_all(cluster: Any, facilitator: Any) -> None:
    for version in store.current_versions(cluster):
        for party in ("supplier", "receiver"):
            store.confirm(version, party, facilitator, on_behalf=True)


class Work(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cluster = example_cluster("work")
        cls.users = users(cls.cluster)
        cls.other_cluster = example_cluster("elsewhere")
        cls.stranger = add_user("elsewhere", "f@elsewhere.org", "facilitator", None, None)
        confirm_all(cls.cluster, cls.users["facilitator"])
        # One exchange left unconfirmed, for the filters.
        cls.open = Exchange.objects.filter(cluster=cls.cluster).order_by("position").last()
        version = cls.open.current
        store.save_exchange(cls.cluster, {**version.fields, "quantity": "1"}, [], [])
        facilitator = cls.users["facilitator"]
        years.close(cls.cluster, 2024, facilitator, "annual close")
        job = issuing.start(cls.cluster, "certificate", 2024, [KALVO], facilitator, "http://x")
        cls.certificate = job.documents.get()
        statement = issuing.start(cls.cluster, "statement", 2024, [KALVO], facilitator, "")
        cls.statement = statement.documents.get()

    # --- paging and filters -------------------------------------------------------------

    def test_pages_are_stable_and_complete(self) -> None:
        facilitator = api(self.users["facilitator"])
        whole = facilitator.get("/api/exchanges/?page_size=1000")
        ids = [row["id"] for row in whole.json()]
        assert int(whole["X-Total-Count"]) == len(ids) == self.cluster.exchanges.count()
        assert "Link" not in whole
        pages, page = [], 1
        while True:
            answer = facilitator.get(f"/api/exchanges/?page_size=7&page={page}")
            assert answer.status_code == 200 and int(answer["X-Total-Count"]) == len(ids)
            pages += [row["id"] for row in answer.json()]
            if 'rel="next"' not in answer.get("Link", ""):
                break
            assert f"page={page + 1}" in answer["Link"] and "page_size=7" in answer["Link"]
            page += 1
        assert pages == ids  # every exchange once, in ledger order
        assert 'rel="prev"' in answer["Link"]
        past = facilitator.get(f"/api/exchanges/?page_size=7&page={page + 1}")
        assert past.status_code == 404 and f"no page {page + 1}" in past.json()["detail"]
        for query in (
            "page=0",
            "page_size=1001",
            "page=x",
            "page=\u00b2",  # a digit to str.isdigit(), not to int()
            "year=\u00b2\u2070\u00b2\u2074",
            "yeer=2024",
            "year=99",
            "confirmed=maybe",
        ):
            answer = facilitator.get(f"/api/exchanges/?{query}")
            assert answer.status_code == 400, query
            assert query.split("=")[0] in answer.json()["detail"]

    def test_filters(self) -> None:
        facilitator = api(self.users["facilitator"])

        def listed(path: str, **query: str) -> list[dict[str, Any]]:
            answer = facilitator.get(f"{path}?{urlencode({**query, 'page_size': '1000'})}")
            assert answer.status_code == 200, answer.content
            return list(answer.json())

        kalvo = listed("/api/exchanges/", organisation=KALVO)
        assert kalvo and all(KALVO in (row["supplier"], row["receiver"]) for row in kalvo)
        unconfirmed = listed("/api/exchanges/", confirmed="false")
        assert [row["id"] for row in unconfirmed] == [str(self.open.pk)]
        confirmed = listed("/api/exchanges/", confirmed="true", year="2024")
        assert all(row["confirmed"] for row in confirmed) and str(self.open.pk) not in {
            row["id"] for row in confirmed
        }
        assert listed("/api/exchanges/", year="1990") == []
        certificates = listed("/api/documents/", kind="certificate", organisation=KALVO)
        assert [d["id"] for d in certificates] == [str(self.certificate.pk)]
        assert listed("/api/documents/", status="revoked") == []
        assert [y["year"] for y in listed("/api/years/", since="2024")] == [2024]
        assert listed("/api/years/", until="2023") == []
        assert {j["kind"] for j in listed("/api/jobs/", kind="certificate")} == {"certificate"}
        assert [o["id"] for o in listed("/api/organisations/", q="kalv")] == sorted(
            o["id"] for o in listed("/api/organisations/", q="KALV")
        )
        assert KALVO in {o["id"] for o in listed("/api/organisations/", q="kalv")}
        members = listed("/api/users/", role="member", organisation=KALVO)
        assert [u["email"] for u in members] == [self.users["member"].email]

    # --- closing a year -----------------------------------------------------------------

    def test_closing_a_year(self) -> None:
        for who in ("member", "funder"):
            refused = post(api(self.users[who]), "/api/years/2024/close/", {"reason": "x"})
            assert refused.status_code == 403, who
        facilitator = api(self.users["facilitator"])
        bad = post(facilitator, "/api/years/2024/close/", {"factors": "/etc"})
        assert bad.status_code == 400 and "not a factor set of this server" in bad.json()["detail"]
        assert post(facilitator, "/api/years/1800/close/", {}).status_code == 404
        answer = post(facilitator, "/api/years/2024/close/", {"reason": "meter corrected"})
        assert answer.status_code == 202, answer.content
        job = answer.json()
        assert job["kind"] == "close" and job["state"] == "done" and job["year_version"] == 2
        assert years.latest(self.cluster, 2024).reason == "meter corrected"
        assert facilitator.get(f"/api/jobs/{job['id']}/").json()["year_version"] == 2

    @override_settings(ISBENEFIT_JOBS="queue")
    def test_one_close_of_a_year_at_a_time(self) -> None:
        facilitator = api(self.users["facilitator"])
        first = post(facilitator, "/api/years/2024/close/", {"reason": "one"})
        assert first.status_code == 202 and first.json()["state"] == "queued"
        assert first.json()["queue"]["waiting_for_worker"] is True
        again = post(facilitator, "/api/years/2024/close/", {"reason": "two"})
        assert again.status_code == 409 and first.json()["id"] in again.json()["detail"]
        assert Job.objects.filter(cluster=self.cluster, kind="close").count() == 1

    def test_another_clusters_facilitator_finds_nothing_of_this_one(self) -> None:
        stranger = api(self.stranger)
        job = self.certificate.job_id
        assert stranger.get(f"/api/jobs/{job}/").status_code == 404
        assert stranger.get("/api/jobs/").json() == []
        assert stranger.get("/api/documents/").json() == []
        assert stranger.get(f"/api/documents/{self.certificate.pk}/pdf").status_code == 404
        assert stranger.get("/api/years/").json() == []
        mine = {u["email"] for u in stranger.get("/api/users/").json()}
        assert mine == {self.stranger.email}
        own = {e["id"] for e in stranger.get("/api/exchanges/?page_size=1000").json()}
        assert not own & {str(e.pk) for e in self.cluster.exchanges.all()}
        # Closing "2024" closes the stranger's own cluster's year, never this one's.
        answer = post(stranger, "/api/years/2024/close/", {"reason": "theirs"})
        assert answer.status_code == 202
        assert years.latest(self.cluster, 2024).number == 1
        assert years.latest(self.other_cluster, 2024).reason == "theirs"

    # --- revoking -----------------------------------------------------------------------

    def test_revoking_a_certificate(self) -> None:
        url = f"/api/documents/{self.certificate.pk}/revoke/"
        assert post(api(self.users["member"]), url, {"reason": "x"}).status_code == 403
        assert post(api(self.stranger), url, {"reason": "x"}).status_code == 404
        facilitator = api(self.users["facilitator"])
        statement = f"/api/documents/{self.statement.pk}/revoke/"
        assert post(facilitator, statement, {"reason": "x"}).status_code == 404
        assert post(facilitator, url, {}).status_code == 400
        unknown = {"reason": "x", "superseded_by": self.certificate.certificate_id[:-4] + "0000"}
        assert post(facilitator, url, unknown).status_code == 400
        answer = post(facilitator, url, {"reason": "meter misread"})
        assert answer.status_code == 200 and answer.json()["status"] == "revoked"
        self.certificate.refresh_from_db()
        assert self.certificate.status == "revoked"
        assert post(facilitator, url, {"reason": "again"}).status_code == 409

    # --- organisations and users --------------------------------------------------------

    def test_organisations(self) -> None:
        facilitator, member = api(self.users["facilitator"]), api(self.users["member"])
        assert [o["id"] for o in member.get("/api/organisations/").json()] == [KALVO]
        assert api(self.users["funder"]).get("/api/organisations/").json() == []
        foreign = self.users["other"].membership.organisation.org_id
        assert member.get(f"/api/organisations/{foreign}/").status_code == 404
        row = {"id": "se-new-works", "name": "New Works AB", "country": "SE", "sme": "yes"}
        assert post(member, "/api/organisations/", row).status_code == 403
        made = post(facilitator, "/api/organisations/", row)
        assert made.status_code == 201 and made.json()["fields"]["name"] == "New Works AB"
        assert post(facilitator, "/api/organisations/", row).status_code == 409
        assert post(facilitator, "/api/organisations/", {**row, "sme": "maybe"}).status_code == 400
        changed = patch(facilitator, "/api/organisations/se-new-works/", {"name": "Renamed AB"})
        assert changed.status_code == 200 and changed.json()["name"] == "Renamed AB"
        assert changed.json()["fields"]["country"] == "SE"
        assert patch(member, f"/api/organisations/{KALVO}/", {"name": "Mine"}).status_code == 403
        # Another cluster's facilitator: not there, listed or read.
        assert api(self.stranger).get("/api/organisations/?q=new-works").json() == []
        assert api(self.stranger).get("/api/organisations/se-new-works/").status_code == 404

    def test_users(self) -> None:
        facilitator = api(self.users["facilitator"])
        assert api(self.users["member"]).get("/api/users/").status_code == 403
        emails = {u["email"] for u in facilitator.get("/api/users/").json()}
        assert emails == {u.email for u in self.users.values()}
        assert self.stranger.email not in emails
        new = {"email": "new@work.org", "role": "member", "organisation": KALVO}
        assert post(api(self.users["funder"]), "/api/users/", new).status_code == 403
        assert post(facilitator, "/api/users/", {**new, "organisation": ""}).status_code == 400
        assert (
            post(facilitator, "/api/users/", {**new, "organisation": "nowhere"}).status_code == 400
        )
        with self.captureOnCommitCallbacks(execute=True):
            made = post(facilitator, "/api/users/", new)
        assert made.status_code == 201, made.content
        body = made.json()
        assert body["role"] == "member" and body["organisation"] == KALVO
        assert "/invite/" in body["invitation"]
        assert any("/invite/" in m.body and m.to == ["new@work.org"] for m in mail.outbox)
        assert post(facilitator, "/api/users/", new).status_code == 409

    # --- the OpenAPI document against what the views answer -------------------------------

    def probes(self) -> dict[str, dict[int, Callable[[], Answer]]]:
        f = api(self.users["facilitator"])
        member = api(self.users["member"])
        own = Exchange.objects.filter(cluster=self.cluster, current__supplier=KALVO).first()
        assert own is not None
        ex = f"/api/exchanges/{own.pk}/"
        version = str(own.current_id)
        cert = f"/api/documents/{self.certificate.pk}/revoke/"

        def body(method: str, path: str) -> dict[int, Callable[[], Answer]]:
            """413 and 415 of a write: a body declared too large, a body not JSON."""
            send = getattr(f, method)
            return {
                413: lambda: send(
                    path, "{}", content_type="application/json", CONTENT_LENGTH="3000000"
                ),
                415: lambda: send(path, "reason=x", content_type="text/plain"),
            }

        def listing(path: str) -> dict[int, Callable[[], Answer]]:
            return {400: lambda: f.get(f"{path}?nope=1"), 404: lambda: f.get(f"{path}?page=999")}

        taken = dict(own.current.fields)
        proposal = self.propose(f, own)
        answer = f"/api/proposals/{proposal['id']}/answer/"
        return {
            "exchanges_list": listing("/api/exchanges/"),
            "exchanges_create": {
                400: lambda: post(member, "/api/exchanges/", {"row": "text"}),
                409: lambda: post(member, "/api/exchanges/", {"row": taken}),
                **body("post", "/api/exchanges/"),
            },
            "exchanges_read": {404: lambda: f.get("/api/exchanges/nothing/")},
            "exchanges_change": {
                400: lambda: patch(member, ex, {"row": {"quantity": "x"}, "version": version}),
                404: lambda: patch(f, "/api/exchanges/nothing/", {"version": version}),
                409: lambda: patch(member, ex, {"row": {}, "version": "stale"}),
                **body("patch", ex),
            },
            "exchanges_confirm": {
                400: lambda: post(member, f"{ex}confirm/", {"party": "both"}),
                404: lambda: post(f, "/api/exchanges/nothing/confirm/", {}),
                409: lambda: self.confirm_stale(member, own),
                **body("post", f"{ex}confirm/"),
            },
            "exchanges_withdraw": {
                400: lambda: post(member, f"{ex}withdraw/", {}),
                404: lambda: post(f, "/api/exchanges/nothing/withdraw/", {"reason": "x"}),
                409: lambda: self.withdraw_raced(f, ex),
                **body("post", f"{ex}withdraw/"),
            },
            "proposals_list": listing("/api/proposals/"),
            "proposals_answer": {
                400: lambda: post(f, answer, {"organisation": KALVO, "answer": "maybe"}),
                404: lambda: post(f, "/api/proposals/nothing/answer/", {}),
                409: lambda: self.answer_twice(f, answer, proposal["organisations"][-1]),
                **body("post", answer),
            },
            "years_list": listing("/api/years/"),
            "years_results": {404: lambda: f.get("/api/years/2023/")},
            "years_close": {
                400: lambda: post(f, "/api/years/2024/close/", {"factors": "/etc"}),
                404: lambda: post(f, "/api/years/1800/close/", {}),
                409: self.close_twice,
                **body("post", "/api/years/2024/close/"),
            },
            "documents_list": listing("/api/documents/"),
            "documents_request": {
                400: lambda: post(f, "/api/documents/", {"kind": "x", "year": 2024}),
                **body("post", "/api/documents/"),
            },
            "documents_download": {404: lambda: f.get("/api/documents/nothing/pdf")},
            "documents_revoke": {
                400: lambda: post(f, cert, {}),
                404: lambda: post(
                    f, f"/api/documents/{self.statement.pk}/revoke/", {"reason": "x"}
                ),
                409: self.revoke_twice,
                **body("post", cert),
            },
            "jobs_list": listing("/api/jobs/"),
            "jobs_read": {404: lambda: f.get("/api/jobs/nothing/")},
            "organisations_list": listing("/api/organisations/"),
            "organisations_create": {
                400: lambda: post(f, "/api/organisations/", {"id": "a b"}),
                409: lambda: post(f, "/api/organisations/", {"id": KALVO, "name": "K"}),
                **body("post", "/api/organisations/"),
            },
            "organisations_read": {404: lambda: f.get("/api/organisations/nowhere/")},
            "organisations_change": {
                400: lambda: patch(f, f"/api/organisations/{KALVO}/", {"country": "SWE"}),
                404: lambda: patch(f, "/api/organisations/nowhere/", {"name": "x"}),
                **body("patch", f"/api/organisations/{KALVO}/"),
            },
            "users_list": listing("/api/users/"),
            "users_create": {
                400: lambda: post(f, "/api/users/", {"email": "not an address", "role": "member"}),
                409: lambda: post(
                    f, "/api/users/", {"email": self.users["funder"].email, "role": "funder"}
                ),
                **body("post", "/api/users/"),
            },
        }

    @override_settings(ISBENEFIT_JOBS="queue")
    def close_twice(self) -> Answer:
        f = api(self.users["facilitator"])
        post(f, "/api/years/2024/close/", {})
        return post(f, "/api/years/2024/close/", {})

    def confirm_stale(self, member: Client, exchange: Exchange) -> Answer:
        """Confirm the version read after the exchange changed: a new version needs
        confirming anew."""
        read = str(exchange.current_id)
        url = f"/api/exchanges/{exchange.pk}/"
        assert patch(member, url, {"row": {"quantity": "3"}, "version": read}).status_code == 200
        return post(member, f"{url}confirm/", {"party": "supplier", "version": read})

    def propose(self, facilitator: Client, own: Exchange) -> dict[str, Any]:
        """A proposal: the facilitator gives another exchange a new receiver."""
        other = Exchange.objects.filter(cluster=self.cluster).exclude(pk=own.pk).first()
        assert other is not None and other.current is not None
        parties = {other.current.supplier, other.current.receiver}
        new = self.cluster.organisations.exclude(org_id__in=parties).first()
        assert new is not None
        body = {"row": {"receiver": new.org_id}, "version": str(other.current_id)}
        made = patch(facilitator, f"/api/exchanges/{other.pk}/", body)
        assert made.status_code == 202, made.content
        return dict(made.json())

    def answer_twice(self, facilitator: Client, url: str, organisation: str) -> Answer:
        """Answer a proposal that one declining ended already (on behalf of an
        organisation without an account)."""
        post(facilitator, url, {"organisation": organisation, "answer": "decline"})
        return post(facilitator, url, {"organisation": organisation, "answer": "accept"})

    def withdraw_raced(self, facilitator: Client, url: str) -> Answer:
        """Withdraw while another request changed the exchange (the store finds the
        version it locks superseded)."""
        with mock.patch.object(store, "withdraw", side_effect=store.StaleVersionError(None)):
            return post(facilitator, f"{url}withdraw/", {"reason": "x"})

    def revoke_twice(self) -> Answer:
        f = api(self.users["facilitator"])
        url = f"/api/documents/{self.certificate.pk}/revoke/"
        post(f, url, {"reason": "first"})
        return post(f, url, {"reason": "again"})

    def test_every_documented_refusal_is_given(self) -> None:
        """Each operation's documented 400/404/409/413/415, each one provoked."""
        document = json.loads(Client().get("/api/openapi.json").content)
        documented = {
            operation["operationId"]: {int(code) for code in operation["responses"]} & PROBED
            for item in document["paths"].values()
            for method, operation in item.items()
            if method in {"get", "post", "patch", "put", "delete"}
            and operation["operationId"] != "openapi.json_retrieve"  # public, no refusal
        }
        probes = self.probes()
        assert set(probes) == set(documented)
        for operation, statuses in documented.items():
            assert set(probes[operation]) == statuses, operation
            for code, probe in probes[operation].items():
                with self.subTest(operation=operation, status=code):
                    answer = probe()
                    assert answer.status_code == code, (operation, answer.content[:300])
                    assert answer["Content-Type"].startswith("application/json")
                    assert "detail" in answer.json() or code == 400, answer.content
        # Every write documents 413 and 415.
        for item in document["paths"].values():
            for method in {"post", "patch"} & set(item):
                assert {"413", "415"} <= set(item[method]["responses"]), item[method]["operationId"]
