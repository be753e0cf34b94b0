"""Forms of the equipment checklist: the grid (one small form per item) and the managers' list filters.

Each line's field errors name the line's item and the field; the cross-field rules come from ``equipment``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from edudb.quality.text import clean_text
from edudb.registry import equipment
from edudb.registry.equipment import MAX_QUANTITY, ChecklistLine, Row
from edudb.registry.forms_classes import school_years
from edudb.reporting.models import SchoolYear


def _quantity(label: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=MAX_QUANTITY,
        error_messages={
            "invalid": gettext_lazy("hãy ghi một số nguyên (0, 1, 2 …), không ghi chữ hay dấu phẩy."),
            "min_value": gettext_lazy("không được là số âm; hãy ghi 0 nếu không có."),
            "max_value": gettext_lazy("quá lớn (tối đa %(limit_value)s); hãy kiểm tra số 0 thừa."),
        },
        widget=forms.NumberInput(attrs={"min": 0, "max": MAX_QUANTITY, "inputmode": "numeric", "class": "num"}),
    )


class EquipmentRowForm(forms.Form):
    """One line of the checklist grid."""

    required = _quantity(gettext_lazy("Số lượng cần"))
    available = _quantity(gettext_lazy("Số lượng hiện có"))
    usable = _quantity(gettext_lazy("Số lượng dùng được"))
    meets_standard = forms.BooleanField(label=gettext_lazy("Đạt yêu cầu"), required=False)
    note = forms.CharField(
        label=gettext_lazy("Ghi chú"),
        max_length=255,
        required=False,
        error_messages={"max_length": gettext_lazy("dài quá %(limit_value)d ký tự; hãy viết ngắn lại.")},
    )
    version = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput)

    def __init__(self, data: Any = None, *, line: ChecklistLine, **kwargs: Any) -> None:
        self.line = line
        check = line.check
        if check is not None:
            kwargs["initial"] = {
                "required": check.required,
                "available": check.available,
                "usable": check.usable,
                "meets_standard": check.meets_standard,
                "note": check.note,
                "version": check.version,
            }
        super().__init__(data, prefix=f"i{line.item.pk}", **kwargs)
        for field in self.fields.values():
            field.widget.attrs["aria-label"] = f"{line.item.name} — {field.label}" if field.label else line.item.name

    def clean_note(self) -> str:
        return clean_text(self.cleaned_data.get("note") or "")

    def row(self) -> Row:
        data = self.cleaned_data
        return Row(
            item=self.line.item,
            required=data.get("required"),
            available=data.get("available"),
            usable=data.get("usable"),
            meets_standard=bool(data.get("meets_standard")),
            note=data.get("note") or "",
            version=data.get("version"),
        )


class ChecklistForm:
    """The whole grid: one :class:`EquipmentRowForm` per item; valid only when every line is."""

    def __init__(self, lines: list[ChecklistLine], data: Any = None) -> None:
        self.lines = lines
        self.is_bound = data is not None
        self.forms = [EquipmentRowForm(data, line=line) for line in lines]
        self.problems: list[str] = []

    def __iter__(self) -> Any:
        return iter(self.forms)

    def is_valid(self) -> bool:
        """Check every line (field formats, then the rules), collecting each problem with its item and field."""
        self.problems = []
        for form in self.forms:
            item = form.line.item.name
            if not form.is_valid():
                for name, errors in form.errors.items():
                    label = form.fields[name].label if name in form.fields else ""
                    for error in errors:
                        self.problems.append(
                            _("«%(item)s» — %(field)s: %(message)s") % {"item": item, "field": label, "message": error}
                        )
                continue
            row = form.row()
            if row.is_blank and form.line.check is None:
                continue
            for name, message in equipment.row_problems(
                item=row.item,
                required=row.required,
                available=row.available,
                usable=row.usable,
                meets_standard=row.meets_standard,
            ).items():
                form.add_error(name, message)
                self.problems.append(message)
        return not self.problems

    def rows(self) -> list[Row]:
        return [form.row() for form in self.forms]


class ChecklistYearForm(forms.Form):
    """Which school year's checklist the page shows."""

    school_year = forms.ModelChoiceField(
        label=gettext_lazy("Năm học"), queryset=SchoolYear.objects.none(), empty_label=None
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school_year"].queryset = school_years()  # type: ignore[attr-defined]


STATUS_CHOICES = [
    ("", gettext_lazy("Tất cả")),
    ("none", gettext_lazy("Chưa khai báo")),
    ("incomplete", gettext_lazy("Chưa khai báo đủ các mục")),
    ("unmet", gettext_lazy("Có mục chưa đạt yêu cầu")),
    ("met", gettext_lazy("Mọi mục đều đạt yêu cầu")),
]


class EquipmentFilterForm(forms.Form):
    """The filters of the managers' list: one school year (the current one unless chosen), name, status."""

    school_year = forms.ModelChoiceField(
        label=gettext_lazy("Năm học"), queryset=SchoolYear.objects.none(), empty_label=None, required=False
    )
    q = forms.CharField(label=gettext_lazy("Tìm trường"), max_length=100, required=False)
    status = forms.ChoiceField(label=gettext_lazy("Tình trạng"), choices=STATUS_CHOICES, required=False)
    q.widget.attrs.update(placeholder=gettext_lazy("Tên hoặc mã trường, gõ không dấu cũng được"), autocomplete="off")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school_year"].queryset = school_years()  # type: ignore[attr-defined]
