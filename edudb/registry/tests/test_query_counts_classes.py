"""The class and room-stock lists (pages and API) keep a constant number of queries, however many rows they show."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conftest import Cast
from edudb.core.tests.factories import UnitFactory
from edudb.quality.models import items_of
from edudb.registry.models import RoomStock, SchoolClass, Site, StaffMember, Student
from edudb.reporting.models import SchoolYear

PAGES = [
    "/classes/",
    "/classes/?q=truong&flag=two_sessions",
    "/classes/?school_year=&grade=1",
    "/api/v1/classes/",
    "/api/v1/classes/?grade=1",
    "/rooms/",
    "/rooms/?school_year=",
    "/api/v1/rooms/",
    "/api/v1/rooms/?room_kind=PH",
]

_numbers = itertools.count(1)


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, HTTP_ACCEPT="text/html,application/json")
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def grow(cast: Cast, n: int) -> SchoolClass:
    """Add n primary schools, each with a site, a teacher, a class of two learners and a row of classrooms."""
    year = SchoolYear.objects.get(is_current=True)
    item = {name: items_of(name).get(code=code) for name, code in (("gioi_tinh", "1"), ("loai_can_bo", "2"))}
    item["trang_thai_can_bo"] = items_of("trang_thai_can_bo").get(code="01")
    studying = items_of("trang_thai_hoc_sinh").get(code="01")
    classroom, english = items_of("loai_phong").get(code="PH"), items_of("ngoai_ngu").get(code="EN")
    school_class = None
    for _ in range(n):
        number = next(_numbers)
        school = UnitFactory.create(name=f"Trường Tiểu học Thêm {number}", parent=cast.commune_a)
        site = Site.objects.create(unit=school, code="DC", name="Điểm chính", is_main=True)
        teacher = StaffMember.objects.create(
            unit=school,
            full_name=f"Giáo Viên {number}",
            birth_date=dt.date(1980, 1, 1),
            gender=item["gioi_tinh"],
            staff_type=item["loai_can_bo"],
            work_status=item["trang_thai_can_bo"],
        )
        school_class = SchoolClass.objects.create(
            unit=school,
            school_year=year,
            site=site,
            name="1A",
            grade=1,
            homeroom_teacher=teacher,
            two_sessions=True,
            foreign_language=english,
        )
        for k in range(2):
            Student.objects.create(
                unit=school,
                school_class=school_class,
                full_name=f"Học Sinh {number} {k}",
                birth_date=dt.date(2019, 1, 1),
                gender=item["gioi_tinh"],
                status=studying,
                temporary_code=f"TMP-Q{number:04d}{k}",
            )
        RoomStock.objects.create(
            unit=school, site=site, school_year=year, room_kind=classroom, count_solid=5, area_solid=270
        )
    assert school_class is not None
    return school_class


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGES)
def test_list_pages_do_not_grow_queries_with_rows(cast: Cast, url: str) -> None:
    client = Client()
    client.force_login(cast.so_admin)
    client.get("/")  # warm the session
    grow(cast, 2)  # so no list starts empty (an empty page skips its row query)
    small = count_queries(client, url)
    grow(cast, 25)
    large = count_queries(client, url)
    assert large == small, f"{url}: {small} queries with 2 schools, {large} with 25 more"


@pytest.mark.django_db
def test_class_page_does_not_grow_queries_with_its_learners(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.so_admin)
    client.get("/")
    school_class = grow(cast, 1)
    small = count_queries(client, school_class.get_absolute_url())
    studying = items_of("trang_thai_hoc_sinh").get(code="01")
    for k in range(30):
        Student.objects.create(
            unit=school_class.unit,
            school_class=school_class,
            full_name=f"Học Sinh Thêm {k}",
            birth_date=dt.date(2019, 1, 1),
            gender=items_of("gioi_tinh").get(code="2"),
            status=studying,
            temporary_code=f"TMP-X{k:05d}",
        )
    assert count_queries(client, school_class.get_absolute_url()) == small


@pytest.mark.django_db
def test_class_list_query_budget(cast: Cast, django_assert_max_num_queries: Any) -> None:
    client = Client()
    client.force_login(cast.commune_a_admin)
    client.get("/")
    grow(cast, 3)
    # session, account, unit and kind, current year, filter choices (years, schools), count, rows, session save …
    with django_assert_max_num_queries(12):
        client.get("/classes/")
