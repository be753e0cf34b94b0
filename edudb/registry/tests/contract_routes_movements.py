"""The movements' routes in the scoping contract (gathered by edudb/core/tests/test_scope_contract.py).

A transfer belongs to two units. In the contract every school of the two communes sends one student and one staff
member to the THPT, so a transfer is visible to whoever sees the sending school *or* the THPT; it may be accepted
or refused only by whoever writes at the THPT, and cancelled only by whoever writes at the sending school. The
tables are written out by hand from those rules.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from edudb.core.tests.contract import Route
from edudb.registry.tests.contract_routes import SCHOOLS_VISIBLE, SCHOOLS_WRITABLE
from edudb.registry.tests.contract_routes_staff import STAFF_WRITABLE, staff_members
from edudb.registry.tests.contract_routes_students import (
    INSTITUTIONS,
    STUDENTS_VISIBLE,
    STUDENTS_WRITABLE,
    students,
)

SENDERS = {"school_a1", "school_a2", "school_b1", "school_b2"}
A_SCHOOLS = {"school_a1", "school_a2"}
B_SCHOOLS = {"school_b1", "school_b2"}
_SCHOOL_ROLES = {f"school_{s}_{k}": {f"school_{s}"} for s in ("a1", "a2", "b1", "b2") for k in ("admin", "user")}

STUDENT_TRANSFERS_VISIBLE: dict[str, set[str]] = {
    "so_admin": SENDERS,
    "office_th_user": {"school_a1", "school_b1"},  # the primary schools; the THPT is not its level
    "commune_a_admin": A_SCHOOLS,
    "commune_a_user": A_SCHOOLS,
    "commune_b_admin": B_SCHOOLS,
    "thpt_admin": SENDERS,  # the receiving end sees every transfer to it
    "thpt_user": SENDERS,
    **_SCHOOL_ROLES,
}
STUDENT_TRANSFERS_RECEIVING: dict[str, set[str]] = {"so_admin": SENDERS, "thpt_admin": SENDERS, "thpt_user": SENDERS}
STUDENT_TRANSFERS_SENDING: dict[str, set[str]] = {
    role: units & SENDERS for role, units in STUDENTS_WRITABLE.items() if units & SENDERS
}
STAFF_TRANSFERS_VISIBLE: dict[str, set[str]] = {
    "so_admin": SENDERS,
    "office_th_user": {"school_a1", "school_b1"},
    "office_tccb_user": SENDERS,  # oversees the THPT's staff (a unit directly under the Sở)
    "commune_a_admin": A_SCHOOLS,
    "commune_a_user": A_SCHOOLS,
    "commune_b_admin": B_SCHOOLS,
    "thpt_admin": SENDERS,
    "thpt_user": SENDERS,
    **_SCHOOL_ROLES,
}
STAFF_TRANSFERS_RECEIVING: dict[str, set[str]] = {
    "so_admin": SENDERS,
    "office_tccb_user": SENDERS,
    "thpt_admin": SENDERS,
}
STAFF_TRANSFERS_SENDING: dict[str, set[str]] = {
    role: units & SENDERS for role, units in STAFF_WRITABLE.items() if units & SENDERS
}
STUDENTS_WITH_EVENTS_VISIBLE = STUDENTS_VISIBLE
# A transfer list names both ends: whoever sees a transfer may read the name of the school at its other end.
STUDENT_COUNTERPARTS = {role: {"thpt"} | senders for role, senders in STUDENT_TRANSFERS_VISIBLE.items()}
STAFF_COUNTERPARTS = {role: {"thpt"} | senders for role, senders in STAFF_TRANSFERS_VISIBLE.items()}


def student_transfers(cast: Any) -> list[tuple[str, Any]]:
    from edudb.registry.models import StudentTransfer
    from edudb.reporting.models import SchoolYear

    year = SchoolYear.objects.get(is_current=True)
    made = []
    for owner, student in students(cast):
        if owner not in SENDERS:
            continue
        transfer, _ = StudentTransfer.objects.get_or_create(
            student=student,
            defaults={
                "from_unit": student.unit,
                "to_unit": cast.units["thpt"],
                "school_year": year,
                "term": 1,
                "leaves_on": year.starts_on + dt.timedelta(days=30),
                "person_name": student.full_name,
                "person_code": student.code,
                "released_by": cast.accounts["so_admin"],
            },
        )
        made.append((owner, transfer))
    return made


def staff_transfers(cast: Any) -> list[tuple[str, Any]]:
    from edudb.registry.models import StaffTransfer

    made = []
    for owner, staff in staff_members(cast):
        if owner not in SENDERS:
            continue
        transfer, _ = StaffTransfer.objects.get_or_create(
            staff=staff,
            defaults={
                "from_unit": staff.unit,
                "to_unit": cast.units["thpt"],
                "kind": "move",
                "leaves_on": dt.date(2026, 10, 1),
                "person_name": staff.full_name,
                "released_by": cast.accounts["so_admin"],
            },
        )
        made.append((owner, transfer))
    return made


def student_events(cast: Any) -> list[tuple[str, Any]]:
    from edudb.registry.models import StudentEvent
    from edudb.reporting.models import SchoolYear

    year = SchoolYear.objects.get(is_current=True)
    made = []
    for owner, student in students(cast):
        event, _ = StudentEvent.objects.get_or_create(
            student=student,
            unit=student.unit,
            kind="enrolled",
            defaults={"school_year": year, "term": 1, "happened_on": year.starts_on},
        )
        made.append((owner, event))
    return made


def rollovers(cast: Any) -> list[tuple[str, Any]]:
    from edudb.registry.models import Rollover
    from edudb.reporting.models import SchoolYear

    year = SchoolYear.objects.get(is_current=True)
    following, _ = SchoolYear.objects.get_or_create(
        start_year=year.start_year + 1,
        defaults={"starts_on": dt.date(year.start_year + 1, 9, 5), "ends_on": dt.date(year.start_year + 2, 5, 31)},
    )
    made = []
    for owner in sorted(INSTITUTIONS):
        run, _ = Rollover.objects.get_or_create(
            unit=cast.units[owner],
            from_year=year,
            defaults={"to_year": following, "created_by": cast.accounts["so_admin"]},
        )
        made.append((owner, run))
    return made


ROUTES = {
    "registry:move_destinations": Route("none"),
    "registry:move_admit": Route("none"),
    "api:student-admission-list": Route("none", "post", api=True),
    "registry:move_student": Route("objects", visible=STUDENTS_WRITABLE, objects=students),
    "registry:move_drop_out": Route("objects", visible=STUDENTS_WRITABLE, objects=students),
    "registry:move_return": Route("objects", visible=STUDENTS_WRITABLE, objects=students),
    "registry:move_transfer_list": Route("none", counterparts=STUDENT_COUNTERPARTS),
    "registry:move_transfer_detail": Route("objects", visible=STUDENT_TRANSFERS_VISIBLE, objects=student_transfers),
    "registry:move_transfer_accept": Route(
        "objects", "post", visible=STUDENT_TRANSFERS_RECEIVING, objects=student_transfers
    ),
    "registry:move_transfer_refuse": Route(
        "objects", "post", visible=STUDENT_TRANSFERS_RECEIVING, objects=student_transfers, data={"answer": "Hết chỗ"}
    ),
    "registry:move_transfer_cancel": Route(
        "objects", "post", visible=STUDENT_TRANSFERS_SENDING, objects=student_transfers
    ),
    "registry:move_staff": Route("objects", visible=STAFF_WRITABLE, objects=staff_members),
    "registry:move_staff_transfer_list": Route("none", counterparts=STAFF_COUNTERPARTS),
    "registry:move_staff_transfer_detail": Route("objects", visible=STAFF_TRANSFERS_VISIBLE, objects=staff_transfers),
    "registry:move_staff_transfer_accept": Route(
        "objects", "post", visible=STAFF_TRANSFERS_RECEIVING, objects=staff_transfers
    ),
    "registry:move_staff_transfer_refuse": Route(
        "objects", "post", visible=STAFF_TRANSFERS_RECEIVING, objects=staff_transfers, data={"answer": "Đủ biên chế"}
    ),
    "registry:move_staff_transfer_cancel": Route(
        "objects", "post", visible=STAFF_TRANSFERS_SENDING, objects=staff_transfers
    ),
    "registry:move_event_list": Route("none"),
    "registry:move_rollover_list": Route("none"),
    "registry:move_rollover_new": Route("none"),
    "registry:move_rollover_detail": Route("objects", visible=SCHOOLS_VISIBLE, objects=rollovers),
    "registry:move_rollover_apply": Route("objects", "post", visible=SCHOOLS_WRITABLE, objects=rollovers),
    "registry:move_rollover_discard": Route("objects", "post", visible=SCHOOLS_WRITABLE, objects=rollovers),
    "api:student-transfer-list": Route("none", api=True, counterparts=STUDENT_COUNTERPARTS),
    "api:student-transfer-detail": Route(
        "objects", api=True, visible=STUDENT_TRANSFERS_VISIBLE, objects=student_transfers
    ),
    "api:student-transfer-accept": Route(
        "objects", "post", api=True, visible=STUDENT_TRANSFERS_RECEIVING, objects=student_transfers
    ),
    "api:student-transfer-refuse": Route(
        "objects",
        "post",
        api=True,
        visible=STUDENT_TRANSFERS_RECEIVING,
        objects=student_transfers,
        data={"answer": "Hết chỗ"},
    ),
    "api:student-transfer-cancel": Route(
        "objects", "post", api=True, visible=STUDENT_TRANSFERS_SENDING, objects=student_transfers
    ),
    "api:staff-transfer-list": Route("none", api=True, counterparts=STAFF_COUNTERPARTS),
    "api:staff-transfer-detail": Route("objects", api=True, visible=STAFF_TRANSFERS_VISIBLE, objects=staff_transfers),
    "api:staff-transfer-accept": Route(
        "objects", "post", api=True, visible=STAFF_TRANSFERS_RECEIVING, objects=staff_transfers
    ),
    "api:staff-transfer-refuse": Route(
        "objects", "post", api=True, visible=STAFF_TRANSFERS_RECEIVING, objects=staff_transfers, data={"answer": "x"}
    ),
    "api:staff-transfer-cancel": Route(
        "objects", "post", api=True, visible=STAFF_TRANSFERS_SENDING, objects=staff_transfers
    ),
    "api:student-event-list": Route("none", api=True),
    "api:student-event-detail": Route(
        "objects", api=True, visible=STUDENTS_WITH_EVENTS_VISIBLE, objects=student_events
    ),
    "api:rollover-list": Route("none", api=True),
    "api:rollover-detail": Route("objects", api=True, visible=SCHOOLS_VISIBLE, objects=rollovers),
    "api:rollover-apply": Route("objects", "post", api=True, visible=SCHOOLS_WRITABLE, objects=rollovers),
    "api:rollover-discard": Route("objects", "post", api=True, visible=SCHOOLS_WRITABLE, objects=rollovers),
}
