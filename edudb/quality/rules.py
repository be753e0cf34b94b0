"""Validation rules (R6.3, chính xác): format, range, cross-field and cross-record checks of the records.

Each rule is a small function over one record that yields ``(field, message)`` pairs; the same function runs when
a record is saved (forms and API, through :func:`check_record`) and over existing data in the background
(:mod:`edudb.quality.scoring`), so a record is judged the same way whichever door it came through. Messages are
Vietnamese, name the field and say what to do. The Sở may switch a rule off or change whether it blocks
(:class:`~edudb.quality.models.RuleSetting`); the defaults here follow the regulations cited in each message.

Cross-record rules that need the whole table (the same child in two schools) live in :func:`find_duplicate_children`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Any

from django.db import models
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from edudb.quality.models import CodeItem, RuleSetting, Severity, Target

Finding = tuple[str, str]  # (field, message)
CheckFn = Callable[[Any, "Context"], Iterable[Finding]]

PRESENT_STUDENT = frozenset({"01", "02", "03", "06", "07", "10"})  # trang_thai_hoc_sinh: on the school's roll
WORKING_STAFF = frozenset({"01", "02", "05", "06", "07", "08"})  # trang_thai_can_bo: still on the unit's staff
_PHONE = re.compile(r"^0\d{9,10}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

# The age (in whole years reached during the school year's first calendar year) each preschool group is for.
AGE_GROUP_AGES = {"13": (0, 1), "14": (1, 2), "15": (2, 3), "16": (3, 3), "17": (4, 4), "18": (5, 5)}


@dataclass(frozen=True)
class Problem:
    """One rule broken by one record: where, what to do, and whether it blocks."""

    rule: str
    field: str
    message: str
    severity: str


@dataclass(frozen=True)
class Rule:
    """A validation rule: a code the Sở's settings refer to, what it looks at, and its check."""

    code: str
    target: str
    severity: str
    title: Any
    fields: tuple[str, ...]
    check: CheckFn


RULES: dict[str, Rule] = {}


def rule(code: str, target: str, severity: str, title: Any, fields: tuple[str, ...]) -> Callable[[CheckFn], CheckFn]:
    """Register a check under ``code``."""

    def register(check: CheckFn) -> CheckFn:
        RULES[code] = Rule(code, target, severity, title, fields, check)
        return check

    return register


@dataclass(frozen=True)
class ClassInfo:
    unit_id: int
    name: str
    grade: int | None
    age_group: str
    start_year: int


@dataclass
class Context:
    """What the checks look up besides the record itself, loaded in bulk for a scan or lazily for one save."""

    today: dt.date = field(default_factory=timezone.localdate)
    codes: dict[int, str] = field(default_factory=dict)
    classes: dict[int, ClassInfo] = field(default_factory=dict)
    class_sizes: dict[int, int] | None = None

    def code(self, item_id: int | None) -> str:
        if item_id is None:
            return ""
        self.load_codes()
        return self.codes.get(item_id, "")

    def load_codes(self) -> None:
        """Every code list item's code, once (one query), for a run over many records."""
        if not self.codes:
            self.codes = dict(CodeItem.objects.order_by().values_list("pk", "code"))

    def school_class(self, class_id: int | None) -> ClassInfo | None:
        if class_id is None:
            return None
        if class_id not in self.classes:
            self.load_classes(Q(pk=class_id))
        return self.classes.get(class_id)

    def load_classes(self, condition: Q) -> None:
        from edudb.registry.models import SchoolClass

        rows = (
            SchoolClass.objects.filter(condition)
            .order_by()
            .values_list("pk", "unit_id", "name", "grade", "age_group__code", "school_year__start_year")
        )
        for pk, unit_id, name, grade, age_group, start_year in rows:
            self.classes[pk] = ClassInfo(unit_id, name, grade, age_group or "", start_year)

    def class_size(self, class_id: int) -> int:
        from edudb.registry.models import Student

        if self.class_sizes is not None:
            return self.class_sizes.get(class_id, 0)
        return Student.objects.filter(school_class_id=class_id, status__code__in=PRESENT_STUDENT).count()


def _d(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _years_between(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


# --- Learners -----------------------------------------------------------------------------------------------------


@rule(
    "student.birth_date",
    Target.STUDENT,
    Severity.ERROR,
    gettext_lazy("Ngày sinh của học sinh hợp lý (không ở tương lai, không quá xa)"),
    ("birth_date",),
)
def _student_birth_date(s: Any, ctx: Context) -> Iterator[Finding]:
    if s.birth_date and s.birth_date > ctx.today:
        yield (
            "birth_date",
            _("Ngày sinh %(d)s ở tương lai: hãy sửa Ngày sinh theo giấy khai sinh.") % {"d": _d(s.birth_date)},
        )
    elif s.birth_date and s.birth_date.year < 1930:
        yield (
            "birth_date",
            _("Ngày sinh %(d)s quá xa (trước năm 1930): hãy kiểm tra năm sinh.") % {"d": _d(s.birth_date)},
        )


@rule(
    "student.age_grade",
    Target.STUDENT,
    Severity.WARNING,
    gettext_lazy("Tuổi học sinh phù hợp với khối lớp hoặc nhóm tuổi mầm non"),
    ("birth_date", "school_class"),
)
def _student_age_grade(s: Any, ctx: Context) -> Iterator[Finding]:
    info = ctx.school_class(s.school_class_id)
    if info is None or not s.birth_date:
        return
    age = info.start_year - s.birth_date.year  # the age reached during the school year's first calendar year
    if info.grade:
        expected = info.grade + 5  # grade 1 at six (Luật Giáo dục 2019, Điều 28)
        if not expected <= age <= expected + 3:
            yield (
                "birth_date",
                _(
                    "Học sinh sinh năm %(born)s mà học lớp %(cls)s (khối %(grade)s, năm học %(y)s–%(y1)s thường gồm học "
                    "sinh sinh năm %(usual)s): hãy kiểm tra Ngày sinh hoặc Lớp."
                )
                % {
                    "born": s.birth_date.year,
                    "cls": info.name,
                    "grade": info.grade,
                    "y": info.start_year,
                    "y1": info.start_year + 1,
                    "usual": info.start_year - expected,
                },
            )
    elif info.age_group in AGE_GROUP_AGES:
        low, high = AGE_GROUP_AGES[info.age_group]
        if not low <= age <= high + 1:
            yield (
                "birth_date",
                _(
                    "Trẻ sinh năm %(born)s không thuộc độ tuổi của nhóm/lớp %(cls)s: hãy kiểm tra Ngày sinh hoặc xếp trẻ "
                    "vào nhóm/lớp đúng độ tuổi."
                )
                % {"born": s.birth_date.year, "cls": info.name},
            )


@rule(
    "student.status_date",
    Target.STUDENT,
    Severity.WARNING,
    gettext_lazy("Trạng thái khác “Đang học” có ngày của trạng thái"),
    ("status", "status_on"),
)
def _student_status_date(s: Any, ctx: Context) -> Iterator[Finding]:
    code = ctx.code(s.status_id)
    if code and code != "01" and not s.status_on:
        yield (
            "status_on",
            _(
                "Học sinh có trạng thái mã %(code)s nhưng chưa có Ngày của trạng thái: hãy ghi ngày chuyển đến, chuyển "
                "đi, thôi học hoặc học lại."
            )
            % {"code": code},
        )


_DATE_LABELS = (("enrolled_on", gettext_lazy("Ngày nhập học")), ("status_on", gettext_lazy("Ngày của trạng thái")))


@rule(
    "student.dates_order",
    Target.STUDENT,
    Severity.ERROR,
    gettext_lazy("Ngày nhập học và ngày của trạng thái sau ngày sinh, không ở tương lai"),
    ("enrolled_on", "status_on"),
)
def _student_dates_order(s: Any, ctx: Context) -> Iterator[Finding]:
    horizon = ctx.today + dt.timedelta(days=120)  # enrolment for the coming year is typed in the summer
    for name, label in _DATE_LABELS:
        day = getattr(s, name)
        if not day:
            continue
        if s.birth_date and day < s.birth_date:
            yield (
                name,
                _("%(label)s %(d)s trước ngày sinh %(b)s: hãy sửa %(label)s.")
                % {
                    "label": label,
                    "d": _d(day),
                    "b": _d(s.birth_date),
                },
            )
        elif day > horizon:
            yield name, _("%(label)s %(d)s còn quá xa ở tương lai: hãy sửa %(label)s.") % {"label": label, "d": _d(day)}


def _personal_id_matches(person: Any, ctx: Context) -> Iterator[Finding]:
    """The 12-digit ID encodes the century and sex (4th digit) and the year of birth (5th–6th) (TT 59/2021/TT-BCA)."""
    pid = person.personal_id or ""
    if len(pid) != 12 or not pid.isdigit() or not person.birth_date:
        if pid and (len(pid) != 12 or not pid.isdigit()):
            yield "personal_id", _("Số định danh cá nhân phải gồm đúng 12 chữ số: hãy nhập lại theo thẻ căn cước.")
        return
    marker = int(pid[3])
    if marker > 9:
        return
    century = 1900 + 100 * (marker // 2)
    year = century + int(pid[4:6])
    gender = ctx.code(person.gender_id)
    sex_in_id = "1" if marker % 2 == 0 else "2"  # gioi_tinh: 1 Nam, 2 Nữ
    if year != person.birth_date.year:
        yield (
            "personal_id",
            _(
                "Số định danh cá nhân cho biết năm sinh %(id_year)s, hồ sơ ghi năm sinh %(year)s: hãy đối chiếu với giấy "
                "khai sinh để sửa Số định danh hoặc Ngày sinh."
            )
            % {"id_year": year, "year": person.birth_date.year},
        )
    elif gender and gender != sex_in_id:
        yield (
            "gender",
            _(
                "Số định danh cá nhân cho biết giới tính %(id_sex)s, hồ sơ ghi %(sex)s: hãy đối chiếu để sửa Giới tính "
                "hoặc Số định danh."
            )
            % {"id_sex": _("Nam") if sex_in_id == "1" else _("Nữ"), "sex": _("Nam") if gender == "1" else _("Nữ")},
        )


rule(
    "student.personal_id",
    Target.STUDENT,
    Severity.WARNING,
    gettext_lazy("Số định danh cá nhân khớp năm sinh và giới tính"),
    ("personal_id", "gender"),
)(_personal_id_matches)


def _phone_format(record: Any, ctx: Context, fields: Iterable[tuple[str, Any]]) -> Iterator[Finding]:
    for name, label in fields:
        value = getattr(record, name) or ""
        if value and not _PHONE.match(value):
            yield (
                name,
                _("%(label)s “%(v)s” không đúng dạng: ghi 10 chữ số, bắt đầu bằng 0 (ví dụ 0912345678).")
                % {
                    "label": label,
                    "v": value,
                },
            )


_PHONE_LABEL = gettext_lazy("Điện thoại")


@rule("student.phone", Target.STUDENT, Severity.WARNING, gettext_lazy("Số điện thoại đúng dạng"), ("phone",))
def _student_phone(s: Any, ctx: Context) -> Iterator[Finding]:
    yield from _phone_format(s, ctx, [("phone", _PHONE_LABEL)])


# --- Staff ----------------------------------------------------------------------------------------------------------


@rule(
    "staff.age",
    Target.STAFF,
    Severity.ERROR,
    gettext_lazy("Cán bộ đủ 18 tuổi; ngày vào ngành sau tuổi 18"),
    ("birth_date", "joined_on"),
)
def _staff_age(p: Any, ctx: Context) -> Iterator[Finding]:
    if not p.birth_date:
        return
    if p.birth_date > ctx.today or _years_between(p.birth_date, ctx.today) < 18:
        yield (
            "birth_date",
            _("Ngày sinh %(d)s cho thấy chưa đủ 18 tuổi: hãy kiểm tra Ngày sinh.") % {"d": _d(p.birth_date)},
        )
    elif p.joined_on and _years_between(p.birth_date, p.joined_on) < 18:
        yield (
            "joined_on",
            _("Ngày vào ngành %(j)s khi chưa đủ 18 tuổi (sinh %(b)s): hãy sửa Ngày vào ngành.")
            % {
                "j": _d(p.joined_on),
                "b": _d(p.birth_date),
            },
        )


@rule(
    "staff.retirement",
    Target.STAFF,
    Severity.WARNING,
    gettext_lazy("Cán bộ đang làm việc chưa quá tuổi nghỉ hưu"),
    ("birth_date", "work_status"),
)
def _staff_retirement(p: Any, ctx: Context) -> Iterator[Finding]:
    # Bộ luật Lao động 2019, Điều 169 and Nghị định 135/2020: 62 for men and 60 for women once the roadmap ends.
    if not p.birth_date or ctx.code(p.work_status_id) not in {"01", "02"}:
        return
    limit = 62 if ctx.code(p.gender_id) == "1" else 60
    if _years_between(p.birth_date, ctx.today) > limit:
        yield (
            "work_status",
            _(
                "Cán bộ sinh %(b)s đã quá tuổi nghỉ hưu (%(limit)s) mà vẫn ở trạng thái đang làm việc: hãy cập nhật "
                "Trạng thái làm việc hoặc kiểm tra Ngày sinh."
            )
            % {"b": _d(p.birth_date), "limit": limit},
        )


rule(
    "staff.personal_id",
    Target.STAFF,
    Severity.WARNING,
    gettext_lazy("Số định danh cá nhân khớp năm sinh và giới tính"),
    ("personal_id", "gender"),
)(_personal_id_matches)


@rule("staff.contact", Target.STAFF, Severity.WARNING, gettext_lazy("Điện thoại và thư điện tử đúng dạng"), ("phone",))
def _staff_contact(p: Any, ctx: Context) -> Iterator[Finding]:
    yield from _phone_format(p, ctx, [("phone", _("Điện thoại"))])
    if p.email and not _EMAIL.match(p.email):
        yield "email", _("Thư điện tử “%(v)s” không đúng dạng (ví dụ ten@haiphong.edu.vn).") % {"v": p.email}


# --- Classes --------------------------------------------------------------------------------------------------------


def class_limit(grade: int | None, age_group: str) -> int | None:
    """The legal maximum size of a class of ``grade`` (or preschool ``age_group`` code), from the classes
    database's table of the Điều lệ trường (one table for the form's check and this rule)."""
    from edudb.registry.forms_classes import MAX_CLASS_SIZE, level_of_grade

    if grade:
        return MAX_CLASS_SIZE.get(f"grade:{level_of_grade(grade, ['th', 'thcs', 'thpt'])}")
    return MAX_CLASS_SIZE.get(f"age:{age_group}") if age_group else None


def _level_name(grade: int | None) -> str:
    if not grade:
        return _("mầm non")
    return _("tiểu học") if grade <= 5 else (_("THCS") if grade <= 9 else _("THPT"))


@rule(
    "class.size",
    Target.CLASS,
    Severity.WARNING,
    gettext_lazy("Sĩ số lớp không vượt mức tối đa của Điều lệ trường"),
    ("max_students",),
)
def _class_size(c: Any, ctx: Context) -> Iterator[Finding]:
    limit = class_limit(c.grade, ctx.code(c.age_group_id))
    if limit is None:
        return
    if c.max_students and c.max_students > limit:
        yield (
            "max_students",
            _(
                "Sĩ số tối đa %(n)s vượt mức %(limit)s học sinh một lớp của cấp %(level)s theo Điều lệ trường: hãy ghi "
                "Sĩ số tối đa không quá %(limit)s."
            )
            % {"n": c.max_students, "limit": limit, "level": _level_name(c.grade)},
        )
    if c.pk:
        size = ctx.class_size(c.pk)
        if size > limit:
            yield (
                "max_students",
                _(
                    "Lớp %(name)s có %(n)s học sinh, vượt mức %(limit)s của cấp %(level)s theo Điều lệ trường: hãy tách "
                    "lớp hoặc kiểm tra các học sinh đã chuyển đi, thôi học."
                )
                % {"name": c.name, "n": size, "limit": limit, "level": _level_name(c.grade)},
            )


@rule(
    "class.homeroom",
    Target.CLASS,
    Severity.ERROR,
    gettext_lazy("Giáo viên chủ nhiệm thuộc trường của lớp"),
    ("homeroom_teacher",),
)
def _class_homeroom(c: Any, ctx: Context) -> Iterator[Finding]:
    teacher = getattr(c, "homeroom_unit_id", None)
    if teacher is None and c.homeroom_teacher_id:
        from edudb.registry.models import StaffMember

        teacher = (
            StaffMember.objects.filter(pk=c.homeroom_teacher_id).order_by().values_list("unit_id", flat=True).first()
        )
    if teacher is not None and teacher != c.unit_id:
        yield (
            "homeroom_teacher",
            _(
                "Giáo viên chủ nhiệm không thuộc trường của lớp: hãy chọn giáo viên của trường, hoặc làm thủ tục điều "
                "động/biệt phái trước."
            ),
        )


@rule(
    "class.specialised",
    Target.CLASS,
    Severity.WARNING,
    gettext_lazy("Lớp chuyên có môn chuyên"),
    ("specialised_subject",),
)
def _class_specialised(c: Any, ctx: Context) -> Iterator[Finding]:
    if c.is_specialised and not c.specialised_subject:
        yield "specialised_subject", _("Lớp chuyên / năng khiếu chưa ghi Môn chuyên: hãy ghi môn chuyên của lớp.")


# --- Schools --------------------------------------------------------------------------------------------------------


@rule(
    "school.years",
    Target.SCHOOL,
    Severity.ERROR,
    gettext_lazy("Năm thành lập và năm công nhận chuẩn hợp lý"),
    ("established_year", "national_standard_year"),
)
def _school_years(p: Any, ctx: Context) -> Iterator[Finding]:
    year = ctx.today.year
    if p.established_year and not 1850 <= p.established_year <= year:
        yield (
            "established_year",
            _("Năm thành lập %(y)s không hợp lý: hãy ghi năm trong quyết định thành lập.") % {"y": p.established_year},
        )
    if p.national_standard and not p.national_standard_year:
        yield (
            "national_standard_year",
            _("Trường đạt chuẩn quốc gia nhưng chưa ghi Năm công nhận chuẩn: hãy ghi năm theo quyết định công nhận."),
        )
    elif p.national_standard_year and (
        p.national_standard_year > year or (p.established_year and p.national_standard_year < p.established_year)
    ):
        yield (
            "national_standard_year",
            _(
                "Năm công nhận chuẩn %(y)s không hợp lý (ở tương lai hoặc trước năm thành lập): hãy sửa Năm công nhận "
                "chuẩn."
            )
            % {"y": p.national_standard_year},
        )


@rule(
    "school.contact",
    Target.SCHOOL,
    Severity.WARNING,
    gettext_lazy("Điện thoại và thư điện tử của trường đúng dạng"),
    ("phone", "principal_phone", "email"),
)
def _school_contact(p: Any, ctx: Context) -> Iterator[Finding]:
    yield from _phone_format(p, ctx, [("phone", _("Điện thoại")), ("principal_phone", _("Điện thoại hiệu trưởng"))])
    if p.email and not _EMAIL.match(p.email):
        yield "email", _("Thư điện tử “%(v)s” không đúng dạng (ví dụ c1lequydon@haiphong.edu.vn).") % {"v": p.email}


# --- Facilities -----------------------------------------------------------------------------------------------------

_BUILDS = (
    ("solid", gettext_lazy("kiên cố")),
    ("semi", gettext_lazy("bán kiên cố")),
    ("temporary", gettext_lazy("tạm")),
    ("borrowed", gettext_lazy("thuê mượn")),
)


@rule(
    "room.area_count",
    Target.ROOM,
    Severity.ERROR,
    gettext_lazy("Số phòng và diện tích khớp nhau"),
    ("count_solid", "area_solid"),
)
def _room_area_count(r: Any, ctx: Context) -> Iterator[Finding]:
    for build, label in _BUILDS:
        count, area = getattr(r, f"count_{build}") or 0, getattr(r, f"area_{build}") or 0
        if count and not area:
            yield (
                f"area_{build}",
                _("Có %(n)s phòng %(b)s nhưng diện tích bằng 0: hãy ghi tổng diện tích các phòng %(b)s (m²).")
                % {"n": count, "b": label},
            )
        elif area and not count:
            yield (
                f"count_{build}",
                _("Có diện tích phòng %(b)s %(a)s m² nhưng số phòng bằng 0: hãy ghi số phòng %(b)s hoặc xóa diện tích.")
                % {"a": area, "b": label},
            )


@rule(
    "room.area_per_room",
    Target.ROOM,
    Severity.WARNING,
    gettext_lazy("Diện tích bình quân một phòng hợp lý (12–500 m²)"),
    ("area_solid",),
)
def _room_area_per_room(r: Any, ctx: Context) -> Iterator[Finding]:
    for build, label in _BUILDS:
        count, area = getattr(r, f"count_{build}") or 0, getattr(r, f"area_{build}") or 0
        if count and area and not 12 <= float(area) / count <= 500:
            yield (
                f"area_{build}",
                _(
                    "Diện tích bình quân %(avg).1f m² một phòng %(b)s là bất thường (thường 12–500 m²): hãy kiểm tra số "
                    "phòng và diện tích (m², không phải cm² hay số phòng)."
                )
                % {"avg": float(area) / count, "b": label},
            )


# --- Running the rules ------------------------------------------------------------------------------------------------


def settings_by_rule() -> dict[str, tuple[bool, str]]:
    """Each rule's (active, severity), the Sở's settings over the defaults."""
    chosen = {s.rule: (s.is_active, s.severity) for s in RuleSetting.objects.all()}
    return {code: chosen.get(code, (True, r.severity)) for code, r in RULES.items()}


def rules_for(target: str, settings: dict[str, tuple[bool, str]] | None = None) -> list[tuple[Rule, str]]:
    """The active rules for ``target`` with the severity each carries now."""
    settings = settings if settings is not None else settings_by_rule()
    return [(r, settings[r.code][1]) for r in RULES.values() if r.target == target and settings[r.code][0]]


def run_rules(record: Any, rules: list[tuple[Rule, str]], ctx: Context) -> list[Problem]:
    """Every problem ``record`` has under ``rules``."""
    return [Problem(r.code, name, message, severity) for r, severity in rules for name, message in r.check(record, ctx)]


MODEL_TARGETS = {
    "registry.student": Target.STUDENT,
    "registry.staffmember": Target.STAFF,
    "registry.schoolclass": Target.CLASS,
    "registry.schoolprofile": Target.SCHOOL,
    "registry.roomstock": Target.ROOM,
}


def target_of(model: type[models.Model]) -> str | None:
    return MODEL_TARGETS.get(model._meta.label_lower)


def check_record(record: models.Model) -> list[Problem]:
    """The problems of one record about to be saved (forms and API call this; errors block the save)."""
    target = target_of(type(record))
    if target is None:
        return []
    problems = run_rules(record, rules_for(target), Context())
    if target == Target.STUDENT:
        problems.extend(_duplicate_child_on_save(record))
    return problems


# --- The same child in two schools (cross-record) -------------------------------------------------------------------

DUPLICATE_RULE = "student.duplicate"
RULES[DUPLICATE_RULE] = Rule(
    DUPLICATE_RULE,
    Target.STUDENT,
    Severity.WARNING,
    gettext_lazy("Một học sinh không đồng thời học ở hai trường (cùng họ tên, ngày sinh, cha mẹ)"),
    ("full_name",),
    lambda record, ctx: (),  # checked over the whole table by find_duplicate_children
)


def _duplicate_message(other_name: str, born: dt.date, school: str) -> str:
    return _(
        "Có thể trùng với học sinh %(name)s (sinh %(born)s) đang học ở %(school)s, cùng cha mẹ hoặc người giám hộ: nếu "
        "là một em, trường đã chuyển đi cần làm thủ tục chuyển trường; nếu khác em, hãy kiểm tra họ tên và ngày sinh."
    ) % {"name": other_name, "born": _d(born), "school": school}


def _duplicate_child_on_save(student: Any) -> list[Problem]:
    from edudb.registry.models import Student

    active, severity = settings_by_rule()[DUPLICATE_RULE]
    if not active or not student.birth_date or not student.full_name:
        return []
    from edudb.quality.text import search_key

    others = (
        Student.objects.filter(
            name_key=search_key(student.full_name),
            birth_date=student.birth_date,
            status__code__in=PRESENT_STUDENT,
        )
        .exclude(unit_id=student.unit_id)
        .exclude(pk=student.pk)
        .select_related("unit")
        .order_by("pk")[:1]
    )
    return [
        Problem(DUPLICATE_RULE, "full_name", _duplicate_message(o.full_name, o.birth_date, o.unit.name), severity)
        for o in others
    ]


FEW_UNITS = 100  # up to this many units, start from their own learners; beyond, from one GROUP BY of the roll
PAIRS_PER_QUERY = 500


def find_duplicate_children(unit_ids: Iterable[int] | None = None) -> dict[int, Problem]:
    """Learners on the roll of two schools at once: same folded name and birth date, in different schools, and —
    where both records name parents — at least one parent in common. Keyed by the student's id (of ``unit_ids``).

    The (name, birth date) pairs worth a look come from the units' own learners when they are few (a school asking
    again), or from one GROUP BY … HAVING over the whole roll (the nightly run); the learners holding those pairs
    are then read by pair (index on name and birth date), a few hundred pairs per query."""
    from edudb.quality.text import search_key
    from edudb.registry.models import Guardian, Student

    active, severity = settings_by_rule()[DUPLICATE_RULE]
    if not active:
        return {}
    # No default ordering anywhere below: it would join the units to sort rows nobody reads in order.
    roll = Student.objects.filter(status__code__in=PRESENT_STUDENT).order_by()
    wanted = None if unit_ids is None else set(unit_ids)
    if wanted is not None and len(wanted) <= FEW_UNITS:
        # Only the pairs also found in another school: an EXISTS on the (name, birth date) index per learner,
        # so a school asking again costs a few milliseconds, not a lookup of every one of its learners.
        elsewhere = roll.filter(name_key=OuterRef("name_key"), birth_date=OuterRef("birth_date")).exclude(
            unit_id__in=wanted
        )
        pairs = set(roll.filter(unit_id__in=wanted).filter(Exists(elsewhere)).values_list("name_key", "birth_date"))
    else:
        shared = roll.values("name_key", "birth_date").annotate(schools=Count("unit_id", distinct=True))
        pairs = set(shared.filter(schools__gt=1).values_list("name_key", "birth_date"))
    ordered = sorted(pairs)
    by_key: dict[tuple[str, dt.date], list[Any]] = {}
    for start in range(0, len(ordered), PAIRS_PER_QUERY):
        chunk = ordered[start : start + PAIRS_PER_QUERY]
        condition = reduce(or_, (Q(name_key=name, birth_date=born) for name, born in chunk))
        for student in (
            roll.filter(condition).select_related("unit").only("full_name", "name_key", "birth_date", "unit")
        ):
            by_key.setdefault((student.name_key, student.birth_date), []).append(student)
    groups = [group for group in by_key.values() if len({s.unit_id for s in group}) > 1]
    if not groups:
        return {}
    parents: dict[int, set[str]] = {}
    ids = [s.pk for group in groups for s in group]
    for start in range(0, len(ids), 5000):
        guardians = (
            Guardian.objects.filter(student__in=ids[start : start + 5000])
            .order_by()
            .values_list("student_id", "full_name")
        )
        for student_id, name in guardians:
            parents.setdefault(student_id, set()).add(search_key(name))
    found: dict[int, Problem] = {}
    for group in groups:
        for student in group:
            if wanted is not None and student.unit_id not in wanted:
                continue
            for other in group:
                if other.unit_id == student.unit_id:
                    continue
                own, theirs = parents.get(student.pk), parents.get(other.pk)
                if own and theirs and not own & theirs:
                    continue  # two children of different parents who share a name and a birthday
                found[student.pk] = Problem(
                    DUPLICATE_RULE,
                    "full_name",
                    _duplicate_message(other.full_name, other.birth_date, other.unit.name),
                    severity,
                )
                break
    return found
