"""The registry's routes in the scoping contract (gathered by edudb/core/tests/test_scope_contract.py)."""

from __future__ import annotations

from typing import Any

from edudb.core.tests.contract import UNITS_VISIBLE, Route

INSTITUTIONS = {"thpt", "school_a1", "school_a2", "school_b1", "school_b2"}
# Whose school records each role sees (domain: schools) — the units it sees, institutions only; the staff office
# (Tổ chức cán bộ) oversees staff data, not schools.
SCHOOLS_VISIBLE: dict[str, set[str]] = {
    role: units & INSTITUTIONS for role, units in UNITS_VISIBLE.items() if role != "office_tccb_user"
}
# Who may edit school records (function: enter units) — in the cast, only the admins hold it.
SCHOOLS_WRITABLE: dict[str, set[str]] = {
    "so_admin": INSTITUTIONS,
    "commune_a_admin": {"school_a1", "school_a2"},
    "commune_b_admin": {"school_b1", "school_b2"},
    "thpt_admin": {"thpt"},
    **{f"school_{s}_admin": {f"school_{s}"} for s in ("a1", "a2", "b1", "b2")},
}


def school_profiles(cast: Any) -> list[tuple[str, Any]]:
    from edudb.registry.models import SchoolProfile

    return [(name, SchoolProfile.objects.get_or_create(unit=cast.units[name])[0]) for name in sorted(INSTITUTIONS)]


def sites(cast: Any) -> list[tuple[str, Any]]:
    from edudb.registry.models import Site

    made = []
    for name in sorted(INSTITUTIONS):
        unit = cast.units[name]
        site = Site.objects.get_or_create(
            unit=unit, code="DC", defaults={"name": f"Điểm chính {unit.name}", "is_main": True}
        )
        made.append((name, site[0]))
    return made


ROUTES = {
    "registry:school_list": Route("none"),
    "registry:school_create": Route("none"),
    "registry:school_detail": Route("objects", visible=SCHOOLS_VISIBLE, objects=school_profiles),
    "registry:school_edit": Route("objects", visible=SCHOOLS_WRITABLE, objects=school_profiles),
    "registry:site_create": Route("none"),
    "registry:site_detail": Route("objects", visible=SCHOOLS_VISIBLE, objects=sites),
    "registry:site_edit": Route("objects", visible=SCHOOLS_WRITABLE, objects=sites),
    "api:school-list": Route("none", api=True),
    "api:school-detail": Route("objects", api=True, visible=SCHOOLS_VISIBLE, objects=school_profiles),
    "api:site-list": Route("none", api=True),
    "api:site-detail": Route("objects", api=True, visible=SCHOOLS_VISIBLE, objects=sites),
}
