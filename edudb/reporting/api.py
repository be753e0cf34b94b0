"""The reporting cycle through /api/v1/ (R7.1–R7.3; Điều 9, Điều 10.1): the same services as the pages.

- ``reporting/periods/`` — the periods (every account reads them); the Sở opens an ad-hoc period (POST), edits one
  (PATCH) and closes it (``{id}/close/``); ``{id}/board/`` is the timeliness board under a unit.
- ``reporting/reports/`` — each unit's report per period, in scope.
- ``reporting/submissions/`` — the submitted versions in scope; POST submits the account's own unit's data,
  ``{id}/approve/`` and ``{id}/return/`` are the manager's review, ``{id}/difference/`` compares two versions.
- ``reporting/extensions/``, ``reporting/corrections/`` — deadline extensions and correction requests.
- ``notifications/`` — the account's own notifications.

Out of scope is "not found" (404). A service's refusal is a 400 with its Vietnamese text (``{"detail": …}``, or the
fields named) or a 403 ``{"detail": …}`` when the account may not do it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import django_filters
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from edudb.core.api_base import IdFilter, ScopedViewSet, idempotent
from edudb.core.models import Category, Notification, Unit
from edudb.core.scoping import get_scoped_or_404, scope_for
from edudb.reporting import board, services, snapshots
from edudb.reporting.models import (
    Correction,
    Extension,
    PeriodKind,
    ReportingPeriod,
    ReportState,
    Submission,
    UnitReport,
)
from edudb.reporting.serializers import (
    ApproveSerializer,
    BoardQuerySerializer,
    BoardSerializer,
    CorrectionCreateSerializer,
    CorrectionSerializer,
    DecideSerializer,
    DifferenceSerializer,
    ExtensionCreateSerializer,
    ExtensionSerializer,
    NotificationSerializer,
    PeriodSerializer,
    PeriodWriteSerializer,
    ReadAllSerializer,
    ReturnSerializer,
    SubmissionDetailSerializer,
    SubmissionSerializer,
    SubmitSerializer,
    UnitReportSerializer,
    difference_json,
)

REFUSED = {
    400: OpenApiResponse(description='Bị từ chối: {"detail": lý do} hoặc lỗi theo từng trường'),
    403: OpenApiResponse(description='Tài khoản không được làm việc này: {"detail": lý do}'),
    404: OpenApiResponse(description="Không có, hoặc nằm ngoài phạm vi của tài khoản"),
}


def run_service(call: Callable[[], Any]) -> Any:
    """A service's Vietnamese refusals as API answers: 400 with the reason (or the fields named), or 403."""
    try:
        return call()
    except DjangoValidationError as exc:
        if hasattr(exc, "error_dict"):
            raise ValidationError(exc.message_dict) from exc
        raise ValidationError({"detail": "\n".join(str(m) for m in exc.messages)}) from exc
    except DjangoPermissionDenied as exc:
        raise PermissionDenied(str(exc) or _("Tài khoản không được thực hiện thao tác này.")) from exc


def _visible_period(user: Any, pk: int) -> ReportingPeriod:
    period = ReportingPeriod.objects.visible_to(user).filter(pk=pk).first()
    if period is None:
        raise ValidationError({"period": [_("Không có kỳ báo cáo này.")]})
    return period


def _own_unit(user: Any) -> Unit:
    scope = scope_for(user)
    if scope is None:
        raise PermissionDenied(_("Tài khoản không thuộc đơn vị nào nên không báo cáo được."))
    return scope.unit


class ListOnlyFilters:
    """Query filters apply to lists only: an action on one object is never narrowed by its query string. An object
    that is missing or out of scope is "not found", in Vietnamese."""

    action: str

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return super().filter_queryset(queryset) if self.action == "list" else queryset  # type: ignore[misc]

    def get_object(self) -> Any:
        try:
            return super().get_object()  # type: ignore[misc]
        except Http404 as exc:
            raise Http404(_("Không tìm thấy dữ liệu.")) from exc


# --- Periods and the board -------------------------------------------------------------------------------------------


class PeriodFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=PeriodKind.choices, label="Loại kỳ báo cáo")
    open = django_filters.BooleanFilter(method="is_open", label="true: đang nhận báo cáo; false: chưa mở hoặc đã khóa")
    school_year = django_filters.NumberFilter(
        field_name="school_year__start_year", min_value=1990, max_value=2100, label="Năm bắt đầu năm học, ví dụ 2025"
    )

    class Meta:
        model = ReportingPeriod
        fields = ["kind", "open", "school_year"]

    def is_open(self, queryset: QuerySet[Any], name: str, value: bool | None) -> QuerySet[Any]:
        if value is None:
            return queryset
        condition = Q(closed_at__isnull=True, opens_on__lte=timezone.localdate())
        return queryset.filter(condition) if value else queryset.exclude(condition)


BOARD_PARAMETERS = [
    OpenApiParameter(
        "unit",
        OpenApiTypes.INT,
        OpenApiParameter.QUERY,
        required=False,
        description="Đơn vị gốc (id); mặc định: đơn vị của tài khoản (Sở, với phòng chuyên môn)",
    ),
    OpenApiParameter(
        "state",
        OpenApiTypes.STR,
        OpenApiParameter.QUERY,
        required=False,
        enum=[value for value, _label in board.BOARD_STATES],
        description="Chỉ các đơn vị ở trạng thái này",
    ),
    OpenApiParameter("late", OpenApiTypes.BOOL, OpenApiParameter.QUERY, required=False, description="Chỉ đơn vị trễ"),
    OpenApiParameter("q", OpenApiTypes.STR, OpenApiParameter.QUERY, required=False, description="Tên hoặc mã đơn vị"),
    OpenApiParameter(
        "level",
        OpenApiTypes.STR,
        OpenApiParameter.QUERY,
        required=False,
        description="Chỉ đơn vị có cấp học này (mã: mn, th, thcs, thpt, gdtx); số lượng và tỉ lệ tính theo cấp đó",
    ),
    OpenApiParameter("page", OpenApiTypes.INT, OpenApiParameter.QUERY, required=False, description="Trang"),
]


@extend_schema_view(
    list=extend_schema(summary="Các kỳ báo cáo"),
    retrieve=extend_schema(summary="Một kỳ báo cáo"),
    create=extend_schema(
        summary="Mở kỳ báo cáo đột xuất (Sở)",
        request=PeriodWriteSerializer,
        responses={201: PeriodSerializer, **REFUSED},
    ),
    partial_update=extend_schema(
        summary="Sửa kỳ báo cáo: ngày, cơ sở dữ liệu, hướng dẫn, mức đầy đủ (Sở)",
        request=PeriodWriteSerializer(partial=True),
        responses={200: PeriodSerializer, **REFUSED},
    ),
)
class PeriodViewSet(ListOnlyFilters, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The reporting periods: the city's calendar, which every signed-in account reads."""

    model = ReportingPeriod
    serializer_class = PeriodSerializer
    filterset_class = PeriodFilter

    def refine(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("school_year", "closed_by").order_by("-deadline", "-pk")

    def get_serializer_class(self) -> Any:
        return PeriodWriteSerializer if self.action in ("create", "partial_update") else PeriodSerializer

    def _answer(self, pk: int, code: int = status.HTTP_200_OK) -> Response:
        period = self.get_queryset().get(pk=pk)
        return Response(PeriodSerializer(period).data, status=code)

    def create(self, request: Request) -> Response:
        def make() -> Response:
            data = PeriodWriteSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            period = run_service(lambda: services.open_adhoc(by=request.user, **data.validated_data))
            return self._answer(period.pk, status.HTTP_201_CREATED)

        return idempotent(request, make)

    def partial_update(self, request: Request, pk: str) -> Response:
        period = self.get_object()
        data = PeriodWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)  # partial: only the fields sent, no defaults
        run_service(lambda: services.update_period(period, by=request.user, **changes))
        return self._answer(period.pk)

    @extend_schema(summary="Khóa sổ kỳ báo cáo (Sở)", request=None, responses={200: PeriodSerializer, **REFUSED})
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        period = self.get_object()
        run_service(lambda: services.close_period(period, by=request.user))
        return self._answer(period.pk)

    @extend_schema(
        summary="Bảng theo dõi tiến độ báo cáo của kỳ",
        description="Trạng thái của từng đơn vị phải báo cáo dưới đơn vị gốc mà tài khoản được xem: số lượng theo "
        "trạng thái, tỉ lệ đúng hạn theo đơn vị quản lý, số gia hạn; các dòng lọc theo trạng thái, trễ hạn, tên/mã, "
        "phân trang.",
        parameters=BOARD_PARAMETERS,
        responses={200: BoardSerializer, **REFUSED},
    )
    @action(detail=True, methods=["get"])
    def board(self, request: Request, pk: str) -> Response:
        period = self.get_object()
        query = BoardQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        values = query.validated_data
        root = self._root(request.user, values.get("unit"))
        built = board.build(
            period,
            request.user,
            root,
            state=values.get("state") or "",
            query=values["q"],
            late_only=values["late"],
            level=values.get("level") or "",
        )
        page = self.paginate_queryset(built.filtered)
        rows = page if page is not None else built.filtered
        body = {
            "period": period,
            "unit": {"id": root.pk, "code": root.code, "name": root.name},
            "counts": built.counts,
            "total": built.total,
            "on_time": built.on_time,
            "on_time_rate": built.on_time_rate,
            "extensions": built.extensions,
            "managers": [
                {
                    "unit": {"id": m.unit.pk, "code": m.unit.code, "name": m.unit.name},
                    "expected": m.expected,
                    "submitted": m.submitted,
                    "on_time": m.on_time,
                    "approved": m.approved,
                    "on_time_rate": m.on_time_rate,
                }
                for m in built.managers
            ],
            "count": len(built.filtered),
            "next": self.paginator.get_next_link() if page is not None else None,  # type: ignore[union-attr]
            "previous": self.paginator.get_previous_link() if page is not None else None,  # type: ignore[union-attr]
            "rows": [_board_row(row) for row in rows],
        }
        return Response(BoardSerializer(body).data)

    def _root(self, user: Any, unit_id: int | None) -> Unit:
        if unit_id is not None:
            return get_scoped_or_404(Unit.objects.select_related("kind"), user, pk=unit_id)
        scope = scope_for(user)
        if scope is None:
            raise Http404(_("Không tìm thấy dữ liệu."))
        mine = scope.unit
        # A Sở office oversees the Sở's units by field and level: its board starts at the Sở.
        start = mine.parent_id if mine.kind.category == Category.OFFICE and mine.parent_id else mine.pk
        root = Unit.objects.visible_to(user).select_related("kind").filter(pk__in={start, mine.pk}).order_by("depth")
        found = root.first()
        if found is None:
            raise Http404(_("Không tìm thấy dữ liệu."))
        return found


def _board_row(row: board.Row) -> dict[str, Any]:
    report = row.report
    return {
        "unit": row.unit.pk,
        "code": row.unit.code,
        "name": row.unit.name,
        "parent_name": row.unit.parent.name if row.unit.parent else "",
        "state": row.state,
        "state_label": str(row.state_label),
        "deadline": row.deadline,
        "extended_until": report.extended_until if report else None,
        "first_submitted_at": report.first_submitted_at if report else None,
        "versions": report.versions if report else 0,
        "on_time": report.on_time if report else None,
        "late": row.late,
        "overdue": row.overdue,
        "report": report.pk if report else None,
        "latest_submission": report.latest_id if report else None,
        "approved_submission": report.approved_id if report else None,
    }


# --- Unit reports ----------------------------------------------------------------------------------------------------


class UnitReportFilter(django_filters.FilterSet):
    period = IdFilter(field_name="period_id", label="Kỳ báo cáo (id)")
    unit = IdFilter(field_name="unit_id", label="Đơn vị (id)")
    state = django_filters.ChoiceFilter(choices=ReportState.choices, label="Trạng thái")

    class Meta:
        model = UnitReport
        fields = ["period", "unit", "state"]


@extend_schema_view(
    list=extend_schema(summary="Báo cáo của các đơn vị trong phạm vi, theo kỳ"),
    retrieve=extend_schema(summary="Báo cáo của một đơn vị trong một kỳ"),
)
class UnitReportViewSet(ListOnlyFilters, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Each unit's report per period: its state, versions, deadline, the latest and the approved version."""

    model = UnitReport
    serializer_class = UnitReportSerializer
    filterset_class = UnitReportFilter

    def refine(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("period", "unit").order_by("-period__deadline", "period_id", "unit__path")


# --- Submissions and their review ------------------------------------------------------------------------------------


class SubmissionFilter(django_filters.FilterSet):
    period = IdFilter(field_name="report__period_id", label="Kỳ báo cáo (id)")
    unit = IdFilter(field_name="report__unit_id", label="Đơn vị (id)")
    review = django_filters.ChoiceFilter(choices=Submission.Review.choices, label="Kết quả duyệt")
    pending = django_filters.BooleanFilter(method="waiting", label="true: các phiên bản chờ tài khoản này duyệt")

    class Meta:
        model = Submission
        fields = ["period", "unit", "review", "pending"]

    def waiting(self, queryset: QuerySet[Any], name: str, value: bool | None) -> QuerySet[Any]:
        if value is None:
            return queryset
        mine = services.pending_for(self.request.user)
        return queryset.filter(mine) if value else queryset.exclude(mine)


@extend_schema_view(
    list=extend_schema(summary="Các phiên bản báo cáo đã chốt trong phạm vi"),
    retrieve=extend_schema(
        summary="Một phiên bản báo cáo, với thông tin ảnh dữ liệu đã chốt",
        description="Kèm vị trí đơn vị lúc chốt, số bản ghi, chất lượng dữ liệu, tổng hợp từ đơn vị trực thuộc, "
        "dung lượng, mã kiểm tra và kết quả kiểm tra lại; không kèm dữ liệu gốc.",
    ),
    create=extend_schema(
        summary="Chốt số liệu của đơn vị mình cho một kỳ báo cáo",
        description="Kiểm tra dữ liệu, chụp ảnh dữ liệu bất biến có mã kiểm tra, báo đơn vị quản lý. Gửi tiêu đề "
        "Idempotency-Key để gửi lại an toàn.",
        request=SubmitSerializer,
        responses={201: SubmissionDetailSerializer, **REFUSED},
    ),
)
class SubmissionViewSet(ListOnlyFilters, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The submitted versions (chốt số liệu) in scope, their review, and the difference between versions."""

    model = Submission
    serializer_class = SubmissionSerializer
    filterset_class = SubmissionFilter

    def refine(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        related = ["report__period", "report__unit", "submitted_by", "reviewed_by"]
        if self.action == "list":
            return queryset.select_related(*related).order_by("-submitted_at", "-pk")
        related += ["report__unit__kind", "report__unit__parent"]  # the review services read them
        # The snapshot (its compressed data) is loaded only where it is answered or compared.
        wanted = ("retrieve", "difference")
        return (
            queryset.select_related(*related, "snapshot")
            if self.action in wanted
            else queryset.select_related(*related)
        )

    def get_serializer_class(self) -> Any:
        if self.action == "create":
            return SubmitSerializer
        return SubmissionSerializer if self.action == "list" else SubmissionDetailSerializer

    def _answer(self, pk: int, code: int = status.HTTP_200_OK) -> Response:
        submission = self.get_queryset().select_related("snapshot").get(pk=pk)
        return Response(SubmissionDetailSerializer(submission).data, status=code)

    def create(self, request: Request) -> Response:
        def make() -> Response:
            data = SubmitSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            values = data.validated_data
            period = _visible_period(request.user, values["period"])
            unit = _own_unit(request.user)
            submission = run_service(
                lambda: services.submit(
                    period, unit, by=request.user, note=values["note"], missing_note=values["missing_note"]
                )
            )
            return self._answer(submission.pk, status.HTTP_201_CREATED)

        return idempotent(request, make)

    @extend_schema(
        summary="Duyệt phiên bản báo cáo (đơn vị quản lý trực tiếp)",
        request=ApproveSerializer,
        responses={200: SubmissionDetailSerializer, **REFUSED},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        submission = self.get_object()
        data = ApproveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        run_service(lambda: services.approve(submission, by=request.user, comment=data.validated_data["comment"]))
        return self._answer(submission.pk)

    @extend_schema(
        summary="Trả lại phiên bản báo cáo, ghi lý do",
        request=ReturnSerializer,
        responses={200: SubmissionDetailSerializer, **REFUSED},
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_submission(self, request: Request, pk: str) -> Response:
        submission = self.get_object()
        data = ReturnSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        run_service(
            lambda: services.return_submission(submission, by=request.user, reason=data.validated_data["reason"])
        )
        return self._answer(submission.pk)

    @extend_schema(
        summary="Khác biệt giữa hai phiên bản báo cáo",
        description="Những gì thay đổi từ phiên bản `against` (mặc định: phiên bản liền trước của cùng báo cáo) đến "
        "phiên bản này, theo từng loại bản ghi.",
        parameters=[
            OpenApiParameter(
                "against",
                OpenApiTypes.INT,
                OpenApiParameter.QUERY,
                required=False,
                description="Phiên bản so sánh (id); mặc định: phiên bản liền trước",
            )
        ],
        responses={200: DifferenceSerializer, **REFUSED},
    )
    @action(detail=True, methods=["get"])
    def difference(self, request: Request, pk: str) -> Response:
        submission = self.get_object()
        against_id = _id_param(request, "against")
        others = self.get_queryset().filter(snapshot__isnull=False)
        if against_id is None:
            against = (
                others.filter(report_id=submission.report_id, version__lt=submission.version)
                .order_by("-version")
                .first()
            )
            if against is None:
                raise ValidationError(
                    {"against": [_("Đây là phiên bản đầu tiên của báo cáo; hãy chọn phiên bản để so sánh.")]}
                )
        else:
            against = others.filter(pk=against_id).first()
            if against is None:
                raise Http404(_("Không tìm thấy dữ liệu."))
        older = snapshots.thaw(against.snapshot.data)
        newer = snapshots.thaw(submission.snapshot.data)
        return Response(difference_json(submission, against, snapshots.difference(older, newer)))


def _id_param(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    try:
        value = int(raw)
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= 2**63 - 1:
        raise ValidationError({name: [_("Hãy ghi mã số (id) của phiên bản, một số nguyên dương.")]})
    return value


# --- Extensions and corrections --------------------------------------------------------------------------------------


class ExtensionFilter(django_filters.FilterSet):
    period = IdFilter(field_name="report__period_id", label="Kỳ báo cáo (id)")
    unit = IdFilter(field_name="report__unit_id", label="Đơn vị (id)")

    class Meta:
        model = Extension
        fields = ["period", "unit"]


def _unit_in_scope(user: Any, pk: int) -> Unit:
    unit = Unit.objects.visible_to(user).select_related("kind", "parent").filter(pk=pk).first()
    if unit is None:
        raise ValidationError({"unit": [_("Không có đơn vị này trong phạm vi quản lý của bạn.")]})
    return unit


@extend_schema_view(
    list=extend_schema(summary="Các lần gia hạn báo cáo trong phạm vi"),
    create=extend_schema(
        summary="Gia hạn báo cáo cho một đơn vị trực thuộc, ghi lý do",
        request=ExtensionCreateSerializer,
        responses={201: ExtensionSerializer, **REFUSED},
    ),
)
class ExtensionViewSet(ListOnlyFilters, mixins.ListModelMixin, ScopedViewSet):
    """Deadline extensions granted by managers (recorded and counted on the board)."""

    model = Extension
    serializer_class = ExtensionSerializer
    filterset_class = ExtensionFilter

    def refine(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("report__unit", "granted_by").order_by("-granted_at", "-pk")

    def get_serializer_class(self) -> Any:
        return ExtensionCreateSerializer if self.action == "create" else ExtensionSerializer

    def create(self, request: Request) -> Response:
        def make() -> Response:
            data = ExtensionCreateSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            values = data.validated_data
            period = _visible_period(request.user, values["period"])
            unit = _unit_in_scope(request.user, values["unit"])
            extension = run_service(
                lambda: services.grant_extension(
                    period, unit, by=request.user, until=values["until"], reason=values["reason"]
                )
            )
            made = self.get_queryset().get(pk=extension.pk)
            return Response(ExtensionSerializer(made).data, status=status.HTTP_201_CREATED)

        return idempotent(request, make)


class CorrectionFilter(django_filters.FilterSet):
    period = IdFilter(field_name="report__period_id", label="Kỳ báo cáo (id)")
    unit = IdFilter(field_name="report__unit_id", label="Đơn vị (id)")
    decision = django_filters.ChoiceFilter(choices=Correction.Decision.choices, label="Quyết định")

    class Meta:
        model = Correction
        fields = ["period", "unit", "decision"]


@extend_schema_view(
    list=extend_schema(summary="Các đề nghị điều chỉnh báo cáo đã duyệt, trong phạm vi"),
    create=extend_schema(
        summary="Đề nghị điều chỉnh báo cáo đã duyệt của đơn vị mình",
        request=CorrectionCreateSerializer,
        responses={201: CorrectionSerializer, **REFUSED},
    ),
)
class CorrectionViewSet(ListOnlyFilters, mixins.ListModelMixin, ScopedViewSet):
    """Requests to correct an approved report; the manager above decides."""

    model = Correction
    serializer_class = CorrectionSerializer
    filterset_class = CorrectionFilter

    def refine(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        related = ("report__period", "report__unit__kind", "report__unit__parent", "requested_by", "decided_by")
        return queryset.select_related(*related).order_by("-requested_at", "-pk")

    def get_serializer_class(self) -> Any:
        if self.action == "create":
            return CorrectionCreateSerializer
        return DecideSerializer if self.action == "decide" else CorrectionSerializer

    def _answer(self, pk: int, code: int = status.HTTP_200_OK) -> Response:
        return Response(CorrectionSerializer(self.get_queryset().get(pk=pk)).data, status=code)

    def create(self, request: Request) -> Response:
        def make() -> Response:
            data = CorrectionCreateSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            period = _visible_period(request.user, data.validated_data["period"])
            unit = _own_unit(request.user)
            correction = run_service(
                lambda: services.request_correction(period, unit, by=request.user, reason=data.validated_data["reason"])
            )
            return self._answer(correction.pk, status.HTTP_201_CREATED)

        return idempotent(request, make)

    @extend_schema(
        summary="Quyết định đề nghị điều chỉnh (đơn vị quản lý trực tiếp)",
        request=DecideSerializer,
        responses={200: CorrectionSerializer, **REFUSED},
    )
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str) -> Response:
        correction = self.get_object()
        data = DecideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        run_service(
            lambda: services.decide_correction(
                correction, by=request.user, accept=values["accept"], answer=values["answer"]
            )
        )
        return self._answer(correction.pk)


# --- Notifications ---------------------------------------------------------------------------------------------------


class NotificationFilter(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(
        field_name="read_at", lookup_expr="isnull", label="true: chỉ thông báo chưa đọc"
    )

    class Meta:
        model = Notification
        fields = ["unread"]


@extend_schema_view(list=extend_schema(summary="Thông báo của tài khoản"))
class NotificationViewSet(ListOnlyFilters, mixins.ListModelMixin, ScopedViewSet):
    """The account's own notifications: reports waiting for review, returns with their reason, reminders."""

    model = Notification
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter

    def refine(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.order_by("-created_at", "-pk")

    @extend_schema(summary="Đánh dấu một thông báo đã đọc", request=None, responses={200: NotificationSerializer})
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str) -> Response:
        notification = self.get_object()
        self.get_queryset().filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())
        return Response(NotificationSerializer(self.get_queryset().get(pk=notification.pk)).data)

    @extend_schema(summary="Đánh dấu mọi thông báo đã đọc", request=None, responses={200: ReadAllSerializer})
    @action(detail=False, methods=["post"], url_path="read-all", url_name="read-all")
    def read_all(self, request: Request) -> Response:
        marked = self.get_queryset().filter(read_at__isnull=True).update(read_at=timezone.now())
        return Response(ReadAllSerializer({"marked": marked}).data)


def register(router: BaseRouter) -> None:
    """Add the reporting cycle's viewsets to the /api/v1/ router."""
    router.register("reporting/periods", PeriodViewSet, basename="reporting-period")
    router.register("reporting/reports", UnitReportViewSet, basename="reporting-report")
    router.register("reporting/submissions", SubmissionViewSet, basename="reporting-submission")
    router.register("reporting/extensions", ExtensionViewSet, basename="reporting-extension")
    router.register("reporting/corrections", CorrectionViewSet, basename="reporting-correction")
    router.register("notifications", NotificationViewSet, basename="notification")
