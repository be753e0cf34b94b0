"""The results and health grids, a student's page and the API lists keep a constant number of queries, however many
students or records they show."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conftest import Cast
from edudb.quality.models import items_of
from edudb.registry.models import HealthRecord, LearningResult, SchoolClass, Student
from edudb.reporting.models import SchoolYear


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, HTTP_ACCEPT="text/html,application/json")
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def class_of(cast: Cast, name: str, size: int) -> SchoolClass:
    """A THCS class of ``size`` students, every one with a term-I result and measurement (all fields filled)."""
    year = SchoolYear.objects.get(is_current=True)
    school_class = SchoolClass.objects.create(unit=cast.school_a2, school_year=year, name=name, grade=7)
    codes = {
        "gender": items_of("gioi_tinh").get(code="2"),
        "status": items_of("trang_thai_hoc_sinh").get(code="01"),
        "academic": items_of("ket_qua_hoc_tap").get(code="K"),
        "conduct": items_of("ket_qua_ren_luyen").get(code="T"),
    }
    for i in range(size):
        student = Student.objects.create(
            unit=cast.school_a2,
            school_class=school_class,
            full_name=f"Nguyễn Thị {name} {i}",
            birth_date=dt.date(year.start_year - 12, 1 + i % 12, 1 + i % 28),
            gender=codes["gender"],
            status=codes["status"],
            temporary_code=f"TMP-{name}-{i:04d}",
        )
        LearningResult.objects.create(
            student=student,
            school_year=year,
            term=1,
            school_class=school_class,
            academic=codes["academic"],
            conduct=codes["conduct"],
            days_absent_excused=1,
            note="Chăm ngoan",
        )
        HealthRecord.objects.create(
            student=student,
            school_year=year,
            term=1,
            height_cm=Decimal("148.5"),
            weight_kg=Decimal("39.2"),
            measured_on=year.starts_on + dt.timedelta(days=10),
        )
    return school_class


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["school_a2_admin", "commune_a_user", "so_admin"])
# Not named "page": that is pytest-playwright's fixture, which would make this a browser test and reorder the run.
@pytest.mark.parametrize("grid", ["results", "health"])
@pytest.mark.parametrize("term", [1, 2])
def test_grids_do_not_grow_queries_with_the_class(cast: Cast, role: str, grid: str, term: int) -> None:
    """A 40-student class costs the same queries as a 5-student one — for a writer (forms) and a reader alike."""
    small, large = class_of(cast, "7A", 5), class_of(cast, "7B", 40)
    client = Client()
    client.force_login(cast.accounts[role])
    client.get("/")  # warm the session
    few = count_queries(client, f"/classes/{small.pk}/{grid}/?term={term}")
    many = count_queries(client, f"/classes/{large.pk}/{grid}/?term={term}")
    assert many == few, f"{grid} as {role}: {few} queries for 5 students, {many} for 40"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/learning-results/",
        "/api/v1/learning-results/?school_class={cls}&term=1",
        "/api/v1/health-records/",
        "/api/v1/health-records/?school_class={cls}",
    ],
)
def test_api_lists_do_not_grow_queries_with_rows(cast: Cast, url: str) -> None:
    client = Client()
    client.force_login(cast.so_admin)
    client.get("/")
    small = class_of(cast, "7A", 3)
    few = count_queries(client, url.format(cls=small.pk))
    class_of(cast, "7B", 30)
    large = SchoolClass.objects.get(name="7B")
    many = count_queries(client, url.format(cls=large.pk if "{cls}" in url else small.pk))
    assert many == few, f"{url}: {few} queries, then {many}"


@pytest.mark.django_db
def test_student_page_query_budget(cast: Cast) -> None:
    school_class = class_of(cast, "7A", 2)
    student = Student.objects.filter(school_class=school_class).first()
    assert student is not None
    client = Client()
    client.force_login(cast.school_a2_admin)
    client.get("/")
    assert count_queries(client, f"/students/{student.pk}/results/") <= 12
