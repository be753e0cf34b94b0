"""The sharing pages' routes in the scoping contract (gathered by edudb/core/tests/test_scope_contract.py).

- A request is scoped by its unit in charge (domain: units): whoever sees that unit with "view" reads the request
  (list, page, the decision's scan); the contract files one request under every unit of the cast.
- The actions (take up, forward, withdraw, decide, revoke, retry) fetch the request with "Duyệt báo cáo của đơn vị
  cấp dưới" (``Function.APPROVE``): accounts without it, or out of reach, get 404; in reach, the services decide
  (the decision and the revocation are the Sở's — others get a 403 page with the reason).
- The public pages (file a request, its confirmation, the status page, the download link) need no account.

The tables are written out by hand from the rules, not computed by the scoping code they check.
"""

from __future__ import annotations

from typing import Any

from edudb.core.tests.contract import A_TREE, ALL_UNITS, B_TREE, UNITS_VISIBLE, Route

# Who reaches a unit's requests with the approve function: the admins (every function) and commune A's user.
APPROVE_VISIBLE: dict[str, set[str]] = {
    "so_admin": ALL_UNITS,
    "commune_a_admin": A_TREE,
    "commune_a_user": A_TREE,
    "commune_b_admin": B_TREE,
    "thpt_admin": {"thpt"},
    **{f"school_{s}_admin": {f"school_{s}"} for s in ("a1", "a2", "b1", "b2")},
}
SCAN_NAME = "sharing/consents/contract-test.pdf"


def requests(cast: Any) -> list[tuple[str, Any]]:
    """One submitted request addressed to every unit of the cast (made directly: no notifications)."""
    import datetime as dt

    from django.utils import timezone

    from edudb.sharing.models import Channel, DataRequest, RequestState

    made = []
    for index, (name, unit) in enumerate(sorted(cast.units.items()), start=1):
        request, _created = DataRequest.objects.get_or_create(
            number=f"YC-2000-{index:04d}",
            defaults={
                "unit": unit,
                "channel": Channel.PAPER,
                "requester_name": "Phạm Minh Châu",
                "requester_organisation": "Viện Khoa học Giáo dục Việt Nam",
                "purpose": "Nghiên cứu",
                "legal_basis": "Đề tài cấp Bộ",
                "wanted_fields": ["students:ho_va_ten"],
                "file_format": "xlsx",
                "keep_until": timezone.localdate() + dt.timedelta(days=90),
                "tracking_hash": "0" * 64,
                "state": RequestState.SUBMITTED,
                "created_at": timezone.now(),
            },
        )
        request.wanted_units.set([unit])
        made.append((name, request))
    return made


def decided(cast: Any) -> list[tuple[str, Any]]:
    """The same requests, refused by the Sở with a scanned document (the scan is one small file, written once)."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.utils import timezone

    from edudb.sharing.models import DataRequest, Decision, Outcome, RequestState

    if not default_storage.exists(SCAN_NAME):
        default_storage.save(SCAN_NAME, ContentFile(b"%PDF-1.4\n%%EOF\n"))
    made = requests(cast)
    for _name, request in made:
        if not Decision.objects.filter(request=request).exists():
            Decision.objects.create(
                request=request,
                outcome=Outcome.REFUSED,
                reason="Chưa đủ căn cứ pháp lý",
                scan=SCAN_NAME,
                decided_at=timezone.now(),
                decided_by=cast.so_admin,
            )
        DataRequest.objects.filter(pk=request.pk).update(state=RequestState.REFUSED)
    return made


def _action(data: dict[str, Any] | None = None) -> Route:
    return Route("objects", "post", visible=APPROVE_VISIBLE, objects=requests, data=data)


ROUTES: dict[str, Route] = {
    "sharing:list": Route("none", query="?state=submitted"),
    "sharing:new": Route("none"),
    "sharing:detail": Route("objects", visible=UNITS_VISIBLE, objects=requests),
    "sharing:consent_scan": Route("objects", visible=UNITS_VISIBLE, objects=decided),
    "sharing:take_up": _action(),
    "sharing:forward": _action({"note": "Đề nghị Sở xem xét"}),
    "sharing:withdraw": _action({"reason": "Kiểm thử"}),
    "sharing:decide": _action({"outcome": "refused", "reason": ""}),
    "sharing:revoke": _action({"reason": "Kiểm thử"}),
    "sharing:retry": _action(),
    "sharing:public_request": Route("public"),
    "sharing:public_done": Route("public"),
    "sharing:public_status": Route("public"),
    "sharing:release_download": Route("public"),
}
