"""Forms of the staff database; choices come through the scoping door, the rules from ``staffing``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from edudb.core.models import Unit
from edudb.core.scoping import Function
from edudb.core.views_base import RecordForm
from edudb.quality.codes import mask_personal_id
from edudb.quality.models import items_of
from edudb.registry import staffing
from edudb.registry.models import StaffMember

STAFF_FIELDS = [
    "unit",
    "ministry_code",
    "full_name",
    "birth_date",
    "gender",
    "ethnicity",
    "personal_id",
    "staff_type",
    "position",
    "contract",
    "rank",
    "subjects",
    "qualification",
    "major",
    "foreign_language_level",
    "it_level",
    "standard_assessment",
    "work_status",
    "joined_on",
    "phone",
    "email",
]

# Which code list each code-list field of a staff record draws from.
STAFF_CODE_LISTS = {
    "gender": "gioi_tinh",
    "ethnicity": "dan_toc",
    "staff_type": "loai_can_bo",
    "position": "chuc_vu",
    "contract": "hinh_thuc_hop_dong",
    "qualification": "trinh_do_dao_tao",
    "standard_assessment": "danh_gia_chuan_nghe_nghiep",
    "work_status": "trang_thai_can_bo",
}


class UnitField(forms.ModelChoiceField[Unit]):
    def label_from_instance(self, obj: Unit) -> str:
        return f"{obj.name} ({obj.code})"


def staff_units(user: Any, function: str = Function.VIEW) -> Any:
    """The units whose staff ``user`` may reach with ``function`` — any kind: the Sở and communes have staff too."""
    return Unit.objects.visible_to(user, function).order_by("name_key")


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StaffForm(RecordForm):
    """Create or edit a staff record. The unit and the Ministry code are fixed once the record exists."""

    unit = UnitField(label=_("Đơn vị"), queryset=Unit.objects.none(), empty_label=_("— Chọn đơn vị —"))
    ministry_code = forms.CharField(
        label=_("Mã cán bộ"),
        max_length=40,
        required=False,
        help_text=_("Mã định danh do Bộ cấp; để trống nếu chưa có. Đã ghi thì không sửa được."),
    )
    personal_id = forms.CharField(
        label=_("Số định danh cá nhân"),
        max_length=40,
        required=False,
        help_text=_("12 chữ số trên CCCD; dữ liệu cá nhân nhạy cảm, được che khi hiển thị."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )

    class Meta:
        model = StaffMember
        fields = STAFF_FIELDS
        widgets = {
            "birth_date": _date_widget(),
            "joined_on": _date_widget(),
            "email": forms.EmailInput(attrs={"autocomplete": "off"}),
            "phone": forms.TextInput(attrs={"inputmode": "tel"}),
        }
        help_texts = {
            "subjects": _("Bắt buộc với giáo viên; nhiều môn cách nhau bởi dấu phẩy."),
            "joined_on": _("Ngày bắt đầu công tác trong ngành."),
        }

    def restrict_choices(self, user: Any) -> None:
        for name, list_code in STAFF_CODE_LISTS.items():
            self.fields[name].queryset = items_of(list_code)  # type: ignore[attr-defined]
        self.fields["unit"].queryset = staff_units(user, Function.ENTER_STAFF)  # type: ignore[attr-defined]
        if self.instance.pk:
            # The record stays with its unit (a move is an operation of its own), and its code never changes.
            self.fields["unit"].disabled = True
            self.fields["ministry_code"].disabled = True
            self.fields["ministry_code"].help_text = (
                _("Mã định danh không thay đổi được.")
                if self.instance.ministry_code
                else _("Hồ sơ chưa có mã: dùng nút “Cấp mã cán bộ” ở trang hồ sơ.")
            )
            # The personal ID is never sent back to the browser: blank keeps the stored one.
            self.initial["personal_id"] = ""
            if self.instance.personal_id:
                self.fields["personal_id"].help_text = _(
                    "Đang lưu: %(masked)s. Để trống nếu không đổi; nhập đủ 12 chữ số để thay."
                ) % {"masked": mask_personal_id(self.instance.personal_id)}
        else:
            working = items_of("trang_thai_can_bo").filter(code=staffing.WORKING).first()
            if working is not None:
                self.fields["work_status"].initial = working.pk

    def clean_full_name(self) -> str:
        return staffing.clean_full_name(self.cleaned_data["full_name"])

    def clean_ministry_code(self) -> str | None:
        staff: StaffMember = self.instance
        if staff.pk:
            return staff.ministry_code
        return staffing.clean_staff_code(self.cleaned_data.get("ministry_code"))

    def clean_personal_id(self) -> str | None:
        staff: StaffMember = self.instance
        raw = self.cleaned_data.get("personal_id")
        if staff.pk and not (raw or "").strip():
            return staff.personal_id
        return staffing.clean_personal_id(raw, instance=staff)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name, message in staffing.check_staff(data).items():
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)
        return data

    def add_write_error(self, exc: ValidationError) -> None:
        """A refusal from the write itself (a code or personal ID taken a moment ago) shown on its field."""
        self.add_error(None if hasattr(exc, "error_dict") else "ministry_code", exc)


class StaffCodeForm(forms.Form):
    """Give a staff record without a Ministry code its code (once)."""

    code = forms.CharField(
        label=_("Mã cán bộ"), max_length=40, help_text=_("Mã định danh do Bộ cấp; đã ghi thì không sửa được.")
    )

    def clean_code(self) -> str:
        code = staffing.clean_staff_code(self.cleaned_data["code"])
        if not code:
            raise ValidationError(_("Hãy nhập mã cán bộ."))
        return code


class StaffSearchForm(forms.Form):
    q = forms.CharField(label=_("Tìm cán bộ"), max_length=100, required=False)
    unit = UnitField(
        label=_("Đơn vị (gồm cả đơn vị trực thuộc)"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("Mọi đơn vị"),
    )
    staff_type = forms.ModelChoiceField(
        label=_("Loại cán bộ"), queryset=items_of("loai_can_bo"), required=False, empty_label=_("Tất cả")
    )
    position = forms.ModelChoiceField(
        label=_("Chức vụ"), queryset=items_of("chuc_vu"), required=False, empty_label=_("Tất cả")
    )
    qualification = forms.ModelChoiceField(
        label=_("Trình độ đào tạo"), queryset=items_of("trinh_do_dao_tao"), required=False, empty_label=_("Tất cả")
    )
    work_status = forms.ModelChoiceField(
        label=_("Trạng thái"), queryset=items_of("trang_thai_can_bo"), required=False, empty_label=_("Tất cả")
    )
    gender = forms.ModelChoiceField(
        label=_("Giới tính"), queryset=items_of("gioi_tinh"), required=False, empty_label=_("Tất cả")
    )
    at_work = forms.BooleanField(
        label=_("Chỉ cán bộ đang công tác"),
        required=False,
        help_text=_("Những người được tính trong số liệu thống kê của đơn vị"),
    )
    q.widget.attrs.update(placeholder=_("Họ tên hoặc mã cán bộ, gõ không dấu cũng được"), autocomplete="off")

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = staff_units(user)  # type: ignore[attr-defined]
