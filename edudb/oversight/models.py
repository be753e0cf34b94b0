"""Governance records (R9.3–R9.4): the terms every account holder accepts (Điều 8.3), the six-monthly account review,
and each unit's organisational records — its internal rules (Điều 6.5), its deployment team or steering committee
with the technical focal point (Điều 11.2, 12.1) and the head answerable for its data (Điều 8.2)."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from edudb.core.models import Category, Unit
from edudb.core.scoping import Domain, Function, ScopedQuerySet, scope_for


class TermsQuerySet(models.QuerySet["Terms"]):
    def visible_to(self, user: Any, function: str = Function.VIEW, *, via: str | None = None) -> TermsQuerySet:
        """The terms are the whole city's: every signed-in account of a unit reads every version."""
        return self if scope_for(user) is not None else self.none()


class Terms(models.Model):
    """One version of the responsibilities every account holder accepts (cam kết trách nhiệm, Điều 8.3)."""

    version = models.PositiveSmallIntegerField(_("phiên bản"), unique=True)
    effective_on = models.DateField(_("áp dụng từ ngày"))
    text = models.TextField(_("nội dung cam kết"), help_text=_("Mỗi dòng là một trách nhiệm."))
    published_at = models.DateTimeField(_("công bố lúc"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người công bố"),
    )

    objects = TermsQuerySet.as_manager()

    class Meta:
        ordering = ["-version"]
        verbose_name = _("nội dung cam kết trách nhiệm")
        verbose_name_plural = _("nội dung cam kết trách nhiệm")

    def __str__(self) -> str:
        return str(_("Cam kết trách nhiệm — phiên bản %(v)s") % {"v": self.version})

    @property
    def lines(self) -> list[str]:
        return [line.strip().lstrip("-•").strip() for line in self.text.splitlines() if line.strip()]


# --- the six-monthly account review (R10.1) ---------------------------------------------------------------------------


class Half(models.IntegerChoices):
    FIRST = 1, _("6 tháng đầu năm")
    SECOND = 2, _("6 tháng cuối năm")


def half_of(day: dt.date) -> tuple[int, int]:
    return day.year, 1 if day.month <= 6 else 2


def half_bounds(year: int, half: int) -> tuple[dt.date, dt.date]:
    return (dt.date(year, 1, 1), dt.date(year, 6, 30)) if half == 1 else (dt.date(year, 7, 1), dt.date(year, 12, 31))


REVIEW_DAYS = 30  # the head confirms within a month of the review opening


class ReviewQuerySet(ScopedQuerySet["AccountReview"]):
    def visible_to(
        self, user: Any, function: str = Function.VIEW, *, via: str | None = None
    ) -> ScopedQuerySet[AccountReview]:
        """Those who manage the unit's accounts see its review, and so does the unit's head (who may hold no
        function beyond viewing)."""
        managed = super().visible_to(user, function, via=via)
        if scope_for(user) is None:
            return managed
        return managed | self.filter(unit__charter__head_account=user)


class AccountReview(models.Model):
    """A unit's account review for one half-year: who held which functions, confirmed by the head of the unit."""

    scope_unit_field: ClassVar[str] = "unit"
    scope_domain: ClassVar[Domain] = Domain.ACCOUNTS
    scope_function: ClassVar[str] = Function.MANAGE_ACCOUNTS

    unit = models.ForeignKey(Unit, models.CASCADE, related_name="account_reviews", verbose_name=_("đơn vị"))
    year = models.PositiveSmallIntegerField(_("năm"))
    half = models.PositiveSmallIntegerField(_("kỳ rà soát"), choices=Half.choices)
    opened_at = models.DateTimeField(_("mở lúc"))
    due_on = models.DateField(_("hạn xác nhận"))
    snapshot = models.JSONField(_("danh sách tài khoản và chức năng"), default=list)
    confirmed_at = models.DateTimeField(_("xác nhận lúc"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người xác nhận"),
    )
    changes_note = models.TextField(_("những thay đổi cần thực hiện"), blank=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-half", "unit__path"]
        verbose_name = _("rà soát tài khoản")
        verbose_name_plural = _("rà soát tài khoản")
        constraints = [models.UniqueConstraint(fields=["unit", "year", "half"], name="one_review_per_unit_half")]

    def __str__(self) -> str:
        return str(
            _("Rà soát tài khoản %(half)s/%(year)s — %(unit)s")
            % {"half": self.half, "year": self.year, "unit": self.unit}
        )

    @property
    def label(self) -> str:
        return str(_("Kỳ %(half)s năm %(year)s") % {"half": "I" if self.half == 1 else "II", "year": self.year})

    def is_overdue(self, today: dt.date) -> bool:
        return self.confirmed_at is None and today > self.due_on


# --- the organisational records (Điều 6.5, 8.2, 11.2, 12.1) -----------------------------------------------------------


class Charter(models.Model):
    """A unit's organisational record: its internal rules document and the head answerable for its data."""

    scope_unit_field: ClassVar[str] = "unit"
    scope_domain: ClassVar[Domain] = Domain.UNITS

    unit = models.OneToOneField(Unit, models.CASCADE, related_name="charter", verbose_name=_("đơn vị"))
    rules_number = models.CharField(_("số văn bản quy định nội bộ"), max_length=60, blank=True)
    rules_date = models.DateField(_("ngày ban hành"), null=True, blank=True)
    rules_signer = models.CharField(_("người ký"), max_length=120, blank=True)
    rules_file = models.FileField(_("tệp văn bản (PDF)"), upload_to="charters/%Y/", max_length=255, blank=True)
    head_account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="headed_charters",
        verbose_name=_("thủ trưởng đơn vị (tài khoản)"),
    )
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người cập nhật"),
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("hồ sơ tổ chức thực hiện")
        verbose_name_plural = _("hồ sơ tổ chức thực hiện")

    def __str__(self) -> str:
        return str(self.unit)


class TeamRole(models.TextChoices):
    LEAD = "lead", _("Trưởng ban")
    DEPUTY = "deputy", _("Phó ban")
    MEMBER = "member", _("Thành viên")
    TECHNICAL = "technical", _("Đầu mối kỹ thuật")


def team_name(unit: Unit) -> str:
    """Điều 11.2: the Sở and the managers set up a steering committee; Điều 12.1: an institution a deployment team."""
    if unit.kind.category == Category.INSTITUTION:
        return str(_("Ban tổ chức triển khai Hệ thống CSDL Ngành"))
    return str(_("Ban chỉ đạo triển khai Hệ thống CSDL Ngành"))


class TeamMember(models.Model):
    """A member of a unit's deployment team or steering committee; the technical focal point is one of them."""

    scope_unit_field: ClassVar[str] = "unit"
    scope_domain: ClassVar[Domain] = Domain.UNITS

    unit = models.ForeignKey(Unit, models.CASCADE, related_name="team_members", verbose_name=_("đơn vị"))
    full_name = models.CharField(_("họ và tên"), max_length=120)
    position = models.CharField(_("chức vụ"), max_length=120, blank=True)
    role = models.CharField(_("vai trò trong ban"), max_length=10, choices=TeamRole.choices, default=TeamRole.MEMBER)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["unit_id", "order", "pk"]
        verbose_name = _("thành viên ban triển khai")
        verbose_name_plural = _("thành viên ban triển khai")

    def __str__(self) -> str:
        return f"{self.full_name} ({self.get_role_display()})"


ROLE_ORDER = {TeamRole.LEAD: 0, TeamRole.DEPUTY: 1, TeamRole.TECHNICAL: 2, TeamRole.MEMBER: 3}
