"""The incident pages' routes in the scoping contract (gathered by edudb/core/tests/test_scope_contract.py).

An incident belongs to the unit that reported it (domain: units): that unit, the managing units above it and the Sở
(its offices by their oversight) reach it and its screenshots — the same table as the units' own data. Anyone else
gets 404, for the page and for every action. Inside the scope the services decide who may act: a school's account
posting "triage" reads a 403 page that says the Sở does it (anything but 404 counts as in scope here;
``test_pages.py`` checks the words).

The cast: one incident reported by an account of every unit, each with one screenshot. The tables are written out
by hand from the rules (``UNITS_VISIBLE``), not computed by the scoping code they check.
"""

from __future__ import annotations

from typing import Any

from edudb.core.tests.contract import ALL_UNITS, UNITS_VISIBLE, Route

CONTRACT_TITLE = "Sự cố kiểm thử hợp đồng"
# A 1×1 PNG: the contract's screenshots (written once under MEDIA_ROOT, reused by every test).
PNG_1X1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)
CONTRACT_FILE = "incidents/contract/screenshot.png"


def reporter_of(cast: Any, name: str) -> Any:
    """An account of the unit ``name`` (the offices have no admin: their user account)."""
    return cast.accounts.get(f"{name}_admin") or cast.accounts[f"{name}_user"]


def incidents(cast: Any) -> list[tuple[str, Any]]:
    """One incident reported by every unit of the cast (made directly: the service would notify the Sở)."""
    from django.utils import timezone

    from edudb.incidents.models import Incident

    made = []
    now = timezone.now()
    for index, name in enumerate(sorted(ALL_UNITS), start=9000):
        unit = cast.units[name]
        incident = Incident.objects.filter(unit=unit, title=CONTRACT_TITLE).first()
        if incident is None:
            incident = Incident.objects.create(
                number=Incident.format_number(now.year, index),
                year=now.year,
                sequence=index,
                unit=unit,
                reported_by=reporter_of(cast, name),
                reported_at=now,
                category="slow",
                severity="medium",
                title=CONTRACT_TITLE,
                description="Hệ thống chậm khi mở danh sách học sinh.",
                detected_at=now,
            )
        made.append((name, incident))
    return made


def screenshots(cast: Any) -> list[tuple[str, Any]]:
    """One screenshot on every unit's incident."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.utils import timezone

    from edudb.incidents.models import Screenshot

    if not default_storage.exists(CONTRACT_FILE):
        default_storage.save(CONTRACT_FILE, ContentFile(PNG_1X1))
    made = []
    for name, incident in incidents(cast):
        shot = incident.screenshots.first()
        if shot is None:
            shot = Screenshot.objects.create(
                incident=incident,
                file=CONTRACT_FILE,
                content_type="image/png",
                size=len(PNG_1X1),
                original_name="man-hinh.png",
                uploaded_at=timezone.now(),
                uploaded_by=incident.reported_by,
            )
        made.append((name, shot))
    return made


def _action(data: dict[str, Any] | None = None) -> Route:
    return Route("objects", "post", visible=UNITS_VISIBLE, objects=incidents, data=data)


ROUTES = {
    "incidents:list": Route("none"),
    "incidents:new": Route("none"),
    "incidents:detail": Route("objects", visible=UNITS_VISIBLE, objects=incidents),
    "incidents:triage": _action({"severity": "high", "assignee": ""}),
    "incidents:start": _action(),
    "incidents:resolve": _action({"resolution": "Đã khởi động lại máy chủ"}),
    "incidents:close": _action(),
    "incidents:reopen": _action({"reason": "Vẫn còn lỗi"}),
    "incidents:comment": _action({"text": "Kiểm thử"}),
    "incidents:add_screenshots": _action(),
    "incidents:affected": _action(),
    "incidents:security_report": _action({"kind": "initial"}),
    "incidents:extend": _action(),
    "incidents:screenshot": Route("objects", visible=UNITS_VISIBLE, objects=screenshots),
}
