"""Incident reports through /api/v1/incidents/ (R9.2): list, one incident, and a new report of the account's own unit.

The same scoping door as the pages (an incident is seen by its reporting unit, the managers above it and the Sở);
the same service (``services.report``) for a new report. Screenshots, triage and the rest are done on the pages.
Out of scope is 404; a refusal is a 400 naming the field, or a 403 with the reason.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from edudb.core.api_base import ScopedViewSet, idempotent
from edudb.core.models import Unit
from edudb.incidents import clocks, services
from edudb.incidents.models import (
    OPEN_STATES,
    Incident,
    IncidentCategory,
    IncidentSeverity,
    IncidentState,
)


class ClockSerializer(serializers.Serializer[Any]):
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.label
    due = serializers.DateTimeField()
    done_at = serializers.DateTimeField(allow_null=True)
    overdue = serializers.BooleanField()
    text = serializers.CharField()


class IncidentSerializer(serializers.ModelSerializer[Incident]):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    reported_by_name = serializers.CharField(source="reported_by.full_name", read_only=True)
    assignee_name = serializers.SerializerMethodField()
    clocks = serializers.SerializerMethodField()

    class Meta:
        model = Incident
        fields = [
            "id",
            "number",
            "unit",
            "unit_name",
            "reported_by_name",
            "reported_at",
            "category",
            "severity",
            "title",
            "description",
            "started_at",
            "detected_at",
            "state",
            "is_security",
            "assignee_name",
            "triaged_at",
            "resolved_at",
            "resolution",
            "closed_at",
            "initial_report_at",
            "full_report_at",
            "clocks",
        ]
        read_only_fields = fields

    def get_assignee_name(self, obj: Incident) -> str:
        return obj.assignee.full_name if obj.assignee else ""

    @extend_schema_field(ClockSerializer(many=True))
    def get_clocks(self, obj: Incident) -> list[dict[str, Any]]:
        now = self.context.get("now") or timezone.now()
        return [
            {"label": c.label, "due": c.due, "done_at": c.done_at, "overdue": c.overdue, "text": c.text}
            for c in clocks.clocks(obj, now)
        ]


class IncidentCreateSerializer(serializers.Serializer[Any]):
    category = serializers.ChoiceField(choices=IncidentCategory.choices)
    severity = serializers.ChoiceField(choices=IncidentSeverity.choices)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=20000)
    detected_at = serializers.DateTimeField(required=False, allow_null=True)
    started_at = serializers.DateTimeField(required=False, allow_null=True)
    affected_units = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1), required=False, max_length=500
    )


class IncidentFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=[("open", "open"), *IncidentState.choices], method="by_state")
    severity = django_filters.ChoiceFilter(choices=IncidentSeverity.choices)
    security = django_filters.BooleanFilter(field_name="is_security")

    class Meta:
        model = Incident
        fields = ["state", "severity", "security"]

    def by_state(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        if value == "open":
            return queryset.filter(state__in=OPEN_STATES)
        return queryset.filter(state=value) if value else queryset


REFUSED = {
    400: OpenApiResponse(description="Bị từ chối: lỗi theo từng trường"),
    403: OpenApiResponse(description='Tài khoản không được làm việc này: {"detail": lý do}'),
}


@extend_schema_view(
    list=extend_schema(summary="Các sự cố kỹ thuật trong phạm vi"),
    retrieve=extend_schema(summary="Một sự cố kỹ thuật"),
    create=extend_schema(
        summary="Báo cáo sự cố của đơn vị mình",
        request=IncidentCreateSerializer,
        responses={201: IncidentSerializer, **REFUSED},
    ),
)
class IncidentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Technical incidents: what the account sees; POST reports one for the account's own unit."""

    model = Incident
    serializer_class = IncidentSerializer
    filterset_class = IncidentFilter

    def refine(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("unit", "reported_by", "assignee").order_by("-reported_at", "-pk")

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def get_object(self) -> Any:
        try:
            return super().get_object()
        except Http404 as exc:
            raise Http404(_("Không tìm thấy dữ liệu.")) from exc

    def create(self, request: Request) -> Response:
        def make() -> Response:
            data = IncidentCreateSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            values = dict(data.validated_data)
            wanted = values.pop("affected_units", [])
            units = list(Unit.objects.visible_to(request.user).filter(pk__in=wanted))
            if len(units) != len(set(wanted)):
                raise ValidationError({"affected_units": [_("Chỉ chọn được đơn vị thuộc phạm vi của tài khoản.")]})
            try:
                incident = services.report(by=request.user, affected_units=units, **values)
            except DjangoValidationError as exc:
                if hasattr(exc, "error_dict"):
                    raise ValidationError(exc.message_dict) from exc
                raise ValidationError({"detail": exc.messages}) from exc
            except DjangoPermissionDenied as exc:
                raise PermissionDenied(str(exc)) from exc
            fresh = self.get_queryset().get(pk=incident.pk)
            return Response(IncidentSerializer(fresh).data, status=status.HTTP_201_CREATED)

        return idempotent(request, make)


def register(router: BaseRouter) -> None:
    """Add the incidents' viewset to the /api/v1/ router."""
    router.register("incidents", IncidentViewSet, basename="incident")
