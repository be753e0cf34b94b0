"""Demo movements: the enrolment line of every learner's journal, and a few transfers and drop-outs in flight.

Written straight into the table (the journal of a city holds a line per learner; ``BulkTable``); the few transfers go through the services, as a
school would make them, so the demo shows requests waiting at the receiving school and finished ones.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from edudb.accounts.models import Account, AccountKind
from edudb.core.demo.people import BulkTable
from edudb.core.models import Unit
from edudb.registry import transfers
from edudb.registry.models import SchoolClass, Student, StudentEvent, StudentEventKind
from edudb.reporting.models import SchoolYear

BATCH = 50_000


def seed_movements(units: list[Unit], *, year: SchoolYear, rng: random.Random) -> int:
    """Write the journal's enrolment lines for the learners of ``units`` and a handful of transfers; returns the
    number of journal lines written."""
    unit_ids = [unit.pk for unit in units]
    table = BulkTable(
        StudentEvent,
        (
            "unit_id",
            "student_id",
            "kind",
            "school_year_id",
            "term",
            "happened_on",
            "status_id",
            "school_class_id",
            "grade",
        ),
    )
    learners = Student.objects.filter(unit_id__in=unit_ids).order_by("pk")
    last = 0
    while True:  # a slice at a time, read in full before it is written (SQLite: no open cursor while writing)
        rows = list(
            learners.filter(pk__gt=last).values_list(
                "pk", "unit_id", "status_id", "school_class_id", "school_class__grade", "enrolled_on"
            )[:BATCH]
        )
        if not rows:
            break
        last = rows[-1][0]
        table.write(
            (
                unit_id,
                pk,
                StudentEventKind.ENROLLED.value,
                year.pk,
                _term(year, enrolled_on or year.starts_on),
                enrolled_on or year.starts_on,
                status_id,
                class_id,
                grade,
            )
            for pk, unit_id, status_id, class_id, grade, enrolled_on in rows
        )
    _some_movements(units, year=year, rng=rng)
    return table.count


def _term(year: SchoolYear, day: dt.date) -> int:
    return year.term_of(day) if day >= year.starts_on else 1


def _admin_of(unit: Unit) -> Account | None:
    return Account.objects.filter(unit=unit, kind=AccountKind.ADMIN, is_active=True).first()


def _some_movements(units: list[Unit], *, year: SchoolYear, rng: random.Random) -> None:
    """Between primary schools of the demo: two transfers waiting, one accepted; two drop-outs."""
    primary = [unit for unit in units if "|th|" in (unit.level_codes or "") and _admin_of(unit)]
    demo_school = Account.objects.filter(username="th.admin").values_list("unit_id", flat=True).first()
    primary.sort(key=lambda unit: unit.pk != demo_school)  # the demo primary school receives the transfers
    if len(primary) < 2:
        return
    today = timezone.localdate()
    day = max(year.starts_on, min(today, year.ends_on)) - dt.timedelta(days=3)
    for number, (sender, receiver) in enumerate(zip(primary[1:4], [primary[0]] * 3, strict=False)):
        student = (
            Student.objects.filter(unit=sender, status__code="01", school_class__grade__in=[2, 3, 4])
            .order_by("pk")
            .first()
        )
        by: Any = _admin_of(sender)
        if student is None or by is None:
            continue
        transfer = transfers.release_student(
            student.pk, by=by, to_unit=receiver, leaves_on=day, reason="Gia đình chuyển nơi ở"
        )
        if number == 0:
            target = SchoolClass.objects.filter(
                unit=receiver, school_year=year, grade=student.school_class.grade if student.school_class else None
            ).first()
            transfers.accept_student(transfer.pk, by=_admin_of(receiver), to_class=target)
    for school in primary[:2]:
        student = Student.objects.filter(unit=school, status__code="01").order_by("-pk").first()
        by = _admin_of(school)
        if student is not None and by is not None:
            reason = rng.choice(["Hoàn cảnh gia đình khó khăn", "Theo gia đình đi làm ăn xa"])
            transfers.drop_out(student.pk, by=by, on=day, reason=reason)
