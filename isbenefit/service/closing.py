"""Closing (or restating) a year as a job of the durable queue (jobqueue.py).

The page and the API call :func:`request`; a worker runs :func:`run`. The new version and
the job's end are written in one transaction (``years.close``'s), so a worker killed
midway leaves the year as it was and the job to run again.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone

from isbenefit import messages as msg
from isbenefit.messages import say
from isbenefit.service import jobqueue, keys, store, years
from isbenefit.service.models import (
    CLOSE,
    DONE,
    FAILED,
    QUEUED,
    RUNNING,
    Cluster,
    Job,
    YearVersion,
)

logger = logging.getLogger(__name__)


class CloseInProgressError(ValueError):
    """A close of the year is queued or running already: one at a time, so a restatement
    cannot be asked twice by a double click."""

    def __init__(self, job: Job) -> None:
        super().__init__(say(msg.CLOSE_IN_PROGRESS, year=job.year, job=job.pk))
        self.job = job


def request(
    cluster: Cluster, year: int, user: Any, reason: str = "", factors: str | None = None
) -> Job:
    """Queue the close of ``year`` (``factors``: a configured set's folder, "" the shipped
    one, None the cluster's own); inline, it has run when this returns.
    CloseInProgressError when a close of the year waits or runs."""
    with transaction.atomic():
        Cluster.objects.select_for_update().get(pk=cluster.pk)  # one request at a time
        waiting = Job.objects.filter(
            cluster=cluster, kind=CLOSE, year=year, state__in=(QUEUED, RUNNING)
        ).first()
        if waiting is not None:
            raise CloseInProgressError(waiting)
        job = Job.objects.create(
            cluster=cluster,
            kind=CLOSE,
            year=year,
            total=1,
            params={"reason": reason, "factors": factors},
            created_by=user if user is not None and user.is_authenticated else None,
        )
        store.log(cluster, user, "close job", f"job {job.id}", None, {"year": year})
        jobqueue.enqueue(job)
    job.refresh_from_db()
    return job


@jobqueue.runs(CLOSE)
def run(job_id: uuid.UUID) -> None:
    job = Job.objects.select_related("cluster", "created_by").get(pk=job_id)
    job.state = RUNNING
    job.save(update_fields=["state"])

    def finished(made: YearVersion) -> None:
        job.state, job.done, job.year_version = DONE, 1, made
        job.finished_at = timezone.now()
        job.save(update_fields=["state", "done", "year_version", "finished_at"])

    try:
        years.close(
            job.cluster,
            job.year,
            job.created_by,
            job.params.get("reason", ""),
            job.params.get("factors"),
            on_made=finished,
        )
    except Exception as error:  # any failure ends the job with its reason, never silently
        from isbenefit.service.failures import without_paths

        logger.exception("closing %s of %s failed", job.year, job.cluster.name)
        text = without_paths(
            str(error)
            if isinstance(error, keys.KeyPermissionError)
            else f"{type(error).__name__}: {error}"
        )
        job.state, job.message = FAILED, say(msg.NOTHING_CLOSED, error=text)
        job.finished_at = timezone.now()
        job.save(update_fields=["state", "message", "finished_at"])
