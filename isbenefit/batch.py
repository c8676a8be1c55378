"""One document per organisation, on all cores, each failure kept to its organisation.

Each worker process receives the results dict once (pool initializer) and parses
it once (:class:`isbenefit.results.model.Results`), renders the documents it is
given, writes each to a temporary file in the target folder and renames it into
place, so a target file is either complete or absent. An organisation whose
document fails is reported in its :class:`Outcome`; the others go on.

Two things stop the whole batch at once instead: a target folder that cannot be written
(a :class:`~isbenefit.errors.WriteError`: permissions, read-only, disk full), raised to
the caller, and anything that interrupts the caller (KeyboardInterrupt, the command line's
SIGINT/SIGTERM, any exception). Then pending documents are cancelled and the workers
are sent SIGTERM, on which each removes the temporary file it is writing and exits;
one that does not within `STOP_GRACE` seconds is killed and its temporary removed for
it. Documents already complete stay. Workers ignore SIGINT (a terminal's Ctrl-C reaches
the whole process group: the parent decides), and on Linux get SIGTERM when the parent
dies, even by SIGKILL, so none is left running or writing.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import os
import re
import signal
import sys
import threading
import time
import unicodedata
import uuid
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from enum import StrEnum
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from isbenefit import reported
from isbenefit.certify.claim import LedgerRows
from isbenefit.certify.issue import UNSIGNED, Issuing, certificate_pdf
from isbenefit.documents import statement_pdf
from isbenefit.errors import WriteError
from isbenefit.results.model import Results, as_results
from isbenefit.writing import remove_temporaries, temporaries_of, write_atomic


class DocumentKind(StrEnum):
    """The documents made one per organisation; the value starts each file name."""

    STATEMENT = str(reported.DocumentKind.STATEMENT)
    CERTIFICATE = str(reported.DocumentKind.CERTIFICATE)


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
# Letters Unicode does not decompose into an ASCII letter and accents (NFKD does the rest:
# å -> a, ö -> o, ą -> a, ė -> e, š -> s, õ -> o).
_TRANSLITERATION = str.maketrans(
    {"æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "ß": "ss", "ł": "l", "Ł": "L", "đ": "d",
     "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "TH", "œ": "oe", "Œ": "OE", "ı": "i"}
)  # fmt: skip
LONGEST_ID_IN_NAME = 80
STOP_GRACE = 5.0  # seconds a stopped worker has to remove its temporary file and exit
_PR_SET_PDEATHSIG = 1  # prctl(2) option: a signal for this process when its parent dies


@dataclass(frozen=True)
class Job:
    """One document to make.

    Attributes:
        kind: ``statement`` or ``certificate``.
        org_id: the organisation.
        year: the reporting year.
        path: where the PDF goes.
        ledger_rows: the ledger rows of the claim (certificates only).
        issuing: who issues certificates (and signs them), where they are verified.
        lang: the language of the document.
    """

    kind: DocumentKind
    org_id: str
    year: str
    path: Path
    ledger_rows: LedgerRows | None = None
    issuing: Issuing = UNSIGNED
    lang: str = "en"


@dataclass(frozen=True)
class Outcome:
    """What became of one job.

    Attributes:
        org_id: the organisation.
        path: the file written, or None when it failed.
        error: the failure in one line, or None.
    """

    org_id: str
    path: Path | None
    error: str | None = None


Renderer = Callable[[Results, Job], bytes]
_results: Results | None = None


def render_job(results: Results, job: Job) -> bytes:
    """The default renderer: the job's document as PDF bytes."""
    if job.kind is DocumentKind.CERTIFICATE:
        return certificate_pdf(
            results, job.org_id, job.year, job.ledger_rows or {}, job.issuing, lang=job.lang
        )
    return statement_pdf(results, job.org_id, job.year, job.lang)


def ascii_letters(text: str) -> str:
    """``text`` with its letters written in ASCII (dk-ærø-bryg -> dk-aero-bryg)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_TRANSLITERATION))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def file_name(kind: str, org_id: str, year: str, *, with_hash: bool = False) -> str:
    """A safe file name for an organisation's document: the id's letters in ASCII; an id
    with other characters (or ``with_hash``) gets a hash of the id as a suffix.

    Ids longer than ``LONGEST_ID_IN_NAME`` are cut there before the hash, so the name
    (and the temporary name written first) stays far below the 255 bytes file systems
    allow.
    """
    letters = ascii_letters(org_id)
    safe = _UNSAFE.sub("_", letters).lstrip(".") or "org"
    if with_hash or safe != letters or len(safe) > LONGEST_ID_IN_NAME:
        safe = (
            safe[:LONGEST_ID_IN_NAME] + "-" + hashlib.sha256(org_id.encode("utf-8")).hexdigest()[:8]
        )
    return f"{kind}-{year}-{safe}.pdf"


def file_names(kind: str, org_ids: Sequence[str], year: str) -> dict[str, str]:
    """Each organisation's file name; ids whose names would clash (dk-ærø and dk-aero, or
    names differing only in case, one file on macOS and Windows) all get the hash."""
    plain = {org: file_name(kind, org, year) for org in org_ids}
    clashing = Counter(name.casefold() for name in plain.values())
    return {
        org: file_name(kind, org, year, with_hash=True) if clashing[name.casefold()] > 1 else name
        for org, name in plain.items()
    }


def plan(
    kind: DocumentKind | str,
    org_ids: Sequence[str],
    year: str,
    out_dir: Path,
    rows_by_org: Mapping[str, LedgerRows] | None = None,
    issuing: Issuing = UNSIGNED,
    languages: Mapping[str, str] | None = None,
) -> list[Job]:
    """One job per organisation, writing into ``out_dir``, each in its language of
    ``languages`` (default English)."""
    if kind not in tuple(DocumentKind):
        raise ValueError(f"unknown document kind {kind!r}; expected one of {list(DocumentKind)}")
    kind = DocumentKind(kind)
    names = file_names(kind, org_ids, year)
    return [
        Job(
            kind,
            org,
            year,
            out_dir / names[org],
            (rows_by_org or {}).get(org),
            issuing,
            (languages or {}).get(org) or "en",
        )
        for org in org_ids
    ]


def organisation_languages(assessment: Any) -> dict[str, str]:
    """The `language` the ledger's organisations sheet gives each organisation (an optional
    column the ledger's check has checked: one of messages.LANGUAGES)."""
    from isbenefit.messages import checked_language

    sheet = assessment.raw.sheets.get("organisations")
    if sheet is None or "language" not in sheet.table.columns or "id" not in sheet.table.columns:
        return {}
    return {
        str(org).strip(): checked_language(lang)
        for org, lang in zip(sheet.table["id"], sheet.table["language"], strict=True)
        if isinstance(lang, str) and lang.strip()
    }


def _init_worker(results: Results | Mapping[str, Any]) -> None:
    global _results  # noqa: PLW0603 - one copy of the results per worker process
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _worker_stop)
    if sys.platform == "linux":
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    _results = as_results(results)


def _worker_stop(signum: int, _frame: object) -> None:
    """A worker told to stop removes the temporary file it is writing and exits now."""
    remove_temporaries()
    os._exit(128 + signum)


def _run(job: Job, renderer: Renderer) -> Outcome:
    if _results is None:
        raise RuntimeError("worker started without results")
    return run_one(_results, job, renderer)


def run_one(results: Results, job: Job, renderer: Renderer = render_job) -> Outcome:
    """Render and write one job; any failure becomes the outcome's error."""
    try:
        write_atomic(job.path, renderer(results, job), "choose another --output folder")
    except WriteError:  # the target folder's fault, not the organisation's: stops the batch
        raise
    except Exception as error:  # one organisation's failure must not stop the rest
        return Outcome(job.org_id, None, f"{type(error).__name__}: {error}")
    return Outcome(job.org_id, job.path)


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def run_batch(
    results: Results | Mapping[str, Any],
    jobs: Sequence[Job],
    *,
    workers: int | None = None,
    renderer: Renderer = render_job,
    on_done: Callable[[Outcome], Any] | None = None,
) -> list[Outcome]:
    """Run ``jobs`` on a process pool; outcomes in job order. ``on_done`` sees each as it ends.

    Raises :class:`WriteError` when the target folder cannot be written; that and any
    interruption stop every worker at once (module docstring).
    """
    workers = max(1, min(workers or default_workers(), len(jobs) or 1))
    outcomes: dict[str, Outcome] = {}
    pool = ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(results,))
    try:
        futures: dict[Future[Outcome], Job] = {
            pool.submit(_run, job, renderer): job for job in jobs
        }
        for future in as_completed(futures):
            job = futures[future]
            try:
                outcome = future.result()
            except WriteError:
                raise
            except Exception as error:  # a crashed worker fails only its jobs
                outcome = Outcome(job.org_id, None, f"{type(error).__name__}: {error}")
            outcomes[str(job.path)] = outcome
            if on_done is not None:
                on_done(outcome)
    except BaseException:
        _stop_now(pool, jobs)
        raise
    pool.shutdown()
    return [outcomes[str(job.path)] for job in jobs]


def run_on_cluster(
    client: Any,
    results: Results | Mapping[str, Any],
    jobs: Sequence[Job],
    *,
    renderer: Renderer = render_job,
    on_done: Callable[[Outcome], Any] | None = None,
) -> list[Outcome]:
    """Run ``jobs`` on a Dask cluster (`isbenefit.cluster`): the workers render, this
    process writes each PDF as it comes back, so no folder needs sharing. Outcomes in job
    order; the bytes are those `run_batch` writes (SOURCE_DATE_EPOCH is handed on)."""
    from isbenefit import cluster

    # The token tells a worker's parsed copy of these results from an earlier batch's.
    shared = (uuid.uuid4().hex, results, os.environ.get("SOURCE_DATE_EPOCH"), renderer)
    outcomes: dict[str, Outcome] = {}
    for index, (pdf, error) in cluster.as_done(
        client, render_remote, shared, jobs, lost=lambda message: (None, message)
    ):
        job = jobs[index]
        if pdf is None:
            outcome = Outcome(job.org_id, None, error)
        else:
            write_atomic(job.path, pdf, "choose another --output folder")
            outcome = Outcome(job.org_id, job.path)
        outcomes[str(job.path)] = outcome
        if on_done is not None:
            on_done(outcome)
    return [outcomes[str(job.path)] for job in jobs]


_parsed: tuple[str, Results] | None = None


def render_remote(
    shared: tuple[str, Results | Mapping[str, Any], str | None, Renderer], job: Job
) -> tuple[bytes | None, str | None]:
    """On a worker: one job's PDF, or the error that kept it from being made. The results
    are parsed once per worker (the shared object stays in its memory)."""
    global _parsed  # noqa: PLW0603 (one parsed copy per worker process)
    token, results, epoch, renderer = shared
    if epoch is not None:
        os.environ["SOURCE_DATE_EPOCH"] = epoch
    if _parsed is None or _parsed[0] != token:
        _parsed = (token, as_results(results))
    try:
        return renderer(_parsed[1], job), None
    except Exception as error:  # one organisation's failure must not stop the rest
        return None, f"{type(error).__name__}: {error}"


def _stop_now(pool: ProcessPoolExecutor, jobs: Sequence[Job]) -> None:
    """Cancel what has not started and stop every worker now (module docstring)."""
    processes: list[BaseProcess] = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(OSError, ValueError):
            process.terminate()
    deadline = time.monotonic() + STOP_GRACE
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
    stubborn = [process for process in processes if process.is_alive()]
    for process in stubborn:
        process.kill()
        process.join(1.0)
    if stubborn:  # killed before they could clean up: their temporaries go here
        for job in jobs:
            for temporary in temporaries_of(job.path):
                temporary.unlink(missing_ok=True)
    # The pool's manager thread closes its wake-up pipe once it sees the workers gone; the
    # interpreter's exit hook writes to that pipe without a lock, so an exit racing the close
    # prints an EBADF traceback. Waiting for the thread here makes the two sequential.
    manager: threading.Thread | None = getattr(pool, "_executor_manager_thread", None)
    if manager is not None:
        manager.join(STOP_GRACE)
