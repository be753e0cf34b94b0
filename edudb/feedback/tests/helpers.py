"""Shared makers of the feedback tests: a student with a guardian, an approved report, a solved public form."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from edudb.core.tests.test_public import aged, solved

BIRTH = dt.date(2015, 3, 9)


def make_student(unit: Any, code: str = "3100000001", name: str = "Nguyễn Thị Hoà", **fields: Any) -> Any:
    from edudb.quality.models import items_of
    from edudb.registry.models import Guardian, Student

    student = Student.objects.create(
        unit=unit,
        ministry_code=code,
        full_name=name,
        birth_date=fields.pop("birth_date", BIRTH),
        gender=items_of("gioi_tinh").get(code="2"),
        status=items_of("trang_thai_hoc_sinh").get(code="01"),
        **fields,
    )
    Guardian.objects.create(student=student, relation="mother", full_name="Lê Thị Mẹ", phone="0912345678")
    return student


def approved_report(unit: Any, covers: list[str] | None = None) -> Any:
    """An approved report of ``unit`` in an ad-hoc period opened ten days ago (the review itself is not the point)."""
    from edudb.reporting.models import PeriodKind, ReportingPeriod, ReportState, UnitReport

    today = timezone.localdate()
    period = ReportingPeriod.objects.create(
        kind=PeriodKind.ADHOC,
        title="Báo cáo đột xuất sĩ số",
        opens_on=today - dt.timedelta(days=10),
        deadline=today - dt.timedelta(days=2),
        covers=covers or ["schools", "classes", "students"],
        min_completeness=0,
    )
    return UnitReport.objects.create(period=period, unit=unit, state=ReportState.APPROVED)


def public_form(client: Client, name: str = "feedback:public_file") -> dict[str, str]:
    """The guard fields of a freshly shown public form, answered as a person would (after a few seconds)."""
    response = client.get(reverse(name))
    token = response.context["form"].fresh_token
    token = aged(token, 10)
    return {"challenge_token": token, "challenge_answer": solved(token), "website": ""}


def public_filing(client: Client, **overrides: str) -> Any:
    data = {
        "kind": "record",
        "student_code": "3100000001",
        "birth_date": "09/03/2015",
        "filer_name": "Lê Thị Mẹ",
        "filer_relation": "mother",
        "filer_contact": "0912345678",
        "text": "Ngày sinh của cháu ghi sai: đúng là 19/03/2015.",
        **public_form(client),
        **overrides,
    }
    return client.post(reverse("feedback:public_file"), data)
