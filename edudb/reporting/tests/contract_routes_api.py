"""The reporting cycle's API routes in the scoping contract (gathered by edudb/core/tests/test_scope_contract.py).

Periods are the city's calendar: every account reads them, and reaches their board and their "close" button (only
the Sở's may close: the others are refused with a 403, never a 404). A unit's report, its submitted versions and its
correction requests are data of the unit (domain: units): whoever sees the unit sees them; the review buttons answer
403 with the reason to whoever sees the unit but does not review it. A notification is its account's alone.

In the contract every reporting unit (the communes, the THPT and the four schools) submitted twice — the first
version returned by the manager above, the second waiting for review — and asked to correct an approved report of a
second period. The tables are written out by hand from those rules, not computed by the scoping code they check.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from edudb.core.tests.contract import UNITS_VISIBLE, Route

REPORTING_UNITS = {"commune_a", "commune_b", "thpt", "school_a1", "school_a2", "school_b1", "school_b2"}
# Who reviews each reporting unit's report (the admin of the unit directly above it).
REVIEWERS = {
    "commune_a": "so_admin",
    "commune_b": "so_admin",
    "thpt": "so_admin",
    "school_a1": "commune_a_admin",
    "school_a2": "commune_a_admin",
    "school_b1": "commune_b_admin",
    "school_b2": "commune_b_admin",
}
# Whose reports, versions and correction requests each role sees: the reporting units among the units it sees.
REPORTS_VISIBLE: dict[str, set[str]] = {role: units & REPORTING_UNITS for role, units in UNITS_VISIBLE.items()}
REPORTS_VISIBLE = {role: units for role, units in REPORTS_VISIBLE.items() if units}
# Every account reads every period (its owner in the tables below is "so", the unit that opens periods).
PERIODS_VISIBLE: dict[str, set[str]] = {role: {"so"} for role in UNITS_VISIBLE}
# Each account reads and marks its own notifications only (the tables name the account's role as the owner).
NOTIFICATIONS_VISIBLE: dict[str, set[str]] = {role: {role} for role in UNITS_VISIBLE}

PERIOD_TITLE = "Báo cáo đột xuất số liệu học sinh (kiểm thử API)"
CORRECTION_PERIOD_TITLE = "Báo cáo đột xuất đã duyệt (kiểm thử API)"


def contract_period(cast: Any, title: str = PERIOD_TITLE) -> Any:
    """An open ad-hoc period covering the students' database, opened by the Sở (once per test)."""
    from django.utils import timezone

    from edudb.reporting import services
    from edudb.reporting.models import ReportingPeriod

    existing = ReportingPeriod.objects.filter(title=title).first()
    if existing is not None:
        return existing
    today = timezone.localdate()
    return services.open_adhoc(
        by=cast.so_admin,
        title=title,
        opens_on=today - dt.timedelta(days=5),
        deadline=today + dt.timedelta(days=10),
        covers=["students"],
        min_completeness=0,
    )


def submissions(cast: Any) -> list[tuple[str, Any]]:
    """Every reporting unit's second version (the first returned with a reason), waiting for review."""
    from edudb.reporting import services
    from edudb.reporting.models import Submission

    period = contract_period(cast)
    made = []
    for name in sorted(REPORTING_UNITS):
        unit = cast.units[name]
        latest = Submission.objects.filter(report__period=period, report__unit=unit).order_by("-version").first()
        if latest is None:
            admin = cast.accounts[f"{name}_admin"]
            reviewer = cast.accounts[REVIEWERS[name]]
            first = services.submit(period, unit, by=admin, missing_note="Chưa đủ trường báo cáo", check=False)
            services.return_submission(first, by=reviewer, reason="Thiếu số liệu cần bổ sung")
            latest = services.submit(period, unit, by=admin, missing_note="Chưa đủ trường báo cáo", check=False)
        made.append((name, latest))
    return made


def reports(cast: Any) -> list[tuple[str, Any]]:
    from edudb.reporting.models import UnitReport

    period = contract_period(cast)
    submissions(cast)
    return [(name, UnitReport.objects.get(period=period, unit=cast.units[name])) for name in sorted(REPORTING_UNITS)]


def corrections(cast: Any) -> list[tuple[str, Any]]:
    """A pending correction request of every reporting unit, on an approved report of a second period."""
    from django.utils import timezone

    from edudb.reporting.models import Correction, ReportState, UnitReport

    period = contract_period(cast, CORRECTION_PERIOD_TITLE)
    made = []
    for name in sorted(REPORTING_UNITS):
        report, _created = UnitReport.objects.get_or_create(
            period=period, unit=cast.units[name], defaults={"state": ReportState.APPROVED}
        )
        correction, _created = Correction.objects.get_or_create(
            report=report,
            defaults={
                "reason": "Bổ sung học sinh chuyển đến",
                "requested_at": timezone.now(),
                "requested_by": cast.accounts[f"{name}_admin"],
            },
        )
        made.append((name, correction))
    return made


def periods(cast: Any) -> list[tuple[str, Any]]:
    return [("so", contract_period(cast))]


def notifications(cast: Any) -> list[tuple[str, Any]]:
    """One notification to every account of the cast."""
    from edudb.core.models import Notification

    made = []
    for role in sorted(UNITS_VISIBLE):
        account = cast.accounts[role]
        notification = Notification.objects.filter(account=account, kind="test.contract").first()
        if notification is None:
            notification = Notification.objects.create(
                account=account, kind="test.contract", title="Thông báo kiểm thử", body="Nội dung kiểm thử"
            )
        made.append((role, notification))
    return made


ROUTES = {
    "api:reporting-period-list": Route("none", api=True),
    "api:reporting-period-detail": Route("objects", api=True, visible=PERIODS_VISIBLE, objects=periods),
    "api:reporting-period-board": Route("objects", api=True, visible=PERIODS_VISIBLE, objects=periods),
    "api:reporting-period-close": Route("objects", "post", api=True, visible=PERIODS_VISIBLE, objects=periods),
    "api:reporting-report-list": Route("none", api=True),
    "api:reporting-report-detail": Route("objects", api=True, visible=REPORTS_VISIBLE, objects=reports),
    "api:reporting-submission-list": Route("none", api=True),
    "api:reporting-submission-detail": Route("objects", api=True, visible=REPORTS_VISIBLE, objects=submissions),
    "api:reporting-submission-approve": Route(
        "objects", "post", api=True, visible=REPORTS_VISIBLE, objects=submissions
    ),
    "api:reporting-submission-return": Route(
        "objects", "post", api=True, visible=REPORTS_VISIBLE, objects=submissions, data={"reason": "Sai sĩ số"}
    ),
    "api:reporting-submission-difference": Route("objects", api=True, visible=REPORTS_VISIBLE, objects=submissions),
    "api:reporting-extension-list": Route("none", api=True),
    "api:reporting-correction-list": Route("none", api=True),
    "api:reporting-correction-decide": Route(
        "objects", "post", api=True, visible=REPORTS_VISIBLE, objects=corrections, data={"accept": True}
    ),
    "api:notification-list": Route("none", api=True),
    "api:notification-read": Route("objects", "post", api=True, visible=NOTIFICATIONS_VISIBLE, objects=notifications),
    "api:notification-read-all": Route("none", "post", api=True),
}
