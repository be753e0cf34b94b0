"""Pages of the schools database: school profiles and their sites."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from edudb.core.records import unscoped_history_of
from edudb.core.scoping import Function
from edudb.core.views_base import ScopedCreateView, ScopedDetailView, ScopedListView, ScopedUpdateView, htmx_target
from edudb.quality.text import search_key
from edudb.registry.forms import NewSchoolProfileForm, SchoolProfileForm, SchoolSearchForm, SiteForm
from edudb.registry.models import SchoolProfile, Site


class SchoolListView(ScopedListView):
    """Schools in scope, searchable without diacritics and filterable by kind, ownership and standards."""

    model = SchoolProfile
    template_name = "registry/school_list.html"

    def refine(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        self.form = SchoolSearchForm(self.request.GET or None)
        queryset = queryset.select_related("unit__kind", "ownership").annotate(
            site_count=Count("unit__sites", filter=Q(unit__sites__is_active=True))
        )
        if self.form.is_valid():
            data = self.form.cleaned_data
            if data["q"]:
                key = search_key(data["q"])
                queryset = queryset.filter(Q(unit__name_key__contains=key) | Q(unit__code__startswith=key))
            if data["kind"]:
                queryset = queryset.filter(unit__kind=data["kind"])
            if data["ownership"]:
                queryset = queryset.filter(ownership=data["ownership"])
            if data["national_standard"] is not None:
                queryset = queryset.filter(national_standard=data["national_standard"])
            if data["accreditation"] is not None:
                queryset = queryset.filter(accreditation=data["accreditation"])
        return queryset.order_by("unit__name_key")

    def get_template_names(self) -> list[str]:
        if htmx_target(self.request) == "school-results":
            return ["registry/school_list.html#results"]
        return [self.template_name]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(form=self.form, **kwargs)


class SchoolDetailView(ScopedDetailView):
    """A school's profile with its sites and the history of its record."""

    model = SchoolProfile
    template_name = "registry/school_detail.html"

    def refine(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("unit__kind", "ownership", "school_type", "updated_by")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        profile: SchoolProfile = self.object
        sites = Site.objects.visible_to(self.request.user).filter(unit=profile.unit_id)
        return super().get_context_data(sites=sites, history=unscoped_history_of(profile), **kwargs)


class SchoolCreateView(ScopedCreateView):
    model = SchoolProfile
    form_class = NewSchoolProfileForm
    function = Function.ENTER_UNITS
    template_name = "registry/record_form.html"

    def get_initial(self) -> dict[str, Any]:
        return {"unit": self.request.GET.get("unit")}


class SchoolUpdateView(ScopedUpdateView):
    model = SchoolProfile
    form_class = SchoolProfileForm
    function = Function.ENTER_UNITS
    template_name = "registry/record_form.html"

    def refine(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("unit")


class SiteDetailView(ScopedDetailView):
    model = Site
    template_name = "registry/site_detail.html"

    def refine(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("unit", "updated_by")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(history=unscoped_history_of(self.object), **kwargs)


class SiteCreateView(ScopedCreateView):
    model = Site
    form_class = SiteForm
    function = Function.ENTER_UNITS
    template_name = "registry/record_form.html"

    def get_initial(self) -> dict[str, Any]:
        return {"unit": self.request.GET.get("unit")}


class SiteUpdateView(ScopedUpdateView):
    model = Site
    form_class = SiteForm
    function = Function.ENTER_UNITS
    template_name = "registry/record_form.html"
