"""The facilities database (R2.5): rooms by kind per site and school year, split by build quality."""

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

QUALITIES = [("solid", _("kiên cố")), ("semi", _("bán kiên cố")), ("temporary", _("tạm")), ("borrowed", _("thuê mượn"))]


class RoomStock(Record):
    """How many rooms of one kind a site has in a school year, and their floor area, by build quality."""

    scope_unit_field: ClassVar[str] = "unit"
    scope_domain: ClassVar[Domain] = Domain.FACILITIES
    write_function: ClassVar[str] = Function.ENTER_FACILITIES

    unit = models.ForeignKey(Unit, models.PROTECT, related_name="room_stock", verbose_name=_("cơ sở giáo dục"))
    site = models.ForeignKey(Site, models.PROTECT, related_name="room_stock", verbose_name=_("điểm trường"))
    school_year = models.ForeignKey(SchoolYear, models.PROTECT, related_name="+", verbose_name=_("năm học"))
    room_kind = code_item("loai_phong", _("loại phòng"))
    count_solid = models.PositiveIntegerField(_("số phòng kiên cố"), default=0)
    count_semi = models.PositiveIntegerField(_("số phòng bán kiên cố"), default=0)
    count_temporary = models.PositiveIntegerField(_("số phòng tạm"), default=0)
    count_borrowed = models.PositiveIntegerField(_("số phòng thuê mượn"), default=0)
    area_solid = models.DecimalField(_("diện tích kiên cố (m²)"), max_digits=9, decimal_places=1, default=0)
    area_semi = models.DecimalField(_("diện tích bán kiên cố (m²)"), max_digits=9, decimal_places=1, default=0)
    area_temporary = models.DecimalField(_("diện tích tạm (m²)"), max_digits=9, decimal_places=1, default=0)
    area_borrowed = models.DecimalField(_("diện tích thuê mượn (m²)"), max_digits=9, decimal_places=1, default=0)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["school_year", "unit__name_key", "site", "room_kind__order"]
        verbose_name = _("phòng theo loại")
        verbose_name_plural = _("cơ sở vật chất")
        constraints = [
            models.UniqueConstraint(fields=["site", "school_year", "room_kind"], name="one_room_stock_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.room_kind} — {self.site}"

    def get_absolute_url(self) -> str:
        return reverse("registry:room_detail", kwargs={"pk": self.pk})

    @property
    def total_count(self) -> int:
        return self.count_solid + self.count_semi + self.count_temporary + self.count_borrowed


class EquipmentCheck(Record):
    """One line of a school's equipment checklist for a school year: how many it needs, has, and whether it meets
    the standard (danh mục thiết bị dạy học tối thiểu)."""

    scope_unit_field: ClassVar[str] = "unit"
    scope_domain: ClassVar[Domain] = Domain.FACILITIES
    write_function: ClassVar[str] = Function.ENTER_FACILITIES

    unit = models.ForeignKey(Unit, models.PROTECT, related_name="equipment", verbose_name=_("cơ sở giáo dục"))
    school_year = models.ForeignKey(SchoolYear, models.PROTECT, related_name="+", verbose_name=_("năm học"))
    item = code_item("thiet_bi", _("thiết bị"))
    required = models.PositiveIntegerField(_("số lượng cần"), null=True, blank=True)
    available = models.PositiveIntegerField(_("số lượng hiện có"), default=0)
    usable = models.PositiveIntegerField(_("số lượng dùng được"), default=0)
    meets_standard = models.BooleanField(_("đạt yêu cầu"), default=False)
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["school_year", "unit__name_key", "item__order"]
        verbose_name = _("thiết bị")
        verbose_name_plural = _("danh mục thiết bị")
        constraints = [
            models.UniqueConstraint(fields=["unit", "school_year", "item"], name="one_check_per_item"),
            models.CheckConstraint(
                condition=models.Q(usable__lte=models.F("available")), name="usable_not_above_available"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} — {self.unit}"
