"""The staff database's routes in the scoping contract (gathered by edudb/core/tests/test_scope_contract.py).

The tables are written out by hand from the rules (R1.4, R5), not computed by the scoping code they check.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from edudb.core.tests.contract import A_TREE, ALL_UNITS, B_TREE, Route

# Whose staff records each role sees (domain: staff, function: view). Every unit has staff — the Sở, its offices
# and the communes too. The Tổ chức cán bộ office oversees staff of the Sở itself and of the units directly under
# the Sở that are not managers (the Sở, its two offices and the THPT); the Tiểu học office sees by level.
STAFF_VISIBLE: dict[str, set[str]] = {
    "so_admin": ALL_UNITS,
    "office_th_user": {"office_th", "so", "commune_a", "commune_b", "school_a1", "school_b1"},
    "office_tccb_user": {"so", "office_th", "office_tccb", "thpt"},
    "commune_a_admin": A_TREE,
    "commune_a_user": A_TREE,
    "commune_b_admin": B_TREE,
    "thpt_admin": {"thpt"},
    "thpt_user": {"thpt"},
    **{f"school_{s}_{k}": {f"school_{s}"} for s in ("a1", "a2", "b1", "b2") for k in ("admin", "user")},
}
# Who may enter staff (function: enter staff): every admin for its subtree; of the user accounts only the Tổ chức
# cán bộ office holds it, for the units it oversees.
STAFF_WRITABLE: dict[str, set[str]] = {
    "so_admin": ALL_UNITS,
    "office_tccb_user": {"so", "office_th", "office_tccb", "thpt"},
    "commune_a_admin": A_TREE,
    "commune_b_admin": B_TREE,
    "thpt_admin": {"thpt"},
    **{f"school_{s}_admin": {f"school_{s}"} for s in ("a1", "a2", "b1", "b2")},
}
# Who may see a personal ID in full (function: reveal personal ID) — in the cast, only the admins hold it.
STAFF_REVEALABLE: dict[str, set[str]] = {
    "so_admin": ALL_UNITS,
    "commune_a_admin": A_TREE,
    "commune_b_admin": B_TREE,
    "thpt_admin": {"thpt"},
    **{f"school_{s}_admin": {f"school_{s}"} for s in ("a1", "a2", "b1", "b2")},
}

_FIRST_NAMES = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Khánh", "Lan", "Minh", "Nga"]


def staff_members(cast: Any) -> list[tuple[str, Any]]:
    """One staff member in every unit of the cast, with a personal ID and without a Ministry code."""
    from edudb.quality.models import items_of
    from edudb.registry.models import StaffMember

    teacher = items_of("loai_can_bo").get(code="2")
    working = items_of("trang_thai_can_bo").get(code="01")
    female = items_of("gioi_tinh").get(code="2")
    made = []
    for number, name in enumerate(sorted(ALL_UNITS)):
        unit = cast.units[name]
        staff = StaffMember.objects.filter(unit=unit).order_by("pk").first()
        if staff is None:
            staff = StaffMember.objects.create(
                unit=unit,
                full_name=f"Nguyễn Thị {_FIRST_NAMES[number % len(_FIRST_NAMES)]}",
                birth_date=dt.date(1985, 3, 1 + number),
                gender=female,
                personal_id=f"031185{number:06d}",
                staff_type=teacher,
                subjects="Toán",
                work_status=working,
            )
        made.append((name, staff))
    return made


ROUTES = {
    "registry:staff_list": Route("none"),
    "registry:staff_create": Route("none"),
    "registry:staff_detail": Route("objects", visible=STAFF_VISIBLE, objects=staff_members),
    "registry:staff_edit": Route("objects", visible=STAFF_WRITABLE, objects=staff_members),
    "registry:staff_set_code": Route(
        "objects", "post", visible=STAFF_WRITABLE, objects=staff_members, data={"code": "CB31999999"}
    ),
    "registry:staff_reveal_id": Route("objects", "post", visible=STAFF_REVEALABLE, objects=staff_members),
    "api:staff-list": Route("none", api=True),
    "api:staff-detail": Route("objects", api=True, visible=STAFF_VISIBLE, objects=staff_members),
}
