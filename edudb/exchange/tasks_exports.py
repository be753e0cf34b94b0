"""Background tasks of the list exports (run by the database worker, ``manage.py db_worker``)."""

from __future__ import annotations

from django.tasks import task

from edudb.exchange import exports


@task
def export_task(job_pk: int) -> str:
    """Write a large export queued from its list page (``exports.queue_job``); answers the job's final state."""
    return exports.run_job(job_pk)


@task
def purge_exports_task() -> dict[str, int]:
    """Delete export files past their retention and close jobs a stopped worker left behind (daily)."""
    return exports.purge()
