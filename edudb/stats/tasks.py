"""Background tasks of the statistics (run by the database worker, ``manage.py db_worker``)."""

from __future__ import annotations

from django.tasks import task

from edudb.stats import compute


@task
def refresh_live_task(unit_ids: list[int] | None = None) -> int:
    """Recompute the live roll-ups of the given units, or of every unit (queued hourly by ``run_scheduler``)."""
    return compute.unscoped_refresh_live(unit_ids)


@task
def document_task(job_pk: int) -> str:
    """Produce a report document queued from a statistics page; answers the job's final state."""
    from edudb.stats import services

    return services.unscoped_run_document(job_pk)
