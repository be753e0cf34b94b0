"""Background tasks of the oversight (run by the database worker, ``manage.py db_worker``)."""

from __future__ import annotations

from django.tasks import task


@task
def open_account_reviews_task() -> int:
    """Open the current half-year's account review of every unit and tell its head (queued daily by
    ``run_scheduler``; a review already open is left as it is, so the first run after 1 January and 1 July opens
    them)."""
    from edudb.oversight import services

    return services.unscoped_open_half_year_reviews()
