"""One document per organisation, on all cores, each failure kept to its organisation.

Each worker process receives the results dict once (pool initializer) and parses
it once (:class:`isbenefit.results.model.Results`), renders the documents it is
given, writes each to a temporary file in the target folder and renames it into
place, so a target file is either complete or absent. An organisation whose
document fails is reported in its :class:`Outcome`; the others go on.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from isbenefit.certify.claim import LedgerRows
from isbenefit.certify.issue import DEFAULT_ISSUER, certificate_pdf
from isbenefit.documents import statement_pdf
from isbenefit.results.model import Results, as_results
from isbenefit.writing import write_atomic


class DocumentKind(StrEnum):
    """The documents made one per organisation; the value starts each file name."""

    STATEMENT = "statement"
    CERTIFICATE = "certificate"


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class Job:
    """One document to make.

    Attributes:
        kind: ``statement`` or ``certificate``.
        org_id: the organisation.
        year: the reporting year.
        path: where the PDF goes.
        ledger_rows: the ledger rows of the claim (certificates only).
        issuer: issuer printed on certificates.
        key_file: issuer's private key signing certificates, or None.
        verify_url: the issuer's verification address prefix, or None.
    """

    kind: DocumentKind
    org_id: str
    year: str
    path: Path
    ledger_rows: LedgerRows | None = None
    issuer: str = DEFAULT_ISSUER
    key_file: Path | None = None
    verify_url: str | None = None


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
            results,
            job.org_id,
            job.year,
            job.ledger_rows or {},
            job.issuer,
            job.key_file,
            job.verify_url,
        )
    return statement_pdf(results, job.org_id, job.year)


def file_name(kind: str, org_id: str, year: str) -> str:
    """A safe file name for an organisation's document; unsafe ids get a hash suffix."""
    safe = _UNSAFE.sub("_", org_id).lstrip(".") or "org"
    if safe != org_id:
        safe += "-" + hashlib.sha256(org_id.encode("utf-8")).hexdigest()[:8]
    return f"{kind}-{year}-{safe}.pdf"


def plan(
    kind: DocumentKind | str,
    org_ids: Sequence[str],
    year: str,
    out_dir: Path,
    rows_by_org: Mapping[str, LedgerRows] | None = None,
    issuer: str = DEFAULT_ISSUER,
    key_file: Path | None = None,
    verify_url: str | None = None,
) -> list[Job]:
    """One job per organisation, writing into ``out_dir``."""
    if kind not in tuple(DocumentKind):
        raise ValueError(f"unknown document kind {kind!r}; expected one of {list(DocumentKind)}")
    kind = DocumentKind(kind)
    return [
        Job(
            kind,
            org,
            year,
            out_dir / file_name(kind, org, year),
            (rows_by_org or {}).get(org),
            issuer,
            key_file,
            verify_url,
        )
        for org in org_ids
    ]


def _init_worker(results: Results | Mapping[str, Any]) -> None:
    global _results  # noqa: PLW0603 - one copy of the results per worker process
    _results = as_results(results)


def _run(job: Job, renderer: Renderer) -> Outcome:
    if _results is None:
        raise RuntimeError("worker started without results")
    return run_one(_results, job, renderer)


def run_one(results: Results, job: Job, renderer: Renderer = render_job) -> Outcome:
    """Render and write one job; any failure becomes the outcome's error."""
    try:
        write_atomic(job.path, renderer(results, job))
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
    """Run ``jobs`` on a process pool; outcomes in job order. ``on_done`` sees each as it ends."""
    workers = max(1, min(workers or default_workers(), len(jobs) or 1))
    outcomes: dict[str, Outcome] = {}
    with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(results,)) as pool:
        futures: dict[Future[Outcome], Job] = {
            pool.submit(_run, job, renderer): job for job in jobs
        }
        for future in as_completed(futures):
            job = futures[future]
            try:
                outcome = future.result()
            except Exception as error:  # a crashed worker fails only its jobs
                outcome = Outcome(job.org_id, None, f"{type(error).__name__}: {error}")
            outcomes[str(job.path)] = outcome
            if on_done is not None:
                on_done(outcome)
    return [outcomes[str(job.path)] for job in jobs]
