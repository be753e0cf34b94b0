"""Accounts (R4): one admin account per unit, user accounts its admin issues, grants, handovers, sign-in records."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edudb.core.models import Unit
from edudb.core.scoping import Domain, Function, ScopedQuerySet
from edudb.quality.text import clean_text, search_key


class AccountKind(models.TextChoices):
    """The two kinds of account of Điều 2.5."""

    ADMIN = "admin", _("Tài khoản quản trị")
    USER = "user", _("Tài khoản khai thác")


class AccountManager(BaseUserManager["Account"]):
    def get_queryset(self) -> ScopedQuerySet[Account]:
        return ScopedQuerySet(self.model, using=self._db)

    def visible_to(self, user: Any, function: str = Function.VIEW) -> ScopedQuerySet[Account]:
        return self.get_queryset().visible_to(user, function)

    def create_user(self, username: str, password: str | None = None, **fields: Any) -> Account:
        account = self.model(username=username, **fields)
        account.set_password(password)
        account.save(using=self._db)
        return account


class Account(AbstractBaseUser):
    """A sign-in account (tài khoản) of one unit: its admin account or one of its user accounts."""

    scope_unit_field: ClassVar[str] = "unit"
    scope_domain: ClassVar[Domain] = Domain.ACCOUNTS
    scope_function: ClassVar[str] = Function.MANAGE_ACCOUNTS  # accounts are personal data: managers only

    username = models.CharField(
        _("tên đăng nhập"),
        max_length=60,
        unique=True,
        help_text=_("Chữ thường không dấu, số, dấu chấm, gạch dưới, gạch ngang."),
    )
    full_name = models.CharField(_("họ và tên người sử dụng"), max_length=120)
    email = models.EmailField(_("thư điện tử"), blank=True)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    position = models.CharField(_("chức vụ"), max_length=120, blank=True)
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="accounts", verbose_name=_("đơn vị"))
    kind = models.CharField(_("loại tài khoản"), max_length=10, choices=AccountKind.choices)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    suspended_reason = models.CharField(_("lý do tạm khóa"), max_length=255, blank=True)
    expires_at = models.DateTimeField(_("hết hạn"), null=True, blank=True)
    must_change_password = models.BooleanField(_("phải đổi mật khẩu"), default=True)
    password_changed_at = models.DateTimeField(null=True, blank=True)
    last_seen_at = models.DateTimeField(_("hoạt động gần nhất"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("cam kết trách nhiệm lúc"), null=True, blank=True)
    issued_by = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("người cấp")
    )
    name_key = models.CharField(max_length=120, editable=False, db_index=True)
    created_at = models.DateTimeField(_("ngày cấp"), default=timezone.now)

    objects = AccountManager()

    USERNAME_FIELD = "username"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["unit__path", "kind", "username"]
        verbose_name = _("tài khoản")
        verbose_name_plural = _("tài khoản")
        constraints = [
            models.UniqueConstraint(
                fields=["unit"], condition=models.Q(kind="admin"), name="one_admin_account_per_unit"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.username} ({self.full_name})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.full_name = clean_text(self.full_name)
        self.name_key = search_key(f"{self.full_name} {self.username}")
        super().save(*args, **kwargs)

    @property
    def is_admin(self) -> bool:
        return self.kind == AccountKind.ADMIN

    @property
    def is_staff(self) -> bool:
        return False

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.rsplit(" ", 1)[-1]

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    def function_codes(self) -> set[str]:
        from edudb.core.scoping import scope_for

        scope = scope_for(self)
        return set(scope.functions) if scope else set()


class AccountFunction(models.Model):
    """A function a unit's admin granted to one of its user accounts (quy định nội bộ, Điều 6.5)."""

    account = models.ForeignKey(Account, models.CASCADE, related_name="functions")
    function = models.CharField(_("chức năng"), max_length=30, choices=Function.choices)
    granted_by = models.ForeignKey(Account, models.SET_NULL, null=True, related_name="+")
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("chức năng được giao")
        verbose_name_plural = _("chức năng được giao")
        constraints = [models.UniqueConstraint(fields=["account", "function"], name="one_grant_per_function")]

    def __str__(self) -> str:
        return f"{self.account.username}: {self.get_function_display()}"


class AdminHandover(models.Model):
    """The written handover (bàn giao bằng văn bản, Điều 5.1) of a unit's admin account to a new holder."""

    account = models.ForeignKey(Account, models.PROTECT, related_name="handovers")
    document_number = models.CharField(_("số văn bản"), max_length=60)
    document_date = models.DateField(_("ngày văn bản"))
    document_file = models.FileField(_("bản scan văn bản"), upload_to="handovers/%Y/", blank=True)
    from_holder = models.CharField(_("người bàn giao"), max_length=120)
    to_holder = models.CharField(_("người nhận bàn giao"), max_length=120)
    recorded_by = models.ForeignKey(Account, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at"]
        verbose_name = _("biên bản bàn giao tài khoản quản trị")
        verbose_name_plural = _("biên bản bàn giao tài khoản quản trị")

    def __str__(self) -> str:
        return f"{self.document_number} ({self.from_holder} → {self.to_holder})"


class SignInAttempt(models.Model):
    """One sign-in attempt, kept to lock out password guessing by account and by address."""

    username = models.CharField(max_length=150, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    succeeded = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["ip", "at"], name="signin_ip_at_idx")]

    def __str__(self) -> str:
        return f"{self.username}@{self.ip} {self.at:%Y-%m-%d %H:%M} {'ok' if self.succeeded else 'fail'}"


class PasswordHistory(models.Model):
    """A password hash an account used before, so it cannot be reused (R10.1)."""

    account = models.ForeignKey(Account, models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.account_id} @ {self.created_at:%Y-%m-%d}"
