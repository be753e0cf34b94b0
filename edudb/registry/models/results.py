"""Learning results per term (kết quả học tập, rèn luyện) of the students database (R2.4)."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from edudb.core.records import Record
from edudb.core.scoping import Domain, Function, ScopedQuerySet
from edudb.registry.models.classes import SchoolClass
from edudb.registry.models.schools import code_item
from edudb.registry.models.students import Student
from edudb.reporting.models import SchoolYear


class ResultTerm(models.IntegerChoices):
    TERM_1 = 1, _("Học kỳ I")
    TERM_2 = 2, _("Học kỳ II")
    YEAR = 3, _("Cả năm")


class LearningResult(Record):
    """A student's results for one term or the whole year, as the class teacher records them (TT 22/2021, 27/2020).

    Follows the student (like the học bạ): a school that receives a learner sees the results recorded before."""

    scope_unit_field: ClassVar[str] = "student__unit"
    scope_domain: ClassVar[Domain] = Domain.STUDENTS
    write_function: ClassVar[str] = Function.ENTER_STUDENTS

    student = models.ForeignKey(Student, models.CASCADE, related_name="results", verbose_name=_("học sinh"))
    school_year = models.ForeignKey(SchoolYear, models.PROTECT, related_name="+", verbose_name=_("năm học"))
    term = models.PositiveSmallIntegerField(_("học kỳ"), choices=ResultTerm.choices)
    school_class = models.ForeignKey(
        SchoolClass, models.SET_NULL, null=True, blank=True, related_name="results", verbose_name=_("lớp")
    )
    academic = code_item("ket_qua_hoc_tap", _("kết quả học tập"), null=True, blank=True)
    conduct = code_item("ket_qua_ren_luyen", _("kết quả rèn luyện"), null=True, blank=True)
    title = code_item("danh_hieu_hoc_sinh", _("danh hiệu"), null=True, blank=True)
    outcome = code_item(
        "ket_qua_cuoi_nam", _("kết quả cuối năm"), null=True, blank=True, help_text=_("chỉ ghi ở kết quả cả năm")
    )
    days_absent_excused = models.PositiveSmallIntegerField(_("số buổi nghỉ có phép"), default=0)
    days_absent_unexcused = models.PositiveSmallIntegerField(_("số buổi nghỉ không phép"), default=0)
    note = models.CharField(_("nhận xét"), max_length=500, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["school_year", "term", "student__name_key"]
        verbose_name = _("kết quả học tập")
        verbose_name_plural = _("kết quả học tập")
        constraints = [
            models.UniqueConstraint(fields=["student", "school_year", "term"], name="one_result_per_term"),
            models.CheckConstraint(
                condition=models.Q(outcome__isnull=True) | models.Q(term=3), name="outcome_only_for_the_year"
            ),
        ]
        indexes = [models.Index(fields=["school_class", "term"], name="result_class_term_idx")]

    def __str__(self) -> str:
        return f"{self.student_id} {self.school_year_id}/{self.term}"
