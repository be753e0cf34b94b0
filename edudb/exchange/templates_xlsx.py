"""The downloadable Excel templates (mẫu nhập liệu) of the component databases, written from their layouts.

One workbook per :class:`~edudb.exchange.layouts.Layout`:

- **"Dữ liệu"** (first, so people and the import find it): the layout's headers in row 1, exactly as
  ``str(column.header)``; required headers in red with a note; the header row frozen and filtered. Every column is
  formatted as text (``@``) so Excel keeps "0123", "3100012345" and "05/09/2025" as typed (a class named "6/1" stays
  a class, not the 6th of January). Columns with a code list get a dropdown fed from a sheet of that list
  (:func:`edudb.quality.codelists.write_code_list_sheet`); yes/no columns a "Có"/"Không" dropdown; columns with a
  fixed list (``Column.choices``: the term, the national standard) a dropdown of it; for a school's
  account, the students' class column a dropdown of the school's classes of the current school year. Every
  dropdown only warns (the import matches forgivingly), so a value outside the list can be kept.
- **"Hướng dẫn"**: how to fill the template, one row per column (header, required or not, what to type, an
  example, the code list, other headers the import also accepts), and the general rules.
- one sheet per code list used (and the class list), the dropdowns' sources, readable as a reference.

No example row sits on the data sheet: every row under the header would be imported.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import xlsxwriter
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from xlsxwriter.utility import quote_sheetname, xl_rowcol_to_cell

from edudb.core.models import Category
from edudb.core.scoping import Function, scope_for
from edudb.exchange.layouts import LAYOUTS, Column, Layout
from edudb.quality.codelists import SheetRange, sheet_name_for, write_code_list_sheet
from edudb.quality.models import CodeItem, CodeList
from edudb.quality.normalise import Kind
from edudb.quality.text import search_key

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
AUTHOR = "Sở GD&ĐT Hải Phòng — CSDL ngành"
COMPANY = "Sở Giáo dục và Đào tạo Hải Phòng"
LAYOUT_PROPERTY = "edudb_layout"  # custom document property: which layout the workbook was written from
LAST_ROW = 1_048_575  # 0-based: dropdowns and input messages reach the sheet's last row
YES_NO_CHOICES = ("Có", "Không")  # values the import reads (normalise_yes_no), not UI text: never translated
TEXT = 49  # Excel's built-in number format "@" (Text): what is typed stays as typed
CLASS_FIELD = "class_name"

_HEADER_FILL = "#DDEBF7"
_REQUIRED_COLOUR = "#C00000"
_LIST_TAB_COLOUR = "#A6A6A6"
# Excel's limits for data validation messages (xlsxwriter refuses longer ones).
_TITLE_LIMIT = 32
_MESSAGE_LIMIT = 255


def _record_nouns() -> dict[str, str]:
    """What one row of each template is, for the instructions ("mỗi dòng là một học sinh")."""
    return {
        "students": _("học sinh"),
        "staff": _("cán bộ, giáo viên, nhân viên"),
        "classes": _("lớp học"),
        "results": _("kết quả học tập của một học sinh trong một học kỳ"),
        "rooms": _("loại phòng của một điểm trường"),
        "schools": _("trường (hồ sơ trường)"),
    }


def _descriptions() -> dict[str, str]:
    return {
        "students": _(
            "Hồ sơ học sinh, trẻ em: mã định danh, họ tên, ngày sinh, giới tính, dân tộc, lớp, trạng thái, địa chỉ, "
            "diện chính sách, cha mẹ và người giám hộ."
        ),
        "staff": _(
            "Hồ sơ cán bộ quản lý, giáo viên, nhân viên: mã, họ tên, ngày sinh, loại cán bộ, chức vụ, hợp đồng, "
            "trình độ đào tạo, chuẩn nghề nghiệp, trạng thái làm việc."
        ),
        "classes": _(
            "Lớp học của năm học hiện tại: tên lớp, khối hoặc nhóm tuổi, điểm trường, giáo viên chủ nhiệm, "
            "lớp ghép, học 2 buổi/ngày, bán trú, lớp chuyên, ngoại ngữ."
        ),
        "results": _(
            "Kết quả học tập theo học kỳ của năm học hiện tại (tệp của giáo viên chủ nhiệm): mã học sinh, lớp, học "
            "kỳ, kết quả học tập, rèn luyện, danh hiệu, kết quả cuối năm, số buổi nghỉ, nhận xét."
        ),
        "rooms": _(
            "Cơ sở vật chất của năm học hiện tại: mỗi loại phòng của mỗi điểm trường, số phòng và diện tích kiên cố, "
            "bán kiên cố, tạm, thuê mượn."
        ),
        "schools": _(
            "Hồ sơ trường (Sở, phòng nhập nhiều trường một lúc): năm và quyết định thành lập, địa chỉ, liên hệ, "
            "hiệu trưởng, chuẩn quốc gia, kiểm định chất lượng, điều kiện điện, nước, internet, vệ sinh."
        ),
    }


def description(layout: Layout) -> str:
    """One sentence about what the template holds, for the templates page."""
    return _descriptions().get(layout.name, "")


def filename_for(layout: Layout) -> str:
    """An ASCII file name: 'mau-nhap-hoc-sinh.xlsx', 'mau-nhap-doi-ngu.xlsx'."""
    return f"mau-nhap-{slugify(search_key(str(layout.title))) or layout.name}.xlsx"


def layout_or_none(name: str) -> Layout | None:
    return LAYOUTS.get(name)


# --- reading what the template needs ------------------------------------------------------------------------------


def unscoped_code_lists_for(codes: Sequence[str]) -> dict[str, tuple[CodeList, list[CodeItem]]]:
    """The given code lists with their active items in their order (two queries). Code lists are reference data
    every account reads: no unit scope applies."""
    lists = CodeList.objects.filter(code__in=set(codes)).prefetch_related(
        Prefetch("items", CodeItem.objects.filter(is_active=True).order_by("order", "code"), to_attr="active_items")
    )
    return {code_list.code: (code_list, list(code_list.active_items)) for code_list in lists}


@dataclass(frozen=True)
class ClassChoices:
    """The classes of the user's school in the current school year (for the students' class dropdown)."""

    year_label: str  # "2025–2026"
    classes: list[tuple[str, int | None]]  # (name, grade)


def class_choices(user: Any) -> ClassChoices | None:
    """The class names of the user's own school for the current school year, through the scoping door; None when
    the user's unit is not a school (a commune or the Sở imports for several schools) or it has no such class."""
    from edudb.registry.models import SchoolClass

    scope = scope_for(user)
    if scope is None or scope.unit.kind.category != Category.INSTITUTION:
        return None
    rows = list(
        SchoolClass.objects.visible_to(user, Function.VIEW)
        .filter(unit=scope.unit, school_year__is_current=True)
        .order_by("grade", "name")
        .values_list("name", "grade", "school_year__start_year")
    )
    if not rows:
        return None
    start = rows[0][2]
    return ClassChoices(f"{start}–{start + 1}", [(name, grade) for name, grade, _start in rows])


# --- the text of the instructions -----------------------------------------------------------------------------------


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def how_to_fill(column: Column, *, choose: str = "") -> str:
    """What to type in a column, in plain Vietnamese: how to pick from its dropdown (``choose``) or its kind's rule,
    then the column's own help."""
    parts: list[str] = []
    if choose:
        parts.append(choose)
    elif column.kind == Kind.DATE:
        parts.append(_("Ngày dạng ngày/tháng/năm (dd/mm/yyyy), ví dụ 05/09/2025; ô đã định dạng kiểu văn bản."))
    elif column.kind == Kind.CODE:
        if column.length:
            parts.append(
                _("Đủ %(n)s chữ số, giữ nguyên số 0 ở đầu; ô đã định dạng kiểu văn bản.") % {"n": column.length}
            )
        else:
            parts.append(_("Ghi như chữ (văn bản), giữ nguyên số 0 ở đầu."))
    elif column.kind == Kind.PHONE:
        parts.append(_("Số điện thoại, giữ số 0 ở đầu, ví dụ 0912345678; nhiều số cách nhau bằng dấu phẩy."))
    elif column.kind == Kind.NAME:
        parts.append(_("Họ tên đầy đủ, viết tiếng Việt có dấu."))
    elif column.kind == Kind.YES_NO:
        parts.append(_("Chọn “Có” (hoặc gõ x, 1) nếu có; để trống hoặc “Không” nếu không."))
    elif column.kind == Kind.EMAIL:
        parts.append(_("Địa chỉ thư điện tử, ví dụ ten@haiphong.edu.vn."))
    if column.max_length and column.kind not in (Kind.DATE, Kind.YES_NO) and not column.length:
        parts.append(_("Tối đa %(n)s ký tự.") % {"n": column.max_length})
    if column.help:
        parts.append(str(column.help))
    return " ".join(parts)


def _general_notes(layout: Layout) -> list[str]:
    noun = _record_nouns().get(layout.name, str(layout.title).lower())
    keys = [" + ".join(str(layout.column(name).header) for name in key) for key in layout.keys]
    matched_by = _(" hoặc ").join(f"“{key}”" for key in keys) if keys else _("mã")
    return [
        _(
            "Điền dữ liệu vào trang tính “%(sheet)s” (trang đầu tiên). Giữ nguyên dòng tiêu đề ở dòng 1: không xóa, "
            "không sửa tên cột. Được để trống các cột không bắt buộc."
        )
        % {"sheet": _("Dữ liệu")},
        _("Mỗi dòng là một %(noun)s, bắt đầu từ dòng 2. Mẫu không có dòng ví dụ: mọi dòng có dữ liệu đều được nhập.")
        % {"noun": noun},
        _(
            "Không gộp ô (merge), không chèn dòng tiêu đề phụ, dòng tổng cộng hay ghi chú vào trang dữ liệu; không "
            "dùng công thức."
        ),
        _(
            "Mã, số định danh, số điện thoại và ngày được ghi dạng văn bản: các cột đã định dạng sẵn để Excel không "
            "làm mất số 0 ở đầu (0123 thành 123), không đổi mã dài thành dạng 3,1E+09 và không đổi ngày thành số. "
            "Ngày ghi ngày/tháng/năm, ví dụ 05/09/2025. Khi dán từ tệp khác, hãy dán giá trị "
            "(Paste Special → Values) để giữ định dạng."
        ),
        _(
            "Cột có danh sách thả xuống: chọn trong danh sách, hoặc gõ mã hay tên trong danh mục; hệ thống nhận cả chữ "
            "không dấu, chữ hoa, chữ thường. Giá trị ngoài danh mục được báo lỗi khi nhập, kèm gợi ý."
        ),
        _(
            "Có thể nhập lại nhiều lần: hồ sơ được đối chiếu theo %(keys)s; hồ sơ đã có được cập nhật, không tạo bản "
            "trùng. Nhập lại cùng một tệp không làm thay đổi gì."
        )
        % {"keys": matched_by},
        _(
            "Có thể nhập thẳng tệp xuất từ CSDL của Bộ GD&ĐT: các cột được nhận theo tên tiêu đề (cả các tên khác ở "
            "cột cuối của bảng dưới đây), theo thứ tự bất kỳ."
        ),
        _(
            "Trước khi ghi, hệ thống kiểm tra cả tệp và báo từng lỗi theo số dòng và tên cột, kèm cách sửa; sửa trong "
            "tệp rồi nhập lại."
        ),
    ]


# --- the workbook ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Dropdown:
    source: str | list[str]  # a range ("='Dân tộc'!$B$2:$B$55") or the values themselves
    list_name: str = ""  # the source's name, for the instructions ("" for a fixed list of values)
    sheet: str = ""  # the sheet holding the source
    choose: str = ""  # how to fill the column from it (the instructions' line and the cell's input message)

    @property
    def where(self) -> str:
        if self.sheet:
            return _("%(list)s (trang “%(sheet)s”)") % {"list": self.list_name, "sheet": self.sheet}
        return " / ".join(self.source) if isinstance(self.source, list) else ""


def _choose(dropdown: _Dropdown | None) -> str:
    return dropdown.choose if dropdown is not None else ""


def build_template(layout: Layout, *, user: Any) -> bytes:
    """The .xlsx template of ``layout`` for ``user`` (the class dropdown depends on the user's school)."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer,
        {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False},
    )
    title = _("Mẫu nhập dữ liệu: %(title)s") % {"title": layout.title}
    workbook.set_properties(
        {
            "title": title,
            "subject": _("Hệ thống CSDL ngành Giáo dục Hải Phòng"),
            "author": AUTHOR,
            "manager": COMPANY,
            "company": COMPANY,
            "category": _("Mẫu nhập liệu"),
            "keywords": f"CSDL ngành, {layout.title}, {layout.name}",
            "comments": _("Điền dữ liệu vào trang “Dữ liệu”; xem cách điền ở trang “Hướng dẫn”."),
            "created": timezone.now().replace(tzinfo=None, microsecond=0),
        }
    )
    workbook.set_custom_property(LAYOUT_PROPERTY, layout.name)

    used: set[str] = set()
    data = workbook.add_worksheet(sheet_name_for(_("Dữ liệu"), used))
    guide = workbook.add_worksheet(sheet_name_for(_("Hướng dẫn"), used))

    dropdowns = _write_source_sheets(workbook, layout, user, used)
    _write_data_sheet(workbook, data, layout, dropdowns)
    _write_guide(workbook, guide, layout, title, dropdowns)
    data.activate()
    workbook.close()
    return buffer.getvalue()


def _write_source_sheets(workbook: Any, layout: Layout, user: Any, used: set[str]) -> dict[str, _Dropdown]:
    """One sheet per code list the layout uses (and the school's classes): the dropdowns' sources, by field."""
    dropdowns: dict[str, _Dropdown] = {}
    codes = list(dict.fromkeys(column.code_list for column in layout.columns if column.code_list))
    found = unscoped_code_lists_for(codes)
    ranges: dict[str, tuple[str, SheetRange]] = {}
    for code in codes:
        if code not in found:
            continue
        code_list, items = found[code]
        name = sheet_name_for(code_list.name, used)
        ranges[code] = (code_list.name, write_code_list_sheet(workbook, code_list, items, sheet_name=name))
        workbook.get_worksheet_by_name(name).set_tab_color(_LIST_TAB_COLOUR)
    for column in layout.columns:
        if column.code_list and column.code_list in ranges:
            list_name, where = ranges[column.code_list]
            if where.last_row >= where.first_row:  # an empty list gives no dropdown
                choose = _(
                    "Chọn trong danh sách thả xuống, hoặc gõ mã hay tên trong danh mục “%(list)s” (trang “%(sheet)s”)."
                ) % {"list": list_name, "sheet": where.sheet}
                dropdowns[column.field] = _Dropdown(f"={where.names}", list_name, where.sheet, choose)
        elif column.kind == Kind.YES_NO:
            dropdowns[column.field] = _Dropdown(list(YES_NO_CHOICES))
        elif column.choices:
            choose = _("Chọn trong danh sách thả xuống: %(values)s.") % {"values": " / ".join(column.choices)}
            dropdowns[column.field] = _Dropdown(list(column.choices), choose=choose)
    if layout.name == "students" and any(column.field == CLASS_FIELD for column in layout.columns):
        choices = class_choices(user)
        if choices is not None:
            dropdowns[CLASS_FIELD] = _write_class_sheet(workbook, choices, used)
    return dropdowns


def _write_class_sheet(workbook: Any, choices: ClassChoices, used: set[str]) -> _Dropdown:
    name = sheet_name_for(_("Lớp %(year)s") % {"year": choices.year_label}, used)
    sheet = workbook.add_worksheet(name)
    header = workbook.add_format({"bold": True, "bg_color": _HEADER_FILL, "border": 1})
    text = workbook.add_format({"num_format": TEXT})
    sheet.write_string(0, 0, _("Tên lớp"), header)
    sheet.write_string(0, 1, _("Khối lớp"), header)
    for row, (class_name, grade) in enumerate(choices.classes, start=1):
        sheet.write_string(row, 0, class_name, text)
        sheet.write_string(row, 1, "" if grade is None else str(grade), text)
    sheet.set_column(0, 0, max(12, max(len(n) for n, _g in choices.classes) + 2), text)
    sheet.set_column(1, 1, 10, text)
    sheet.freeze_panes(1, 0)
    sheet.set_tab_color(_LIST_TAB_COLOUR)
    last = len(choices.classes)
    cells = f"{xl_rowcol_to_cell(1, 0, True, True)}:{xl_rowcol_to_cell(last, 0, True, True)}"
    list_name = _("Lớp năm học %(year)s") % {"year": choices.year_label}
    choose = _("Chọn trong danh sách thả xuống các lớp năm học %(year)s của trường (trang “%(sheet)s”).") % {
        "year": choices.year_label,
        "sheet": name,
    }
    return _Dropdown(f"={quote_sheetname(name)}!{cells}", list_name, name, choose)


def _write_data_sheet(workbook: Any, sheet: Any, layout: Layout, dropdowns: dict[str, _Dropdown]) -> None:
    base = {"bold": True, "text_wrap": True, "valign": "top", "bg_color": _HEADER_FILL, "border": 1}
    header = workbook.add_format(base)
    required = workbook.add_format({**base, "font_color": _REQUIRED_COLOUR})
    text = workbook.add_format({"num_format": TEXT})
    sheet.set_row(0, 15 * max(_lines(str(column.header), column.width) for column in layout.columns) + 3)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.repeat_rows(0)
    for index, column in enumerate(layout.columns):
        sheet.set_column(index, index, column.width, text)
        sheet.write_string(0, index, str(column.header), required if column.required else header)
        dropdown = dropdowns.get(column.field)
        guide = how_to_fill(column, choose=_choose(dropdown))
        note = f"{_('Bắt buộc.')} {guide}".strip() if column.required else guide
        if note:
            sheet.write_comment(0, index, note, {"author": AUTHOR, "x_scale": 2.2, "y_scale": 1.8})
        _validate(sheet, index, column, dropdown, guide)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, 0, len(layout.columns) - 1)


def _validate(sheet: Any, index: int, column: Column, dropdown: _Dropdown | None, guide: str) -> None:
    """A dropdown (warning only: a value outside the list may be kept) or just the column's input message."""
    options: dict[str, Any] = {
        "input_title": _clip(str(column.header), _TITLE_LIMIT),
        "input_message": _clip(guide, _MESSAGE_LIMIT),
        "show_input": bool(guide),
    }
    if dropdown is not None:
        options |= {
            "validate": "list",
            "source": dropdown.source,
            "ignore_blank": True,
            "error_type": "warning",
            "error_title": _clip(_("Giá trị không có trong danh sách"), _TITLE_LIMIT),
            "error_message": _clip(
                _(
                    "“%(header)s”: giá trị này không có trong danh sách. Chọn “Có” (Yes) để giữ nguyên — hệ thống sẽ "
                    "đối chiếu khi nhập và báo nếu không nhận ra — hoặc “Không” (No) để sửa."
                )
                % {"header": column.header},
                _MESSAGE_LIMIT,
            ),
        }
    elif guide:
        options |= {"validate": "any"}
    else:
        return
    sheet.data_validation(1, index, LAST_ROW, index, options)


def _lines(text: str, width: int) -> int:
    """About how many lines a wrapped cell ``width`` characters wide needs, word by word (Excel and LibreOffice do
    not fit the heights of rows written by xlsxwriter when the file opens)."""
    per_line = max(1, round(width * 1.05))
    lines = 0
    for paragraph in text.split("\n"):
        lines += 1
        used = 0
        for word in paragraph.split():
            if used and used + 1 + len(word) > per_line:
                lines += 1
                used = 0
            used += (1 if used else 0) + len(word)
            while used > per_line:  # a word longer than the line breaks anywhere
                lines += 1
                used -= per_line
    return max(1, lines)


def _write_guide(workbook: Any, sheet: Any, layout: Layout, title: str, dropdowns: dict[str, _Dropdown]) -> None:
    heading = workbook.add_format({"bold": True, "font_size": 14})
    bold = workbook.add_format({"bold": True})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    header = workbook.add_format(
        {"bold": True, "text_wrap": True, "valign": "top", "bg_color": _HEADER_FILL, "border": 1}
    )
    cell = workbook.add_format({"text_wrap": True, "valign": "top", "border": 1, "num_format": TEXT})
    required = workbook.add_format(
        {"text_wrap": True, "valign": "top", "border": 1, "bold": True, "font_color": _REQUIRED_COLOUR}
    )
    widths = (6, 24, 10, 56, 14, 26, 36)
    for index, width in enumerate(widths):
        sheet.set_column(index, index, width)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)

    row = 0
    sheet.write_string(row, 0, title, heading)
    sheet.set_row(row, 21)
    row += 2
    sheet.write_string(row, 0, _("Lưu ý chung"), bold)
    row += 1
    for number, note in enumerate([*_general_notes(layout), *(str(note) for note in layout.notes)], start=1):
        sheet.write_string(row, 0, f"{number}.", wrap)
        sheet.merge_range(row, 1, row, len(widths) - 1, "", wrap)
        sheet.write_string(row, 1, note, wrap)
        sheet.set_row(row, 15 * _lines(note, sum(widths[1:])))
        row += 1
    row += 1
    sheet.write_string(row, 0, _("Các cột của trang “%(sheet)s”") % {"sheet": _("Dữ liệu")}, bold)
    row += 1
    titles = (
        _("STT"),
        _("Tên cột (tiêu đề)"),
        _("Bắt buộc"),
        _("Cách ghi"),
        _("Ví dụ"),
        _("Chọn trong danh mục"),
        _("Tên cột khác cũng được nhận"),
    )
    table_top = row
    for index, text in enumerate(titles):
        sheet.write_string(row, index, text, header)
    sheet.repeat_rows(table_top)
    row += 1
    for number, column in enumerate(layout.columns, start=1):
        dropdown = dropdowns.get(column.field)
        values = (
            str(number),
            str(column.header),
            _("Bắt buộc") if column.required else _("Không"),
            how_to_fill(column, choose=_choose(dropdown)),
            column.example,
            dropdown.where if dropdown is not None else "",
            "; ".join(column.aliases),
        )
        for index, value in enumerate(values):
            style = required if column.required and index in (1, 2) else cell
            sheet.write_string(row, index, value, style)
        sheet.set_row(row, 15 * max(_lines(value, width) for value, width in zip(values, widths, strict=True)))
        row += 1
    sheet.autofilter(table_top, 0, row - 1, len(titles) - 1)
    row += 1
    sheet.write_string(
        row,
        0,
        _("Cột tô đỏ ở trang “%(sheet)s” là cột bắt buộc. Rê chuột vào tiêu đề cột để xem cách ghi.")
        % {"sheet": _("Dữ liệu")},
    )
