"""The equipment checklist's routes in the scoping contract (gathered by edudb/core/tests/test_scope_contract.py).

A checklist belongs to a school and is seen as the school's facilities data: the tables are the facilities
database's (contract_routes_facilities.py), written out by hand from the rules.
"""

from __future__ import annotations

from typing import Any

from edudb.core.tests.contract import Route
from edudb.registry.tests.contract_routes_facilities import FACILITIES_VISIBLE, FACILITIES_WRITABLE


def equipment_checks(cast: Any) -> list[tuple[str, Any]]:
    """One checklist line (projectors) for every institution of the cast, in the current school year."""
    from edudb.quality.models import items_of
    from edudb.registry.models import EquipmentCheck
    from edudb.reporting.models import SchoolYear

    year = SchoolYear.objects.get(is_current=True)
    item = items_of("thiet_bi").get(code="TRINHCHIEU")
    made = []
    for owner in sorted(FACILITIES_WRITABLE["so_admin"]):
        check, _ = EquipmentCheck.objects.get_or_create(
            unit=cast.units[owner],
            school_year=year,
            item=item,
            defaults={"required": 12, "available": 12, "usable": 11, "meets_standard": False},
        )
        made.append((owner, check))
    return made


def checklist_schools(cast: Any) -> list[tuple[str, Any]]:
    """Every institution of the cast (the checklist page's object), each with a line filled."""
    return [(owner, check.unit) for owner, check in equipment_checks(cast)]


ROUTES = {
    "registry:equipment_list": Route("none"),
    "registry:equipment_checklist": Route("objects", visible=FACILITIES_VISIBLE, objects=checklist_schools),
    "api:equipment-check-list": Route("none", api=True),
    "api:equipment-check-detail": Route("objects", api=True, visible=FACILITIES_VISIBLE, objects=equipment_checks),
}
