"""Data quality operations: measuring, confirming data, the Sở's settings, and bringing stored text to one form.

Each is a keyword-only function taking ``by=``, atomic, writing its audit entry in the same transaction.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from edudb.core import audit
from edudb.core.models import Unit, subtree_q
from edudb.core.records import record_snapshot, update_record
from edudb.core.scoping import Function, reaches
from edudb.quality import completeness, scoring
from edudb.quality.models import (
    TARGET_DOMAIN,
    CompletenessRule,
    DataConfirmation,
    QualitySettings,
    RuleSetting,
    Severity,
    Target,
)
from edudb.quality.policy import maintains_reference_data
from edudb.quality.rules import RULES

# A subtree this small is measured while the user waits (a school: well under a second); larger ones go to the
# worker so that a commune's or the city's request does not hold a web process.
MEASURE_NOW_UNITS = 20

WRITE_FUNCTION = {
    Target.STUDENT: Function.ENTER_STUDENTS,
    Target.STAFF: Function.ENTER_STAFF,
    Target.CLASS: Function.ENTER_UNITS,
    Target.SCHOOL: Function.ENTER_UNITS,
    Target.ROOM: Function.ENTER_FACILITIES,
}


def remeasure(unit: Unit, *, by: Any) -> bool:
    """Measure ``unit`` and everything below it again; True when done at once, False when queued."""
    if not reaches(by, unit, Function.VIEW, TARGET_DOMAIN[Target.SCHOOL]) and not reaches(
        by, unit, Function.VIEW, TARGET_DOMAIN[Target.STAFF]
    ):
        raise PermissionDenied(_("Đơn vị này nằm ngoài phạm vi quản lý của bạn."))
    unit_ids = list(Unit.objects.filter(subtree_q(unit.path)).values_list("pk", flat=True))
    audit.record("quality.measure", by=by, obj=unit, changes={"units": [None, len(unit_ids)]})
    if len(unit_ids) <= MEASURE_NOW_UNITS:
        scoring.measure(unit_ids)
        return True
    from edudb.quality.tasks import measure_task

    transaction.on_commit(lambda: measure_task.enqueue(unit_ids))
    return False


@transaction.atomic
def confirm_data(unit: Unit, target: str, *, by: Any) -> DataConfirmation:
    """Record that ``unit``'s records of ``target`` are still correct as they stand (xác nhận dữ liệu)."""
    function = WRITE_FUNCTION[Target(target)]
    if not reaches(by, unit, function, TARGET_DOMAIN[Target(target)]):
        raise PermissionDenied(_("Chỉ người được giao nhập dữ liệu này của đơn vị mới xác nhận được dữ liệu còn đúng."))
    confirmation = DataConfirmation.objects.create(
        unit=unit, domain=TARGET_DOMAIN[Target(target)], target=target, confirmed_at=timezone.now(), confirmed_by=by
    )
    audit.record("quality.confirm", by=by, obj=unit, changes={"target": [None, target]})
    transaction.on_commit(lambda: scoring.measure([unit.pk]))
    return confirmation


def require_department(by: Any) -> None:
    if not maintains_reference_data(by):
        raise PermissionDenied(_("Chỉ Sở Giáo dục và Đào tạo thay đổi được quy tắc chất lượng dữ liệu."))


@transaction.atomic
def set_stale_after(days: int, *, by: Any) -> QualitySettings:
    """Change how old data may get before it counts as not timely."""
    require_department(by)
    if not 7 <= days <= 730:
        raise ValidationError(_("Số ngày phải từ 7 đến 730."))
    settings_row = QualitySettings.current()
    before = settings_row.stale_after_days
    settings_row.stale_after_days = days
    settings_row.updated_by = by
    settings_row.save()
    audit.record("quality.settings", by=by, obj=settings_row, changes={"stale_after_days": [before, days]})
    return settings_row


@transaction.atomic
def set_required_fields(target: str, chosen: dict[str, list[str]], *, by: Any) -> list[CompletenessRule]:
    """Make exactly ``chosen`` ({field: [level codes, or "" for every level]}) the required fields of ``target``."""
    require_department(by)
    allowed = completeness.requirable_fields(target)
    unknown = sorted(set(chosen) - set(allowed))
    if unknown:
        raise ValidationError(_("Không có trường thông tin %(f)s để bắt buộc.") % {"f": ", ".join(unknown)})
    wanted = {(name, level) for name, levels in chosen.items() for level in (levels or [""])}
    existing = {(r.field, r.level): r for r in CompletenessRule.objects.select_for_update().filter(target=target)}
    before = sorted(f"{f}@{lv}" if lv else f for (f, lv), r in existing.items() if r.is_active)
    for key, rule_row in existing.items():
        active = key in wanted
        if rule_row.is_active != active:
            rule_row.is_active = active
            rule_row.save(update_fields=["is_active"])
    for name, level in wanted - set(existing):
        CompletenessRule.objects.create(target=target, field=name, level=level)
    after = sorted(f"{f}@{lv}" if lv else f for f, lv in wanted)
    if before != after:
        audit.record("quality.required_fields", by=by, obj=None, changes={target: [before, after]})
    return list(CompletenessRule.objects.filter(target=target, is_active=True))


@transaction.atomic
def set_rule(code: str, *, active: bool, severity: str, by: Any) -> RuleSetting:
    """Switch a validation rule on or off, or change whether it blocks."""
    require_department(by)
    if code not in RULES:
        raise ValidationError(_("Không có quy tắc %(code)s.") % {"code": code})
    if severity not in Severity.values:
        raise ValidationError(_("Mức độ phải là lỗi hoặc cảnh báo."))
    setting, _created = RuleSetting.objects.select_for_update().get_or_create(
        rule=code, defaults={"severity": RULES[code].severity}
    )
    before = [setting.is_active, setting.severity]
    setting.is_active, setting.severity = active, severity
    setting.save()
    if before != [active, severity]:
        audit.record("quality.rule", by=by, obj=None, changes={code: [before, [active, severity]]})
    return setting


def standardise_records(unit: Unit, target: str, *, by: Any) -> int:
    """Bring the stored text of ``unit``'s records of ``target`` to the one form (the changes the work list showed),
    each record through update_record so every field change is audited. Returns the number of records changed."""
    function = WRITE_FUNCTION[Target(target)]
    if not reaches(by, unit, function, TARGET_DOMAIN[Target(target)]):
        raise PermissionDenied(_("Bạn không được giao sửa dữ liệu này của đơn vị."))
    from edudb.quality import normalise

    fields = scoring.CONSISTENT_FIELDS[Target(target)]
    changed = 0
    with transaction.atomic():
        records = completeness.current_records(target).filter(unit=unit).select_for_update()
        for record in records:
            layer = normalise.Normaliser()
            updates = {}
            for name, kind in fields:
                value = getattr(record, name) or ""
                if value:
                    result = layer.clean(name, normalise.Kind[kind], value, label=name)
                    if name not in layer.errors and result != value:
                        updates[name] = result
            if not updates:
                continue
            before = record_snapshot(record)
            for name, value in updates.items():
                setattr(record, name, value)
            update_record(record, by=by, function=function, expected_version=record.version, before=before)
            changed += 1
    transaction.on_commit(lambda: scoring.measure([unit.pk]))
    return changed
