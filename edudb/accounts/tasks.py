"""Background tasks of the accounts app (run by the database worker)."""

from __future__ import annotations

from django.tasks import task

from edudb.accounts import services


@task
def disable_inactive_accounts_task() -> int:
    """Suspend accounts unused for 45 days (R10.1); scheduled daily by ``run_scheduler``."""
    return services.disable_inactive_accounts()
