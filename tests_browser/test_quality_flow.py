"""Data quality in a real browser: the clerk sees what the normalisation layer will store before saving, then the
scorecard and the work list lead to a legacy-font name, which one button puts right. No console message, no CSP
violation."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from conftest import Cast
from edudb.quality.legacy import encode_tcvn3
from edudb.quality.models import items_of
from edudb.registry.models import StaffMember, Student
from tests_browser.helpers import BrowserWatch, Site
from tests_browser.test_flows import sign_in_admin

pytestmark = pytest.mark.browser


def test_a_clerk_sees_the_stored_form_then_fixes_what_the_work_list_shows(
    page: Page, site: Site, cast: Cast, watch: BrowserWatch
) -> None:
    teacher = StaffMember.objects.create(
        unit=cast.school_a1,
        full_name="Lê Văn Bình",
        birth_date=dt.date(1985, 4, 12),
        gender=items_of("gioi_tinh").get(code="1"),
        staff_type=items_of("loai_can_bo").get(code="2"),
        subjects="Toán",
        work_status=items_of("trang_thai_can_bo").get(code="01"),
    )
    pupil = Student.objects.create(
        unit=cast.school_a1,
        full_name="Trần Thị Hòa",
        birth_date=dt.date(2017, 3, 1),
        gender=items_of("gioi_tinh").get(code="2"),
        status=items_of("trang_thai_hoc_sinh").get(code="01"),
        ministry_code="3100008888",
    )
    Student.objects.filter(pk=pupil.pk).update(full_name=encode_tcvn3("Trần Thị Hòa"))  # as an old load left it

    sign_in_admin(page, site, cast.school_a1_admin)
    site.goto(page, f"/staff/{teacher.pk}/edit/")
    name = page.get_by_label("Họ và tên")
    name.fill(encode_tcvn3("Lê Văn Bình"))
    name.press("Tab")  # leaving the field asks for the preview
    expect(page.locator("#norm-id_full_name")).to_contain_text("Sẽ lưu là “Lê Văn Bình”")
    expect(page.locator("#norm-id_full_name")).to_contain_text("TCVN3")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator(".messages")).to_contain_text("Đã chuẩn hóa")
    assert StaffMember.objects.get(pk=teacher.pk).full_name == "Lê Văn Bình"

    page.get_by_role("navigation", name="Chức năng chính").get_by_role("link", name="Chất lượng dữ liệu").click()
    page.get_by_role("button", name="Đo lại ngay").click()
    expect(page.locator(".messages")).to_contain_text("Đã đo lại")
    site.goto(page, f"/quality/units/{cast.school_a1.pk}/work/?target=student")
    expect(page.locator("main")).to_contain_text("Trần Thị Hòa")
    page.get_by_role("button", name="Chuẩn hóa 1 giá trị").click()
    expect(page.locator(".messages")).to_contain_text("1")
    assert Student.objects.get(pk=pupil.pk).full_name == "Trần Thị Hòa"
    watch.assert_clean()
