"""The staff database (R2.3): managers, teachers and employees (cán bộ quản lý, giáo viên, nhân viên)."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from edudb.core.models import Unit
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
