"""The student list page (/students/) and the students API (/api/v1/students/) at city scale (≈ 1.1 million learners).

For a commune manager's user (``xa.chuyenvien``: the schools of one commune) and a Sở office user
(``so.vanphong``: the whole city): the first page, a deep page and a search by name, each served by gunicorn and
compared in the same run with ``bench.urls.unscoped_bare_students`` — the plain query a developer would write for
the same page (the same subtree, search, order and offset; no scoping door, no count, no search form, no DRF),
rendered by hand — requested with the same credentials. The benchmark checks that the bare view answers exactly
the rows the page shows. SQL queries per request are counted in-process with the test client, and compared with a
search that finds one learner, to show the count does not grow with the rows.
"""

from __future__ import annotations

import statistics
import sys
from dataclasses import dataclass
from typing import Any

from bench import Check, Column, Context, Figures, Table, Text, setting
from bench.bench_unit_tree import _count, _sign_in
from bench.server import Target, Timing, gunicorn, latencies_side_by_side, throughput

TITLE = Text(
    vi="Danh sách học sinh và API học sinh ở quy mô thành phố", en="Student list and students API at city scale"
)
GOAL = Text(
    vi="Ở quy mô thành phố (≈ 1,1 triệu học sinh), trang danh sách học sinh và API danh sách (trang đầu, một trang "
    "sâu, tìm theo tên) của chuyên viên xã và của Sở đạt ít nhất 50% số yêu cầu/giây của một view trần chạy cùng "
    "truy vấn thường (cùng lọc, thứ tự, vị trí) và hiển thị đúng các dòng đó; số truy vấn SQL không tăng theo số dòng.",
    en="At city scale (≈ 1.1 million learners), the student list page and the API list (first page, a deep page, a "
    "search by name) of a commune officer and of the Sở reach at least 50% of the requests/s of a bare view running "
    "the plain query (same filter, order and offset) and rendering the same rows; no SQL query count grows with the "
    "number of rows.",
)
DATA = ("seed_demo --scale city",)
MIN_THROUGHPUT = 0.5
DEEP_PAGE = 200  # rows 9,951–10,000 of the list
SEARCH = "nguyen thi thu ha"  # a full name as a clerk types it, without diacritics
USERS = {
    "xa.chuyenvien": Text(vi="Chuyên viên xã", en="commune officer"),
    "so.vanphong": Text(vi="Sở", en="Sở office"),
}
PAGES = {
    "first": Text(vi="Trang đầu", en="first page"),
    "deep": Text(vi=f"Trang {DEEP_PAGE}", en=f"page {DEEP_PAGE}"),
    "search": Text(vi="Tìm theo tên", en="name search"),
    "api": Text(vi="API: trang đầu", en="API: first page"),
    "api_deep": Text(vi=f"API: trang {DEEP_PAGE}", en=f"API: page {DEEP_PAGE}"),
    "api_search": Text(vi="API: tìm theo tên", en="API: name search"),
}


@dataclass
class Scenario:
    """One page for one user: its URL, the bare twin's, the one-learner variant for the query count, the figures."""

    user: str
    page: str
    path: str
    bare_path: str
    small_path: str
    headers: dict[str, str]
    ids: list[int] | None = None
    total: str = ""
    queries: int = 0
    small_queries: int = 0
    bare_queries: int = 0
    scoped: Timing | None = None
    bare: Timing | None = None

    @property
    def api(self) -> bool:
        return self.page.startswith("api")


def _scenarios() -> list[Scenario]:
    from urllib.parse import urlencode

    from edudb.accounts.models import Account
    from edudb.core.models import Category
    from edudb.registry.models import Student

    scenarios = []
    for username in USERS:
        cookie, token = _sign_in(username)
        account = Account.objects.select_related("unit__kind", "unit__parent").get(username=username)
        # The subtree the account's scope covers: a Sở office reviews the whole Sở, a manager its own subtree.
        root = account.unit.parent if account.unit.kind.category == Category.OFFICE else account.unit
        assert root is not None
        one = Student.objects.visible_to(account).order_by("pk").values_list("ministry_code", flat=True).first()
        assert one, f"{username} sees no learner: seed the city first"
        for page, query in (
            ("first", {}),
            ("deep", {"page": DEEP_PAGE}),
            ("search", {"q": SEARCH}),
            ("api", {}),
            ("api_deep", {"page": DEEP_PAGE}),
            ("api_search", {"q": SEARCH}),
        ):
            api = page.startswith("api")
            base = "/api/v1/students/" if api else "/students/"
            bare = {"format": "json" if api else "html", "under": root.pk, **query}
            scenarios.append(
                Scenario(
                    user=username,
                    page=page,
                    path=f"{base}?{urlencode(query)}" if query else base,
                    bare_path=f"/bench/bare/students/?{urlencode(bare)}",
                    small_path=f"{base}?{urlencode({'q': one})}",
                    headers={"Authorization": f"Token {token}"} if api else {"Cookie": cookie},
                )
            )
    return scenarios


def _rows(scenario: Scenario, response: Any) -> tuple[list[int], str]:
    """The ids a response shows, in order, and the total it announces."""
    if scenario.api:
        body = response.json()
        total = f"> {body['more_than']}" if body.get("count") is None else str(body["count"])
        return [row["id"] for row in body["results"]], total
    paginator = response.context["page_obj"].paginator
    total = f"> {paginator.cap}" if getattr(paginator, "capped", False) else str(paginator.count)
    return [student.pk for student in response.context["object_list"]], total


def _count_queries(scenarios: list[Scenario]) -> None:
    """In-process, with the test client: queries per page, its rows, the bare view's queries and rows (the same)."""
    from django.db import connections
    from django.test import Client
    from django.test.utils import setup_test_environment, teardown_test_environment

    setup_test_environment()  # records the template context, so the rows can be read from the response
    try:
        for scenario in scenarios:
            client = Client()
            scenario.queries, response = _count(client, scenario.path, scenario.headers)
            scenario.ids, scenario.total = _rows(scenario, response)
            scenario.small_queries, small = _count(client, scenario.small_path, scenario.headers)
            assert len(_rows(scenario, small)[0]) == 1, f"{scenario.small_path} should find one learner"
            scenario.bare_queries, bare = _count(client, scenario.bare_path, scenario.headers)
            if scenario.api:
                bare_ids = [row["id"] for row in bare.json()["results"]]
            else:
                bare_ids = [int(cell.split("/")[0]) for cell in bare.content.decode().split('href="/students/')[1:]]
            if bare_ids != scenario.ids:
                raise AssertionError(f"{scenario.bare_path} does not answer the rows of {scenario.path}")
            print(
                f"[bench] {scenario.user:13} {scenario.page:10} rows={len(scenario.ids):3} of {scenario.total:>9} "
                f"q={scenario.queries} (1 row: {scenario.small_queries}), bare q={scenario.bare_queries}",
                file=sys.stderr,
                flush=True,
            )
    finally:
        teardown_test_environment()
        connections.close_all()


def _time(
    context: Context, scenarios: list[Scenario], warmup: int, requests: int, concurrency: int, rounds: int
) -> str:
    """Under gunicorn: each page and its bare twin, interleaved, then each alone under concurrent load."""
    with gunicorn(context, ready_path="/bench/bare/units/") as server:
        for scenario in scenarios:
            targets = [Target(scenario.path, scenario.headers), Target(scenario.bare_path, scenario.headers)]
            for target in targets:  # concurrent warm-up, so that every worker has loaded its templates and caches
                throughput(server.port, target, requests=4 * concurrency, concurrency=concurrency)
            scoped, bare = latencies_side_by_side(server.port, targets, warmup=warmup, requests=requests)
            # Requests/s in alternating rounds, page then bare view, and the median of each: a burst of other work
            # on the machine then spoils one round, not the comparison.
            rates: list[list[float]] = [[], []]
            for _ in range(rounds):
                for index, target in enumerate(targets):
                    rates[index].append(throughput(server.port, target, requests=requests, concurrency=concurrency))
            scenario.scoped = Timing(scoped, statistics.median(rates[0]))
            scenario.bare = Timing(bare, statistics.median(rates[1]))
            print(
                f"[bench] {scenario.user:13} {scenario.page:10} {scenario.scoped.median_ms:7.1f} ms vs bare "
                f"{scenario.bare.median_ms:7.1f} ms; {scenario.scoped.requests_per_second:6.1f} vs "
                f"{scenario.bare.requests_per_second:6.1f} req/s → "
                f"{scenario.scoped.requests_per_second / scenario.bare.requests_per_second:4.2f}",
                file=sys.stderr,
                flush=True,
            )
        return server.description


def _label(scenario: Scenario) -> dict[str, Any]:
    return {
        "user": f"{USERS[scenario.user]['vi']} / {USERS[scenario.user]['en']} (`{scenario.user}`)",
        "page": f"{PAGES[scenario.page]['vi']} / {PAGES[scenario.page]['en']}: `{scenario.path}`",
        "rows": len(scenario.ids or []),
        "total": scenario.total,
    }


def _tables(scenarios: list[Scenario]) -> list[Table]:
    timing_rows = []
    query_rows = []
    for scenario in scenarios:
        assert scenario.scoped and scenario.bare
        timing_rows.append(
            {
                **_label(scenario),
                "median_ms": round(scenario.scoped.median_ms, 1),
                "p95_ms": round(scenario.scoped.p95_ms, 1),
                "bare_median_ms": round(scenario.bare.median_ms, 1),
                "rps": round(scenario.scoped.requests_per_second, 1),
                "bare_rps": round(scenario.bare.requests_per_second, 1),
                "throughput": round(scenario.scoped.requests_per_second / scenario.bare.requests_per_second, 2),
            }
        )
        query_rows.append(
            {
                **_label(scenario),
                "queries": scenario.queries,
                "small_queries": scenario.small_queries,
                "constant": scenario.small_queries == scenario.queries,
                "bare_queries": scenario.bare_queries,
            }
        )
    head = [
        Column(key="user", vi="Người dùng", en="User"),
        Column(key="page", vi="Trang", en="Page"),
        Column(key="rows", vi="Số dòng", en="Rows"),
        Column(key="total", vi="Tổng hiển thị", en="total shown"),
    ]
    return [
        Table(
            title=Text(
                vi="Yêu cầu/giây so với view trần, thời gian phản hồi (ms)",
                en="Requests/s against the bare view, response time (ms)",
            ),
            columns=[
                *head,
                Column(key="rps", vi="Yêu cầu/giây", en="req/s", digits=1),
                Column(key="bare_rps", vi="Trần: yêu cầu/giây", en="bare req/s", digits=1),
                Column(key="throughput", vi="**Tỉ lệ**", en="**share**", digits=2),
                Column(key="median_ms", vi="Trung vị", en="median", digits=1),
                Column(key="p95_ms", vi="p95", en="p95", digits=1),
                Column(key="bare_median_ms", vi="Trần: trung vị", en="bare median", digits=1),
            ],
            rows=timing_rows,
        ),
        Table(
            title=Text(vi="Số truy vấn SQL mỗi yêu cầu", en="SQL queries per request"),
            columns=[
                *head,
                Column(key="queries", vi="Truy vấn", en="queries"),
                Column(key="small_queries", vi="Tìm 1 học sinh: truy vấn", en="one learner found: queries"),
                Column(key="constant", vi="Không đổi", en="constant"),
                Column(key="bare_queries", vi="Trần: truy vấn", en="bare queries"),
            ],
            rows=query_rows,
        ),
    ]


def _checks(scenarios: list[Scenario]) -> list[Check]:
    slow = [
        f"{s.user} {s.page} {s.scoped.requests_per_second / s.bare.requests_per_second:.2f}"
        for s in scenarios
        if s.scoped and s.bare and s.scoped.requests_per_second < MIN_THROUGHPUT * s.bare.requests_per_second
    ]
    growing = [f"{s.user} {s.page}" for s in scenarios if s.small_queries != s.queries]
    return [
        Check(
            vi=f"Yêu cầu/giây ≥ {MIN_THROUGHPUT:.0%} của view trần ở mọi trang"
            + (f"; dưới: {', '.join(slow)}" if slow else ""),
            en=f"req/s ≥ {MIN_THROUGHPUT:.0%} of the bare view's on every page"
            + (f"; below: {', '.join(slow)}" if slow else ""),
            met=not slow,
        ),
        Check(
            vi="Số truy vấn SQL như nhau khi nhiều dòng và khi chỉ một dòng"
            + (f"; khác: {', '.join(growing)}" if growing else ""),
            en="same SQL query count with many rows and with one"
            + (f"; differs: {', '.join(growing)}" if growing else ""),
            met=not growing,
        ),
    ]


def run(context: Context) -> Figures:
    from edudb.registry.models import Student

    warmup = setting("BENCH_WARMUP", 10)
    requests = setting("BENCH_REQUESTS", 100)
    concurrency = setting("BENCH_CONCURRENCY", 2)
    rounds = setting("BENCH_ROUNDS", 3)
    learners = Student.objects.count()
    scenarios = _scenarios()
    _count_queries(scenarios)
    server = _time(context, scenarios, warmup, requests, concurrency, rounds)
    return Figures(
        tables=_tables(scenarios),
        checks=_checks(scenarios),
        setup={
            "data": f"manage.py seed_demo --scale city, {learners} learners",
            "server": server,
            "client": f"Python http.client, one connection per request; per URL {warmup} warm-up + {requests} "
            f"measured requests, one at a time, page and bare view interleaved; req/s: median of {rounds} "
            f"alternating rounds of {requests} requests over {concurrency} concurrent connections",
            "search": f"q={SEARCH}",
            "deep_page": DEEP_PAGE,
        },
        notes=[
            Text(
                vi="View trần (`bench/urls.py`, chỉ có trong `bench.settings`) chạy truy vấn thường cho đúng trang đó: "
                "cùng cây đơn vị (truyền bằng tham số `under` thay vì suy ra từ tài khoản), cùng điều kiện tìm, thứ tự "
                "và vị trí; không qua cửa phạm vi, không đếm tổng, không có ô lọc, không template, không DRF. Benchmark "
                "kiểm tra nó trả đúng các dòng trang hiển thị. Nó được gọi với cùng cookie phiên hay token.",
                en="The bare view (`bench/urls.py`, only in `bench.settings`) runs the plain query for the same page: "
                "the same subtree (passed as `under` instead of worked out from the account), search, order and "
                "offset; no scoping door, no total count, no filter form, no template, no DRF. The benchmark checks "
                "it answers exactly the rows the page shows. It is called with the same session cookie or token.",
            ),
            Text(
                vi="Trang và API đếm tối đa 20.000 học sinh (`CappedPaginator` trong `edudb/registry/views_students.py`): "
                "quá số đó trang ghi «Hơn 20.000 học sinh» và vẫn có trang sau/trang trước, API trả `count: null` và "
                "`more_than: 20000`; dưới số đó số đếm là chính xác (mọi xã trừ một xã của dữ liệu mẫu). Tìm kiếm thấy "
                "không quá 1.000 học sinh thì lấy trang theo mã bản ghi, không tìm lần thứ hai. Ô chọn trường của tài "
                "khoản cấp Sở (≈ 1.640 trường) được nạp khi người dùng chạm tới (htmx), nên các trang đo không dựng nó. "
                "API lấy sáu danh mục (giới tính, dân tộc…) bằng truy vấn riêng thay vì sáu phép nối (PostgreSQL mất "
                "25 ms lập kế hoạch cho câu lệnh chín bảng).",
                en="The page and the API count at most 20,000 learners (`CappedPaginator` in "
                "`edudb/registry/views_students.py`): beyond that the page says 'Hơn 20.000 học sinh' and still pages "
                "on, the API answers `count: null` and `more_than: 20000`; below it the count is exact (every commune "
                "of the demo city but one). A search finding at most 1,000 learners fetches its page by id instead of "
                "searching twice. A Sở account's school filter (≈ 1,640 schools) is filled when the user reaches for it "
                "(htmx), so the measured pages do not build it. The API reads the six code-list values with queries of "
                "their own instead of six joins (PostgreSQL spent 25 ms planning the nine-table statement).",
            ),
            Text(
                vi="Tỉ lệ = yêu cầu/giây của trang chia cho của view trần, cùng đo với 2 kết nối đồng thời trên "
                "gunicorn 2 worker `sync` (xem ghi chú của `unit_tree`).",
                en="Share = the page's requests/s over the bare view's, both with 2 concurrent connections on gunicorn "
                "with 2 `sync` workers (see the notes of `unit_tree`).",
            ),
            Text(
                vi="Số truy vấn đếm trong tiến trình bằng test client sau một yêu cầu làm nóng, gồm cả truy vấn của "
                "phiên và xác thực; cột «Tìm 1 học sinh» là cùng trang khi tìm theo mã của một học sinh.",
                en="Queries are counted in-process with the test client after one warm-up request, including the "
                "session's and authentication's; 'one learner found' is the same page searching one learner's code.",
            ),
        ],
    )
