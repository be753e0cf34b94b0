"""Feedback and complaints about data (R8.3; Điều 10.5) and personal-data requests (R8.4; Điều 10.3).

One model, :class:`Feedback`, carries both:

- a complaint that a record is wrong (``kind=record``) or that a report figure is wrong (``kind=figure``), filed by
  any account about a record it can see, or by a parent / the student through the public form;
- a data subject's request (``access``, ``correction``, ``restriction``) under the personal-data law (Law
  91/2025/QH15, Decree 356/2025/NĐ-CP), filed through the public form by the student or a parent/guardian.

The subject is a generic reference (``subject_type`` = model label, ``subject_id``, ``subject_repr`` = the display
text at filing), one of :data:`SUBJECTS`. The **unit in charge** (``unit``) is derived from the subject, never chosen:
the student's or staff member's school, or the unit itself. Rows are scoped by that unit, per row by the subject's
component database (``scope_domain_field = "domain"``): the accounts that see the subject's data see the complaint.
Handling needs the ``review`` function ("Rà soát dữ liệu"); the filer account also sees its own items through
``services.unscoped_filed_by`` (what it filed and the outcome it is owed — nothing else of the unit).

States: received → in progress (the unit acknowledged it) → answered (corrected / not corrected, with the answer)
→ closed. The deadline is computed at filing (``services.deadline_for``); past it an open item is escalated once to
the unit above (``services.escalate_overdue``, a periodic task). The timeline is the item's own audit entries.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edudb.core.models import AuditEntry, Unit
from edudb.core.scoping import Domain, ScopedQuerySet


class Kind(models.TextChoices):
    RECORD = "record", _("Phản ánh thông tin hồ sơ chưa đúng")
    FIGURE = "figure", _("Phản ánh số liệu báo cáo chưa đúng")
    ACCESS = "access", _("Yêu cầu xem dữ liệu cá nhân")
    CORRECTION = "correction", _("Yêu cầu chỉnh sửa dữ liệu cá nhân")
    RESTRICTION = "restriction", _("Yêu cầu hạn chế xử lý dữ liệu cá nhân")


COMPLAINT_KINDS = frozenset({Kind.RECORD, Kind.FIGURE})
PERSONAL_DATA_KINDS = frozenset({Kind.ACCESS, Kind.CORRECTION, Kind.RESTRICTION})


class State(models.TextChoices):
    RECEIVED = "received", _("Đã tiếp nhận")
    IN_PROGRESS = "in_progress", _("Đang xử lý")
    ANSWERED = "answered", _("Đã trả lời")
    CLOSED = "closed", _("Đã đóng")


OPEN_STATES = (State.RECEIVED, State.IN_PROGRESS)


class Outcome(models.TextChoices):
    CORRECTED = "corrected", _("Đã điều chỉnh dữ liệu")
    NOT_CORRECTED = "not_corrected", _("Dữ liệu đúng, không điều chỉnh")
    PROVIDED = "provided", _("Đã cung cấp dữ liệu")
    RESTRICTED = "restricted", _("Đã hạn chế xử lý")
    REFUSED = "refused", _("Không thực hiện được (nêu lý do)")


class Relation(models.TextChoices):
    """Who filed through the public form, in relation to the student."""

    FATHER = "father", _("Cha")
    MOTHER = "mother", _("Mẹ")
    GUARDIAN = "guardian", _("Người giám hộ")
    STUDENT = "student", _("Học sinh (chính chủ thể dữ liệu)")


class Feedback(models.Model):
    """One complaint about data, or one data subject's request, with its handling."""

    scope_unit_field: ClassVar[str] = "unit"
    scope_domain_field: ClassVar[str] = "domain"

    reference = models.CharField(_("số phản ánh"), max_length=12, unique=True)
    kind = models.CharField(_("loại"), max_length=12, choices=Kind.choices)
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="+", verbose_name=_("đơn vị xử lý"))
    domain = models.CharField(_("cơ sở dữ liệu"), max_length=20, choices=Domain.choices)
    subject_type = models.CharField(_("loại đối tượng"), max_length=60)
    subject_id = models.PositiveBigIntegerField(_("mã đối tượng"))
    subject_repr = models.CharField(_("đối tượng"), max_length=255)
    # A figure complaint: the reporting period (its approved report) or the live statistics, and which indicator.
    period = models.ForeignKey(
        "reporting.ReportingPeriod",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kỳ báo cáo"),
    )
    indicator = models.CharField(_("chỉ tiêu"), max_length=40, blank=True)
    figure = models.CharField(_("số liệu được phản ánh"), max_length=255, blank=True)
    text = models.TextField(_("nội dung"))

    filer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tài khoản gửi"),
    )
    filer_name = models.CharField(_("họ và tên người gửi"), max_length=120, blank=True)
    filer_relation = models.CharField(_("quan hệ với học sinh"), max_length=10, choices=Relation.choices, blank=True)
    filer_contact = models.CharField(_("điện thoại hoặc thư điện tử"), max_length=120, blank=True)
    access_code_hash = models.CharField(max_length=64, blank=True)

    state = models.CharField(_("trạng thái"), max_length=12, choices=State.choices, default=State.RECEIVED)
    filed_at = models.DateTimeField(_("gửi lúc"), default=timezone.now)
    ack_due = models.DateField(_("hạn phản hồi tiếp nhận"), null=True, blank=True)
    deadline = models.DateField(_("hạn xử lý"))
    taken_at = models.DateTimeField(_("tiếp nhận xử lý lúc"), null=True, blank=True)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người xử lý"),
    )
    outcome = models.CharField(_("kết quả"), max_length=15, choices=Outcome.choices, blank=True)
    answer = models.TextField(_("trả lời"), blank=True)
    answered_at = models.DateTimeField(_("trả lời lúc"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người trả lời"),
    )
    closed_at = models.DateTimeField(_("đóng lúc"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("chuyển cấp trên lúc"), null=True, blank=True)
    escalated_to = models.ForeignKey(
        Unit, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("chuyển đơn vị quản lý")
    )
    # A restriction request granted: the flag the record's processing must honour (see docs/feedback.md).
    restricted = models.BooleanField(_("đã hạn chế xử lý"), default=False)
    # The audit entries of the subject's changes the answer points to, and the reporting cycle's correction request.
    changes = models.ManyToManyField(
        AuditEntry, blank=True, related_name="+", verbose_name=_("thay đổi dữ liệu liên quan")
    )
    correction = models.ForeignKey(
        "reporting.Correction",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("đề nghị điều chỉnh báo cáo"),
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = _("phản ánh về dữ liệu")
        verbose_name_plural = _("phản ánh về dữ liệu")
        indexes = [
            models.Index(fields=["unit", "state", "deadline"], name="feedback_unit_state_idx"),
            models.Index(fields=["subject_type", "subject_id"], name="feedback_subject_idx"),
            models.Index(fields=["filer", "filed_at"], name="feedback_filer_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.subject_repr}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_personal_data(self) -> bool:
        return self.kind in PERSONAL_DATA_KINDS

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return self.is_open and self.deadline < (today or timezone.localdate())
