"""School years (năm học); the reporting periods and submissions of R7 will live here too."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

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
