"""Search forms of the unit tree and the audit trail."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from edudb.core.models import UnitKind

AUDIT_ACTIONS = [
    ("", _("Mọi thao tác")),
    ("signin", _("Đăng nhập")),
    ("signout", _("Đăng xuất")),
    ("account", _("Tài khoản")),
    ("unit", _("Đơn vị")),
    ("quality", _("Chất lượng dữ liệu")),
    ("codelists", _("Danh mục")),
]


class UnitSearchForm(forms.Form):
    q = forms.CharField(label=_("Tìm đơn vị"), max_length=100, required=False)
    kind = forms.ModelChoiceField(
        label=_("Loại đơn vị"), queryset=UnitKind.objects.all(), required=False, empty_label=_("Mọi loại")
    )
    q.widget.attrs.update(placeholder=_("Tên hoặc mã đơn vị, gõ không dấu cũng được"), autocomplete="off")


class AuditSearchForm(forms.Form):
    q = forms.CharField(label=_("Tài khoản hoặc đối tượng"), max_length=100, required=False)
    action = forms.ChoiceField(label=_("Thao tác"), choices=AUDIT_ACTIONS, required=False)
    date_from = forms.DateField(label=_("Từ ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("Đến ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
