"""School years (năm học), their reporting periods, and each unit's submitted reports (R7.1–R7.3)."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from edudb.core.models import Unit
from edudb.core.scoping import Domain, Function, ScopedQuerySet, scope_for

SUMMER = 3  # the summer holiday after a school year, as a "term" of it (the status codes have a summer variant)


class SchoolYear(models.Model):
    """A school year (năm học), e.g. 2026–2027, from early September to the end of May."""

    start_year = models.PositiveSmallIntegerField(_("năm bắt đầu"), unique=True)
    starts_on = models.DateField(_("ngày bắt đầu"))
    ends_on = models.DateField(_("ngày kết thúc"))
    is_current = models.BooleanField(_("năm học hiện tại"), default=False)
    second_term_on = models.DateField(
        _("ngày bắt đầu học kỳ II"), null=True, blank=True, help_text=_("để trống: ngày 15/01 của năm sau")
    )

    class Meta:
        ordering = ["-start_year"]
        verbose_name = _("năm học")
        verbose_name_plural = _("năm học")
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"], condition=models.Q(is_current=True), name="one_current_year"
            ),
            models.CheckConstraint(condition=models.Q(ends_on__gt=models.F("starts_on")), name="year_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.start_year}–{self.start_year + 1}"

    @property
    def code(self) -> str:
        return f"{self.start_year}-{self.start_year + 1}"

    @property
    def second_term_starts(self) -> dt.date:
        return self.second_term_on or dt.date(self.start_year + 1, 1, 15)

    def term_of(self, day: dt.date) -> int:
        """The term a day falls in: 1, 2, or 3 for the summer after the year (and the days before it starts)."""
        if day < self.starts_on or day > self.ends_on:
            return SUMMER
        return 1 if day < self.second_term_starts else 2

    @classmethod
    def default_dates(cls, start_year: int) -> tuple[dt.date, dt.date]:
        return dt.date(start_year, 9, 5), dt.date(start_year + 1, 5, 31)


# --- The reporting cycle (R7.1–R7.3; Điều 9, Điều 10.1) ------------------------------------------------------------


class PeriodKind(models.TextChoices):
    """The two periodic reports of Điều 9.1, and the ad-hoc requests of Điều 9.2."""

    START = "start", _("Báo cáo đầu năm học")
    END = "end", _("Báo cáo cuối năm học")
    ADHOC = "adhoc", _("Báo cáo đột xuất")


# The component databases a period may cover (the domains of edudb.core.scoping.Domain that hold data).
COVERABLE = (Domain.SCHOOLS, Domain.CLASSES, Domain.STAFF, Domain.STUDENTS, Domain.FACILITIES)


def default_covers() -> list[str]:
    return [str(domain) for domain in COVERABLE]


class PeriodQuerySet(models.QuerySet["ReportingPeriod"]):
    def visible_to(self, user: Any, function: str = Function.VIEW, *, via: str | None = None) -> PeriodQuerySet:
        """Periods are the whole city's calendar: every signed-in account of a unit may read them."""
        scope = scope_for(user)
        return self if scope is not None and scope.allows(function) else self.none()


class ReportingPeriod(models.Model):
    """A reporting period (kỳ báo cáo) of a school year: which data, from when, by which deadline."""

    school_year = models.ForeignKey(
        SchoolYear, models.PROTECT, related_name="periods", verbose_name=_("năm học"), null=True, blank=True
    )
    kind = models.CharField(_("loại kỳ báo cáo"), max_length=10, choices=PeriodKind.choices)
    title = models.CharField(_("tên kỳ báo cáo"), max_length=200)
    opens_on = models.DateField(_("mở từ ngày"))
    deadline = models.DateField(_("hạn chót"), help_text=_("Đơn vị chốt số liệu chậm nhất trong ngày này."))
    covers = models.JSONField(_("cơ sở dữ liệu thành phần báo cáo"), default=default_covers)
    instructions = models.TextField(_("hướng dẫn, yêu cầu"), blank=True)
    min_completeness = models.PositiveSmallIntegerField(
        _("mức đầy đủ tối thiểu để chốt (%)"),
        default=90,
        help_text=_("Đơn vị chỉ chốt được khi tỉ lệ ô bắt buộc đã có đạt mức này."),
    )
    closed_at = models.DateTimeField(_("khóa sổ lúc"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người khóa sổ"),
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("người tạo")
    )

    objects = PeriodQuerySet.as_manager()

    class Meta:
        ordering = ["-deadline", "-pk"]
        verbose_name = _("kỳ báo cáo")
        verbose_name_plural = _("kỳ báo cáo")
        constraints = [
            models.UniqueConstraint(
                fields=["school_year", "kind"],
                condition=~models.Q(kind="adhoc"),
                name="one_periodic_report_per_year",
            ),
            models.CheckConstraint(condition=models.Q(deadline__gte=models.F("opens_on")), name="deadline_after_open"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    def covered_labels(self) -> list[str]:
        return [str(Domain(code).label) for code in COVERABLE if code in self.covers]

    @classmethod
    def periodic_dates(cls, year: SchoolYear, kind: str) -> tuple[dt.date, dt.date]:
        """When a periodic report opens and its deadline (Điều 9.1: 15 October and 15 June)."""
        if kind == PeriodKind.START:
            return year.starts_on, dt.date(year.start_year, 10, 15)
        return dt.date(year.start_year + 1, 5, 15), dt.date(year.start_year + 1, 6, 15)


class ReportState(models.TextChoices):
    """Where one unit's report for a period stands (the board adds "not started" for units with no report yet)."""

    NOT_STARTED = "not_started", _("Chưa thực hiện")
    IN_PROGRESS = "in_progress", _("Đang thực hiện")
    SUBMITTED = "submitted", _("Đã chốt, chờ duyệt")
    RETURNED = "returned", _("Bị trả lại")
    APPROVED = "approved", _("Đã duyệt")
    CORRECTING = "correcting", _("Đang điều chỉnh sau duyệt")


class UnitReport(models.Model):
    """One unit's report for one period: its state, its versions, its deadline. One row per unit and period."""

    scope_unit_field: ClassVar[str] = "unit"
    scope_domain: ClassVar[Domain] = Domain.UNITS

    period = models.ForeignKey(ReportingPeriod, models.CASCADE, related_name="reports", verbose_name=_("kỳ báo cáo"))
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="reports", verbose_name=_("đơn vị"))
    state = models.CharField(
        _("trạng thái"), max_length=15, choices=ReportState.choices, default=ReportState.IN_PROGRESS
    )
    versions = models.PositiveSmallIntegerField(_("số lần chốt"), default=0)
    first_submitted_at = models.DateTimeField(_("chốt lần đầu lúc"), null=True, blank=True)
    on_time = models.BooleanField(_("đúng hạn"), null=True, blank=True)
    extended_until = models.DateField(_("được gia hạn đến"), null=True, blank=True)
    approved = models.ForeignKey(
        "Submission", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("phiên bản đã duyệt")
    )
    latest = models.ForeignKey(
        "Submission", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("phiên bản mới nhất")
    )
    missing_note = models.TextField(
        _("giải trình đơn vị chưa báo cáo"), blank=True, help_text=_("Đơn vị quản lý ghi lý do khi chốt thiếu đơn vị.")
    )
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["period", "unit__path"]
        verbose_name = _("báo cáo của đơn vị")
        verbose_name_plural = _("báo cáo của đơn vị")
        constraints = [models.UniqueConstraint(fields=["period", "unit"], name="one_report_per_unit_period")]

    def __str__(self) -> str:
        return f"{self.period} — {self.unit}"

    @property
    def deadline(self) -> dt.date:
        """The deadline that holds for this unit: the period's, or the extension its manager granted."""
        return max(self.period.deadline, self.extended_until) if self.extended_until else self.period.deadline


class Submission(models.Model):
    """One submitted version (chốt số liệu) of a unit's report: the snapshot is immutable, the review is not."""

    scope_unit_field: ClassVar[str] = "report__unit"
    scope_domain: ClassVar[Domain] = Domain.UNITS

    class Review(models.TextChoices):
        PENDING = "pending", _("Chờ duyệt")
        APPROVED = "approved", _("Đã duyệt")
        RETURNED = "returned", _("Bị trả lại")
        SUPERSEDED = "superseded", _("Đã có phiên bản mới")

    report = models.ForeignKey(UnitReport, models.PROTECT, related_name="submissions", verbose_name=_("báo cáo"))
    version = models.PositiveSmallIntegerField(_("phiên bản"))
    submitted_at = models.DateTimeField(_("chốt lúc"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("người chốt")
    )
    late = models.BooleanField(_("chốt sau hạn"), default=False)
    note = models.TextField(_("ghi chú của đơn vị"), blank=True)
    review = models.CharField(_("kết quả duyệt"), max_length=12, choices=Review.choices, default=Review.PENDING)
    reviewed_at = models.DateTimeField(_("duyệt lúc"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("người duyệt")
    )
    reason = models.TextField(_("lý do trả lại / ý kiến duyệt"), blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["report", "-version"]
        verbose_name = _("phiên bản báo cáo")
        verbose_name_plural = _("phiên bản báo cáo")
        constraints = [models.UniqueConstraint(fields=["report", "version"], name="one_submission_per_version")]

    def __str__(self) -> str:
        return f"{self.report} — v{self.version}"


class Snapshot(models.Model):
    """The frozen data of one submission: the unit's records of the covered databases, its place in the tree, its
    quality scorecard, and a checksum. The database refuses any UPDATE or DELETE of this table."""

    submission = models.OneToOneField(Submission, models.PROTECT, related_name="snapshot", primary_key=True)
    unit_path = models.CharField(_("vị trí trong cây đơn vị"), max_length=255)
    unit_name = models.CharField(_("tên đơn vị lúc chốt"), max_length=255)
    parent = models.ForeignKey(
        Unit, models.PROTECT, null=True, related_name="+", verbose_name=_("đơn vị quản lý lúc chốt")
    )
    parent_name = models.CharField(_("tên đơn vị quản lý lúc chốt"), max_length=255, blank=True)
    covers = models.JSONField(_("cơ sở dữ liệu"))
    counts = models.JSONField(_("số bản ghi theo loại"))
    scorecard = models.JSONField(_("chất lượng dữ liệu lúc chốt"))
    rollup = models.JSONField(_("tổng hợp từ đơn vị cấp dưới"), default=list)
    data = models.BinaryField(_("dữ liệu (nén)"))
    size = models.PositiveIntegerField(_("dung lượng (byte)"))
    checksum = models.CharField(_("mã kiểm tra SHA-256"), max_length=64)
    taken_at = models.DateTimeField(_("chụp lúc"))

    class Meta:
        verbose_name = _("ảnh dữ liệu đã chốt")
        verbose_name_plural = _("ảnh dữ liệu đã chốt")

    def __str__(self) -> str:
        return f"{self.unit_name} {self.checksum[:12]}"


class Extension(models.Model):
    """A deadline extension (gia hạn) the manager granted one unit, with its reason."""

    scope_unit_field: ClassVar[str] = "report__unit"
    scope_domain: ClassVar[Domain] = Domain.UNITS

    report = models.ForeignKey(UnitReport, models.CASCADE, related_name="extensions", verbose_name=_("báo cáo"))
    until = models.DateField(_("gia hạn đến ngày"))
    reason = models.TextField(_("lý do"))
    granted_at = models.DateTimeField(_("gia hạn lúc"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("người gia hạn")
    )
    # Granted because of a technical incident (edudb.incidents): the board shows it as "Gia hạn do sự cố SC-…".
    incident = models.ForeignKey(
        "incidents.Incident",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="extensions",
        verbose_name=_("do sự cố"),
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-granted_at"]
        verbose_name = _("gia hạn báo cáo")
        verbose_name_plural = _("gia hạn báo cáo")

    def __str__(self) -> str:
        return f"{self.report}: {self.until:%d/%m/%Y}"


class Correction(models.Model):
    """A unit's request to correct an approved report (đề nghị điều chỉnh): accepted, it opens a new version and the
    approved one stays the report until the new one is approved."""

    scope_unit_field: ClassVar[str] = "report__unit"
    scope_domain: ClassVar[Domain] = Domain.UNITS

    class Decision(models.TextChoices):
        PENDING = "pending", _("Chờ quyết định")
        ACCEPTED = "accepted", _("Đồng ý")
        REFUSED = "refused", _("Không đồng ý")

    report = models.ForeignKey(UnitReport, models.CASCADE, related_name="corrections", verbose_name=_("báo cáo"))
    reason = models.TextField(_("nội dung cần điều chỉnh"))
    requested_at = models.DateTimeField(_("đề nghị lúc"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("người đề nghị")
    )
    decision = models.CharField(_("quyết định"), max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_at = models.DateTimeField(_("quyết định lúc"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người quyết định"),
    )
    answer = models.TextField(_("ý kiến"), blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("đề nghị điều chỉnh báo cáo")
        verbose_name_plural = _("đề nghị điều chỉnh báo cáo")
        constraints = [
            models.UniqueConstraint(
                fields=["report"], condition=models.Q(decision="pending"), name="one_pending_correction"
            )
        ]

    def __str__(self) -> str:
        return f"{self.report}: {self.get_decision_display()}"


class Reminder(models.Model):
    """A reminder already sent, so the daily run never sends the same one twice."""

    period = models.ForeignKey(ReportingPeriod, models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, models.CASCADE, related_name="+")
    days_before = models.SmallIntegerField()
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["period", "unit", "days_before"], name="one_reminder_per_day_before")
        ]

    def __str__(self) -> str:
        return f"{self.period_id}/{self.unit_id}/{self.days_before}"
