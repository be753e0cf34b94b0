"""The students database's list pages and API keep a constant number of queries, however many rows they show."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conftest import Cast
from edudb.quality.models import items_of
from edudb.registry.models import Guardian, SchoolClass, Student
from edudb.reporting.models import SchoolYear

PAGES = [
    "/students/",
    "/students/?q=nguyen",
    "/students/?grade=1&status={status}",
    "/students/?unit={school}",
    "/students/new/",
    "/api/v1/students/",
    "/api/v1/students/?q=nguyen",
    "/api/v1/students/autocomplete/?q=nguyen",
]


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, HTTP_ACCEPT="text/html,application/json")
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def grow(cast: Cast, n: int) -> None:
    """Add n students to two schools, each in a class, with guardians and policy groups."""
    year = SchoolYear.objects.get(is_current=True)
    gender, status = items_of("gioi_tinh").get(code="1"), items_of("trang_thai_hoc_sinh").get(code="01")
    groups = list(items_of("doi_tuong_chinh_sach")[:2])
    start = Student.objects.count()
    for i in range(start, start + n):
        school = cast.school_a1 if i % 2 else cast.school_a2
        school_class, _ = SchoolClass.objects.get_or_create(
            unit=school, school_year=year, name=f"1A{i % 3}", defaults={"grade": 1}
        )
        student = Student.objects.create(
            unit=school,
            full_name=f"Nguyễn Văn Số {i}",
            birth_date=dt.date(year.start_year - 6, 1, 1),
            gender=gender,
            status=status,
            school_class=school_class,
            temporary_code=f"TMP-Q{i:07d}",
            personal_id=f"0312150{i:05d}",
        )
        student.policy_groups.set(groups)
        Guardian.objects.create(student=student, relation="mother", full_name=f"Trần Thị Mẹ {i}")


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("role", ["so_admin", "commune_a_admin", "school_a1_user"])
def test_student_pages_do_not_grow_queries_with_rows(cast: Cast, url: str, role: str) -> None:
    client = Client()
    client.force_login(cast.accounts[role])
    client.get("/")  # warm the session
    target = url.format(status=items_of("trang_thai_hoc_sinh").get(code="01").pk, school=cast.school_a1.pk)
    grow(cast, 4)  # so no list starts empty (an empty page skips its row query)
    small = count_queries(client, target)
    grow(cast, 30)
    large = count_queries(client, target)
    assert large == small, f"{target} as {role}: {small} queries with 4 students, {large} with 34"


@pytest.mark.django_db
def test_student_detail_page_query_budget(cast: Cast, django_assert_max_num_queries: Any) -> None:
    grow(cast, 3)
    student = Student.objects.filter(unit=cast.school_a1).first()
    assert student is not None
    client = Client()
    client.force_login(cast.school_a1_admin)
    client.get("/")
    with django_assert_max_num_queries(18):  # a fixed budget; 2 of it say how timely the record is (R6.4)
        response = client.get(student.get_absolute_url())
    assert response.status_code == 200
