"""Sign-in, first-sign-in steps, and account management pages."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable
from io import BytesIO
from typing import Any

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from edudb.accounts import services
from edudb.accounts.forms import (
    AccountSearchForm,
    AcknowledgeForm,
    FunctionsForm,
    HandoverForm,
    IssueAccountForm,
    PasswordChangeForm,
    SignInForm,
    SuspendForm,
    TotpConfirmForm,
)
from edudb.accounts.middleware import ENROL_TOTP, SIGNED_IN_AT
from edudb.accounts.models import Account, AccountFunction, AccountKind
from edudb.core.middleware import client_ip
from edudb.core.models import Unit, subtree_q
from edudb.core.scoping import Function, get_scoped_or_404
from edudb.core.views_base import ScopedDetailView, ScopedListView, htmx_target
from edudb.quality.text import search_key

BACKEND = "edudb.accounts.backends.AccountBackend"


def login_view(request: HttpRequest) -> HttpResponse:
    """Sign in with lockout and, for admin accounts, a TOTP code."""
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = services.sign_in(
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
            otp=form.cleaned_data["otp"],
            ip=client_ip(request),
            channel="web",
        )
        if result.ok and result.account is not None:
            login(request, result.account, backend=BACKEND)
            if result.device is not None:
                otp_login(request, result.device)
            request.session[SIGNED_IN_AT] = timezone.now().timestamp()
            if result.needs_otp_enrolment:
                request.session[ENROL_TOTP] = True
            target = request.GET.get("next", "")
            if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
                target = ""
            return redirect(target or "core:home")
        field = (
            "otp" if result.status in {services.SignInStatus.OTP_REQUIRED, services.SignInStatus.OTP_INVALID} else None
        )
        form.add_error(field, result.message)
    return render(request, "accounts/login.html", {"form": form})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        services.record_sign_out(request.user)
    logout(request)
    messages.info(request, _("Bạn đã đăng xuất."))
    return redirect("accounts:login")


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        account: Account = request.user  # type: ignore[assignment]
        try:
            services.change_password(
                account, old_password=form.cleaned_data["old_password"], new_password=form.cleaned_data["new_password1"]
            )
        except ValidationError as exc:
            target = "old_password" if getattr(exc, "code", None) == "wrong_password" else "new_password1"
            form.add_error(target, exc)
        else:
            signed_in_at = request.session.get(SIGNED_IN_AT)
            login(request, account, backend=BACKEND)  # keeps this session valid with the new password
            request.session[SIGNED_IN_AT] = signed_in_at
            messages.success(request, _("Đã đổi mật khẩu."))
            return redirect("core:home")
    return render(request, "accounts/password_change.html", {"form": form})


@login_required
def acknowledge(request: HttpRequest) -> HttpResponse:
    from edudb.oversight.terms import current_terms

    terms = current_terms()
    form = AcknowledgeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.acknowledge_responsibilities(request.user, terms)  # type: ignore[arg-type]
        return redirect("core:home")
    # An account issued before this version was published acknowledged an earlier one: say what changed.
    renewed = terms.version > 1 and request.user.created_at < terms.published_at  # type: ignore[union-attr]
    return render(request, "accounts/acknowledge.html", {"form": form, "terms": terms, "renewed": renewed})


def qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


@login_required
def totp_enrol(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: scan the QR code, type one code to confirm."""
    account: Account = request.user  # type: ignore[assignment]
    device = services.pending_totp_device(account)
    form = TotpConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.confirm_totp_enrolment(account, device=device, token=form.cleaned_data["token"]):
            otp_login(request, device)
            request.session.pop(ENROL_TOTP, None)
            messages.success(request, _("Đã bật xác thực hai lớp cho tài khoản."))
            return redirect("core:home")
        form.add_error("token", _("Mã không đúng. Hãy kiểm tra giờ trên điện thoại và nhập mã đang hiển thị."))
    plain = base64.b32encode(device.bin_key).decode()
    secret = " ".join(plain[i : i + 4] for i in range(0, len(plain), 4))  # read out in groups of four
    # The QR code is our own SVG generated from the device URI, never user input.
    # nosemgrep: edudb-mark-safe -- our own QR SVG, never user input
    context = {"form": form, "qr": mark_safe(qr_svg(device.config_url)), "secret": secret}  # noqa: S308
    return render(request, "accounts/totp_enrol.html", context)


# --- account management -------------------------------------------------------------------------------


class AccountListView(ScopedListView):
    """Accounts of the user's unit and the units below it."""

    model = Account
    function = Function.MANAGE_ACCOUNTS
    template_name = "accounts/account_list.html"

    def refine(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        self.form = AccountSearchForm(self.request.GET or None)
        if self.form.is_valid():
            data = self.form.cleaned_data
            if data["q"]:
                queryset = queryset.filter(name_key__contains=search_key(data["q"]))
            if data["kind"]:
                queryset = queryset.filter(kind=data["kind"])
            if data["status"]:
                queryset = queryset.filter(is_active=data["status"] == "active")
        return queryset.select_related("unit__kind").order_by("unit__path", "kind", "username")

    def get_template_names(self) -> list[str]:
        if htmx_target(self.request) == "account-results":
            return ["accounts/account_list.html#results"]
        return [self.template_name]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(form=self.form, **kwargs)


class AccountDetailView(ScopedDetailView):
    """One account: holder, grants, handovers, and the actions its manager may take."""

    model = Account
    function = Function.MANAGE_ACCOUNTS
    template_name = "accounts/account_detail.html"

    def refine(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("unit__kind", "issued_by")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        account: Account = self.object
        granted = set(account.functions.values_list("function", flat=True))
        manager: Account = self.request.user  # type: ignore[assignment]
        return super().get_context_data(
            functions_form=FunctionsForm(initial={"functions": sorted(granted)}),
            granted=[f for f in Function if f.value in granted],
            suspend_form=SuspendForm(),
            handover_form=HandoverForm(),
            handovers=account.handovers.all()[:20],
            can_manage=services.can_manage(manager, account),
            can_suspend=services.can_suspend(manager, account),
            can_hand_over=account.is_admin and (manager.pk == account.pk or services.can_manage(manager, account)),
            **kwargs,
        )


def _one_time_password(request: HttpRequest, account: Account, password: str, title: str) -> HttpResponse:
    """Show a new one-time password once; it is never stored in clear."""
    response = render(
        request, "accounts/one_time_password.html", {"account": account, "password": password, "title": title}
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
def account_issue(request: HttpRequest) -> HttpResponse:
    """Issue an account for the user's unit or a unit directly below it (Điều 5)."""
    issuer: Account = request.user  # type: ignore[assignment]
    initial = {"unit": request.GET.get("unit"), "kind": request.GET.get("kind", AccountKind.USER)}
    form = IssueAccountForm(request.POST or None, issuer=issuer, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        expires = data["expires_at"]
        try:
            account, password = services.issue_account(
                by=issuer,
                unit=data["unit"],
                kind=data["kind"],
                username=data["username"],
                full_name=data["full_name"],
                email=data["email"],
                phone=data["phone"],
                position=data["position"],
                functions=data["functions"],
                expires_at=timezone.make_aware(dt.datetime.combine(expires, dt.time.max)) if expires else None,
            )
        except services.AccountRefused as exc:
            form.add_error(None, str(exc))
        else:
            return _one_time_password(request, account, password, _("Đã cấp tài khoản"))
    return render(request, "accounts/account_issue.html", {"form": form})


def _account(request: HttpRequest) -> Account:
    """The signed-in account (login_required has run)."""
    user = request.user
    assert isinstance(user, Account)  # noqa: S101 - guaranteed by login_required
    return user


def _managed_account(request: HttpRequest, pk: int) -> Account:
    return get_scoped_or_404(
        Account.objects.select_related("unit__kind"), request.user, Function.MANAGE_ACCOUNTS, pk=pk
    )


def _act(request: HttpRequest, account: Account, operation: Callable[[], object], done: str) -> HttpResponse:
    """Run one account operation, say how it went, and go back to the account's page."""
    try:
        operation()
        messages.success(request, done)
    except services.AccountRefused as exc:
        messages.error(request, str(exc))
    return redirect("accounts:detail", pk=account.pk)


def _new_password(request: HttpRequest, account: Account, operation: Callable[[], str], title: str) -> HttpResponse:
    """Run an operation that issues a new one-time password, and show it once."""
    try:
        password = operation()
    except services.AccountRefused as exc:
        messages.error(request, str(exc))
        return redirect("accounts:detail", pk=account.pk)
    return _one_time_password(request, account, password, title)


@login_required
@require_POST
def account_functions(request: HttpRequest, pk: int) -> HttpResponse:
    account, by = _managed_account(request, pk), _account(request)
    form = FunctionsForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Chức năng không hợp lệ."))
        return redirect("accounts:detail", pk=account.pk)
    functions = form.cleaned_data["functions"]
    return _act(
        request,
        account,
        lambda: services.set_functions(account, by=by, functions=functions),
        _("Đã cập nhật chức năng được giao."),
    )


@login_required
@require_POST
def account_suspend(request: HttpRequest, pk: int) -> HttpResponse:
    account, by = _managed_account(request, pk), _account(request)
    form = SuspendForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Hãy ghi lý do tạm khóa (tối đa 255 ký tự)."))
        return redirect("accounts:detail", pk=account.pk)
    reason = form.cleaned_data["reason"]
    return _act(
        request,
        account,
        lambda: services.suspend_account(account, by=by, reason=reason),
        _("Đã tạm khóa tài khoản; mọi phiên làm việc của tài khoản đã kết thúc."),
    )


@login_required
@require_POST
def account_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    account, by = _managed_account(request, pk), _account(request)
    operation = lambda: services.reactivate_account(account, by=by)  # noqa: E731
    return _new_password(request, account, operation, _("Đã mở khóa tài khoản"))


@login_required
@require_POST
def account_reset_password(request: HttpRequest, pk: int) -> HttpResponse:
    account, by = _managed_account(request, pk), _account(request)
    operation = lambda: services.reset_password(account, by=by)  # noqa: E731
    return _new_password(request, account, operation, _("Đã cấp lại mật khẩu"))


@login_required
@require_POST
def account_handover(request: HttpRequest, pk: int) -> HttpResponse:
    account = _managed_account(request, pk)
    form = HandoverForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            _handover, password = services.hand_over_admin(
                account,
                by=request.user,  # type: ignore[arg-type]
                document_number=data["document_number"],
                document_date=data["document_date"],
                to_full_name=data["to_full_name"],
                to_email=data["to_email"],
                to_phone=data["to_phone"],
                document_file=data["document_file"],
            )
        except services.AccountRefused as exc:
            form.add_error(None, str(exc))
        else:
            if account.pk == request.user.pk:
                logout(request)
            return _one_time_password(request, account, password, _("Đã bàn giao tài khoản quản trị"))
    return render(request, "accounts/handover.html", {"account": account, "form": form})


@login_required
def access_review(request: HttpRequest, pk: int) -> HttpResponse:
    """Who can do what in a unit and below (R4.5): every account with its kind, state and functions."""
    unit = get_scoped_or_404(Unit, request.user, Function.MANAGE_ACCOUNTS, pk=pk)
    accounts = (
        Account.objects.visible_to(request.user, Function.MANAGE_ACCOUNTS)
        .filter(subtree_q(unit.path, "unit__"))
        .select_related("unit")
        .prefetch_related(Prefetch("functions", queryset=AccountFunction.objects.only("account_id", "function")))
        .order_by("unit__path", "kind", "username")
    )
    page = ScopedListView.paginator_class(accounts, 100).get_page(request.GET.get("page"))
    for account in page:
        account.granted = {f.function for f in account.functions.all()}
    return render(request, "accounts/access_review.html", {"unit": unit, "page_obj": page, "functions": list(Function)})
