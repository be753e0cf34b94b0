"""Pages of the everyday movements: transfers of students and staff, drop-out and return, the learners' journal,
and the school-year rollover. The pages parse input and show results; the rules live in ``transfers`` and
``rollover``, and every object comes through the scoping door (a transfer: from either of its two ends)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from edudb.core.models import AuditEntry, subtree_q
from edudb.core.records import unscoped_history_of
from edudb.core.scoping import Function, get_scoped_or_404, scope_for
from edudb.core.views_base import ScopedDetailView, ScopedListView, htmx_target
from edudb.registry import rollover, transfers
from edudb.registry.forms_movements import (
    AcceptTransferForm,
    AdmitForm,
    AnswerForm,
    DropOutForm,
    EventFilterForm,
    ReturnForm,
    RolloverForm,
    StaffTransferForm,
    StudentTransferForm,
    TransferFilterForm,
)
from edudb.registry.models import (
    Rollover,
    RolloverState,
    StaffMember,
    StaffTransfer,
    Student,
    StudentEvent,
    StudentTransfer,
    TransferState,
)


def refuse(form: Any, exc: ValidationError | PermissionDenied) -> None:
    """Put a service's refusal on the form: at the field it names, else at the top."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
        return
    form.add_error(None, exc.messages if isinstance(exc, ValidationError) else str(exc))


def _allows(request: HttpRequest, function: str) -> bool:
    scope = scope_for(request.user)
    return bool(scope and scope.allows(function))


@login_required
def destinations(request: HttpRequest) -> HttpResponse:
    """Suggestions for the receiving unit ("code — name"), as the user types: names and codes only."""
    query = request.GET.get("to_unit", "")[:100]
    schools_only = request.GET.get("kind") != "any"
    found = transfers.unscoped_transfer_destinations(query, institutions_only=schools_only) if len(query) >= 2 else []
    return render(request, "registry/transfer_destinations.html", {"units": found})


# --- students ------------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def student_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    """The sending school releases a student to another school."""
    student = get_scoped_or_404(
        Student.objects.select_related("unit", "school_class", "status"), request.user, Function.ENTER_STUDENTS, pk=pk
    )
    form = StudentTransferForm(
        request.POST if request.method == "POST" else None, suggest_url=reverse("registry:move_destinations")
    )
    if form.is_valid():
        try:
            transfer = transfers.release_student(
                student.pk,
                by=request.user,
                to_unit=form.cleaned_data["to_unit"],
                leaves_on=form.cleaned_data["leaves_on"],
                reason=form.cleaned_data["reason"],
            )
        except (ValidationError, PermissionDenied) as exc:
            refuse(form, exc)
        else:
            messages.success(
                request,
                _("Đã gửi yêu cầu chuyển trường đến %(school)s; học sinh chuyển đi khi trường đến tiếp nhận.")
                % {"school": transfer.to_unit.name},
            )
            return redirect(transfer.get_absolute_url())
    return render(
        request, "registry/movement_form.html", {"object": student, "form": form, "title": _("Chuyển trường")}
    )


@login_required
@require_http_methods(["GET", "POST"])
def student_drop_out(request: HttpRequest, pk: int) -> HttpResponse:
    student = get_scoped_or_404(
        Student.objects.select_related("unit", "status"), request.user, Function.ENTER_STUDENTS, pk=pk
    )
    form = DropOutForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            transfers.drop_out(
                student.pk, by=request.user, on=form.cleaned_data["on"], reason=form.cleaned_data["reason"]
            )
        except (ValidationError, PermissionDenied) as exc:
            refuse(form, exc)
        else:
            messages.success(request, _("Đã ghi học sinh thôi học."))
            return redirect(student.get_absolute_url())
    return render(request, "registry/movement_form.html", {"object": student, "form": form, "title": _("Ghi thôi học")})


@login_required
@require_http_methods(["GET", "POST"])
def student_return(request: HttpRequest, pk: int) -> HttpResponse:
    student = get_scoped_or_404(
        Student.objects.select_related("unit", "status"), request.user, Function.ENTER_STUDENTS, pk=pk
    )
    form = ReturnForm(request.POST if request.method == "POST" else None, unit_id=student.unit_id, user=request.user)
    if form.is_valid():
        try:
            transfers.return_to_school(
                student.pk, by=request.user, on=form.cleaned_data["on"], school_class=form.cleaned_data["school_class"]
            )
        except (ValidationError, PermissionDenied) as exc:
            refuse(form, exc)
        else:
            messages.success(request, _("Đã ghi học sinh trở lại học."))
            return redirect(student.get_absolute_url())
    return render(
        request, "registry/movement_form.html", {"object": student, "form": form, "title": _("Ghi trở lại học")}
    )


@login_required
@require_http_methods(["GET", "POST"])
def student_admit(request: HttpRequest) -> HttpResponse:
    """Take in a learner who finished a level at another school (grade 1, 6 or 10 intake): the record moves."""
    form = AdmitForm(request.POST if request.method == "POST" else None, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            learner = transfers.admit_finished(
                by=request.user, code=data["code"], birth_date=data["birth_date"], school_class=data["school_class"]
            )
        except (ValidationError, PermissionDenied) as exc:
            refuse(form, exc)
        else:
            messages.success(
                request,
                _("Đã tiếp nhận học sinh %(name)s vào lớp %(class)s.")
                % {"name": learner.full_name, "class": data["school_class"].name},
            )
            return redirect(learner.get_absolute_url())
    return render(request, "registry/admit_form.html", {"form": form})


class _TransferList(ScopedListView):
    template_name = "registry/transfer_list.html"
    title = ""
    kind = ""

    def refine(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        self.form = TransferFilterForm(self.request.GET or None)
        queryset = queryset.select_related("from_unit", "to_unit")
        scope = scope_for(self.request.user)
        if self.form.is_valid() and scope is not None:
            data = self.form.cleaned_data
            if data["direction"] == "in":
                queryset = queryset.filter(subtree_q(scope.unit.path, "to_unit__"))
            elif data["direction"] == "out":
                queryset = queryset.filter(subtree_q(scope.unit.path, "from_unit__"))
            if data["state"]:
                queryset = queryset.filter(state=data["state"])
            if data["q"]:
                text = data["q"].strip()
                queryset = queryset.filter(Q(person_code=text) | Q(person_name__icontains=text))
        return queryset.order_by("-released_at", "-pk")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(form=self.form, title=self.title, kind=self.kind, **kwargs)


class StudentTransferListView(_TransferList):
    """Students moving in and out of the user's schools, either end in scope."""

    model = StudentTransfer
    title = _("Chuyển trường của học sinh")
    kind = "student"


class StaffTransferListView(_TransferList):
    model = StaffTransfer
    title = _("Điều chuyển cán bộ")
    kind = "staff"


def _history_until(obj: Any, transfer: Any) -> list[AuditEntry]:
    """The person's history up to the transfer's decision: what both ends may see."""
    entries = unscoped_history_of(obj, limit=200)
    until = transfer.decided_at
    return [entry for entry in entries if until is None or entry.at <= until][:50]


class _TransferDetail(ScopedDetailView):
    template_name = "registry/transfer_detail.html"
    person_field = ""

    def refine(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("from_unit", "to_unit", "released_by", "decided_by", self.person_field)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        transfer = self.object
        user = self.request.user
        model = type(transfer)
        function = model.write_function
        can_accept = (
            transfer.is_open and model.objects.visible_to(user, function, via="to_unit").filter(pk=transfer.pk).exists()
        )
        can_cancel = (
            transfer.is_open
            and model.objects.visible_to(user, function, via="from_unit").filter(pk=transfer.pk).exists()
        )
        person = getattr(transfer, self.person_field)
        return super().get_context_data(
            can_accept=can_accept,
            can_cancel=can_cancel,
            accept_form=AcceptTransferForm(transfer=transfer, user=user)
            if can_accept and self.person_field == "student"
            else None,
            answer_form=AnswerForm(),
            person_history=_history_until(person, transfer),
            history=unscoped_history_of(transfer),
            kind=self.person_field,
            **kwargs,
        )


class StudentTransferDetailView(_TransferDetail):
    model = StudentTransfer
    person_field = "student"


class StaffTransferDetailView(_TransferDetail):
    model = StaffTransfer
    person_field = "staff"


@login_required
@require_POST
def student_transfer_accept(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = get_scoped_or_404(
        StudentTransfer.objects.select_related("to_unit", "school_year"),
        request.user,
        Function.ENTER_STUDENTS,
        pk=pk,
    )
    if (
        not StudentTransfer.objects.visible_to(request.user, Function.ENTER_STUDENTS, via="to_unit")
        .filter(pk=pk)
        .exists()
    ):
        raise Http404(_("Không tìm thấy dữ liệu."))
    form = AcceptTransferForm(request.POST, transfer=transfer, user=request.user)
    if form.is_valid():
        try:
            transfers.accept_student(
                transfer.pk, by=request.user, to_class=form.cleaned_data["to_class"], answer=form.cleaned_data["answer"]
            )
        except (ValidationError, PermissionDenied) as exc:
            refuse(form, exc)
        else:
            messages.success(request, _("Đã tiếp nhận học sinh %(name)s.") % {"name": transfer.person_name})
            return redirect(transfer.get_absolute_url())
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))
    return redirect(transfer.get_absolute_url())


def _decide(request: HttpRequest, model: Any, pk: int, end: str, action: Any, done: str) -> HttpResponse:
    if not model.objects.visible_to(request.user, model.write_function, via=end).filter(pk=pk).exists():
        raise Http404(_("Không tìm thấy dữ liệu."))
    transfer = get_scoped_or_404(model, request.user, model.write_function, pk=pk)
    form = AnswerForm(request.POST)
    form.is_valid()
    try:
        action(model, transfer.pk, by=request.user, answer=form.cleaned_data.get("answer", ""))
    except (ValidationError, PermissionDenied) as exc:
        for message in exc.messages if isinstance(exc, ValidationError) else [str(exc)]:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect(transfer.get_absolute_url())


@login_required
@require_POST
def student_transfer_refuse(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, StudentTransfer, pk, "to_unit", transfers.refuse_transfer, _("Đã từ chối tiếp nhận."))


@login_required
@require_POST
def student_transfer_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, StudentTransfer, pk, "from_unit", transfers.cancel_transfer, _("Đã hủy yêu cầu chuyển."))


@login_required
@require_POST
def staff_transfer_accept(request: HttpRequest, pk: int) -> HttpResponse:
    def accept(model: Any, transfer_pk: int, *, by: Any, answer: str) -> Any:
        return transfers.accept_staff(transfer_pk, by=by, answer=answer)

    return _decide(request, StaffTransfer, pk, "to_unit", accept, _("Đã tiếp nhận cán bộ."))


@login_required
@require_POST
def staff_transfer_refuse(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, StaffTransfer, pk, "to_unit", transfers.refuse_transfer, _("Đã từ chối tiếp nhận."))


@login_required
@require_POST
def staff_transfer_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, StaffTransfer, pk, "from_unit", transfers.cancel_transfer, _("Đã hủy yêu cầu chuyển."))


@login_required
@require_http_methods(["GET", "POST"])
def staff_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    """A unit lets a staff member go (chuyển công tác, điều động, biệt phái)."""
    staff = get_scoped_or_404(
        StaffMember.objects.select_related("unit", "work_status"), request.user, Function.ENTER_STAFF, pk=pk
    )
    form = StaffTransferForm(
        request.POST if request.method == "POST" else None,
        suggest_url=reverse("registry:move_destinations") + "?kind=any",
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            transfer = transfers.release_staff(
                staff.pk,
                by=request.user,
                to_unit=data["to_unit"],
                kind=data["kind"],
                moves_on=data["moves_on"],
                decision_number=data["decision_number"],
                decision_date=data["decision_date"],
                reason=data["reason"],
            )
        except (ValidationError, PermissionDenied) as exc:
            refuse(form, exc)
        else:
            if transfer.state == TransferState.ACCEPTED:
                messages.success(request, _("Đã điều chuyển cán bộ đến %(unit)s.") % {"unit": transfer.to_unit.name})
            else:
                messages.success(
                    request,
                    _("Đã gửi yêu cầu điều chuyển đến %(unit)s; cán bộ chuyển đi khi đơn vị đến tiếp nhận.")
                    % {"unit": transfer.to_unit.name},
                )
            return redirect(transfer.get_absolute_url())
    return render(
        request, "registry/movement_form.html", {"object": staff, "form": form, "title": _("Điều chuyển cán bộ")}
    )


# --- the learners' journal -----------------------------------------------------------------------------------------


class StudentEventListView(ScopedListView):
    """Every arrival, departure, drop-out, return and year change at the schools in scope (sổ theo dõi biến động)."""

    model = StudentEvent
    template_name = "registry/student_event_list.html"

    def refine(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        self.form = EventFilterForm(self.request.GET or None)
        queryset = queryset.select_related("unit", "student", "status", "school_class", "school_year")
        if self.form.is_valid():
            data = self.form.cleaned_data
            if data["school_year"]:
                queryset = queryset.filter(school_year=data["school_year"])
            if data["term"]:
                queryset = queryset.filter(term=data["term"])
            if data["kind"]:
                queryset = queryset.filter(kind=data["kind"])
        return queryset.order_by("-happened_on", "-pk")

    def get_template_names(self) -> list[str]:
        if htmx_target(self.request) == "event-results":
            return ["registry/student_event_list.html#results"]
        return [self.template_name]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(form=self.form, **kwargs)


# --- the school-year rollover --------------------------------------------------------------------------------------


class RolloverListView(ScopedListView):
    model = Rollover
    template_name = "registry/rollover_list.html"

    def refine(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("unit", "from_year", "to_year", "created_by", "applied_by")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(can_run=_allows(self.request, Function.ENTER_UNITS), **kwargs)


@login_required
@require_http_methods(["GET", "POST"])
def rollover_new(request: HttpRequest) -> HttpResponse:
    """Choose a school or a branch and the year; the preview is computed and kept for review."""
    form = RolloverForm(request.POST if request.method == "POST" else None, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            run = rollover.preview(
                data["unit"], data["from_year"], by=request.user, carry_homeroom=data["carry_homeroom"]
            )
        except (ValidationError, PermissionDenied) as exc:
            refuse(form, exc)
        else:
            return redirect(run.get_absolute_url())
    return render(request, "registry/rollover_form.html", {"form": form})


class RolloverDetailView(ScopedDetailView):
    model = Rollover
    template_name = "registry/rollover_detail.html"

    def refine(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("unit", "from_year", "to_year", "created_by", "applied_by")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        run: Rollover = self.object
        can_apply = (
            run.state == "preview"
            and Rollover.objects.visible_to(self.request.user, Function.ENTER_UNITS).filter(pk=run.pk).exists()
        )
        by_school: dict[int, list[dict[str, Any]]] = {}
        for planned in run.plan.get("classes", []):
            by_school.setdefault(planned["unit"], []).append(planned)
        schools = [{**school, "classes": by_school.get(school["unit"], [])} for school in run.plan.get("schools", [])]
        return super().get_context_data(
            can_apply=can_apply,
            schools=schools,
            history=unscoped_history_of(run),
            **kwargs,
        )


def _rollover_step(request: HttpRequest, pk: int, step: Any, done: str) -> HttpResponse:
    run = get_scoped_or_404(Rollover, request.user, Function.ENTER_UNITS, pk=pk)
    try:
        result = step(run.pk, by=request.user)
    except (ValidationError, PermissionDenied) as exc:
        for message in exc.messages if isinstance(exc, ValidationError) else [str(exc)]:
            messages.error(request, message)
    else:
        if result.state == RolloverState.QUEUED:
            done = _("Lần chuyển năm học này lớn nên được thực hiện ở chế độ chạy nền; hãy tải lại trang sau ít phút.")
        messages.success(request, done)
    return redirect(run.get_absolute_url())


@login_required
@require_POST
def rollover_apply(request: HttpRequest, pk: int) -> HttpResponse:
    return _rollover_step(request, pk, rollover.request_apply, _("Đã chuyển năm học theo kế hoạch đã xem trước."))


@login_required
@require_POST
def rollover_discard(request: HttpRequest, pk: int) -> HttpResponse:
    return _rollover_step(request, pk, rollover.discard, _("Đã bỏ bản xem trước."))
