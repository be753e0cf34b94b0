"""Imports of learning results, facilities (rooms by kind) and school profiles, end to end on the cast's schools:
upload → check (preview) → commit, the same file twice, scope, the pages' own rules, and the number of queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from itertools import count
from typing import Any

import pytest
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import Cast
from edudb.core.tests.clients import signed_in
from edudb.core.tests.factories import UnitFactory
from edudb.exchange import pipeline, services
from edudb.exchange.layouts import LAYOUTS
from edudb.exchange.models import ImportChange, ImportJob, ImportMode, ImportState
from edudb.exchange.tests.test_imports import commit, errors, run, upload, xlsx
from edudb.quality.models import CodeItem, items_of
from edudb.registry.forms_facilities import area_range
from edudb.registry.models import (
    LearningResult,
    RoomStock,
    SchoolClass,
    SchoolProfile,
    Site,
    Student,
    StudentEvent,
    StudentEventKind,
)
from edudb.reporting.models import SchoolYear

pytestmark = pytest.mark.django_db
_codes = count(1)


@pytest.fixture(autouse=True)
def _immediate_tasks(settings: Any, tmp_path: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = str(tmp_path / "media")


def year() -> SchoolYear:
    return SchoolYear.objects.get(is_current=True)


def item(list_code: str, code: str) -> CodeItem:
    return items_of(list_code).get(code=code)


def make_student(unit: Any, full_name: str, school_class: SchoolClass | None = None, **fields: Any) -> Student:
    values: dict[str, Any] = {
        "full_name": full_name,
        "birth_date": dt.date(2018, 5, 25),
        "gender": item("gioi_tinh", "1"),
        "status": item("trang_thai_hoc_sinh", "01"),
        "ministry_code": f"31{next(_codes):08d}",
        **fields,
    }
    return Student.objects.create(unit=unit, school_class=school_class, **values)


def messages(job: ImportJob) -> dict[tuple[int, str], str]:
    return {(problem.row, problem.column): problem.message for problem in errors(job)}


def summary(job: ImportJob) -> tuple[int, int, int, int]:
    return job.rows_new, job.rows_changed, job.rows_unchanged, job.rows_rejected


# --- learning results ----------------------------------------------------------------------------------------------

RESULT_HEADERS = [
    "Mã định danh học sinh",
    "Họ và tên",
    "Lớp",
    "Học kỳ",
    "Kết quả học tập",
    "Kết quả rèn luyện",
    "Danh hiệu",
    "Kết quả cuối năm",
    "Số buổi nghỉ có phép",
    "Số buổi nghỉ không phép",
    "Nhận xét",
]


@pytest.fixture
def class_1a(cast: Cast) -> SchoolClass:
    return SchoolClass.objects.create(unit=cast.school_a1, school_year=year(), name="1A", grade=1)


@pytest.fixture
def pupils(cast: Cast, class_1a: SchoolClass) -> list[Student]:
    return [
        make_student(cast.school_a1, "Nguyễn Văn An", class_1a),
        make_student(cast.school_a1, "Lê Thị Hoa", class_1a, gender=item("gioi_tinh", "2")),
    ]


def result_rows(pupils: Sequence[Student]) -> list[list[Any]]:
    an, hoa = pupils
    return [
        [an.ministry_code, "Nguyễn Văn An", "1A", "HK1", "Hoàn thành tốt", "Tốt", "", "", "2", 0.0, "Chăm ngoan"],
        [hoa.ministry_code, "LE THI HOA", "", "Học kỳ I", "HT", "đạt", "", "", "", "", ""],
        [
            an.ministry_code,
            "Nguyễn  Văn An",
            "1 a",
            "Cả năm",
            "Hoàn thành xuất sắc",
            "Tốt",
            "Học sinh Hoàn thành xuất sắc (tiểu học)",
            "Được lên lớp",
            3.0,
            "0",
            "",
        ],
    ]


def test_results_are_written_and_the_same_file_twice_changes_nothing(
    cast: Cast, class_1a: SchoolClass, pupils: list[Student]
) -> None:
    an, hoa = pupils
    content = xlsx(result_rows(pupils), RESULT_HEADERS)
    job = run(cast, content, layout="results", name="ket-qua.xlsx")
    assert job.state == ImportState.READY, job.message
    assert job.domain == "students"
    assert summary(job) == (3, 0, 0, 0), messages(job)
    assert LearningResult.objects.count() == 0  # the preview writes nothing
    job = commit(cast, job)
    assert job.state == ImportState.DONE, job.message
    first = LearningResult.objects.get(student=an, term=1)
    assert (first.school_year, first.school_class, first.academic.code, first.conduct.code) == (
        year(),
        class_1a,
        "HTT",
        "T",
    )
    assert (first.days_absent_excused, first.days_absent_unexcused, first.note, first.version) == (
        2,
        0,
        "Chăm ngoan",
        1,
    )
    whole = LearningResult.objects.get(student=an, term=3)
    assert (whole.academic.code, whole.title.code, whole.outcome.code, whole.days_absent_excused) == (
        "HTXS",
        "HTXS",
        "LL",
        3,
    )
    assert LearningResult.objects.get(student=hoa, term=1).school_class == class_1a  # her class of this year
    assert ImportChange.objects.filter(job=job, object_type="registry.learningresult").count() == 3

    again = run(cast, content, layout="results", name="ket-qua.xlsx")
    assert summary(again) == (0, 0, 3, 0), messages(again)
    with pytest.raises(Exception, match="Không có gì để ghi"):
        services.request_commit(again, by=cast.school_a1_user, mode=ImportMode.ALL_OR_NOTHING)


def test_a_changed_result_is_updated_and_empty_cells_keep_what_is_stored(
    cast: Cast, class_1a: SchoolClass, pupils: list[Student]
) -> None:
    commit(cast, run(cast, xlsx(result_rows(pupils), RESULT_HEADERS), layout="results"))
    an = pupils[0]
    rows = [[an.ministry_code, "Nguyễn Văn An", "1A", "1", "Hoàn thành", "", "", "", "", "", ""]]
    job = run(cast, xlsx(rows, RESULT_HEADERS), layout="results")
    assert summary(job) == (0, 1, 0, 0), messages(job)
    job = commit(cast, job)
    record = LearningResult.objects.get(student=an, term=1)
    assert (record.academic.code, record.conduct.code, record.note, record.version) == ("HT", "T", "Chăm ngoan", 2)
    assert record.updated_by == cast.school_a1_user
    change = ImportChange.objects.get(job=job)
    assert list(change.changes) == ["academic"] and change.object_id == record.pk


def test_wrong_results_name_the_column_and_the_fix_and_nothing_is_written(
    cast: Cast, class_1a: SchoolClass, pupils: list[Student]
) -> None:
    an, hoa = pupils
    class_1b = SchoolClass.objects.create(unit=cast.school_a1, school_year=year(), name="1B", grade=1)
    elsewhere = make_student(cast.school_b1, "Cao Thị Mơ")
    rows: list[list[Any]] = [
        [an.ministry_code, "Nguyễn Văn An", "1A", "HK1", "HT", "Tốt", "", "Được lên lớp", "", "", ""],  # 2
        [hoa.ministry_code, "Lê Thị Hoa", "1A", "HK1", "Khá", "Tốt", "", "", "", "", ""],  # 3
        [an.ministry_code, "Nguyễn Văn An", "1A", "Học kỳ 5", "HT", "", "", "", "", "", ""],  # 4
        [elsewhere.ministry_code, "Cao Thị Mơ", "1A", "HK2", "HT", "", "", "", "", "", ""],  # 5
        [hoa.ministry_code, "Trần Văn Bình", "1A", "HK2", "HT", "", "", "", "", "", ""],  # 6
        [hoa.ministry_code, "Lê Thị Hoa", class_1b.name, "Cả năm", "HT", "Tốt", "", "", "", "", ""],  # 7
        [an.ministry_code, "Nguyễn Văn An", "1A", "HK2", "", "", "", "", "", "", ""],  # 8
        [an.ministry_code, "Nguyễn Văn An", "1A", "Cả năm", "HT", "Tốt", "", "", "abc", "", ""],  # 9
        ["", "Nguyễn Văn An", "1A", "HK2", "HT", "", "", "", "", "", ""],  # 10
        [hoa.ministry_code, "Lê Thị Hoa", "", "HK2", "HTT", "Tốt", "", "", "", "", ""],  # 11
        [hoa.ministry_code, "Lê Thị Hoa", "", "2", "HT", "Tốt", "", "", "", "", ""],  # 12: the same term again
    ]
    job = run(cast, xlsx(rows, RESULT_HEADERS), layout="results")
    found = messages(job)
    assert "Cả năm" in found[(2, "Kết quả cuối năm")]
    assert "tiểu học" in found[(3, "Kết quả học tập")]
    assert "HK1" in found[(4, "Học kỳ")]
    five = found[(5, "Mã định danh học sinh")]
    assert "Không tìm thấy" in five and "phạm vi" in five
    assert "Cao Thị Mơ" not in five and cast.school_b1.name not in five  # nothing about who lies out of scope
    assert "Nguyễn Văn An" not in found[(6, "Mã định danh học sinh")]
    assert "là của học sinh Lê Thị Hoa" in found[(6, "Mã định danh học sinh")]
    assert "không thuộc lớp 1B" in found[(7, "Lớp")]
    assert "chưa có kết quả" in found[(8, "Kết quả học tập")]
    assert "số nguyên" in found[(9, "Số buổi nghỉ có phép")]
    assert "mã học sinh" in found[(10, "Mã định danh học sinh")]
    assert "dòng 11 và dòng 12" in found[(12, "Mã định danh học sinh")] and (11, "Mã định danh học sinh") in found
    assert summary(job) == (0, 0, 0, 11)
    with pytest.raises(Exception, match="dòng bị từ chối"):
        services.request_commit(job, by=cast.school_a1_user, mode=ImportMode.ALL_OR_NOTHING)
    assert LearningResult.objects.count() == 0


def test_a_rejected_row_blocks_the_whole_file_in_all_or_nothing(
    cast: Cast, class_1a: SchoolClass, pupils: list[Student]
) -> None:
    rows = [*result_rows(pupils), [pupils[1].ministry_code, "Lê Thị Hoa", "1A", "HK1", "Khá", "", "", "", "", "", ""]]
    job = run(cast, xlsx(rows, RESULT_HEADERS), layout="results")
    assert (job.rows_new, job.rows_rejected) == (2, 2)  # Hoa's term 1 twice: both rows refused
    with pytest.raises(Exception, match="2 dòng bị từ chối"):
        services.request_commit(job, by=cast.school_a1_user, mode=ImportMode.ALL_OR_NOTHING)
    assert LearningResult.objects.count() == 0
    commit(cast, job, ImportMode.VALID_ONLY)
    assert LearningResult.objects.count() == 2


def test_secondary_results_follow_circular_22(cast: Cast) -> None:
    class_6a = SchoolClass.objects.create(unit=cast.school_a2, school_year=year(), name="6A", grade=6)
    student = make_student(cast.school_a2, "Phạm Minh Đức", class_6a)
    rows = [
        [student.ministry_code, "Phạm Minh Đức", "6A", "HK1", "Khá", "Tốt", "", "", "", "", ""],
        [student.ministry_code, "Phạm Minh Đức", "6A", "CN", "Khá", "Tốt", "Học sinh Giỏi", "Lên lớp", "", "", ""],
    ]
    job = run(cast, xlsx(rows, RESULT_HEADERS), account="school_a2_admin", unit="school_a2", layout="results")
    assert job.rows_new == 1 and job.rows_rejected == 1
    assert "Tốt" in messages(job)[(3, "Danh hiệu")]


def test_a_student_tied_to_the_class_by_the_journal_may_get_its_results(
    cast: Cast, class_1a: SchoolClass, pupils: list[Student]
) -> None:
    class_1b = SchoolClass.objects.create(unit=cast.school_a1, school_year=year(), name="1B", grade=1)
    moved = make_student(cast.school_a1, "Vũ Hải Đăng", class_1b)
    StudentEvent.objects.create(
        unit=cast.school_a1,
        student=moved,
        kind=StudentEventKind.ENROLLED,
        school_year=year(),
        term=1,
        happened_on=year().starts_on,
        school_class=class_1a,
    )
    rows = [[moved.ministry_code, "Vũ Hải Đăng", "1A", "HK1", "HT", "Tốt", "", "", "", "", ""]]
    job = commit(cast, run(cast, xlsx(rows, RESULT_HEADERS), layout="results"))
    assert job.state == ImportState.DONE, job.message
    assert LearningResult.objects.get(student=moved).school_class == class_1a


def test_the_so_imports_results_of_many_schools_each_row_in_its_students_school(cast: Cast) -> None:
    a1 = SchoolClass.objects.create(unit=cast.school_a1, school_year=year(), name="1A", grade=1)
    b1 = SchoolClass.objects.create(unit=cast.school_b1, school_year=year(), name="2A", grade=2)
    first, second = make_student(cast.school_a1, "Đỗ Văn Nam", a1), make_student(cast.school_b1, "Mai Thị Thu", b1)
    rows = [
        [first.ministry_code, "Đỗ Văn Nam", "", "HK1", "HT", "Tốt", "", "", "", "", ""],
        [second.ministry_code, "Mai Thị Thu", "", "HK1", "HTT", "Đạt", "", "", "", "", ""],
    ]
    job = run(cast, xlsx(rows, RESULT_HEADERS), account="so_admin", unit="so", layout="results")
    assert summary(job) == (2, 0, 0, 0), messages(job)
    commit(cast, job, account="so_admin")
    assert LearningResult.objects.get(student=second).school_class == b1
    # With a school column, a student of another school than the row's is refused.
    headers = ["Mã trường", *RESULT_HEADERS]
    wrong = [[cast.school_a1.code, second.ministry_code, "Mai Thị Thu", "", "HK2", "HT", "", "", "", "", "", ""]]
    job = run(cast, xlsx(wrong, headers), account="so_admin", unit="so", layout="results")
    assert "không thuộc trường của dòng này" in messages(job)[(2, "Mã trường")]


def test_a_result_of_another_school_year_is_refused(cast: Cast, class_1a: SchoolClass, pupils: list[Student]) -> None:
    headers = [*RESULT_HEADERS, "Năm học"]
    rows = [[*result_rows(pupils)[0], "2019-2020"], [*result_rows(pupils)[1], year().code]]
    job = run(cast, xlsx(rows, headers), layout="results")
    assert (job.rows_new, job.rows_rejected) == (1, 1)
    assert "năm học hiện tại" in messages(job)[(2, "Năm học")]


def test_the_temporary_code_finds_a_student_without_a_ministry_code(cast: Cast, class_1a: SchoolClass) -> None:
    student = make_student(cast.school_a1, "Hà Văn Tư", class_1a, ministry_code=None, temporary_code="TMP-00000042")
    headers = ["Mã tạm", "Họ và tên", "Học kỳ", "Kết quả học tập"]
    job = run(cast, xlsx([["tmp-00000042", "Hà Văn Tư", "I", "HT"]], headers), layout="results")
    assert job.rows_new == 1, messages(job)
    commit(cast, job)
    assert LearningResult.objects.get().student == student


def test_a_results_file_without_student_codes_is_refused(cast: Cast, class_1a: SchoolClass) -> None:
    job = run(
        cast, xlsx([["An", "1A", "HK1", "HT"]], ["Họ và tên", "Lớp", "Học kỳ", "Kết quả học tập"]), layout="results"
    )
    assert job.state == ImportState.FAILED and "Mã định danh học sinh" in job.message


def test_results_need_the_students_function(cast: Cast) -> None:
    with pytest.raises(Exception, match="không được giao"):
        run(cast, xlsx([], RESULT_HEADERS), account="school_a2_user", unit="school_a2", layout="results")


# --- facilities ------------------------------------------------------------------------------------------------------

ROOM_HEADERS = [
    "Mã điểm trường",
    "Loại phòng",
    "Số phòng kiên cố",
    "Diện tích kiên cố (m²)",
    "Số phòng bán kiên cố",
    "Diện tích bán kiên cố (m²)",
    "Số phòng tạm",
    "Diện tích tạm",
]


@pytest.fixture
def sites(cast: Cast) -> tuple[Site, Site]:
    main = Site.objects.create(unit=cast.school_a1, code="DT01", name="Điểm chính", is_main=True)
    other = Site.objects.create(unit=cast.school_a1, code="DT02", name="Điểm Đông Hải")
    return main, other


def room_rows() -> list[list[Any]]:
    return [
        ["", "Phòng học", "10", "450,5", "2", "90", "", ""],
        ["dt02", "phong hoc", 4.0, 180.0, 0.0, 0.0, "", ""],
        ["", "Thư viện", "1", "60.0", "", "", "", ""],
    ]


def test_rooms_are_written_by_site_and_kind_and_the_same_file_twice_changes_nothing(
    cast: Cast, sites: tuple[Site, Site]
) -> None:
    main, other = sites
    content = xlsx(room_rows(), ROOM_HEADERS)
    job = run(cast, content, account="school_a1_admin", layout="rooms", name="phong.xlsx")
    assert job.domain == "facilities"
    assert summary(job) == (3, 0, 0, 0), messages(job)
    job = commit(cast, job, account="school_a1_admin")
    assert job.state == ImportState.DONE, job.message
    classrooms = RoomStock.objects.get(site=main, room_kind__code="PH")
    assert (classrooms.unit, classrooms.school_year, classrooms.count_solid, classrooms.area_solid) == (
        cast.school_a1,
        year(),
        10,
        Decimal("450.5"),
    )
    assert (classrooms.count_semi, classrooms.area_semi, classrooms.count_temporary) == (2, Decimal(90), 0)
    assert RoomStock.objects.get(site=other, room_kind__code="PH").area_solid == Decimal(180)
    assert RoomStock.objects.get(room_kind__code="TV").site == main

    again = run(cast, content, account="school_a1_admin", layout="rooms")
    assert summary(again) == (0, 0, 3, 0), messages(again)

    rows = room_rows()
    rows[0][3] = "460"
    job = commit(
        cast, run(cast, xlsx(rows, ROOM_HEADERS), account="school_a1_admin", layout="rooms"), account="school_a1_admin"
    )
    assert job.rows_changed == 1
    classrooms.refresh_from_db()
    assert (classrooms.area_solid, classrooms.version) == (Decimal(460), 2)
    assert ImportChange.objects.get(job=job).changes == {"area_solid": ["450.5", "460.0"]}


def test_wrong_room_rows_name_the_column_and_nothing_is_written(cast: Cast, sites: tuple[Site, Site]) -> None:
    rows = [
        ["", "Phòng học", "-1", "40", "", "", "", ""],  # 2
        ["", "Thư viện", "1", "abc", "", "", "", ""],  # 3
        ["", "Phòng y tế", "3", "0", "", "", "", ""],  # 4: rooms without an area
        ["", "Phòng học bộ môn Tin học", "10", "50", "", "", "", ""],  # 5: 5 m² a room
        ["XX", "Phòng học", "1", "50", "", "", "", ""],  # 6
        ["", "Phòng bay", "1", "50", "", "", "", ""],  # 7
        ["", "Phòng họp", "1", "50", "", "", "", ""],  # 8: valid
    ]
    job = run(cast, xlsx(rows, ROOM_HEADERS), account="school_a1_admin", layout="rooms")
    found = messages(job)
    assert "số nguyên" in found[(2, "Số phòng kiên cố")]
    assert "45,5" in found[(3, "Diện tích kiên cố (m²)")]
    assert "diện tích phải lớn hơn 0" in found[(4, "Diện tích kiên cố (m²)")]
    assert "bình quân 5 m²" in found[(5, "Diện tích kiên cố (m²)")]
    assert "XX" in found[(6, "Mã điểm trường")]
    assert "Phòng bay" in found[(7, "Loại phòng")]
    assert summary(job) == (1, 0, 0, 6)
    with pytest.raises(Exception, match="6 dòng bị từ chối"):
        services.request_commit(job, by=cast.school_a1_admin, mode=ImportMode.ALL_OR_NOTHING)
    assert RoomStock.objects.count() == 0


def test_a_school_without_a_main_site_must_name_the_site(cast: Cast) -> None:
    job = run(
        cast,
        xlsx([["", "Phòng học", "1", "50", "", "", "", ""]], ROOM_HEADERS),
        account="school_a1_admin",
        layout="rooms",
    )
    assert "chưa có điểm trường chính" in messages(job)[(2, "Mã điểm trường")]


def test_a_room_row_of_a_school_out_of_scope_is_rejected(cast: Cast, sites: tuple[Site, Site]) -> None:
    Site.objects.create(unit=cast.school_b1, code="DT01", name="Điểm chính", is_main=True)
    headers = ["Mã trường", *ROOM_HEADERS]
    rows = [
        [cast.school_a1.code, "", "Phòng học", "1", "50", "", "", "", ""],
        [cast.school_b1.code, "", "Phòng học", "1", "50", "", "", "", ""],
    ]
    job = run(cast, xlsx(rows, headers), account="school_a1_admin", layout="rooms")
    assert (job.rows_new, job.rows_rejected) == (1, 1)
    assert "phạm vi" in messages(job)[(3, "Mã trường")]
    commit(cast, job, ImportMode.VALID_ONLY, account="school_a1_admin")
    assert list(RoomStock.objects.values_list("unit__code", flat=True)) == [cast.school_a1.code]


def test_rooms_need_the_facilities_function(cast: Cast) -> None:
    with pytest.raises(Exception, match="không được giao"):
        run(cast, xlsx([], ROOM_HEADERS), layout="rooms")


def test_the_rooms_export_imports_back_unchanged(cast: Cast, sites: tuple[Site, Site]) -> None:
    commit(
        cast,
        run(cast, xlsx(room_rows(), ROOM_HEADERS), account="school_a1_admin", layout="rooms"),
        account="school_a1_admin",
    )
    exported = signed_in(cast.school_a1_admin).get(reverse("exchange:export", kwargs={"pk": "rooms"}) + "?format=xlsx")
    assert exported.status_code == 200
    job = run(cast, exported.content, account="school_a1_admin", layout="rooms", name="co-so-vat-chat.xlsx")
    assert job.state == ImportState.READY, job.message
    assert summary(job) == (0, 0, 3, 0), messages(job)


# --- school profiles ---------------------------------------------------------------------------------------------------

SCHOOL_HEADERS = [
    "Mã trường",
    "Tên trường",
    "Năm thành lập",
    "Địa chỉ",
    "Điện thoại",
    "Thư điện tử",
    "Website",
    "Hiệu trưởng",
    "Chuẩn quốc gia",
    "Năm công nhận chuẩn",
    "Kiểm định chất lượng",
    "Có điện lưới",
    "Có kết nối internet",
    "Học 2 buổi/ngày",
]


def school_rows(cast: Cast) -> list[list[Any]]:
    return [
        [
            cast.school_a1.code,
            "Trường Tiểu học Lê Văn Tám",
            1998.0,
            "Số 5 Lê Lợi",
            "0225 3842 123",
            "c1levantam@haiphong.edu.vn",
            "c1levantam.haiphong.edu.vn",
            "trần thị bình",
            "Mức 1",
            "2015",
            "Cấp độ 2",
            "x",
            "Có",
            "",
        ],
        [cast.school_a2.code, "", "2001", "", "", "", "", "", "Chưa đạt chuẩn", "", "", "", "", "Có"],
    ]


def test_school_profiles_are_created_or_updated_and_the_same_file_twice_changes_nothing(cast: Cast) -> None:
    existing = SchoolProfile.objects.create(unit=cast.school_a2, phone="0225111222", has_internet=True)
    content = xlsx(school_rows(cast), SCHOOL_HEADERS)
    job = run(cast, content, account="so_admin", unit="so", layout="schools", name="ho-so-truong.xlsx")
    assert job.domain == "schools"
    assert summary(job) == (1, 1, 0, 0), messages(job)
    job = commit(cast, job, account="so_admin")
    assert job.state == ImportState.DONE, job.message
    a1 = SchoolProfile.objects.get(unit=cast.school_a1)
    assert (a1.established_year, a1.street_address, a1.phone, a1.website) == (
        1998,
        "Số 5 Lê Lợi",
        "02253842123",
        "https://c1levantam.haiphong.edu.vn",
    )
    assert (a1.principal_name, a1.national_standard, a1.national_standard_year, a1.accreditation) == (
        "Trần Thị Bình",
        1,
        2015,
        2,
    )
    assert (a1.has_electricity, a1.has_internet, a1.two_sessions) == (True, True, False)
    assert a1.has_clean_water is True  # not a column of the file: the model's default
    existing.refresh_from_db()
    assert (existing.phone, existing.established_year, existing.two_sessions, existing.version) == (
        "0225111222",
        2001,
        True,
        2,
    )
    assert existing.has_internet is False  # an empty yes/no cell is "không", as the template says
    assert ImportChange.objects.filter(job=job).count() == 2

    again = run(cast, content, account="so_admin", unit="so", layout="schools")
    assert summary(again) == (0, 0, 2, 0), messages(again)


def test_wrong_school_rows_name_the_column_and_nothing_is_written(cast: Cast) -> None:
    rows = [
        [cast.school_a1.code, "", "", "", "", "", "", "", "Đạt chuẩn mức độ 2", "", "", "", "", ""],  # 2
        [cast.school_a2.code, "", "", "", "", "", "", "", "", "2019", "", "", "", ""],  # 3
        [cast.school_b1.code, "", "199", "", "", "", "không có", "", "Mức 7", "", "", "", "", "hai"],  # 4
        [cast.commune_a.code, "", "", "", "", "", "", "", "", "", "", "", "", ""],  # 5: not a school
        [cast.school_b2.code, "", "2050", "", "", "", "", "", "", "", "", "", "", ""],  # 6
        [cast.school_a1.code.lower(), "", "", "", "", "", "", "", "", "", "", "", "", ""],  # 7: a1 twice
    ]
    job = run(cast, xlsx(rows, SCHOOL_HEADERS), account="so_admin", unit="so", layout="schools")
    found = messages(job)
    assert "Năm công nhận chuẩn" in found[(2, "Năm công nhận chuẩn")]
    assert "chuẩn quốc gia" in found[(3, "Chuẩn quốc gia")]
    assert "4 chữ số" in found[(4, "Năm thành lập")]
    assert "https://" in found[(4, "Website")]
    assert "Đạt chuẩn mức độ 1" in found[(4, "Chuẩn quốc gia")]
    assert "hai" in found[(4, "Học 2 buổi/ngày")]
    assert "phạm vi" in found[(5, "Mã trường")]
    assert "2050" in found[(6, "Năm thành lập")]
    assert "dòng 2 và dòng 7" in found[(7, "Mã trường")]
    assert summary(job) == (0, 0, 0, 6)
    with pytest.raises(Exception, match="dòng bị từ chối"):
        services.request_commit(job, by=cast.so_admin, mode=ImportMode.ALL_OR_NOTHING)
    assert SchoolProfile.objects.count() == 0


def test_a_school_writes_its_own_profile_only(cast: Cast) -> None:
    rows = school_rows(cast)
    rows[1][0] = cast.school_b1.code
    job = run(cast, xlsx(rows, SCHOOL_HEADERS), account="school_a1_admin", layout="schools")
    assert (job.rows_new, job.rows_rejected) == (1, 1)
    assert "phạm vi" in messages(job)[(3, "Mã trường")]
    commit(cast, job, ImportMode.VALID_ONLY, account="school_a1_admin")
    assert list(SchoolProfile.objects.values_list("unit__code", flat=True)) == [cast.school_a1.code]


def test_school_profiles_need_the_units_function(cast: Cast) -> None:
    with pytest.raises(Exception, match="không được giao"):
        run(cast, xlsx([], SCHOOL_HEADERS), layout="schools")


def test_the_schools_export_imports_back_unchanged(cast: Cast) -> None:
    commit(
        cast,
        run(cast, xlsx(school_rows(cast), SCHOOL_HEADERS), account="so_admin", unit="so", layout="schools"),
        account="so_admin",
    )
    exported = signed_in(cast.so_admin).get(reverse("exchange:export", kwargs={"pk": "schools"}) + "?format=xlsx")
    assert exported.status_code == 200
    job = run(cast, exported.content, account="so_admin", unit="so", layout="schools", name="truong-hoc.xlsx")
    assert job.state == ImportState.READY, job.message
    assert summary(job) == (0, 0, 2, 0), messages(job)


# --- the templates' own headers are read back ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["results", "rooms", "schools"])
def test_a_file_with_the_templates_headers_is_recognised(cast: Cast, name: str) -> None:
    headers = [str(column.header) for column in LAYOUTS[name].columns]
    job = run(cast, xlsx([], headers), account="so_admin", unit="so", layout=name)
    assert job.header_row == 1 and {field for _h, field, _i in job.columns} == set(LAYOUTS[name].by_field)


# --- queries: a constant number per file, whatever its length --------------------------------------------------------


def _result_file(cast: Cast, n: int) -> tuple[bytes, str]:
    school_class = SchoolClass.objects.get_or_create(
        unit=cast.school_a1, school_year=year(), name="1A", defaults={"grade": 1}
    )[0]
    students = [
        make_student(cast.school_a1, f"Học Sinh {chr(65 + i % 26)}{chr(65 + i // 26)}", school_class) for i in range(n)
    ]
    rows = [[s.ministry_code, s.full_name, "1A", "HK1", "HT", "Tốt", "", "", "1", "0", ""] for s in students]
    return xlsx(rows, RESULT_HEADERS), "school_a1_user"


def _room_file(cast: Cast, n: int) -> tuple[bytes, str]:
    site = Site.objects.create(unit=cast.school_a1, code=f"Q{n}", name=f"Điểm {n}")
    kinds = list(items_of("loai_phong").order_by("order", "code")[:n])
    assert len(kinds) == n
    # Two rooms of an ordinary size for the kind (and at least 12 m² each): no rule has anything to say.
    rows = [[site.code, kind.name, "2", str(max(area_range(kind)[0], 12) * 2), "", "", "", ""] for kind in kinds]
    return xlsx(rows, ROOM_HEADERS), "school_a1_admin"


def _school_file(cast: Cast, n: int) -> tuple[bytes, str]:
    units = [
        UnitFactory.create(
            code=f"3100{n:02d}{i:02d}", name=f"Trường Tiểu học Số {n}-{i}", kind="tieu_hoc", parent=cast.commune_a
        )
        for i in range(n)
    ]
    rows = [[unit.code, unit.name, "2000", "", "", "", "", "", "", "", "", "x", "", ""] for unit in units]
    return xlsx(rows, SCHOOL_HEADERS), "so_admin"


@pytest.mark.parametrize(
    ("layout", "make", "sizes"),
    [("results", _result_file, (10, 40)), ("rooms", _room_file, (5, 25)), ("schools", _school_file, (3, 12))],
)
def test_queries_do_not_grow_with_rows(cast: Cast, layout: str, make: Any, sizes: tuple[int, int]) -> None:
    counts = []
    for n in sizes:
        content, account = make(cast, n)
        user = cast.accounts[account]
        unit = cast.so if account == "so_admin" else cast.school_a1
        job = services.start_import(by=user, unit=unit, layout=layout, upload=upload(content), queue=False)
        job.state = ImportState.READING
        job.save()
        with CaptureQueriesContext(connection) as preview_queries:
            job = pipeline.preview(job, user=user)
        assert job.rows_new == n, job.message or list(job.problems.values_list("message", flat=True))
        services.request_commit(job, by=user, mode=ImportMode.ALL_OR_NOTHING, queue=False)
        with CaptureQueriesContext(connection) as commit_queries:
            job = pipeline.commit(job, user=user)
        assert job.state == ImportState.DONE, job.message
        counts.append((len(preview_queries), len(commit_queries)))
    assert counts[0] == counts[1], counts


def test_the_import_pages_take_a_rooms_file(cast: Cast, sites: tuple[Site, Site]) -> None:
    client = signed_in(cast.school_a1_admin)
    assert "Cơ sở vật chất" in client.get(reverse("exchange:imports")).content.decode()
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            reverse("exchange:imports"),
            {
                "layout": "rooms",
                "unit": cast.school_a1.pk,
                "mode": "all",
                "file": upload(xlsx(room_rows(), ROOM_HEADERS), "phong.xlsx"),
            },
        )
    assert response.status_code == 302
    job = ImportJob.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "Cơ sở vật chất" in page and "phong.xlsx" in page
    assert (job.state, job.rows_new) == (ImportState.READY, 3)
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(reverse("exchange:import_commit", args=[job.pk]), {"mode": "all"})
    assert RoomStock.objects.count() == 3
    assert signed_in(cast.school_b1_user).get(reverse("exchange:import_detail", args=[job.pk])).status_code == 404
