"""Forms of the everyday movements: transfers, drop-out and return, staff moves, the school-year rollover."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edudb.core.models import Category, Unit
from edudb.core.scoping import Function
from edudb.core.views_base import NormalisingForm
from edudb.quality.codes import repair_code
from edudb.registry.models import (
    SchoolClass,
    StaffTransferKind,
    StudentEventKind,
    StudentTransfer,
    TransferState,
)
from edudb.reporting.models import SchoolYear

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y"]


def date_field(label: Any, *, required: bool = True, initial: Any = None) -> forms.DateField:
    return forms.DateField(
        label=label, required=required, widget=DATE_INPUT, input_formats=DATE_FORMATS, initial=initial
    )


def unscoped_unit_by_code(code: str) -> Unit | None:
    """The unit whose code a user typed or picked ("79012345 — Trường …"): names and codes of units are public."""
    return Unit.objects.select_related("kind").filter(code=code).first()


class DestinationField(forms.CharField):
    """A unit typed by code, or picked from the suggestions as "code — name"."""

    def clean(self, value: Any) -> Unit | None:
        text = super().clean(value)
        if not text:
            return None
        code = str(text).split("—", 1)[0].strip()
        unit = unscoped_unit_by_code(code)
        if unit is None:
            raise ValidationError(
                _("Không tìm thấy đơn vị có mã “%(code)s”; hãy gõ tên trường rồi chọn trong danh sách gợi ý."),
                params={"code": code},
            )
        return unit


def destination_widget(url: str) -> forms.TextInput:
    return forms.TextInput(
        attrs={
            "list": "destinations",
            "autocomplete": "off",
            "hx-get": url,
            "hx-trigger": "input changed delay:250ms",
            "hx-target": "#destinations",
            "hx-swap": "outerHTML",
            "placeholder": _("Gõ tên hoặc mã trường"),
        }
    )


class StudentTransferForm(NormalisingForm, forms.Form):
    to_unit = DestinationField(label=_("Trường chuyển đến"), max_length=300)
    leaves_on = date_field(_("Ngày chuyển"), initial=timezone.localdate)
    reason = forms.CharField(label=_("Lý do"), max_length=255, required=False)

    def __init__(self, *args: Any, suggest_url: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_unit"].widget = destination_widget(suggest_url)


class StaffTransferForm(NormalisingForm, forms.Form):
    to_unit = DestinationField(label=_("Đơn vị đến"), max_length=300)
    kind = forms.ChoiceField(label=_("Hình thức"), choices=StaffTransferKind.choices)
    moves_on = date_field(_("Ngày chuyển"), initial=timezone.localdate)
    decision_number = forms.CharField(label=_("Số quyết định"), max_length=60, required=False)
    decision_date = date_field(_("Ngày quyết định"), required=False)
    reason = forms.CharField(label=_("Lý do"), max_length=255, required=False)

    def __init__(self, *args: Any, suggest_url: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_unit"].widget = destination_widget(suggest_url)


class ClassChoiceField(forms.ModelChoiceField[SchoolClass]):
    def label_from_instance(self, obj: SchoolClass) -> str:
        return f"{obj.name} ({obj.school_year})"


class AcceptTransferForm(NormalisingForm, forms.Form):
    to_class = ClassChoiceField(
        label=_("Xếp vào lớp"),
        queryset=SchoolClass.objects.none(),
        required=False,
        empty_label=_("— Xếp lớp sau —"),
    )
    answer = forms.CharField(label=_("Ghi chú"), max_length=255, required=False)

    def __init__(self, *args: Any, transfer: StudentTransfer, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to_class"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - narrowing for the type checker
        field.queryset = (
            SchoolClass.objects.visible_to(user, Function.ENTER_UNITS)
            .filter(unit_id=transfer.to_unit_id, school_year__start_year__gte=transfer.school_year.start_year)
            .select_related("school_year")
            .order_by("school_year__start_year", "grade", "name")
        )


class AnswerForm(NormalisingForm, forms.Form):
    answer = forms.CharField(label=_("Lý do"), max_length=255, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DropOutForm(NormalisingForm, forms.Form):
    on = date_field(_("Ngày thôi học"), initial=timezone.localdate)
    reason = forms.CharField(label=_("Lý do thôi học"), max_length=255)


class ReturnForm(forms.Form):
    on = date_field(_("Ngày trở lại học"), initial=timezone.localdate)
    school_class = ClassChoiceField(label=_("Lớp"), queryset=SchoolClass.objects.none(), empty_label=_("— Chọn lớp —"))

    def __init__(self, *args: Any, unit_id: int, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["school_class"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - narrowing for the type checker
        field.queryset = (
            SchoolClass.objects.visible_to(user)
            .filter(unit_id=unit_id, school_year__is_current=True)
            .select_related("school_year")
            .order_by("grade", "name")
        )


class TransferFilterForm(forms.Form):
    DIRECTIONS = [("", _("Tất cả")), ("in", _("Chuyển đến đơn vị mình")), ("out", _("Chuyển đi từ đơn vị mình"))]
    direction = forms.ChoiceField(label=_("Chiều"), choices=DIRECTIONS, required=False)
    state = forms.ChoiceField(
        label=_("Trạng thái"), choices=[("", _("Tất cả")), *TransferState.choices], required=False
    )
    q = forms.CharField(label=_("Tên hoặc mã"), max_length=100, required=False)


class EventFilterForm(forms.Form):
    school_year = forms.ModelChoiceField(
        label=_("Năm học"), queryset=SchoolYear.objects.all(), required=False, empty_label=_("Tất cả")
    )
    term = forms.ChoiceField(
        label=_("Học kỳ"),
        choices=[("", _("Tất cả")), (1, _("Học kỳ I")), (2, _("Học kỳ II")), (3, _("Trong hè"))],
        required=False,
    )
    kind = forms.ChoiceField(
        label=_("Biến động"), choices=[("", _("Tất cả")), *StudentEventKind.choices], required=False
    )


class UnitChoiceField(forms.ModelChoiceField[Unit]):
    def label_from_instance(self, obj: Unit) -> str:
        return obj.name


class RolloverForm(forms.Form):
    unit = UnitChoiceField(
        label=_("Phạm vi: một trường hoặc cả đơn vị"), queryset=Unit.objects.none(), empty_label=_("— Chọn đơn vị —")
    )
    from_year = forms.ModelChoiceField(label=_("Từ năm học"), queryset=SchoolYear.objects.all(), empty_label=None)
    carry_homeroom = forms.BooleanField(
        label=_("Giáo viên chủ nhiệm theo lớp lên khối mới"), required=False, initial=True
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - narrowing for the type checker
        # A manager runs it for its branch or one school; a school for itself. At most a few hundred choices.
        field.queryset = (
            Unit.objects.visible_to(user, Function.ENTER_UNITS)
            .filter(kind__category__in=[Category.INSTITUTION, Category.MANAGER])
            .order_by("depth", "name_key")
        )
        self.fields["from_year"].initial = SchoolYear.objects.filter(is_current=True).first()


class AdmitForm(forms.Form):
    """Taking in a learner who finished a level at another school, identified by code and birth date."""

    code = forms.CharField(label=_("Mã định danh học sinh"), max_length=20)
    birth_date = date_field(_("Ngày sinh"))
    school_class = ClassChoiceField(
        label=_("Xếp vào lớp"), queryset=SchoolClass.objects.none(), empty_label=_("— Chọn lớp —")
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["school_class"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - narrowing for the type checker
        current = SchoolYear.objects.filter(is_current=True).values_list("start_year", flat=True).first() or 0
        field.queryset = (
            SchoolClass.objects.visible_to(user, Function.ENTER_STUDENTS)
            .filter(school_year__start_year__gte=current)
            .select_related("school_year", "unit")
            .order_by("school_year__start_year", "unit__name_key", "grade", "name")
        )

    def clean_code(self) -> str:
        return repair_code(self.cleaned_data["code"], length=10)
