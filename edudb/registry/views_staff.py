"""Pages of the staff database (đội ngũ): list, profile, create and edit, the Ministry code, the personal ID."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from edudb.core.models import subtree_q
from edudb.core.records import StaleRecord, unscoped_history_of
from edudb.core.scoping import Function, get_scoped_or_404, scope_for
from edudb.core.views_base import ScopedCreateView, ScopedDetailView, ScopedListView, ScopedUpdateView, htmx_target
from edudb.quality.codes import mask_personal_id
from edudb.quality.rules import WORKING_STAFF
from edudb.quality.text import search_key
from edudb.registry import services, staffing
from edudb.registry.forms_staff import StaffCodeForm, StaffForm, StaffSearchForm
from edudb.registry.models import SchoolClass, StaffMember

LIST_COLUMNS = ("unit", "staff_type", "position", "qualification", "work_status")


def _allows(request: HttpRequest, function: str) -> bool:
    scope = scope_for(request.user)
    return bool(scope and scope.allows(function))


class StaffListView(ScopedListView):
    """Staff in scope, searchable by name without diacritics or by code, filterable by unit and code lists."""

    model = StaffMember
    template_name = "registry/staff_list.html"

    def refine(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        self.form = StaffSearchForm(self.request.GET or None, user=self.request.user)
        # The list never reads the personal ID, so it is never loaded.
        queryset = queryset.select_related(*LIST_COLUMNS).defer("personal_id")
        if self.form.is_valid():
            data = self.form.cleaned_data
            if data["q"]:
                key = search_key(data["q"])
                code = data["q"].strip().replace(" ", "")
                queryset = queryset.filter(Q(name_key__contains=key) | Q(ministry_code__istartswith=code))
            if data["unit"]:
                queryset = queryset.filter(subtree_q(data["unit"].path, "unit__"))
            for name in ("staff_type", "position", "qualification", "work_status", "gender"):
                if data[name]:
                    queryset = queryset.filter(**{name: data[name]})
            if data.get("at_work"):
                queryset = queryset.filter(work_status__code__in=WORKING_STAFF)
        return queryset.order_by("unit__name_key", "name_key", "pk")

    def get_template_names(self) -> list[str]:
        if htmx_target(self.request) == "staff-results":
            return ["registry/staff_list.html#results"]
        return [self.template_name]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(form=self.form, can_enter=_allows(self.request, Function.ENTER_STAFF), **kwargs)


class StaffDetailView(ScopedDetailView):
    """A staff member's record: the personal ID masked, homeroom classes in scope, and the history."""

    model = StaffMember
    template_name = "registry/staff_detail.html"

    def refine(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related(
            "unit",
            "gender",
            "ethnicity",
            "staff_type",
            "position",
            "contract",
            "qualification",
            "standard_assessment",
            "work_status",
            "updated_by",
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        staff: StaffMember = self.object
        user = self.request.user
        homerooms = (
            SchoolClass.objects.visible_to(user)
            .filter(homeroom_teacher=staff)
            .select_related("school_year", "unit")
            .order_by("-school_year__start_year", "name")
        )
        can_edit = StaffMember.objects.visible_to(user, Function.ENTER_STAFF).filter(pk=staff.pk).exists()
        return super().get_context_data(
            masked_personal_id=mask_personal_id(staff.personal_id or ""),
            can_reveal=bool(staff.personal_id) and _allows(self.request, Function.REVEAL_PERSONAL_ID),
            can_edit=can_edit,
            homerooms=homerooms,
            history=unscoped_history_of(staff),
            **kwargs,
        )


class StaffCreateView(ScopedCreateView):
    model = StaffMember
    form_class = StaffForm
    function = Function.ENTER_STAFF
    template_name = "registry/staff_form.html"
    success_message = _("Đã thêm hồ sơ cán bộ.")

    def get_initial(self) -> dict[str, Any]:
        return {"unit": self.request.GET.get("unit")}

    def form_valid(self, form: Any) -> HttpResponse:
        record = form.save(commit=False)
        try:
            staffing.create_staff(record, by=self.request.user)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        except ValidationError as exc:
            form.add_write_error(exc)
            return self.form_invalid(form)
        return self.written(form, record)


class StaffUpdateView(ScopedUpdateView):
    model = StaffMember
    form_class = StaffForm
    function = Function.ENTER_STAFF
    template_name = "registry/staff_form.html"
    success_message = _("Đã lưu hồ sơ cán bộ.")

    def refine(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("unit")

    def form_valid(self, form: Any) -> HttpResponse:
        record = form.save(commit=False)
        try:
            staffing.update_staff(
                record, by=self.request.user, expected_version=form.cleaned_data["version"], before=self.before
            )
        except (StaleRecord, PermissionDenied) as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        except ValidationError as exc:
            form.add_write_error(exc)
            return self.form_invalid(form)
        return self.written(form, record)


@login_required
@require_http_methods(["GET", "POST"])
def staff_set_code(request: HttpRequest, pk: int) -> HttpResponse:
    """Give a record without a Ministry staff code its code; once given it never changes (R3)."""
    staff = get_scoped_or_404(StaffMember.objects.select_related("unit"), request.user, Function.ENTER_STAFF, pk=pk)
    if staff.ministry_code:
        messages.error(
            request, _("Hồ sơ đã có mã %(code)s; mã định danh không thay đổi được.") % {"code": staff.ministry_code}
        )
        return redirect(staff.get_absolute_url())
    form = StaffCodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            services.set_ministry_code(staff, by=request.user, code=form.cleaned_data["code"])
        except ValidationError as exc:
            form.add_error("code", exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Đã cấp mã cán bộ %(code)s.") % {"code": staff.ministry_code})
            return redirect(staff.get_absolute_url())
    return render(request, "registry/staff_code_form.html", {"object": staff, "form": form})


@never_cache
@login_required
@require_POST
def staff_reveal_id(request: HttpRequest, pk: int) -> HttpResponse:
    """Show one full personal ID to an account granted that function; the reveal is audited."""
    staff = get_scoped_or_404(StaffMember, request.user, Function.REVEAL_PERSONAL_ID, pk=pk)
    personal_id = services.reveal_personal_id(StaffMember, by=request.user, pk=staff.pk)
    context = {"object": staff, "personal_id": personal_id}
    if htmx_target(request) == "personal-id":
        return render(request, "registry/staff_personal_id.html#value", context)
    return render(request, "registry/staff_personal_id.html", context)
