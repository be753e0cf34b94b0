"""Background tasks of data quality (run by the database worker)."""

from __future__ import annotations

from django.tasks import task

from edudb.quality import scoring


@task
def measure_task(unit_ids: list[int] | None = None) -> int:
    """Measure the quality of ``unit_ids`` (every unit when None); scheduled nightly by ``run_scheduler``."""
    return scoring.measure(unit_ids)
