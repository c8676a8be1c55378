"""`isbenefit worker`: takes jobs off the durable queue (jobqueue.py) one at a time.

The loop is django-tasks-db's worker (it claims a job in a transaction, so two workers
never take the same one); beside it a thread beats (the worker's
:class:`~isbenefit.service.models.QueueWorker` row) and, each beat, recovers the jobs of
workers that stopped beating. ``isbenefit serve`` runs one such worker in a thread of its
own unless told not to, so a one-person install needs one command; workers on other
machines only need the same database (and the factor-set folders and mail settings).
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
from typing import Any

from django.db import close_old_connections
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker as DatabaseWorker

# closing and issuing register the runners of their jobs with jobqueue.
from isbenefit.service import closing, issuing, jobqueue
from isbenefit.service.models import QueueWorker

RUNNERS = (closing, issuing)

logger = logging.getLogger(__name__)


class Worker(DatabaseWorker):
    """django-tasks-db's worker with a heartbeat and the recovery of orphaned jobs."""

    def __init__(self, *, interval: float = 1.0, batch: bool = False, beating: bool = True) -> None:
        worker_id = f"{socket.gethostname()[:40]}-{os.getpid()}-{secrets.token_hex(4)}"
        super().__init__(
            queue_names=["*"],
            interval=interval,
            batch=batch,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=worker_id,
            excluded_queue_names=[],
        )
        self.stopped = threading.Event()
        # Off only in a test run inside one transaction: the heartbeat's own connection
        # would wait on that transaction, which holds the worker's uncommitted row.
        self.beating = beating

    def beat(self) -> None:
        """Say this worker is alive, then recover the jobs of those that are not."""
        now = timezone.now()
        updated = QueueWorker.objects.filter(worker_id=self.worker_id).update(beat_at=now)
        if not updated:
            QueueWorker.objects.create(
                worker_id=self.worker_id,
                host=socket.gethostname()[:255],
                pid=os.getpid(),
                beat_at=now,
            )
        jobqueue.recover(now)

    def _beating(self) -> None:
        every = max(0.2, jobqueue.stale_after().total_seconds() / 4)
        while not self.stopped.wait(every):
            try:
                self.beat()
            except Exception:  # a database hiccup: the next beat tries again
                logger.exception("worker %s: heartbeat failed", self.worker_id)
            finally:
                close_old_connections()

    def run_task(self, db_task_result: Any) -> None:
        super().run_task(db_task_result)
        # Stopped midway by a second signal: django-tasks-db records the task as failed;
        # the job is put back on the queue (or failed, after its last attempt).
        jobqueue.after_task(db_task_result)

    def run(self) -> None:
        self.beat()  # before the first job: a worker starting recovers orphans at once
        close_old_connections()
        heart = threading.Thread(target=self._beating, name="isbenefit-beat", daemon=True)
        if self.beating:
            heart.start()
        try:
            super().run()
        finally:
            self.stopped.set()
            if self.beating:
                heart.join(timeout=60)
            QueueWorker.objects.filter(worker_id=self.worker_id).delete()
            close_old_connections()


def work(batch: bool = False, interval: float = 1.0) -> None:
    """Run a worker in this process until stopped (SIGINT/SIGTERM end it after the job
    it is running; a second signal at once). ``batch``: stop when the queue is empty."""
    worker = Worker(interval=interval, batch=batch)
    worker.configure_signals()
    logger.info("worker %s started", worker.worker_id)
    worker.run()


def start_in_thread(interval: float = 1.0) -> threading.Thread:
    """`serve`'s own worker: the same queue, heartbeat and recovery, in a daemon thread."""

    def loop() -> None:
        close_old_connections()
        Worker(interval=interval).run()

    thread = threading.Thread(target=loop, name="isbenefit-worker", daemon=True)
    thread.start()
    return thread
