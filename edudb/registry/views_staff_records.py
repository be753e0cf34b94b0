"""Pages of a staff member's awards, discipline and training (khen thưởng, kỷ luật, đào tạo bồi dưỡng).

One page per staff member shows the three lists; each record is added, edited and deleted (audited, confirmed)
from there. Two unit-wide lists — awards and trainings — serve the personnel clerk and the managers above.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from edudb.core.models import subtree_q
from edudb.core.records import StaleRecord, unscoped_history_of
from edudb.core.scoping import Function, get_scoped_or_404, scope_for
from edudb.core.views_base import ScopedCreateView, ScopedDetailView, ScopedListView, ScopedUpdateView, htmx_target
from edudb.quality.text import search_key
from edudb.registry import staff_records
from edudb.registry.forms_staff_records import (
    AwardFilterForm,
    StaffAwardForm,
    StaffDisciplineForm,
    StaffRecordForm,
    StaffTrainingForm,
    TrainingFilterForm,
)
from edudb.registry.models import StaffAward, StaffDiscipline, StaffMember, StaffTraining

# What each kind of record is called on the pages, and its form.
KINDS: dict[str, dict[str, Any]] = {
    "award": {
        "model": StaffAward,
        "form": StaffAwardForm,
        "name": gettext_lazy("khen thưởng"),
        "related": ("title",),
    },
    "discipline": {
        "model": StaffDiscipline,
        "form": StaffDisciplineForm,
        "name": gettext_lazy("kỷ luật"),
        "related": ("form",),
    },
    "training": {
        "model": StaffTraining,
        "form": StaffTrainingForm,
        "name": gettext_lazy("đào tạo, bồi dưỡng"),
        "related": ("kind",),
    },
}


def _allows(request: HttpRequest, function: str) -> bool:
    scope = scope_for(request.user)
    return bool(scope and scope.allows(function))


def records_url(staff_id: int) -> str:
    return reverse("registry:staff_records", kwargs={"pk": staff_id})


class StaffRecordsView(ScopedDetailView):
    """A staff member's awards, disciplinary measures and training, each list with its add / edit / delete."""

    model = StaffMember
    template_name = "registry/staff_records_detail.html"

    def refine(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("unit", "staff_type", "position").defer("personal_id")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        staff: StaffMember = self.object
        user = self.request.user
        can_edit = staff_records.writable_staff(user).filter(pk=staff.pk).exists()
        return super().get_context_data(
            awards=StaffAward.objects.visible_to(user)
            .filter(staff=staff)
            .select_related("title")
            .order_by("-year", "-decision_date", "-pk"),
            disciplines=StaffDiscipline.objects.visible_to(user)
            .filter(staff=staff)
            .select_related("form")
            .order_by("-decision_date", "-pk"),
            trainings=StaffTraining.objects.visible_to(user)
            .filter(staff=staff)
            .select_related("kind")
            .order_by("-starts_on", "-pk"),
            can_edit=can_edit,
            **kwargs,
        )


class _StaffRecordWrite:
    """What the add and edit pages share: the form's template, the staff member, and the way back."""

    kind: ClassVar[str]
    request: HttpRequest
    template_name: str | None = "registry/staff_records_form.html"

    def staff_of(self, form: StaffRecordForm) -> StaffMember:
        return form.instance.staff  # type: ignore[no-any-return]

    def written(self, form: Any, record: Any) -> HttpResponse:
        messages.success(self.request, _("Đã lưu %(what)s của %(name)s.") % self._words(record.staff))
        return redirect(records_url(record.staff_id))

    def _words(self, staff: StaffMember) -> dict[str, Any]:
        return {"what": KINDS[self.kind]["name"], "name": staff.full_name}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)  # type: ignore[misc]
        context.update(kind=self.kind, kind_name=KINDS[self.kind]["name"], staff=self.staff_of(context["form"]))
        return context


class _StaffRecordCreateView(_StaffRecordWrite, ScopedCreateView):
    function = Function.ENTER_STAFF

    def staff_member(self) -> StaffMember:
        """The staff member of the page's URL, if the user may enter their records; anything else is 404."""
        if not hasattr(self, "_staff"):
            # The personal ID is never shown on these pages, so it is never loaded.
            self._staff = get_scoped_or_404(
                StaffMember.objects.select_related("unit").defer("personal_id"),
                self.request.user,
                Function.ENTER_STAFF,
                pk=self.kwargs["pk"],
            )
        return self._staff

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.model(staff=self.staff_member())
        return kwargs


class _StaffRecordUpdateView(_StaffRecordWrite, ScopedUpdateView):
    function = Function.ENTER_STAFF

    def refine(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("staff", "staff__unit", *KINDS[self.kind]["related"]).defer("staff__personal_id")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(history=unscoped_history_of(self.object), **kwargs)


class StaffAwardCreateView(_StaffRecordCreateView):
    kind = "award"
    model = StaffAward
    form_class = StaffAwardForm


class StaffAwardUpdateView(_StaffRecordUpdateView):
    kind = "award"
    model = StaffAward
    form_class = StaffAwardForm


class StaffDisciplineCreateView(_StaffRecordCreateView):
    kind = "discipline"
    model = StaffDiscipline
    form_class = StaffDisciplineForm


class StaffDisciplineUpdateView(_StaffRecordUpdateView):
    kind = "discipline"
    model = StaffDiscipline
    form_class = StaffDisciplineForm


class StaffTrainingCreateView(_StaffRecordCreateView):
    kind = "training"
    model = StaffTraining
    form_class = StaffTrainingForm


class StaffTrainingUpdateView(_StaffRecordUpdateView):
    kind = "training"
    model = StaffTraining
    form_class = StaffTrainingForm


def _version(raw: str | None) -> int | None:
    try:
        value = int(raw or "")
    except ValueError:
        return None
    return value if 0 < value < 2**31 else None


@login_required
@require_http_methods(["GET", "POST"])
def staff_record_delete(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """Ask, then delete one award, discipline or training record; the delete is audited with every value."""
    spec = KINDS[kind]
    model = spec["model"]
    record = get_scoped_or_404(
        model.objects.select_related("staff", "staff__unit", *spec["related"]).defer("staff__personal_id"),
        request.user,
        Function.ENTER_STAFF,
        pk=pk,
    )
    error = ""
    if request.method == "POST":
        try:
            staff_records.delete_staff_record(
                record, by=request.user, expected_version=_version(request.POST.get("version"))
            )
        except (StaleRecord, PermissionDenied) as exc:
            error = str(exc)
            record.refresh_from_db()
        else:
            messages.success(
                request, _("Đã xóa %(what)s của %(name)s.") % {"what": spec["name"], "name": record.staff.full_name}
            )
            return redirect(records_url(record.staff_id))
    context = {"object": record, "staff": record.staff, "kind": kind, "kind_name": spec["name"], "error": error}
    return render(request, "registry/staff_records_confirm_delete.html", context, status=409 if error else 200)


# --- unit-wide lists ------------------------------------------------------------------------------------------------


class _StaffRecordListView(ScopedListView):
    """Records of the staff in scope, searchable by the staff member's name or code, filterable by unit and year."""

    form_class: ClassVar[type[Any]]
    results_id: ClassVar[str]
    related: ClassVar[tuple[str, ...]]
    ordering_fields: ClassVar[tuple[str, ...]]

    def refine(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        self.form = self.form_class(self.request.GET or None, user=self.request.user)
        queryset = queryset.select_related("staff", "staff__unit", *self.related).defer("staff__personal_id")
        if self.form.is_valid():
            data = self.form.cleaned_data
            if data["q"]:
                code = data["q"].strip().replace(" ", "")
                queryset = queryset.filter(
                    Q(staff__name_key__contains=search_key(data["q"])) | Q(staff__ministry_code__istartswith=code)
                )
            if data["unit"]:
                queryset = queryset.filter(subtree_q(data["unit"].path, "staff__unit__"))
            queryset = self.narrow(queryset, data)
        return queryset.order_by(*self.ordering_fields)

    def narrow(self, queryset: QuerySet[Any], data: dict[str, Any]) -> QuerySet[Any]:
        return queryset

    def get_template_names(self) -> list[str]:
        if htmx_target(self.request) == self.results_id:
            return [f"{self.template_name}#results"]
        return [str(self.template_name)]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(form=self.form, can_enter=_allows(self.request, Function.ENTER_STAFF), **kwargs)


class StaffAwardListView(_StaffRecordListView):
    model = StaffAward
    template_name = "registry/staff_records_award_list.html"
    form_class = AwardFilterForm
    results_id = "award-results"
    related = ("title",)
    ordering_fields = ("-year", "staff__unit__name_key", "staff__name_key", "title__order", "pk")

    def narrow(self, queryset: QuerySet[Any], data: dict[str, Any]) -> QuerySet[Any]:
        if data["year"]:
            queryset = queryset.filter(year=data["year"])
        if data["title"]:
            queryset = queryset.filter(title=data["title"])
        return queryset


class StaffTrainingListView(_StaffRecordListView):
    model = StaffTraining
    template_name = "registry/staff_records_training_list.html"
    form_class = TrainingFilterForm
    results_id = "training-results"
    related = ("kind",)
    ordering_fields = ("-starts_on", "staff__unit__name_key", "staff__name_key", "pk")

    def narrow(self, queryset: QuerySet[Any], data: dict[str, Any]) -> QuerySet[Any]:
        if data["year"]:
            year = data["year"]
            queryset = queryset.filter(starts_on__gte=dt.date(year, 1, 1), starts_on__lt=dt.date(year + 1, 1, 1))
        if data["kind"]:
            queryset = queryset.filter(kind=data["kind"])
        return queryset
