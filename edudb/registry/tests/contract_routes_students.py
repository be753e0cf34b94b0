"""The students database's routes in the scoping contract (gathered by edudb/core/tests/test_scope_contract.py).

The tables are written out by hand from the rules (R1.4, R5), not computed by the scoping code they check.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from edudb.core.tests.contract import A_TREE, B_TREE, Route

INSTITUTIONS = {"thpt", "school_a1", "school_a2", "school_b1", "school_b2"}
# Whose students each role sees (domain: students, function: view). Students belong to institutions; the Tiểu học
# office sees the primary schools; the Tổ chức cán bộ office oversees staff data and sees no student at all.
STUDENTS_VISIBLE: dict[str, set[str]] = {
    "so_admin": INSTITUTIONS,
    "office_th_user": {"school_a1", "school_b1"},
    "office_tccb_user": set(),
    "commune_a_admin": A_TREE & INSTITUTIONS,
    "commune_a_user": A_TREE & INSTITUTIONS,
    "commune_b_admin": B_TREE & INSTITUTIONS,
    "thpt_admin": {"thpt"},
    "thpt_user": {"thpt"},
    **{f"school_{s}_{k}": {f"school_{s}"} for s in ("a1", "a2", "b1", "b2") for k in ("admin", "user")},
}
# Who may enter students (function: enter students): every admin for its subtree, and the two user accounts of
# the cast granted it, for their own school.
STUDENTS_WRITABLE: dict[str, set[str]] = {
    "so_admin": INSTITUTIONS,
    "commune_a_admin": A_TREE & INSTITUTIONS,
    "commune_b_admin": B_TREE & INSTITUTIONS,
    "thpt_admin": {"thpt"},
    "thpt_user": {"thpt"},
    "school_a1_user": {"school_a1"},
    **{f"school_{s}_admin": {f"school_{s}"} for s in ("a1", "a2", "b1", "b2")},
}
# Who may see a personal ID in full (function: reveal personal ID) — in the cast, only the admins hold it.
STUDENTS_REVEALABLE: dict[str, set[str]] = {
    "so_admin": INSTITUTIONS,
    "commune_a_admin": A_TREE & INSTITUTIONS,
    "commune_b_admin": B_TREE & INSTITUTIONS,
    "thpt_admin": {"thpt"},
    **{f"school_{s}_admin": {f"school_{s}"} for s in ("a1", "a2", "b1", "b2")},
}


def students(cast: Any) -> list[tuple[str, Any]]:
    """One student in every institution of the cast, with a Ministry code and a personal ID."""
    from edudb.quality.models import items_of
    from edudb.registry.models import Student

    studying = items_of("trang_thai_hoc_sinh").get(code="01")
    boy = items_of("gioi_tinh").get(code="1")
    made = []
    for name in sorted(INSTITUTIONS):
        unit = cast.units[name]
        digits = unit.code[-6:]
        student, _ = Student.objects.get_or_create(
            ministry_code=f"31{digits}01",
            defaults={
                "unit": unit,
                "full_name": f"Phạm Văn Thử {digits}",
                "birth_date": dt.date(2015, 3, 9),
                "gender": boy,
                "status": studying,
                "personal_id": f"031{digits}001",
            },
        )
        made.append((name, student))
    return made


def students_with_a_temporary_code(cast: Any) -> list[tuple[str, Any]]:
    """One student in every institution still known by a temporary code."""
    from edudb.quality.models import items_of
    from edudb.registry.models import Student

    studying = items_of("trang_thai_hoc_sinh").get(code="01")
    girl = items_of("gioi_tinh").get(code="2")
    made = []
    for name in sorted(INSTITUTIONS):
        unit = cast.units[name]
        student, _ = Student.objects.get_or_create(
            temporary_code=f"TMP-T{unit.code}",
            defaults={
                "unit": unit,
                "full_name": "Đỗ Thị Tạm",
                "birth_date": dt.date(2016, 10, 1),
                "gender": girl,
                "status": studying,
            },
        )
        made.append((name, student))
    return made


ROUTES = {
    "registry:student_list": Route("none"),
    "registry:student_create": Route("none"),
    "registry:student_detail": Route("objects", visible=STUDENTS_VISIBLE, objects=students),
    "registry:student_edit": Route("objects", visible=STUDENTS_WRITABLE, objects=students),
    "registry:student_reveal_id": Route("objects", "post", visible=STUDENTS_REVEALABLE, objects=students),
    "registry:student_set_code": Route(
        "objects",
        "post",
        visible=STUDENTS_WRITABLE,
        objects=students_with_a_temporary_code,
        data={"ministry_code": "123"},
    ),
    "api:student-list": Route("none", api=True),
    "api:student-detail": Route("objects", api=True, visible=STUDENTS_VISIBLE, objects=students),
    "api:student-autocomplete": Route("none", api=True),
}
