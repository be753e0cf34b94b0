"""The reporting pages keep a constant number of queries, however many units report, versions wait for review or
notifications an account has."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import zlib
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from conftest import Cast
from edudb.core.models import Unit
from edudb.core.notifications import notify
from edudb.core.tests.factories import UnitFactory
from edudb.core.tests.test_query_counts import count_queries
from edudb.reporting import services
from edudb.reporting.models import ReportingPeriod, ReportState, Snapshot, Submission, UnitReport

PAGES = [
    ("so_admin", "/reporting/"),
    ("commune_a_admin", "/reporting/"),
    ("so_admin", "/reporting/periods/{period}/board/"),
    ("so_admin", "/reporting/periods/{period}/board/?unit={commune}"),
    ("so_admin", "/reporting/periods/{period}/board/?state=on_time&late=on"),
    ("so_admin", "/reporting/periods/{period}/board/?q=them&page=2"),
    ("office_th_user", "/reporting/periods/{period}/board/"),
    ("commune_a_admin", "/reporting/periods/{period}/board/"),
    ("commune_a_admin", "/reporting/reviews/"),
    ("commune_a_admin", "/reporting/periods/{period}/units/{commune}/"),
    ("commune_a_admin", "/notifications/"),
]


def _snapshot(submission: Submission, unit: Unit) -> None:
    raw = json.dumps({"unit": {"id": unit.pk}, "records": {}}).encode()
    Snapshot.objects.create(
        submission=submission,
        unit_path=unit.path,
        unit_name=unit.name,
        parent=unit.parent,
        parent_name=unit.parent.name if unit.parent else "",
        covers=["students"],
        counts={"student": 0},
        scorecard={"total": {}, "by_target": {}},
        data=zlib.compress(raw),
        size=len(raw),
        checksum=hashlib.sha256(raw).hexdigest(),
        taken_at=submission.submitted_at,
    )


def grow(cast: Cast, period: ReportingPeriod, n: int) -> None:
    """Add n primary schools under commune A: every other one submitted (on time or late, waiting for review), every
    third given an extension; a notification to the commune's admin for each."""
    start = Unit.objects.count()
    now = timezone.now()
    for i in range(start, start + n):
        school = UnitFactory.create(name=f"Trường Tiểu học Thêm {i}", parent=cast.commune_a)
        report = UnitReport.objects.create(
            period=period,
            unit=school,
            extended_until=period.deadline + dt.timedelta(days=3) if i % 3 == 0 else None,
        )
        if i % 2 == 0:
            submission = Submission.objects.create(
                report=report, version=1, submitted_at=now, submitted_by=cast.school_a1_admin, late=i % 4 == 0
            )
            _snapshot(submission, school)
            UnitReport.objects.filter(pk=report.pk).update(
                latest=submission, versions=1, state=ReportState.SUBMITTED, first_submitted_at=now, on_time=i % 4 != 0
            )
        notify([cast.commune_a_admin], kind="reporting.submitted", title=f"{school.name} đã chốt số liệu", unit=school)


def _client(account: Any) -> Client:
    client = Client()
    client.force_login(account)
    client.get("/")  # warm the session
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "address"), PAGES)
def test_reporting_pages_do_not_grow_queries_with_units(cast: Cast, role: str, address: str) -> None:
    today = timezone.localdate()
    period = services.open_adhoc(
        by=cast.so_admin,
        title="Báo cáo đột xuất",
        opens_on=today - dt.timedelta(days=5),
        deadline=today + dt.timedelta(days=10),
        covers=["students"],
        min_completeness=0,
    )
    target = address.format(period=period.pk, commune=cast.commune_a.pk)
    client = _client(cast.accounts[role])
    grow(cast, period, 4)  # so no list starts empty
    small = count_queries(client, target)
    grow(cast, period, 60)  # past one page of the board's table and of the review list
    large = count_queries(client, target)
    assert large == small, f"{target} as {role}: {small} queries with 4 more schools, {large} with 64"
