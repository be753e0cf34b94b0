"""Forms and rules of the classes database (R2.2); choices come through the scoping door.

The cross-field rules live in :func:`class_problems`, shared by the page form and the API serializer, so a class
is checked the same way whichever door it comes through (R6.3).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from edudb.core.models import Category, Unit
from edudb.core.scoping import Domain, Function, scope_for
from edudb.core.views_base import RecordForm
from edudb.quality.models import CodeItem, items_of
from edudb.registry.forms import InstitutionField
from edudb.registry.models import SchoolClass, Site, StaffMember
from edudb.reporting.models import SchoolYear

# --- the rules' tables -------------------------------------------------------------------------------------------

# The grades each level group teaches (Luật Giáo dục 2019, Điều 28: tiểu học lớp 1–5, THCS lớp 6–9, THPT lớp
# 10–12). Continuing-education centres (gdtx) teach the THCS and THPT programmes of continuing education (lớp 6–12).
# Mầm non has no grades: its classes are age groups (nhóm trẻ, lớp mẫu giáo).
GRADES_BY_LEVEL: dict[str, range] = {
    "th": range(1, 6),
    "thcs": range(6, 10),
    "thpt": range(10, 13),
    "gdtx": range(6, 13),
}
PRESCHOOL_LEVEL = "mn"
LEVEL_NAMES: dict[str, Any] = {
    "mn": gettext_lazy("mầm non"),
    "th": gettext_lazy("tiểu học"),
    "thcs": gettext_lazy("THCS"),
    "thpt": gettext_lazy("THPT"),
    "gdtx": gettext_lazy("GDTX"),
}

# The legal maximum number of learners in one class (sĩ số tối đa):
# - tiểu học: Điều lệ trường tiểu học (Thông tư 28/2020/TT-BGDĐT), "mỗi lớp có không quá 35 học sinh";
# - THCS, THPT: Điều lệ trường THCS, THPT và trường phổ thông có nhiều cấp học (Thông tư 32/2020/TT-BGDĐT),
#   "mỗi lớp có không quá 45 học sinh"; GDTX classes follow the same ceiling;
# - mầm non: Điều lệ trường mầm non (Thông tư 52/2020/TT-BGDĐT, hợp nhất tại VBHN 01/VBHN-BGDĐT), số trẻ tối đa
#   của nhóm trẻ 3–12 tháng 15, 13–24 tháng 20, 25–36 tháng 25; lớp mẫu giáo 3–4 tuổi 25, 4–5 tuổi 30, 5–6 tuổi 35.
# Keys: "grade:<level>" for graded classes, "age:<code>" for the age groups of the nhom_tuoi_mam_non code list.
MAX_CLASS_SIZE: dict[str, int] = {
    "grade:th": 35,
    "grade:thcs": 45,
    "grade:thpt": 45,
    "grade:gdtx": 45,
    "age:13": 15,
    "age:14": 20,
    "age:15": 25,
    "age:16": 25,
    "age:17": 30,
    "age:18": 35,
}
MAX_SESSIONS_PER_WEEK = 14  # two sessions a day, seven days: anything above is a typing mistake

# Student statuses (trang_thai_hoc_sinh) of learners who are in their class: đang học, chuyển đến (kỳ 1, kỳ 2, hè),
# nghỉ học xin học lại (kỳ 1, kỳ 2). The others (chuyển đi, thôi học) have left it.
PRESENT_STATUSES = ("01", "02", "03", "06", "07", "10")

GRADE_CHOICES = [(n, format_lazy("{} {}", gettext_lazy("Khối"), n)) for n in range(1, 13)]
FLAG_FIELDS = {
    "is_mixed": gettext_lazy("Lớp ghép"),
    "two_sessions": gettext_lazy("Học 2 buổi/ngày"),
    "semi_boarding": gettext_lazy("Có bán trú"),
    "is_specialised": gettext_lazy("Lớp chuyên / năng khiếu"),
}


def level_of_grade(grade: int, levels: list[str]) -> str | None:
    """The school's level group that teaches ``grade`` (multi-level schools have several), or None."""
    for level in levels:
        if grade in GRADES_BY_LEVEL.get(level, ()):
            return level
    return None


def legal_class_size(grade: int | None, age_group: CodeItem | None, levels: list[str]) -> int | None:
    """The legal maximum size of a class of this grade or age group in a school of these levels."""
    if grade is not None:
        level = level_of_grade(grade, levels)
        return MAX_CLASS_SIZE.get(f"grade:{level}") if level else None
    if age_group is not None:
        return MAX_CLASS_SIZE.get(f"age:{age_group.code}")
    return None


def _grade_span(levels: list[str]) -> str:
    spans = []
    for level in levels:
        grades = GRADES_BY_LEVEL.get(level)
        if grades:
            spans.append(f"{LEVEL_NAMES.get(level, level)}: {grades[0]}–{grades[-1]}")
    return "; ".join(spans)


def class_problems(
    user: Any,
    *,
    instance_pk: int | None,
    unit: Unit | None,
    school_year: SchoolYear | None,
    name: str,
    grade: int | None,
    age_group: CodeItem | None,
    site: Site | None,
    homeroom_teacher: StaffMember | None,
    max_students: int | None,
    is_specialised: bool,
    specialised_subject: str,
) -> dict[str, str]:
    """Every cross-field problem of a class, as {field: a Vietnamese message naming the field and the fix}."""
    problems: dict[str, str] = {}
    if unit is None:
        return problems  # the unit field reports its own error
    levels = unit.levels
    graded = [level for level in levels if level in GRADES_BY_LEVEL]
    if grade is not None and age_group is not None:
        problems["age_group"] = _(
            "Nhóm tuổi (mầm non): lớp đã có khối lớp. Chỉ chọn một trong hai — khối lớp cho lớp phổ thông, nhóm tuổi "
            "cho nhóm trẻ, lớp mẫu giáo."
        )
    elif grade is None and age_group is None:
        problems["grade"] = _(
            "Khối lớp: hãy chọn khối lớp (lớp phổ thông) hoặc nhóm tuổi (nhóm trẻ, lớp mẫu giáo mầm non)."
        )
    elif grade is not None and level_of_grade(grade, levels) is None:
        if graded:
            problems["grade"] = _(
                "Khối lớp: khối %(grade)s không thuộc cấp học của %(school)s (%(span)s). Hãy chọn khối lớp phù hợp."
            ) % {"grade": grade, "school": unit.name, "span": _grade_span(graded)}
        else:
            problems["grade"] = _(
                "Khối lớp: %(school)s không dạy lớp phổ thông. Hãy để trống khối lớp và chọn nhóm tuổi (mầm non)."
            ) % {"school": unit.name}
    elif age_group is not None and PRESCHOOL_LEVEL not in levels:
        problems["age_group"] = _(
            "Nhóm tuổi (mầm non): %(school)s không có cấp mầm non. Hãy để trống nhóm tuổi và chọn khối lớp."
        ) % {"school": unit.name}

    if site is not None and site.unit_id != unit.pk:
        problems["site"] = _(
            "Điểm trường: điểm trường đã chọn không thuộc %(school)s. Hãy chọn một điểm trường của trường này."
        ) % {"school": unit.name}
    if homeroom_teacher is not None and homeroom_teacher.unit_id != unit.pk:
        problems["homeroom_teacher"] = _(
            "Giáo viên chủ nhiệm: người đã chọn không phải cán bộ, giáo viên của %(school)s. Hãy chọn một giáo viên "
            "của trường."
        ) % {"school": unit.name}

    if "grade" not in problems and "age_group" not in problems and max_students is not None:
        limit = legal_class_size(grade, age_group, levels)
        if max_students < 1:
            problems["max_students"] = _("Sĩ số tối đa: hãy ghi một số lớn hơn 0, hoặc để trống.")
        elif limit is not None and max_students > limit:
            problems["max_students"] = _(
                "Sĩ số tối đa: %(value)s vượt mức Điều lệ trường cho phép với lớp này (không quá %(limit)s). Hãy ghi "
                "số không quá %(limit)s."
            ) % {"value": max_students, "limit": limit}

    if is_specialised and not specialised_subject:
        problems["specialised_subject"] = _("Môn chuyên: lớp chuyên / năng khiếu cần ghi môn chuyên.")
    elif specialised_subject and not is_specialised:
        problems["specialised_subject"] = _(
            "Môn chuyên: chỉ ghi môn chuyên với lớp chuyên / năng khiếu. Hãy đánh dấu «Lớp chuyên / năng khiếu» hoặc "
            "xóa môn chuyên."
        )

    if name and school_year is not None and "name" not in problems:
        same_name = SchoolClass.objects.visible_to(user, Function.ENTER_UNITS).filter(
            unit=unit, school_year=school_year, name__iexact=name
        )
        if instance_pk is not None:
            same_name = same_name.exclude(pk=instance_pk)
        if same_name.exists():
            problems["name"] = _(
                "Tên lớp: %(school)s đã có lớp «%(name)s» trong năm học %(year)s. Hãy đặt tên khác hoặc sửa lớp đã có."
            ) % {"school": unit.name, "name": name, "year": school_year}
    return problems


# --- choices through the scoping door ----------------------------------------------------------------------------


def writable_institutions(user: Any, function: str) -> QuerySet[Unit]:
    """Institutions the user may write ``function`` data for."""
    return (
        Unit.objects.visible_to(user, function)
        .filter(kind__category=Category.INSTITUTION)
        .select_related("kind")
        .order_by("name_key")
    )


def institutions_in_domain(user: Any, domain: str) -> QuerySet[Unit]:
    """Institutions whose ``domain`` data the user may view (a Sở office sees only its field's)."""
    scope = scope_for(user)
    condition = scope.unit_q(domain) if scope and scope.allows(Function.VIEW) else None
    if condition is None:
        return Unit.objects.none()
    return Unit.objects.visible_to(user).filter(condition, kind__category=Category.INSTITUTION).order_by("name_key")


def current_school_year() -> SchoolYear | None:
    """The current school year (reference data, the same for everyone)."""
    return SchoolYear.objects.filter(is_current=True).first()


def school_years() -> QuerySet[SchoolYear]:
    return SchoolYear.objects.order_by("-start_year")


def as_pk(value: Any) -> int | None:
    if isinstance(value, Unit):
        return value.pk
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


class SiteField(forms.ModelChoiceField[Site]):
    def label_from_instance(self, obj: Site) -> str:
        return f"{obj.name} ({obj.code})" + ("" if obj.is_active else f" — {_('ngừng hoạt động')}")


class StaffField(forms.ModelChoiceField[StaffMember]):
    def label_from_instance(self, obj: StaffMember) -> str:
        return f"{obj.full_name} ({obj.birth_date:%Y})"


class SchoolRecordForm(RecordForm):
    """A record of one school whose other choices (sites, staff) follow the chosen school.

    The school comes from the record (edit), the posted data or the page's ?unit= (create); until one is chosen
    the dependent lists are empty, so a Sở-wide account never gets every site of the city in one list.
    """

    write_function = Function.ENTER_UNITS
    create_route = "registry:class_create"  # the page that reloads the form when the school changes (htmx)
    unit = InstitutionField(label=gettext_lazy("Cơ sở giáo dục"), queryset=Unit.objects.none())
    school_year = forms.ModelChoiceField(label=gettext_lazy("Năm học"), queryset=SchoolYear.objects.none())

    def restrict_choices(self, user: Any) -> None:
        writable = writable_institutions(user, self.write_function)
        self.fields["unit"].queryset = writable  # type: ignore[attr-defined]
        self.fields["unit"].empty_label = _("— Chọn trường —")  # type: ignore[attr-defined]
        self.fields["school_year"].queryset = school_years()  # type: ignore[attr-defined]
        self.fields["school_year"].empty_label = _("— Chọn năm học —")  # type: ignore[attr-defined]
        self.fields["site"].empty_label = _("— Chọn điểm trường —")  # type: ignore[attr-defined]
        if self.instance.pk:
            self.fields["unit"].disabled = True  # a record stays with its school
            self.chosen_unit: Unit | None = self.instance.unit
        else:
            raw = self.data.get("unit") if self.is_bound else self.initial.get("unit")
            pk = as_pk(raw)
            self.chosen_unit = writable.filter(pk=pk).first() if pk else None
            if not self.is_bound and self.chosen_unit is None and len(choices := list(writable[:2])) == 1:
                self.chosen_unit = choices[0]  # a school's own clerk: its school, already chosen
                self.initial["unit"] = self.chosen_unit.pk
            if not self.initial.get("school_year") and not self.is_bound:
                self.initial["school_year"] = current_school_year()
            self.fields["unit"].widget.attrs.update(
                {
                    "hx-get": reverse(self.create_route),
                    "hx-trigger": "change",
                    "hx-target": "#record-form",
                    "hx-select": "#record-form",
                    "hx-swap": "outerHTML",
                    "hx-include": "[name=unit],[name=school_year]",
                }
            )
        site_field = self.fields["site"]
        site_field.error_messages["invalid_choice"] = _(
            "Điểm trường: điểm trường đã chọn không thuộc trường này. Hãy chọn một điểm trường của trường đã chọn."
        )
        if self.chosen_unit is None:
            site_field.help_text = _("Chọn trường trước để thấy các điểm trường của trường.")
            site_field.queryset = Site.objects.none()  # type: ignore[attr-defined]
        else:
            site_field.queryset = (  # type: ignore[attr-defined]
                Site.objects.visible_to(user).filter(unit=self.chosen_unit).order_by("-is_main", "name")
            )


class SchoolClassForm(SchoolRecordForm):
    site = SiteField(label=gettext_lazy("Điểm trường"), queryset=Site.objects.none(), required=False)
    grade = forms.TypedChoiceField(
        label=gettext_lazy("Khối lớp"),
        choices=[("", gettext_lazy("— Không (mầm non) —")), *GRADE_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=gettext_lazy("Lớp phổ thông: khối 1–12. Nhóm trẻ, lớp mẫu giáo: để trống và chọn nhóm tuổi."),
    )
    homeroom_teacher = StaffField(
        label=gettext_lazy("Giáo viên chủ nhiệm"), queryset=StaffMember.objects.none(), required=False
    )
    sessions_per_week = forms.IntegerField(
        label=gettext_lazy("Số buổi học/tuần"), min_value=1, max_value=MAX_SESSIONS_PER_WEEK, required=False
    )
    max_students = forms.IntegerField(label=gettext_lazy("Sĩ số tối đa"), min_value=1, max_value=999, required=False)

    class Meta:
        model = SchoolClass
        fields = [
            "unit",
            "school_year",
            "site",
            "name",
            "grade",
            "age_group",
            "homeroom_teacher",
            "max_students",
            "is_mixed",
            "two_sessions",
            "semi_boarding",
            "is_specialised",
            "specialised_subject",
            "foreign_language",
            "sessions_per_week",
        ]

    def restrict_choices(self, user: Any) -> None:
        super().restrict_choices(user)
        self.fields["age_group"].queryset = items_of("nhom_tuoi_mam_non")  # type: ignore[attr-defined]
        self.fields["age_group"].empty_label = _("— Không (lớp phổ thông) —")  # type: ignore[attr-defined]
        self.fields["foreign_language"].queryset = items_of("ngoai_ngu")  # type: ignore[attr-defined]
        self.fields["foreign_language"].empty_label = _("— Không học ngoại ngữ —")  # type: ignore[attr-defined]
        teacher = self.fields["homeroom_teacher"]
        teacher.empty_label = _("— Chưa phân công —")  # type: ignore[attr-defined]
        teacher.error_messages["invalid_choice"] = _(
            "Giáo viên chủ nhiệm: người đã chọn không phải cán bộ, giáo viên của trường này. Hãy chọn một giáo viên "
            "của trường."
        )
        if self.chosen_unit is None:
            teacher.help_text = _("Chọn trường trước để thấy danh sách giáo viên của trường.")
        else:
            teacher.queryset = (  # type: ignore[attr-defined]
                StaffMember.objects.visible_to(user).filter(unit=self.chosen_unit).order_by("name_key")
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        problems = class_problems(
            self.user,
            instance_pk=self.instance.pk,
            unit=data.get("unit"),
            school_year=data.get("school_year"),
            name=data.get("name") or "",
            grade=data.get("grade"),
            age_group=data.get("age_group"),
            site=data.get("site"),
            homeroom_teacher=data.get("homeroom_teacher"),
            max_students=data.get("max_students"),
            is_specialised=bool(data.get("is_specialised")),
            specialised_subject=data.get("specialised_subject") or "",
        )
        for field, message in problems.items():
            if field not in self.errors:
                self.add_error(field, message)
        return data


class ClassFilterForm(forms.Form):
    """The filters of the class list; the school year defaults to the current one."""

    q = forms.CharField(label=gettext_lazy("Tìm lớp"), max_length=100, required=False)
    school_year = forms.ModelChoiceField(
        label=gettext_lazy("Năm học"),
        queryset=SchoolYear.objects.none(),
        required=False,
        empty_label=gettext_lazy("Mọi năm học"),
    )
    unit = InstitutionField(
        label=gettext_lazy("Trường"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=gettext_lazy("Mọi trường"),
    )
    grade = forms.TypedChoiceField(
        label=gettext_lazy("Khối lớp"),
        choices=[("", gettext_lazy("Mọi khối")), ("0", gettext_lazy("Mầm non (nhóm tuổi)")), *GRADE_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
    )
    flag = forms.ChoiceField(
        label=gettext_lazy("Đặc điểm"),
        choices=[("", gettext_lazy("Tất cả")), *FLAG_FIELDS.items()],
        required=False,
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school_year"].queryset = school_years()  # type: ignore[attr-defined]
        self.fields["unit"].queryset = institutions_in_domain(user, Domain.CLASSES).select_related("kind")  # type: ignore[attr-defined]
        self.fields["q"].widget.attrs.update(
            placeholder=_("Tên lớp hoặc tên trường, gõ không dấu cũng được"), autocomplete="off"
        )
