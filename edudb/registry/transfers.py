"""Everyday movements (R2.7): students changing school, dropping out and coming back; staff moving between units.

A transfer has two ends. The sending unit releases the person (``release_student`` / ``release_staff``); the
receiving unit accepts (the record, its codes and its history move, and the status codes follow the term the day
falls in) or refuses with a reason; the sender may cancel while it waits. A manager who can write at both ends
moves staff at once (điều động). Every step is one transaction with its audit entries; every refusal says why in
Vietnamese and what to do instead. The student event journal (``StudentEvent``) records at each school what
happened there, so a school still counts the learner who left it in that term.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from edudb.core import audit
from edudb.core.models import Category, Unit
from edudb.core.scoping import Domain, Function, reaches
from edudb.quality.models import CodeItem, items_of
from edudb.quality.text import search_key
from edudb.registry.enrolment import check_birth_date
from edudb.registry.journal import record_event, unscoped_waiting_learners, year_and_term
from edudb.registry.models import (
    SchoolClass,
    StaffMember,
    StaffTransfer,
    StaffTransferKind,
    Student,
    StudentEventKind,
    StudentTransfer,
    TransferState,
)
from edudb.reporting.models import SUMMER

STUDENT_STATUS = "trang_thai_hoc_sinh"
STAFF_STATUS = "trang_thai_can_bo"
# The student status codes of the Ministry's list (QĐ 4998), by term: 1, 2, and 3 for the summer.
TRANSFER_IN = {1: "02", 2: "06", SUMMER: "10"}
TRANSFER_OUT = {1: "04", 2: "08", SUMMER: "11"}
DROP_OUT = {1: "05", 2: "09", SUMMER: "12"}
RETURN = {1: "03", 2: "07", SUMMER: "03"}  # no summer variant: a return in the summer counts for the next term 1
STUDYING = {"01", *TRANSFER_IN.values(), *RETURN.values()}
DROPPED = set(DROP_OUT.values())
GONE = set(TRANSFER_OUT.values())
STAFF_ARRIVED = "02"  # trang_thai_can_bo: Chuyển đến
STAFF_SECONDED = "05"  # Biệt phái
STAFF_AT_WORK = {"01", "02"}
# Grades each level group teaches, to refuse sending a learner to a school that has no such grade.
LEVEL_GRADES = {"th": range(1, 6), "thcs": range(6, 10), "thpt": range(10, 13), "gdtx": range(6, 13)}
PRESCHOOL_LEVELS = {"mn"}


def status_item(list_code: str, code: str) -> CodeItem:
    item = items_of(list_code).filter(code=code).first()
    if item is None:
        raise ValidationError(
            _("Danh mục “%(list)s” chưa có mã %(code)s; hãy báo Sở bổ sung danh mục.")
            % {"list": list_code, "code": code}
        )
    return item


def check_day(day: dt.date | None, field: str, *, not_before: dt.date | None = None) -> dt.date:
    """A movement's day: given, not more than 30 days ahead, not before ``not_before`` (field named in the error)."""
    if day is None:
        raise ValidationError({field: _("Hãy ghi ngày (dd/mm/yyyy).")})
    today = timezone.localdate()
    if day > today + dt.timedelta(days=30):
        raise ValidationError(
            {
                field: _("Ngày %(day)s quá xa trong tương lai; chỉ ghi trước tối đa 30 ngày.")
                % {"day": f"{day:%d/%m/%Y}"}
            }
        )
    if not_before is not None and day < not_before:
        raise ValidationError(
            {
                field: _("Ngày %(day)s trước ngày %(floor)s; hãy kiểm tra lại.")
                % {"day": f"{day:%d/%m/%Y}", "floor": f"{not_before:%d/%m/%Y}"}
            }
        )
    return day


def _writable(model: Any, by: Any, function: str, pk: int, *, via: str | None = None) -> Any:
    """The object, locked for the write, if ``by`` may write it (through one end, for a transfer); else refused."""
    qs = model.objects.visible_to(by, function, via=via) if via else model.objects.visible_to(by, function)
    found = qs.select_for_update(of=("self",)).filter(pk=pk).first()
    if found is None:
        raise PermissionDenied(_("Bản ghi nằm ngoài phạm vi quản lý của bạn; không có gì được ghi."))
    return found


def unscoped_transfer_destinations(
    query: str = "", *, institutions_only: bool = True, limit: int = 20
) -> models.QuerySet[Unit]:
    """Units a transfer may go to — active institutions (or any active unit, for staff) — by name or code.

    Names and codes of units are public (the Ministry publishes them); only they leave, never their data."""
    units = Unit.objects.filter(is_active=True).only("pk", "code", "name")
    if institutions_only:
        units = units.filter(kind__category=Category.INSTITUTION)
    key = search_key(query)
    if key:
        units = units.filter(models.Q(name_key__contains=key) | models.Q(code=query.strip()))
    return units.order_by("name_key")[:limit]


def check_destination(
    to_unit: Unit | None, *, from_unit: Unit, school_class: SchoolClass | None, field: str = "to_unit"
) -> Unit:
    """The receiving school exists, is active, is another institution, and teaches the learner's grade."""
    if to_unit is None:
        raise ValidationError({field: _("Hãy chọn trường chuyển đến.")})
    if to_unit.pk == from_unit.pk:
        raise ValidationError({field: _("Trường chuyển đến trùng với trường hiện tại; hãy chọn trường khác.")})
    if to_unit.kind.category != Category.INSTITUTION or not to_unit.is_active:
        raise ValidationError(
            {
                field: _(
                    "“%(name)s” không phải là một cơ sở giáo dục đang hoạt động nên không thể tiếp nhận học sinh; "
                    "hãy chọn trường chuyển đến trong danh sách."
                )
                % {"name": to_unit.name}
            }
        )
    levels = {code for code in (to_unit.level_codes or "").split("|") if code}
    if school_class is None or not levels:
        return to_unit
    grade = school_class.grade
    if grade is not None and levels and not any(grade in LEVEL_GRADES.get(code, ()) for code in levels):
        raise ValidationError(
            {
                field: _(
                    "%(name)s không dạy khối %(grade)s; hãy chọn một trường có khối %(grade)s "
                    "(hoặc sửa khối lớp của học sinh trước)."
                )
                % {"name": to_unit.name, "grade": grade}
            }
        )
    if grade is None and not levels & PRESCHOOL_LEVELS:
        raise ValidationError(
            {field: _("%(name)s không nhận trẻ mầm non; hãy chọn một trường mầm non.") % {"name": to_unit.name}}
        )
    return to_unit


def _move_student(student: Student, *, by: Any, **values: Any) -> dict[str, list[Any]]:
    """Write new values on a student the caller already holds a lock on; bump its version; the changes made."""
    changes: dict[str, list[Any]] = {}
    for name, value in values.items():
        before = getattr(student, f"{name}_id" if f"{name}_id" in student.__dict__ else name)
        after = value.pk if isinstance(value, models.Model) else value
        if before != after:
            changes[name] = [str(before) if before is not None else None, str(after) if after is not None else None]
        setattr(student, name, value)
    Student.objects.filter(pk=student.pk).update(
        version=F("version") + 1, updated_by=by, updated_at=timezone.now(), **values
    )
    student.version += 1
    return changes


# --- students: transfer --------------------------------------------------------------------------------------------


@transaction.atomic
def release_student(
    student_pk: int, *, by: Any, to_unit: Unit | None, leaves_on: dt.date | None, reason: str = ""
) -> StudentTransfer:
    """The sending school releases a learner to another school; the learner stays here until it is accepted."""
    student: Student = _writable(Student, by, Function.ENTER_STUDENTS, student_pk)
    status_code = student.status.code if student.status_id else ""
    if status_code not in STUDYING:
        raise ValidationError(
            _("Học sinh đang ở trạng thái “%(status)s”, không thể làm thủ tục chuyển trường.")
            % {"status": student.status}
        )
    to_unit = check_destination(to_unit, from_unit=student.unit, school_class=student.school_class)
    day = check_day(leaves_on, "leaves_on", not_before=student.enrolled_on)
    year, term = year_and_term(day)
    try:
        with transaction.atomic():
            transfer = StudentTransfer.objects.create(
                student=student,
                from_unit=student.unit,
                to_unit=to_unit,
                from_class=student.school_class,
                school_year=year,
                term=term,
                leaves_on=day,
                reason=reason.strip()[:255],
                person_name=student.full_name,
                person_code=student.code,
                released_by=by,
            )
    except IntegrityError as exc:
        raise ValidationError(
            _(
                "Học sinh đã có một yêu cầu chuyển trường đang chờ tiếp nhận; hãy hủy yêu cầu đó trước khi tạo yêu "
                "cầu mới."
            )
        ) from exc
    audit.record(
        "studenttransfer.release",
        by=by,
        obj=transfer,
        changes={"to_unit": [None, to_unit.name], "leaves_on": [None, day.isoformat()]},
        extra={"student": student.pk, "code": student.code},
    )
    return transfer


@transaction.atomic
def accept_student(transfer_pk: int, *, by: Any, to_class: SchoolClass | None, answer: str = "") -> StudentTransfer:
    """The receiving school accepts: the record moves with its codes and history, statuses follow the term."""
    transfer: StudentTransfer = _writable(StudentTransfer, by, Function.ENTER_STUDENTS, transfer_pk, via="to_unit")
    _check_open(transfer)
    student = (
        Student.objects.select_for_update(of=("self",))
        .select_related("school_class", "unit")
        .get(pk=transfer.student_id)
    )
    if to_class is not None:
        if to_class.unit_id != transfer.to_unit_id:
            raise ValidationError(
                {
                    "to_class": _("Lớp %(name)s không thuộc %(school)s; hãy chọn một lớp của trường mình.")
                    % {"name": to_class.name, "school": transfer.to_unit.name}
                }
            )
        if to_class.school_year_id != transfer.school_year_id and transfer.term != SUMMER:
            raise ValidationError(
                {
                    "to_class": _("Lớp %(name)s thuộc năm học %(year)s, không phải năm học %(this)s của lần chuyển.")
                    % {"name": to_class.name, "year": to_class.school_year, "this": transfer.school_year}
                }
            )
        try:
            check_birth_date(student.birth_date, to_class, disabled=student.disability_id is not None)
        except ValidationError as exc:
            raise ValidationError({"to_class": exc.message_dict["birth_date"]}) from exc
    term = transfer.term
    out_status = status_item(STUDENT_STATUS, TRANSFER_OUT[term])
    in_status = status_item(STUDENT_STATUS, TRANSFER_IN[term])
    record_event(
        student,
        StudentEventKind.TRANSFERRED_OUT,
        unit=transfer.from_unit,
        day=transfer.leaves_on,
        by=by,
        status=out_status,
        school_class=student.school_class,
        note=_("Chuyển đến %(school)s") % {"school": transfer.to_unit.name},
    )
    changes = _move_student(
        student, by=by, unit=transfer.to_unit, school_class=to_class, status=in_status, status_on=transfer.leaves_on
    )
    record_event(
        student,
        StudentEventKind.TRANSFERRED_IN,
        unit=transfer.to_unit,
        day=transfer.leaves_on,
        by=by,
        status=in_status,
        school_class=to_class,
        note=_("Chuyển từ %(school)s") % {"school": transfer.from_unit.name},
    )
    _decide(transfer, by=by, state=TransferState.ACCEPTED, answer=answer, to_class=to_class)
    audit.record(
        "student.transfer_in",
        by=by,
        obj=student,
        changes=changes,
        extra={"transfer": transfer.pk, "from": transfer.from_unit.name},
    )
    return transfer


def _check_open(transfer: StudentTransfer | StaffTransfer) -> None:
    if transfer.state != TransferState.PENDING:
        when = transfer.decided_at.strftime("%H:%M %d/%m/%Y") if transfer.decided_at else ""
        raise ValidationError(
            _("Yêu cầu này đã được xử lý (%(state)s, lúc %(when)s); không thể xử lý lại.")
            % {"state": transfer.get_state_display(), "when": when}
        )


def _decide(transfer: Any, *, by: Any, state: str, answer: str, **extra: Any) -> None:
    transfer.state = state
    transfer.decided_by = by
    transfer.decided_at = timezone.now()
    transfer.answer = answer.strip()[:255]
    for name, value in extra.items():
        setattr(transfer, name, value)
    transfer.save(update_fields=["state", "decided_by", "decided_at", "answer", *extra])
    verb = {
        TransferState.ACCEPTED.value: "accept",
        TransferState.REFUSED.value: "refuse",
        TransferState.CANCELLED.value: "cancel",
    }
    audit.record(
        f"{transfer._meta.model_name}.{verb[state]}",
        by=by,
        obj=transfer,
        unit=transfer.to_unit if state in (TransferState.ACCEPTED, TransferState.REFUSED) else transfer.from_unit,
        changes={"state": [TransferState.PENDING, state]},
        extra={"answer": transfer.answer} if transfer.answer else {},
    )


@transaction.atomic
def refuse_transfer(
    model: type[StudentTransfer] | type[StaffTransfer], transfer_pk: int, *, by: Any, answer: str
) -> Any:
    """The receiving unit refuses, saying why; the person stays where they are."""
    function = model.write_function
    transfer = _writable(model, by, function, transfer_pk, via="to_unit")
    _check_open(transfer)
    if not answer.strip():
        raise ValidationError({"answer": _("Hãy ghi lý do từ chối để đơn vị chuyển đi biết cần làm gì.")})
    _decide(transfer, by=by, state=TransferState.REFUSED, answer=answer)
    return transfer


@transaction.atomic
def cancel_transfer(
    model: type[StudentTransfer] | type[StaffTransfer], transfer_pk: int, *, by: Any, answer: str = ""
) -> Any:
    """The sending unit withdraws a transfer nobody has accepted yet."""
    transfer = _writable(model, by, model.write_function, transfer_pk, via="from_unit")
    _check_open(transfer)
    _decide(transfer, by=by, state=TransferState.CANCELLED, answer=answer)
    return transfer


# --- students: drop-out and return ---------------------------------------------------------------------------------


@transaction.atomic
def drop_out(student_pk: int, *, by: Any, on: dt.date | None, reason: str) -> Student:
    """A learner leaves school (thôi học): the status of the term, kept in the class they left."""
    student: Student = _writable(Student, by, Function.ENTER_STUDENTS, student_pk)
    code = student.status.code if student.status_id else ""
    if code not in STUDYING:
        raise ValidationError(
            _("Học sinh đang ở trạng thái “%(status)s”, không thể ghi thôi học.") % {"status": student.status}
        )
    if StudentTransfer.objects.filter(student=student, state=TransferState.PENDING).exists():
        raise ValidationError(_("Học sinh đang có yêu cầu chuyển trường chờ tiếp nhận; hãy hủy yêu cầu đó trước."))
    if not reason.strip():
        raise ValidationError(
            {"reason": _("Hãy ghi lý do thôi học (ví dụ: hoàn cảnh gia đình, theo gia đình đi làm ăn xa).")}
        )
    day = check_day(on, "on", not_before=student.enrolled_on)
    _year, term = year_and_term(day)
    status = status_item(STUDENT_STATUS, DROP_OUT[term])
    changes = _move_student(student, by=by, status=status, status_on=day)
    record_event(
        student,
        StudentEventKind.DROPPED_OUT,
        unit=student.unit,
        day=day,
        by=by,
        status=status,
        school_class=student.school_class,
        note=reason,
    )
    audit.record("student.drop_out", by=by, obj=student, changes=changes, extra={"reason": reason.strip()[:255]})
    return student


@transaction.atomic
def return_to_school(student_pk: int, *, by: Any, on: dt.date | None, school_class: SchoolClass | None) -> Student:
    """A learner who dropped out comes back (xin học lại), into a class of the school."""
    student: Student = _writable(Student, by, Function.ENTER_STUDENTS, student_pk)
    code = student.status.code if student.status_id else ""
    if code not in DROPPED:
        raise ValidationError(
            _("Chỉ ghi học lại cho học sinh đã thôi học; học sinh đang ở trạng thái “%(status)s”.")
            % {"status": student.status}
        )
    day = check_day(on, "on", not_before=student.status_on)
    if school_class is None:
        raise ValidationError({"school_class": _("Hãy chọn lớp học sinh trở lại học.")})
    if school_class.unit_id != student.unit_id:
        raise ValidationError(
            {
                "school_class": _("Lớp %(name)s không thuộc trường của học sinh; hãy chọn lớp của trường.")
                % {"name": school_class.name}
            }
        )
    try:
        check_birth_date(student.birth_date, school_class, disabled=student.disability_id is not None)
    except ValidationError as exc:
        raise ValidationError({"school_class": exc.message_dict["birth_date"]}) from exc
    _year, term = year_and_term(day)
    status = status_item(STUDENT_STATUS, RETURN[term])
    changes = _move_student(student, by=by, status=status, status_on=day, school_class=school_class)
    record_event(
        student, StudentEventKind.RETURNED, unit=student.unit, day=day, by=by, status=status, school_class=school_class
    )
    audit.record("student.return", by=by, obj=student, changes=changes)
    return student


# --- staff ---------------------------------------------------------------------------------------------------------


@transaction.atomic
def release_staff(
    staff_pk: int,
    *,
    by: Any,
    to_unit: Unit | None,
    kind: str,
    moves_on: dt.date | None,
    decision_number: str = "",
    decision_date: dt.date | None = None,
    reason: str = "",
) -> StaffTransfer:
    """A unit lets a staff member go to another unit; if ``by`` can write staff there too (a manager's điều
    động), the move is completed at once, otherwise the receiving unit accepts it."""
    staff: StaffMember = _writable(StaffMember, by, Function.ENTER_STAFF, staff_pk)
    if staff.work_status.code not in STAFF_AT_WORK:
        raise ValidationError(
            _("Cán bộ đang ở trạng thái “%(status)s”, không thể điều chuyển.") % {"status": staff.work_status}
        )
    if kind not in StaffTransferKind.values:
        raise ValidationError({"kind": _("Hãy chọn hình thức: chuyển công tác, điều động hoặc biệt phái.")})
    if to_unit is None:
        raise ValidationError({"to_unit": _("Hãy chọn đơn vị đến.")})
    if to_unit.pk == staff.unit_id:
        raise ValidationError({"to_unit": _("Đơn vị đến trùng với đơn vị hiện tại; hãy chọn đơn vị khác.")})
    if not to_unit.is_active:
        raise ValidationError(
            {"to_unit": _("“%(name)s” không còn hoạt động; hãy chọn đơn vị khác.") % {"name": to_unit.name}}
        )
    if decision_date is not None and decision_date > timezone.localdate():
        raise ValidationError({"decision_date": _("Ngày quyết định không thể ở tương lai.")})
    day = check_day(moves_on, "moves_on", not_before=decision_date)
    try:
        with transaction.atomic():
            transfer = StaffTransfer.objects.create(
                staff=staff,
                from_unit=staff.unit,
                to_unit=to_unit,
                kind=kind,
                leaves_on=day,
                decision_number=decision_number.strip()[:60],
                decision_date=decision_date,
                reason=reason.strip()[:255],
                person_name=staff.full_name,
                person_code=staff.ministry_code or "",
                released_by=by,
            )
    except IntegrityError as exc:
        raise ValidationError(
            _("Cán bộ đã có một yêu cầu điều chuyển đang chờ tiếp nhận; hãy hủy yêu cầu đó trước.")
        ) from exc
    audit.record(
        "stafftransfer.release",
        by=by,
        obj=transfer,
        changes={"to_unit": [None, to_unit.name], "kind": [None, kind], "leaves_on": [None, day.isoformat()]},
        extra={"staff": staff.pk},
    )
    if StaffTransfer.objects.visible_to(by, Function.ENTER_STAFF, via="to_unit").filter(pk=transfer.pk).exists():
        accept_staff(transfer.pk, by=by)
        transfer.refresh_from_db()
    return transfer


@transaction.atomic
def accept_staff(transfer_pk: int, *, by: Any, answer: str = "") -> StaffTransfer:
    """The receiving unit takes the staff member on: the record moves (a secondment leaves it at home, marked)."""
    transfer: StaffTransfer = _writable(StaffTransfer, by, Function.ENTER_STAFF, transfer_pk, via="to_unit")
    _check_open(transfer)
    staff = StaffMember.objects.select_for_update().get(pk=transfer.staff_id)
    before_unit, before_status = staff.unit.name, str(staff.work_status)
    if transfer.kind == StaffTransferKind.SECONDMENT:
        status = status_item(STAFF_STATUS, STAFF_SECONDED)
        values: dict[str, Any] = {"work_status": status}
    else:
        status = status_item(STAFF_STATUS, STAFF_ARRIVED)
        values = {"unit": transfer.to_unit, "work_status": status}
        # The teacher leaves the classes they were homeroom teacher of at the old school.
        released = list(
            SchoolClass.objects.filter(homeroom_teacher=staff, unit_id=transfer.from_unit_id).values_list(
                "pk", flat=True
            )
        )
        SchoolClass.objects.filter(pk__in=released).update(homeroom_teacher=None, version=F("version") + 1)
    StaffMember.objects.filter(pk=staff.pk).update(
        version=F("version") + 1, updated_by=by, updated_at=timezone.now(), **values
    )
    _decide(transfer, by=by, state=TransferState.ACCEPTED, answer=answer)
    changes: dict[str, list[Any]] = {"work_status": [before_status, str(status)]}
    if "unit" in values:
        changes["unit"] = [before_unit, transfer.to_unit.name]
    audit.record(
        "staffmember.transfer_in",
        by=by,
        obj=staff,
        unit=transfer.to_unit if "unit" in values else transfer.from_unit,
        changes=changes,
        extra={"transfer": transfer.pk, "kind": transfer.kind, "decision": transfer.decision_number},
    )
    return transfer


# --- admission of a learner who finished a level elsewhere (tuyển sinh đầu cấp) --------------------------------------


def unscoped_finished_learner(code: str, birth_date: dt.date | None) -> Student | None:
    """The learner with this Ministry code and birth date who finished a level and belongs to no class yet.

    City-wide by design: the school taking a learner into grade 1, 6 or 10 proves who it is with the code and the
    birth date from the learner's documents; nothing else about the record is shown before it moves."""
    if not code or birth_date is None:
        return None
    found = unscoped_waiting_learners(ministry_code=code, birth_date=birth_date)
    return found[0] if found else None


@transaction.atomic
def admit_finished(*, by: Any, code: str, birth_date: dt.date | None, school_class: SchoolClass | None) -> Student:
    """Take a learner who finished the previous level at another school into a class of this school: the record
    moves with its code and history (no new record, no duplicate), the new school's journal gets the enrolment."""
    if school_class is None:
        raise ValidationError({"school_class": _("Hãy chọn lớp tiếp nhận học sinh.")})
    if not reaches(by, school_class.unit, Function.ENTER_STUDENTS, Domain.STUDENTS):
        raise PermissionDenied(_("Bản ghi nằm ngoài phạm vi quản lý của bạn; không có gì được ghi."))
    learner = unscoped_finished_learner(code, birth_date)
    if learner is None:
        raise ValidationError(
            {
                "code": _(
                    "Không có học sinh đã hoàn thành chương trình cấp học với mã định danh và ngày sinh này. Hãy "
                    "đối chiếu mã trên học bạ; nếu học sinh đang học ở trường khác, trường đó làm thủ tục chuyển "
                    "trường."
                )
            }
        )
    if learner.unit_id == school_class.unit_id:
        raise ValidationError({"code": _("Học sinh đã thuộc trường này; hãy xếp lớp trong hồ sơ học sinh.")})
    try:
        check_birth_date(learner.birth_date, school_class, disabled=learner.disability_id is not None)
    except ValidationError as exc:
        raise ValidationError({"school_class": exc.message_dict["birth_date"]}) from exc
    day = max(school_class.school_year.starts_on, min(timezone.localdate(), school_class.school_year.ends_on))
    studying = status_item(STUDENT_STATUS, "01")
    previous = learner.unit
    # Lock the record, then make sure nobody took it in meanwhile (two schools admitting the same learner).
    if not Student.objects.select_for_update().filter(pk=learner.pk, school_class__isnull=True).exists():
        raise ValidationError({"code": _("Học sinh vừa được một trường khác tiếp nhận; hãy tải lại trang.")})
    changes = _move_student(
        learner, by=by, unit=school_class.unit, school_class=school_class, status=studying, status_on=day
    )
    record_event(
        learner,
        StudentEventKind.ENROLLED,
        unit=school_class.unit,
        day=day,
        by=by,
        status=studying,
        school_class=school_class,
        note=_("Tiếp nhận từ %(school)s") % {"school": previous.name},
    )
    audit.record("student.admit", by=by, obj=learner, changes=changes, extra={"from": previous.name})
    return learner
