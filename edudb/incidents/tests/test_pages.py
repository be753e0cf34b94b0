"""The incident pages: report with screenshots, the detail with its actions and clocks, refusals in words, the
screenshot door, the list's filters, and the extension shown on the timeliness board as from the incident."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import Cast
from edudb.core.models import AuditEntry
from edudb.core.tests.clients import signed_in
from edudb.incidents import services
from edudb.incidents.models import Incident, IncidentState
from edudb.incidents.tests.helpers import EXE_BYTES, image_bytes, quick_report, upload
from edudb.reporting import services as reporting

pytestmark = pytest.mark.django_db


def text(response: Any) -> str:
    return str(response.content.decode())


def streamed(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def test_a_school_reports_with_screenshots_and_sees_its_incident(cast: Cast) -> None:
    client = signed_in(cast.school_a1_user)
    assert client.get(reverse("incidents:new")).status_code == 200
    response = client.post(
        reverse("incidents:new"),
        {
            "category": "exchange",
            "severity": "medium",
            "title": "Lỗi nhập Excel <script>alert(1)</script>",
            "description": "Tệp mẫu học sinh báo lỗi dòng 12.",
            "detected_at": "2026-11-01T08:30",
            "screenshots": [upload("a.png"), upload("b.jpg", image_bytes("JPEG"))],
        },
    )
    incident = Incident.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("incidents:detail", args=[incident.pk])
    page = text(client.get(response["Location"]))
    assert incident.number in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    shots = list(incident.screenshots.all())
    assert len(shots) == 2
    for shot in shots:
        assert reverse("incidents:screenshot", args=[shot.pk]) in page
    image = client.get(reverse("incidents:screenshot", args=[shots[0].pk]))
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert image["X-Content-Type-Options"] == "nosniff"
    assert streamed(image).startswith(b"\x89PNG")
    # Another unit's account does not reach it, nor its screenshot.
    other = signed_in(cast.school_b1_user)
    assert other.get(reverse("incidents:detail", args=[incident.pk])).status_code == 404
    assert other.get(reverse("incidents:screenshot", args=[shots[0].pk])).status_code == 404
    # The commune above and the Sở see it.
    assert signed_in(cast.commune_a_admin).get(reverse("incidents:detail", args=[incident.pk])).status_code == 200
    assert signed_in(cast.so_admin).get(reverse("incidents:detail", args=[incident.pk])).status_code == 200


def test_a_renamed_executable_is_refused_on_the_form(cast: Cast) -> None:
    client = signed_in(cast.school_a1_user)
    response = client.post(
        reverse("incidents:new"),
        {
            "category": "other",
            "severity": "low",
            "title": "Có tệp lạ",
            "description": "Gửi kèm tệp.",
            "screenshots": [upload("anh.png", EXE_BYTES)],
        },
    )
    assert response.status_code == 200
    assert "Tệp «anh.png» không phải ảnh PNG, JPEG hoặc WebP" in text(response)
    assert not Incident.objects.exists()


def test_the_so_handles_an_incident_on_its_page(cast: Cast) -> None:
    incident = quick_report(cast.school_a1_user)
    so = signed_in(cast.so_admin)
    url = reverse("incidents:detail", args=[incident.pk])
    page = text(so.get(url))
    assert "Tiếp nhận và phân công" in page
    response = so.post(
        reverse("incidents:triage", args=[incident.pk]),
        {"severity": "high", "assignee": cast.so_admin.pk, "note": "Đã kiểm tra máy chủ"},
    )
    assert response.status_code == 302
    so.post(reverse("incidents:start", args=[incident.pk]))
    response = so.post(reverse("incidents:resolve", args=[incident.pk]), {"resolution": ""})
    assert response.status_code == 200 and "Đã khắc phục thế nào" in text(response)
    so.post(reverse("incidents:resolve", args=[incident.pk]), {"resolution": "Đã khởi động lại dịch vụ"})
    school = signed_in(cast.school_a1_user)
    page = text(school.get(url))
    assert "Đóng sự cố" in page and "Tiếp nhận và phân công" not in page
    school.post(reverse("incidents:close", args=[incident.pk]), {"note": ""})
    incident.refresh_from_db()
    assert incident.state == IncidentState.CLOSED
    timeline = text(school.get(url))
    for words in ("Tiếp nhận, phân công", "Đang xử lý", "Đã khắc phục", "Đã đóng", "Đã khởi động lại dịch vụ"):
        assert words in timeline


def test_a_school_asking_to_triage_is_told_who_does(cast: Cast) -> None:
    incident = quick_report(cast.school_a1_user)
    before = AuditEntry.objects.count()
    response = signed_in(cast.school_a1_user).post(
        reverse("incidents:triage", args=[incident.pk]), {"severity": "low", "assignee": cast.so_admin.pk}
    )
    assert response.status_code == 403
    assert "Chỉ tài khoản của Sở Giáo dục và Đào tạo" in text(response)
    response = signed_in(cast.school_a1_user).post(reverse("incidents:start", args=[incident.pk]))
    assert response.status_code == 403
    assert "Chỉ tài khoản của Sở Giáo dục và Đào tạo" in text(response)
    assert AuditEntry.objects.count() == before


def test_security_incident_page_shows_the_clocks_and_records_a_report(cast: Cast) -> None:
    detected = timezone.now() - dt.timedelta(hours=30)
    incident = quick_report(cast.thpt_user, category="security", severity="critical", detected_at=detected)
    page = text(signed_in(cast.thpt_user).get(reverse("incidents:detail", args=[incident.pk])))
    assert "Quá hạn 6 giờ" in page and "Còn 1 ngày 17 giờ" in page  # 42 hours less the seconds the test took
    listing = text(signed_in(cast.so_admin).get(reverse("incidents:list") + "?security=on"))
    assert incident.number in listing and "Quá hạn 6 giờ" in listing
    so = signed_in(cast.so_admin)
    made = timezone.localtime(timezone.now() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = so.post(
        reverse("incidents:security_report", args=[incident.pk]),
        {"kind": "initial", "made_at": made, "recipient": "Cục A05 – Bộ Công an", "document_number": "12/BC-SGDĐT"},
    )
    assert response.status_code == 302
    page = text(so.get(reverse("incidents:detail", args=[incident.pk])))
    assert "12/BC-SGDĐT" in page and "Đã báo cáo, trễ" in page


def test_list_filters(cast: Cast) -> None:
    plain = quick_report(cast.school_a1_user, title="Chậm")
    security = quick_report(cast.school_a2_admin, category="security", severity="critical", title="Lộ dữ liệu")
    services.triage(plain, by=cast.so_admin, severity="low", is_security=False, assignee=cast.so_admin)
    services.resolve(plain, by=cast.so_admin, resolution="Xong")
    client = signed_in(cast.commune_a_admin)

    def numbers(query: str) -> set[str]:
        page = text(client.get(reverse("incidents:list") + query))
        return {i.number for i in (plain, security) if i.number in page}

    assert numbers("") == {plain.number, security.number}
    assert numbers("?state=open") == {security.number}
    assert numbers("?state=resolved") == {plain.number}
    assert numbers("?severity=critical") == {security.number}
    assert numbers("?security=on") == {security.number}
    assert numbers("?mine=on") == set()  # the commune reported none and handles none
    assert numbers("?q=Chậm") == {plain.number}


def test_the_board_shows_an_extension_from_an_incident_as_such(cast: Cast) -> None:
    today = timezone.localdate()
    period = reporting.open_adhoc(
        by=cast.so_admin,
        title="Báo cáo đột xuất số lớp",
        opens_on=today - dt.timedelta(days=5),
        deadline=today + dt.timedelta(days=2),
        covers=["students"],
        min_completeness=0,
    )
    incident = quick_report(cast.thpt_admin, severity="high")
    until = today + dt.timedelta(days=9)
    response = signed_in(cast.so_admin).post(
        reverse("incidents:extend", args=[incident.pk]),
        {"period": period.pk, "units": [cast.thpt.pk], "until": until.isoformat(), "reason": "Mất kết nối"},
    )
    assert response.status_code == 302
    # An ordinary extension of another unit, for contrast.
    reporting.grant_extension(period, cast.commune_b, by=cast.so_admin, until=until, reason="Thiếu người")
    board = text(signed_in(cast.so_admin).get(reverse("reporting:board", args=[period.pk])))
    link = reverse("incidents:detail", args=[incident.pk])
    assert f'<a href="{link}">Gia hạn do sự cố {incident.number}</a>' in board
    assert board.count("Gia hạn do sự cố") == 1 and "(gia hạn)" in board
    page = text(signed_in(cast.so_admin).get(reverse("incidents:detail", args=[incident.pk])))
    assert cast.thpt.name in page and until.strftime("%d/%m/%Y") in page


def test_mine_filter_is_reported_by_or_assigned_to_me(cast: Cast) -> None:
    mine = quick_report(cast.commune_a_admin)
    other = quick_report(cast.school_a1_user)
    page = text(signed_in(cast.commune_a_admin).get(reverse("incidents:list") + "?mine=on"))
    assert mine.number in page and other.number not in page
    services.triage(other, by=cast.so_admin, severity="low", is_security=False, assignee=cast.office_th_user)
    page = text(signed_in(cast.office_th_user).get(reverse("incidents:list") + "?mine=on"))
    assert other.number in page and mine.number not in page


def test_nul_bytes_are_a_clean_refusal(cast: Cast) -> None:
    client = signed_in(cast.so_admin)
    assert client.get(reverse("incidents:list") + "?q=a%00b&state=%00").status_code == 200
    response = client.post(
        reverse("incidents:new"), {"category": "other", "severity": "low", "title": "a\x00b", "description": "x"}
    )
    assert response.status_code == 200 and not Incident.objects.exists()
