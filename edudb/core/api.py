"""API of the unit tree (read-only here; structure changes come as dated reorganisation events)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from rest_framework import serializers

from edudb.core.api_base import IdFilter, ScopedReadOnlyViewSet
from edudb.core.models import Unit
from edudb.quality.text import search_key


class UnitSerializer(serializers.ModelSerializer[Unit]):
    kind: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(slug_field="code", read_only=True)
    kind_name = serializers.CharField(source="kind.name", read_only=True)
    category = serializers.CharField(source="kind.category", read_only=True)
    levels = serializers.ListField(child=serializers.CharField(), read_only=True)
    email = serializers.CharField(read_only=True, help_text="Thư điện tử (có thể trống)")

    class Meta:
        model = Unit
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "kind_name",
            "category",
            "parent",
            "depth",
            "levels",
            "province_code",
            "commune_code",
            "address",
            "phone",
            "email",
            "head_name",
            "is_active",
        ]
        read_only_fields = fields


class UnitFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Tìm theo tên hoặc mã (không dấu)")
    kind = django_filters.CharFilter(field_name="kind__code")
    category = django_filters.CharFilter(field_name="kind__category")
    parent = IdFilter(field_name="parent_id")
    level = django_filters.CharFilter(method="by_level", label="Mã cấp học (mn, th, thcs, thpt, gdtx)")

    class Meta:
        model = Unit
        fields: list[str] = []

    def search(self, queryset: QuerySet[Unit], name: str, value: str) -> QuerySet[Unit]:
        return queryset.filter(name_key__contains=search_key(value)) | queryset.filter(code__startswith=value.strip())

    def by_level(self, queryset: QuerySet[Unit], name: str, value: str) -> QuerySet[Unit]:
        return queryset.filter(level_codes__contains=f"|{value.strip()}|")


class UnitViewSet(ScopedReadOnlyViewSet):
    """Units in the caller's scope."""

    model = Unit
    serializer_class = UnitSerializer
    filterset_class = UnitFilter

    def refine(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("kind").order_by("path")
