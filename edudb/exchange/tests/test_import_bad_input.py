"""Every bad input the issue lists, through the whole import (upload → check → commit attempt): a clear Vietnamese
message, and the database exactly as before — no learner, no code claim, no event, no commit audit entry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from conftest import Cast
from edudb.core.models import AuditEntry
from edudb.exchange import services
from edudb.exchange.models import ImportJob, ImportMode, ImportProblem, ImportState
from edudb.exchange.tests import files
from edudb.registry.models import Guardian, IssuedCode, SchoolClass, Student, StudentEvent
from edudb.reporting.models import SchoolYear


@pytest.fixture(autouse=True)
def _immediate_tasks(settings: Any, tmp_path: Path) -> None:
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def classes(cast: Cast) -> None:
    year = SchoolYear.objects.get(is_current=True)
    for name in ("6A1", "6A2", "7A1"):
        SchoolClass.objects.create(unit=cast.school_a2, school_year=year, name=name, grade=int(name[0]))


def good(path: Path) -> Path:
    return files.write_xlsx(path, [files.STUDENT_HEADERS, *files.student_rows(3)])


def state() -> tuple[int, ...]:
    return (
        Student.objects.count(),
        IssuedCode.objects.count(),
        StudentEvent.objects.count(),
        Guardian.objects.count(),
        AuditEntry.objects.filter(action="import.commit").count(),
    )


def upload(cast: Cast, path: Path, name: str | None = None) -> ImportJob:
    content = SimpleUploadedFile(name or path.name, path.read_bytes())
    with TestCase.captureOnCommitCallbacks(execute=True):
        job = services.start_import(by=cast.school_a2_admin, unit=cast.school_a2, layout="students", upload=content)
    job.refresh_from_db()
    return job


def try_commit(cast: Cast, job: ImportJob) -> None:
    """Whatever the check found, asking to write must not write anything."""
    for mode in (ImportMode.ALL_OR_NOTHING, ImportMode.VALID_ONLY):
        try:
            with TestCase.captureOnCommitCallbacks(execute=True):
                services.request_commit(job, by=cast.school_a2_admin, mode=mode)
        except ValidationError:  # refused: that is the point
            continue
        job.refresh_from_db()


FileMaker = Callable[[Path], Path]

# (what, how to make the file, its upload name, words the message must hold)
REFUSED_FILES: list[tuple[str, FileMaker, str, tuple[str, ...]]] = [
    ("zip bomb", lambda d: files.zip_bomb(d / "bomb.xlsx", size=1 << 30), "bomb.xlsx", ("giải nén",)),
    ("lying zip bomb", lambda d: files.lying_zip_bomb(d / "bomb.xlsx", size=64 << 20), "bomb.xlsx", ("an toàn",)),
    ("exe renamed", lambda d: files.exe_file(d / "x.exe"), "danh-sach.xlsx", ("không phải",)),
    ("corrupt", lambda d: files.truncated(good(d / "g.xlsx"), d / "c.xlsx"), "c.xlsx", ("hỏng",)),
    ("password", lambda d: files.encrypted_xlsx(good(d / "g.xlsx"), d / "p.xlsx"), "p.xlsx", ("mật khẩu",)),
    ("macro", lambda d: files.macro_xlsx(good(d / "g.xlsx"), d / "m.xlsx"), "m.xlsx", ("macro",)),
    ("external entities", lambda d: files.doctype_xlsx(good(d / "g.xlsx"), d / "x.xlsx"), "x.xlsx", ("DOCTYPE",)),
    (
        "wrong template",
        lambda d: files.write_xlsx(d / "gv.xlsx", [files.STAFF_HEADERS, *files.staff_rows(3)]),
        "gv.xlsx",
        ("Đội ngũ",),
    ),
    (
        "1,048,576 empty formatted rows",
        lambda d: files.empty_rows_xlsx(d / "e.xlsx", files.STUDENT_HEADERS),
        "e.xlsx",
        ("Không có dòng dữ liệu",),
    ),
]


@pytest.mark.parametrize(("what", "make", "name", "words"), REFUSED_FILES, ids=[case[0] for case in REFUSED_FILES])
def test_a_refused_file_writes_nothing(
    cast: Cast, classes: None, tmp_path: Path, what: str, make: FileMaker, name: str, words: tuple[str, ...]
) -> None:
    before = state()
    job = upload(cast, make(tmp_path), name)
    assert job.state == ImportState.FAILED, (what, job.state, job.message)
    for word in words:
        assert word.lower() in job.message.lower(), (what, job.message)
    try_commit(cast, job)
    assert state() == before


def test_a_file_over_the_size_limit_is_refused_at_upload(cast: Cast, tmp_path: Path, settings: Any) -> None:
    settings.EDUDB_IMPORT_MAX_BYTES = 1024
    before = state()
    path = good(tmp_path / "lon.xlsx")
    with pytest.raises(Exception, match="quá giới hạn"):
        upload(cast, path)
    assert ImportJob.objects.count() == 0 and state() == before


def _rows_problem(cast: Cast, tmp_path: Path, rows: list[list[object]], **options: Any) -> ImportJob:
    path = files.write_xlsx(tmp_path / "hs.xlsx", rows, **options)
    return upload(cast, path)


def test_merged_header_cells_are_read(cast: Cast, classes: None, tmp_path: Path) -> None:
    """Two header rows, "Thông tin cha/mẹ" merged over their sub headers: the columns are found, nothing lost."""
    headers: list[object] = [
        "Mã định danh học sinh",
        "Họ và tên",
        "Ngày sinh",
        "Giới tính",
        "Lớp",
        "Họ tên",
        "Năm sinh",
    ]
    group: list[object] = [None, None, None, None, None, "Thông tin cha", None]
    row: list[object] = [
        "3100000011",
        "Hà Minh Phúc",
        dt.date(SchoolYear.objects.get(is_current=True).start_year - 11, 5, 5),
    ]
    job = _rows_problem(
        cast,
        tmp_path,
        [group, headers, [*row, "Nam", "6A1", "Hà Văn Tâm", "1985"]],
        merges=[("F1:G1", "Thông tin cha")],
    )
    assert job.state == ImportState.READY, job.message
    assert {field for _h, field, *_rest in job.columns} >= {"father_name", "father_birth_year"}
    assert job.rows_new == 1 and job.rows_rejected == 0


def test_formulas_without_values_are_rejected_with_the_fix(cast: Cast, classes: None, tmp_path: Path) -> None:
    before = state()
    path = files.raw_xlsx(
        tmp_path / "f.xlsx",
        files.rows_xml([["Mã định danh học sinh", "Họ và tên", "Ngày sinh", "Giới tính", "Lớp"]])
        + files.rows_xml([["3100000012", ('=CONCATENATE("Hà"," An")', None), "05/05/2014", "Nam", "6A1"]], first_row=2),
    )
    job = upload(cast, path)
    assert job.rows_rejected == 1, (job.state, job.message)
    problem = ImportProblem.objects.get(job=job, severity=ImportProblem.Severity.ERROR, field="full_name")
    assert "công thức" in problem.message and "Dán" in problem.message
    try_commit(cast, job)
    assert state() == before


def test_formulas_with_cached_values_give_their_values(cast: Cast, classes: None, tmp_path: Path) -> None:
    born = dt.date(SchoolYear.objects.get(is_current=True).start_year - 11, 5, 5)
    rows: list[list[object]] = [
        ["Mã định danh học sinh", "Họ và tên", "Ngày sinh", "Giới tính", "Lớp"],
        ["3100000013", None, born, "Nam", "6A1"],
    ]
    job = _rows_problem(cast, tmp_path, rows, formulas={"B2": ('=CONCATENATE("Hà"," An")', "Hà An")})
    assert (job.rows_new, job.rows_rejected) == (1, 0), [p.message for p in job.problems.all()]


def test_a_row_out_of_scope_and_a_personal_id_twice_write_nothing(cast: Cast, classes: None, tmp_path: Path) -> None:
    before = state()
    born = dt.date(SchoolYear.objects.get(is_current=True).start_year - 11, 5, 5)
    headers: list[object] = ["Mã trường", "Họ và tên", "Ngày sinh", "Giới tính", "Lớp", "Số định danh cá nhân"]
    rows: list[list[object]] = [
        headers,
        [cast.school_a2.code, "Vũ An", born, "Nam", "6A1", "031214000001"],
        [cast.school_a2.code, "Vũ Bình", born, "Nam", "6A1", "031214000001"],
        [cast.school_b1.code, "Vũ Chi", born, "Nữ", "6A1", ""],
    ]
    job = _rows_problem(cast, tmp_path, rows)
    assert job.rows_rejected == 3 and job.rows_new == 0
    messages = " ".join(job.problems.filter(severity="error").values_list("message", flat=True))
    assert "dòng 2 và dòng 3" in messages and "phạm vi" in messages
    try_commit(cast, job)
    assert state() == before
