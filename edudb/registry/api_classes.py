"""API of the classes database: classes per school year, scoped, versioned (ETag / If-Match), idempotent."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.routers import BaseRouter

from edudb.core.api_base import IdFilter, RecordSerializer, ScopedRecordViewSet
from edudb.core.models import Category, Unit
from edudb.core.scoping import Function
from edudb.quality.text import clean_text
from edudb.registry.api import CodeItemField
from edudb.registry.forms_classes import MAX_SESSIONS_PER_WEEK, class_problems
from edudb.registry.models import SchoolClass, Site, StaffMember
from edudb.registry.views_classes import with_student_count


class WritableInstitutionField(serializers.PrimaryKeyRelatedField[Unit]):
    """An institution the caller may write this database's data for; anything else is 'does not exist'."""

    def __init__(self, *, function: str, **kwargs: Any) -> None:
        self.function = function
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet[Unit]:
        request = self.context["request"]
        return Unit.objects.visible_to(request.user, self.function).filter(kind__category=Category.INSTITUTION)


class ScopedSiteField(serializers.PrimaryKeyRelatedField[Site]):
    """A site (điểm trường) the caller can see; that it belongs to the record's school is checked in validate()."""

    def get_queryset(self) -> QuerySet[Site]:
        return Site.objects.visible_to(self.context["request"].user)


class ScopedStaffField(serializers.PrimaryKeyRelatedField[StaffMember]):
    """A member of staff the caller can see; that it belongs to the class's school is checked in validate()."""

    def get_queryset(self) -> QuerySet[StaffMember]:
        return StaffMember.objects.visible_to(self.context["request"].user)


def merged(serializer: serializers.ModelSerializer[Any], attrs: dict[str, Any], name: str, default: Any = None) -> Any:
    """The value a write will leave: the one sent, else the record's current one (partial updates)."""
    if name in attrs:
        return attrs[name]
    if serializer.instance is not None:
        return getattr(serializer.instance, name)
    return default


class SchoolClassSerializer(RecordSerializer):
    """A class (lớp học) of one school year: a grade 1–12 or a preschool age group, checked against the school's
    levels, its sites and staff, the legal class size and the other classes' names (as on the pages)."""

    unit = WritableInstitutionField(function=Function.ENTER_UNITS)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    site = ScopedSiteField(required=False, allow_null=True)
    grade = serializers.IntegerField(min_value=1, max_value=12, required=False, allow_null=True)
    age_group = CodeItemField("nhom_tuoi_mam_non", required=False, allow_null=True)
    homeroom_teacher = ScopedStaffField(required=False, allow_null=True)
    homeroom_teacher_name = serializers.CharField(source="homeroom_teacher.full_name", read_only=True, allow_null=True)
    foreign_language = CodeItemField("ngoai_ngu", required=False, allow_null=True)
    sessions_per_week = serializers.IntegerField(
        min_value=1, max_value=MAX_SESSIONS_PER_WEEK, required=False, allow_null=True
    )
    max_students = serializers.IntegerField(min_value=1, max_value=999, required=False, allow_null=True)
    student_count = serializers.IntegerField(
        read_only=True, default=0, help_text="Số học sinh đang học trong lớp (không tính chuyển đi, thôi học)"
    )

    class Meta:
        model = SchoolClass
        exclude = ["created_at", "updated_by"]
        read_only_fields = ["updated_at"]
        validators: list[Any] = []  # uniqueness is checked in validate() with a message that says what to do

    def validate_unit(self, unit: Unit) -> Unit:
        if self.instance is not None and unit.pk != self.instance.unit_id:
            raise serializers.ValidationError(_("Không thể chuyển lớp sang trường khác; hãy tạo lớp ở trường kia."))
        return unit

    def validate_name(self, name: str) -> str:
        name = clean_text(name)
        if not name:
            raise serializers.ValidationError(_("Tên lớp: hãy ghi tên lớp, ví dụ «6A1» hoặc «Lá 1»."))
        return name

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        def value(name: str, default: Any = None) -> Any:
            return merged(self, attrs, name, default)

        problems = class_problems(
            self.context["request"].user,
            instance_pk=self.instance.pk if self.instance is not None else None,
            unit=value("unit"),
            school_year=value("school_year"),
            name=value("name", ""),
            grade=value("grade"),
            age_group=value("age_group"),
            site=value("site"),
            homeroom_teacher=value("homeroom_teacher"),
            max_students=value("max_students"),
            is_specialised=bool(value("is_specialised", False)),
            specialised_subject=clean_text(value("specialised_subject", "")),
        )
        if problems:
            raise serializers.ValidationError(problems)
        return attrs


class GradeFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 12)
        super().__init__(*args, **kwargs)


class SchoolClassFilter(django_filters.FilterSet):
    school_year = IdFilter(field_name="school_year_id", label="Năm học (id)")
    unit = IdFilter(field_name="unit_id", label="Trường (id)")
    grade = GradeFilter(field_name="grade", label="Khối lớp (1–12)")
    age_group = django_filters.CharFilter(field_name="age_group__code", label="Nhóm tuổi mầm non (mã)")

    class Meta:
        model = SchoolClass
        fields: list[str] = []


class SchoolClassViewSet(ScopedRecordViewSet):
    """Classes (lớp học) of the schools in the caller's scope."""

    model = SchoolClass
    write_function = Function.ENTER_UNITS
    serializer_class = SchoolClassSerializer
    filterset_class = SchoolClassFilter

    def refine(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return with_student_count(
            queryset.select_related("unit", "age_group", "foreign_language", "homeroom_teacher")
        ).order_by("-school_year__start_year", "unit__name_key", "grade", "age_group__order", "name", "pk")


def register(router: BaseRouter) -> None:
    """Add this database's viewsets to the /api/v1/ router."""
    router.register("classes", SchoolClassViewSet, basename="class")
