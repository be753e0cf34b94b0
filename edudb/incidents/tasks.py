"""Background tasks of the incidents (run by the database worker, ``manage.py db_worker``)."""

from __future__ import annotations

from django.tasks import task

from edudb.incidents import services


@task
def security_clock_task() -> int:
    """Remind the Sở of security incidents whose 24-hour or 72-hour report is due soon or overdue (hourly)."""
    return services.unscoped_remind_security_clocks()
