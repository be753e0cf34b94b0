"""The classes database's routes in the scoping contract (gathered by edudb/core/tests/test_scope_contract.py)."""

from __future__ import annotations

from typing import Any

from edudb.core.tests.contract import Route
from edudb.registry.tests.contract_routes import SCHOOLS_VISIBLE, SCHOOLS_WRITABLE

# The institutional data domains share one visibility: the institutions among the units a role sees (the Tổ chức
# cán bộ office oversees staff only), written out in contract_routes.py; in the cast only the admins may write.
CLASSES_VISIBLE = SCHOOLS_VISIBLE
CLASSES_WRITABLE = SCHOOLS_WRITABLE

# One class per institution of the cast, of a grade (or age group) its level teaches.
_CLASS_OF = {
    "thpt": ("10A1", 10, None),
    "school_a1": ("1A", 1, None),
    "school_a2": ("6A", 6, None),
    "school_b1": ("2B", 2, None),
    "school_b2": ("Lá 1", None, "18"),
}


def school_classes(cast: Any) -> list[tuple[str, Any]]:
    from edudb.quality.models import items_of
    from edudb.registry.models import SchoolClass
    from edudb.reporting.models import SchoolYear

    year = SchoolYear.objects.get(is_current=True)
    made = []
    for owner, (name, grade, age) in sorted(_CLASS_OF.items()):
        age_group = items_of("nhom_tuoi_mam_non").get(code=age) if age else None
        school_class, _ = SchoolClass.objects.get_or_create(
            unit=cast.units[owner], school_year=year, name=name, defaults={"grade": grade, "age_group": age_group}
        )
        made.append((owner, school_class))
    return made


ROUTES = {
    "registry:class_list": Route("none"),
    "registry:class_create": Route("none"),
    "registry:class_detail": Route("objects", visible=CLASSES_VISIBLE, objects=school_classes),
    "registry:class_edit": Route("objects", visible=CLASSES_WRITABLE, objects=school_classes),
    "api:class-list": Route("none", api=True),
    "api:class-detail": Route("objects", api=True, visible=CLASSES_VISIBLE, objects=school_classes),
}
