"""Forms of the sharing pages: a request (public or entered from paper), the Sở's decision, the small actions.

The forms check shape only; what a request may ask for (catalogue fields, units under the unit in charge and in
the account's scope, retention) and what a decision may allow (never wider than asked, written consent, scan by
content) is checked by the services, whose errors come back onto the same fields.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edudb.core.public import PublicForm
from edudb.core.views_base import NormalisingForm
from edudb.quality.text import clean_text, person_name
from edudb.reporting.models import SchoolYear
from edudb.sharing import catalogue, services
from edudb.sharing.models import FileFormat, Outcome, RequestState

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RequestFields(forms.Form):
    requester_name = forms.CharField(label=_("Họ và tên người đề nghị"), max_length=120)
    requester_organisation = forms.CharField(label=_("Cơ quan, tổ chức"), max_length=255)
    requester_email = forms.EmailField(label=_("Thư điện tử"), required=False)
    requester_phone = forms.CharField(label=_("Điện thoại"), max_length=20, required=False)
    purpose = forms.CharField(
        label=_("Mục đích sử dụng dữ liệu"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    legal_basis = forms.CharField(
        label=_("Căn cứ pháp lý"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Văn bản giao nhiệm vụ, đề tài, hợp đồng… cho phép bên đề nghị sử dụng dữ liệu."),
    )
    wanted_fields = forms.MultipleChoiceField(
        label=_("Trường dữ liệu cần khai thác"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Chỉ chọn những trường thật sự cần cho mục đích đã nêu."),
    )
    unit_codes = forms.CharField(
        label=_("Mã các đơn vị cần lấy dữ liệu"),
        required=False,
        max_length=6000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Cách nhau bởi dấu phẩy. Để trống: mọi đơn vị thuộc đơn vị tiếp nhận."),
    )
    school_year = forms.ModelChoiceField(
        label=_("Năm học"), queryset=SchoolYear.objects.all(), required=False, empty_label=_("Dữ liệu hiện có")
    )
    period_note = forms.CharField(label=_("Khoảng thời gian (nếu có)"), max_length=120, required=False)
    file_format = forms.ChoiceField(label=_("Định dạng tệp"), choices=FileFormat.choices)
    keep_until = forms.DateField(label=_("Lưu giữ dữ liệu đến ngày"), widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["wanted_fields"].choices = catalogue.field_choices()  # type: ignore[attr-defined]

    def clean_requester_name(self) -> str:
        return person_name(self.cleaned_data["requester_name"])

    def clean_requester_organisation(self) -> str:
        return clean_text(self.cleaned_data["requester_organisation"])

    def service_data(self) -> dict[str, Any]:
        names = (
            "requester_name",
            "requester_organisation",
            "requester_email",
            "requester_phone",
            "purpose",
            "legal_basis",
            "wanted_fields",
            "school_year",
            "period_note",
            "file_format",
            "keep_until",
        )
        return {name: self.cleaned_data.get(name) or ("" if name != "school_year" else None) for name in names}


class PaperRequestForm(NormalisingForm, RequestFields):
    """A request received on paper, entered by the unit that received it."""


class PublicRequestForm(PublicForm, RequestFields):
    """The public page's request: the unit it is addressed to (the Sở by default), then the request."""

    unit = forms.ModelChoiceField(
        label=_("Gửi đến đơn vị"),
        queryset=services.public_addressees(),
        required=False,
        empty_label=_("Sở Giáo dục và Đào tạo (mặc định)"),
        help_text=_("Đơn vị quản lý dữ liệu theo phân cấp (Điều 10.6). Sở quyết định việc cung cấp."),
    )
    field_order = ["unit"]

    def clean_purpose(self) -> str:
        return clean_text(self.cleaned_data["purpose"])


class ForwardForm(NormalisingForm, forms.Form):
    note = forms.CharField(
        label=_("Ý kiến đề xuất của đơn vị"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReasonForm(NormalisingForm, forms.Form):
    reason = forms.CharField(label=_("Lý do"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))


class DecisionForm(forms.Form):
    """The Sở's decision: consent with its written record, or refusal with a reason."""

    outcome = forms.ChoiceField(label=_("Quyết định"), choices=Outcome.choices, widget=forms.RadioSelect)
    document_number = forms.CharField(label=_("Số văn bản"), max_length=60, required=False)
    document_date = forms.DateField(label=_("Ngày văn bản"), widget=DATE, required=False)
    signer = forms.CharField(label=_("Người ký"), max_length=120, required=False)
    scan = forms.FileField(
        label=_("Bản scan văn bản (PDF, PNG hoặc JPG, tối đa 5 MB)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/png,image/jpeg"}),
    )
    approved_fields = forms.MultipleChoiceField(
        label=_("Trường dữ liệu được cung cấp"), widget=forms.CheckboxSelectMultiple, required=False
    )
    approved_units = forms.MultipleChoiceField(
        label=_("Đơn vị được cung cấp"), widget=forms.CheckboxSelectMultiple, required=False
    )
    include_personal_ids = forms.BooleanField(
        label=_("Văn bản đồng ý nêu rõ việc cung cấp số định danh cá nhân"), required=False
    )
    include_health = forms.BooleanField(label=_("Văn bản đồng ý nêu rõ việc cung cấp dữ liệu sức khỏe"), required=False)
    expires_on = forms.DateField(label=_("Liên kết tải hết hạn ngày"), widget=DATE, required=False)
    max_downloads = forms.IntegerField(label=_("Số lần tải tối đa"), min_value=1, max_value=99, required=False)
    reason = forms.CharField(
        label=_("Lý do không đồng ý"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, request: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request_obj = request
        known = catalogue.all_fields()
        self.fields["approved_fields"].choices = [  # type: ignore[attr-defined]
            (key, f"{catalogue.DATABASE_BY_KEY[known[key].database].label} · {known[key].label}")
            for key in request.wanted_fields
            if key in known
        ]
        self.units_by_pk = {str(unit.pk): unit for unit in request.wanted_units.order_by("path")}
        self.fields["approved_units"].choices = [  # type: ignore[attr-defined]
            (pk, f"{u.code} — {u.name}") for pk, u in self.units_by_pk.items()
        ]
        if not self.is_bound:
            self.initial.setdefault("approved_fields", list(request.wanted_fields))
            self.initial.setdefault("approved_units", list(self.units_by_pk))
            self.initial.setdefault("expires_on", timezone.localdate() + dt.timedelta(days=30))
            self.initial.setdefault("max_downloads", 3)

    def consent(self) -> services.Consent:
        data = self.cleaned_data
        return services.Consent(
            document_number=data.get("document_number") or "",
            document_date=data.get("document_date"),  # type: ignore[arg-type]
            signer=data.get("signer") or "",
            scan=data.get("scan"),
            fields=list(data.get("approved_fields") or []),
            units=[self.units_by_pk[pk] for pk in data.get("approved_units") or [] if pk in self.units_by_pk],
            include_personal_ids=bool(data.get("include_personal_ids")),
            include_health=bool(data.get("include_health")),
            expires_on=data.get("expires_on"),  # type: ignore[arg-type]
            max_downloads=data.get("max_downloads") or 0,
        )


class RequestFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("Trạng thái"), choices=[("", _("Tất cả")), *RequestState.choices], required=False)
    q = forms.CharField(label=_("Tìm số yêu cầu, cơ quan"), max_length=100, required=False)


class StatusForm(forms.Form):
    number = forms.CharField(label=_("Số yêu cầu"), max_length=20, help_text=_("Ví dụ: YC-2026-0012"))
    code = forms.CharField(label=_("Mã tra cứu"), max_length=20, help_text=_("Mã được cấp khi gửi yêu cầu"))
