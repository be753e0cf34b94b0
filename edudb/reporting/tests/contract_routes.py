"""The reporting pages' routes in the scoping contract (gathered by edudb/core/tests/test_scope_contract.py).

- Periods are the whole city's calendar: every account reads every period (the contract files a period under the
  Sở). Editing and closing a period is the Sở's alone: other accounts are told why with a 403 page (not "not
  found", since they see the period) — the contract checks the write routes by POST, where anything but 404 is
  in scope, and ``test_pages.py`` checks the 403 text.
- A unit's report for a period (report, pre-check, submit, extension, correction) is addressed by the period and
  the unit: whoever sees the unit reaches it (then the services decide who may do what), anyone else gets 404.
- Submissions and correction requests follow their unit (domain: units), as the unit's own pages do.
- Notifications are personal: each account reaches its own only (owner = the account's name in the cast).

The tables are written out by hand from the rules, not computed by the scoping code they check.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from edudb.core.tests.contract import ALL_UNITS, UNITS_VISIBLE, Route

# Every signed-in account reads every period.
PERIOD_READERS: dict[str, set[str]] = {role: {"so"} for role in UNITS_VISIBLE}
# Each account reaches its own notifications and no one else's.
OWN_NOTIFICATIONS: dict[str, set[str]] = {role: {role} for role in UNITS_VISIBLE}
CONTRACT_PERIOD = "Kỳ báo cáo kiểm thử hợp đồng"


@dataclass(frozen=True)
class PeriodUnitRoute(Route):
    """A route addressed by more than the object's id: ``url_kwargs(object)`` gives the URL's keyword arguments
    (the contract reverses with ``{"pk": object.pk}`` when a route has none)."""

    url_kwargs: Callable[[Any], dict[str, Any]] | None = None


@dataclass(frozen=True)
class ReportRef:
    """A unit's report for a period as its routes address it: ``periods/<period>/units/<pk>/``."""

    period: int
    pk: int


def period_unit_kwargs(ref: ReportRef) -> dict[str, Any]:
    return {"period": ref.period, "pk": ref.pk}


def contract_period(cast: Any) -> Any:
    """An open ad-hoc period (made directly: the service would notify every unit)."""
    from django.utils import timezone

    from edudb.reporting.models import PeriodKind, ReportingPeriod, default_covers

    today = timezone.localdate()
    period, _created = ReportingPeriod.objects.get_or_create(
        kind=PeriodKind.ADHOC,
        title=CONTRACT_PERIOD,
        defaults={
            "opens_on": today - dt.timedelta(days=5),
            "deadline": today + dt.timedelta(days=10),
            "covers": default_covers(),
            "min_completeness": 0,
        },
    )
    return period


def periods(cast: Any) -> list[tuple[str, Any]]:
    return [("so", contract_period(cast))]


def unit_reports(cast: Any) -> list[tuple[str, Any]]:
    """Every unit of the cast in the contract's period (a report row exists or not: the pages work either way)."""
    period = contract_period(cast)
    return [(name, ReportRef(period.pk, unit.pk)) for name, unit in cast.units.items()]


def _submitter(cast: Any, name: str) -> Any:
    return cast.accounts.get(f"{name}_admin") or cast.so_admin


def submissions(cast: Any) -> list[tuple[str, Any]]:
    """A pending version 1 of every unit's report in the contract's period, with its frozen snapshot."""
    from django.utils import timezone

    from edudb.reporting import snapshots
    from edudb.reporting.models import ReportState, Snapshot, Submission, UnitReport

    period = contract_period(cast)
    made = []
    for name in sorted(ALL_UNITS):
        unit = cast.units[name]
        report, _created = UnitReport.objects.get_or_create(period=period, unit=unit)
        submission = Submission.objects.filter(report=report, version=1).first()
        if submission is None:
            now = timezone.now()
            submission = Submission.objects.create(
                report=report, version=1, submitted_at=now, submitted_by=_submitter(cast, name)
            )
            frozen = snapshots.freeze(unit, snapshots.targets_of(period.covers))
            Snapshot.objects.create(
                submission=submission,
                unit_path=unit.path,
                unit_name=unit.name,
                parent=unit.parent,
                parent_name=unit.parent.name if unit.parent else "",
                covers=list(period.covers),
                counts=frozen.counts,
                scorecard={"total": {}, "by_target": {}},
                data=frozen.payload,
                size=frozen.size,
                checksum=frozen.checksum,
                taken_at=now,
            )
            UnitReport.objects.filter(pk=report.pk).update(
                latest=submission, versions=1, state=ReportState.SUBMITTED, first_submitted_at=now, on_time=True
            )
        made.append((name, submission))
    return made


def corrections(cast: Any) -> list[tuple[str, Any]]:
    """A pending correction request on every unit's report in the contract's period."""
    from django.utils import timezone

    from edudb.reporting.models import Correction

    made = []
    for name, submission in submissions(cast):
        correction = Correction.objects.filter(report_id=submission.report_id, decision="pending").first()
        if correction is None:
            correction = Correction.objects.create(
                report_id=submission.report_id,
                reason="Cần điều chỉnh số liệu kiểm thử",
                requested_at=timezone.now(),
                requested_by=_submitter(cast, name),
            )
        made.append((name, correction))
    return made


def notifications(cast: Any) -> list[tuple[str, Any]]:
    """One notification for every account of the cast."""
    from edudb.core.models import Notification

    made = []
    for role, account in sorted(cast.accounts.items()):
        notification, _created = Notification.objects.get_or_create(
            account=account, kind="contract.test", defaults={"title": "Thông báo kiểm thử", "url": "/reporting/"}
        )
        made.append((role, notification))
    return made


PERIOD_VALUES = {
    "title": "Kỳ báo cáo kiểm thử hợp đồng",
    "opens_on": "01/11/2026",
    "deadline": "30/12/2026",
    "covers": ["students"],
    "min_completeness": "0",
}


def _report_route(method: str = "get", data: dict[str, Any] | None = None) -> Route:
    return PeriodUnitRoute(
        "objects", method, visible=UNITS_VISIBLE, objects=unit_reports, data=data, url_kwargs=period_unit_kwargs
    )


ROUTES = {
    "reporting:home": Route("none"),
    "reporting:reviews": Route("none"),
    # GET answers 403 to everyone but the Sở (the contract's page walk wants 200): exercised by its POST.
    "reporting:period_new": Route("none", "post", data=PERIOD_VALUES),
    "reporting:period": Route("objects", visible=PERIOD_READERS, objects=periods),
    "reporting:period_edit": Route("objects", "post", visible=PERIOD_READERS, objects=periods, data=PERIOD_VALUES),
    "reporting:period_close": Route("objects", "post", visible=PERIOD_READERS, objects=periods),
    "reporting:board": Route("objects", visible=PERIOD_READERS, objects=periods),
    "reporting:report": _report_route(),
    "reporting:precheck": _report_route("post"),
    "reporting:submit": _report_route("post", {"note": "Kiểm thử", "missing_note": "Kiểm thử"}),
    "reporting:extend": _report_route("post", {"until": "30/12/2026", "reason": "Kiểm thử"}),
    "reporting:correction": _report_route("post", {"reason": "Kiểm thử"}),
    "reporting:decide_correction": Route(
        "objects", "post", visible=UNITS_VISIBLE, objects=corrections, data={"decision": "accept"}
    ),
    "reporting:submission": Route("objects", visible=UNITS_VISIBLE, objects=submissions),
    "reporting:approve": Route("objects", "post", visible=UNITS_VISIBLE, objects=submissions),
    "reporting:return": Route(
        "objects", "post", visible=UNITS_VISIBLE, objects=submissions, data={"reason": "Kiểm thử"}
    ),
    "notifications:list": Route("none"),
    "notifications:read": Route("objects", "post", visible=OWN_NOTIFICATIONS, objects=notifications),
    "notifications:read_all": Route("none", "post"),
}
