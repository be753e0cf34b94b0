"""A transfer between two schools in a real browser: the sending school picks the receiving one from suggestions
filled by htmx as it types, the receiving school finds the request under "Biến động" and takes the pupil into a
class. No console message, no CSP violation."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from conftest import Cast
from edudb.quality.models import items_of
from edudb.registry.models import SchoolClass, Student
from edudb.reporting.models import SchoolYear
from tests_browser.helpers import BrowserWatch, Site
from tests_browser.test_flows import sign_in_admin

pytestmark = pytest.mark.browser


def test_a_pupil_moves_from_one_school_to_another(page: Page, site: Site, cast: Cast, watch: BrowserWatch) -> None:
    year = SchoolYear.objects.get(is_current=True)
    leaving_class = SchoolClass.objects.create(unit=cast.school_a1, school_year=year, name="3A", grade=3)
    SchoolClass.objects.create(unit=cast.school_b1, school_year=year, name="3B", grade=3)
    pupil = Student.objects.create(
        unit=cast.school_a1,
        school_class=leaving_class,
        full_name="Đặng Thu Trang",
        birth_date=dt.date(year.start_year - 8, 4, 2),
        gender=items_of("gioi_tinh").get(code="2"),
        status=items_of("trang_thai_hoc_sinh").get(code="01"),
        ministry_code="3100007777",
    )

    sign_in_admin(page, site, cast.school_a1_admin)
    site.goto(page, pupil.get_absolute_url())
    page.get_by_role("link", name="Chuyển trường").click()
    expect(page.locator("h1")).to_contain_text("Chuyển trường: Đặng Thu Trang")
    destination = page.get_by_label("Trường chuyển đến")
    destination.press_sequentially("an lao", delay=40)  # no diacritics: the suggestions still find "An Lão"
    expect(page.locator("#destinations option")).to_have_count(1)
    option = page.locator("#destinations option").first.get_attribute("value")
    assert option == f"{cast.school_b1.code} — {cast.school_b1.name}"
    destination.fill(option)
    page.get_by_label("Lý do").fill("Gia đình chuyển nơi ở")
    page.get_by_role("button", name="Ghi nhận").click()
    expect(page.locator(".messages")).to_contain_text("Đã gửi yêu cầu chuyển trường đến Trường Tiểu học An Lão")
    expect(page.locator(".titlebar .tag")).to_have_text("Chờ đơn vị đến tiếp nhận")
    site.sign_out(page)

    sign_in_admin(page, site, cast.school_b1_admin)
    page.get_by_role("navigation", name="Chức năng chính").get_by_role("link", name="Biến động").click()
    page.get_by_role("link", name="Đặng Thu Trang").click()
    page.get_by_label("Xếp vào lớp").select_option(label=f"3B ({year})")
    page.get_by_role("button", name="Tiếp nhận", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Đã tiếp nhận học sinh Đặng Thu Trang.")
    expect(page.locator(".titlebar .tag")).to_have_text("Đã tiếp nhận")
    assert Student.objects.get(pk=pupil.pk).unit == cast.school_b1
    watch.assert_clean()
