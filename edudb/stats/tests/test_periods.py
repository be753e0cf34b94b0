"""A period's statistics are its approved reports: figures frozen with each submission, equal to a recount over the
snapshot it took, unchanged by later edits, and only the approved version of each unit counts."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from conftest import Cast
from edudb.quality.models import items_of
from edudb.quality.rules import PRESENT_STUDENT
from edudb.registry.models import SchoolClass, Student
from edudb.reporting import services, snapshots
from edudb.reporting.models import ReportingPeriod, SchoolYear
from edudb.stats import aggregate, compute, indicators
from edudb.stats.aggregate import Source
from edudb.stats.models import Figure

EVERY_DATABASE = ["schools", "classes", "staff", "students", "facilities"]


def enrol(cast: Cast, school: str, n: int, grade: int, gender: str = "1", status: str = "01") -> None:
    year = SchoolYear.objects.get(is_current=True)
    klass, _ = SchoolClass.objects.get_or_create(
        unit=cast.units[school], school_year=year, name=f"{grade}A", defaults={"grade": grade}
    )
    start = Student.objects.count()
    for i in range(start, start + n):
        Student.objects.create(
            unit=cast.units[school],
            full_name=f"Học Sinh {i}",
            birth_date=dt.date(2015, 1, 1),
            gender=items_of("gioi_tinh").get(code=gender),
            status=items_of("trang_thai_hoc_sinh").get(code=status),
            school_class=klass,
            temporary_code=f"TMP-S{i:06d}",
        )


@pytest.fixture
def period(cast: Cast) -> ReportingPeriod:
    today = timezone.localdate()
    enrol(cast, "school_a1", 12, 1)
    enrol(cast, "school_a1", 3, 2, gender="2")
    enrol(cast, "school_a1", 2, 2, status="05")  # dropped out: not on the roll
    enrol(cast, "school_a2", 7, 6)
    return services.open_adhoc(
        by=cast.so_admin,
        title="Báo cáo nhanh số liệu học sinh",
        opens_on=today - dt.timedelta(days=5),
        deadline=today + dt.timedelta(days=10),
        covers=EVERY_DATABASE,
        min_completeness=0,
    )


def recount_snapshot(payload: bytes | memoryview) -> Counter[tuple[str, str]]:
    """Learners by (grade, gender) as the frozen document has them — the snapshot's own rows, nothing else."""
    document = snapshots.thaw(payload)
    grades = {row["id"]: row["grade"] for row in document["records"]["class"]}
    counts: Counter[tuple[str, str]] = Counter()
    for row in document["records"]["student"]:
        assert row["status"] in PRESENT_STUDENT  # the snapshot freezes the learners on the roll
        grade = grades.get(row["school_class_id"])
        counts[(str(grade) if grade is not None else "", row["gender"])] += 1
    return counts


def frozen_cells(submission: Any, indicator: str) -> Counter[tuple[str, str]]:
    counts: Counter[tuple[str, str]] = Counter()
    for a, b, value in Figure.objects.filter(submission=submission, indicator=indicator).values_list("a", "b", "value"):
        counts[(a, b)] += int(value)
    return counts


def test_a_submission_freezes_figures_equal_to_a_recount_over_its_snapshot(cast: Cast, period: ReportingPeriod) -> None:
    submission = services.submit(period, cast.school_a1, by=cast.school_a1_admin)
    recount = recount_snapshot(submission.snapshot.data)
    assert recount == Counter({("1", "1"): 12, ("2", "2"): 3})
    assert frozen_cells(submission, "hoc_sinh") == recount
    # They are the unit's live figures of that moment too, without waiting for the hourly refresh.
    live = Figure.objects.filter(submission__isnull=True, unit=cast.school_a1, indicator="hoc_sinh")
    assert Counter({(f.a, f.b): int(f.value) for f in live}) == recount
    # Only the covered databases are frozen, every figure with the submission's time and year.
    frozen = Figure.objects.filter(submission=submission)
    assert {f.domain for f in frozen} <= set(EVERY_DATABASE)
    assert all(f.unit_id == cast.school_a1.pk and f.school_year_id == period.school_year_id for f in frozen)


def test_a_period_shows_only_approved_versions_and_later_edits_do_not_change_it(
    cast: Cast, period: ReportingPeriod
) -> None:
    first = services.submit(period, cast.school_a1, by=cast.school_a1_admin)
    services.return_submission(first, by=cast.commune_a_admin, reason="Thiếu lớp 3")
    enrol(cast, "school_a1", 4, 3)
    second = services.submit(period, cast.school_a1, by=cast.school_a1_admin)
    services.submit(period, cast.school_a2, by=cast.school_a2_admin)  # submitted, not approved: not counted
    source = Source(period)
    hoc_sinh = indicators.by_code()["hoc_sinh"]

    pending = aggregate.indicator_table(cast.so_admin, indicator=hoc_sinh, source=source, at=cast.so)
    assert pending.rows == [] and pending.total is not None and pending.total.values[0] == 0

    services.approve(second, by=cast.commune_a_admin)
    enrol(cast, "school_a1", 50, 4)  # after approval: live data only
    compute.unscoped_refresh_live()
    table = aggregate.indicator_table(cast.so_admin, indicator=hoc_sinh, source=source, at=cast.so)
    assert table.total is not None and table.total.values[0] == 19 == recount_snapshot(second.snapshot.data).total()
    assert [row.code for row in table.rows] == [cast.commune_a.code]
    assert "đã duyệt" in table.source
    live = aggregate.indicator_table(cast.so_admin, indicator=hoc_sinh, source=Source(), at=cast.so)
    assert live.total is not None and live.total.values[0] == 19 + 50 + 7
    # The commune's drill-down shows its school from the same approved figures.
    commune = aggregate.indicator_table(cast.so_admin, indicator=hoc_sinh, source=source, at=cast.commune_a)
    assert [(row.code, row.values[0]) for row in commune.rows] == [(cast.school_a1.code, 19)]


def test_key_figures_compare_with_the_same_period_a_year_earlier(cast: Cast) -> None:
    """Live figures compare with the approved start-of-year report of the year before; none approved, no change."""
    enrol(cast, "school_a1", 5, 1)
    compute.unscoped_refresh_live()
    key = {k.code: k for k in aggregate.key_figures(cast.so_admin, Source(), cast.so)}
    assert key["hoc_sinh"].value == 5 and key["hoc_sinh"].previous is None and key["hoc_sinh"].change is None

    previous = aggregate.comparable_period(cast.so_admin, Source())
    this_year = SchoolYear.objects.get(is_current=True).start_year
    assert previous is not None and previous.kind == "start" and previous.school_year is not None
    assert previous.school_year.start_year == this_year - 1
    today = timezone.localdate()
    ReportingPeriod.objects.filter(pk=previous.pk).update(
        closed_at=None, opens_on=today - dt.timedelta(days=5), deadline=today + dt.timedelta(days=5), min_completeness=0
    )
    previous.refresh_from_db()
    services.approve(services.submit(previous, cast.school_a1, by=cast.school_a1_admin), by=cast.commune_a_admin)
    enrol(cast, "school_a1", 3, 1)
    compute.unscoped_refresh_live()
    key = {k.code: k for k in aggregate.key_figures(cast.so_admin, Source(), cast.so)}
    assert [key["hoc_sinh"].value, key["hoc_sinh"].previous, key["hoc_sinh"].change] == [8, 5, 3]
    assert key["hoc_sinh"].change_percent == Decimal("60.0")
    # Every table of the indicator says the same, unit by unit: last year's figure and the change.
    table = aggregate.indicator_table(
        cast.so_admin, indicator=indicators.by_code()["hoc_sinh"], source=Source(), at=cast.commune_a
    )
    keys = [column.key for column in table.columns]
    assert keys[-2:] == ["_previous", "_change"]
    rows = {row.code: row.values for row in table.rows}
    assert rows[cast.school_a1.code][0] == 8 and rows[cast.school_a1.code][-2:] == [5, 3]
    assert table.total is not None and table.total.values[-2:] == [5, 3]
    school_row = next(row for row in table.rows if row.code == cast.school_a1.code)
    assert school_row.links[0] and school_row.links[-2:] == ["", ""]
    # Another school's commune has nothing approved last year: no such columns rather than a column of zeros.
    other = aggregate.indicator_table(
        cast.so_admin, indicator=indicators.by_code()["hoc_sinh"], source=Source(), at=cast.commune_b
    )
    assert "_previous" not in [column.key for column in other.columns]
    # The trend shows last year's approved start-of-year figure, then the live one.
    labels, series = aggregate.trend(cast.so_admin, cast.so, ["hoc_sinh"])
    assert labels == [f"{this_year - 1}–{this_year}", "Hiện tại"] and series["hoc_sinh"] == [5, 8]
    # A school sees the same comparison for itself only; another school sees nothing of it.
    own = {k.code: k for k in aggregate.key_figures(cast.school_a2_user, Source(), cast.school_a2)}
    assert own["hoc_sinh"].value == 0 and own["hoc_sinh"].previous is None


def test_a_request_without_a_school_year_files_its_figures_under_the_current_one(
    cast: Cast, period: ReportingPeriod
) -> None:
    ReportingPeriod.objects.filter(pk=period.pk).update(school_year=None)
    period.refresh_from_db()
    submission = services.submit(period, cast.school_a2, by=cast.school_a2_admin)
    frozen = Figure.objects.filter(submission=submission, indicator="hoc_sinh")
    assert sum(f.value for f in frozen) == 7
    assert {f.school_year_id for f in frozen} == {SchoolYear.objects.get(is_current=True).pk}
