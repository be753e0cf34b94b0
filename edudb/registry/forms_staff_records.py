"""Forms of a staff member's awards, discipline and training; the rules come from ``staff_records``."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edudb.core.models import Unit
from edudb.core.views_base import RecordForm
from edudb.quality.models import CodeItem, items_of
from edudb.registry import staff_records
from edudb.registry.forms_staff import UnitField, staff_units
from edudb.registry.models import StaffAward, StaffDiscipline, StaffMember, StaffTraining


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StaffRecordForm(RecordForm):
    """An award, discipline or training record of one staff member (the staff member is fixed by the page)."""

    code_lists: ClassVar[dict[str, str]] = {}
    heading: ClassVar[Any] = ""

    def restrict_choices(self, user: Any) -> None:
        for name, list_code in self.code_lists.items():
            field = self.fields[name]
            field.queryset = items_of(list_code)  # type: ignore[attr-defined]
            field.empty_label = _("— Chọn —")  # type: ignore[attr-defined]

    @property
    def staff(self) -> StaffMember | None:
        return getattr(self.instance, "staff", None) if self.instance.staff_id else None

    def problems(self, data: dict[str, Any]) -> dict[str, str]:
        raise NotImplementedError

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        refused = staff_records.staff_problem(self.user, self.staff)
        if refused:
            self.add_error(None, refused)
            return data
        for name, message in self.problems(data).items():
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)
        return data


class StaffAwardForm(StaffRecordForm):
    code_lists = {"title": "danh_hieu_thi_dua"}
    heading = _("khen thưởng")
    year = forms.IntegerField(
        label=_("Năm học / năm"),
        help_text=_("Năm bắt đầu của năm học, ví dụ 2025 cho năm học 2025–2026; khen thưởng theo năm: năm đó."),
        error_messages={"invalid": _("Năm học / năm: hãy ghi năm bằng 4 chữ số, ví dụ 2025.")},
    )

    class Meta:
        model = StaffAward
        fields = ["title", "year", "decision_number", "decision_date", "issued_by"]
        widgets = {"decision_date": _date_widget()}
        help_texts = {
            "issued_by": _("Người ký hoặc cơ quan khen thưởng, ví dụ “Chủ tịch UBND thành phố Hải Phòng”."),
            "decision_number": _("Ví dụ 123/QĐ-SGDĐT."),
        }

    def restrict_choices(self, user: Any) -> None:
        super().restrict_choices(user)
        if not self.instance.pk and not self.is_bound and self.initial.get("year") is None:
            today = timezone.localdate()  # the school year that ended last, the one awards are usually for
            self.initial["year"] = today.year - 1 if today.month >= 6 else today.year - 2

    def problems(self, data: dict[str, Any]) -> dict[str, str]:
        return staff_records.award_problems(
            self.user,
            staff=self.staff,
            title=data.get("title"),
            year=data.get("year"),
            decision_date=data.get("decision_date"),
            instance_pk=self.instance.pk,
        )


class StaffDisciplineForm(StaffRecordForm):
    code_lists = {"form": "hinh_thuc_ky_luat"}
    heading = _("kỷ luật")

    class Meta:
        model = StaffDiscipline
        fields = ["form", "reason", "decision_number", "decision_date", "effective_until"]
        widgets = {"decision_date": _date_widget(), "effective_until": _date_widget()}
        help_texts = {
            "effective_until": _("Ngày quyết định kỷ luật hết hiệu lực; để trống nếu quyết định không ghi thời hạn."),
        }

    def problems(self, data: dict[str, Any]) -> dict[str, str]:
        return staff_records.discipline_problems(
            staff=self.staff,
            decision_date=data.get("decision_date"),
            effective_until=data.get("effective_until"),
        )


class StaffTrainingForm(StaffRecordForm):
    code_lists = {"kind": "loai_boi_duong"}
    heading = _("đào tạo, bồi dưỡng")
    hours = forms.IntegerField(
        label=_("Số tiết"),
        required=False,
        help_text=_("Ví dụ 120 tiết mỗi năm với bồi dưỡng thường xuyên."),
        error_messages={"invalid": _("Số tiết: hãy ghi một số nguyên, hoặc để trống.")},
    )

    class Meta:
        model = StaffTraining
        fields = ["kind", "title", "provider", "starts_on", "ends_on", "hours", "certificate"]
        widgets = {"starts_on": _date_widget(), "ends_on": _date_widget()}
        help_texts = {"ends_on": _("Để trống nếu khóa học chưa kết thúc.")}

    def problems(self, data: dict[str, Any]) -> dict[str, str]:
        return staff_records.training_problems(
            staff=self.staff,
            starts_on=data.get("starts_on"),
            ends_on=data.get("ends_on"),
            hours=data.get("hours"),
        )


# --- the unit-wide lists' filters --------------------------------------------------------------------------------


class _StaffRecordFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm cán bộ"), max_length=100, required=False)
    unit = UnitField(
        label=_("Đơn vị (gồm cả đơn vị trực thuộc)"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("Mọi đơn vị"),
    )
    year = forms.IntegerField(
        label=_("Năm"),
        required=False,
        min_value=staff_records.FIRST_YEAR,
        max_value=9999,
        error_messages={"invalid": _("Năm: hãy ghi năm bằng 4 chữ số, ví dụ 2025.")},
    )
    q.widget.attrs.update(placeholder=_("Họ tên hoặc mã cán bộ"), autocomplete="off")

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = staff_units(user)  # type: ignore[attr-defined]


class AwardFilterForm(_StaffRecordFilterForm):
    title = forms.ModelChoiceField(
        label=_("Danh hiệu, hình thức khen thưởng"),
        queryset=CodeItem.objects.none(),
        required=False,
        empty_label=_("Tất cả"),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["year"].label = _("Năm học / năm")
        self.fields["year"].help_text = _("Năm bắt đầu của năm học, ví dụ 2025.")
        self.fields["title"].queryset = items_of("danh_hieu_thi_dua")  # type: ignore[attr-defined]


class TrainingFilterForm(_StaffRecordFilterForm):
    kind = forms.ModelChoiceField(
        label=_("Loại đào tạo, bồi dưỡng"), queryset=CodeItem.objects.none(), required=False, empty_label=_("Tất cả")
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["year"].label = _("Năm bắt đầu khóa học")
        self.fields["kind"].queryset = items_of("loai_boi_duong")  # type: ignore[attr-defined]
