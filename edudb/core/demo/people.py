"""Classes, staff, students (with guardians) and rooms for the demo city, at the density of a real Hải Phòng school.

``scale="demo"`` fills the demo commune and the demo THPT (where the demo accounts work) in full; ``scale="city"``
fills every institution — about 1.1 million learners, 33 k classes, 70 k staff — in bulk, school by school, so
memory stays flat. The large tables (students, guardians, staff, issued codes) are written by :class:`BulkTable`:
``COPY`` on PostgreSQL, one ``executemany`` per batch on SQLite.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache, partial
from typing import Any

from django.db import connection, models, reset_queries
from django.utils import timezone

from edudb.core.demo import names
from edudb.core.models import Category, Unit
from edudb.quality.models import CodeItem, items_of
from edudb.quality.text import search_key
from edudb.registry.forms_classes import legal_class_size
from edudb.registry.models import CodeKind, Guardian, IssuedCode, RoomStock, SchoolClass, Site, StaffMember, Student
from edudb.reporting.models import SchoolYear

GRADES = {"th": range(1, 6), "thcs": range(6, 10), "thpt": range(10, 13), "gdtx": range(10, 13)}
# Teachers per class, roughly what the staffing norms give (TT 20/2023 for general education, TT 19/2023 preschool).
TEACHERS_PER_CLASS = {"mn": 2.0, "th": 1.5, "thcs": 1.9, "thpt": 2.25, "gdtx": 1.8}
PRESCHOOL_GROUPS = [("Nhà trẻ", "15"), ("Mầm", "16"), ("Chồi", "17"), ("Lá", "18")]  # nhom_tuoi_mam_non codes
_BATCH = 5000


@dataclass(frozen=True)
class Density:
    """How big the schools are: classes per grade (urban, rural), preschool groups per age group, class sizes.

    ``classes_per_grade`` has an entry for every level (``mn`` included, though preschools count groups per age)."""

    classes_per_grade: dict[str, tuple[tuple[int, int], tuple[int, int]]]
    groups_per_age: tuple[int, int, int]  # preschool groups of one age: at least, at most in town, in the country
    group_size: tuple[int, int]  # children in a preschool group
    class_size: dict[str, tuple[int, int]]  # learners in a class, by level


# The demo accounts' commune and THPT, as the published demo (its output, screenshots and tests) was made: a city
# THPT runs 10–14 classes a grade, a village primary school two or three.
DEMO_DENSITY = Density(
    classes_per_grade={
        "mn": ((1, 3), (1, 2)),
        "th": ((3, 7), (2, 4)),
        "thcs": ((3, 7), (2, 4)),
        "thpt": ((10, 14), (7, 11)),
        "gdtx": ((2, 4), (1, 3)),
    },
    groups_per_age=(1, 3, 2),
    group_size=(20, 32),
    class_size={"th": (30, 45), "thcs": (30, 45), "thpt": (30, 45), "gdtx": (30, 45)},
)
# Every school of the city, calibrated on the city's totals after the 2025 merger (≈ 1.1 million learners in
# ≈ 35 k classes, ≈ 65 k staff): at the demo's density the 1,527 schools with learners held only 778 k learners in
# 22 k classes. Preschools run two to five groups of each age, primary classes stay within the 35 of TT 28/2020,
# and staff follow the same norms as above (≈ 71 k, a little over the city's figure).
CITY_DENSITY = Density(
    classes_per_grade={
        "mn": ((1, 3), (1, 2)),
        "th": ((5, 9), (4, 7)),
        "thcs": ((4, 8), (3, 6)),
        "thpt": ((11, 15), (8, 12)),
        "gdtx": ((2, 4), (1, 3)),
    },
    groups_per_age=(2, 5, 4),
    group_size=(20, 32),
    class_size={"th": (28, 35), "thcs": (36, 45), "thpt": (38, 45), "gdtx": (30, 45)},
)
DENSITY = {"demo": DEMO_DENSITY, "city": CITY_DENSITY}
# The scale ``seed_demo --scale`` asked for, read by build_people when its caller passes no density.
current_scale: ContextVar[str] = ContextVar("demo_scale", default="demo")


@contextlib.contextmanager
def at_scale(scale: str) -> Iterator[None]:
    """Seed at ``scale`` ("demo" or "city") inside the block."""
    token = current_scale.set(scale)
    try:
        yield
    finally:
        current_scale.reset(token)


_PLAIN_FIELDS: frozenset[type[models.Field[Any, Any]]] = frozenset(
    {
        models.CharField,
        models.TextField,
        models.BooleanField,
        models.IntegerField,
        models.SmallIntegerField,
        models.BigIntegerField,
        models.PositiveIntegerField,
        models.PositiveSmallIntegerField,
        models.ForeignKey,
    }
)
_PLAIN_FIELDS_POSTGRESQL = _PLAIN_FIELDS | {models.DateField, models.DateTimeField}


class BulkTable:
    """Rows of one model written straight into its table, in database form, with ids handed out beforehand.

    Why not ``bulk_create``: profiled on a city-scale seed (SQLite, 2 cores), ``bulk_create`` took 75 % of the
    time compiling SQL — every value of every model instance goes through its field's ``get_db_prep_save`` and
    the SQL compiler — and building the model instances most of the rest; the database itself spent 5 %. Here a
    row is a plain tuple of the given columns, every other column takes its default once (``auto_now`` times:
    now), exactly as ``bulk_create`` would write them; PostgreSQL receives the rows through ``COPY`` (a data
    stream, no statement to parse per batch), SQLite through one ``executemany``. The raw driver connection is used,
    inside the caller's transaction, so Django's debug cursor does not format every statement either.

    With ``ids=True`` each row starts with its primary key, taken from :meth:`ids` (the table's own sequence on
    PostgreSQL; on SQLite, which the writing transaction holds locked, the next free numbers), so rows that point
    at these ones can be built before they are written.
    """

    def __init__(self, model: type[models.Model], given: Sequence[str], *, ids: bool = False) -> None:
        meta = model._meta
        now = timezone.now()
        by_name = {f.attname: f for f in meta.concrete_fields}
        pk: Any = meta.pk
        rest = [f for f in meta.concrete_fields if f is not pk and f.attname not in given]
        self.fixed = tuple(
            f.get_db_prep_save(
                now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) else f.get_default(),
                connection,
            )
            for f in rest
        )
        self.postgresql = connection.vendor == "postgresql"
        offset = 1 if ids else 0
        # Values of plain fields go to the driver as they are (ids, text, numbers, booleans; dates too on
        # PostgreSQL, whose driver adapts them); every other field prepares its own (SQLite stores dates as text,
        # a sealed field encrypts the personal ID…).
        plain = _PLAIN_FIELDS_POSTGRESQL if self.postgresql else _PLAIN_FIELDS
        self.convert = [
            (offset + i, _prepare_for(by_name[name]))
            for i, name in enumerate(given)
            if type(by_name[name]) not in plain
        ]
        columns = ([pk.column] if ids else []) + [by_name[name].column for name in given] + [f.column for f in rest]
        quote = connection.ops.quote_name
        self.table = meta.db_table
        self.pk_column = pk.column
        listed = ", ".join(quote(str(c)) for c in columns)
        if self.postgresql:
            self.sql = f"COPY {quote(self.table)} ({listed}) FROM STDIN"
        else:
            marks = ", ".join("?" * len(columns))
            self.sql = f"INSERT INTO {quote(self.table)} ({listed}) VALUES ({marks})"  # noqa: S608 - model metadata
        self._next_id: int | None = None
        self.count = 0

    def ids(self, n: int) -> list[int]:
        """``n`` new primary keys for rows about to be written."""
        if n == 0:
            return []
        connection.ensure_connection()
        raw: Any = connection.connection
        if self.postgresql:
            with raw.cursor() as cursor:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [self.table, self.pk_column, n],
                )
                return [row[0] for row in cursor.fetchall()]
        if self._next_id is None:  # AUTOINCREMENT: above the highest id the table ever had
            quote = connection.ops.quote_name
            highest = raw.execute(f"SELECT max({quote(self.pk_column)}) FROM {quote(self.table)}").fetchone()[0]  # noqa: S608
            seen = raw.execute("SELECT seq FROM sqlite_sequence WHERE name = ?", [self.table]).fetchone()
            self._next_id = max(highest or 0, seen[0] if seen else 0) + 1
        first = self._next_id
        self._next_id += n
        return list(range(first, first + n))

    def write(self, rows: Iterable[tuple[Any, ...]]) -> int:
        """Insert ``rows`` (tuples of the given columns, after the id when the table hands them out)."""
        connection.ensure_connection()
        raw: Any = connection.connection
        fixed = self.fixed
        written = 0
        if self.postgresql:
            with raw.cursor() as cursor, cursor.copy(self.sql) as copy:
                for row in rows:
                    copy.write_row(self._prepare(row) + fixed)
                    written += 1
        else:
            prepared = [self._prepare(row) + fixed for row in rows]
            raw.executemany(self.sql, prepared)
            written = len(prepared)
        self.count += written
        return written

    def _prepare(self, row: tuple[Any, ...]) -> tuple[Any, ...]:
        if not self.convert:
            return row
        values = list(row)
        for index, prepare in self.convert:
            values[index] = prepare(values[index])
        return tuple(values)


def _prepare_for(model_field: models.Field[Any, Any]) -> Callable[[Any], Any]:
    """How a value of ``model_field`` is put in database form (SQLite keeps a date as its ISO text, which is what
    the field's own ``get_db_prep_save`` gives, at a fraction of the cost)."""
    if type(model_field) is models.DateField and connection.vendor == "sqlite":
        return _iso_date
    return partial(model_field.get_db_prep_save, connection=connection)


def _iso_date(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


@dataclass
class _Tables:
    students: BulkTable
    guardians: BulkTable
    staff: BulkTable
    codes: BulkTable


_STUDENT_COLUMNS = (
    "unit_id",
    "full_name",
    "name_key",
    "birth_date",
    "gender_id",
    "ethnicity_id",
    "nationality_id",
    "ministry_code",
    "personal_id",
    "school_class_id",
    "status_id",
    "enrolled_on",
    "home_commune_code",
    "home_address",
    "semi_boarding",
)
_STAFF_COLUMNS = (
    "unit_id",
    "full_name",
    "name_key",
    "birth_date",
    "gender_id",
    "ethnicity_id",
    "ministry_code",
    "staff_type_id",
    "position_id",
    "qualification_id",
    "work_status_id",
    "standard_assessment_id",
    "joined_on",
)


def _tables() -> _Tables:
    return _Tables(
        students=BulkTable(Student, _STUDENT_COLUMNS, ids=True),
        guardians=BulkTable(Guardian, ("student_id", "relation", "full_name", "birth_year", "phone")),
        staff=BulkTable(StaffMember, _STAFF_COLUMNS, ids=True),
        codes=BulkTable(IssuedCode, ("kind", "code")),
    )


@dataclass
class _Pending:
    students: list[tuple[Any, ...]] = field(default_factory=list)  # _STUDENT_COLUMNS
    codes: list[str] = field(default_factory=list)  # the students' Ministry codes


@dataclass
class Counts:
    classes: int = 0
    staff: int = 0
    students: int = 0
    guardians: int = 0
    rooms: int = 0
    by_school: dict[str, int] = field(default_factory=dict)


class _Codes:
    """Running Ministry codes for the seeded city: '31' + 8 digits for students, 'CB31' + 6 for staff."""

    def __init__(self) -> None:
        self.student = 0
        self.staff = 0
        self.personal: Counter[str] = Counter()

    def next_student(self) -> str:
        self.student += 1
        return f"31{self.student:08d}"

    def next_staff(self) -> str:
        self.staff += 1
        return f"CB31{self.staff:06d}"

    def personal_id(self, birth: dt.date, female: bool) -> str:
        # CCCD: province of birth registration (031 Hải Phòng), century-and-gender digit, year, then a running
        # number of six digits — counted per prefix, so a city of a million learners never runs past 999 999.
        century = (0 if birth.year < 2000 else 2) + (1 if female else 0)
        prefix = f"031{century}{birth.year % 100:02d}"
        self.personal[prefix] += 1
        return f"{prefix}{self.personal[prefix]:06d}"


# Names repeat (a few hundred thousand distinct ones in a city), so their search keys are worked out once each.
_name_key = cache(search_key)


def _items(list_code: str) -> dict[str, CodeItem]:
    return {item.code: item for item in items_of(list_code)}


def build_people(
    units: Iterable[Unit], *, year: SchoolYear, rng: random.Random, density: Density | None = None
) -> Counts:
    """Fill ``units`` (institutions) with classes, staff, students, guardians and rooms for ``year``, as big as
    ``density`` says (default: that of the scale ``seed_demo`` runs at, see :func:`at_scale`)."""
    density = density or DENSITY[current_scale.get()]
    codes = _Codes()
    lists = {
        name: _items(name)
        for name in (
            "gioi_tinh",
            "dan_toc",
            "quoc_tich",
            "trang_thai_hoc_sinh",
            "loai_can_bo",
            "chuc_vu",
            "hinh_thuc_hop_dong",
            "trinh_do_dao_tao",
            "trang_thai_can_bo",
            "nhom_tuoi_mam_non",
            "loai_phong",
            "danh_gia_chuan_nghe_nghiep",
        )
    }
    counts = Counts()
    pending = _Pending()
    tables = _tables()
    for unit in units:
        if unit.kind.category != Category.INSTITUTION or unit.kind.code == "tthtcd":
            continue
        _school(unit, year, rng, codes, lists, counts, pending, tables, density)
        if len(pending.students) >= _BATCH:
            _flush(pending, counts, tables)
    _flush(pending, counts, tables)
    return counts


@dataclass(frozen=True)
class _Class:
    """What a new student's row needs of its class."""

    pk: int
    grade: int | None
    age_code: str | None
    two_sessions: bool


def _school(
    unit: Unit,
    year: SchoolYear,
    rng: random.Random,
    codes: _Codes,
    lists: dict[str, dict[str, CodeItem]],
    counts: Counts,
    pending: _Pending,
    tables: _Tables,
    density: Density,
) -> None:
    site = Site.objects.filter(unit=unit, is_main=True).first()
    levels = unit.levels or ["th"]
    plan: list[tuple[str, int | None, CodeItem | None, str]] = []
    urban = "phuong" in unit.address.lower() or "phường" in unit.address.lower()
    fewest_groups, most_urban, most_rural = density.groups_per_age
    for level in levels:
        if level == "mn":
            for label, group in PRESCHOOL_GROUPS:
                for n in range(1, rng.randint(fewest_groups, most_urban if urban else most_rural) + 1):
                    plan.append((f"{label} {n}", None, lists["nhom_tuoi_mam_non"].get(group), level))
        low, high = density.classes_per_grade[level][0 if urban else 1]
        for grade in GRADES.get(level, ()):
            for n in range(1, rng.randint(low, high) + 1):
                plan.append((f"{grade}A{n}", grade, None, level))
    teachers = _staff(unit, len(plan), levels, rng, codes, lists, counts, tables)
    classes = SchoolClass.objects.bulk_create(
        [
            SchoolClass(
                unit=unit,
                site=site,
                school_year=year,
                name=name,
                grade=grade,
                age_group=group,
                homeroom_teacher_id=teachers[i % len(teachers)],
                two_sessions=grade is None or grade <= 5,
                max_students=legal_class_size(grade, group, [level]),
            )
            for i, (name, grade, group, level) in enumerate(plan)
        ]
    )
    counts.classes += len(classes)
    for school_class, (_, _, _, level) in zip(classes, plan, strict=True):
        low, high = density.group_size if school_class.grade is None else density.class_size[level]
        size = rng.randint(low, high)
        place = _Class(
            pk=school_class.pk,
            grade=school_class.grade,
            age_code=school_class.age_group.code if school_class.age_group else None,
            two_sessions=school_class.two_sessions,
        )
        for _ in range(size):
            _student(unit, place, year, rng, codes, lists, pending)
    if site is not None:
        counts.rooms += _rooms(unit, site, year, len(classes), rng, lists["loai_phong"])


def _staff(
    unit: Unit,
    n_classes: int,
    levels: list[str],
    rng: random.Random,
    codes: _Codes,
    lists: dict[str, dict[str, CodeItem]],
    counts: Counts,
    tables: _Tables,
) -> list[int]:
    """Write the school's staff; returns the ids of its teachers (of everyone, if it has no teacher)."""
    ratio = max(TEACHERS_PER_CLASS.get(level, 1.5) for level in levels)
    kinds = [("1", "HT")] + [("1", "PHT")] * (1 if n_classes < 20 else 2)
    kinds += [("2", "GV")] * max(1, round(n_classes * ratio))
    kinds += [("3", code) for code in rng.sample(["KT", "VT", "YT", "TV", "BV", "PV"], rng.randint(3, 6))]
    degrees = [lists["trinh_do_dao_tao"][c].pk for c in ("THS", "DH", "DH", "DH", "DH", "CD")]
    assessments = [item.pk for item in lists["danh_gia_chuan_nghe_nghiep"].values()]
    male, female_ = lists["gioi_tinh"]["1"].pk, lists["gioi_tinh"]["2"].pk
    kinh, working = lists["dan_toc"]["01"].pk, lists["trang_thai_can_bo"]["01"].pk
    female_share = 0.9 if "mn" in levels or "th" in levels else 0.7
    ids = tables.staff.ids(len(kinds))
    rows = []
    for pk, (staff_type, position) in zip(ids, kinds, strict=True):
        female = rng.random() < female_share
        birth = dt.date(rng.randint(1966, 2001), rng.randint(1, 12), rng.randint(1, 28))
        full_name = names.person(rng, female_share=1.0 if female else 0.0)
        code = codes.next_staff()
        qualification = rng.choice(degrees)
        assessment = rng.choice(assessments)
        joined_on = dt.date(birth.year + rng.randint(21, 26), 9, 1)
        rows.append(
            (
                pk,
                unit.pk,
                full_name,
                _name_key(full_name),
                birth,
                female_ if female else male,
                kinh,
                code,
                lists["loai_can_bo"][staff_type].pk,
                lists["chuc_vu"][position].pk,
                qualification,
                working,
                assessment,
                joined_on,
            )
        )
    counts.staff += tables.staff.write(rows)
    tables.codes.write((CodeKind.STAFF.value, row[1 + _STAFF_COLUMNS.index("ministry_code")]) for row in rows)
    teachers = [pk for pk, (staff_type, _) in zip(ids, kinds, strict=True) if staff_type == "2"]
    return teachers or ids


def _student(
    unit: Unit,
    school_class: _Class,
    year: SchoolYear,
    rng: random.Random,
    codes: _Codes,
    lists: dict[str, dict[str, CodeItem]],
    pending: _Pending,
) -> None:
    female = rng.random() < 0.485
    age = (
        (school_class.grade + 5)
        if school_class.grade
        else {"15": 2, "16": 3, "17": 4, "18": 5}.get(school_class.age_code or "18", 5)
    )
    birth = dt.date(year.start_year - age, rng.randint(1, 12), rng.randint(1, 28))
    code = codes.next_student()
    full_name = names.person(rng, female_share=1.0 if female else 0.0)
    ethnicity = lists["dan_toc"]["01" if rng.random() < 0.985 else rng.choice(["02", "03", "04", "06", "07"])]
    personal_id = codes.personal_id(birth, female) if rng.random() < 0.93 else None
    nationality = lists["quoc_tich"].get("VN")
    pending.students.append(
        (
            unit.pk,
            full_name,
            _name_key(full_name),
            birth,
            lists["gioi_tinh"]["2" if female else "1"].pk,
            ethnicity.pk,
            nationality.pk if nationality else None,
            code,
            personal_id,
            school_class.pk,
            lists["trang_thai_hoc_sinh"]["01"].pk,
            year.starts_on,
            unit.commune_code,
            unit.address.split(",", 1)[-1].strip(),
            school_class.two_sessions and rng.random() < 0.6,
        )
    )
    pending.codes.append(code)


def _flush(pending: _Pending, counts: Counts, tables: _Tables) -> None:
    students = pending.students
    ids = tables.students.ids(len(students))
    tables.students.write((pk, *row) for pk, row in zip(ids, students, strict=True))
    rng = random.Random(len(students))  # noqa: S311 - made-up demo data
    guardians = []
    birth_at = _STUDENT_COLUMNS.index("birth_date")
    for pk, row in zip(ids, students, strict=True):
        born: dt.date = row[birth_at]
        for relation, share in ((Guardian.Relation.FATHER, 0.0), (Guardian.Relation.MOTHER, 1.0)):
            if rng.random() < 0.92:
                guardians.append(
                    (
                        pk,
                        relation.value,
                        names.person(rng, female_share=share),
                        born.year - rng.randint(24, 38),
                        f"09{rng.randint(10_000_000, 99_999_999)}",
                    )
                )
    tables.guardians.write(guardians)
    tables.codes.write((CodeKind.STUDENT.value, code) for code in pending.codes)
    counts.students += len(students)
    counts.guardians += len(guardians)
    pending.students.clear()
    pending.codes.clear()
    reset_queries()  # with DEBUG on, Django keeps every query; a city-size seed would hold them all


def _rooms(
    unit: Unit, site: Site, year: SchoolYear, n_classes: int, rng: random.Random, kinds: dict[str, CodeItem]
) -> int:
    wanted = {"PH": n_classes, "TV": 1, "PYT": 1, "WC_GV_NAM": 1, "WC_GV_NU": 1, "WC_HS_NAM": 2, "WC_HS_NU": 2}
    rows = []
    for code, count in wanted.items():
        kind = kinds.get(code)
        if kind is None or count == 0:
            continue
        solid = count if rng.random() < 0.8 else max(0, count - rng.randint(1, 2))
        semi = count - solid
        per_room = Decimal(rng.randint(48, 60) if code == "PH" else rng.randint(15, 40))
        rows.append(
            RoomStock(
                unit=unit,
                site=site,
                school_year=year,
                room_kind=kind,
                count_solid=solid,
                count_semi=semi,
                area_solid=per_room * solid,
                area_semi=per_room * semi,
            )
        )
    RoomStock.objects.bulk_create(rows)
    return len(rows)
