"""The database fixture of the browser tests: the audit trail stays append-only during a test, Django's flush after
it still works (SQLite deletes, PostgreSQL truncates), and the flush leaves the database as the migrations made it.

The two tests run in this order in one session; the second one also holds on a fresh database, so any order passes.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from edudb.core import audit
from edudb.core.models import AuditEntry, UnitKind
from edudb.quality.models import CodeItem
from edudb.reporting.models import SchoolYear

pytestmark = pytest.mark.browser


def guard_installed() -> bool:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = 'audit_no_delete'")
        else:
            cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgname = 'audit_no_change'")
        return bool(cursor.fetchone()[0])


def test_the_trail_is_append_only_during_a_browser_test_and_flushed_after(browser_db: Any) -> None:
    audit.record("test.browser_db", by=None, username="tester")
    audit.record("test.browser_db", by=None, username="tester")
    assert guard_installed()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(action="test.browser_db").delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(action="test.browser_db").update(actor_username="someone else")
    assert AuditEntry.objects.filter(action="test.browser_db").count() == 2
    # The flush that follows this test must succeed with these rows in the table (else: an error at teardown).


def test_after_the_flush_the_database_is_as_the_migrations_left_it(transactional_db: None) -> None:
    assert not AuditEntry.objects.exists()  # flushed
    assert UnitKind.objects.filter(code="tieu_hoc").exists()  # seeded again (migration core 0002)
    assert CodeItem.objects.filter(code_list__code="trang_thai_hoc_sinh").count() == 12  # quality 0002–0003
    assert SchoolYear.objects.filter(is_current=True).exists()  # reporting 0002
    assert guard_installed()  # installed again (migration core 0003)


def test_the_live_server_threads_open_connections_of_their_own(browser_db: Any) -> None:
    """An in-memory SQLite database would have one connection shared by the test and every request thread, and
    two requests at once would interleave their transactions on it (root conftest: the tests use a file)."""
    if connection.vendor == "sqlite":
        assert not connection.is_in_memory_db()  # type: ignore[attr-defined]  # SQLite's wrapper only
    assert browser_db.thread.connections_override == {}
