"""Statistics in a real browser (R7.4–R7.5): the Sở opens "Thống kê", reads its key figures and SVG charts, clicks a
bar down to a commune, opens the full table, groups it by every unit through the form, follows a school's number to
the very learners behind it, and downloads the table as a PDF with the official header. No console message, no CSP
violation (the charts use no inline style or script)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from conftest import Cast
from edudb.stats import compute
from edudb.stats.tests.test_periods import enrol
from tests_browser.helpers import BrowserWatch, Site
from tests_browser.test_flows import sign_in_admin
from tests_browser.test_reporting_flow import nav

pytestmark = pytest.mark.browser


def test_the_so_drills_from_its_dashboard_to_the_learners_behind_a_number(
    page: Page, site: Site, cast: Cast, watch: BrowserWatch
) -> None:
    enrol(cast, "school_a1", 12, 1)
    enrol(cast, "school_a1", 5, 2, gender="2")
    enrol(cast, "school_b1", 9, 3)
    compute.unscoped_refresh_live()

    sign_in_admin(page, site, cast.so_admin)
    nav(page, "Thống kê").click()
    expect(page.locator("h1")).to_have_text("Thống kê — Sở Giáo dục và Đào tạo thành phố Hải Phòng")
    expect(page.locator(".tile", has_text="Học sinh").locator(".tile-n")).to_have_text("26")
    expect(page.locator("svg[role=img]")).to_have_count(5)
    expect(page.locator("svg[role=img] title").first).to_be_attached()

    # A bar of the units below the Sở leads to that commune's own dashboard.
    page.locator("svg a", has_text="UBND Phường Hồng Bàng").first.click()
    expect(page.locator("h1")).to_have_text("Thống kê — UBND Phường Hồng Bàng")
    expect(page.locator(".tile", has_text="Học sinh").locator(".tile-n")).to_have_text("17")
    expect(page.locator(".crumbs")).to_contain_text("Sở Giáo dục và Đào tạo thành phố Hải Phòng")

    # The full table of the city, then grouped by every unit through the form.
    page.locator(".crumbs a").first.click()
    page.get_by_role("link", name="Bảng đầy đủ theo đơn vị").click()
    expect(page.locator("h1")).to_have_text("Học sinh theo khối lớp và giới tính")
    expect(page.locator(".stats-table tr.total td").first).to_have_text("26")
    page.get_by_label("Nhóm theo").select_option("units")
    page.get_by_role("button", name="Xem").click()
    row = page.locator(".stats-table tbody tr", has_text="Trường Tiểu học Lê Văn Tám")
    expect(row.locator("td").first).to_have_text("17")

    # A school's number: the list of exactly those learners.
    row.locator("td a").first.click()
    expect(page.locator("h1")).to_contain_text("học sinh")
    expect(page.locator("main")).to_contain_text("17 học sinh.")
    page.go_back()

    # The document, with the official header, produced at once (a small table).
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải PDF (có thể thức văn bản)").click()
    assert download.value.suggested_filename.endswith(".pdf")
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    watch.assert_clean()
