"""API of staff awards, discipline and training: scoped, versioned (ETag / If-Match), idempotent creates, and
deletes that must name the version they delete; checked by the same rules as the pages (``staff_records``)."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from edudb.core.api_base import IdFilter, RecordSerializer, ScopedRecordViewSet, etag
from edudb.core.records import StaleRecord
from edudb.core.scoping import Function
from edudb.quality.text import clean_text
from edudb.registry import staff_records
from edudb.registry.api import CodeItemField
from edudb.registry.api_classes import merged
from edudb.registry.models import StaffAward, StaffDiscipline, StaffMember, StaffTraining


class WritableStaffField(serializers.PrimaryKeyRelatedField[StaffMember]):
    """A staff member whose records the caller may enter; anything else is 'does not exist'."""

    def get_queryset(self) -> QuerySet[StaffMember]:
        return staff_records.writable_staff(self.context["request"].user).defer("personal_id")


class YearFilter(django_filters.NumberFilter):
    """A year of four digits: odd input is a 400, never a crash."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1000)
        kwargs.setdefault("max_value", 9998)
        super().__init__(*args, **kwargs)


def in_year(field: str) -> Any:
    """A FilterSet method keeping the rows whose date ``field`` falls in the given calendar year (index-friendly)."""

    def method(queryset: QuerySet[Any], _name: str, value: int) -> QuerySet[Any]:
        year = int(value)
        return queryset.filter(**{f"{field}__gte": dt.date(year, 1, 1), f"{field}__lt": dt.date(year + 1, 1, 1)})

    return method


class StaffRecordSerializer(RecordSerializer):
    """What the three kinds share: the staff member (fixed once written), whose unit the record lies in."""

    staff = WritableStaffField(help_text="Cán bộ (id); chỉ cán bộ bạn được nhập dữ liệu đội ngũ.")
    staff_name = serializers.CharField(source="staff.full_name", read_only=True)
    unit = serializers.IntegerField(source="staff.unit_id", read_only=True, help_text="Đơn vị của cán bộ (id)")

    def validate_staff(self, staff: StaffMember) -> StaffMember:
        if self.instance is not None and staff.pk != self.instance.staff_id:
            raise serializers.ValidationError(_("Không thể chuyển bản ghi sang cán bộ khác; hãy xóa rồi thêm mới."))
        refused = staff_records.staff_problem(self.context["request"].user, staff)
        if refused:
            raise serializers.ValidationError(refused)
        return staff

    def problems(self, attrs: dict[str, Any]) -> dict[str, str]:
        raise NotImplementedError

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        for name, value in attrs.items():
            if isinstance(value, str):
                attrs[name] = clean_text(value)  # stored as on the pages: NFC, single spaces
        problems = self.problems(attrs)
        if problems:
            raise serializers.ValidationError(problems)
        return attrs


class StaffAwardSerializer(StaffRecordSerializer):
    """An emulation title or award (danh hiệu thi đua, khen thưởng) of a staff member in one year."""

    title = CodeItemField("danh_hieu_thi_dua", help_text="Mã danh hiệu (danh mục danh_hieu_thi_dua), ví dụ LDTT")
    title_name = serializers.CharField(source="title.name", read_only=True)
    year = serializers.IntegerField(
        min_value=0, max_value=32767, help_text="Năm bắt đầu của năm học, ví dụ 2025 (từ 1975 đến năm sau)"
    )

    class Meta:
        model = StaffAward
        exclude = ["created_at", "updated_by"]
        read_only_fields = ["updated_at"]

    def problems(self, attrs: dict[str, Any]) -> dict[str, str]:
        return staff_records.award_problems(
            self.context["request"].user,
            staff=merged(self, attrs, "staff"),
            title=merged(self, attrs, "title"),
            year=merged(self, attrs, "year"),
            decision_date=merged(self, attrs, "decision_date"),
            instance_pk=self.instance.pk if self.instance is not None else None,
        )


class StaffDisciplineSerializer(StaffRecordSerializer):
    """A disciplinary measure (kỷ luật) against a staff member, with its decision."""

    form = CodeItemField("hinh_thuc_ky_luat", help_text="Mã hình thức kỷ luật (danh mục hinh_thuc_ky_luat)")
    form_name = serializers.CharField(source="form.name", read_only=True)

    class Meta:
        model = StaffDiscipline
        exclude = ["created_at", "updated_by"]
        read_only_fields = ["updated_at"]

    def problems(self, attrs: dict[str, Any]) -> dict[str, str]:
        return staff_records.discipline_problems(
            staff=merged(self, attrs, "staff"),
            decision_date=merged(self, attrs, "decision_date"),
            effective_until=merged(self, attrs, "effective_until"),
        )


class StaffTrainingSerializer(StaffRecordSerializer):
    """A training or professional development course (đào tạo, bồi dưỡng) a staff member attended."""

    kind = CodeItemField("loai_boi_duong", help_text="Mã loại đào tạo, bồi dưỡng (danh mục loai_boi_duong)")
    kind_name = serializers.CharField(source="kind.name", read_only=True)
    hours = serializers.IntegerField(
        min_value=0, max_value=32767, required=False, allow_null=True, help_text="Số tiết (1–3000)"
    )

    class Meta:
        model = StaffTraining
        exclude = ["created_at", "updated_by"]
        read_only_fields = ["updated_at"]

    def problems(self, attrs: dict[str, Any]) -> dict[str, str]:
        return staff_records.training_problems(
            staff=merged(self, attrs, "staff"),
            starts_on=merged(self, attrs, "starts_on"),
            ends_on=merged(self, attrs, "ends_on"),
            hours=merged(self, attrs, "hours"),
        )


class _StaffRecordFilter(django_filters.FilterSet):
    staff = IdFilter(field_name="staff_id", label="Cán bộ (id)")
    unit = IdFilter(field_name="staff__unit_id", label="Đơn vị của cán bộ (id)")


class StaffAwardFilter(_StaffRecordFilter):
    year = YearFilter(field_name="year", label="Năm học / năm (năm bắt đầu)")
    title = django_filters.CharFilter(field_name="title__code", label="Mã danh hiệu (danh_hieu_thi_dua)")

    class Meta:
        model = StaffAward
        fields: list[str] = []


class StaffDisciplineFilter(_StaffRecordFilter):
    year = YearFilter(method=in_year("decision_date"), label="Năm của ngày quyết định")
    form = django_filters.CharFilter(field_name="form__code", label="Mã hình thức kỷ luật (hinh_thuc_ky_luat)")

    class Meta:
        model = StaffDiscipline
        fields: list[str] = []


class StaffTrainingFilter(_StaffRecordFilter):
    year = YearFilter(method=in_year("starts_on"), label="Năm bắt đầu khóa học")
    kind = django_filters.CharFilter(field_name="kind__code", label="Mã loại đào tạo, bồi dưỡng (loai_boi_duong)")

    class Meta:
        model = StaffTraining
        fields: list[str] = []


class _StaffRecordViewSet(ScopedRecordViewSet):
    """Records of the staff in the caller's scope; a delete must send If-Match like an edit, and is audited."""

    write_function = Function.ENTER_STAFF
    related: ClassVar[tuple[str, ...]] = ()
    ordered_by: ClassVar[tuple[str, ...]] = ()

    def refine(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("staff", *self.related).defer("staff__personal_id").order_by(*self.ordered_by)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        record = self.get_object()
        sent = request.headers.get("If-Match", "").strip()
        if not sent:
            return Response(
                {"detail": _("Hãy gửi tiêu đề If-Match với ETag nhận được khi đọc bản ghi.")},
                status=status.HTTP_428_PRECONDITION_REQUIRED,
            )
        if sent != etag(record):
            return self._stale(record)
        try:
            staff_records.delete_staff_record(record, by=request.user, expected_version=record.version)
        except StaleRecord:
            return self._stale(record)
        except PermissionDenied as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_403_FORBIDDEN)
        return Response(status=status.HTTP_204_NO_CONTENT)


class StaffAwardViewSet(_StaffRecordViewSet):
    """Awards (khen thưởng) of the staff in the caller's scope."""

    model = StaffAward
    serializer_class = StaffAwardSerializer
    filterset_class = StaffAwardFilter
    related = ("title",)
    ordered_by = ("-year", "staff_id", "pk")


class StaffDisciplineViewSet(_StaffRecordViewSet):
    """Disciplinary measures (kỷ luật) of the staff in the caller's scope."""

    model = StaffDiscipline
    serializer_class = StaffDisciplineSerializer
    filterset_class = StaffDisciplineFilter
    related = ("form",)
    ordered_by = ("-decision_date", "staff_id", "pk")


class StaffTrainingViewSet(_StaffRecordViewSet):
    """Training and professional development (đào tạo, bồi dưỡng) of the staff in the caller's scope."""

    model = StaffTraining
    serializer_class = StaffTrainingSerializer
    filterset_class = StaffTrainingFilter
    related = ("kind",)
    ordered_by = ("-starts_on", "staff_id", "pk")


def register(router: BaseRouter) -> None:
    """Add this module's viewsets to the /api/v1/ router."""
    router.register("staff-awards", StaffAwardViewSet, basename="staff-award")
    router.register("staff-disciplines", StaffDisciplineViewSet, basename="staff-discipline")
    router.register("staff-trainings", StaffTrainingViewSet, basename="staff-training")
