"""The classes database (R2.2): classes per school year, school and site."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from edudb.core.models import Unit
from edudb.core.records import Record
from edudb.core.scoping import Domain, Function, ScopedQuerySet
from edudb.registry.models.schools import Site, code_item
from edudb.reporting.models import SchoolYear


class SchoolClass(Record):
    """A class (lớp học) of one school year: a grade 1–12, or a preschool age group."""

    scope_unit_field: ClassVar[str] = "unit"
    scope_domain: ClassVar[Domain] = Domain.CLASSES
    write_function: ClassVar[str] = Function.ENTER_UNITS

    unit = models.ForeignKey(Unit, models.PROTECT, related_name="classes", verbose_name=_("cơ sở giáo dục"))
    site = models.ForeignKey(
        Site, models.PROTECT, null=True, blank=True, related_name="classes", verbose_name=_("điểm trường")
    )
    school_year = models.ForeignKey(SchoolYear, models.PROTECT, related_name="classes", verbose_name=_("năm học"))
    name = models.CharField(_("tên lớp"), max_length=30)
    grade = models.PositiveSmallIntegerField(
        _("khối lớp"), null=True, blank=True, help_text=_("1–12; để trống với mầm non")
    )
    age_group = code_item("nhom_tuoi_mam_non", _("nhóm tuổi (mầm non)"), null=True, blank=True)
    homeroom_teacher = models.ForeignKey(
        "registry.StaffMember",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="homerooms",
        verbose_name=_("giáo viên chủ nhiệm"),
    )
    is_mixed = models.BooleanField(_("lớp ghép"), default=False)
    two_sessions = models.BooleanField(_("học 2 buổi/ngày"), default=False)
    semi_boarding = models.BooleanField(_("có bán trú"), default=False)
    is_specialised = models.BooleanField(_("lớp chuyên / năng khiếu"), default=False)
    specialised_subject = models.CharField(_("môn chuyên"), max_length=60, blank=True)
    foreign_language = code_item("ngoai_ngu", _("ngoại ngữ 1"), null=True, blank=True)
    sessions_per_week = models.PositiveSmallIntegerField(_("số buổi học/tuần"), null=True, blank=True)
    max_students = models.PositiveSmallIntegerField(_("sĩ số tối đa"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["school_year", "unit__name_key", "grade", "name"]
        verbose_name = _("lớp học")
        verbose_name_plural = _("lớp học")
        constraints = [
            models.UniqueConstraint(fields=["unit", "school_year", "name"], name="one_class_name_per_school_year"),
            models.CheckConstraint(
                condition=models.Q(grade__isnull=True) | models.Q(grade__gte=1, grade__lte=12), name="grade_1_to_12"
            ),
        ]
        indexes = [models.Index(fields=["school_year", "unit"], name="class_year_unit_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.school_year})"

    def get_absolute_url(self) -> str:
        return reverse("registry:class_detail", kwargs={"pk": self.pk})
