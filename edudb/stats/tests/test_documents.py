"""The report documents (R7.5): a statistics table as a formatted .xlsx and as a PDF with the header and signature
block of Nghị định 30/2020/NĐ-CP — Vietnamese text intact, labels escaped and neutralised, numbers as numbers.

No database: the documents are made from a Table built here by hand."""

from __future__ import annotations

import datetime as dt
import importlib.util
import io
import re
import shutil
import subprocess
import zipfile
import zlib
from decimal import Decimal
from typing import Any

import pytest
from python_calamine import CalamineWorkbook

from edudb.stats import documents
from edudb.stats.documents import pdf_bytes, pdf_font, pdf_html, sheet_name, vietnamese_date, xlsx_bytes
from edudb.stats.tables import Column, DocumentHeader, Row, Table

NATIONAL = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
DATE_LINE = "Hải Phòng, ngày 05 tháng 02 năm 2026"
FORMULA = '=HYPERLINK("http://x","y")'
SCRIPT = "Trường Tiểu học <script>&"
CHART = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="320" height="120" viewBox="0 0 320 120">'
    '<rect x="10" y="10" width="120" height="80" fill="#3366cc"/>'
    '<text x="150" y="50" font-size="14" font-family="DejaVu Sans">Biểu đồ học sinh</text></svg>'
)


def make_table(figures: int | None = None, decimals: int = 1) -> Table:
    """Grades 1–3 × Nam/Nữ (or ``figures`` ungrouped columns), three rows — one of them a break-down row — a
    total, a label to escape, a label a spreadsheet would run as a formula, Decimals and a None."""
    if figures is None:
        columns = [Column(f"k{grade}_{sex}", sex, f"Khối {grade}") for grade in (1, 2, 3) for sex in ("Nam", "Nữ")]
    else:
        columns = [Column(f"c{index}", f"Cột {index + 1}") for index in range(figures)]
    width = len(columns)

    def values(*first: Any) -> list[Any]:
        return (list(first) + [Decimal(index) for index in range(1, width + 1)])[:width]

    rows = [
        Row(SCRIPT, values(Decimal("1234"), Decimal("567.5"), None), code="T01"),
        Row("Điểm trường Đằng Hải", values(Decimal("12.5"), 3), level=1),
        Row(FORMULA, values(7, 8)),
    ]
    return Table(
        title="Số học sinh theo khối và giới tính",
        columns=columns,
        rows=rows,
        total=Row("Tổng cộng", values(Decimal("1241"), Decimal("575.5")), is_total=True),
        source="Số liệu đã duyệt — kỳ đầu năm học 2025-2026",
        scope="Quận Ngô Quyền",
        measure="học sinh",
        decimals=decimals,
        notes=["Ghi chú: số liệu của điểm trường đã gồm trong số của trường."],
    )


HEADER = DocumentHeader(
    authority="UBND thành phố Hải Phòng",
    issuer="Sở Giáo dục và Đào tạo",
    number="Số:      /BC-SGDĐT",
    place="Hải Phòng",
    date=dt.date(2026, 2, 5),
    signer_title="KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC",
    signer_name="Nguyễn Văn An",
)


# --- helpers -------------------------------------------------------------------------------------------------------


def sheet_rows(data: bytes) -> list[list[Any]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    rows: list[list[Any]] = book.get_sheet_by_index(0).to_python()
    return rows


def part(data: bytes, name: str) -> str:
    return zipfile.ZipFile(io.BytesIO(data)).read(name).decode()


def row_of(rows: list[list[Any]], text: str) -> int:
    """The index of the first row with a cell equal to ``text``."""
    return next(index for index, row in enumerate(rows) if text in row)


def inflated(pdf: bytes) -> bytes:
    """The PDF with every Flate stream unpacked after it (fonts and page sizes sit in compressed object streams)."""
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n", pdf):
        try:
            parts.append(zlib.decompressobj().decompress(pdf[match.end() :]))
        except zlib.error:  # not a Flate stream: nothing to read in it
            continue
    return b"\n".join(parts)


def pdf_text(pdf: bytes) -> str:
    """The PDF's text, by pypdf when installed, else by poppler's pdftotext; skips the test when neither is."""
    if importlib.util.find_spec("pypdf") is not None:
        import pypdf  # type: ignore[import-not-found,unused-ignore]

        reader = pypdf.PdfReader(io.BytesIO(pdf))
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.importorskip("pypdf")
    result = subprocess.run([str(tool), "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True)
    return result.stdout.decode()


def squeezed(text: str) -> str:
    """Text without any white space: extractors differ in the spaces and line breaks they put between runs."""
    return re.sub(r"\s+", "", text)


def page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    boxes = re.findall(rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]", inflated(pdf))
    return [(float(x1) - float(x0), float(y1) - float(y0)) for x0, y0, x1, y1 in boxes]


@pytest.fixture(scope="module")
def document() -> bytes:
    return pdf_bytes(make_table(), HEADER, charts=[CHART])


@pytest.fixture(scope="module")
def document_text(document: bytes) -> str:
    return pdf_text(document)


# --- the date line -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2026, 2, 5), "Hải Phòng, ngày 05 tháng 02 năm 2026"),  # day < 10 and February: both padded
        (dt.date(2026, 11, 29), "Hải Phòng, ngày 29 tháng 11 năm 2026"),
        (dt.date(2026, 3, 1), "Hải Phòng, ngày 01 tháng 3 năm 2026"),  # March and later: no zero
        (dt.date(2027, 1, 15), "Hải Phòng, ngày 15 tháng 01 năm 2027"),
        (dt.date(2026, 10, 9), "Hải Phòng, ngày 09 tháng 10 năm 2026"),
    ],
)
def test_vietnamese_date_pads_the_day_below_10_and_months_1_and_2(day: dt.date, expected: str) -> None:
    assert vietnamese_date("Hải Phòng", day) == expected


def test_vietnamese_date_without_a_place() -> None:
    assert vietnamese_date("", dt.date(2026, 2, 5)) == "ngày 05 tháng 02 năm 2026"


def test_number_line_takes_the_whole_line_or_only_the_symbol() -> None:
    assert documents.number_line(HEADER) == "Số:      /BC-SGDĐT"
    assert documents.number_line(DocumentHeader("", "X", "12/BC-SGDĐT", "Hải Phòng", dt.date(2026, 1, 1), "A")) == (
        "Số: 12/BC-SGDĐT"
    )


def test_sheet_name_is_legal() -> None:
    name = sheet_name("Tỷ lệ [học sinh/lớp]: *theo* trường? \\ quận — năm học 2025-2026")
    assert len(name) <= 31
    assert not set(name) & set("[]:*?/\\")
    assert name.startswith("Tỷ lệ học sinh lớp")
    assert sheet_name("'") == "Bảng"


# --- xlsx ----------------------------------------------------------------------------------------------------------


def test_xlsx_has_the_decree_30_header_title_and_signature() -> None:
    rows = sheet_rows(xlsx_bytes(make_table(), HEADER))
    texts = [cell for row in rows for cell in row if isinstance(cell, str) and cell]

    assert rows[0][0] == "UBND THÀNH PHỐ HẢI PHÒNG"  # the authority, upper case
    assert rows[1][0] == "SỞ GIÁO DỤC VÀ ĐÀO TẠO"  # the issuer, upper case
    assert NATIONAL in rows[0]
    assert MOTTO in rows[1]
    assert "Số:      /BC-SGDĐT" in texts
    assert DATE_LINE in texts
    title = row_of(rows, "SỐ HỌC SINH THEO KHỐI VÀ GIỚI TÍNH")
    assert title > row_of(rows, DATE_LINE)
    assert "Số liệu đã duyệt — kỳ đầu năm học 2025-2026" in texts
    assert "Quận Ngô Quyền" in texts
    assert "Đơn vị tính: học sinh" in texts

    # Signature block under the table: "Nơi nhận" on the left, the signer on the right, the name lower down.
    signed = row_of(rows, "KT. GIÁM ĐỐC")
    assert signed > row_of(rows, "Tổng cộng")
    assert rows[signed][0] == "Nơi nhận:"
    assert rows[signed + 1][0] == "– Như trên;"
    assert "PHÓ GIÁM ĐỐC" in rows[signed + 1]
    assert row_of(rows, "Nguyễn Văn An") >= signed + 4


def test_xlsx_table_numbers_total_and_neutralised_labels() -> None:
    data = xlsx_bytes(make_table(), HEADER)
    rows = sheet_rows(data)
    head = row_of(rows, "STT")
    assert rows[head][1:7] == ["Đơn vị", "Khối 1", "", "Khối 2", "", "Khối 3"]
    assert rows[head + 1][2:8] == ["Nam", "Nữ", "Nam", "Nữ", "Nam", "Nữ"]

    first = rows[head + 2]
    assert first[0] == 1  # STT
    assert first[1] == SCRIPT  # stored as text, as it is
    assert first[2:5] == [1234.0, 567.5, ""]  # numbers are numbers, None is an empty cell
    assert isinstance(first[2], float)
    breakdown = rows[head + 3]
    assert breakdown[0] == ""  # a break-down row has no STT
    assert breakdown[1:3] == ["Điểm trường Đằng Hải", 12.5]
    formula = rows[head + 4]
    assert formula[0] == 2
    assert formula[1] == "'" + FORMULA  # neutralised: plain text, never a formula
    total = rows[head + 5]
    assert total[1] == "Tổng cộng"
    assert total[2:4] == [1241.0, 575.5]

    sheet = part(data, "xl/worksheets/sheet1.xml")
    assert "<f>" not in sheet  # no formula anywhere
    merged = set(re.findall(r'<mergeCell ref="([A-Z]+\d+:[A-Z]+\d+)"/>', sheet))
    top = head + 1  # 1-based row numbers
    assert {f"A{top}:A{top + 1}", f"B{top}:B{top + 1}"} <= merged  # STT and the row header span both rows
    assert {f"C{top}:D{top}", f"E{top}:F{top}", f"G{top}:H{top}"} <= merged  # "Khối n" over its Nam/Nữ
    # Frozen below the header rows and right of the labels.
    pane = re.search(r"<pane [^>]*>", sheet)
    assert pane is not None
    assert f'ySplit="{head + 2}"' in pane.group(0)
    assert 'xSplit="2"' in pane.group(0)
    assert 'state="frozen"' in pane.group(0)
    assert "<cols>" in sheet  # widths set

    styles = part(data, "xl/styles.xml")
    assert 'formatCode="#,##0.0"' in styles  # decimals=1
    assert 'indent="1"' in styles  # the level-1 row
    # Print: A4, fit to one page wide, the header rows repeated on every page.
    assert 'paperSize="9"' in sheet
    assert 'fitToHeight="0"' in sheet
    assert 'orientation="portrait"' in sheet
    workbook = part(data, "xl/workbook.xml")
    assert f"!${top}:${top + 1}</definedName>" in workbook  # Print_Titles
    assert "_xlnm.Print_Titles" in workbook


def _style_parts(styles: str, name: str, item: str) -> list[str]:
    """The <item> elements of styles.xml's <name> list, in order (their index is what a cell's style refers to)."""
    block = re.search(rf"<{name}[^>]*>(.*?)</{name}>", styles, re.S)
    assert block is not None
    return re.findall(rf"<{item}(?: [^>]*)?/>|<{item}(?: [^>]*)?>.*?</{item}>", block.group(1), re.S)


def test_xlsx_total_row_is_bold_with_a_top_border() -> None:
    data = xlsx_bytes(make_table(), None)
    line = row_of(sheet_rows(data), "Tổng cộng") + 1
    cell = re.search(rf'<c r="C{line}" s="(\d+)"', part(data, "xl/worksheets/sheet1.xml"))
    assert cell is not None
    styles = part(data, "xl/styles.xml")
    xf = _style_parts(styles, "cellXfs", "xf")[int(cell.group(1))]
    font_id = re.search(r'fontId="(\d+)"', xf)
    border_id = re.search(r'borderId="(\d+)"', xf)
    assert font_id is not None
    assert border_id is not None
    assert "<b/>" in _style_parts(styles, "fonts", "font")[int(font_id.group(1))]
    assert '<top style="medium">' in _style_parts(styles, "borders", "border")[int(border_id.group(1))]


def test_xlsx_without_header_starts_with_the_title_and_wide_tables_print_landscape() -> None:
    data = xlsx_bytes(make_table(figures=10, decimals=0), None)
    rows = sheet_rows(data)
    assert rows[0][0] == "SỐ HỌC SINH THEO KHỐI VÀ GIỚI TÍNH"
    texts = {cell for row in rows for cell in row if isinstance(cell, str)}
    assert NATIONAL not in texts
    assert "Nơi nhận:" not in texts
    sheet = part(data, "xl/worksheets/sheet1.xml")
    assert 'orientation="landscape"' in sheet
    assert 'formatCode="#,##0"' in part(data, "xl/styles.xml")
    head = row_of(rows, "STT")
    assert rows[head + 1][0] == 1  # one header row when no column has a group
    assert f'ySplit="{head + 1}"' in sheet


def test_xlsx_with_openpyxl_when_installed() -> None:
    if importlib.util.find_spec("openpyxl") is None:
        pytest.skip("openpyxl is not installed (the zip-level checks above cover the same ground)")
    import openpyxl  # type: ignore[import-untyped,unused-ignore]

    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(make_table(), HEADER)))
    sheet = book.worksheets[0]
    assert sheet.title == "Số học sinh theo khối và giới"
    merged = {str(ranged) for ranged in sheet.merged_cells.ranges}
    stt = next(cell for row in sheet.iter_rows() for cell in row if cell.value == "STT")
    assert f"C{stt.row}:D{stt.row}" in merged
    assert sheet.freeze_panes == f"C{stt.row + 2}"
    assert sheet.page_setup.paperSize == 9


# --- PDF -----------------------------------------------------------------------------------------------------------


def test_pdf_has_the_decree_30_header_with_its_diacritics(document: bytes, document_text: str) -> None:
    assert document.startswith(b"%PDF")
    text = squeezed(document_text)
    for needle in (
        NATIONAL,
        MOTTO,
        "ngày 05 tháng 02 năm 2026",
        "UBND THÀNH PHỐ HẢI PHÒNG",
        "SỞ GIÁO DỤC VÀ ĐÀO TẠO",
        "SỐ HỌC SINH THEO KHỐI VÀ GIỚI TÍNH",
        "Quận Ngô Quyền",
        "Nơi nhận:",
        "- Như trên;",
        "PHÓ GIÁM ĐỐC",
        "Nguyễn Văn An",
    ):
        assert squeezed(needle) in text, needle


def test_pdf_table_figures_and_escaped_labels(document_text: str) -> None:
    text = squeezed(document_text)
    assert "1.234,0" in text  # dot for thousands, comma for decimals
    assert "567,5" in text
    assert "1.241,0" in text  # the total
    assert squeezed(SCRIPT) in text  # escaped, so drawn as text rather than swallowed as an element
    assert squeezed(FORMULA) in text  # a PDF runs nothing: the label as it is
    assert "Khối1" in text
    assert "ĐiểmtrườngĐằngHải" in text


def test_pdf_html_structure() -> None:
    html = pdf_html(make_table(), HEADER, charts=[CHART])
    assert "&lt;script&gt;&amp;" in html
    assert "<script>" not in html
    assert f'font-family: "{pdf_font()}", "DejaVu Serif", serif;' in html
    assert "size: A4 portrait;" in html
    assert "margin: 20mm 15mm 20mm 30mm;" in html
    assert "display: table-header-group;" in html
    assert "@page :first" in html  # no page number on page 1
    assert "counter(page)" in html
    assert 'colspan="2"' in html
    assert 'rowspan="2"' in html
    assert html.count('class="total"') == 1
    assert "<svg" in html  # the chart, as it is
    no_header = pdf_html(make_table(), None)
    assert NATIONAL not in no_header
    assert "Nơi nhận" not in no_header
    assert "SỐ HỌC SINH THEO KHỐI VÀ GIỚI TÍNH" in no_header


def test_pdf_text_is_set_in_one_serif_face_that_has_the_vietnamese_letters(document: bytes) -> None:
    """Every letter of the text comes from the named face (no letter borrowed from another face mid-word); the
    charts' labels from DejaVu Sans. The face is Times New Roman or a metric twin where one covers Vietnamese."""
    family = pdf_font()
    tool = shutil.which("fc-list")
    assert tool is not None
    covering = subprocess.run([tool, ":lang=vi", "family"], capture_output=True, text=True, check=False).stdout
    assert family in covering
    fonts = set(re.findall(rb"/BaseFont\s*/([A-Za-z0-9+-]+)", inflated(document)))
    faces = {font.split(b"+")[-1].decode() for font in fonts}
    serif = family.replace(" ", "").removesuffix("Condensed")  # "DejaVu-Serif-Semi-Condensed" in the file
    assert any(face.replace("-", "").startswith(serif) for face in faces), faces
    assert any("Bold" in face for face in faces), faces
    assert all(face.replace("-", "").startswith((serif, "DejaVuSans")) for face in faces), faces


def test_pdf_is_portrait_for_few_columns_and_landscape_for_ten(document: bytes) -> None:
    (width, height), *_ = page_sizes(document)
    assert (round(width), round(height)) == (595, 842)  # A4 portrait
    wide = pdf_bytes(make_table(figures=10, decimals=0), HEADER)
    sizes = page_sizes(wide)
    assert sizes
    assert all(width > height for width, height in sizes)
    assert (round(sizes[0][0]), round(sizes[0][1])) == (842, 595)


def test_pdf_embeds_the_chart(document: bytes, document_text: str) -> None:
    plain = pdf_bytes(make_table(), HEADER)
    assert len(document) > len(plain)
    assert squeezed("Biểu đồ học sinh") in squeezed(document_text)
    assert squeezed("Biểu đồ học sinh") not in squeezed(pdf_text(plain))


def test_pdf_without_header_has_only_the_table() -> None:
    text = squeezed(pdf_text(pdf_bytes(make_table(), None)))
    assert "SỐHỌCSINHTHEOKHỐIVÀGIỚITÍNH" in text
    assert squeezed(NATIONAL) not in text
    assert "Nơinhận" not in text


def test_pdf_very_wide_table_shrinks_to_fit_the_landscape_page() -> None:
    columns = [Column(f"c{i}", "Nữ" if i % 2 else "Nam", f"Lớp {i // 2 + 1}") for i in range(26)]
    rows = [Row(f"Trường Trung học cơ sở số {i}", [100 + i + j for j in range(26)]) for i in range(5)]
    table = Table("Học sinh theo lớp", columns, rows, total=Row("Tổng", [9_999] * 26, is_total=True))
    html = pdf_html(table, HEADER)
    assert 'class="data fixed"' in html
    assert "size: A4 landscape;" in html
    widths = [float(width) for width in re.findall(r'<col style="width: ([\d.]+)mm">', html)]
    assert len(widths) == 28
    assert sum(widths) <= 297 - 30 - 15 + 0.1
    assert widths[1] >= 30  # the labels keep room to wrap in
    sizes = re.findall(r"font-size: ([\d.]+)pt;\n\s*line-height: 1.15", html)
    assert sizes
    assert 6 <= float(sizes[0]) < 10
