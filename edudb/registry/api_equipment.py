"""API of the equipment checklist: one line per school × school year × item, scoped, versioned (ETag / If-Match),
idempotent creates, checked by the same rules as the page's grid (``equipment.row_problems``)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.routers import BaseRouter

from edudb.core.api_base import IdFilter, RecordSerializer, ScopedRecordViewSet
from edudb.core.models import Unit
from edudb.core.scoping import Function
from edudb.quality.text import clean_text
from edudb.registry import equipment
from edudb.registry.api import CodeItemField
from edudb.registry.api_classes import merged
from edudb.registry.forms_classes import school_years
from edudb.registry.models import EquipmentCheck


class ChecklistSchoolField(serializers.PrimaryKeyRelatedField[Unit]):
    """A school whose facilities data the caller may enter; anything else is 'does not exist'."""

    def get_queryset(self) -> QuerySet[Unit]:
        return equipment.checklist_schools(self.context["request"].user, Function.ENTER_FACILITIES)


def quantity(**kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=0, max_value=equipment.MAX_QUANTITY, **kwargs)


class EquipmentCheckSerializer(RecordSerializer):
    """One line of a school's equipment checklist for a school year: how many it needs, has and can use, and
    whether it meets the standard. The school, year and item are fixed once written; one line per item."""

    unit = ChecklistSchoolField(help_text="Trường (id)")
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    school_year = serializers.PrimaryKeyRelatedField(queryset=school_years(), help_text="Năm học (id)")
    item = CodeItemField("thiet_bi", help_text="Mã thiết bị (danh mục thiet_bi)")
    item_name = serializers.CharField(source="item.name", read_only=True)
    # The model's field is named "required": declared here it shadows Field.required only in the class body (the
    # serializer's metaclass moves declared fields out of the class attributes).
    required = quantity(  # type: ignore[assignment]
        required=False, allow_null=True, help_text="Số lượng cần; để trống nếu không định mức"
    )
    available = quantity(help_text="Số lượng hiện có")
    usable = quantity(required=False, help_text="Số lượng dùng được (không quá số hiện có); mặc định bằng số hiện có")

    class Meta:
        model = EquipmentCheck
        exclude = ["created_at", "updated_by"]
        read_only_fields = ["updated_at"]
        validators: list[Any] = []  # one line per school × year × item is checked in validate(), with a plain message

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.instance is not None:
            for name in ("unit", "school_year", "item"):
                if name in attrs and attrs[name] != getattr(self.instance, name):
                    raise serializers.ValidationError(
                        {name: _("Không sửa được trường, năm học hay thiết bị của một dòng; hãy sửa dòng của mục đó.")}
                    )
        if isinstance(attrs.get("note"), str):
            attrs["note"] = clean_text(attrs["note"])  # stored as on the page: NFC, single spaces
        available = merged(self, attrs, "available")
        if self.instance is None and "usable" not in attrs and available is not None:
            attrs["usable"] = available  # blank "usable": everything present works, as on the page
        item = merged(self, attrs, "item")
        problems = equipment.row_problems(
            item=item,
            required=merged(self, attrs, "required"),
            available=available,
            usable=merged(self, attrs, "usable"),
            meets_standard=bool(merged(self, attrs, "meets_standard", False)),
        )
        if problems:
            raise serializers.ValidationError(problems)
        if self.instance is None:
            taken = EquipmentCheck.objects.visible_to(self.context["request"].user).filter(
                unit=attrs["unit"], school_year=attrs["school_year"], item=item
            )
            if taken.exists():
                raise serializers.ValidationError(
                    {
                        "item": _(
                            "«%(item)s»: trường đã có dòng của mục này trong năm học %(year)s; hãy sửa dòng đã có."
                        )
                        % {"item": item.name, "year": attrs["school_year"]}
                    }
                )
        return attrs


class EquipmentCheckFilter(django_filters.FilterSet):
    unit = IdFilter(field_name="unit_id", label="Trường (id)")
    school_year = IdFilter(field_name="school_year_id", label="Năm học (id)")
    item = django_filters.CharFilter(field_name="item__code", label="Mã thiết bị (danh mục thiet_bi)")
    meets_standard = django_filters.BooleanFilter(label="Đạt yêu cầu")

    class Meta:
        model = EquipmentCheck
        fields: list[str] = []


class EquipmentCheckViewSet(ScopedRecordViewSet):
    """Equipment checklist lines (danh mục thiết bị) of the schools in the caller's scope."""

    model = EquipmentCheck
    write_function = Function.ENTER_FACILITIES
    serializer_class = EquipmentCheckSerializer
    filterset_class = EquipmentCheckFilter

    def refine(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("unit", "item").order_by(
            "-school_year__start_year", "unit__name_key", "item__order", "pk"
        )


def register(router: BaseRouter) -> None:
    """Add this database's viewsets to the /api/v1/ router."""
    router.register("equipment-checks", EquipmentCheckViewSet, basename="equipment-check")
