"""The facilities database's routes in the scoping contract (gathered by edudb/core/tests/test_scope_contract.py)."""

from __future__ import annotations

from typing import Any

from edudb.core.tests.contract import Route
from edudb.registry.tests.contract_routes import SCHOOLS_VISIBLE, SCHOOLS_WRITABLE

# The institutional data domains share one visibility: the institutions among the units a role sees (the Tổ chức
# cán bộ office oversees staff only), written out in contract_routes.py; in the cast only the admins may write.
FACILITIES_VISIBLE = SCHOOLS_VISIBLE
FACILITIES_WRITABLE = SCHOOLS_WRITABLE


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
