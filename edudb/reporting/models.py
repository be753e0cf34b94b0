"""School years (năm học); the reporting periods and submissions of R7 will live here too."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _


class SchoolYear(models.Model):
    """A school year (năm học), e.g. 2026–2027, from early September to the end of May."""

    start_year = models.PositiveSmallIntegerField(_("năm bắt đầu"), unique=True)
    starts_on = models.DateField(_("ngày bắt đầu"))
    ends_on = models.DateField(_("ngày kết thúc"))
    is_current = models.BooleanField(_("năm học hiện tại"), default=False)

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

    @classmethod
    def default_dates(cls, start_year: int) -> tuple[dt.date, dt.date]:
        return dt.date(start_year, 9, 5), dt.date(start_year + 1, 5, 31)
