"""Switching the audit trail's append-only triggers off and on, for test teardown and tamper drills only."""

from __future__ import annotations

import importlib

from django.db import connection

_migration = importlib.import_module("edudb.core.migrations.0003_audit_append_only")


def set_audit_guard(enabled: bool) -> None:
    with connection.cursor() as cursor:
        for sql in _migration.statements(connection.vendor, enabled):
            cursor.execute(sql)
