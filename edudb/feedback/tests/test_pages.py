"""Feedback pages, both ways: an account files about a record and follows it; a parent files through the public
form and follows it by number and code. Refusals: out of reach, unidentified, flooded, the wrong challenge."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import Cast
from edudb.core.models import AuditEntry, PublicHit
from edudb.core.tests.clients import signed_in
from edudb.feedback import services
from edudb.feedback.models import Feedback, State
from edudb.feedback.tests.helpers import make_student, public_filing, public_form
from edudb.feedback.tests.test_services import correct_birth_date


@pytest.mark.django_db
def test_account_flow_from_filing_to_closing(cast: Cast) -> None:
    student = make_student(cast.school_a1)
    filer = signed_in(cast.school_a1_user)
    form = filer.get(reverse("feedback:file", kwargs={"subject": "student", "pk": student.pk}))
    assert form.status_code == 200 and "Nguyễn Thị Hoà" in form.content.decode()
    sent = filer.post(
        reverse("feedback:file", kwargs={"subject": "student", "pk": student.pk}),
        {"kind": "record", "text": "Ngày sinh sai <script>alert(1)</script>"},
    )
    item = Feedback.objects.get()
    assert sent.status_code == 302 and sent["Location"] == reverse("feedback:detail", args=[item.pk])
    mine = filer.get(reverse("feedback:mine")).content.decode()
    assert item.reference in mine
    # The filer (no review function) sees its item and no handling tools.
    own = filer.get(reverse("feedback:detail", args=[item.pk])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in own and "<script>alert(1)" not in own
    assert "Gửi trả lời" not in own and "Nhật ký truy cập" not in own
    assert filer.post(reverse("feedback:take", args=[item.pk])).status_code == 403

    handler = signed_in(cast.school_a1_admin)
    listed = handler.get(reverse("feedback:handling")).content.decode()
    assert item.reference in listed
    page = handler.get(reverse("feedback:detail", args=[item.pk])).content.decode()
    assert "Gửi trả lời" in page and "Nhật ký truy cập" in page
    assert handler.post(reverse("feedback:take", args=[item.pk])).status_code == 302
    # "Corrected" without a change: the answer form names the field, nothing written.
    refused = handler.post(reverse("feedback:answer", args=[item.pk]), {"outcome": "corrected", "answer": "Đã sửa"})
    assert refused.status_code == 200 and "Hãy sửa hồ sơ trước" in refused.content.decode()
    assert Feedback.objects.get().state == State.IN_PROGRESS
    change = correct_birth_date(student, cast.school_a1_admin)
    page = handler.get(reverse("feedback:detail", args=[item.pk])).content.decode()
    assert f'value="{change.pk}"' in page
    answered = handler.post(
        reverse("feedback:answer", args=[item.pk]),
        {"outcome": "corrected", "answer": "Đã sửa ngày sinh theo giấy khai sinh.", "changes": [change.pk]},
    )
    assert answered.status_code == 302
    own = filer.get(reverse("feedback:detail", args=[item.pk])).content.decode()
    assert "Đã sửa ngày sinh theo giấy khai sinh." in own and "Đóng phản ánh" in own
    assert filer.post(reverse("feedback:close", args=[item.pk])).status_code == 302
    assert Feedback.objects.get().state == State.CLOSED


@pytest.mark.django_db
def test_out_of_reach_filing_is_404_audited_and_nothing_made(cast: Cast) -> None:
    other = make_student(cast.school_b1)
    client = signed_in(cast.commune_a_user)
    url = reverse("feedback:file", kwargs={"subject": "student", "pk": other.pk})
    assert client.get(url).status_code == 404
    response = client.post(url, {"kind": "record", "text": "Sai"})
    assert response.status_code == 404 and "phạm vi quản lý" in response.content.decode()
    assert "Nguyễn Thị Hoà" not in response.content.decode()
    assert not Feedback.objects.exists()
    assert AuditEntry.objects.filter(action="feedback.file.refused", actor=cast.commune_a_user).count() == 1
    assert client.get(reverse("feedback:file", kwargs={"subject": "nothing", "pk": 1})).status_code == 404


@pytest.mark.django_db
def test_figure_complaint_from_a_unit_page(cast: Cast) -> None:
    client = signed_in(cast.commune_a_user)
    url = reverse("feedback:file", kwargs={"subject": "unit", "pk": cast.school_a2.pk})
    shown = client.get(url + "?figure=1&indicator=hoc_sinh&label=S%E1%BB%91+h%E1%BB%8Dc+sinh%3A+120")
    assert shown.status_code == 200 and 'value="Số học sinh: 120"' in shown.content.decode()
    sent = client.post(
        url, {"kind": "figure", "figure": "Số học sinh: 120", "indicator": "hoc_sinh", "text": "Thiếu 2 em"}
    )
    assert sent.status_code == 302
    item = Feedback.objects.get()
    assert item.kind == "figure" and item.indicator == "hoc_sinh" and item.unit == cast.school_a2


@pytest.mark.django_db
def test_public_flow_and_status_page(cast: Cast) -> None:
    make_student(cast.school_a1)
    parent = Client()
    assert parent.get(reverse("feedback:public_file")).status_code == 200
    done = public_filing(parent, kind="correction", text="Sai tên <b>đệm</b>")
    assert done.status_code == 200
    item = Feedback.objects.get()
    code = done.context["code"]
    page = done.content.decode()
    assert item.reference in page and code in page and "no-cache" in done["Cache-Control"]
    assert item.filer is None and item.kind == "correction" and item.unit == cast.school_a1

    status_url = reverse("feedback:public_status")
    wrong = parent.post(
        status_url, {"reference": item.reference, "code": "AAAAAAAA", **public_form(parent, "feedback:public_status")}
    )
    assert "Không tìm thấy phản ánh" in wrong.content.decode() and wrong.context["item"] is None
    seen = parent.post(
        status_url, {"reference": item.reference, "code": code, **public_form(parent, "feedback:public_status")}
    )
    text = seen.content.decode()
    assert "Đã tiếp nhận" in text and "Nguyễn Thị Hoà" not in text  # the state, never the record itself
    services.answer(item, by=cast.school_a1_admin, outcome="not_corrected", text="Tên đệm đúng theo giấy khai sinh.")
    seen = parent.post(
        status_url, {"reference": item.reference, "code": code, **public_form(parent, "feedback:public_status")}
    )
    assert "Tên đệm đúng theo giấy khai sinh." in seen.content.decode()
    # The handler sees the public filer's contact and the escaped text.
    detail = signed_in(cast.school_a1_admin).get(reverse("feedback:detail", args=[item.pk])).content.decode()
    assert "0912345678" in detail and "&lt;b&gt;đệm&lt;/b&gt;" in detail


@pytest.mark.django_db
def test_public_refusals_are_neutral_and_audited(cast: Cast) -> None:
    make_student(cast.school_a1)
    client = Client()
    wrong_birth = public_filing(client, birth_date="10/03/2015").content.decode()
    unknown = public_filing(client, student_code="3199999999").content.decode()
    message = str(services.NEUTRAL_REFUSAL)
    assert message in wrong_birth and message in unknown
    assert not Feedback.objects.exists()
    assert AuditEntry.objects.filter(action="public.refused", extra__reason="identity").count() == 2
    bad_date = public_filing(client, birth_date="2015/31/12")
    assert "dd/mm/yyyy" in bad_date.content.decode() and not Feedback.objects.exists()


@pytest.mark.django_db
def test_public_form_flood_is_throttled_and_challenged(cast: Cast) -> None:
    make_student(cast.school_a1)
    client = Client()
    wrong = public_filing(client, challenge_answer="99")
    assert wrong.status_code == 200 and "Kết quả phép tính chưa đúng" in wrong.content.decode()
    honey = public_filing(client, website="http://spam.example")
    assert honey.status_code == 400
    reasons = sorted(AuditEntry.objects.filter(action="public.refused").values_list("extra__reason", flat=True))
    assert reasons == ["challenge", "honeypot"]
    for _ in range(3):
        assert public_filing(client).status_code == 200
    assert Feedback.objects.count() == 3
    flooded = public_filing(client)
    assert flooded.status_code == 429 and Feedback.objects.count() == 3
    assert AuditEntry.objects.filter(action="public.refused", extra__reason="rate").count() == 1
    assert PublicHit.objects.filter(bucket="feedback.public").count() == 5


@pytest.mark.django_db
def test_manager_sees_overdue_items_of_its_units(cast: Cast) -> None:
    student = make_student(cast.school_a1)
    item = services.file(
        by=cast.school_a1_user, subject_key="student", subject_id=student.pk, kind="record", text="Sai"
    )
    fresh = services.file(
        by=cast.school_a1_user, subject_key="student", subject_id=student.pk, kind="record", text="Sai 2"
    )
    Feedback.objects.filter(pk=item.pk).update(deadline=timezone.localdate() - dt.timedelta(days=1))
    services.escalate_overdue()
    page = signed_in(cast.commune_a_admin).get(reverse("feedback:handling") + "?overdue=on").content.decode()
    assert item.reference in page and fresh.reference not in page and "Quá hạn" in page
    other = signed_in(cast.commune_b_admin).get(reverse("feedback:handling")).content.decode()
    assert item.reference not in other


@pytest.mark.django_db
def test_access_request_summary_page(cast: Cast) -> None:
    make_student(cast.school_a1, personal_id="031215001234")
    client = Client()
    public_filing(client, kind="access", text="Xin xem dữ liệu của cháu")
    item = Feedback.objects.get()
    handler = signed_in(cast.school_a1_admin)
    page = handler.get(reverse("feedback:summary", args=[item.pk]))
    text = page.content.decode()
    assert page.status_code == 200 and "•••••••••234" in text and "031215001234" not in text and "Lê Thị Mẹ" in text
    assert signed_in(cast.school_b1_admin).get(reverse("feedback:summary", args=[item.pk])).status_code == 404
