"""The downloadable Excel templates (mẫu nhập liệu): their sheets, headers, text formats, dropdowns, the class list
of a school's account (and nobody else's classes), and the pages that offer them."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from django.test import Client
from django.urls import reverse
from python_calamine import CalamineWorkbook

from conftest import Cast
from edudb.core.tests.clients import signed_in
from edudb.exchange import templates_xlsx
from edudb.exchange.layouts import LAYOUTS, Layout, header_key
from edudb.exchange.templates_xlsx import AUTHOR, LAST_ROW, LAYOUT_PROPERTY, build_template
from edudb.quality.models import items_of
from edudb.quality.normalise import Kind

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
TEXT_FORMAT = "49"  # Excel's built-in number format "@" (text)
LAYOUT_NAMES = sorted(LAYOUTS)


# --- helpers ---------------------------------------------------------------------------------------------------------


def workbook_of(content: bytes) -> CalamineWorkbook:
    return CalamineWorkbook.from_filelike(io.BytesIO(content))


def rows_of(content: bytes, sheet: str | int) -> list[list[Any]]:
    book = workbook_of(content)
    found = book.get_sheet_by_index(sheet) if isinstance(sheet, int) else book.get_sheet_by_name(sheet)
    return [list(row) for row in found.to_python(skip_empty_area=False)]


def xml_of(content: bytes, name: str) -> ET.Element:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return ET.fromstring(archive.read(name))  # noqa: S314 - a file this test just wrote


def sheet_part(content: bytes, sheet_name: str) -> str:
    """The zip member of a sheet, by its name (workbook.xml → its relationship → the part)."""
    workbook = xml_of(content, "xl/workbook.xml")
    rels = xml_of(content, "xl/_rels/workbook.xml.rels")
    rel_ns = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    for sheet in workbook.iterfind("m:sheets/m:sheet", NS):
        if sheet.get("name") == sheet_name:
            target = next(r.get("Target") for r in rels if r.get("Id") == sheet.get(rel_ns))
            return f"xl/{target}"
    raise AssertionError(f"no sheet {sheet_name}")


def text_styles(content: bytes) -> set[int]:
    """Indexes of the cell formats (cellXfs) whose number format is text: the built-in 49, or a custom "@"."""
    styles = xml_of(content, "xl/styles.xml")
    text = {TEXT_FORMAT} | {
        f.get("numFmtId", "") for f in styles.iterfind("m:numFmts/m:numFmt", NS) if f.get("formatCode") == "@"
    }
    xfs = styles.find("m:cellXfs", NS)
    assert xfs is not None
    return {index for index, xf in enumerate(xfs) if xf.get("numFmtId") in text}


def column_styles(content: bytes) -> dict[int, int]:
    """0-based column index → its default cell format index, from the data sheet's <cols>."""
    sheet = xml_of(content, "xl/worksheets/sheet1.xml")
    found: dict[int, int] = {}
    for col in sheet.iterfind("m:cols/m:col", NS):
        for index in range(int(col.get("min", "0")) - 1, int(col.get("max", "0"))):
            found[index] = int(col.get("style", "0"))
    return found


def validations(content: bytes) -> dict[str, ET.Element]:
    """The data sheet's data validations by their range (sqref)."""
    sheet = xml_of(content, "xl/worksheets/sheet1.xml")
    return {v.get("sqref", ""): v for v in sheet.iterfind("m:dataValidations/m:dataValidation", NS)}


def column_range(index: int) -> str:
    from xlsxwriter.utility import xl_col_to_name

    letter = xl_col_to_name(index)
    return f"{letter}2:{letter}{LAST_ROW + 1}"


def range_values(content: bytes, reference: str) -> list[str]:
    """The values of a range such as 'Dân tộc'!$B$2:$B$55, read back with calamine."""
    found = re.fullmatch(r"'?(.+?)'?!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)", reference)
    assert found, reference
    sheet, col, first, _col2, last = found.groups()
    column = ord(col) - ord("A")
    rows = rows_of(content, sheet.replace("''", "'"))
    return [str(row[column]) for row in rows[int(first) - 1 : int(last)]]


def make_classes(cast: Cast) -> dict[str, list[str]]:
    """Classes of the current year at three schools, and one of last year at school A1."""
    from edudb.registry.models import SchoolClass
    from edudb.reporting.models import SchoolYear

    current = SchoolYear.objects.get(is_current=True)
    previous = SchoolYear.objects.filter(start_year=current.start_year - 1).first()
    made = {
        "school_a1": [("1A", 1), ("1B", 1), ("2/1", 2), ("=1+1", 3)],
        "school_a2": [("7K-Thư", 7), ("8K-Tín", 8)],
        "school_b1": [("4Z-Bình", 4)],
    }
    for owner, classes in made.items():
        for name, grade in classes:
            SchoolClass.objects.create(unit=cast.units[owner], school_year=current, name=name, grade=grade)
    if previous is not None:
        SchoolClass.objects.create(unit=cast.school_a1, school_year=previous, name="CŨ-5A", grade=5)
    return {owner: [name for name, _grade in classes] for owner, classes in made.items()}


def class_validation(content: bytes) -> ET.Element | None:
    """The class column's dropdown (without one, the column only carries an input message)."""
    index = [column.field for column in LAYOUTS["students"].columns].index("class_name")
    found = validations(content).get(column_range(index))
    return found if found is not None and found.get("type") == "list" else None


# --- the workbook ----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name", LAYOUT_NAMES)
def test_data_sheet_is_first_with_the_layout_headers_and_no_data_row(cast: Cast, name: str) -> None:
    layout = LAYOUTS[name]
    content = build_template(layout, user=cast.school_a1_admin)
    book = workbook_of(content)
    assert book.sheet_names[:2] == ["Dữ liệu", "Hướng dẫn"]
    rows = rows_of(content, 0)
    assert rows[0] == [str(column.header) for column in layout.columns]
    assert [row for row in rows[1:] if any(cell != "" for cell in row)] == []  # no example row to be imported


@pytest.mark.django_db
@pytest.mark.parametrize("name", LAYOUT_NAMES)
def test_headers_round_trip_through_header_key(cast: Cast, name: str) -> None:
    layout = LAYOUTS[name]
    headers = rows_of(build_template(layout, user=cast.so_admin), 0)[0]
    assert [layout.by_key[header_key(header)] for header in headers] == list(layout.columns)


@pytest.mark.django_db
@pytest.mark.parametrize("name", LAYOUT_NAMES)
def test_every_column_is_formatted_as_text(cast: Cast, name: str) -> None:
    """Codes, dates, phones and names (every column, in fact) are text, so Excel keeps 0123 and 05/09/2025."""
    layout = LAYOUTS[name]
    content = build_template(layout, user=cast.school_a1_admin)
    text = text_styles(content)
    styles = column_styles(content)
    assert text, "no text number format in styles.xml"
    for index, column in enumerate(layout.columns):
        assert styles.get(index) in text, f"{column.header} is not formatted as text"
    assert any(column.kind in (Kind.CODE, Kind.DATE, Kind.PHONE, Kind.NAME) for column in layout.columns)


@pytest.mark.django_db
@pytest.mark.parametrize("name", LAYOUT_NAMES)
def test_headers_are_styled_and_required_ones_marked(cast: Cast, name: str) -> None:
    layout = LAYOUTS[name]
    content = build_template(layout, user=cast.so_admin)
    sheet = xml_of(content, "xl/worksheets/sheet1.xml")
    assert sheet.find("m:sheetViews/m:sheetView/m:pane[@state='frozen'][@ySplit='1']", NS) is not None
    assert sheet.find("m:autoFilter", NS) is not None
    cells = {c.get("r"): int(c.get("s", "0")) for c in sheet.iterfind("m:sheetData/m:row[@r='1']/m:c", NS)}
    styles = xml_of(content, "xl/styles.xml")
    fonts = list(styles.iterfind("m:fonts/m:font", NS))
    xfs = list(styles.iterfind("m:cellXfs/m:xf", NS))

    def red(style: int) -> bool:
        font = fonts[int(xfs[style].get("fontId", "0"))]
        colour = font.find("m:color", NS)
        return font.find("m:b", NS) is not None and colour is not None and colour.get("rgb") == "FFC00000"

    from xlsxwriter.utility import xl_rowcol_to_cell

    for index, column in enumerate(layout.columns):
        style = cells[xl_rowcol_to_cell(0, index)]
        assert red(style) == column.required, column.header
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        comments = archive.read("xl/comments1.xml").decode()
    assert comments.count("Bắt buộc.") == len(layout.required)


@pytest.mark.django_db
@pytest.mark.parametrize("name", LAYOUT_NAMES)
def test_code_list_columns_have_a_forgiving_dropdown_fed_from_the_list(cast: Cast, name: str) -> None:
    layout = LAYOUTS[name]
    content = build_template(layout, user=cast.so_admin)
    found = validations(content)
    sheets = workbook_of(content).sheet_names
    for index, column in enumerate(layout.columns):
        validation = found.get(column_range(index))
        if column.code_list:
            assert validation is not None, column.header
            assert validation.get("type") == "list"
            assert validation.get("errorStyle") == "warning"  # the user may keep a value outside the list
            assert validation.get("showInputMessage") == "1" and validation.get("promptTitle")
            formula = validation.findtext("m:formula1", namespaces=NS) or ""
            sheet = formula.split("!")[0].strip("'")
            assert sheet in sheets[2:]
            expected = list(items_of(column.code_list).order_by("order", "code").values_list("name", flat=True))
            assert range_values(content, formula) == expected
        elif column.kind == Kind.YES_NO:
            assert validation is not None and validation.get("type") == "list"
            assert validation.findtext("m:formula1", namespaces=NS) == '"Có,Không"'


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "field"), [("results", "term"), ("schools", "national_standard"), ("schools", "accreditation")]
)
def test_a_column_with_fixed_choices_has_a_dropdown_of_them(cast: Cast, name: str, field: str) -> None:
    """The term ("Học kỳ I / Học kỳ II / Cả năm"), the national standard, the accreditation level: a forgiving
    dropdown of the values the import reads, listed in the instructions too."""
    layout = LAYOUTS[name]
    column = layout.column(field)
    assert column.choices
    content = build_template(layout, user=cast.so_admin)
    index = list(layout.columns).index(column)
    validation = validations(content)[column_range(index)]
    assert validation.get("type") == "list" and validation.get("errorStyle") == "warning"
    assert validation.findtext("m:formula1", namespaces=NS) == '"' + ",".join(column.choices) + '"'
    guide = next(row for row in rows_of(content, "Hướng dẫn") if len(row) > 5 and row[1] == str(column.header))
    assert " / ".join(column.choices) in guide[3] and guide[5] == " / ".join(column.choices)


@pytest.mark.django_db
@pytest.mark.parametrize("name", LAYOUT_NAMES)
def test_instructions_list_every_column(cast: Cast, name: str) -> None:
    layout = LAYOUTS[name]
    content = build_template(layout, user=cast.so_admin)
    rows = rows_of(content, "Hướng dẫn")
    text = "\n".join(" ".join(str(cell) for cell in row) for row in rows)
    table = [row for row in rows if len(row) > 2 and str(row[1]) in {str(c.header) for c in layout.columns}]
    assert [row[1] for row in table] == [str(column.header) for column in layout.columns]
    for row, column in zip(table, layout.columns, strict=True):
        assert row[2] == ("Bắt buộc" if column.required else "Không")
        if column.help:
            assert str(column.help) in row[3]
        assert row[4] == column.example
    for phrase in ("dòng tiêu đề", "gộp ô", "văn bản", "Nhập lại cùng một tệp không làm thay đổi gì", "Bộ GD&ĐT"):
        assert phrase in text, phrase


@pytest.mark.django_db
def test_workbook_properties(cast: Cast) -> None:
    content = build_template(LAYOUTS["students"], user=cast.so_admin)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        core = archive.read("docProps/core.xml").decode()
        custom = archive.read("docProps/custom.xml").decode()
    assert f"<dc:creator>{AUTHOR.replace('&', '&amp;')}</dc:creator>" in core
    assert "Mẫu nhập dữ liệu: Học sinh" in core
    assert LAYOUT_PROPERTY in custom and "students" in custom


@pytest.mark.django_db
@pytest.mark.parametrize("name", LAYOUT_NAMES)
def test_file_is_a_valid_zip_and_deterministic_in_structure(cast: Cast, name: str) -> None:
    first = build_template(LAYOUTS[name], user=cast.school_a1_admin)
    second = build_template(LAYOUTS[name], user=cast.school_a1_admin)
    with zipfile.ZipFile(io.BytesIO(first)) as one, zipfile.ZipFile(io.BytesIO(second)) as two:
        assert one.testzip() is None
        assert one.namelist() == two.namelist()
        assert "xl/worksheets/sheet1.xml" in one.namelist()
        changed = [n for n in one.namelist() if one.read(n) != two.read(n)]
    assert changed in ([], ["docProps/core.xml"])  # only the creation time may differ


@pytest.mark.django_db
def test_template_needs_few_queries(cast: Cast, django_assert_max_num_queries: Any) -> None:
    user = cast.school_a1_admin
    make_classes(cast)
    build_template(LAYOUTS["students"], user=user)  # warm the account's scope cache
    with django_assert_max_num_queries(6):
        build_template(LAYOUTS["students"], user=user)


# --- the class dropdown (scoping) ------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["school_a1_admin", "school_a1_user"])
def test_class_dropdown_lists_only_the_own_schools_classes_of_this_year(cast: Cast, role: str) -> None:
    made = make_classes(cast)
    content = build_template(LAYOUTS["students"], user=cast.accounts[role])
    validation = class_validation(content)
    assert validation is not None and validation.get("type") == "list"
    formula = validation.findtext("m:formula1", namespaces=NS) or ""
    listed = range_values(content, formula)
    assert sorted(listed) == sorted(made["school_a1"])
    everything = " ".join(
        str(cell) for sheet in workbook_of(content).sheet_names for row in rows_of(content, sheet) for cell in row
    )
    for other in ("7K-Thư", "8K-Tín", "4Z-Bình", "CŨ-5A"):
        assert other not in everything, other
    class_sheet = formula.split("!")[0].strip("'")
    assert class_sheet.startswith("Lớp ")


@pytest.mark.django_db
def test_a_class_name_like_a_formula_stays_text(cast: Cast) -> None:
    make_classes(cast)
    content = build_template(LAYOUTS["students"], user=cast.school_a1_admin)
    names = {name for name in workbook_of(content).sheet_names if name.startswith("Lớp ")}
    part = sheet_part(content, names.pop())
    sheet = xml_of(content, part)
    assert sheet.find(".//m:f", NS) is None  # no formula anywhere on the class sheet
    assert "=1+1" in rows_of(content, workbook_of(content).sheet_names[-1])[4]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["commune_a_admin", "so_admin", "office_th_user"])
def test_no_class_dropdown_above_the_school(cast: Cast, role: str) -> None:
    """A commune or the Sở imports for several schools: no one school's classes, and nobody's leak."""
    made = make_classes(cast)
    content = build_template(LAYOUTS["students"], user=cast.accounts[role])
    assert class_validation(content) is None
    everything = " ".join(
        str(cell) for sheet in workbook_of(content).sheet_names for row in rows_of(content, sheet) for cell in row
    )
    for names in made.values():
        for class_name in names:
            assert f" {class_name} " not in f" {everything} "


@pytest.mark.django_db
def test_no_class_dropdown_for_a_school_without_classes_this_year(cast: Cast) -> None:
    make_classes(cast)
    content = build_template(LAYOUTS["students"], user=cast.school_b2_admin)
    assert class_validation(content) is None
    assert not any(name.startswith("Lớp ") for name in workbook_of(content).sheet_names)


# --- the pages -------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_templates_page_lists_every_layout(cast: Cast) -> None:
    response = signed_in(cast.school_a1_user).get(reverse("exchange:templates"))
    assert response.status_code == 200
    html = response.content.decode()
    for layout in LAYOUTS.values():
        assert str(layout.title) in html
        assert reverse("exchange:template_download", kwargs={"pk": layout.name}) in html
        assert f'<td class="num">{len(layout.columns)}</td>' in html
        assert templates_xlsx.description(layout).split(":")[0] in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "filename"),
    [
        ("students", "mau-nhap-hoc-sinh.xlsx"),
        ("staff", "mau-nhap-doi-ngu.xlsx"),
        ("classes", "mau-nhap-lop-hoc.xlsx"),
        ("results", "mau-nhap-ket-qua-hoc-tap.xlsx"),
        ("rooms", "mau-nhap-co-so-vat-chat.xlsx"),
        ("schools", "mau-nhap-ho-so-truong.xlsx"),
    ],
)
def test_download_is_an_attachment_with_an_ascii_name(cast: Cast, name: str, filename: str) -> None:
    response = signed_in(cast.school_a1_user).get(f"/exchange/templates/{name}.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == templates_xlsx.XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert "no-store" in response["Cache-Control"]
    assert rows_of(response.content, 0)[0] == [str(column.header) for column in LAYOUTS[name].columns]


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/exchange/templates/teachers.xlsx", "/exchange/templates/STUDENTS.xlsx"])
def test_unknown_layout_is_not_found(cast: Cast, url: str) -> None:
    assert signed_in(cast.so_admin).get(url).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/exchange/templates/", "/exchange/templates/students.xlsx"])
def test_pages_need_sign_in(cast: Cast, url: str) -> None:
    response = Client().get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_download_refuses_other_methods(cast: Cast) -> None:
    assert signed_in(cast.so_admin).post("/exchange/templates/students.xlsx").status_code == 405


# --- LibreOffice reads the templates ---------------------------------------------------------------------------------

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def _layout_headers(layout: Layout) -> list[str]:
    return [str(column.header) for column in layout.columns]


ODF = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "number": "urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0",
}
needs_soffice = pytest.mark.skipif(
    SOFFICE is None,
    reason="LibreOffice (soffice) is not installed: apt-get install --no-install-recommends libreoffice-calc-nogui",
)


def _soffice(folder: Path, target: str, files: list[Path]) -> Path:
    """Convert files with headless LibreOffice (its own throwaway profile); the output folder."""
    assert SOFFICE is not None
    out = folder / target.split(":")[0]
    command = [
        SOFFICE,
        f"-env:UserInstallation={(folder / 'profile').as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        target,
        "--outdir",
        str(out),
        *map(str, files),
    ]
    done = subprocess.run(
        command, capture_output=True, timeout=180, check=False, env={**os.environ, "HOME": str(folder)}
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    return out


def _write_templates(cast: Cast, folder: Path) -> list[Path]:
    files = []
    for name, layout in LAYOUTS.items():
        path = folder / f"{name}.xlsx"
        path.write_bytes(build_template(layout, user=cast.school_a1_admin))
        files.append(path)
    return files


@pytest.mark.django_db
@needs_soffice
def test_libreoffice_reads_every_templates_headers(cast: Cast) -> None:
    """Headless LibreOffice converts each template's first sheet to CSV: the headers come back as written."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        # comma, double quote, UTF-8 (76), from line 1
        out = _soffice(root, "csv:Text - txt - csv (StarCalc):44,34,76,1", _write_templates(cast, root))
        for name, layout in LAYOUTS.items():
            text = (out / f"{name}.csv").read_text(encoding="utf-8")
            rows = [row for row in csv.reader(io.StringIO(text)) if any(row)]
            assert rows == [_layout_headers(layout)], name


@pytest.mark.django_db
@needs_soffice
def test_libreoffice_sees_text_columns_and_dropdowns(cast: Cast) -> None:
    """Saved again by LibreOffice as flat ODS, every data column's default cell style is a text style, and the
    code-list columns carry a list validation pointing at their list's sheet."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        out = _soffice(root, "fods", _write_templates(cast, root))
        for name, layout in LAYOUTS.items():
            document = ET.parse(out / f"{name}.fods").getroot()  # noqa: S314 - LibreOffice's output of our file
            text_styles = {
                node.get(f"{{{ODF['style']}}}name") for node in document.iter(f"{{{ODF['number']}}}text-style")
            }
            cell_styles = {
                node.get(f"{{{ODF['style']}}}name"): node.get(f"{{{ODF['style']}}}data-style-name")
                for node in document.iter(f"{{{ODF['style']}}}style")
            }
            table = next(
                t for t in document.iter(f"{{{ODF['table']}}}table") if t.get(f"{{{ODF['table']}}}name") == "Dữ liệu"
            )
            styles: list[str | None] = []
            for node in table.iter(f"{{{ODF['table']}}}table-column"):
                repeat = int(node.get(f"{{{ODF['table']}}}number-columns-repeated", "1"))
                styles += [node.get(f"{{{ODF['table']}}}default-cell-style-name")] * min(repeat, 100)
            for index, column in enumerate(layout.columns):
                assert cell_styles.get(styles[index] or "") in text_styles, (name, column.header)
            conditions = [
                node.get(f"{{{ODF['table']}}}condition", "")
                for node in document.iter(f"{{{ODF['table']}}}content-validation")
            ]
            lists = {c.code_list for c in layout.columns if c.code_list}
            assert sum("cell-content-is-in-list([$" in c for c in conditions) >= len(lists), name


@pytest.mark.django_db
def test_templates_page_reads_no_data(cast: Cast) -> None:
    """The page lists the layouts from code: only the session and the account are read, whatever the data."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_classes(cast)
    client = signed_in(cast.school_a1_user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("exchange:templates")).status_code == 200
    tables = set(re.findall(r'(?:FROM|JOIN) "(\w+)"', " ".join(q["sql"] for q in queries)))
    page_frame = {"django_session", "accounts_account", "accounts_accountfunction", "core_notification"}
    assert tables <= page_frame | {"core_unit", "core_unitkind"}
