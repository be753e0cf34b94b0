"""The Excel import in a real browser: a school's clerk uploads a file with one bad row, reads the preview (counts,
the row, the column, the value and the fix, the normalisations), cannot write all-or-nothing, writes the valid rows
only, and uploads the same file again to find nothing to write. No console message, no CSP violation."""

from __future__ import annotations

import io
from typing import Any

import pytest
import xlsxwriter
from playwright.sync_api import FilePayload, Page, expect

from conftest import Cast
from edudb.registry.models import SchoolClass, Student
from edudb.reporting.models import SchoolYear
from tests_browser.helpers import BrowserWatch, Site

pytestmark = pytest.mark.browser


def _workbook(rows: list[list[str]]) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    sheet = workbook.add_worksheet("HocSinh")
    sheet.write_row(0, 0, ["DANH SÁCH HỌC SINH"])
    sheet.write_row(1, 0, ["Mã học sinh", "Họ tên", "Ngày sinh", "Giới tính", "Lớp", "SĐT liên hệ"])
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row):
            if value:
                sheet.write_string(r, c, value)
    workbook.close()
    return buffer.getvalue()


def test_a_clerk_previews_then_imports_the_valid_rows(
    page: Page, site: Site, cast: Cast, watch: BrowserWatch, settings: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    year = SchoolYear.objects.get(is_current=True)
    SchoolClass.objects.create(unit=cast.school_a1, school_year=year, name="1A", grade=1)
    born = f"12/04/{year.start_year - 6}"
    content = _workbook(
        [
            ["", "nguyễn  thị MAI", born, "Nữ", "1A", "+84 912 345 678"],
            ["", "Trần Văn Bảo", "31/02/2019", "Nam", "1A", ""],
            ["3100077777", "Lê Minh Khang", born, "Nam", "1a", ""],
        ]
    )

    site.sign_in(page, cast.school_a1_user.username)
    page.get_by_role("navigation", name="Chức năng chính").get_by_role("link", name="Nhập Excel").click()
    expect(page.locator("h1")).to_have_text("Nhập dữ liệu từ Excel")
    page.get_by_label("Loại dữ liệu").select_option(label="Học sinh")
    page.get_by_label("Tệp Excel").set_input_files(
        files=FilePayload(name="hoc-sinh.xlsx", mimeType="application/octet-stream", buffer=content)
    )
    page.get_by_role("button", name="Tải lên và kiểm tra").click()

    expect(page.locator("h1")).to_have_text("hoc-sinh.xlsx")
    figures = page.locator(".qfigures")
    expect(figures).to_contain_text("Dòng mới")
    expect(figures.locator(".qfigure").nth(0)).to_contain_text("2")
    expect(figures.locator(".qfigure").nth(3)).to_contain_text("1")
    problems = page.locator("#problems")
    expect(problems).to_contain_text("31/02/2019")
    expect(problems).to_contain_text("Ngày sinh")
    page.get_by_role("link", name="Đã chuẩn hóa").click()
    expect(problems).to_contain_text("Nguyễn Thị Mai")
    expect(problems).to_contain_text("0912345678")

    page.get_by_role("button", name="Ghi 2 dòng mới và thay đổi").click()  # all-or-nothing: refused, with why
    expect(page.locator(".messages")).to_contain_text("1 dòng bị từ chối")
    assert Student.objects.count() == 0
    page.get_by_label("Chỉ nhập các dòng hợp lệ, bỏ qua dòng lỗi").check()
    page.get_by_role("button", name="Ghi 2 dòng mới và thay đổi").click()
    expect(page.locator(".card.msg-success")).to_contain_text("Đã ghi 2 bản ghi")
    assert sorted(Student.objects.values_list("full_name", flat=True)) == ["Lê Minh Khang", "Nguyễn Thị Mai"]

    # The same file again: both rows found unchanged, nothing to write.
    site.goto(page, "/exchange/imports/")
    page.get_by_label("Loại dữ liệu").select_option(label="Học sinh")
    page.get_by_label("Tệp Excel").set_input_files(
        files=FilePayload(name="hoc-sinh.xlsx", mimeType="application/octet-stream", buffer=content)
    )
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    expect(page.locator(".qfigures .qfigure").nth(2)).to_contain_text("2")
    assert Student.objects.count() == 2
    watch.assert_clean()
