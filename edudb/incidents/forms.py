"""Forms of the incident pages: their choice fields come through the scoping door; the services re-check all."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edudb.core.models import Unit
from edudb.core.views_base import NormalisingForm
from edudb.incidents.models import IncidentCategory, IncidentSeverity, IncidentState, SecurityReport
from edudb.incidents.uploads import MAX_BYTES, MAX_PER_INCIDENT

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
ACCEPT = "image/png,image/jpeg,image/webp"


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Several screenshots in one field; each is checked by content in the services (``uploads.check_image``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleImageInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


def _moment_field(label: Any, *, required: bool, help_text: Any = "") -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        input_formats=DATETIME_FORMATS,
        help_text=help_text,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


SCREENSHOT_HELP = _("Ảnh PNG, JPEG hoặc WebP, mỗi ảnh không quá %(mb)s MB, tối đa %(n)s ảnh cho một sự cố.") % {
    "mb": MAX_BYTES // 1024 // 1024,
    "n": MAX_PER_INCIDENT,
}


class ReportForm(NormalisingForm, forms.Form):
    category = forms.ChoiceField(label=_("Loại sự cố"), choices=[("", "—"), *IncidentCategory.choices])
    severity = forms.ChoiceField(
        label=_("Mức độ ảnh hưởng"),
        choices=[("", "—"), *IncidentSeverity.choices],
        help_text=_("Nghiêm trọng: cả đơn vị không làm việc được hoặc dữ liệu bị lộ, mất; Sở sẽ xác nhận lại."),
    )
    title = forms.CharField(label=_("Tóm tắt sự cố"), max_length=200)
    description = forms.CharField(
        label=_("Diễn biến sự cố"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Đang làm gì, màn hình báo gì (chép nguyên văn thông báo lỗi), từ khi nào, ai bị ảnh hưởng."),
    )
    started_at = _moment_field(_("Bắt đầu xảy ra lúc"), required=False)
    detected_at = _moment_field(_("Phát hiện lúc"), required=False, help_text=_("Để trống: lúc gửi báo cáo này."))
    affected_units = forms.ModelMultipleChoiceField(
        label=_("Đơn vị khác bị ảnh hưởng"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Chỉ chọn được đơn vị thuộc phạm vi quản lý của tài khoản."),
    )
    screenshots = MultipleImageField(label=_("Ảnh chụp màn hình"), required=False, help_text=SCREENSHOT_HELP)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["affected_units"].queryset = (  # type: ignore[attr-defined]
            Unit.objects.visible_to(user).filter(is_active=True).order_by("path")
        )

    def clean_detected_at(self) -> dt.datetime | None:
        return self.cleaned_data.get("detected_at") or None


class FilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Trạng thái"),
        required=False,
        choices=[
            ("", _("Mọi trạng thái")),
            ("open", _("Chưa xong (mới, đã tiếp nhận, đang xử lý)")),
            *IncidentState.choices,
        ],
    )
    severity = forms.ChoiceField(
        label=_("Mức độ"), required=False, choices=[("", _("Mọi mức độ")), *IncidentSeverity.choices]
    )
    security = forms.BooleanField(label=_("Chỉ sự cố an toàn thông tin"), required=False)
    mine = forms.BooleanField(label=_("Do tôi báo cáo hoặc giao cho tôi"), required=False)
    q = forms.CharField(label=_("Tìm theo số hiệu hoặc tóm tắt"), max_length=100, required=False)


class TriageForm(NormalisingForm, forms.Form):
    severity = forms.ChoiceField(label=_("Mức độ (Sở xác nhận)"), choices=IncidentSeverity.choices)
    is_security = forms.BooleanField(
        label=_("Sự cố an toàn thông tin (phải báo cáo trong 24 giờ và 72 giờ)"), required=False
    )
    assignee = forms.ModelChoiceField(label=_("Người xử lý"), queryset=Unit.objects.none(), empty_label="—")
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, accounts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        field.queryset = accounts  # type: ignore[attr-defined]
        field.label_from_instance = lambda a: f"{a.full_name} ({a.username}) — {a.unit.name}"  # type: ignore[attr-defined]


class ResolveForm(NormalisingForm, forms.Form):
    resolution = forms.CharField(label=_("Đã khắc phục thế nào"), widget=forms.Textarea(attrs={"rows": 3}))


class CloseForm(NormalisingForm, forms.Form):
    note = forms.CharField(label=_("Ghi chú khi đóng"), required=False, max_length=500)


class ReopenForm(NormalisingForm, forms.Form):
    reason = forms.CharField(label=_("Vì sao mở lại"), widget=forms.Textarea(attrs={"rows": 2}))


class CommentForm(NormalisingForm, forms.Form):
    text = forms.CharField(label=_("Nội dung trao đổi"), widget=forms.Textarea(attrs={"rows": 3}))


class ScreenshotForm(forms.Form):
    screenshots = MultipleImageField(label=_("Thêm ảnh chụp màn hình"), help_text=SCREENSHOT_HELP)


class AffectedForm(forms.Form):
    units = forms.ModelMultipleChoiceField(
        label=_("Thêm đơn vị bị ảnh hưởng"),
        queryset=Unit.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = (  # type: ignore[attr-defined]
            Unit.objects.visible_to(user).filter(is_active=True).order_by("path")
        )


class SecurityReportForm(NormalisingForm, forms.Form):
    kind = forms.ChoiceField(label=_("Báo cáo"), choices=SecurityReport.Kind.choices)
    made_at = _moment_field(_("Đã gửi lúc"), required=True)
    recipient = forms.CharField(
        label=_("Gửi tới cơ quan"),
        max_length=255,
        help_text=_("Ví dụ: Cục A05 – Bộ Công an; Sở Khoa học và Công nghệ."),
    )
    document_number = forms.CharField(label=_("Số văn bản"), max_length=60)
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["made_at"].initial = timezone.localtime().replace(second=0, microsecond=0)


class ExtensionForm(NormalisingForm, forms.Form):
    period = forms.ModelChoiceField(label=_("Kỳ báo cáo"), queryset=Unit.objects.none(), empty_label="—")
    units = forms.ModelMultipleChoiceField(
        label=_("Đơn vị được gia hạn"), queryset=Unit.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    until = forms.DateField(
        label=_("Gia hạn đến ngày"),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    reason = forms.CharField(
        label=_("Ghi thêm (không bắt buộc)"),
        required=False,
        max_length=500,
        help_text=_("Lý do ghi sẵn: “Gia hạn do sự cố <số hiệu>: <tóm tắt>”."),
    )

    def __init__(self, *args: Any, periods: Any, units: list[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = periods  # type: ignore[attr-defined]
        self.fields["units"].queryset = Unit.objects.filter(pk__in=[u.pk for u in units]).order_by("path")  # type: ignore[attr-defined]
        if not self.is_bound:
            self.fields["units"].initial = [u.pk for u in units]
