"""API of learning results and health records: scoped, versioned (ETag / If-Match), idempotent creates, and judged by
the same rules as the class grids (``edudb.registry.results`` is the one door)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.routers import BaseRouter
from rest_framework.serializers import as_serializer_error

from edudb.core.api_base import IdFilter, RecordSerializer, ScopedRecordViewSet
from edudb.core.records import record_snapshot
from edudb.core.scoping import Function
from edudb.registry import results
from edudb.registry.api import CodeItemField
from edudb.registry.models import HealthRecord, LearningResult, ResultTerm, SchoolClass, Student
from edudb.reporting.models import SchoolYear


class WritableStudentField(serializers.PrimaryKeyRelatedField[Student]):
    """A student whose records the caller may enter; anything else is 'does not exist'."""

    def get_queryset(self) -> QuerySet[Student]:
        return Student.objects.visible_to(self.context["request"].user, results.WRITE).select_related(
            "school_class__school_year"
        )


class WritableClassField(serializers.PrimaryKeyRelatedField[SchoolClass]):
    """A class of a school where the caller may enter students."""

    def get_queryset(self) -> QuerySet[SchoolClass]:
        return SchoolClass.objects.visible_to(self.context["request"].user, results.WRITE).select_related("school_year")


class SchoolYearField(serializers.PrimaryKeyRelatedField[SchoolYear]):
    def get_queryset(self) -> QuerySet[SchoolYear]:
        return results.school_years()


def _refused(exc: DjangoValidationError) -> serializers.ValidationError:
    return serializers.ValidationError(as_serializer_error(exc))


class _RecordFields(RecordSerializer):
    """What both serializers share: the student (fixed once written), the term (fixed too), the absences' note."""

    student = WritableStudentField(help_text="Học sinh (id); không đổi sau khi tạo")
    student_name = serializers.CharField(source="student.full_name", read_only=True)
    student_code = serializers.CharField(source="student.code", read_only=True)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)

    fixed: tuple[str, ...] = ("student", "term")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.instance is not None:
            for name in self.fixed:
                if name in attrs and attrs[name] != getattr(self.instance, name):
                    raise serializers.ValidationError(
                        {
                            name: _(
                                "Không đổi %(field)s của một bản ghi đã có; hãy tạo bản ghi mới cho đúng học sinh, "
                                "học kỳ."
                            )
                            % {"field": str(results.FIELD_LABELS.get(name, name)).lower()}
                        }
                    )
        return attrs

    def record(self, attrs: dict[str, Any]) -> Any:
        """The record as it would be written, for the checks: a copy of the instance with the new values, or a new
        one — never the instance itself, whose values the write (and its audit diff) starts from."""
        model: Any = self.Meta.model
        if self.instance is None:
            return model(**attrs)
        current = {f.attname: getattr(self.instance, f.attname) for f in model._meta.concrete_fields}
        record = model(**current)
        for name, value in attrs.items():
            setattr(record, name, value)
        return record


class LearningResultSerializer(_RecordFields):
    school_class = WritableClassField(
        required=False, allow_null=True, help_text="Lớp của học sinh trong năm học của kết quả (id); bắt buộc khi ghi"
    )
    class_name = serializers.CharField(source="school_class.name", read_only=True, allow_null=True)
    school_year: serializers.PrimaryKeyRelatedField[SchoolYear] = serializers.PrimaryKeyRelatedField(
        read_only=True, help_text="Năm học (theo lớp)"
    )
    term = serializers.ChoiceField(choices=ResultTerm.choices, help_text="1 Học kỳ I, 2 Học kỳ II, 3 Cả năm")
    academic = CodeItemField("ket_qua_hoc_tap", required=False, allow_null=True)
    conduct = CodeItemField("ket_qua_ren_luyen", required=False, allow_null=True)
    title = CodeItemField("danh_hieu_hoc_sinh", required=False, allow_null=True)
    outcome = CodeItemField("ket_qua_cuoi_nam", required=False, allow_null=True, help_text="Chỉ với term = 3")
    days_absent_excused = serializers.IntegerField(required=False, min_value=-(2**15), max_value=2**15 - 1)
    days_absent_unexcused = serializers.IntegerField(required=False, min_value=-(2**15), max_value=2**15 - 1)

    class Meta:
        model = LearningResult
        fields = [
            "id",
            "version",
            "student",
            "student_name",
            "student_code",
            "school_year",
            "term",
            "school_class",
            "class_name",
            "academic",
            "conduct",
            "title",
            "outcome",
            "days_absent_excused",
            "days_absent_unexcused",
            "note",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]
        validators: list[Any] = []

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        if self.instance is None and "school_class" not in attrs:
            raise serializers.ValidationError({"school_class": _("Hãy chọn lớp của học sinh.")})
        record = self.record(dict(attrs))
        problems = results.result_record_problems(record, by=self.context["request"].user)
        if problems:
            raise serializers.ValidationError({name or "non_field_errors": [m] for name, m in problems.items()})
        return attrs

    def create(self, validated_data: dict[str, Any]) -> LearningResult:
        record = LearningResult(**validated_data)
        try:
            return results.write_result(record, by=self.context["request"].user)
        except DjangoValidationError as exc:
            raise _refused(exc) from exc

    def update(self, instance: LearningResult, validated_data: dict[str, Any]) -> LearningResult:
        before = record_snapshot(instance)
        for name, value in validated_data.items():
            setattr(instance, name, value)
        try:
            return results.write_result(
                instance,
                by=self.context["request"].user,
                expected_version=self.context["expected_version"],
                before=before,
            )
        except DjangoValidationError as exc:
            raise _refused(exc) from exc


class HealthRecordSerializer(_RecordFields):
    school_year = SchoolYearField(help_text="Năm học (id); không đổi sau khi tạo")
    term = serializers.ChoiceField(choices=[(1, "Học kỳ I"), (2, "Học kỳ II")], help_text="1 Học kỳ I, 2 Học kỳ II")
    height_cm = serializers.DecimalField(
        max_digits=7, decimal_places=2, required=False, allow_null=True, help_text="Chiều cao (cm), 40–220"
    )
    weight_kg = serializers.DecimalField(
        max_digits=7, decimal_places=2, required=False, allow_null=True, help_text="Cân nặng (kg), 5–150"
    )
    measured_on = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(max_length=255, required=False, allow_blank=True)
    bmi = serializers.SerializerMethodField(help_text="Chỉ số khối cơ thể (kg/m²), một chữ số thập phân")
    nutrition = serializers.SerializerMethodField(
        help_text="Tình trạng dinh dưỡng theo BMI theo tuổi của WHO: thin, normal, overweight, obese; null khi "
        "không phân loại (dưới 2 tuổi, thiếu số đo)"
    )
    nutrition_label = serializers.SerializerMethodField()

    fixed = ("student", "term", "school_year")

    class Meta:
        model = HealthRecord
        fields = [
            "id",
            "version",
            "student",
            "student_name",
            "student_code",
            "school_year",
            "term",
            "height_cm",
            "weight_kg",
            "measured_on",
            "note",
            "bmi",
            "nutrition",
            "nutrition_label",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]
        validators: list[Any] = []

    def _assessment(self, obj: HealthRecord) -> results.Assessment:
        cached: results.Assessment | None = getattr(obj, "_assessment", None)
        if cached is None:
            cached = results.assess_record(obj)
            obj._assessment = cached  # type: ignore[attr-defined]  # bmi, nutrition and its label share one
        return cached

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_bmi(self, obj: HealthRecord) -> float | None:
        bmi = self._assessment(obj).bmi
        return float(bmi) if bmi is not None else None

    @extend_schema_field(serializers.ChoiceField(choices=results.Nutrition.choices, allow_null=True))
    def get_nutrition(self, obj: HealthRecord) -> str | None:
        nutrition = self._assessment(obj).nutrition
        return str(nutrition.value) if nutrition is not None else None

    def get_nutrition_label(self, obj: HealthRecord) -> str:
        return self._assessment(obj).label

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        record = self.record(dict(attrs))
        for name in ("height_cm", "weight_kg"):
            value = getattr(record, name)
            if value is not None:
                setattr(record, name, results.tenth(value))
        problems = results.health_record_problems(record, by=self.context["request"].user)
        if problems:
            raise serializers.ValidationError({name or "non_field_errors": [m] for name, m in problems.items()})
        return attrs

    def create(self, validated_data: dict[str, Any]) -> HealthRecord:
        record = HealthRecord(**validated_data)
        try:
            return results.write_health(record, by=self.context["request"].user)
        except DjangoValidationError as exc:
            raise _refused(exc) from exc

    def update(self, instance: HealthRecord, validated_data: dict[str, Any]) -> HealthRecord:
        before = record_snapshot(instance)
        for name, value in validated_data.items():
            setattr(instance, name, value)
        try:
            return results.write_health(
                instance,
                by=self.context["request"].user,
                expected_version=self.context["expected_version"],
                before=before,
            )
        except DjangoValidationError as exc:
            raise _refused(exc) from exc


class _TermFilters(django_filters.FilterSet):
    student = IdFilter(field_name="student_id", label="Học sinh (id)")
    school_year = IdFilter(field_name="school_year_id", label="Năm học (id)")


class LearningResultFilter(_TermFilters):
    school_class = IdFilter(field_name="school_class_id", label="Lớp (id)")
    term = django_filters.ChoiceFilter(choices=ResultTerm.choices, label="Học kỳ: 1, 2 hoặc 3 (cả năm)")

    class Meta:
        model = LearningResult
        fields: list[str] = []


class HealthRecordFilter(_TermFilters):
    school_class = IdFilter(method="in_class", label="Lớp (id): số đo của học sinh lớp đó, trong năm học của lớp")
    term = django_filters.ChoiceFilter(choices=[(1, "Học kỳ I"), (2, "Học kỳ II")], label="Học kỳ: 1 hoặc 2")

    class Meta:
        model = HealthRecord
        fields: list[str] = []

    def in_class(self, queryset: QuerySet[HealthRecord], name: str, value: int) -> QuerySet[HealthRecord]:
        user = self.request.user
        school_class = SchoolClass.objects.visible_to(user).filter(pk=value).select_related("school_year").first()
        if school_class is None:
            return queryset.none()
        members = results.class_members_queryset(school_class, user).values("pk")
        return queryset.filter(student__in=members, school_year=school_class.school_year_id)


class LearningResultViewSet(ScopedRecordViewSet):
    """Learning results per term (kết quả học tập, rèn luyện) of the students in the caller's scope."""

    model = LearningResult
    write_function = Function.ENTER_STUDENTS
    serializer_class = LearningResultSerializer
    filterset_class = LearningResultFilter

    def refine(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("student", "school_class", "academic", "conduct", "title", "outcome").order_by(
            "-school_year__start_year", "term", "student__name_key", "pk"
        )


class HealthRecordViewSet(ScopedRecordViewSet):
    """Health measurements per term (chiều cao, cân nặng) with BMI and the WHO nutrition label."""

    model = HealthRecord
    write_function = Function.ENTER_STUDENTS
    serializer_class = HealthRecordSerializer
    filterset_class = HealthRecordFilter

    def refine(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("student__gender", "school_year").order_by(
            "-school_year__start_year", "term", "student__name_key", "pk"
        )


def register(router: BaseRouter) -> None:
    """Add this module's viewsets to the /api/v1/ router."""
    router.register("learning-results", LearningResultViewSet, basename="learning-result")
    router.register("health-records", HealthRecordViewSet, basename="health-record")
