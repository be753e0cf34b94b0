"""The API of outside data requests (read-only, scoped like the pages): ``/api/v1/sharing/requests/``.

Lists and reads the requests whose unit in charge the account reaches (``Function.VIEW``), with their state, what
was asked and, once decided, the Sở's decision. The requester's e-mail and phone, the tracking code and the
download link are never answered. Registered by ``register(router)`` from ``config/api.py``.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.routers import BaseRouter

from edudb.core.api_base import ScopedReadOnlyViewSet
from edudb.core.models import Unit
from edudb.core.scoping import Function
from edudb.sharing import catalogue
from edudb.sharing.models import DataRequest, Decision, RequestState


class DecisionSerializer(serializers.ModelSerializer[Decision]):
    approved_units: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="code"
    )

    class Meta:
        model = Decision
        fields = [
            "outcome",
            "document_number",
            "document_date",
            "signer",
            "reason",
            "approved_fields",
            "approved_units",
            "include_personal_ids",
            "include_health",
            "release_expires_on",
            "max_downloads",
            "decided_at",
        ]
        read_only_fields = fields


class DataRequestSerializer(serializers.ModelSerializer[DataRequest]):
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    wanted_units: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="code"
    )
    databases = serializers.SerializerMethodField()
    school_year: serializers.StringRelatedField[Any] = serializers.StringRelatedField(read_only=True)
    decision = serializers.SerializerMethodField()

    class Meta:
        model = DataRequest
        fields = [
            "id",
            "number",
            "unit",
            "unit_code",
            "unit_name",
            "channel",
            "state",
            "requester_name",
            "requester_organisation",
            "purpose",
            "legal_basis",
            "databases",
            "wanted_fields",
            "wanted_units",
            "school_year",
            "period_note",
            "file_format",
            "keep_until",
            "created_at",
            "decision",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_databases(self, obj: DataRequest) -> list[str]:
        return catalogue.databases_of(obj.wanted_fields)

    @extend_schema_field(DecisionSerializer(allow_null=True))
    def get_decision(self, obj: DataRequest) -> dict[str, Any] | None:
        if obj.state not in (RequestState.APPROVED, RequestState.REFUSED):
            return None
        decision = getattr(obj, "decision", None)
        return DecisionSerializer(decision).data if decision is not None else None


class DataRequestFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=RequestState.choices, label="Trạng thái")

    class Meta:
        model = DataRequest
        fields = ["state"]


class DataRequestViewSet(ScopedReadOnlyViewSet):
    """Outside data requests in reach, newest first."""

    model = DataRequest
    function = Function.VIEW
    serializer_class = DataRequestSerializer
    filterset_class = DataRequestFilter

    def refine(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return (
            queryset.select_related("unit", "school_year", "decision")
            .prefetch_related(
                Prefetch("wanted_units", queryset=Unit.objects.only("id", "code")),
                Prefetch("decision__approved_units", queryset=Unit.objects.only("id", "code")),
            )
            .order_by("-created_at", "-pk")
        )


def register(router: BaseRouter) -> None:
    """Add the sharing viewsets to the /api/v1/ router."""
    router.register("sharing/requests", DataRequestViewSet, basename="sharing-request")
