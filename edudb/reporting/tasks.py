"""Background tasks of the reporting cycle (run by the database worker, queued daily by ``run_scheduler``)."""

from __future__ import annotations

from django.tasks import task

from edudb.reporting import services


@task
def reporting_daily_task() -> dict[str, int]:
    """Give every school year its two periodic reports, then send the day's deadline reminders."""
    return {"periods": services.ensure_current_periods(), "reminders": services.send_reminders()}
