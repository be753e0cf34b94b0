"""The incident workflow as services: report, triage, work, resolve, close, reopen; the security clocks and reports;
screenshots checked by content; extensions granted from an incident; the helpers other apps call."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from conftest import Cast
from edudb.core.models import AuditEntry, Notification
from edudb.core.tests.factories import AccountFactory
from edudb.incidents import clocks, services
from edudb.incidents.models import Incident, IncidentEvent, IncidentState, Screenshot, SecurityReport
from edudb.incidents.tests.helpers import EXE_BYTES, image_bytes, quick_report, upload
from edudb.incidents.uploads import MAX_BYTES, MAX_PER_INCIDENT
from edudb.reporting import services as reporting
from edudb.reporting.models import Extension, UnitReport

pytestmark = pytest.mark.django_db


def actions(incident: Incident) -> list[str]:
    return list(
        AuditEntry.objects.filter(object_type="incidents.incident", object_id=str(incident.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_the_whole_flow_is_on_the_timeline_and_in_the_audit_trail(cast: Cast) -> None:
    incident = quick_report(cast.school_a1_user, screenshots=[upload(), upload("b.jpg", fmt="JPEG")])
    year = timezone.now().year
    assert incident.number == f"SC-{year}-0001"
    assert incident.unit == cast.school_a1 and incident.state == IncidentState.REPORTED
    assert incident.screenshots.count() == 2
    assert sorted(incident.screenshots.values_list("content_type", flat=True)) == ["image/jpeg", "image/png"]
    # The Sở's handlers hear of it at once.
    assert Notification.objects.filter(account=cast.so_admin, kind="incidents.reported").exists()

    services.triage(incident, by=cast.so_admin, severity="high", is_security=False, assignee=cast.so_admin)
    incident.refresh_from_db()
    assert incident.state == IncidentState.TRIAGED and incident.severity == "high"
    assert incident.assignee == cast.so_admin and incident.triaged_at is not None
    services.start(incident, by=cast.so_admin)
    services.comment(incident, by=cast.school_a1_user, text="Vẫn lỗi lúc 9 giờ.")
    services.resolve(incident, by=cast.so_admin, resolution="Đã tăng bộ nhớ máy chủ.")
    incident.refresh_from_db()
    assert incident.state == IncidentState.RESOLVED and incident.resolution == "Đã tăng bộ nhớ máy chủ."
    # The reporting unit hears it was resolved.
    assert Notification.objects.filter(account=cast.school_a1_user, kind="incidents.resolve").exists()
    services.reopen(incident, by=cast.school_a1_user, reason="Sáng nay lại chậm.")
    incident.refresh_from_db()
    assert incident.state == IncidentState.IN_PROGRESS and incident.resolved_at is None
    services.resolve(incident, by=cast.so_admin, resolution="Đã sửa chỉ mục cơ sở dữ liệu.")
    services.close(incident, by=cast.school_a1_user)
    incident.refresh_from_db()
    assert incident.state == IncidentState.CLOSED and incident.closed_at is not None

    kinds = list(incident.events.values_list("kind", "to_state"))
    assert kinds == [
        ("reported", "reported"),
        ("triage", "triaged"),
        ("state", "in_progress"),
        ("comment", ""),
        ("state", "resolved"),
        ("state", "in_progress"),
        ("state", "resolved"),
        ("state", "closed"),
    ]
    assert actions(incident) == [
        "incidents.report",
        "incidents.triage",
        "incidents.start",
        "incidents.comment",
        "incidents.resolve",
        "incidents.reopen",
        "incidents.resolve",
        "incidents.close",
    ]


def test_numbers_run_per_year(cast: Cast) -> None:
    first = quick_report(cast.school_a1_user)
    second = quick_report(cast.school_b1_user)
    last_year = quick_report(cast.thpt_user, now=timezone.now() - dt.timedelta(days=400))
    assert second.sequence == first.sequence + 1
    assert last_year.number.endswith("-0001") and last_year.year == first.year - 1


@pytest.mark.parametrize("role", ["school_a1_user", "commune_a_admin", "office_th_user", "thpt_admin"])
def test_only_the_so_triages_resolves_and_records_reports(cast: Cast, role: str) -> None:
    incident = quick_report(cast.school_a1_user, category="security", severity="high")
    before = AuditEntry.objects.count()
    actor = cast.accounts[role]
    with pytest.raises(PermissionDenied, match="Sở Giáo dục và Đào tạo"):
        services.triage(incident, by=actor, severity="low", is_security=False, assignee=cast.so_admin)
    with pytest.raises(PermissionDenied):
        services.resolve(incident, by=actor, resolution="x")
    with pytest.raises(PermissionDenied):
        services.record_security_report(
            incident, by=actor, kind="initial", made_at=timezone.now(), recipient="A05", document_number="1/BC"
        )
    assert AuditEntry.objects.count() == before
    incident.refresh_from_db()
    assert incident.state == IncidentState.REPORTED


def test_bad_input_names_the_field_and_writes_nothing(cast: Cast) -> None:
    with pytest.raises(ValidationError) as caught:
        services.report(by=cast.school_a1_user, category="nope", severity="", title=" ", description="")
    assert set(caught.value.message_dict) == {"category", "severity", "title", "description"}
    later = timezone.now() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        quick_report(cast.school_a1_user, detected_at=later)
    assert "detected_at" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        quick_report(cast.school_a1_user, detected_at=dt.datetime(1911, 1, 1, tzinfo=dt.UTC))
    assert "quá xa trong quá khứ" in caught.value.message_dict["detected_at"][0]
    # An affected unit outside the account's reach.
    with pytest.raises(ValidationError) as caught:
        quick_report(cast.school_a1_user, affected_units=[cast.school_b1])
    assert cast.school_b1.name in caught.value.message_dict["affected_units"][0]
    assert not Incident.objects.exists() and not AuditEntry.objects.filter(action="incidents.report").exists()


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("virus.png", EXE_BYTES, "không phải ảnh PNG, JPEG hoặc WebP"),
        ("rong.png", b"", "rỗng"),
        # PNG magic bytes, then garbage: Pillow refuses it.
        ("hong.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 300, "không phải ảnh"),
        # A JPEG named .png, fine: the type comes from the content.
    ],
)
def test_uploads_are_checked_by_content(cast: Cast, name: str, content: bytes, words: str) -> None:
    with pytest.raises(ValidationError) as caught:
        quick_report(cast.school_a1_user, screenshots=[upload(name, content)])
    assert words in caught.value.message_dict["screenshots"][0]
    assert name in caught.value.message_dict["screenshots"][0]
    assert not Incident.objects.exists() and not Screenshot.objects.exists()


def test_a_jpeg_named_png_is_stored_as_a_jpeg_under_a_new_name(cast: Cast) -> None:
    incident = quick_report(cast.school_a1_user, screenshots=[upload("anh.png", image_bytes("JPEG"))])
    shot = incident.screenshots.get()
    assert shot.content_type == "image/jpeg" and shot.file.name.endswith(".jpg")
    assert "anh" not in shot.file.name and shot.original_name == "anh.png"
    webp = services.add_screenshots(incident, by=cast.school_a1_user, uploads=[upload("w.webp", image_bytes("WEBP"))])
    assert webp[0].content_type == "image/webp"


def test_too_large_and_too_many_screenshots_are_refused(cast: Cast) -> None:
    big = upload("to.png", image_bytes() + b"\x00" * (MAX_BYTES + 1))
    with pytest.raises(ValidationError) as caught:
        quick_report(cast.school_a1_user, screenshots=[big])
    assert "quá giới hạn 5 MB" in caught.value.message_dict["screenshots"][0]
    incident = quick_report(cast.school_a1_user, screenshots=[upload() for _ in range(MAX_PER_INCIDENT)])
    with pytest.raises(ValidationError) as caught:
        services.add_screenshots(incident, by=cast.school_a1_user, uploads=[upload()])
    assert f"tối đa {MAX_PER_INCIDENT} ảnh" in caught.value.message_dict["screenshots"][0]
    assert incident.screenshots.count() == MAX_PER_INCIDENT


def test_a_security_incident_alerts_the_so_at_once_with_the_24_hour_clock(cast: Cast) -> None:
    detected = timezone.now() - dt.timedelta(hours=2)
    incident = quick_report(cast.school_a2_admin, category="security", severity="critical", detected_at=detected)
    assert incident.is_security
    alert = Notification.objects.get(account=cast.so_admin, kind="incidents.security")
    assert incident.number in alert.title and "24 giờ" in alert.body
    # Only the Sở's handlers: not the commune, not the offices.
    assert not Notification.objects.filter(kind="incidents.security").exclude(account=cast.so_admin).exists()


def test_the_clocks_count_down_then_show_how_late(cast: Cast) -> None:
    detected = timezone.now()
    incident = quick_report(cast.school_a1_user, category="security", severity="high", detected_at=detected)
    early = clocks.clocks(incident, detected + dt.timedelta(hours=18, minutes=48))
    assert [c.text for c in early] == ["Còn 5 giờ 12 phút", "Còn 2 ngày 5 giờ"]
    assert early[0].tone == "warn" and early[1].tone == ""
    late = clocks.clocks(incident, detected + dt.timedelta(hours=27))
    assert late[0].text == "Quá hạn 3 giờ" and late[0].tone == "qerror" and late[0].overdue
    # Recording the initial report stops its clock; the full report's keeps running.
    services.record_security_report(
        incident,
        by=cast.so_admin,
        kind="initial",
        made_at=detected + dt.timedelta(hours=20),
        recipient="Cục A05 – Bộ Công an",
        document_number="125/BC-SGDĐT",
        now=detected + dt.timedelta(hours=27),
    )
    incident.refresh_from_db()
    after = clocks.clocks(incident, detected + dt.timedelta(hours=27))
    assert after[0].text == "Đã báo cáo đúng hạn" and after[1].text == "Còn 1 ngày 21 giờ"
    made = SecurityReport.objects.get(incident=incident)
    assert (made.made_by, made.recipient, made.document_number) == (
        cast.so_admin,
        "Cục A05 – Bộ Công an",
        "125/BC-SGDĐT",
    )
    assert "incidents.security_report" in actions(incident)
    with pytest.raises(ValidationError) as caught:
        services.record_security_report(
            incident, by=cast.so_admin, kind="initial", made_at=timezone.now(), recipient="A05", document_number="2"
        )
    assert "kind" in caught.value.message_dict
    # An ordinary incident has no clocks and takes no security report.
    plain = quick_report(cast.school_a1_user)
    assert clocks.clocks(plain, timezone.now()) == []
    with pytest.raises(ValidationError, match="không được đánh dấu"):
        services.record_security_report(
            plain, by=cast.so_admin, kind="initial", made_at=timezone.now(), recipient="A05", document_number="3"
        )


def test_the_so_may_flag_security_at_triage(cast: Cast) -> None:
    incident = quick_report(cast.thpt_user, category="data")
    assert not incident.is_security
    services.triage(incident, by=cast.so_admin, severity="critical", is_security=True, assignee=cast.so_admin)
    incident.refresh_from_db()
    assert incident.is_security and len(clocks.clocks(incident, timezone.now())) == 2


@given(minutes=st.integers(min_value=0, max_value=10 * 24 * 60))
def test_a_clock_says_left_until_due_and_late_after(minutes: int) -> None:
    start = dt.datetime(2026, 11, 1, 8, 0, tzinfo=dt.UTC)
    incident = Incident(is_security=True, detected_at=start)
    now = start + dt.timedelta(minutes=minutes)
    initial, full = clocks.clocks(incident, now)
    for clock, hours in ((initial, clocks.INITIAL_REPORT_HOURS), (full, clocks.FULL_REPORT_HOURS)):
        assert clock.due == start + dt.timedelta(hours=hours)
        if minutes <= hours * 60:
            assert clock.text.startswith("Còn") and not clock.overdue
        else:
            assert clock.text.startswith("Quá hạn") and clock.overdue and clock.tone == "qerror"


def test_assignee_must_be_an_account_of_the_so(cast: Cast) -> None:
    incident = quick_report(cast.school_a1_user)
    with pytest.raises(ValidationError) as caught:
        services.triage(incident, by=cast.so_admin, severity="low", is_security=False, assignee=cast.commune_a_admin)
    assert "assignee" in caught.value.message_dict
    office = cast.office_th_user
    services.triage(incident, by=cast.so_admin, severity="low", is_security=False, assignee=office)
    assert Notification.objects.filter(account=office, kind="incidents.assigned").exists()


def test_a_so_account_without_the_function_does_not_handle(cast: Cast) -> None:
    clerk = AccountFactory.create(unit=cast.so, functions=["view"])
    incident = quick_report(cast.school_a1_user)
    assert not services.is_handler(clerk) and services.is_handler(cast.so_admin)
    with pytest.raises(PermissionDenied):
        services.start(incident, by=clerk)


def test_transitions_out_of_order_are_refused_with_the_state(cast: Cast) -> None:
    incident = quick_report(cast.school_a1_user)
    with pytest.raises(ValidationError, match="Mới báo cáo"):
        services.start(incident, by=cast.so_admin)
    with pytest.raises(ValidationError, match="resolution"):
        services.resolve(incident, by=cast.so_admin, resolution="  ")
    with pytest.raises(PermissionDenied):
        services.close(incident, by=cast.school_b1_user)  # another unit
    with pytest.raises(ValidationError):
        services.close(incident, by=cast.school_a1_user)  # not resolved yet


# --- Extensions from an incident -------------------------------------------------------------------------------------


def open_period(cast: Cast) -> object:
    today = timezone.localdate()
    return reporting.open_adhoc(
        by=cast.so_admin,
        title="Báo cáo đột xuất số lớp",
        opens_on=today - dt.timedelta(days=5),
        deadline=today + dt.timedelta(days=3),
        covers=["students"],
        min_completeness=0,
    )


def test_the_so_extends_the_units_it_reviews_linked_to_the_incident(cast: Cast) -> None:
    period = open_period(cast)
    incident = quick_report(cast.thpt_admin, category="slow", severity="high", affected_units=[])
    services.add_affected(incident, by=cast.so_admin, units=[cast.commune_a, cast.school_a1])
    # The Sở reviews the THPT and the commune (directly under it), not the commune's school.
    candidates = services.extension_candidates(incident, cast.so_admin)
    assert {u.pk for u in candidates} == {cast.thpt.pk, cast.commune_a.pk}
    until = timezone.localdate() + dt.timedelta(days=10)
    granted = services.grant_extensions(
        incident, by=cast.so_admin, period=period, units=candidates, until=until, reason="Máy chủ ngừng 2 ngày"
    )
    assert len(granted) == 2
    for extension in Extension.objects.filter(incident=incident):
        assert extension.reason.startswith(f"Gia hạn do sự cố {incident.number}")
        assert UnitReport.objects.get(pk=extension.report_id).extended_until == until
    # Each extension was audited by the reporting service, and the incident's timeline says so.
    assert AuditEntry.objects.filter(action="reporting.extend").count() == 2
    assert "incidents.extend" in actions(incident)
    assert incident.events.filter(kind=IncidentEvent.Kind.EXTENSION).exists()
    # The commune extends its own school.
    assert [u.pk for u in services.extension_candidates(incident, cast.commune_a_admin)] == [cast.school_a1.pk]


def test_an_extension_refused_for_one_unit_extends_none(cast: Cast) -> None:
    period = open_period(cast)
    incident = quick_report(cast.commune_a_admin, affected_units=[cast.school_a1])
    until = timezone.localdate() + dt.timedelta(days=10)
    with pytest.raises(PermissionDenied, match=cast.school_a1.name):
        services.grant_extensions(
            incident, by=cast.so_admin, period=period, units=[cast.commune_a, cast.school_a1], until=until
        )
    # A date before the period's deadline: the reporting service's refusal, on the field it names.
    with pytest.raises(ValidationError) as caught:
        services.grant_extensions(
            incident, by=cast.so_admin, period=period, units=[cast.commune_a], until=timezone.localdate()
        )
    assert "until" in caught.value.message_dict
    assert not Extension.objects.exists()
    assert not AuditEntry.objects.filter(action__in=["reporting.extend", "incidents.extend"]).exists()


# --- Helpers for other apps ------------------------------------------------------------------------------------------


def test_open_counts_by_unit_counts_reported_and_affected_once(cast: Cast) -> None:
    a = quick_report(cast.commune_a_admin, affected_units=[cast.school_a1, cast.commune_a])
    quick_report(cast.school_a1_user)
    done = quick_report(cast.school_a2_admin)
    services.triage(done, by=cast.so_admin, severity="low", is_security=False, assignee=cast.so_admin)
    services.resolve(done, by=cast.so_admin, resolution="Đã xong")
    counts = services.open_counts_by_unit([cast.commune_a.pk, cast.school_a1.pk, cast.school_a2.pk, cast.thpt.pk])
    assert counts == {cast.commune_a.pk: 1, cast.school_a1.pk: 2}
    assert services.open_counts_by_unit([]) == {}
    assert a.pk


def test_security_incidents_of_a_subtree(cast: Cast) -> None:
    mine = quick_report(cast.school_a1_user, category="security", severity="high")
    quick_report(cast.school_b1_user, category="security", severity="high")
    quick_report(cast.school_a2_admin)
    assert list(services.unscoped_security_incidents_under(cast.commune_a)) == [mine]
    assert list(services.security_incidents_visible(cast.commune_a_admin, cast.so)) == [mine]
    assert services.unscoped_security_incidents_under(cast.so).count() == 2


def test_the_so_is_reminded_once_before_and_once_after_each_deadline(cast: Cast) -> None:
    detected = timezone.now()
    incident = quick_report(cast.thpt_user, category="security", severity="high", detected_at=detected)
    quick_report(cast.thpt_user)  # not a security incident: never reminded

    def kinds() -> list[str]:
        return sorted(
            Notification.objects.filter(account=cast.so_admin, kind__startswith="incidents.clock").values_list(
                "kind", flat=True
            )
        )

    assert services.unscoped_remind_security_clocks(detected + dt.timedelta(hours=10)) == 0
    assert services.unscoped_remind_security_clocks(detected + dt.timedelta(hours=20)) == 1
    assert services.unscoped_remind_security_clocks(detected + dt.timedelta(hours=21)) == 0  # once
    assert kinds() == ["incidents.clock.initial.soon"]
    assert services.unscoped_remind_security_clocks(detected + dt.timedelta(hours=25)) == 1
    services.record_security_report(
        incident,
        by=cast.so_admin,
        kind="initial",
        made_at=detected + dt.timedelta(hours=25),
        recipient="Cục A05",
        document_number="7/BC",
        now=detected + dt.timedelta(hours=26),
    )
    assert services.unscoped_remind_security_clocks(detected + dt.timedelta(hours=67)) == 1
    assert services.unscoped_remind_security_clocks(detected + dt.timedelta(hours=80)) == 1
    assert kinds() == [
        "incidents.clock.full.overdue",
        "incidents.clock.full.soon",
        "incidents.clock.initial.overdue",
        "incidents.clock.initial.soon",
    ]
    assert services.unscoped_remind_security_clocks(detected + dt.timedelta(hours=90)) == 0
