"""Staff awards, discipline and training in the scoping contract (gathered by edudb/core/tests/test_scope_contract.py).

They belong to a staff member and are seen and written exactly as the staff record is: the tables are the staff
database's, written out by hand in contract_routes_staff.py.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from edudb.core.tests.contract import Route
from edudb.registry.tests.contract_routes_staff import STAFF_VISIBLE, STAFF_WRITABLE, staff_members


def awards(cast: Any) -> list[tuple[str, Any]]:
    """One award (Lao động tiên tiến, 2024) for the staff member of every unit of the cast."""
    from edudb.quality.models import items_of
    from edudb.registry.models import StaffAward

    title = items_of("danh_hieu_thi_dua").get(code="LDTT")
    return [
        (
            owner,
            StaffAward.objects.get_or_create(
                staff=staff,
                title=title,
                year=2024,
                defaults={"decision_number": "45/QĐ-SGDĐT", "decision_date": dt.date(2025, 6, 20)},
            )[0],
        )
        for owner, staff in staff_members(cast)
    ]


def disciplines(cast: Any) -> list[tuple[str, Any]]:
    """One reprimand for the staff member of every unit of the cast."""
    from edudb.quality.models import items_of
    from edudb.registry.models import StaffDiscipline

    form = items_of("hinh_thuc_ky_luat").get(code="01")
    return [
        (
            owner,
            StaffDiscipline.objects.get_or_create(
                staff=staff,
                form=form,
                defaults={
                    "reason": "Vi phạm quy chế chuyên môn",
                    "decision_number": "7/QĐ",
                    "decision_date": dt.date(2025, 3, 3),
                },
            )[0],
        )
        for owner, staff in staff_members(cast)
    ]


def trainings(cast: Any) -> list[tuple[str, Any]]:
    """One regular professional development course for the staff member of every unit of the cast."""
    from edudb.quality.models import items_of
    from edudb.registry.models import StaffTraining

    kind = items_of("loai_boi_duong").get(code="BDTX")
    return [
        (
            owner,
            StaffTraining.objects.get_or_create(
                staff=staff,
                kind=kind,
                title="Bồi dưỡng thường xuyên năm học 2024–2025",
                defaults={"starts_on": dt.date(2024, 10, 1), "ends_on": dt.date(2025, 5, 31), "hours": 120},
            )[0],
        )
        for owner, staff in staff_members(cast)
    ]


ROUTES = {
    "registry:staff_records": Route("objects", visible=STAFF_VISIBLE, objects=staff_members),
    "registry:staff_award_create": Route("objects", visible=STAFF_WRITABLE, objects=staff_members),
    "registry:staff_discipline_create": Route("objects", visible=STAFF_WRITABLE, objects=staff_members),
    "registry:staff_training_create": Route("objects", visible=STAFF_WRITABLE, objects=staff_members),
    "registry:staff_award_list": Route("none"),
    "registry:staff_training_list": Route("none"),
    "registry:staff_award_edit": Route("objects", visible=STAFF_WRITABLE, objects=awards),
    "registry:staff_discipline_edit": Route("objects", visible=STAFF_WRITABLE, objects=disciplines),
    "registry:staff_training_edit": Route("objects", visible=STAFF_WRITABLE, objects=trainings),
    "registry:staff_award_delete": Route(
        "objects", "post", visible=STAFF_WRITABLE, objects=awards, data={"version": "1"}
    ),
    "registry:staff_discipline_delete": Route(
        "objects", "post", visible=STAFF_WRITABLE, objects=disciplines, data={"version": "1"}
    ),
    "registry:staff_training_delete": Route(
        "objects", "post", visible=STAFF_WRITABLE, objects=trainings, data={"version": "1"}
    ),
    "api:staff-award-list": Route("none", api=True),
    "api:staff-award-detail": Route("objects", api=True, visible=STAFF_VISIBLE, objects=awards),
    "api:staff-discipline-list": Route("none", api=True),
    "api:staff-discipline-detail": Route("objects", api=True, visible=STAFF_VISIBLE, objects=disciplines),
    "api:staff-training-list": Route("none", api=True),
    "api:staff-training-detail": Route("objects", api=True, visible=STAFF_VISIBLE, objects=trainings),
}
