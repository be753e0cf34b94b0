"""Sign-in security (R10.1): lockout, two-factor for admins, sessions, first-sign-in steps, suspension, handover."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from conftest import Cast
from edudb.accounts import services
from edudb.accounts.middleware import SIGNED_IN_AT, TOUCH_EVERY, TOUCHED_AT
from edudb.accounts.models import Account
from edudb.core.models import AuditEntry
from edudb.core.tests.factories import TEST_PASSWORD

LOGIN = "/accounts/login/"


def post_login(client: Client, username: str, password: str, otp: str = "", ip: str = "10.0.0.1") -> Any:
    return client.post(LOGIN, {"username": username, "password": password, "otp": otp}, REMOTE_ADDR=ip)


def device_for(account: Account) -> TOTPDevice:
    return TOTPDevice.objects.create(user=account, name="app", confirmed=True)


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key):06d}"


@pytest.mark.django_db
def test_user_account_signs_in_with_password(cast: Cast, client: Client) -> None:
    response = post_login(client, "school.a1.user", TEST_PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert AuditEntry.objects.filter(action="signin.success", actor=cast.school_a1_user).exists()


@pytest.mark.django_db
def test_wrong_password_says_so_in_vietnamese_and_is_audited(cast: Cast, client: Client) -> None:
    response = post_login(client, "school.a1.user", "sai-mat-khau")
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()
    entry = AuditEntry.objects.get(action="signin.failure")
    assert entry.actor_username == "school.a1.user" and entry.ip == "10.0.0.1"
    assert entry.extra["reason"] == "bad_credentials"


@pytest.mark.django_db
def test_five_failures_lock_the_account_even_for_the_right_password(cast: Cast, client: Client) -> None:
    for _ in range(settings.EDUDB_LOCKOUT_FAILURES):
        post_login(client, "school.a1.user", "sai-mat-khau", ip="10.0.0.2")
    response = post_login(client, "school.a1.user", TEST_PASSWORD, ip="10.0.0.3")
    assert "Tài khoản tạm khóa vì nhập sai mật khẩu 5 lần" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Another account from another address is not affected.
    assert post_login(Client(), "school.a2.user", TEST_PASSWORD, ip="10.0.0.4").status_code == 302


@pytest.mark.django_db
def test_five_failures_from_one_address_lock_that_address(cast: Cast, client: Client) -> None:
    for name in ["a", "b", "c", "d", "e"]:
        post_login(client, f"khong.ton.tai.{name}", "x", ip="10.9.9.9")
    response = post_login(client, "school.a2.user", TEST_PASSWORD, ip="10.9.9.9")
    assert "Máy của bạn đã đăng nhập sai 5 lần" in response.content.decode()
    assert post_login(Client(), "school.a2.user", TEST_PASSWORD, ip="10.9.9.8").status_code == 302


@pytest.mark.django_db
def test_lockout_ends_after_the_window(cast: Cast, client: Client) -> None:
    for _ in range(settings.EDUDB_LOCKOUT_FAILURES):
        post_login(client, "school.a1.user", "sai", ip="10.0.0.5")
    from edudb.accounts.models import SignInAttempt

    SignInAttempt.objects.update(at=timezone.now() - settings.EDUDB_LOCKOUT_WINDOW - dt.timedelta(seconds=1))
    assert post_login(client, "school.a1.user", TEST_PASSWORD, ip="10.0.0.5").status_code == 302


@pytest.mark.django_db
def test_admin_needs_a_valid_totp_code(cast: Cast, client: Client) -> None:
    device = device_for(cast.school_a1_admin)
    response = post_login(client, "school_a1.admin", TEST_PASSWORD)
    assert "cần mã xác thực" in response.content.decode()
    response = post_login(
        client, "school_a1.admin", TEST_PASSWORD, otp="000000" if current_code(device) != "000000" else "111111"
    )
    assert "Mã xác thực không đúng" in response.content.decode()
    response = post_login(client, "school_a1.admin", TEST_PASSWORD, otp=current_code(device))
    assert response.status_code == 302
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_admin_without_a_device_must_enrol_before_anything_else(cast: Cast, client: Client) -> None:
    assert post_login(client, "school_a1.admin", TEST_PASSWORD).status_code == 302
    response = client.get("/units/")
    assert response.status_code == 302 and response["Location"] == reverse("accounts:totp_enrol")
    page = client.get(reverse("accounts:totp_enrol"))
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=cast.school_a1_admin, confirmed=False)
    assert client.post(reverse("accounts:totp_enrol"), {"token": "12345"}).status_code == 200
    assert client.post(reverse("accounts:totp_enrol"), {"token": current_code(device)}).status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/units/").status_code == 200


@pytest.mark.django_db
def test_first_sign_in_forces_password_change_then_acknowledgement(cast: Cast, client: Client) -> None:
    account, password = services.issue_account(
        by=cast.school_a1_admin,
        unit=cast.school_a1,
        kind="user",
        username="gv.moi",
        full_name="Hoàng Văn Minh",
        functions=["view"],
    )
    post_login(client, "gv.moi", password)
    assert client.get("/units/")["Location"] == reverse("accounts:password_change")
    weak = client.post(
        reverse("accounts:password_change"),
        {"old_password": password, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert weak.status_code == 200 and "Mật khẩu" in weak.content.decode()
    same = client.post(
        reverse("accounts:password_change"),
        {"old_password": password, "new_password1": password, "new_password2": password},
    )
    assert "không được trùng" in same.content.decode()
    good = "Truong-Le-2026x"
    response = client.post(
        reverse("accounts:password_change"), {"old_password": password, "new_password1": good, "new_password2": good}
    )
    assert response.status_code == 302
    assert client.get("/units/")["Location"] == reverse("accounts:acknowledge")
    client.post(reverse("accounts:acknowledge"), {"accept": "on"})
    assert client.get("/units/").status_code == 200
    account.refresh_from_db()
    assert account.acknowledged_at is not None and not account.must_change_password


@pytest.mark.django_db
def test_session_ends_after_the_absolute_lifetime(cast: Cast, client: Client) -> None:
    post_login(client, "school.a1.user", TEST_PASSWORD)
    session = client.session
    session[SIGNED_IN_AT] = (timezone.now() - settings.EDUDB_SESSION_ABSOLUTE - dt.timedelta(minutes=1)).timestamp()
    session.save()
    response = client.get("/units/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert client.get("/units/").status_code == 302


def test_idle_timeout_and_argon2_are_configured() -> None:
    from config import settings as production_like

    assert production_like.SESSION_COOKIE_AGE == 30 * 60
    assert production_like.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def session_row(client: Client) -> Session:
    return Session.objects.get(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value)


def test_pages_within_a_minute_leave_the_session_unwritten(cast: Cast, client: Client) -> None:
    """A page view is not a database write: the idle expiry moves on at most once a minute."""
    post_login(client, "school.a1.user", TEST_PASSWORD)
    assert client.get("/units/").status_code == 200
    before = session_row(client).expire_date
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/units/").status_code == 200
    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert writes == []
    assert session_row(client).expire_date == before


def test_a_page_a_minute_later_moves_the_idle_expiry_on(cast: Cast, client: Client) -> None:
    post_login(client, "school.a1.user", TEST_PASSWORD)
    session = client.session
    session[TOUCHED_AT] = (timezone.now() - dt.timedelta(seconds=TOUCH_EVERY + 1)).timestamp()
    session.save()
    Session.objects.filter(pk=session.session_key).update(expire_date=timezone.now() + dt.timedelta(minutes=5))
    assert client.get("/units/").status_code == 200
    assert session_row(client).expire_date >= timezone.now() + settings.EDUDB_SESSION_IDLE - dt.timedelta(minutes=1)


def test_a_session_idle_for_its_whole_age_is_over(cast: Cast, client: Client) -> None:
    post_login(client, "school.a1.user", TEST_PASSWORD)
    assert client.get("/units/").status_code == 200
    Session.objects.filter(pk=session_row(client).pk).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    response = client.get("/units/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_suspending_ends_sessions_and_tokens_at_once(cast: Cast) -> None:
    client = Client()
    post_login(client, "school.a1.user", TEST_PASSWORD)
    token = Token.objects.create(user=cast.school_a1_user)
    api = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get("/api/v1/me/").status_code == 200
    services.suspend_account(cast.school_a1_user, by=cast.school_a1_admin, reason="Nghỉ việc")
    assert client.get("/units/").status_code == 302
    assert api.get("/api/v1/me/").status_code == 401
    response = post_login(Client(), "school.a1.user", TEST_PASSWORD, ip="10.1.1.1")
    assert "Tài khoản đang tạm khóa" in response.content.decode()
    password = services.reactivate_account(cast.school_a1_user, by=cast.school_a1_admin)
    assert post_login(Client(), "school.a1.user", password, ip="10.1.1.2").status_code == 302


@pytest.mark.django_db
def test_an_admin_above_may_suspend_but_not_regrant(cast: Cast) -> None:
    services.suspend_account(cast.school_a1_user, by=cast.commune_a_admin, reason="Sự cố an ninh")
    assert not Account.objects.get(pk=cast.school_a1_user.pk).is_active
    with pytest.raises(services.AccountRefused):
        services.set_functions(cast.school_a1_user, by=cast.commune_a_admin, functions=["view"])
    with pytest.raises(services.AccountRefused):
        services.suspend_account(cast.school_b1_user, by=cast.commune_a_admin, reason="Ngoài phạm vi")


@pytest.mark.django_db
def test_handover_by_document_forces_new_credentials(cast: Cast, tmp_path: Any, settings: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    admin = cast.school_a1_admin
    device_for(admin)
    old_holder = Client()
    old_holder.force_login(admin)
    Token.objects.create(user=admin)
    handover, password = services.hand_over_admin(
        admin,
        by=cast.commune_a_admin,
        document_number="25/QĐ-THLVT",
        document_date=dt.date(2026, 9, 1),
        to_full_name="Ngô Thị Hạnh",
        to_email="hanh@example.vn",
    )
    admin.refresh_from_db()
    assert handover.from_holder != handover.to_holder == admin.full_name == "Ngô Thị Hạnh"
    assert admin.check_password(password) and admin.must_change_password and admin.acknowledged_at is None
    assert not TOTPDevice.objects.filter(user=admin).exists()
    assert not Token.objects.filter(user=admin).exists()
    assert old_holder.get("/units/").status_code == 302  # the old holder's session is over
    entry = AuditEntry.objects.get(action="account.handover")
    assert entry.changes["full_name"][1] == "Ngô Thị Hạnh" and entry.extra["document_number"] == "25/QĐ-THLVT"


@pytest.mark.django_db
def test_handover_needs_a_document_and_a_manager(cast: Cast) -> None:
    with pytest.raises(services.AccountRefused, match="số văn bản"):
        services.hand_over_admin(
            cast.school_a1_admin,
            by=cast.commune_a_admin,
            document_number=" ",
            document_date=dt.date(2026, 1, 1),
            to_full_name="A",
        )
    with pytest.raises(services.AccountRefused):
        services.hand_over_admin(
            cast.school_a1_admin,
            by=cast.commune_b_admin,
            document_number="1",
            document_date=dt.date(2026, 1, 1),
            to_full_name="A",
        )
    assert cast.school_a1_admin.handovers.count() == 0


@pytest.mark.django_db
def test_inactive_accounts_are_disabled_after_45_days(cast: Cast) -> None:
    long_ago = timezone.now() - dt.timedelta(days=60)
    Account.objects.update(created_at=long_ago, last_seen_at=long_ago)
    Account.objects.filter(pk=cast.school_a1_user.pk).update(last_seen_at=timezone.now())
    count = services.disable_inactive_accounts()
    assert count == Account.objects.count() - 1
    assert Account.objects.get(pk=cast.school_a1_user.pk).is_active
    assert not Account.objects.get(pk=cast.school_a2_user.pk).is_active
    assert AuditEntry.objects.filter(action="account.auto_suspend").count() == count


@pytest.mark.django_db
def test_scheduler_queues_the_daily_tasks_once(cast: Cast, settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    from edudb.core.schedule import enqueue_due

    long_ago = timezone.now() - dt.timedelta(days=60)
    Account.objects.update(created_at=long_ago, last_seen_at=long_ago)
    assert enqueue_due() == [
        "edudb.accounts.tasks.disable_inactive_accounts_task",
        "edudb.quality.tasks.measure_task",
        "edudb.exchange.tasks_exports.purge_exports_task",
        "edudb.reporting.tasks.reporting_daily_task",
        "edudb.stats.tasks.refresh_live_task",
        "edudb.feedback.tasks.escalate_overdue_task",
        "edudb.oversight.tasks.open_account_reviews_task",
        "edudb.incidents.tasks.security_clock_task",
        "edudb.sharing.tasks.expire_releases_task",
    ]
    assert enqueue_due() == []
    assert not Account.objects.filter(is_active=True).exists()


@pytest.mark.django_db
def test_api_token_endpoint_applies_the_same_rules(cast: Cast) -> None:
    api = Client()
    ok = api.post(
        "/api/v1/auth/token/",
        {"username": "school.a1.user", "password": TEST_PASSWORD},
        content_type="application/json",
    )
    assert ok.status_code == 200 and len(ok.json()["token"]) == 40
    device = device_for(cast.school_a1_admin)
    missing = api.post(
        "/api/v1/auth/token/",
        {"username": "school_a1.admin", "password": TEST_PASSWORD},
        content_type="application/json",
    )
    assert missing.status_code == 400 and missing.json()["code"] == "otp_required"
    good = api.post(
        "/api/v1/auth/token/",
        {"username": "school_a1.admin", "password": TEST_PASSWORD, "otp": current_code(device)},
        content_type="application/json",
    )
    assert good.status_code == 200
    me = Client(HTTP_AUTHORIZATION=f"Token {good.json()['token']}").get("/api/v1/me/")
    assert me.json()["kind"] == "admin" and "manage_accounts" in me.json()["functions"]


@pytest.mark.django_db
def test_over_long_and_malformed_input_is_refused_cleanly(cast: Cast, client: Client) -> None:
    response = client.post(LOGIN, {"username": "x" * 5000, "password": "y"})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    client.force_login(cast.school_a1_admin)
    before = Account.objects.count()
    response = client.post(
        reverse("accounts:issue"),
        {"unit": cast.school_a1.pk, "kind": "superuser", "username": "A B", "full_name": "x" * 500},
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Tên đăng nhập gồm 3–60 ký tự" in text
    assert Account.objects.count() == before
