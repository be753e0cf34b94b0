"""The scoped unit tree (/units/) and the units API (/api/v1/units/) against a bare view returning the same rows.

For a Sở office user (sees the whole Sở subtree, ≈ 1,700 units) and a school user (sees one unit): the search
results page, the browse page, the first level below the top of the tree (the htmx fragment a click opens) and the
API list, each served by gunicorn and compared with ``bench.urls.unscoped_bare_units`` fetching the very same rows
by primary key, requested with the same credentials (so both pay for the session and the middleware; the
difference is what scoping, pagination, templates or DRF add). SQL queries per request are counted in-process
with the test client, apart from the timing.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import Any

from bench import Check, Column, Context, Figures, Table, Text, setting
from bench.server import Target, Timing, gunicorn, latencies_side_by_side, throughput

TITLE = Text(vi="Cây đơn vị và API đơn vị theo phạm vi", en="Scoped unit tree and units API")
GOAL = Text(
    vi="Mỗi trang có phạm vi (tìm kiếm, duyệt cây, mở một cấp) và API danh sách đơn vị mất không quá 3 lần thời gian "
    "(trung vị) của một view trần trả đúng các dòng đó; số truy vấn SQL của mỗi trang không tăng theo số dòng.",
    en="Each scoped page (search, browse, one level opened) and the units API list takes at most 3× the median time "
    "of a bare view returning the same rows; no page's SQL query count grows with the number of rows.",
)
DATA = ("seed_demo",)
MAX_RATIO = 3.0
SEARCH = "truong"  # every school's name starts with "Trường": the Sở sees ≈ 1,600 matches, a school sees itself
USERS = {
    "so.vanphong": Text(vi="Sở", en="Sở office"),
    "th.giaovien": Text(vi="Trường", en="school"),
}
PAGES = {
    "search": Text(vi="Tìm kiếm", en="search"),
    "browse": Text(vi="Duyệt cây", en="browse"),
    "children": Text(vi="Mở một cấp", en="open a level"),
    "api": Text(vi="API danh sách", en="API list"),
}


@dataclass
class Scenario:
    """One page for one user: the URL, its rows, the bare URL returning the same rows, and the figures."""

    user: str
    page: str
    path: str
    small_path: str | None  # the same page with few rows, to show the query count does not depend on rows
    headers: dict[str, str]
    bare_format: str
    ids: list[int] | None = None
    queries: int = 0
    small_rows: int | None = None
    small_queries: int | None = None
    bare_queries: int = 0
    scoped: Timing | None = None
    bare: Timing | None = None
    anonymous: Timing | None = None

    @property
    def bare_path(self) -> str:
        return f"/bench/bare/units/?format={self.bare_format}&ids={','.join(map(str, self.ids or []))}"


def _sign_in(username: str) -> tuple[str, str]:
    """A session (cookie) and an API token for ``username``, made directly: no password, no TOTP, no form.

    The scratch database is ours, so the account is also marked past its first-sign-in steps (new password,
    acknowledgement), which would otherwise redirect every page.
    """
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from edudb.accounts.middleware import SIGNED_IN_AT
    from edudb.accounts.models import Account

    Account.objects.filter(username=username).update(must_change_password=False, acknowledged_at=timezone.now())
    account = Account.objects.get(username=username)
    session = SessionStore()
    session[SESSION_KEY] = str(account.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = account.get_session_auth_hash()
    session[SIGNED_IN_AT] = timezone.now().timestamp()
    session.create()
    assert session.session_key is not None
    Token.objects.filter(user=account).delete()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}", Token.objects.create(user=account).key


def _scenarios() -> list[Scenario]:
    from edudb.accounts.models import Account
    from edudb.core.models import Unit

    scenarios = []
    for username in USERS:
        cookie, token = _sign_in(username)
        account = Account.objects.get(username=username)
        visible = Unit.objects.visible_to(account)
        top = visible.order_by("depth", "path").first()
        assert top is not None, f"{username} sees no unit"
        one = visible.filter(kind__category="institution").order_by("path").first() or top
        below = visible.filter(parent=top).order_by("path")
        # A unit under the top with children of its own, so "one level opened" has a small case too.
        small_parent = next((unit for unit in below if visible.filter(parent=unit).exists()), None)
        session = {"Cookie": cookie}
        scenarios += [
            Scenario(username, "search", f"/units/?q={SEARCH}", f"/units/?q={one.code}", session, "html"),
            Scenario(username, "browse", "/units/", None, session, "html"),
            Scenario(
                username,
                "children",
                f"/units/{top.pk}/children/",
                f"/units/{small_parent.pk}/children/" if small_parent else None,
                session,
                "html",
            ),
            Scenario(
                username,
                "api",
                "/api/v1/units/",
                f"/api/v1/units/?q={one.code}",
                {"Authorization": f"Token {token}"},
                "json",
            ),
        ]
    return scenarios


def _count(client: Any, path: str, headers: dict[str, str]) -> tuple[int, Any]:
    """SQL queries of one request, after one request to get past once-per-session writes and lazy caches."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(path, headers=headers)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, headers=headers)
    if response.status_code != 200:
        raise RuntimeError(f"GET {path} answered {response.status_code}: {response.content[:500]!r}")
    if os.environ.get("BENCH_VERBOSE"):
        print(f"\n[bench] {path}: {len(captured)} queries", file=sys.stderr)
        for query in captured.captured_queries:
            print(f"  {query['time']}s  {query['sql'][:300]}", file=sys.stderr)
    return len(captured), response


def _rows(scenario: Scenario, response: Any) -> list[int]:
    if scenario.bare_format == "json":
        return [row["id"] for row in response.json()["results"]]
    units = response.context["children" if scenario.page == "children" else "object_list"]
    return [unit.pk for unit in units]


def _count_queries(scenarios: list[Scenario]) -> None:
    """In-process, with the test client: queries per page, the rows each page shows, and the bare view's queries."""
    from django.db import connections
    from django.test import Client
    from django.test.utils import setup_test_environment, teardown_test_environment

    setup_test_environment()  # records the template context, so the rows can be read from the response
    try:
        for scenario in scenarios:
            client = Client()
            scenario.queries, response = _count(client, scenario.path, scenario.headers)
            scenario.ids = _rows(scenario, response)
            if scenario.small_path:
                scenario.small_queries, small = _count(client, scenario.small_path, scenario.headers)
                scenario.small_rows = len(_rows(scenario, small))
            scenario.bare_queries, bare = _count(client, scenario.bare_path, scenario.headers)
            assert bare.status_code == 200
    finally:
        teardown_test_environment()
        connections.close_all()  # the server's workers must not wait on this process's SQLite locks


def _time(context: Context, scenarios: list[Scenario], warmup: int, requests: int, concurrency: int) -> str:
    """Under gunicorn: each page, its bare twin (same credentials) and the bare twin without credentials."""
    with gunicorn(context, ready_path="/bench/bare/units/") as server:
        for scenario in scenarios:
            targets = [
                Target(scenario.path, scenario.headers),
                Target(scenario.bare_path, scenario.headers),
                Target(scenario.bare_path),
            ]
            scoped, bare, anonymous = latencies_side_by_side(server.port, targets, warmup=warmup, requests=requests)
            scenario.scoped = Timing(
                scoped, throughput(server.port, targets[0], requests=requests, concurrency=concurrency)
            )
            scenario.bare = Timing(
                bare, throughput(server.port, targets[1], requests=requests, concurrency=concurrency)
            )
            scenario.anonymous = Timing(anonymous, 0.0)
            print(
                f"[bench] {scenario.user:12} {scenario.page:8} rows={len(scenario.ids or []):4} "
                f"q={scenario.queries:2} {scenario.scoped.median_ms:6.1f} ms vs bare {scenario.bare.median_ms:5.1f} ms"
                f" → {scenario.scoped.median_ms / scenario.bare.median_ms:4.2f}×",
                file=sys.stderr,
                flush=True,
            )
        return server.description


def _tables(scenarios: list[Scenario]) -> list[Table]:
    def label(scenario: Scenario) -> dict[str, Any]:
        return {
            "user": f"{USERS[scenario.user]['vi']} / {USERS[scenario.user]['en']} (`{scenario.user}`)",
            "page": f"{PAGES[scenario.page]['vi']} / {PAGES[scenario.page]['en']}: `{scenario.path}`",
            "rows": len(scenario.ids or []),
        }

    timing_rows = []
    query_rows = []
    for scenario in scenarios:
        assert scenario.scoped and scenario.bare and scenario.anonymous
        timing_rows.append(
            {
                **label(scenario),
                "median_ms": round(scenario.scoped.median_ms, 1),
                "p95_ms": round(scenario.scoped.p95_ms, 1),
                "bare_median_ms": round(scenario.bare.median_ms, 1),
                "bare_p95_ms": round(scenario.bare.p95_ms, 1),
                "ratio": round(scenario.scoped.median_ms / scenario.bare.median_ms, 2),
                "ratio_p95": round(scenario.scoped.p95_ms / scenario.bare.p95_ms, 2),
                "anonymous_median_ms": round(scenario.anonymous.median_ms, 1),
                "ratio_anonymous": round(scenario.scoped.median_ms / scenario.anonymous.median_ms, 2),
                "rps": round(scenario.scoped.requests_per_second),
                "bare_rps": round(scenario.bare.requests_per_second),
            }
        )
        query_rows.append(
            {
                **label(scenario),
                "queries": scenario.queries,
                "small_rows": scenario.small_rows,
                "small_queries": scenario.small_queries,
                "constant": None if scenario.small_queries is None else scenario.small_queries == scenario.queries,
                "bare_queries": scenario.bare_queries,
            }
        )
    head = [
        Column(key="user", vi="Người dùng", en="User"),
        Column(key="page", vi="Trang", en="Page"),
        Column(key="rows", vi="Số dòng", en="Rows"),
    ]
    return [
        Table(
            title=Text(
                vi="Thời gian phản hồi (ms) và tỉ số so với view trần", en="Response time (ms), ratio to bare view"
            ),
            columns=[
                *head,
                Column(key="median_ms", vi="Trung vị", en="median", digits=1),
                Column(key="p95_ms", vi="p95", en="p95", digits=1),
                Column(key="bare_median_ms", vi="Trần: trung vị", en="bare median", digits=1),
                Column(key="bare_p95_ms", vi="Trần: p95", en="bare p95", digits=1),
                Column(key="ratio", vi="**Tỉ số**", en="**ratio**", digits=2),
                Column(key="anonymous_median_ms", vi="Trần ẩn danh: trung vị", en="bare anonymous median", digits=1),
                Column(key="rps", vi="Yêu cầu/giây", en="req/s"),
                Column(key="bare_rps", vi="Trần: yêu cầu/giây", en="bare req/s"),
            ],
            rows=timing_rows,
        ),
        Table(
            title=Text(vi="Số truy vấn SQL mỗi yêu cầu", en="SQL queries per request"),
            columns=[
                *head,
                Column(key="queries", vi="Truy vấn", en="queries"),
                Column(key="small_rows", vi="Ít dòng: số dòng", en="few rows: rows"),
                Column(key="small_queries", vi="Ít dòng: truy vấn", en="few rows: queries"),
                Column(key="constant", vi="Không đổi", en="constant"),
                Column(key="bare_queries", vi="Trần: truy vấn", en="bare queries"),
            ],
            rows=query_rows,
        ),
    ]


def _checks(scenarios: list[Scenario]) -> list[Check]:
    slow = [
        f"{s.user} {s.page} {s.scoped.median_ms / s.bare.median_ms:.1f}×"
        for s in scenarios
        if s.scoped and s.bare and s.scoped.median_ms > MAX_RATIO * s.bare.median_ms
    ]
    growing = [f"{s.user} {s.page}" for s in scenarios if s.small_queries is not None and s.small_queries != s.queries]
    return [
        Check(
            vi=f"Tỉ số thời gian (trung vị) ≤ {MAX_RATIO:g} ở mọi trang"
            + (f"; vượt: {', '.join(slow)}" if slow else ""),
            en=f"median time ratio ≤ {MAX_RATIO:g} on every page" + (f"; over: {', '.join(slow)}" if slow else ""),
            met=not slow,
        ),
        Check(
            vi="Số truy vấn SQL như nhau khi nhiều dòng và khi ít dòng"
            + (f"; khác: {', '.join(growing)}" if growing else ""),
            en="same SQL query count with many rows and with few"
            + (f"; differs: {', '.join(growing)}" if growing else ""),
            met=not growing,
        ),
    ]


def run(context: Context) -> Figures:
    from edudb.core.models import Unit

    warmup = setting("BENCH_WARMUP", 10)
    requests = setting("BENCH_REQUESTS", 100)
    concurrency = setting("BENCH_CONCURRENCY", 2)
    scenarios = _scenarios()
    units = Unit.objects.count()
    _count_queries(scenarios)
    server = _time(context, scenarios, warmup, requests, concurrency)
    return Figures(
        tables=_tables(scenarios),
        checks=_checks(scenarios),
        setup={
            "data": f"manage.py seed_demo, {units} units",
            "server": server,
            "client": f"Python http.client, one connection per request; per URL {warmup} warm-up + {requests} measured requests, "
            f"one at a time, page and bare views interleaved; req/s from {requests} requests over {concurrency} "
            "concurrent connections",
            "search": f"q={SEARCH}",
        },
        notes=[
            Text(
                vi="View trần (`bench/urls.py`, chỉ có trong `bench.settings`) lấy đúng các dòng trang đó hiển thị theo "
                "danh sách khoá chính, không phạm vi, không template, không DRF; được gọi với cùng thông tin đăng nhập "
                "(cookie phiên hay token), nên cùng chịu chi phí phiên và middleware. Cột «ẩn danh» gọi nó không kèm "
                "đăng nhập. API: view trần bỏ qua token, nên tỉ số của API tính cả phần xác thực token của DRF.",
                en="The bare view (`bench/urls.py`, only in `bench.settings`) fetches exactly the rows the page shows by "
                "primary key, with no scoping, template or DRF; it is called with the same credentials (session cookie "
                "or token), so both pay for the session and middleware. The 'anonymous' column calls it without them. API: the "
                "plain view ignores the token, so the API's ratio also counts DRF's token authentication.",
            ),
            Text(
                vi="Máy chủ: gunicorn với 2 worker `sync` (mỗi lõi một tiến trình; Django tốn CPU nên luồng không giúp "
                "gì dưới GIL; worker `sync` chỉ nhận kết nối khi rảnh nên tải chia đều, còn `gthread` để một worker ôm "
                "cả hai kết nối và số yêu cầu/giây dao động gấp đôi giữa hai lần chạy). Yêu cầu/giây đo với 2 kết nối "
                "đồng thời, nên dùng cả hai lõi.",
                en="Server: gunicorn with 2 `sync` workers (one process per core; Django is CPU-bound, so threads add "
                "nothing under the GIL; a `sync` worker accepts only when free, so load spreads evenly, whereas with "
                "`gthread` one worker could take both connections and req/s swung 2× between runs). Req/s is measured "
                "with 2 concurrent connections, so it uses both cores.",
            ),
            Text(
                vi="Số truy vấn đếm trong tiến trình bằng test client (`CaptureQueriesContext`), sau một yêu cầu làm "
                "nóng; gồm cả truy vấn của phiên (đọc, ghi lại mỗi yêu cầu) và của xác thực.",
                en="Queries are counted in-process with the test client (`CaptureQueriesContext`) after one warm-up "
                "request; they include the session's (read, and re-save on every request) and authentication's.",
            ),
        ],
    )
