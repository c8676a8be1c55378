"""The JSON of a document and of a job, as several views answer them."""

from __future__ import annotations

from typing import Any

from isbenefit.service import jobqueue
from isbenefit.service.models import Document, Job


def document_json(document: Document) -> dict[str, Any]:
    return {
        **document.as_summary(),
        "sha256": document.sha256,
        "size": document.size,
        "created_at": document.created_at,
        "download": f"/api/documents/{document.pk}/pdf",
    }


def job_json(job: Job) -> dict[str, Any]:
    return {
        "id": str(job.pk),
        "kind": job.kind,
        "year": job.year,
        "organisations": list(job.org_ids),
        "state": job.state,
        "done": job.done,
        "total": job.total,
        "message": job.message,
        "year_version": job.year_version.number if job.year_version else None,
        "documents": [document_json(d) for d in job.documents.select_related("organisation")],
        "queue": jobqueue.queue_state(job),
    }
