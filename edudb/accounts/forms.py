"""Forms of sign-in and account management; they parse and validate, the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from edudb.accounts.models import AccountKind
from edudb.core.models import Unit
from edudb.core.scoping import Function
from edudb.core.views_base import NormalisingForm
from edudb.quality.text import clean_text, person_name

username_validator = RegexValidator(
    r"^[a-z0-9][a-z0-9._-]{2,59}$",
    _("Tên đăng nhập gồm 3–60 ký tự: chữ thường không dấu, số, dấu chấm, gạch dưới hoặc gạch ngang."),
)


class SignInForm(forms.Form):
    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150)
    password = forms.CharField(label=_("Mật khẩu"), max_length=200, strip=False, widget=forms.PasswordInput)
    otp = forms.CharField(
        label=_("Mã xác thực (tài khoản quản trị)"),
        max_length=10,
        required=False,
        help_text=_("6 chữ số từ ứng dụng xác thực; tài khoản khai thác để trống."),
    )
    username.widget.attrs.update(autocomplete="username", autofocus=True, autocapitalize="none")
    password.widget.attrs.update(autocomplete="current-password")
    otp.widget.attrs.update(autocomplete="one-time-code", inputmode="numeric", pattern="[0-9 ]*")


def _password_input(autocomplete: str) -> forms.PasswordInput:
    return forms.PasswordInput(attrs={"autocomplete": autocomplete})


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label=_("Mật khẩu hiện tại"), strip=False, widget=_password_input("current-password"), max_length=200
    )
    new_password1 = forms.CharField(
        label=_("Mật khẩu mới"), strip=False, widget=_password_input("new-password"), max_length=200
    )
    new_password2 = forms.CharField(
        label=_("Nhập lại mật khẩu mới"), strip=False, widget=_password_input("new-password"), max_length=200
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new_password1") and data.get("new_password1") != data.get("new_password2"):
            self.add_error("new_password2", _("Hai lần nhập mật khẩu mới không khớp nhau."))
        return data


class AcknowledgeForm(forms.Form):
    accept = forms.BooleanField(
        label=_("Tôi đã đọc và cam kết thực hiện trách nhiệm của người được cấp tài khoản (Điều 8.3)."), required=True
    )


class TotpConfirmForm(forms.Form):
    token = forms.CharField(label=_("Mã 6 chữ số đang hiển thị trên ứng dụng"), max_length=10)
    token.widget.attrs.update(autocomplete="one-time-code", inputmode="numeric", autofocus=True)


class UnitChoiceField(forms.ModelChoiceField[Unit]):
    def label_from_instance(self, obj: Unit) -> str:
        return f"{obj.name} ({obj.kind.name})"


class IssueAccountForm(NormalisingForm, forms.Form):
    unit = UnitChoiceField(label=_("Đơn vị"), queryset=Unit.objects.none(), empty_label=_("— Chọn đơn vị —"))
    kind = forms.ChoiceField(label=_("Loại tài khoản"), choices=AccountKind.choices)
    username = forms.CharField(label=_("Tên đăng nhập"), max_length=60, validators=[username_validator])
    full_name = forms.CharField(label=_("Họ và tên người sử dụng"), max_length=120)
    position = forms.CharField(label=_("Chức vụ"), max_length=120, required=False)
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    phone = forms.CharField(label=_("Điện thoại"), max_length=20, required=False)
    functions = forms.MultipleChoiceField(
        label=_("Chức năng được giao"),
        choices=Function.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Chỉ áp dụng cho tài khoản khai thác; tài khoản quản trị có mọi chức năng của đơn vị."),
    )
    expires_at = forms.DateField(
        label=_("Hết hạn vào ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, issuer: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Choices come through the scoping door: the issuer's own unit and the units directly below it.
        self.fields["unit"].queryset = (  # type: ignore[attr-defined]
            Unit.objects.visible_to(issuer, Function.MANAGE_ACCOUNTS)
            .filter(Q(pk=issuer.unit_id) | Q(parent_id=issuer.unit_id))
            .select_related("kind")
            .order_by("depth", "name_key")
        )

    def clean_username(self) -> str:
        return str(self.cleaned_data["username"]).strip().lower()

    def clean_full_name(self) -> str:
        return person_name(self.cleaned_data["full_name"])

    def clean_position(self) -> str:
        return clean_text(self.cleaned_data["position"])


class AccountSearchForm(forms.Form):
    q = forms.CharField(label=_("Tìm theo tên hoặc tên đăng nhập"), max_length=100, required=False)
    kind = forms.ChoiceField(label=_("Loại"), choices=[("", _("Mọi loại")), *AccountKind.choices], required=False)
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        choices=[("", _("Tất cả")), ("active", _("Đang hoạt động")), ("suspended", _("Tạm khóa"))],
        required=False,
    )
    q.widget.attrs.update(autocomplete="off")


class FunctionsForm(forms.Form):
    functions = forms.MultipleChoiceField(
        label=_("Chức năng được giao"), choices=Function.choices, required=False, widget=forms.CheckboxSelectMultiple
    )


class SuspendForm(NormalisingForm, forms.Form):
    reason = forms.CharField(label=_("Lý do tạm khóa"), max_length=255)


class HandoverForm(NormalisingForm, forms.Form):
    document_number = forms.CharField(label=_("Số văn bản bàn giao"), max_length=60)
    document_date = forms.DateField(label=_("Ngày văn bản"), widget=forms.DateInput(attrs={"type": "date"}))
    document_file = forms.FileField(
        label=_("Bản scan văn bản (PDF, không quá 5 MB)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/*"}),
    )
    to_full_name = forms.CharField(label=_("Họ và tên người nhận bàn giao"), max_length=120)
    to_email = forms.EmailField(label=_("Thư điện tử người nhận"), required=False)
    to_phone = forms.CharField(label=_("Điện thoại người nhận"), max_length=20, required=False)

    def clean_to_full_name(self) -> str:
        return person_name(self.cleaned_data["to_full_name"])

    def clean_document_file(self) -> Any:
        upload = self.cleaned_data.get("document_file")
        if upload and upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("Tệp quá lớn (tối đa 5 MB)."))
        if upload and not upload.name.lower().endswith((".pdf", ".png", ".jpg", ".jpeg")):
            raise forms.ValidationError(_("Chỉ nhận tệp PDF, PNG hoặc JPG."))
        return upload
