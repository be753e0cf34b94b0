"""Statistics on the embedded database: the full learners-by-grade-by-gender table of every unit, on SQLite at demo
size, in under a second — against the hand-written SQL GROUP BY of the same figures, in the same run."""

from __future__ import annotations

from bench import Check, Column, Context, Figures, Table, Text
from bench.bench_stats import REPEAT, _client, _measure, _vn

TITLE = Text(vi="Thống kê trên SQLite (dữ liệu mẫu)", en="Statistics on SQLite (demo data)")
MAX_SECONDS = 1.0
GOAL = Text(
    vi="Trên SQLite với dữ liệu mẫu (`make run`), bảng học sinh theo khối, giới tính của mọi đơn vị hiện ra trong dưới "
    "một giây.",
    en="On SQLite with the demo data (`make run`), the learners-by-grade-by-gender table of every unit renders in "
    "under a second.",
)
DATA = ("seed_demo",)


def run(context: Context) -> Figures:
    client, account = _client()
    size = _measure("demo", client, account)
    rows = [
        {
            "what": what,
            "ms": round(size[key] * 1000, 1),
            "sql_ms": round(size[f"{key}_sql"] * 1000, 1),
            "ratio": round(size[key] / size[f"{key}_sql"], 2),
        }
        for key, what in (
            ("table", "Bảng học sinh × khối × giới tính, mọi đơn vị / learners × grade × gender, every unit"),
            ("dashboard", "Trang thống kê của Sở / the Sở's dashboard"),
        )
    ]
    return Figures(
        tables=[
            Table(
                title=Text(
                    vi=f"{_vn(size['learners'])} học sinh, trung vị {REPEAT} lần",
                    en=f"{size['learners']:,} learners, median of {REPEAT}",
                ),
                columns=[
                    Column(key="what", vi="Trang", en="Page"),
                    Column(key="ms", vi="ms", en="ms", digits=1),
                    Column(key="sql_ms", vi="GROUP BY (ms)", en="GROUP BY (ms)", digits=1),
                    Column(key="ratio", vi="**So với GROUP BY**", en="**ratio to the GROUP BY**", digits=2),
                ],
                rows=rows,
            )
        ],
        checks=[
            Check(
                vi=f"Bảng của mọi đơn vị: {size['table'] * 1000:.0f} ms (< {MAX_SECONDS * 1000:.0f} ms)",
                en=f"The table of every unit: {size['table'] * 1000:.0f} ms (< {MAX_SECONDS * 1000:.0f} ms)",
                met=size["table"] < MAX_SECONDS,
            )
        ],
        setup={"data": "migrate, then manage.py seed_demo (SQLite)", "table_rows": size["table_rows"]},
        notes=[],
    )
