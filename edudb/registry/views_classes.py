"""Pages of the classes database (R2.2): classes per school year, school and site."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, F, Q, QuerySet

from edudb.core.records import unscoped_history_of
from edudb.core.scoping import Function
from edudb.core.views_base import ScopedCreateView, ScopedDetailView, ScopedListView, ScopedUpdateView, htmx_target
from edudb.quality.text import search_key
from edudb.registry.forms_classes import (
    FLAG_FIELDS,
    PRESENT_STATUSES,
    ClassFilterForm,
    SchoolClassForm,
    as_pk,
    current_school_year,
    legal_class_size,
)
from edudb.registry.models import SchoolClass, Student

FLAG_FILTERS = {name: Q((name, True)) for name in FLAG_FIELDS}  # a fixed set of boolean fields


def with_student_count(queryset: QuerySet[SchoolClass]) -> QuerySet[SchoolClass]:
    """Annotate each class with the number of its learners who are in it (not transferred out or dropped)."""
    return queryset.annotate(
        student_count=Count(
            "students",
            filter=Q(students__unit=F("unit"), students__status__code__in=PRESENT_STATUSES),
        )
    )


class ClassListView(ScopedListView):
    """Classes in scope, for the current school year unless another is chosen."""

    model = SchoolClass
    template_name = "registry/class_list.html"

    def refine(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        data = self.request.GET.copy()
        if "school_year" not in data:
            year = current_school_year()
            data["school_year"] = str(year.pk) if year else ""
        self.form = ClassFilterForm(data, user=self.request.user)
        queryset = with_student_count(queryset.select_related("unit", "school_year", "age_group", "homeroom_teacher"))
        self.form.is_valid()  # a filter that does not validate is shown with its error and left out
        filters = self.form.cleaned_data
        if filters.get("q"):
            key = search_key(filters["q"])
            queryset = queryset.filter(Q(name__icontains=filters["q"]) | Q(unit__name_key__contains=key))
        if filters.get("school_year"):
            queryset = queryset.filter(school_year=filters["school_year"])
        if filters.get("unit"):
            queryset = queryset.filter(unit=filters["unit"])
        if filters.get("grade") == 0:
            queryset = queryset.filter(grade__isnull=True)
        elif filters.get("grade"):
            queryset = queryset.filter(grade=filters["grade"])
        if filters.get("flag"):
            queryset = queryset.filter(FLAG_FILTERS[filters["flag"]])
        return queryset.order_by("-school_year__start_year", "unit__name_key", "grade", "age_group__order", "name")

    def get_template_names(self) -> list[str]:
        if htmx_target(self.request) == "class-results":
            return ["registry/class_list.html#results"]
        return [self.template_name]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(form=self.form, **kwargs)


class ClassDetailView(ScopedDetailView):
    """A class with its learners (names only) and the history of its record."""

    model = SchoolClass
    template_name = "registry/class_detail.html"

    def refine(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return with_student_count(
            queryset.select_related(
                "unit", "school_year", "site", "age_group", "foreign_language", "homeroom_teacher", "updated_by"
            )
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        school_class: SchoolClass = self.object
        students = (
            Student.objects.visible_to(self.request.user)
            .filter(school_class=school_class, status__code__in=PRESENT_STATUSES)
            .order_by("name_key")
            .values_list("full_name", flat=True)
        )
        limit = legal_class_size(school_class.grade, school_class.age_group, school_class.unit.levels)
        return super().get_context_data(
            students=students, legal_limit=limit, history=unscoped_history_of(school_class), **kwargs
        )


class ClassCreateView(ScopedCreateView):
    model = SchoolClass
    form_class = SchoolClassForm
    function = Function.ENTER_UNITS
    template_name = "registry/class_form.html"

    def get_initial(self) -> dict[str, Any]:
        return {
            "unit": as_pk(self.request.GET.get("unit")),
            "school_year": as_pk(self.request.GET.get("school_year")),
        }


class ClassUpdateView(ScopedUpdateView):
    model = SchoolClass
    form_class = SchoolClassForm
    function = Function.ENTER_UNITS
    template_name = "registry/class_form.html"

    def refine(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("unit", "school_year")
