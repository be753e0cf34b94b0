"""Writing and verifying the audit trail (R10.2, DESIGN decision 3).

Entries are written in the transaction of the change they describe. Each carries the hash of the one before it,
so a changed or deleted row breaks the chain and ``manage.py verify_audit`` finds it; the database itself refuses
UPDATE and DELETE on the table (triggers installed by a migration).
"""

from __future__ import annotations

import contextvars
import datetime as dt
import decimal
import hashlib
import json
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from edudb.core.models import AuditEntry, Unit

GENESIS = "0" * 64
# PostgreSQL advisory lock key that serialises appends to the chain (any constant unique to this purpose).
_CHAIN_LOCK_KEY = 7_310_031


@dataclass(frozen=True)
class RequestContext:
    ip: str | None = None
    request_id: str = ""


_request_context: contextvars.ContextVar[RequestContext] = contextvars.ContextVar(
    "edudb_request_context",
    default=RequestContext(),  # noqa: B039 (a frozen dataclass)
)


def set_request_context(*, ip: str | None, request_id: str | None = None) -> contextvars.Token[RequestContext]:
    return _request_context.set(RequestContext(ip=ip, request_id=request_id or str(uuid.uuid4())))


def reset_request_context(token: contextvars.Token[RequestContext]) -> None:
    _request_context.reset(token)


def current_request_context() -> RequestContext:
    return _request_context.get()


def jsonable(value: Any) -> Any:
    """A value as it is stored in the trail: JSON-safe, the same after a round trip through either database."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, (set, frozenset)) else items
    if hasattr(value, "name") and hasattr(value, "url"):  # a FieldFile
        return value.name or ""
    return str(value)


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The audited fields of ``obj`` (foreign keys by id) as JSON-safe values."""
    values = {}
    for name in fields:
        field = obj._meta.get_field(name)
        attname = getattr(field, "attname", name)
        values[name] = jsonable(getattr(obj, attname))
    return values


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Field-level changes as ``{field: [before, after]}``, only for fields whose value changed."""
    return {
        name: [before.get(name), after.get(name)]
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    }


def _entry_payload(entry: AuditEntry) -> bytes:
    payload = {
        "prev": entry.prev_hash,
        "at": entry.at.astimezone(dt.UTC).isoformat(),
        "actor": entry.actor_id,
        "actor_username": entry.actor_username,
        "unit": entry.unit_id,
        "ip": entry.ip,
        "request_id": entry.request_id,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "changes": entry.changes,
        "extra": entry.extra,
    }
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def entry_hash(entry: AuditEntry) -> str:
    return hashlib.sha256(_entry_payload(entry)).hexdigest()


def _lock_chain() -> None:
    # SQLite transactions here are IMMEDIATE (settings), so the writer already holds the database lock.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])


def unit_of(obj: models.Model | None) -> Unit | None:
    """The unit an audited object belongs to, by the same declaration the scoping layer uses."""
    if obj is None:
        return None
    if isinstance(obj, Unit):
        return obj
    field = getattr(obj, "scope_unit_field", None)
    if isinstance(field, tuple):
        field = field[0]  # an object between two units is filed under the first (a transfer: the sender)
    if not field:
        return None
    target: Any = obj
    for part in field.split("__"):
        target = getattr(target, part, None)
        if target is None:
            return None
    return target if isinstance(target, Unit) else None


def record(
    action: str,
    *,
    by: Any,
    obj: models.Model | None = None,
    unit: Unit | None = None,
    changes: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
    username: str | None = None,
) -> AuditEntry:
    """Append one entry to the trail, inside the caller's transaction."""
    ctx = current_request_context()
    actor = by if getattr(by, "is_authenticated", False) else None
    with transaction.atomic():
        _lock_chain()
        prev = AuditEntry.objects.order_by("-id").values_list("hash", flat=True).first() or GENESIS
        entry = AuditEntry(
            at=timezone.now(),
            actor=actor,
            actor_username=(username if username is not None else getattr(actor, "username", ""))[:150],
            unit=unit or unit_of(obj),
            ip=ctx.ip,
            request_id=ctx.request_id,
            action=action,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
            object_repr=str(obj)[:255] if obj is not None else "",
            changes=jsonable(changes or {}),
            extra=jsonable(extra or {}),
            prev_hash=prev,
        )
        entry.hash = entry_hash(entry)
        entry.save(force_insert=True)
    return entry


@dataclass(frozen=True)
class ChainProblem:
    entry_id: int
    problem: str


def verify_chain(batch_size: int = 5000) -> Iterator[ChainProblem]:
    """Walk the whole trail in order; yield every entry whose content or link does not match."""
    prev = GENESIS
    last_id = 0
    while True:
        batch = list(AuditEntry.objects.filter(id__gt=last_id).order_by("id")[:batch_size])
        if not batch:
            return
        for entry in batch:
            if entry.prev_hash != prev:
                yield ChainProblem(entry.id, "broken-link")
            if entry_hash(entry) != entry.hash:
                yield ChainProblem(entry.id, "changed")
            prev = entry.hash
            last_id = entry.id
