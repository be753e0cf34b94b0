"""The school-year rollover (chuyển năm học): preview, then one reviewed bulk step, for a school or a whole branch.

``preview`` works out, school by school, what moving to the next school year means — next year's classes (each
graded class one grade up with its name changed accordingly, "6A1" → "7A1"; each preschool group one age group up;
a class of the same name for those kept back), which learners go up, stay back (year result "Ở lại lớp"), finish
the school's last grade, or wait for a decision after the summer (rèn luyện hè, kiểm tra lại), and which homeroom
teachers follow their class — and stores it with a fingerprint of the data it was computed from. ``apply`` computes
it again and refuses if anything changed since the preview (so what runs is what the user reviewed), then writes it
in one transaction: classes in bulk, learners moved class by class, one journal event per learner, one audit entry
per school and one for the run.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from edudb.core import audit
from edudb.core.models import Category, Unit, subtree_q
from edudb.core.scoping import Function, scope_for
from edudb.quality.models import items_of
from edudb.registry.models import (
    LearningResult,
    ResultTerm,
    Rollover,
    RolloverState,
    SchoolClass,
    StaffMember,
    Student,
    StudentEvent,
    StudentEventKind,
)
from edudb.registry.transfers import STUDYING
from edudb.reporting.models import SchoolYear

REPEAT = "OLL"  # ket_qua_cuoi_nam: Ở lại lớp
FINISHED = "HTCT"  # Hoàn thành chương trình cấp học
UNDECIDED = {"RLH", "KTL"}  # rèn luyện hè, kiểm tra lại: decided after the summer
AGE_GROUP_LIST = "nhom_tuoi_mam_non"
LAST_GRADE = {"th": 5, "thcs": 9, "thpt": 12, "gdtx": 12}
WORKING_STAFF = {"01", "02"}


@dataclass
class ClassPlan:
    """One of next year's classes: created (or found), and who goes into it."""

    name: str
    grade: int | None
    age_group_id: int | None
    source_id: int  # the class it is modelled on
    existing_id: int | None = None
    homeroom_id: int | None = None
    promoted: list[int] = field(default_factory=list)
    repeating: list[int] = field(default_factory=list)


@dataclass
class SchoolPlan:
    unit_id: int
    name: str
    classes: dict[str, ClassPlan] = field(default_factory=dict)
    finishing: list[tuple[int, int | None]] = field(default_factory=list)  # (student, class left)
    undecided: list[int] = field(default_factory=list)
    without_result: int = 0

    def counts(self) -> dict[str, Any]:
        return {
            "unit": self.unit_id,
            "name": self.name,
            "new_classes": sum(1 for plan in self.classes.values() if plan.existing_id is None),
            "existing_classes": sum(1 for plan in self.classes.values() if plan.existing_id is not None),
            "promoted": sum(len(plan.promoted) for plan in self.classes.values()),
            "repeating": sum(len(plan.repeating) for plan in self.classes.values()),
            "finishing": len(self.finishing),
            "undecided": len(self.undecided),
            "without_result": self.without_result,
            "homerooms": sum(1 for plan in self.classes.values() if plan.homeroom_id),
        }


def next_class_name(name: str, grade: int) -> str:
    """'6A1' → '7A1', 'Lớp 10 Toán' → 'Lớp 11 Toán'; a name without its grade gets the new grade in front."""
    pattern = re.compile(rf"(?<!\d){grade}(?!\d)")
    if pattern.search(name):
        return pattern.sub(str(grade + 1), name, count=1)
    return f"{grade + 1}{name}"


# Preschool classes are often named after their group: mầm (3–4), chồi (4–5), lá (5–6); bé, nhỡ, lớn likewise.
PRESCHOOL_NAMES = (("Mầm", "Chồi"), ("Chồi", "Lá"), ("Bé", "Nhỡ"), ("Nhỡ", "Lớn"))


def next_group_name(name: str) -> str:
    """'Mầm 1' → 'Chồi 1', 'Chồi A' → 'Lá A'; other names are kept."""
    for old, new in PRESCHOOL_NAMES:
        pattern = re.compile(rf"\b{old}\b", re.IGNORECASE)
        if pattern.search(name):
            return pattern.sub(new, name, count=1)
    return name


def _last_grade(unit: Unit) -> int:
    levels = [code for code in (unit.level_codes or "").split("|") if code in LAST_GRADE]
    return max((LAST_GRADE[code] for code in levels), default=12)


def schools_in_reach(unit: Unit, by: Any) -> models.QuerySet[Unit]:
    """The institutions at or under ``unit`` that ``by`` may update classes of (a school itself, or a branch)."""
    return Unit.objects.visible_to(by, Function.ENTER_UNITS).filter(
        subtree_q(unit.path), kind__category=Category.INSTITUTION, is_active=True
    )


def _check_request(unit: Unit, from_year: SchoolYear, to_year_start: int, by: Any) -> list[Unit]:
    scope = scope_for(by)
    students_allowed = scope is not None and scope.filter_for(Student, Function.ENTER_STUDENTS) is not None
    if not students_allowed or not Unit.objects.visible_to(by, Function.ENTER_UNITS).filter(pk=unit.pk).exists():
        raise PermissionDenied(_("Chuyển năm học cần quyền cập nhật lớp và học sinh của đơn vị này."))
    if to_year_start != from_year.start_year + 1:
        raise ValidationError(
            {"from_year": _("Chỉ chuyển sang năm học liền sau (%(next)s).") % {"next": f"{from_year.start_year + 1}"}}
        )
    schools = list(schools_in_reach(unit, by).order_by("name_key"))
    if not schools:
        raise ValidationError({"unit": _("Không có trường nào trong phạm vi đã chọn mà bạn được cập nhật lớp.")})
    return schools


def compute(
    unit: Unit, from_year: SchoolYear, to_year_start: int, *, by: Any, carry_homeroom: bool
) -> list[SchoolPlan]:
    """The plan, school by school; reads the data but writes nothing."""
    schools = _check_request(unit, from_year, to_year_start, by)
    by_pk = {school.pk: school for school in schools}
    plans = {school.pk: SchoolPlan(school.pk, school.name) for school in schools}
    age_groups = list(items_of(AGE_GROUP_LIST).order_by("order").values_list("pk", flat=True))
    next_age = dict(zip(age_groups, [*age_groups[1:], None], strict=True))
    to_year = SchoolYear.objects.filter(start_year=to_year_start).first()
    existing: dict[tuple[int, str], int] = {}
    if to_year is not None:
        existing = {
            (unit_id, name): pk
            for pk, unit_id, name in SchoolClass.objects.filter(school_year=to_year, unit_id__in=by_pk).values_list(
                "pk", "unit_id", "name"
            )
        }
    working = set(
        StaffMember.objects.filter(unit_id__in=by_pk, work_status__code__in=WORKING_STAFF).values_list("pk", "unit_id")
    )
    classes = {
        cls.pk: cls
        for cls in SchoolClass.objects.filter(school_year=from_year, unit_id__in=by_pk).order_by("grade", "name")
    }
    classes_by_name = {(cls.unit_id, cls.name): pk for pk, cls in classes.items()}
    outcomes = dict(
        LearningResult.objects.filter(
            school_year=from_year, term=ResultTerm.YEAR, student__unit_id__in=by_pk, outcome__isnull=False
        ).values_list("student_id", "outcome__code")
    )
    students = (
        Student.objects.filter(
            school_class__school_year=from_year, school_class__unit_id__in=by_pk, status__code__in=STUDYING
        )
        .order_by("pk")
        .values_list("pk", "school_class_id")
    )

    def target(school: SchoolPlan, source: SchoolClass, name: str, grade: int | None, age: int | None) -> ClassPlan:
        promoting = name != source.name
        plan = school.classes.get(name)
        if plan is None or (promoting and plan.source_id == classes_by_name.get((source.unit_id, name))):
            # A class first planned for those kept back takes its model and teacher from the class moving up.
            homeroom = source.homeroom_teacher_id if carry_homeroom and promoting else None
            if homeroom is not None and (homeroom, source.unit_id) not in working:
                homeroom = None
            fresh = ClassPlan(
                name=name,
                grade=grade,
                age_group_id=age,
                source_id=source.pk,
                existing_id=existing.get((source.unit_id, name)),
                homeroom_id=homeroom,
            )
            if plan is not None:
                fresh.promoted, fresh.repeating = plan.promoted, plan.repeating
            school.classes[name] = plan = fresh
        return plan

    for student_pk, class_pk in students:
        source = classes[class_pk]
        school = plans[source.unit_id]
        outcome = outcomes.get(student_pk)
        if outcome is None:
            school.without_result += 1
        if outcome in UNDECIDED:
            school.undecided.append(student_pk)
            continue
        if outcome == REPEAT:
            target(school, source, source.name, source.grade, source.age_group_id).repeating.append(student_pk)
            continue
        if source.grade is not None:
            if outcome == FINISHED or source.grade >= _last_grade(by_pk[source.unit_id]):
                school.finishing.append((student_pk, class_pk))
                continue
            name = next_class_name(source.name, source.grade)
            target(school, source, name, source.grade + 1, None).promoted.append(student_pk)
            continue
        following = next_age.get(source.age_group_id) if source.age_group_id else None
        if following is None:  # the oldest preschool group goes on to primary school
            school.finishing.append((student_pk, class_pk))
            continue
        target(school, source, next_group_name(source.name), None, following).promoted.append(student_pk)
    return [plans[school.pk] for school in schools]


def _fingerprint(unit_ids: list[int], from_year: SchoolYear) -> str:
    """What the plan was computed from: the learners, classes and year results of the schools, as of now."""
    parts = []
    for queryset in (
        Student.objects.filter(unit_id__in=unit_ids),
        SchoolClass.objects.filter(
            unit_id__in=unit_ids, school_year__start_year__in=[from_year.start_year, from_year.start_year + 1]
        ),
        LearningResult.objects.filter(student__unit_id__in=unit_ids, school_year=from_year),
    ):
        figures = queryset.aggregate(n=models.Count("pk"), v=models.Sum("version"), at=Max("updated_at"))
        parts.append(f"{figures['n']}:{figures['v']}:{figures['at']}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def _totals(plans: list[SchoolPlan]) -> dict[str, int]:
    totals: dict[str, int] = defaultdict(int)
    for plan in plans:
        for key, value in plan.counts().items():
            if isinstance(value, int) and key != "unit":
                totals[key] += value
    totals["schools"] = len(plans)
    return dict(totals)


@transaction.atomic
def preview(unit: Unit, from_year: SchoolYear, *, by: Any, carry_homeroom: bool = True) -> Rollover:
    """Compute and keep the plan for the user to review; nothing else is written."""
    plans = compute(unit, from_year, from_year.start_year + 1, by=by, carry_homeroom=carry_homeroom)
    to_year, _created = SchoolYear.objects.get_or_create(
        start_year=from_year.start_year + 1,
        defaults=dict(zip(("starts_on", "ends_on"), SchoolYear.default_dates(from_year.start_year + 1), strict=True)),
    )
    rollover = Rollover.objects.create(
        unit=unit,
        from_year=from_year,
        to_year=to_year,
        carry_homeroom=carry_homeroom,
        plan={
            "fingerprint": _fingerprint([plan.unit_id for plan in plans], from_year),
            "schools": [plan.counts() for plan in plans],
            "classes": [
                {
                    "unit": plan.unit_id,
                    "name": cls.name,
                    "grade": cls.grade,
                    "new": cls.existing_id is None,
                    "promoted": len(cls.promoted),
                    "repeating": len(cls.repeating),
                }
                for plan in plans
                for cls in plan.classes.values()
            ],
        },
        summary=_totals(plans),
        created_by=by,
    )
    audit.record("rollover.preview", by=by, obj=rollover, extra={"totals": rollover.summary})
    return rollover


def _locked(pk: int, by: Any, *, states: tuple[str, ...] = (RolloverState.PREVIEW,)) -> Rollover:
    found = Rollover.objects.visible_to(by, Function.ENTER_UNITS).select_for_update(of=("self",)).filter(pk=pk).first()
    if found is None:
        raise PermissionDenied(_("Bản ghi nằm ngoài phạm vi quản lý của bạn; không có gì được ghi."))
    if found.state not in states:
        raise ValidationError(
            _("Lần chuyển năm học này đã ở trạng thái “%(state)s”; hãy xem trước lại nếu cần.")
            % {"state": found.get_state_display()}
        )
    return found


@transaction.atomic
def discard(pk: int, *, by: Any) -> Rollover:
    rollover = _locked(pk, by)
    rollover.state = RolloverState.DISCARDED
    rollover.save(update_fields=["state"])
    audit.record("rollover.discard", by=by, obj=rollover)
    return rollover


# A run moving more learners than this goes to the background worker, so no page waits minutes for it (a whole
# city is ≈ 1.1 M learners; a commune's branch of ≈ 13,000 takes about 2 s on SQLite).
BACKGROUND_FROM = 30_000


def learners_moved(rollover: Rollover) -> int:
    summary = rollover.summary or {}
    return sum(int(summary.get(key, 0)) for key in ("promoted", "repeating", "finishing"))


@transaction.atomic
def request_apply(pk: int, *, by: Any) -> Rollover:
    """Apply now, or — for a large run — mark it queued and hand it to the background worker."""
    rollover = _locked(pk, by)
    if learners_moved(rollover) <= BACKGROUND_FROM:
        return apply(pk, by=by)
    from edudb.registry.tasks import apply_rollover_task

    rollover.state = RolloverState.QUEUED
    rollover.applied_by = by
    rollover.save(update_fields=["state", "applied_by"])
    audit.record("rollover.queue", by=by, obj=rollover, extra={"learners": learners_moved(rollover)})
    transaction.on_commit(lambda: apply_rollover_task.enqueue(rollover.pk, by.pk))
    return rollover


def apply_queued(pk: int, account_pk: int) -> str:
    """The worker's side of :func:`request_apply`: run it, or put it back to preview saying why it could not."""
    from edudb.accounts.models import Account

    by = Account.objects.get(pk=account_pk)
    try:
        apply(pk, by=by, states=(RolloverState.QUEUED,))
    except (ValidationError, PermissionDenied) as exc:
        message = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        with transaction.atomic():
            rollover = Rollover.objects.select_for_update().get(pk=pk)
            rollover.state = RolloverState.PREVIEW
            rollover.summary = {**rollover.summary, "error": message}
            rollover.save(update_fields=["state", "summary"])
            audit.record("rollover.failed", by=by, obj=rollover, extra={"error": message})
        return "failed"
    return "applied"


@transaction.atomic
def apply(pk: int, *, by: Any, states: tuple[str, ...] = (RolloverState.PREVIEW,)) -> Rollover:
    """Run the reviewed plan: refused, with nothing written, if the data changed since the preview."""
    rollover = _locked(pk, by, states=states)
    plans = compute(
        rollover.unit, rollover.from_year, rollover.to_year.start_year, by=by, carry_homeroom=rollover.carry_homeroom
    )
    if _fingerprint([plan.unit_id for plan in plans], rollover.from_year) != rollover.plan.get("fingerprint"):
        raise ValidationError(
            _(
                "Dữ liệu lớp, học sinh hoặc kết quả cuối năm đã thay đổi sau khi xem trước (%(when)s); không có gì "
                "được ghi. Hãy xem trước lại rồi thực hiện."
            )
            % {"when": timezone.localtime(rollover.created_at).strftime("%H:%M %d/%m/%Y")}
        )
    now = timezone.now()
    to_year = rollover.to_year
    day = to_year.starts_on
    events: list[StudentEvent] = []
    units = Unit.objects.in_bulk([plan.unit_id for plan in plans])
    for plan in plans:
        sources = {
            cls.pk: cls for cls in SchoolClass.objects.filter(pk__in={c.source_id for c in plan.classes.values()})
        }
        created = SchoolClass.objects.bulk_create(
            [
                _new_class(sources[cls.source_id], cls, to_year, by)
                for cls in plan.classes.values()
                if cls.existing_id is None
            ]
        )
        ids = {cls.name: cls.pk for cls in created}
        for cls in plan.classes.values():
            class_pk = cls.existing_id or ids[cls.name]
            for members, kind in (
                (cls.promoted, StudentEventKind.PROMOTED),
                (cls.repeating, StudentEventKind.REPEATED),
            ):
                if not members:
                    continue
                Student.objects.filter(pk__in=members).update(
                    school_class_id=class_pk, version=F("version") + 1, updated_by=by, updated_at=now
                )
                events.extend(
                    StudentEvent(
                        unit_id=plan.unit_id,
                        student_id=member,
                        kind=kind,
                        school_year=to_year,
                        term=1,
                        happened_on=day,
                        school_class_id=class_pk,
                        grade=cls.grade,
                        by=by,
                    )
                    for member in members
                )
        if plan.finishing:
            Student.objects.filter(pk__in=[pk for pk, _cls in plan.finishing]).update(
                school_class=None, version=F("version") + 1, updated_by=by, updated_at=now
            )
            events.extend(
                StudentEvent(
                    unit_id=plan.unit_id,
                    student_id=student_pk,
                    kind=StudentEventKind.FINISHED,
                    school_year=rollover.from_year,
                    term=3,
                    happened_on=rollover.from_year.ends_on,
                    school_class_id=class_pk,
                    by=by,
                )
                for student_pk, class_pk in plan.finishing
            )
        audit.record(
            "rollover.apply_school",
            by=by,
            obj=rollover,
            unit=units[plan.unit_id],
            extra={"rollover": rollover.pk, **{k: v for k, v in plan.counts().items() if k not in {"unit", "name"}}},
        )
    StudentEvent.objects.bulk_create(events, batch_size=2000)
    rollover.state = RolloverState.APPLIED
    rollover.applied_by = by
    rollover.applied_at = now
    rollover.summary = _totals(plans)
    rollover.save(update_fields=["state", "applied_by", "applied_at", "summary"])
    audit.record("rollover.apply", by=by, obj=rollover, extra={"totals": rollover.summary})
    return rollover


def _new_class(source: SchoolClass, plan: ClassPlan, to_year: SchoolYear, by: Any) -> SchoolClass:
    return SchoolClass(
        unit_id=source.unit_id,
        site_id=source.site_id,
        school_year=to_year,
        name=plan.name,
        grade=plan.grade,
        age_group_id=plan.age_group_id,
        homeroom_teacher_id=plan.homeroom_id,
        is_mixed=source.is_mixed,
        two_sessions=source.two_sessions,
        semi_boarding=source.semi_boarding,
        is_specialised=source.is_specialised,
        specialised_subject=source.specialised_subject,
        foreign_language_id=source.foreign_language_id,
        sessions_per_week=source.sessions_per_week,
        max_students=source.max_students,
        version=1,
        updated_by=by,
    )
