"""Background tasks of the component databases (run by the database worker)."""

from __future__ import annotations

from django.tasks import task

from edudb.registry import rollover


@task
def apply_rollover_task(rollover_pk: int, account_pk: int) -> str:
    """Apply a large school-year rollover queued from its page (``rollover.request_apply``)."""
    return rollover.apply_queued(rollover_pk, account_pk)
