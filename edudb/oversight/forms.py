"""Forms of the oversight pages; the services check the rules again (the forms only read the input)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from edudb.core.views_base import NormalisingForm
from edudb.oversight.models import TeamMember, TeamRole

DATE_INPUT = {"type": "date"}


class SpanForm(forms.Form):
    """The period a management report covers."""

    start = forms.DateField(label=_("Từ ngày"), widget=forms.DateInput(attrs=DATE_INPUT, format="%Y-%m-%d"))
    end = forms.DateField(label=_("Đến ngày"), widget=forms.DateInput(attrs=DATE_INPUT, format="%Y-%m-%d"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("Đến ngày: phải sau hoặc bằng “Từ ngày”; hãy chọn lại khoảng thời gian."))
            elif (end - start).days > 3 * 366:
                self.add_error("end", _("Đến ngày: báo cáo tối đa 3 năm; hãy chọn khoảng thời gian ngắn hơn."))
        return data


class ReviewConfirmForm(NormalisingForm, forms.Form):
    confirm = forms.BooleanField(label=_("Tôi xác nhận danh sách trên là đúng"), required=True)
    note = forms.CharField(
        label=_("Những thay đổi cần thực hiện (nếu có)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Ví dụ: thu hồi chức năng “Xuất dữ liệu” của tài khoản đã chuyển công tác."),
    )


class CharterForm(NormalisingForm, forms.Form):
    rules_number = forms.CharField(label=_("Số văn bản quy định nội bộ"), max_length=60, required=False)
    rules_date = forms.DateField(
        label=_("Ngày ban hành"), required=False, widget=forms.DateInput(attrs=DATE_INPUT, format="%Y-%m-%d")
    )
    rules_signer = forms.CharField(label=_("Người ký"), max_length=120, required=False)
    rules_file = forms.FileField(
        label=_("Tệp văn bản (PDF, không quá 10 MB)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )
    head_account: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Thủ trưởng đơn vị (tài khoản)"),
        queryset=None,
        required=False,
        help_text=_("Người chịu trách nhiệm cao nhất về an ninh, toàn vẹn dữ liệu của đơn vị (Điều 8.2)."),
    )

    def __init__(self, *args: Any, accounts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["head_account"].queryset = accounts  # type: ignore[attr-defined]

    def clean_rules_date(self) -> dt.date | None:
        value = self.cleaned_data.get("rules_date")
        if value and value > dt.date.today():
            raise forms.ValidationError(_("Ngày ban hành: không được sau ngày hôm nay."))
        return value


class MemberForm(NormalisingForm, forms.ModelForm[TeamMember]):
    class Meta:
        model = TeamMember
        fields = ["full_name", "position", "role", "phone", "email", "order"]

    role = forms.ChoiceField(label=_("Vai trò trong ban"), choices=TeamRole.choices)


class TermsForm(NormalisingForm, forms.Form):
    effective_on = forms.DateField(
        label=_("Áp dụng từ ngày"), widget=forms.DateInput(attrs=DATE_INPUT, format="%Y-%m-%d")
    )
    text = forms.CharField(
        label=_("Nội dung cam kết"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=5000,
        help_text=_("Mỗi dòng là một trách nhiệm. Sau khi ban hành, mọi người dùng phải xác nhận lại."),
    )
