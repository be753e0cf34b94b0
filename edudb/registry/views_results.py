"""Pages of learning results and health measurements (R2.4): the class grids — every student of a class for one term,
saved at once — a student's "Kết quả học tập và sức khỏe" page, and each record's history.

Reads need the "view" function on the class or the student; writes need "enter students" and go through
:mod:`edudb.registry.results`, which saves a whole grid in one transaction or nothing at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from edudb.core.records import unscoped_history_of
from edudb.core.scoping import Function, get_scoped_or_404
from edudb.core.views_base import ScopedDetailView
from edudb.registry import results
from edudb.registry.forms_classes import PRESENT_STATUSES
from edudb.registry.forms_results import (
    CodeLists,
    HealthRowForm,
    ResultRowForm,
    parse_term,
    posted_students,
    result_lists,
)
from edudb.registry.models import HealthRecord, LearningResult, ResultTerm, SchoolClass, Student
from edudb.reporting.models import SchoolYear

HEALTH_TERM_CHOICES = [(1, ResultTerm.TERM_1.label), (2, ResultTerm.TERM_2.label)]


@dataclass
class GridLine:
    """One line of a grid: its number, the student, their saved record (if any), the row's form, and for health
    the saved measurement's assessment."""

    number: int
    student: Student
    record: Any
    form: Any
    assessment: results.Assessment | None = None


def _classes(user: Any, function: str) -> QuerySet[SchoolClass]:
    return SchoolClass.objects.visible_to(user, function).select_related("unit", "school_year")


class _ClassGridView(LoginRequiredMixin, View):
    """A class's grid for one term: GET shows it (editable for accounts that may enter students), POST saves every
    row at once or nothing (each refusal shown at its row and field)."""

    template_name: ClassVar[str]
    route: ClassVar[str]
    model: ClassVar[Any]
    terms: ClassVar[tuple[int, ...]]
    health: ClassVar[bool] = False
    related: ClassVar[tuple[str, ...]] = ()  # what the read-only grid shows of each record

    # --- the hooks of each grid ---

    def term_choices(self) -> list[tuple[int, Any]]:
        raise NotImplementedError

    def prepare(self, school_class: SchoolClass) -> None:
        """Load what every row needs, once (code lists)."""

    def make_form(self, school_class: SchoolClass, term: int, prefix: str, name: str, **kwargs: Any) -> Any:
        raise NotImplementedError

    def initial(self, record: Any) -> dict[str, Any]:
        raise NotImplementedError

    def save(self, school_class: SchoolClass, term: int, rows: list[results.GridRow]) -> results.GridSaved:
        raise NotImplementedError

    def saved_message(self, school_class: SchoolClass, term: int, saved: results.GridSaved) -> str:
        raise NotImplementedError

    # --- the pages ---

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        school_class = get_scoped_or_404(_classes(request.user, Function.VIEW), request.user, Function.VIEW, pk=pk)
        year = school_class.school_year
        term = parse_term(request.GET.get("term"), self.terms) or results.default_term(year, health=self.health)
        return self.show(request, school_class, term)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        user = request.user
        school_class = get_scoped_or_404(_classes(user, results.WRITE), user, results.WRITE, pk=pk)
        term = parse_term(request.POST.get("term"), self.terms)
        ids = posted_students(request.POST.getlist("row"))
        if term is None or ids is None:
            messages.error(request, _("Dữ liệu gửi lên không phải của bảng này; hãy tải lại trang rồi nhập lại."))
            return redirect(self.url(school_class, term))
        self.prepare(school_class)
        names = {s.pk: s.full_name for s in results.class_members(school_class, user, results.WRITE)}
        forms = {
            sid: self.make_form(school_class, term, f"s{sid}", names.get(sid, ""), data=request.POST) for sid in ids
        }
        if not all([form.is_valid() for form in forms.values()]):
            problems = [
                results.RowProblem(number, sid, names.get(sid, ""), name, " ".join(errors))
                for number, (sid, form) in enumerate(forms.items(), start=1)
                for name, errors in form.errors.items()
            ]
            return self.show(request, school_class, term, posted=forms, problems=problems)
        rows = [results.GridRow(sid, form.cleaned_data["version"], form.values()) for sid, form in forms.items()]
        try:
            saved = self.save(school_class, term, rows)
        except results.GridRefused as exc:
            for problem in exc.problems:
                form = forms.get(problem.student_id)
                if form is not None and problem.student_name:
                    form.add_error(problem.field if problem.field in form.fields else None, problem.message)
            return self.show(request, school_class, term, posted=forms, problems=exc.problems)
        except PermissionDenied as exc:
            problems = [results.RowProblem(0, 0, "", "", str(exc))]
            return self.show(request, school_class, term, posted=forms, problems=problems)
        messages.success(request, self.saved_message(school_class, term, saved))
        return redirect(self.url(school_class, term))

    def url(self, school_class: SchoolClass, term: int | None) -> str:
        base = reverse(self.route, kwargs={"pk": school_class.pk})
        return f"{base}?term={term}" if term else base

    def show(
        self,
        request: HttpRequest,
        school_class: SchoolClass,
        term: int,
        *,
        posted: dict[int, Any] | None = None,
        problems: list[results.RowProblem] | None = None,
        status: int = 200,
    ) -> HttpResponse:
        user = request.user
        year = school_class.school_year
        can_edit = _classes(user, results.WRITE).filter(pk=school_class.pk).exists()
        members = results.class_members(school_class, user)
        queryset = self.model.objects.visible_to(user).filter(
            school_year=year, term=term, student_id__in=[s.pk for s in members]
        )
        if self.related:
            queryset = queryset.select_related(*self.related)
        records = {record.student_id: record for record in queryset}
        self.prepare(school_class)
        posted = posted or {}
        lines = []
        for number, student in enumerate(members, start=1):
            record = records.get(student.pk)
            form = posted.get(student.pk)
            if form is None and can_edit:
                form = self.make_form(
                    school_class, term, f"s{student.pk}", student.full_name, initial=self.initial(record)
                )
            line = GridLine(number, student, record, form)
            if self.health and record is not None:
                record.student = student
                line.assessment = results.assess_record(record, year=year)
            lines.append(line)
        context = {
            "school_class": school_class,
            "year": year,
            "term": term,
            "term_name": results.term_name(term),
            "terms": [(value, label, self.url(school_class, value)) for value, label in self.term_choices()],
            "lines": lines,
            "can_edit": can_edit,
            "problems": [str(problem) for problem in problems or []],
            "level": results.level_of(school_class.grade),
            "is_year": term == ResultTerm.YEAR,
            "present": PRESENT_STATUSES,
        }
        context.update(self.extra_context(school_class, term))
        return render(request, self.template_name, context, status=status)

    def extra_context(self, school_class: SchoolClass, term: int) -> dict[str, Any]:
        return {}


class ClassResultsView(_ClassGridView):
    """Kết quả học tập, rèn luyện of a class for one term (Học kỳ I, Học kỳ II or Cả năm)."""

    template_name = "registry/results_grid.html"
    route = "registry:class_results"
    model = LearningResult
    terms = tuple(ResultTerm.values)
    related = results.RESULT_CODE_FIELDS
    lists: CodeLists

    def term_choices(self) -> list[tuple[int, Any]]:
        return list(ResultTerm.choices)

    def prepare(self, school_class: SchoolClass) -> None:
        if not hasattr(self, "lists"):
            self.lists = result_lists()
            self.codes = {item.pk: code for items in self.lists.values() for code, item in items.items()}

    def make_form(self, school_class: SchoolClass, term: int, prefix: str, name: str, **kwargs: Any) -> Any:
        return ResultRowForm(
            prefix=prefix, lists=self.lists, grade=school_class.grade, term=term, student_name=name, **kwargs
        )

    def initial(self, record: LearningResult | None) -> dict[str, Any]:
        if record is None:
            return {}
        initial: dict[str, Any] = {
            "version": record.version,
            "days_absent_excused": record.days_absent_excused,
            "days_absent_unexcused": record.days_absent_unexcused,
            "note": record.note,
        }
        for name in results.RESULT_CODE_FIELDS:
            initial[name] = self.codes.get(getattr(record, f"{name}_id"), "")
        return initial

    def save(self, school_class: SchoolClass, term: int, rows: list[results.GridRow]) -> results.GridSaved:
        return results.save_result_grid(school_class=school_class, term=term, rows=rows, by=self.request.user)

    def saved_message(self, school_class: SchoolClass, term: int, saved: results.GridSaved) -> str:
        return _(
            "Đã lưu kết quả %(term)s của lớp %(name)s: %(created)s thêm mới, %(updated)s sửa, %(unchanged)s không đổi."
        ) % {
            "term": results.term_phrase(term),
            "name": school_class.name,
            "created": saved.created,
            "updated": saved.updated,
            "unchanged": saved.unchanged,
        }


class ClassHealthView(_ClassGridView):
    """Chiều cao, cân nặng of a class for one term, with each saved measurement's BMI and nutrition label."""

    template_name = "registry/health_grid.html"
    route = "registry:class_health"
    model = HealthRecord
    terms = results.HEALTH_TERMS
    health = True

    def term_choices(self) -> list[tuple[int, Any]]:
        return list(HEALTH_TERM_CHOICES)

    def make_form(self, school_class: SchoolClass, term: int, prefix: str, name: str, **kwargs: Any) -> Any:
        return HealthRowForm(prefix=prefix, student_name=name, **kwargs)

    def initial(self, record: HealthRecord | None) -> dict[str, Any]:
        if record is None:
            return {}
        return {
            "version": record.version,
            "height_cm": record.height_cm,
            "weight_kg": record.weight_kg,
            "measured_on": record.measured_on,
            "note": record.note,
        }

    def save(self, school_class: SchoolClass, term: int, rows: list[results.GridRow]) -> results.GridSaved:
        return results.save_health_grid(school_class=school_class, term=term, rows=rows, by=self.request.user)

    def saved_message(self, school_class: SchoolClass, term: int, saved: results.GridSaved) -> str:
        return _(
            "Đã lưu số đo %(term)s của lớp %(name)s: %(created)s thêm mới, %(updated)s sửa, %(unchanged)s không đổi."
        ) % {
            "term": results.term_phrase(term),
            "name": school_class.name,
            "created": saved.created,
            "updated": saved.updated,
            "unchanged": saved.unchanged,
        }

    def extra_context(self, school_class: SchoolClass, term: int) -> dict[str, Any]:
        first, last = results.term_dates(school_class.school_year, term)
        return {"term_first": first, "term_last": last}


# --- a student's results and measurements ----------------------------------------------------------------------


@dataclass
class YearBlock:
    year: SchoolYear
    learning: list[LearningResult]
    health: list[tuple[HealthRecord, results.Assessment]]
    grid_class: SchoolClass | None


class StudentResultsView(ScopedDetailView):
    """Every term's results and measurements of one student, newest school year first, each with its history."""

    model = Student
    template_name = "registry/results_student.html"

    def refine(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("unit", "gender", "school_class__school_year")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        student: Student = self.object
        user = self.request.user
        learning = (
            LearningResult.objects.visible_to(user)
            .filter(student=student)
            .select_related("school_year", "school_class", "academic", "conduct", "title", "outcome")
            .order_by("-school_year__start_year", "term")
        )
        health = (
            HealthRecord.objects.visible_to(user)
            .filter(student=student)
            .select_related("school_year")
            .order_by("-school_year__start_year", "term")
        )
        blocks: dict[int, YearBlock] = {}

        def block(year: SchoolYear) -> YearBlock:
            if year.pk not in blocks:
                blocks[year.pk] = YearBlock(year, [], [], None)
            return blocks[year.pk]

        current = student.school_class
        if current is not None:
            block(current.school_year).grid_class = current
        for result in learning:
            entry = block(result.school_year)
            entry.learning.append(result)
            if entry.grid_class is None and result.school_class is not None:
                entry.grid_class = result.school_class
        for record in health:
            record.student = student
            block(record.school_year).health.append((record, results.assess_record(record)))
        writable = Student.objects.visible_to(user, results.WRITE).filter(pk=student.pk).exists()
        ordered = sorted(blocks.values(), key=lambda b: -b.year.start_year)
        return super().get_context_data(blocks=ordered, can_edit=writable, **kwargs)


# --- one record's history ------------------------------------------------------------------------------------------


def readable_history(record: Any, user: Any) -> list[dict[str, Any]]:
    """The record's audit entries with field labels and code-list values by name instead of ids."""
    entries = list(unscoped_history_of(record))
    names: dict[Any, str] = {}
    if isinstance(record, LearningResult):
        names = {item.pk: item.name for items in result_lists().values() for item in items.values()}
    class_ids = {
        value for entry in entries for value in (entry.changes or {}).get("school_class", []) if isinstance(value, int)
    }
    classes: dict[Any, str] = {c.pk: c.name for c in SchoolClass.objects.visible_to(user).filter(pk__in=class_ids)}
    shown = []
    for entry in entries:
        changes = []
        for name, pair in sorted((entry.changes or {}).items()):
            before, after = [*pair, None, None][:2] if isinstance(pair, list) else (None, pair)
            if name in results.RESULT_CODE_FIELDS:
                before, after = names.get(before, before), names.get(after, after)
            elif name == "school_class":
                before, after = classes.get(before, before), classes.get(after, after)
            elif name == "term":
                before = results.term_name(before) if isinstance(before, int) else before
                after = results.term_name(after) if isinstance(after, int) else after
            changes.append({"label": results.FIELD_LABELS.get(name, name), "before": before, "after": after})
        shown.append({"entry": entry, "changes": changes})
    return shown


class ResultHistoryView(ScopedDetailView):
    """One learning result and the history of its changes."""

    model = LearningResult
    template_name = "registry/results_history.html"

    def refine(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related(
            "student", "school_year", "school_class", "academic", "conduct", "title", "outcome", "updated_by"
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        record: LearningResult = self.object
        return super().get_context_data(history=readable_history(record, self.request.user), **kwargs)


class HealthHistoryView(ScopedDetailView):
    """One health record, its BMI and nutrition label, and the history of its changes."""

    model = HealthRecord
    template_name = "registry/health_history.html"

    def refine(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("student__gender", "school_year", "updated_by")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        record: HealthRecord = self.object
        return super().get_context_data(
            assessment=results.assess_record(record),
            history=readable_history(record, self.request.user),
            **kwargs,
        )
