"""Exports of the lists (R5.1, R10.2–R10.4): the rows are the list page's own (scope and filters), the file is safe to
open (formula injection), personal IDs are masked unless revealed, every export is audited, long lists are made in
the background with their progress, and only the account that asked downloads the file."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from itertools import count
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from conftest import Cast
from edudb.core.models import AuditEntry
from edudb.core.scoping import Function
from edudb.core.tests.clients import signed_in
from edudb.core.tests.factories import AccountFactory
from edudb.exchange import exports
from edudb.exchange.models import ExportJob, ExportState
from edudb.quality.models import CodeItem, items_of
from edudb.registry.models import Guardian, SchoolClass, StaffMember, Student
from edudb.reporting.models import SchoolYear

pytestmark = pytest.mark.django_db

_codes = count(1)
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
FORMULAS = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def item(list_code: str, code: str) -> CodeItem:
    return items_of(list_code).get(code=code)


def current_year() -> SchoolYear:
    return SchoolYear.objects.get(is_current=True)


def make_class(unit: Any, name: str, grade: int) -> SchoolClass:
    return SchoolClass.objects.create(unit=unit, school_year=current_year(), name=name, grade=grade)


def make_student(unit: Any, full_name: str = "Nguyễn Thị Hoà", **fields: Any) -> Student:
    number = next(_codes)
    values: dict[str, Any] = {
        "full_name": full_name,
        "birth_date": dt.date(2018, 5, 25),
        "gender": item("gioi_tinh", "2"),
        "status": item("trang_thai_hoc_sinh", "01"),
        "ministry_code": f"31{number:08d}",
        **fields,
    }
    return Student.objects.create(unit=unit, **values)


def make_staff(unit: Any, full_name: str = "Trần Thị Bình", **fields: Any) -> StaffMember:
    number = next(_codes)
    values: dict[str, Any] = {
        "full_name": full_name,
        "birth_date": dt.date(1985, 3, 12),
        "gender": item("gioi_tinh", "2"),
        "staff_type": item("loai_can_bo", "2"),
        "work_status": item("trang_thai_can_bo", "01"),
        "ministry_code": f"CB31{number:06d}",
        **fields,
    }
    return StaffMember.objects.create(unit=unit, **values)


def url(source: str, file_format: str = "xlsx", query: str = "") -> str:
    base = reverse("exchange:export", kwargs={"pk": source})
    return f"{base}?format={file_format}" + (f"&{query}" if query else "")


def sheets(content: bytes) -> dict[str, list[list[Any]]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def data_rows(content: bytes, sheet: str | None = None) -> list[dict[str, Any]]:
    """The first (or the named) sheet as dicts by header."""
    book = sheets(content)
    table = book[sheet or next(iter(book))]
    header = table[0]
    return [dict(zip(header, row, strict=True)) for row in table[1:]]


def csv_rows(content: bytes) -> list[dict[str, str]]:
    assert content.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM, so Excel reads Vietnamese right"
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def export_user(unit: Any, *functions: str) -> Any:
    return AccountFactory.create(unit=unit, functions=[Function.VIEW, Function.EXPORT, *functions])


# --- inline exports: the file, its columns, its rows --------------------------------------------------------------


def test_students_xlsx_has_the_lists_rows_typed_cells_and_an_information_sheet(cast: Cast) -> None:
    grade6 = make_class(cast.school_a2, "6A1", 6)
    pupil = make_student(
        cast.school_a2,
        "Lê Văn Ánh",
        school_class=grade6,
        ethnicity=item("dan_toc", "01"),
        phone="0912345678",
        home_address="Số 5 ngõ 12 Lạch Tray",
        personal_id="031215001234",
        semi_boarding=True,
    )
    pupil.policy_groups.add(*items_of("doi_tuong_chinh_sach")[:2])
    Guardian.objects.create(student=pupil, relation="mother", full_name="Phạm Thị Mẹ", phone="0987654321")
    make_student(cast.school_a2, "Đỗ Minh Khang", temporary_code="TMP-A0000001", ministry_code=None)

    response = signed_in(cast.school_a2_admin).get(url("students"))

    assert response.status_code == 200
    assert response["Content-Type"] == exports.CONTENT_TYPES["xlsx"]
    assert re.fullmatch(r'attachment; filename="hoc-sinh-\d{4}-\d{2}-\d{2}\.xlsx"', response["Content-Disposition"])
    book = sheets(response.content)
    assert list(book) == ["Học sinh", "Thông tin"]
    rows = {row["Họ và tên"]: row for row in data_rows(response.content)}
    assert set(rows) == {"Lê Văn Ánh", "Đỗ Minh Khang"}
    anh = rows["Lê Văn Ánh"]
    assert anh["Mã định danh học sinh"] == pupil.ministry_code  # a code stays text
    assert anh["Mã trường"] == "31000102" and anh["Trường"] == cast.school_a2.name
    assert anh["Ngày sinh"] == dt.date(2018, 5, 25)  # a real date
    assert anh["Lớp"] == "6A1" and anh["Khối"] == 6
    assert anh["Giới tính"] == "Nữ" and anh["Dân tộc"] == "Kinh" and anh["Trạng thái"] == "Đang học"
    assert anh["Điện thoại liên hệ"] == "0912345678"  # the leading zero kept
    assert anh["Địa chỉ thường trú"] == "Số 5 ngõ 12 Lạch Tray"
    assert anh["Học bán trú"] == "Có" and anh["Mồ côi"] == "Không"
    assert anh["Họ tên mẹ"] == "Phạm Thị Mẹ" and anh["Điện thoại mẹ"] == "0987654321"
    assert anh["Đối tượng chính sách"].count(";") == 1
    assert rows["Đỗ Minh Khang"]["Mã tạm"] == "TMP-A0000001"
    info = dict((row[0], row[1]) for row in book["Thông tin"])
    assert info["Danh sách"] == "Danh sách học sinh"
    assert "(school_a2.admin)" in info["Người xuất"]
    assert info["Đơn vị"] == cast.school_a2.name
    assert info["Số dòng"] == 2
    assert "Không lọc" in info["Bộ lọc"]


def test_the_xlsx_header_is_bold_frozen_and_filtered(cast: Cast) -> None:
    make_student(cast.school_a1, "An")
    content = signed_in(cast.school_a1_admin).get(url("students")).content
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>' in sheet
    assert '<autoFilter ref="A1:' in sheet
    assert "<cols>" in sheet


def test_students_csv_is_utf8_with_bom_comma_separated_and_quoted(cast: Cast) -> None:
    make_student(cast.school_a1, "Nguyễn Thị Hoà", home_address="Số 1, đường Lê Lợi")
    response = signed_in(cast.school_a1_admin).get(url("students", "csv"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].endswith('.csv"')
    text = response.content.decode("utf-8-sig")
    assert text.startswith('"Mã trường","Trường","Mã định danh học sinh"')
    rows = csv_rows(response.content)
    assert len(rows) == 1
    assert rows[0]["Họ và tên"] == "Nguyễn Thị Hoà"
    assert rows[0]["Ngày sinh"] == "25/05/2018"
    assert rows[0]["Địa chỉ thường trú"] == "Số 1, đường Lê Lợi"  # the comma inside a quoted field


def test_staff_export_in_both_formats(cast: Cast) -> None:
    make_staff(cast.school_a1, "Trần Thị Bình", phone="0912000111", personal_id="031185000001", subjects="Toán")
    make_staff(cast.school_b1, "Vũ Văn Khác")
    client = signed_in(cast.school_a1_admin)

    rows = data_rows(client.get(url("staff")).content)
    assert [row["Họ và tên"] for row in rows] == ["Trần Thị Bình"]
    assert rows[0]["Loại cán bộ"] == "Giáo viên" and rows[0]["Môn dạy"] == "Toán"
    assert rows[0]["Ngày sinh"] == dt.date(1985, 3, 12)
    assert rows[0]["Mã cán bộ"].startswith("CB31")

    rows_csv = csv_rows(client.get(url("staff", "csv")).content)
    assert [row["Họ và tên"] for row in rows_csv] == ["Trần Thị Bình"]
    assert rows_csv[0]["Điện thoại"] == "0912000111"


def test_classes_export_counts_the_learners(cast: Cast) -> None:
    grade1 = make_class(cast.school_a1, "1A", 1)
    make_student(cast.school_a1, "Một", school_class=grade1)
    make_student(cast.school_a1, "Hai", school_class=grade1)
    rows = data_rows(signed_in(cast.school_a1_admin).get(url("classes")).content)
    assert [(row["Tên lớp"], row["Khối lớp"], row["Sĩ số"]) for row in rows] == [("1A", 1, 2)]


@pytest.mark.parametrize("source", sorted(exports.specs()))
@pytest.mark.parametrize("file_format", exports.FORMATS)
def test_every_registered_list_exports(cast: Cast, source: str, file_format: str) -> None:
    """Every list of the registry answers a file with its header row, for the Sở and for a school."""
    spec = exports.specs()[source]
    for account in (cast.so_admin, cast.school_a1_admin):
        response = signed_in(account).get(url(source, file_format))
        assert response.status_code == 200, (source, account)
        if file_format == "xlsx":
            header = next(iter(sheets(response.content).values()))[0]
        else:
            header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert header == [str(column.header) for column in spec.columns]


# --- the rows are the list's: filters and scope -------------------------------------------------------------------


def test_an_export_of_a_filtered_list_holds_exactly_the_filtered_rows(cast: Cast) -> None:
    grade1, grade2 = make_class(cast.school_a1, "1A", 1), make_class(cast.school_a1, "2A", 2)
    make_student(cast.school_a1, "Nguyễn Thị An", school_class=grade1)
    make_student(cast.school_a1, "Nguyễn Văn Bình", school_class=grade1, gender=item("gioi_tinh", "1"))
    make_student(cast.school_a1, "Trần Thị Chi", school_class=grade2)
    make_student(cast.school_a2, "Nguyễn Thị Dung")
    client = signed_in(cast.commune_a_admin)
    female = item("gioi_tinh", "2").pk

    def names(query: str, file_format: str = "xlsx") -> set[str]:
        response = client.get(url("students", file_format, query))
        assert response.status_code == 200
        rows = data_rows(response.content) if file_format == "xlsx" else csv_rows(response.content)
        return {row["Họ và tên"] for row in rows}

    assert names("") == {"Nguyễn Thị An", "Nguyễn Văn Bình", "Trần Thị Chi", "Nguyễn Thị Dung"}
    a1 = cast.school_a1.pk  # the list filters by class within a chosen school
    assert names(f"unit={a1}&school_class={grade1.pk}") == {"Nguyễn Thị An", "Nguyễn Văn Bình"}
    assert names(f"unit={a1}&school_class={grade1.pk}&gender={female}") == {"Nguyễn Thị An"}
    assert names(f"unit={cast.school_a1.pk}&grade=2", "csv") == {"Trần Thị Chi"}
    assert names("q=nguyen+thi") == {"Nguyễn Thị An", "Nguyễn Thị Dung"}  # the list's own search, no diacritics
    assert names("q=nguyen+thi&page=3") == {"Nguyễn Thị An", "Nguyễn Thị Dung"}  # the page number is not a filter
    # The filters are named on the information sheet.
    content = client.get(url("students", "xlsx", f"unit={a1}&school_class={grade1.pk}&gender={female}")).content
    info = dict((row[0], row[1]) for row in sheets(content)["Thông tin"])
    assert info["Bộ lọc: Lớp"].startswith("1A") and info["Bộ lọc: Giới tính"] == "Nữ"


def test_a_school_exports_only_its_own_learners_and_the_so_all(cast: Cast) -> None:
    for name in ("school_a1", "school_a2", "school_b1", "school_b2", "thpt"):
        make_student(cast.units[name], f"Học sinh {name}")

    def names(account: Any) -> set[str]:
        return {row["Họ và tên"] for row in data_rows(signed_in(account).get(url("students")).content)}

    assert names(cast.school_a1_admin) == {"Học sinh school_a1"}
    assert names(cast.commune_a_admin) == {"Học sinh school_a1", "Học sinh school_a2"}
    assert names(cast.so_admin) == {
        f"Học sinh {n}" for n in ("school_a1", "school_a2", "school_b1", "school_b2", "thpt")
    }
    # The Tiểu học office (it holds "export") sees the primary schools only.
    assert names(cast.office_th_user) == {"Học sinh school_a1", "Học sinh school_b1"}
    # Another school's learner never appears, whatever the filter names.
    forged = f"unit={cast.school_b1.pk}"
    rows = data_rows(signed_in(cast.school_a1_admin).get(url("students", query=forged)).content)
    assert "Học sinh school_b1" not in {row["Họ và tên"] for row in rows}


def test_an_account_without_the_export_function_finds_no_export(cast: Cast) -> None:
    make_student(cast.school_a1, "An")
    client = signed_in(cast.school_a1_user)  # view + enter students, no "export"
    assert client.get(url("students")).status_code == 404
    assert client.get(url("nothing-of-the-kind")).status_code == 404
    page = client.get(reverse("registry:student_list")).content.decode()
    assert "Xuất Excel" not in page
    assert "Xuất Excel" in signed_in(cast.school_a1_admin).get(reverse("registry:student_list")).content.decode()


def test_an_unknown_format_is_refused_with_a_message(cast: Cast) -> None:
    response = signed_in(cast.school_a1_admin).get(url("students", "pdf"))
    assert response.status_code == 400
    assert "chỉ nhận xlsx (Excel) hoặc csv" in response.content.decode()


def test_the_list_page_buttons_carry_the_current_filters(cast: Cast) -> None:
    grade1 = make_class(cast.school_a1, "1A", 1)
    page = signed_in(cast.school_a1_admin).get(f"/students/?school_class={grade1.pk}&q=an").content.decode()
    export_url = reverse("exchange:export", kwargs={"pk": "students"})
    assert f"{export_url}?format=xlsx&amp;school_class={grade1.pk}&amp;q=an" in page
    assert f"{export_url}?format=csv&amp;school_class={grade1.pk}&amp;q=an" in page


# --- formula injection ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("payload", FORMULAS)
def test_formula_injection_is_neutralised_in_xlsx(cast: Cast, payload: str) -> None:
    make_student(cast.school_a1, "Hoà", home_address=payload, birthplace=payload, current_address="=1+1")
    content = signed_in(cast.school_a1_admin).get(url("students")).content
    row = data_rows(content)[0]
    for header in ("Địa chỉ thường trú", "Nơi sinh"):
        value = row[header]
        assert value[0] == "'", (header, value)
        assert value[1:].replace("\n", "\r") == payload.replace("\n", "\r") or value[1:] == payload
    assert row["Chỗ ở hiện nay"] == "'=1+1"
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert "<f>" not in archive.read(name).decode(), "no cell is a formula"


@pytest.mark.parametrize("payload", FORMULAS)
def test_formula_injection_is_neutralised_in_csv(cast: Cast, payload: str) -> None:
    make_student(cast.school_a1, "Hoà", home_address=payload, birthplace=payload)
    row = csv_rows(signed_in(cast.school_a1_admin).get(url("students", "csv")).content)[0]
    assert row["Địa chỉ thường trú"] == f"'{payload}"
    assert row["Nơi sinh"] == f"'{payload}"


@pytest.mark.parametrize("payload", FORMULAS)
def test_a_formula_in_a_name_or_a_filter_is_neutralised_too(cast: Cast, payload: str) -> None:
    """Names go through the normalisation layer on save; created directly they still reach the file harmless. The
    search text the user typed appears on the information sheet, neutralised as well."""
    Student.objects.filter(pk=make_student(cast.school_a1, "Tên").pk).update(full_name=payload)
    content = signed_in(cast.school_a1_admin).get(url("students", "xlsx", "q=%3Dcmd")).content
    info = dict((row[0], row[1]) for row in sheets(content)["Thông tin"])
    assert info["Bộ lọc: Tìm học sinh"] == "'=cmd"
    csv_row = csv_rows(signed_in(cast.school_a1_admin).get(url("students", "csv")).content)[0]
    assert csv_row["Họ và tên"] == f"'{payload}"


def test_neutralise_leaves_ordinary_text_alone() -> None:
    assert exports.neutralise("Nguyễn Văn An") == "Nguyễn Văn An"
    assert exports.neutralise("0912345678") == "0912345678"
    assert exports.neutralise("a=1") == "a=1"
    assert exports.neutralise("＝1+1") == "'＝1+1"  # the full-width sign spreadsheets also read as a formula


# --- personal IDs --------------------------------------------------------------------------------------------------


def test_personal_ids_are_masked_unless_the_account_may_reveal_them(cast: Cast) -> None:
    make_student(cast.school_a1, "An", personal_id="031218001234")
    make_staff(cast.school_a1, "Bình", personal_id="031185009876")
    plain = export_user(cast.school_a1)
    revealer = export_user(cast.school_a1, Function.REVEAL_PERSONAL_ID)

    masked = data_rows(signed_in(plain).get(url("students")).content)[0]["Số định danh cá nhân"]
    assert masked == "•••••••••234"
    masked_csv = csv_rows(signed_in(plain).get(url("staff", "csv")).content)[0]["Số định danh cá nhân"]
    assert masked_csv == "•••••••••876"
    assert "031218001234" not in signed_in(plain).get(url("students", "csv")).content.decode("utf-8-sig")

    clear = data_rows(signed_in(revealer).get(url("students")).content)[0]["Số định danh cá nhân"]
    assert clear == "031218001234"  # as text, the leading zero kept
    assert csv_rows(signed_in(revealer).get(url("staff", "csv")).content)[0]["Số định danh cá nhân"] == "031185009876"
    entries = AuditEntry.objects.filter(action="export.download").order_by("pk")
    assert [entry.extra["personal_id"] for entry in entries] == ["masked", "masked", "masked", "revealed", "revealed"]
    content = signed_in(plain).get(url("students")).content
    info = dict((row[0], row[1]) for row in sheets(content)["Thông tin"])
    assert "Đã che" in info["Số định danh cá nhân"]


# --- audit ---------------------------------------------------------------------------------------------------------


def test_each_inline_export_is_one_audit_entry(cast: Cast) -> None:
    grade1 = make_class(cast.school_a1, "1A", 1)
    make_student(cast.school_a1, "An", school_class=grade1)
    make_student(cast.school_a1, "Bình")
    before = AuditEntry.objects.count()
    signed_in(cast.school_a1_admin).get(url("students", "csv", f"school_class={grade1.pk}"))
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.latest("pk")
    assert entry.action == "export.download"
    assert entry.actor == cast.school_a1_admin and entry.unit == cast.school_a1
    assert entry.extra["source"] == "students" and entry.extra["format"] == "csv"
    assert entry.extra["filters"] == f"school_class={grade1.pk}"
    assert entry.extra["rows"] == 1
    assert entry.extra["personal_id"] == "revealed"  # an admin holds every function of its unit


# --- background exports --------------------------------------------------------------------------------------------


def test_a_large_export_runs_in_the_background_with_progress_and_the_owner_downloads_it(
    cast: Cast, settings: Any, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TASKS = IMMEDIATE
    settings.EXPORT_INLINE_ROWS = 2
    monkeypatch.setattr(exports, "CHUNK_ROWS", 2)  # several round trips (and prefetches) while writing
    monkeypatch.setattr(exports, "PROGRESS_EVERY", 2)
    reported: list[tuple[int, int]] = []
    original = exports._progress

    def spy(pk: int) -> Any:
        report = original(pk)

        def both(done: int) -> None:
            report(done)
            reported.append((done, ExportJob.objects.get(pk=pk).progress_total))

        return both

    monkeypatch.setattr(exports, "_progress", spy)
    for number in range(5):
        make_student(cast.school_a1, f"Học sinh {number}")
    make_student(cast.school_b1, "Trường khác")
    owner = cast.school_a1_admin
    client = signed_in(owner)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.get(url("students", "xlsx", f"unit={cast.school_a1.pk}"))
    assert response.status_code == 302 and response["Location"] == reverse("exchange:exports")
    assert len(callbacks) == 1  # handed to the worker after the commit
    job = ExportJob.objects.get()
    assert job.state == ExportState.DONE and job.rows == 5 and job.percent == 100
    assert job.account == owner and job.unit == cast.school_a1 and job.domain == "students"
    assert job.query == f"unit={cast.school_a1.pk}" and job.file_format == "xlsx"
    assert job.title.startswith("Danh sách học sinh — Trường: ")
    assert reported == [(2, 5), (4, 5)]  # the progress the page shows while the file is written
    assert "tạo ở chế độ nền" in client.get(response["Location"]).content.decode()
    created = AuditEntry.objects.get(action="export.create")
    assert created.extra["rows"] == 5 and created.extra["source"] == "students"

    download = reverse("exchange:export_download", kwargs={"pk": job.pk})
    page = client.get(reverse("exchange:exports")).content.decode()
    assert download in page and 'hx-trigger="every 1s"' not in page  # nothing running: no polling

    answer = client.get(download)
    assert answer.status_code == 200
    assert re.fullmatch(r'attachment; filename="hoc-sinh-\d{4}-\d{2}-\d{2}\.xlsx"', answer["Content-Disposition"])
    content = b"".join(answer.streaming_content)  # type: ignore[attr-defined]
    assert {row["Họ và tên"] for row in data_rows(content)} == {f"Học sinh {n}" for n in range(5)}
    assert AuditEntry.objects.filter(action="export.download", object_id=str(job.pk)).count() == 1
    client.get(download)
    assert AuditEntry.objects.filter(action="export.download", object_id=str(job.pk)).count() == 2  # each download

    for other in (cast.school_a1_user, cast.so_admin, cast.commune_a_admin, cast.school_b1_admin):
        assert signed_in(other).get(download).status_code == 404
        assert job.title not in signed_in(other).get(reverse("exchange:exports")).content.decode()


def test_a_csv_in_the_background_is_the_same_file(
    cast: Cast, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TASKS = IMMEDIATE
    settings.EXPORT_INLINE_ROWS = 1
    make_staff(cast.school_a1, "Một", phone="=1+2")
    make_staff(cast.school_a1, "Hai")
    with django_capture_on_commit_callbacks(execute=True):
        signed_in(cast.school_a1_admin).get(url("staff", "csv"))
    job = ExportJob.objects.get()
    assert job.state == ExportState.DONE
    with job.file.open("rb") as stored:
        rows = csv_rows(stored.read())
    assert {row["Họ và tên"] for row in rows} == {"Một", "Hai"}
    assert {row["Điện thoại"] for row in rows} == {"'=1+2", ""}


def test_the_jobs_page_polls_while_a_job_runs_and_shows_its_progress(cast: Cast) -> None:
    owner = cast.school_a1_admin
    job = ExportJob.objects.create(
        unit=cast.school_a1,
        domain="students",
        account=owner,
        source="students",
        file_format="xlsx",
        title="Danh sách học sinh <script>alert(1)</script>",
        state=ExportState.RUNNING,
        progress_done=300,
        progress_total=1200,
    )
    client = signed_in(owner)
    page = client.get(reverse("exchange:exports")).content.decode()
    assert 'hx-trigger="every 1s"' in page
    assert 'value="25"' in page and "300 / 1200 dòng (25%)" in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    partial = client.get(reverse("exchange:exports"), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="export-jobs")
    text = partial.content.decode()
    assert text.lstrip().startswith('<div id="export-jobs"') and "<html" not in text
    ExportJob.objects.filter(pk=job.pk).update(state=ExportState.DONE, rows=1200, progress_done=1200)
    done = client.get(reverse("exchange:exports"), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="export-jobs")
    assert 'hx-trigger="every 1s"' not in done.content.decode()  # finished: the polling stops
    # The download of an unfinished job says so; of a file gone from the server, 410.
    ExportJob.objects.filter(pk=job.pk).update(state=ExportState.RUNNING)
    pending = client.get(reverse("exchange:export_download", kwargs={"pk": job.pk}))
    assert pending.status_code == 200 and "Tệp chưa sẵn sàng" in pending.content.decode()
    ExportJob.objects.filter(pk=job.pk).update(state=ExportState.DONE, file="exports/2026/11/gone.xlsx")
    assert client.get(reverse("exchange:export_download", kwargs={"pk": job.pk})).status_code == 410


def test_a_job_whose_account_lost_the_export_function_fails_and_writes_nothing(cast: Cast) -> None:
    account = export_user(cast.school_a1)
    make_student(cast.school_a1, "An")
    job = ExportJob.objects.create(
        unit=cast.school_a1, domain="students", account=account, source="students", file_format="xlsx", title="HS"
    )
    account.functions.filter(function=Function.EXPORT).delete()
    assert exports.run_job(job.pk) == ExportState.FAILED
    job.refresh_from_db()
    assert "Xuất dữ liệu" in job.message and not job.file
    assert not AuditEntry.objects.filter(action="export.create").exists()


def test_asking_twice_for_the_same_large_file_makes_one_job(cast: Cast, settings: Any) -> None:
    settings.EXPORT_INLINE_ROWS = 1
    make_student(cast.school_a1, "Một")
    make_student(cast.school_a1, "Hai")
    client = signed_in(cast.school_a1_admin)
    client.get(url("students"))
    client.get(url("students"))  # a double click, before the worker took the first
    client.get(url("students", "csv"))  # another file
    assert ExportJob.objects.count() == 2


def test_purge_deletes_old_files_and_closes_jobs_a_stopped_worker_left(
    cast: Cast, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TASKS = IMMEDIATE
    settings.EXPORT_INLINE_ROWS = 0
    make_student(cast.school_a1, "Một")
    owner = cast.school_a1_admin
    with django_capture_on_commit_callbacks(execute=True):
        signed_in(owner).get(url("students"))
    done = ExportJob.objects.get()
    stored = done.file.name or ""
    assert done.file.storage.exists(stored)
    stalled = ExportJob.objects.create(
        unit=cast.school_a1, domain="staff", account=owner, source="staff", file_format="csv", title="Đội ngũ"
    )
    assert exports.purge() == {"files": 0, "stalled": 0}  # nothing old yet
    later = timezone.now() + dt.timedelta(days=exports.EXPORT_KEEP_DAYS + 1)
    assert exports.purge(later) == {"files": 1, "stalled": 1}
    done.refresh_from_db()
    stalled.refresh_from_db()
    assert not done.file and not done.file.storage.exists(stored) and "xóa sau 7 ngày" in done.message
    assert stalled.state == ExportState.FAILED and "xuất lại" in stalled.message
    page = signed_in(owner).get(reverse("exchange:exports")).content.decode()
    download = reverse("exchange:export_download", kwargs={"pk": done.pk})
    assert download not in page and 'hx-trigger="every 1s"' not in page
    assert signed_in(owner).get(download).status_code == 410
    assert AuditEntry.objects.filter(action="export.purge").count() == 1


def test_a_long_list_goes_on_to_a_second_sheet(cast: Cast, monkeypatch: Any) -> None:
    monkeypatch.setattr(exports, "SHEET_ROWS", 3)
    for number in range(5):
        make_student(cast.school_a1, f"Học sinh {number}")
    book = sheets(signed_in(cast.school_a1_admin).get(url("students")).content)
    assert list(book) == ["Học sinh", "Học sinh (2)", "Thông tin"]
    assert len(book["Học sinh"]) == 4 and len(book["Học sinh (2)"]) == 3  # each with its header
    assert book["Học sinh (2)"][0] == book["Học sinh"][0]


# --- cost ----------------------------------------------------------------------------------------------------------


def _queries(client: Any, target: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(target)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("file_format", exports.FORMATS)
def test_the_number_of_queries_does_not_grow_with_the_rows(cast: Cast, file_format: str) -> None:
    grade1 = make_class(cast.school_a1, "1A", 1)
    policy = list(items_of("doi_tuong_chinh_sach")[:1])

    def grow(n: int) -> None:
        for number in range(n):
            learner = make_student(
                cast.school_a1, f"Thêm {number}", school_class=grade1, ethnicity=item("dan_toc", "01")
            )
            learner.policy_groups.add(*policy)
            Guardian.objects.create(student=learner, relation="father", full_name=f"Cha {number}")
            make_staff(cast.school_a1, f"Cán bộ {number}", position=item("chuc_vu", "GV"))

    client = signed_in(cast.school_a1_admin)
    client.get("/")  # warm the session
    grow(10)
    small = {source: _queries(client, url(source, file_format)) for source in ("students", "staff", "classes")}
    grow(50)
    large = {source: _queries(client, url(source, file_format)) for source in ("students", "staff", "classes")}
    assert large == small, f"{small} queries with 10 rows, {large} with 60"
