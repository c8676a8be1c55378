"""Benchmark of the shared-ledger service (`isbenefit serve`) on SQLite and PostgreSQL.

For each store: the time of `isbenefit store import` of a synthetic 10,000-exchange
ledger (bench/synthetic.py; a fresh process, checks included), then a bounded load run on
localhost: `isbenefit serve` (waitress, --threads 8) in its own process and N concurrent
clients (threads of this process, one keep-alive connection each) for S seconds, each
cycling through three page reads and one `/verify` upload of a real certificate:

- `GET /c/<id>` (public certificate page), `GET /exchanges/` (a member's logged-in page),
  `GET /api/exchanges/` (the member's token), then `POST /verify` (the certificate PDF,
  JSON answer; each must say "valid"; with the CSRF cookie and header a client gets from
  `GET /verify` once, as a browser does).

Printed: requests per second, p50/p95/p99 latency overall and per kind, and the error
count (any status but 200, a wrong verdict, or a failed connection). The /verify rate
limit (ISBENEFIT_VERIFY_PER_MINUTE, 30 per client address by default) would refuse
nearly all uploads from one address, so the server runs with
ISBENEFIT_VERIFY_PER_MINUTE=1000000. PostgreSQL is a throwaway server
(tests/service/postgres.py; Debian's postgresql package).

    python bench/bench_service.py [--seconds 60] [--clients 20] [--exchanges 10000]
                                  [--stores sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.synthetic import write_synthetic_ledger  # noqa: E402

EXAMPLE = ROOT / "examples" / "nordic-cluster.xlsx"
ISBENEFIT = [sys.executable, "-m", "isbenefit"]
MEMBER_ORG = "dk-kalvo-chp"


@contextlib.contextmanager
def database(kind: str, data: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{data / 'bench.sqlite3'}"
        return
    import psycopg

    from tests.service.postgres import throwaway_server

    with throwaway_server("isbenefit") as url:
        # postgresql://postgres@/isbenefit?host=SOCKET_FOLDER: the same server's own database
        base, _, query = url.partition("?")
        admin = f"{base.rsplit('/', 1)[0]}/postgres?{query}"
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute("CREATE DATABASE isbenefit")
        yield url


def timed_import(url: str, data: Path, ledger: Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(
        [*ISBENEFIT, "store", "import", str(ledger), "--cluster", "bench", "--db", url],
        env={**env, "ISBENEFIT_DATA_DIR": str(data)},
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def prepare(url: str, data: Path) -> dict[str, Any]:
    """The example cluster, a member with a session and a token, one issued certificate
    (both parties confirmed): what the clients ask for."""
    from isbenefit.service import server

    server.setup(url, data, jobs="inline", secure_cookies=False)
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from rest_framework.authtoken.models import Token

    from isbenefit.service import entries, issuing, store, years
    from isbenefit.service.accounts import add_user

    cluster = store.cluster_named("nordic", "Nordic cluster")
    entries.import_file(cluster, EXAMPLE)
    facilitator = add_user("nordic", "f@bench.org", "facilitator", None, None)
    member = add_user("nordic", "m@bench.org", "member", MEMBER_ORG, None)
    for version in store.current_versions(cluster):
        for party in ("supplier", "receiver"):
            store.confirm(version, party, facilitator, on_behalf=True)
    years.close(cluster, 2024, facilitator, "bench")  # only a closed year is certified
    job = issuing.start(cluster, "certificate", 2024, [MEMBER_ORG], facilitator, "http://x")
    document = job.documents.get()
    session = SessionStore()
    session[SESSION_KEY] = str(member.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = member.get_session_auth_hash()
    session.create()
    return {
        "certificate": document.certificate_id,
        "pdf": issuing.stored_file(document).read_bytes(),
        "session": session.session_key,
        "token": Token.objects.create(user=member).key,
    }


def multipart(pdf: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="pdf"; '
            f'filename="certificate.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
        ).encode()
        + pdf
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


class Load:
    def __init__(self, port: int, fixture: dict[str, Any], seconds: float) -> None:
        self.port, self.fixture, self.seconds = port, fixture, seconds
        self.latencies: dict[str, list[float]] = {}
        self.errors: list[str] = []
        self.lock = threading.Lock()
        body, kind = multipart(fixture["pdf"])
        cookie = f"sessionid={fixture['session']}"
        self.requests = [
            ("page /c/<id>", "GET", f"/c/{fixture['certificate']}", None, {}),
            ("page /exchanges/", "GET", "/exchanges/", None, {"Cookie": cookie}),
            (
                "api /api/exchanges/",
                "GET",
                "/api/exchanges/",
                None,
                {"Authorization": f"Token {fixture['token']}"},
            ),
            (
                "verify POST /verify",
                "POST",
                "/verify",
                body,
                {"Content-Type": kind, "Accept": "application/json"},
            ),
        ]

    def csrf_token(self, connection: http.client.HTTPConnection) -> str:
        """The CSRF cookie a browser gets with the /verify form (the upload needs it)."""
        connection.request("GET", "/verify")
        response = connection.getresponse()
        response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            if header.startswith("csrftoken="):
                return header.split(";", 1)[0].split("=", 1)[1]
        raise RuntimeError("no CSRF cookie from /verify")

    def client(self, offset: int, deadline: float) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        token = self.csrf_token(connection)
        csrf = {"Cookie": f"csrftoken={token}", "X-CSRFToken": token}
        step = offset
        while time.perf_counter() < deadline:
            name, method, path, body, headers = self.requests[step % len(self.requests)]
            if method == "POST":
                headers = {**headers, **csrf}
            step += 1
            started = time.perf_counter()
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                content = response.read()
                problem = None if response.status == 200 else f"{name}: {response.status}"
                if problem is None and name.startswith("verify"):
                    verdict = json.loads(content)["verdict"]
                    problem = None if verdict == "valid" else f"{name}: {verdict}"
            except Exception as error:  # counted, then a new connection
                problem = f"{name}: {error!r}"
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            elapsed = time.perf_counter() - started
            with self.lock:
                self.latencies.setdefault(name, []).append(elapsed)
                if problem:
                    self.errors.append(problem)
        connection.close()

    def run(self, clients: int) -> float:
        started = time.perf_counter()
        deadline = started + self.seconds
        threads = [threading.Thread(target=self.client, args=(i, deadline)) for i in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return time.perf_counter() - started


def percentiles(values: list[float]) -> str:
    if len(values) < 2:
        return "n/a"
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    p50, p95, p99 = (cuts[i] * 1000 for i in (49, 94, 98))
    return f"p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  p99 {p99:7.1f} ms"


def wait_for(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("isbenefit serve stopped")
        with contextlib.suppress(OSError):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/keys.json")
            if connection.getresponse().status == 200:
                return
        time.sleep(0.3)
    raise RuntimeError("isbenefit serve did not answer")


def free_port() -> int:
    """A port free now on the loopback address (the server binds it a moment later)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def bench_store(kind: str, args: argparse.Namespace, ledger: Path) -> None:
    with tempfile.TemporaryDirectory(prefix=f"isbenefit-bench-{kind}-") as folder:
        data = Path(folder)
        env = {**os.environ, "ISBENEFIT_VERIFY_PER_MINUTE": "1000000"}
        with database(kind, data) as url:
            seconds = timed_import(url, data, ledger, env)
            print(f"\n== {kind} ==")
            print(
                f"store import of {args.exchanges:,} exchanges: {seconds:.1f} s "
                f"({args.exchanges / seconds:,.0f} exchanges/s, new process, checks included)"
            )
            fixture = run_in_child(url, data)
            port = free_port()
            serve = subprocess.Popen(
                [*ISBENEFIT, "serve", "--db", url, "--port", str(port), "--threads", "8"],
                env={**env, "ISBENEFIT_DATA_DIR": str(data)},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            try:
                wait_for(port, serve)
                load = Load(port, fixture, args.seconds)
                elapsed = load.run(args.clients)
            finally:
                serve.terminate()
                serve.wait(timeout=30)
        report(kind, load, elapsed, args.clients)


def run_in_child(url: str, data: Path) -> dict[str, Any]:
    """prepare() in a fresh process (Django is configured once per process)."""
    code = (
        "import json, sys, base64; sys.path.insert(0, sys.argv[3]);"
        "from bench.bench_service import prepare; from pathlib import Path;"
        "f = prepare(sys.argv[1], Path(sys.argv[2]));"
        "f['pdf'] = base64.b64encode(f['pdf']).decode(); print(json.dumps(f))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, url, str(data), str(ROOT)],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "ISBENEFIT_DATA_DIR": str(data)},
    )
    import base64

    fixture: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    fixture["pdf"] = base64.b64decode(fixture["pdf"])
    return fixture


def report(kind: str, load: Load, elapsed: float, clients: int) -> None:
    every = [v for values in load.latencies.values() for v in values]
    print(
        f"load: {clients} clients, {elapsed:.1f} s, {len(every):,} requests, "
        f"{len(every) / elapsed:,.1f} requests/s, errors: {len(load.errors)}"
    )
    print(f"  all                   {percentiles(every)}")
    for name, values in sorted(load.latencies.items()):
        print(f"  {name:<21} {percentiles(values)}  ({len(values) / elapsed:,.1f}/s)")
    for error in sorted(set(load.errors))[:10]:
        print(f"  error: {error}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--exchanges", type=int, default=10_000)
    parser.add_argument("--stores", default="sqlite,postgresql")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="isbenefit-bench-ledger-") as folder:
        ledger = write_synthetic_ledger(Path(folder) / "ledger", args.exchanges)
        print(
            f"{os.cpu_count()} cores; ledger {ledger} ({args.exchanges:,} exchanges); "
            "/verify rate limit off (ISBENEFIT_VERIFY_PER_MINUTE=1000000)"
        )
        for kind in args.stores.split(","):
            bench_store(kind.strip(), args, ledger)


if __name__ == "__main__":
    main()
