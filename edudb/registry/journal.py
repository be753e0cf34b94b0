"""The learners' event journal (sổ theo dõi biến động): what happened to a learner at a school, and when.

Every service that changes a learner's course (enrolment, transfer, drop-out, return, the year's rollover) writes
one event at the school where it happened, with the school year and term of its day, so each school keeps its
own counts of arrivals and departures per term even after the learner has moved on.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from edudb.core.models import Unit
from edudb.quality.models import CodeItem
from edudb.registry.models import SchoolClass, Student, StudentEvent, StudentEventKind
from edudb.reporting.models import SchoolYear


def year_and_term(day: dt.date) -> tuple[SchoolYear, int]:
    """The school year a day belongs to and its term there (the summer belongs to the year just ended)."""
    year = SchoolYear.objects.filter(starts_on__lte=day).order_by("-start_year").first()
    if year is None:
        year = SchoolYear.objects.order_by("start_year").first()
    if year is None:
        raise ValidationError(_("Chưa có năm học nào; hãy báo Sở tạo năm học."))
    return year, year.term_of(day)


def record_event(
    student: Student,
    kind: str,
    *,
    unit: Unit,
    day: dt.date,
    by: Any,
    status: CodeItem | None,
    school_class: SchoolClass | None,
    note: str = "",
) -> StudentEvent:
    """Write one event of ``student`` at ``unit`` on ``day`` (its year and term worked out from the day)."""
    year, term = year_and_term(day)
    return StudentEvent.objects.create(
        unit=unit,
        student=student,
        kind=kind,
        school_year=year,
        term=term,
        happened_on=day,
        status=status,
        school_class=school_class,
        grade=school_class.grade if school_class else None,
        note=note[:255],
        by=by if getattr(by, "is_authenticated", False) else None,
    )


def unscoped_waiting_learners(**lookup: object) -> list[Student]:
    """Learners matching ``lookup`` who finished a level and wait, without a class, for a school to take them in
    (their last journal line says they finished). City-wide: callers show nothing of them before they move."""
    last_kind = (
        StudentEvent.objects.filter(student=models.OuterRef("pk")).order_by("-happened_on", "-pk").values("kind")[:1]
    )
    return list(
        Student.objects.select_related("unit", "status")
        .filter(school_class__isnull=True, **lookup)
        .annotate(last_kind=models.Subquery(last_kind))
        .filter(last_kind=StudentEventKind.FINISHED)
    )
