"""Periodic background work: what runs how often. ``manage.py run_scheduler`` queues each when it is due."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.db import transaction
from django.utils import timezone

from edudb.core.models import ScheduledRun


@dataclass(frozen=True)
class Periodic:
    task_path: str
    every: dt.timedelta

    def load(self) -> Any:
        module, _, name = self.task_path.rpartition(".")
        return getattr(import_module(module), name)


PERIODIC = [
    Periodic("edudb.accounts.tasks.disable_inactive_accounts_task", dt.timedelta(days=1)),
    Periodic("edudb.quality.tasks.measure_task", dt.timedelta(days=1)),
    Periodic("edudb.exchange.tasks_exports.purge_exports_task", dt.timedelta(days=1)),
    Periodic("edudb.reporting.tasks.reporting_daily_task", dt.timedelta(hours=6)),
    Periodic("edudb.stats.tasks.refresh_live_task", dt.timedelta(hours=1)),
    Periodic("edudb.feedback.tasks.escalate_overdue_task", dt.timedelta(hours=6)),
    Periodic("edudb.oversight.tasks.open_account_reviews_task", dt.timedelta(days=1)),
    Periodic("edudb.incidents.tasks.security_clock_task", dt.timedelta(hours=1)),
    Periodic("edudb.sharing.tasks.expire_releases_task", dt.timedelta(days=1)),
]


def enqueue_due(now: dt.datetime | None = None) -> list[str]:
    """Queue every periodic task whose interval has passed; returns the names queued."""
    now = now or timezone.now()
    queued = []
    for periodic in PERIODIC:
        with transaction.atomic():
            run = ScheduledRun.objects.select_for_update().filter(name=periodic.task_path).first()
            if run is not None and now - run.last_enqueued_at < periodic.every:
                continue
            periodic.load().enqueue()
            ScheduledRun.objects.update_or_create(name=periodic.task_path, defaults={"last_enqueued_at": now})
            queued.append(periodic.task_path)
    return queued
