"""The school-year rollover (chuyển năm học, R2.7): a reviewed bulk step, previewed then applied once."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from edudb.core.models import Unit
from edudb.core.scoping import Domain, Function, ScopedQuerySet
from edudb.reporting.models import SchoolYear


class RolloverState(models.TextChoices):
    PREVIEW = "preview", _("Đã xem trước, chờ thực hiện")
    QUEUED = "queued", _("Đang thực hiện (chạy nền)")
    APPLIED = "applied", _("Đã thực hiện")
    DISCARDED = "discarded", _("Đã bỏ")


class Rollover(models.Model):
    """Moving one school, or every school of a branch, from one school year to the next.

    The preview is the plan — classes to create, learners to promote, keep back or see off, homeroom teachers to
    carry — stored with the counts the user reviews; applying runs exactly that plan in one transaction."""

    scope_unit_field: ClassVar[str] = "unit"
    scope_domain: ClassVar[Domain] = Domain.CLASSES
    write_function: ClassVar[str] = Function.ENTER_UNITS

    unit = models.ForeignKey(Unit, models.PROTECT, related_name="+", verbose_name=_("phạm vi (trường hoặc đơn vị)"))
    from_year = models.ForeignKey(SchoolYear, models.PROTECT, related_name="+", verbose_name=_("từ năm học"))
    to_year = models.ForeignKey(SchoolYear, models.PROTECT, related_name="+", verbose_name=_("sang năm học"))
    state = models.CharField(
        _("trạng thái"), max_length=10, choices=RolloverState.choices, default=RolloverState.PREVIEW
    )
    carry_homeroom = models.BooleanField(_("giáo viên chủ nhiệm theo lớp lên khối mới"), default=True)
    plan = models.JSONField(default=dict, editable=False)
    summary = models.JSONField(default=dict, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("xem trước lúc"), auto_now_add=True)
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    applied_at = models.DateTimeField(_("thực hiện lúc"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("chuyển năm học")
        verbose_name_plural = _("chuyển năm học")

    def __str__(self) -> str:
        return f"{self.unit} {self.from_year} → {self.to_year}"

    def get_absolute_url(self) -> str:
        return reverse("registry:move_rollover_detail", kwargs={"pk": self.pk})
