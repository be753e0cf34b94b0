"""The schools database (R2.1): school profiles and their sites (điểm trường)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from edudb.core.models import Unit
from edudb.core.records import Record
from edudb.core.scoping import Domain, Function, ScopedQuerySet
from edudb.quality.models import CodeItem


def code_item(list_code: str, label: Any, **kwargs: Any) -> models.ForeignKey[CodeItem]:
    """A foreign key to one value of a code list (danh mục)."""
    return models.ForeignKey(
        CodeItem,
        models.PROTECT,
        verbose_name=label,
        related_name="+",
        limit_choices_to={"code_list__code": list_code},
        **kwargs,
    )


class NationalStandard(models.IntegerChoices):
    """Recognition as a school meeting the national standard (trường đạt chuẩn quốc gia)."""

    NONE = 0, _("Chưa đạt chuẩn")
    LEVEL_1 = 1, _("Đạt chuẩn mức độ 1")
    LEVEL_2 = 2, _("Đạt chuẩn mức độ 2")


class Accreditation(models.IntegerChoices):
    """Education quality accreditation level (kiểm định chất lượng giáo dục)."""

    NONE = 0, _("Chưa kiểm định / chưa đạt")
    LEVEL_1 = 1, _("Cấp độ 1")
    LEVEL_2 = 2, _("Cấp độ 2")
    LEVEL_3 = 3, _("Cấp độ 3")
    LEVEL_4 = 4, _("Cấp độ 4")


class SchoolProfile(Record):
    """A school's profile (hồ sơ trường) in the schools database: one per institution unit."""

    scope_unit_field: ClassVar[str] = "unit"
    scope_domain: ClassVar[Domain] = Domain.SCHOOLS
    write_function: ClassVar[str] = Function.ENTER_UNITS

    unit = models.OneToOneField(Unit, models.PROTECT, related_name="school_profile", verbose_name=_("cơ sở giáo dục"))
    ownership = code_item("loai_hinh_truong", _("loại hình"), null=True, blank=True)
    school_type = code_item("loai_truong", _("loại trường"), null=True, blank=True)
    established_year = models.PositiveSmallIntegerField(_("năm thành lập"), null=True, blank=True)
    establishment_decision = models.CharField(_("quyết định thành lập"), max_length=120, blank=True)
    street_address = models.CharField(_("địa chỉ (số nhà, đường, thôn/tổ)"), max_length=255, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    website = models.URLField(_("trang thông tin điện tử"), blank=True)
    principal_name = models.CharField(_("hiệu trưởng / giám đốc"), max_length=120, blank=True)
    principal_phone = models.CharField(_("điện thoại hiệu trưởng"), max_length=20, blank=True)
    national_standard = models.PositiveSmallIntegerField(
        _("chuẩn quốc gia"), choices=NationalStandard.choices, default=NationalStandard.NONE
    )
    national_standard_year = models.PositiveSmallIntegerField(_("năm công nhận chuẩn"), null=True, blank=True)
    accreditation = models.PositiveSmallIntegerField(
        _("kiểm định chất lượng"), choices=Accreditation.choices, default=Accreditation.NONE
    )
    two_sessions = models.BooleanField(_("dạy học 2 buổi/ngày"), default=False)
    semi_boarding = models.BooleanField(_("có học sinh bán trú"), default=False)
    boarding = models.BooleanField(_("có học sinh nội trú"), default=False)
    has_electricity = models.BooleanField(_("có điện lưới"), default=True)
    has_clean_water = models.BooleanField(_("có nước sạch"), default=True)
    has_internet = models.BooleanField(_("có kết nối internet"), default=True)
    separate_toilets = models.BooleanField(_("công trình vệ sinh riêng nam, nữ"), default=True)
    inclusive_access = models.BooleanField(_("có lối đi cho người khuyết tật"), default=False)
    difficult_area = models.BooleanField(_("thuộc vùng khó khăn"), default=False)
    island_area = models.BooleanField(_("thuộc xã đảo / đặc khu"), default=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["unit__name_key"]
        verbose_name = _("hồ sơ trường")
        verbose_name_plural = _("hồ sơ trường")

    def __str__(self) -> str:
        return self.unit.name

    def get_absolute_url(self) -> str:
        return reverse("registry:school_detail", kwargs={"pk": self.pk})


class Site(Record):
    """A site of a school (điểm trường): its main site and any satellite sites."""

    scope_unit_field: ClassVar[str] = "unit"
    scope_domain: ClassVar[Domain] = Domain.SCHOOLS
    write_function: ClassVar[str] = Function.ENTER_UNITS

    unit = models.ForeignKey(Unit, models.PROTECT, related_name="sites", verbose_name=_("cơ sở giáo dục"))
    code = models.CharField(_("mã điểm trường"), max_length=20)
    name = models.CharField(_("tên điểm trường"), max_length=200)
    is_main = models.BooleanField(_("điểm trường chính"), default=False)
    street_address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    commune_code = models.CharField(_("mã xã/phường"), max_length=5, blank=True)
    distance_km = models.DecimalField(
        _("khoảng cách đến điểm chính (km)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["unit__name_key", "-is_main", "name"]
        verbose_name = _("điểm trường")
        verbose_name_plural = _("điểm trường")
        constraints = [
            models.UniqueConstraint(fields=["unit", "code"], name="one_site_code_per_school"),
            models.UniqueConstraint(fields=["unit"], condition=models.Q(is_main=True), name="one_main_site_per_school"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit.name})"

    def get_absolute_url(self) -> str:
        return reverse("registry:site_detail", kwargs={"pk": self.pk})
