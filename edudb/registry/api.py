"""API of the schools database: school profiles and sites, scoped, versioned (ETag / If-Match), idempotent."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from rest_framework import serializers

from edudb.core.api_base import IdFilter, RecordSerializer, ScopedRecordViewSet
from edudb.core.models import Category, Unit
from edudb.core.scoping import Function
from edudb.quality.codelists import CodeMatcher
from edudb.quality.models import items_of
from edudb.quality.text import search_key
from edudb.registry.models import SchoolProfile, Site


class ScopedUnitField(serializers.PrimaryKeyRelatedField[Unit]):
    """An institution the caller may write to; anything else is 'does not exist'."""

    def get_queryset(self) -> QuerySet[Unit]:
        request = self.context["request"]
        return Unit.objects.visible_to(request.user, Function.ENTER_UNITS).filter(kind__category=Category.INSTITUTION)


class CodeItemField(serializers.SlugRelatedField[Any]):
    """A code list value, given by its official code or, forgivingly, by its name or another spelling ("Kinh",
    "kinh", "1" for "01"); answers always give the code. An unknown value is refused with the closest values and
    where the list is (edudb.quality.codelists.CodeMatcher)."""

    def __init__(self, list_code: str, **kwargs: Any) -> None:
        self.list_code = list_code
        self._matcher: CodeMatcher | None = None
        kwargs.setdefault(
            "help_text", f"Mã hoặc tên trong danh mục {list_code} (xem /api/v1/quality/code-lists/{list_code}/)"
        )
        super().__init__(slug_field="code", queryset=items_of(list_code), **kwargs)

    def to_internal_value(self, data: Any) -> Any:
        if self._matcher is None:
            self._matcher = CodeMatcher.load(self.list_code)  # one query, then every value is a dictionary lookup
        item = self._matcher.match(data)
        if item is None:
            raise serializers.ValidationError(self._matcher.explain(data), code="does_not_exist")
        return item


class SchoolProfileSerializer(RecordSerializer):
    unit = ScopedUnitField()
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    ownership = CodeItemField("loai_hinh_truong", required=False, allow_null=True)
    school_type = CodeItemField("loai_truong", required=False, allow_null=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    website = serializers.URLField(required=False, allow_blank=True)

    class Meta:
        model = SchoolProfile
        exclude = ["created_at", "updated_by"]
        read_only_fields = ["updated_at"]
        validators: list[Any] = []

    def validate_unit(self, unit: Unit) -> Unit:
        if self.instance is not None and unit.pk != self.instance.unit_id:
            raise serializers.ValidationError(_("Không thể chuyển hồ sơ sang cơ sở giáo dục khác."))
        if self.instance is None and hasattr(unit, "school_profile"):
            raise serializers.ValidationError(_("Cơ sở giáo dục này đã có hồ sơ trường; hãy sửa hồ sơ đó."))
        return unit


class SchoolFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Tìm theo tên hoặc mã (không dấu)")
    kind = django_filters.CharFilter(field_name="unit__kind__code")
    ownership = django_filters.CharFilter(field_name="ownership__code")
    national_standard = django_filters.NumberFilter()
    under = IdFilter(method="under_unit", label="Chỉ các trường thuộc đơn vị này (id)")

    class Meta:
        model = SchoolProfile
        fields: list[str] = []

    def search(self, queryset: QuerySet[SchoolProfile], name: str, value: str) -> QuerySet[SchoolProfile]:
        return queryset.filter(unit__name_key__contains=search_key(value)) | queryset.filter(
            unit__code__startswith=value.strip()
        )

    def under_unit(self, queryset: QuerySet[SchoolProfile], name: str, value: int) -> QuerySet[SchoolProfile]:
        from edudb.core.models import subtree_q

        visible = Unit.objects.visible_to(self.request.user)
        parent = visible.filter(pk=value).values_list("path", flat=True).first()
        return queryset.filter(subtree_q(parent, "unit__")) if parent else queryset.none()


class SchoolViewSet(ScopedRecordViewSet):
    """School profiles in the caller's scope."""

    model = SchoolProfile
    write_function = Function.ENTER_UNITS
    serializer_class = SchoolProfileSerializer
    filterset_class = SchoolFilter

    def refine(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("unit", "ownership", "school_type").order_by("unit__name_key")


class SiteSerializer(RecordSerializer):
    unit = ScopedUnitField()

    class Meta:
        model = Site
        exclude = ["created_at", "updated_by"]
        read_only_fields = ["updated_at"]


class SiteFilter(django_filters.FilterSet):
    unit = IdFilter(field_name="unit_id")
    is_active = django_filters.BooleanFilter()

    class Meta:
        model = Site
        fields: list[str] = []


class SiteViewSet(ScopedRecordViewSet):
    """Sites (điểm trường) of the schools in the caller's scope."""

    model = Site
    write_function = Function.ENTER_UNITS
    serializer_class = SiteSerializer
    filterset_class = SiteFilter

    def refine(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.order_by("unit_id", "-is_main", "name")
