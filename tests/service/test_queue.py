"""The durable queue in the test process: a close and a batch queued by the pages, the
progress page reading the queue, a worker running them; orphaned jobs recovered (queued
again, or failed with the reason after the last attempt). test_worker.py does the same
with real processes and SIGKILL."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

from django.test import TestCase, override_settings
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from isbenefit.service import jobqueue, store, workers, years
from isbenefit.service.models import Job, QueueWorker
from tests.service.helpers import client_for, example_cluster, users


def run_queue() -> None:
    """What `isbenefit worker --batch` does: every queued job, then stop. (The worker
    closes its database connection between jobs, as a long-running process should; here
    that connection holds the test's transaction, so it stays open.)"""
    keep = "close_old_connections"
    with (
        mock.patch(f"django_tasks_db.management.commands.db_worker.{keep}"),
        mock.patch(f"isbenefit.service.workers.{keep}"),
    ):
        # No heartbeat thread: its own connection would wait on the test's transaction.
        workers.Worker(interval=0, batch=True, beating=False).run()


@override_settings(ISBENEFIT_JOBS="queue")
class Queue(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cluster = example_cluster("queue")
        cls.users = users(cls.cluster)
        for version in store.current_versions(cls.cluster):
            for party in ("supplier", "receiver"):
                store.confirm(version, party, cls.users["facilitator"], on_behalf=True)

    def test_a_close_waits_on_the_queue_then_a_worker_runs_it(self) -> None:
        facilitator = client_for(self.users["facilitator"])
        answer = facilitator.post("/years/2024/", {"reason": "annual close"})
        job = Job.objects.get(cluster=self.cluster, kind="close")
        assert answer.status_code == 302 and answer["Location"] == f"/jobs/{job.pk}/"
        assert years.latest(self.cluster, 2024) is None  # queued, not run by the request
        page = facilitator.get(f"/jobs/{job.pk}/").content.decode()
        assert "Queue: ready" in page and "No worker is running" in page
        assert DBTaskResult.objects.get(pk=job.task_id).status == TaskResultStatus.READY
        run_queue()
        job.refresh_from_db()
        assert job.state == "done" and job.year_version == years.latest(self.cluster, 2024)
        page = facilitator.get(f"/jobs/{job.pk}/").content.decode()
        assert "Queue: successful, attempt 1 of 2" in page
        assert 'Version 1 of <a href="/years/2024/">2024</a> closed.' in page
        assert not QueueWorker.objects.exists()  # a worker that stops says so

    def test_a_member_cannot_queue_a_close(self) -> None:
        for who in ("member", "funder"):
            answer = client_for(self.users[who]).post("/years/2024/", {"reason": "x"})
            assert answer.status_code in (403, 404)
        assert not Job.objects.filter(cluster=self.cluster).exists()

    def test_a_batch_queued_by_the_page_is_made_by_a_worker(self) -> None:
        facilitator = client_for(self.users["facilitator"])
        answer = facilitator.post("/documents/", {"kind": "statement", "year": "2024"})
        job = Job.objects.get(pk=answer["Location"].rstrip("/").split("/")[-1])
        assert job.state == "queued" and job.documents.count() == 0
        run_queue()
        job.refresh_from_db()
        assert job.state == "done" and job.done == job.total == job.documents.count() > 1

    def _orphan(self, tries: int) -> Job:
        """A queued report whose task was taken by a worker that stopped beating."""
        job = Job.objects.create(cluster=self.cluster, kind="report", year=2024)
        jobqueue.enqueue(job)
        long_ago = timezone.now() - timedelta(minutes=10)
        QueueWorker.objects.create(worker_id="gone", host="elsewhere", pid=7, beat_at=long_ago)
        entry = DBTaskResult.objects.get(pk=job.task_id)
        entry.status, entry.started_at = TaskResultStatus.RUNNING, long_ago
        entry.worker_ids = ["gone"] * tries
        entry.save()
        Job.objects.filter(pk=job.pk).update(state="running")
        return job

    def test_an_orphaned_job_is_queued_again_then_run(self) -> None:
        job = self._orphan(tries=1)
        assert jobqueue.recover() == [job.task_id]
        job.refresh_from_db()
        assert job.state == "queued"
        assert "the worker elsewhere:7 stopped while running this job (attempt 1)" in job.message
        assert DBTaskResult.objects.get(pk=job.task_id).status == TaskResultStatus.READY
        run_queue()
        job.refresh_from_db()
        assert job.state == "done" and job.documents.count() == 1

    def test_an_orphan_on_its_last_attempt_fails_with_the_reason(self) -> None:
        job = self._orphan(tries=2)
        jobqueue.recover()
        job.refresh_from_db()
        assert job.state == "failed" and job.finished_at is not None
        assert "stopped while running this job (attempts: 2)" in job.message
        entry = DBTaskResult.objects.get(pk=job.task_id)
        assert entry.status == TaskResultStatus.FAILED
        assert entry.exception_class_path.endswith("WorkerLostError")
        page = client_for(self.users["facilitator"]).get(f"/jobs/{job.pk}/").content.decode()
        assert "Failed" in page and "attempts: 2" in page

    def test_a_live_worker_keeps_its_job(self) -> None:
        job = self._orphan(tries=1)
        QueueWorker.objects.filter(worker_id="gone").update(beat_at=timezone.now())
        assert jobqueue.recover() == []
        job.refresh_from_db()
        assert job.state == "running"
