"""How each kind of record goes through the import pipeline: students, staff, classes.

Lookups here are city-wide on purpose where codes are city-wide (a Ministry code, a personal ID): the import must
know that a code is taken to refuse the row, but it never says by whom — the refusal reads like the forms' own.
Only records inside the writer's scope are ever changed: a row whose record lies elsewhere is rejected.
"""

from __future__ import annotations

import datetime as dt
import re
from abc import abstractmethod
from collections import defaultdict
from functools import cached_property
from types import SimpleNamespace
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from edudb.core.scoping import Function
from edudb.exchange.bulk import Inserter
from edudb.exchange.layouts import CLASSES, STAFF, STUDENTS
from edudb.exchange.models import ImportJob
from edudb.exchange.pipeline import Adapter, ImportFailed, Problem, Row, _diff, _shown, compact, digits_problem
from edudb.exchange.pipeline import personal_id_problem as _pid_problem
from edudb.quality import rules
from edudb.quality.codes import repair_personal_id
from edudb.quality.models import Target, items_of
from edudb.quality.text import clean_text, search_key
from edudb.registry import services
from edudb.registry.enrolment import _guardians_text, duplicate_personal_id_message
from edudb.registry.models import (
    CodeKind,
    Guardian,
    IssuedCode,
    SchoolClass,
    Site,
    StaffMember,
    Student,
    StudentEvent,
    StudentEventKind,
)
from edudb.registry.services import next_temporary_code
from edudb.reporting.models import SchoolYear

Headers = dict[str, tuple[str, int]]
_LIST_SPLIT = re.compile(r"\s*[;,\n]\s*")
MASKED_ID = re.compile(r"^[•*xX]{6,}\d{0,4}$")
RELATIONS = (
    ("father", Guardian.Relation.FATHER),
    ("mother", Guardian.Relation.MOTHER),
    ("guardian", Guardian.Relation.GUARDIAN),
)
GUARDIAN_PARTS = ("name", "birth_year", "occupation", "phone")
GUARDIAN_COLUMNS = ("full_name", "birth_year", "occupation", "phone")
GUARDIAN_FIELDS = ("relation", *GUARDIAN_COLUMNS)


def _date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _problem(row: Row, headers: Headers, name: str, message: str) -> None:
    header, index = headers.get(name, (name, None))
    row.errors.append(Problem(row.number, header, index, name, _shown(row.raw.get(name)), message))


def current_year() -> SchoolYear:
    year = SchoolYear.objects.filter(is_current=True).first()
    if year is None:
        raise ImportFailed(_("Chưa có năm học hiện tại trên hệ thống; hãy báo Sở khai báo năm học trước khi nhập."))
    return year


class PersonAdapter(Adapter):
    """Students and staff: codes, personal IDs and names."""

    code_kind: ClassVar[str]
    plain_fields: ClassVar[tuple[str, ...]] = ()
    date_fields: ClassVar[tuple[str, ...]] = ()
    bool_fields: ClassVar[tuple[str, ...]] = ()

    def __init__(self, job: ImportJob, user: Any) -> None:
        super().__init__(job, user)
        self.writable_units: set[int] = set()

    def after_units(self) -> None:
        self.writable_units = {unit.pk for unit in self.units_by_code.values()}
        if self.default_unit is not None:
            self.writable_units.add(self.default_unit.pk)

    def compared_attrs(self) -> list[str]:
        return [
            f.attname
            for f in self.model._meta.concrete_fields
            if f.attname not in ("id", "version", "created_at", "updated_at", "updated_by_id", "name_key")
        ]

    # --- building --------------------------------------------------------------------------------------------------

    def build_common(self, row: Row, headers: Headers) -> None:
        values, attrs = row.values, row.attrs
        for name, (header, index) in headers.items():
            column = self.layout.column(name)
            value = values.get(name)
            if column.code_list and name in self.code_list_fields:
                item = self.code_item(row, column, header, index)
                if item is not None:
                    attrs[f"{name}_id"] = item.pk
            elif name in self.plain_fields and value not in (None, ""):
                attrs[name] = value
            elif name in self.date_fields and value not in (None, ""):
                attrs[name] = _date(value)
            elif name in self.bool_fields and value is not None and value != "":
                attrs[name] = bool(value)
        code = values.get("ministry_code")
        if code:
            problem = self.code_problem(str(code))
            if problem:
                _problem(row, headers, "ministry_code", problem)
            else:
                attrs["ministry_code"] = str(code)
        personal_id = values.get("personal_id")
        if personal_id and MASKED_ID.match(str(personal_id)):
            personal_id = None  # a masked ID from our own export ("•••••••••234"): the stored one stays
        if personal_id:
            text = str(personal_id)
            well_formed = len(text) == 12 and text.isascii() and text.isdigit() and not text.startswith("000")
            problem = None if well_formed else _pid_problem(personal_id)
            if problem:
                _problem(row, headers, "personal_id", problem)
            else:
                attrs["personal_id"] = repair_personal_id(personal_id)

    @cached_property
    def code_list_fields(self) -> set[str]:
        return {c.field for c in self.layout.columns if c.code_list and c.field != "policy_groups"}

    @abstractmethod
    def code_problem(self, code: str) -> str | None: ...

    def file_keys(self, row: Row) -> list[tuple[str, str]]:
        return [(name, str(row.attrs[name])) for name in ("ministry_code", "personal_id") if row.attrs.get(name)]

    # --- lookups -----------------------------------------------------------------------------------------------------

    def key_lookup(self, rows: list[Row]) -> Q:
        codes = {row.attrs["ministry_code"] for row in rows if row.attrs.get("ministry_code")}
        pids = {row.attrs["personal_id"] for row in rows if row.attrs.get("personal_id")}
        condition = Q(pk__in=[])
        if codes:
            condition |= Q(ministry_code__any_in=sorted(codes))
        if pids:
            condition |= Q(personal_id__any_in=sorted(pids))
        return condition

    def find_existing(self, rows: list[Row]) -> None:
        if not rows:
            return
        fields = ["id", "version", *self.compared_attrs()]
        by_code: dict[str, dict[str, Any]] = {}
        by_pid: dict[str, dict[str, Any]] = {}
        by_tmp: dict[str, dict[str, Any]] = {}
        condition = self.key_lookup(rows)
        # City-wide (codes are unique in the city); nothing of an out-of-scope record ever reaches the user.
        for record in self.model._default_manager.filter(condition).order_by().values(*fields):
            if record.get("ministry_code"):
                by_code[record["ministry_code"]] = record
            if record.get("personal_id"):
                by_pid[record["personal_id"]] = record
            if record.get("temporary_code"):
                by_tmp[record["temporary_code"]] = record
        unmatched: list[Row] = []
        for row in rows:
            found = self.match(row, by_code, by_pid, by_tmp)
            if row.errors:
                continue
            if found is None:
                unmatched.append(row)
            else:
                self.accept_match(row, found)
        self.match_by_name(unmatched, fields)
        self.check_new_codes([row for row in rows if row.existing is None and not row.errors])
        self.load_extras([row for row in rows if row.existing is not None])

    def match(
        self,
        row: Row,
        by_code: dict[str, dict[str, Any]],
        by_pid: dict[str, dict[str, Any]],
        by_tmp: dict[str, dict[str, Any]],
    ) -> dict[str, Any] | None:
        code, pid = row.attrs.get("ministry_code"), row.attrs.get("personal_id")
        tmp = row.values.get("temporary_code")
        found = by_code.get(code) if code else None
        by_id = by_pid.get(pid) if pid else None
        by_temp = by_tmp.get(str(tmp)) if tmp else None
        if tmp and by_temp is None and "temporary_code" in self.layout.keys[2]:
            self.reject(row, "temporary_code", self.unknown_temporary_code(str(tmp)))
            return None
        candidates = {id(r): r for r in (found, by_id, by_temp) if r is not None}
        if len(candidates) > 1:
            self.reject(
                row,
                "personal_id" if by_id is not None else "ministry_code",
                _(
                    "Mã và số định danh cá nhân của dòng này thuộc hai hồ sơ khác nhau trên hệ thống: hãy kiểm tra lại "
                    "mã và số định danh của người này."
                ),
            )
            return None
        record = next(iter(candidates.values()), None)
        if record is None:
            return None
        if record["unit_id"] not in self.writable_units:
            name = "ministry_code" if found is not None else "personal_id" if by_id is not None else "temporary_code"
            self.reject(row, name, self.elsewhere_message(name))
            return None
        return record

    def reject(self, row: Row, name: str, message: str) -> None:
        header, index = self.headers.get(name, (str(self._label(name)), None))
        row.errors.append(Problem(row.number, header, index, name, _shown(row.raw.get(name)), message))

    def accept_match(self, row: Row, record: dict[str, Any]) -> None:
        if row.unit_id is not None and record["unit_id"] != row.unit_id:
            self.reject(
                row,
                "unit_code",
                _(
                    "Hồ sơ này đang thuộc một trường khác trong phạm vi của bạn; nhập Excel không chuyển trường. Hãy "
                    "làm thủ tục chuyển trường (mục Biến động) hoặc sửa mã trường của dòng."
                ),
            )
            return
        if record.get("ministry_code") and row.attrs.get("ministry_code") not in (None, record["ministry_code"]):
            self.reject(
                row,
                "ministry_code",
                _("Hồ sơ này đã có mã %(code)s; mã định danh không thay đổi được. Hãy sửa lại mã trong tệp.")
                % {"code": record["ministry_code"]},
            )
            return
        if row.attrs.get("personal_id") and record.get("personal_id") not in (None, "", row.attrs["personal_id"]):
            self.reject(
                row,
                "personal_id",
                _(
                    "Số định danh cá nhân trong tệp khác với số đang lưu của người này: nhập Excel không sửa số định "
                    "danh đã có. Hãy kiểm tra giấy tờ; nếu cần sửa, sửa trên trang hồ sơ."
                ),
            )
            return
        row.existing = record

    def match_by_name(self, rows: list[Row], fields: list[str]) -> None:
        """Rows without a code matching a record: the same name and birth date in the same school."""
        wanted = [row for row in rows if row.attrs.get("full_name") and row.attrs.get("birth_date") and row.unit_id]
        if not wanted:
            return
        keys = {search_key(row.attrs["full_name"]) for row in wanted}
        units = {row.unit_id for row in wanted}
        found: dict[tuple[int, str, dt.date], list[dict[str, Any]]] = defaultdict(list)
        records = (
            self.model._default_manager.filter(unit_id__in=sorted(units), name_key__any_in=sorted(keys))
            .order_by()
            .values("name_key", *fields)
        )
        for record in records:
            found[(record["unit_id"], record["name_key"], record["birth_date"])].append(record)
        for row in wanted:
            same = found.get((row.unit_id or 0, search_key(row.attrs["full_name"]), row.attrs["birth_date"]), [])
            # A record whose code or personal ID differs from the row's is another child of the same name.
            matches = [record for record in same if not self.conflicts(row, record)]
            if len(matches) > 1:
                self.reject(
                    row,
                    "full_name",
                    _(
                        "Trường có %(count)s người cùng họ tên và ngày sinh này: hãy ghi mã hoặc số định danh cá nhân "
                        "để biết dòng này là ai."
                    )
                    % {"count": len(matches)},
                )
            elif matches:
                record = dict(matches[0])
                record.pop("name_key", None)
                self.accept_match(row, record)

    @staticmethod
    def conflicts(row: Row, record: dict[str, Any]) -> bool:
        """Whether the row's code or personal ID says it is not this record."""
        for name in ("ministry_code", "personal_id"):
            mine, theirs = row.attrs.get(name), record.get(name)
            if mine and theirs and mine != theirs:
                return True
        return False

    def check_new_codes(self, rows: list[Row]) -> None:
        """A new row's Ministry code must never have been given (codes are never reused, R3.5)."""
        codes = {row.attrs["ministry_code"] for row in rows if row.attrs.get("ministry_code")}
        if not codes:
            return
        taken = set(
            IssuedCode.objects.filter(kind=self.code_kind, code__any_in=sorted(codes)).values_list("code", flat=True)
        )
        for row in rows:
            if row.attrs.get("ministry_code") in taken:
                self.reject(row, "ministry_code", self.reused_message(row.attrs["ministry_code"]))

    def load_extras(self, rows: list[Row]) -> None:
        """What the comparison needs besides the record's own columns."""

    @abstractmethod
    def elsewhere_message(self, name: str) -> str: ...

    def reused_message(self, code: str) -> str:
        return _("Mã “%(code)s” đã từng được cấp cho một hồ sơ khác và không thể dùng lại: hãy kiểm tra lại mã.") % {
            "code": code
        }

    def unknown_temporary_code(self, code: str) -> str:
        return _("Không có hồ sơ nào mang mã tạm “%(code)s”: mã tạm do hệ thống cấp; hãy để trống ô này.") % {
            "code": code
        }

    def merged(self, row: Row) -> dict[str, Any]:
        base = dict(row.existing or {})
        base.update(row.attrs)
        return base

    def instance(self, row: Row) -> Any:
        """The record as it would be saved, for the rules (which read attributes only): a plain namespace, since
        building a model instance per row cost more than the rules themselves."""
        values = dict.fromkeys(self.attnames)
        values.update(self.merged(row))
        return SimpleNamespace(**values)

    def check(self, row: Row, headers: Headers) -> None:
        self.check_rules(row, self.instance(row), headers)

    # --- writing helpers ---------------------------------------------------------------------------------------------

    def derived(self, values: dict[str, Any]) -> dict[str, Any]:
        return {"name_key": search_key(values["full_name"])} if "full_name" in values else {}

    def claim_codes(self, codes: list[str], kind: str) -> None:
        """Record the codes as given (never to be reused); a code claimed meanwhile fails the whole commit."""
        now = timezone.now()
        Inserter(IssuedCode, ["kind", "code", "issued_at"]).insert((kind, code, now) for code in codes)


class StudentAdapter(PersonAdapter):
    layout = STUDENTS
    model = Student
    function = Function.ENTER_STUDENTS
    target = Target.STUDENT
    object_type = "registry.student"
    code_kind = CodeKind.STUDENT
    plain_fields = ("full_name", "birthplace", "home_commune_code", "home_address", "current_address", "phone")
    date_fields = ("birth_date", "status_on", "enrolled_on")
    bool_fields = ("semi_boarding", "boarding", "orphan")

    def __init__(self, job: ImportJob, user: Any) -> None:
        super().__init__(job, user)
        self.classes: dict[tuple[int, str], tuple[int, int | None]] = {}
        self.year: SchoolYear | None = None
        self.guardians: dict[int, list[dict[str, Any]]] = {}
        self.policies: dict[int, list[int]] = {}

    def after_units(self) -> None:
        super().after_units()
        self.year = current_year()
        units = sorted(self.writable_units)
        rows = (
            SchoolClass.objects.filter(unit_id__in=units, school_year=self.year)
            .order_by()
            .values_list("pk", "unit_id", "name", "grade")
        )
        for pk, unit_id, name, grade in rows:
            self.classes[(unit_id, compact(name))] = (pk, grade)
        self.rule_context.load_classes(Q(unit_id__in=units, school_year=self.year))

    def code_problem(self, code: str) -> str | None:
        if len(code) == 10 and code.isascii() and code.isdigit():
            return None
        return digits_problem(code, length=10, label=_("Mã định danh học sinh"))

    def key_lookup(self, rows: list[Row]) -> Q:
        condition = super().key_lookup(rows)
        temporary = {str(row.values["temporary_code"]).upper() for row in rows if row.values.get("temporary_code")}
        if temporary:
            condition |= Q(temporary_code__any_in=sorted(temporary))
        return condition

    def elsewhere_message(self, name: str) -> str:
        if name == "personal_id":
            return duplicate_personal_id_message()
        return _(
            "Mã này là của một học sinh đang thuộc trường khác (ngoài phạm vi của bạn): dòng này không được ghi. Nếu "
            "học sinh chuyển đến, hãy làm thủ tục chuyển trường (mục Biến động) thay vì nhập."
        )

    def build(self, row: Row, headers: Headers) -> None:
        self.build_common(row, headers)
        values, attrs = row.values, row.attrs
        if values.get("temporary_code"):
            row.values["temporary_code"] = str(values["temporary_code"]).upper()
        class_name = values.get("class_name")
        if class_name and row.unit_id:
            found = self.classes.get((row.unit_id, compact(class_name)))
            if found is None:
                _problem(
                    row,
                    headers,
                    "class_name",
                    _(
                        "Trường chưa có lớp “%(name)s” trong năm học %(year)s: hãy tạo lớp trước (mục Lớp học) hoặc "
                        "sửa tên lớp cho đúng với hệ thống."
                    )
                    % {"name": class_name, "year": self.year},
                )
            else:
                attrs["school_class_id"] = found[0]
        groups = values.get("policy_groups")
        if groups:
            column = self.layout.column("policy_groups")
            header, index = headers["policy_groups"]
            ids = []
            for part in _LIST_SPLIT.split(str(groups)):
                if not part:
                    continue
                item = self.matchers.match("doi_tuong_chinh_sach", part)
                if item is None:
                    row.errors.append(
                        Problem(
                            row.number,
                            header,
                            index,
                            column.field,
                            part,
                            self.matchers.explain("doi_tuong_chinh_sach", part, header),
                        )
                    )
                else:
                    ids.append(item.pk)
            row.extras["policy"] = sorted(set(ids))
        guardians: dict[str, dict[str, Any]] = {}
        for prefix, relation in RELATIONS:
            parts = {part: values.get(f"{prefix}_{part}") for part in GUARDIAN_PARTS}
            if not any(value not in (None, "") for value in parts.values()):
                continue
            year = parts.get("birth_year")
            if year not in (None, ""):
                text = str(year)
                if not (text.isdigit() and 1900 <= int(text) <= timezone.localdate().year):
                    _problem(row, headers, f"{prefix}_birth_year", _("Năm sinh phải là 4 chữ số, ví dụ 1985."))
                    continue
                year = int(text)
            guardians[relation] = {
                "full_name": parts.get("name") or "",  # normalised already (a name column)
                "birth_year": year or None,
                "occupation": parts.get("occupation") or "",
                "phone": parts.get("phone") or "",
            }
        if guardians:
            row.extras["guardians"] = guardians

    def load_extras(self, rows: list[Row]) -> None:
        ids = [row.existing["id"] for row in rows if row.existing]
        if not ids:
            return
        if any("guardians" in row.extras for row in rows):
            rows_of = (
                Guardian.objects.filter(student_id__in=ids)
                .order_by("pk")
                .values_list("student_id", "relation", "full_name", "birth_year", "occupation", "phone")
            )
            for student_id, *values in rows_of:
                self.guardians.setdefault(student_id, []).append(dict(zip(GUARDIAN_FIELDS, values, strict=True)))
        if any("policy" in row.extras for row in rows):
            through = Student.policy_groups.through
            for student_id, item_id in through.objects.filter(student_id__in=ids).values_list(
                "student_id", "codeitem_id"
            ):
                self.policies.setdefault(student_id, []).append(item_id)

    def merged_guardians(self, row: Row) -> list[dict[str, Any]]:
        existing = self.guardians.get(row.existing["id"], []) if row.existing else []
        by_relation = {g["relation"]: dict(g) for g in existing}
        for relation, wanted in row.extras.get("guardians", {}).items():
            current = by_relation.setdefault(
                relation, {"relation": relation, "full_name": "", "birth_year": None, "occupation": "", "phone": ""}
            )
            for name, value in wanted.items():
                if value not in (None, ""):
                    current[name] = value
        order = {relation: i for i, (_p, relation) in enumerate(RELATIONS)}
        return sorted(by_relation.values(), key=lambda g: order.get(g["relation"], 9))

    def changes(self, row: Row) -> dict[str, list[Any]]:
        changes = _diff(row.existing, row.attrs)
        if "guardians" in row.extras:
            before = self.guardians.get(row.existing["id"], []) if row.existing else []
            after = self.merged_guardians(row)
            if sorted(map(_guardian_key, before)) != sorted(map(_guardian_key, after)):
                changes["guardians"] = [_guardians_text(before), _guardians_text(after)]
                row.extras["guardians_after"] = after
        if "policy" in row.extras:
            before_ids = sorted(self.policies.get(row.existing["id"], [])) if row.existing else []
            if before_ids != row.extras["policy"]:
                changes["policy_groups"] = [before_ids, row.extras["policy"]]
        return changes

    def check(self, row: Row, headers: Headers) -> None:
        if not row.existing and "full_name" not in row.attrs:
            return  # refused already as a required column
        super().check(row, headers)

    # --- writing ----------------------------------------------------------------------------------------------------

    def write(self, new: list[dict[str, Any]], changed: list[dict[str, Any]]) -> dict[int, int]:
        from edudb.registry.journal import year_and_term

        now = timezone.now()
        status = items_of("trang_thai_hoc_sinh").filter(code="01").first()
        nationality = items_of("quoc_tich").filter(code="VN").first()
        today = timezone.localdate()
        without_code = [staged for staged in new if not staged["d"].get("ministry_code")]
        temporary = _temporary_codes(len(without_code))
        codes = [staged["d"]["ministry_code"] for staged in new if staged["d"].get("ministry_code")]
        codes += [staged["d"]["ministry_code"] for staged in changed if "ministry_code" in staged["c"]]
        self.claim_codes(codes, CodeKind.STUDENT)
        self.claim_codes(temporary, CodeKind.STUDENT_TEMPORARY)
        fresh = iter(temporary)
        status_id = status.pk if status else None
        nationality_id = nationality.pk if nationality else None
        new_rows: list[dict[str, Any]] = []

        def fill(values: dict[str, Any], staged: dict[str, Any]) -> None:
            if values.get("ministry_code"):
                values["temporary_code"] = None
            else:
                values["ministry_code"], values["temporary_code"] = None, next(fresh)
            values["status_id"] = values.get("status_id") or status_id
            values["nationality_id"] = values.get("nationality_id") or nationality_id
            values["enrolled_on"] = values.get("enrolled_on") or today
            new_rows.append(values)

        created = self.insert_records(new, now, fill)
        years: dict[dt.date, tuple[SchoolYear, int]] = {}
        grades = {pk: grade for (pk, grade) in self.classes.values()}
        by_id = self.by.pk if self.by else None
        note = _("Nhập từ Excel")
        events = []
        for values in new_rows:
            day = values["enrolled_on"]
            if day not in years:
                years[day] = year_and_term(day)
            year, term = years[day]
            events.append(
                (
                    values["unit_id"],
                    values["id"],
                    StudentEventKind.ENROLLED,
                    year.pk,
                    term,
                    day,
                    values["status_id"],
                    values["school_class_id"],
                    grades.get(values["school_class_id"]),
                    note,
                    by_id,
                    now,
                )
            )
        Inserter(
            StudentEvent,
            ["unit_id", "student_id", "kind", "school_year_id", "term", "happened_on", "status_id",
             "school_class_id", "grade", "note", "by_id", "at"],
        ).insert(events)  # fmt: skip
        self.update_changed(changed, now)
        self.write_guardians(new, changed, created)
        self.write_policies(new, changed, created)
        return created

    def write_guardians(
        self, new: list[dict[str, Any]], changed: list[dict[str, Any]], created: dict[int, int]
    ) -> None:
        rows = []
        for staged in new:
            for relation, values in staged["x"].get("guardians", {}).items():
                rows.append((created[staged["r"]], relation, *(values[name] for name in GUARDIAN_COLUMNS)))
        replaced = [staged for staged in changed if "guardians" in staged["c"]]
        if replaced:
            Guardian.objects.filter(student_id__in=[staged["id"] for staged in replaced]).delete()
            for staged in replaced:
                for values in staged["x"].get("guardians_after", []):
                    rows.append((staged["id"], values["relation"], *(values[name] for name in GUARDIAN_COLUMNS)))
        Inserter(Guardian, ["student_id", "relation", *GUARDIAN_COLUMNS]).insert(rows)

    def write_policies(self, new: list[dict[str, Any]], changed: list[dict[str, Any]], created: dict[int, int]) -> None:
        through = Student.policy_groups.through
        rows = [(created[staged["r"]], item_id) for staged in new for item_id in staged["x"].get("policy", [])]
        replaced = [staged for staged in changed if "policy_groups" in staged["c"]]
        if replaced:
            through.objects.filter(student_id__in=[staged["id"] for staged in replaced]).delete()
            rows += [(staged["id"], item_id) for staged in replaced for item_id in staged["x"].get("policy", [])]
        Inserter(through, ["student_id", "codeitem_id"]).insert(rows)


def _guardian_key(guardian: dict[str, Any]) -> tuple[Any, ...]:
    return (
        guardian.get("relation"),
        guardian.get("full_name") or "",
        guardian.get("birth_year"),
        guardian.get("occupation") or "",
        guardian.get("phone") or "",
    )


def _temporary_codes(count: int) -> list[str]:
    """``count`` fresh temporary codes in a row (TMP-00001235, …), claimed by the caller in the same transaction."""
    if not count:
        return []
    first = next_temporary_code()
    prefix, _sep, number = first.rpartition("-")
    start = int(number)
    return [f"{prefix}-{start + i:08d}" for i in range(count)]


class StaffAdapter(PersonAdapter):
    layout = STAFF
    model = StaffMember
    function = Function.ENTER_STAFF
    target = Target.STAFF
    object_type = "registry.staffmember"
    institutions_only = False
    code_kind = CodeKind.STAFF
    plain_fields = (
        "full_name",
        "phone",
        "email",
        "rank",
        "subjects",
        "major",
        "foreign_language_level",
        "it_level",
    )
    date_fields = ("birth_date", "joined_on")

    def code_problem(self, code: str) -> str | None:
        try:  # the staff code's format, as the forms check it
            services.clean_ministry_code(CodeKind.STAFF, code)
        except ValidationError as exc:
            return " ".join(exc.messages)
        return None

    def build(self, row: Row, headers: Headers) -> None:
        if row.values.get("ministry_code"):
            row.values["ministry_code"] = str(row.values["ministry_code"]).upper()
        self.build_common(row, headers)

    def elsewhere_message(self, name: str) -> str:
        if name == "personal_id":
            return _(
                "Số định danh cá nhân này đã có trong hồ sơ của một cán bộ khác (ngoài phạm vi của bạn): hãy đối chiếu "
                "với thẻ căn cước; nếu người này chuyển đến, làm thủ tục điều động thay vì nhập."
            )
        return _(
            "Mã này là của một cán bộ đang thuộc đơn vị khác (ngoài phạm vi của bạn): dòng này không được ghi. Nếu "
            "người này chuyển đến, hãy làm thủ tục điều động, chuyển công tác."
        )

    def write(self, new: list[dict[str, Any]], changed: list[dict[str, Any]]) -> dict[int, int]:
        now = timezone.now()
        working = items_of("trang_thai_can_bo").filter(code="01").first()
        codes = [staged["d"]["ministry_code"] for staged in new if staged["d"].get("ministry_code")]
        codes += [staged["d"]["ministry_code"] for staged in changed if "ministry_code" in staged["c"]]
        self.claim_codes(codes, CodeKind.STAFF)
        working_id = working.pk if working else None

        def fill(values: dict[str, Any], staged: dict[str, Any]) -> None:
            values["ministry_code"] = values.get("ministry_code") or None
            values["work_status_id"] = values.get("work_status_id") or working_id

        created = self.insert_records(new, now, fill)
        self.update_changed(changed, now)
        return created

    def check(self, row: Row, headers: Headers) -> None:
        if row.existing is None and "staff_type_id" not in row.attrs:
            return
        super().check(row, headers)


class ClassAdapter(Adapter):
    layout = CLASSES
    model = SchoolClass
    function = Function.ENTER_UNITS
    target = Target.CLASS
    object_type = "registry.schoolclass"

    def __init__(self, job: ImportJob, user: Any) -> None:
        super().__init__(job, user)
        self.year: SchoolYear | None = None
        self.sites: dict[tuple[int, str], int] = {}
        self.teachers: dict[tuple[int, str], int] = {}
        self.writable_units: set[int] = set()

    def after_units(self) -> None:
        self.writable_units = {unit.pk for unit in self.units_by_code.values()}
        if self.default_unit is not None:
            self.writable_units.add(self.default_unit.pk)
        self.year = current_year()
        units = sorted(self.writable_units)
        for pk, unit_id, code in Site.objects.filter(unit_id__in=units).order_by().values_list("pk", "unit_id", "code"):
            self.sites[(unit_id, compact(code))] = pk
        teachers = StaffMember.objects.filter(unit_id__in=units, ministry_code__isnull=False).order_by()
        for pk, unit_id, staff_code in teachers.values_list("pk", "unit_id", "ministry_code"):
            self.teachers[(unit_id, compact(staff_code))] = pk
        sizes = (
            Student.objects.filter(
                unit_id__in=units, school_class__school_year=self.year, status__code__in=rules.PRESENT_STUDENT
            )
            .order_by()
            .values_list("school_class_id")
            .annotate(n=models.Count("pk"))
        )
        self.rule_context.class_sizes = dict(sizes)

    def compared_attrs(self) -> list[str]:
        return [
            f.attname
            for f in SchoolClass._meta.concrete_fields
            if f.attname not in ("id", "version", "created_at", "updated_at", "updated_by_id")
        ]

    def file_keys(self, row: Row) -> list[tuple[str, str]]:
        if row.attrs.get("name") and row.unit_id:
            return (
                [("name", f"{row.attrs['name']}")]
                if not self.units_by_code
                else [("name", f"{row.unit_id}:{row.attrs['name']}")]
            )
        return []

    def build(self, row: Row, headers: Headers) -> None:
        values, attrs = row.values, row.attrs
        for name, (header, index) in headers.items():
            column = self.layout.column(name)
            value = values.get(name)
            if value in (None, ""):
                continue
            if column.code_list:
                item = self.code_item(row, column, header, index)
                if item is not None:
                    attrs[f"{name}_id"] = item.pk
            elif name in ("grade", "sessions_per_week", "max_students"):
                text = str(value)
                if not text.isdigit():
                    _problem(row, headers, name, _("“%(header)s” phải là một số nguyên.") % {"header": header})
                    continue
                number = int(text)
                if name == "grade" and not 1 <= number <= 12:
                    _problem(row, headers, name, _("Khối lớp từ 1 đến 12; để trống với lớp mầm non."))
                    continue
                attrs[name] = number
            elif name in ("is_mixed", "two_sessions", "semi_boarding", "is_specialised"):
                attrs[name] = bool(value)
            elif name == "site_code" and row.unit_id:
                site = self.sites.get((row.unit_id, compact(value)))
                if site is None:
                    _problem(row, headers, name, _("Trường không có điểm trường mã “%(code)s”.") % {"code": value})
                else:
                    attrs["site_id"] = site
            elif name == "homeroom_code" and row.unit_id:
                teacher = self.teachers.get((row.unit_id, compact(value)))
                if teacher is None:
                    _problem(
                        row,
                        headers,
                        name,
                        _("Trường không có cán bộ mã “%(code)s” để làm giáo viên chủ nhiệm.") % {"code": value},
                    )
                else:
                    attrs["homeroom_teacher_id"] = teacher
            elif name in ("name", "specialised_subject"):
                attrs[name] = clean_text(str(value))

    def find_existing(self, rows: list[Row]) -> None:
        units = {row.unit_id for row in rows if row.unit_id}
        if not units:
            return
        found = {
            (record["unit_id"], compact(record["name"])): record
            for record in SchoolClass.objects.filter(unit_id__in=sorted(units), school_year=self.year)
            .order_by()
            .values("id", "version", *self.compared_attrs())
        }
        for row in rows:
            record = found.get((row.unit_id, compact(row.attrs.get("name", ""))))
            if record is not None:
                row.existing = record

    def check(self, row: Row, headers: Headers) -> None:
        values = dict(row.existing or {})
        values.update(row.attrs)
        values.setdefault("school_year_id", self.year.pk if self.year else None)
        names = {f.attname for f in SchoolClass._meta.concrete_fields}
        self.check_rules(row, SchoolClass(**{k: v for k, v in values.items() if k in names}), headers)

    def write(self, new: list[dict[str, Any]], changed: list[dict[str, Any]]) -> dict[int, int]:
        now = timezone.now()
        year = self.year or current_year()

        def fill(values: dict[str, Any], staged: dict[str, Any]) -> None:
            values["school_year_id"] = year.pk

        created = self.insert_records(new, now, fill)
        self.update_changed(changed, now)
        return created


ADAPTERS: dict[str, type[Adapter]] = {"students": StudentAdapter, "staff": StaffAdapter, "classes": ClassAdapter}


def adapter_for(job: ImportJob, user: Any) -> Adapter:
    try:
        return ADAPTERS[job.layout](job, user)
    except KeyError as exc:
        raise ImportFailed(_("Chưa hỗ trợ nhập loại dữ liệu “%(layout)s”.") % {"layout": job.layout}) from exc


from edudb.exchange.adapters_more import register  # noqa: E402 — results, rooms, school profiles

register(ADAPTERS)
