"""The award and training lists, the per-staff page and their API keep a constant number of queries, however many
rows they show."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from conftest import Cast
from edudb.core.tests.factories import UnitFactory
from edudb.core.tests.test_query_counts import count_queries
from edudb.quality.models import items_of
from edudb.registry.models import StaffAward, StaffDiscipline, StaffMember, StaffTraining

PAGES = [
    "/staff-awards/",
    "/staff-awards/?year=2024&title={ldtt}",
    "/staff-awards/?unit={commune}&q=nguyen",
    "/staff-trainings/",
    "/staff-trainings/?kind={bdtx}&year=2024",
    "/staff/{first}/records/",
    "/api/v1/staff-awards/",
    "/api/v1/staff-awards/?year=2024&title=LDTT",
    "/api/v1/staff-disciplines/",
    "/api/v1/staff-trainings/?kind=BDTX",
]


def grow(cast: Cast, n: int, first: StaffMember) -> None:
    """Add n staff, each in a school of its own, with an award, a training and a discipline; and as many records
    again for ``first`` (so the per-staff page grows too)."""
    codes = {
        "gender": items_of("gioi_tinh").get(code="2"),
        "staff_type": items_of("loai_can_bo").get(code="2"),
        "work_status": items_of("trang_thai_can_bo").get(code="01"),
    }
    titles = list(items_of("danh_hieu_thi_dua"))
    ldtt = items_of("danh_hieu_thi_dua").get(code="LDTT")
    bdtx = items_of("loai_boi_duong").get(code="BDTX")
    reprimand = items_of("hinh_thuc_ky_luat").get(code="01")
    start = StaffMember.objects.count()
    for i in range(start, start + n):
        school = UnitFactory.create(name=f"Trường Tiểu học Thêm KT {i}", parent=cast.commune_a)
        staff = StaffMember.objects.create(
            unit=school, full_name=f"Nguyễn Văn Thêm {i}", birth_date=dt.date(1980, 1, 1), subjects="Toán", **codes
        )
        for person in (staff, first):
            StaffAward.objects.create(
                staff=person,
                title=ldtt if person is staff else titles[i % len(titles)],
                year=2024 if person is staff else 2024 - i % 3,
            )
            StaffTraining.objects.create(
                staff=person, kind=bdtx, title=f"BDTX {i}", starts_on=dt.date(2024, 10, 1), hours=120
            )
            StaffDiscipline.objects.create(
                staff=person,
                form=reprimand,
                reason="Lý do",
                decision_number=f"{i}/QĐ",
                decision_date=dt.date(2025, 1, 2),
            )


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGES)
def test_staff_record_lists_do_not_grow_queries_with_rows(cast: Cast, url: str) -> None:
    client = Client()
    client.force_login(cast.so_admin)
    first = StaffMember.objects.create(
        unit=cast.school_a1,
        full_name="Nguyễn Thị Đầu",
        birth_date=dt.date(1982, 2, 2),
        gender=items_of("gioi_tinh").get(code="2"),
        staff_type=items_of("loai_can_bo").get(code="2"),
        work_status=items_of("trang_thai_can_bo").get(code="01"),
    )
    target = url.format(
        ldtt=items_of("danh_hieu_thi_dua").get(code="LDTT").pk,
        bdtx=items_of("loai_boi_duong").get(code="BDTX").pk,
        commune=cast.commune_a.pk,
        first=first.pk,
    )
    client.get("/")  # warm the session
    grow(cast, 2, first)  # so no list starts empty (an empty page skips its row query)
    small = count_queries(client, target)
    grow(cast, 25, first)
    large = count_queries(client, target)
    assert large == small, f"{target}: {small} queries with few rows, {large} with many"
