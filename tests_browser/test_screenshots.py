"""Screenshots of the main pages over the demo city (``seed_demo``), saved to docs/screenshots/.

Runs only with ``--screenshots`` (``make screenshots``). Console messages and CSP violations met on the way are
reported as warnings here (the flows in test_flows.py are where they fail a test).
"""

from __future__ import annotations

import hashlib
import io
import warnings
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from playwright.sync_api import Browser, FilePayload, Page, expect

from edudb.accounts.models import Account, AccountKind
from edudb.core.models import Unit
from edudb.quality.models import Finding
from tests_browser.helpers import PHONE, BrowserWatch, Site, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.screenshots]

OUT = Path(settings.BASE_DIR) / "docs" / "screenshots"
DEMO_PASSWORD = "HaiPhong@2026"


def _ministry_file() -> bytes:
    """A few learners of a demo school in the Ministry's layout, one of them with an impossible birth date."""
    import xlsxwriter

    from edudb.registry.models import SchoolClass

    school_class = (
        SchoolClass.objects.filter(school_year__is_current=True, grade=1).select_related("unit", "school_year").first()
    )
    assert school_class is not None
    born = f"15/03/{school_class.school_year.start_year - 6}"
    rows = [
        ["Mã trường", "Họ tên", "Ngày sinh", "Giới tính", "Dân tộc", "Lớp", "SĐT liên hệ", "Họ tên mẹ"],
        [
            school_class.unit.code,
            "nguyễn  thị AN",
            born,
            "Nữ",
            "kinh",
            school_class.name,
            "+84 912 345 678",
            "Lê Thị Hà",
        ],
        [school_class.unit.code, "Trần Văn Bình", born, "Nam", "Kinh", school_class.name, "0987654321", ""],
        [school_class.unit.code, "Phạm Minh Châu", "31/02/2019", "Nữ", "Tày", school_class.name, "", ""],
    ]
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    sheet = workbook.add_worksheet("HocSinh")
    sheet.write_row(0, 0, ["DANH SÁCH HỌC SINH"])
    for r, row in enumerate(rows, start=1):
        sheet.write_row(r, 0, row)
    workbook.close()
    return buffer.getvalue()


def demo_code(username: str, *, ahead: int = 0) -> str:
    """The code of a named demo admin's authenticator: its secret is fixed by seed_demo."""
    return totp_code(hashlib.sha1(b"edudb-demo:" + username.encode()).digest(), ahead=ahead)  # noqa: S324


@pytest.fixture
def demo(browser_db: Any) -> dict[str, Any]:
    """The demo city, committed for the live server."""
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    so = Unit.objects.get(depth=0)
    commune = (
        Unit.objects.filter(kind__code="ubnd_xa", name__contains="Hồng Bàng").first()
        or Unit.objects.filter(kind__code="ubnd_xa").order_by("name_key").first()
    )
    manageable = Account.objects.filter(unit__parent=so, kind=AccountKind.USER).order_by("username").first()
    first_commune = Unit.objects.filter(parent=so, kind__code="ubnd_xa").order_by("name_key").first()
    fresh_admin = (
        Account.objects.filter(username__startswith="admin.", unit__kind__code="tieu_hoc").order_by("username").first()
    )
    assert None not in (commune, first_commune, manageable, fresh_admin), out.getvalue()
    return {
        "so": so,
        "commune": commune,
        "first_commune": first_commune,
        "account": manageable,
        "fresh_admin": fresh_admin,
        "th_school": Account.objects.get(username="th.admin").unit.name,
    }


def save(page: Page, name: str, *, full_page: bool = True) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.png"
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(path), full_page=full_page, animations="disabled")
    return path


def finish(saved: list[Path], watch: BrowserWatch) -> None:
    """Every picture taken is a real page; what the browser complained of is a warning, not a failure."""
    for path in saved:
        assert path.stat().st_size > 10_000, f"{path} looks empty"
    for problem in watch.problems:
        warnings.warn(f"screenshots: {problem}", UserWarning, stacklevel=1)
    watch.problems.clear()
    print("\n".join(str(p.relative_to(settings.BASE_DIR)) for p in saved))


def sign_in(page: Page, site: Site, username: str, *, ahead: int = 0, shoot_ack: str = "") -> Path | None:
    """Sign a named demo account in, through the acknowledgement of duties if it has not given it yet."""
    otp = demo_code(username, ahead=ahead) if username.endswith(".admin") else None
    site.sign_in(page, username, password=DEMO_PASSWORD, otp=otp)
    shot = None
    if page.url.endswith("/accounts/acknowledge/"):
        shot = save(page, shoot_ack) if shoot_ack else None
        page.locator("#id_accept").check()
        with page.expect_navigation():
            page.get_by_role("button", name="Xác nhận").click()
    return shot


def test_screenshots_of_the_main_pages(
    page: Page,
    site: Site,
    demo: dict[str, Any],
    watch: BrowserWatch,
    browser: Browser,
    browser_context_args: dict[str, Any],
) -> None:
    so, commune = demo["so"], demo["commune"]
    saved: list[Path] = []

    site.goto(page, "/accounts/login/")
    saved.append(save(page, "01-login"))

    ack = sign_in(page, site, "so.admin", shoot_ack="14-acknowledge")
    saved.extend([ack] if ack else [])
    expect(page.locator("h1")).to_contain_text("Xin chào")
    saved.append(save(page, "02-home-so-admin"))

    # The tree, opened two levels: the Sở, then the first commune (the top of the page shows both).
    site.goto(page, "/units/")
    first = demo["first_commune"]
    page.locator("summary", has_text=so.name).locator(".tag").click()
    expect(page.locator("#unit-results").get_by_role("link", name=first.name, exact=True)).to_be_visible()
    page.locator("summary", has_text=first.name).locator(".tag").click()
    expect(page.locator("summary", has_text=first.name).locator("xpath=..").locator(".kids ul.tree")).to_be_visible()
    saved.append(save(page, "03-unit-tree-expanded", full_page=False))

    site.goto(page, f"/units/{commune.pk}/")
    expect(page.locator("h1")).to_have_text(commune.name)
    saved.append(save(page, "04-unit-detail"))

    site.goto(page, "/accounts/")
    expect(page.locator("h1")).to_have_text("Tài khoản")
    saved.append(save(page, "05-accounts-list"))

    site.goto(page, "/accounts/new/")
    saved.append(save(page, "06-account-issue"))

    site.goto(page, f"/accounts/{demo['account'].pk}/")
    expect(page.locator("h1")).to_contain_text(demo["account"].full_name)
    saved.append(save(page, "07-account-detail"))

    site.goto(page, f"/accounts/access/{commune.pk}/")
    expect(page.locator("h1")).to_contain_text("Ai được làm gì")
    saved.append(save(page, "08-access-review"))

    site.goto(page, "/audit/")
    expect(page.locator("h1")).to_have_text("Nhật ký hệ thống")
    saved.append(save(page, "09-audit-list"))

    # The component databases, on the demo commune's data.
    school = Unit.objects.get(name=demo["th_school"])
    site.goto(page, f"/schools/{school.school_profile.pk}/")
    expect(page.locator("h1")).to_contain_text(school.name)
    saved.append(save(page, "15-school-profile"))
    site.goto(page, f"/classes/?unit={school.pk}")
    saved.append(save(page, "16-class-list"))
    site.goto(page, f"/students/?unit={school.pk}")
    expect(page.locator("h1")).to_contain_text("học sinh")
    saved.append(save(page, "17-student-list"))
    student = school.students.order_by("name_key").first()
    assert student is not None, "the demo school has students"
    site.goto(page, f"/students/{student.pk}/")
    saved.append(save(page, "18-student-detail"))
    site.goto(page, f"/staff/?unit={school.pk}")
    saved.append(save(page, "19-staff-list"))
    site.goto(page, f"/rooms/?unit={school.pk}")
    saved.append(save(page, "20-room-list"))
    site.goto(page, f"/equipment/{school.pk}/")
    saved.append(save(page, "21-equipment-checklist"))
    school_class = school.classes.filter(grade__isnull=False).order_by("grade", "name").first()
    assert school_class is not None, "the demo school has classes"
    site.goto(page, f"/classes/{school_class.pk}/results/")
    saved.append(save(page, "22-results-grid"))
    site.goto(page, f"/classes/{school_class.pk}/health/")
    saved.append(save(page, "23-health-grid"))
    teacher = school.staff.order_by("name_key").first()
    assert teacher is not None, "the demo school has staff"
    site.goto(page, f"/staff/{teacher.pk}/records/")
    saved.append(save(page, "24-staff-records"))

    # Movements: transfers waiting at the demo primary school, the journal, a rollover preview for the commune.
    site.goto(page, "/transfers/students/")
    expect(page.locator("h1")).to_have_text("Chuyển trường của học sinh")
    saved.append(save(page, "25-transfer-list"))
    waiting = page.locator("tbody tr", has_text="Chờ đơn vị đến tiếp nhận").first.get_by_role("link")
    waiting.click()
    expect(page.locator(".titlebar .tag")).to_have_text("Chờ đơn vị đến tiếp nhận")
    saved.append(save(page, "26-transfer-detail"))
    site.goto(page, "/student-events/")
    saved.append(save(page, "27-student-journal"))
    site.goto(page, "/rollovers/new/")
    page.get_by_label("Phạm vi: một trường hoặc cả đơn vị").select_option(label=commune.name)
    page.get_by_role("button", name="Xem trước").click()
    expect(page.locator(".titlebar .tag")).to_have_text("Đã xem trước, chờ thực hiện")
    saved.append(save(page, "28-rollover-preview"))

    # Data quality: the Sở's scorecard, the work list of a school with legacy-font names, code lists, rules.
    site.goto(page, "/quality/")
    expect(page.locator("h1")).to_contain_text("Chất lượng dữ liệu")
    saved.append(save(page, "29-quality-scorecard"))
    spoiled = Finding.objects.filter(rule="consistency", target="student").order_by("unit_id").first()
    assert spoiled is not None, "the demo spoils a few names (demo/blemishes.py)"
    site.goto(page, f"/quality/units/{spoiled.unit_id}/work/?target=student")
    expect(page.locator("main")).to_contain_text(spoiled.object_label)
    saved.append(save(page, "30-quality-worklist"))
    site.goto(page, "/quality/codelists/")
    saved.append(save(page, "31-code-lists"))
    site.goto(page, "/quality/rules/")
    saved.append(save(page, "32-quality-rules"))

    # The Excel exchange: the templates, and the preview of a Ministry-layout file with one bad row.
    site.goto(page, "/exchange/templates/")
    saved.append(save(page, "33-import-templates"))
    with override_settings(TASKS={"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}):
        site.goto(page, "/exchange/imports/")
        page.get_by_label("Loại dữ liệu").select_option(label="Học sinh")
        page.get_by_label("Tệp Excel").set_input_files(
            files=FilePayload(name="C1-HocSinh.xlsx", mimeType="application/octet-stream", buffer=_ministry_file())
        )
        page.get_by_role("button", name="Tải lên và kiểm tra").click()
        expect(page.locator(".qfigures")).to_contain_text("Bị từ chối")
    saved.append(save(page, "34-import-preview"))

    site.goto(page, "/api/v1/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_be_visible(timeout=15_000)
    saved.append(save(page, "11-api-docs"))

    # A unit admin's first sign-in: the authenticator enrolment comes first.
    site.goto(page, "/")
    site.sign_out(page)
    site.sign_in(page, demo["fresh_admin"].username, password=DEMO_PASSWORD)
    expect(page.locator("h1")).to_have_text("Bật xác thực hai lớp")
    saved.append(save(page, "10-totp-enrol"))

    phone = browser.new_context(
        **{**browser_context_args, "viewport": PHONE, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
    )
    watch.attach(phone)
    try:
        small = phone.new_page()
        sign_in(small, site, "so.admin", ahead=1)  # the current code was spent above
        expect(small.locator("h1")).to_contain_text("Xin chào")
        saved.append(save(small, "12-home-phone"))
        site.goto(small, "/units/")
        saved.append(save(small, "13-unit-tree-phone"))
    finally:
        phone.close()

    finish(saved, watch)


def test_screenshots_of_the_reporting_pages(page: Page, site: Site, demo: dict[str, Any], watch: BrowserWatch) -> None:
    """The reporting cycle of the demo (an ad-hoc period half-way through, demo/reporting.py): the home page of a
    school that has still to submit, its check before submitting, the board as the Sở and as a commune, a submitted
    version with its frozen scorecard, and the commune's notifications."""
    from edudb.reporting.models import PeriodKind, ReportingPeriod, Submission

    period = ReportingPeriod.objects.get(kind=PeriodKind.ADHOC)
    commune = Account.objects.get(username="xa.admin").unit
    version = (
        Submission.objects.filter(report__period=period, report__unit__parent=commune, review=Submission.Review.PENDING)
        .order_by("submitted_at")
        .first()
    )
    assert version is not None, "the demo leaves a school of the demo commune waiting for its review"
    saved: list[Path] = []

    sign_in(page, site, "th.admin")
    page.get_by_role("navigation", name="Chức năng chính").get_by_role("link", name="Báo cáo").click()
    expect(page.locator("h1")).to_have_text("Báo cáo định kỳ và đột xuất")
    saved.append(save(page, "35-reporting-home-school"))
    page.locator("tbody tr", has_text=period.title).get_by_role("link", name="Kiểm tra và chốt số liệu").click()
    page.get_by_role("button", name="Kiểm tra trước khi chốt").click()
    expect(page.locator("#check")).to_contain_text("Kết quả kiểm tra trước khi chốt", timeout=30_000)
    saved.append(save(page, "36-reporting-precheck"))
    site.sign_out(page)

    sign_in(page, site, "so.admin")
    site.goto(page, f"/reporting/periods/{period.pk}/board/")
    expect(page.locator("h1")).to_contain_text("Tiến độ báo cáo")
    saved.append(save(page, "37-reporting-board-so"))
    site.sign_out(page)

    sign_in(page, site, "xa.admin")
    site.goto(page, f"/reporting/periods/{period.pk}/board/")
    expect(page.locator("h1")).to_have_text(f"Tiến độ báo cáo — {commune.name}")
    saved.append(save(page, "38-reporting-board-commune"))
    site.goto(page, f"/reporting/submissions/{version.pk}/")
    expect(page.locator(".qfigures")).to_be_visible()
    saved.append(save(page, "39-reporting-submission"))
    page.get_by_role("navigation", name="Chức năng chính").get_by_role("link", name="Thông báo").click()
    expect(page.locator("h1")).to_have_text("Thông báo")
    saved.append(save(page, "40-notifications"))

    finish(saved, watch)


def test_screenshots_of_the_statistics_pages(page: Page, site: Site, demo: dict[str, Any], watch: BrowserWatch) -> None:
    """The statistics of the demo city: the Sở's dashboard, the learners table by commune, a commune's table of its
    schools, and a school's own dashboard."""
    saved: list[Path] = []
    sign_in(page, site, "so.admin")
    page.get_by_role("navigation", name="Chức năng chính").get_by_role("link", name="Thống kê").click()
    expect(page.locator("h1")).to_contain_text("Thống kê — ")
    saved.append(save(page, "41-stats-dashboard-so"))
    page.get_by_role("link", name="Bảng đầy đủ theo đơn vị").click()
    expect(page.locator("h1")).to_have_text("Học sinh theo khối lớp và giới tính")
    saved.append(save(page, "42-stats-table-city"))
    site.sign_out(page)

    sign_in(page, site, "xa.admin")
    page.get_by_role("navigation", name="Chức năng chính").get_by_role("link", name="Thống kê").click()
    page.get_by_role("link", name="Bảng tỉ lệ theo đơn vị").click()
    expect(page.locator("h1")).to_have_text("Các tỉ lệ bình quân")
    saved.append(save(page, "43-stats-ratios-commune"))
    site.sign_out(page)

    sign_in(page, site, "th.admin")
    page.get_by_role("navigation", name="Chức năng chính").get_by_role("link", name="Thống kê").click()
    expect(page.locator("h1")).to_contain_text("Thống kê — ")
    saved.append(save(page, "44-stats-dashboard-school"))

    finish(saved, watch)


def test_screenshots_of_the_governance_pages(page: Page, site: Site, demo: dict[str, Any], watch: BrowserWatch) -> None:
    """Complaints, outside data requests, incidents, oversight and the guide, over the demo city's examples."""
    saved: list[Path] = []
    site.goto(page, "/feedback/public/")
    expect(page.locator("h1")).to_have_text("Phản ánh, yêu cầu về dữ liệu học sinh")
    saved.append(save(page, "45-feedback-public-form"))

    sign_in(page, site, "th.admin")
    page.get_by_role("navigation", name="Chức năng chính").get_by_role("link", name="Phản ánh").click()
    expect(page.locator("h1")).to_have_text("Phản ánh, yêu cầu về dữ liệu cần xử lý")
    saved.append(save(page, "46-feedback-handling"))
    site.sign_out(page)

    sign_in(page, site, "so.admin")
    nav = page.get_by_role("navigation", name="Chức năng chính")
    nav.get_by_role("link", name="Yêu cầu dữ liệu").click()
    expect(page.locator("h1")).to_have_text("Yêu cầu khai thác dữ liệu")
    saved.append(save(page, "47-sharing-requests"))
    page.locator("main table a").first.click()
    saved.append(save(page, "48-sharing-request-detail"))
    nav.get_by_role("link", name="Sự cố").click()
    expect(page.locator("h1")).to_have_text("Sự cố kỹ thuật")
    saved.append(save(page, "49-incidents"))
    nav.get_by_role("link", name="Giám sát").click()
    expect(page.locator("h1")).to_contain_text("Tình hình triển khai")
    saved.append(save(page, "50-oversight-adoption", full_page=False))
    today = timezone.localdate()  # the demo city was made today: report on the half-year that holds it
    site.goto(page, f"/oversight/report/?start={today.year}-{1 if today.month <= 6 else 7:02d}-01&end={today:%Y-%m-%d}")
    saved.append(save(page, "51-oversight-report"))
    site.goto(page, "/guide/")
    expect(page.locator("h1")).to_have_text("Hướng dẫn sử dụng Hệ thống CSDL Ngành")
    saved.append(save(page, "52-guide-index"))
    finish(saved, watch)
