"""The facilities database's routes in the scoping contract (gathered by edudb/core/tests/test_scope_contract.py)."""

from __future__ import annotations

from typing import Any

from edudb.core.tests.contract import Route

# Whose room stock each role sees (domain: facilities, function: view), written out by hand from the cast: the
# institutions among the units it sees. The Tiểu học office oversees the primary schools; the Tổ chức cán bộ
# office oversees staff data only, so it sees no facilities at all.
FACILITIES_VISIBLE: dict[str, set[str]] = {
    "so_admin": {"thpt", "school_a1", "school_a2", "school_b1", "school_b2"},
    "office_th_user": {"school_a1", "school_b1"},
    "office_tccb_user": set(),
    "commune_a_admin": {"school_a1", "school_a2"},
    "commune_a_user": {"school_a1", "school_a2"},
    "commune_b_admin": {"school_b1", "school_b2"},
    "thpt_admin": {"thpt"},
    "thpt_user": {"thpt"},
    **{f"school_{s}_{k}": {f"school_{s}"} for s in ("a1", "a2", "b1", "b2") for k in ("admin", "user")},
}
# Who may edit room stock (function: enter facilities) — in the cast only the admins hold it, each for its subtree.
FACILITIES_WRITABLE: dict[str, set[str]] = {
    "so_admin": {"thpt", "school_a1", "school_a2", "school_b1", "school_b2"},
    "commune_a_admin": {"school_a1", "school_a2"},
    "commune_b_admin": {"school_b1", "school_b2"},
    "thpt_admin": {"thpt"},
    **{f"school_{s}_admin": {f"school_{s}"} for s in ("a1", "a2", "b1", "b2")},
}


def room_stock(cast: Any) -> list[tuple[str, Any]]:
    """One row of classrooms at the main site of each institution of the cast, in the current school year."""
    from edudb.quality.models import items_of
    from edudb.registry.models import RoomStock, Site
    from edudb.reporting.models import SchoolYear

    year = SchoolYear.objects.get(is_current=True)
    classroom = items_of("loai_phong").get(code="PH")
    made = []
    for owner in sorted(FACILITIES_WRITABLE["so_admin"]):
        unit = cast.units[owner]
        site, _ = Site.objects.get_or_create(
            unit=unit, code="DC", defaults={"name": f"Điểm chính {unit.name}", "is_main": True}
        )
        stock, _ = RoomStock.objects.get_or_create(
            unit=unit,
            site=site,
            school_year=year,
            room_kind=classroom,
            defaults={"count_solid": 10, "area_solid": 540},
        )
        made.append((owner, stock))
    return made


ROUTES = {
    "registry:room_list": Route("none"),
    "registry:room_create": Route("none"),
    "registry:room_detail": Route("objects", visible=FACILITIES_VISIBLE, objects=room_stock),
    "registry:room_edit": Route("objects", visible=FACILITIES_WRITABLE, objects=room_stock),
    "api:room-list": Route("none", api=True),
    "api:room-detail": Route("objects", api=True, visible=FACILITIES_VISIBLE, objects=room_stock),
}
