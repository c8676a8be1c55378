"""The durable job queue: documents, batches and the close of a year, kept in the database.

A :class:`~isbenefit.service.models.Job` is put on the queue of django-tasks (the API of
Django's tasks framework) with the database backend of django-tasks-db, in the same
transaction that makes it: once the request commits, the job is on record, whatever
becomes of the web server. ``isbenefit worker`` processes (workers.py; on this machine or
others sharing the database) take one job at a time off the queue.

A worker beats (:class:`~isbenefit.service.models.QueueWorker`) every few seconds. A job
still running when its worker stopped beating for ``ISBENEFIT_WORKER_STALE_SECONDS``
(60) was orphaned (the worker was killed, its machine lost): :func:`recover`, which every
worker runs as it beats, puts it back on the queue, or, after ``ISBENEFIT_JOB_ATTEMPTS``
(2) tries, marks it failed with that reason. A job run again resumes: documents already
made are kept (each was written whole, then recorded); a close is one transaction, so it
happened or it did not.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django_tasks import task

from isbenefit import messages as msg
from isbenefit.messages import SOURCE_LANGUAGE, language, say
from isbenefit.service.models import DONE, FAILED, QUEUED, RUNNING, Job, QueueWorker

logger = logging.getLogger(__name__)
STALE_ENV = "ISBENEFIT_WORKER_STALE_SECONDS"
ATTEMPTS_ENV = "ISBENEFIT_JOB_ATTEMPTS"
INLINE = "inline"


class WorkerLostError(RuntimeError):
    """The worker running a job stopped (killed, its machine lost) before the job ended."""


def stale_after() -> timedelta:
    """How long a worker may be silent before its running job counts as orphaned."""
    return timedelta(seconds=float(os.environ.get(STALE_ENV, "60")))


def attempts() -> int:
    """How many workers may take one job before it is marked failed."""
    return max(1, int(os.environ.get(ATTEMPTS_ENV, "2")))


# Who runs a job of each kind: issuing.run (documents), closing.run (a year). They
# register themselves (:func:`runs`), so this module imports neither; a worker imports both.
Runner = Callable[[uuid.UUID], None]
_runners: dict[str, Runner] = {}


def runs(*kinds: str) -> Callable[[Runner], Runner]:
    """Register the decorated function as the runner of jobs of ``kinds``."""

    def register(runner: Runner) -> Runner:
        for kind in kinds:
            _runners[kind] = runner
        return runner

    return register


@task()
def run_job(job_id: str) -> None:
    """The queued task: run the job (its state and any failure are kept on the job)."""
    run(uuid.UUID(job_id))


def run(job_id: uuid.UUID) -> None:
    job = Job.objects.get(pk=job_id)
    if job.state in (DONE, FAILED):
        return  # ended already (a retry after the worker died past the end)
    # In English wherever it runs (a worker, or inline inside a request in another
    # language): what a job computes and keeps is data; each document it makes is
    # rendered in its own language (issuing.Languages), each mail in its recipient's.
    with translation.override(SOURCE_LANGUAGE), language(SOURCE_LANGUAGE):
        _runners[job.kind](job_id)


def enqueue(job: Job) -> None:
    """Put ``job`` on the queue in the caller's transaction (or run it now when inline)."""
    if settings.ISBENEFIT_JOBS == INLINE:
        run(job.id)  # at once, in the caller's transaction (tests, the CLI)
        job.refresh_from_db()
        return
    result = run_job.enqueue(str(job.id))
    job.task_id = uuid.UUID(str(result.id))
    job.save(update_fields=["task_id"])


def _task_model() -> Any:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult


def live_workers(now: datetime | None = None) -> list[QueueWorker]:
    since = (now or timezone.now()) - stale_after()
    return list(QueueWorker.objects.filter(beat_at__gte=since).order_by("started_at"))


def recover(now: datetime | None = None) -> list[uuid.UUID]:
    """Put back on the queue (or fail, after the last attempt) every job whose worker
    stopped beating; returns their task ids."""
    from django_tasks import TaskResultStatus

    now = now or timezone.now()
    since = now - stale_after()
    alive = {w.worker_id for w in live_workers(now)}
    recovered = []
    with transaction.atomic():
        running = _task_model().objects.select_for_update().filter(status=TaskResultStatus.RUNNING)
        for entry in running:
            last = entry.worker_ids[-1] if entry.worker_ids else ""
            if last in alive or (entry.started_at and entry.started_at >= since):
                continue
            _orphaned(entry, last, len(entry.worker_ids) >= attempts())
            recovered.append(entry.id)
        # Workers silent for a day are gone for good.
        QueueWorker.objects.filter(beat_at__lt=now - timedelta(days=1)).delete()
    return recovered


def _orphaned(entry: Any, worker_id: str, last_attempt: bool) -> None:
    from django_tasks import TaskResultStatus

    worker = QueueWorker.objects.filter(worker_id=worker_id).first()
    where = str(worker) if worker else worker_id or "?"
    tries = len(entry.worker_ids)
    job = Job.objects.filter(task_id=entry.id).first()
    if last_attempt:
        reason = say(msg.JOB_WORKER_LOST_FAILED, worker=where, tries=tries)
        entry.set_failed(WorkerLostError(reason))
        if job is not None:
            job.state, job.message, job.finished_at = FAILED, reason, timezone.now()
            job.save(update_fields=["state", "message", "finished_at"])
    else:
        reason = say(msg.JOB_WORKER_LOST_RETRY, worker=where, tries=tries)
        entry.status = TaskResultStatus.READY
        entry.save(update_fields=["status"])
        if job is not None:
            job.state, job.message = QUEUED, reason
            job.save(update_fields=["state", "message"])
    logger.warning("job %s: %s", job.id if job else entry.id, reason)


def after_task(entry: Any) -> None:
    """A task that ended without ending its job (the worker was stopped inside it): the
    job goes back on the queue, or fails after its last attempt, saying why."""
    from django_tasks import TaskResultStatus

    job = Job.objects.filter(task_id=entry.id).first()
    if job is None or job.state in (DONE, FAILED) or entry.status != TaskResultStatus.FAILED:
        return
    with transaction.atomic():
        entry.status = TaskResultStatus.RUNNING  # as recover() finds an orphan
        _orphaned(
            entry,
            entry.worker_ids[-1] if entry.worker_ids else "",
            len(entry.worker_ids) >= attempts(),
        )


def queue_state(job: Job) -> dict[str, Any]:
    """What the progress page says of the job's place in the queue: its task's status,
    the workers that took it, and whether any worker is running at all."""
    entry = _task_model().objects.filter(pk=job.task_id).first() if job.task_id else None
    workers = live_workers()
    taken_by = entry.worker_ids if entry is not None else []
    current = QueueWorker.objects.filter(worker_id=taken_by[-1]).first() if taken_by else None
    ahead = 0
    if entry is not None and job.state == QUEUED:
        ahead = _task_model().objects.ready().filter(enqueued_at__lt=entry.enqueued_at).count()
    return {
        "queued": entry is not None,
        "status": str(entry.status).lower() if entry is not None else "",
        "attempt": len(taken_by),
        "attempts": attempts(),
        "worker": str(current) if current and job.state == RUNNING else "",
        "ahead": ahead,
        "workers": len(workers),
        "waiting_for_worker": job.state == QUEUED and entry is not None and not workers,
    }
