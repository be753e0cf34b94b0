"""The reporting cycle's services (R7.1–R7.3): submit, review, extend, correct, close, remind — and every refusal
says why in Vietnamese and changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from conftest import Cast
from edudb.core.models import AuditEntry, Notification
from edudb.quality.models import items_of
from edudb.registry.tests.contract_routes_students import students
from edudb.reporting import services, snapshots
from edudb.reporting.models import (
    Correction,
    PeriodKind,
    Reminder,
    ReportingPeriod,
    ReportState,
    SchoolYear,
    Snapshot,
    Submission,
    UnitReport,
)

EVERY_DATABASE = ["schools", "classes", "staff", "students", "facilities"]


def open_period(cast: Cast, *, days_left: int = 10, **values: Any) -> ReportingPeriod:
    today = timezone.localdate()
    return services.open_adhoc(
        by=cast.so_admin,
        title=values.pop("title", "Báo cáo nhanh số liệu học sinh"),
        opens_on=values.pop("opens_on", today - dt.timedelta(days=5)),
        deadline=today + dt.timedelta(days=days_left),
        covers=values.pop("covers", EVERY_DATABASE),
        min_completeness=values.pop("min_completeness", 0),
        **values,
    )


def state_of(period: ReportingPeriod, unit: Any) -> dict[str, Any]:
    """Everything a refused call must leave as it was."""
    return {
        "reports": list(UnitReport.objects.filter(period=period, unit=unit).values()),
        "submissions": list(Submission.objects.filter(report__period=period, report__unit=unit).values()),
        "snapshots": Snapshot.objects.filter(submission__report__unit=unit).count(),
    }


@pytest.fixture
def period(cast: Cast) -> ReportingPeriod:
    students(cast)
    return open_period(cast)


def test_each_school_year_gets_its_two_periodic_reports_with_the_legal_deadlines(db: Any) -> None:
    year = SchoolYear.objects.create(start_year=2031, starts_on=dt.date(2031, 9, 5), ends_on=dt.date(2032, 5, 31))
    made = services.ensure_periods(year)
    assert {(p.kind, p.deadline) for p in made} == {
        (PeriodKind.START, dt.date(2031, 10, 15)),
        (PeriodKind.END, dt.date(2032, 6, 15)),
    }
    assert services.ensure_periods(year) == made  # idempotent
    assert services.ensure_current_periods() == 0  # the migration gave every existing year its periods


def test_a_school_submits_an_immutable_checksummed_snapshot_and_its_manager_is_told(
    cast: Cast, period: ReportingPeriod
) -> None:
    submission = services.submit(period, cast.school_a1, by=cast.school_a1_admin, note="Số liệu đầu kỳ")
    assert submission.version == 1 and not submission.late
    report = UnitReport.objects.get(period=period, unit=cast.school_a1)
    assert report.state == ReportState.SUBMITTED and report.on_time is True and report.latest_id == submission.pk
    snap = submission.snapshot
    assert snap.unit_path == cast.school_a1.path and snap.parent_id == cast.commune_a.pk
    assert snap.counts["student"] == 1
    assert snapshots.verify(snap.data, snap.checksum)
    document = snapshots.thaw(snap.data)
    learner = document["records"]["student"][0]
    assert learner["full_name"].startswith("Phạm Văn Thử")
    assert learner["gender"] == "1" and learner["status"] == "01"  # codes, not ids
    assert "personal_id" not in learner and learner["has_personal_id"] is True  # minimised
    assert set(snap.scorecard["total"]) >= {"completeness", "accuracy", "consistency", "timeliness"}
    entry = AuditEntry.objects.get(action="reporting.submit")
    assert entry.extra["checksum"] == snap.checksum and entry.unit_id == cast.school_a1.pk
    told = set(Notification.objects.filter(kind="reporting.submitted").values_list("account__username", flat=True))
    assert told == {"commune_a.admin", "commune.a.user"}  # the accounts of the manager that may approve


def test_the_database_refuses_to_change_or_delete_a_snapshot(cast: Cast, period: ReportingPeriod) -> None:
    submission = services.submit(period, cast.school_a1, by=cast.school_a1_admin)
    for change in (
        lambda: Snapshot.objects.filter(pk=submission.pk).update(checksum="0" * 64),
        lambda: Snapshot.objects.filter(pk=submission.pk).delete(),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            change()
    assert Snapshot.objects.get(pk=submission.pk).checksum == submission.snapshot.checksum


def test_submitting_twice_gives_one_version_and_a_clear_answer(cast: Cast, period: ReportingPeriod) -> None:
    services.submit(period, cast.school_a1, by=cast.school_a1_admin)
    before = state_of(period, cast.school_a1)
    with pytest.raises(ValidationError, match=r"đã chốt số liệu.*đang chờ UBND Phường Hồng Bàng duyệt"):
        services.submit(period, cast.school_a1, by=cast.school_a1_admin)
    assert state_of(period, cast.school_a1) == before


def test_two_submissions_at_the_same_moment_give_exactly_one_version(committed_db: None) -> None:
    """Two requests racing: the row lock on the unit's report (PostgreSQL) or the write lock taken at BEGIN
    IMMEDIATE (SQLite) lets one in, and the other is told."""
    import threading

    from conftest import build_cast

    cast = build_cast()
    students(cast)
    period = open_period(cast)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def race() -> None:
        try:
            barrier.wait()
            services.submit(period, cast.school_a1, by=cast.school_a1_admin)
            outcomes.append("submitted")
        except ValidationError as exc:
            outcomes.append(" ".join(exc.messages))
        finally:
            connection.close()

    threads = [threading.Thread(target=race) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes)[1] == "submitted" and "đã chốt số liệu" in sorted(outcomes)[0]
    assert Submission.objects.filter(report__unit=cast.school_a1).count() == 1


def test_the_manager_approves_and_the_school_is_told(cast: Cast, period: ReportingPeriod) -> None:
    submission = services.submit(period, cast.school_a1, by=cast.school_a1_admin)
    services.approve(submission, by=cast.commune_a_user, comment="Đúng số liệu")
    report = UnitReport.objects.get(period=period, unit=cast.school_a1)
    assert report.state == ReportState.APPROVED and report.approved_id == submission.pk
    submission.refresh_from_db()
    assert submission.review == Submission.Review.APPROVED and submission.reviewed_by == cast.commune_a_user
    assert Notification.objects.filter(kind="reporting.approved", account=cast.school_a1_admin).exists()
    with pytest.raises(ValidationError, match=r"đã được duyệt.*đề nghị điều chỉnh"):
        services.submit(period, cast.school_a1, by=cast.school_a1_admin)


@pytest.mark.parametrize(
    ("who", "refusal"),
    [
        ("school_a1_admin", "Không thể tự duyệt báo cáo của chính đơn vị mình"),
        ("commune_b_admin", "ngoài phạm vi quản lý"),
        ("so_admin", "do UBND Phường Hồng Bàng duyệt"),  # the Sở is not the school's direct manager
        ("school_a2_admin", "ngoài phạm vi quản lý"),
    ],
)
def test_review_by_anyone_but_the_direct_manager_is_refused(
    cast: Cast, period: ReportingPeriod, who: str, refusal: str
) -> None:
    submission = services.submit(period, cast.school_a1, by=cast.school_a1_admin)
    before = state_of(period, cast.school_a1)
    with pytest.raises(PermissionDenied, match=refusal):
        services.approve(submission, by=cast.accounts[who])
    with pytest.raises(PermissionDenied, match=refusal):
        services.return_submission(submission, by=cast.accounts[who], reason="Sai số lớp")
    assert state_of(period, cast.school_a1) == before


def test_a_return_needs_a_reason_then_the_resubmission_shows_what_changed(cast: Cast, period: ReportingPeriod) -> None:
    first = services.submit(period, cast.school_a1, by=cast.school_a1_admin)
    before = state_of(period, cast.school_a1)
    with pytest.raises(ValidationError) as refused:
        services.return_submission(first, by=cast.commune_a_admin, reason="   ")
    assert "lý do trả lại" in refused.value.message_dict["reason"][0]
    assert state_of(period, cast.school_a1) == before
    services.return_submission(first, by=cast.commune_a_admin, reason="Thiếu học sinh lớp 1")
    assert UnitReport.objects.get(period=period, unit=cast.school_a1).state == ReportState.RETURNED
    returned = Notification.objects.get(kind="reporting.returned", account=cast.school_a1_admin)
    assert returned.body == "Thiếu học sinh lớp 1"
    learner = students(cast)[0][1]
    learner.full_name = "Phạm Văn Mới"
    learner.ethnicity = items_of("dan_toc").get(code="01")
    learner.save()
    second = services.submit(period, cast.school_a1, by=cast.school_a1_admin)
    assert second.version == 2
    first.refresh_from_db()
    assert first.review == Submission.Review.RETURNED  # the returned version keeps its review
    diff = {
        d.target: d
        for d in snapshots.difference(snapshots.thaw(first.snapshot.data), snapshots.thaw(second.snapshot.data))
    }
    assert diff["student"].changed_count == 1
    label, fields = diff["student"].changed[0]
    assert label == "Phạm Văn Mới"
    assert ("họ và tên", "Phạm Văn Thử 000101", "Phạm Văn Mới") in fields
    assert ("dân tộc", None, "Kinh (01)") in fields  # the code list's name, not a bare code
    assert [label for label, _old, _new in fields] == ["dân tộc", "họ và tên"]  # no bookkeeping columns


def test_submitting_after_the_period_closed_names_the_manager_to_ask(cast: Cast, period: ReportingPeriod) -> None:
    services.submit(period, cast.school_a2, by=cast.school_a2_admin)
    services.close_period(period, by=cast.so_admin)
    closed = set(Notification.objects.filter(kind="reporting.period.close").values_list("account__unit_id", flat=True))
    assert cast.school_a1.pk in closed and cast.school_a2.pk not in closed  # told only where still to do
    before = state_of(period, cast.school_a1)
    with pytest.raises(ValidationError, match=r"đã khóa sổ ngày .*hãy đề nghị UBND Phường Hồng Bàng gia hạn"):
        services.submit(period, cast.school_a1, by=cast.school_a1_admin)
    assert state_of(period, cast.school_a1) == before
    until = timezone.localdate() + dt.timedelta(days=20)
    with pytest.raises(ValidationError) as no_reason:
        services.grant_extension(period, cast.school_a1, by=cast.commune_a_admin, until=until, reason="")
    assert "lý do" in no_reason.value.message_dict["reason"][0]
    with pytest.raises(PermissionDenied):
        services.grant_extension(period, cast.school_a1, by=cast.school_a1_admin, until=until, reason="Tự gia hạn")
    services.grant_extension(period, cast.school_a1, by=cast.commune_a_admin, until=until, reason="Mất điện cả tuần")
    submission = services.submit(period, cast.school_a1, by=cast.school_a1_admin)
    assert submission.version == 1 and not submission.late  # within the extension
    assert Notification.objects.filter(kind="reporting.extended", account=cast.school_a1_admin).exists()


def test_a_submission_after_the_deadline_counts_as_late(cast: Cast) -> None:
    students(cast)
    period = open_period(cast, days_left=0, opens_on=timezone.localdate() - dt.timedelta(days=30))
    ReportingPeriod.objects.filter(pk=period.pk).update(deadline=timezone.localdate() - dt.timedelta(days=1))
    period.refresh_from_db()
    submission = services.submit(period, cast.school_a1, by=cast.school_a1_admin)
    report = UnitReport.objects.get(period=period, unit=cast.school_a1)
    assert submission.late and report.on_time is False


def test_only_the_unit_itself_submits_with_the_submit_function(cast: Cast, period: ReportingPeriod) -> None:
    with pytest.raises(PermissionDenied, match="Chỉ tài khoản của chính"):
        services.submit(period, cast.school_a1, by=cast.commune_a_admin)
    with pytest.raises(PermissionDenied, match="Chốt số liệu báo cáo"):
        services.submit(period, cast.school_a1, by=cast.school_a1_user)  # holds view + enter students only
    assert not UnitReport.objects.filter(period=period).exists()


def test_blocking_problems_stop_the_submission_and_are_listed(cast: Cast) -> None:
    students(cast)
    period = open_period(cast, min_completeness=100)
    check = services.precheck(period, cast.school_a1)
    assert not check.passed and check.completeness is not None and check.completeness < 1
    assert any("ô bắt buộc" in blocker.message for blocker in check.blockers)
    with pytest.raises(ValidationError, match="Chưa chốt được số liệu"):
        services.submit(period, cast.school_a1, by=cast.school_a1_admin)
    assert not UnitReport.objects.filter(period=period).exists()  # nothing half-written


def test_a_manager_submits_its_rollup_only_with_all_units_approved_or_a_reason(
    cast: Cast, period: ReportingPeriod
) -> None:
    services.approve(services.submit(period, cast.school_a1, by=cast.school_a1_admin), by=cast.commune_a_admin)
    with pytest.raises(ValidationError) as missing:
        services.submit(period, cast.commune_a, by=cast.commune_a_admin)
    assert "Trường THCS Chu Văn An" in missing.value.message_dict["missing_note"][0]
    assert not UnitReport.objects.filter(period=period, unit=cast.commune_a).exists()
    rollup = services.submit(period, cast.commune_a, by=cast.commune_a_admin, missing_note="Trường đang sáp nhập")
    snap = rollup.snapshot
    assert [entry["code"] for entry in snap.rollup] == [cast.school_a1.code]
    assert snap.counts["student"] == 1  # the school's learner, rolled up
    assert UnitReport.objects.get(period=period, unit=cast.commune_a).missing_note == "Trường đang sáp nhập"
    # The commune's report goes to the Sở, which approves it.
    told = Notification.objects.filter(kind="reporting.submitted", account=cast.so_admin)
    assert told.exists()
    services.approve(rollup, by=cast.so_admin)


def test_a_correction_after_approval_opens_a_new_version_and_the_approved_one_stays(
    cast: Cast, period: ReportingPeriod
) -> None:
    first = services.submit(period, cast.school_a1, by=cast.school_a1_admin)
    services.approve(first, by=cast.commune_a_admin)
    with pytest.raises(ValidationError) as no_reason:
        services.request_correction(period, cast.school_a1, by=cast.school_a1_admin, reason="")
    assert "reason" in no_reason.value.message_dict
    correction = services.request_correction(
        period, cast.school_a1, by=cast.school_a1_admin, reason="Bổ sung 3 học sinh chuyển đến"
    )
    with pytest.raises(ValidationError, match="đang chờ"):
        services.request_correction(period, cast.school_a1, by=cast.school_a1_admin, reason="Lần nữa")
    with pytest.raises(ValidationError) as refused_without_answer:
        services.decide_correction(correction, by=cast.commune_a_admin, accept=False)
    assert "answer" in refused_without_answer.value.message_dict
    services.decide_correction(correction, by=cast.commune_a_admin, accept=True)
    report = UnitReport.objects.get(period=period, unit=cast.school_a1)
    assert report.state == ReportState.CORRECTING and report.approved_id == first.pk
    services.close_period(period, by=cast.so_admin)  # a correction accepted may still be submitted after closing
    second = services.submit(period, cast.school_a1, by=cast.school_a1_admin)
    report.refresh_from_db()
    assert report.approved_id == first.pk and report.latest_id == second.pk  # approved version stays
    services.approve(second, by=cast.commune_a_admin)
    report.refresh_from_db()
    assert report.approved_id == second.pk
    assert Correction.objects.get(pk=correction.pk).decision == Correction.Decision.ACCEPTED


def test_only_the_so_opens_edits_and_closes_periods(cast: Cast) -> None:
    today = timezone.localdate()
    with pytest.raises(PermissionDenied, match="Chỉ Sở"):
        services.open_adhoc(by=cast.commune_a_admin, title="X", opens_on=today, deadline=today, covers=EVERY_DATABASE)
    with pytest.raises(ValidationError) as bad:
        services.open_adhoc(
            by=cast.so_admin, title="", opens_on=today, deadline=today - dt.timedelta(days=1), covers=[]
        )
    assert set(bad.value.message_dict) == {"title", "deadline", "covers"}
    period = open_period(cast)
    assert Notification.objects.filter(kind="reporting.period.open", account=cast.school_b2_admin).exists()
    later = period.deadline + dt.timedelta(days=3)
    services.update_period(period, by=cast.so_admin, deadline=later)
    assert ReportingPeriod.objects.get(pk=period.pk).deadline == later
    assert AuditEntry.objects.get(action="reporting.period.update").changes["deadline"][1] == later.isoformat()
    with pytest.raises(PermissionDenied):
        services.close_period(period, by=cast.commune_a_admin)
    services.close_period(period, by=cast.so_admin)
    with pytest.raises(ValidationError, match="đã khóa sổ lúc"):
        services.close_period(period, by=cast.so_admin)


def test_reminders_go_to_units_that_have_not_submitted_once_per_day_before(
    cast: Cast, period: ReportingPeriod, settings: Any
) -> None:
    settings.EDUDB_REMINDER_DAYS = [10, 0]
    services.submit(period, cast.school_a1, by=cast.school_a1_admin)
    Notification.objects.all().delete()
    sent = services.send_reminders()
    reporting = set(services.unscoped_reporting_units().values_list("pk", flat=True))
    assert sent == len(reporting) - 1
    reminded = set(Notification.objects.filter(kind="reporting.reminder").values_list("account__unit_id", flat=True))
    assert cast.school_a1.pk not in reminded and cast.school_a2.pk in reminded
    assert "Còn 10 ngày" in Notification.objects.filter(kind="reporting.reminder").first().title  # type: ignore[union-attr]
    assert services.send_reminders() == 0  # once only
    assert Reminder.objects.filter(period=period).count() == sent
    # On the day itself:
    assert services.send_reminders(today=period.deadline) == len(reporting) - 1
    assert Notification.objects.filter(kind="reporting.reminder", title__startswith="Hôm nay là hạn chót").exists()


def test_notifications_are_mailed_where_an_smtp_server_is_configured(
    cast: Cast, period: ReportingPeriod, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.core import mail

    settings.EDUDB_EMAIL_NOTIFICATIONS = True
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    type(cast.commune_a_admin).objects.filter(pk=cast.commune_a_admin.pk).update(email="xa.honbang@example.vn")
    with django_capture_on_commit_callbacks(execute=True):
        submission = services.submit(period, cast.school_a1, by=cast.school_a1_admin)
    assert [m.to for m in mail.outbox] == [["xa.honbang@example.vn"]]  # commune_a.user has no address
    assert "Trường Tiểu học Lê Văn Tám đã chốt số liệu" in mail.outbox[0].subject
    assert f"/reporting/submissions/{submission.pk}/" in mail.outbox[0].body
    assert Notification.objects.get(account=cast.commune_a_admin, kind="reporting.submitted").emailed
    assert AuditEntry.objects.get(action="reporting.submit").action_label == "Chốt số liệu báo cáo"


def test_the_home_page_shows_the_open_periods_and_what_waits_for_review(cast: Cast, period: ReportingPeriod) -> None:
    from edudb.core.tests.clients import signed_in

    services.submit(period, cast.school_a1, by=cast.school_a1_admin)
    school = signed_in(cast.school_a2_admin).get("/").content.decode()
    assert period.title in school and "Chưa thực hiện" in school and "còn 10 ngày" in school
    assert "chờ bạn duyệt" not in school  # a school reviews nobody
    done = signed_in(cast.school_a1_admin).get("/").content.decode()
    assert "Đã chốt, chờ duyệt" in done and "còn 10 ngày" not in done
    commune = signed_in(cast.commune_a_user).get("/").content.decode()
    assert "1 báo cáo chờ bạn duyệt" in commune


def test_the_board_narrows_to_one_level_group_counts_and_rates_included(cast: Cast, period: ReportingPeriod) -> None:
    from edudb.core.tests.clients import api_client, signed_in
    from edudb.reporting import board

    services.submit(period, cast.school_b2, by=cast.school_b2_admin)  # the mầm non school
    everyone = board.build(period, cast.so_admin, cast.so)
    preschool = board.build(period, cast.so_admin, cast.so, level="mn")
    assert {row.unit.code for row in everyone.rows} >= {cast.school_a1.code, cast.thpt.code, cast.school_b2.code}
    # Preschool level: the mầm non school and the communes (which manage every preschool), not the others.
    assert {row.unit.code for row in preschool.rows} == {cast.school_b2.code, cast.commune_a.code, cast.commune_b.code}
    assert preschool.total == 3 and preschool.counts["on_time"] == 1
    commune_b = next(rate for rate in preschool.managers if rate.unit.pk == cast.commune_b.pk)
    assert (commune_b.expected, commune_b.on_time) == (1, 1)
    page = signed_in(cast.so_admin).get(f"/reporting/periods/{period.pk}/board/", {"level": "mn"}).content.decode()
    assert cast.school_b2.name in page and cast.school_a1.name not in page
    api = api_client(cast.so_admin)
    answer = api.get(f"/api/v1/reporting/periods/{period.pk}/board/", {"level": "mn"}).json()
    assert answer["total"] == 3 and {row["code"] for row in answer["rows"]} == {
        cast.school_b2.code,
        cast.commune_a.code,
        cast.commune_b.code,
    }
    assert api.get(f"/api/v1/reporting/periods/{period.pk}/board/", {"level": "m n"}).status_code == 400


def test_verify_snapshots_catches_data_rewritten_past_the_guard(cast: Cast, period: ReportingPeriod) -> None:
    """A tamper drill: someone with direct database access lifts the guard and rewrites a snapshot — with a checksum
    that matches the new data. The checksum the hash-chained audit trail recorded gives it away."""
    import hashlib
    import io
    import json
    import zlib

    from django.core.management import CommandError, call_command

    from edudb.core.guards import set_guards

    submission = services.submit(period, cast.school_a1, by=cast.school_a1_admin)
    out = io.StringIO()
    call_command("verify_snapshots", stdout=out)
    assert "toàn vẹn: 1 phiên bản" in out.getvalue()
    document = snapshots.thaw(submission.snapshot.data)
    document["records"]["student"] = []  # a learner made to vanish from the report
    forged = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    set_guards(False)
    Snapshot.objects.filter(pk=submission.pk).update(
        data=zlib.compress(forged), checksum=hashlib.sha256(forged).hexdigest()
    )
    set_guards(True)
    errors = io.StringIO()
    with pytest.raises(CommandError, match="không toàn vẹn: 1 lỗi"):
        call_command("verify_snapshots", stdout=io.StringIO(), stderr=errors)
    assert f"#{submission.pk}" in errors.getvalue() and "khác với nhật ký" in errors.getvalue()
    set_guards(False)
    Snapshot.objects.filter(pk=submission.pk).update(checksum=submission.snapshot.checksum)  # data ≠ checksum now
    set_guards(True)
    with pytest.raises(CommandError):
        call_command("verify_snapshots", stdout=io.StringIO(), stderr=(errors := io.StringIO()))
    assert "không khớp mã kiểm tra" in errors.getvalue()
