"""Switching the append-only triggers off and on — the audit trail's and the submitted snapshots' — for test
teardown and tamper drills only, and putting back what Django's flush removes but the migrations made."""

from __future__ import annotations

import importlib
from typing import Any

from django.apps import apps as django_apps
from django.db import connection

_migration = importlib.import_module("edudb.core.migrations.0003_audit_append_only")
_snapshots = importlib.import_module("edudb.reporting.migrations.0005_snapshots_immutable")
_seed_0002 = importlib.import_module("edudb.core.migrations.0002_level_groups_and_unit_kinds")
_seed_years = importlib.import_module("edudb.reporting.migrations.0002_recent_school_years")


def set_audit_guard(enabled: bool) -> None:
    with connection.cursor() as cursor:
        for sql in _migration.statements(connection.vendor, enabled):
            cursor.execute(sql)


def set_guards(enabled: bool) -> None:
    """Every append-only guard at once: the audit trail and the submitted snapshots (SQLite's flush deletes)."""
    set_audit_guard(enabled)
    with connection.cursor() as cursor:
        for sql in _snapshots.statements(connection.vendor, enabled):
            cursor.execute(sql)


def restore_migrated_state() -> None:
    """Put back what a flush removes but the migrations made: unit kinds and level groups, the code lists, the
    recent school years and their reporting periods, the guards."""
    from edudb.quality.codelists_sync import sync_code_lists

    set_guards(True)
    _seed_0002.seed(django_apps, None)
    sync_code_lists(django_apps.get_model("quality", "CodeList"), django_apps.get_model("quality", "CodeItem"))
    _seed_years.seed(django_apps, None)
    _snapshots.seed_periods(django_apps, None)


def restore_after_flush(sender: Any, **kwargs: Any) -> None:
    """A post_migrate receiver: the flush after a transactional test emits it; restore right there."""
    if getattr(sender, "label", None) == "core":
        restore_migrated_state()
