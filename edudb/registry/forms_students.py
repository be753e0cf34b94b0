"""Forms of the students database; choices come through the scoping door, rules from edudb.registry.enrolment."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.forms.models import ModelChoiceIterator
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edudb.core.models import Category, Unit
from edudb.core.scoping import Function, scope_for
from edudb.core.views_base import NormalisingForm, RecordForm
from edudb.quality.codes import mask_personal_id, repair_code, validate_digits
from edudb.quality.models import items_of
from edudb.quality.text import clean_text, person_name
from edudb.registry import enrolment
from edudb.registry.forms import InstitutionField
from edudb.registry.models import Guardian, SchoolClass, Student

DATE_WIDGET = {"attrs": {"type": "date"}, "format": "%Y-%m-%d"}


def student_schools(user: Any, function: str = Function.ENTER_STUDENTS) -> QuerySet[Unit]:
    """Institutions in the user's scope where they hold ``function`` (enrolment happens in institutions only)."""
    return (
        Unit.objects.visible_to(user, function)
        .filter(kind__category=Category.INSTITUTION)
        .select_related("kind")
        .order_by("name_key")
    )


def current_classes(user: Any, function: str = Function.ENTER_STUDENTS) -> QuerySet[SchoolClass]:
    """Classes of the current school year the user reaches with ``function``."""
    return (
        SchoolClass.objects.visible_to(user, function)
        .filter(school_year__is_current=True)
        .select_related("unit", "school_year")
        .order_by("unit__name_key", "grade", "name")
    )


def _as_id(value: Any) -> int | None:
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


class _ShownChoices(ModelChoiceIterator):
    """Iterates the classes to show (one school's) rather than every class the field accepts."""

    def __init__(self, field: ClassChoiceField) -> None:
        super().__init__(field)
        if field.shown is not None:
            self.queryset = field.shown


class ClassChoiceField(forms.ModelChoiceField[SchoolClass]):
    """A class: accepts any class the editor may fill (so a class of another school gets a clear message from
    clean()), but lists only the classes of the chosen school."""

    iterator = _ShownChoices
    shown: QuerySet[SchoolClass] | None = None

    def show(self, queryset: QuerySet[SchoolClass]) -> None:
        self.shown = queryset
        self.widget.choices = self.choices

    def label_from_instance(self, obj: SchoolClass) -> str:
        grade = _("khối %(g)s") % {"g": obj.grade} if obj.grade else _("mầm non")
        return f"{obj.name} ({grade}, {obj.school_year})"


class StudentForm(RecordForm):
    """Edit a student's record; the school, the codes and (unless retyped) the personal ID stay as they are."""

    school_class = ClassChoiceField(
        label=_("Lớp"), queryset=SchoolClass.objects.none(), required=False, empty_label=_("— Chưa xếp lớp —")
    )
    personal_id = forms.CharField(
        label=_("Số định danh cá nhân"),
        max_length=20,
        required=False,
        help_text=_("12 chữ số trên giấy khai sinh hoặc thẻ căn cước; dữ liệu nhạy cảm, luôn được che khi hiển thị."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )

    class Meta:
        model = Student
        fields = [
            "school_class",
            "full_name",
            "birth_date",
            "gender",
            "ethnicity",
            "nationality",
            "religion",
            "birthplace",
            "phone",
            "home_commune_code",
            "home_address",
            "current_address",
            "status",
            "status_on",
            "enrolled_on",
            "disability",
            "policy_groups",
            "semi_boarding",
            "boarding",
            "orphan",
        ]
        widgets = {
            "birth_date": forms.DateInput(**DATE_WIDGET),  # type: ignore[arg-type]
            "status_on": forms.DateInput(**DATE_WIDGET),  # type: ignore[arg-type]
            "enrolled_on": forms.DateInput(**DATE_WIDGET),  # type: ignore[arg-type]
            "policy_groups": forms.CheckboxSelectMultiple,
        }

    FIELDSETS: tuple[tuple[Any, tuple[str, ...]], ...] = (
        (_("Trường, lớp"), ("unit", "school_class", "enrolled_on")),
        (_("Thông tin cá nhân"), ("full_name", "birth_date", "gender", "ethnicity", "nationality", "religion")),
        (_("Mã định danh"), ("ministry_code", "personal_id")),
        (
            _("Nơi sinh, địa chỉ, liên hệ"),
            ("birthplace", "home_commune_code", "home_address", "current_address", "phone"),
        ),
        (_("Trạng thái"), ("status", "status_on")),
        (_("Hỗ trợ, chính sách"), ("disability", "policy_groups", "semi_boarding", "boarding", "orphan")),
    )

    def restrict_choices(self, user: Any) -> None:
        for name, list_code in (
            ("gender", "gioi_tinh"),
            ("ethnicity", "dan_toc"),
            ("nationality", "quoc_tich"),
            ("religion", "ton_giao"),
            ("status", enrolment.STATUS_LIST),
            ("disability", "loai_khuyet_tat"),
            ("policy_groups", "doi_tuong_chinh_sach"),
        ):
            self.fields[name].queryset = items_of(list_code)  # type: ignore[attr-defined]
        for name, label in (
            ("gender", _("— Chọn giới tính —")),
            ("ethnicity", _("— Chọn dân tộc —")),
            ("nationality", _("— Chọn quốc tịch —")),
            ("religion", _("— Chưa khai báo —")),
            ("status", _("— Chọn trạng thái —")),
            ("disability", _("— Không khuyết tật —")),
        ):
            self.fields[name].empty_label = label  # type: ignore[attr-defined]
        field: ClassChoiceField = self.fields["school_class"]  # type: ignore[assignment]
        if self.instance.pk:
            unit_classes = current_classes(user).filter(unit=self.instance.unit_id)
            # A class of an earlier year the student still sits in stays selectable until it is changed.
            field.queryset = (
                SchoolClass.objects.visible_to(user, Function.ENTER_STUDENTS)
                .filter(Q(pk__in=unit_classes.values("pk")) | Q(pk=self.instance.school_class_id))
                .select_related("unit", "school_year")
            )
            field.show(field.queryset.order_by("grade", "name"))
            self.fields["personal_id"].help_text = _(
                "Để trống để giữ số đang lưu (%(masked)s); chỉ nhập khi cần sửa."
            ) % {"masked": mask_personal_id(self.instance.personal_id) or _("chưa có")}

    def fieldsets(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [(title, [self[name] for name in names if name in self.fields]) for title, names in self.FIELDSETS]

    def clean_full_name(self) -> str:
        name = person_name(self.cleaned_data.get("full_name"))
        if not any(ch.isalpha() for ch in name):
            raise ValidationError(_("Họ và tên phải có chữ cái; hãy ghi đầy đủ họ, đệm và tên."))
        return name

    def clean_personal_id(self) -> str:
        return enrolment.clean_personal_id(self.cleaned_data.get("personal_id"), exclude_pk=self.instance.pk)

    def clean_phone(self) -> str:
        return enrolment.clean_phone(self.cleaned_data.get("phone"))

    def clean_home_commune_code(self) -> str:
        raw = self.cleaned_data.get("home_commune_code")
        if not raw:
            return ""
        code = repair_code(raw, length=5)
        validate_digits(code, length=5, label=str(_("Mã xã/phường thường trú")))
        return code

    def school(self) -> Unit | None:
        return self.instance.unit if self.instance.pk else None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for check in (
            lambda: enrolment.check_class_school(data.get("school_class"), self.school()),
            lambda: enrolment.check_birth_date(
                data.get("birth_date"), data.get("school_class"), disabled=data.get("disability") is not None
            ),
            lambda: enrolment.check_enrolled_on(data.get("enrolled_on"), data.get("birth_date")),
        ):
            try:
                check()
            except ValidationError as exc:
                self.add_error(None, exc)
        return data

    def apply(self, student: Student) -> Student:
        """The instance with the form's values, including a retyped personal ID (kept when left empty)."""
        if self.cleaned_data.get("personal_id"):
            student.personal_id = self.cleaned_data["personal_id"]
        return student


class NewStudentForm(StudentForm):
    """Enrol a new student in a school in scope; a Ministry code if known, else a temporary one is issued."""

    unit = InstitutionField(label=_("Trường"), queryset=Unit.objects.none(), empty_label=_("— Chọn trường —"))
    ministry_code = forms.CharField(
        label=_("Mã định danh học sinh (Bộ GD&ĐT)"),
        max_length=30,
        required=False,
        help_text=_("10 chữ số do Bộ cấp. Để trống nếu chưa có: hệ thống cấp mã tạm, gán mã của Bộ sau."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )

    class Meta(StudentForm.Meta):
        fields = ["unit", *StudentForm.Meta.fields]

    def restrict_choices(self, user: Any) -> None:
        super().restrict_choices(user)
        schools = student_schools(user)
        self.fields["unit"].queryset = schools  # type: ignore[attr-defined]
        self.fields["unit"].widget.attrs.update(
            {
                "hx-get": reverse("registry:student_create"),
                "hx-target": "#class-field",
                "hx-select": "#class-field",
                "hx-swap": "outerHTML",
                "hx-trigger": "change",
            }
        )
        classes = current_classes(user).filter(unit__in=schools.values("pk"))
        field: ClassChoiceField = self.fields["school_class"]  # type: ignore[assignment]
        field.queryset = classes
        chosen = _as_id(self.data.get("unit") if self.is_bound else self.initial.get("unit"))
        if chosen is None and not self.is_bound:
            only = list(schools[:2])
            if len(only) == 1:  # one school to choose from: choose it
                chosen = only[0].pk
                self.initial["unit"] = chosen
        field.show(classes.filter(unit=chosen) if chosen else classes.none())
        if not self.is_bound:
            self.initial.setdefault("status", enrolment.default_status())
            self.initial.setdefault("nationality", enrolment.default_nationality())
            self.initial.setdefault("enrolled_on", timezone.localdate())

    def school(self) -> Unit | None:
        unit = self.cleaned_data.get("unit")
        return unit if isinstance(unit, Unit) else None

    def clean_ministry_code(self) -> str:
        return enrolment.clean_new_ministry_code(self.cleaned_data.get("ministry_code"))


class GuardianForm(NormalisingForm, forms.Form):
    """One parent or guardian; a row left empty is skipped. Names and phones go through the normalisation layer."""

    relation = forms.ChoiceField(label=_("Quan hệ"), choices=[("", "—"), *Guardian.Relation.choices], required=False)
    full_name = forms.CharField(label=_("Họ và tên"), max_length=120, required=False)
    birth_year = forms.IntegerField(label=_("Năm sinh"), min_value=1900, required=False)
    occupation = forms.CharField(label=_("Nghề nghiệp"), max_length=120, required=False)
    phone = forms.CharField(
        label=_("Điện thoại"), max_length=20, required=False, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # shown as table cells under a header row: name each input
            field.widget.attrs.setdefault("aria-label", str(field.label))

    def clean_full_name(self) -> str:
        return person_name(self.cleaned_data.get("full_name"))

    def clean_occupation(self) -> str:
        return clean_text(self.cleaned_data.get("occupation"))

    def clean_birth_year(self) -> int | None:
        year = self.cleaned_data.get("birth_year")
        if year and year > timezone.localdate().year - 10:
            raise ValidationError(_("Năm sinh của cha, mẹ, người giám hộ chưa hợp lý; hãy kiểm tra lại."))
        return year

    def clean_phone(self) -> str:
        return enrolment.clean_phone(self.cleaned_data.get("phone"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("DELETE"):
            return data
        others = any(data.get(name) for name in ("birth_year", "occupation", "phone"))
        if not data.get("full_name"):
            if others:
                self.add_error("full_name", _("Hãy ghi họ và tên, hoặc xoá các ô khác của dòng này."))
        elif not data.get("relation"):
            self.add_error("relation", _("Hãy chọn quan hệ với học sinh (cha, mẹ hoặc người giám hộ)."))
        return data

    def row(self) -> dict[str, Any] | None:
        data = self.cleaned_data
        if not data or data.get("DELETE") or not data.get("full_name"):
            return None
        return {name: data.get(name) for name in enrolment.GUARDIAN_FIELDS}


NewGuardianFormSet = forms.formset_factory(GuardianForm, extra=0, max_num=4, validate_max=True, absolute_max=10)
GuardianFormSet = forms.formset_factory(
    GuardianForm, extra=1, can_delete=True, max_num=6, validate_max=True, absolute_max=10
)
NEW_GUARDIANS_INITIAL = [{"relation": Guardian.Relation.FATHER}, {"relation": Guardian.Relation.MOTHER}]


def guardian_rows(formset: forms.BaseFormSet[GuardianForm]) -> list[dict[str, Any]]:
    return [row for form in formset.forms if (row := form.row()) is not None]


class SetMinistryCodeForm(forms.Form):
    ministry_code = forms.CharField(
        label=_("Mã định danh học sinh do Bộ cấp"),
        max_length=30,
        help_text=_("10 chữ số. Sau khi gán, mã không thay đổi được; mã tạm vẫn lưu trong lịch sử."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )


class ClassFilterField(forms.ModelChoiceField[SchoolClass]):
    def label_from_instance(self, obj: SchoolClass) -> str:
        return obj.name  # the current year's classes of one school: the name says it all


class StudentSearchForm(forms.Form):
    q = forms.CharField(label=_("Tìm học sinh"), max_length=100, required=False)
    unit = InstitutionField(
        label=_("Trường"), queryset=Unit.objects.none(), required=False, empty_label=_("Mọi trường")
    )
    school_class = ClassFilterField(
        label=_("Lớp"), queryset=SchoolClass.objects.none(), required=False, empty_label=_("Mọi lớp")
    )
    grade = forms.TypedChoiceField(
        label=_("Khối"),
        choices=[("", _("Mọi khối")), *((g, str(g)) for g in range(1, 13))],
        coerce=int,
        required=False,
        empty_value=None,
    )
    status = forms.ModelChoiceField(
        label=_("Trạng thái"), queryset=items_of(enrolment.STATUS_LIST), required=False, empty_label=_("Mọi trạng thái")
    )
    gender = forms.ModelChoiceField(
        label=_("Giới tính"), queryset=items_of("gioi_tinh"), required=False, empty_label=_("Tất cả")
    )
    on_roll = forms.BooleanField(
        label=_("Chỉ học sinh đang có tên"),
        required=False,
        help_text=_("Đang học, chuyển đến, nghỉ học xin học lại — những em được tính trong số liệu thống kê"),
    )
    q.widget.attrs.update(placeholder=_("Họ tên (gõ không dấu cũng được) hoặc mã học sinh"), autocomplete="off")

    def __init__(self, data: Any, *, user: Any) -> None:
        super().__init__(data)
        visible_students = Student.objects.visible_to(user).filter(unit=OuterRef("pk"))
        self.fields["unit"].queryset = student_schools(user, Function.VIEW).filter(  # type: ignore[attr-defined]
            Exists(visible_students)
        )
        chosen = _as_id(data.get("unit")) if data else None
        scope = scope_for(user)
        if chosen is None and scope is not None and scope.unit.kind.category == Category.INSTITUTION:
            chosen = scope.unit.pk  # a school's own classes, without choosing the school first
        classes = (
            SchoolClass.objects.visible_to(user)
            .filter(school_year__is_current=True, unit=chosen)
            .order_by("grade", "name")
        )
        self.fields["school_class"].queryset = classes if chosen else SchoolClass.objects.none()  # type: ignore[attr-defined]
        if not chosen:
            self.fields["school_class"].help_text = _("Chọn trường để lọc theo lớp.")
