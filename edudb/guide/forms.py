"""The Sở's form for the support contacts."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from edudb.core.views_base import NormalisingForm
from edudb.guide.models import SupportContact


class SupportContactForm(NormalisingForm, forms.ModelForm[SupportContact]):
    class Meta:
        model = SupportContact
        fields = ("hotline", "email", "system_address", "postal_address", "working_hours")
        widgets = {"working_hours": forms.TextInput()}

    def clean_hotline(self) -> str:
        value: str = self.cleaned_data["hotline"].strip()
        digits = [ch for ch in value if ch.isdigit()]
        allowed = set("0123456789.+ -()")
        if len(digits) < 3 or len(digits) > 15 or any(ch not in allowed for ch in value):
            raise forms.ValidationError(
                _(
                    "Điện thoại hỗ trợ: hãy nhập số điện thoại (3 đến 15 chữ số, có thể có dấu chấm, cách, gạch "
                    "ngang), ví dụ 0225.3746220."
                )
            )
        return value

    def clean_system_address(self) -> str:
        value: str = self.cleaned_data["system_address"]
        if not value.startswith(("https://", "http://")):
            raise forms.ValidationError(
                _("Địa chỉ Hệ thống: hãy nhập địa chỉ bắt đầu bằng https://, ví dụ https://csdl.haiphong.edu.vn.")
            )
        return value

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
