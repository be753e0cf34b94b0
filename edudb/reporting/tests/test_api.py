"""The reporting cycle through /api/v1/ (R7.1–R7.3): submit, review, board, periods, extensions, corrections and
notifications — the same services as the pages, every refusal a clear Vietnamese answer that changes nothing."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import Cast
from edudb.core.models import AuditEntry, Notification
from edudb.core.tests.factories import AccountFactory, UnitFactory
from edudb.registry.tests.contract_routes_students import students
from edudb.reporting import services
from edudb.reporting.models import (
    Correction,
    Extension,
    ReportingPeriod,
    ReportState,
    Submission,
    UnitReport,
)
from edudb.reporting.tests.contract_routes_api import submissions

SUBMISSIONS = "/api/v1/reporting/submissions/"
PERIODS = "/api/v1/reporting/periods/"


def open_period(cast: Cast, *, title: str = "Báo cáo nhanh số liệu học sinh", days_left: int = 10) -> ReportingPeriod:
    today = timezone.localdate()
    return services.open_adhoc(
        by=cast.so_admin,
        title=title,
        opens_on=today - dt.timedelta(days=5),
        deadline=today + dt.timedelta(days=days_left),
        covers=["students"],
        min_completeness=0,
    )


@pytest.fixture
def period(cast: Cast) -> ReportingPeriod:
    students(cast)
    return open_period(cast)


def api_client(account: Any) -> Client:
    """A client with the account's API token (one token per account: the same one for every client)."""
    from rest_framework.authtoken.models import Token

    token, _created = Token.objects.get_or_create(user=account)
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}")


def post(client: Client, url: str, body: dict[str, Any] | None = None, **headers: Any) -> Any:
    return client.post(url, body or {}, content_type="application/json", **headers)


def submit(client: Client, period: ReportingPeriod, headers: dict[str, str] | None = None, **body: Any) -> Any:
    return post(client, SUBMISSIONS, {"period": period.pk, **body}, **(headers or {}))


def versions(period: ReportingPeriod, unit: Any) -> list[int]:
    return list(
        Submission.objects.filter(report__period=period, report__unit=unit)
        .order_by("version")
        .values_list("version", flat=True)
    )


# --- Submitting ------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_school_admin_submits_its_own_unit_and_a_second_submit_is_refused(
    cast: Cast, period: ReportingPeriod
) -> None:
    client = api_client(cast.school_a1_admin)
    answer = submit(client, period, note="Số liệu đầu kỳ")
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["version"] == 1 and body["unit"] == cast.school_a1.pk and body["review"] == "pending"
    assert body["note"] == "Số liệu đầu kỳ" and body["late"] is False
    facts = body["snapshot"]
    assert facts["unit_name"] == cast.school_a1.name and facts["parent_name"] == cast.commune_a.name
    assert facts["counts"] == {"student": 1} and facts["verified"] is True and len(facts["checksum"]) == 64
    assert "data" not in facts and "total" in facts["scorecard"]

    again = submit(client, period)
    assert again.status_code == 400
    assert "đã chốt" in again.json()["detail"] and "Phường Hồng Bàng" in again.json()["detail"]
    assert versions(period, cast.school_a1) == [1]


@pytest.mark.django_db
def test_a_retried_submit_with_the_same_idempotency_key_lands_once(cast: Cast, period: ReportingPeriod) -> None:
    client = api_client(cast.school_a1_admin)
    first = submit(client, period, headers={"HTTP_IDEMPOTENCY_KEY": "chot-1"})
    retried = post(client, SUBMISSIONS, {"period": period.pk}, HTTP_IDEMPOTENCY_KEY="chot-1")
    assert first.status_code == retried.status_code == 201
    assert retried.json()["id"] == first.json()["id"]
    assert versions(period, cast.school_a1) == [1]


@pytest.mark.django_db
def test_submit_refusals_say_why(cast: Cast, period: ReportingPeriod) -> None:
    viewer = api_client(cast.school_a2_user)  # view only: no "submit" function
    refused = submit(viewer, period)
    assert refused.status_code == 403 and "Chốt số liệu báo cáo" in refused.json()["detail"]
    unknown = post(api_client(cast.school_a1_admin), SUBMISSIONS, {"period": 10**9})
    assert unknown.status_code == 400 and "kỳ báo cáo" in unknown.json()["period"][0]
    manager = submit(api_client(cast.commune_a_admin), period)
    assert manager.status_code == 400 and "giải trình" in manager.json()["missing_note"][0]
    assert not Submission.objects.filter(report__period=period).exists()

    services.close_period(period, by=cast.so_admin)
    closed = submit(api_client(cast.school_a1_admin), period)
    assert closed.status_code == 400 and "khóa sổ" in closed.json()["detail"]
    assert "gia hạn" in closed.json()["detail"]
    assert not Submission.objects.filter(report__period=period).exists()


# --- Review ----------------------------------------------------------------------------------------------------------


@pytest.fixture
def submitted(cast: Cast, period: ReportingPeriod) -> Submission:
    return services.submit(period, cast.school_a1, by=cast.school_a1_admin)


@pytest.mark.django_db
def test_the_commune_reviewer_approves(cast: Cast, submitted: Submission) -> None:
    answer = post(api_client(cast.commune_a_user), f"{SUBMISSIONS}{submitted.pk}/approve/", {"comment": "Đạt"})
    assert answer.status_code == 200, answer.content
    assert answer.json()["review"] == "approved" and answer.json()["reason"] == "Đạt"
    report = UnitReport.objects.get(pk=submitted.report_id)
    assert report.state == ReportState.APPROVED and report.approved_id == submitted.pk
    assert Notification.objects.filter(account=cast.school_a1_admin, kind="reporting.approved").exists()
    twice = post(api_client(cast.commune_a_admin), f"{SUBMISSIONS}{submitted.pk}/approve/")
    assert twice.status_code == 400 and "không còn chờ duyệt" in twice.json()["detail"]


@pytest.mark.django_db
def test_approving_ones_own_unit_is_forbidden_and_out_of_scope_is_not_found(cast: Cast, submitted: Submission) -> None:
    audit_before = AuditEntry.objects.count()
    own = post(api_client(cast.school_a1_admin), f"{SUBMISSIONS}{submitted.pk}/approve/")
    assert own.status_code == 403 and "chính đơn vị mình" in own.json()["detail"]
    stranger = post(api_client(cast.commune_b_admin), f"{SUBMISSIONS}{submitted.pk}/approve/")
    assert stranger.status_code == 404 and stranger.json() == {"detail": "Không tìm thấy dữ liệu."}
    assert (
        post(api_client(cast.commune_b_admin), f"{SUBMISSIONS}{submitted.pk}/return/", {"reason": "x"}).status_code
        == 404
    )
    submitted.refresh_from_db()
    assert submitted.review == Submission.Review.PENDING and AuditEntry.objects.count() == audit_before


@pytest.mark.django_db
def test_a_return_needs_a_reason_then_the_new_version_shows_its_difference(
    cast: Cast, period: ReportingPeriod, submitted: Submission
) -> None:
    reviewer = api_client(cast.commune_a_admin)
    bare = post(reviewer, f"{SUBMISSIONS}{submitted.pk}/return/", {"reason": "  "})
    assert bare.status_code == 400 and "lý do" in bare.json()["reason"][0]
    submitted.refresh_from_db()
    assert submitted.review == Submission.Review.PENDING

    returned = post(reviewer, f"{SUBMISSIONS}{submitted.pk}/return/", {"reason": "Thiếu học sinh lớp 1"})
    assert returned.status_code == 200 and returned.json()["review"] == "returned"
    assert Notification.objects.filter(account=cast.school_a1_admin, kind="reporting.returned").exists()

    learner = dict(students(cast))["school_a1"]
    learner.full_name = "Phạm Văn Đã Sửa"
    learner.save()
    school = api_client(cast.school_a1_admin)
    second = submit(school, period)
    assert second.status_code == 201 and second.json()["version"] == 2
    diff = school.get(f"{SUBMISSIONS}{second.json()['id']}/difference/")
    assert diff.status_code == 200, diff.content
    body = diff.json()
    assert body["against"] == submitted.pk and body["against_version"] == 1
    students_diff = next(t for t in body["targets"] if t["target"] == "student")
    assert students_diff["changed_count"] == 1
    (record,) = students_diff["changed"]
    assert record["record"] == "Phạm Văn Đã Sửa"
    assert any(f["new"] == "Phạm Văn Đã Sửa" for f in record["changes"])
    first_version = school.get(f"{SUBMISSIONS}{submitted.pk}/difference/")
    assert first_version.status_code == 400 and "phiên bản đầu tiên" in first_version.json()["against"][0]
    assert school.get(f"{SUBMISSIONS}{submitted.pk}/difference/?against=abc").status_code == 400


@pytest.mark.django_db
def test_submission_lists_filter_and_show_what_waits_for_me(cast: Cast, submitted: Submission) -> None:
    reviewer = api_client(cast.commune_a_user)
    waiting = reviewer.get(f"{SUBMISSIONS}?pending=true").json()
    assert [row["id"] for row in waiting["results"]] == [submitted.pk]
    assert api_client(cast.school_a1_admin).get(f"{SUBMISSIONS}?pending=true").json()["count"] == 0
    assert api_client(cast.commune_b_admin).get(SUBMISSIONS).json()["count"] == 0
    mine = api_client(cast.school_a1_admin).get(f"{SUBMISSIONS}?unit={cast.school_a1.pk}&review=pending").json()
    assert mine["count"] == 1 and "snapshot" not in mine["results"][0]
    detail = reviewer.get(f"{SUBMISSIONS}{submitted.pk}/").json()
    assert detail["snapshot"]["verified"] is True and "data" not in detail["snapshot"]
    reports = reviewer.get(f"/api/v1/reporting/reports/?period={submitted.report.period_id}").json()
    assert [(r["unit"], r["state"], r["latest_submission"]) for r in reports["results"]] == [
        (cast.school_a1.pk, "submitted", submitted.pk)
    ]
    assert reviewer.get(f"{SUBMISSIONS}?review=nonsense").status_code == 400


# --- The board -------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_board_counts_states_under_the_unit(cast: Cast, period: ReportingPeriod, submitted: Submission) -> None:
    board = api_client(cast.commune_a_admin).get(f"{PERIODS}{period.pk}/board/")
    assert board.status_code == 200, board.content
    body = board.json()
    assert body["unit"]["id"] == cast.commune_a.pk and body["period"]["id"] == period.pk
    assert body["total"] == 3 and body["on_time"] == 1 and body["count"] == 3
    assert body["counts"]["on_time"] == 1
    assert sum(body["counts"].values()) == 3
    rows = {row["code"]: row for row in body["rows"]}
    assert set(rows) == {cast.commune_a.code, cast.school_a1.code, cast.school_a2.code}
    row = rows[cast.school_a1.code]
    assert row["state"] == "on_time" and row["versions"] == 1 and row["on_time"] is True
    assert row["parent_name"] == cast.commune_a.name and row["latest_submission"] == submitted.pk
    assert row["late"] is False and row["overdue"] is False

    city = api_client(cast.so_admin).get(f"{PERIODS}{period.pk}/board/").json()
    assert city["unit"]["id"] == cast.so.pk and city["total"] == 7
    managers = {m["unit"]["code"]: m for m in city["managers"]}
    assert managers[cast.commune_a.code]["expected"] == 2 and managers[cast.commune_a.code]["on_time"] == 1
    assert managers[cast.commune_a.code]["on_time_rate"] == 0.5
    only = api_client(cast.so_admin).get(f"{PERIODS}{period.pk}/board/?state=on_time&unit={cast.commune_a.pk}")
    assert [row["code"] for row in only.json()["rows"]] == [cast.school_a1.code]
    assert only.json()["count"] == 1 and only.json()["total"] == 3
    named = api_client(cast.so_admin).get(f"{PERIODS}{period.pk}/board/", {"q": "chu van an"}).json()
    assert [row["code"] for row in named["rows"]] == [cast.school_a2.code]
    assert api_client(cast.so_admin).get(f"{PERIODS}{period.pk}/board/?late=true").json()["count"] == 0

    office = api_client(cast.office_th_user).get(f"{PERIODS}{period.pk}/board/").json()
    assert office["unit"]["id"] == cast.so.pk
    assert {row["code"] for row in office["rows"]} == {
        cast.units[name].code for name in ("commune_a", "commune_b", "school_a1", "school_b1")
    }
    outside = api_client(cast.commune_b_admin).get(f"{PERIODS}{period.pk}/board/?unit={cast.commune_a.pk}")
    assert outside.status_code == 404
    assert api_client(cast.so_admin).get(f"{PERIODS}{period.pk}/board/?state=bogus").status_code == 400


@pytest.mark.django_db
def test_an_overdue_unit_is_late_on_the_board(cast: Cast) -> None:
    today = timezone.localdate()
    period = services.open_adhoc(
        by=cast.so_admin,
        title="Báo cáo đã quá hạn",
        opens_on=today - dt.timedelta(days=10),
        deadline=today - dt.timedelta(days=1),
        covers=["students"],
        min_completeness=0,
    )
    body = api_client(cast.commune_a_admin).get(f"{PERIODS}{period.pk}/board/?late=true").json()
    assert body["count"] == 3 and all(row["overdue"] and row["late"] for row in body["rows"])


# --- Periods ---------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_only_the_so_opens_edits_and_closes_periods(cast: Cast) -> None:
    today = timezone.localdate()
    body = {
        "title": "Báo cáo  nhanh số lớp",
        "opens_on": today.isoformat(),
        "deadline": (today + dt.timedelta(days=7)).isoformat(),
        "covers": ["classes"],
    }
    commune = api_client(cast.commune_a_admin)
    refused = post(commune, PERIODS, body)
    assert refused.status_code == 403 and "Sở Giáo dục" in refused.json()["detail"]
    so = api_client(cast.so_admin)
    made = post(so, PERIODS, body)
    assert made.status_code == 201, made.content
    period = made.json()
    assert period["kind"] == "adhoc" and period["covers"] == ["classes"] and period["is_open"] is True
    assert period["title"] == "Báo cáo nhanh số lớp"  # normalised: one space
    assert Notification.objects.filter(account=cast.school_a1_admin, kind="reporting.period.open").exists()
    url = f"{PERIODS}{period['id']}/"

    backwards = so.patch(url, {"deadline": (today - dt.timedelta(days=3)).isoformat()}, content_type="application/json")
    assert backwards.status_code == 400 and "Hạn chót" in backwards.json()["deadline"][0]
    later = (today + dt.timedelta(days=20)).isoformat()
    assert commune.patch(url, {"deadline": later}, content_type="application/json").status_code == 403
    moved = so.patch(url, {"deadline": later}, content_type="application/json")
    assert moved.status_code == 200 and moved.json()["deadline"] == later and moved.json()["covers"] == ["classes"]

    assert post(commune, f"{url}close/").status_code == 403
    closed = post(so, f"{url}close/")
    assert closed.status_code == 200 and closed.json()["closed_at"] and closed.json()["is_open"] is False
    again = post(so, f"{url}close/")
    assert again.status_code == 400 and "đã khóa sổ" in again.json()["detail"]

    listed = commune.get(f"{PERIODS}?kind=adhoc&open=false").json()
    assert period["id"] in [row["id"] for row in listed["results"]]
    assert period["id"] not in [row["id"] for row in commune.get(f"{PERIODS}?open=true").json()["results"]]
    assert post(so, PERIODS, {**body, "covers": []}).json()["covers"][0].startswith("Hãy chọn")


# --- Extensions and corrections --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_manager_grants_an_extension_with_a_reason(cast: Cast, period: ReportingPeriod) -> None:
    url = "/api/v1/reporting/extensions/"
    until = (period.deadline + dt.timedelta(days=5)).isoformat()
    body = {"period": period.pk, "unit": cast.school_a2.pk, "until": until, "reason": "Trường bị ngập"}
    assert post(api_client(cast.school_a2_admin), url, body).status_code == 403
    assert post(api_client(cast.commune_b_admin), url, body).json() == {
        "unit": ["Không có đơn vị này trong phạm vi quản lý của bạn."]
    }
    bare = post(api_client(cast.commune_a_admin), url, {**body, "reason": "", "until": None})
    assert bare.status_code == 400 and set(bare.json()) == {"until", "reason"}
    granted = post(api_client(cast.commune_a_admin), url, body)
    assert granted.status_code == 201, granted.content
    assert granted.json()["until"] == until and granted.json()["unit"] == cast.school_a2.pk
    assert str(UnitReport.objects.get(period=period, unit=cast.school_a2).extended_until) == until
    assert api_client(cast.school_a2_admin).get(url).json()["count"] == 1
    assert api_client(cast.school_a1_admin).get(url).json()["count"] == 0
    board = api_client(cast.commune_a_admin).get(f"{PERIODS}{period.pk}/board/").json()
    assert board["extensions"] == 1


@pytest.mark.django_db
def test_a_correction_after_approval_is_requested_and_decided(
    cast: Cast, period: ReportingPeriod, submitted: Submission
) -> None:
    url = "/api/v1/reporting/corrections/"
    school = api_client(cast.school_a1_admin)
    early = post(school, url, {"period": period.pk, "reason": "Sai sĩ số"})
    assert early.status_code == 400 and "đã được duyệt" in early.json()["detail"]
    services.approve(submitted, by=cast.commune_a_admin)
    assert post(school, url, {"period": period.pk}).json()["reason"][0].startswith("Hãy ghi")
    asked = post(school, url, {"period": period.pk, "reason": "Sai sĩ số"})
    assert asked.status_code == 201, asked.content
    correction = asked.json()
    assert correction["decision"] == "pending" and correction["unit"] == cast.school_a1.pk
    decide = f"{url}{correction['id']}/decide/"
    assert post(school, decide, {"accept": True}).status_code == 403
    assert post(api_client(cast.commune_b_admin), decide, {"accept": True}).status_code == 404
    refused_blank = post(api_client(cast.commune_a_admin), decide, {"accept": False})
    assert refused_blank.status_code == 400 and "answer" in refused_blank.json()
    assert post(api_client(cast.commune_a_admin), decide, {}).status_code == 400
    accepted = post(api_client(cast.commune_a_admin), decide, {"accept": True, "answer": "Đồng ý"})
    assert accepted.status_code == 200 and accepted.json()["decision"] == "accepted"
    assert UnitReport.objects.get(pk=submitted.report_id).state == ReportState.CORRECTING
    assert api_client(cast.commune_a_user).get(f"{url}?decision=accepted").json()["count"] == 1


# --- Notifications ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_notifications_are_the_accounts_own(cast: Cast) -> None:
    mine = [
        Notification.objects.create(account=cast.school_a1_admin, kind="test", title=f"Thông báo {n}") for n in range(3)
    ]
    theirs = Notification.objects.create(account=cast.school_a1_user, kind="test", title="Của người khác")
    client = api_client(cast.school_a1_admin)
    listed = client.get("/api/v1/notifications/").json()
    assert sorted(row["id"] for row in listed["results"]) == sorted(n.pk for n in mine)
    assert post(client, f"/api/v1/notifications/{theirs.pk}/read/").status_code == 404
    read = post(client, f"/api/v1/notifications/{mine[0].pk}/read/")
    assert read.status_code == 200 and read.json()["is_read"] is True and read.json()["read_at"]
    assert client.get("/api/v1/notifications/?unread=true").json()["count"] == 2
    marked = post(client, "/api/v1/notifications/read-all/")
    assert marked.json() == {"marked": 2}
    assert client.get("/api/v1/notifications/?unread=true").json()["count"] == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None


# --- Query counts and the schema -------------------------------------------------------------------------------------

LISTS = [
    PERIODS,
    "/api/v1/reporting/reports/",
    SUBMISSIONS,
    f"{SUBMISSIONS}?pending=true",
    "/api/v1/reporting/extensions/",
    "/api/v1/reporting/corrections/",
    "/api/v1/notifications/",
    "board",
]


def grow(cast: Cast, period: ReportingPeriod, n: int) -> None:
    """n more schools under commune A, each with a submitted report, an extension, a correction, a notification."""
    now = timezone.now()
    for i in range(n):
        school = UnitFactory.create(name=f"Trường Tiểu học Thêm {i}", parent=cast.commune_a, kind="tieu_hoc")
        clerk = AccountFactory.create(unit=school, functions=["view", "submit"])
        report = UnitReport.objects.create(
            period=period, unit=school, state=ReportState.APPROVED, versions=1, first_submitted_at=now, on_time=True
        )
        submission = Submission.objects.create(report=report, version=1, submitted_at=now, submitted_by=clerk)
        UnitReport.objects.filter(pk=report.pk).update(latest=submission, approved=submission)
        Extension.objects.create(
            report=report,
            until=period.deadline + dt.timedelta(days=3),
            reason="Lý do",
            granted_at=now,
            granted_by=clerk,
        )
        Correction.objects.create(report=report, reason="Sửa", requested_at=now, requested_by=clerk)
        Notification.objects.create(account=cast.so_admin, kind="test", title=f"Thông báo {i}")
        open_period(cast, title=f"Kỳ thêm {period.pk}-{i}")


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.content)
    return len(ctx.captured_queries)


@pytest.mark.django_db
@pytest.mark.parametrize("url", LISTS)
def test_list_endpoints_do_not_grow_queries_with_rows(cast: Cast, period: ReportingPeriod, url: str) -> None:
    target = f"{PERIODS}{period.pk}/board/" if url == "board" else url
    client = api_client(cast.so_admin)
    grow(cast, period, 2)
    small = count_queries(client, target)
    grow(cast, period, 12)
    large = count_queries(client, target)
    assert large == small, f"{target}: {small} queries, then {large} with 12 more schools"


@pytest.mark.django_db
def test_answers_with_data_match_the_published_schema(cast: Cast, period: ReportingPeriod) -> None:
    """Schemathesis (test_api_schema.py) meets mostly empty tables: here every answer carries data."""
    import schemathesis
    from django.core import signals
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections
    from rest_framework.authtoken.models import Token
    from schemathesis.checks import ignored_auth

    raw = json.loads(Client().get("/api/v1/schema/", {"format": "json"}, HTTP_AUTHORIZATION=token_of(cast)).content)
    schema = schemathesis.from_dict(raw, app=get_wsgi_application(), base_url="")
    submission = dict(submissions(cast))["school_b2"]  # its second version, waiting for review
    extension_client = api_client(cast.commune_b_admin)
    post(
        extension_client,
        "/api/v1/reporting/extensions/",
        {
            "period": period.pk,
            "unit": cast.school_b1.pk,
            "until": str(period.deadline + dt.timedelta(days=2)),
            "reason": "Mưa bão",
        },
    )
    Notification.objects.create(account=cast.commune_b_admin, kind="test", title="Thông báo", unit=cast.school_b1)
    cases: list[tuple[str, str, dict[str, Any], dict[str, Any]]] = [
        ("/api/v1/reporting/periods/", "GET", {}, {}),
        ("/api/v1/reporting/periods/{id}/", "GET", {"id": submission.report.period_id}, {}),
        ("/api/v1/reporting/periods/{id}/board/", "GET", {"id": submission.report.period_id}, {}),
        ("/api/v1/reporting/reports/", "GET", {}, {}),
        ("/api/v1/reporting/reports/{id}/", "GET", {"id": submission.report_id}, {}),
        ("/api/v1/reporting/submissions/", "GET", {}, {}),
        ("/api/v1/reporting/submissions/{id}/", "GET", {"id": submission.pk}, {}),
        ("/api/v1/reporting/submissions/{id}/difference/", "GET", {"id": submission.pk}, {}),
        ("/api/v1/reporting/extensions/", "GET", {}, {}),
        ("/api/v1/reporting/corrections/", "GET", {}, {}),
        ("/api/v1/notifications/", "GET", {}, {}),
        ("/api/v1/reporting/submissions/{id}/approve/", "POST", {"id": submission.pk}, {"comment": "Đạt"}),
    ]
    token = str(Token.objects.get_or_create(user=cast.commune_b_admin)[0].key)
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        for path, method, parameters, body in cases:
            operation = schema[path][method]
            sent: dict[str, Any] = {"body": body, "media_type": "application/json"} if body else {}
            case = operation.make_case(path_parameters=parameters or None, **sent)
            response = case.call(headers={"Authorization": f"Token {token}"})
            assert response.status_code == 200, (path, response.text)
            case.validate_response(response, excluded_checks=(ignored_auth,))  # as test_api_schema.py
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def token_of(cast: Cast) -> str:
    from rest_framework.authtoken.models import Token

    return f"Token {Token.objects.get_or_create(user=cast.so_admin)[0].key}"
