"""Forms of the schools database; choices come through the scoping door."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from edudb.core.models import Category, Unit, UnitKind
from edudb.core.scoping import Function
from edudb.core.views_base import RecordForm
from edudb.quality.models import items_of
from edudb.registry.models import Accreditation, NationalStandard, SchoolProfile, Site


class InstitutionField(forms.ModelChoiceField[Unit]):
    def label_from_instance(self, obj: Unit) -> str:
        return f"{obj.name} ({obj.code})"


def writable_institutions(user: Any) -> Any:
    return (
        Unit.objects.visible_to(user, Function.ENTER_UNITS)
        .filter(kind__category=Category.INSTITUTION)
        .select_related("kind")
        .order_by("name_key")
    )


class SchoolProfileForm(RecordForm):
    class Meta:
        model = SchoolProfile
        exclude = ["unit"]
        widgets = {"email": forms.EmailInput(attrs={"autocomplete": "off"})}

    def restrict_choices(self, user: Any) -> None:
        self.fields["ownership"].queryset = items_of("loai_hinh_truong")  # type: ignore[attr-defined]
        self.fields["school_type"].queryset = items_of("loai_truong")  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        standard, year = data.get("national_standard"), data.get("national_standard_year")
        if standard and not year:
            self.add_error("national_standard_year", _("Trường đạt chuẩn quốc gia: hãy ghi năm được công nhận."))
        if year and not standard:
            self.add_error("national_standard", _("Đã ghi năm công nhận nhưng chưa chọn mức chuẩn quốc gia."))
        founded = data.get("established_year")
        if founded and year and year < founded:
            self.add_error("national_standard_year", _("Năm công nhận chuẩn không thể trước năm thành lập trường."))
        return data


class NewSchoolProfileForm(SchoolProfileForm):
    unit = InstitutionField(label=_("Cơ sở giáo dục"), queryset=Unit.objects.none(), empty_label=_("— Chọn trường —"))

    class Meta(SchoolProfileForm.Meta):
        exclude = []

    def restrict_choices(self, user: Any) -> None:
        super().restrict_choices(user)
        self.fields["unit"].queryset = writable_institutions(user).filter(school_profile__isnull=True)  # type: ignore[attr-defined]


class SiteForm(RecordForm):
    unit = InstitutionField(label=_("Cơ sở giáo dục"), queryset=Unit.objects.none(), empty_label=_("— Chọn trường —"))

    class Meta:
        model = Site
        fields = [
            "unit",
            "code",
            "name",
            "is_main",
            "street_address",
            "commune_code",
            "distance_km",
            "phone",
            "is_active",
        ]

    def restrict_choices(self, user: Any) -> None:
        self.fields["unit"].queryset = writable_institutions(user)  # type: ignore[attr-defined]
        if self.instance.pk:
            self.fields["unit"].disabled = True  # a site stays with its school

    def clean_code(self) -> str:
        return str(self.cleaned_data["code"]).strip().upper()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("is_main") and data.get("distance_km"):
            self.add_error("distance_km", _("Điểm trường chính không có khoảng cách đến chính nó; hãy để trống."))
        return data


class SchoolSearchForm(forms.Form):
    q = forms.CharField(label=_("Tìm trường"), max_length=100, required=False)
    kind = forms.ModelChoiceField(
        label=_("Loại cơ sở"),
        queryset=UnitKind.objects.filter(category=Category.INSTITUTION),
        required=False,
        empty_label=_("Mọi loại"),
    )
    ownership = forms.ModelChoiceField(
        label=_("Loại hình"),
        queryset=items_of("loai_hinh_truong"),
        required=False,
        empty_label=_("Mọi loại hình"),
    )
    national_standard = forms.TypedChoiceField(
        label=_("Chuẩn quốc gia"),
        choices=[("", _("Tất cả")), *NationalStandard.choices],
        coerce=int,
        required=False,
        empty_value=None,
    )
    accreditation = forms.TypedChoiceField(
        label=_("Kiểm định"),
        choices=[("", _("Tất cả")), *Accreditation.choices],
        coerce=int,
        required=False,
        empty_value=None,
    )
    q.widget.attrs.update(placeholder=_("Tên hoặc mã trường, gõ không dấu cũng được"), autocomplete="off")
