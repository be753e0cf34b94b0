"""The organisational side (R9.4): account reviews, the terms and their re-acknowledgement, the organisational
records with the head of unit, and the head's security figures."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone

from conftest import Cast
from edudb.accounts.models import Account
from edudb.core import audit
from edudb.core.models import AuditEntry, Notification, Unit
from edudb.core.tests.clients import signed_in
from edudb.oversight import services
from edudb.oversight.models import AccountReview, Charter, TeamMember, Terms, half_of

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


@pytest.fixture(autouse=True)
def _media(settings: pytest.FixtureRequest, tmp_path: object) -> None:
    settings.MEDIA_ROOT = str(tmp_path)  # type: ignore[attr-defined]


def _designate_head(cast: Cast, unit: Unit, account: Account) -> None:
    services.save_charter(unit, by=cast.so_admin, values={"head_account": account})


# --- account reviews -------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_task_opens_one_review_per_unit_and_tells_the_head(cast: Cast) -> None:
    _designate_head(cast, cast.school_a1, cast.school_a1_user)
    today = dt.date(2026, 7, 2)
    opened = services.unscoped_open_half_year_reviews(today)
    assert opened == Unit.objects.filter(accounts__isnull=False).distinct().count()
    assert services.unscoped_open_half_year_reviews(today) == 0  # idempotent
    review = AccountReview.objects.get(unit=cast.school_a1, year=2026, half=2)
    assert review.due_on == today + dt.timedelta(days=30)
    told = set(
        Notification.objects.filter(kind="oversight.review", unit=cast.school_a1).values_list("account", flat=True)
    )
    assert told == {cast.school_a1_admin.pk, cast.school_a1_user.pk}
    usernames = {row["username"] for row in review.snapshot}
    assert usernames == {cast.school_a1_admin.username, cast.school_a1_user.username}
    assert AuditEntry.objects.filter(action="oversight.review.open", unit=cast.school_a1).count() == 1


@pytest.mark.django_db
def test_only_the_head_or_the_units_admin_confirms(cast: Cast) -> None:
    review, _created = services.open_review(cast.school_a1, *half_of(timezone.localdate()))
    url = f"/oversight/reviews/{review.pk}/"
    # A plain user of the school does not even see the review; the commune's admin sees it but may not confirm.
    assert signed_in(cast.school_a1_user).get(url).status_code == 404
    manager = signed_in(cast.commune_a_admin)
    assert manager.get(url).status_code == 200
    refused = manager.post(url + "confirm/", {"confirm": "on"})
    assert refused.status_code == 403
    assert "Chỉ thủ trưởng đơn vị" in refused.content.decode()
    review.refresh_from_db()
    assert review.confirmed_at is None
    # Once designated head, the school user sees and confirms it.
    _designate_head(cast, cast.school_a1, cast.school_a1_user)
    head = signed_in(cast.school_a1_user)
    page = head.get(url).content.decode()
    assert "Tôi xác nhận danh sách trên là đúng" in page
    head.post(url + "confirm/", {"confirm": "on", "note": "Thu hồi chức năng nhập học sinh của <b>cô Lan</b>"})
    review.refresh_from_db()
    assert review.confirmed_by_id == cast.school_a1_user.pk
    assert "cô Lan" in review.changes_note
    entry = AuditEntry.objects.get(action="oversight.review.confirm")
    assert entry.actor_id == cast.school_a1_user.pk and entry.unit_id == cast.school_a1.pk
    shown = head.get(url).content.decode()
    assert "&lt;b&gt;cô Lan&lt;/b&gt;" in shown
    # A second confirmation is refused and leaves no entry.
    again = signed_in(cast.school_a1_admin).post(url + "confirm/", {"confirm": "on"}, follow=True)
    assert "đã được xác nhận" in again.content.decode()
    assert AuditEntry.objects.filter(action="oversight.review.confirm").count() == 1


@pytest.mark.django_db
def test_confirming_needs_the_box_ticked(cast: Cast) -> None:
    review, _created = services.open_review(cast.school_a1, *half_of(timezone.localdate()))
    response = signed_in(cast.school_a1_admin).post(f"/oversight/reviews/{review.pk}/confirm/", {}, follow=True)
    assert "Hãy đánh dấu ô" in response.content.decode()
    review.refresh_from_db()
    assert review.confirmed_at is None


@pytest.mark.django_db
def test_the_board_lists_due_and_overdue_units(cast: Cast) -> None:
    today = timezone.localdate()
    year, half = half_of(today)
    services.open_review(cast.school_a1, year, half, today=today - dt.timedelta(days=40))
    services.open_review(cast.school_a2, year, half)
    states = {s.unit.pk: s for s in services.review_board(cast.commune_a_admin, cast.commune_a, year, half, today)}
    assert set(states) == {cast.commune_a.pk, cast.school_a1.pk, cast.school_a2.pk}
    assert states[cast.school_a1.pk].overdue and not states[cast.school_a2.pk].overdue
    assert states[cast.commune_a.pk].review is None
    text = signed_in(cast.commune_a_admin).get("/oversight/reviews/").content.decode()
    assert "Quá hạn" in text and cast.school_b1.name not in text


# --- the terms and their re-acknowledgement ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_new_version_of_the_terms_is_acknowledged_again(cast: Cast) -> None:
    user = signed_in(cast.school_a1_user)
    assert user.get("/").status_code == 200
    api = user  # the API path of a signed-in browser session (tokens: see the report's hook for api_auth.py)
    assert api.get("/api/v1/me/", HTTP_ACCEPT="application/json").status_code == 200
    response = signed_in(cast.so_admin).post(
        "/oversight/terms/", {"effective_on": "2026-12-01", "text": "Giữ bí mật mật khẩu;\nBáo cáo sự cố ngay."}
    )
    assert response.status_code == 302
    terms = Terms.objects.get(version=2)
    assert terms.lines == ["Giữ bí mật mật khẩu;", "Báo cáo sự cố ngay."]
    assert AuditEntry.objects.filter(action="oversight.terms.publish", extra__version=2).exists()
    # The next request goes to the acknowledge page, which shows the new text; the API answers 403.
    redirected = user.get("/")
    assert redirected.status_code == 302 and redirected["Location"] == "/accounts/acknowledge/"
    assert api.get("/api/v1/me/", HTTP_ACCEPT="application/json").status_code == 403
    page = user.get("/accounts/acknowledge/").content.decode()
    assert "Báo cáo sự cố ngay." in page and "phiên bản 2" in page
    user.post("/accounts/acknowledge/", {"accept": "on"})
    entry = AuditEntry.objects.filter(action="account.acknowledge", actor=cast.school_a1_user).get()
    assert entry.extra["terms_version"] == 2
    assert user.get("/").status_code == 200
    assert api.get("/api/v1/me/", HTTP_ACCEPT="application/json").status_code == 200


@pytest.mark.django_db
def test_only_the_sos_admin_publishes_terms(cast: Cast) -> None:
    response = signed_in(cast.commune_a_admin).post("/oversight/terms/", {"effective_on": "2026-12-01", "text": "X"})
    assert response.status_code == 403
    assert not Terms.objects.filter(version=2).exists()
    empty = signed_in(cast.so_admin).post("/oversight/terms/", {"effective_on": "2026-12-01", "text": "  "})
    assert empty.status_code == 200
    assert not Terms.objects.filter(version=2).exists()


@pytest.mark.django_db
def test_first_acknowledgement_records_version_one(cast: Cast) -> None:
    Account.objects.filter(pk=cast.school_b1_user.pk).update(acknowledged_at=None)
    client = signed_in(cast.school_b1_user)
    assert client.get("/oversight/").status_code == 302
    client.post("/accounts/acknowledge/", {"accept": "on"})
    assert AuditEntry.objects.get(action="account.acknowledge").extra == {"terms_version": 1}


# --- the organisational records -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_rules_document_must_be_a_pdf_by_content(cast: Cast) -> None:
    client = signed_in(cast.school_a1_admin)
    url = f"/oversight/units/{cast.school_a1.pk}/edit/"
    fake = SimpleUploadedFile("quy-dinh.pdf", PNG, content_type="application/pdf")
    response = client.post(url, {"rules_number": "15/QĐ-TH", "rules_file": fake})
    assert response.status_code == 200
    assert "Tệp văn bản: chỉ nhận tệp PDF" in response.content.decode()
    assert not Charter.objects.filter(unit=cast.school_a1, rules_number="15/QĐ-TH").exists()
    assert not AuditEntry.objects.filter(action="oversight.charter.update").exists()
    real = SimpleUploadedFile("scan.pdf", PDF, content_type="application/octet-stream")
    response = client.post(
        url, {"rules_number": "15/QĐ-TH", "rules_date": "2026-09-05", "rules_signer": "Lê Thị Hạnh", "rules_file": real}
    )
    assert response.status_code == 302
    charter = Charter.objects.get(unit=cast.school_a1)
    assert charter.rules_number == "15/QĐ-TH" and charter.rules_file.read() == PDF
    entry = AuditEntry.objects.get(action="oversight.charter.update")
    assert entry.changes["rules_number"] == ["", "15/QĐ-TH"]
    # Who reaches the school downloads it; a school elsewhere does not find it.
    download = signed_in(cast.school_a1_user).get(f"/oversight/units/{cast.school_a1.pk}/rules.pdf")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF  # type: ignore[attr-defined]
    assert signed_in(cast.school_b1_admin).get(f"/oversight/units/{cast.school_a1.pk}/rules.pdf").status_code == 404


@pytest.mark.django_db
def test_an_oversized_rules_file_is_refused(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services, "MAX_RULES_FILE", 10)
    client = signed_in(cast.school_a1_admin)
    big = SimpleUploadedFile("quy-dinh.pdf", PDF, content_type="application/pdf")
    response = client.post(f"/oversight/units/{cast.school_a1.pk}/edit/", {"rules_number": "1", "rules_file": big})
    assert "tệp quá lớn" in response.content.decode()
    assert not Charter.objects.filter(rules_number="1").exists()


@pytest.mark.django_db
def test_the_head_is_an_account_of_the_unit_and_its_name_is_kept_on_the_unit(cast: Cast) -> None:
    with pytest.raises(Exception, match="tài khoản đang hoạt động của chính đơn vị"):
        services.save_charter(cast.school_a1, by=cast.so_admin, values={"head_account": cast.school_b1_user})
    Account.objects.filter(pk=cast.school_a1_user.pk).update(full_name="Phạm Thu <script>Hà</script>")
    cast.school_a1_user.refresh_from_db()
    _designate_head(cast, cast.school_a1, cast.school_a1_user)
    assert Unit.objects.get(pk=cast.school_a1.pk).head_name == cast.school_a1_user.full_name
    text = signed_in(cast.commune_a_admin).get(f"/oversight/units/{cast.school_a1.pk}/").content.decode()
    assert "Phạm Thu &lt;script&gt;Hà&lt;/script&gt;" in text and "<script>Hà" not in text


@pytest.mark.django_db
def test_only_an_admin_edits_the_records(cast: Cast) -> None:
    url = f"/oversight/units/{cast.school_a1.pk}/edit/"
    assert signed_in(cast.school_a1_user).post(url, {"rules_number": "9"}).status_code == 403
    assert signed_in(cast.school_a1_user).get(url).status_code == 403
    assert signed_in(cast.school_b1_admin).post(url, {"rules_number": "9"}).status_code == 404
    assert signed_in(cast.commune_a_admin).post(url, {"rules_number": "9"}).status_code == 302  # the unit above
    assert Charter.objects.get(unit=cast.school_a1).rules_number == "9"


@pytest.mark.django_db
def test_team_members_and_the_technical_focal_point(cast: Cast) -> None:
    client = signed_in(cast.school_a1_admin)
    base = f"/oversight/units/{cast.school_a1.pk}/"
    bad = client.post(base + "members/new/", {"full_name": "", "role": "technical", "order": "0"})
    assert bad.status_code == 200 and not TeamMember.objects.exists()
    client.post(
        base + "members/new/",
        {
            "full_name": "Đỗ Minh Tuấn",
            "position": "Giáo viên tin học",
            "role": "technical",
            "phone": "0912 345 678",
            "email": "tuan@example.vn",
            "order": "1",
        },
    )
    client.post(
        base + "members/new/", {"full_name": "Lê Thị Hạnh", "position": "Hiệu trưởng", "role": "lead", "order": "0"}
    )
    member = TeamMember.objects.get(full_name="Đỗ Minh Tuấn")
    assert AuditEntry.objects.filter(action="oversight.member.add").count() == 2
    page = signed_in(cast.commune_a_user).get(base).content.decode()
    assert "Đầu mối kỹ thuật" in page and "Đỗ Minh Tuấn" in page
    assert "Ban tổ chức triển khai" in page  # an institution's team (Điều 12.1)
    so_page = signed_in(cast.so_admin).get(f"/oversight/units/{cast.commune_a.pk}/").content.decode()
    assert "Ban chỉ đạo triển khai" in so_page  # a manager's committee (Điều 11.2)
    contacts = signed_in(cast.so_admin).get("/oversight/contacts/").content.decode()
    assert "Đỗ Minh Tuấn" in contacts and "Lê Thị Hạnh" in contacts
    assert "Đỗ Minh Tuấn" not in signed_in(cast.school_b1_admin).get("/oversight/contacts/").content.decode()
    # A user of the school may not change the team.
    assert signed_in(cast.school_a1_user).post(f"/oversight/members/{member.pk}/delete/").status_code == 403
    client.post(f"/oversight/members/{member.pk}/edit/", {"full_name": "Đỗ Minh Tuấn", "role": "member", "order": "2"})
    member.refresh_from_db()
    assert member.role == "member"
    client.post(f"/oversight/members/{member.pk}/delete/")
    assert not TeamMember.objects.filter(pk=member.pk).exists()
    assert AuditEntry.objects.filter(action="oversight.member.delete", extra__full_name="Đỗ Minh Tuấn").exists()


@pytest.mark.django_db
def test_unit_contacts_tag_shows_the_records_to_those_in_reach(cast: Cast) -> None:
    TeamMember.objects.create(unit=cast.school_a1, full_name="Đỗ Minh Tuấn", role="technical", phone="0912345678")
    template = Template("{% load oversight %}{% unit_contacts unit %}")
    request = RequestFactory().get("/")
    request.user = cast.commune_a_admin
    shown = template.render(Context({"request": request, "unit": cast.school_a1}))
    assert "Đỗ Minh Tuấn" in shown and "Tổ chức thực hiện" in shown
    request.user = cast.school_b1_admin
    assert "Đỗ Minh Tuấn" not in template.render(Context({"request": request, "unit": cast.school_a1}))


# --- the head's security figures -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_head_sees_the_units_security_figures(cast: Cast) -> None:
    for reason in ("bad_credentials", "bad_credentials", "locked_account"):
        audit.record("signin.failure", by=None, obj=cast.school_a1_user, username="x", extra={"reason": reason})
    audit.record("signin.failure", by=None, obj=cast.school_b1_user, username="y", extra={"reason": "bad_credentials"})
    Account.objects.filter(pk=cast.school_a1_user.pk).update(is_active=False)
    url = f"/oversight/units/{cast.school_a1.pk}/security/"
    assert signed_in(cast.school_a2_user).get(url).status_code == 404
    head = cast.school_a1_admin
    figures = services.unscoped_security_figures(cast.school_a1, 30)
    assert (figures.failed_signins, figures.lockouts, figures.suspended_now) == (3, 1, 1)
    assert figures.active_accounts == 1 and figures.without_two_factor == 1 and figures.not_reviewed == 1
    assert signed_in(head).get(url).status_code == 200
    # A designated head without "view audit" reaches the page too.
    Account.objects.filter(pk=cast.school_a1_user.pk).update(is_active=True)
    _designate_head(cast, cast.school_a1, cast.school_a1_user)
    response = signed_in(cast.school_a1_user).get(url)
    assert response.status_code == 200 and "Đăng nhập không thành công" in response.content.decode()
    review, _created = services.open_review(cast.school_a1, *half_of(timezone.localdate()))
    services.confirm_review(review, by=cast.school_a1_user)
    assert services.unscoped_security_figures(cast.school_a1, 30).not_reviewed == 0


@pytest.mark.django_db
def test_demo_seed_plays_through_the_services(cast: Cast) -> None:
    from edudb.oversight import demo

    demo.seed()
    assert TeamMember.objects.filter(unit=cast.so, role="technical").count() == 1
    charter = Charter.objects.get(unit=cast.so)
    assert charter.rules_number == "1520/QĐ-SGDĐT" and charter.rules_file.read().startswith(b"%PDF-")
    assert Unit.objects.get(pk=cast.thpt.pk).head_name == cast.thpt_admin.full_name
    assert AccountReview.objects.get(unit=cast.thpt).confirmed_at is not None
    assert AccountReview.objects.get(unit=cast.so).confirmed_at is None
    demo.seed()  # a second run changes nothing
    assert TeamMember.objects.filter(unit=cast.so).count() == 4


@pytest.mark.django_db
def test_setup_is_pending_again_after_a_new_version(cast: Cast) -> None:
    client = signed_in(cast.school_a2_user)
    assert client.get("/accounts/acknowledge/").context["setup_pending"] is False
    services.publish_terms(by=cast.so_admin, text="Trách nhiệm mới.", effective_on=timezone.localdate())
    assert client.get("/accounts/acknowledge/").context["setup_pending"] is True
    # Accounts that acknowledged after the publication are not asked again.
    Account.objects.filter(pk=cast.school_a2_user.pk).update(acknowledged_at=timezone.now() + dt.timedelta(seconds=1))
    assert client.get("/oversight/").status_code == 200
