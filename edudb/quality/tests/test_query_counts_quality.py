"""The quality pages and API keep a constant number of queries, however many units, records and findings they show."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from conftest import Cast
from edudb.core.tests.factories import UnitFactory
from edudb.core.tests.test_query_counts import count_queries
from edudb.quality import scoring
from edudb.registry.models import Student
from edudb.registry.tests.test_students import birth_for, item, make_student

NAMES = ["Trần Văn Nam", "Lê Thị Lan", "Phạm Minh Đức", "Vũ Thị Mai", "Đỗ Văn Sơn"]


def grow_schools(cast: Cast, n: int) -> None:
    """Add n schools under commune A, each with a learner missing a field, then measure."""
    start = Student.objects.count()
    for i in range(start, start + n):
        school = UnitFactory.create(name=f"Trường Tiểu học Thêm {i}", parent=cast.commune_a)
        make_student(school, f"{NAMES[i % len(NAMES)]} {chr(65 + i % 26)}", birthplace="Hải Phòng")
    scoring.measure()


def grow_records(cast: Cast, n: int) -> None:
    """Add n learners at school A1, each missing required fields and breaking a rule, then measure."""
    start = Student.objects.count()
    for i in range(start, start + n):
        make_student(
            cast.school_a1,
            f"{NAMES[i % len(NAMES)]} {chr(65 + i % 26)}",
            ethnicity=None,
            enrolled_on=birth_for(1) - dt.timedelta(days=5),  # before birth: an error
            gender=item("gioi_tinh", "1"),
        )
    scoring.measure()


SCORECARD_PAGES = [
    "/quality/",
    "/quality/units/{commune}/",
    "/quality/units/{commune}/?sort=weakest",
    "/quality/units/{so}/",
    "/api/v1/quality/scorecards/",
    "/api/v1/quality/scorecards/{commune}/",
    "/api/v1/quality/findings/",
]
WORK_PAGES = [
    "/quality/units/{school}/work/?target=student",
    "/quality/units/{school}/work/?target=student&kind=invalid",
    "/quality/units/{commune}/work/?target=student",
    "/quality/units/{commune}/work/?target=student&unit={school}",
    "/quality/units/{school}/work/?target=student&page=2&fpage=2",
    "/api/v1/quality/findings/?unit={school}&kind=invalid",
]


def _url(cast: Cast, url: str) -> str:
    return url.format(commune=cast.commune_a.pk, so=cast.so.pk, school=cast.school_a1.pk)


def _client(account: Any) -> Client:
    client = Client()
    client.force_login(account)
    client.get("/")  # warm the session
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("url", SCORECARD_PAGES)
def test_scorecards_do_not_grow_queries_with_units(cast: Cast, url: str) -> None:
    client = _client(cast.commune_a_admin if "{so}" not in url else cast.so_admin)
    target = _url(cast, url)
    grow_schools(cast, 2)
    small = count_queries(client, target)
    grow_schools(cast, 25)
    large = count_queries(client, target)
    assert large == small, f"{target}: {small} queries with 2 schools more, {large} with 27"


@pytest.mark.django_db
@pytest.mark.parametrize("url", WORK_PAGES)
def test_work_lists_do_not_grow_queries_with_records_and_findings(cast: Cast, url: str) -> None:
    client = _client(cast.commune_a_admin)
    target = _url(cast, url)
    grow_records(cast, 2)
    small = count_queries(client, target)
    grow_records(cast, 110)  # more than two pages of each section
    large = count_queries(client, target)
    assert large == small, f"{target}: {small} queries with 2 records to fix, {large} with 112"
