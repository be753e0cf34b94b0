"""Data quality at city scale (≈ 1.1 million learners): the nightly measurement, and reading the Sở's scorecard.

``scoring.measure()`` is what the worker runs each night over every unit: the completeness counts, the validation
rules and the normalisation layer over every current record, the duplicate-child semi-join, the findings and scores
written. Its baseline is reading the same records once (the fields the rules look at), in the same process. The
Sở's scorecard (the whole city and each unit below the Sở) reads the stored scores; its baseline is the plain
hand-written GROUP BY of the learners by unit — one column of one of the five databases — which the scorecard must
not be slower than, since its figures cover all five.
"""

from __future__ import annotations

import statistics
import sys
import time
from typing import Any

from bench import Check, Column, Context, Figures, Table, Text

TITLE = Text(vi="Chất lượng dữ liệu ở quy mô thành phố", en="Data quality at city scale")
MAX_MEASURE_SECONDS = 1800  # the night's window for the job, with room to spare
GOAL = Text(
    vi="Ở quy mô thành phố (≈ 1,1 triệu học sinh), lần đo chất lượng hằng đêm cho mọi đơn vị xong dưới "
    f"{MAX_MEASURE_SECONDS // 60} phút; phiếu chất lượng của Sở (toàn thành phố và từng đơn vị trực thuộc) đọc số đã "
    "lưu nên không chậm hơn một câu GROUP BY viết tay đếm học sinh theo đơn vị, với số truy vấn cố định.",
    en=f"At city scale (≈ 1.1 million learners), the nightly quality measurement of every unit finishes within "
    f"{MAX_MEASURE_SECONDS // 60} minutes; the Sở's scorecard (the whole city and each unit below the Sở) reads stored "
    "figures, so it is no slower than a hand-written GROUP BY counting learners per unit, with a fixed number of "
    "queries.",
)
DATA = ("seed_demo --scale city",)
REPEAT = 5


def _vn(number: int) -> str:
    """A count as Vietnamese writes it: 1.230.987."""
    return f"{number:,}".replace(",", ".")


def _read_once() -> tuple[float, int]:
    """The baseline: read every current record's checked fields once, as the measurement must."""
    from edudb.quality.completeness import current_records
    from edudb.quality.models import Target

    fields = {
        Target.STUDENT: ("unit_id", "full_name", "birth_date", "status_id", "school_class_id", "personal_id", "phone"),
        Target.STAFF: ("unit_id", "full_name", "birth_date", "joined_on", "work_status_id", "personal_id", "phone"),
        Target.CLASS: ("unit_id", "name", "grade", "max_students", "homeroom_teacher_id"),
        Target.SCHOOL: ("unit_id", "street_address", "phone", "established_year"),
        Target.ROOM: ("unit_id", "count_solid", "area_solid", "count_semi", "area_semi"),
    }
    started = time.perf_counter()
    rows = 0
    for target, names in fields.items():
        for _row in current_records(target).values_list(*names).iterator(chunk_size=5000):
            rows += 1
    return time.perf_counter() - started, rows


def _scorecard_vs_group_by() -> tuple[float, float, int, int]:
    from django.db import connection
    from django.db.models import Count
    from django.test.utils import CaptureQueriesContext

    from edudb.accounts.models import Account
    from edudb.core.models import Unit
    from edudb.quality import scoring
    from edudb.quality.completeness import current_records
    from edudb.quality.models import Target

    account = Account.objects.select_related("unit__kind").get(username="so.admin")
    department = account.unit
    children = list(Unit.objects.visible_to(account).filter(parent=department).order_by("name_key"))

    def card() -> Any:
        return scoring.scorecard(account, department), scoring.child_scorecards(account, department, children)

    def bare() -> Any:
        return list(current_records(Target.STUDENT).values("unit_id").annotate(n=Count("pk")))

    with CaptureQueriesContext(connection) as queries:
        card()
    card_times, bare_times = [], []
    for _ in range(REPEAT):  # interleaved, so a busy moment hurts both
        started = time.perf_counter()
        card()
        card_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        bare()
        bare_times.append(time.perf_counter() - started)
    return statistics.median(card_times), statistics.median(bare_times), len(queries), len(children)


def run(context: Context) -> Figures:
    from edudb.core.models import Unit
    from edudb.quality import scoring
    from edudb.quality.models import Finding, UnitScore

    read_seconds, rows = _read_once()
    print(f"[bench] read {rows} records once: {read_seconds:.1f} s", file=sys.stderr, flush=True)
    started = time.perf_counter()
    units = scoring.measure(
        progress=lambda done: print(f"\r[bench] measured {done} units", end="", file=sys.stderr, flush=True)
    )
    measure_seconds = time.perf_counter() - started
    print(f"\n[bench] measure(): {measure_seconds:.1f} s", file=sys.stderr, flush=True)
    card_seconds, bare_seconds, queries, children = _scorecard_vs_group_by()
    findings = Finding.objects.count()
    scores = UnitScore.objects.count()
    checks = [
        Check(
            vi=f"Đo cả thành phố: {measure_seconds:.0f} giây (≤ {MAX_MEASURE_SECONDS})",
            en=f"Measuring the whole city: {measure_seconds:.0f} s (≤ {MAX_MEASURE_SECONDS})",
            met=measure_seconds <= MAX_MEASURE_SECONDS,
        ),
        Check(
            vi=f"Phiếu chất lượng của Sở: {card_seconds / bare_seconds:.2f} lần thời gian GROUP BY (≤ 1), "
            f"{queries} truy vấn",
            en=f"The Sở's scorecard: {card_seconds / bare_seconds:.2f}× the GROUP BY (≤ 1), {queries} queries",
            met=card_seconds <= bare_seconds,
        ),
    ]
    return Figures(
        tables=[
            Table(
                title=Text(vi="Lần đo hằng đêm", en="The nightly measurement"),
                columns=[
                    Column(key="what", vi="Việc", en="What"),
                    Column(key="seconds", vi="Giây", en="seconds", digits=1),
                    Column(key="ratio", vi="**So với đọc một lần**", en="**ratio to one read**", digits=1),
                ],
                rows=[
                    {
                        "what": f"Đọc {_vn(rows)} bản ghi một lần (chuẩn so sánh) / reading {rows:,} records once (baseline)",
                        "seconds": round(read_seconds, 1),
                        "ratio": 1.0,
                    },
                    {
                        "what": f"`measure()`: {_vn(units)} đơn vị, ghi {_vn(scores)} dòng điểm và {_vn(findings)} vấn đề"
                        f" / {units:,} units, {scores:,} score rows and {findings:,} findings written",
                        "seconds": round(measure_seconds, 1),
                        "ratio": round(measure_seconds / read_seconds, 1),
                    },
                ],
            ),
            Table(
                title=Text(
                    vi=f"Phiếu chất lượng của Sở ({children} đơn vị trực thuộc), trung vị {REPEAT} lần",
                    en=f"The Sở's scorecard ({children} units below it), median of {REPEAT}",
                ),
                columns=[
                    Column(key="what", vi="Truy vấn", en="Query"),
                    Column(key="ms", vi="ms", en="ms", digits=1),
                    Column(key="ratio", vi="**So với GROUP BY**", en="**ratio to the GROUP BY**", digits=2),
                ],
                rows=[
                    {
                        "what": "GROUP BY học sinh theo đơn vị (viết tay) / learners GROUP BY unit (hand-written)",
                        "ms": round(bare_seconds * 1000, 1),
                        "ratio": 1.0,
                    },
                    {
                        "what": f"Phiếu của Sở: năm CSDL, toàn thành phố và từng đơn vị ({queries} truy vấn) / "
                        f"the Sở's scorecard: five databases, the city and each unit ({queries} queries)",
                        "ms": round(card_seconds * 1000, 1),
                        "ratio": round(card_seconds / bare_seconds, 2),
                    },
                ],
            ),
        ],
        checks=checks,
        setup={
            "data": "migrate, then manage.py seed_demo --scale city (bench.settings, DEBUG off)",
            "units": Unit.objects.count(),
        },
        notes=[
            Text(
                vi="Lần đo chạy từng lô 50 đơn vị, mỗi lô một giao dịch ngắn: người xem phiếu thấy số cũ hoặc số mới "
                "của một đơn vị, không bao giờ lẫn, và không có giao dịch dài khoá bảng.",
                en="The measurement runs in batches of 50 units, each its own short transaction: a reader sees a "
                "unit's old figures or its new ones, never a mix, and no long transaction holds the tables.",
            ),
        ],
    )
