"""The oversight pages' routes in the scoping contract (gathered by edudb/core/tests/test_scope_contract.py).

- Adoption, the management report, the review board, the contacts directory and the terms are list pages: every
  account opens them and sees only the units in its reach.
- Files (the adoption table, the management report) need "Xuất dữ liệu": others find nothing (404), as with the
  statistics documents.
- A unit's organisational records (and its team members, its rules document) follow the unit (domain: units);
  editing them is its admin's, others in reach are told why with a 403 page (the POST routes check only the 404).
- An account review follows the unit's accounts (manage accounts), as the access review does.
- The security figures follow the unit's audit trail (view audit); a designated head reaches them too (the cast
  designates none: ``test_governance.py`` checks the head).

The tables are written out by hand from the rules, not computed by the scoping code they check.
"""

from __future__ import annotations

from typing import Any

from edudb.core.tests.contract import ACCOUNTS_VISIBLE, AUDIT_VISIBLE, UNITS_VISIBLE, Route

EXPORTERS = {"so_admin", "office_th_user", "commune_a_admin", "commune_b_admin", "thpt_admin"} | {
    f"school_{s}_admin" for s in ("a1", "a2", "b1", "b2")
}
# Who may download a unit's files (function: export, domain: units).
EXPORT_VISIBLE: dict[str, set[str]] = {role: UNITS_VISIBLE[role] for role in EXPORTERS}
CONTRACT_PDF = b"%PDF-1.4\n% contract\n"


def reviews(cast: Any) -> list[tuple[str, Any]]:
    """A review of the current half-year for every unit of the cast (made directly: opening one notifies)."""
    from django.utils import timezone

    from edudb.oversight.models import AccountReview, half_of

    year, half = half_of(timezone.localdate())
    made = []
    for name, unit in sorted(cast.units.items()):
        review, _created = AccountReview.objects.get_or_create(
            unit=unit, year=year, half=half, defaults={"opened_at": timezone.now(), "due_on": timezone.localdate()}
        )
        made.append((name, review))
    return made


def members(cast: Any) -> list[tuple[str, Any]]:
    from edudb.oversight.models import TeamMember, TeamRole

    made = []
    for name, unit in sorted(cast.units.items()):
        member, _created = TeamMember.objects.get_or_create(
            unit=unit, full_name="Nguyễn Văn Kiểm", defaults={"role": TeamRole.TECHNICAL, "phone": "0912345678"}
        )
        made.append((name, member))
    return made


def units_with_rules(cast: Any) -> list[tuple[str, Any]]:
    """Every unit of the cast with a rules document on file (one small PDF shared by all)."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from edudb.oversight.models import Charter

    path = "charters/contract/quy-dinh.pdf"
    if not default_storage.exists(path):
        path = default_storage.save(path, ContentFile(CONTRACT_PDF))
    for unit in cast.units.values():
        Charter.objects.update_or_create(unit=unit, defaults={"rules_number": "01/QĐ", "rules_file": path})
    return sorted(cast.units.items())


MEMBER_VALUES = {"full_name": "Trần Thị Hoa", "position": "Phó hiệu trưởng", "role": "lead", "order": "0"}

ROUTES = {
    "oversight:home": Route("none"),
    "oversight:adoption_xlsx": Route("unit", visible=EXPORT_VISIBLE),
    "oversight:report": Route("none"),
    "oversight:report_file": Route("unit", visible=EXPORT_VISIBLE, query="?format=xlsx"),
    "oversight:reviews": Route("none"),
    "oversight:review": Route("objects", visible=ACCOUNTS_VISIBLE, objects=reviews),
    "oversight:review_confirm": Route(
        "objects", "post", visible=ACCOUNTS_VISIBLE, objects=reviews, data={"confirm": "on", "note": "Kiểm thử"}
    ),
    "oversight:unit": Route("unit", visible=UNITS_VISIBLE),
    "oversight:rules_file": Route("objects", visible=UNITS_VISIBLE, objects=units_with_rules),
    "oversight:unit_edit": Route("unit", "post", visible=UNITS_VISIBLE, data={"rules_number": "02/QĐ-KT"}),
    "oversight:member_add": Route("unit", "post", visible=UNITS_VISIBLE, data=MEMBER_VALUES),
    "oversight:member_edit": Route("objects", "post", visible=UNITS_VISIBLE, objects=members, data=MEMBER_VALUES),
    "oversight:member_delete": Route("objects", "post", visible=UNITS_VISIBLE, objects=members),
    "oversight:contacts": Route("none"),
    "oversight:security": Route("unit", visible=AUDIT_VISIBLE),
    "oversight:terms": Route("none"),
}
