"""Statistics at city scale: the Sở's dashboard and the full learners-by-grade-by-gender table of every unit, against
the hand-written SQL GROUP BY over the learners that gives the same figures, at 0.1×, 1× and 3× the city.

The city is ``seed_demo --scale city`` (≈ 1.1 million learners). 0.1× deletes nine learners in ten (with the rows
that refer to them) inside a transaction that is rolled back afterwards; 3× copies every learner twice (new codes,
same school, class, grade and gender). At each size the live roll-ups are refreshed first (timed: that is the
background job), then the pages and the GROUP BYs are timed interleaved, medians of ``REPEAT`` runs. The pages go
through the whole stack in process (Django test client: middleware, scoping, aggregation, SVG charts, template);
the GROUP BYs are bare SQL on one connection, fetched to the last row. The number of units does not change between
sizes — only the learners do — so a roll-up that works stays flat while the GROUP BY grows.
"""

from __future__ import annotations

import statistics
import sys
import time
from typing import Any

from bench import Check, Column, Context, Figures, Table, Text

TITLE = Text(vi="Thống kê ở quy mô thành phố", en="Statistics at city scale")
GOAL_RATIO = 1.5
FLAT = 1.5  # "does not grow": the 3× time within this factor of the 0.1× time
GOAL = Text(
    vi="Ở quy mô thành phố (≈ 1,1 triệu học sinh, PostgreSQL), trang thống kê của Sở và bảng học sinh theo khối, giới "
    f"tính của mọi đơn vị mất không quá {GOAL_RATIO} lần thời gian câu SQL GROUP BY viết tay tương đương chạy trong "
    "cùng kịch bản, và thời gian đó không tăng theo số học sinh khi số tổng hợp đã cập nhật (đo ở 0,1×, 1× và 3×).",
    en="At city scale (≈ 1.1 M learners, PostgreSQL), the Sở's dashboard and the full learners-by-grade-by-gender "
    f"table for all units take at most {GOAL_RATIO}× the time of the equivalent hand-written SQL GROUP BY run in the "
    "same script, and that time does not grow with the number of learners once roll-ups are fresh (0.1×, 1×, 3×).",
)
DATA = ("seed_demo --scale city",)
REPEAT = 5

# The learners on the roll by unit, grade (or preschool age group) and gender: the figures of the table.
TABLE_SQL = """
SELECT s.unit_id, c.grade, ag.code, g.code, COUNT(*)
FROM registry_student s
JOIN quality_codeitem st ON st.id = s.status_id
JOIN quality_codeitem g ON g.id = s.gender_id
LEFT JOIN registry_schoolclass c ON c.id = s.school_class_id
LEFT JOIN quality_codeitem ag ON ag.id = c.age_group_id
WHERE st.code IN ('01', '02', '03', '06', '07', '10')
GROUP BY 1, 2, 3, 4
"""
# The dashboard's figures from the raw tables: the learners' table above, staff by group and gender, classes by
# grade, institutions by kind and ownership, sites, rooms — each one GROUP BY, as a hand-written report would do.
DASHBOARD_SQL = [
    TABLE_SQL,
    """SELECT m.unit_id, t.code, g.code, COUNT(*) FROM registry_staffmember m
       JOIN quality_codeitem w ON w.id = m.work_status_id JOIN quality_codeitem t ON t.id = m.staff_type_id
       JOIN quality_codeitem g ON g.id = m.gender_id
       WHERE w.code IN ('01', '02', '05', '06', '07', '08') GROUP BY 1, 2, 3""",
    """SELECT c.unit_id, c.grade, COUNT(*) FROM registry_schoolclass c JOIN reporting_schoolyear y ON y.id = c.school_year_id
       WHERE y.is_current GROUP BY 1, 2""",
    """SELECT u.id, k.code, o.code FROM core_unit u JOIN core_unitkind k ON k.id = u.kind_id
       LEFT JOIN registry_schoolprofile p ON p.unit_id = u.id LEFT JOIN quality_codeitem o ON o.id = p.ownership_id
       WHERE k.category = 'institution' AND u.is_active""",
    "SELECT unit_id, is_main, COUNT(*) FROM registry_site WHERE is_active GROUP BY 1, 2",
    """SELECT r.unit_id, k.code, SUM(r.count_solid), SUM(r.count_semi), SUM(r.count_temporary), SUM(r.count_borrowed),
       SUM(r.area_solid + r.area_semi + r.area_temporary + r.area_borrowed)
       FROM registry_roomstock r JOIN quality_codeitem k ON k.id = r.room_kind_id
       JOIN reporting_schoolyear y ON y.id = r.school_year_id WHERE y.is_current GROUP BY 1, 2""",
]


def _vn(number: float, digits: int = 0) -> str:
    text = f"{number:,.{digits}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def _run_sql(statements: list[str]) -> int:
    from django.db import connection

    rows = 0
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
            rows += len(cursor.fetchall())
    return rows


def _learners() -> int:
    from edudb.registry.models import Student

    return Student.objects.count()


def _client() -> tuple[Any, Any]:
    from django.test import Client
    from django.utils import timezone

    from edudb.accounts.models import Account

    account = Account.objects.select_related("unit").get(username="so.admin")
    Account.objects.filter(pk=account.pk).update(acknowledged_at=timezone.now(), must_change_password=False)
    client = Client()
    client.force_login(account)
    return client, account


def _measure(label: str, client: Any, account: Any) -> dict[str, Any]:
    """Refresh the roll-ups, then time the pages against their GROUP BYs, interleaved."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from edudb.stats import compute

    learners = _learners()
    started = time.perf_counter()
    figures = compute.unscoped_refresh_live()
    refresh = time.perf_counter() - started
    print(f"[bench] {label}: {learners} learners, refresh {refresh:.1f} s ({figures} figures)", file=sys.stderr)
    dashboard_url = "/stats/"
    table_url = f"/stats/units/{account.unit_id}/table/?indicator=hoc_sinh&by=units"
    for url in (dashboard_url, table_url):  # warm the templates and the code lists
        response = client.get(url)
        assert response.status_code == 200, url
    with CaptureQueriesContext(connection) as dashboard_queries:
        client.get(dashboard_url)
    with CaptureQueriesContext(connection) as table_queries:
        page = client.get(table_url)
    table_rows = page.content.decode().count("<tr>") - 1
    times: dict[str, list[float]] = {"dashboard": [], "dashboard_sql": [], "table": [], "table_sql": []}
    for _ in range(REPEAT):
        for key, work in (
            ("dashboard", lambda: client.get(dashboard_url)),
            ("dashboard_sql", lambda: _run_sql(DASHBOARD_SQL)),
            ("table", lambda: client.get(table_url)),
            ("table_sql", lambda: _run_sql([TABLE_SQL])),
        ):
            began = time.perf_counter()
            work()
            times[key].append(time.perf_counter() - began)
    medians = {key: statistics.median(values) for key, values in times.items()}
    print(f"[bench] {label}: " + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in medians.items()), file=sys.stderr)
    return {
        "label": label,
        "learners": learners,
        "refresh": refresh,
        "figures": figures,
        "queries": (len(dashboard_queries), len(table_queries)),
        "table_rows": table_rows,
        **medians,
    }


class _Rollback(Exception):
    pass


def _tenth(client: Any, account: Any) -> dict[str, Any]:
    """0.1×: nine learners in ten deleted with what refers to them, measured, then rolled back."""
    from django.db import connection, transaction

    from edudb.registry.models import Student

    measured: dict[str, Any] = {}
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("CREATE TEMP TABLE doomed AS SELECT id FROM registry_student WHERE id % 10 <> 0")
                for relation in Student._meta.related_objects:
                    if relation.many_to_many:
                        continue
                    table, column = relation.related_model._meta.db_table, relation.field.column
                    cursor.execute(f"DELETE FROM {table} WHERE {column} IN (SELECT id FROM doomed)")  # noqa: S608
                for field in Student._meta.many_to_many:
                    through = field.remote_field.through._meta  # type: ignore[union-attr]
                    column = field.m2m_column_name()
                    cursor.execute(f"DELETE FROM {through.db_table} WHERE {column} IN (SELECT id FROM doomed)")  # noqa: S608
                cursor.execute("DELETE FROM registry_student WHERE id IN (SELECT id FROM doomed)")
                cursor.execute("ANALYZE registry_student")
            measured = _measure("0,1×", client, account)
            raise _Rollback
    except _Rollback:
        pass
    return measured


def _triple() -> None:
    """3×: every learner copied twice — same school, class and gender, new temporary codes, no personal ID."""
    from django.db import connection

    from edudb.registry.models import Student

    columns = [
        str(f.column)
        for f in Student._meta.concrete_fields
        if not f.primary_key and f.column not in {"ministry_code", "temporary_code", "personal_id"}
    ]
    names = ", ".join(columns)
    with connection.cursor() as cursor:
        cursor.execute("SELECT MAX(id) FROM registry_student")
        (top,) = cursor.fetchone()
        for copy in (1, 2):
            cursor.execute(
                f"INSERT INTO registry_student ({names}, temporary_code) "  # noqa: S608
                f"SELECT {names}, 'X{copy}-' || id FROM registry_student WHERE id <= %s",
                [top],
            )
        cursor.execute("ANALYZE registry_student")


def run(context: Context) -> Figures:
    from edudb.core.models import Unit

    client, account = _client()
    whole = _measure("1×", client, account)
    tenth = _tenth(client, account)
    _triple()
    triple = _measure("3×", client, account)
    sizes = [tenth, whole, triple]
    checks = []
    for key, what_vi, what_en in (
        ("dashboard", "Trang thống kê của Sở", "The Sở's dashboard"),
        ("table", "Bảng học sinh theo khối, giới tính của mọi đơn vị", "The learners table of every unit"),
    ):
        ratio = whole[key] / whole[f"{key}_sql"]
        growth = triple[key] / tenth[key]
        checks.append(
            Check(
                vi=f"{what_vi} ở 1×: {ratio:.2f} lần GROUP BY viết tay (≤ {GOAL_RATIO})",
                en=f"{what_en} at 1×: {ratio:.2f}× the hand-written GROUP BY (≤ {GOAL_RATIO})",
                met=ratio <= GOAL_RATIO,
            )
        )
        checks.append(
            Check(
                vi=f"{what_vi}: 3× so với 0,1× số học sinh mất {growth:.2f} lần thời gian (không tăng: ≤ {FLAT})",
                en=f"{what_en}: 3× the learners against 0.1× takes {growth:.2f}× the time (flat: ≤ {FLAT})",
                met=growth <= FLAT,
            )
        )
    rows = []
    for size in sizes:
        for key, what in (
            ("dashboard", "Trang thống kê của Sở / the Sở's dashboard"),
            ("table", "Bảng học sinh × khối × giới tính, mọi đơn vị / learners × grade × gender, every unit"),
        ):
            rows.append(
                {
                    "size": size["label"],
                    "learners": _vn(size["learners"]),
                    "what": what,
                    "ms": round(size[key] * 1000, 1),
                    "sql_ms": round(size[f"{key}_sql"] * 1000, 1),
                    "ratio": round(size[key] / size[f"{key}_sql"], 3),
                }
            )
    return Figures(
        tables=[
            Table(
                title=Text(
                    vi=f"Trang và bảng so với GROUP BY viết tay, trung vị {REPEAT} lần",
                    en=f"Pages and tables against the hand-written GROUP BY, median of {REPEAT}",
                ),
                columns=[
                    Column(key="size", vi="Quy mô", en="Size"),
                    Column(key="learners", vi="Học sinh", en="Learners"),
                    Column(key="what", vi="Trang", en="Page"),
                    Column(key="ms", vi="ms", en="ms", digits=1),
                    Column(key="sql_ms", vi="GROUP BY (ms)", en="GROUP BY (ms)", digits=1),
                    Column(key="ratio", vi="**So với GROUP BY**", en="**ratio to the GROUP BY**", digits=3),
                ],
                rows=rows,
            ),
            Table(
                title=Text(
                    vi="Cập nhật số tổng hợp (việc chạy nền)", en="Refreshing the roll-ups (the background job)"
                ),
                columns=[
                    Column(key="size", vi="Quy mô", en="Size"),
                    Column(key="learners", vi="Học sinh", en="Learners"),
                    Column(key="figures", vi="Dòng số liệu", en="Figure rows"),
                    Column(key="seconds", vi="Giây", en="seconds", digits=1),
                    Column(key="queries", vi="Truy vấn (trang, bảng)", en="Queries (page, table)"),
                ],
                rows=[
                    {
                        "size": size["label"],
                        "learners": _vn(size["learners"]),
                        "figures": _vn(size["figures"]),
                        "seconds": round(size["refresh"], 1),
                        "queries": f"{size['queries'][0]}, {size['queries'][1]}",
                    }
                    for size in sizes
                ],
            ),
        ],
        checks=checks,
        setup={
            "data": "migrate, then manage.py seed_demo --scale city (bench.settings, DEBUG off); 0.1× and 3× as above",
            "units": Unit.objects.count(),
            "table_rows": whole["table_rows"],
        },
        notes=[
            Text(
                vi="Số tổng hợp theo đơn vị được tính lại mỗi giờ và khi đơn vị chốt số liệu; trang thống kê chỉ đọc "
                "chúng (vài chục nghìn dòng cho cả thành phố), nên thời gian không phụ thuộc số học sinh.",
                en="The per-unit roll-ups are recomputed hourly and when a unit submits; the pages only read them "
                "(tens of thousands of rows for the whole city), so their time does not depend on the learners.",
            ),
        ],
    )
