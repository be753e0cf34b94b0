"""API of the facilities database: room stock by kind per site and year, scoped, versioned, idempotent."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.routers import BaseRouter

from edudb.core.api_base import IdFilter, RecordSerializer, ScopedRecordViewSet
from edudb.core.scoping import Function
from edudb.registry.api import CodeItemField
from edudb.registry.api_classes import ScopedSiteField, WritableInstitutionField, merged
from edudb.registry.forms_facilities import QUALITY_WORDS, room_problems
from edudb.registry.models import RoomStock
from edudb.registry.views_facilities import with_totals


def area_field() -> serializers.DecimalField:
    """A floor area in m² (one decimal), never negative."""
    return serializers.DecimalField(max_digits=9, decimal_places=1, min_value=Decimal(0), required=False)


class RoomStockSerializer(RecordSerializer):
    """The rooms of one kind at one site in one school year, with count and total floor area (m²) by build
    quality; areas must agree with counts, one row per site × year × kind (as on the pages)."""

    unit = WritableInstitutionField(function=Function.ENTER_FACILITIES)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    site = ScopedSiteField()
    site_name = serializers.CharField(source="site.name", read_only=True)
    room_kind = CodeItemField("loai_phong")
    room_kind_name = serializers.CharField(source="room_kind.name", read_only=True)
    area_solid = area_field()
    area_semi = area_field()
    area_temporary = area_field()
    area_borrowed = area_field()
    total_count = serializers.IntegerField(read_only=True, help_text="Tổng số phòng (mọi chất lượng công trình)")

    class Meta:
        model = RoomStock
        exclude = ["created_at", "updated_by"]
        read_only_fields = ["updated_at"]
        validators: list[Any] = []  # one row per site × year × kind is checked in validate(), with a plain message

    def validate_unit(self, unit: Any) -> Any:
        if self.instance is not None and unit.pk != self.instance.unit_id:
            raise serializers.ValidationError(_("Không thể chuyển dòng cơ sở vật chất sang trường khác."))
        return unit

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        problems = room_problems(
            self.context["request"].user,
            instance_pk=self.instance.pk if self.instance is not None else None,
            unit=merged(self, attrs, "unit"),
            site=merged(self, attrs, "site"),
            school_year=merged(self, attrs, "school_year"),
            room_kind=merged(self, attrs, "room_kind"),
            counts={q: merged(self, attrs, f"count_{q}", 0) for q in QUALITY_WORDS},
            areas={q: merged(self, attrs, f"area_{q}", 0) for q in QUALITY_WORDS},
        )
        if problems:
            raise serializers.ValidationError(problems)
        return attrs


class RoomStockFilter(django_filters.FilterSet):
    school_year = IdFilter(field_name="school_year_id", label="Năm học (id)")
    unit = IdFilter(field_name="unit_id", label="Trường (id)")
    site = IdFilter(field_name="site_id", label="Điểm trường (id)")
    room_kind = django_filters.CharFilter(field_name="room_kind__code", label="Loại phòng (mã danh mục loai_phong)")

    class Meta:
        model = RoomStock
        fields: list[str] = []


class RoomStockViewSet(ScopedRecordViewSet):
    """Room stock (cơ sở vật chất) of the schools in the caller's scope."""

    model = RoomStock
    write_function = Function.ENTER_FACILITIES
    serializer_class = RoomStockSerializer
    filterset_class = RoomStockFilter

    def refine(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return with_totals(queryset.select_related("unit", "site", "room_kind")).order_by(
            "-school_year__start_year", "unit__name_key", "site_id", "room_kind__order", "pk"
        )


def register(router: BaseRouter) -> None:
    """Add this database's viewsets to the /api/v1/ router."""
    router.register("rooms", RoomStockViewSet, basename="room")
