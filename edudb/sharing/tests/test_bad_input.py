"""Bad input (R8.2): a request asking for more than may be asked, a decision wider than the request, a consent scan
that is not what it says, a form flooded by a script — each refused with a Vietnamese message naming the field and
the fix, audited, and nothing written or released."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from conftest import Cast
from edudb.core.models import AuditEntry, PublicHit
from edudb.core.tests.clients import signed_in
from edudb.sharing import catalogue, services
from edudb.sharing.models import DataRequest, Decision, Release, RequestState
from edudb.sharing.tests.helpers import (
    PNG,
    consent,
    paper_request,
    public_post,
    public_request,
    scan,
    to_decision,
)
from edudb.sharing.views_public import REQUEST_LIMIT

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def _paper_post(**overrides: Any) -> dict[str, Any]:
    post = public_post(**overrides)
    for name in ("challenge_token", "challenge_answer", "website", "unit"):
        post.pop(name, None)
    return post


def test_paper_request_for_units_outside_the_scope_is_refused(cast: Cast) -> None:
    client = signed_in(cast.commune_a_admin)
    response = client.post(
        reverse("sharing:new"), _paper_post(unit_codes=f"{cast.school_a1.code}, {cast.school_b1.code}")
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Mã đơn vị" in text and cast.school_b1.code in text and "không thuộc phạm vi" in text
    assert not DataRequest.objects.exists()
    entry = AuditEntry.objects.get(action="sharing.refused")
    assert entry.extra["what"] == "request.enter" and entry.actor == cast.commune_a_admin


def test_public_request_for_units_outside_the_addressed_unit_is_refused(cast: Cast) -> None:
    response = Client().post(
        reverse("sharing:public_request"), public_post(unit=str(cast.commune_a.pk), unit_codes=cast.school_b1.code)
    )
    assert response.status_code == 400
    assert "không thuộc phạm vi quản lý của UBND Phường Hồng Bàng" in response.content.decode()
    assert not DataRequest.objects.exists()
    assert AuditEntry.objects.filter(action="sharing.refused", extra__what="request.public").exists()


def test_public_request_cannot_be_addressed_to_a_school(cast: Cast) -> None:
    response = Client().post(reverse("sharing:public_request"), public_post(unit=str(cast.school_a1.pk)))
    assert response.status_code == 400 and "Gửi đến đơn vị" in response.content.decode()
    assert not DataRequest.objects.exists()


def test_fields_outside_the_catalogue_and_bad_retention_are_refused(cast: Cast) -> None:
    with pytest.raises(ValidationError) as caught:
        paper_request(cast.commune_a_admin, wanted_fields=["students:mat_khau"])
    assert "không có trong danh mục" in str(caught.value)
    response = Client().post(
        reverse("sharing:public_request"), public_post(wanted_fields=["accounts:password"], keep_until="2001-01-01")
    )
    assert response.status_code == 400
    assert not DataRequest.objects.exists()
    with pytest.raises(ValidationError) as caught:
        paper_request(cast.commune_a_admin, keep_until=__import__("datetime").date(2001, 1, 1))
    assert "Lưu giữ đến ngày" in str(caught.value)


def test_script_name_is_shown_escaped(cast: Cast) -> None:
    request, _code = paper_request(cast.commune_a_admin, requester_organisation="<script>alert(1)</script>")
    page = signed_in(cast.commune_a_admin).get(reverse("sharing:detail", kwargs={"pk": request.pk})).content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page


def test_decision_wider_than_the_request_is_refused(cast: Cast) -> None:
    request, _code = paper_request(
        cast.commune_a_admin, cast.school_a1.code, wanted_fields=["students:ho_va_ten", "students:ngay_sinh"]
    )
    to_decision(request, cast)
    with pytest.raises(ValidationError) as caught:
        services.approve(
            request=request,
            by=cast.so_admin,
            consent=consent(request, fields=["students:ho_va_ten", "students:so_dinh_danh_ca_nhan"]),
        )
    assert "không mở rộng" in str(caught.value)
    with pytest.raises(ValidationError) as caught:
        services.approve(request=request, by=cast.so_admin, consent=consent(request, units=[cast.school_b1]))
    assert "Đơn vị được cung cấp" in str(caught.value)
    assert not Decision.objects.exists() and not Release.objects.exists()
    request.refresh_from_db()
    assert request.state == RequestState.FORWARDED


def test_decision_page_posting_widened_fields_is_refused(cast: Cast) -> None:
    request, _code = paper_request(cast.commune_a_admin, cast.school_a1.code, wanted_fields=["students:ho_va_ten"])
    to_decision(request, cast)
    response = signed_in(cast.so_admin).post(
        reverse("sharing:decide", kwargs={"pk": request.pk}),
        {
            "outcome": "approved",
            "document_number": "1/SGDĐT",
            "document_date": "2026-11-01",
            "signer": "A",
            "scan": scan(),
            "approved_fields": ["students:ho_va_ten", "students:so_dinh_danh_ca_nhan"],
            "approved_units": [str(cast.school_a1.pk)],
            "expires_on": "2026-12-01",
            "max_downloads": "2",
        },
    )
    assert response.status_code == 400 and not Decision.objects.exists()


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"MZ\x90\x00 not a pdf", "dong-y.pdf", "không phải PDF"),
        (b"%PDF-" + b"0" * (5 * 1024 * 1024), "dong-y.pdf", "quá lớn"),
        (b"", "trong.pdf", "không phải PDF"),
    ],
)
def test_consent_scan_is_checked_by_content_and_size(cast: Cast, content: bytes, name: str, message: str) -> None:
    request, _code = paper_request(cast.commune_a_admin, cast.school_a1.code)
    to_decision(request, cast)
    with pytest.raises(ValidationError) as caught:
        services.approve(request=request, by=cast.so_admin, consent=consent(request, scan=scan(content, name)))
    assert message in str(caught.value)
    assert not Decision.objects.exists()


def test_png_scan_is_accepted(cast: Cast) -> None:
    request, _code = paper_request(cast.commune_a_admin, cast.school_a1.code)
    to_decision(request, cast)
    services.approve(request=request, by=cast.so_admin, consent=consent(request, scan=scan(PNG, "dong-y.png")))
    assert Decision.objects.get().scan


def test_approval_needs_the_written_record(cast: Cast) -> None:
    request, _code = paper_request(cast.commune_a_admin, cast.school_a1.code)
    to_decision(request, cast)
    with pytest.raises(ValidationError) as caught:
        services.approve(request=request, by=cast.so_admin, consent=consent(request, document_number=" ", signer=""))
    assert "Số văn bản" in str(caught.value) and "Người ký" in str(caught.value)
    with pytest.raises(ValidationError):
        services.approve(request=request, by=cast.so_admin, consent=consent(request, max_downloads=500))


def test_only_the_so_decides_and_only_after_forwarding(cast: Cast) -> None:
    request, _code = paper_request(cast.commune_a_admin, cast.school_a1.code)
    with pytest.raises(ValidationError):  # not forwarded yet
        services.approve(request=request, by=cast.so_admin, consent=consent(request))
    to_decision(request, cast)
    for account in (cast.commune_a_admin, cast.office_th_user, cast.school_a1_admin):
        with pytest.raises(PermissionDenied):
            services.approve(request=request, by=account, consent=consent(request))
    assert not Decision.objects.exists()


def test_actions_out_of_scope_are_not_found(cast: Cast) -> None:
    request, _code = paper_request(cast.commune_a_admin, cast.school_a1.code)
    before = AuditEntry.objects.count()
    for account in (cast.commune_b_admin, cast.school_a1_user):
        client = signed_in(account)
        assert client.post(reverse("sharing:take_up", kwargs={"pk": request.pk})).status_code == 404
    assert AuditEntry.objects.count() == before
    request.refresh_from_db()
    assert request.state == RequestState.SUBMITTED


def test_flood_is_throttled_and_audited(cast: Cast) -> None:
    client = Client()
    for _i in range(REQUEST_LIMIT):
        assert client.post(reverse("sharing:public_request"), public_post()).status_code == 302
    response = client.post(reverse("sharing:public_request"), public_post())
    assert response.status_code == 429 and "quá nhiều yêu cầu" in response.content.decode()
    assert DataRequest.objects.count() == REQUEST_LIMIT
    assert AuditEntry.objects.filter(action="public.refused", extra__reason="rate").exists()
    assert PublicHit.objects.filter(bucket="sharing.request").count() == REQUEST_LIMIT


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"challenge_answer": "99"}, "challenge"),
        ({"website": "http://spam.example"}, "honeypot"),
        ({"challenge_token": "forged"}, "challenge"),
    ],
)
def test_script_without_the_challenge_is_refused(cast: Cast, overrides: dict[str, str], reason: str) -> None:
    response = Client().post(reverse("sharing:public_request"), public_post(**overrides))
    assert response.status_code == 400
    assert not DataRequest.objects.exists()
    assert AuditEntry.objects.filter(action="public.refused", extra__reason=reason).exists()


def test_too_fast_post_is_refused(cast: Cast) -> None:
    from edudb.sharing.forms import PublicRequestForm
    from edudb.sharing.tests.helpers import solved

    token = PublicRequestForm().fresh_token
    response = Client().post(
        reverse("sharing:public_request"), public_post(challenge_token=token, challenge_answer=solved(token))
    )
    assert response.status_code == 400 and "quá nhanh" in response.content.decode()
    assert not DataRequest.objects.exists()


def test_status_lookups_are_throttled(cast: Cast) -> None:
    public_request()
    client = Client()
    from edudb.sharing.views_public import STATUS_LIMIT

    for _i in range(STATUS_LIMIT):
        client.post(reverse("sharing:public_status"), {"action": "lookup", "number": "YC-2026-0001", "code": "X"})
    response = client.post(reverse("sharing:public_status"), {"action": "lookup", "number": "YC", "code": "X"})
    assert response.status_code == 429


def test_withdrawn_request_cannot_be_taken_up_or_decided(cast: Cast) -> None:
    request, _code = paper_request(cast.commune_a_admin, cast.school_a1.code)
    services.withdraw(request=request, by=cast.commune_a_admin, reason="Bên đề nghị rút")
    client = signed_in(cast.commune_a_admin)
    response = client.post(reverse("sharing:take_up", kwargs={"pk": request.pk}), follow=True)
    assert "không nhận xem xét được" in response.content.decode()
    with pytest.raises(ValidationError):
        services.approve(request=request, by=cast.so_admin, consent=consent(request))
    assert not Release.objects.exists()


STUDENT_KEYS = [item.key for item in catalogue.fields_of("students")]


@hsettings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    wanted=st.sets(st.sampled_from(STUDENT_KEYS), min_size=1, max_size=6),
    asked=st.sets(st.sampled_from(STUDENT_KEYS), min_size=1, max_size=6),
)
def test_the_so_may_narrow_but_never_widen(cast: Cast, wanted: set[str], asked: set[str]) -> None:
    """Property: an approval is recorded exactly when the approved fields lie within the request's."""
    with transaction.atomic():
        request, _code = paper_request(cast.commune_a_admin, cast.school_a1.code, wanted_fields=sorted(wanted))
        to_decision(request, cast)
        try:
            services.approve(request=request, by=cast.so_admin, consent=consent(request, fields=sorted(asked)))
        except ValidationError as exc:
            assert not asked <= wanted
            assert "không mở rộng" in str(exc)
            assert not Decision.objects.filter(request=request).exists()
        else:
            assert asked <= wanted
            assert set(Decision.objects.get(request=request).approved_fields) == asked
        transaction.set_rollback(True)


def test_account_without_view_cannot_enter_a_request(cast: Cast) -> None:
    from edudb.accounts.models import AccountFunction

    AccountFunction.objects.filter(account=cast.school_b2_user).delete()
    account = type(cast.school_b2_user).objects.get(pk=cast.school_b2_user.pk)
    response = signed_in(account).post(reverse("sharing:new"), _paper_post())
    assert response.status_code == 403 and "Xem dữ liệu" in response.content.decode()
    assert not DataRequest.objects.exists()
    assert AuditEntry.objects.filter(action="sharing.refused", extra__what="request.enter").exists()
