"""Pages of the students database: the list, a student's record, enrolment, edits, the Ministry code and the
audited reveal of the personal ID."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import Case, CharField, Count, Q, QuerySet, StringAgg, Value, When
from django.db.models.functions import Cast
from django.db.models.lookups import LessThanOrEqual
from django.forms import BoundField
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from edudb.core.models import Category
from edudb.core.records import StaleRecord, unscoped_history_of
from edudb.core.scoping import Function, get_scoped_or_404, scope_for
from edudb.core.views_base import (
    ScopedCreateView,
    ScopedDetailView,
    ScopedListView,
    ScopedUpdateView,
    htmx_target,
    show_quality_warnings,
)
from edudb.quality.codes import mask_personal_id, repair_code
from edudb.quality.rules import PRESENT_STUDENT
from edudb.quality.text import search_key
from edudb.registry import enrolment, services
from edudb.registry.forms_students import (
    NEW_GUARDIANS_INITIAL,
    GuardianFormSet,
    NewGuardianFormSet,
    NewStudentForm,
    SetMinistryCodeForm,
    StudentForm,
    StudentSearchForm,
    guardian_rows,
)
from edudb.registry.models import Guardian, HealthRecord, Student, StudentEvent, StudentTransfer, TransferState
from edudb.registry.transfers import DROPPED, STUDYING

GUARDIANS_PREFIX = "guardians"


def _can(request: HttpRequest, function: str) -> bool:
    scope = scope_for(request.user)
    return bool(scope and scope.allows(function))


class CappedPaginator(Paginator):
    """Counts a list's rows up to ``cap`` and no further: beyond it, the list says "more than" the cap.

    A Sở office sees the whole city's 1.1 million learners; counting them on every page view read every row (about
    50 ms on PostgreSQL, more than the rest of the page together) for a figure no one pages through. Up to the cap —
    one commune's schools, one school, any search or filter that narrows the list — the count stays exact. Beyond
    it the page says "Hơn 20.000 học sinh", the pages still go on (next and previous; a page past the end is not
    found) and the exact totals stay with the statistics.

    With ``few`` (a search): when the count finds at most that many rows it brings their ids along, and the page
    is then fetched by primary key instead of running the search a second time — a name search over the city reads
    every learner's name once (about 100 ms), not twice. Two queries either way: the count, then the page.
    """

    cap = 20_000

    object_list: QuerySet[Any]

    def __init__(self, object_list: QuerySet[Any], *args: Any, few: int = 0, **kwargs: Any) -> None:
        super().__init__(object_list, *args, **kwargs)
        self.few = few

    @cached_property
    def _counted(self) -> tuple[int, list[int] | None]:
        rows = self.object_list.order_by()[: self.cap + 1]
        if not self.few:
            return int(rows.count()), None
        found = rows.aggregate(
            n=Count("pk"),
            ids=Case(
                When(LessThanOrEqual(Count("pk"), self.few), then=StringAgg(Cast("pk", CharField()), Value(","))),
                default=Value(None),
            ),
        )
        return int(found["n"]), [int(pk) for pk in found["ids"].split(",")] if found["ids"] else None

    @cached_property
    def count(self) -> int:
        return self._counted[0]

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    def validate_number(self, number: Any) -> int:
        if not self.capped:
            return super().validate_number(number)
        try:
            whole = int(number)
        except (TypeError, ValueError) as exc:
            raise PageNotAnInteger(_("Số trang phải là số nguyên.")) from exc
        if whole < 1:
            raise EmptyPage(_("Số trang phải từ 1 trở lên."))
        return whole

    def page(self, number: Any) -> Page:
        found = self._counted[1]
        if found is not None:  # the rows are known: the page needs no second search
            self.object_list = self.object_list.filter(pk__in=found)
        if not self.capped:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])  # one more: is there a next page?
        if not rows:
            raise EmptyPage(_("Trang này không có kết quả."))
        return CappedPage(rows[: self.per_page], number, self, more=len(rows) > self.per_page)


LIST_COLUMNS = (
    "ministry_code",
    "temporary_code",
    "full_name",
    "birth_date",
    "unit__name",
    "gender__name",
    "status__name",
    "school_class__name",
)
SEARCH_FEW = 1000  # a search finding at most this many learners has its page fetched by primary key


class CappedPage(Page):
    """A page of a list too long to count: whether another page follows is known from the rows fetched."""

    def __init__(self, object_list: Any, number: int, paginator: Paginator, *, more: bool) -> None:
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self) -> bool:
        return self.more

    def end_index(self) -> int:
        return self.start_index() + len(self.object_list) - 1


UNIT_OPTIONS_TARGET = "id_unit"  # the school filter's <select>, which a Sở account fills on first use (htmx)


def _option(value: Any, label: Any, chosen: set[str]) -> str:
    selected = " selected" if str(value) in chosen else ""
    return f'<option value="{escape(value)}"{selected}>{escape(label)}</option>'


def _chosen(field: BoundField) -> set[str]:
    """The value(s) chosen in a filter, as strings; nothing chosen is the empty choice, as Django's widget has it."""
    value = field.value()
    values = value if isinstance(value, (list, tuple)) else [value]
    return {str(v) for v in values if v not in (None, "")} or {""}


def _select_options(field: BoundField) -> SafeString:
    """The ``<option>``s of a filter's ``<select>``, built in one pass with the labels Django's widget would show.

    Django's select widget renders a template per option and reads a model choice through a server-side cursor
    (three round trips on PostgreSQL); for the few filters of this page that was 2.5 ms of the 20 a page takes."""
    form_field: Any = field.field
    chosen = _chosen(field)
    empty = getattr(form_field, "empty_label", None)
    if isinstance(form_field, forms.ModelChoiceField):
        items: Any = form_field.queryset
        pairs: list[tuple[Any, Any]] = [("", empty)] if empty is not None else []
        pairs += [(form_field.prepare_value(item), form_field.label_from_instance(item)) for item in items]
    else:
        pairs = list(form_field.choices)
    html = "".join(_option(v, label, chosen) for v, label in pairs)
    # nosemgrep: edudb-mark-safe -- every value and label is escaped by _option
    return mark_safe(html)  # noqa: S308


def _institution_options(field: BoundField, *, all_schools: bool = True) -> SafeString:
    """The school filter's ``<option>``s ("name (code)", as ``InstitutionField`` labels them), from the form's own
    queryset in one query; with ``all_schools=False`` only the empty choice and the chosen school."""
    form_field: Any = field.field
    chosen = _chosen(field)
    schools = form_field.queryset
    if not all_schools:
        schools = schools.filter(pk__in=[c for c in chosen if c.isdigit()])
    options = [_option("", form_field.empty_label, chosen)]
    rows = schools.values_list("pk", "name", "code")
    options += [_option(pk, f"{name} ({code})", chosen) for pk, name, code in rows]
    html = "".join(options)
    # nosemgrep: edudb-mark-safe -- every value and label is escaped by _option
    return mark_safe(html)  # noqa: S308


def _many_schools(request: HttpRequest) -> bool:
    """A Sở account's school filter lists every school of the city (some 1,640, 10 ms to work out which have
    learners in scope): it is filled when the user first points at it, not on every page of the list."""
    scope = scope_for(request.user)
    return bool(scope and scope.unit.kind.category in (Category.DEPARTMENT, Category.OFFICE))


class StudentListView(ScopedListView):
    """Students in scope, searchable by name without diacritics or by code, filterable by school, class, grade,
    status and gender. The personal ID never appears here."""

    model = Student
    template_name = "registry/student_list.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if htmx_target(request) == UNIT_OPTIONS_TARGET:  # the school filter filling itself in
            form = StudentSearchForm(request.GET or None, user=request.user)
            return HttpResponse(_institution_options(form["unit"]))
        return super().get(request, *args, **kwargs)

    def refine(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        self.form = StudentSearchForm(self.request.GET or None, user=self.request.user)
        # Only the columns the table shows: a learner's row is some 80 columns with its school, class and codes,
        # and the personal ID would be unsealed for every row only to be left unshown.
        queryset = queryset.select_related("unit", "gender", "status", "school_class").only(*LIST_COLUMNS)
        if self.form.is_bound:
            self.form.is_valid()  # filter on every field that is valid, even when another is not
            data = self.form.cleaned_data
            if data.get("q"):
                key, code = search_key(data["q"]), repair_code(data["q"]).upper()
                queryset = queryset.filter(
                    Q(name_key__contains=key) | Q(ministry_code__startswith=code) | Q(temporary_code__startswith=code)
                )
            if data.get("unit"):
                queryset = queryset.filter(unit=data["unit"])
            if data.get("school_class"):
                queryset = queryset.filter(school_class=data["school_class"])
            if data.get("grade"):
                queryset = queryset.filter(school_class__grade=data["grade"])
            if data.get("status"):
                queryset = queryset.filter(status=data["status"])
            if data.get("gender"):
                queryset = queryset.filter(gender=data["gender"])
            if data.get("on_roll"):
                queryset = queryset.filter(status__code__in=PRESENT_STUDENT)
        return queryset.order_by("unit__name_key", "school_class__grade", "school_class__name", "name_key", "pk")

    def get_paginator(self, queryset: Any, per_page: int, *args: Any, **kwargs: Any) -> Paginator:
        searching = bool(self.form.is_bound and self.form.cleaned_data.get("q"))
        return CappedPaginator(queryset, per_page, *args, few=SEARCH_FEW if searching else 0, **kwargs)

    def get_template_names(self) -> list[str]:
        if htmx_target(self.request) == "student-results":
            return ["registry/student_list.html#results"]
        return [self.template_name]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        lazy_schools = False
        if htmx_target(self.request) != "student-results":  # the whole page, filters included
            lazy_schools = _many_schools(self.request)
            for field in self.form.visible_fields():
                if field.name == "unit":
                    field.options = _institution_options(field, all_schools=not lazy_schools)  # type: ignore[attr-defined]
                elif isinstance(field.field, forms.ChoiceField):
                    field.options = _select_options(field)  # type: ignore[attr-defined]
        return super().get_context_data(
            form=self.form,
            can_enrol=_can(self.request, Function.ENTER_STUDENTS),
            lazy_schools=lazy_schools,
            **kwargs,
        )


class StudentDetailView(ScopedDetailView):
    """A student's record: identity, codes, class, status, support, guardians, health and history. The personal
    ID is masked; an account granted the function may reveal it (audited)."""

    model = Student
    template_name = "registry/student_detail.html"

    def refine(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related(
            "unit",
            "school_class__school_year",
            "gender",
            "ethnicity",
            "nationality",
            "religion",
            "status",
            "disability",
            "updated_by",
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        student: Student = self.object
        user = self.request.user
        guardians = Guardian.objects.visible_to(user).filter(student=student).order_by("pk")
        health = (
            HealthRecord.objects.visible_to(user)
            .filter(student=student)
            .select_related("school_year")
            .order_by("-school_year__start_year", "-term")
        )
        writable = Student.objects.visible_to(user, Function.ENTER_STUDENTS).filter(pk=student.pk).exists()
        events = (
            StudentEvent.objects.visible_to(user)
            .filter(student=student)
            .select_related("unit", "school_year", "status", "school_class")
            .order_by("-happened_on", "-pk")[:30]
        )
        open_transfer = (
            StudentTransfer.objects.visible_to(user)
            .filter(student=student, state=TransferState.PENDING)
            .select_related("to_unit")
            .first()
        )
        status_code = student.status.code if student.status_id else ""
        return super().get_context_data(
            events=events,
            open_transfer=open_transfer,
            can_move=writable and open_transfer is None and status_code in STUDYING,
            can_return=writable and status_code in DROPPED,
            guardians=guardians,
            health_records=health,
            policy_groups=student.policy_groups.order_by("order", "code"),
            personal_id_masked=mask_personal_id(student.personal_id or ""),
            can_reveal=bool(student.personal_id) and _can(self.request, Function.REVEAL_PERSONAL_ID),
            can_edit=writable,
            code_form=SetMinistryCodeForm() if writable and not student.ministry_code else None,
            history=unscoped_history_of(student),
            **kwargs,
        )


class _GuardiansMixin:
    """The guardians formset shown with the student's form, validated and written with it."""

    request: HttpRequest
    object: Any
    formset_class: Any

    def guardian_formset(self) -> Any:
        if self.request.method == "POST":
            return self.formset_class(self.request.POST, prefix=GUARDIANS_PREFIX)
        return self.formset_class(initial=self.guardians_initial(), prefix=GUARDIANS_PREFIX)

    def guardians_initial(self) -> list[dict[str, Any]]:
        return []

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("guardians", self.guardian_formset())
        context: dict[str, Any] = super().get_context_data(**kwargs)  # type: ignore[misc]
        return context

    def refused(self, form: Any, guardians: Any, exc: Exception) -> HttpResponse:
        form.add_error(None, exc if isinstance(exc, ValidationError) else str(exc))
        response: HttpResponse = self.render_to_response(  # type: ignore[attr-defined]
            self.get_context_data(form=form, guardians=guardians)
        )
        return response


class StudentCreateView(_GuardiansMixin, ScopedCreateView):
    """Enrolment: the record, its code (the Ministry's or a temporary one), guardians — one transaction."""

    model = Student
    form_class = NewStudentForm
    formset_class = NewGuardianFormSet
    function = Function.ENTER_STUDENTS
    template_name = "registry/student_form.html"

    def get_initial(self) -> dict[str, Any]:
        return {"unit": self.request.GET.get("unit")}

    def guardians_initial(self) -> list[dict[str, Any]]:
        return [dict(row) for row in NEW_GUARDIANS_INITIAL]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = None
        form: NewStudentForm = self.get_form()  # type: ignore[assignment]
        guardians = self.guardian_formset()
        if not (form.is_valid() and guardians.is_valid()):
            return self.render_to_response(self.get_context_data(form=form, guardians=guardians))
        student = form.apply(form.save(commit=False))
        try:
            enrolment.enrol(
                student,
                by=request.user,
                ministry_code=form.cleaned_data.get("ministry_code") or "",
                guardians=guardian_rows(guardians),
                policy_groups=form.cleaned_data.get("policy_groups") or [],
            )
        except (ValidationError, PermissionDenied) as exc:
            student.pk = None
            return self.refused(form, guardians, exc)
        messages.success(
            request,
            _("Đã nhập học cho %(name)s, mã %(code)s.") % {"name": student.full_name, "code": student.code},
        )
        show_quality_warnings(request, form, *guardians.forms)
        return redirect(student.get_absolute_url())


class StudentUpdateView(_GuardiansMixin, ScopedUpdateView):
    """Edit a student's record and guardians; the second of two concurrent edits is refused."""

    model = Student
    form_class = StudentForm
    formset_class = GuardianFormSet
    function = Function.ENTER_STUDENTS
    template_name = "registry/student_form.html"

    def refine(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("unit", "school_class")

    def guardians_initial(self) -> list[dict[str, Any]]:
        guardians = Guardian.objects.visible_to(self.request.user).filter(student=self.object).order_by("pk")
        return [{name: getattr(g, name) for name in enrolment.GUARDIAN_FIELDS} for g in guardians]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = self.get_object()
        form: StudentForm = self.get_form()  # type: ignore[assignment]
        guardians = self.guardian_formset()
        if not (form.is_valid() and guardians.is_valid()):
            return self.render_to_response(self.get_context_data(form=form, guardians=guardians))
        student = form.apply(form.save(commit=False))
        try:
            enrolment.save_student(
                student,
                by=request.user,
                expected_version=form.cleaned_data["version"],
                before=self.before,
                guardians=guardian_rows(guardians),
                policy_groups=form.cleaned_data.get("policy_groups") or [],
            )
        except (StaleRecord, PermissionDenied, ValidationError) as exc:
            return self.refused(form, guardians, exc)
        messages.success(request, _("Đã lưu hồ sơ của %(name)s.") % {"name": student.full_name})
        show_quality_warnings(request, form, *guardians.forms)
        return redirect(student.get_absolute_url())


@method_decorator(never_cache, name="dispatch")
class StudentRevealIdView(LoginRequiredMixin, View):
    """Show one student's full personal ID to an account granted that function; every reveal is audited."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        student = get_scoped_or_404(
            Student.objects.select_related("unit"), request.user, Function.REVEAL_PERSONAL_ID, pk=pk
        )
        value = services.reveal_personal_id(Student, by=request.user, pk=student.pk)
        context = {"student": student, "personal_id": value}
        if htmx_target(request):
            return render(request, "registry/student_personal_id.html", context)
        return render(request, "registry/student_reveal.html", context)


class StudentSetCodeView(LoginRequiredMixin, View):
    """Give a student known by a temporary code its Ministry code (once; the temporary code stays in history)."""

    template_name = "registry/student_set_code.html"

    def student(self, request: HttpRequest, pk: int) -> Student:
        return get_scoped_or_404(Student.objects.select_related("unit"), request.user, Function.ENTER_STUDENTS, pk=pk)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        student = self.student(request, pk)
        return render(request, self.template_name, {"student": student, "form": SetMinistryCodeForm()})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        student = self.student(request, pk)
        form = SetMinistryCodeForm(request.POST)
        if form.is_valid():
            try:
                services.set_ministry_code(student, by=request.user, code=form.cleaned_data["ministry_code"])
            except ValidationError as exc:
                form.add_error("ministry_code", exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    _("Đã gán mã định danh %(code)s cho %(name)s; mã tạm %(old)s được lưu trong lịch sử.")
                    % {"code": student.ministry_code, "name": student.full_name, "old": student.temporary_code or "—"},
                )
                return redirect(student.get_absolute_url())
        return render(request, self.template_name, {"student": student, "form": form}, status=200)
