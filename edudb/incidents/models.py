"""Technical incident reports to the Sở (R9.2; Điều 7.2 of the regulation).

Any unit reports a problem with the system (category, severity, what happened, screenshots); the Sở triages it
(confirms the severity, flags it as a security incident, assigns it), works on it, resolves and closes it; the
reporting unit may reopen it. Every step is an :class:`IncidentEvent` on the incident's timeline and an entry of the
audit trail. Security incidents carry the legal reporting clocks (see ``edudb.incidents.clocks``).

Scoping: an incident belongs to the unit that reported it (``scope_unit_field = "unit"``, domain "units"): that
unit, the managing units above it and the Sở (with its offices, by their oversight) see it. Units named as
*affected* do not see an incident reported by another unit through the scoping door (one FK path keeps the filter
a single indexed prefix query); they learn of it by the notification and by the extension it gave them.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from edudb.core.models import Unit
from edudb.core.scoping import Domain, ScopedQuerySet


class IncidentCategory(models.TextChoices):
    SIGN_IN = "sign_in", _("Không đăng nhập được")
    DATA = "data", _("Dữ liệu sai hoặc bị mất")
    SLOW = "slow", _("Hệ thống chậm hoặc không truy cập được")
    EXCHANGE = "exchange", _("Lỗi nhập, xuất dữ liệu (Excel)")
    SECURITY = "security", _("An toàn thông tin: nghi truy cập trái phép, lộ lọt dữ liệu, mã độc…")
    OTHER = "other", _("Khác")


class IncidentSeverity(models.TextChoices):
    LOW = "low", _("Thấp")
    MEDIUM = "medium", _("Trung bình")
    HIGH = "high", _("Cao")
    CRITICAL = "critical", _("Nghiêm trọng")


class IncidentState(models.TextChoices):
    """reported → triaged → in progress → resolved → closed; a resolved or closed incident may be reopened."""

    REPORTED = "reported", _("Mới báo cáo")
    TRIAGED = "triaged", _("Đã tiếp nhận")
    IN_PROGRESS = "in_progress", _("Đang xử lý")
    RESOLVED = "resolved", _("Đã khắc phục")
    CLOSED = "closed", _("Đã đóng")


OPEN_STATES = (IncidentState.REPORTED, IncidentState.TRIAGED, IncidentState.IN_PROGRESS)


class Incident(models.Model):
    """One technical problem a unit reported to the Sở (số hiệu SC-<năm>-<số thứ tự>)."""

    scope_unit_field: ClassVar[str] = "unit"
    scope_domain: ClassVar[Domain] = Domain.UNITS

    number = models.CharField(_("số hiệu"), max_length=20, unique=True)
    year = models.PositiveSmallIntegerField(_("năm"))
    sequence = models.PositiveIntegerField(_("số thứ tự trong năm"))
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="incidents", verbose_name=_("đơn vị báo cáo"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("người báo cáo")
    )
    reported_at = models.DateTimeField(_("báo cáo lúc"))
    category = models.CharField(_("loại sự cố"), max_length=12, choices=IncidentCategory.choices)
    severity = models.CharField(_("mức độ"), max_length=10, choices=IncidentSeverity.choices)
    title = models.CharField(_("tóm tắt"), max_length=200)
    description = models.TextField(_("diễn biến sự cố"))
    started_at = models.DateTimeField(_("bắt đầu xảy ra lúc"), null=True, blank=True)
    detected_at = models.DateTimeField(_("phát hiện lúc"))
    affected_units = models.ManyToManyField(
        Unit, related_name="affecting_incidents", blank=True, verbose_name=_("đơn vị bị ảnh hưởng")
    )
    state = models.CharField(
        _("trạng thái"), max_length=12, choices=IncidentState.choices, default=IncidentState.REPORTED
    )
    is_security = models.BooleanField(_("sự cố an toàn thông tin"), default=False)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người xử lý"),
    )
    triaged_at = models.DateTimeField(_("tiếp nhận lúc"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("khắc phục lúc"), null=True, blank=True)
    resolution = models.TextField(_("kết quả xử lý"), blank=True)
    closed_at = models.DateTimeField(_("đóng lúc"), null=True, blank=True)
    # The two legal reports of a security incident, denormalised from SecurityReport for the list's clocks.
    initial_report_at = models.DateTimeField(_("báo cáo ban đầu lúc"), null=True, blank=True)
    full_report_at = models.DateTimeField(_("báo cáo đầy đủ lúc"), null=True, blank=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-reported_at", "-pk"]
        verbose_name = _("sự cố kỹ thuật")
        verbose_name_plural = _("sự cố kỹ thuật")
        constraints = [models.UniqueConstraint(fields=["year", "sequence"], name="one_incident_number_per_year")]
        indexes = [models.Index(fields=["state", "is_security"], name="incident_state_security")]

    def __str__(self) -> str:
        return f"{self.number}: {self.title}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @staticmethod
    def format_number(year: int, sequence: int) -> str:
        return f"SC-{year}-{sequence:04d}"


class SecurityReport(models.Model):
    """One of the two legal reports of a security incident: who made it, when, to whom, under which document."""

    scope_unit_field: ClassVar[str] = "incident__unit"
    scope_domain: ClassVar[Domain] = Domain.UNITS

    class Kind(models.TextChoices):
        INITIAL = "initial", _("Báo cáo ban đầu")
        FULL = "full", _("Báo cáo đầy đủ")

    incident = models.ForeignKey(Incident, models.CASCADE, related_name="security_reports")
    kind = models.CharField(_("loại báo cáo"), max_length=10, choices=Kind.choices)
    made_at = models.DateTimeField(_("báo cáo lúc"))
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("người báo cáo")
    )
    recipient = models.CharField(_("gửi tới cơ quan"), max_length=255)
    document_number = models.CharField(_("số văn bản"), max_length=60)
    note = models.TextField(_("ghi chú"), blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["made_at"]
        verbose_name = _("báo cáo sự cố an toàn thông tin")
        verbose_name_plural = _("báo cáo sự cố an toàn thông tin")
        constraints = [models.UniqueConstraint(fields=["incident", "kind"], name="one_security_report_per_kind")]

    def __str__(self) -> str:
        return f"{self.incident.number} — {self.get_kind_display()}"


def screenshot_path(instance: Screenshot, filename: str) -> str:
    """Stored under a random name (never the uploader's) with the extension of the type found in the content."""
    ext = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp"}.get(instance.content_type, "bin")
    today = dt.date.today()
    return f"incidents/{today:%Y/%m}/{uuid.uuid4().hex}.{ext}"


class Screenshot(models.Model):
    """A screenshot attached to an incident (PNG, JPEG or WebP, checked by content); served only through the door."""

    scope_unit_field: ClassVar[str] = "incident__unit"
    scope_domain: ClassVar[Domain] = Domain.UNITS

    incident = models.ForeignKey(Incident, models.CASCADE, related_name="screenshots")
    file = models.FileField(_("tệp"), upload_to=screenshot_path, max_length=255)
    content_type = models.CharField(_("kiểu tệp"), max_length=20)
    size = models.PositiveIntegerField(_("dung lượng (byte)"))
    original_name = models.CharField(_("tên tệp gốc"), max_length=255)
    uploaded_at = models.DateTimeField(_("tải lên lúc"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("người tải lên")
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("ảnh chụp màn hình")
        verbose_name_plural = _("ảnh chụp màn hình")

    def __str__(self) -> str:
        return self.original_name


class IncidentEvent(models.Model):
    """One line of an incident's timeline: a comment, a change of state, an assignment, a report, an extension."""

    scope_unit_field: ClassVar[str] = "incident__unit"
    scope_domain: ClassVar[Domain] = Domain.UNITS

    class Kind(models.TextChoices):
        REPORTED = "reported", _("Báo cáo sự cố")
        COMMENT = "comment", _("Trao đổi")
        STATE = "state", _("Chuyển trạng thái")
        TRIAGE = "triage", _("Tiếp nhận, phân công")
        SCREENSHOT = "screenshot", _("Thêm ảnh chụp màn hình")
        SECURITY_REPORT = "security_report", _("Báo cáo sự cố an toàn thông tin")
        EXTENSION = "extension", _("Gia hạn báo cáo")
        AFFECTED = "affected", _("Đơn vị bị ảnh hưởng")

    incident = models.ForeignKey(Incident, models.CASCADE, related_name="events")
    at = models.DateTimeField(_("lúc"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("người thực hiện")
    )
    kind = models.CharField(_("loại"), max_length=16, choices=Kind.choices)
    from_state = models.CharField(_("từ trạng thái"), max_length=12, choices=IncidentState.choices, blank=True)
    to_state = models.CharField(_("sang trạng thái"), max_length=12, choices=IncidentState.choices, blank=True)
    text = models.TextField(_("nội dung"), blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("diễn biến xử lý sự cố")
        verbose_name_plural = _("diễn biến xử lý sự cố")

    def __str__(self) -> str:
        return f"{self.incident_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"

    def describe(self) -> Any:
        return self.get_kind_display()
