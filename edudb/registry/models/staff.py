"""The staff database (R2.3): managers, teachers and employees (cán bộ quản lý, giáo viên, nhân viên)."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from edudb.core.models import Unit
from edudb.core.records import Record
from edudb.core.scoping import Domain, Function, ScopedQuerySet
from edudb.registry.models.people import Person
from edudb.registry.models.schools import code_item


class StaffMember(Person):
    """A member of staff of a unit, with the Ministry staff code."""

    scope_unit_field: ClassVar[str] = "unit"
    scope_domain: ClassVar[Domain] = Domain.STAFF
    write_function: ClassVar[str] = Function.ENTER_STAFF

    unit = models.ForeignKey(Unit, models.PROTECT, related_name="staff", verbose_name=_("đơn vị"))
    ministry_code = models.CharField(_("mã cán bộ"), max_length=20, null=True, blank=True, unique=True)
    staff_type = code_item("loai_can_bo", _("loại cán bộ"))
    position = code_item("chuc_vu", _("chức vụ"), null=True, blank=True)
    contract = code_item("hinh_thuc_hop_dong", _("hình thức hợp đồng"), null=True, blank=True)
    rank = models.CharField(_("hạng chức danh nghề nghiệp"), max_length=80, blank=True)
    subjects = models.CharField(_("môn dạy"), max_length=200, blank=True)
    qualification = code_item("trinh_do_dao_tao", _("trình độ đào tạo"), null=True, blank=True)
    major = models.CharField(_("chuyên ngành đào tạo"), max_length=120, blank=True)
    foreign_language_level = models.CharField(_("trình độ ngoại ngữ"), max_length=60, blank=True)
    it_level = models.CharField(_("trình độ tin học"), max_length=60, blank=True)
    standard_assessment = code_item(
        "danh_gia_chuan_nghe_nghiep", _("đánh giá chuẩn nghề nghiệp"), null=True, blank=True
    )
    work_status = code_item("trang_thai_can_bo", _("trạng thái làm việc"))
    joined_on = models.DateField(_("ngày vào ngành"), null=True, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["unit__name_key", "name_key"]
        verbose_name = _("cán bộ, giáo viên, nhân viên")
        verbose_name_plural = _("đội ngũ")
        indexes = [models.Index(fields=["unit", "name_key"], name="staff_unit_name_idx")]

    def get_absolute_url(self) -> str:
        return reverse("registry:staff_detail", kwargs={"pk": self.pk})


class StaffAward(Record):
    """An emulation title or award (danh hiệu thi đua, khen thưởng) of a staff member."""

    scope_unit_field: ClassVar[str] = "staff__unit"
    scope_domain: ClassVar[Domain] = Domain.STAFF
    write_function: ClassVar[str] = Function.ENTER_STAFF

    staff = models.ForeignKey(StaffMember, models.CASCADE, related_name="awards", verbose_name=_("cán bộ"))
    title = code_item("danh_hieu_thi_dua", _("danh hiệu, hình thức khen thưởng"))
    year = models.PositiveSmallIntegerField(_("năm học / năm"), help_text=_("năm bắt đầu của năm học, ví dụ 2025"))
    decision_number = models.CharField(_("số quyết định"), max_length=60, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    issued_by = models.CharField(_("cấp khen thưởng"), max_length=160, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["staff", "-year", "-pk"]
        verbose_name = _("khen thưởng")
        verbose_name_plural = _("khen thưởng")

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"


class StaffDiscipline(Record):
    """A disciplinary measure (kỷ luật) taken against a staff member, with its decision."""

    scope_unit_field: ClassVar[str] = "staff__unit"
    scope_domain: ClassVar[Domain] = Domain.STAFF
    write_function: ClassVar[str] = Function.ENTER_STAFF

    staff = models.ForeignKey(StaffMember, models.CASCADE, related_name="disciplines", verbose_name=_("cán bộ"))
    form = code_item("hinh_thuc_ky_luat", _("hình thức kỷ luật"))
    reason = models.CharField(_("lý do"), max_length=255)
    decision_number = models.CharField(_("số quyết định"), max_length=60)
    decision_date = models.DateField(_("ngày quyết định"))
    effective_until = models.DateField(_("hết hiệu lực ngày"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["staff", "-decision_date", "-pk"]
        verbose_name = _("kỷ luật")
        verbose_name_plural = _("kỷ luật")

    def __str__(self) -> str:
        return f"{self.form} ({self.decision_date:%d/%m/%Y})"


class StaffTraining(Record):
    """A training or professional development course (đào tạo, bồi dưỡng) a staff member attended."""

    scope_unit_field: ClassVar[str] = "staff__unit"
    scope_domain: ClassVar[Domain] = Domain.STAFF
    write_function: ClassVar[str] = Function.ENTER_STAFF

    staff = models.ForeignKey(StaffMember, models.CASCADE, related_name="trainings", verbose_name=_("cán bộ"))
    kind = code_item("loai_boi_duong", _("loại đào tạo, bồi dưỡng"))
    title = models.CharField(_("nội dung, khóa học"), max_length=200)
    provider = models.CharField(_("cơ sở đào tạo, bồi dưỡng"), max_length=160, blank=True)
    starts_on = models.DateField(_("từ ngày"))
    ends_on = models.DateField(_("đến ngày"), null=True, blank=True)
    hours = models.PositiveSmallIntegerField(_("số tiết"), null=True, blank=True)
    certificate = models.CharField(_("văn bằng, chứng chỉ"), max_length=160, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["staff", "-starts_on", "-pk"]
        verbose_name = _("đào tạo, bồi dưỡng")
        verbose_name_plural = _("đào tạo, bồi dưỡng")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="training_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title
