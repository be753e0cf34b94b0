"""Awards, training and a few disciplinary measures for the demo city's staff, inserted in bulk.

About three in ten staff members hold an award from the last three school years — mostly Lao động tiên tiến,
Chiến sĩ thi đua cơ sở and Giấy khen, now and then a Bằng khen of the city; most teachers have their yearly
regular professional development (bồi dưỡng thường xuyên, 120 periods) for each of those years, managers a course
of their own; a handful of staff carry a reprimand or a warning. Every row passes the rules of
``edudb.registry.staff_records`` (dates not in the future and not before the person was 18, courses that end after
they start).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import reset_queries
from django.utils import timezone

from edudb.core.models import Category, Unit
from edudb.quality.models import CodeItem, items_of
from edudb.registry.models import StaffAward, StaffDiscipline, StaffMember, StaffTraining
from edudb.registry.staffing import years_after
from edudb.reporting.models import SchoolYear

AWARD_SHARE = 0.3
TRAINED_SHARE = 0.92  # teachers with their yearly regular professional development recorded
DISCIPLINE_SHARE = 0.004
# Titles of the awards handed out, with their weights: most are the unit-level titles.
AWARD_TITLES = [("LDTT", 60), ("CSTDCS", 18), ("GK", 17), ("BK_TP", 4), ("CSTDTP", 1)]
YEARS_BACK = 3
TEACHER, MANAGER = "2", "1"  # loai_can_bo
_BATCH = 5000

DISCIPLINE_REASONS = [
    "Vi phạm quy định về dạy thêm, học thêm",
    "Vi phạm quy chế chuyên môn",
    "Không hoàn thành nhiệm vụ được giao",
    "Vi phạm quy định về đạo đức nhà giáo",
]


@dataclass
class StaffRecordCounts:
    awards: int = 0
    trainings: int = 0
    disciplines: int = 0


def _issuer(code: str, unit_name: str, manager_name: str, direct: bool) -> str:
    if code == "LDTT":
        return f"Hiệu trưởng {unit_name}" if unit_name.startswith("Trường") else f"Thủ trưởng {unit_name}"
    if code in ("BK_TP", "CSTDTP"):
        return "Chủ tịch Ủy ban nhân dân thành phố Hải Phòng"
    if direct or not manager_name:
        return "Giám đốc Sở Giáo dục và Đào tạo Hải Phòng"
    return f"Chủ tịch {manager_name}"


def build_staff_records(
    units: Iterable[Unit], *, year: SchoolYear, rng: random.Random, today: dt.date | None = None
) -> StaffRecordCounts:
    """Add awards, training and a few disciplinary measures for the staff of ``units``, school by school."""
    today = today or timezone.localdate()
    titles = {item.code: item for item in items_of("danh_hieu_thi_dua")}
    kinds = {item.code: item for item in items_of("loai_boi_duong")}
    forms = {item.code: item for item in items_of("hinh_thuc_ky_luat")}
    weighted = [(titles[code], weight) for code, weight in AWARD_TITLES if code in titles]
    counts = StaffRecordCounts()
    pending: dict[str, list[Any]] = {"awards": [], "trainings": [], "disciplines": []}
    school_ids = [unit.pk for unit in units]
    for start in range(0, len(school_ids), 200):
        staff_rows = (
            StaffMember.objects.filter(unit_id__in=school_ids[start : start + 200])
            .order_by("pk")
            .values_list(
                "pk",
                "birth_date",
                "joined_on",
                "staff_type__code",
                "unit__name",
                "unit__parent__name",
                "unit__parent__kind__category",
            )
        )
        for pk, birth, joined, staff_type, unit_name, manager_name, manager_category in staff_rows:
            adult = years_after(birth, 18) or birth
            began = max(joined or adult, adult)
            direct = manager_category == Category.DEPARTMENT
            years = [y for y in range(year.start_year - YEARS_BACK, year.start_year) if y >= began.year]
            if weighted and years and rng.random() < AWARD_SHARE:
                for award_year in rng.sample(years, k=1 if rng.random() < 0.8 else min(2, len(years))):
                    title = rng.choices([t for t, _w in weighted], weights=[w for _t, w in weighted])[0]
                    decided = dt.date(award_year + 1, rng.randint(6, 8), rng.randint(1, 28))
                    if decided > today:
                        decided = today
                    pending["awards"].append(
                        StaffAward(
                            staff_id=pk,
                            title=title,
                            year=award_year,
                            decision_number=f"{rng.randint(12, 980)}/QĐ-{'UBND' if title.code in ('BK_TP', 'CSTDTP') else 'KT'}",
                            decision_date=decided,
                            issued_by=_issuer(title.code, unit_name, manager_name or "", direct),
                        )
                    )
            pending["trainings"] += _trainings(pk, staff_type, began, year, today, rng, kinds)
            decided = today - dt.timedelta(days=rng.randint(30, 700))
            if forms and decided >= began and rng.random() < DISCIPLINE_SHARE:
                severe = rng.random() < 0.25
                pending["disciplines"].append(
                    StaffDiscipline(
                        staff_id=pk,
                        form=forms["02" if severe else "01"],
                        reason=rng.choice(DISCIPLINE_REASONS),
                        decision_number=f"{rng.randint(5, 300)}/QĐ-KL",
                        decision_date=decided,
                        effective_until=decided + dt.timedelta(days=365 if not severe else 730),
                    )
                )
            if len(pending["trainings"]) >= _BATCH:
                _flush(pending, counts)
    _flush(pending, counts)
    return counts


def _trainings(
    pk: int,
    staff_type: str,
    began: dt.date,
    year: SchoolYear,
    today: dt.date,
    rng: random.Random,
    kinds: dict[str, CodeItem],
) -> list[StaffTraining]:
    made: list[StaffTraining] = []
    bdtx = kinds.get("BDTX")
    if staff_type == TEACHER and bdtx is not None and rng.random() < TRAINED_SHARE:
        for course_year in range(year.start_year - YEARS_BACK, year.start_year):
            starts = dt.date(course_year, 9, rng.randint(15, 30))
            if starts < began:
                continue
            made.append(
                StaffTraining(
                    staff_id=pk,
                    kind=bdtx,
                    title=f"Bồi dưỡng thường xuyên năm học {course_year}–{course_year + 1}",
                    provider="Sở Giáo dục và Đào tạo Hải Phòng",
                    starts_on=starts,
                    ends_on=min(dt.date(course_year + 1, 5, 31), today),
                    hours=120,
                    certificate="Giấy chứng nhận hoàn thành bồi dưỡng thường xuyên",
                )
            )
    extra = {TEACHER: ("GDPT2018", 0.25), MANAGER: ("CBQL", 0.6)}.get(staff_type)
    if extra and extra[0] in kinds and rng.random() < extra[1]:
        starts = dt.date(year.start_year - rng.randint(1, YEARS_BACK), rng.choice([7, 8]), rng.randint(1, 20))
        if starts >= began:
            made.append(
                StaffTraining(
                    staff_id=pk,
                    kind=kinds[extra[0]],
                    title=(
                        "Bồi dưỡng cán bộ quản lý cơ sở giáo dục phổ thông"
                        if extra[0] == "CBQL"
                        else "Bồi dưỡng thực hiện Chương trình giáo dục phổ thông 2018"
                    ),
                    provider="Trường Đại học Hải Phòng" if extra[0] == "CBQL" else "Sở Giáo dục và Đào tạo Hải Phòng",
                    starts_on=starts,
                    ends_on=starts + dt.timedelta(days=rng.randint(5, 40)),
                    hours=rng.choice([40, 60, 80]) if extra[0] == "CBQL" else 30,
                    certificate="Chứng chỉ" if extra[0] == "CBQL" else "",
                )
            )
    return made


def _flush(pending: dict[str, list[Any]], counts: StaffRecordCounts) -> None:
    counts.awards += len(StaffAward.objects.bulk_create(pending["awards"], batch_size=2000))
    counts.trainings += len(StaffTraining.objects.bulk_create(pending["trainings"], batch_size=2000))
    counts.disciplines += len(StaffDiscipline.objects.bulk_create(pending["disciplines"], batch_size=2000))
    for rows in pending.values():
        rows.clear()
    reset_queries()  # with DEBUG on, Django keeps every query; a city-size seed would hold them all
