"""The Excel import end to end: a Ministry-layout student file of 100,000 rows × 30 columns into the database.

Builds the file with xlsxwriter (the Ministry's export layout: two title rows, its own header spellings, a school
code per row, every learner with a Ministry code and a personal ID, names and phones in the forms people type)
spread over the demo city's schools and their classes of the current year. Then, in the same run:

- **bare pipeline** (the baseline): python-calamine reads every cell, and the same rows are copied into a table of
  30 text columns with PostgreSQL ``COPY`` (SQLite: one ``executemany``) — no normalisation, no checks;
- **our import**: ``start_import`` → ``pipeline.preview`` (read, normalise every cell, match codes and classes,
  check the rules, compare with the database, stage the plan and every problem) → ``pipeline.commit`` (one
  transaction: learners, code claims, guardians, enrolment events, the field-level change log, one audit entry),
  and the same file a second time (every row found unchanged, nothing written);
- **django-import-export** doing the same import with the same validation (our normalisation, code lists, class
  lookup, the model's validation and our rules, code claims, guardians and events) on the first
  ``BENCH_IMPORT_IE_ROWS`` rows — it is far slower, so it gets a slice; the comparison is rows per second;
- **memory**: a file of ``BENCH_IMPORT_MEMORY_ROWS`` rows (default 1,000,000) imported by ``manage.py
  import_excel --commit`` in a child process, its peak resident memory read from the kernel.

Where our import's time goes is shown phase by phase, from what the pipeline logs when a preview or a commit ends.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench import Check, Column, Context, Figures, Table, Text, setting

TITLE = Text(
    vi="Nhập tệp Excel học sinh (mẫu của Bộ, 100 000 dòng)", en="Importing a student Excel file (100,000 rows)"
)
MIN_SHARE = 0.40
MIN_VS_IE = 10.0
MAX_MEMORY_MB = 1024
GOAL = Text(
    vi="Nhập trọn vẹn tệp học sinh 100 000 dòng × 30 cột theo mẫu của Bộ vào PostgreSQL đạt ít nhất 40 % tốc độ của "
    "đường ống trần (python-calamine đọc + COPY cùng các dòng, không kiểm tra) đo trong cùng lần chạy, và nhanh hơn "
    "django-import-export làm cùng việc với cùng kiểm tra ít nhất 10 lần; tệp 1 000 000 dòng nhập với bộ nhớ đỉnh "
    "dưới 1 GiB; số truy vấn không tăng theo số dòng.",
    en="A 100,000-row × 30-column student file in the Ministry layout imported end to end into PostgreSQL at ≥ 40% "
    "of the throughput of a bare pipeline (python-calamine read + COPY of the same rows, no checks) measured in the "
    "same run, and ≥ 10× faster than django-import-export doing the same import with the same validation; a "
    "1,000,000-row file imported with peak memory under 1 GiB; the number of queries does not grow with the rows.",
)
DATA = ("seed_demo",)

HEADERS = [
    "STT", "Mã trường", "Mã học sinh", "Họ tên", "Ngày sinh", "Giới tính", "Dân tộc", "Quốc tịch", "Tôn giáo",
    "Số ĐDCN", "Lớp", "Trạng thái", "Ngày nhập học", "Nơi sinh", "Mã xã", "Hộ khẩu thường trú", "Nơi ở hiện nay",
    "SĐT liên hệ", "Khuyết tật", "Bán trú", "Nội trú", "Mồ côi", "Họ tên cha", "Năm sinh cha", "Nghề nghiệp cha",
    "SĐT cha", "Họ tên mẹ", "Năm sinh mẹ", "Nghề nghiệp mẹ", "SĐT mẹ",
]  # fmt: skip
SURNAMES = "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Mai Trịnh Lương".split()
MIDDLES = "Văn Thị Hữu Đức Minh Thanh Ngọc Quang Thu Hoài Gia Bảo Xuân Thùy Quốc Anh Khánh Phương".split()
GIVEN = "An Bình Châu Dũng Hà Hòa Hương Khánh Lan Linh Mai Nam Ngọc Phúc Quân Thủy Trang Tuấn Vy Yến Hải Long".split()
JOBS = ["Công nhân", "Nông dân", "Kinh doanh", "Giáo viên", "Công chức", "Lao động tự do", "Lái xe", "Nội trợ"]
STREETS = ["Lạch Tray", "Trần Phú", "Điện Biên Phủ", "Lê Lợi", "Tô Hiệu", "Văn Cao", "Cát Bi", "Đà Nẵng"]


def _vn(number: float, digits: int = 0) -> str:
    text = f"{number:,.{digits}f}"
    return text.replace(",", " ").replace(".", ",")


def _targets() -> tuple[list[tuple[str, str, int | None]], int]:
    """(school code, class name, grade) of every current-year class of grades 1–12, and the current start year."""
    from edudb.registry.models import SchoolClass
    from edudb.reporting.models import SchoolYear

    year = SchoolYear.objects.get(is_current=True)
    classes = list(
        SchoolClass.objects.filter(school_year=year, grade__isnull=False)
        .order_by("unit__code", "name")
        .values_list("unit__code", "name", "grade")
    )
    return classes, year.start_year


def write_file(path: Path, rows: int, *, seed: int = 2026, code_base: int = 0, province: str = "038") -> None:
    """The Ministry-layout file: two title rows, the header, then ``rows`` learners spread over the classes."""
    import xlsxwriter

    classes, start_year = _targets()
    rng = random.Random(seed)
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False})
    sheet = workbook.add_worksheet("HocSinh")
    sheet.write_row(0, 0, ["DANH SÁCH HỌC SINH"])
    sheet.write_row(1, 0, ["(Xuất từ CSDL ngành)"])
    sheet.write_row(2, 0, HEADERS)
    for i in range(rows):
        school, class_name, grade = classes[i % len(classes)]
        year = start_year - (grade or 1) - 6 + (1 if rng.random() < 0.8 else 0)
        born = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
        girl = rng.random() < 0.49
        name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLES)} {rng.choice(GIVEN)}"
        if rng.random() < 0.15:
            name = name.lower()  # typed carelessly: the import capitalises it (and says so)
        phone = f"09{rng.randint(10_000_000, 99_999_999)}"
        if rng.random() < 0.2:
            phone = f"+84 {phone[1:3]} {phone[3:6]} {phone[6:]}"
        number = code_base + i
        row = [
            i + 1,
            school,
            f"38{number:08d}",
            name,
            born.strftime("%d/%m/%Y"),
            "Nữ" if girl else "Nam",
            "Kinh" if rng.random() < 0.95 else "Tày",
            "Việt Nam",
            "Không",
            f"{province}{3 if girl else 2}{born.year % 100:02d}{number % 1_000_000:06d}",
            class_name,
            "Đang học",
            f"05/09/{start_year}",
            "Hải Phòng",
            "11311",
            f"Số {rng.randint(1, 300)} {rng.choice(STREETS)}",
            f"Số {rng.randint(1, 300)} {rng.choice(STREETS)}",
            phone,
            "",
            "x" if rng.random() < 0.3 else "",
            "",
            "",
            f"{rng.choice(SURNAMES)} {rng.choice(MIDDLES)} {rng.choice(GIVEN)}",
            str(born.year - rng.randint(24, 40)),
            rng.choice(JOBS),
            f"09{rng.randint(10_000_000, 99_999_999)}",
            f"{rng.choice(SURNAMES)} Thị {rng.choice(GIVEN)}",
            str(born.year - rng.randint(22, 38)),
            rng.choice(JOBS),
            f"08{rng.randint(10_000_000, 99_999_999)}",
        ]
        sheet.write_number(i + 3, 0, row[0])
        for col in range(1, len(row)):
            if row[col] != "":
                sheet.write_string(i + 3, col, row[col])
    workbook.close()


# The phases ``edudb.exchange.pipeline.Phases`` logs, in the order they happen, as the table names them.
PHASES = [
    ("preview", "inspect", "Kiểm tra an toàn tệp tải lên", "safety inspection of the upload"),
    ("preview", "open", "Mở trang tính (calamine phân tích cả tệp), tìm dòng tiêu đề", "opening the sheet (calamine "
     "parses the whole file), finding the header"),
    ("preview", "prepare", "Nạp đơn vị, lớp, danh mục", "loading units, classes, code lists"),
    ("preview", "read", "Đọc từng khối dòng", "reading the blocks of rows"),
    ("preview", "normalise", "Chuẩn hoá mọi ô (`normalise_column`)", "normalising every cell (`normalise_column`)"),
    ("preview", "build", "Dựng giá trị bản ghi từng dòng (danh mục, lớp, cha mẹ)", "building each row's values (code "
     "lists, classes, guardians)"),
    ("preview", "match", "Tìm bản ghi đã có (mã, định danh, họ tên + ngày sinh)", "finding existing records (code, "
     "personal ID, name + birth date)"),
    ("preview", "check", "Quy tắc kiểm tra", "validation rules"),
    ("preview", "compare", "Trùng trong tệp, so với bản ghi đã có", "duplicates in the file, differences from the records"),
    ("preview", "stage", "Lưu kế hoạch ghi", "staging the plan"),
    ("preview", "problems", "Ghi lỗi, thông báo chuẩn hoá, tiến độ", "problems, normalisation notices, progress"),
    ("preview", "finish", "Kết thúc kiểm tra", "finishing the check"),
    ("commit", "prepare", "Ghi: khoá, kiểm tra trạng thái", "commit: lock, state checks"),
    ("commit", "load", "Ghi: đọc kế hoạch đã lưu", "commit: reading the staged plan"),
    ("commit", "versions", "Ghi: bản ghi không bị sửa từ lúc kiểm tra", "commit: records unchanged since the check"),
    ("commit", "write", "Ghi: COPY học sinh, mã, cha mẹ, đối tượng, sự kiện", "commit: COPY of learners, codes, "
     "guardians, policy groups, events"),
    ("commit", "history", "Ghi: lịch sử thay đổi từng bản ghi", "commit: each record's change history"),
    ("commit", "progress", "Ghi: tiến độ", "commit: progress"),
    ("commit", "audit", "Ghi: mục nhật ký", "commit: the audit entry"),
    ("commit", "transaction_commit", "COMMIT: PostgreSQL kiểm tra mọi khoá ngoại của các dòng đã ghi", "COMMIT: "
     "PostgreSQL checks every foreign key of the rows written"),
]  # fmt: skip


class _PhaseLog(logging.Handler):
    """Keeps the phases the pipeline logs ({"preview": {...}, "commit": {...}})."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.phases: dict[str, dict[str, float]] = {}

    def emit(self, record: logging.LogRecord) -> None:
        phases = getattr(record, "phases", None)
        if phases is not None:
            self.phases[record.what] = phases  # type: ignore[attr-defined]


@contextmanager
def _phases() -> Iterator[_PhaseLog]:
    pipeline_log = logging.getLogger("edudb.exchange.pipeline")
    handler, level = _PhaseLog(), pipeline_log.level
    pipeline_log.addHandler(handler)
    pipeline_log.setLevel(logging.INFO)
    try:
        yield handler
    finally:
        pipeline_log.removeHandler(handler)
        pipeline_log.setLevel(level)


def _phase_rows(first: _PhaseLog, again: _PhaseLog) -> list[dict[str, Any]]:
    rows = []
    for what, key, vi, en in PHASES:
        seconds = first.phases.get(what, {}).get(key)
        if seconds is None:
            continue
        repeat = again.phases.get(what, {}).get(key)
        rows.append(
            {"phase": f"{vi} / {en}", "first": round(seconds, 2), "again": "—" if repeat is None else round(repeat, 2)}
        )
    return rows


def _bare(path: Path) -> tuple[float, int]:
    """The baseline: read every cell with calamine and COPY the rows (as text) into a 30-column table."""
    from django.db import connection
    from python_calamine import CalamineWorkbook

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_bare_import")
        cursor.execute("CREATE TABLE bench_bare_import (" + ", ".join(f"c{i} text" for i in range(len(HEADERS))) + ")")
    started = time.perf_counter()
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    rows = [[str(value) for value in row] for row in sheet.iter_rows()][3:]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY bench_bare_import FROM STDIN") as copy:  # noqa: F541
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(HEADERS))
            cursor.executemany(f"INSERT INTO bench_bare_import VALUES ({marks})", rows)  # noqa: S608
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_bare_import")
    return seconds, len(rows)


def _ours(path: Path, account: Any, department: Any) -> tuple[Any, float, float, int, int]:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from edudb.exchange import pipeline, services
    from edudb.exchange.models import ImportMode, ImportState

    started = time.perf_counter()
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    job = services.start_import(by=account, unit=department, layout="students", upload=upload, queue=False)
    job.state = ImportState.READING
    job.save(update_fields=["state"])
    with CaptureQueriesContext(connection) as preview_queries:
        job = pipeline.preview(job, user=account)
    previewed = time.perf_counter() - started
    if job.state != ImportState.READY or job.rows_rejected:
        from edudb.exchange.models import ImportProblem

        sample = list(
            ImportProblem.objects.filter(job=job, severity="error").values_list("row", "column", "message")[:5]
        )
        raise SystemExit(f"[bench] the check refused the file: {job.state} {job.message} {job.rows_rejected} {sample}")
    services.request_commit(job, by=account, mode=ImportMode.ALL_OR_NOTHING, queue=False)
    with CaptureQueriesContext(connection) as commit_queries:
        job = pipeline.commit(job, user=account)
    total = time.perf_counter() - started
    if job.state != ImportState.DONE:
        raise SystemExit(f"[bench] the commit failed: {job.message}")
    return job, previewed, total, len(preview_queries), len(commit_queries)


def _again(path: Path, account: Any, department: Any) -> tuple[Any, float]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from edudb.exchange import pipeline, services
    from edudb.exchange.models import ImportState

    started = time.perf_counter()
    job = services.start_import(
        by=account,
        unit=department,
        layout="students",
        upload=SimpleUploadedFile(path.name, path.read_bytes()),
        queue=False,
    )
    job.state = ImportState.READING
    job.save(update_fields=["state"])
    job = pipeline.preview(job, user=account)
    return job, time.perf_counter() - started


def _import_export(path: Path, rows: int, account: Any) -> tuple[float, int]:
    """django-import-export doing the same import, with the same normalisation and checks, row by row."""
    from bench.import_export_resource import run_import_export

    return run_import_export(path, rows, account, HEADERS)


def _memory(context: Context, rows: int, department_code: str, username: str) -> tuple[float, float, str]:
    """Import a ``rows``-row file with the management command in a child process; its peak RSS in MB."""
    with tempfile.TemporaryDirectory(prefix="edudb-bench-") as folder:
        path = Path(folder) / "hoc_sinh_lon.xlsx"
        started = time.perf_counter()
        write_file(path, rows, seed=7, code_base=50_000_000, province="037")
        print(f"[bench] wrote {rows:,} rows in {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        started = time.perf_counter()
        done = subprocess.run(
            [context.python, "manage.py", "import_excel", str(path), "--layout", "students", "--unit",
             department_code, "--as", username, "--commit"],
            cwd=context.root, env=context.env(), capture_output=True, text=True, check=False,
        )  # fmt: skip
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        if done.returncode:
            raise SystemExit(f"[bench] the large import failed: {done.stdout[-2000:]} {done.stderr[-2000:]}")
        last = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
        return max(peak, before) / 1024, seconds, last


def run(context: Context) -> Figures:
    from edudb.accounts.models import Account

    rows_wanted = setting("BENCH_IMPORT_ROWS", 100_000)
    ie_rows = setting("BENCH_IMPORT_IE_ROWS", 3_000)
    memory_rows = setting("BENCH_IMPORT_MEMORY_ROWS", 1_000_000)
    account = Account.objects.select_related("unit__kind").get(username="so.admin")
    department = account.unit
    with tempfile.TemporaryDirectory(prefix="edudb-bench-") as folder:
        path = Path(folder) / "C1-HocSinh.xlsx"
        started = time.perf_counter()
        write_file(path, rows_wanted)
        print(
            f"[bench] wrote {rows_wanted:,} rows in {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True
        )
        size_mb = path.stat().st_size / 2**20
        bare_s, bare_rows = _bare(path)
        print(f"[bench] bare pipeline {bare_s:.1f} s", file=sys.stderr, flush=True)
        with _phases() as first_phases:
            job, preview_s, ours_s, preview_queries, commit_queries = _ours(path, account, department)
        print(f"[bench] ours: preview {preview_s:.1f} s, total {ours_s:.1f} s", file=sys.stderr, flush=True)
        with _phases() as again_phases:
            again, again_s = _again(path, account, department)
        print(f"[bench] the same file again: {again_s:.1f} s", file=sys.stderr, flush=True)
        ie_path = Path(folder) / "C1-HocSinh-ie.xlsx"
        write_file(ie_path, ie_rows, seed=11, code_base=20_500_000)
        ie_s, ie_done = _import_export(ie_path, ie_rows, account)
        print(f"[bench] django-import-export: {ie_done} rows in {ie_s:.1f} s", file=sys.stderr, flush=True)
    peak_mb, memory_s, memory_line = (0.0, 0.0, "")
    if memory_rows:
        peak_mb, memory_s, memory_line = _memory(context, memory_rows, department.code, account.username)
        print(f"[bench] {memory_rows:,} rows: peak {peak_mb:.0f} MB in {memory_s:.0f} s", file=sys.stderr, flush=True)
    bare_rate = bare_rows / bare_s
    our_rate = job.rows_total / ours_s
    ie_rate = ie_done / ie_s
    share = our_rate / bare_rate
    versus_ie = our_rate / ie_rate
    unchanged = again.rows_unchanged == job.rows_total and not (again.rows_new or again.rows_changed)
    checks = [
        Check(
            vi=f"Nhập trọn vẹn đạt {share:.0%} tốc độ đường ống trần (≥ {MIN_SHARE:.0%})",
            en=f"The whole import runs at {share:.0%} of the bare pipeline's throughput (≥ {MIN_SHARE:.0%})",
            met=share >= MIN_SHARE,
        ),
        Check(
            vi=f"Nhanh hơn django-import-export {versus_ie:.1f} lần (≥ {MIN_VS_IE:g})",
            en=f"{versus_ie:.1f}× faster than django-import-export (≥ {MIN_VS_IE:g})",
            met=versus_ie >= MIN_VS_IE,
        ),
        Check(
            vi=f"Tệp {_vn(memory_rows)} dòng: bộ nhớ đỉnh {peak_mb:.0f} MB (< {MAX_MEMORY_MB})",
            en=f"A {memory_rows:,}-row file: peak memory {peak_mb:.0f} MB (< {MAX_MEMORY_MB})",
            met=bool(memory_rows) and memory_rows >= 1_000_000 and peak_mb < MAX_MEMORY_MB,
        ),
        Check(
            vi="Nhập lại cùng tệp: mọi dòng không đổi, không ghi gì",
            en="The same file again: every row unchanged, nothing written",
            met=unchanged,
        ),
    ]
    return Figures(
        tables=[
            Table(
                title=Text(
                    vi=f"Tệp {_vn(rows_wanted)} dòng × {len(HEADERS)} cột ({size_mb:.1f} MB)",
                    en=f"A {rows_wanted:,}-row × {len(HEADERS)}-column file ({size_mb:.1f} MB)",
                ),
                columns=[
                    Column(key="what", vi="Cách nhập", en="Pipeline"),
                    Column(key="seconds", vi="Giây", en="seconds", digits=1),
                    Column(key="rate", vi="Dòng/giây", en="rows/s", digits=0),
                    Column(key="ratio", vi="**So với đường ống trần**", en="**ratio to the bare pipeline**", digits=2),
                ],
                rows=[
                    {
                        "what": "Đường ống trần: calamine đọc + COPY (chuẩn so sánh) / bare: calamine read + COPY "
                        "(baseline)",
                        "seconds": round(bare_s, 1),
                        "rate": round(bare_rate),
                        "ratio": 1.0,
                    },
                    {
                        "what": f"Nhập của hệ thống: kiểm tra {preview_s:.1f} s + ghi {ours_s - preview_s:.1f} s "
                        f"({preview_queries} + {commit_queries} truy vấn) / ours: check + write (queries)",
                        "seconds": round(ours_s, 1),
                        "rate": round(our_rate),
                        "ratio": round(share, 2),
                    },
                    {
                        "what": "Nhập lại cùng tệp (mọi dòng không đổi) / the same file again (all unchanged)",
                        "seconds": round(again_s, 1),
                        "rate": round(job.rows_total / again_s),
                        "ratio": round((job.rows_total / again_s) / bare_rate, 2),
                    },
                    {
                        "what": f"django-import-export, cùng kiểm tra, {_vn(ie_done)} dòng đầu / django-import-export,"
                        f" same checks, first {ie_done:,} rows",
                        "seconds": round(ie_s, 1),
                        "rate": round(ie_rate),
                        "ratio": round(ie_rate / bare_rate, 3),
                    },
                ],
            ),
            Table(
                title=Text(vi="Thời gian của từng bước (giây)", en="Where the time goes (seconds)"),
                columns=[
                    Column(key="phase", vi="Bước", en="Phase"),
                    Column(key="first", vi="Lần nhập đầu", en="first import", digits=2),
                    Column(key="again", vi="Nhập lại cùng tệp", en="the same file again", digits=2),
                ],
                rows=_phase_rows(first_phases, again_phases),
            ),
            Table(
                title=Text(vi="Bộ nhớ với tệp lớn", en="Memory on a large file"),
                columns=[
                    Column(key="what", vi="Việc", en="What"),
                    Column(key="seconds", vi="Giây", en="seconds", digits=0),
                    Column(key="mb", vi="**Bộ nhớ đỉnh (MB)**", en="**peak memory (MB)**", digits=0),
                ],
                rows=[
                    {
                        "what": f"`manage.py import_excel --commit`, {_vn(memory_rows)} dòng / rows: {memory_line}",
                        "seconds": round(memory_s),
                        "mb": round(peak_mb),
                    }
                ],
            ),
        ],
        checks=checks,
        setup={
            "data": "migrate, then manage.py seed_demo (bench.settings, DEBUG off); the file is spread over every "
            "current-year class of grades 1–12",
            "rows": rows_wanted,
            "import_export_rows": ie_rows,
            "memory_rows": memory_rows,
        },
        notes=[
            Text(
                vi="Cả hai bên đọc cùng một tệp; đường ống trần không chuẩn hóa, không kiểm tra, không so sánh với dữ "
                "liệu đã có và ghi vào một bảng 30 cột văn bản không có chỉ mục.",
                en="Both read the same file; the bare pipeline neither normalises, checks nor compares with existing "
                "data, and writes into an unindexed table of 30 text columns.",
            ),
            Text(
                vi="Bảng «từng bước» lấy từ nhật ký của phần nhập (`edudb.exchange.pipeline.Phases`). Đường ống trần "
                "cũng phải để calamine phân tích cả tệp như bước «mở trang tính»; bảng của nó không có khoá ngoại, "
                "còn các bảng của hệ thống thì có: PostgreSQL kiểm tra chúng lúc COMMIT (Django tạo khoá ngoại kiểu "
                "DEFERRABLE INITIALLY DEFERRED).",
                en="The 'where the time goes' table comes from what the import logs "
                "(`edudb.exchange.pipeline.Phases`). The bare pipeline also has calamine parse the whole file, as in "
                "'opening the sheet'; its table has no foreign keys, while the system's tables have them, checked by "
                "PostgreSQL at COMMIT (Django makes them DEFERRABLE INITIALLY DEFERRED).",
            ),
        ],
    )
