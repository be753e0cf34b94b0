"""Exports of the lists a user can see, to .xlsx and .csv (R5.1, R7.5, R10.2–R10.4).

One registry, :func:`specs`, keyed by a short source name ("students", "staff", "classes", …). Each entry names the
list page's own :class:`~edudb.core.views_base.ScopedListView` subclass; an export instantiates that view for the
user with the list's query string and takes its ``get_queryset()`` — the scope (``visible_to``) and the filters
(the view's ``refine()``) are therefore exactly the page's, and live in one place. Only the function differs: the
view is asked for what the user may *export* (``Function.EXPORT``, granted by the unit per Điều 6.5), which reaches
the same units as "view" but only for accounts that hold the function.

On top of the view's queryset an export only changes what is *loaded* (every column instead of the page's few,
the related rows the columns read, prefetches), never which rows; the rows are read in chunks
(``iterator(chunk_size=…)``), so the number of queries does not grow with the rows.

Safety of the file (R10.4):
- formula injection: every text cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (and the
  full-width ``＝＋－＠`` some spreadsheet programs also read as such) is prefixed with a single quote (OWASP
  "CSV injection"), in both formats; xlsx cells are written with ``write_string`` (never ``write``), numbers as
  numbers, dates as real dates shown dd/mm/yyyy, codes as text;
- personal IDs (``secret_fields``) are masked to their last three digits unless the account holds "Xem đầy đủ số
  định danh cá nhân" (``Function.REVEAL_PERSONAL_ID``) — the unit scope of that function is the same as the
  export's, so holding it covers every row exported;
- every export is audited: ``export.download`` for a file handed out (an inline export, each download of a
  background file), ``export.create`` when a background file is finished — with the source, format, filters and
  number of rows.

CSV: UTF-8 with a byte-order mark, comma-separated, every field quoted. The BOM is what makes Excel read the file
as UTF-8 (without it Vietnamese turns into mojibake); the comma is RFC 4180's separator, which LibreOffice, Google
Sheets, Python and the Ministry's tools all read without asking. A semicolon would only help an Excel whose
Windows list separator is ";" — and that Excel then also reads "12.5" as text, so the xlsx file is the one for
Excel users; the CSV is for other programs.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import logging
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import IO, Any

import xlsxwriter
from django import forms
from django.conf import settings
from django.core.files import File
from django.db import models, transaction
from django.db.models import Prefetch
from django.http import HttpRequest, QueryDict
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from edudb.core import audit
from edudb.core.scoping import Domain, Function, scope_for
from edudb.exchange import layouts
from edudb.exchange.models import ExportJob, ExportState
from edudb.quality.codes import mask_personal_id

logger = logging.getLogger(__name__)

# A list of at most this many rows is written at once and handed back; a longer one is made in the background.
# ``settings.EXPORT_INLINE_ROWS`` overrides it.
EXPORT_INLINE_ROWS = 5_000
CHUNK_ROWS = 2_000  # rows fetched per round trip (and per prefetch)
PROGRESS_EVERY = 1_000  # a background job reports its progress after this many rows
SHEET_ROWS = 1_048_575  # data rows an xlsx sheet holds below its header; longer lists go on to a second sheet
FORMATS = ("xlsx", "csv")
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
DROPPED_PARAMETERS = ("format", "page")  # the export's own parameters, not the list's filters
MAX_QUERY = 2_000  # ExportJob.query's length

# OWASP: a cell starting with one of these is a formula to Excel, LibreOffice or Google Sheets.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def inline_limit() -> int:
    return int(getattr(settings, "EXPORT_INLINE_ROWS", EXPORT_INLINE_ROWS))


def neutralise(text: str) -> str:
    """A text cell that a spreadsheet would run as a formula, made plain text: ``=1+1`` → ``'=1+1``."""
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


# --- columns and specs ---------------------------------------------------------------------------------------------


class Cell(StrEnum):
    """How a column's values are written."""

    TEXT = "text"
    CODE = "code"  # text that looks like a number (codes, phone numbers): kept as text, leading zeros and all
    NUMBER = "number"
    DATE = "date"
    DATETIME = "datetime"
    YES_NO = "yes_no"
    SECRET = "secret"  # noqa: S105 - the personal ID column: masked unless the account may reveal it


Accessor = Callable[[Any], Any]


def path(dotted: str) -> Accessor:
    """Read ``a.b.c`` from a row, None as soon as a link is missing (a student without a class)."""
    parts = dotted.split(".")

    def read(row: Any) -> Any:
        value = row
        for part in parts:
            if value is None:
                return None
            value = getattr(value, part)
        return value

    return read


def display(name: str) -> Accessor:
    """The label of a choice field (``get_<name>_display``)."""
    return lambda row: getattr(row, f"get_{name}_display")()


@dataclass(frozen=True)
class ExportColumn:
    header: str | Promise
    value: Accessor
    kind: Cell = Cell.TEXT
    width: int = 14


def col(header: str | Promise, value: str | Accessor, kind: Cell = Cell.TEXT, width: int = 14) -> ExportColumn:
    return ExportColumn(header, path(value) if isinstance(value, str) else value, kind, width)


def layout_col(
    layout: layouts.Layout, name: str, value: str | Accessor | None = None, kind: Cell | None = None
) -> ExportColumn:
    """A column with the import layout's own header and width, so that an exported file can be corrected and
    imported back (the import reads these headers)."""
    column = layout.column(name)
    guessed = {
        "CODE": Cell.CODE,
        "DATE": Cell.DATE,
        "YES_NO": Cell.YES_NO,
        "PHONE": Cell.CODE,
    }.get(column.kind.name, Cell.TEXT)
    if name == "personal_id":
        guessed = Cell.SECRET
    return col(column.header, value if value is not None else name, kind or guessed, column.width)


@dataclass(frozen=True)
class ExportSpec:
    """One list that can be exported: its page's view, the database it belongs to, and its columns."""

    source: str
    view: str  # dotted path of the list's ScopedListView subclass
    list_route: str  # the list page's route name (the export rebuilds the page's request on it)
    domain: str
    title: str | Promise  # "Danh sách học sinh"
    file_stem: str  # ASCII: "hoc-sinh" → hoc-sinh-2026-11-29.xlsx
    sheet: str | Promise  # the data sheet's name (at most 31 characters)
    columns: tuple[ExportColumn, ...]
    related: tuple[str, ...] = ()  # select_related for the columns
    prefetch: tuple[str | Prefetch, ...] = ()  # prefetch_related for the columns (each chunk once)
    notes: Callable[[Any], list[tuple[str, Any]]] | None = None  # more lines for the "Thông tin" sheet, from the view

    @cached_property
    def view_class(self) -> type[Any]:
        return import_string(self.view)  # type: ignore[no-any-return]


def _code(row: Any) -> str:
    return str(row.ministry_code or row.temporary_code or "")


def _guardian(relation: str, attribute: str) -> Accessor:
    def read(student: Any) -> Any:
        for guardian in student.guardians.all():  # prefetched
            if guardian.relation == relation:
                return getattr(guardian, attribute)
        return None

    return read


def _policy_groups(student: Any) -> str:
    return "; ".join(item.name for item in student.policy_groups.all())  # prefetched, in the list's order


def _equipment_notes(view: Any) -> list[tuple[str, Any]]:
    return [
        (_("Năm học"), str(view.year) if getattr(view, "year", None) else ""),
        (_("Số mục của danh mục thiết bị"), getattr(view, "items", 0)),
    ]


_S = layouts.STUDENTS
_T = layouts.STAFF
_C = layouts.CLASSES


def _student_specs() -> list[ExportSpec]:
    from edudb.quality.models import CodeItem
    from edudb.registry.models import Guardian

    return [
        ExportSpec(
            source="students",
            view="edudb.registry.views_students.StudentListView",
            list_route="registry:student_list",
            domain=Domain.STUDENTS,
            title=gettext_lazy("Danh sách học sinh"),
            file_stem="hoc-sinh",
            sheet=gettext_lazy("Học sinh"),
            related=(
                "unit",
                "school_class",
                "gender",
                "ethnicity",
                "nationality",
                "religion",
                "status",
                "disability",
            ),
            prefetch=(
                Prefetch("policy_groups", queryset=CodeItem.objects.order_by("order", "code")),
                Prefetch("guardians", queryset=Guardian.objects.order_by("pk")),
            ),
            columns=(
                layout_col(_S, "unit_code", "unit.code"),
                col(gettext_lazy("Trường"), "unit.name", width=30),
                layout_col(_S, "ministry_code"),
                layout_col(_S, "temporary_code"),
                layout_col(_S, "full_name"),
                layout_col(_S, "birth_date"),
                layout_col(_S, "gender", "gender.name"),
                layout_col(_S, "ethnicity", "ethnicity.name"),
                layout_col(_S, "nationality", "nationality.name"),
                layout_col(_S, "religion", "religion.name"),
                layout_col(_S, "personal_id"),
                layout_col(_S, "class_name", "school_class.name"),
                col(gettext_lazy("Khối"), "school_class.grade", Cell.NUMBER, 6),
                layout_col(_S, "status", "status.name"),
                layout_col(_S, "status_on"),
                layout_col(_S, "enrolled_on"),
                layout_col(_S, "birthplace"),
                layout_col(_S, "home_commune_code"),
                layout_col(_S, "home_address"),
                layout_col(_S, "current_address"),
                layout_col(_S, "phone"),
                layout_col(_S, "disability", "disability.name"),
                layout_col(_S, "policy_groups", _policy_groups),
                layout_col(_S, "semi_boarding"),
                layout_col(_S, "boarding"),
                layout_col(_S, "orphan"),
                layout_col(_S, "father_name", _guardian("father", "full_name")),
                layout_col(_S, "father_birth_year", _guardian("father", "birth_year"), Cell.NUMBER),
                layout_col(_S, "father_occupation", _guardian("father", "occupation")),
                layout_col(_S, "father_phone", _guardian("father", "phone")),
                layout_col(_S, "mother_name", _guardian("mother", "full_name")),
                layout_col(_S, "mother_birth_year", _guardian("mother", "birth_year"), Cell.NUMBER),
                layout_col(_S, "mother_occupation", _guardian("mother", "occupation")),
                layout_col(_S, "mother_phone", _guardian("mother", "phone")),
                layout_col(_S, "guardian_name", _guardian("guardian", "full_name")),
                layout_col(_S, "guardian_phone", _guardian("guardian", "phone")),
                col(gettext_lazy("Cập nhật lần cuối"), "updated_at", Cell.DATETIME, 16),
            ),
        ),
        ExportSpec(
            source="student_transfers",
            view="edudb.registry.views_movements.StudentTransferListView",
            list_route="registry:move_transfer_list",
            domain=Domain.STUDENTS,
            title=gettext_lazy("Chuyển trường của học sinh"),
            file_stem="chuyen-truong-hoc-sinh",
            sheet=gettext_lazy("Chuyển trường"),
            related=("from_unit", "to_unit", "school_year", "from_class", "to_class"),
            columns=(
                col(gettext_lazy("Ngày chuyển"), "leaves_on", Cell.DATE, 12),
                col(gettext_lazy("Mã học sinh"), "person_code", Cell.CODE),
                col(gettext_lazy("Họ và tên"), "person_name", width=24),
                col(gettext_lazy("Năm học"), "school_year", width=11),
                col(gettext_lazy("Học kỳ"), display("term"), width=10),
                col(gettext_lazy("Mã đơn vị đi"), "from_unit.code", Cell.CODE, 11),
                col(gettext_lazy("Đơn vị đi"), "from_unit.name", width=28),
                col(gettext_lazy("Lớp đi"), "from_class.name", width=8),
                col(gettext_lazy("Mã đơn vị đến"), "to_unit.code", Cell.CODE, 11),
                col(gettext_lazy("Đơn vị đến"), "to_unit.name", width=28),
                col(gettext_lazy("Lớp đến"), "to_class.name", width=8),
                col(gettext_lazy("Trạng thái"), display("state"), width=18),
                col(gettext_lazy("Lý do"), "reason", width=24),
                col(gettext_lazy("Chuyển đi lúc"), "released_at", Cell.DATETIME, 16),
                col(gettext_lazy("Xử lý lúc"), "decided_at", Cell.DATETIME, 16),
                col(gettext_lazy("Ghi chú khi xử lý"), "answer", width=24),
            ),
        ),
        ExportSpec(
            source="student_events",
            view="edudb.registry.views_movements.StudentEventListView",
            list_route="registry:move_event_list",
            domain=Domain.STUDENTS,
            title=gettext_lazy("Sổ biến động học sinh"),
            file_stem="bien-dong-hoc-sinh",
            sheet=gettext_lazy("Biến động"),
            related=("unit", "student", "status", "school_class", "school_year"),
            columns=(
                col(gettext_lazy("Ngày"), "happened_on", Cell.DATE, 12),
                col(gettext_lazy("Biến động"), display("kind"), width=18),
                col(gettext_lazy("Năm học"), "school_year", width=11),
                col(gettext_lazy("Học kỳ"), display("term"), width=10),
                col(gettext_lazy("Mã trường"), "unit.code", Cell.CODE, 11),
                col(gettext_lazy("Trường"), "unit.name", width=28),
                col(gettext_lazy("Mã học sinh"), lambda e: _code(e.student), Cell.CODE),
                col(gettext_lazy("Họ và tên"), "student.full_name", width=24),
                col(gettext_lazy("Lớp"), "school_class.name", width=8),
                col(gettext_lazy("Khối"), "grade", Cell.NUMBER, 6),
                col(gettext_lazy("Trạng thái"), "status.name", width=16),
                col(gettext_lazy("Ghi chú"), "note", width=24),
            ),
        ),
    ]


def _staff_specs() -> list[ExportSpec]:
    return [
        ExportSpec(
            source="staff",
            view="edudb.registry.views_staff.StaffListView",
            list_route="registry:staff_list",
            domain=Domain.STAFF,
            title=gettext_lazy("Danh sách cán bộ, giáo viên, nhân viên"),
            file_stem="doi-ngu",
            sheet=gettext_lazy("Đội ngũ"),
            related=(
                "unit",
                "gender",
                "ethnicity",
                "staff_type",
                "position",
                "contract",
                "qualification",
                "standard_assessment",
                "work_status",
            ),
            columns=(
                col(layouts.UNIT_CODE.header, "unit.code", Cell.CODE, 11),
                col(gettext_lazy("Đơn vị"), "unit.name", width=30),
                layout_col(_T, "ministry_code"),
                layout_col(_T, "full_name"),
                layout_col(_T, "birth_date"),
                layout_col(_T, "gender", "gender.name"),
                layout_col(_T, "ethnicity", "ethnicity.name"),
                layout_col(_T, "personal_id"),
                layout_col(_T, "phone"),
                layout_col(_T, "email"),
                layout_col(_T, "staff_type", "staff_type.name"),
                layout_col(_T, "position", "position.name"),
                layout_col(_T, "contract", "contract.name"),
                layout_col(_T, "rank"),
                layout_col(_T, "subjects"),
                layout_col(_T, "qualification", "qualification.name"),
                layout_col(_T, "major"),
                layout_col(_T, "foreign_language_level"),
                layout_col(_T, "it_level"),
                layout_col(_T, "standard_assessment", "standard_assessment.name"),
                layout_col(_T, "work_status", "work_status.name"),
                layout_col(_T, "joined_on"),
                col(gettext_lazy("Cập nhật lần cuối"), "updated_at", Cell.DATETIME, 16),
            ),
        ),
        ExportSpec(
            source="staff_awards",
            view="edudb.registry.views_staff_records.StaffAwardListView",
            list_route="registry:staff_award_list",
            domain=Domain.STAFF,
            title=gettext_lazy("Khen thưởng của cán bộ, giáo viên, nhân viên"),
            file_stem="khen-thuong",
            sheet=gettext_lazy("Khen thưởng"),
            related=("staff", "staff__unit", "title"),
            columns=(
                col(gettext_lazy("Mã đơn vị"), "staff.unit.code", Cell.CODE, 11),
                col(gettext_lazy("Đơn vị"), "staff.unit.name", width=28),
                col(gettext_lazy("Mã cán bộ"), "staff.ministry_code", Cell.CODE),
                col(gettext_lazy("Họ và tên"), "staff.full_name", width=24),
                col(gettext_lazy("Năm học / năm"), "year", Cell.NUMBER, 8),
                col(gettext_lazy("Danh hiệu, hình thức khen thưởng"), "title.name", width=28),
                col(gettext_lazy("Số quyết định"), "decision_number", Cell.CODE),
                col(gettext_lazy("Ngày quyết định"), "decision_date", Cell.DATE, 12),
                col(gettext_lazy("Cấp khen thưởng"), "issued_by", width=20),
            ),
        ),
        ExportSpec(
            source="staff_trainings",
            view="edudb.registry.views_staff_records.StaffTrainingListView",
            list_route="registry:staff_training_list",
            domain=Domain.STAFF,
            title=gettext_lazy("Đào tạo, bồi dưỡng cán bộ, giáo viên, nhân viên"),
            file_stem="dao-tao-boi-duong",
            sheet=gettext_lazy("Đào tạo, bồi dưỡng"),
            related=("staff", "staff__unit", "kind"),
            columns=(
                col(gettext_lazy("Mã đơn vị"), "staff.unit.code", Cell.CODE, 11),
                col(gettext_lazy("Đơn vị"), "staff.unit.name", width=28),
                col(gettext_lazy("Mã cán bộ"), "staff.ministry_code", Cell.CODE),
                col(gettext_lazy("Họ và tên"), "staff.full_name", width=24),
                col(gettext_lazy("Loại đào tạo, bồi dưỡng"), "kind.name", width=18),
                col(gettext_lazy("Nội dung, khóa học"), "title", width=30),
                col(gettext_lazy("Cơ sở đào tạo, bồi dưỡng"), "provider", width=22),
                col(gettext_lazy("Từ ngày"), "starts_on", Cell.DATE, 12),
                col(gettext_lazy("Đến ngày"), "ends_on", Cell.DATE, 12),
                col(gettext_lazy("Số tiết"), "hours", Cell.NUMBER, 8),
                col(gettext_lazy("Văn bằng, chứng chỉ"), "certificate", width=20),
            ),
        ),
        ExportSpec(
            source="staff_transfers",
            view="edudb.registry.views_movements.StaffTransferListView",
            list_route="registry:move_staff_transfer_list",
            domain=Domain.STAFF,
            title=gettext_lazy("Điều chuyển cán bộ"),
            file_stem="dieu-chuyen-can-bo",
            sheet=gettext_lazy("Điều chuyển"),
            related=("from_unit", "to_unit"),
            columns=(
                col(gettext_lazy("Ngày chuyển"), "leaves_on", Cell.DATE, 12),
                col(gettext_lazy("Mã cán bộ"), "person_code", Cell.CODE),
                col(gettext_lazy("Họ và tên"), "person_name", width=24),
                col(gettext_lazy("Hình thức"), display("kind"), width=16),
                col(gettext_lazy("Số quyết định"), "decision_number", Cell.CODE),
                col(gettext_lazy("Ngày quyết định"), "decision_date", Cell.DATE, 12),
                col(gettext_lazy("Mã đơn vị đi"), "from_unit.code", Cell.CODE, 11),
                col(gettext_lazy("Đơn vị đi"), "from_unit.name", width=28),
                col(gettext_lazy("Mã đơn vị đến"), "to_unit.code", Cell.CODE, 11),
                col(gettext_lazy("Đơn vị đến"), "to_unit.name", width=28),
                col(gettext_lazy("Trạng thái"), display("state"), width=18),
                col(gettext_lazy("Lý do"), "reason", width=24),
                col(gettext_lazy("Chuyển đi lúc"), "released_at", Cell.DATETIME, 16),
                col(gettext_lazy("Xử lý lúc"), "decided_at", Cell.DATETIME, 16),
                col(gettext_lazy("Ghi chú khi xử lý"), "answer", width=24),
            ),
        ),
    ]


def _unit_specs() -> list[ExportSpec]:
    return [
        ExportSpec(
            source="classes",
            view="edudb.registry.views_classes.ClassListView",
            list_route="registry:class_list",
            domain=Domain.CLASSES,
            title=gettext_lazy("Danh sách lớp học"),
            file_stem="lop-hoc",
            sheet=gettext_lazy("Lớp học"),
            related=("unit", "school_year", "site", "age_group", "homeroom_teacher", "foreign_language"),
            columns=(
                col(gettext_lazy("Năm học"), "school_year", width=11),
                layout_col(_C, "unit_code", "unit.code"),
                col(gettext_lazy("Trường"), "unit.name", width=30),
                layout_col(_C, "name"),
                layout_col(_C, "grade", "grade", Cell.NUMBER),
                layout_col(_C, "age_group", "age_group.name"),
                layout_col(_C, "site_code", "site.code"),
                col(gettext_lazy("Điểm trường"), "site.name", width=20),
                layout_col(_C, "homeroom_code", "homeroom_teacher.ministry_code"),
                col(gettext_lazy("Giáo viên chủ nhiệm"), "homeroom_teacher.full_name", width=24),
                col(gettext_lazy("Sĩ số"), "student_count", Cell.NUMBER, 8),
                layout_col(_C, "max_students", "max_students", Cell.NUMBER),
                layout_col(_C, "is_mixed"),
                layout_col(_C, "two_sessions"),
                layout_col(_C, "semi_boarding"),
                layout_col(_C, "is_specialised"),
                layout_col(_C, "specialised_subject"),
                layout_col(_C, "foreign_language", "foreign_language.name"),
                layout_col(_C, "sessions_per_week", "sessions_per_week", Cell.NUMBER),
            ),
        ),
        ExportSpec(
            source="schools",
            view="edudb.registry.views.SchoolListView",
            list_route="registry:school_list",
            domain=Domain.SCHOOLS,
            title=gettext_lazy("Danh sách trường học"),
            file_stem="truong-hoc",
            sheet=gettext_lazy("Trường học"),
            related=("unit__kind", "ownership", "school_type"),
            columns=(
                col(gettext_lazy("Mã trường"), "unit.code", Cell.CODE, 11),
                col(gettext_lazy("Tên trường"), "unit.name", width=32),
                col(gettext_lazy("Loại đơn vị"), "unit.kind.name", width=16),
                col(gettext_lazy("Loại hình"), "ownership.name", width=12),
                col(gettext_lazy("Loại trường"), "school_type.name", width=14),
                col(gettext_lazy("Mã xã/phường"), "unit.commune_code", Cell.CODE, 9),
                col(gettext_lazy("Địa chỉ"), "street_address", width=30),
                col(gettext_lazy("Điện thoại"), "phone", Cell.CODE, 12),
                col(gettext_lazy("Thư điện tử"), "email", width=22),
                col(gettext_lazy("Trang thông tin điện tử"), "website", width=22),
                col(gettext_lazy("Hiệu trưởng / giám đốc"), "principal_name", width=22),
                col(gettext_lazy("Điện thoại hiệu trưởng"), "principal_phone", Cell.CODE, 12),
                col(gettext_lazy("Năm thành lập"), "established_year", Cell.NUMBER, 8),
                col(gettext_lazy("Số điểm trường"), "site_count", Cell.NUMBER, 8),
                col(gettext_lazy("Chuẩn quốc gia"), display("national_standard"), width=18),
                col(gettext_lazy("Năm công nhận chuẩn"), "national_standard_year", Cell.NUMBER, 8),
                col(gettext_lazy("Kiểm định chất lượng"), display("accreditation"), width=18),
                col(gettext_lazy("Dạy học 2 buổi/ngày"), "two_sessions", Cell.YES_NO, 8),
                col(gettext_lazy("Có học sinh bán trú"), "semi_boarding", Cell.YES_NO, 8),
                col(gettext_lazy("Có học sinh nội trú"), "boarding", Cell.YES_NO, 8),
                col(gettext_lazy("Có điện lưới"), "has_electricity", Cell.YES_NO, 8),
                col(gettext_lazy("Có nước sạch"), "has_clean_water", Cell.YES_NO, 8),
                col(gettext_lazy("Có kết nối internet"), "has_internet", Cell.YES_NO, 8),
                col(gettext_lazy("Công trình vệ sinh riêng nam, nữ"), "separate_toilets", Cell.YES_NO, 8),
                col(gettext_lazy("Có lối đi cho người khuyết tật"), "inclusive_access", Cell.YES_NO, 8),
                col(gettext_lazy("Thuộc vùng khó khăn"), "difficult_area", Cell.YES_NO, 8),
                col(gettext_lazy("Thuộc xã đảo / đặc khu"), "island_area", Cell.YES_NO, 8),
            ),
        ),
        ExportSpec(
            source="rooms",
            view="edudb.registry.views_facilities.RoomListView",
            list_route="registry:room_list",
            domain=Domain.FACILITIES,
            title=gettext_lazy("Phòng học và phòng chức năng"),
            file_stem="co-so-vat-chat",
            sheet=gettext_lazy("Cơ sở vật chất"),
            related=("unit", "site", "school_year", "room_kind"),
            columns=(
                col(gettext_lazy("Năm học"), "school_year", width=11),
                col(gettext_lazy("Mã trường"), "unit.code", Cell.CODE, 11),
                col(gettext_lazy("Trường"), "unit.name", width=30),
                col(gettext_lazy("Mã điểm trường"), "site.code", Cell.CODE, 10),
                col(gettext_lazy("Điểm trường"), "site.name", width=20),
                col(gettext_lazy("Loại phòng"), "room_kind.name", width=24),
                col(gettext_lazy("Tổng số phòng"), "rooms", Cell.NUMBER, 8),
                col(gettext_lazy("Số phòng kiên cố"), "count_solid", Cell.NUMBER, 8),
                col(gettext_lazy("Số phòng bán kiên cố"), "count_semi", Cell.NUMBER, 8),
                col(gettext_lazy("Số phòng tạm"), "count_temporary", Cell.NUMBER, 8),
                col(gettext_lazy("Số phòng thuê mượn"), "count_borrowed", Cell.NUMBER, 8),
                col(gettext_lazy("Tổng diện tích (m²)"), "area", Cell.NUMBER, 10),
                col(gettext_lazy("Diện tích kiên cố (m²)"), "area_solid", Cell.NUMBER, 10),
                col(gettext_lazy("Diện tích bán kiên cố (m²)"), "area_semi", Cell.NUMBER, 10),
                col(gettext_lazy("Diện tích tạm (m²)"), "area_temporary", Cell.NUMBER, 10),
                col(gettext_lazy("Diện tích thuê mượn (m²)"), "area_borrowed", Cell.NUMBER, 10),
            ),
        ),
        ExportSpec(
            source="equipment",
            view="edudb.registry.views_equipment.EquipmentListView",
            list_route="registry:equipment_list",
            domain=Domain.FACILITIES,
            title=gettext_lazy("Danh mục thiết bị các trường"),
            file_stem="thiet-bi",
            sheet=gettext_lazy("Thiết bị"),
            related=("kind",),
            notes=_equipment_notes,
            columns=(
                col(gettext_lazy("Mã trường"), "code", Cell.CODE, 11),
                col(gettext_lazy("Trường"), "name", width=32),
                col(gettext_lazy("Loại đơn vị"), "kind.name", width=16),
                col(gettext_lazy("Số mục đã kê khai"), "filled", Cell.NUMBER, 10),
                col(gettext_lazy("Số mục đạt yêu cầu"), "met", Cell.NUMBER, 10),
            ),
        ),
    ]


def _build_specs() -> dict[str, ExportSpec]:
    specs = [*_student_specs(), *_staff_specs(), *_unit_specs()]
    return {spec.source: spec for spec in specs}


_SPECS: dict[str, ExportSpec] | None = None


def specs() -> dict[str, ExportSpec]:
    """The registry (built on first use: its prefetches name models)."""
    global _SPECS
    if _SPECS is None:
        _SPECS = _build_specs()
    return _SPECS


def get_spec(source: str) -> ExportSpec | None:
    return specs().get(source)


# --- who may export, and what --------------------------------------------------------------------------------------


def may_export(user: Any) -> bool:
    scope = scope_for(user)
    return bool(scope and scope.allows(Function.EXPORT))


def may_reveal(user: Any) -> bool:
    """Whether the account sees personal IDs in full. The function reaches the same units as the export itself (the
    scope depends on the unit and database, never on the function), so it covers every row of the file."""
    scope = scope_for(user)
    return bool(scope and scope.allows(Function.REVEAL_PERSONAL_ID))


def clean_query(params: QueryDict) -> str:
    """The list's filters as a query string: the request's parameters without the export's own."""
    kept = params.copy()
    for name in DROPPED_PARAMETERS:
        kept.pop(name, None)
    return kept.urlencode()


@dataclass
class Selection:
    """The rows of one export, as the list page would show them to this user with these filters."""

    spec: ExportSpec
    user: Any
    query: str
    view: Any
    queryset: models.QuerySet[Any]
    filters: list[tuple[str, str]] = field(default_factory=list)
    reveal: bool = False

    @property
    def filters_text(self) -> str:
        if not self.filters:
            return str(_("Không lọc (toàn bộ danh sách trong phạm vi của tài khoản)"))
        return "; ".join(f"{label}: {value}" for label, value in self.filters)


def list_request(spec: ExportSpec, user: Any, query: str) -> HttpRequest:
    """The list page's GET request for ``user`` with ``query``: what the view refines on."""
    url = reverse(spec.list_route)
    request = RequestFactory().get(f"{url}?{query}" if query else url)
    request.user = user
    return request


def select(spec: ExportSpec, user: Any, query: str) -> Selection:
    """Instantiate the list's own view for ``user`` and take its queryset — scope and filters as on the page."""
    view = spec.view_class()
    view.setup(list_request(spec, user, query))
    view.function = Function.EXPORT  # the same door, asked for the export function
    queryset = prepare(view.get_queryset(), spec)
    return Selection(
        spec=spec,
        user=user,
        query=query,
        view=view,
        queryset=queryset,
        filters=describe_filters(getattr(view, "form", None)),
        reveal=may_reveal(user),
    )


def prepare(queryset: models.QuerySet[Any], spec: ExportSpec) -> models.QuerySet[Any]:
    """Load every column the export writes. Filters, annotations and ordering stay as the view made them; only the
    page's ``only()``/``defer()`` and its joins are replaced by the export's."""
    queryset = queryset.defer(None).select_related(None)
    if spec.related:
        queryset = queryset.select_related(*spec.related)
    if spec.prefetch:
        queryset = queryset.prefetch_related(*spec.prefetch)
    return queryset


def _choice_label(form_field: forms.Field, value: Any) -> str:
    for key, label in getattr(form_field, "choices", ()):
        if isinstance(label, (list, tuple)):  # an optgroup
            for inner_key, inner_label in label:
                if str(inner_key) == str(value):
                    return str(inner_label)
        elif str(key) == str(value):
            return str(label)
    return str(value)


def describe_filters(form: forms.Form | None) -> list[tuple[str, str]]:
    """The filters the list applied, in words ("Trường: …", "Khối: 6"), from its form's valid values."""
    if form is None or not form.is_bound or not hasattr(form, "cleaned_data"):
        return []
    described = []
    for name, form_field in form.fields.items():
        value = form.cleaned_data.get(name)
        if value in (None, "", [], ()):
            continue
        if isinstance(form_field, forms.ModelChoiceField):
            words = form_field.label_from_instance(value)
        elif isinstance(value, bool):
            words = str(_("Có")) if value else str(_("Không"))
        elif isinstance(form_field, forms.ChoiceField):
            words = _choice_label(form_field, value)
        else:
            words = str(value)
        described.append((str(form_field.label or name), str(words)))
    if form.errors:  # shown on the page as errors; the list applied what it could
        wrong = ", ".join(str(form.fields[name].label or name) for name in form.errors if name in form.fields)
        described.append((str(_("Bộ lọc nhập sai, không áp dụng")), wrong or str(_("có"))))
    return described


def count_upto(queryset: models.QuerySet[Any], limit: int) -> int:
    """How many rows, counting no further than ``limit`` (a Sở's whole city is not counted to decide)."""
    return int(queryset.order_by()[:limit].count())


def rows_of(selection: Selection) -> Iterator[Any]:
    return selection.queryset.iterator(chunk_size=CHUNK_ROWS)


# --- writing ---------------------------------------------------------------------------------------------------------


def cell_value(column: ExportColumn, row: Any, *, reveal: bool) -> Any:
    """The value to write, typed: str, int/float/Decimal, date, naive local datetime, bool, or None."""
    value = column.value(row)
    if value is None or value == "":
        return None
    if column.kind == Cell.SECRET:
        return str(value) if reveal else mask_personal_id(str(value))
    if column.kind == Cell.DATETIME and isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if column.kind == Cell.NUMBER and isinstance(value, (int, float, decimal.Decimal)) and not isinstance(value, bool):
        return value
    if column.kind in (Cell.DATE, Cell.DATETIME) and isinstance(value, dt.date):
        return value
    if column.kind == Cell.YES_NO:
        return bool(value)
    return str(value)


def _yes_no(value: bool) -> str:
    return str(_("Có")) if value else str(_("Không"))


class _Writer(ABC):
    @abstractmethod
    def header(self, columns: tuple[ExportColumn, ...]) -> None: ...

    @abstractmethod
    def row(self, columns: tuple[ExportColumn, ...], values: list[Any]) -> None: ...

    @abstractmethod
    def close(self, info: list[tuple[str, Any]], rows: int) -> None: ...


class CsvWriter(_Writer):
    """UTF-8 with a BOM (Excel then reads Vietnamese right), ``,`` separated, every field quoted."""

    def __init__(self, target: IO[bytes]) -> None:
        self.target = target
        self.text = io.TextIOWrapper(target, encoding="utf-8-sig", newline="", write_through=True)
        self.csv = csv.writer(self.text, quoting=csv.QUOTE_ALL, lineterminator="\r\n")

    def header(self, columns: tuple[ExportColumn, ...]) -> None:
        self.csv.writerow([neutralise(str(column.header)) for column in columns])

    def row(self, columns: tuple[ExportColumn, ...], values: list[Any]) -> None:
        self.csv.writerow([self._text(value) for value in values])

    @staticmethod
    def _text(value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):
            return _yes_no(value)
        if isinstance(value, dt.datetime):
            return value.strftime("%d/%m/%Y %H:%M")
        if isinstance(value, dt.date):
            return value.strftime("%d/%m/%Y")
        if isinstance(value, (int, float, decimal.Decimal)):
            return str(value)
        return neutralise(str(value))

    def close(self, info: list[tuple[str, Any]], rows: int) -> None:
        self.text.flush()
        self.text.detach()  # leave the caller's stream open


def _sheet_name(name: str, used: set[str]) -> str:
    """A legal, unique sheet name: at most 31 characters, none of []:*?/\\."""
    clean = "".join(" " if ch in "[]:*?/\\" else ch for ch in name).strip() or "Sheet"
    candidate, number = clean[:31], 2
    while candidate.lower() in used:
        suffix = f" ({number})"
        candidate, number = f"{clean[: 31 - len(suffix)]}{suffix}", number + 1
    used.add(candidate.lower())
    return candidate


class XlsxWriter(_Writer):
    """One data sheet (row 1 the bold, frozen header with its filter; another sheet after 1,048,575 rows), then the
    "Thông tin" sheet. ``constant_memory``: rows go to disk as they are written, whatever the size."""

    def __init__(self, target: Any, sheet: str) -> None:
        self.book = xlsxwriter.Workbook(
            target,
            {
                "constant_memory": True,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
                "tmpdir": tempfile.gettempdir(),
            },
        )
        self.book.set_properties({"title": sheet, "author": "CSDL Ngành Giáo dục Hải Phòng"})
        self.bold = self.book.add_format(
            {"bold": True, "bg_color": "#E7EEF7", "text_wrap": True, "valign": "top", "border": 1}
        )
        self.text_format = self.book.add_format({"num_format": "@"})
        self.date_format = self.book.add_format({"num_format": "dd/mm/yyyy"})
        self.datetime_format = self.book.add_format({"num_format": "dd/mm/yyyy hh:mm"})
        self.sheet_title = sheet
        self.used: set[str] = set()
        self.sheets: list[tuple[Any, int]] = []  # (worksheet, data rows)
        self.columns: tuple[ExportColumn, ...] = ()

    def _new_sheet(self) -> None:
        number = len(self.sheets) + 1
        title = self.sheet_title if number == 1 else f"{self.sheet_title} ({number})"
        sheet = self.book.add_worksheet(_sheet_name(title, self.used))
        for index, column in enumerate(self.columns):
            sheet.set_column(
                index, index, column.width, self.text_format if column.kind in (Cell.CODE, Cell.SECRET) else None
            )
        sheet.set_row(0, 30)
        for index, column in enumerate(self.columns):
            sheet.write_string(0, index, neutralise(str(column.header)), self.bold)
        sheet.freeze_panes(1, 0)
        self.sheets.append((sheet, 0))

    def header(self, columns: tuple[ExportColumn, ...]) -> None:
        self.columns = columns
        self._new_sheet()

    def row(self, columns: tuple[ExportColumn, ...], values: list[Any]) -> None:
        sheet, count = self.sheets[-1]
        if count >= SHEET_ROWS:
            self._new_sheet()
            sheet, count = self.sheets[-1]
        line = count + 1
        for index, value in enumerate(values):
            if value is None:
                continue
            if isinstance(value, bool):
                sheet.write_string(line, index, _yes_no(value))
            elif isinstance(value, dt.datetime):
                sheet.write_datetime(line, index, value, self.datetime_format)
            elif isinstance(value, dt.date):
                sheet.write_datetime(line, index, value, self.date_format)
            elif isinstance(value, (int, float, decimal.Decimal)):
                sheet.write_number(line, index, float(value))
            else:
                sheet.write_string(line, index, neutralise(value))
        self.sheets[-1] = (sheet, count + 1)

    def close(self, info: list[tuple[str, Any]], rows: int) -> None:
        for sheet, count in self.sheets:
            sheet.autofilter(0, 0, max(count, 1), max(len(self.columns) - 1, 0))
        about = self.book.add_worksheet(_sheet_name(str(_("Thông tin")), self.used))
        about.set_column(0, 0, 28)
        about.set_column(1, 1, 90)
        for line, (label, value) in enumerate(info):
            about.write_string(line, 0, neutralise(str(label)), self.bold)
            if isinstance(value, (int, float, decimal.Decimal)) and not isinstance(value, bool):
                about.write_number(line, 1, float(value))
            else:
                about.write_string(line, 1, neutralise(str(value)))
        self.book.close()


def file_name(spec: ExportSpec, file_format: str, day: dt.date | None = None) -> str:
    """An ASCII file name: hoc-sinh-2026-11-29.xlsx."""
    day = day or timezone.localdate()
    return f"{spec.file_stem}-{day:%Y-%m-%d}.{file_format}"


def info_lines(selection: Selection, rows: int, when: dt.datetime) -> list[tuple[str, Any]]:
    """The "Thông tin" sheet: who exported what, when, with which filters, how many rows."""
    user = selection.user
    lines: list[tuple[str, Any]] = [
        (_("Danh sách"), str(selection.spec.title)),
        (_("Người xuất"), f"{user.full_name} ({user.username})"),
        (_("Đơn vị"), user.unit.name),
        (_("Thời điểm xuất"), timezone.localtime(when).strftime("%d/%m/%Y %H:%M")),
    ]
    if selection.filters:
        lines += [(_("Bộ lọc: %(filter)s") % {"filter": label}, value) for label, value in selection.filters]
    else:
        lines.append((_("Bộ lọc"), selection.filters_text))
    if selection.spec.notes is not None:
        lines += selection.spec.notes(selection.view)
    lines.append((_("Số dòng"), rows))
    if any(column.kind == Cell.SECRET for column in selection.spec.columns):
        lines.append(
            (
                _("Số định danh cá nhân"),
                _("Hiện đầy đủ (tài khoản được giao chức năng xem đầy đủ số định danh cá nhân).")
                if selection.reveal
                else _("Đã che, chỉ hiện 3 số cuối."),
            )
        )
    lines.append(
        (
            _("Lưu ý"),
            _(
                "Tệp có dữ liệu cá nhân: chỉ dùng cho đúng công việc được giao, không chia sẻ ra ngoài, xóa khi không "
                "còn cần (quy định về bảo vệ dữ liệu cá nhân; Quy chế CSDL ngành, Điều 10). Lần xuất này đã được ghi "
                "nhật ký."
            ),
        )
    )
    return lines


def write(
    selection: Selection,
    target: Any,
    file_format: str,
    *,
    progress: Callable[[int], None] | None = None,
    when: dt.datetime | None = None,
) -> int:
    """Write the selection's rows to ``target`` (a binary stream or a file name) and return how many."""
    spec = selection.spec
    writer: _Writer = CsvWriter(target) if file_format == "csv" else XlsxWriter(target, str(spec.sheet))
    writer.header(spec.columns)
    rows = 0
    for row in rows_of(selection):
        writer.row(spec.columns, [cell_value(column, row, reveal=selection.reveal) for column in spec.columns])
        rows += 1
        if progress is not None and rows % PROGRESS_EVERY == 0:
            progress(rows)
    writer.close(info_lines(selection, rows, when or timezone.now()), rows)
    return rows


def audit_extra(selection: Selection, file_format: str, rows: int) -> dict[str, Any]:
    extra: dict[str, Any] = {
        "source": selection.spec.source,
        "format": file_format,
        "filters": selection.query,
        "filters_text": selection.filters_text,
        "rows": rows,
    }
    if any(column.kind == Cell.SECRET for column in selection.spec.columns):
        extra["personal_id"] = "revealed" if selection.reveal else "masked"
    return extra


@dataclass(frozen=True)
class Produced:
    content: bytes
    name: str
    content_type: str
    rows: int


def produce_inline(selection: Selection, file_format: str) -> Produced:
    """Write a small export at once and audit it as handed out (``export.download``)."""
    buffer = io.BytesIO()
    rows = write(selection, buffer, file_format)
    audit.record(
        "export.download",
        by=selection.user,
        unit=selection.user.unit,
        extra=audit_extra(selection, file_format, rows),
    )
    return Produced(buffer.getvalue(), file_name(selection.spec, file_format), CONTENT_TYPES[file_format], rows)


# --- background jobs -----------------------------------------------------------------------------------------------


def job_title(selection: Selection) -> str:
    title = str(selection.spec.title)
    if selection.filters:
        title = f"{title} — {selection.filters_text}"
    return title if len(title) <= 200 else f"{title[:199]}…"


def queue_job(selection: Selection, file_format: str) -> ExportJob:
    """Record a large export and hand it to the worker once the record is committed."""
    from edudb.exchange.tasks_exports import export_task

    waiting = ExportJob.objects.filter(
        account=selection.user,
        source=selection.spec.source,
        query=selection.query,
        file_format=file_format,
        state__in=(ExportState.QUEUED, ExportState.RUNNING),
    ).first()
    if waiting is not None:  # the same file asked for twice (a double click): one job makes it
        return waiting
    with transaction.atomic():
        job = ExportJob.objects.create(
            unit=selection.user.unit,
            domain=selection.spec.domain,
            account=selection.user,
            source=selection.spec.source,
            query=selection.query,
            file_format=file_format,
            title=job_title(selection),
        )
        transaction.on_commit(lambda: export_task.enqueue(job.pk))
    return job


def _progress(pk: int) -> Callable[[int], None]:
    def report(done: int) -> None:
        ExportJob.objects.filter(pk=pk).update(progress_done=done)

    return report


def _fail(job: ExportJob, message: str) -> str:
    job.state = ExportState.FAILED
    job.message = message
    job.finished_at = timezone.now()
    job.save(update_fields=["state", "message", "finished_at"])
    return str(job.state)


def run_job(pk: int) -> str:
    """The worker's side: rebuild the list's request for the job's account and saved filters, so the file holds
    exactly what the page showed, then write it with progress and audit it (``export.create``)."""
    # The job is the unit of work handed to the worker; the rows it writes are scoped again below, through the
    # list's own view, for the account that asked — with its functions as they are now.
    job = ExportJob.objects.select_related("account__unit").get(pk=pk)
    if job.state != ExportState.QUEUED:
        return str(job.state)
    user = job.account
    spec = get_spec(job.source)
    with translation.override(settings.LANGUAGE_CODE):
        if spec is None or job.file_format not in FORMATS:
            return _fail(job, _("Danh sách hoặc định dạng không còn được hỗ trợ; hãy xuất lại từ trang danh sách."))
        if not user.is_active or not may_export(user):
            return _fail(
                job, _("Tài khoản không còn được giao chức năng Xuất dữ liệu; đề nghị quản trị đơn vị cấp lại.")
            )
        job.state = ExportState.RUNNING
        job.save(update_fields=["state"])
        try:
            selection = select(spec, user, job.query)
            total = selection.queryset.order_by().count()
            ExportJob.objects.filter(pk=pk).update(progress_total=total, progress_done=0)
            name = file_name(spec, job.file_format, timezone.localdate(job.created_at))
            with tempfile.NamedTemporaryFile(suffix=f".{job.file_format}") as scratch:
                rows = write(selection, scratch, job.file_format, progress=_progress(pk), when=job.created_at)
                scratch.flush()
                scratch.seek(0)
                job.file.save(name, File(scratch, name=name), save=False)
        except Exception:
            logger.exception("export job %s failed", pk)
            return _fail(
                job, _("Không xuất được tệp do lỗi hệ thống; hãy thử lại, nếu vẫn lỗi hãy báo bộ phận hỗ trợ.")
            )
        with transaction.atomic():
            job.state = ExportState.DONE
            job.rows = rows
            job.progress_total = max(total, rows)
            job.progress_done = rows
            job.finished_at = timezone.now()
            job.message = ""
            job.save(
                update_fields=["state", "rows", "progress_total", "progress_done", "finished_at", "message", "file"]
            )
            audit.record("export.create", by=user, obj=job, extra=audit_extra(selection, job.file_format, rows))
    return str(job.state)


def audit_download(job: ExportJob, *, by: Any) -> None:
    """Each download of a background file is an entry of its own (what the file holds is in its ``export.create``)."""
    extra = {"source": job.source, "format": job.file_format, "filters": job.query, "rows": job.rows, "job": job.pk}
    audit.record("export.download", by=by, obj=job, extra=extra)


# --- housekeeping --------------------------------------------------------------------------------------------------

EXPORT_KEEP_DAYS = 7  # a finished file is kept this long (``settings.EXPORT_KEEP_DAYS`` overrides it)
STALLED_AFTER = dt.timedelta(hours=12)  # a job still queued or running after this is taken as lost (worker stopped)


def keep_days() -> int:
    return int(getattr(settings, "EXPORT_KEEP_DAYS", EXPORT_KEEP_DAYS))


def purge(now: dt.datetime | None = None) -> dict[str, int]:
    """Delete export files older than the retention period (personal data is not kept longer than needed, R8.4)
    and close jobs a stopped worker left behind, so their page stops waiting. The job rows stay, as the record of
    what was exported; the audit trail keeps the rest."""
    now = now or timezone.now()
    keep = dt.timedelta(days=keep_days())
    removed = 0
    for job in ExportJob.objects.filter(state=ExportState.DONE, finished_at__lt=now - keep).exclude(file=""):
        job.file.delete(save=False)
        job.message = _("Tệp đã được xóa sau %(days)s ngày; hãy xuất lại nếu cần.") % {"days": keep.days}
        job.save(update_fields=["file", "message"])
        removed += 1
    stalled = ExportJob.objects.filter(
        state__in=(ExportState.QUEUED, ExportState.RUNNING), created_at__lt=now - STALLED_AFTER
    ).update(
        state=ExportState.FAILED,
        finished_at=now,
        message=_("Quá lâu chưa xong (máy xử lý nền có thể đã dừng); hãy xuất lại."),
    )
    if removed or stalled:
        audit.record("export.purge", by=None, username="system", extra={"files": removed, "stalled": stalled})
    return {"files": removed, "stalled": stalled}
