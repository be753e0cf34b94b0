"""Forms of feedback handling: filing (account and public), the answer, the list filters, the status check."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from edudb.core.public import PublicForm
from edudb.core.views_base import NormalisingForm
from edudb.feedback.models import Kind, Outcome, Relation, State

DATE_INPUTS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]


def refuse(form: forms.Form, exc: ValidationError) -> bool:
    """Put a service's field errors on the form; False when one names a field the form does not have."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return True
    for name, errors in exc.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)
    return True


class FileForm(NormalisingForm, forms.Form):
    """An account's complaint about a record it sees (or a figure of a unit it sees)."""

    kind = forms.ChoiceField(
        label=_("Loại phản ánh"), choices=[(Kind.RECORD, Kind.RECORD.label), (Kind.FIGURE, Kind.FIGURE.label)]
    )
    figure = forms.CharField(
        label=_("Số liệu được phản ánh"),
        max_length=255,
        required=False,
        help_text=_("Với phản ánh số liệu: tên chỉ tiêu và con số đang hiển thị, ví dụ «Số học sinh lớp 1: 120»."),
    )
    text = forms.CharField(
        label=_("Nội dung phản ánh"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Thông tin nào chưa đúng, đúng là gì, căn cứ (giấy khai sinh, quyết định…)."),
    )

    def __init__(self, *args: Any, allow_figure: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not allow_figure:
            kind: Any = self.fields["kind"]
            kind.choices = [(Kind.RECORD, Kind.RECORD.label)]
            del self.fields["figure"]


PUBLIC_KINDS = [
    (Kind.RECORD, Kind.RECORD.label),
    (Kind.ACCESS, Kind.ACCESS.label),
    (Kind.CORRECTION, Kind.CORRECTION.label),
    (Kind.RESTRICTION, Kind.RESTRICTION.label),
]


class PublicFileForm(PublicForm):
    """The public form: the student identified by code and birth date; the filer's name, relation and contact."""

    kind = forms.ChoiceField(label=_("Bạn muốn"), choices=PUBLIC_KINDS)
    student_code = forms.CharField(
        label=_("Mã học sinh"),
        max_length=20,
        help_text=_("Mã định danh 10 chữ số do Bộ cấp, hoặc mã tạm nhà trường cung cấp."),
    )
    birth_date = forms.DateField(
        label=_("Ngày sinh của học sinh"),
        input_formats=DATE_INPUTS,
        help_text=_("Dạng dd/mm/yyyy, ví dụ 09/03/2015."),
        error_messages={"invalid": _("Ngày sinh chưa đúng dạng: hãy nhập dd/mm/yyyy, ví dụ 09/03/2015.")},
    )
    filer_name = forms.CharField(
        label=_("Họ và tên người gửi"),
        max_length=120,
        help_text=_("Cha, mẹ, người giám hộ: ghi đúng họ tên như trong hồ sơ của nhà trường."),
    )
    filer_relation = forms.ChoiceField(label=_("Quan hệ với học sinh"), choices=Relation.choices)
    filer_contact = forms.CharField(label=_("Điện thoại hoặc thư điện tử để nhà trường liên hệ"), max_length=120)
    text = forms.CharField(
        label=_("Nội dung"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Thông tin nào chưa đúng và đúng là gì; hoặc dữ liệu bạn muốn xem, sửa, hạn chế xử lý."),
    )
    student_code.widget.attrs.update(autocomplete="off")
    birth_date.widget.attrs.update(placeholder="dd/mm/yyyy", autocomplete="off")


class StatusForm(PublicForm):
    """The public status check: the number and the code given at filing."""

    reference = forms.CharField(label=_("Số phản ánh"), max_length=12, help_text=_("Dạng PA-XXXXXXXX."))
    code = forms.CharField(label=_("Mã tra cứu"), max_length=12, help_text=_("8 ký tự được cấp khi gửi."))
    reference.widget.attrs.update(autocomplete="off")
    code.widget.attrs.update(autocomplete="off")


class AnswerForm(NormalisingForm, forms.Form):
    outcome = forms.ChoiceField(label=_("Kết quả xử lý"), choices=Outcome.choices)
    answer = forms.CharField(
        label=_("Trả lời người gửi"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Người gửi đọc được nội dung này."),
    )
    changes = forms.TypedMultipleChoiceField(
        label=_("Thay đổi dữ liệu đã thực hiện theo phản ánh"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Chọn khi kết quả là «Đã điều chỉnh dữ liệu»: các mục nhật ký ghi việc sửa hồ sơ."),
    )
    request_correction = forms.BooleanField(
        label=_("Gửi đề nghị điều chỉnh báo cáo đã duyệt"),
        required=False,
        help_text=_("Cần khi số liệu thuộc báo cáo đã được duyệt (tài khoản có chức năng «Chốt số liệu báo cáo»)."),
    )

    def __init__(self, *args: Any, outcomes: tuple[str, ...], changes: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        outcome: Any = self.fields["outcome"]
        outcome.choices = [(value, Outcome(value).label) for value in outcomes]
        picked: Any = self.fields["changes"]
        picked.choices = [
            (entry.pk, f"{entry.at:%d/%m/%Y %H:%M} — {entry.actor_username or '—'} — {entry.action_label}")
            for entry in changes
        ]
        if not changes:
            del self.fields["changes"]


class ListFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Trạng thái"),
        choices=[("", _("Mọi trạng thái")), ("open", _("Chưa trả lời")), *State.choices],
        required=False,
    )
    kind = forms.ChoiceField(label=_("Loại"), choices=[("", _("Mọi loại")), *Kind.choices], required=False)
    overdue = forms.BooleanField(label=_("Chỉ phản ánh quá hạn"), required=False)
