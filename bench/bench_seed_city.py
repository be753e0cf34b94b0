"""``manage.py seed_demo --scale city``: the whole demo city (≈ 1.1 million learners) written into an empty database.

Runs the command in this process on the scratch database (migrated, nothing else), timing each of the seed's
builders (``build_*`` and ``seed_*`` functions that ``edudb.core.demo.build`` calls, so a builder added later is
timed too), then counts what was written. The baseline, in the same run: the same learners — a sample of the
seeded rows copied with new codes — written once through Django's ``bulk_create`` (the way the seed wrote them
before) and once through the seed's ``BulkTable`` (``COPY`` on PostgreSQL, ``executemany`` on SQLite), inside a
transaction that is rolled back.
"""

from __future__ import annotations

import io
import sys
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from bench import Check, Column, Context, Figures, Table, Text, setting

TITLE = Text(
    vi="Dữ liệu mẫu cỡ thành phố (`seed_demo --scale city`)", en="City-scale demo data (`seed_demo --scale city`)"
)
GOAL = Text(
    vi="`seed_demo --scale city` ghi cả thành phố — khoảng 1,1 triệu học sinh (≥ 1 triệu), khoảng 35 nghìn lớp "
    "(≥ 30 nghìn) và 65 nghìn cán bộ (≥ 60 nghìn) — vào cơ sở dữ liệu trống trong dưới 10 phút trên máy 2 nhân.",
    en="`seed_demo --scale city` writes the whole city — about 1.1 million learners (≥ 1 million), about 35 k classes "
    "(≥ 30 k) and 65 k staff (≥ 60 k) — into an empty database in under 10 minutes on a 2-core machine.",
)
DATA: tuple[str, ...] = ()
MAX_SECONDS = 600
MIN_LEARNERS, MIN_CLASSES, MIN_STAFF = 1_000_000, 30_000, 60_000


def _timed_builders(timings: dict[str, float]) -> Callable[[], None]:
    """Wrap every ``build_*`` / ``seed_*`` function the seed calls so each records its time; returns the undo."""
    from edudb.core.demo import build

    originals: dict[str, Any] = {}
    for name in dir(build):
        value = getattr(build, name)
        if callable(value) and name.startswith(("build_", "seed_")) and name != "seed":
            originals[name] = value

            def timed(*args: Any, _name: str = name, _function: Any = value, **kwargs: Any) -> Any:
                started = time.perf_counter()
                try:
                    return _function(*args, **kwargs)
                finally:
                    timings[_name] = timings.get(_name, 0.0) + time.perf_counter() - started

            setattr(build, name, wraps(value)(timed))

    def undo() -> None:
        for name, value in originals.items():
            setattr(build, name, value)

    return undo


def _seed() -> tuple[float, dict[str, float]]:
    from django.core.management import call_command
    from django.db import connection

    timings: dict[str, float] = {}
    undo = _timed_builders(timings)
    wrapper: Any = connection  # the default connection's wrapper (a proxy object in django.db)
    wrapper.ensure_connection()
    commit = wrapper._commit  # the seed's one transaction: PostgreSQL checks deferred foreign keys here

    def timed_commit() -> None:
        started = time.perf_counter()
        try:
            commit()
        finally:
            timings["commit"] = timings.get("commit", 0.0) + time.perf_counter() - started

    wrapper._commit = timed_commit
    try:
        started = time.perf_counter()
        call_command("seed_demo", "--scale", "city", stdout=io.StringIO())
        total = time.perf_counter() - started
    finally:
        undo()
        del wrapper._commit
    return total, timings


def _described(name: str) -> str:
    """A builder's name and the first line of its docstring (for builders other modules add)."""
    from edudb.core.demo import build

    if name in PHASES:
        return f"`{name}` — {PHASES[name]['vi']} / {PHASES[name]['en']}"
    doc = (getattr(getattr(build, name, None), "__doc__", None) or "").strip().splitlines()
    return f"`{name}` — {doc[0]}" if doc else f"`{name}`"


def _counts() -> dict[str, int]:
    from edudb.accounts.models import Account
    from edudb.core.models import Category, Unit
    from edudb.registry.models import (
        Guardian,
        IssuedCode,
        RoomStock,
        SchoolClass,
        StaffMember,
        Student,
        StudentEvent,
    )

    return {
        "institutions": Unit.objects.filter(kind__category=Category.INSTITUTION).count(),
        "accounts": Account.objects.count(),
        "classes": SchoolClass.objects.count(),
        "staff": StaffMember.objects.count(),
        "learners": Student.objects.count(),
        "guardians": Guardian.objects.count(),
        "issued_codes": IssuedCode.objects.count(),
        "journal": StudentEvent.objects.count(),
        "rooms": RoomStock.objects.count(),
    }


class _RolledBack(Exception):
    """Raised to leave the sample transaction without keeping anything."""


def _sample_rows(size: int) -> tuple[list[dict[str, Any]], dict[int, list[dict[str, Any]]]]:
    """``size`` seeded learners and their guardians as plain values, with fresh codes (the originals are taken)."""
    from edudb.core.demo.people import _STUDENT_COLUMNS
    from edudb.registry.models import Guardian, Student

    students = list(Student.objects.order_by("pk").values("pk", *_STUDENT_COLUMNS)[:size])
    for number, row in enumerate(students):
        row["ministry_code"] = f"39{number:08d}"
        row["personal_id"] = f"099{number:09d}" if row["personal_id"] else None
    guardians: dict[int, list[dict[str, Any]]] = {}
    for guardian in Guardian.objects.filter(student_id__in=[s["pk"] for s in students]).values(
        "student_id", "relation", "full_name", "birth_year", "phone"
    ):
        guardians.setdefault(guardian["student_id"], []).append(dict(guardian))
    return students, guardians


def _write_with_bulk_create(students: list[dict[str, Any]], guardians: dict[int, list[dict[str, Any]]]) -> float:
    """The way the seed wrote learners before: model instances and ``bulk_create`` (its batch sizes)."""
    from django.db import transaction

    from edudb.registry.models import CodeKind, Guardian, IssuedCode, Student

    started = time.perf_counter()
    try:
        with transaction.atomic():
            made = Student.objects.bulk_create(
                [Student(**{k: v for k, v in row.items() if k != "pk"}) for row in students], batch_size=1000
            )
            Guardian.objects.bulk_create(
                [
                    Guardian(student=student, **{k: v for k, v in g.items() if k != "student_id"})
                    for student, row in zip(made, students, strict=True)
                    for g in guardians.get(row["pk"], [])
                ],
                batch_size=2000,
            )
            IssuedCode.objects.bulk_create(
                [IssuedCode(kind=CodeKind.STUDENT, code=row["ministry_code"]) for row in students], batch_size=2000
            )
            elapsed = time.perf_counter() - started
            raise _RolledBack
    except _RolledBack:
        pass
    return elapsed


def _write_with_bulk_table(students: list[dict[str, Any]], guardians: dict[int, list[dict[str, Any]]]) -> float:
    """The seed's writer: ids handed out first, rows as tuples, ``COPY`` / ``executemany``."""
    from django.db import transaction

    from edudb.core.demo.people import _STUDENT_COLUMNS, _tables
    from edudb.registry.models import CodeKind

    started = time.perf_counter()
    try:
        with transaction.atomic():
            tables = _tables()
            ids = tables.students.ids(len(students))
            tables.students.write(
                (pk, *(row[c] for c in _STUDENT_COLUMNS)) for pk, row in zip(ids, students, strict=True)
            )
            tables.guardians.write(
                (pk, g["relation"], g["full_name"], g["birth_year"], g["phone"])
                for pk, row in zip(ids, students, strict=True)
                for g in guardians.get(row["pk"], [])
            )
            tables.codes.write((CodeKind.STUDENT.value, row["ministry_code"]) for row in students)
            elapsed = time.perf_counter() - started
            raise _RolledBack
    except _RolledBack:
        pass
    return elapsed


PHASES = {
    "build_people": Text(vi="Lớp, cán bộ, học sinh, cha mẹ, phòng", en="classes, staff, learners, guardians, rooms"),
    "seed_movements": Text(vi="Nhật ký học sinh (một dòng mỗi em), chuyển trường", en="learners' journal, transfers"),
    "build_school_records": Text(vi="Hồ sơ trường, điểm trường", en="school profiles, sites"),
    "commit": Text(
        vi="Kết thúc giao dịch (cơ sở dữ liệu kiểm tra khoá ngoại hoãn lại của mọi dòng)",
        en="commit (the database checks the deferred foreign keys of every row)",
    ),
}


def run(context: Context) -> Figures:
    from django.db import connection

    sample = setting("BENCH_SEED_SAMPLE", 20_000)
    total, timings = _seed()
    counts = _counts()
    print(f"[bench] seed_demo --scale city: {total:.1f} s, {counts}", file=sys.stderr, flush=True)
    students, guardians = _sample_rows(sample)
    rows = len(students) * 2 + sum(len(g) for g in guardians.values())  # learners, their codes, their guardians
    bulk_create = _write_with_bulk_create(students, guardians)
    bulk_table = _write_with_bulk_table(students, guardians)
    print(
        f"[bench] {len(students)} learners ({rows} rows): bulk_create {bulk_create:.2f} s, BulkTable {bulk_table:.2f} s",
        file=sys.stderr,
        flush=True,
    )

    named = sum(timings.values())
    phase_rows = [
        {
            "phase": _described(name),
            "seconds": round(seconds, 1),
            "share": round(100 * seconds / total, 1),
        }
        for name, seconds in sorted(timings.items(), key=lambda item: -item[1])
    ]
    phase_rows.append(
        {
            "phase": "Đơn vị, tài khoản (một lần băm Argon2), nhật ký hệ thống / units, accounts (one Argon2 hash), audit",
            "seconds": round(total - named, 1),
            "share": round(100 * (total - named) / total, 1),
        }
    )
    phase_rows.append({"phase": "**Tổng / total**", "seconds": round(total, 1), "share": 100.0})
    count_labels = {
        "institutions": Text(vi="Cơ sở giáo dục", en="institutions"),
        "accounts": Text(vi="Tài khoản", en="accounts"),
        "classes": Text(vi="Lớp", en="classes"),
        "staff": Text(vi="Cán bộ", en="staff"),
        "learners": Text(vi="Học sinh", en="learners"),
        "guardians": Text(vi="Cha mẹ, người giám hộ", en="guardians"),
        "issued_codes": Text(vi="Mã đã cấp", en="issued codes"),
        "journal": Text(vi="Dòng nhật ký học sinh", en="journal lines"),
        "rooms": Text(vi="Dòng phòng học", en="room rows"),
    }
    per_second = round(counts["learners"] / total) if total else 0
    writer_rows = [
        {
            "writer": "Django `bulk_create` (mốc chuẩn / baseline)",
            "seconds": round(bulk_create, 2),
            "rows_per_second": round(rows / bulk_create),
            "ratio": 1.0,
        },
        {
            "writer": "`BulkTable` (" + ("COPY" if connection.vendor == "postgresql" else "executemany") + ")",
            "seconds": round(bulk_table, 2),
            "rows_per_second": round(rows / bulk_table),
            "ratio": round(bulk_create / bulk_table, 1),
        },
    ]
    checks = [
        Check(
            vi=f"Xong trong {total / 60:.1f} phút (≤ {MAX_SECONDS // 60} phút)",
            en=f"done in {total / 60:.1f} min (≤ {MAX_SECONDS // 60} min)",
            met=total <= MAX_SECONDS,
        ),
        Check(
            vi=f"{counts['learners']:,} học sinh, {counts['classes']:,} lớp, {counts['staff']:,} cán bộ "
            f"(≥ {MIN_LEARNERS:,}, {MIN_CLASSES:,}, {MIN_STAFF:,})".replace(",", "."),
            en=f"{counts['learners']:,} learners, {counts['classes']:,} classes, {counts['staff']:,} staff "
            f"(≥ {MIN_LEARNERS:,}, {MIN_CLASSES:,}, {MIN_STAFF:,})",
            met=counts["learners"] >= MIN_LEARNERS
            and counts["classes"] >= MIN_CLASSES
            and counts["staff"] >= MIN_STAFF,
        ),
    ]
    return Figures(
        tables=[
            Table(
                title=Text(vi="Thời gian theo bước", en="Time by step"),
                columns=[
                    Column(key="phase", vi="Bước", en="Step"),
                    Column(key="seconds", vi="Giây", en="seconds", digits=1),
                    Column(key="share", vi="%", en="%", digits=1),
                ],
                rows=phase_rows,
            ),
            Table(
                title=Text(vi="Đã ghi", en="Written"),
                columns=[
                    Column(key="what", vi="Bảng", en="What"),
                    Column(key="rows", vi="Số dòng", en="rows"),
                ],
                rows=[
                    {"what": f"{label['vi']} / {label['en']}", "rows": counts[key]}
                    for key, label in count_labels.items()
                ],
            ),
            Table(
                title=Text(
                    vi=f"Ghi {len(students):,} học sinh mẫu (kèm cha mẹ, mã đã cấp: {rows:,} dòng)".replace(",", "."),
                    en=f"Writing {len(students):,} sample learners (with guardians and issued codes: {rows:,} rows)",
                ),
                columns=[
                    Column(key="writer", vi="Cách ghi", en="Writer"),
                    Column(key="seconds", vi="Giây", en="seconds", digits=2),
                    Column(key="rows_per_second", vi="Dòng/giây", en="rows/s"),
                    Column(key="ratio", vi="**Nhanh gấp**", en="**speed-up**", digits=1),
                ],
                rows=writer_rows,
            ),
        ],
        checks=checks,
        setup={
            "data": "migrate, then manage.py seed_demo --scale city in the benchmark process (bench.settings, DEBUG off)",
            "learners_per_second": per_second,
            "sample": f"{len(students)} seeded learners re-written with new codes in a rolled-back transaction",
        },
        notes=[
            Text(
                vi="Mật độ trường ở quy mô thành phố (`CITY_DENSITY` trong `edudb/core/demo/people.py`) được chỉnh "
                "theo tổng số của thành phố; quy mô `demo` giữ mật độ cũ nên dữ liệu dùng thử không đổi.",
                en="The schools' density at city scale (`CITY_DENSITY` in `edudb/core/demo/people.py`) is calibrated "
                "on the city's totals; the `demo` scale keeps the former density, so the demo data is unchanged.",
            ),
            Text(
                vi="Thời gian từng bước đo bằng cách bọc các hàm `build_*`/`seed_*` mà `edudb.core.demo.build` gọi; "
                "phần còn lại (đơn vị, tài khoản với một lần băm Argon2, nhật ký hệ thống) ghi ở dòng riêng.",
                en="Per-step times come from wrapping the `build_*`/`seed_*` functions `edudb.core.demo.build` calls; "
                "the rest (units, accounts with one Argon2 hash, the audit entry) has its own row.",
            ),
        ],
    )
