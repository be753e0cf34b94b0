"""The quality scorecards', work lists' and settings' routes in the scoping contract (gathered by
edudb/core/tests/test_scope_contract.py).

A scorecard, a work list and their buttons are addressed by unit: whoever may see the unit may open them (the figures
then count only the data the account may see), anyone else is told "not found". The findings API is scoped per row
by the database a finding belongs to: the staff findings made here follow the staff table.
"""

from __future__ import annotations

from typing import Any

from edudb.core.tests.contract import ALL_UNITS, UNITS_VISIBLE, Route
from edudb.registry.tests.contract_routes_staff import STAFF_VISIBLE, staff_members


def staff_findings(cast: Any) -> list[tuple[str, Any]]:
    """One finding about a staff record in every unit of the cast."""
    from django.utils import timezone

    from edudb.core.scoping import Domain
    from edudb.quality.models import Finding, Severity, Target

    made = []
    members = dict(staff_members(cast))
    for name in sorted(ALL_UNITS):
        staff = members[name]
        finding, _created = Finding.objects.get_or_create(
            unit=cast.units[name],
            target=Target.STAFF,
            object_id=staff.pk,
            rule="staff.contact",
            field="phone",
            defaults={
                "domain": Domain.STAFF,
                "object_label": staff.full_name,
                "kind": Finding.Kind.INVALID,
                "severity": Severity.WARNING,
                "message": "Số điện thoại chưa đúng dạng: hãy sửa Điện thoại.",
                "found_at": timezone.now(),
            },
        )
        made.append((name, finding))
    return made


ROUTES = {
    "quality:home": Route("none"),
    "quality:settings": Route("none"),
    "quality:scorecard": Route("unit", visible=UNITS_VISIBLE),
    "quality:worklist": Route("unit", visible=UNITS_VISIBLE),
    "quality:measure": Route("unit", "post", visible=UNITS_VISIBLE),
    "quality:confirm": Route("unit", "post", visible=UNITS_VISIBLE, data={"target": "staff"}),
    "quality:standardise": Route("unit", "post", visible=UNITS_VISIBLE, data={"target": "staff"}),
    "api:quality-scorecard-list": Route("none", api=True),
    "api:quality-scorecard-detail": Route("unit", api=True, visible=UNITS_VISIBLE),
    "api:quality-finding-list": Route("none", api=True),
    "api:quality-finding-detail": Route("objects", api=True, visible=STAFF_VISIBLE, objects=staff_findings),
    "api:quality-rule-list": Route("none", api=True),
}
