"""API of the students database: scoped, versioned (ETag / If-Match), idempotent; the personal ID only masked."""

from __future__ import annotations

from functools import partial
from typing import Any

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter
from rest_framework.serializers import as_serializer_error

from edudb.core.api_base import IdFilter, RecordSerializer, ScopedRecordViewSet
from edudb.core.models import Unit, subtree_q
from edudb.core.records import record_snapshot
from edudb.core.scoping import Function
from edudb.quality.codes import mask_personal_id, repair_code, validate_digits
from edudb.quality.normalise import NormaliseError, normalise_name
from edudb.quality.text import clean_text, person_name, search_key
from edudb.registry import enrolment, services
from edudb.registry.api import CodeItemField
from edudb.registry.forms_students import student_schools
from edudb.registry.models import CodeKind, Guardian, SchoolClass, Student
from edudb.registry.views_students import SEARCH_FEW, CappedPaginator


class StudentUnitField(serializers.PrimaryKeyRelatedField[Unit]):
    """A school where the caller may enter students; anything else is 'does not exist'."""

    def get_queryset(self) -> QuerySet[Unit]:
        return student_schools(self.context["request"].user)


class StudentClassField(serializers.PrimaryKeyRelatedField[SchoolClass]):
    """A class the caller may fill (placing a student in a class of an earlier year is refused by validate())."""

    def get_queryset(self) -> QuerySet[SchoolClass]:
        user = self.context["request"].user
        return SchoolClass.objects.visible_to(user, Function.ENTER_STUDENTS).select_related("unit", "school_year")


class GuardianSerializer(serializers.Serializer[dict[str, Any]]):
    relation = serializers.ChoiceField(choices=Guardian.Relation.choices)
    full_name = serializers.CharField(max_length=120)
    birth_year = serializers.IntegerField(min_value=1900, max_value=2100, required=False, allow_null=True)
    occupation = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")

    def validate_full_name(self, value: str) -> str:
        try:  # the one normalisation layer, as the pages' guardian rows (legacy fonts, tone style, capitals)
            name = normalise_name(value, label=_("Họ và tên")).value
        except NormaliseError as exc:
            raise serializers.ValidationError(exc.message) from exc
        if not any(ch.isalpha() for ch in name):
            raise serializers.ValidationError(_("Hãy ghi họ và tên của cha, mẹ hoặc người giám hộ."))
        return name

    def validate_occupation(self, value: str) -> str:
        return clean_text(value)

    def validate_phone(self, value: str) -> str:
        return enrolment.clean_phone(value)


class StudentSerializer(RecordSerializer):
    unit = StudentUnitField(help_text="Trường (id đơn vị); không đổi sau khi nhập học")
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    school_class = StudentClassField(required=False, allow_null=True)
    class_name = serializers.CharField(source="school_class.name", read_only=True, allow_null=True)
    code = serializers.CharField(read_only=True, help_text="Mã định danh của Bộ, hoặc mã tạm khi chưa có")
    ministry_code = serializers.CharField(
        max_length=30,
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text="10 chữ số do Bộ cấp; để trống khi nhập học thì hệ thống cấp mã tạm. Đã có thì không đổi được.",
    )
    temporary_code = serializers.CharField(read_only=True, allow_null=True)
    personal_id = serializers.CharField(
        max_length=20, required=False, allow_blank=True, write_only=True, help_text="12 chữ số; chỉ ghi, không đọc"
    )
    personal_id_masked = serializers.SerializerMethodField(help_text="Số định danh cá nhân đã che")
    gender = CodeItemField("gioi_tinh")
    ethnicity = CodeItemField("dan_toc", required=False, allow_null=True)
    nationality = CodeItemField(enrolment.NATIONALITY_LIST, required=False, allow_null=True)
    religion = CodeItemField("ton_giao", required=False, allow_null=True)
    status = CodeItemField(enrolment.STATUS_LIST, required=False, help_text="Mã trạng thái; mặc định 01 (Đang học)")
    disability = CodeItemField("loai_khuyet_tat", required=False, allow_null=True)
    policy_groups = CodeItemField("doi_tuong_chinh_sach", many=True, required=False)
    guardians = GuardianSerializer(many=True, required=False, help_text="Khi gửi, thay toàn bộ danh sách")

    class Meta:
        model = Student
        fields = [
            "id",
            "version",
            "unit",
            "unit_name",
            "code",
            "ministry_code",
            "temporary_code",
            "personal_id",
            "personal_id_masked",
            "full_name",
            "birth_date",
            "gender",
            "ethnicity",
            "nationality",
            "religion",
            "birthplace",
            "phone",
            "home_commune_code",
            "home_address",
            "current_address",
            "school_class",
            "class_name",
            "status",
            "status_on",
            "enrolled_on",
            "disability",
            "policy_groups",
            "semi_boarding",
            "boarding",
            "orphan",
            "guardians",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]
        validators: list[Any] = []

    def get_personal_id_masked(self, obj: Student) -> str:
        return mask_personal_id(obj.personal_id or "")

    def validate_unit(self, unit: Unit) -> Unit:
        if self.instance is not None and unit.pk != self.instance.unit_id:
            raise serializers.ValidationError(
                "Không đổi trường của học sinh bằng cách sửa hồ sơ; hãy dùng thủ tục chuyển trường."
            )
        return unit

    def validate_full_name(self, value: str) -> str:
        name = person_name(value)
        if not any(ch.isalpha() for ch in name):
            raise serializers.ValidationError(_("Họ và tên phải có chữ cái; hãy ghi đầy đủ họ, đệm và tên."))
        return name

    def validate_personal_id(self, value: str) -> str:
        return enrolment.clean_personal_id(value, exclude_pk=self.instance.pk if self.instance else None)

    def validate_phone(self, value: str) -> str:
        return enrolment.clean_phone(value)

    def validate_home_commune_code(self, value: str) -> str:
        if not value:
            return ""
        code = repair_code(value, length=5)
        validate_digits(code, length=5, label=_("Mã xã/phường thường trú"))
        return code

    def validate_ministry_code(self, value: str | None) -> str:
        if not value:
            return ""
        current = self.instance.ministry_code if self.instance is not None else None
        if current:
            code = services.clean_ministry_code(CodeKind.STUDENT, value)
            if code != current:
                raise serializers.ValidationError(
                    _("Học sinh đã có mã %(code)s; mã định danh không thay đổi được.") % {"code": current}
                )
            return ""  # unchanged
        return enrolment.clean_new_ministry_code(value)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        instance: Student | None = self.instance
        unit = attrs.get("unit", instance.unit if instance else None)
        school_class = attrs.get("school_class", instance.school_class if instance else None)
        birth_date = attrs.get("birth_date", instance.birth_date if instance else None)
        disability = attrs.get("disability", instance.disability if instance else None)
        moved = "school_class" in attrs and (instance is None or attrs["school_class"] != instance.school_class)
        if moved and school_class is not None and not school_class.school_year.is_current:
            raise serializers.ValidationError(
                {"school_class": "Chỉ xếp học sinh vào lớp của năm học hiện tại; hãy chọn lớp khác."}
            )
        enrolment.check_class_school(school_class, unit)
        enrolment.check_birth_date(birth_date, school_class, disabled=disability is not None)
        enrolment.check_enrolled_on(attrs.get("enrolled_on"), birth_date)
        return attrs

    def create(self, validated_data: dict[str, Any]) -> Student:
        guardians = validated_data.pop("guardians", [])
        groups = validated_data.pop("policy_groups", [])
        code = validated_data.pop("ministry_code", "")
        personal_id = validated_data.pop("personal_id", "")
        student = Student(**validated_data, personal_id=personal_id or None)
        try:
            enrolment.enrol(
                student, by=self.context["request"].user, ministry_code=code, guardians=guardians, policy_groups=groups
            )
        except DjangoValidationError as exc:
            raise serializers.ValidationError(as_serializer_error(exc)) from exc
        return student

    def update(self, instance: Student, validated_data: dict[str, Any]) -> Student:
        before = record_snapshot(instance)
        guardians = validated_data.pop("guardians", None)
        groups = validated_data.pop("policy_groups", None)
        code = validated_data.pop("ministry_code", "")
        personal_id = validated_data.pop("personal_id", "")
        for name, value in validated_data.items():
            setattr(instance, name, value)
        if personal_id:
            instance.personal_id = personal_id
        user = self.context["request"].user
        try:
            with transaction.atomic():
                enrolment.save_student(
                    instance,
                    by=user,
                    expected_version=self.context["expected_version"],
                    before=before,
                    guardians=guardians,
                    policy_groups=groups,
                )
                if code:
                    services.set_ministry_code(instance, by=user, code=code)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(as_serializer_error(exc)) from exc
        return instance


STUDENT_CODE_ITEMS = ("gender", "ethnicity", "nationality", "religion", "status", "disability")


class StudentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Tìm theo họ tên (không dấu) hoặc mã học sinh")
    unit = IdFilter(method="under_unit", label="Chỉ học sinh thuộc đơn vị này và các đơn vị trực thuộc (id)")
    school_class = IdFilter(field_name="school_class_id")
    status = django_filters.CharFilter(field_name="status__code", label="Mã trạng thái (01 = Đang học …)")
    grade = IdFilter(field_name="school_class__grade", max_value=12, label="Khối lớp 1–12")
    gender = django_filters.CharFilter(field_name="gender__code", label="Mã giới tính (1 Nam, 2 Nữ)")

    class Meta:
        model = Student
        fields: list[str] = []

    def search(self, queryset: QuerySet[Student], name: str, value: str) -> QuerySet[Student]:
        return queryset.filter(student_search(value))

    def under_unit(self, queryset: QuerySet[Student], name: str, value: int) -> QuerySet[Student]:
        visible = Unit.objects.visible_to(self.request.user)
        parent = visible.filter(pk=value).values_list("path", flat=True).first()
        return queryset.filter(subtree_q(parent, "unit__")) if parent else queryset.none()


def student_search(value: str) -> Q:
    """Name without diacritics or tone placement, or the start of a Ministry or temporary code."""
    code = repair_code(value).upper()
    return (
        Q(name_key__contains=search_key(value)) | Q(ministry_code__startswith=code) | Q(temporary_code__startswith=code)
    )


class AutocompleteQuerySerializer(serializers.Serializer[dict[str, Any]]):
    q = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class StudentSuggestionSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    code = serializers.CharField()
    full_name = serializers.CharField()

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        fields = super().get_fields()
        # "class" is a Python keyword, so the field cannot be declared in the class body.
        fields["class"] = serializers.CharField(source="school_class.name", allow_null=True, help_text="Tên lớp")
        return fields


class StudentPagination(PageNumberPagination):
    """Pages of 50 with the list counted up to 20,000 rows (see ``CappedPaginator``): past that, ``count`` is null and
    ``more_than`` says how many rows there are at least; ``next`` still leads on."""

    django_paginator_class = CappedPaginator

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> list[Any] | None:
        if request.query_params.get("q"):  # a search: its page is fetched by id when it finds few learners
            self.django_paginator_class = partial(CappedPaginator, few=SEARCH_FEW)  # type: ignore[assignment]
        rows: list[Any] | None = super().paginate_queryset(queryset, request, view)
        if self._paginator().capped:
            self.display_page_controls = False  # the browsable API's numbered pager needs the total
        return rows

    def _paginator(self) -> CappedPaginator:
        assert self.page is not None  # noqa: S101 - only called once paginate_queryset has made the page
        paginator: CappedPaginator = self.page.paginator  # type: ignore[assignment]
        return paginator

    def get_paginated_response(self, data: Any) -> Response:
        paginator = self._paginator()
        return Response(
            {
                "count": None if paginator.capped else paginator.count,
                "more_than": paginator.cap if paginator.capped else None,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count"] = {
            "type": "integer",
            "nullable": True,
            "example": 123,
            "description": f"Số học sinh; null khi nhiều hơn {CappedPaginator.cap} (xem more_than)",
        }
        response["properties"]["more_than"] = {
            "type": "integer",
            "nullable": True,
            "example": None,
            "description": "Khi danh sách quá dài để đếm: số học sinh ít nhất là hơn số này; null khi count có giá trị",
        }
        response["required"] = ["count", "more_than", "results"]
        return response


class StudentViewSet(ScopedRecordViewSet):
    """Students in the caller's scope. The personal ID is write-only; reads show it masked."""

    model = Student
    write_function = Function.ENTER_STUDENTS
    serializer_class = StudentSerializer
    filterset_class = StudentFilter
    pagination_class = StudentPagination

    def refine(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        # The six code-list values come in their own small queries rather than as six more joins: with nine tables
        # in one statement PostgreSQL spent 25 ms planning it (and 2 ms running it) on every page.
        return (
            queryset.select_related("unit", "school_class")
            .prefetch_related(
                *STUDENT_CODE_ITEMS,
                "policy_groups",
                Prefetch("guardians", queryset=Guardian.objects.order_by("pk")),
            )
            .order_by("unit__name_key", "name_key", "pk")
        )

    @extend_schema(
        parameters=[OpenApiParameter("q", str, description="Họ tên (không dấu) hoặc đầu mã học sinh")],
        responses={200: StudentSuggestionSerializer(many=True)},
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def autocomplete(self, request: Request) -> Response:
        """At most 10 students in scope matching a name or code, for pickers."""
        query = AutocompleteQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        text = query.validated_data["q"].strip()
        if not text:
            return Response([])
        matches = (
            Student.objects.visible_to(request.user)
            .filter(student_search(text))
            .select_related("school_class")
            .order_by("name_key", "pk")[:10]
        )
        return Response(StudentSuggestionSerializer(list(matches), many=True).data)


def register(router: BaseRouter) -> None:
    """Add this database's viewsets to the /api/v1/ router."""
    router.register("students", StudentViewSet, basename="student")
