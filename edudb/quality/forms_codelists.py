"""Forms of the code-list pages: searching, and the Sở's form for one value (the rules live in ``codelists``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from edudb.quality.codelists import item_fingerprint, split_aliases
from edudb.quality.models import CodeItem
from edudb.quality.text import clean_text


class CodeListSearchForm(forms.Form):
    q = forms.CharField(label=_("Tìm danh mục"), max_length=100, required=False)
    q.widget.attrs.update(placeholder=_("Tên hoặc mã danh mục, gõ không dấu cũng được"), autocomplete="off")


class CodeItemSearchForm(forms.Form):
    q = forms.CharField(label=_("Tìm giá trị"), max_length=100, required=False)
    q.widget.attrs.update(placeholder=_("Mã, tên hoặc cách viết khác, gõ không dấu cũng được"), autocomplete="off")


class CodeItemForm(forms.Form):
    """Add or edit one value of a list. The code of a value some record uses is shown but cannot be changed."""

    code = forms.CharField(
        label=_("Mã"),
        max_length=20,
        help_text=_("Mã chính thức: chữ cái không dấu, chữ số, dấu gạch dưới; ví dụ 55 hoặc PBM_TIN."),
        error_messages={"required": _("Hãy nhập mã của giá trị (ví dụ 55).")},
    )
    name = forms.CharField(
        label=_("Tên"),
        max_length=200,
        error_messages={"required": _("Hãy nhập tên giá trị.")},
    )
    aliases = forms.CharField(
        label=_("Cách viết khác"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Mỗi dòng một cách viết người dùng hay gõ hoặc tệp Excel cũ hay ghi (tên cũ, viết tắt, có gạch nối…). "
            "Không cần thêm cách viết chỉ khác dấu, kiểu bỏ dấu hay chữ hoa: hệ thống đã tự so khớp."
        ),
    )
    order = forms.IntegerField(
        label=_("Thứ tự"),
        required=False,
        min_value=0,
        max_value=32767,
        help_text=_("Vị trí trong danh sách chọn; để trống khi thêm mới để xếp cuối."),
    )
    is_active = forms.BooleanField(
        label=_("Đang dùng"),
        required=False,
        initial=True,
        help_text=_("Bỏ chọn để giá trị không còn được chọn khi nhập liệu; hồ sơ đã ghi giá trị này vẫn giữ nguyên."),
    )
    loaded = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, instance: CodeItem | None = None, used: bool = False, **kwargs: Any) -> None:
        self.instance = instance
        if instance is not None:
            kwargs.setdefault(
                "initial",
                {
                    "code": instance.code,
                    "name": instance.name,
                    "aliases": "\n".join(a for a in instance.aliases.split("|") if a.strip()),
                    "order": instance.order,
                    "is_active": instance.is_active,
                    "loaded": item_fingerprint(instance),
                },
            )
        super().__init__(*args, **kwargs)
        if instance is not None and used:
            self.fields["code"].disabled = True
            self.fields["code"].help_text = _(
                "Giá trị đã được dùng trong hồ sơ nên mã không đổi được; nếu cần mã mới, thêm giá trị mới rồi cho "
                "giá trị này ngừng dùng."
            )

    def clean_code(self) -> str:
        return clean_text(self.cleaned_data["code"])

    def clean_name(self) -> str:
        name = clean_text(self.cleaned_data["name"])
        if not name:
            raise ValidationError(_("Hãy nhập tên giá trị."))
        return name

    def values(self) -> dict[str, Any]:
        """The cleaned values as the services take them."""
        data = self.cleaned_data
        return {
            "code": data["code"],
            "name": data["name"],
            "aliases": split_aliases(data.get("aliases") or ""),
            "order": data.get("order"),
            "is_active": bool(data.get("is_active")),
        }

    def add_write_error(self, exc: ValidationError) -> None:
        """A refusal from the service, shown on its field (or above the form)."""
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, exc)
