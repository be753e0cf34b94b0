"""Pages of the equipment checklist (danh mục thiết bị, R2.5): a school's checklist for a school year, edited as one
grid and saved in one transaction, and the managers' list of every school with how many items meet the standard."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from edudb.core.models import Category, Unit
from edudb.core.scoping import Function, get_scoped_or_404
from edudb.core.views_base import ScopedListView, htmx_target
from edudb.quality.text import search_key
from edudb.registry import equipment
from edudb.registry.forms_classes import as_pk, current_school_year, school_years
from edudb.registry.forms_equipment import ChecklistForm, ChecklistYearForm, EquipmentFilterForm
from edudb.registry.models import EquipmentCheck
from edudb.reporting.models import SchoolYear


def _chosen_year(raw: Any) -> SchoolYear | None:
    """The school year asked for (by id), else the current one."""
    pk = as_pk(raw)
    chosen = school_years().filter(pk=pk).first() if pk else None
    return chosen or current_school_year()


def checklist_url(unit_id: int, year: SchoolYear) -> str:
    return f"{reverse('registry:equipment_checklist', kwargs={'pk': unit_id})}?school_year={year.pk}"


@login_required
@require_http_methods(["GET", "POST"])
def equipment_checklist(request: HttpRequest, pk: int) -> HttpResponse:
    """A school's checklist for one school year: every active item, filled or not; saved as one grid."""
    writing = request.method == "POST"
    function = Function.ENTER_FACILITIES if writing else Function.VIEW
    unit = get_scoped_or_404(
        equipment.checklist_schools(request.user, function).select_related("kind"), request.user, function, pk=pk
    )
    year = _chosen_year(request.POST.get("school_year") if writing else request.GET.get("school_year"))
    if year is None:
        messages.error(request, _("Chưa có năm học nào trong hệ thống; hãy liên hệ Sở để khai báo năm học."))
        return redirect("registry:equipment_list")
    lines = equipment.checklist_lines(request.user, unit, year)
    can_edit = (
        writing or equipment.checklist_schools(request.user, Function.ENTER_FACILITIES).filter(pk=unit.pk).exists()
    )
    grid = ChecklistForm(lines, request.POST if writing else None)
    status = 200
    if writing:
        if grid.is_valid():
            try:
                result = equipment.save_checklist(unit=unit, school_year=year, rows=grid.rows(), by=request.user)
            except equipment.ChecklistRefused as exc:
                grid.problems.extend(exc.problems)
            except PermissionDenied as exc:
                grid.problems.append(str(exc))
            else:
                messages.success(
                    request,
                    _("Đã lưu danh mục thiết bị năm học %(year)s: %(created)s dòng mới, %(updated)s dòng sửa.")
                    % {"year": year, "created": result.created, "updated": result.updated},
                )
                return redirect(checklist_url(unit.pk, year))
        status = 400
    context = {
        "unit": unit,
        "school_year": year,
        "year_form": ChecklistYearForm(initial={"school_year": year.pk}),
        "grid": grid,
        "summary": equipment.summary(lines),
        "can_edit": can_edit,
        "max_quantity": equipment.MAX_QUANTITY,
    }
    return render(request, "registry/equipment_checklist.html", context, status=status)


class EquipmentListView(ScopedListView):
    """For managers: every school in scope for one school year, with how many items it filled and how many meet
    the standard; schools that have not filled their checklist show as such."""

    model = Unit  # the schools, narrowed to those whose facilities data the user sees in refine()
    template_name = "registry/equipment_list.html"

    def refine(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        data = self.request.GET.copy()
        self.form = EquipmentFilterForm(data)
        self.form.is_valid()  # a filter that does not validate is shown with its error and left out
        filters = getattr(self.form, "cleaned_data", {})
        self.year = filters.get("school_year") or current_school_year()
        condition = equipment.facilities_condition(self.request.user)
        if condition is None or self.year is None:
            return queryset.none()
        checks = (
            EquipmentCheck.objects.visible_to(self.request.user)
            .filter(unit=OuterRef("pk"), school_year=self.year, item__is_active=True)
            .order_by()
            .values("unit")
        )
        filled = checks.annotate(n=Count("pk")).values("n")
        met = checks.filter(meets_standard=True).annotate(n=Count("pk")).values("n")
        queryset = queryset.filter(condition, kind__category=Category.INSTITUTION).annotate(
            filled=Coalesce(Subquery(filled, output_field=IntegerField()), Value(0)),
            met=Coalesce(Subquery(met, output_field=IntegerField()), Value(0)),
        )
        if filters.get("q"):
            code = filters["q"].strip().replace(" ", "")
            queryset = queryset.filter(Q(name_key__contains=search_key(filters["q"])) | Q(code__startswith=code))
        self.items = equipment.active_items().count()
        status = filters.get("status")
        if status == "none":
            queryset = queryset.filter(filled=0)
        elif status == "incomplete":
            queryset = queryset.filter(filled__gt=0, filled__lt=self.items)
        elif status == "unmet":
            queryset = queryset.filter(met__lt=F("filled"))
        elif status == "met":
            queryset = queryset.filter(met__gte=self.items)
        return queryset.order_by("name_key", "pk")

    def get_template_names(self) -> list[str]:
        if htmx_target(self.request) == "equipment-results":
            return ["registry/equipment_list.html#results"]
        return [self.template_name]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            form=self.form, school_year=self.year, items=getattr(self, "items", 0), **kwargs
        )
