"""The movements through /api/v1/: transfers of students and staff, the learners' journal, the rollover.

The same services as the pages; a transfer is read from either end, accepted or refused only from the receiving
end and cancelled only from the sending one — any other end answers 404, as for anything out of scope."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import django_filters
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from edudb.core.api_base import (
    IdFilter,
    ScopedReadOnlyViewSet,
    ScopedViewSet,
    idempotent,
)
from edudb.core.models import Unit
from edudb.core.scoping import Function
from edudb.quality.codes import repair_code
from edudb.registry import rollover, transfers
from edudb.registry.forms_movements import unscoped_unit_by_code
from edudb.registry.models import (
    Rollover,
    SchoolClass,
    StaffMember,
    StaffTransfer,
    StaffTransferKind,
    Student,
    StudentEvent,
    StudentEventKind,
    StudentTransfer,
    TransferState,
)
from edudb.reporting.models import SchoolYear


def run_service(call: Callable[[], Any]) -> Any:
    """A service's Vietnamese refusals as API answers: 400 with the field named, or 403."""
    try:
        return call()
    except DjangoValidationError as exc:
        raise ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}) from exc
    except DjangoPermissionDenied as exc:
        raise PermissionDenied(str(exc)) from exc


def through_end(model: Any, request: Request, pk: Any, end: str) -> Any:
    """The transfer ``pk`` if the user may write it through ``end``; 404 otherwise."""
    try:
        return model.objects.visible_to(request.user, model.write_function, via=end).get(pk=int(pk))
    except (model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("Không tìm thấy dữ liệu.")) from exc


class UnitCodeField(serializers.CharField):
    """A unit given by its public code."""

    def to_internal_value(self, data: Any) -> Unit:  # type: ignore[override]
        code = super().to_internal_value(data).strip()[:20]
        if "\x00" in code:  # validators run after this method: never let a NUL byte reach the database
            raise ValidationError(_("Mã đơn vị có ký tự không hợp lệ; hãy gõ lại mã đơn vị (chỉ chữ và số)."))
        unit = unscoped_unit_by_code(code)
        if unit is None:
            raise ValidationError(_("Không có đơn vị mã “%(code)s”.") % {"code": code})
        return unit


class TransferSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    state = serializers.CharField(read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    from_unit = serializers.CharField(source="from_unit.code", read_only=True)
    from_unit_name = serializers.CharField(source="from_unit.name", read_only=True)
    to_unit = serializers.CharField(source="to_unit.code", read_only=True)
    to_unit_name = serializers.CharField(source="to_unit.name", read_only=True)
    leaves_on = serializers.DateField(read_only=True)
    reason = serializers.CharField(read_only=True)
    person_name = serializers.CharField(read_only=True)
    person_code = serializers.CharField(read_only=True)
    released_at = serializers.DateTimeField(read_only=True)
    decided_at = serializers.DateTimeField(read_only=True)
    answer = serializers.CharField(read_only=True)


class StudentTransferSerializer(TransferSerializer):
    student = serializers.IntegerField(source="student_id", read_only=True)
    school_year = serializers.CharField(source="school_year.code", read_only=True)
    term = serializers.IntegerField(read_only=True)
    to_class = serializers.IntegerField(source="to_class_id", read_only=True)


class StaffTransferSerializer(TransferSerializer):
    staff = serializers.IntegerField(source="staff_id", read_only=True)
    kind = serializers.CharField(read_only=True)
    decision_number = serializers.CharField(read_only=True)
    decision_date = serializers.DateField(read_only=True)


class ReleaseStudentSerializer(serializers.Serializer[Any]):
    student = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    to_unit = UnitCodeField(help_text=_("mã trường chuyển đến"))
    leaves_on = serializers.DateField()
    reason = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class ReleaseStaffSerializer(serializers.Serializer[Any]):
    staff = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    to_unit = UnitCodeField(help_text=_("mã đơn vị đến"))
    kind = serializers.ChoiceField(choices=StaffTransferKind.choices)
    moves_on = serializers.DateField()
    decision_number = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    decision_date = serializers.DateField(required=False, allow_null=True, default=None)
    reason = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class AcceptSerializer(serializers.Serializer[Any]):
    to_class = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False, allow_null=True)
    answer = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class AnswerSerializer(serializers.Serializer[Any]):
    answer = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class TransferFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=TransferState.choices)
    leaves_from = django_filters.DateFilter(field_name="leaves_on", lookup_expr="gte")
    leaves_to = django_filters.DateFilter(field_name="leaves_on", lookup_expr="lte")


class StudentTransferFilter(TransferFilter):
    student = IdFilter(field_name="student_id")

    class Meta:
        model = StudentTransfer
        fields = ["state", "student"]


class StaffTransferFilter(TransferFilter):
    staff = IdFilter(field_name="staff_id")

    class Meta:
        model = StaffTransfer
        fields = ["state", "staff"]


class _TransferViewSet(ScopedReadOnlyViewSet):
    release_serializer: type[serializers.Serializer[Any]]

    def refine(self, queryset: Any) -> Any:
        return queryset.select_related(
            "from_unit", "to_unit", "school_year" if self.model is StudentTransfer else "staff"
        )

    def answer(self, transfer: Any, code: int = status.HTTP_200_OK) -> Response:
        transfer.refresh_from_db()
        return Response(self.get_serializer(transfer).data, status=code)

    @action(detail=True, methods=["post"])
    def refuse(self, request: Request, pk: str) -> Response:
        """The receiving unit refuses, with a reason."""
        transfer = through_end(self.model, request, pk, "to_unit")
        data = AnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        run_service(
            lambda: transfers.refuse_transfer(type(transfer), transfer.pk, by=request.user, **data.validated_data)
        )
        return self.answer(transfer)

    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        """The sending unit withdraws a transfer not yet accepted."""
        transfer = through_end(self.model, request, pk, "from_unit")
        data = AnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        run_service(
            lambda: transfers.cancel_transfer(type(transfer), transfer.pk, by=request.user, **data.validated_data)
        )
        return self.answer(transfer)


class StudentTransferViewSet(_TransferViewSet):
    """Students changing school: POST releases a student (the sending school); accept / refuse at the receiving
    school, cancel at the sending one."""

    model = StudentTransfer
    serializer_class = StudentTransferSerializer
    filterset_class = StudentTransferFilter

    def get_serializer_class(self) -> Any:
        return ReleaseStudentSerializer if self.action == "create" else super().get_serializer_class()

    def create(self, request: Request) -> Response:
        def make() -> Response:
            data = ReleaseStudentSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            values = data.validated_data
            if (
                not Student.objects.visible_to(request.user, Function.ENTER_STUDENTS)
                .filter(pk=values["student"])
                .exists()
            ):
                raise ValidationError({"student": _("Không có học sinh này trong phạm vi bạn được cập nhật.")})
            transfer = run_service(
                lambda: transfers.release_student(
                    values["student"],
                    by=request.user,
                    to_unit=values["to_unit"],
                    leaves_on=values["leaves_on"],
                    reason=values["reason"],
                )
            )
            return Response(StudentTransferSerializer(transfer).data, status=status.HTTP_201_CREATED)

        return idempotent(request, make)

    @action(detail=True, methods=["post"], serializer_class=AcceptSerializer)
    def accept(self, request: Request, pk: str) -> Response:
        """The receiving school accepts, placing the student in one of its classes (optional)."""
        transfer = through_end(StudentTransfer, request, pk, "to_unit")
        data = AcceptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        to_class = None
        if data.validated_data.get("to_class"):
            to_class = (
                SchoolClass.objects.visible_to(request.user)
                .select_related("school_year", "unit")
                .filter(pk=data.validated_data["to_class"])
                .first()
            )
            if to_class is None:
                raise ValidationError({"to_class": _("Không có lớp này trong phạm vi của bạn.")})
        run_service(
            lambda: transfers.accept_student(
                transfer.pk, by=request.user, to_class=to_class, answer=data.validated_data["answer"]
            )
        )
        return Response(
            StudentTransferSerializer(StudentTransfer.objects.visible_to(request.user).get(pk=transfer.pk)).data
        )


class StaffTransferViewSet(_TransferViewSet):
    """Staff moving between units: POST releases (and completes at once when the caller writes both ends)."""

    model = StaffTransfer
    serializer_class = StaffTransferSerializer
    filterset_class = StaffTransferFilter

    def get_serializer_class(self) -> Any:
        return ReleaseStaffSerializer if self.action == "create" else super().get_serializer_class()

    def create(self, request: Request) -> Response:
        def make() -> Response:
            data = ReleaseStaffSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            values = dict(data.validated_data)
            staff_pk = values.pop("staff")
            if not StaffMember.objects.visible_to(request.user, Function.ENTER_STAFF).filter(pk=staff_pk).exists():
                raise ValidationError({"staff": _("Không có cán bộ này trong phạm vi bạn được cập nhật.")})
            transfer = run_service(lambda: transfers.release_staff(staff_pk, by=request.user, **values))
            return Response(StaffTransferSerializer(transfer).data, status=status.HTTP_201_CREATED)

        return idempotent(request, make)

    @action(detail=True, methods=["post"], serializer_class=AnswerSerializer)
    def accept(self, request: Request, pk: str) -> Response:
        transfer = through_end(StaffTransfer, request, pk, "to_unit")
        data = AnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        run_service(lambda: transfers.accept_staff(transfer.pk, by=request.user, answer=data.validated_data["answer"]))
        return Response(
            StaffTransferSerializer(StaffTransfer.objects.visible_to(request.user).get(pk=transfer.pk)).data
        )


class AdmissionSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(max_length=20, help_text=_("mã định danh học sinh"))
    birth_date = serializers.DateField()
    school_class = serializers.IntegerField(min_value=1, max_value=2**63 - 1)


class StudentAdmissionViewSet(ScopedViewSet):
    """Take in a learner who finished a level at another school (grade 1, 6, 10 intake): POST code, birth date and
    class; the record moves here with its code and history. Answers the student's id."""

    model = Student
    function = Function.ENTER_STUDENTS
    serializer_class = AdmissionSerializer

    def create(self, request: Request) -> Response:
        def make() -> Response:
            data = AdmissionSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            values = data.validated_data
            school_class = (
                SchoolClass.objects.visible_to(request.user, Function.ENTER_STUDENTS)
                .select_related("unit", "school_year")
                .filter(pk=values["school_class"])
                .first()
            )
            if school_class is None:
                raise ValidationError({"school_class": _("Không có lớp này trong phạm vi bạn được cập nhật.")})
            learner = run_service(
                lambda: transfers.admit_finished(
                    by=request.user,
                    code=repair_code(values["code"], length=10),
                    birth_date=values["birth_date"],
                    school_class=school_class,
                )
            )
            return Response(
                {"student": learner.pk, "unit": school_class.unit.code, "school_class": school_class.pk},
                status=status.HTTP_201_CREATED,
            )

        return idempotent(request, make)


class StudentEventSerializer(serializers.ModelSerializer[StudentEvent]):
    unit = serializers.CharField(source="unit.code", read_only=True)
    school_year = serializers.CharField(source="school_year.code", read_only=True)
    status = serializers.CharField(source="status.code", read_only=True, allow_null=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = StudentEvent
        fields = [
            "id",
            "unit",
            "student",
            "kind",
            "kind_display",
            "school_year",
            "term",
            "happened_on",
            "status",
            "school_class",
            "grade",
            "note",
        ]


class StudentEventFilter(django_filters.FilterSet):
    student = IdFilter(field_name="student_id")
    kind = django_filters.ChoiceFilter(choices=StudentEventKind.choices)
    school_year = django_filters.NumberFilter(field_name="school_year__start_year", min_value=1990, max_value=2100)
    term = django_filters.NumberFilter(min_value=1, max_value=3)

    class Meta:
        model = StudentEvent
        fields = ["student", "kind", "school_year", "term"]


class StudentEventViewSet(ScopedReadOnlyViewSet):
    """The learners' journal of the schools in scope: each arrival, departure, drop-out, return, year change."""

    model = StudentEvent
    serializer_class = StudentEventSerializer
    filterset_class = StudentEventFilter

    def refine(self, queryset: Any) -> Any:
        return queryset.select_related("unit", "school_year", "status").order_by("-happened_on", "-pk")


class RolloverSerializer(serializers.ModelSerializer[Rollover]):
    unit = serializers.CharField(source="unit.code", read_only=True)
    from_year = serializers.CharField(source="from_year.code", read_only=True)
    to_year = serializers.CharField(source="to_year.code", read_only=True)

    class Meta:
        model = Rollover
        fields = [
            "id",
            "unit",
            "from_year",
            "to_year",
            "state",
            "carry_homeroom",
            "summary",
            "plan",
            "created_at",
            "applied_at",
        ]


class PreviewSerializer(serializers.Serializer[Any]):
    unit = UnitCodeField()
    from_year = serializers.IntegerField(min_value=1990, max_value=2100, help_text=_("năm bắt đầu, ví dụ 2025"))
    carry_homeroom = serializers.BooleanField(default=True)


def unscoped_school_year(start_year: int) -> SchoolYear | None:
    """A school year by its first calendar year: the calendar is the same for every unit, not scoped data."""
    return SchoolYear.objects.filter(start_year=start_year).first()


class RolloverViewSet(ScopedReadOnlyViewSet):
    """The school-year rollover: POST computes a preview; apply runs exactly it, discard drops it."""

    model = Rollover
    serializer_class = RolloverSerializer

    def refine(self, queryset: Any) -> Any:
        return queryset.select_related("unit", "from_year", "to_year")

    def get_serializer_class(self) -> Any:
        return PreviewSerializer if self.action == "create" else RolloverSerializer

    def create(self, request: Request) -> Response:
        data = PreviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        year = unscoped_school_year(data.validated_data["from_year"])
        if year is None:
            raise ValidationError({"from_year": _("Không có năm học này.")})
        if (
            not Unit.objects.visible_to(request.user, Function.ENTER_UNITS)
            .filter(pk=data.validated_data["unit"].pk)
            .exists()
        ):
            raise ValidationError({"unit": _("Đơn vị nằm ngoài phạm vi bạn được cập nhật.")})
        run = run_service(
            lambda: rollover.preview(
                data.validated_data["unit"], year, by=request.user, carry_homeroom=data.validated_data["carry_homeroom"]
            )
        )
        return Response(RolloverSerializer(run).data, status=status.HTTP_201_CREATED)

    def _step(self, request: Request, pk: str, step: Callable[..., Rollover]) -> Response:
        try:
            run = Rollover.objects.visible_to(request.user, Function.ENTER_UNITS).get(pk=int(pk))
        except (Rollover.DoesNotExist, ValueError) as exc:
            raise Http404(_("Không tìm thấy dữ liệu.")) from exc
        done = run_service(lambda: step(run.pk, by=request.user))
        return Response(RolloverSerializer(done).data)

    @action(detail=True, methods=["post"], serializer_class=serializers.Serializer)
    def apply(self, request: Request, pk: str) -> Response:
        return self._step(request, pk, rollover.request_apply)

    @action(detail=True, methods=["post"], serializer_class=serializers.Serializer)
    def discard(self, request: Request, pk: str) -> Response:
        return self._step(request, pk, rollover.discard)


def register(router: BaseRouter) -> None:
    """Add the movements' viewsets to the /api/v1/ router."""
    router.register("student-transfers", StudentTransferViewSet, basename="student-transfer")
    router.register("staff-transfers", StaffTransferViewSet, basename="staff-transfer")
    router.register("student-events", StudentEventViewSet, basename="student-event")
    router.register("student-admissions", StudentAdmissionViewSet, basename="student-admission")
    router.register("rollovers", RolloverViewSet, basename="rollover")
