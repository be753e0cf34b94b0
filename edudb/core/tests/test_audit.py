"""The audit trail (R10.2): written with the change, hash-chained, refused UPDATE/DELETE by the database."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from conftest import Cast
from edudb.accounts import services
from edudb.core import audit
from edudb.core.guards import set_audit_guard
from edudb.core.models import AuditEntry


@pytest.fixture
def guard_off() -> Iterator[None]:
    """Switch the append-only triggers off to simulate a tamperer with direct database access."""
    set_audit_guard(False)
    yield
    set_audit_guard(True)


def make_entries(cast: Cast, n: int = 5) -> list[AuditEntry]:
    return [
        audit.record("unit.test", by=cast.so_admin, obj=cast.school_a1, changes={"name": ["Cũ", f"Mới {i}"]})
        for i in range(n)
    ]


@pytest.mark.django_db
def test_entries_chain_and_verify(cast: Cast, capsys: pytest.CaptureFixture[str]) -> None:
    entries = make_entries(cast)
    for previous, entry in itertools.pairwise(entries):
        assert entry.prev_hash == previous.hash
    assert entries[0].unit_id == cast.school_a1.pk and entries[0].actor_username == "so.admin"
    call_command("verify_audit")
    assert "toàn vẹn" in capsys.readouterr().out


@pytest.mark.django_db
def test_database_refuses_update_and_delete(cast: Cast) -> None:
    entry = make_entries(cast, 1)[0]
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(action="tampered")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditentry SET actor_username = 'x'")
    assert AuditEntry.objects.get(pk=entry.pk).action == "unit.test"


@pytest.mark.django_db
def test_verify_detects_a_changed_row(cast: Cast, guard_off: None) -> None:
    entries = make_entries(cast)
    AuditEntry.objects.filter(pk=entries[2].pk).update(changes={"name": ["Cũ", "Giả mạo"]})
    problems = list(audit.verify_chain())
    assert [(p.entry_id, p.problem) for p in problems] == [(entries[2].pk, "changed")]
    with pytest.raises(CommandError, match="không toàn vẹn"):
        call_command("verify_audit")


@pytest.mark.django_db
def test_verify_detects_a_deleted_row(cast: Cast, guard_off: None) -> None:
    entries = make_entries(cast)
    AuditEntry.objects.filter(pk=entries[1].pk).delete()
    problems = list(audit.verify_chain())
    assert [(p.entry_id, p.problem) for p in problems] == [(entries[2].pk, "broken-link")]


@pytest.mark.django_db
def test_entry_is_written_in_the_same_transaction_as_the_change(cast: Cast) -> None:
    before = AuditEntry.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.suspend_account(cast.school_a1_user, by=cast.school_a1_admin, reason="Thử")
        raise RuntimeError("the change fails after the service ran")
    assert AuditEntry.objects.count() == before
    cast.school_a1_user.refresh_from_db()
    assert cast.school_a1_user.is_active


@pytest.mark.django_db
def test_request_context_reaches_the_entry(cast: Cast, client: pytest.FixtureRequest) -> None:
    from django.test import Client

    browser = Client(REMOTE_ADDR="203.113.1.9", HTTP_X_REQUEST_ID="req-12345678")
    browser.force_login(cast.school_a1_admin)
    browser.post(f"/accounts/{cast.school_a1_user.pk}/suspend/", {"reason": "Nghỉ phép dài hạn"})
    entry = AuditEntry.objects.get(action="account.suspend")
    assert entry.ip == "203.113.1.9" and entry.request_id == "req-12345678"
    assert entry.changes == {"is_active": [True, False]}


@pytest.mark.django_db
def test_audit_search_filters_within_scope(cast: Cast) -> None:
    from django.test import Client

    audit.record("unit.test", by=cast.so_admin, obj=cast.school_a1, username="so.admin")
    audit.record("unit.test", by=cast.so_admin, obj=cast.school_b1, username="so.admin")
    browser = Client()
    browser.force_login(cast.commune_a_admin)
    page = browser.get("/audit/", {"q": "so.admin", "action": "unit"}).content.decode()
    assert "Trường Tiểu học Lê Văn Tám" in page
    assert "Trường Tiểu học An Lão" not in page
