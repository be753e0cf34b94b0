"""How learning results, facilities (room stock) and school profiles go through the import pipeline.

Every row is judged by the rules its own page applies — a learning result by ``registry.results.result_problems``
(the class grid's), a room-stock row by ``forms_facilities.room_problems`` (the room form's) and the blocking quality
rules for rooms, a school profile by the blocking quality rules for schools and the profile form's own check — so a
record is judged the same way whichever door it came through.

Scope: only schools the writer may enter this kind of data for (the model's ``write_function``, in the model's
database) are written; a row for any other is rejected and says so without telling what lies outside. Lookups are
one query per block of rows (students by code, existing records by key), never one per row.

Empty cells: an empty result cell keeps what is stored (one file may carry the academic results, another the
conduct); an empty count or area of a room row, and an empty yes/no cell of a school row, mean 0 and "không", as the
templates say; other empty cells of a school row keep what is stored.

This module must not import ``edudb.exchange.adapters`` at import time: that module imports this one to register
the adapters (see :func:`register`).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from types import SimpleNamespace
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from edudb.core.models import Category, Unit
from edudb.core.scoping import scope_for
from edudb.exchange.layouts import (
    ACCREDITATION_CHOICES,
    RESULTS,
    ROOMS,
    SCHOOLS,
    STANDARD_CHOICES,
    TERM_CHOICES,
)
from edudb.exchange.models import ImportJob
from edudb.exchange.pipeline import Adapter, ImportFailed, Problem, Row, _shown, compact, digits_problem
from edudb.quality.models import CodeItem, Target
from edudb.quality.text import search_key
from edudb.registry.forms_facilities import QUALITY_WORDS, room_problems
from edudb.registry.models import (
    Accreditation,
    LearningResult,
    NationalStandard,
    ResultTerm,
    RoomStock,
    SchoolClass,
    SchoolProfile,
    Site,
    Student,
    StudentEvent,
)
from edudb.registry.results import RESULT_CODE_FIELDS, result_problems, term_phrase
from edudb.reporting.models import SchoolYear

Headers = dict[str, tuple[str, int]]
_NOT_WORD = re.compile(r"[^a-z0-9]+")
_TERM_PREFIX = re.compile(r"^(?:hoc ky|hoc ki|hk|ky|ki)\s*")
_YEAR = re.compile(r"(\d{4})(?:\s*[-–—/]\s*(\d{4}))?")
_LEVEL = re.compile(r"(?:muc do|muc|cap do|cap)\s*(\d)$")
_NONE_WORDS = frozenset({"khong", "chua", "chua dat", "chua dat chuan", "chua kiem dinh", "chua kiem dinh chua dat"})
_TENTH = Decimal("0.1")
MAX_COUNT = 100_000  # rooms of one kind at one site: anything above is a typing mistake
MAX_AREA = Decimal("99999999.9")  # the column's 9 digits with one decimal
MAX_NUMBER_TEXT = 20


def _fold(text: object) -> str:
    return _NOT_WORD.sub(" ", search_key(str(text))).strip()


# --- reading numbers, terms, years and levels -------------------------------------------------------------------------


def parse_count(value: object) -> int | None:
    """A whole number ≥ 0 as typed ('12', '12,0', 12.0), or None when it is not one."""
    text = str(value).strip().replace(" ", "").replace("\u00a0", "")
    if re.fullmatch(r"\d+(?:[.,]0+)?", text):
        return int(re.split(r"[.,]", text)[0])
    return None


def parse_area(value: object) -> Decimal | None:
    """A decimal ≥ 0 with a comma or a dot ('45,5', '45.5', '1.234,5', '1,234.5'), to one decimal; None when it
    is not a number or is negative."""
    text = str(value).strip().replace(" ", "").replace("\u00a0", "")
    if "," in text and "." in text:
        thousands = "." if text.rfind(",") > text.rfind(".") else ","
        text = text.replace(thousands, "").replace(",", ".")
    elif text.count(",") == 1:
        text = text.replace(",", ".")
    elif text.count(",") > 1 or text.count(".") > 1:
        text = text.replace(",", "").replace(".", "")
    if not re.fullmatch(r"\d+(?:\.\d+)?|\.\d+", text):
        return None
    try:
        return Decimal(text).quantize(_TENTH, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return None


def area_text(value: object) -> str:
    """An area as staged and compared: '45.5', '0.0'."""
    return str(Decimal(str(value or 0)).quantize(_TENTH, rounding=ROUND_HALF_UP))


_TERM_WORDS = {
    "1": ResultTerm.TERM_1,
    "i": ResultTerm.TERM_1,
    "2": ResultTerm.TERM_2,
    "ii": ResultTerm.TERM_2,
    "3": ResultTerm.YEAR,
    "ca nam": ResultTerm.YEAR,
    "ca nam hoc": ResultTerm.YEAR,
    "cn": ResultTerm.YEAR,
}


def parse_term(value: object) -> int | None:
    """'1', 'I', 'Học kỳ I', 'HK1' → 1; '2', 'II', 'HK2' → 2; 'Cả năm', 'CN', '3' → 3; None otherwise."""
    key = _fold(value)
    for number, label in enumerate(TERM_CHOICES, start=1):
        if key in (_fold(label), _fold(ResultTerm(number).label)):
            return number
    key = _TERM_PREFIX.sub("", key).strip()
    term = _TERM_WORDS.get(key)
    return int(term) if term is not None else None


def parse_year(value: object) -> int | None:
    """The first year of '2025-2026', '2025–2026', '2025/2026' or '2025'; None otherwise."""
    found = _YEAR.fullmatch(str(value).strip())
    if found is None:
        return None
    start, end = int(found.group(1)), found.group(2)
    if end is not None and int(end) != start + 1:
        return None
    return start


def parse_level(value: object, labels: dict[int, tuple[str, ...]]) -> int | None:
    """A level of a choice field from its label ('Đạt chuẩn mức độ 1'), its number ('1'), 'Mức 1' / 'Cấp độ 2',
    or a word for none ('Không', 'Chưa đạt'); None when it is none of them."""
    key = _fold(value)
    for number, spellings in labels.items():
        if key in {_fold(spelling) for spelling in spellings}:
            return number
    if key.isdigit():
        number = int(key)
        return number if number in labels else None
    found = _LEVEL.search(key)
    if found is not None:
        number = int(found.group(1))
        return number if number in labels else None
    if key in _NONE_WORDS:
        return 0
    return None


def _levels(choices: tuple[str, ...], model_choices: Any) -> dict[int, tuple[str, ...]]:
    return {number: (label, str(model_choices(number).label)) for number, label in enumerate(choices)}


# --- the common base ---------------------------------------------------------------------------------------------------


class _ScopedAdapter(Adapter):
    """Schools in the writer's scope for this kind of data, and the bulk writing the three adapters share."""

    units_optional: ClassVar[bool] = False  # rows may take their school from the record they name (results)

    def __init__(self, job: ImportJob, user: Any) -> None:
        super().__init__(job, user)
        self.writable_units: set[int] = set()
        self.year: SchoolYear | None = None

    def writable(self) -> Any:
        """The institutions the user may write this kind of record for: the function the model asks for, in the
        model's own database (a Sở office reaches only its field's)."""
        units = Unit.objects.visible_to(self.user, self.function).filter(kind__category=Category.INSTITUTION)
        scope = scope_for(self.user)
        condition = scope.unit_q(self.layout.domain) if scope is not None else None
        return units.filter(condition) if condition is not None else units.none()

    def load_units(self, has_unit_column: bool) -> None:
        writable = self.writable()
        if has_unit_column:
            units = list(writable.select_related("kind"))
            self.units_by_code = {unit.code.upper(): unit for unit in units}
            self.writable_units = {unit.pk for unit in units}
            if self.job.unit_id in self.writable_units:
                self.default_unit = self.job.unit
            return
        if writable.filter(pk=self.job.unit_id).exists():
            self.default_unit = self.job.unit
            self.writable_units = {self.job.unit_id}
        elif self.units_optional:
            self.writable_units = set(writable.values_list("pk", flat=True))
        else:
            raise ImportFailed(
                _(
                    "Tệp không có cột “Mã trường” nên không biết mỗi dòng thuộc trường nào. Hãy chọn một trường khi "
                    "tải tệp lên, hoặc thêm cột “Mã trường” (mã của trường trên hệ thống) vào tệp."
                )
            )

    def header_of(self, name: str) -> tuple[str, int | None]:
        """The file's header of a column, or the layout's when the file has no such column."""
        found = self.headers.get(name)
        if found is not None:
            return found
        if name in self.layout.by_field:
            return str(self.layout.column(name).header), None
        return str(self._label(name)), None

    def problem(self, row: Row, name: str, message: str) -> None:
        header, index = self.header_of(name)
        row.errors.append(Problem(row.number, header, index, name, _shown(row.raw.get(name)), message))

    def check_school_year(self, row: Row) -> None:
        """An optional "Năm học" column must name the current year: nothing of another year is written."""
        value = row.values.get("school_year")
        if value in (None, "") or self.year is None:
            return
        start = parse_year(value)
        if start is None:
            self.problem(
                row,
                "school_year",
                _("Năm học “%(value)s” không đúng dạng: hãy ghi dạng %(year)s, hoặc để trống ô này.")
                % {"value": value, "year": self.year.code},
            )
        elif start != self.year.start_year:
            self.problem(
                row,
                "school_year",
                _(
                    "Dòng này ghi năm học %(value)s; chỉ nhập được dữ liệu của năm học hiện tại %(year)s. Hãy sửa "
                    "cột “Năm học” (hoặc để trống) nếu dữ liệu là của năm học này; dữ liệu năm cũ không nhập lại."
                )
                % {"value": value, "year": self.year},
            )

    def compared_attrs(self) -> list[str]:
        return [name for name in self.attnames if name not in self.not_compared]

    not_compared: ClassVar[frozenset[str]] = frozenset(
        {"id", "version", "created_at", "updated_at", "updated_by_id", "unit_id", "school_year_id"}
    )

    def merged(self, row: Row) -> dict[str, Any]:
        """The record as it would be saved: the model's defaults, the stored record, the row's values."""
        values = {field.attname: field.get_default() for field in self.model._meta.concrete_fields}
        values.update(row.existing or {})
        values.update(row.attrs)
        return values


# --- learning results --------------------------------------------------------------------------------------------------


class ResultAdapter(_ScopedAdapter):
    """A class teacher's file of one term: a learning result per student and term of the current school year.

    The student is found by Ministry code or temporary code among the students the writer may enter data for; the
    class is the one named on the row or, when empty, the student's class of the current year — the student must be
    a member of it (placed in it, or tied to it by the journal or a result of this year), as on the class grid."""

    layout = RESULTS
    model = LearningResult
    function = LearningResult.write_function
    target = "result"  # no quality rule looks at results: result_problems judges them, as on the grid
    object_type = "registry.learningresult"
    units_optional = True

    def __init__(self, job: ImportJob, user: Any) -> None:
        super().__init__(job, user)
        self.classes: dict[tuple[int, str], tuple[int, int | None, str]] = {}  # (unit, name) → (pk, grade, name)
        self.class_by_pk: dict[int, tuple[int, int | None, str]] = {}  # pk → (unit, grade, name)
        self.items: dict[int, CodeItem] = {}
        self.grades: dict[int, int | None] = {}  # row number → the grade of the row's class
        self.codes: dict[int, str] = {}  # row number → the student's code, for the file's duplicate check

    def after_units(self) -> None:
        from edudb.exchange.adapters import current_year

        if "ministry_code" not in self.headers and "temporary_code" not in self.headers:
            raise ImportFailed(
                _(
                    "Tệp không có cột “Mã định danh học sinh” hay “Mã tạm” nên không biết mỗi dòng là kết quả của học "
                    "sinh nào. Hãy thêm cột mã học sinh (tải mẫu “Kết quả học tập” ở trang Mẫu nhập liệu Excel)."
                )
            )
        self.year = current_year()
        rows = (
            SchoolClass.objects.filter(unit__id__any_in=sorted(self.writable_units), school_year=self.year)
            .order_by()
            .values_list("pk", "unit_id", "name", "grade")
        )
        for pk, unit_id, name, grade in rows:
            self.classes[(unit_id, compact(name))] = (pk, grade, name)
            self.class_by_pk[pk] = (unit_id, grade, name)
        lists = [str(self.layout.column(name).code_list) for name in RESULT_CODE_FIELDS]
        self.items = {item.pk: item for item in CodeItem.objects.filter(code_list__code__in=lists)}

    def unit_for(self, row: Row, headers: Headers) -> None:
        if row.values.get("unit_code") or self.default_unit is not None:
            super().unit_for(row, headers)
        # else: the row's school is the student's (checked to be in scope when the student is found)

    def build(self, row: Row, headers: Headers) -> None:
        values, attrs = row.values, row.attrs
        code, temporary = values.get("ministry_code"), values.get("temporary_code")
        if code and str(code).upper().startswith("TMP-"):  # a temporary code in the code column
            code, temporary = None, code
        values["ministry_code"] = code or None
        values["temporary_code"] = str(temporary).upper() if temporary else None
        if code:
            text = str(code)
            if not (len(text) == 10 and text.isascii() and text.isdigit()):
                message = digits_problem(text, length=10, label=_("Mã định danh học sinh"))
                self.problem(row, "ministry_code", message or "")
        elif not temporary:
            self.problem(
                row,
                "ministry_code",
                _(
                    "Dòng này chưa có mã học sinh: hãy ghi mã định danh học sinh (10 chữ số) hoặc mã tạm (TMP-…) để "
                    "biết kết quả này là của học sinh nào."
                ),
            )
        term = values.get("term")
        if term not in (None, ""):
            number = parse_term(term)
            if number is None:
                self.problem(
                    row,
                    "term",
                    _(
                        "Học kỳ “%(value)s” không rõ: hãy ghi Học kỳ I (hoặc 1, HK1), Học kỳ II (2, HK2) hay Cả năm "
                        "(CN)."
                    )
                    % {"value": term},
                )
            else:
                attrs["term"] = number
        self.check_school_year(row)
        for name in RESULT_CODE_FIELDS:
            if name in headers and values.get(name) not in (None, ""):
                header, index = headers[name]
                item = self.code_item(row, self.layout.column(name), header, index)
                if item is not None:
                    attrs[f"{name}_id"] = item.pk
                    self.items.setdefault(item.pk, item)
        for name in ("days_absent_excused", "days_absent_unexcused"):
            value = values.get(name)
            if value in (None, ""):
                continue
            days = parse_count(value)
            if days is None:
                header = self.header_of(name)[0]
                self.problem(
                    row,
                    name,
                    _("“%(header)s” phải là một số nguyên không âm (số buổi), ví dụ 2; đang là “%(value)s”.")
                    % {"header": header, "value": value},
                )
            else:
                attrs[name] = days
        note = values.get("note")
        if note not in (None, ""):
            attrs["note"] = str(note)

    def find_existing(self, rows: list[Row]) -> None:
        self.grades.clear()  # per block: file_keys and check read them for the rows of this block only
        self.codes.clear()
        if not rows:
            return
        codes = sorted({str(row.values["ministry_code"]) for row in rows if row.values.get("ministry_code")})
        temporary = sorted({str(row.values["temporary_code"]) for row in rows if row.values.get("temporary_code")})
        condition = Q(pk__in=[])
        if codes:
            condition |= Q(ministry_code__any_in=codes)
        if temporary:
            condition |= Q(temporary_code__any_in=temporary)
        # Only students the writer may enter data for: a code of any other student reads as unknown.
        queryset: Any = (
            Student.objects.visible_to(self.user, self.function)
            .filter(condition)
            .order_by()
            .values("id", "unit_id", "ministry_code", "temporary_code", "full_name", "school_class_id")
        )
        students: list[dict[str, Any]] = list(queryset)
        by_code = {s["ministry_code"]: s for s in students if s["ministry_code"]}
        by_temporary = {s["temporary_code"]: s for s in students if s["temporary_code"]}
        found: dict[int, dict[str, Any]] = {}
        for row in rows:
            student = self.student_of(row, by_code, by_temporary)
            if student is not None:
                found[row.number] = student
        if not found:
            return
        ids = sorted({student["id"] for student in found.values()})
        existing: dict[tuple[int, int], dict[str, Any]] = {}
        recorded: set[tuple[int, int]] = set()  # (student, class) tied by a result of this year
        records = (
            LearningResult.objects.filter(student__id__any_in=ids, school_year=self.year)
            .order_by()
            .values("id", "version", *self.compared_attrs())
        )
        for record in records:
            existing[(record["student_id"], record["term"])] = record
            if record["school_class_id"]:
                recorded.add((record["student_id"], record["school_class_id"]))
        classes = {row.number: self.class_of(row, found[row.number]) for row in rows if row.number in found}
        # Placed in another class now: the journal may still tie the student to the row's class this year.
        elsewhere = {
            (found[number]["id"], class_id)
            for number, class_id in classes.items()
            if class_id is not None
            and found[number]["school_class_id"] != class_id
            and (found[number]["id"], class_id) not in recorded
        }
        journal: set[tuple[int, int]] = set()
        if elsewhere:
            journal = set(
                StudentEvent.objects.filter(
                    student__id__any_in=sorted({s for s, _c in elsewhere}),
                    school_class__id__any_in=sorted({c for _s, c in elsewhere}),
                )
                .order_by()
                .values_list("student_id", "school_class_id")
            )
        for row in rows:
            student = found.get(row.number)
            class_id = classes.get(row.number)
            if student is None or class_id is None:
                continue
            pair = (student["id"], class_id)
            if student["school_class_id"] != class_id and pair not in recorded and pair not in journal:
                _unit, _grade, name = self.class_by_pk[class_id]
                self.problem(
                    row,
                    "class_name",
                    _(
                        "Học sinh %(student)s không thuộc lớp %(name)s năm học %(year)s: hãy ghi đúng lớp của học sinh, "
                        "hoặc để trống cột “Lớp” để lấy lớp hiện tại của học sinh."
                    )
                    % {"student": student["full_name"], "name": name, "year": self.year},
                )
                continue
            row.attrs["student_id"] = student["id"]
            row.attrs["school_class_id"] = class_id
            self.grades[row.number] = self.class_by_pk[class_id][1]
            self.codes[row.number] = student["ministry_code"] or student["temporary_code"] or str(student["id"])
            record = existing.get((student["id"], row.attrs["term"]))
            if record is not None:
                row.existing = record

    def student_of(
        self, row: Row, by_code: dict[str, dict[str, Any]], by_temporary: dict[str, dict[str, Any]]
    ) -> dict[str, Any] | None:
        code, temporary = row.values.get("ministry_code"), row.values.get("temporary_code")
        student = by_code.get(str(code)) if code else None
        other = by_temporary.get(str(temporary)) if temporary else None
        name = "ministry_code" if code else "temporary_code"
        if student is not None and other is not None and student["id"] != other["id"]:
            self.problem(
                row,
                "temporary_code",
                _(
                    "Mã định danh và mã tạm của dòng này là của hai học sinh khác nhau: hãy giữ một mã đúng của học "
                    "sinh (mã định danh nếu đã có) và xóa mã kia."
                ),
            )
            return None
        student = student or other
        if student is None:
            self.problem(
                row,
                name,
                _(
                    "Không tìm thấy học sinh mã “%(code)s” trong phạm vi bạn được nhập: dòng này không được ghi. Hãy "
                    "kiểm tra lại mã (mã định danh 10 chữ số hoặc mã tạm TMP-…) như trong hồ sơ học sinh."
                )
                % {"code": code or temporary},
            )
            return None
        if student["unit_id"] not in self.writable_units:
            self.problem(
                row,
                "unit_code",
                _(
                    "Học sinh mã “%(code)s” thuộc một trường bạn không được nhập kết quả học tập: dòng này không được "
                    "ghi."
                )
                % {"code": code or temporary},
            )
            return None
        if row.unit_id is None:
            row.unit_id = student["unit_id"]
        elif student["unit_id"] != row.unit_id:
            self.problem(
                row,
                "unit_code",
                _(
                    "Học sinh %(student)s (mã “%(code)s”) không thuộc trường của dòng này: hãy sửa mã trường hoặc mã "
                    "học sinh; nếu học sinh đã chuyển đến, hãy làm thủ tục chuyển trường trước."
                )
                % {"student": student["full_name"], "code": code or temporary},
            )
            return None
        given = row.values.get("full_name")
        if given and compact(str(given)) != compact(student["full_name"]):
            self.problem(
                row,
                name,
                _(
                    "Mã “%(code)s” là của học sinh %(student)s, không phải “%(given)s”: hãy kiểm tra lại mã hoặc họ "
                    "tên trên dòng này."
                )
                % {"code": code or temporary, "student": student["full_name"], "given": given},
            )
            return None
        return student

    def class_of(self, row: Row, student: dict[str, Any]) -> int | None:
        """The class the row's result is recorded with: the one named, or the student's class this year."""
        name = row.values.get("class_name")
        if name not in (None, ""):
            found = self.classes.get((student["unit_id"], compact(str(name))))
            if found is None:
                self.problem(
                    row,
                    "class_name",
                    _(
                        "Trường chưa có lớp “%(name)s” trong năm học %(year)s: hãy ghi tên lớp đúng như trên hệ thống "
                        "(mục Lớp học), hoặc để trống để lấy lớp hiện tại của học sinh."
                    )
                    % {"name": name, "year": self.year},
                )
                return None
            return found[0]
        current = student["school_class_id"]
        if current is None or current not in self.class_by_pk:
            self.problem(
                row,
                "class_name",
                _(
                    "Học sinh %(student)s chưa được xếp lớp trong năm học %(year)s: hãy ghi lớp của học sinh vào cột "
                    "“Lớp”, hoặc xếp lớp cho học sinh trước (mục Học sinh)."
                )
                % {"student": student["full_name"], "year": self.year},
            )
            return None
        return int(current)

    def file_keys(self, row: Row) -> list[tuple[str, str]]:
        code = self.codes.get(row.number)
        if code is None or "term" not in row.attrs:
            return []
        name = "ministry_code" if "ministry_code" in self.headers else "temporary_code"
        return [(name, f"{code} ({term_phrase(row.attrs['term'])})")]

    def check(self, row: Row, headers: Headers) -> None:
        values = self.merged(row)
        if (
            row.existing is None
            and all(
                values.get(name) in (None, "", 0)
                for name in (*(f"{n}_id" for n in RESULT_CODE_FIELDS), "days_absent_excused", "days_absent_unexcused")
            )
            and not values.get("note")
        ):
            self.problem(
                row,
                "academic",
                _(
                    "Dòng này chưa có kết quả nào (học tập, rèn luyện, danh hiệu, số buổi nghỉ, nhận xét): hãy ghi kết "
                    "quả của học sinh, hoặc xóa dòng khỏi tệp."
                ),
            )
            return
        judged: dict[str, Any] = {name: self.items.get(values.get(f"{name}_id") or 0) for name in RESULT_CODE_FIELDS}
        judged |= {
            "days_absent_excused": values.get("days_absent_excused") or 0,
            "days_absent_unexcused": values.get("days_absent_unexcused") or 0,
            "note": values.get("note") or "",
        }
        problems = result_problems(judged, grade=self.grades.get(row.number), term=row.attrs["term"])
        for name, message in problems.items():
            self.problem(row, name or "class_name", message)

    def write(self, new: list[dict[str, Any]], changed: list[dict[str, Any]]) -> dict[int, int]:
        from edudb.exchange.adapters import current_year

        now = timezone.now()
        year = self.year or current_year()

        def fill(values: dict[str, Any], staged: dict[str, Any]) -> None:
            values["school_year_id"] = year.pk

        created = self.insert_records(new, now, fill)
        self.update_changed(changed, now)
        return created


# --- facilities: rooms by kind --------------------------------------------------------------------------------------

COUNT_FIELDS = tuple(f"count_{quality}" for quality in QUALITY_WORDS)
AREA_FIELDS = tuple(f"area_{quality}" for quality in QUALITY_WORDS)


class RoomAdapter(_ScopedAdapter):
    """Rooms by kind of a site in the current school year: one row per (site, room kind)."""

    layout = ROOMS
    model = RoomStock
    function = RoomStock.write_function
    target = Target.ROOM
    object_type = "registry.roomstock"

    def __init__(self, job: ImportJob, user: Any) -> None:
        super().__init__(job, user)
        self.sites: dict[tuple[int, str], int] = {}  # (unit, code) → site
        self.main_sites: dict[int, int] = {}  # unit → its main site
        self.site_codes: dict[int, str] = {}
        self.kinds: dict[int, CodeItem] = {}
        self.unit_codes: dict[int, str] = {}

    def after_units(self) -> None:
        from edudb.exchange.adapters import current_year

        self.year = current_year()
        sites = (
            Site.objects.filter(unit__id__any_in=sorted(self.writable_units))
            .order_by()
            .values_list("pk", "unit_id", "code", "is_main")
        )
        for pk, unit_id, code, is_main in sites:
            self.sites[(unit_id, compact(code))] = pk
            self.site_codes[pk] = code
            if is_main:
                self.main_sites[unit_id] = pk
        self.unit_codes = {unit.pk: unit.code for unit in self.units_by_code.values()}

    def build(self, row: Row, headers: Headers) -> None:
        values, attrs = row.values, row.attrs
        self.check_school_year(row)
        if row.unit_id is not None:
            code = values.get("site_code")
            if code not in (None, ""):
                site = self.sites.get((row.unit_id, compact(str(code))))
                if site is None:
                    self.problem(
                        row,
                        "site_code",
                        _(
                            "Trường không có điểm trường mã “%(code)s”: hãy ghi mã điểm trường như trên hệ thống (mục "
                            "Điểm trường), hoặc để trống để dùng điểm trường chính."
                        )
                        % {"code": code},
                    )
                else:
                    attrs["site_id"] = site
            elif row.unit_id in self.main_sites:
                attrs["site_id"] = self.main_sites[row.unit_id]
            else:
                self.problem(
                    row,
                    "site_code",
                    _(
                        "Trường chưa có điểm trường chính: hãy khai báo điểm trường (mục Điểm trường) rồi nhập lại, "
                        "hoặc ghi mã điểm trường vào cột “%(header)s”."
                    )
                    % {"header": self.header_of("site_code")[0]},
                )
        if values.get("room_kind") not in (None, ""):
            header, index = headers["room_kind"]
            item = self.code_item(row, self.layout.column("room_kind"), header, index)
            if item is not None:
                attrs["room_kind_id"] = item.pk
                self.kinds.setdefault(item.pk, item)
        for name in COUNT_FIELDS:
            if name not in headers:
                continue
            value = values.get(name)
            count = 0 if value in (None, "") else parse_count(value)
            if count is None or count > MAX_COUNT:
                self.problem(
                    row,
                    name,
                    _("“%(header)s” phải là số phòng: một số nguyên không âm, ví dụ 12; đang là “%(value)s”.")
                    % {"header": headers[name][0], "value": value},
                )
            else:
                attrs[name] = count
        for name in AREA_FIELDS:
            if name not in headers:
                continue
            value = values.get(name)
            area = Decimal(0) if value in (None, "") else parse_area(value)
            if area is None or area > MAX_AREA:
                self.problem(
                    row,
                    name,
                    _(
                        "“%(header)s” phải là diện tích (m²): một số không âm, số lẻ ghi dấu phẩy hoặc dấu chấm, ví dụ "
                        "45,5; đang là “%(value)s”."
                    )
                    % {"header": headers[name][0], "value": value},
                )
            else:
                attrs[name] = area_text(area)

    def find_existing(self, rows: list[Row]) -> None:
        sites = sorted({row.attrs["site_id"] for row in rows if row.attrs.get("site_id")})
        if not sites:
            return
        found = {}
        records = (
            RoomStock.objects.filter(site__id__any_in=sites, school_year=self.year)
            .order_by()
            .values("id", "version", *self.compared_attrs())
        )
        for record in records:
            for name in AREA_FIELDS:
                record[name] = area_text(record[name])
            found[(record["site_id"], record["room_kind_id"])] = record
        for row in rows:
            record = found.get((row.attrs.get("site_id"), row.attrs.get("room_kind_id")))
            if record is not None:
                row.existing = record

    def file_keys(self, row: Row) -> list[tuple[str, str]]:
        site, kind = row.attrs.get("site_id"), row.attrs.get("room_kind_id")
        if not site or not kind:
            return []
        where = self.site_codes.get(site, "")
        if len(self.writable_units) > 1 and row.unit_id in self.unit_codes:
            where = f"{self.unit_codes[row.unit_id]}/{where}"
        return [("room_kind", f"{self.kinds[kind].name} ({where})")]

    def check(self, row: Row, headers: Headers) -> None:
        values = self.merged(row)
        kind = self.kinds.get(values.get("room_kind_id") or 0)
        counts: dict[str, int | None] = {quality: int(values[f"count_{quality}"] or 0) for quality in QUALITY_WORDS}
        areas: dict[str, Decimal | None] = {
            quality: Decimal(str(values[f"area_{quality}"] or 0)) for quality in QUALITY_WORDS
        }
        # The room form's rules (without the site and year: the row's key cannot be doubled, the import matches it).
        problems = room_problems(
            self.user,
            instance_pk=None,
            unit=None,
            site=None,
            school_year=None,
            room_kind=kind,
            counts=counts,
            areas=areas,
        )
        for name, message in problems.items():
            self.problem(row, name, message)
        record = SimpleNamespace(**{**values, **{f"area_{q}": areas[q] for q in QUALITY_WORDS}})
        before = len(row.errors)
        self.check_rules(row, record, headers)
        # One message per cell: the quality rules repeat some of the form's.
        kept = row.errors[:before] + [p for p in row.errors[before:] if p.field not in problems]
        row.errors[:] = kept

    def write(self, new: list[dict[str, Any]], changed: list[dict[str, Any]]) -> dict[int, int]:
        from edudb.exchange.adapters import current_year

        now = timezone.now()
        year = self.year or current_year()

        def fill(values: dict[str, Any], staged: dict[str, Any]) -> None:
            values["unit_id"] = staged["u"]
            values["school_year_id"] = year.pk

        created = self.insert_records(new, now, fill)
        self.update_changed(changed, now)
        return created


# --- school profiles -------------------------------------------------------------------------------------------------

TEXT_FIELDS = ("establishment_decision", "street_address", "phone", "email", "principal_name", "principal_phone")
YEAR_FIELDS = ("established_year", "national_standard_year")
YES_NO_FIELDS = (
    "two_sessions",
    "semi_boarding",
    "boarding",
    "has_electricity",
    "has_clean_water",
    "has_internet",
    "separate_toilets",
    "inclusive_access",
    "difficult_area",
    "island_area",
)
STANDARD_LEVELS = _levels(STANDARD_CHOICES, NationalStandard)
ACCREDITATION_LEVELS = _levels(ACCREDITATION_CHOICES, Accreditation)


class SchoolAdapter(_ScopedAdapter):
    """A school's profile, one row per school (found by its code); a school without a profile gets one."""

    layout = SCHOOLS
    model = SchoolProfile
    function = SchoolProfile.write_function
    target = Target.SCHOOL
    object_type = "registry.schoolprofile"

    def build(self, row: Row, headers: Headers) -> None:
        values, attrs = row.values, row.attrs
        for name in ("ownership", "school_type"):
            if name in headers and values.get(name) not in (None, ""):
                header, index = headers[name]
                item = self.code_item(row, self.layout.column(name), header, index)
                if item is not None:
                    attrs[f"{name}_id"] = item.pk
        for name in TEXT_FIELDS:
            if values.get(name) not in (None, ""):
                attrs[name] = str(values[name])
        for name in YEAR_FIELDS:
            value = values.get(name)
            if value in (None, ""):
                continue
            year = parse_count(value)
            if year is None or not 1000 <= year <= 9999:
                self.problem(
                    row,
                    name,
                    _("“%(header)s” phải là năm 4 chữ số, ví dụ 1998; đang là “%(value)s”.")
                    % {"header": self.header_of(name)[0], "value": value},
                )
            else:
                attrs[name] = year
        website = values.get("website")
        if website not in (None, ""):
            address = str(website).strip()
            if "://" not in address:
                address = f"https://{address}"
            try:
                URLValidator()(address)
            except ValidationError:
                self.problem(
                    row,
                    "website",
                    _(
                        "Trang thông tin điện tử “%(value)s” không phải địa chỉ web: hãy ghi dạng "
                        "https://ten-truong.haiphong.edu.vn, hoặc để trống."
                    )
                    % {"value": website},
                )
            else:
                attrs["website"] = address
        for name, labels in (("national_standard", STANDARD_LEVELS), ("accreditation", ACCREDITATION_LEVELS)):
            value = values.get(name)
            if value in (None, ""):
                continue
            level = parse_level(value, labels)
            if level is None:
                self.problem(
                    row,
                    name,
                    _("“%(header)s” “%(value)s” không rõ: hãy chọn một trong các mức %(choices)s.")
                    % {
                        "header": self.header_of(name)[0],
                        "value": value,
                        "choices": ", ".join(f"“{spellings[0]}”" for spellings in labels.values()),
                    },
                )
            else:
                attrs[name] = level
        for name in YES_NO_FIELDS:
            if name in headers and not any(problem.field == name for problem in row.errors):
                attrs[name] = bool(values.get(name))  # an empty cell is "không", as the template says

    def find_existing(self, rows: list[Row]) -> None:
        units = sorted({row.unit_id for row in rows if row.unit_id})
        if not units:
            return
        found = {
            record["unit_id"]: record
            for record in SchoolProfile.objects.filter(unit__id__any_in=units)
            .order_by()
            .values("id", "version", "unit_id", *self.compared_attrs())
        }
        for row in rows:
            record = found.get(row.unit_id or 0)
            if record is not None:
                row.existing = record

    def file_keys(self, row: Row) -> list[tuple[str, str]]:
        code = row.values.get("unit_code")
        return [("unit_code", str(code).upper())] if code else []

    def check(self, row: Row, headers: Headers) -> None:
        values = self.merged(row)
        before = len(row.errors)
        self.check_rules(row, SimpleNamespace(**values), headers)
        reported = {problem.field for problem in row.errors[before:]}
        # The profile form's own check, which no quality rule makes.
        if values.get("national_standard_year") and not values.get("national_standard"):
            if "national_standard" not in reported:
                self.problem(
                    row,
                    "national_standard",
                    _(
                        "Đã ghi năm công nhận chuẩn nhưng “Chuẩn quốc gia” là chưa đạt: hãy chọn mức chuẩn quốc gia "
                        "trường đạt, hoặc xóa năm công nhận chuẩn."
                    ),
                )

    def write(self, new: list[dict[str, Any]], changed: list[dict[str, Any]]) -> dict[int, int]:
        now = timezone.now()

        def fill(values: dict[str, Any], staged: dict[str, Any]) -> None:
            values["unit_id"] = staged["u"]

        created = self.insert_records(new, now, fill)
        self.update_changed(changed, now)
        return created


def register(adapters: dict[str, type[Adapter]]) -> None:
    """Add these adapters to the pipeline's registry (``edudb.exchange.adapters.ADAPTERS``)."""
    adapters.update({"results": ResultAdapter, "rooms": RoomAdapter, "schools": SchoolAdapter})
