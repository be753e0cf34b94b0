"""The staff list page and API keep a constant number of queries, however many staff they show."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from conftest import Cast
from edudb.core.tests.factories import UnitFactory
from edudb.core.tests.test_query_counts import count_queries
from edudb.quality.models import items_of
from edudb.registry.models import StaffMember

PAGES = [
    "/staff/",
    "/staff/?q=nguyen",
    "/staff/?staff_type={teacher}&work_status={working}",
    "/staff/?unit={commune}",
    "/api/v1/staff/",
    "/api/v1/staff/?q=nguyen&staff_type=2",
]


def grow(cast: Cast, n: int) -> None:
    """Add n staff, each in a school of its own, with every code-list column filled."""
    codes = {
        "gender": items_of("gioi_tinh").get(code="2"),
        "ethnicity": items_of("dan_toc").get(code="01"),
        "staff_type": items_of("loai_can_bo").get(code="2"),
        "position": items_of("chuc_vu").get(code="GV"),
        "contract": items_of("hinh_thuc_hop_dong").get(code="VC"),
        "qualification": items_of("trinh_do_dao_tao").get(code="DH"),
        "standard_assessment": items_of("danh_gia_chuan_nghe_nghiep").get(code="3"),
        "work_status": items_of("trang_thai_can_bo").get(code="01"),
    }
    start = StaffMember.objects.count()
    for i in range(start, start + n):
        school = UnitFactory.create(name=f"Trường Tiểu học Thêm {i}", parent=cast.commune_a)
        StaffMember.objects.create(
            unit=school,
            full_name=f"Nguyễn Văn Thêm {i}",
            birth_date=dt.date(1980, 1, 1) + dt.timedelta(days=i),
            personal_id=f"0310800{i:05d}",
            ministry_code=f"CB31{i:06d}",
            subjects="Toán",
            **codes,
        )


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGES)
def test_staff_lists_do_not_grow_queries_with_rows(cast: Cast, url: str) -> None:
    client = Client()
    client.force_login(cast.so_admin)
    target = url.format(
        teacher=items_of("loai_can_bo").get(code="2").pk,
        working=items_of("trang_thai_can_bo").get(code="01").pk,
        commune=cast.commune_a.pk,
    )
    client.get("/")  # warm the session
    grow(cast, 2)  # so no list starts empty (an empty page skips its row query)
    small = count_queries(client, target)
    grow(cast, 25)
    large = count_queries(client, target)
    assert large == small, f"{target}: {small} queries with 2 staff, {large} with 27"
