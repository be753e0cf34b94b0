"""Reading the table of an accepted upload (reading.open_table): sheet and header found, columns recognised by
their headers whatever the spelling, two-row headers, formulas, the wrong template, every format, and the
streaming .xlsx path giving exactly what calamine gives."""

from __future__ import annotations

import datetime as dt
import json
import os
import pathlib
import struct
import subprocess
import sys
import unicodedata
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edudb.exchange import reading
from edudb.exchange.layouts import STAFF, STUDENTS
from edudb.exchange.reading import DuplicateColumn, WrongTemplate, open_table
from edudb.exchange.safety import UnsafeFile, inspect_upload
from edudb.exchange.tests import files

ROWS = files.student_rows(4)
FIELDS = [
    "ministry_code",
    "full_name",
    "birth_date",
    "gender",
    "ethnicity",
    "personal_id",
    "class_name",
    "father_name",
    "mother_name",
]


@pytest.fixture(params=["calamine", "streaming"])
def path_kind(request, monkeypatch):
    """Every .xlsx test runs twice: through calamine and through the streaming reader."""
    if request.param == "streaming":
        monkeypatch.setattr(reading, "STREAMING_FROM", 0)
    return request.param


def table_of(path, layout=STUDENTS, name=None):
    return open_table(path, inspect_upload(path, name or path.name), layout)


def read_all(path, layout=STUDENTS):
    table = table_of(path, layout)
    try:
        rows = [row for block in table.chunks(3) for row in block]
    finally:
        table.close()
    return table, rows


def fields(table):
    return [column.field for _index, _text, column in table.columns]


def by_field(table, rows):
    names = fields(table)
    return [(number, dict(zip(names, values, strict=True))) for number, values in rows]


# --- our template and the Ministry's --------------------------------------------------------------------------------


def test_our_own_headers(tmp_path, path_kind):
    table, rows = read_all(files.write_xlsx(tmp_path / "hs.xlsx", [files.STUDENT_HEADERS, *ROWS]))
    assert table.sheet_name == "Dữ liệu"
    assert table.header_row == 1
    assert fields(table) == FIELDS
    assert [index for index, _text, _column in table.columns] == list(range(9))
    assert [text for _index, text, _column in table.columns] == files.STUDENT_HEADERS
    assert table.ignored == []
    assert table.total_rows == 4
    assert table.formula_cells == []
    assert rows == [(number, list(row)) for number, row in enumerate(ROWS, start=2)]
    assert isinstance(rows[0][1][2], dt.date)


def test_ministry_headers(tmp_path, path_kind):
    headers = ["STT", "Mã học sinh", "Họ tên", "NGÀY SINH", "Giới tính", "Số ĐDCN", "Ghi chú"]
    data = [[n + 1, row[0], row[1], row[2], row[3], row[5], ""] for n, row in enumerate(ROWS)]
    table, rows = read_all(files.write_xlsx(tmp_path / "bo.xlsx", [headers, *data]))
    assert fields(table) == ["ministry_code", "full_name", "birth_date", "gender", "personal_id"]
    assert table.ignored == ["STT", "Ghi chú"]
    assert rows[0] == (2, [ROWS[0][0], ROWS[0][1], ROWS[0][2], ROWS[0][3], ROWS[0][5]])


def test_header_with_a_line_break_and_a_format_note(tmp_path, path_kind):
    headers = ["Họ và tên", "Ngày sinh\n(dd/mm/yyyy)", "GIỚI TÍNH", "Mã định danh Bộ GD&ĐT"]
    table, _rows = read_all(files.write_xlsx(tmp_path / "a.xlsx", [headers, ["An", "01/02/2015", "Nam", "1"]]))
    assert fields(table) == ["full_name", "birth_date", "gender", "ministry_code"]
    assert table.columns[1][1] == "Ngày sinh\n(dd/mm/yyyy)"


def test_nfd_headers(tmp_path, path_kind):
    headers = [unicodedata.normalize("NFD", text) for text in files.STUDENT_HEADERS]
    assert headers[1] != files.STUDENT_HEADERS[1]
    table, rows = read_all(files.write_xlsx(tmp_path / "nfd.xlsx", [headers, *ROWS]))
    assert fields(table) == FIELDS
    assert len(rows) == 4


def test_columns_in_any_order(tmp_path, path_kind):
    order = [4, 2, 8, 0, 6, 1, 3, 7, 5]
    headers = [files.STUDENT_HEADERS[i] for i in order]
    data = [[row[i] for i in order] for row in ROWS]
    table, rows = read_all(files.write_xlsx(tmp_path / "xao.xlsx", [headers, *data]))
    assert fields(table) == [FIELDS[i] for i in order]
    named = by_field(table, rows)
    assert named[2][1]["full_name"] == ROWS[2][1]
    assert named[2][1]["personal_id"] == ROWS[2][5]


def test_title_rows_above_and_column_numbers_below(tmp_path, path_kind):
    title = "DANH SÁCH HỌC SINH NĂM HỌC 2025-2026"
    sheet: list[list[object]] = [
        ["UBND THÀNH PHỐ HẢI PHÒNG", None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
        ["TRƯỜNG THCS A", None, None, "Độc lập - Tự do - Hạnh phúc"],
        [],
        [title],
        list(files.MINISTRY_STUDENT_HEADERS),
        [f"({n})" for n in range(1, 10)],
        *ROWS,
    ]
    table, rows = read_all(files.write_xlsx(tmp_path / "tieu_de.xlsx", sheet, merges=[("A4:I4", title)]))
    assert table.header_row == 5
    assert fields(table) == FIELDS
    assert [number for number, _values in rows] == [7, 8, 9, 10]
    assert table.total_rows == 4


def test_plain_column_numbers_and_a_gap(tmp_path, path_kind):
    sheet = [files.STUDENT_HEADERS, list(range(1, 10)), ROWS[0], [], [None] * 9, ROWS[1]]
    _table, rows = read_all(files.write_xlsx(tmp_path / "so.xlsx", sheet))
    assert [number for number, _values in rows] == [3, 6]


def test_data_not_starting_in_column_a(tmp_path, path_kind):
    sheet = [[], [None, None, *files.STUDENT_HEADERS[:4]], *([None, None, *row[:4]] for row in ROWS)]
    table, rows = read_all(files.write_xlsx(tmp_path / "lech.xlsx", sheet))
    assert [index for index, _text, _column in table.columns] == [2, 3, 4, 5]
    assert table.header_row == 2
    assert rows[0] == (3, list(ROWS[0][:4]))


# --- several header rows ---------------------------------------------------------------------------------------------

GROUPED = [
    ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Thông tin cha", None, None, "Mẹ", None, "Người giám hộ"],
    [None, None, None, None, "Họ tên", "Năm sinh", "Nghề nghiệp", "Họ và tên", "Điện thoại", "Họ tên"],
    [1, "Nguyễn An", dt.date(2015, 1, 2), "Nam", "Nguyễn Bố", 1980, "Nông dân", "Lê Mẹ", "0912345678", "Bà"],
]
GROUPED_FIELDS = [
    "full_name",
    "birth_date",
    "gender",
    "father_name",
    "father_birth_year",
    "father_occupation",
    "mother_name",
    "mother_phone",
    "guardian_name",
]
MERGES = [
    ("A1:A2", "STT"),
    ("B1:B2", "Họ và tên"),
    ("C1:C2", "Ngày sinh"),
    ("D1:D2", "Giới tính"),
    ("E1:G1", "Thông tin cha"),
    ("H1:I1", "Mẹ"),
]


def test_merged_group_headers(tmp_path, path_kind):
    table, rows = read_all(files.write_xlsx(tmp_path / "gop.xlsx", GROUPED, merges=MERGES))
    assert table.header_row == 2
    assert fields(table) == GROUPED_FIELDS
    assert table.columns[3][1] == "Họ tên (Thông tin cha)"
    assert table.ignored == ["STT"]
    assert rows == [
        (3, ["Nguyễn An", dt.date(2015, 1, 2), "Nam", "Nguyễn Bố", 1980.0, "Nông dân", "Lê Mẹ", "0912345678", "Bà"])
    ]


def test_group_headers_without_merge_information(tmp_path):
    """OpenDocument and CSV carry no merges: a group label covers the empty cells to its right."""
    table, rows = read_all(files.write_ods(tmp_path / "gop.ods", GROUPED))
    assert fields(table) == GROUPED_FIELDS
    assert rows[0][1][3] == "Nguyễn Bố"
    table, _rows = read_all(files.write_csv(tmp_path / "gop.csv", GROUPED))
    assert fields(table) == GROUPED_FIELDS


def test_merged_group_headers_in_xls(tmp_path):
    merges = [(0, 1, 0, 0), (0, 1, 1, 1), (0, 1, 2, 2), (0, 1, 3, 3), (0, 0, 4, 6), (0, 0, 7, 8)]
    table, rows = read_all(files.write_xls(tmp_path / "gop.xls", GROUPED, merges=merges))
    assert fields(table) == GROUPED_FIELDS
    assert rows[0][1][0] == "Nguyễn An"


def test_a_header_merged_across_two_columns_is_one_column(tmp_path, path_kind):
    sheet = [["Họ và tên", None, "Ngày sinh", "Giới tính"], ["Nguyễn An", "(tên gọi)", "02/01/2015", "Nam"]]
    table, _rows = read_all(files.write_xlsx(tmp_path / "ngang.xlsx", sheet, merges=[("A1:B1", "Họ và tên")]))
    assert fields(table) == ["full_name", "birth_date", "gender"]


# --- choosing the sheet ----------------------------------------------------------------------------------------------


def test_instructions_and_code_lists_are_skipped(tmp_path, path_kind):
    instructions = [["HƯỚNG DẪN"], ["Cột", "Cách ghi"], ["Họ và tên"], ["Ngày sinh"], ["Giới tính"]]
    code_list = [["Mã", "Tên"], ["1", "Nam"], ["2", "Nữ"]]
    path = files.write_xlsx(
        tmp_path / "mau.xlsx",
        [files.STUDENT_HEADERS, *ROWS],
        sheet_name="Học sinh",
        first_sheets={"Hướng dẫn": instructions},
        other_sheets={"DM_gioi_tinh": code_list},
    )
    table, rows = read_all(path)
    assert table.sheet_name == "Học sinh"
    assert len(rows) == 4


# --- formulas -----------------------------------------------------------------------------------------------------------


def test_formulas_with_cached_values_give_the_values(tmp_path, path_kind):
    path = files.write_xlsx(
        tmp_path / "cong_thuc.xlsx",
        [files.STUDENT_HEADERS, *ROWS],
        formulas={"B2": ('=UPPER("an")', "AN"), "C3": ("=DATE(2015,1,2)", dt.date(2015, 1, 2))},
    )
    table, rows = read_all(path)
    assert table.formula_cells == []
    assert rows[0][1][1] == "AN"
    assert rows[1][1][2] == dt.date(2015, 1, 2)


def test_formulas_without_cached_values_are_listed(tmp_path, path_kind):
    header = files.rows_xml([files.STUDENT_HEADERS[:4]])
    data = (
        '<row r="2">'
        + files.cell_xml("A2", "3100000001")
        + files.cell_xml("B2", ('=CONCAT("Nguyễn ","An")', None))
        + files.cell_xml("C2", ("=DATE(2015,1,2)", None), style=files.STYLE_DATE)
        + files.cell_xml("D2", "Nam")
        + '</row><row r="3">'
        + files.cell_xml("A3", "3100000002")
        + files.cell_xml("B3", ("=A3", "Lê Bình"))
        + files.cell_xml(
            "C3", dt.date(2015, 3, 4).toordinal() - dt.date(1899, 12, 30).toordinal(), style=files.STYLE_DATE
        )
        + files.cell_xml("D3", "Nữ")
        + "</row>"
    )
    table, rows = read_all(files.raw_xlsx(tmp_path / "chua_tinh.xlsx", header + data))
    assert table.formula_cells == [(2, 1), (2, 2)]
    assert rows == [
        (2, ["3100000001", "", "", "Nam"]),
        (3, ["3100000002", "Lê Bình", dt.date(2015, 3, 4), "Nữ"]),
    ]


def test_shared_formulas_and_prefixed_xml(tmp_path, path_kind):
    p = "x:"
    header = files.rows_xml([["Họ và tên", "Ngày sinh", "Giới tính"]], prefix=p)
    data = (
        f'<{p}row r="2"><{p}c r="A2"><{p}f t="shared" ref="A2:A3" si="0">B2</{p}f></{p}c>'
        f'<{p}c r="B2" t="inlineStr"><{p}is><{p}t>Nam</{p}t></{p}is></{p}c></{p}row>'
        f'<{p}row r="3"><{p}c r="A3"><{p}f t="shared" si="0"/></{p}c><{p}c r="C3" t="str"><{p}f>B2</{p}f><{p}v>Nữ</{p}v></{p}c></{p}row>'
    )
    table = table_of(files.raw_xlsx(tmp_path / "x.xlsx", header + data, prefix=p))
    assert table.formula_cells == [(2, 0), (3, 0)]
    table.close()


# --- wrong template ----------------------------------------------------------------------------------------------------


def test_a_staff_file_given_to_students(tmp_path, path_kind):
    path = files.write_xlsx(tmp_path / "doi_ngu.xlsx", [files.STAFF_HEADERS, *files.staff_rows(3)])
    with pytest.raises(WrongTemplate) as caught:
        table_of(path, STUDENTS)
    message = caught.value.message
    assert "không đúng mẫu Học sinh" in message
    assert "tệp này giống mẫu Đội ngũ (nhận ra 13 cột của mẫu đó, chỉ 6 cột của mẫu Học sinh)" in message
    assert "Mẫu nhập liệu Excel" in message
    _table, rows = read_all(path, STAFF)  # the right layout reads it
    assert len(rows) == 3


def test_a_students_file_given_to_staff(tmp_path):
    with pytest.raises(WrongTemplate) as caught:
        table_of(files.write_xlsx(tmp_path / "hs.xlsx", [files.STUDENT_HEADERS, *ROWS]), STAFF)
    message = caught.value.message
    assert "giống mẫu Học sinh" in message
    assert "“Loại cán bộ”" in message  # the staff layout's required column it lacks


def test_a_required_column_missing(tmp_path, path_kind):
    headers = [h for h in files.STUDENT_HEADERS if h != "Giới tính"]
    data = [[v for i, v in enumerate(row) if i != 3] for row in ROWS]
    with pytest.raises(WrongTemplate) as caught:
        table_of(files.write_xlsx(tmp_path / "thieu.xlsx", [headers, *data]))
    message = caught.value.message
    assert "không tìm thấy cột bắt buộc “Giới tính”" in message
    assert "trang “Dữ liệu”, dòng 1" in message
    assert "giống mẫu" not in message


def test_too_few_columns(tmp_path):
    sheet = [["Họ và tên", "Điểm Toán", "Điểm Văn"], ["An", 8, 9]]
    with pytest.raises(WrongTemplate) as caught:
        table_of(files.write_xlsx(tmp_path / "diem.xlsx", sheet))
    assert "chỉ nhận ra 1 cột" in caught.value.message


def test_no_header_at_all(tmp_path):
    sheet = [["Số liệu", "Năm 2024"], [1, 2], [3, 4]]
    with pytest.raises(WrongTemplate) as caught:
        table_of(files.write_xlsx(tmp_path / "so_lieu.xlsx", sheet))
    assert "Không tìm thấy dòng tiêu đề nào của mẫu Học sinh trong 20 dòng đầu" in caught.value.message


def test_the_same_column_twice(tmp_path, path_kind):
    headers = ["Họ và tên", "Ngày sinh", "Giới tính", "Họ tên"]
    with pytest.raises(DuplicateColumn) as caught:
        table_of(files.write_xlsx(tmp_path / "trung.xlsx", [headers, ["An", "01/01/2015", "Nam", "An"]]))
    message = caught.value.message
    assert isinstance(caught.value, WrongTemplate)
    assert "Cột A “Họ và tên” và cột D “Họ tên”" in message
    assert "cùng là cột “Họ và tên”" in message


# --- other formats ---------------------------------------------------------------------------------------------------


def test_xls(tmp_path):
    table, rows = read_all(files.write_xls(tmp_path / "cu.xls", [["DANH SÁCH"], files.STUDENT_HEADERS, *ROWS]))
    assert table.header_row == 2
    assert fields(table) == FIELDS
    assert rows == [(number, list(row)) for number, row in enumerate(ROWS, start=3)]


def test_xlsx_content_under_an_xls_name(tmp_path, path_kind):
    path = files.write_xlsx(tmp_path / "that_ra_la_xlsx.xls", [files.STUDENT_HEADERS, *ROWS])
    _table, rows = read_all(path)
    assert len(rows) == 4


def test_ods(tmp_path):
    table, rows = read_all(files.write_ods(tmp_path / "lo.ods", [files.STUDENT_HEADERS, *ROWS]))
    assert fields(table) == FIELDS
    assert rows == [(number, list(row)) for number, row in enumerate(ROWS, start=2)]


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8", ","), ("utf-8-sig", ","), ("utf-8-sig", ";"), ("utf-16", "\t"), ("cp1258", ";"), ("cp1258", ",")],
)
def test_csv(tmp_path, encoding, delimiter):
    path = files.write_csv(tmp_path / "ds.csv", [files.STUDENT_HEADERS, *ROWS], encoding=encoding, delimiter=delimiter)
    table, rows = read_all(path)
    assert table.sheet_name == "CSV"
    assert fields(table) == FIELDS
    expected = [
        (number, [value.strftime("%d/%m/%Y") if isinstance(value, dt.date) else value for value in row])
        for number, row in enumerate(ROWS, start=2)
    ]
    assert rows == expected  # Windows-1258's combining tones come back composed (NFC)


def test_csv_with_quoted_line_breaks_and_short_rows(tmp_path):
    path = tmp_path / "nhieu_dong.csv"
    path.write_text(
        'Họ và tên,Ngày sinh,Giới tính,Địa chỉ thường trú\r\n"Lê\nAn",02/01/2015,Nam,"Số 1, Lê Lợi"\r\nBình,03/01/2015\r\n',
        encoding="utf-8",
    )
    _table, rows = read_all(path)
    assert rows == [(2, ["Lê\nAn", "02/01/2015", "Nam", "Số 1, Lê Lợi"]), (3, ["Bình", "03/01/2015", "", ""])]


# --- size and speed ------------------------------------------------------------------------------------------------------


MEASURE = """
import json, resource, sys, time
import django
django.setup()
from pathlib import Path
from edudb.exchange import reading, safety
from edudb.exchange.layouts import STUDENTS
path, threshold = Path(sys.argv[1]), int(sys.argv[2])
reading.STREAMING_FROM = threshold
inspected = safety.inspect_upload(path, path.name)
started = time.monotonic()
table = reading.open_table(path, inspected, STUDENTS)
rows = sum(len(block) for block in table.chunks())
table.close()
# VmHWM is this program's own peak: ru_maxrss also keeps the parent's size at fork, carried across exec by Linux.
status = Path("/proc/self/status")
peak_kb = next((int(line.split()[1]) for line in status.read_text().splitlines() if line.startswith("VmHWM:")),
               None) if status.exists() else None
peak_kb = peak_kb or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"rows": rows, "seconds": time.monotonic() - started, "rss_mb": peak_kb / 1024}))
"""


def measure(path, threshold):
    """Read ``path`` in a fresh interpreter: (rows, seconds, peak RSS in MB) — the RSS counts calamine's Rust
    memory too, which tracemalloc cannot see."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path), str(threshold)],
        capture_output=True,
        text=True,
        check=True,
        cwd=settings_module_root(),
        env=env,
        timeout=300,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def settings_module_root():
    return pathlib.Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("threshold", [2**62, 0], ids=["calamine", "streaming"])
def test_a_million_empty_formatted_rows(tmp_path, threshold):
    """Every row of the sheet formatted (68 MB of sheet XML): read in seconds, in little memory, and the empty
    rows never come out."""
    path = files.empty_rows_xlsx(tmp_path / "trong.xlsx", files.STUDENT_HEADERS)
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size > 60 * 2**20
    result = measure(path, threshold)
    assert result["rows"] == 0
    assert result["seconds"] < 15, result  # measured: 0.5 s through calamine, 1.6 s streaming
    assert result["rss_mb"] < 400, result  # measured: ~80 MB and ~150 MB (the interpreter and Django: ~60 MB)


def test_empty_rows_between_and_after_data_are_skipped(tmp_path, path_kind):
    sheet = [files.STUDENT_HEADERS, ROWS[0], [None] * 9, ["", "", "", "", "", "", "", "", ""], ROWS[1]]
    path = files.write_xlsx(tmp_path / "a.xlsx", sheet, empty_formatted_rows=5000)
    _table, rows = read_all(path)
    assert [number for number, _values in rows] == [2, 5]


def test_chunks_come_in_blocks_of_the_size_asked(tmp_path, path_kind):
    path = files.write_xlsx(tmp_path / "a.xlsx", [files.STUDENT_HEADERS, *files.student_rows(12)])
    table = table_of(path)
    sizes = [len(block) for block in table.chunks(5)]
    again = [len(block) for block in table.chunks(5)]  # a second pass reads from the start again
    table.close()
    table.close()
    assert sizes == again == [5, 5, 2]


def test_corrupt_sheet_xml_found_while_reading(tmp_path, monkeypatch):
    monkeypatch.setattr(reading, "STREAMING_FROM", 0)
    rows = files.rows_xml([files.STUDENT_HEADERS, *([f"r{n}"] * 9 for n in range(50))])
    path = files.raw_xlsx(tmp_path / "hong.xlsx", rows + '<row r="60"><c r="A60"><v>1</c></row>')
    table = table_of(path)
    with pytest.raises(UnsafeFile) as caught:
        list(table.chunks())
    table.close()
    assert "bị hỏng" in caught.value.message


# --- the streaming reader gives what calamine gives --------------------------------------------------------------------


def both_paths(path, monkeypatch, layout=STUDENTS):
    results = []
    for threshold in (2**62, 0):
        monkeypatch.setattr(reading, "STREAMING_FROM", threshold)
        table = table_of(path, layout)
        results.append(
            (
                table.header_row,
                table.columns,
                table.ignored,
                table.formula_cells,
                [r for b in table.chunks() for r in b],
            )
        )
        table.close()
    return results


values = st.one_of(
    st.none(),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12),
    st.sampled_from(["Nguyễn Văn An", " hai  dấu cách ", "x_x000D_y", "_x0041_", "a\nb", "0123", "=1+1"]),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(2100, 1, 1)),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(values, min_size=9, max_size=9), min_size=1, max_size=15), date1904=st.booleans())
def test_streaming_and_calamine_agree_on_any_workbook(tmp_path_factory, monkeypatch, rows, date1904):
    path = files.write_xlsx(
        tmp_path_factory.mktemp("eq") / "eq.xlsx", [files.STUDENT_HEADERS, *rows], date_1904=date1904
    )
    calamine, streaming = both_paths(path, monkeypatch)
    assert calamine == streaming


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    serials=st.lists(
        st.one_of(st.floats(min_value=-10, max_value=3e6, allow_nan=False), st.integers(-5, 3_000_000)),
        min_size=1,
        max_size=20,
    ),
    date1904=st.booleans(),
)
def test_dates_durations_and_times_as_calamine_reads_them(tmp_path_factory, monkeypatch, serials, date1904):
    """Raw serials under every kind of number format: builtin and custom dates, a duration, text, none."""
    styles = [files.STYLE_DATE, files.STYLE_BUILTIN_DATE, files.STYLE_DURATION, files.STYLE_TEXT, files.STYLE_PLAIN]
    header = files.rows_xml([["Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Lớp"]])
    body = "".join(
        f'<row r="{n}">'
        + "".join(
            files.cell_xml(f"{files.column_letter(c)}{n}", float(serial), style=style) for c, style in enumerate(styles)
        )
        + "</row>"
        for n, serial in enumerate(serials, start=2)
    )
    path = files.raw_xlsx(tmp_path_factory.mktemp("d") / "d.xlsx", header + body, date1904=date1904)
    calamine, streaming = both_paths(path, monkeypatch)
    assert calamine == streaming


def test_cells_and_rows_without_references_and_rich_text(tmp_path, monkeypatch):
    header = files.rows_xml([["Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc"]])
    body = (
        '<row><c t="s"><v>0</v></c><c s="1"><v>45000</v></c><c t="b"><v>1</v></c><c t="e"><v>#N/A</v></c></row>'
        '<row r="5"><c r="B5" t="s"><v>1</v></c><c r="D5"><v>1E+20</v></c></row>'
    )
    rich = (
        '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        "<si><r><t>Ng</t></r><r><rPr><b/></rPr><t>uyễn</t></r><rPh><t>ignored</t></rPh></si>"
        "<si><t>a_x000D_b</t></si></sst>"
    )
    path = files.raw_xlsx(tmp_path / "r.xlsx", header + body, shared_strings_xml=rich)
    calamine, streaming = both_paths(path, monkeypatch)
    assert calamine == streaming
    assert calamine[4] == [(2, ["Nguyễn", dt.date(2023, 3, 15), True, ""]), (5, ["", "a\rb", "", 1e20])]


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("dd/mm/yyyy", 1),
        ("[$-42A]dd/mm/yyyy", 1),
        ('"Ngày "d', 1),
        ("[h]:mm:ss", 2),
        ("[mm]", 2),
        ("hh:mm", 1),
        ("0.00", 0),
        ("#,##0", 0),
        ("@", 0),
        ('"Năm "0', 0),
        ("General", 0),
        ("[Red]0.0", 0),
        ("0;[Red]-d", 0),
        ("#,##0*y", 0),
        ("\\d0", 0),
    ],
)
def test_number_format_kinds(code, kind):
    assert reading._date_kind(code) == kind


def test_excel_dates():
    assert reading.excel_date(1, 1, False) == dt.date(1900, 1, 1)
    assert reading.excel_date(60, 1, False) == dt.date(1900, 2, 28)  # the phantom 29 February 1900
    assert reading.excel_date(61, 1, False) == dt.date(1900, 3, 1)
    assert reading.excel_date(45000.5, 1, False) == dt.datetime(2023, 3, 15, 12)
    assert reading.excel_date(0.25, 1, False) == dt.time(6)
    assert reading.excel_date(1, 1, True) == dt.date(1904, 1, 2)
    assert reading.excel_date(1.5, 2, False) == dt.timedelta(days=1, hours=12)
    assert reading.excel_date(3e6, 1, False) == 3e6  # past year 9999: the number stays


# --- legacy fonts: how a cell's text was typed ------------------------------------------------------------------------


def _fonts_xlsx(path, rows, fonts, *, default_font=None):
    """``rows`` (header first) with ``fonts[(row, col)]`` (0-based) as the font of those cells."""
    import xlsxwriter

    options = {"default_format_properties": {"font_name": default_font}} if default_font else {}
    workbook = xlsxwriter.Workbook(str(path), options)
    sheet = workbook.add_worksheet("Dữ liệu")
    formats = {}
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            font = fonts.get((r, c))
            if font is not None and font not in formats:
                formats[font] = workbook.add_format({"font_name": font})
            sheet.write(r, c, value, formats.get(font))
    workbook.close()
    return path


def test_cells_typed_in_a_legacy_font_are_found_with_their_font(tmp_path, path_kind):
    rows = [files.STUDENT_HEADERS, *[[str(value) for value in row] for row in ROWS]]
    fonts = {(1, 1): ".VnTime", (2, 1): "VNI-Times", (3, 1): "Times New Roman", (1, 7): ".VnTimeH", (2, 0): ".VnArial"}
    table = table_of(_fonts_xlsx(tmp_path / "cu.xlsx", rows, fonts))
    try:
        assert table.fonts is not None
        numbers = [2, 3, 4, 5, 10_000]  # the last one past the sheet
        names = fields(table)
        assert table.fonts.column(names.index("full_name"), numbers) == [".VnTime", "VNI-Times", None, None, None]
        assert table.fonts.column(names.index("father_name"), numbers) == [".VnTimeH", None, None, None, None]
        assert table.fonts.column(names.index("ministry_code"), numbers) == [None, ".VnArial", None, None, None]
        assert table.fonts.column(names.index("mother_name"), numbers) is None  # none of its cells: nothing to pass
        assert len([row for block in table.chunks() for row in block]) == 4  # the values are read as before
    finally:
        table.close()


def test_a_workbook_typed_in_a_legacy_default_font(tmp_path, path_kind):
    # Old workbooks often set .VnTime as the Normal style's font: every cell without a format of its own has it.
    rows = [files.STUDENT_HEADERS, *[[str(value) for value in row] for row in ROWS]]
    table = table_of(_fonts_xlsx(tmp_path / "cu.xlsx", rows, {(2, 1): "Arial"}, default_font=".VnTime"))
    try:
        column = table.fonts.column(fields(table).index("full_name"), [2, 3, 4, 5])
        assert column == [".VnTime", None, ".VnTime", ".VnTime"]  # the Arial cell is Unicode
    finally:
        table.close()


def test_a_workbook_without_a_legacy_font_costs_no_scan(tmp_path, path_kind, monkeypatch):
    rows = [files.STUDENT_HEADERS, *[[str(value) for value in row] for row in ROWS]]
    path = _fonts_xlsx(tmp_path / "moi.xlsx", rows, {(1, 1): "Times New Roman", (2, 1): "Calibri"})

    def no_scan(*args, **kwargs):
        raise AssertionError("scanned")

    monkeypatch.setattr(reading, "scan_cell_fonts", no_scan)
    table = table_of(path)
    table.close()
    assert table.fonts is None


def test_cell_formats_are_found_whatever_the_order_of_the_attributes():
    usual = b'<row r="7"><c r="A7" s="3" t="s"><v>1</v></c><c r="B7"/><c r="C7" t="n" cm="1"><v>2</v></c></row>'
    assert reading._cell_styles(usual) == [(b"A", b"7", b"3"), (b"B", b"7", b""), (b"C", b"7", b"")]
    # Another writer's order and prefix; a cell with no reference cannot be placed and is left out.
    odd = b'<x:row><x:c t="s" s="3" r="C7"><x:v>1</x:v></x:c><x:c s="4"><x:v>2</x:v></x:c><x:c r="D7" t="n"/></x:row>'
    assert reading._cell_styles(odd) == [(b"C", b"7", b"3"), (b"D", b"7", b"")]


def test_cells_typed_in_a_legacy_font_in_an_xls(tmp_path):
    rows = [["DANH SÁCH"], files.STUDENT_HEADERS, *[[str(value) for value in row] for row in ROWS]]
    fonts = {(2, 1): ".VnTime", (3, 1): "VNI-Times", (4, 1): "Arial", (2, 7): ".VnTimeH", (0, 0): ".VnTime"}
    table = table_of(files.write_xls(tmp_path / "cu.xls", rows, fonts=fonts))
    try:
        names = fields(table)
        assert table.fonts.column(names.index("full_name"), [3, 4, 5, 6]) == [".VnTime", "VNI-Times", None, None]
        assert table.fonts.column(names.index("father_name"), [3, 4, 5, 6]) == [".VnTimeH", None, None, None]
        assert table.fonts.column(names.index("mother_name"), [3, 4, 5, 6]) is None
        assert [values for block in table.chunks() for _number, values in block] == rows[2:]  # read as before
    finally:
        table.close()
    plain = table_of(files.write_xls(tmp_path / "moi.xls", rows, fonts={(2, 1): "Times New Roman"}))
    plain.close()
    assert plain.fonts is None


def test_the_fonts_of_an_unreadable_xls_are_left_to_the_guess(tmp_path, monkeypatch, caplog):
    rows = [files.STUDENT_HEADERS, *[[str(value) for value in row] for row in ROWS]]
    path = files.write_xls(tmp_path / "cu.xls", rows, fonts={(1, 1): ".VnTime"})

    def broken(*args):
        raise struct.error("unpack_from requires a buffer of at least 6 bytes")

    monkeypatch.setattr(reading, "xls_cell_fonts", broken)
    _table, read = read_all(path)
    assert _table.fonts is None and len(read) == 4  # the values are read all the same
    assert "could not be read" in caplog.text
