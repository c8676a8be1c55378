"""Jobs survive their worker: real `isbenefit serve` and `isbenefit worker` processes on
one database; a worker killed (SIGKILL) in the middle of a batch, another started, the
batch resumed and finished, every PDF whole; a job whose last attempt dies is failed with
its reason; `serve` alone (its own worker) runs jobs out of the box.

On SQLite, and on the throwaway PostgreSQL server when test_postgresql.py runs the suite
there (a database of its own on that server)."""

from __future__ import annotations

import hashlib
import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from tests.service.conftest import TEST_DB_ENV

ROOT = Path(__file__).resolve().parents[2]
ISBENEFIT = [sys.executable, "-m", "isbenefit"]
STALE_SECONDS = "2"


@contextmanager
def database(folder: Path) -> Iterator[str]:
    """A new empty database: a SQLite file, or one on the test PostgreSQL server."""
    server = os.environ.get(TEST_DB_ENV, "")
    if not server.startswith("postgres"):
        yield f"sqlite:///{folder / 'queue.sqlite3'}"
        return
    import psycopg

    name = f"queue_{uuid.uuid4().hex[:12]}"
    base, _, query = server.partition("?")
    admin = f"{base.rsplit('/', 1)[0]}/postgres{'?' + query if query else ''}"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    try:
        yield f"{base.rsplit('/', 1)[0]}/{name}{'?' + query if query else ''}"
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE {name} WITH (FORCE)")


class Service:
    """`isbenefit` processes on one database and data directory, and the API they serve."""

    def __init__(self, url: str, data: Path) -> None:
        self.url, self.data = url, data
        self.env = {**os.environ, "ISBENEFIT_DATA_DIR": str(data), "PYTHONPATH": str(ROOT)}
        self.env["ISBENEFIT_WORKER_STALE_SECONDS"] = STALE_SECONDS
        self.processes: list[subprocess.Popen[bytes]] = []
        self.token = subprocess.run(
            [sys.executable, "-m", "tests.service.queue_setup", url, str(data)],
            env=self.env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()[-1]
        self.port = 0

    def start(self, *verb: str, **env: str) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            [*ISBENEFIT, *verb, "--db", self.url],
            env={**self.env, **env},
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.processes.append(process)
        return process

    def serve(self, *options: str) -> subprocess.Popen[bytes]:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        process = self.start("serve", "--port", str(self.port), *options)
        self.until(lambda: self._answers(process), 120, "the server to answer")
        return process

    def _answers(self, process: subprocess.Popen[bytes]) -> bool:
        assert process.poll() is None, "isbenefit serve stopped"
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/keys.json", timeout=5):
                return True
        except OSError:
            return False

    def api(self, path: str, body: dict[str, Any] | None = None) -> Any:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/api/{path}",
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"Token {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as answer:
            return json.loads(answer.read())

    def job(self, job_id: str) -> dict[str, Any]:
        return dict(self.api(f"jobs/{job_id}/"))

    def until(self, ready: Callable[[], Any], seconds: float, what: str) -> Any:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            found = ready()
            if found:
                return found
            time.sleep(0.1)
        raise AssertionError(f"waited {seconds} s for {what}")

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=30)


def ended(service: Service, job_id: str) -> dict[str, Any] | None:
    """The job once it and its queue entry have ended (the worker records the entry's
    end just after the job's)."""
    job = service.job(job_id)
    final = job["state"] in ("done", "failed") and job["queue"]["status"] in (
        "successful",
        "failed",
    )
    return job if final else None


def kill(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)


def whole(service: Service, document: dict[str, Any]) -> bool:
    """The stored PDF is complete: its bytes have the recorded hash and pypdf reads it."""
    answer = urllib.request.Request(
        f"http://127.0.0.1:{service.port}{document['download']}",
        headers={"Authorization": f"Token {service.token}"},
    )
    with urllib.request.urlopen(answer, timeout=60) as pdf:
        data = pdf.read()
    return (
        hashlib.sha256(data).hexdigest() == document["sha256"]
        and len(PdfReader(io.BytesIO(data)).pages) >= 1
    )


def test_a_batch_resumes_after_its_worker_is_killed_and_a_last_attempt_fails(
    tmp_path: Path,
) -> None:
    with database(tmp_path) as url:
        service = Service(url, tmp_path)
        try:
            service.serve("--no-worker")
            batch = service.api("documents/", {"kind": "statement", "year": 2024})
            assert batch["state"] == "queued" and batch["queue"]["waiting_for_worker"]
            first = service.start("worker")
            midway = service.until(
                lambda: (j := service.job(batch["id"]))["done"] >= 2 and j, 300, "2 documents"
            )
            kill(first)
            assert midway["state"] == "running" and midway["done"] < midway["total"]
            before = service.job(batch["id"])["documents"]
            made_before = {d["organisation"]: d["id"] for d in before}
            second = service.start("worker")
            done = service.until(lambda: ended(service, batch["id"]), 300, "the batch to end")
            assert done["state"] == "done", done["message"]
            assert done["queue"]["attempt"] == 2 and done["queue"]["status"] == "successful"
            organisations = [d["organisation"] for d in done["documents"]]
            assert len(organisations) == len(set(organisations)) == done["total"] == done["done"]
            # The documents made before the kill are kept, not made again.
            kept = {d["organisation"]: d["id"] for d in done["documents"]}
            assert all(kept[org] == made_before[org] for org in made_before)
            assert all(whole(service, d) for d in done["documents"])
            # A job whose worker dies on its last attempt is failed, with the reason.
            report = service.api("documents/", {"kind": "report", "year": 2024})
            second.terminate()  # idle: stops at once
            assert second.wait(timeout=30) == 0
            third = service.start("worker")
            service.until(
                lambda: service.job(report["id"])["state"] == "running", 300, "the report"
            )
            kill(third)
            service.start("worker", ISBENEFIT_JOB_ATTEMPTS="1")
            failed = service.until(lambda: ended(service, report["id"]), 60, "the report to fail")
            assert failed["state"] == "failed"
            assert "stopped while running this job (attempts: 1)" in failed["message"]
            assert failed["queue"]["status"] == "failed" and failed["documents"] == []
        finally:
            service.stop_all()


def test_serve_alone_runs_jobs_with_its_own_worker(tmp_path: Path) -> None:
    with database(tmp_path) as url:
        service = Service(url, tmp_path)
        try:
            service.serve()
            job = service.api("documents/", {"kind": "report", "year": 2024})
            done = service.until(lambda: ended(service, job["id"]), 300, "the report")
            assert done["state"] == "done", done["message"]
            assert done["queue"]["attempt"] == 1 and whole(service, done["documents"][0])
        finally:
            service.stop_all()
