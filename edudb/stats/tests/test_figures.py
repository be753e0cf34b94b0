"""Every figure against an independent recount over the raw records (issue: statistics, "Correctness").

Hypothesis draws random data sets for the cast's schools — learners of any grade, gender and status (on the roll
or not), classes, staff, rooms — and the roll-ups must equal a recount done here in plain Python over
``values()`` of the records, without the catalogue's expressions; the totals must add up across the levels of
the tree (a school, its commune, the Sở), breakdowns must sum to totals, and a school sees only itself.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import Cast
from edudb.quality.models import items_of
from edudb.quality.rules import PRESENT_STUDENT, WORKING_STAFF
from edudb.registry.models import RoomStock, SchoolClass, Site, StaffMember, Student
from edudb.reporting.models import SchoolYear
from edudb.stats import aggregate, compute, indicators
from edudb.stats.aggregate import Source
from edudb.stats.models import Figure

SCHOOLS = ("school_a1", "school_a2", "school_b1", "school_b2", "thpt")
STATUSES = ("01", "02", "04", "05", "06", "10", "12")  # on the roll and not
GRADES = (None, 1, 2, 6, 9, 10, 12)

student = st.tuples(
    st.sampled_from(SCHOOLS), st.sampled_from(GRADES), st.sampled_from(("1", "2")), st.sampled_from(STATUSES)
)
staff = st.tuples(
    st.sampled_from(SCHOOLS),
    st.sampled_from(("1", "2", "3")),
    st.sampled_from(("1", "2")),
    st.sampled_from(("01", "03", "09")),
)
klass = st.tuples(st.sampled_from(SCHOOLS), st.sampled_from(GRADES), st.booleans(), st.booleans())
rooms = st.tuples(st.sampled_from(SCHOOLS), st.sampled_from(("PH", "TV")), st.integers(0, 30), st.integers(0, 5))
dataset = st.fixed_dictionaries(
    {
        "students": st.lists(student, max_size=40),
        "staff": st.lists(staff, max_size=15),
        "classes": st.lists(klass, max_size=10),
        "rooms": st.lists(rooms, max_size=6, unique_by=lambda r: (r[0], r[1])),
    }
)


def code(list_code: str, value: str) -> Any:
    return items_of(list_code).get(code=value)


def load(cast: Cast, data: dict[str, list[Any]]) -> None:
    """Write a drawn data set: each learner in a class of its grade (created on demand), or in none."""
    year = SchoolYear.objects.get(is_current=True)
    classes: dict[tuple[str, int | None], SchoolClass] = {}

    def class_of(school: str, grade: int | None, mixed: bool = False, two: bool = False) -> SchoolClass:
        key = (school, grade)
        if key not in classes or mixed or two:
            n = len(classes) + SchoolClass.objects.count()
            made = SchoolClass.objects.create(
                unit=cast.units[school], school_year=year, name=f"L{n}", grade=grade, is_mixed=mixed, two_sessions=two
            )
            classes.setdefault(key, made)
            return made
        return classes[key]

    for school, grade, mixed, two in data["classes"]:
        class_of(school, grade, mixed, two)
    for i, (school, grade, gender, status) in enumerate(data["students"]):
        Student.objects.create(
            unit=cast.units[school],
            full_name=f"Học Sinh {i}",
            birth_date=dt.date(2015, 1, 1),
            gender=code("gioi_tinh", gender),
            status=code("trang_thai_hoc_sinh", status),
            school_class=class_of(school, grade) if grade is not None else None,
            temporary_code=f"TMP-P{i:06d}",
        )
    for i, (school, kind, gender, status) in enumerate(data["staff"]):
        StaffMember.objects.create(
            unit=cast.units[school],
            full_name=f"Cán Bộ {i}",
            birth_date=dt.date(1985, 1, 1),
            gender=code("gioi_tinh", gender),
            staff_type=code("loai_can_bo", kind),
            work_status=code("trang_thai_can_bo", status),
        )
    for school, kind, solid, temporary in data["rooms"]:
        site, _ = Site.objects.get_or_create(unit=cast.units[school], code="DC", defaults={"name": "Điểm chính"})
        RoomStock.objects.create(
            unit=cast.units[school],
            site=site,
            school_year=year,
            room_kind=code("loai_phong", kind),
            count_solid=solid,
            count_temporary=temporary,
            area_solid=Decimal(solid * 48),
        )


def recount_students(unit_ids: set[int]) -> Counter[tuple[str, str]]:
    """Learners on the roll by (grade key, gender code), from the raw rows."""
    counts: Counter[tuple[str, str]] = Counter()
    rows = Student.objects.filter(unit_id__in=unit_ids).values_list(
        "status__code", "gender__code", "school_class__grade", "school_class__age_group__code"
    )
    for status, gender, grade, age_group in rows:
        if status not in PRESENT_STUDENT:
            continue
        key = str(grade) if grade is not None else (f"MN-{age_group}" if age_group else "")
        counts[(key, gender)] += 1
    return counts


def recount_staff(unit_ids: set[int]) -> Counter[tuple[str, str]]:
    rows = StaffMember.objects.filter(unit_id__in=unit_ids).values_list(
        "work_status__code", "staff_type__code", "gender__code"
    )
    return Counter((kind, gender) for status, kind, gender in rows if status in WORKING_STAFF)


def live_cells(indicator: str, unit_ids: set[int]) -> Counter[tuple[str, str]]:
    counts: Counter[tuple[str, str]] = Counter()
    for a, b, value in Figure.objects.filter(
        submission__isnull=True, indicator=indicator, unit_id__in=unit_ids
    ).values_list("a", "b", "value"):
        counts[(a, b)] += int(value)
    return +counts


def column_sum(rows: list[Any], column: int) -> int:
    return sum(int(row.values[column] or 0) for row in rows)


def subtree_ids(cast: Cast, name: str) -> set[int]:
    root = cast.units[name]
    return {unit.pk for unit in cast.units.values() if unit.path.startswith(root.path)}


@pytest.mark.django_db
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(data=dataset)
def test_figures_equal_an_independent_recount_and_add_up(cast: Cast, data: dict[str, list[Any]]) -> None:
    with transaction.atomic():
        load(cast, data)
        compute.unscoped_refresh_live()
        for name in ("school_a1", "school_b2", "thpt", "commune_a", "commune_b", "so"):
            ids = subtree_ids(cast, name)
            assert live_cells("hoc_sinh", ids) == +recount_students(ids), name
            assert live_cells("doi_ngu", ids) == +recount_staff(ids), name

        # Classes, and the ones that are mixed or two-session, by grade.
        classes = Counter(str(g) if g is not None else "" for g in SchoolClass.objects.values_list("grade", flat=True))
        assert live_cells("lop", subtree_ids(cast, "so")) == +Counter({(k, ""): n for k, n in classes.items()})
        mixed = Counter(
            str(g) if g is not None else ""
            for g in SchoolClass.objects.filter(is_mixed=True).values_list("grade", flat=True)
        )
        assert live_cells("lop_ghep", subtree_ids(cast, "so")) == +Counter({(k, ""): n for k, n in mixed.items()})
        # Every status counted, on the roll or not; rooms summed by build quality.
        statuses = Counter(Student.objects.values_list("status__code", flat=True))
        assert live_cells("hoc_sinh_trang_thai", subtree_ids(cast, "so")) == +Counter(
            {(k, ""): n for k, n in statuses.items()}
        )
        rooms: Counter[tuple[str, str]] = Counter()
        for kind, solid, temporary in RoomStock.objects.values_list(
            "room_kind__code", "count_solid", "count_temporary"
        ):
            rooms[(kind, "solid")] += solid
            rooms[(kind, "temporary")] += temporary
        assert live_cells("phong", subtree_ids(cast, "so")) == +rooms

        # Totals add up across levels, breakdowns sum to totals, each as the Sở reads them through the pages' code.
        hoc_sinh = indicators.by_code()["hoc_sinh"]
        city = aggregate.indicator_table(cast.so_admin, indicator=hoc_sinh, source=Source(), at=cast.so)
        assert city.total is not None
        assert (
            city.total.values[0] == column_sum(city.rows, 0) == sum(recount_students(subtree_ids(cast, "so")).values())
        )
        for column in range(len(city.columns)):
            assert city.total.values[column] == column_sum(city.rows, column)
        by_gender = [i for i, c in enumerate(city.columns) if c.key.startswith("total:")]
        assert sum(int(city.total.values[i] or 0) for i in by_gender) == city.total.values[0]
        commune = aggregate.indicator_table(cast.so_admin, indicator=hoc_sinh, source=Source(), at=cast.commune_a)
        assert commune.total is not None
        commune_row = next(row for row in city.rows if row.code == cast.commune_a.code) if commune.rows else None
        if commune_row is not None:
            assert commune_row.values[0] == commune.total.values[0] == column_sum(commune.rows, 0)
        # A school's figures are its records, and it sees no one else's — not even in a total.
        school = aggregate.category_table(cast.school_a1_user, indicator=hoc_sinh, source=Source(), at=cast.school_a1)
        seen_from_school = aggregate.indicator_table(
            cast.school_a1_user, indicator=hoc_sinh, source=Source(), at=cast.school_a1
        )
        own = sum(recount_students({cast.school_a1.pk}).values())
        assert school.total is not None and school.total.values[0] == own
        assert seen_from_school.total is not None and seen_from_school.total.values[0] == own
        key = {k.code: k.value for k in aggregate.key_figures(cast.school_a1_user, Source(), cast.school_a1)}
        assert key["hoc_sinh"] == own
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_ratios_are_quotients_of_sums(cast: Cast) -> None:
    load(
        cast,
        {
            "students": [("school_a1", 1, "1", "01")] * 30 + [("school_a2", 6, "2", "01")] * 10,
            "staff": [("school_a1", "2", "2", "01")] * 2
            + [("school_a2", "2", "1", "01")] * 3
            + [("school_a2", "3", "1", "01")],
            "classes": [],
            "rooms": [("school_a1", "PH", 4, 0)],
        },
    )
    compute.unscoped_refresh_live()
    table = aggregate.ratio_table(cast.so_admin, source=Source(), at=cast.so)
    assert table.total is not None
    values = dict(zip([c.key for c in table.columns], table.total.values, strict=True))
    # 40 learners in 2 classes (one per school and grade), 5 teachers (the employee is not one), 4 classrooms.
    assert values["hs_lop"] == Decimal("20.0")
    assert values["hs_gv"] == Decimal("8.0")
    assert values["gv_lop"] == Decimal("2.50")
    assert values["phong_lop"] == Decimal("2.00")
    assert values["m2_hs"] == Decimal("4.80")  # 4 × 48 m² / 40
    # A commune's ratio is the quotient of its sums, not the mean of its schools' ratios (15 and 10 → 20 / 1 …).
    commune = aggregate.ratio_table(cast.so_admin, source=Source(), at=cast.commune_a, by="children")
    rows = {row.code: dict(zip([c.key for c in commune.columns], row.values, strict=True)) for row in commune.rows}
    assert rows[cast.school_a1.code]["hs_gv"] == Decimal("15.0")
    assert rows[cast.school_a2.code]["hs_gv"] == Decimal("3.3")
    assert commune.total is not None and commune.total.values[1] == Decimal("8.0")
