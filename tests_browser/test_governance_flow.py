"""Governance in a real browser (R8.3, R9.1, R9.2): a parent, without an account, reports from the page footer that a
pupil's record is wrong, answering the arithmetic question a person can and a script cannot; the school finds it
under "Phản ánh", takes it up, corrects the record and answers, linking the change from the audit trail; the parent
reads the answer with the number and code the form gave. A school reports an incident and the Sở sees it. Help opens
the section for the page at hand. No console message, no CSP violation."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Page, expect

from conftest import Cast
from edudb.core.records import record_snapshot, update_record
from edudb.core.scoping import Function
from edudb.feedback.models import Feedback
from edudb.registry.tests.contract_routes_students import students
from tests_browser.helpers import BrowserWatch, Site
from tests_browser.test_flows import sign_in_admin

pytestmark = pytest.mark.browser

WORDS = {"không": 0, "một": 1, "hai": 2, "ba": 3, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7, "tám": 8, "chín": 9}


def answer_challenge(page: Page) -> None:
    """Read the question ("Bảy cộng năm bằng bao nhiêu?") as a person would, and type the result in digits."""
    question = page.locator(".public-guard label strong").inner_text().lower()
    match = re.match(r"(\S+) (cộng|trừ) (\S+) bằng bao nhiêu\?", question)
    assert match, question
    a, b = WORDS[match.group(1)], WORDS[match.group(3)]
    page.get_by_label(re.compile("^Câu hỏi kiểm tra")).fill(str(a + b if match.group(2) == "cộng" else a - b))


def test_a_parent_reports_a_wrong_record_and_reads_the_schools_answer(
    page: Page, site: Site, cast: Cast, watch: BrowserWatch
) -> None:
    pupil = dict(students(cast))["school_a1"]
    site.goto(page, "/accounts/login/")
    page.get_by_role("link", name="Phản ánh dữ liệu học sinh").click()
    expect(page.locator("h1")).to_have_text("Phản ánh, yêu cầu về dữ liệu học sinh")
    page.get_by_label("Mã học sinh").fill(pupil.ministry_code)
    page.get_by_label("Ngày sinh của học sinh").fill("09/03/2015")
    page.get_by_label("Họ và tên người gửi").fill("Phạm Thị Mẹ")
    page.get_by_label("Điện thoại hoặc thư điện tử để nhà trường liên hệ").fill("0912345678")
    page.get_by_label("Nội dung").fill("Tên của cháu ghi sai dấu: đúng là Phạm Văn Thủ.")
    answer_challenge(page)
    time.sleep(3)  # a person takes longer than the form's minimum time to fill it in
    page.get_by_role("button", name="Gửi", exact=True).click()
    expect(page.locator("h1")).to_have_text("Đã nhận phản ánh")
    expect(page.locator(".card")).to_contain_text("Trường Tiểu học Lê Văn Tám sẽ xử lý")
    codes = page.locator("dd strong.code").all_inner_texts()
    reference, code = codes[0], codes[1]
    assert reference.startswith("PA-") and len(code) == 8

    # The school takes it up from its menu.
    sign_in_admin(page, site, cast.school_a1_admin)
    page.get_by_role("navigation", name="Chức năng chính").get_by_role("link", name="Phản ánh").click()
    expect(page.locator("h1")).to_have_text("Phản ánh, yêu cầu về dữ liệu cần xử lý")
    page.get_by_role("link", name=reference).click()
    expect(page.locator("h1")).to_have_text(f"Phản ánh {reference}")
    page.get_by_role("button", name="Tiếp nhận xử lý").click()
    expect(page.locator(".messages")).to_be_visible()

    # The clerk corrects the record (as the record page would), then answers with that change linked.
    before = record_snapshot(pupil)
    pupil.full_name = "Phạm Văn Thủ"
    update_record(
        pupil, by=cast.school_a1_admin, function=Function.ENTER_STUDENTS, expected_version=pupil.version, before=before
    )
    page.reload()
    page.get_by_label("Kết quả xử lý").select_option(label="Đã điều chỉnh dữ liệu")
    page.get_by_label("Trả lời người gửi").fill("Nhà trường đã sửa tên học sinh thành Phạm Văn Thủ.")
    page.locator("input[name=changes]").first.check()
    page.get_by_role("button", name="Gửi trả lời").click()
    expect(page.locator("main")).to_contain_text("Đã điều chỉnh dữ liệu")
    item = Feedback.objects.get(reference=reference)
    assert item.state == "answered" and item.changes.count() == 1
    site.sign_out(page)

    # The parent reads the answer with the number and the code.
    site.goto(page, "/feedback/public/status/")
    page.get_by_label("Số phản ánh").fill(reference)
    page.get_by_label("Mã tra cứu").fill(code)
    answer_challenge(page)
    time.sleep(3)
    page.get_by_role("button", name="Tra cứu").click()
    expect(page.locator("main")).to_contain_text("Nhà trường đã sửa tên học sinh thành Phạm Văn Thủ.")
    watch.assert_clean()


def test_help_opens_the_section_of_the_page_and_an_incident_reaches_the_so(
    page: Page, site: Site, cast: Cast, watch: BrowserWatch
) -> None:
    sign_in_admin(page, site, cast.school_a1_admin)
    page.get_by_role("navigation", name="Chức năng chính").get_by_role("link", name="Sự cố").click()
    expect(page.locator("h1")).to_have_text("Sự cố kỹ thuật")
    page.get_by_role("link", name="Trợ giúp").click()
    expect(page).to_have_url(re.compile(r"/guide/su-co/"))
    expect(page.locator("main")).to_contain_text("sự cố")
    page.go_back()
    page.get_by_role("link", name=re.compile("Báo cáo sự cố")).first.click()
    page.get_by_label("Loại sự cố").select_option(label="Không đăng nhập được")
    page.get_by_label("Mức độ ảnh hưởng").select_option(index=1)
    page.get_by_label("Tóm tắt sự cố").fill("Giáo viên không đăng nhập được từ sáng nay")
    page.get_by_label("Diễn biến sự cố").fill("Từ 7 giờ sáng, ba giáo viên báo lỗi khi đăng nhập.")
    page.get_by_role("button", name="Gửi báo cáo sự cố").click()
    expect(page.locator("h1")).to_contain_text("SC-")
    number = page.locator("h1").inner_text().split(":")[0]
    site.sign_out(page)

    sign_in_admin(page, site, cast.so_admin)
    page.get_by_role("navigation", name="Chức năng chính").get_by_role("link", name="Sự cố").click()
    page.get_by_role("link", name=re.compile(number)).first.click()
    expect(page.locator("h1")).to_contain_text(number)
    expect(page.get_by_role("button", name="Lưu tiếp nhận")).to_be_visible()
    watch.assert_clean()
