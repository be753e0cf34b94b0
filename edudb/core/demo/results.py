"""Demo learning results and health records: term I of a school year, for most of the demo's learners, in bulk.

Made-up but plausible numbers for Hải Phòng (not statistics of any real school):

- Results of term I are entered for about 9 learners in 10 (the rest are "not yet entered", as in any real term).
  Secondary (Thông tư 22/2021): học tập Tốt 35 %, Khá 40 %, Đạt 22 %, Chưa đạt 3 %; rèn luyện Tốt 80 %, Khá 15 %,
  Đạt 4.5 %, Chưa đạt 0.5 %. Primary (Thông tư 27/2020, end of term I — "Hoàn thành xuất sắc" is an end-of-year
  level): Hoàn thành tốt 55 %, Hoàn thành 43 %, Chưa hoàn thành 2 %; phẩm chất Tốt 72 %, Đạt 27 %, Cần cố gắng 1 %.
  Sessions absent: most learners none or a few with leave, seldom without. No title, no outcome (year-end only).
- Heights and weights for about 4 learners in 5 (preschool children too), measured in the first weeks of term I and
  never after today. Height: a rough table of Vietnamese children's average height by age and sex (below the WHO
  medians, as Vietnamese surveys find) with a spread that widens with age — demo data, not a growth reference.
  Weight: from a BMI drawn at a z-score of the WHO BMI-for-age tables (``edudb.registry.results``), centred slightly
  above the median, so that a realistic share of children come out thin, overweight or obese.

Every row satisfies the rules of ``edudb.registry.results`` (the tests check it). One pass over the students, inserts
in batches (see :class:`_Insert`): well under 2 seconds per 15,000 learners on SQLite.
"""

from __future__ import annotations

import datetime as dt
import random
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, models, reset_queries
from django.utils import timezone

from edudb.core.models import Unit
from edudb.quality.models import CodeItem, items_of
from edudb.registry import results
from edudb.registry.models import HealthRecord, LearningResult, Student
from edudb.reporting.models import SchoolYear

RESULT_SHARE = 0.9
HEALTH_SHARE = 0.8
_BATCH = 5000

# (code, cumulative share) per field and level.
_SECONDARY_ACADEMIC = (("T", 0.35), ("K", 0.75), ("D", 0.97), ("CD", 1.0))
_SECONDARY_CONDUCT = (("T", 0.80), ("K", 0.95), ("D", 0.995), ("CD", 1.0))
_PRIMARY_ACADEMIC = (("HTT", 0.55), ("HT", 0.98), ("CHT", 1.0))
_PRIMARY_CONDUCT = (("T", 0.72), ("D", 0.99), ("CD", 1.0))

# Rough average height (cm) by age in years, boys and girls; linear in between, flat past the last age.
_HEIGHT_AGES = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18)
_HEIGHTS = {
    "1": (
        75.5,
        86.5,
        95.0,
        102.0,
        108.5,
        114.5,
        120.5,
        126.0,
        131.0,
        136.0,
        141.0,
        147.0,
        154.0,
        160.0,
        164.5,
        167.0,
        168.0,
        168.5,
    ),
    "2": (
        74.0,
        85.5,
        94.0,
        101.0,
        107.5,
        113.5,
        119.5,
        125.5,
        131.0,
        136.5,
        142.5,
        148.5,
        152.0,
        154.0,
        155.0,
        155.5,
        156.0,
        156.5,
    ),
}
_HEIGHT_SPREAD = ((5, 4.0), (11, 5.5), (15, 7.0), (99, 6.0))  # (up to age, SD in cm)


@dataclass
class ResultCounts:
    results: int = 0
    health: int = 0


def _pick(table: Sequence[tuple[str, float]], draw: float) -> str:
    for code, upto in table:
        if draw < upto:
            return code
    return table[-1][0]


def _mean_height(sex: str, years: float) -> float:
    heights = _HEIGHTS.get(sex, _HEIGHTS["2"])
    if years <= _HEIGHT_AGES[0]:
        return heights[0]
    i = bisect_right(_HEIGHT_AGES, years)
    if i >= len(_HEIGHT_AGES):
        return heights[-1]
    a, b = _HEIGHT_AGES[i - 1], _HEIGHT_AGES[i]
    return heights[i - 1] + (years - a) / (b - a) * (heights[i] - heights[i - 1])


def _spread(years: float) -> float:
    return next(sd for upto, sd in _HEIGHT_SPREAD if years <= upto)


def _bmi_at(sex: str, months: float, z: float) -> float:
    """The BMI at a z-score of the WHO BMI-for-age tables (the 2–5 table's first knot stands in for younger)."""
    table = results._WHO_2006 if months < results.WHO_2006_UNTIL_MONTHS else results._WHO_2007
    l, m, s = results.lms(table.get(sex, table["2"]), months)  # noqa: E741 - the LMS method's names
    return float(m * (1 + l * s * z) ** (1 / l))


def _measurement(sex: str, birth: dt.date, day: dt.date, rng: random.Random) -> tuple[Decimal, Decimal]:
    months = results.age_in_months(birth, day)
    years = months / 12
    height = rng.gauss(_mean_height(sex, years), _spread(years))
    height = min(max(height, 45.0), 200.0)
    bmi = _bmi_at(sex, max(months, 25.0), max(-3.2, min(3.2, rng.gauss(0.15, 1.05))))
    weight = min(max(bmi * (height / 100) ** 2, 5.5), 140.0)
    return results.tenth(Decimal(str(round(height, 1)))), results.tenth(Decimal(str(round(weight, 1))))


def _absences(rng: random.Random) -> tuple[int, int]:
    draw = rng.random()
    excused = 0 if draw < 0.55 else (rng.randint(1, 3) if draw < 0.9 else rng.randint(4, 12))
    unexcused = 0 if rng.random() < 0.92 else rng.randint(1, 3)
    return excused, unexcused


def _items(list_code: str) -> dict[str, CodeItem]:
    return {item.code: item for item in items_of(list_code)}


def build_results(
    year: SchoolYear, *, rng: random.Random, units: Iterable[Unit] | None = None, today: dt.date | None = None
) -> ResultCounts:
    """Term-I results and health records for the learners placed in a class of ``year`` (of ``units`` if given).

    Learners who already have a term-I record of that year are left alone, so running it again never doubles one.
    Health records need a day of measurement in term I that is not in the future: before the year's third week
    there is none, and only results are written.
    """
    today = today or timezone.localdate()
    academic = {code: item.pk for code, item in _items("ket_qua_hoc_tap").items()}
    conduct = {code: item.pk for code, item in _items("ket_qua_ren_luyen").items()}
    first_day = year.starts_on + dt.timedelta(days=10)
    last_day = min(today, year.starts_on + dt.timedelta(days=60), year.second_term_starts - dt.timedelta(days=1))
    window = (last_day - first_day).days
    days = [connection.ops.adapt_datefield_value(first_day + dt.timedelta(days=n)) for n in range(max(window + 1, 0))]
    students = Student.objects.filter(school_class__school_year=year)
    if units is not None:
        students = students.filter(unit__in=list(units))
    done_results = set(LearningResult.objects.filter(school_year=year, term=1).values_list("student_id", flat=True))
    done_health = set(HealthRecord.objects.filter(school_year=year, term=1).values_list("student_id", flat=True))
    rows = students.values_list("pk", "birth_date", "gender__code", "school_class_id", "school_class__grade")
    result_rows = _Insert(LearningResult, RESULT_COLUMNS)
    health_rows = _Insert(HealthRecord, HEALTH_COLUMNS)
    decimal = connection.ops.adapt_decimalfield_value
    for pk, birth, sex, class_id, grade in rows.order_by("pk").iterator(chunk_size=_BATCH):
        level = results.level_of(grade)
        if level is not None and pk not in done_results and rng.random() < RESULT_SHARE:
            primary = level == results.PRIMARY
            excused, unexcused = _absences(rng)
            result_rows.add(
                (
                    pk,
                    year.pk,
                    1,
                    class_id,
                    academic[_pick(_PRIMARY_ACADEMIC if primary else _SECONDARY_ACADEMIC, rng.random())],
                    conduct[_pick(_PRIMARY_CONDUCT if primary else _SECONDARY_CONDUCT, rng.random())],
                    excused,
                    unexcused,
                )
            )
        if days and pk not in done_health and rng.random() < HEALTH_SHARE:
            n = rng.randrange(len(days))
            height, weight = _measurement(sex or "2", birth, first_day + dt.timedelta(days=n), rng)
            health_rows.add((pk, year.pk, 1, decimal(height, 4, 1), decimal(weight, 4, 1), days[n]))
    return ResultCounts(results=result_rows.flush(), health=health_rows.flush())


RESULT_COLUMNS = (
    "student",
    "school_year",
    "term",
    "school_class",
    "academic",
    "conduct",
    "days_absent_excused",
    "days_absent_unexcused",
)
HEALTH_COLUMNS = ("student", "school_year", "term", "height_cm", "weight_kg", "measured_on")


class _Insert:
    """Rows of one model inserted in batches with one ``executemany`` each.

    ``bulk_create`` was measured at about 0.12 ms a row on SQLite — some 3 s per 15,000 learners for these two tables
    alone — nearly all of it compiling each value of each model instance. Here the given columns come in database
    form already, and every other column gets its default once (``auto_now`` timestamps: now), exactly as
    ``bulk_create`` would write them.
    """

    def __init__(self, model: type[models.Model], given: Sequence[str]) -> None:
        now = timezone.now()
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        rest = [f for f in fields if f.name not in given]
        self.fixed = tuple(
            f.get_db_prep_save(
                now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) else f.get_default(),
                connection,
            )
            for f in rest
        )
        by_name = {f.name: f for f in fields}
        columns = [str(by_name[name].column) for name in given] + [str(f.column) for f in rest]
        quote = connection.ops.quote_name
        self.sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - names from the model's own metadata
            quote(model._meta.db_table), ", ".join(quote(c) for c in columns), ", ".join(["%s"] * len(columns))
        )
        self.pending: list[tuple[Any, ...]] = []
        self.count = 0

    def add(self, row: tuple[Any, ...]) -> None:
        self.pending.append(row + self.fixed)
        if len(self.pending) >= _BATCH:
            self.flush()

    def flush(self) -> int:
        if self.pending:
            with connection.cursor() as cursor:
                cursor.executemany(self.sql, self.pending)
            self.count += len(self.pending)
            self.pending.clear()
            reset_queries()  # with DEBUG on, Django keeps every query; a city-size seed would hold them all
        return self.count
