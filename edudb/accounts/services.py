"""Account operations (R4, R10.1): issuing, granting, handing over, suspending, signing in. Atomic and audited."""

from __future__ import annotations

import datetime as dt
import functools
import secrets
import string
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from edudb.accounts.models import Account, AccountFunction, AccountKind, AdminHandover, PasswordHistory, SignInAttempt
from edudb.core import audit
from edudb.core.models import Category, Unit
from edudb.core.scoping import ALL_FUNCTIONS, Function, forget_scope


class AccountRefused(Exception):
    """An account operation the rules do not allow; the message says why and what to do, in Vietnamese."""


P = ParamSpec("P")
R = TypeVar("R")


def audit_refusals(action: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Record a refused account operation as a security event, outside the transaction the refusal rolled back."""

    def decorate(operation: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(operation)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return operation(*args, **kwargs)
            except AccountRefused as exc:
                target = args[0] if args and isinstance(args[0], Account) else None
                unit = kwargs.get("unit") if isinstance(kwargs.get("unit"), Unit) else None
                audit.record(
                    f"{action}.refused",
                    by=kwargs.get("by"),
                    obj=target,
                    unit=unit,  # type: ignore[arg-type]
                    extra={"reason": str(exc), **({"kind": kwargs["kind"]} if "kind" in kwargs else {})},
                )
                raise

        return wrapper

    return decorate


# --- who may issue what (Điều 5) ------------------------------------------------------------------


def issuance_refusal(issuer: Account, unit: Unit, kind: str) -> str | None:
    """Why ``issuer`` may not issue an account of ``kind`` for ``unit``; None when Điều 5 allows it."""
    if not issuer.is_active:
        return _("Tài khoản của bạn đang bị khóa.")
    issuer_category = issuer.unit.kind.category
    if kind == AccountKind.ADMIN:
        if not issuer.is_admin:
            return _("Chỉ tài khoản quản trị mới cấp được tài khoản quản trị cho đơn vị trực thuộc.")
        if unit.parent_id != issuer.unit_id or issuer_category not in {Category.DEPARTMENT, Category.MANAGER}:
            return _("Chỉ đơn vị quản lý trực tiếp mới cấp tài khoản quản trị cho đơn vị này (Điều 5).")
        if not unit.kind.has_admin_account:
            return _("Phòng chuyên môn thuộc Sở dùng tài khoản khai thác do Sở cấp, không có tài khoản quản trị.")
        return None
    if kind != AccountKind.USER:
        return _("Loại tài khoản không hợp lệ.")
    if unit.pk == issuer.unit_id:
        if issuer.is_admin or Function.MANAGE_ACCOUNTS in issuer.function_codes():
            return None
        return _("Bạn chưa được giao chức năng quản lý tài khoản của đơn vị.")
    if (
        issuer.is_admin
        and issuer_category == Category.DEPARTMENT
        and unit.parent_id == issuer.unit_id
        and unit.kind.category == Category.OFFICE
    ):
        return None
    return _("Tài khoản khai thác do chính đơn vị cấp cho cán bộ của mình (Điều 5); bạn không cấp được cho đơn vị này.")


def grant_refusal(issuer: Account, functions: Iterable[str]) -> str | None:
    """Nobody grants more than they hold."""
    wanted = set(functions)
    unknown = wanted - ALL_FUNCTIONS
    if unknown:
        return _("Chức năng không hợp lệ: %(codes)s.") % {"codes": ", ".join(sorted(unknown))}
    missing = wanted - issuer.function_codes()
    if missing:
        labels = ", ".join(str(Function(code).label) for code in sorted(missing))
        return _("Bạn không thể giao chức năng mà chính bạn không có: %(labels)s.") % {"labels": labels}
    return None


def can_manage(issuer: Account, account: Account) -> bool:
    """Whoever may issue such an account for that unit may also manage it."""
    return issuer.pk != account.pk and issuance_refusal(issuer, account.unit, account.kind) is None


def can_suspend(by: Account, account: Account) -> bool:
    """Whoever manages the account, and, as a security measure, any admin above its unit, may suspend it."""
    if can_manage(by, account):
        return True
    return by.is_admin and by.pk != account.pk and account.unit.is_within(by.unit)


def _require_manage(by: Account, account: Account) -> None:
    if not can_manage(by, account):
        raise AccountRefused(_("Bạn không có quyền quản lý tài khoản này."))


def temporary_password() -> str:
    """A one-time password that satisfies the password rules; the holder must change it at first sign-in."""
    alphabet = string.ascii_letters + string.digits
    while True:
        core = "".join(secrets.choice(alphabet) for _ in range(12))
        if any(c.islower() for c in core) and any(c.isupper() for c in core) and any(c.isdigit() for c in core):
            return f"{core[:4]}-{core[4:8]}-{core[8:]}"


ACCOUNT_AUDIT_FIELDS = [
    "username",
    "full_name",
    "email",
    "phone",
    "position",
    "unit",
    "kind",
    "is_active",
    "expires_at",
]


@audit_refusals("account.issue")
@transaction.atomic
def issue_account(
    *,
    by: Account,
    unit: Unit,
    kind: str,
    username: str,
    full_name: str,
    email: str = "",
    phone: str = "",
    position: str = "",
    functions: Iterable[str] = (),
    expires_at: dt.datetime | None = None,
) -> tuple[Account, str]:
    """Issue an account (cấp tài khoản) under Điều 5; returns it with its one-time password."""
    refusal = issuance_refusal(by, unit, kind)
    if refusal:
        raise AccountRefused(refusal)
    functions = set(functions)
    if kind == AccountKind.ADMIN:
        functions = set()
    else:
        refusal = grant_refusal(by, functions)
        if refusal:
            raise AccountRefused(refusal)
    username = username.strip().lower()
    if Account.objects.filter(username=username).exists():
        raise AccountRefused(
            _("Tên đăng nhập “%(username)s” đã được dùng; hãy chọn tên khác.") % {"username": username}
        )
    if kind == AccountKind.ADMIN and Account.objects.filter(unit=unit, kind=AccountKind.ADMIN).exists():
        raise AccountRefused(
            _("Đơn vị “%(unit)s” đã có tài khoản quản trị; mỗi đơn vị chỉ có một. Hãy dùng chức năng bàn giao.")
            % {"unit": unit.name}
        )
    password = temporary_password()
    account = Account(
        username=username,
        full_name=full_name,
        email=email,
        phone=phone,
        position=position,
        unit=unit,
        kind=kind,
        expires_at=expires_at,
        issued_by=by,
        must_change_password=True,
    )
    account.set_password(password)
    try:
        with transaction.atomic():
            account.save()
    except IntegrityError as exc:
        raise AccountRefused(_("Tên đăng nhập hoặc tài khoản quản trị của đơn vị đã tồn tại.")) from exc
    AccountFunction.objects.bulk_create(AccountFunction(account=account, function=f, granted_by=by) for f in functions)
    audit.record(
        "account.issue",
        by=by,
        obj=account,
        changes={k: [None, v] for k, v in audit.snapshot(account, ACCOUNT_AUDIT_FIELDS).items()},
        extra={"functions": sorted(functions)},
    )
    return account, password


@audit_refusals("account.functions")
@transaction.atomic
def set_functions(account: Account, *, by: Account, functions: Iterable[str]) -> None:
    """Replace the functions granted to a user account (quy định nội bộ của đơn vị)."""
    _require_manage(by, account)
    if account.is_admin:
        raise AccountRefused(_("Tài khoản quản trị có mọi chức năng của đơn vị; không cần giao chức năng."))
    wanted = set(functions)
    before = set(account.functions.values_list("function", flat=True))
    # Only what changes must lie within the issuer's own functions; others' grants it does not hold stay.
    refusal = grant_refusal(by, wanted ^ before)
    if refusal:
        raise AccountRefused(refusal)
    account.functions.filter(function__in=before - wanted).delete()
    AccountFunction.objects.bulk_create(
        AccountFunction(account=account, function=f, granted_by=by) for f in sorted(wanted - before)
    )
    forget_scope(account)
    if wanted != before:
        audit.record("account.functions", by=by, obj=account, changes={"functions": [sorted(before), sorted(wanted)]})


def _end_sessions_and_tokens(account: Account) -> None:
    """Sessions die with the credentials (Django checks the password hash per request); tokens are deleted."""
    Token.objects.filter(user=account).delete()


@audit_refusals("account.suspend")
@transaction.atomic
def suspend_account(account: Account, *, by: Account, reason: str) -> None:
    """Suspend an account at once: its sessions and API tokens stop working on the next request."""
    if not can_suspend(by, account):
        raise AccountRefused(_("Bạn không có quyền tạm khóa tài khoản này."))
    if not reason.strip():
        raise AccountRefused(_("Hãy ghi lý do tạm khóa."))
    if not account.is_active:
        return
    account.is_active = False
    account.suspended_reason = reason.strip()[:255]
    account.save(update_fields=["is_active", "suspended_reason"])
    _end_sessions_and_tokens(account)
    audit.record("account.suspend", by=by, obj=account, changes={"is_active": [True, False]}, extra={"reason": reason})


@audit_refusals("account.reactivate")
@transaction.atomic
def reactivate_account(account: Account, *, by: Account) -> str:
    """Reactivate a suspended account with a new one-time password."""
    _require_manage(by, account)
    password = temporary_password()
    account.is_active = True
    account.suspended_reason = ""
    account.last_seen_at = timezone.now()
    account.must_change_password = True
    account.set_password(password)
    account.save()
    audit.record("account.reactivate", by=by, obj=account, changes={"is_active": [False, True]})
    return password


@audit_refusals("account.reset_password")
@transaction.atomic
def reset_password(account: Account, *, by: Account) -> str:
    """Give an account a new one-time password, ending its sessions."""
    _require_manage(by, account)
    password = temporary_password()
    account.set_password(password)
    account.must_change_password = True
    account.save(update_fields=["password", "must_change_password"])
    _end_sessions_and_tokens(account)
    audit.record("account.reset_password", by=by, obj=account)
    return password


@audit_refusals("account.handover")
@transaction.atomic
def hand_over_admin(
    account: Account,
    *,
    by: Account,
    document_number: str,
    document_date: dt.date,
    to_full_name: str,
    to_email: str = "",
    to_phone: str = "",
    document_file: Any = None,
) -> tuple[AdminHandover, str]:
    """Hand a unit's admin account to a new holder by written document (Điều 5.1); forces new credentials."""
    if not account.is_admin:
        raise AccountRefused(_("Chỉ tài khoản quản trị mới bàn giao bằng văn bản."))
    if by.pk != account.pk:
        _require_manage(by, account)
    if not document_number.strip():
        raise AccountRefused(_("Hãy ghi số văn bản bàn giao."))
    if document_date > timezone.localdate():
        raise AccountRefused(_("Ngày văn bản bàn giao không thể sau ngày hôm nay."))
    before = audit.snapshot(account, ["full_name", "email", "phone"])
    handover = AdminHandover.objects.create(
        account=account,
        document_number=document_number.strip(),
        document_date=document_date,
        document_file=document_file or "",
        from_holder=account.full_name,
        to_holder=to_full_name,
        recorded_by=by,
    )
    password = temporary_password()
    account.full_name = to_full_name
    account.email = to_email
    account.phone = to_phone
    account.must_change_password = True
    account.acknowledged_at = None
    account.set_password(password)
    account.save()
    TOTPDevice.objects.filter(user=account).delete()
    _end_sessions_and_tokens(account)
    audit.record(
        "account.handover",
        by=by,
        obj=account,
        changes=audit.diff(before, audit.snapshot(account, ["full_name", "email", "phone"])),
        extra={"document_number": handover.document_number, "document_date": document_date},
    )
    return handover, password


# --- passwords -------------------------------------------------------------------------------------


@transaction.atomic
def change_password(account: Account, *, old_password: str, new_password: str) -> None:
    """The holder changes their own password; rules and history apply."""
    if not account.check_password(old_password):
        raise ValidationError(_("Mật khẩu hiện tại không đúng."), code="wrong_password")
    validate_password(new_password, account)
    PasswordHistory.objects.create(account=account, password=account.password)
    stale = account.password_history.values_list("pk", flat=True)[settings.EDUDB_PASSWORD_HISTORY :]
    PasswordHistory.objects.filter(pk__in=list(stale)).delete()
    account.set_password(new_password)
    account.must_change_password = False
    account.password_changed_at = timezone.now()
    account.save(update_fields=["password", "must_change_password", "password_changed_at"])
    audit.record("account.change_password", by=account, obj=account)


@transaction.atomic
def acknowledge_responsibilities(account: Account, terms: Any = None) -> None:
    """The holder accepts their duties under Điều 8.3 — at first sign-in and again after the Sở publishes a new
    version of the terms; the audit entry names the version accepted."""
    from edudb.oversight.terms import current_terms

    terms = terms or current_terms()
    account.acknowledged_at = timezone.now()
    account.save(update_fields=["acknowledged_at"])
    audit.record("account.acknowledge", by=account, obj=account, extra={"terms_version": terms.version})


# --- sign-in (R10.1) -------------------------------------------------------------------------------


class SignInStatus(StrEnum):
    OK = "ok"
    BAD_CREDENTIALS = "bad_credentials"
    LOCKED_ACCOUNT = "locked_account"
    LOCKED_ADDRESS = "locked_address"
    SUSPENDED = "suspended"
    EXPIRED = "expired"
    OTP_REQUIRED = "otp_required"
    OTP_INVALID = "otp_invalid"


SIGN_IN_MESSAGES = {
    SignInStatus.BAD_CREDENTIALS: gettext_noop(
        "Tên đăng nhập hoặc mật khẩu không đúng. Sau {limit} lần sai liên tiếp tài khoản sẽ bị tạm khóa {minutes} phút."
    ),
    SignInStatus.LOCKED_ACCOUNT: gettext_noop(
        "Tài khoản tạm khóa vì nhập sai mật khẩu {limit} lần. Hãy thử lại sau {minutes} phút hoặc nhờ quản trị đơn vị cấp lại mật khẩu."
    ),
    SignInStatus.LOCKED_ADDRESS: gettext_noop(
        "Máy của bạn đã đăng nhập sai {limit} lần. Hãy thử lại sau {minutes} phút."
    ),
    SignInStatus.SUSPENDED: gettext_noop(
        "Tài khoản đang tạm khóa. Hãy liên hệ quản trị của đơn vị cấp tài khoản cho bạn."
    ),
    SignInStatus.EXPIRED: gettext_noop("Tài khoản đã hết hạn sử dụng. Hãy liên hệ quản trị của đơn vị để gia hạn."),
    SignInStatus.OTP_REQUIRED: gettext_noop(
        "Tài khoản quản trị cần mã xác thực 6 chữ số từ ứng dụng xác thực (Google Authenticator…)."
    ),
    SignInStatus.OTP_INVALID: gettext_noop(
        "Mã xác thực không đúng hoặc đã hết hạn. Hãy nhập mã mới đang hiển thị trên ứng dụng."
    ),
}


@dataclass(frozen=True)
class SignInResult:
    status: SignInStatus
    account: Account | None = None
    device: TOTPDevice | None = None
    needs_otp_enrolment: bool = False

    @property
    def ok(self) -> bool:
        return self.status == SignInStatus.OK

    @property
    def message(self) -> str:
        template = SIGN_IN_MESSAGES.get(self.status, "")
        minutes = int(settings.EDUDB_LOCKOUT_WINDOW.total_seconds() // 60)
        return _(template).format(limit=settings.EDUDB_LOCKOUT_FAILURES, minutes=minutes) if template else ""


def _recent_failures(**filters: Any) -> int:
    since = timezone.now() - settings.EDUDB_LOCKOUT_WINDOW
    attempts = SignInAttempt.objects.filter(at__gte=since, **filters)
    last_success = attempts.filter(succeeded=True).order_by("-at").values_list("at", flat=True).first()
    if last_success:
        attempts = attempts.filter(at__gt=last_success)
    return attempts.filter(succeeded=False).count()


_DUMMY_HASH = None


def _burn_password_time(password: str) -> None:
    """Hash anyway for unknown usernames, so response time does not tell which usernames exist."""
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = make_password("not-a-real-password")
    from django.contrib.auth.hashers import check_password

    check_password(password, _DUMMY_HASH)


def sign_in(*, username: str, password: str, otp: str | None, ip: str | None, channel: str) -> SignInResult:
    """Check credentials with lockout per account and per address, and TOTP for admin accounts; audited.

    Our own rather than a lockout library because the attempt, the lockout, the second factor and the audit
    entry must be decided together, the same way for the sign-in page and the API token endpoint.
    """
    username = (username or "").strip().lower()[:150]
    limit = settings.EDUDB_LOCKOUT_FAILURES
    account = Account.objects.select_related("unit__kind").filter(username=username).first()

    def finish(status: SignInStatus, device: TOTPDevice | None = None, enrol: bool = False) -> SignInResult:
        succeeded = status == SignInStatus.OK
        with transaction.atomic():
            SignInAttempt.objects.create(username=username, ip=ip, succeeded=succeeded)
            audit.record(
                "signin.success" if succeeded else "signin.failure",
                by=account if succeeded else None,
                obj=account,
                username=username,
                extra={"channel": channel, **({} if succeeded else {"reason": str(status)})},
            )
        return SignInResult(status, account if succeeded else None, device, enrol)

    if _recent_failures(username=username) >= limit:
        return finish(SignInStatus.LOCKED_ACCOUNT)
    if ip and _recent_failures(ip=ip) >= limit:
        return finish(SignInStatus.LOCKED_ADDRESS)
    if account is None:
        _burn_password_time(password)
        return finish(SignInStatus.BAD_CREDENTIALS)
    if not account.check_password(password):
        return finish(SignInStatus.BAD_CREDENTIALS)
    if not account.is_active:
        return finish(SignInStatus.SUSPENDED)
    if account.is_expired:
        return finish(SignInStatus.EXPIRED)
    if account.is_admin:
        device = TOTPDevice.objects.filter(user=account, confirmed=True).first()
        if device is not None:
            if not otp:
                return finish(SignInStatus.OTP_REQUIRED)
            if not device.verify_token(otp.strip().replace(" ", "")):
                return finish(SignInStatus.OTP_INVALID)
            return finish(SignInStatus.OK, device=device)
        return finish(SignInStatus.OK, enrol=True)
    return finish(SignInStatus.OK)


def record_sign_out(account: Account) -> None:
    audit.record("signout", by=account, obj=account)


# --- two-factor enrolment ----------------------------------------------------------------------------


def pending_totp_device(account: Account) -> TOTPDevice:
    """The account's own unconfirmed device, or a new one: enrolment resumes where it stopped."""
    return TOTPDevice.objects.filter(user=account, confirmed=False).first() or start_totp_enrolment(account)


@transaction.atomic
def issue_api_token(account: Account) -> Token:
    """A fresh API token for the account; any older one stops working."""
    Token.objects.filter(user=account).delete()
    token = Token.objects.create(user=account)
    audit.record("account.api_token", by=account, obj=account)
    return token


def start_totp_enrolment(account: Account) -> TOTPDevice:
    """An unconfirmed TOTP device for the account (a fresh secret each time enrolment restarts)."""
    TOTPDevice.objects.filter(user=account, confirmed=False).delete()
    return TOTPDevice.objects.create(user=account, name=_("Ứng dụng xác thực"), confirmed=False)


@transaction.atomic
def confirm_totp_enrolment(account: Account, *, device: TOTPDevice, token: str) -> bool:
    """Confirm the device when the holder types a valid code; replaces any older device."""
    if device.user_id != account.pk or not device.verify_token(token.strip().replace(" ", "")):
        return False
    TOTPDevice.objects.filter(user=account).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit.record("account.totp_enrol", by=account, obj=account)
    return True


# --- housekeeping -------------------------------------------------------------------------------------


@transaction.atomic
def disable_inactive_accounts(*, now: dt.datetime | None = None) -> int:
    """Suspend accounts unused for the configured period (45 days); returns how many."""
    now = now or timezone.now()
    cutoff = now - settings.EDUDB_INACTIVE_DISABLE_AFTER
    stale = Account.objects.filter(is_active=True, created_at__lt=cutoff).exclude(last_seen_at__gte=cutoff)
    count = 0
    for account in stale.select_related("unit"):
        account.is_active = False
        account.suspended_reason = _("Tự động tạm khóa do không sử dụng quá %(days)s ngày.") % {
            "days": settings.EDUDB_INACTIVE_DISABLE_AFTER.days
        }
        account.save(update_fields=["is_active", "suspended_reason"])
        _end_sessions_and_tokens(account)
        audit.record(
            "account.auto_suspend", by=None, obj=account, username="system", changes={"is_active": [True, False]}
        )
        count += 1
    return count


def issuable_kinds(issuer: Account, unit: Unit) -> list[str]:
    return [kind for kind in AccountKind.values if issuance_refusal(issuer, unit, kind) is None]
