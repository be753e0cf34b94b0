"""The reporting pages (R7.1–R7.3): a school submits, its commune returns it with a reason, the school submits again
and the difference shows; the Sở opens, edits and closes a period; every refusal says why in the services' words;
the timeliness board counts and filters; names and reasons are shown escaped."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import Cast
from edudb.core.models import AuditEntry, Notification, Unit
from edudb.core.tests.clients import signed_in
from edudb.registry.models import Student
from edudb.registry.tests.contract_routes_students import students
from edudb.reporting import services
from edudb.reporting.models import Correction, ReportingPeriod, ReportState, Submission, UnitReport
from edudb.reporting.tests.contract_routes import ROUTES, PeriodUnitRoute

pytestmark = pytest.mark.django_db

COMMUNE_A = "UBND Phường Hồng Bàng"


def days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def open_period(
    cast: Cast, *, opens: int = -5, deadline: int = 10, title: str = "Báo cáo đột xuất số lớp"
) -> ReportingPeriod:
    return services.open_adhoc(
        by=cast.so_admin,
        title=title,
        opens_on=days(opens),
        deadline=days(deadline),
        covers=["students"],
        min_completeness=0,
    )


@pytest.fixture
def period(cast: Cast) -> ReportingPeriod:
    students(cast)  # one learner in every institution
    return open_period(cast)


def url(name: str, *args: Any, **kwargs: Any) -> str:
    return reverse(f"reporting:{name}", args=args or None, kwargs=kwargs or None)


def report_url(period: ReportingPeriod, unit: Unit, name: str = "report") -> str:
    return url(name, period=period.pk, pk=unit.pk)


def text(response: Any) -> str:
    return str(response.content.decode())


def shown(client: Client, address: str) -> str:
    response = client.get(address)
    assert response.status_code == 200, address
    return text(response)


def submit(client: Client, period: ReportingPeriod, unit: Unit, **data: Any) -> Any:
    return client.post(report_url(period, unit, "submit"), data, follow=True)


# --- The happy path ----------------------------------------------------------------------------------------------------


def test_school_submits_commune_returns_school_resubmits_and_sees_the_difference(
    cast: Cast, period: ReportingPeriod
) -> None:
    school = signed_in(cast.school_a1_admin)
    home = shown(school, url("home"))
    assert period.title in home and "Kiểm tra và chốt số liệu" in home and "Còn 10 ngày" in home

    page = shown(school, report_url(period, cast.school_a1))
    assert "Kiểm tra trước khi chốt" in page and "chưa chốt số liệu kỳ này" in page and COMMUNE_A in page

    checked = school.post(report_url(period, cast.school_a1, "precheck"))
    assert checked.status_code == 200 and "Không có lỗi chặn" in text(checked) and "<html" in text(checked)
    partial = school.post(
        report_url(period, cast.school_a1, "precheck"), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="check"
    )
    assert partial.status_code == 200 and "Không có lỗi chặn" in text(partial) and "<html" not in text(partial)

    done = submit(school, period, cast.school_a1, note="Số liệu đầu kỳ")
    assert "Đã chốt số liệu phiên bản 1" in text(done) and COMMUNE_A in text(done)
    first = Submission.objects.get(report__unit=cast.school_a1)
    assert first.version == 1 and first.review == Submission.Review.PENDING and first.note == "Số liệu đầu kỳ"
    assert "đang chờ" in shown(school, report_url(period, cast.school_a1))

    reviewer = signed_in(cast.commune_a_user)
    assert "Báo cáo chờ duyệt: 1" in shown(reviewer, url("home"))
    waiting = shown(reviewer, url("reviews"))
    assert cast.school_a1.name in waiting and url("submission", first.pk) in waiting
    version_page = shown(reviewer, url("submission", first.pk))
    assert "Dữ liệu khớp mã kiểm tra" in version_page and "Học sinh" in version_page
    assert url("approve", first.pk) in version_page and url("return", first.pk) in version_page
    assert "Đây là phiên bản duy nhất" in version_page

    # A return without a reason is refused on the field, nothing changes.
    refused = reviewer.post(url("return", first.pk), {"reason": "  "})
    assert refused.status_code == 200 and "Hãy ghi lý do trả lại" in text(refused)
    assert Submission.objects.get(pk=first.pk).review == Submission.Review.PENDING

    returned = reviewer.post(url("return", first.pk), {"reason": "Thiếu học sinh lớp 1A"}, follow=True)
    assert "Đã trả lại phiên bản 1" in text(returned)
    assert Submission.objects.get(pk=first.pk).review == Submission.Review.RETURNED
    page = shown(school, report_url(period, cast.school_a1))
    assert "Bị trả lại" in page and "Thiếu học sinh lớp 1A" in page and "Sửa số liệu" not in page
    assert Notification.objects.filter(account=cast.school_a1_admin, kind="reporting.returned").exists()
    assert "Sửa số liệu và chốt lại" in shown(school, url("home"))

    # The school corrects a learner's name and submits again: version 2, the difference is visible.
    learner = Student.objects.get(unit=cast.school_a1)
    old_name = learner.full_name
    Student.objects.filter(pk=learner.pk).update(full_name="Phạm Văn Sửa")
    again = submit(school, period, cast.school_a1)
    assert "Đã chốt số liệu phiên bản 2" in text(again)
    second = Submission.objects.get(report__unit=cast.school_a1, version=2)
    compared = shown(reviewer, url("submission", second.pk))
    assert "So sánh với phiên bản" in compared and "Thay đổi từ phiên bản 1 đến phiên bản 2" in compared
    assert old_name in compared and "Phạm Văn Sửa" in compared and "0 thêm · 0 bớt · 1 sửa" in compared
    chosen = shown(reviewer, url("submission", first.pk) + f"?against={second.pk}")
    assert "Thay đổi từ phiên bản 1 đến phiên bản 2" in chosen

    approved = reviewer.post(url("approve", second.pk), {"comment": "Đạt"}, follow=True)
    assert "Đã duyệt phiên bản 2" in text(approved)
    report = UnitReport.objects.get(period=period, unit=cast.school_a1)
    assert report.state == ReportState.APPROVED and report.approved_id == second.pk
    page = shown(school, report_url(period, cast.school_a1))
    assert "đây là báo cáo chính thức" in page and "Đề nghị điều chỉnh báo cáo đã duyệt" in page

    # A correction after approval: asked by the school, accepted by the commune; the approved version stays.
    empty = school.post(report_url(period, cast.school_a1, "correction"), {"reason": ""})
    assert empty.status_code == 200 and "Hãy ghi cần điều chỉnh số liệu gì" in text(empty)
    school.post(report_url(period, cast.school_a1, "correction"), {"reason": "Bổ sung học sinh chuyển đến"})
    pending = Correction.objects.get(report=report)
    assert "Đề nghị điều chỉnh chờ quyết định" in shown(reviewer, report_url(period, cast.school_a1))
    no_answer = reviewer.post(url("decide_correction", pending.pk), {"decision": "refuse", "answer": ""})
    assert no_answer.status_code == 200 and "Hãy ghi lý do không đồng ý" in text(no_answer)
    reviewer.post(url("decide_correction", pending.pk), {"decision": "accept"})
    report.refresh_from_db()
    assert report.state == ReportState.CORRECTING and report.approved_id == second.pk
    assert "Chốt phiên bản điều chỉnh" in shown(school, url("home"))


def test_the_so_opens_edits_and_closes_a_period(cast: Cast) -> None:
    so = signed_in(cast.so_admin)
    home = shown(so, url("home"))
    assert "Mở báo cáo đột xuất" in home
    form = shown(so, url("period_new"))
    assert "dd/mm/yyyy" in form and 'value="students"' in form

    values = {
        "title": "Báo cáo nhanh sĩ số",
        "opens_on": days(0).strftime("%d/%m/%Y"),
        "deadline": days(-3).strftime("%d/%m/%Y"),
        "covers": ["students", "classes"],
        "instructions": "Chốt sĩ số đến ngày báo cáo.",
        "min_completeness": "80",
    }
    wrong = so.post(url("period_new"), values)
    assert wrong.status_code == 200 and "phải từ ngày mở kỳ báo cáo" in text(wrong)
    assert "has-error" in text(wrong)
    uncovered = so.post(url("period_new"), {**values, "deadline": days(7).strftime("%d/%m/%Y"), "covers": []})
    assert "Hãy chọn ít nhất một cơ sở dữ liệu thành phần" in text(uncovered)
    garbled = so.post(url("period_new"), {**values, "deadline": "31/02/2026"})
    assert "Hạn chót chưa đúng dạng" in text(garbled)
    assert not ReportingPeriod.objects.filter(title="Báo cáo nhanh sĩ số").exists()

    made = so.post(url("period_new"), {**values, "deadline": days(7).strftime("%d/%m/%Y")}, follow=True)
    created = ReportingPeriod.objects.get(title="Báo cáo nhanh sĩ số")
    assert "Đã mở kỳ báo cáo đột xuất" in text(made) and created.covers == ["classes", "students"]
    assert created.deadline == days(7) and created.min_completeness == 80
    assert Notification.objects.filter(account=cast.school_a1_admin, kind="reporting.period.open").exists()
    page = shown(so, url("period", created.pk))
    assert "Chốt sĩ số đến ngày báo cáo." in page and "Còn 7 ngày" in page and "Khóa sổ…" in page

    edit = shown(so, url("period_edit", created.pk))
    assert days(7).strftime("%d/%m/%Y") in edit
    edited = so.post(url("period_edit", created.pk), {**values, "deadline": days(9).strftime("%d/%m/%Y")}, follow=True)
    assert "Đã lưu kỳ báo cáo." in text(edited)
    created.refresh_from_db()
    assert created.deadline == days(9)
    assert AuditEntry.objects.filter(action="reporting.period.update").exists()

    confirm = shown(so, url("period_close", created.pk))
    assert "Khóa sổ kỳ báo cáo" in confirm and "Chưa chốt số liệu" in confirm
    closed = so.post(url("period_close", created.pk), follow=True)
    assert "Đã khóa sổ kỳ báo cáo" in text(closed) and "Đã khóa sổ lúc" in text(closed)
    created.refresh_from_db()
    assert created.closed_at is not None
    twice = so.post(url("period_close", created.pk), follow=True)
    assert "đã khóa sổ lúc" in text(twice)


@pytest.mark.parametrize("role", ["school_a1_admin", "commune_a_admin", "office_th_user", "commune_a_user"])
def test_only_the_so_manages_periods(cast: Cast, period: ReportingPeriod, role: str) -> None:
    client = signed_in(cast.accounts[role])
    assert "Mở báo cáo đột xuất" not in shown(client, url("home"))
    for address in (url("period_new"), url("period_edit", period.pk), url("period_close", period.pk)):
        response = client.get(address)
        assert response.status_code == 403 and "Chỉ Sở Giáo dục và Đào tạo" in text(response)
    before = (period.deadline, period.title)
    refused = client.post(url("period_edit", period.pk), {"title": "Đổi tên", "deadline": "01/01/2030"})
    assert refused.status_code == 403
    assert client.post(url("period_close", period.pk)).status_code == 403
    period.refresh_from_db()
    assert (period.deadline, period.title) == before and period.closed_at is None


# --- Refusals ----------------------------------------------------------------------------------------------------------


def test_submitting_after_the_close_says_so_and_names_the_manager(cast: Cast, period: ReportingPeriod) -> None:
    services.close_period(period, by=cast.so_admin)
    school = signed_in(cast.school_a1_admin)
    page = shown(school, report_url(period, cast.school_a1))
    assert "khóa sổ" in page and COMMUNE_A in page and report_url(period, cast.school_a1, "submit") not in page

    refused = submit(school, period, cast.school_a1)
    assert "đã khóa sổ" in text(refused) and f"hãy đề nghị {COMMUNE_A} gia hạn" in text(refused)
    assert not Submission.objects.exists()

    # The commune grants an extension (a date before the deadline is refused on the field), then the school submits.
    reviewer = signed_in(cast.commune_a_admin)
    early = reviewer.post(
        report_url(period, cast.school_a1, "extend"), {"until": period.deadline.strftime("%d/%m/%Y"), "reason": "x"}
    )
    assert early.status_code == 200 and "Ngày gia hạn phải sau hạn chót" in text(early)
    no_reason = reviewer.post(
        report_url(period, cast.school_a1, "extend"),
        {"until": (period.deadline + dt.timedelta(days=3)).strftime("%d/%m/%Y")},
    )
    assert "Hãy ghi lý do gia hạn" in text(no_reason)
    granted = reviewer.post(
        report_url(period, cast.school_a1, "extend"),
        {"until": (period.deadline + dt.timedelta(days=3)).strftime("%d/%m/%Y"), "reason": "Mất điện"},
        follow=True,
    )
    assert "Đã gia hạn cho" in text(granted) and "Mất điện" in text(granted)
    stranger = signed_in(cast.school_a2_admin)
    assert stranger.post(report_url(period, cast.school_a1, "extend"), {"until": "", "reason": ""}).status_code == 404
    assert "Đã chốt số liệu phiên bản 1" in text(submit(school, period, cast.school_a1))


def test_a_manager_explains_missing_units_and_never_approves_its_own_report(
    cast: Cast, period: ReportingPeriod
) -> None:
    commune = signed_in(cast.commune_a_admin)
    page = shown(commune, report_url(period, cast.commune_a))
    assert "2 đơn vị trực thuộc chưa có báo cáo được duyệt" in page and cast.school_a1.name in page

    missing = submit(commune, period, cast.commune_a)
    assert "ghi lý do chốt thiếu vào ô giải trình" in text(missing) and "has-error" in text(missing)
    assert not Submission.objects.exists()
    done = submit(commune, period, cast.commune_a, missing_note="Hai trường chưa gửi do mất mạng")
    assert "Đã chốt số liệu phiên bản 1" in text(done)
    own = Submission.objects.get(report__unit=cast.commune_a)

    refused = commune.post(url("approve", own.pk))
    assert refused.status_code == 403 and "Không thể tự duyệt báo cáo của chính đơn vị mình" in text(refused)
    assert Submission.objects.get(pk=own.pk).review == Submission.Review.PENDING
    assert url("approve", own.pk) not in shown(commune, url("submission", own.pk))

    # A school cannot approve its manager's report either (out of its scope: not found).
    assert signed_in(cast.school_a1_admin).post(url("approve", own.pk)).status_code == 404
    so = signed_in(cast.so_admin)
    assert "Hai trường chưa gửi do mất mạng" in shown(so, report_url(period, cast.commune_a))
    assert "Đã duyệt phiên bản 1" in text(so.post(url("approve", own.pk), follow=True))


def test_what_stops_a_submission_is_listed_with_where_to_fix_it(cast: Cast) -> None:
    students(cast)
    strict = services.open_adhoc(
        by=cast.so_admin,
        title="Báo cáo đủ thông tin",
        opens_on=days(-1),
        deadline=days(5),
        covers=["students"],
        min_completeness=100,
    )
    school = signed_in(cast.school_a1_admin)
    checked = text(school.post(report_url(strict, cast.school_a1, "precheck")))
    assert "vấn đề phải sửa trước khi chốt" in checked and "dưới mức tối thiểu 100%" in checked
    assert reverse("quality:worklist", args=[cast.school_a1.pk]) + "?kind=missing" in checked
    refused = submit(school, strict, cast.school_a1)
    assert "Chưa chốt được số liệu: còn 1 vấn đề phải sửa trước." in text(refused)
    assert "dưới mức tối thiểu 100%" in text(refused)
    assert not Submission.objects.exists()


def test_a_user_without_the_submit_function_is_told_so(cast: Cast, period: ReportingPeriod) -> None:
    clerk = signed_in(cast.school_a1_user)  # view + enter students
    page = shown(clerk, report_url(period, cast.school_a1))
    assert "chưa được giao chức năng «Chốt số liệu báo cáo»" in page
    refused = clerk.post(report_url(period, cast.school_a1, "submit"))
    assert refused.status_code == 403 and "Chốt số liệu báo cáo" in text(refused)
    assert not Submission.objects.exists()
    other = signed_in(cast.commune_a_admin)
    refused = other.post(report_url(period, cast.school_a1, "precheck"))
    assert refused.status_code == 403 and cast.school_a1.name in text(refused)


def test_out_of_scope_is_not_found_and_changes_nothing(cast: Cast, period: ReportingPeriod) -> None:
    submit(signed_in(cast.school_a1_admin), period, cast.school_a1)
    submission = Submission.objects.get()
    outsider = signed_in(cast.commune_b_admin)
    audit_before = AuditEntry.objects.count()
    assert outsider.get(report_url(period, cast.school_a1)).status_code == 404
    assert outsider.get(url("submission", submission.pk)).status_code == 404
    assert outsider.post(url("approve", submission.pk)).status_code == 404
    assert outsider.post(url("return", submission.pk), {"reason": "x"}).status_code == 404
    assert outsider.get(url("board", period.pk) + f"?unit={cast.commune_a.pk}").status_code == 404
    assert outsider.get(url("period", 999999)).status_code == 404
    assert Submission.objects.get().review == Submission.Review.PENDING
    assert AuditEntry.objects.count() == audit_before
    assert cast.school_a1.name not in shown(outsider, url("reviews"))


@pytest.mark.parametrize(
    "route_name", sorted(name for name, route in ROUTES.items() if isinstance(route, PeriodUnitRoute))
)
def test_routes_by_period_and_unit_follow_the_contract_tables(cast: Cast, route_name: str) -> None:
    """The scoping contract's walk for the routes addressed by a period and a unit (the shared walk reverses by
    ``pk`` alone): in scope never 404 (a page answers 200), out of scope 404 with no trace in the audit trail."""
    route = ROUTES[route_name]
    assert isinstance(route, PeriodUnitRoute) and route.objects and route.url_kwargs and route.visible
    failures = []
    for role, actor in sorted(cast.accounts.items()):
        client = signed_in(actor)
        for owner, ref in route.objects(cast):
            address = reverse(route_name, kwargs=route.url_kwargs(ref))
            in_scope = owner in route.visible.get(role, set())
            with transaction.atomic():
                before = AuditEntry.objects.count()
                response = getattr(client, route.method)(address, route.data or {})
                if in_scope and (
                    response.status_code == 404 or (route.method == "get" and response.status_code != 200)
                ):
                    failures.append(f"{role} → {owner}: {response.status_code} in scope")
                if not in_scope and (response.status_code != 404 or AuditEntry.objects.count() != before):
                    failures.append(f"{role} → {owner}: {response.status_code} out of scope")
                transaction.set_rollback(True)
    assert failures == []


# --- The board ---------------------------------------------------------------------------------------------------------


@pytest.fixture
def late_period(cast: Cast) -> ReportingPeriod:
    """A period whose deadline passed two days ago: school A1 submitted late, school B1 got an extension, the
    others have nothing in."""
    students(cast)
    late = open_period(cast, opens=-20, deadline=-2, title="Báo cáo quá hạn")
    services.submit(late, cast.school_a1, by=cast.school_a1_admin)
    services.grant_extension(late, cast.school_b1, by=cast.commune_b_admin, until=days(5), reason="Thiếu máy tính")
    return late


def test_the_board_counts_rates_and_lists_the_late_units(cast: Cast, late_period: ReportingPeriod) -> None:
    so = signed_in(cast.so_admin)
    page = shown(so, url("board", late_period.pk))
    assert "Đã chốt sau hạn, chờ duyệt: 1" in page
    assert "Đang thực hiện: 1" in page  # school B1: its report exists (the extension), nothing submitted
    assert "Chưa thực hiện: 5" in page  # both communes, school A2, school B2 and the THPT
    assert "Đơn vị chậm, quá hạn (6)" in page  # everyone but B1, whose deadline was extended
    assert "lượt được gia hạn" in page and "Tỉ lệ đúng hạn theo đơn vị quản lý" in page
    for unit in (cast.commune_a, cast.commune_b):
        assert url("board", late_period.pk) + f"?unit={unit.pk}" in page
    assert "7 đơn vị phù hợp" in page

    only_late = shown(so, url("board", late_period.pk) + "?state=late")
    assert "1 đơn vị phù hợp" in only_late and report_url(late_period, cast.school_a1) in only_late
    found = shown(so, url("board", late_period.pk) + "?q=chu+van+an")
    assert "1 đơn vị phù hợp" in found and cast.school_a2.name in found
    overdue = shown(so, url("board", late_period.pk) + "?late=on")
    assert "6 đơn vị phù hợp" in overdue

    rooted = shown(so, url("board", late_period.pk) + f"?unit={cast.commune_a.pk}")
    assert "Tiến độ báo cáo — " + COMMUNE_A in rooted and "3 đơn vị phù hợp" in rooted  # itself and its two schools
    assert cast.school_b1.name not in rooted and f'?unit={cast.so.pk}">{cast.so.name}</a>' in rooted

    partial = so.get(
        url("board", late_period.pk) + "?state=late", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="board-results"
    )
    assert "1 đơn vị phù hợp" in text(partial) and "<html" not in text(partial)

    school = shown(signed_in(cast.school_b1_admin), url("board", late_period.pk))
    assert "1 đơn vị phù hợp" in school and cast.school_a1.name not in school
    office = shown(signed_in(cast.office_th_user), url("board", late_period.pk))
    assert cast.school_a2.name not in office and cast.school_b1.name in office  # the primary schools only


def test_the_board_pages_its_table(cast: Cast, period: ReportingPeriod) -> None:
    from edudb.core.tests.factories import UnitFactory

    for i in range(51):
        UnitFactory.create(name=f"Trường Tiểu học Thêm {i:02d}", parent=cast.commune_a)
    so = signed_in(cast.so_admin)
    first = shown(so, url("board", period.pk))
    assert "58 đơn vị phù hợp" in first and "Trang 1 / 2" in first
    second = shown(so, url("board", period.pk) + "?page=2")
    assert "Trang 2 / 2" in second


# --- Escaping ----------------------------------------------------------------------------------------------------------


def test_names_and_reasons_are_shown_escaped(cast: Cast, period: ReportingPeriod) -> None:
    evil = "<script>alert(1)</script>"
    Unit.objects.filter(pk=cast.school_a1.pk).update(name=f"Trường {evil}")
    school = signed_in(cast.school_a1_admin)
    submit(school, period, cast.school_a1, note=f"Ghi chú {evil}")
    submission = Submission.objects.get()
    reviewer = signed_in(cast.commune_a_admin)
    reviewer.post(url("return", submission.pk), {"reason": f"Lý do {evil}"})
    pages = [
        (reviewer, url("board", period.pk)),
        (reviewer, url("reviews")),
        (reviewer, url("submission", submission.pk)),
        (reviewer, report_url(period, cast.school_a1)),
        (school, report_url(period, cast.school_a1)),
        (school, reverse("notifications:list")),
    ]
    for client, address in pages:
        page = shown(client, address)
        assert "<script>alert(1)" not in page, address
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown(school, report_url(period, cast.school_a1))
