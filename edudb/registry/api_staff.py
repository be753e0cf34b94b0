"""API of the staff database: scoped, versioned (ETag / If-Match), idempotent creates; the personal ID write-only."""

from __future__ import annotations

from typing import Any

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.routers import BaseRouter

from edudb.core.api_base import IdFilter, RecordSerializer, ScopedRecordViewSet
from edudb.core.models import Unit
from edudb.core.records import record_snapshot
from edudb.core.scoping import Function
from edudb.quality.codes import mask_personal_id
from edudb.quality.models import items_of
from edudb.quality.text import search_key
from edudb.registry import staffing
from edudb.registry.api import CodeItemField
from edudb.registry.models import StaffMember

CODE_FIELDS = (
    "gender",
    "ethnicity",
    "staff_type",
    "position",
    "contract",
    "qualification",
    "standard_assessment",
    "work_status",
)


def _messages(exc: DjangoValidationError) -> Any:
    return exc.message_dict if hasattr(exc, "error_dict") else exc.messages


class StaffUnitField(serializers.PrimaryKeyRelatedField[Unit]):
    """A unit whose staff the caller may enter (any kind: the Sở and communes have staff too)."""

    def get_queryset(self) -> QuerySet[Unit]:
        request = self.context["request"]
        return Unit.objects.visible_to(request.user, Function.ENTER_STAFF)


class StaffSerializer(RecordSerializer):
    unit = StaffUnitField()
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    ministry_code = serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        max_length=40,
        help_text="Mã cán bộ do Bộ cấp: ghi khi tạo hồ sơ; sau đó không thay đổi được.",
    )
    personal_id = serializers.CharField(
        write_only=True,
        required=False,
        allow_null=True,
        allow_blank=True,
        max_length=40,
        help_text="Số định danh cá nhân (12 chữ số), chỉ ghi; khi sửa, để trống nghĩa là giữ nguyên.",
    )
    personal_id_masked = serializers.SerializerMethodField(help_text="Số định danh cá nhân đã che, ví dụ •••••••••234")
    gender = CodeItemField("gioi_tinh")
    ethnicity = CodeItemField("dan_toc", required=False, allow_null=True)
    staff_type = CodeItemField("loai_can_bo")
    position = CodeItemField("chuc_vu", required=False, allow_null=True)
    contract = CodeItemField("hinh_thuc_hop_dong", required=False, allow_null=True)
    qualification = CodeItemField("trinh_do_dao_tao", required=False, allow_null=True)
    standard_assessment = CodeItemField("danh_gia_chuan_nghe_nghiep", required=False, allow_null=True)
    work_status = CodeItemField(
        "trang_thai_can_bo", required=False, help_text="Mã trạng thái; mặc định 01 (Đang làm việc)"
    )
    email = serializers.EmailField(required=False, allow_blank=True, max_length=254)

    class Meta:
        model = StaffMember
        exclude = ["created_at", "updated_by", "name_key"]
        read_only_fields = ["updated_at"]
        validators: list[Any] = []

    def get_personal_id_masked(self, obj: StaffMember) -> str:
        return mask_personal_id(obj.personal_id or "")

    def validate_unit(self, unit: Unit) -> Unit:
        if self.instance is not None and unit.pk != self.instance.unit_id:
            raise serializers.ValidationError(_("Không thể chuyển hồ sơ cán bộ sang đơn vị khác bằng thao tác sửa."))
        return unit

    def validate_full_name(self, value: str) -> str:
        try:
            return staffing.clean_full_name(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc

    def validate_ministry_code(self, value: str | None) -> str | None:
        if self.instance is not None:
            current = self.instance.ministry_code
            if value in (None, "") or (current and value.strip().upper() == current.upper()):
                return current  # type: ignore[no-any-return]
            raise serializers.ValidationError(
                "Mã cán bộ không sửa được qua thao tác sửa hồ sơ; hồ sơ chưa có mã thì dùng chức năng cấp mã."
            )
        try:
            return staffing.clean_staff_code(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc

    def validate_personal_id(self, value: str | None) -> str | None:
        if self.instance is not None and not (value or "").strip():
            return self.instance.personal_id  # type: ignore[no-any-return]
        try:
            return staffing.clean_personal_id(value, instance=self.instance)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.instance is None and not attrs.get("work_status"):
            working = items_of("trang_thai_can_bo").filter(code=staffing.WORKING).first()
            if working is None:
                raise serializers.ValidationError({"work_status": _("Hãy chọn trạng thái làm việc.")})
            attrs["work_status"] = working
        merged = dict(attrs)
        if self.instance is not None:
            for name in ("birth_date", "joined_on", "staff_type", "subjects"):
                merged.setdefault(name, getattr(self.instance, name))
        errors = staffing.check_staff(merged)
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def create(self, validated_data: dict[str, Any]) -> StaffMember:
        record = StaffMember(**validated_data)
        try:
            staffing.create_staff(record, by=self.context["request"].user)
        except DjangoValidationError as exc:
            detail = _messages(exc)
            raise serializers.ValidationError(
                detail if isinstance(detail, dict) else {"ministry_code": detail}
            ) from exc
        return record

    def update(self, instance: StaffMember, validated_data: dict[str, Any]) -> StaffMember:
        before = record_snapshot(instance)
        for name, value in validated_data.items():
            setattr(instance, name, value)
        try:
            staffing.update_staff(
                instance,
                by=self.context["request"].user,
                expected_version=self.context["expected_version"],
                before=before,
            )
        except DjangoValidationError as exc:
            raise serializers.ValidationError(_messages(exc)) from exc
        return instance


class StaffFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Tìm theo họ tên (không dấu) hoặc mã cán bộ")
    unit = IdFilter(field_name="unit_id", label="Đơn vị (id)")
    staff_type = django_filters.CharFilter(field_name="staff_type__code", label="Mã loại cán bộ")
    position = django_filters.CharFilter(field_name="position__code", label="Mã chức vụ")
    work_status = django_filters.CharFilter(field_name="work_status__code", label="Mã trạng thái làm việc")

    class Meta:
        model = StaffMember
        fields: list[str] = []

    def search(self, queryset: QuerySet[StaffMember], name: str, value: str) -> QuerySet[StaffMember]:
        code = value.strip().replace(" ", "")
        return queryset.filter(Q(name_key__contains=search_key(value)) | Q(ministry_code__istartswith=code))


class StaffViewSet(ScopedRecordViewSet):
    """Staff (cán bộ quản lý, giáo viên, nhân viên) of the units in the caller's scope."""

    model = StaffMember
    write_function = Function.ENTER_STAFF
    serializer_class = StaffSerializer
    filterset_class = StaffFilter

    def refine(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("unit", *CODE_FIELDS).order_by("unit__name_key", "name_key", "pk")


def register(router: BaseRouter) -> None:
    """Add this database's viewsets to the /api/v1/ router."""
    router.register("staff", StaffViewSet, basename="staff")
