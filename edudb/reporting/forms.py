"""Forms of the reporting pages. They only read what the user typed: every rule (dates, covered databases, who may
do what, what is missing) is the services' own, and their refusals are put back on these forms' fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from edudb.core.views_base import NormalisingForm
from edudb.reporting.board import BOARD_STATES
from edudb.reporting.models import COVERABLE, ReportingPeriod

DAY_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d"]


def day_field(label: Any, *, missing: Any, wrong: Any, required: bool = True, help_text: Any = "") -> forms.DateField:
    """A date typed as Vietnamese offices write it (15/10/2026); the date picker's ISO form is accepted too."""
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        input_formats=DAY_FORMATS,
        widget=forms.DateInput(
            format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"}
        ),
        error_messages={"required": missing, "invalid": wrong},
    )


def text_field(label: Any, *, required: bool = False, rows: int = 3, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label, required=required, help_text=help_text, widget=forms.Textarea(attrs={"rows": rows})
    )


class _PageForm(NormalisingForm, forms.Form):
    """A form of a page that shows several: its element ids carry the form's name, so none repeats."""

    id_prefix = "form"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


def refuse(form: forms.BaseForm, exc: ValidationError | PermissionDenied) -> bool:
    """Put a service's refusal on the form, at the fields it names; True when every message found a field."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        placed = True
        for name, errors in exc.message_dict.items():
            if name in form.fields:
                form.add_error(name, errors)
            else:
                form.add_error(None, errors)
                placed = False
        return placed
    messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
    form.add_error(None, messages)
    return False


class PeriodForm(NormalisingForm, forms.Form):
    """An ad-hoc report request (Điều 9.2), or the Sở's edit of any period."""

    title = forms.CharField(label=_("Tên kỳ báo cáo"), max_length=200, required=False)
    opens_on = day_field(
        _("Mở từ ngày"),
        missing=_("Hãy ghi ngày mở kỳ báo cáo (ngày/tháng/năm, ví dụ 01/10/2026)."),
        wrong=_("Ngày mở kỳ báo cáo chưa đúng dạng; hãy ghi ngày/tháng/năm, ví dụ 01/10/2026."),
    )
    deadline = day_field(
        _("Hạn chót"),
        missing=_("Hãy ghi hạn chót (ngày/tháng/năm, ví dụ 15/10/2026)."),
        wrong=_("Hạn chót chưa đúng dạng; hãy ghi ngày/tháng/năm, ví dụ 15/10/2026."),
        help_text=_("Đơn vị chốt số liệu chậm nhất trong ngày này."),
    )
    covers = forms.MultipleChoiceField(
        label=_("Cơ sở dữ liệu thành phần cần báo cáo"),
        choices=[(str(domain), domain.label) for domain in COVERABLE],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    instructions = text_field(_("Hướng dẫn, yêu cầu"), rows=4)
    min_completeness = forms.IntegerField(
        label=_("Mức đầy đủ tối thiểu để chốt (%)"),
        initial=90,
        help_text=_("Đơn vị chỉ chốt được khi tỉ lệ ô bắt buộc đã có đạt mức này (0 đến 100)."),
        error_messages={
            "required": _("Hãy ghi mức đầy đủ tối thiểu, một số từ 0 đến 100."),
            "invalid": _("Mức đầy đủ tối thiểu là một số nguyên từ 0 đến 100."),
        },
    )

    @classmethod
    def for_period(cls, period: ReportingPeriod, data: Any = None) -> PeriodForm:
        initial = {
            "title": period.title,
            "opens_on": period.opens_on,
            "deadline": period.deadline,
            "covers": list(period.covers),
            "instructions": period.instructions,
            "min_completeness": period.min_completeness,
        }
        return cls(data, initial=initial)

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data.get("title") or "",
            "opens_on": data["opens_on"],
            "deadline": data["deadline"],
            "covers": list(data.get("covers") or []),
            "instructions": data.get("instructions") or "",
            "min_completeness": data["min_completeness"],
        }


class SubmitForm(_PageForm):
    """Chốt số liệu: a note for the reviewer, and (for a manager) why some units below are not in."""

    id_prefix = "submit"

    note = text_field(_("Ghi chú gửi đơn vị duyệt"), rows=2)
    missing_note = text_field(
        _("Giải trình đơn vị chưa có báo cáo được duyệt"),
        help_text=_("Bắt buộc khi còn đơn vị trực thuộc chưa có báo cáo được duyệt."),
    )

    def __init__(self, *args: Any, managing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not managing:
            del self.fields["missing_note"]


class ExtensionForm(_PageForm):
    id_prefix = "extension"

    until = day_field(
        _("Gia hạn đến ngày"),
        missing=_("Hãy ghi ngày gia hạn đến (dd/mm/yyyy)."),
        wrong=_("Ngày gia hạn chưa đúng dạng; hãy ghi ngày/tháng/năm, ví dụ 20/10/2026."),
        required=False,
    )
    reason = text_field(_("Lý do gia hạn"), rows=2)


class CorrectionForm(_PageForm):
    id_prefix = "correction"

    reason = text_field(_("Nội dung cần điều chỉnh và lý do"))


class DecideCorrectionForm(_PageForm):
    id_prefix = "decide"

    answer = text_field(_("Ý kiến"), rows=2, help_text=_("Bắt buộc khi không đồng ý."))


class ApproveForm(_PageForm):
    id_prefix = "approve"

    comment = text_field(_("Ý kiến duyệt (không bắt buộc)"), rows=2)


class ReturnForm(_PageForm):
    id_prefix = "return"

    reason = text_field(_("Lý do trả lại"), help_text=_("Ghi rõ cần sửa gì để đơn vị chốt lại."))


class BoardFilterForm(forms.Form):
    """The board's filters: a state, a name or code, only the late ones."""

    q = forms.CharField(label=_("Tìm đơn vị"), max_length=100, required=False)
    state = forms.ChoiceField(
        label=_("Trạng thái"), choices=[("", _("— Mọi trạng thái —")), *BOARD_STATES], required=False
    )
    level = forms.ChoiceField(label=_("Cấp học"), choices=[("", _("— Mọi cấp học —"))], required=False)
    late = forms.BooleanField(label=_("Chỉ đơn vị chậm, quá hạn"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from edudb.core.models import LevelGroup

        super().__init__(*args, **kwargs)
        levels = [(g.code, g.name) for g in LevelGroup.objects.order_by("order")]
        level = self.fields["level"]
        if isinstance(level, forms.ChoiceField):
            level.choices = [("", _("— Mọi cấp học —")), *levels]
