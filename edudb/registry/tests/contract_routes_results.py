"""Learning results and health records in the scoping contract (gathered by edudb/core/tests/test_scope_contract.py).

The tables are written out by hand from the rules (R1.4, R5), not computed by the scoping code they check. The grids
are opened by who may see the class (domain: classes); everything else belongs to the students database (results
and measurements follow the student's school). Who may *write* through a grid — STUDENTS_WRITABLE — is walked in
test_results.py (the contract exercises one method per route).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from edudb.core.tests.contract import Route
from edudb.registry.tests.contract_routes_classes import CLASSES_VISIBLE, school_classes
from edudb.registry.tests.contract_routes_students import STUDENTS_VISIBLE, STUDENTS_WRITABLE, students

RESULTS_VISIBLE = STUDENTS_VISIBLE
RESULTS_WRITABLE = STUDENTS_WRITABLE


def _pairs(cast: Any) -> list[tuple[str, Any, Any]]:
    """(owner, class, student) for each institution: the contract's student placed in the contract's class."""
    classes = dict(school_classes(cast))
    made = []
    for owner, student in students(cast):
        school_class = classes[owner]
        if student.school_class_id != school_class.pk:
            type(student).objects.filter(pk=student.pk).update(school_class=school_class)
            student.school_class = school_class
        made.append((owner, school_class, student))
    return made


def learning_results(cast: Any) -> list[tuple[str, Any]]:
    """A term-I result of the contract's student in every institution with graded classes (not the preschool)."""
    from edudb.quality.models import items_of
    from edudb.registry.models import LearningResult

    made = []
    for owner, school_class, student in _pairs(cast):
        if school_class.grade is None:
            continue
        level = "HT" if school_class.grade <= 5 else "K"
        record, _ = LearningResult.objects.get_or_create(
            student=student,
            school_year=school_class.school_year,
            term=1,
            defaults={"school_class": school_class, "academic": items_of("ket_qua_hoc_tap").get(code=level)},
        )
        made.append((owner, record))
    return made


def health_records(cast: Any) -> list[tuple[str, Any]]:
    """A term-I measurement of the contract's student in every institution."""
    from edudb.registry.models import HealthRecord

    made = []
    for owner, school_class, student in _pairs(cast):
        record, _ = HealthRecord.objects.get_or_create(
            student=student,
            school_year=school_class.school_year,
            term=1,
            defaults={"height_cm": Decimal("120.5"), "weight_kg": Decimal("23.0")},
        )
        made.append((owner, record))
    return made


ROUTES = {
    "registry:class_results": Route("objects", visible=CLASSES_VISIBLE, objects=school_classes),
    "registry:class_health": Route("objects", visible=CLASSES_VISIBLE, objects=school_classes),
    "registry:student_results": Route("objects", visible=STUDENTS_VISIBLE, objects=students),
    "registry:student_result_history": Route("objects", visible=RESULTS_VISIBLE, objects=learning_results),
    "registry:student_health_history": Route("objects", visible=RESULTS_VISIBLE, objects=health_records),
    "api:learning-result-list": Route("none", api=True),
    "api:learning-result-detail": Route("objects", api=True, visible=RESULTS_VISIBLE, objects=learning_results),
    "api:health-record-list": Route("none", api=True),
    "api:health-record-detail": Route("objects", api=True, visible=RESULTS_VISIBLE, objects=health_records),
}
