"""API of data quality (R6.5): scorecards, the findings of the last measurement, and the rules in force.

- ``/api/v1/quality/scorecards/`` — the scorecards of the caller's unit (or ``?unit=``) and of each of its children;
  ``…/scorecards/{id}/`` — one unit's figures in total and per kind of record, with its children's totals. Out of
  scope is "not found", and the figures count only what the caller may see (a staff-only office: staff figures).
- ``/api/v1/quality/findings/`` — the problems found in the records the caller may see (filters: unit and the units
  below it, target, kind, severity, rule).
- ``/api/v1/quality/rules/`` — the validation rules with the Sở's settings, the required fields, the stale threshold:
  reference data every account reads.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import django_filters
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from edudb.core.api_base import IdFilter, ScopedReadOnlyViewSet
from edudb.core.models import Unit, subtree_q
from edudb.core.scoping import get_scoped_or_404
from edudb.quality import completeness, scoring
from edudb.quality.models import Finding, QualitySettings, Severity, Target
from edudb.quality.rules import RULES, settings_by_rule
from edudb.quality.scoring import Figures, Scorecard
from edudb.quality.templatetags.quality import home_unit

# --- Scorecards ------------------------------------------------------------------------------------------------------


class FiguresSerializer(serializers.Serializer[Any]):
    """The four properties of Điều 2.1 (shares from 0 to 1; null when there is nothing to measure) and the counts
    behind them."""

    completeness = serializers.FloatField(allow_null=True, help_text="Đầy đủ: số ô bắt buộc đã có / số ô bắt buộc")
    accuracy = serializers.FloatField(allow_null=True, help_text="Chính xác: số bản ghi không có lỗi / số bản ghi")
    consistency = serializers.FloatField(
        allow_null=True, help_text="Thống nhất: số giá trị đúng chuẩn / số giá trị đã soát"
    )
    timeliness = serializers.FloatField(
        allow_null=True, help_text="Kịp thời: số bản ghi được sửa hay xác nhận trong hạn / số bản ghi"
    )
    overall = serializers.FloatField(allow_null=True, help_text="Trung bình các chỉ số đo được")
    records = serializers.IntegerField(help_text="Số bản ghi")
    required_cells = serializers.IntegerField(help_text="Số ô bắt buộc")
    filled_cells = serializers.IntegerField(help_text="Số ô bắt buộc đã có")
    checked_values = serializers.IntegerField(help_text="Số giá trị đã soát định dạng")
    inconsistent_values = serializers.IntegerField(help_text="Số giá trị chưa thống nhất")
    records_with_errors = serializers.IntegerField(help_text="Số bản ghi có lỗi")
    records_with_warnings = serializers.IntegerField(help_text="Số bản ghi chỉ có cảnh báo")
    stale_records = serializers.IntegerField(help_text="Số bản ghi quá hạn chưa sửa hay xác nhận")
    last_changed_at = serializers.DateTimeField(allow_null=True, help_text="Lần sửa gần nhất")
    measured_at = serializers.DateTimeField(allow_null=True, help_text="Lúc đo (lần đo cũ nhất trong các đơn vị)")


class UnitRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class TargetFiguresSerializer(serializers.Serializer[Any]):
    target = serializers.ChoiceField(choices=Target.choices, help_text="Loại bản ghi")
    label = serializers.CharField(help_text="Tên loại bản ghi")  # type: ignore[assignment]
    figures = FiguresSerializer()


class ChildFiguresSerializer(serializers.Serializer[Any]):
    unit = UnitRefSerializer()
    total = FiguresSerializer()


class ScorecardSerializer(serializers.Serializer[Any]):
    """One unit's scorecard over its subtree (as far as the caller may see)."""

    unit = UnitRefSerializer()
    total = FiguresSerializer()
    by_target = TargetFiguresSerializer(many=True, help_text="Theo cơ sở dữ liệu thành phần")


class ScorecardDetailSerializer(ScorecardSerializer):
    own = FiguresSerializer(
        allow_null=True, help_text="Riêng dữ liệu của chính đơn vị (không kể đơn vị trực thuộc); null nếu không có"
    )
    children = ChildFiguresSerializer(many=True, help_text="Tổng của từng đơn vị trực thuộc mà bạn được xem")


def _unit_ref(unit: Unit) -> dict[str, Any]:
    return {"id": unit.pk, "code": unit.code, "name": unit.name}


def _card(card: Scorecard) -> dict[str, Any]:
    return {
        "unit": _unit_ref(card.unit),
        "total": card.total,
        "by_target": [{"target": t, "label": str(label), "figures": f} for t, label, f in card.targets],
    }


def _children(user: Any, unit: Unit) -> tuple[Figures | None, list[Scorecard]]:
    """The unit's own records' figures (None without any) and its visible children's scorecards."""
    children = list(Unit.objects.visible_to(user).filter(parent=unit).order_by("name_key"))
    if not children:
        return None, []
    cards = scoring.child_scorecards(user, unit, children)
    own = next((c.total for c in cards if c.unit.pk == unit.pk), None)
    return own, [c for c in cards if c.unit.pk != unit.pk]


class UnitQuerySerializer(serializers.Serializer[Any]):
    unit = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)


UNIT_PARAMETER = OpenApiParameter(
    "unit",
    OpenApiTypes.INT,
    OpenApiParameter.QUERY,
    required=False,
    description="Đơn vị (id) có bảng chất lượng cần xem; mặc định: đơn vị của tài khoản (Sở, với phòng chuyên môn)",
)


@extend_schema_view(
    list=extend_schema(
        summary="Bảng chất lượng dữ liệu của một đơn vị và các đơn vị trực thuộc",
        description="Phần tử đầu là đơn vị (mặc định: của tài khoản), tiếp theo là từng đơn vị trực thuộc; mỗi bảng "
        "tính trên đơn vị đó và mọi đơn vị dưới nó, trong phạm vi được xem.",
        parameters=[UNIT_PARAMETER],
    ),
    retrieve=extend_schema(
        summary="Bảng chất lượng dữ liệu của một đơn vị",
        responses=ScorecardDetailSerializer,
    ),
)
class ScorecardViewSet(ScopedReadOnlyViewSet):
    """Scorecards of the units in the caller's scope: the four properties per kind of record, rolled up the tree."""

    model = Unit
    serializer_class = ScorecardSerializer
    filter_backends: list[Any] = []

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        return ScorecardDetailSerializer if self.action == "retrieve" else ScorecardSerializer

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        query = UnitQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        user = request.user
        if "unit" in query.validated_data:
            unit = get_scoped_or_404(Unit, user, pk=query.validated_data["unit"])
        else:
            unit = self._home(user)
        _own, children = _children(user, unit)
        cards = [scoring.scorecard(user, unit), *children]
        page = self.paginate_queryset(cards)
        rows = [_card(c) for c in (page if page is not None else cards)]
        data = ScorecardSerializer(rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        unit = self.get_object()
        own, children = _children(request.user, unit)
        body = {
            **_card(scoring.scorecard(request.user, unit)),
            "own": own,
            "children": [{"unit": _unit_ref(c.unit), "total": c.total} for c in children],
        }
        return Response(ScorecardDetailSerializer(body).data)

    def _home(self, user: Any) -> Unit:
        """The caller's unit (for a Sở office, the Sở when its oversight reaches it: the higher one it may see)."""
        start = home_unit(user)
        candidates = {pk for pk in (start.pk if start else None, getattr(user, "unit_id", None)) if pk}
        unit = self.get_queryset().filter(pk__in=candidates).order_by("depth").first()
        if unit is None:
            raise Http404(_("Không tìm thấy dữ liệu."))
        return unit  # type: ignore[no-any-return]


# --- Findings -------------------------------------------------------------------------------------------------------


@cache
def _verbose_names(target: str) -> dict[str, Any]:
    """The fields of a kind of record with their (lazy, so translated when shown) Vietnamese labels."""
    model = completeness.target_model(target)
    return {
        f.name: f.verbose_name
        for f in model._meta.get_fields()
        if getattr(f, "concrete", False) and hasattr(f, "verbose_name")
    }


class FindingSerializer(serializers.ModelSerializer[Finding]):
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    field_label = serializers.SerializerMethodField(help_text="Tên trường thông tin bằng tiếng Việt")

    class Meta:
        model = Finding
        fields = [
            "id",
            "unit",
            "unit_code",
            "unit_name",
            "target",
            "object_id",
            "object_label",
            "kind",
            "rule",
            "field",
            "field_label",
            "severity",
            "message",
            "found_at",
        ]
        read_only_fields = fields

    def get_field_label(self, finding: Finding) -> str:
        return str(_verbose_names(finding.target).get(finding.field, finding.field))


class FindingFilter(django_filters.FilterSet):
    unit = IdFilter(method="in_unit", label="Đơn vị (id): vấn đề của đơn vị đó và các đơn vị trực thuộc")
    target = django_filters.ChoiceFilter(choices=Target.choices)
    kind = django_filters.ChoiceFilter(choices=Finding.Kind.choices)
    severity = django_filters.ChoiceFilter(choices=Severity.choices)
    rule = django_filters.CharFilter(max_length=60, label="Mã quy tắc, ví dụ student.birth_date, consistency")

    class Meta:
        model = Finding
        fields: list[str] = []

    def in_unit(self, queryset: QuerySet[Finding], name: str, value: int) -> QuerySet[Finding]:
        path = Unit.objects.visible_to(self.request.user).filter(pk=value).values_list("path", flat=True).first()
        if path is None:
            return queryset.none()
        return queryset.filter(subtree_q(path, "unit__"))


class FindingViewSet(ScopedReadOnlyViewSet):
    """The problems the last measurement found in the records the caller may see (the work list, as data)."""

    model = Finding
    serializer_class = FindingSerializer
    filterset_class = FindingFilter

    def refine(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("unit").order_by("unit__path", "target", "object_label", "field", "pk")


# --- Rules --------------------------------------------------------------------------------------------------------


class RuleSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(help_text="Mã quy tắc")
    title = serializers.CharField(help_text="Nội dung quy tắc")
    target = serializers.ChoiceField(choices=Target.choices, help_text="Loại bản ghi")
    field_names = serializers.ListField(child=serializers.CharField(), help_text="Các trường thông tin quy tắc xem xét")
    default_severity = serializers.CharField(help_text="Mức độ mặc định: error (lỗi) hoặc warning (cảnh báo)")
    severity = serializers.ChoiceField(choices=Severity.choices, help_text="Mức độ Sở đang áp dụng")
    is_active = serializers.BooleanField(help_text="Sở đang áp dụng quy tắc")


class RequiredFieldSerializer(serializers.Serializer[Any]):
    target = serializers.ChoiceField(choices=Target.choices, help_text="Loại bản ghi")
    field = serializers.CharField(help_text="Tên trường")
    label = serializers.CharField(help_text="Tên trường bằng tiếng Việt")  # type: ignore[assignment]
    level = serializers.CharField(help_text="Mã cấp học áp dụng; trống: mọi cấp học")


class QualityRulesSerializer(serializers.Serializer[Any]):
    stale_after_days = serializers.IntegerField(
        help_text="Bản ghi không được sửa hay xác nhận quá số ngày này là chưa kịp thời"
    )
    rules = RuleSerializer(many=True)
    required_fields = RequiredFieldSerializer(many=True)


class OneObjectSchema(AutoSchema):
    """The rules' "list" route answers one object (the rules, the required fields, the threshold), not a list."""

    def _is_list_view(self, serializer: Any = None) -> bool:
        return False


@extend_schema_view(
    list=extend_schema(
        summary="Quy tắc kiểm tra, trường bắt buộc và hạn cập nhật dữ liệu do Sở quy định",
        responses=QualityRulesSerializer,
    ),
)
class QualityRuleViewSet(viewsets.GenericViewSet[Any]):
    """The Sở's quality rules: reference data, the same for every account (no unit scope)."""

    serializer_class = QualityRulesSerializer
    pagination_class = None
    schema = OneObjectSchema()

    def get_queryset(self) -> QuerySet[Any]:
        return Finding.objects.none()  # for the schema only: the rules are not rows of a scoped table

    def list(self, request: Request) -> Response:
        chosen = settings_by_rule()
        body = {
            "stale_after_days": QualitySettings.current().stale_after_days,
            "rules": [
                {
                    "code": code,
                    "title": str(rule.title),
                    "target": rule.target,
                    "field_names": list(rule.fields),
                    "default_severity": rule.severity,
                    "severity": chosen[code][1],
                    "is_active": chosen[code][0],
                }
                for code, rule in RULES.items()
            ],
            "required_fields": [
                {"target": r.target, "field": r.field, "label": r.label, "level": r.level}
                for r in completeness.requirements()
            ],
        }
        return Response(QualityRulesSerializer(body).data)


def register(router: Any) -> None:
    """Add this module's viewsets to the /api/v1/ router."""
    router.register("quality/scorecards", ScorecardViewSet, basename="quality-scorecard")
    router.register("quality/findings", FindingViewSet, basename="quality-finding")
    router.register("quality/rules", QualityRuleViewSet, basename="quality-rule")
