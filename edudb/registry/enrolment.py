"""Enrolment (nhập học) and edits of student records: the rules every door applies, page or API alike.

The form and the serializer parse their input, then call the checks here (birth date against the class grade, the
class belonging to the school, the personal ID unique without saying whose it is, a Ministry code never issued
before) and write through :func:`enrol` / :func:`save_student`, each one transaction with its audit entries: the
record, its code claim, its guardians and policy groups are all written, or nothing is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from edudb.core import audit
from edudb.core.models import Unit
from edudb.core.records import create_record, update_record
from edudb.core.scoping import Function
from edudb.quality.models import CodeItem, items_of
from edudb.quality.normalise import NormaliseError, normalise_phone
from edudb.registry import services
from edudb.registry.journal import record_event, unscoped_waiting_learners
from edudb.registry.models import CodeKind, Guardian, SchoolClass, Student, StudentEventKind
from edudb.registry.services import claim_code, next_temporary_code

STATUS_LIST = "trang_thai_hoc_sinh"
STATUS_STUDYING = "01"  # "Đang học"
NATIONALITY_LIST = "quoc_tich"
VIETNAM = "VN"

# Grade g expects a learner turning g+5 to g+8 in the school year's first calendar year: one year early (a grade
# skipped), up to three late (repeated grades, late entry — Circular 32/2020/TT-BGDĐT Điều 33). Learners with a
# disability may be older still; continuing education (GDTX) has no upper limit; preschool is 0–6.
EARLY_YEARS = 1
LATE_YEARS = 3
DISABILITY_EXTRA_YEARS = 3
PRESCHOOL_AGES = (0, 6)
GUARDIAN_FIELDS = ("relation", "full_name", "birth_year", "occupation", "phone")


def default_status() -> CodeItem | None:
    """ "Đang học", the status of a new enrolment."""
    return items_of(STATUS_LIST).filter(code=STATUS_STUDYING).first()


def default_nationality() -> CodeItem | None:
    return items_of(NATIONALITY_LIST).filter(code=VIETNAM).first()


def age_in_year(birth_date: dt.date, start_year: int) -> int:
    """The age a learner turns in the calendar year the school year starts (how schools count it)."""
    return start_year - birth_date.year


def expected_ages(school_class: SchoolClass, *, disabled: bool = False) -> tuple[int, int | None]:
    """The youngest and oldest age (in the school year's start year) sensible for the class; None: no limit."""
    if school_class.grade is None:
        low, high = PRESCHOOL_AGES
        return low, high + (2 if disabled else 0)
    low = school_class.grade + 5 - EARLY_YEARS
    if "|gdtx|" in (school_class.unit.level_codes or ""):
        return low, None
    return low, school_class.grade + 5 + LATE_YEARS + (DISABILITY_EXTRA_YEARS if disabled else 0)


def check_birth_date(birth_date: dt.date | None, school_class: SchoolClass | None, *, disabled: bool = False) -> None:
    """Refuse a birth date in the future or an age that makes no sense for the class grade (field: birth_date)."""
    if birth_date is None:
        return
    today = timezone.localdate()
    if birth_date > today:
        raise ValidationError(
            {
                "birth_date": _("Ngày sinh %(date)s ở tương lai; hãy ghi đúng ngày sinh theo giấy khai sinh.")
                % {"date": birth_date.strftime("%d/%m/%Y")}
            }
        )
    if birth_date.year < today.year - 100:
        raise ValidationError({"birth_date": _("Ngày sinh quá xa; hãy kiểm tra lại năm sinh.")})
    if school_class is None:
        return
    age = age_in_year(birth_date, school_class.school_year.start_year)
    low, high = expected_ages(school_class, disabled=disabled)
    if age < low or (high is not None and age > high):
        where = (
            _("lớp %(name)s (khối %(grade)s)") % {"name": school_class.name, "grade": school_class.grade}
            if school_class.grade
            else _("lớp mầm non %(name)s") % {"name": school_class.name}
        )
        expected = (
            _("từ %(low)s đến %(high)s tuổi") % {"low": low, "high": high}
            if high is not None
            else _("từ %(low)s tuổi trở lên") % {"low": low}
        )
        raise ValidationError(
            {
                "birth_date": _(
                    "Học sinh sinh năm %(year)s tròn %(age)s tuổi trong năm %(start)s, không phù hợp với %(where)s "
                    "(thường %(expected)s). Hãy kiểm tra lại ngày sinh hoặc chọn đúng lớp."
                )
                % {
                    "year": birth_date.year,
                    "age": age,
                    "start": school_class.school_year.start_year,
                    "where": where,
                    "expected": expected,
                }
            }
        )


def check_enrolled_on(enrolled_on: dt.date | None, birth_date: dt.date | None) -> None:
    """The enrolment date lies after the birth and not far in the future (field: enrolled_on)."""
    if enrolled_on is None:
        return
    if birth_date is not None and enrolled_on < birth_date:
        raise ValidationError({"enrolled_on": _("Ngày nhập học không thể trước ngày sinh; hãy kiểm tra lại.")})
    if enrolled_on > timezone.localdate() + dt.timedelta(days=366):
        raise ValidationError({"enrolled_on": _("Ngày nhập học quá xa trong tương lai; hãy kiểm tra lại.")})


def check_class_school(school_class: SchoolClass | None, unit: Unit | None) -> None:
    """The class must belong to the student's school (field: school_class)."""
    if school_class is not None and unit is not None and school_class.unit_id != unit.pk:
        raise ValidationError(
            {
                "school_class": _(
                    "Lớp %(name)s thuộc %(other)s, không thuộc %(school)s; hãy chọn một lớp của %(school)s."
                )
                % {"name": school_class.name, "other": school_class.unit.name, "school": unit.name}
            }
        )


def duplicate_personal_id_message() -> str:
    # Never says whose it is: the other record may lie outside the writer's scope (R5.2).
    return _(
        "Số định danh cá nhân này đã có trong hồ sơ của một học sinh khác. Hãy đối chiếu lại với giấy khai sinh "
        "hoặc thẻ căn cước; nếu học sinh chuyển đến từ trường khác, hãy làm thủ tục chuyển trường thay vì tạo hồ "
        "sơ mới."
    )


def clean_personal_id(raw: object, *, exclude_pk: int | None = None) -> str:
    """A personal ID repaired, 12 digits, not held by another student; '' when empty."""
    return services.clean_personal_id(
        Student, raw, exclude_pk=exclude_pk, taken_message=duplicate_personal_id_message()
    )


def clean_new_ministry_code(raw: object) -> str:
    """A Ministry student code for a new enrolment: repaired, 10 digits, never issued before; '' when empty.

    When the code is a learner's who finished a level elsewhere, the refusal points to the admission page, which
    moves that record here instead of making a second one."""
    if raw in (None, ""):
        return ""
    try:
        return services.clean_new_code(CodeKind.STUDENT, raw)
    except ValidationError as exc:
        code = services.clean_ministry_code(CodeKind.STUDENT, raw)
        if exc.code == "code_reused" and unscoped_waiting_learners(ministry_code=code):
            raise ValidationError(
                _(
                    "Mã %(code)s là của một học sinh đã hoàn thành chương trình cấp học ở trường khác. Đừng tạo hồ "
                    "sơ mới: hãy dùng “Tiếp nhận học sinh đầu cấp” (mục Biến động) với mã và ngày sinh của học sinh, "
                    "hồ sơ sẽ chuyển về trường mình."
                )
                % {"code": code},
                code="code_awaits_admission",
            ) from exc
        raise


def clean_phone(raw: str | None) -> str:
    """A Vietnamese phone number through the one normalisation layer: '+84 912 345 678' → '0912345678', the
    pre-2018 prefixes renumbered; '' when empty."""
    try:
        return normalise_phone(raw or "")
    except NormaliseError as exc:
        raise ValidationError(exc.message, code="phone") from exc


def _claim_temporary_code() -> str:
    for _attempt in range(20):  # two enrolments at once may compute the same next number: take the one after
        code = next_temporary_code()
        try:
            claim_code(CodeKind.STUDENT_TEMPORARY, code)
        except ValidationError:
            continue
        if not Student.objects.filter(temporary_code=code).exists():  # held but never registered: skip it
            return code
    raise ValidationError(_("Không cấp được mã tạm cho học sinh lúc này; hãy lưu lại sau ít phút."))


def _guardian_rows(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    return [{name: row.get(name) or ("" if name != "birth_year" else None) for name in GUARDIAN_FIELDS} for row in rows]


def _guardians_of(student: Student) -> list[dict[str, Any]]:
    return [
        {name: getattr(guardian, name) for name in GUARDIAN_FIELDS}
        for guardian in Guardian.objects.filter(student=student).order_by("pk")
    ]


def _replace_guardians(student: Student, rows: list[dict[str, Any]], *, by: Any) -> None:
    before = _guardians_of(student) if student.pk else []
    if rows == before:
        return
    Guardian.objects.filter(student=student).delete()
    Guardian.objects.bulk_create(Guardian(student=student, **row) for row in rows)
    audit.record(
        "student.guardians",
        by=by,
        obj=student,
        changes={"guardians": [_guardians_text(before) or None, _guardians_text(rows) or None]},
    )


def _guardians_text(rows: list[dict[str, Any]]) -> str:
    """Guardians as the history shows them: 'Mẹ: Trần Thị Bích (1988, 0912345678); Cha: …'."""
    labels = dict(Guardian.Relation.choices)
    parts = []
    for row in rows:
        details = ", ".join(str(row[name]) for name in ("birth_year", "occupation", "phone") if row.get(name))
        label = str(labels.get(row.get("relation") or "", row.get("relation") or ""))
        parts.append(f"{label}: {row['full_name']}" + (f" ({details})" if details else ""))
    return "; ".join(parts)


def _set_policy_groups(student: Student, groups: Iterable[CodeItem], *, by: Any, before: list[str]) -> None:
    wanted = sorted({item.pk: item for item in groups}.values(), key=lambda item: item.code)
    after = [item.code for item in wanted]
    if after == before:
        return
    student.policy_groups.set(wanted)
    audit.record(
        "student.policy_groups", by=by, obj=student, changes={"policy_groups": [before or None, after or None]}
    )


def _policy_codes(student: Student) -> list[str]:
    return sorted(student.policy_groups.values_list("code", flat=True))


def _unique_violation(exc: IntegrityError) -> ValidationError:
    text = str(exc).lower()
    if "personal_id" in text:
        return ValidationError({"personal_id": duplicate_personal_id_message()})
    return ValidationError(_("Không lưu được hồ sơ vì trùng mã với hồ sơ khác; hãy tải lại trang và thử lại."))


@transaction.atomic
def enrol(
    student: Student,
    *,
    by: Any,
    ministry_code: str = "",
    guardians: Iterable[Mapping[str, Any]] = (),
    policy_groups: Iterable[CodeItem] = (),
) -> Student:
    """Enrol a new student: claim its Ministry code (or a fresh temporary code), write the record, its guardians
    and policy groups — one transaction, every step audited. Raises ValidationError (nothing written)."""
    check_class_school(student.school_class, student.unit)
    check_birth_date(student.birth_date, student.school_class, disabled=student.disability_id is not None)
    if ministry_code:
        claim_code(CodeKind.STUDENT, ministry_code)
        student.ministry_code, student.temporary_code = ministry_code, None
    else:
        student.ministry_code, student.temporary_code = None, _claim_temporary_code()
    if getattr(student, "status_id", None) is None:
        status = default_status()
        if status is None:
            raise ValidationError(
                {"status": _("Danh mục trạng thái học sinh chưa có mã 01 (Đang học); hãy chọn trạng thái.")}
            )
        student.status = status
    if getattr(student, "nationality_id", None) is None:
        student.nationality = default_nationality()  # type: ignore[assignment]
    if student.enrolled_on is None:
        student.enrolled_on = timezone.localdate()
    try:
        with transaction.atomic():
            create_record(student, by=by, function=Function.ENTER_STUDENTS)
    except IntegrityError as exc:
        raise _unique_violation(exc) from exc
    _set_policy_groups(student, policy_groups, by=by, before=[])
    _replace_guardians(student, _guardian_rows(guardians), by=by)
    record_event(
        student,
        StudentEventKind.ENROLLED,
        unit=student.unit,
        day=student.enrolled_on,
        by=by,
        status=student.status,
        school_class=student.school_class,
    )
    return student


@transaction.atomic
def save_student(
    student: Student,
    *,
    by: Any,
    expected_version: int,
    before: dict[str, Any],
    guardians: Iterable[Mapping[str, Any]] | None = None,
    policy_groups: Iterable[CodeItem] | None = None,
) -> Student:
    """Save an edited student (new values already on ``student``) with its guardians and policy groups, if given.

    Refused with StaleRecord when someone saved it since ``expected_version``; ValidationError on bad values."""
    check_class_school(student.school_class, student.unit)
    check_birth_date(student.birth_date, student.school_class, disabled=student.disability_id is not None)
    policy_before = _policy_codes(student) if policy_groups is not None else []
    try:
        with transaction.atomic():
            update_record(
                student, by=by, function=Function.ENTER_STUDENTS, expected_version=expected_version, before=before
            )
    except IntegrityError as exc:
        raise _unique_violation(exc) from exc
    if policy_groups is not None:
        _set_policy_groups(student, policy_groups, by=by, before=policy_before)
    if guardians is not None:
        _replace_guardians(student, _guardian_rows(guardians), by=by)
    return student
