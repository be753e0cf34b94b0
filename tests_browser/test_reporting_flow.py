"""The reporting cycle in a real browser (R7.1–R7.3): the Sở opens an ad-hoc report through its form, a school checks
its data (htmx, no reload) and submits, its commune hears of it in the navigation bar, returns it (not without a
reason), the school corrects a learner and submits again, the commune compares the versions and approves, the board
counts it; after the Sở closes the period, a late school is told to ask its commune for an extension, gets one and
submits. No console message, no CSP violation."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from conftest import Cast
from edudb.registry.tests.contract_routes_students import students
from edudb.reporting import services
from edudb.reporting.models import ReportingPeriod, ReportState, Submission, UnitReport
from tests_browser.helpers import BrowserWatch, Site
from tests_browser.test_flows import sign_in_admin

pytestmark = pytest.mark.browser

COMMUNE_A = "UBND Phường Hồng Bàng"
SCHOOL_A1 = "Trường Tiểu học Lê Văn Tám"
RETURN_REASON = "Học sinh Phạm Văn Thử chưa ghi dân tộc; đề nghị trường bổ sung rồi chốt lại."


def day(offset: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=offset)


def typed(value: dt.date) -> str:
    """A date as Vietnamese offices type it."""
    return value.strftime("%d/%m/%Y")


def nav(page: Page, name: str) -> Any:
    return page.get_by_role("navigation", name="Chức năng chính").get_by_role("link", name=name)


def open_period(cast: Cast, *, title: str, opens: int = -5, deadline: int = 10) -> ReportingPeriod:
    return services.open_adhoc(
        by=cast.so_admin,
        title=title,
        opens_on=day(opens),
        deadline=day(deadline),
        covers=["students"],
        min_completeness=0,
    )


# --- 1. opened by the Sở, checked and submitted by the school, returned by its commune ----------------------------------


def test_the_so_opens_a_report_a_school_submits_it_and_its_commune_returns_it(
    page: Page, site: Site, cast: Cast, watch: BrowserWatch
) -> None:
    students(cast)  # one learner in every school
    title = "Báo cáo nhanh sĩ số tháng 12"

    # The Sở opens an ad-hoc report through the form, dates typed as dd/mm/yyyy.
    sign_in_admin(page, site, cast.so_admin)
    nav(page, "Báo cáo").click()
    expect(page.locator("h1")).to_have_text("Báo cáo định kỳ và đột xuất")
    page.get_by_role("link", name="Mở báo cáo đột xuất").click()
    expect(page.locator("h1")).to_have_text("Mở báo cáo đột xuất")
    expect(page.get_by_label("Mở từ ngày")).to_have_value(typed(day(0)))
    page.get_by_label("Tên kỳ báo cáo").fill(title)
    page.get_by_label("Hạn chót").fill("31/02/2027")  # a slip of the finger
    for label in ("Trường học", "Lớp học", "Đội ngũ", "Cơ sở vật chất"):
        page.get_by_label(label, exact=True).uncheck()
    expect(page.get_by_label("Học sinh", exact=True)).to_be_checked()
    page.get_by_label("Hướng dẫn, yêu cầu").fill("Chốt sĩ số học sinh đang học đến ngày báo cáo.")
    page.get_by_label("Mức đầy đủ tối thiểu để chốt (%)").fill("30")
    page.get_by_role("button", name="Mở kỳ báo cáo").click()
    expect(page.locator(".field.has-error")).to_contain_text("Hạn chót chưa đúng dạng; hãy ghi ngày/tháng/năm")
    assert not ReportingPeriod.objects.filter(title=title).exists()

    page.get_by_label("Hạn chót").fill(typed(day(7)))
    page.get_by_role("button", name="Mở kỳ báo cáo").click()
    expect(page.locator(".messages")).to_contain_text(
        f"Đã mở kỳ báo cáo đột xuất «{title}», hạn chót {typed(day(7))}; các đơn vị đã được thông báo."
    )
    expect(page.locator("h1")).to_have_text(title)
    facts = page.locator("dl.facts").first
    expect(facts).to_contain_text("Học sinh")
    expect(facts).to_contain_text("30%")
    expect(facts).to_contain_text("Còn 7 ngày")
    period = ReportingPeriod.objects.get(title=title)
    assert (period.covers, period.opens_on, period.deadline, period.min_completeness) == (
        ["students"],
        day(0),
        day(7),
        30,
    )
    site.sign_out(page)

    # The school: "Báo cáo", the period, the check before submitting (htmx: the page is not reloaded), submit.
    sign_in_admin(page, site, cast.school_a1_admin)
    expect(nav(page, "Thông báo").locator(".count")).to_have_text("1")  # the request to report
    nav(page, "Báo cáo").click()
    line = page.locator("tbody tr", has_text=title)
    expect(line).to_contain_text("Chưa chốt số liệu")
    expect(line).to_contain_text("Còn 7 ngày")
    line.get_by_role("link", name=title).click()
    expect(page.locator("h1")).to_have_text(title)
    page.get_by_role("link", name="Kiểm tra và chốt số liệu").click()
    expect(page.locator("h1")).to_have_text(f"Báo cáo của {SCHOOL_A1}")
    expect(page.locator("main")).to_contain_text("chưa chốt số liệu kỳ này")
    page.evaluate("window.__samePage = true")
    with page.expect_request(lambda r: r.url.endswith("/check/") and r.headers.get("hx-request") == "true"):
        page.get_by_role("button", name="Kiểm tra trước khi chốt").click()
    check = page.locator("#check")
    expect(check).to_contain_text("Kết quả kiểm tra trước khi chốt")
    expect(check).to_contain_text("Không có lỗi chặn: đơn vị có thể chốt số liệu.")
    expect(check).to_contain_text("tối thiểu 30%")
    assert page.evaluate("window.__samePage") is True, "the check reloaded the page"
    assert not Submission.objects.exists()

    page.get_by_label("Ghi chú gửi đơn vị duyệt").fill("Sĩ số đến ngày chốt.")
    page.get_by_role("button", name="Chốt số liệu", exact=True).click()
    expect(page.locator(".messages")).to_contain_text(
        f"Đã chốt số liệu phiên bản 1; báo cáo đã được gửi {COMMUNE_A} duyệt."
    )
    expect(page.locator("main .card").first.locator(".tag").first).to_have_text("Đã chốt, chờ duyệt")
    first = Submission.objects.get(report__unit=cast.school_a1)
    assert first.version == 1 and first.note == "Sĩ số đến ngày chốt."
    site.sign_out(page)

    # The commune's reviewer: the count in the bar, the notification, a return refused without a reason, then one.
    site.sign_in(page, cast.commune_a_user.username)
    bell = nav(page, "Thông báo")
    expect(bell.locator(".count")).to_have_text("1")
    bell.click()
    expect(page.locator("h1")).to_have_text("Thông báo")
    page.get_by_role("button", name=f"{SCHOOL_A1} đã chốt số liệu {title} (phiên bản 1)").click()
    expect(page).to_have_url(site.url(f"/reporting/submissions/{first.pk}/"))
    expect(page.locator("h1")).to_have_text(f"{SCHOOL_A1} — phiên bản 1")
    expect(bell.locator(".count")).to_have_count(0)  # read by opening it
    expect(page.locator("main")).to_contain_text("Dữ liệu khớp mã kiểm tra")
    expect(page.locator("main")).to_contain_text("Sĩ số đến ngày chốt.")
    expect(page.locator("#compare")).to_contain_text("Đây là phiên bản duy nhất của báo cáo.")

    review = page.locator("#review")
    review.get_by_role("button", name="Trả lại").click()
    reason = page.get_by_label("Lý do trả lại")
    expect(reason.locator("xpath=ancestor::div[contains(@class, 'field')]")).to_have_class(re.compile("has-error"))
    expect(page.locator(".field.has-error")).to_contain_text("Hãy ghi lý do trả lại để đơn vị biết cần sửa gì.")
    first.refresh_from_db()
    assert first.review == Submission.Review.PENDING
    assert UnitReport.objects.get(period=period, unit=cast.school_a1).state == ReportState.SUBMITTED

    reason.fill(RETURN_REASON)
    page.locator("#review").get_by_role("button", name="Trả lại").click()
    expect(page.locator(".messages")).to_contain_text(f"Đã trả lại phiên bản 1 cho {SCHOOL_A1} kèm lý do.")
    expect(page.locator("main")).to_contain_text(RETURN_REASON)
    expect(page.locator("#review")).to_have_count(0)
    first.refresh_from_db()
    assert first.review == Submission.Review.RETURNED and first.reason == RETURN_REASON
    watch.assert_clean()


# --- 2. corrected, submitted again, compared, approved; the board ---------------------------------------------------


def test_the_school_corrects_and_resubmits_and_the_commune_compares_and_approves(
    page: Page, site: Site, cast: Cast, watch: BrowserWatch
) -> None:
    learner = dict(students(cast))["school_a1"]
    old_name = learner.full_name
    title = "Báo cáo nhanh học sinh đang học"
    period = open_period(cast, title=title)
    first = services.submit(period, cast.school_a1, by=cast.school_a1_admin)
    services.return_submission(first, by=cast.commune_a_user, reason=RETURN_REASON)

    # The school reads why, corrects the learner, submits version 2.
    sign_in_admin(page, site, cast.school_a1_admin)
    nav(page, "Thông báo").click()
    page.get_by_role("button", name=f"Báo cáo {title} bị trả lại: hãy sửa và chốt lại").click()
    expect(page.locator("h1")).to_have_text(f"Báo cáo của {SCHOOL_A1}")
    expect(page.locator("main .card").first).to_contain_text("Bị trả lại")
    expect(page.locator("main .card").first).to_contain_text(RETURN_REASON)
    report_url = page.url

    site.goto(page, f"/students/{learner.pk}/edit/")
    page.locator("#id_full_name").fill("Phạm Văn Thủ")
    page.locator("#id_ethnicity").select_option(label="Kinh")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator(".messages")).to_contain_text("Đã lưu")
    learner.refresh_from_db()
    assert learner.full_name == "Phạm Văn Thủ"

    nav(page, "Báo cáo").click()
    page.get_by_role("link", name="Sửa số liệu và chốt lại").click()
    expect(page).to_have_url(report_url)
    page.get_by_role("button", name="Chốt số liệu", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Đã chốt số liệu phiên bản 2")
    versions = page.locator("#versions tbody tr")
    expect(versions).to_have_count(2)
    expect(versions.nth(0)).to_contain_text("Chờ duyệt")
    expect(versions.nth(1)).to_contain_text(RETURN_REASON)
    site.sign_out(page)

    # The commune: what waits for it, the difference between the versions, approval.
    site.sign_in(page, cast.commune_a_user.username)
    nav(page, "Báo cáo").click()
    page.get_by_role("link", name="Báo cáo chờ duyệt: 1").click()
    expect(page.locator("h1")).to_have_text("Báo cáo chờ duyệt")
    page.locator("tbody tr", has_text=SCHOOL_A1).get_by_role("link", name="Xem và duyệt").click()
    expect(page.locator("h1")).to_have_text(f"{SCHOOL_A1} — phiên bản 2")
    compare = page.locator("#compare")
    expect(compare).to_contain_text("Thay đổi từ phiên bản 1 đến phiên bản 2.")
    expect(compare).to_contain_text("0 thêm · 0 bớt · 1 sửa")
    renamed = compare.locator("tbody tr", has_text=old_name)
    expect(renamed.locator("td")).to_have_text(["Họ và tên", old_name, "Phạm Văn Thủ"])
    expect(compare).to_contain_text("Kinh (01)")  # the code list's name, not a bare code
    expect(compare).not_to_contain_text("updated")  # no bookkeeping columns

    page.get_by_label("Ý kiến duyệt (không bắt buộc)").fill("Số liệu đã khớp.")
    page.locator("#review").get_by_role("button", name="Duyệt").click()
    expect(page.locator(".messages")).to_contain_text(f"Đã duyệt phiên bản 2 của {SCHOOL_A1}.")
    report = UnitReport.objects.get(period=period, unit=cast.school_a1)
    assert report.state == ReportState.APPROVED and report.approved is not None and report.approved.version == 2

    # The board under the commune: the school approved, the rest counted where they stand.
    page.locator(".crumbs").get_by_role("link", name=title).click()
    page.get_by_role("link", name="Bảng theo dõi tiến độ").click()
    expect(page.locator("h1")).to_have_text(f"Tiến độ báo cáo — {COMMUNE_A}")
    chips = page.get_by_role("navigation", name="Lọc theo trạng thái")
    expect(chips).to_contain_text("Tất cả: 3")
    expect(chips).to_contain_text("Chưa thực hiện: 2")
    expect(chips).to_contain_text("Đã duyệt: 1")
    results = page.locator("#board-results")
    expect(results).to_contain_text("3 đơn vị phù hợp.")
    expect(results.locator("tbody tr", has_text=SCHOOL_A1).locator(".tag")).to_have_text("Đã duyệt")
    with page.expect_request(lambda r: "state=approved" in r.url and r.headers.get("hx-request") == "true"):
        page.get_by_role("combobox", name="Trạng thái").select_option(label="Đã duyệt")
    expect(results).to_contain_text("1 đơn vị phù hợp.")
    expect(results.locator("tbody tr")).to_have_count(1)
    expect(results.locator("tbody tr")).to_contain_text(SCHOOL_A1)
    watch.assert_clean()


# --- 3. the close, a late school, an extension ----------------------------------------------------------------------------


def test_after_the_close_a_late_school_is_told_to_ask_for_an_extension(
    page: Page,
    site: Site,
    cast: Cast,
    watch: BrowserWatch,
    browser: Browser,
    browser_context_args: dict[str, Any],
) -> None:
    students(cast)
    title = "Báo cáo nhanh đầu tháng"
    period = open_period(cast, title=title, opens=-20, deadline=-2)
    school_a2 = "Trường THCS Chu Văn An"

    # The late school has its report page open, the submit button on it…
    other = browser.new_context(**browser_context_args)
    watch.attach(other)
    try:
        school = other.new_page()
        sign_in_admin(school, site, cast.school_a2_admin)
        site.goto(school, f"/reporting/periods/{period.pk}/units/{cast.school_a2.pk}/")
        expect(school.locator("h1")).to_have_text(f"Báo cáo của {school_a2}")
        expect(school.locator("main")).to_contain_text("Đã quá hạn 2 ngày")

        # … while the Sở closes the period.
        sign_in_admin(page, site, cast.so_admin)
        nav(page, "Báo cáo").click()
        page.get_by_role("link", name=title).click()
        page.get_by_role("link", name="Khóa sổ…").click()
        expect(page.locator("h1")).to_have_text(f"Khóa sổ kỳ báo cáo «{title}»?")
        expect(page.locator("main")).to_contain_text("Chưa chốt số liệu: 7")
        page.get_by_role("button", name="Khóa sổ kỳ báo cáo").click()
        expect(page.locator(".messages")).to_contain_text(f"Đã khóa sổ kỳ báo cáo «{title}».")
        expect(page.locator("dl.facts").first).to_contain_text("Đã khóa sổ lúc")
        expect(page.get_by_role("link", name="Khóa sổ…")).to_have_count(0)

        school.get_by_role("button", name="Chốt số liệu", exact=True).click()
        closed = (
            f"Kỳ báo cáo «{title}» đã khóa sổ ngày {typed(day(0))} (hạn chót {typed(day(-2))}); "
            f"hãy đề nghị {COMMUNE_A} gia hạn cho đơn vị rồi chốt lại."
        )
        expect(school.locator(".messages")).to_contain_text(closed)
        expect(school.locator("#submit .notice")).to_contain_text(closed)
        expect(school.get_by_role("button", name="Chốt số liệu", exact=True)).to_have_count(0)
        assert not Submission.objects.exists()

        # The commune grants the extension the message points to; the school then submits, late.
        site.sign_out(page)
        site.sign_in(page, cast.commune_a_user.username)
        site.goto(page, f"/reporting/periods/{period.pk}/units/{cast.school_a2.pk}/")
        page.get_by_label("Gia hạn đến ngày").fill(typed(day(3)))
        page.get_by_label("Lý do gia hạn").fill("Trường mất điện ba ngày.")
        page.get_by_role("button", name="Gia hạn", exact=True).click()
        expect(page.locator(".messages")).to_contain_text(f"Đã gia hạn cho {school_a2} đến ngày {typed(day(3))}.")

        school.reload()
        school.get_by_role("button", name="Chốt số liệu", exact=True).click()
        expect(school.locator(".messages")).to_contain_text(
            f"Đã chốt số liệu phiên bản 1; báo cáo đã được gửi {COMMUNE_A} duyệt."
        )
        submission = Submission.objects.get(report__unit=cast.school_a2)
        assert submission.late is False  # within the extension it was granted
    finally:
        other.close()
    watch.assert_clean()
