"""Background tasks of feedback handling (run by the database worker, ``manage.py db_worker``)."""

from __future__ import annotations

from django.tasks import task

from edudb.feedback import services


@task
def escalate_overdue_task() -> int:
    """Escalate open items past their deadline to the unit above (queued every 6 hours by ``run_scheduler``)."""
    return services.escalate_overdue()
