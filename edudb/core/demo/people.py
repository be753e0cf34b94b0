"""Classes, staff, students (with guardians) and rooms for the demo city, at the density of a real Hải Phòng school.

``scale="demo"`` fills the demo commune and the demo THPT (where the demo accounts work) in full; ``scale="city"``
fills every institution — about 1.1 million learners — in bulk, school by school, so memory stays flat.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import reset_queries

from edudb.core.demo import names
from edudb.core.models import Category, Unit
from edudb.quality.models import CodeItem, items_of
from edudb.registry.models import CodeKind, Guardian, IssuedCode, RoomStock, SchoolClass, Site, StaffMember, Student
from edudb.reporting.models import SchoolYear

GRADES = {"th": range(1, 6), "thcs": range(6, 10), "thpt": range(10, 13), "gdtx": range(10, 13)}
# Teachers per class, roughly what the staffing norms give (TT 20/2023 for general education, TT 19/2023 preschool).
TEACHERS_PER_CLASS = {"mn": 2.0, "th": 1.5, "thcs": 1.9, "thpt": 2.25, "gdtx": 1.8}
# Classes per grade (urban, rural): a city THPT runs 10–14 classes a grade, a village primary school two or three.
CLASSES_PER_GRADE = {
    "mn": ((1, 3), (1, 2)),
    "th": ((3, 7), (2, 4)),
    "thcs": ((3, 7), (2, 4)),
    "thpt": ((10, 14), (7, 11)),
    "gdtx": ((2, 4), (1, 3)),
}
PRESCHOOL_GROUPS = [("Nhà trẻ", "15"), ("Mầm", "16"), ("Chồi", "17"), ("Lá", "18")]  # nhom_tuoi_mam_non codes
_BATCH = 5000


@dataclass
class _Pending:
    students: list[Student] = field(default_factory=list)
    codes: list[IssuedCode] = field(default_factory=list)


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
        self.personal = 0

    def next_student(self) -> str:
        self.student += 1
        return f"31{self.student:08d}"

    def next_staff(self) -> str:
        self.staff += 1
        return f"CB31{self.staff:06d}"

    def personal_id(self, birth: dt.date, female: bool) -> str:
        # CCCD: province of birth registration (031 Hải Phòng), century-and-gender digit, year, running number.
        self.personal += 1
        century = (0 if birth.year < 2000 else 2) + (1 if female else 0)
        return f"031{century}{birth.year % 100:02d}{self.personal:06d}"


def _items(list_code: str) -> dict[str, CodeItem]:
    return {item.code: item for item in items_of(list_code)}


def build_people(units: Iterable[Unit], *, year: SchoolYear, rng: random.Random) -> Counts:
    """Fill ``units`` (institutions) with classes, staff, students, guardians and rooms for ``year``."""
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
    for unit in units:
        if unit.kind.category != Category.INSTITUTION or unit.kind.code == "tthtcd":
            continue
        _school(unit, year, rng, codes, lists, counts, pending)
        if len(pending.students) >= _BATCH:
            _flush(pending, counts)
    _flush(pending, counts)
    return counts


def _school(
    unit: Unit,
    year: SchoolYear,
    rng: random.Random,
    codes: _Codes,
    lists: dict[str, dict[str, CodeItem]],
    counts: Counts,
    pending: _Pending,
) -> None:
    site = Site.objects.filter(unit=unit, is_main=True).first()
    levels = unit.levels or ["th"]
    plan: list[tuple[str, int | None, CodeItem | None]] = []
    urban = "phuong" in unit.address.lower() or "phường" in unit.address.lower()
    for level in levels:
        if level == "mn":
            for label, group in PRESCHOOL_GROUPS:
                for n in range(1, rng.randint(1, 3 if urban else 2) + 1):
                    plan.append((f"{label} {n}", None, lists["nhom_tuoi_mam_non"].get(group)))
        low, high = CLASSES_PER_GRADE[level][0 if urban else 1]
        for grade in GRADES.get(level, ()):
            for n in range(1, rng.randint(low, high) + 1):
                plan.append((f"{grade}A{n}", grade, None))
    staff = _staff(unit, len(plan), levels, rng, codes, lists, counts)
    teachers = [s for s in staff if s.staff_type.code == "2"] or staff
    classes = SchoolClass.objects.bulk_create(
        [
            SchoolClass(
                unit=unit,
                site=site,
                school_year=year,
                name=name,
                grade=grade,
                age_group=group,
                homeroom_teacher=teachers[i % len(teachers)],
                two_sessions=grade is None or grade <= 5,
                max_students=35 if grade is None or grade <= 5 else 45,
            )
            for i, (name, grade, group) in enumerate(plan)
        ]
    )
    counts.classes += len(classes)
    for school_class in classes:
        size = rng.randint(20, 32) if school_class.grade is None else rng.randint(30, 45)
        for _ in range(size):
            _student(unit, school_class, year, rng, codes, lists, pending)
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
) -> list[StaffMember]:
    ratio = max(TEACHERS_PER_CLASS.get(level, 1.5) for level in levels)
    kinds = [("1", "HT")] + [("1", "PHT")] * (1 if n_classes < 20 else 2)
    kinds += [("2", "GV")] * max(1, round(n_classes * ratio))
    kinds += [("3", code) for code in rng.sample(["KT", "VT", "YT", "TV", "BV", "PV"], rng.randint(3, 6))]
    degrees = [lists["trinh_do_dao_tao"][c] for c in ("THS", "DH", "DH", "DH", "DH", "CD")]
    people = []
    for staff_type, position in kinds:
        female = rng.random() < (0.9 if "mn" in levels or "th" in levels else 0.7)
        birth = dt.date(rng.randint(1966, 2001), rng.randint(1, 12), rng.randint(1, 28))
        people.append(
            StaffMember(
                unit=unit,
                full_name=names.person(rng, female_share=1.0 if female else 0.0),
                birth_date=birth,
                gender=lists["gioi_tinh"]["2" if female else "1"],
                ethnicity=lists["dan_toc"]["01"],
                ministry_code=codes.next_staff(),
                staff_type=lists["loai_can_bo"][staff_type],
                position=lists["chuc_vu"][position],
                qualification=rng.choice(degrees),
                work_status=lists["trang_thai_can_bo"]["01"],
                standard_assessment=rng.choice(list(lists["danh_gia_chuan_nghe_nghiep"].values())),
                joined_on=dt.date(birth.year + rng.randint(21, 26), 9, 1),
            )
        )
    made = StaffMember.objects.bulk_create(people)
    counts.staff += len(made)
    IssuedCode.objects.bulk_create([IssuedCode(kind=CodeKind.STAFF, code=s.ministry_code or "") for s in made])
    return made


def _student(
    unit: Unit,
    school_class: SchoolClass,
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
        else {"15": 2, "16": 3, "17": 4, "18": 5}.get(
            school_class.age_group.code if school_class.age_group else "18", 5
        )
    )
    birth = dt.date(year.start_year - age, rng.randint(1, 12), rng.randint(1, 28))
    code = codes.next_student()
    student = Student(
        unit=unit,
        full_name=names.person(rng, female_share=1.0 if female else 0.0),
        birth_date=birth,
        gender=lists["gioi_tinh"]["2" if female else "1"],
        ethnicity=lists["dan_toc"]["01" if rng.random() < 0.985 else rng.choice(["02", "03", "04", "06", "07"])],
        nationality=lists["quoc_tich"].get("VN"),
        ministry_code=code,
        personal_id=codes.personal_id(birth, female) if rng.random() < 0.93 else None,
        school_class=school_class,
        status=lists["trang_thai_hoc_sinh"]["01"],
        enrolled_on=year.starts_on,
        home_commune_code=unit.commune_code,
        home_address=unit.address.split(",", 1)[-1].strip(),
        semi_boarding=school_class.two_sessions and rng.random() < 0.6,
    )
    pending.students.append(student)
    pending.codes.append(IssuedCode(kind=CodeKind.STUDENT, code=code))


def _flush(pending: _Pending, counts: Counts) -> None:
    students = Student.objects.bulk_create(pending.students, batch_size=1000)
    rng = random.Random(len(students))  # noqa: S311 - made-up demo data
    guardians = []
    for student in students:
        for relation, share in ((Guardian.Relation.FATHER, 0.0), (Guardian.Relation.MOTHER, 1.0)):
            if rng.random() < 0.92:
                guardians.append(
                    Guardian(
                        student=student,
                        relation=relation,
                        full_name=names.person(rng, female_share=share),
                        birth_year=student.birth_date.year - rng.randint(24, 38),
                        phone=f"09{rng.randint(10_000_000, 99_999_999)}",
                    )
                )
    Guardian.objects.bulk_create(guardians, batch_size=2000)
    IssuedCode.objects.bulk_create(pending.codes, batch_size=2000)
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
