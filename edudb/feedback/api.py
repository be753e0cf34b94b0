"""Feedback about data through /api/v1/ (R8.3): the same services and scope as the pages.

- ``feedback/`` — GET: the items the account handles (``review`` function, its unit and the units below);
  POST: file a complaint about a record the account sees (out of reach: 404, audited).
- ``feedback/{id}/`` — one handled item. ``feedback/mine/`` — what the account filed, and the outcome.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from edudb.core.api_base import ScopedViewSet, idempotent
from edudb.core.scoping import Function
from edudb.feedback import services
from edudb.feedback.models import OPEN_STATES, Feedback, Kind, State
from edudb.feedback.serializers import FeedbackCreateSerializer, FeedbackSerializer
from edudb.reporting.api import REFUSED, ListOnlyFilters, run_service
from edudb.reporting.models import ReportingPeriod


class FeedbackFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=State.choices, label="Trạng thái")
    kind = django_filters.ChoiceFilter(choices=Kind.choices, label="Loại")
    overdue = django_filters.BooleanFilter(method="is_overdue", label="true: chưa trả lời và đã quá hạn")

    class Meta:
        model = Feedback
        fields = ["state", "kind", "overdue"]

    def is_overdue(self, queryset: QuerySet[Any], name: str, value: bool | None) -> QuerySet[Any]:
        if value is None:
            return queryset
        late = {"state__in": OPEN_STATES, "deadline__lt": timezone.localdate()}
        return queryset.filter(**late) if value else queryset.exclude(**late)


@extend_schema_view(
    list=extend_schema(summary="Phản ánh về dữ liệu đơn vị xử lý"),
    retrieve=extend_schema(summary="Một phản ánh"),
    create=extend_schema(
        summary="Gửi phản ánh về một hồ sơ hoặc số liệu",
        request=FeedbackCreateSerializer,
        responses={201: FeedbackSerializer, **REFUSED},
    ),
)
class FeedbackViewSet(ListOnlyFilters, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    model = Feedback
    function = Function.REVIEW
    serializer_class = FeedbackSerializer
    filterset_class = FeedbackFilter

    def refine(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("unit").order_by("deadline", "pk")

    def create(self, request: Request) -> Response:
        def make() -> Response:
            data = FeedbackCreateSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            values = data.validated_data
            period = None
            if values.get("period"):
                period = ReportingPeriod.objects.visible_to(request.user).filter(pk=values["period"]).first()

            def call() -> Feedback:
                try:
                    return services.file(
                        by=request.user,
                        subject_key=values["subject"],
                        subject_id=values["subject_id"],
                        kind=values["kind"],
                        text=values["text"],
                        period=period,
                        indicator=values["indicator"],
                        figure=values["figure"],
                    )
                except services.OutOfReach as exc:
                    raise NotFound(str(exc)) from exc

            made = run_service(call)
            return Response(FeedbackSerializer(made).data, status=status.HTTP_201_CREATED)

        try:
            return idempotent(request, make)
        except Http404 as exc:
            raise NotFound(_("Không tìm thấy dữ liệu.")) from exc

    @extend_schema(summary="Phản ánh tài khoản đã gửi", responses=FeedbackSerializer(many=True))
    @action(detail=False, methods=["get"])
    def mine(self, request: Request) -> Response:
        rows = services.unscoped_filed_by(request.user).select_related("unit").order_by("-filed_at", "-pk")
        page = self.paginate_queryset(rows)
        if page is not None:
            return self.get_paginated_response(FeedbackSerializer(page, many=True).data)
        return Response(FeedbackSerializer(rows, many=True).data)


def register(router: BaseRouter) -> None:
    router.register("feedback", FeedbackViewSet, basename="feedback")
