"""Movements of learners and staff between units (R2.7): transfers with two ends, and the learners' event journal.

A transfer belongs to two units — the one that releases the person and the one that receives them — and is
visible from either end (``scope_unit_field`` is a pair). The event journal keeps, at the unit where it happened,
every change of a learner's status (enrolled, transferred in or out, dropped out, returned, promoted, repeated,
finished), so a school still counts the learner who left it in the term they left.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from edudb.core.models import Unit
from edudb.core.scoping import Domain, Function, ScopedQuerySet
from edudb.quality.models import CodeItem
from edudb.registry.models.classes import SchoolClass
from edudb.registry.models.staff import StaffMember
from edudb.registry.models.students import Student
from edudb.reporting.models import SchoolYear

TERMS = [(1, _("Học kỳ I")), (2, _("Học kỳ II")), (3, _("Trong hè"))]


class TransferState(models.TextChoices):
    PENDING = "pending", _("Chờ đơn vị đến tiếp nhận")
    ACCEPTED = "accepted", _("Đã tiếp nhận")
    REFUSED = "refused", _("Đơn vị đến từ chối")
    CANCELLED = "cancelled", _("Đơn vị đi đã hủy")


class Transfer(models.Model):
    """What a student's and a staff member's transfer share: two ends, a state, and who did what when."""

    scope_unit_field: ClassVar[tuple[str, str]] = ("from_unit", "to_unit")

    from_unit = models.ForeignKey(Unit, models.PROTECT, related_name="+", verbose_name=_("đơn vị đi"))
    to_unit = models.ForeignKey(Unit, models.PROTECT, related_name="+", verbose_name=_("đơn vị đến"))
    state = models.CharField(
        _("trạng thái"), max_length=10, choices=TransferState.choices, default=TransferState.PENDING
    )
    leaves_on = models.DateField(_("ngày chuyển"))
    reason = models.CharField(_("lý do"), max_length=255, blank=True)
    person_name = models.CharField(_("họ và tên"), max_length=120)
    person_code = models.CharField(_("mã định danh"), max_length=20, blank=True)
    released_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    released_at = models.DateTimeField(_("chuyển đi lúc"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(_("xử lý lúc"), null=True, blank=True)
    answer = models.CharField(_("ghi chú khi xử lý"), max_length=255, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.person_name}: {self.from_unit} → {self.to_unit}"

    @property
    def is_open(self) -> bool:
        return self.state == TransferState.PENDING


class StudentTransfer(Transfer):
    """A student moving to another school (chuyển trường): released by the school, accepted by the other."""

    scope_domain: ClassVar[Domain] = Domain.STUDENTS
    write_function: ClassVar[str] = Function.ENTER_STUDENTS

    student = models.ForeignKey(Student, models.PROTECT, related_name="transfers", verbose_name=_("học sinh"))
    school_year = models.ForeignKey(SchoolYear, models.PROTECT, related_name="+", verbose_name=_("năm học"))
    term = models.PositiveSmallIntegerField(_("học kỳ"), choices=TERMS)
    from_class = models.ForeignKey(
        SchoolClass, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("lớp đi")
    )
    to_class = models.ForeignKey(
        SchoolClass, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("lớp đến")
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-released_at", "-pk"]
        verbose_name = _("chuyển trường")
        verbose_name_plural = _("chuyển trường")
        constraints = [
            models.UniqueConstraint(
                fields=["student"], condition=models.Q(state="pending"), name="one_open_transfer_per_student"
            ),
            models.CheckConstraint(condition=~models.Q(from_unit=models.F("to_unit")), name="student_moves_away"),
        ]
        indexes = [
            models.Index(fields=["from_unit", "state"], name="stransfer_from_idx"),
            models.Index(fields=["to_unit", "state"], name="stransfer_to_idx"),
        ]

    def get_absolute_url(self) -> str:
        return reverse("registry:move_transfer_detail", kwargs={"pk": self.pk})


class StaffTransferKind(models.TextChoices):
    MOVE = "move", _("Chuyển công tác")
    ASSIGNMENT = "assignment", _("Điều động")
    SECONDMENT = "secondment", _("Biệt phái")


class StaffTransfer(Transfer):
    """A staff member moving to another unit (chuyển công tác, điều động, biệt phái)."""

    scope_domain: ClassVar[Domain] = Domain.STAFF
    write_function: ClassVar[str] = Function.ENTER_STAFF

    staff = models.ForeignKey(StaffMember, models.PROTECT, related_name="transfers", verbose_name=_("cán bộ"))
    kind = models.CharField(_("hình thức"), max_length=12, choices=StaffTransferKind.choices)
    decision_number = models.CharField(_("số quyết định"), max_length=60, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-released_at", "-pk"]
        verbose_name = _("điều chuyển cán bộ")
        verbose_name_plural = _("điều chuyển cán bộ")
        constraints = [
            models.UniqueConstraint(
                fields=["staff"], condition=models.Q(state="pending"), name="one_open_transfer_per_staff"
            ),
            models.CheckConstraint(condition=~models.Q(from_unit=models.F("to_unit")), name="staff_moves_away"),
        ]

    def get_absolute_url(self) -> str:
        return reverse("registry:move_staff_transfer_detail", kwargs={"pk": self.pk})


class StudentEventKind(models.TextChoices):
    ENROLLED = "enrolled", _("Nhập học")
    TRANSFERRED_IN = "transferred_in", _("Chuyển đến")
    TRANSFERRED_OUT = "transferred_out", _("Chuyển đi")
    DROPPED_OUT = "dropped_out", _("Thôi học")
    RETURNED = "returned", _("Trở lại học")
    PROMOTED = "promoted", _("Lên lớp")
    REPEATED = "repeated", _("Ở lại lớp")
    FINISHED = "finished", _("Hoàn thành chương trình cấp học")


class StudentEvent(models.Model):
    """One change in a learner's course at one school (sổ theo dõi biến động): kept by that school for ever."""

    scope_unit_field: ClassVar[str] = "unit"
    scope_domain: ClassVar[Domain] = Domain.STUDENTS

    unit = models.ForeignKey(Unit, models.PROTECT, related_name="+", verbose_name=_("trường"))
    student = models.ForeignKey(Student, models.PROTECT, related_name="events", verbose_name=_("học sinh"))
    kind = models.CharField(_("biến động"), max_length=16, choices=StudentEventKind.choices)
    school_year = models.ForeignKey(SchoolYear, models.PROTECT, related_name="+", verbose_name=_("năm học"))
    term = models.PositiveSmallIntegerField(_("học kỳ"), choices=TERMS)
    happened_on = models.DateField(_("ngày"))
    status = models.ForeignKey(
        CodeItem, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("trạng thái")
    )
    school_class = models.ForeignKey(
        SchoolClass, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("lớp")
    )
    grade = models.PositiveSmallIntegerField(_("khối lớp"), null=True, blank=True)
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    at = models.DateTimeField(_("ghi lúc"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-happened_on", "-pk"]
        verbose_name = _("biến động học sinh")
        verbose_name_plural = _("biến động học sinh")
        indexes = [
            models.Index(fields=["unit", "school_year", "kind"], name="sevent_unit_year_idx"),
            models.Index(fields=["student", "happened_on"], name="sevent_student_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.happened_on:%d/%m/%Y}"
