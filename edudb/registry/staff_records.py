"""The rules of a staff member's awards, discipline and training (R2.3), shared by the pages and the API.

Both doors check a record with the same functions here — dates not in the future, not before the person was an
adult, ranges and cross-field order — and delete one through :func:`delete_staff_record`, audited in the same
transaction as the delete. Every message names the field and says how to fix it (R6.3).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from edudb.core import audit
from edudb.core.records import Record, StaleRecord, record_snapshot
from edudb.core.scoping import Function
from edudb.quality.models import CodeItem
from edudb.registry.models import StaffAward, StaffDiscipline, StaffMember, StaffTraining
from edudb.registry.staffing import MIN_AGE_ON_JOINING, show_date, years_after

FIRST_YEAR = 1975  # the first school year the city's records go back to
MAX_HOURS = 3000  # periods (tiết) of one course: a degree course runs to a few thousand, BDTX to 120 a year
PLANNED_AHEAD_DAYS = 366  # a course may be entered up to a year before it starts (the year's training plan)

STAFF_RECORD_MODELS: tuple[type[Record], ...] = (StaffAward, StaffDiscipline, StaffTraining)

LABELS = {
    "staff": gettext_lazy("Cán bộ"),
    "title": gettext_lazy("Danh hiệu, hình thức khen thưởng"),
    "year": gettext_lazy("Năm học / năm"),
    "decision_date": gettext_lazy("Ngày quyết định"),
    "effective_until": gettext_lazy("Hết hiệu lực ngày"),
    "starts_on": gettext_lazy("Từ ngày"),
    "ends_on": gettext_lazy("Đến ngày"),
    "hours": gettext_lazy("Số tiết"),
}


def writable_staff(user: Any) -> QuerySet[StaffMember]:
    """The staff members whose records ``user`` may enter (function: enter staff)."""
    return StaffMember.objects.visible_to(user, Function.ENTER_STAFF)


def staff_problem(user: Any, staff: StaffMember | None) -> str | None:
    """Why ``user`` may not add or change records of ``staff`` (None: they may)."""
    if staff is None:
        return _("Cán bộ: hãy chọn cán bộ, giáo viên, nhân viên của đơn vị bạn quản lý.")
    if not writable_staff(user).filter(pk=staff.pk).exists():
        return _(
            "Cán bộ: bạn không được nhập dữ liệu đội ngũ cho người này. Hãy chọn một cán bộ thuộc đơn vị bạn được giao "
            "nhập dữ liệu đội ngũ."
        )
    return None


def last_year(today: dt.date | None = None) -> int:
    """The latest award year accepted: next year (a school year starting in the autumn is named by its first year)."""
    return (today or timezone.localdate()).year + 1


def _adult_on(staff: StaffMember | None) -> dt.date | None:
    if staff is None or staff.birth_date is None:
        return None
    return years_after(staff.birth_date, MIN_AGE_ON_JOINING)


def _not_before_adult(
    errors: dict[str, str], field: str, day: dt.date | None, staff: StaffMember | None, *, what: str
) -> None:
    adult = _adult_on(staff)
    if day is None or adult is None or field in errors or day >= adult:
        return
    errors[field] = _(
        "%(label)s: ngày %(day)s là trước khi %(name)s đủ %(n)s tuổi (từ %(adult)s). Hãy kiểm tra lại %(what)s, "
        "hoặc ngày sinh trong hồ sơ cán bộ."
    ) % {
        "label": LABELS[field],
        "day": show_date(day),
        "name": staff.full_name if staff else "",
        "n": MIN_AGE_ON_JOINING,
        "adult": show_date(adult),
        "what": what,
    }


def _decision_date(errors: dict[str, str], day: dt.date | None, staff: StaffMember | None, today: dt.date) -> None:
    if day is None:
        return
    if day > today:
        errors["decision_date"] = _(
            "Ngày quyết định: ngày %(day)s ở tương lai (hôm nay là %(today)s). Hãy nhập ngày đã ký quyết định."
        ) % {"day": show_date(day), "today": show_date(today)}
    elif day.year < FIRST_YEAR:
        errors["decision_date"] = _("Ngày quyết định: năm %(year)s quá xa; hãy kiểm tra lại năm (từ %(first)s).") % {
            "year": day.year,
            "first": FIRST_YEAR,
        }
    _not_before_adult(errors, "decision_date", day, staff, what=_("ngày quyết định"))


def award_problems(
    user: Any,
    *,
    staff: StaffMember | None,
    title: CodeItem | None,
    year: int | None,
    decision_date: dt.date | None,
    instance_pk: int | None = None,
    today: dt.date | None = None,
) -> dict[str, str]:
    """Every problem of an award, as {field: a Vietnamese message naming the field and the fix}."""
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    low, high = FIRST_YEAR, last_year(today)
    if year is not None and not low <= year <= high:
        errors["year"] = _(
            "Năm học / năm: %(year)s nằm ngoài khoảng %(low)s–%(high)s. Hãy ghi năm bắt đầu của năm học, ví dụ "
            "%(example)s cho năm học %(example)s–%(next)s."
        ) % {"year": year, "low": low, "high": high, "example": today.year - 1, "next": today.year}
    adult = _adult_on(staff)
    if year is not None and "year" not in errors and adult is not None and year < adult.year:
        errors["year"] = _(
            "Năm học / năm: năm %(year)s %(name)s chưa đủ %(n)s tuổi (đủ từ năm %(adult)s). Hãy kiểm tra lại năm khen "
            "thưởng, hoặc ngày sinh trong hồ sơ cán bộ."
        ) % {"year": year, "name": staff.full_name if staff else "", "n": MIN_AGE_ON_JOINING, "adult": adult.year}
    _decision_date(errors, decision_date, staff, today)
    if year is not None and decision_date is not None and not errors and decision_date.year < year:
        errors["decision_date"] = _(
            "Ngày quyết định: quyết định khen thưởng cho năm %(year)s không thể ký trước năm đó (đang là %(day)s). Hãy "
            "kiểm tra lại ngày quyết định hoặc năm khen thưởng."
        ) % {"year": year, "day": show_date(decision_date)}
    if staff is not None and title is not None and year is not None and "year" not in errors:
        same = StaffAward.objects.visible_to(user, Function.ENTER_STAFF).filter(staff=staff, title=title, year=year)
        if instance_pk is not None:
            same = same.exclude(pk=instance_pk)
        if same.exists():
            errors["title"] = _(
                "Danh hiệu, hình thức khen thưởng: %(name)s đã có «%(title)s» năm %(year)s. Mỗi danh hiệu chỉ ghi một "
                "lần trong một năm — hãy sửa dòng đã có."
            ) % {"name": staff.full_name, "title": title.name, "year": year}
    return errors


def discipline_problems(
    *,
    staff: StaffMember | None,
    decision_date: dt.date | None,
    effective_until: dt.date | None,
    today: dt.date | None = None,
) -> dict[str, str]:
    """Every problem of a disciplinary measure, as {field: a Vietnamese message naming the field and the fix}."""
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    _decision_date(errors, decision_date, staff, today)
    if decision_date is not None and effective_until is not None and effective_until <= decision_date:
        errors["effective_until"] = _(
            "Hết hiệu lực ngày: phải sau ngày quyết định (%(day)s). Hãy sửa ngày hết hiệu lực, hoặc để trống nếu "
            "quyết định chưa ghi thời hạn."
        ) % {"day": show_date(decision_date)}
    return errors


def training_problems(
    *,
    staff: StaffMember | None,
    starts_on: dt.date | None,
    ends_on: dt.date | None,
    hours: int | None,
    today: dt.date | None = None,
) -> dict[str, str]:
    """Every problem of a training course, as {field: a Vietnamese message naming the field and the fix}."""
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if starts_on is not None:
        if starts_on > today + dt.timedelta(days=PLANNED_AHEAD_DAYS):
            errors["starts_on"] = _(
                "Từ ngày: %(day)s còn hơn một năm nữa mới tới. Chỉ ghi khóa đã học, đang học hoặc đã có kế hoạch trong "
                "năm tới; hãy kiểm tra lại năm."
            ) % {"day": show_date(starts_on)}
        elif starts_on.year < FIRST_YEAR:
            errors["starts_on"] = _("Từ ngày: năm %(year)s quá xa; hãy kiểm tra lại năm (từ %(first)s).") % {
                "year": starts_on.year,
                "first": FIRST_YEAR,
            }
        _not_before_adult(errors, "starts_on", starts_on, staff, what=_("ngày bắt đầu khóa học"))
    if starts_on is not None and ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = _(
            "Đến ngày: %(end)s là trước ngày bắt đầu (%(start)s). Hãy ghi ngày kết thúc từ ngày bắt đầu trở đi, hoặc để "
            "trống nếu khóa học chưa kết thúc."
        ) % {"end": show_date(ends_on), "start": show_date(starts_on)}
    if hours is not None and not 1 <= hours <= MAX_HOURS:
        errors["hours"] = _(
            "Số tiết: %(hours)s nằm ngoài khoảng 1–%(max)s. Hãy ghi số tiết của khóa học, hoặc để trống."
        ) % {
            "hours": hours,
            "max": MAX_HOURS,
        }
    return errors


def _deleted_values(record: Record) -> dict[str, list[Any]]:
    return {name: [value, None] for name, value in record_snapshot(record).items() if value not in (None, "")}


@transaction.atomic
def delete_staff_record(record: Record, *, by: Any, expected_version: int | None) -> None:
    """Delete one award, discipline or training record if nobody changed it since ``expected_version``; the
    audit entry keeps every value it had, written in the same transaction."""
    model: Any = type(record)
    if model not in STAFF_RECORD_MODELS:
        raise TypeError(f"{model.__name__} is not a staff record")
    writable = model.objects.visible_to(by, Function.ENTER_STAFF)
    current = writable.filter(pk=record.pk).first()
    if current is None:
        raise PermissionDenied(_("Bản ghi nằm ngoài phạm vi quản lý của bạn; không có gì được xóa."))
    if expected_version is None or current.version != expected_version:
        raise StaleRecord(current)
    audit.record(
        f"{model._meta.model_name}.delete",
        by=by,
        obj=current,
        changes=_deleted_values(current),
        extra={"staff": current.staff_id, "version": current.version},
    )
    deleted, _counts = model.objects.filter(pk=current.pk, version=expected_version).delete()
    if not deleted:
        raise StaleRecord(current)
