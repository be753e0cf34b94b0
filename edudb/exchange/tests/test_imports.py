"""The import pipeline end to end: upload → check (preview) → commit, on the cast's schools."""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import io
import logging
from collections.abc import Sequence
from typing import Any

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from python_calamine import CalamineWorkbook

from conftest import Cast
from edudb.core.models import AuditEntry
from edudb.core.tests.clients import signed_in
from edudb.exchange import pipeline, services
from edudb.exchange.models import ImportChange, ImportJob, ImportMode, ImportProblem, ImportState
from edudb.exchange.report import build_report
from edudb.exchange.tests import files
from edudb.quality.models import items_of
from edudb.registry.models import Guardian, IssuedCode, SchoolClass, StaffMember, Student, StudentEvent
from edudb.reporting.models import SchoolYear

HEADERS = [
    "Mã định danh học sinh",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Dân tộc",
    "Lớp",
    "Số định danh cá nhân",
    "Họ tên mẹ",
    "Điện thoại mẹ",
]


@pytest.fixture(autouse=True)
def _immediate_tasks(settings: Any, tmp_path: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = str(tmp_path / "media")


def year() -> SchoolYear:
    return SchoolYear.objects.get(is_current=True)


def born(grade: int) -> str:
    return f"15/03/{year().start_year - grade - 5}"


def xlsx(
    rows: Sequence[Sequence[Any]],
    headers: Sequence[str] = HEADERS,
    above: Sequence[Sequence[Any]] = (),
    fonts: dict[tuple[int, int], str] | None = None,
) -> bytes:
    """The rows under ``headers`` (``fonts``: (data row, column) → the font of that cell, 0-based)."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    formats = {font: workbook.add_format({"font_name": font}) for font in set((fonts or {}).values())}
    sheet = workbook.add_worksheet("Dữ liệu")
    r = 0
    for line in above:
        sheet.write_row(r, 0, line)
        r += 1
    sheet.write_row(r, 0, headers)
    for number, row in enumerate(rows):
        r += 1
        for c, value in enumerate(row):
            cell_format = formats.get((fonts or {}).get((number, c), ""))
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                sheet.write_number(r, c, value, cell_format)
            elif value not in (None, ""):
                sheet.write_string(r, c, str(value), cell_format)
    workbook.close()
    return buffer.getvalue()


def upload(content: bytes, name: str = "hoc-sinh.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def run(
    cast: Cast,
    content: bytes,
    *,
    account: str = "school_a1_user",
    unit: str = "school_a1",
    layout: str = "students",
    name: str = "hoc-sinh.xlsx",
) -> ImportJob:
    with TestCase.captureOnCommitCallbacks(execute=True):  # the queued check runs (immediate task backend)
        job = services.start_import(
            by=cast.accounts[account], unit=cast.units[unit], layout=layout, upload=upload(content, name)
        )
    job.refresh_from_db()
    return job


def commit(
    cast: Cast, job: ImportJob, mode: str = ImportMode.ALL_OR_NOTHING, account: str = "school_a1_user"
) -> ImportJob:
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.request_commit(job, by=cast.accounts[account], mode=mode)
    job.refresh_from_db()
    return job


def errors(job: ImportJob) -> list[ImportProblem]:
    return list(ImportProblem.objects.filter(job=job, severity=ImportProblem.Severity.ERROR).order_by("row", "pk"))


@pytest.fixture
def class_1a(cast: Cast) -> SchoolClass:
    return SchoolClass.objects.create(unit=cast.school_a1, school_year=year(), name="1A", grade=1)


def good_rows() -> list[list[Any]]:
    return [
        ["", "nguyễn  văn AN", born(1), "Nam", "Kinh", "1a", "031215001234", "trần thị bích", "0912345678"],
        ["3100012345", "Lê Thị Hoa", born(1), "nữ", "kinh", "1A", "", "", ""],
        ["", "Phạm Minh Đức", born(1), "1", "01", "1 A", "", "Vũ Thị Lan", "+84 98 765 4321"],
    ]


def test_preview_counts_normalisations_and_commit(cast: Cast, class_1a: SchoolClass) -> None:
    content = xlsx(good_rows())
    job = run(cast, content)
    assert job.state == ImportState.READY, job.message
    assert (job.rows_total, job.rows_new, job.rows_changed, job.rows_rejected) == (3, 3, 0, 0)
    assert Student.objects.count() == 0  # the preview writes nothing
    notices = ImportProblem.objects.filter(job=job, severity=ImportProblem.Severity.NORMALISED)
    assert notices.filter(value="nguyễn  văn AN", after="Nguyễn Văn An").exists()
    assert notices.filter(value="+84 98 765 4321", after="0987654321").exists()

    job = commit(cast, job)
    assert job.state == ImportState.DONE, job.message
    an = Student.objects.get(full_name="Nguyễn Văn An")
    assert an.school_class == class_1a and an.unit == cast.school_a1
    assert an.temporary_code and an.temporary_code.startswith("TMP-") and an.ministry_code is None
    assert an.personal_id == "031215001234"
    assert an.status.code == "01" and an.nationality and an.nationality.code == "VN"
    assert Guardian.objects.get(student=an).full_name == "Trần Thị Bích"
    hoa = Student.objects.get(ministry_code="3100012345")
    assert hoa.gender.code == "2"
    assert IssuedCode.objects.filter(code="3100012345").exists()
    assert IssuedCode.objects.filter(code=an.temporary_code).exists()
    assert StudentEvent.objects.filter(kind="enrolled").count() == 3
    entries = AuditEntry.objects.filter(action="import.commit")
    assert entries.count() == 1
    assert entries.get().extra["file_sha256"] == hashlib.sha256(content).hexdigest() == job.file_sha256
    assert ImportChange.objects.filter(job=job).count() == 3
    change = ImportChange.objects.get(job=job, object_id=an.pk)
    assert (change.action, change.row, change.object_type) == ("new", 2, "registry.student")


def test_each_notice_says_why_and_the_collector_is_left_as_it_was(
    cast: Cast, class_1a: SchoolClass, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A block is worked on with the garbage collector held off: it is on again after, or off if it was.
    collector_on: list[bool] = []
    stage_row = pipeline._stage_row

    def staged(row: Any) -> Any:
        collector_on.append(gc.isenabled())
        return stage_row(row)

    monkeypatch.setattr(pipeline, "_stage_row", staged)
    assert gc.isenabled()
    job = run(cast, xlsx(good_rows() * 2))
    assert gc.isenabled()
    assert collector_on == [False] * 6  # held off while the block's rows were staged
    notices = ImportProblem.objects.filter(job=job, severity=ImportProblem.Severity.NORMALISED)
    phones = notices.filter(value="+84 98 765 4321").order_by("row")
    assert [(notice.row, notice.after, notice.message) for notice in phones] == [
        (row, "0987654321", "chỉ giữ chữ số; bỏ mã nước +84") for row in (4, 7)
    ]
    names = notices.filter(field="full_name").order_by("row")
    assert [(notice.row, notice.message) for notice in names] == [
        (row, "bỏ dấu cách thừa; viết hoa chữ cái đầu") for row in (2, 5)
    ]
    gc.disable()
    try:
        run(cast, xlsx(good_rows()))
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.parametrize("suffix", ["xlsx", "xls"])
def test_text_typed_in_a_legacy_font_is_converted_by_its_font(
    cast: Cast, class_1a: SchoolClass, suffix: str, tmp_path: Any
) -> None:
    # "Vò Lan" is TCVN3 for "Vũ Lan", "Phan Thò An" VNI for "Phan Thị An": without the font both stay as they are,
    # since either reading is Vietnamese ("vò", "thò"); the cell's font settles it.
    rows = [
        ["", "Vò Lan", born(1), "Nam", "Kinh", "1A", "", "Phan Thò An", ""],
        ["", "Vò Lan", born(1), "Nữ", "Kinh", "1A", "", "Phan Thò An", ""],  # the same text in a Unicode font
    ]
    fonts = {(0, 1): ".VnTime", (0, 7): "VNI-Times", (1, 1): "Times New Roman", (1, 7): "Arial"}
    if suffix == "xlsx":
        content = xlsx(rows, fonts=fonts)
    else:  # the header is row 0 of the .xls
        xls_fonts = {(row + 1, col): font for (row, col), font in fonts.items()}
        content = files.write_xls(tmp_path / "cu.xls", [HEADERS, *rows], fonts=xls_fonts).read_bytes()
    job = commit(cast, run(cast, content, name=f"hoc-sinh.{suffix}"))
    assert job.state == ImportState.DONE, job.message
    stored = Student.objects.filter(unit=cast.school_a1).order_by("gender").values_list("full_name", flat=True)
    assert sorted(stored) == ["Vò Lan", "Vũ Lan"]
    assert set(Guardian.objects.values_list("full_name", flat=True)) == {"Phan Thị An", "Phan Thò An"}
    notices = ImportProblem.objects.filter(job=job, severity=ImportProblem.Severity.NORMALISED).order_by(
        "row", "column_index"
    )
    assert [(notice.row, notice.value, notice.after, notice.message) for notice in notices] == [
        (2, "Vò Lan", "Vũ Lan", "chuyển từ phông TCVN3 (.VnTime) sang Unicode"),
        (2, "Phan Thò An", "Phan Thị An", "chuyển từ phông VNI sang Unicode"),
    ]


def test_preview_and_commit_log_where_their_time_went(
    cast: Cast, class_1a: SchoolClass, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="edudb.exchange.pipeline"):
        job = commit(cast, run(cast, xlsx(good_rows())))
    assert job.state == ImportState.DONE, job.message
    logged = {
        record.__dict__["what"]: record.__dict__["phases"] for record in caplog.records if hasattr(record, "phases")
    }
    assert list(logged) == ["preview", "commit"]
    assert {"inspect", "open", "read", "normalise", "build", "match", "check", "stage"} <= set(logged["preview"])
    assert {"load", "write", "history", "audit", "transaction_commit"} <= set(logged["commit"])
    assert all(seconds >= 0 for phases in logged.values() for seconds in phases.values())
    assert f"import {job.pk}, commit: " in caplog.text


def test_the_same_file_twice_changes_nothing(cast: Cast, class_1a: SchoolClass) -> None:
    content = xlsx(good_rows())
    commit(cast, run(cast, content))
    before = list(Student.objects.order_by("pk").values_list("pk", "version", "temporary_code"))
    again = run(cast, content)
    assert (again.rows_new, again.rows_changed, again.rows_unchanged, again.rows_rejected) == (0, 0, 3, 0)
    with pytest.raises(Exception, match="Không có gì để ghi"):
        services.request_commit(again, by=cast.school_a1_user, mode=ImportMode.ALL_OR_NOTHING)
    assert list(Student.objects.order_by("pk").values_list("pk", "version", "temporary_code")) == before


def test_a_changed_cell_updates_the_record_it_matches(cast: Cast, class_1a: SchoolClass) -> None:
    commit(cast, run(cast, xlsx(good_rows())))
    changed = [list(row) for row in good_rows()]
    changed[1][4] = "Tày"  # Lê Thị Hoa, matched by her Ministry code
    changed[1][6] = "031220005555"  # … who had no personal ID yet
    changed[0][8] = "0987000111"  # Nguyễn Văn An's mother's phone, matched by the personal ID
    job = run(cast, xlsx(changed))
    assert (job.rows_new, job.rows_changed, job.rows_unchanged) == (0, 2, 1)
    job = commit(cast, job)
    hoa = Student.objects.get(ministry_code="3100012345")
    assert hoa.ethnicity and hoa.ethnicity.name == "Tày" and hoa.version == 2
    assert Guardian.objects.get(student__full_name="Nguyễn Văn An").phone == "0987000111"
    assert hoa.personal_id == "031220005555"
    change = ImportChange.objects.get(job=job, object_id=hoa.pk)
    assert sorted(change.changes) == ["ethnicity", "personal_id"]
    assert change.changes["personal_id"] == [None, "•••"]  # never in clear in the change log
    page = signed_in(cast.school_a1_admin).get(reverse("registry:student_detail", args=[hoa.pk])).content.decode()
    assert "Nhập từ tệp hoc-sinh.xlsx, dòng 3" in page  # the record's history shows the import


def test_all_or_nothing_refuses_while_a_row_is_rejected(cast: Cast, class_1a: SchoolClass) -> None:
    rows = [*good_rows(), ["", "Ngô Bảo", "31/02/2018", "Nam", "Kinh", "1A", "", "", ""]]
    job = run(cast, xlsx(rows))
    assert (job.rows_new, job.rows_rejected) == (3, 1)
    problem = errors(job)[0]
    assert (problem.row, problem.column, problem.value) == (5, "Ngày sinh", "31/02/2018")
    with pytest.raises(Exception, match="1 dòng bị từ chối"):
        services.request_commit(job, by=cast.school_a1_user, mode=ImportMode.ALL_OR_NOTHING)
    assert Student.objects.count() == 0
    job = commit(cast, job, ImportMode.VALID_ONLY)
    assert job.state == ImportState.DONE and Student.objects.count() == 3


def test_a_row_for_a_school_out_of_scope_is_rejected_not_written(cast: Cast) -> None:
    SchoolClass.objects.create(unit=cast.school_a1, school_year=year(), name="1A", grade=1)
    headers = ["Mã trường", *HEADERS]
    rows = [
        [cast.school_a1.code, "", "Đỗ Văn Nam", born(1), "Nam", "Kinh", "1A", "", "", ""],
        [cast.school_b1.code, "", "Mai Thị Thu", born(1), "Nữ", "Kinh", "1A", "", "", ""],
    ]
    job = run(cast, xlsx(rows, headers))
    assert (job.rows_new, job.rows_rejected) == (1, 1)
    assert "phạm vi" in errors(job)[0].message and errors(job)[0].column == "Mã trường"
    commit(cast, job, ImportMode.VALID_ONLY)
    assert list(Student.objects.values_list("unit__code", flat=True)) == [cast.school_a1.code]


def test_the_same_personal_id_twice_rejects_both_rows(cast: Cast, class_1a: SchoolClass) -> None:
    rows = [
        ["", "Đỗ Văn Nam", born(1), "Nam", "Kinh", "1A", "031215009999", "", ""],
        ["", "Đỗ Văn Bắc", born(1), "Nam", "Kinh", "1A", "031215009999", "", ""],
    ]
    job = run(cast, xlsx(rows))
    assert job.rows_rejected == 2 and job.rows_new == 0
    assert {p.row for p in errors(job)} == {2, 3}
    assert "dòng 2 và dòng 3" in errors(job)[-1].message
    with pytest.raises(Exception, match="dòng bị từ chối"):
        services.request_commit(job, by=cast.school_a1_user, mode=ImportMode.ALL_OR_NOTHING)
    assert Student.objects.count() == 0


def test_rows_found_wrong_late_cost_no_query_each(cast: Cast, class_1a: SchoolClass) -> None:
    """The first row of each repeated personal ID is rejected after its block was staged: in one go, not per row."""

    def rows(pairs: int) -> list[list[Any]]:
        return [
            ["", f"Đỗ Văn {name} {chr(65 + i)}", born(1), "Nam", "Kinh", "1A", f"03121500{pairs:02d}{i:02d}", "", ""]
            for i in range(pairs)
            for name in ("Nam", "Bắc")
        ]

    counts = []
    for pairs in (2, 12):
        job = services.start_import(
            by=cast.school_a1_user,
            unit=cast.school_a1,
            layout="students",
            upload=upload(xlsx(rows(pairs))),
            queue=False,
        )
        job.state = ImportState.READING
        job.save()
        with CaptureQueriesContext(connection) as queries:
            job = pipeline.preview(job, user=cast.school_a1_user)
        assert (job.rows_rejected, job.rows_new) == (2 * pairs, 0)
        assert {p.row for p in errors(job)} == set(range(2, 2 + 2 * pairs))
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_a_personal_id_held_elsewhere_is_refused_without_saying_whose(cast: Cast, class_1a: SchoolClass) -> None:
    other = Student.objects.create(
        unit=cast.school_b1,
        full_name="Cao Thị Mơ",
        birth_date=dt.date(2018, 1, 1),
        temporary_code="TMP-B0000001",
        gender=items_of("gioi_tinh").get(code="2"),
        status=items_of("trang_thai_hoc_sinh").get(code="01"),
        personal_id="031215007777",
    )
    job = run(cast, xlsx([["", "Đỗ Văn Nam", born(1), "Nam", "Kinh", "1A", "031215007777", "", ""]]))
    assert job.rows_rejected == 1
    message = errors(job)[0].message
    assert "định danh" in message and other.full_name not in message and cast.school_b1.name not in message


def test_the_ministry_file_layout_is_matched_by_header_text(cast: Cast, class_1a: SchoolClass) -> None:
    """Title rows above, other header spellings, another column order, NFD text and a column we do not keep."""
    import unicodedata

    headers = [
        "STT",
        "Lớp",
        unicodedata.normalize("NFD", "HỌ TÊN"),
        "NGÀY SINH\n(dd/mm/yyyy)",
        "Giới tính",
        "Mã học sinh",
        "Số ĐDCN",
        "Ghi chú",
    ]
    above = [["DANH SÁCH HỌC SINH"], ["Trường Tiểu học Lê Văn Tám"]]
    rows = [[1, "1A", "Vũ Hải Đăng", born(1), "Nam", 3100054321.0, 31215004321.0, "x"]]
    job = run(cast, xlsx(rows, headers, above))
    assert job.state == ImportState.READY, job.message
    assert job.header_row == 3 and job.rows_new == 1, [p.message for p in errors(job)]
    assert "Ghi chú" in job.ignored_headers
    commit(cast, job)
    student = Student.objects.get()
    assert (student.ministry_code, student.personal_id) == ("3100054321", "031215004321")  # Excel's numbers repaired


def test_a_record_changed_after_the_preview_stops_the_commit(cast: Cast, class_1a: SchoolClass) -> None:
    commit(cast, run(cast, xlsx(good_rows())))
    changed = [list(row) for row in good_rows()]
    changed[1][4] = "Tày"
    job = run(cast, xlsx(changed))
    Student.objects.filter(ministry_code="3100012345").update(version=9)  # someone saved it meanwhile
    job = commit(cast, job)
    assert job.state == ImportState.READY and "Kiểm tra lại" in job.message
    assert Student.objects.get(ministry_code="3100012345").ethnicity.code == "01"


def test_a_code_of_another_schools_student_is_refused(cast: Cast, class_1a: SchoolClass) -> None:
    Student.objects.create(
        unit=cast.school_b1,
        full_name="Cao Thị Mơ",
        birth_date=dt.date(2018, 1, 1),
        ministry_code="3100099999",
        gender=items_of("gioi_tinh").get(code="2"),
        status=items_of("trang_thai_hoc_sinh").get(code="01"),
    )
    job = run(cast, xlsx([["3100099999", "Cao Thị Mơ", born(1), "Nữ", "Kinh", "1A", "", "", ""]]))
    assert job.rows_rejected == 1 and "chuyển trường" in errors(job)[0].message


def test_wrong_codes_and_unknown_class_name_the_fix(cast: Cast, class_1a: SchoolClass) -> None:
    job = run(cast, xlsx([["", "Hà Văn Tư", born(1), "Không rõ", "Kinh", "9Z", "", "", ""]]))
    messages = {p.column: p.message for p in errors(job)}
    assert "Giới tính" in messages and "Lớp" in messages
    assert "9Z" in messages["Lớp"] and "tạo lớp" in messages["Lớp"]


def test_queries_do_not_grow_with_rows(cast: Cast, class_1a: SchoolClass) -> None:
    def rows(n: int) -> list[list[Any]]:
        return [
            [
                "",
                f"Học Sinh {'Mười' if n == 10 else 'Sáu'} {chr(65 + i % 26)}{chr(65 + i // 26)}",
                born(1),
                "Nam",
                "Kinh",
                "1A",
                f"0312150{i + n * 100:05d}",
                "Trần Thị Mẹ",
                "0912345678",
            ]
            for i in range(n)
        ]

    counts = []
    for n in (10, 60):
        job = services.start_import(
            by=cast.school_a1_user, unit=cast.school_a1, layout="students", upload=upload(xlsx(rows(n))), queue=False
        )
        job.state = ImportState.READING
        job.save()
        with CaptureQueriesContext(connection) as preview_queries:
            job = pipeline.preview(job, user=cast.school_a1_user)
        services.request_commit(job, by=cast.school_a1_user, mode=ImportMode.ALL_OR_NOTHING, queue=False)
        with CaptureQueriesContext(connection) as commit_queries:
            job = pipeline.commit(job, user=cast.school_a1_user)
        assert job.state == ImportState.DONE, job.message
        counts.append((len(preview_queries), len(commit_queries)))
    assert counts[0] == counts[1], counts


def test_staff_import(cast: Cast) -> None:
    headers = ["Mã cán bộ", "Họ và tên", "Ngày sinh", "Giới tính", "Loại cán bộ", "Điện thoại", "Email"]
    staff_type = items_of("loai_can_bo").first()
    assert staff_type is not None
    rows = [["gv001", "trần thị bình", "12/03/1985", "Nữ", staff_type.name, "0912 345 678", "binh@example.edu.vn"]]
    job = run(cast, xlsx(rows, headers), account="office_tccb_user", unit="so", layout="staff")
    assert job.state == ImportState.READY and job.rows_new == 1, [p.message for p in errors(job)] or job.message
    commit(cast, job, account="office_tccb_user")
    member = StaffMember.objects.get()
    assert (member.ministry_code, member.full_name, member.phone) == ("GV001", "Trần Thị Bình", "0912345678")
    assert member.work_status.code == "01"


def test_a_school_may_not_import_staff_without_the_function(cast: Cast) -> None:
    with pytest.raises(Exception, match="không được giao"):
        run(cast, xlsx([], ["Họ và tên"]), layout="staff")


def test_class_import_is_idempotent(cast: Cast) -> None:
    headers = ["Tên lớp", "Khối lớp", "Học 2 buổi/ngày", "Sĩ số tối đa"]
    content = xlsx([["1A", "1", "x", "35"], ["1B", 1.0, "", ""]], headers)
    job = run(cast, content, account="school_a1_admin", layout="classes")
    assert job.rows_new == 2, [p.message for p in errors(job)] or job.message
    commit(cast, job, account="school_a1_admin")
    assert SchoolClass.objects.get(name="1A").two_sessions is True
    again = run(cast, content, account="school_a1_admin", layout="classes")
    assert (again.rows_new, again.rows_changed, again.rows_unchanged) == (0, 0, 2)


def test_pages_upload_progress_preview_commit_and_report(cast: Cast, class_1a: SchoolClass) -> None:
    client = signed_in(cast.school_a1_user)
    rows = [*good_rows(), ["", "<script>x</script>", "31/02/2018", "Nam", "Kinh", "1A", "", "", ""]]
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            reverse("exchange:imports"),
            {"layout": "students", "unit": cast.school_a1.pk, "mode": "all", "file": upload(xlsx(rows))},
        )
    assert response.status_code == 302
    job = ImportJob.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "Bị từ chối" in page and "31/02/2018" in page and "<script>x</script>" not in page
    report = client.get(reverse("exchange:import_report", args=[job.pk]))
    assert report.status_code == 200
    sheets = CalamineWorkbook.from_filelike(io.BytesIO(report.content))
    rows_sheet = sheets.get_sheet_by_index(0).to_python()
    assert rows_sheet[1][0] == 5 and "31/02/2018" in rows_sheet[1]
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(reverse("exchange:import_commit", args=[job.pk]), {"mode": "valid"})
    assert Student.objects.count() == 3
    job.refresh_from_db()
    assert job.state == ImportState.DONE
    other = signed_in(cast.school_b1_user)
    assert other.get(reverse("exchange:import_detail", args=[job.pk])).status_code == 404
    assert other.get(reverse("exchange:import_report", args=[job.pk])).status_code == 404


def test_report_highlights_the_problem_cells(cast: Cast, class_1a: SchoolClass) -> None:
    job = run(cast, xlsx([["", "Ngô Bảo", "31/02/2018", "Nam", "Kinh", "1A", "", "", ""]]))
    content = build_report(job)
    import zipfile

    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = archive.namelist()
        assert any(name.startswith("xl/comments") for name in names)
        comments = next(archive.read(n).decode() for n in names if n.startswith("xl/comments"))
    assert "Ngày sinh" in comments or "ngày" in comments.lower()


def test_management_command_checks_and_commits(cast: Cast, class_1a: SchoolClass, tmp_path: Any) -> None:
    path = tmp_path / "hoc-sinh.xlsx"
    path.write_bytes(xlsx(good_rows()))
    out = io.StringIO()
    call_command(
        "import_excel", str(path), layout="students", unit=cast.school_a1.code, username="school.a1.user", stdout=out
    )
    assert "3 mới" in out.getvalue() and Student.objects.count() == 0
    call_command(
        "import_excel",
        str(path),
        layout="students",
        unit=cast.school_a1.code,
        username="school.a1.user",
        commit=True,
        stdout=out,
    )
    assert Student.objects.count() == 3 and "Đã ghi 3 bản ghi" in out.getvalue()


def test_a_masked_personal_id_from_an_export_leaves_the_stored_one(cast: Cast, class_1a: SchoolClass) -> None:
    commit(cast, run(cast, xlsx(good_rows())))
    rows = [list(row) for row in good_rows()]
    rows[0][6] = "•••••••••234"  # as our own export shows it to an account without the reveal function
    job = run(cast, xlsx(rows))
    assert (job.rows_unchanged, job.rows_rejected) == (3, 0)
    assert Student.objects.get(full_name="Nguyễn Văn An").personal_id == "031215001234"


def test_namesakes_with_other_codes_are_other_children(cast: Cast, class_1a: SchoolClass) -> None:
    """Two pupils of the school share a name and a birth date; a row with a third code is a third child, and a row
    without any code cannot tell which of the two it is."""
    girl, studying = items_of("gioi_tinh").get(code="2"), items_of("trang_thai_hoc_sinh").get(code="01")
    day = dt.date(year().start_year - 6, 3, 15)
    for code in ("3100000101", "3100000102"):
        Student.objects.create(
            unit=cast.school_a1, full_name="Vũ Minh Linh", birth_date=day, ministry_code=code, gender=girl,
            status=studying,
        )  # fmt: skip
    rows = [
        ["3100000103", "Vũ Minh Linh", born(1), "Nữ", "Kinh", "1A", "", "", ""],
        ["", "Vũ Minh Linh", born(1), "Nữ", "Kinh", "1A", "", "", ""],
    ]
    job = run(cast, xlsx(rows))
    assert (job.rows_new, job.rows_rejected) == (1, 1)
    assert "2 người cùng họ tên" in errors(job)[0].message and errors(job)[0].row == 3


def test_warnings_of_the_rules_are_listed_and_the_row_still_written(cast: Cast, class_1a: SchoolClass) -> None:
    """The personal ID of the first row says 2015, the row says the child was born in 2020: the Sở made that rule a
    warning, so the row is listed with it and written."""
    job = run(cast, xlsx(good_rows()))
    warning = ImportProblem.objects.get(job=job, severity=ImportProblem.Severity.WARNING, row=2)
    assert warning.column == "Số định danh cá nhân" and "năm sinh" in warning.message
    assert job.rows_new == 3 and job.rows_rejected == 0
    page = signed_in(cast.school_a1_user).get(reverse("exchange:import_detail", args=[job.pk]) + "?show=warning")
    assert "Cảnh báo" in page.content.decode() and warning.message in page.content.decode()
