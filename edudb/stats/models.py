"""Per-unit roll-ups (DESIGN decision 7): the figures of each unit's own records, kept so that a city dashboard
reads thousands of small rows instead of scanning a million learners.

A :class:`Figure` is one number: an indicator of the catalogue (``indicators.py``), up to two categories (grade and
gender, room kind and build quality …) and a value, for one unit. Live figures (``submission`` empty) are refreshed
in the background and when a unit submits; the figures of a submission are taken in the same transaction as its
snapshot and never change, so a period's statistics are exactly what its approved reports said.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from edudb.core.models import Unit
from edudb.core.scoping import Domain, ScopedQuerySet
from edudb.reporting.models import SchoolYear, Submission


class Figure(models.Model):
    """One number of one unit's roll-up, live or frozen with a submission."""

    scope_unit_field: ClassVar[str] = "unit"
    scope_domain_field: ClassVar[str] = "domain"

    unit = models.ForeignKey(Unit, models.CASCADE, related_name="+", verbose_name=_("đơn vị"))
    submission = models.ForeignKey(
        Submission, models.PROTECT, null=True, blank=True, related_name="figures", verbose_name=_("phiên bản báo cáo")
    )
    school_year = models.ForeignKey(SchoolYear, models.PROTECT, related_name="+", verbose_name=_("năm học"))
    domain = models.CharField(_("cơ sở dữ liệu"), max_length=20, choices=Domain.choices)
    indicator = models.CharField(_("chỉ tiêu"), max_length=40)
    a = models.CharField(_("phân tổ 1"), max_length=40, blank=True)
    b = models.CharField(_("phân tổ 2"), max_length=40, blank=True)
    value = models.DecimalField(_("giá trị"), max_digits=16, decimal_places=1)
    computed_at = models.DateTimeField(_("tính lúc"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("số liệu tổng hợp")
        verbose_name_plural = _("số liệu tổng hợp")
        indexes = [
            models.Index(fields=["indicator", "submission", "unit"], name="figure_indicator_idx"),
            models.Index(fields=["unit", "submission"], name="figure_unit_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "indicator", "a", "b"],
                condition=models.Q(submission__isnull=True),
                name="one_live_figure",
            ),
            models.UniqueConstraint(
                fields=["submission", "indicator", "a", "b"],
                condition=models.Q(submission__isnull=False),
                name="one_frozen_figure",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.indicator}[{self.a},{self.b}] = {self.value}"


class DocumentState(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang tạo")
    DONE = "done", _("Đã xong")
    FAILED = "failed", _("Không tạo được")


class StatsDocument(models.Model):
    """A report document (Excel or PDF) of a statistics table, produced in the background for its account."""

    scope_unit_field: ClassVar[str] = "unit"
    scope_domain: ClassVar[Domain] = Domain.UNITS

    unit = models.ForeignKey(Unit, models.CASCADE, related_name="+", verbose_name=_("đơn vị"))
    account = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    query = models.CharField(_("tham số"), max_length=500)  # the table's query string
    file_format = models.CharField(_("định dạng"), max_length=4, choices=[("xlsx", "Excel (.xlsx)"), ("pdf", "PDF")])
    title = models.CharField(_("tên"), max_length=255)
    state = models.CharField(
        _("trạng thái"), max_length=10, choices=DocumentState.choices, default=DocumentState.QUEUED
    )
    progress_done = models.PositiveSmallIntegerField(default=0)
    progress_total = models.PositiveSmallIntegerField(default=3)
    stage = models.CharField(_("bước"), max_length=120, blank=True)
    file = models.FileField(_("tệp"), upload_to="stats/%Y/%m/", max_length=255, blank=True)
    message = models.TextField(_("thông báo"), blank=True)
    created_at = models.DateTimeField(_("yêu cầu lúc"), auto_now_add=True)
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("văn bản thống kê")
        verbose_name_plural = _("văn bản thống kê")

    def __str__(self) -> str:
        return self.title

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.progress_done / self.progress_total)) if self.progress_total else 0
