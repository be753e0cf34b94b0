"""The students database (R2.4): learners with their codes, guardians, status, support flags and health."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from edudb.core.models import Unit
from edudb.core.records import Record
from edudb.core.scoping import Domain, Function, ScopedQuerySet
from edudb.quality.models import CodeItem
from edudb.registry.models.classes import SchoolClass
from edudb.registry.models.people import Person
from edudb.registry.models.schools import code_item
from edudb.reporting.models import SchoolYear


class Student(Person):
    """A learner (học sinh, trẻ em) of a school, with the Ministry code or a temporary one until it is known."""

    scope_unit_field: ClassVar[str] = "unit"
    scope_domain: ClassVar[Domain] = Domain.STUDENTS
    write_function: ClassVar[str] = Function.ENTER_STUDENTS

    unit = models.ForeignKey(Unit, models.PROTECT, related_name="students", verbose_name=_("trường"))
    ministry_code = models.CharField(
        _("mã định danh học sinh"),
        max_length=10,
        null=True,
        blank=True,
        unique=True,
        help_text=_("10 chữ số do Bộ GD&ĐT cấp; không đổi sau khi đã có"),
    )
    temporary_code = models.CharField(_("mã tạm"), max_length=20, null=True, blank=True, unique=True)
    nationality = code_item("quoc_tich", _("quốc tịch"), null=True, blank=True)
    religion = code_item("ton_giao", _("tôn giáo"), null=True, blank=True)
    birthplace = models.CharField(_("nơi sinh"), max_length=200, blank=True)
    home_commune_code = models.CharField(_("mã xã/phường thường trú"), max_length=5, blank=True)
    home_address = models.CharField(_("địa chỉ thường trú"), max_length=255, blank=True)
    current_address = models.CharField(_("chỗ ở hiện nay"), max_length=255, blank=True)
    school_class = models.ForeignKey(
        SchoolClass, models.SET_NULL, null=True, blank=True, related_name="students", verbose_name=_("lớp")
    )
    status = code_item("trang_thai_hoc_sinh", _("trạng thái"))
    status_on = models.DateField(_("ngày của trạng thái"), null=True, blank=True)
    enrolled_on = models.DateField(_("ngày nhập học"), null=True, blank=True)
    disability = code_item("loai_khuyet_tat", _("loại khuyết tật"), null=True, blank=True)
    policy_groups = models.ManyToManyField(
        CodeItem,
        blank=True,
        related_name="+",
        verbose_name=_("đối tượng chính sách"),
        limit_choices_to={"code_list__code": "doi_tuong_chinh_sach"},
    )
    semi_boarding = models.BooleanField(_("học bán trú"), default=False)
    boarding = models.BooleanField(_("học nội trú"), default=False)
    orphan = models.BooleanField(_("mồ côi"), default=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["unit__name_key", "name_key"]
        verbose_name = _("học sinh")
        verbose_name_plural = _("học sinh")
        indexes = [
            models.Index(fields=["unit", "name_key"], name="student_unit_name_idx"),
            models.Index(fields=["school_class", "name_key"], name="student_class_name_idx"),
            # The same child on two schools' rolls (edudb/quality/rules.py) is looked up by name and birth date.
            models.Index(fields=["name_key", "birth_date"], name="student_name_birth_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ministry_code__isnull=False) | models.Q(temporary_code__isnull=False),
                name="student_has_a_code",
            ),
        ]

    def get_absolute_url(self) -> str:
        return reverse("registry:student_detail", kwargs={"pk": self.pk})

    @property
    def code(self) -> str:
        return self.ministry_code or self.temporary_code or ""


class Guardian(models.Model):
    """A parent or guardian (cha, mẹ, người giám hộ) of a student."""

    class Relation(models.TextChoices):
        FATHER = "father", _("Cha")
        MOTHER = "mother", _("Mẹ")
        GUARDIAN = "guardian", _("Người giám hộ")

    scope_unit_field: ClassVar[str] = "student__unit"
    scope_domain: ClassVar[Domain] = Domain.STUDENTS

    student = models.ForeignKey(Student, models.CASCADE, related_name="guardians")
    relation = models.CharField(_("quan hệ"), max_length=10, choices=Relation.choices)
    full_name = models.CharField(_("họ và tên"), max_length=120)
    birth_year = models.PositiveSmallIntegerField(_("năm sinh"), null=True, blank=True)
    occupation = models.CharField(_("nghề nghiệp"), max_length=120, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["student", "relation"]
        verbose_name = _("cha mẹ, người giám hộ")
        verbose_name_plural = _("cha mẹ, người giám hộ")

    def __str__(self) -> str:
        return f"{self.get_relation_display()}: {self.full_name}"


class HealthRecord(Record):
    """A student's measurements in one term (chiều cao, cân nặng), as the school's health check records them."""

    scope_unit_field: ClassVar[str] = "student__unit"
    scope_domain: ClassVar[Domain] = Domain.STUDENTS
    write_function: ClassVar[str] = Function.ENTER_STUDENTS

    student = models.ForeignKey(Student, models.CASCADE, related_name="health_records")
    school_year = models.ForeignKey(SchoolYear, models.PROTECT, related_name="+")
    term = models.PositiveSmallIntegerField(_("học kỳ"), choices=[(1, _("Học kỳ I")), (2, _("Học kỳ II"))])
    height_cm = models.DecimalField(_("chiều cao (cm)"), max_digits=4, decimal_places=1, null=True, blank=True)
    weight_kg = models.DecimalField(_("cân nặng (kg)"), max_digits=4, decimal_places=1, null=True, blank=True)
    measured_on = models.DateField(_("ngày đo"), null=True, blank=True)
    note = models.CharField(_("ghi chú sức khỏe"), max_length=255, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["school_year", "term", "student__name_key"]
        verbose_name = _("sức khỏe")
        verbose_name_plural = _("sức khỏe")
        constraints = [
            models.UniqueConstraint(fields=["student", "school_year", "term"], name="one_health_record_per_term")
        ]

    def __str__(self) -> str:
        return f"{self.student_id} {self.school_year_id}/{self.term}"
