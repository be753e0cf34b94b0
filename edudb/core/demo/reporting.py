"""The demo's reporting cycle: an ad-hoc report the Sở opened ten days ago, due in a week, half-way through.

Everything goes through the reporting services, as the units themselves would do it: schools submit (those whose
data breaks a blocking rule cannot, and stay "in progress" — the real outcome), their communes approve most
submissions, return one with a reason and grant one extension. The demo school of ``th.admin`` and the demo
commune's own roll-up are left for the person trying the demo to do.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from edudb.accounts.models import Account, AccountKind
from edudb.core.models import Category, Unit
from edudb.reporting import services
from edudb.reporting.models import ReportingPeriod

SUBMIT_SHARE = 0.55  # of the schools without data of their own in the demo (their reports are empty but real)
APPROVE_SHARE = 0.7


def seed_reporting(*, keep_open: list[Unit], rng: random.Random) -> dict[str, int]:
    """Open the demo's ad-hoc period and play half of it; ``keep_open`` units are left for the demo user."""
    today = timezone.localdate()
    admins = {a.unit_id: a for a in Account.objects.filter(kind=AccountKind.ADMIN).select_related("unit__kind")}
    department = Unit.objects.get(depth=0)
    period: ReportingPeriod = services.open_adhoc(
        by=admins[department.pk],
        title="Báo cáo nhanh sĩ số học sinh học kỳ I năm học 2026-2027",
        opens_on=today - dt.timedelta(days=10),
        deadline=today + dt.timedelta(days=7),
        covers=["schools", "classes", "students"],
        instructions=(
            "Các đơn vị rà soát hồ sơ trường, lớp và học sinh đang học, sửa các lỗi chặn trong danh sách việc cần "
            "làm rồi chốt số liệu. Đơn vị quản lý duyệt báo cáo của các trường trực thuộc trước khi chốt báo cáo "
            "tổng hợp."
        ),
        min_completeness=0,
    )
    counts: Counter[str] = Counter()
    kept = {u.pk for u in keep_open}
    schools = list(
        services.unscoped_reporting_units()
        .filter(kind__category=Category.INSTITUTION)
        .exclude(pk__in=kept)
        .select_related("kind", "parent")
        .order_by("path")
    )
    returned_one = extended_one = False
    for school in schools:
        admin = admins.get(school.pk)
        if admin is None or rng.random() > SUBMIT_SHARE:
            if admin is not None and not extended_one and school.parent_id in admins:
                services.grant_extension(
                    period,
                    school,
                    by=admins[school.parent_id],
                    until=period.deadline + dt.timedelta(days=5),
                    reason="Trường đang sửa chữa phòng máy, chưa nhập xong dữ liệu lớp học.",
                )
                extended_one = True
                counts["extended"] += 1
            continue
        try:
            submission = services.submit(period, school, by=admin, check=False)
        except (ValidationError, PermissionDenied):
            counts["refused"] += 1  # a blocking problem in its data: the school has work to do first
            continue
        counts["submitted"] += 1
        reviewer = admins.get(school.parent_id or 0)
        if reviewer is None:
            continue
        if not returned_one and school.parent_id != department.pk:
            services.return_submission(
                submission,
                by=reviewer,
                reason="Sĩ số lớp 1A chưa khớp với danh sách học sinh; đề nghị trường rà soát và chốt lại.",
            )
            returned_one = True
            counts["returned"] += 1
        elif rng.random() < APPROVE_SHARE:
            services.approve(submission, by=reviewer)
            counts["approved"] += 1
    return dict(counts)


def demo_keep_open(usernames: list[str]) -> list[Any]:
    """The units of the named demo accounts that should still have their report to do."""
    return list(Unit.objects.filter(accounts__username__in=usernames).distinct())
