"""Records of the component databases: versioned, audited field by field, re-checked against the writer's scope.

Every create and edit — page or API — goes through :func:`create_record` / :func:`update_record`, so a record is
written the same way whichever door it came through: in one transaction with its audit entry, refused when someone
else saved it first (optimistic concurrency on ``version``), and rolled back if the result would lie outside the
writer's scope (a forged unit id, say).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from edudb.core import audit
from edudb.core.models import AuditEntry

_BOOKKEEPING = {"id", "version", "created_at", "updated_at", "updated_by"}


class Record(models.Model):
    """Abstract base of component-database records: a version for concurrent edits, and who changed it last."""

    version = models.PositiveIntegerField(gettext_lazy("phiên bản"), default=1, editable=False)
    created_at = models.DateTimeField(gettext_lazy("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(gettext_lazy("sửa lúc"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )

    # Fields whose values never enter the audit trail in clear (personal IDs…): recorded as changed, not shown.
    secret_fields: ClassVar[frozenset[str]] = frozenset()

    class Meta:
        abstract = True


class StaleRecord(Exception):
    """Someone saved the record after the editor loaded it; nothing was written."""

    def __init__(self, record: Record) -> None:
        current = type(record)._default_manager.filter(pk=record.pk).select_related("updated_by").first()
        who = current.updated_by.full_name if current and current.updated_by else _("người khác")
        when = current.updated_at.strftime("%H:%M %d/%m/%Y") if current else ""
        super().__init__(
            _(
                "Bản ghi đã được %(who)s sửa lúc %(when)s, sau khi bạn mở nó. Không có gì bị ghi đè: hãy tải lại "
                "trang để xem bản mới nhất rồi nhập lại thay đổi của bạn."
            )
            % {"who": who, "when": when}
        )


def audited_fields(record: models.Model) -> list[str]:
    return [
        field.name
        for field in record._meta.concrete_fields
        if field.name not in _BOOKKEEPING and getattr(field, "editable", True)
    ]


def record_snapshot(record: Record) -> dict[str, Any]:
    """The audited fields' current values (secret ones too: they are masked when the diff is written)."""
    return audit.snapshot(record, audited_fields(record))


def _masked(record: Record, changes: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """Secret fields (personal IDs…) stay in the diff as 'changed', their values never in clear."""
    for name in record.secret_fields & set(changes):
        before, after = changes[name]
        changes[name] = ["•••" if before else before, "•••" if after else after]  # present in the diff: it changed
    return changes


def _action(record: models.Model, verb: str) -> str:
    return f"{record._meta.model_name}.{verb}"


def _recheck_scope(record: models.Model, by: Any, function: str) -> None:
    """After the write, still inside the transaction: the record must lie in the writer's scope, else roll back."""
    manager: Any = type(record)._default_manager
    if not manager.all().visible_to(by, function).filter(pk=record.pk).exists():
        raise PermissionDenied(_("Bản ghi nằm ngoài phạm vi quản lý của bạn; không có gì được ghi."))


@transaction.atomic
def create_record(record: Record, *, by: Any, function: str) -> Record:
    """Insert a new record written by ``by`` with ``function``; audited with every field."""
    record.version = 1
    record.updated_by = by
    record.save(force_insert=True)
    _recheck_scope(record, by, function)
    changes = {name: [None, value] for name, value in record_snapshot(record).items() if value not in (None, "")}
    audit.record(_action(record, "create"), by=by, obj=record, changes=_masked(record, changes))
    return record


@transaction.atomic
def update_record(record: Record, *, by: Any, function: str, expected_version: int, before: dict[str, Any]) -> Record:
    """Save ``record``'s new values if nobody saved it since ``expected_version``; audit the field changes."""
    claimed = (
        type(record)._default_manager.filter(pk=record.pk, version=expected_version).update(version=F("version") + 1)
    )
    if not claimed:
        raise StaleRecord(record)
    record.version = expected_version + 1
    record.updated_by = by
    record.save()
    _recheck_scope(record, by, function)
    changes = _masked(record, audit.diff(before, record_snapshot(record)))
    if changes:
        audit.record(_action(record, "update"), by=by, obj=record, changes=changes)
    return record


@dataclass(frozen=True)
class ImportedChange:
    """A change an Excel import made to a record, shown in its history beside the audit entries (the import itself
    is one audit entry for the whole file; its field-level changes are kept per record)."""

    at: Any
    actor_username: str
    action_label: str
    changes: dict[str, Any]


def unscoped_history_of(record: models.Model, limit: int = 50) -> list[Any]:
    """The audit entries about one record, and the Excel imports that changed it, newest first. Only called after
    the record itself came through the scoping door."""
    from django.apps import apps

    kind = record._meta.label_lower
    entries: list[Any] = list(
        AuditEntry.objects.filter(object_type=kind, object_id=str(record.pk)).order_by("-id")[:limit]
    )
    change_model = apps.get_model("exchange", "ImportChange")
    imported = (
        change_model.objects.filter(object_type=kind, object_id=record.pk)
        .select_related("job", "job__account")
        .order_by("-job__committed_at")[:limit]
    )
    for change in imported:
        job = change.job
        label = _("Nhập từ tệp %(file)s, dòng %(row)s") % {"file": job.file_name, "row": change.row}
        who = job.account.username if job.account else ""
        entries.append(ImportedChange(job.committed_at or job.created_at, who, label, change.changes))
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries[:limit]
