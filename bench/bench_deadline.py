"""Deadline day (issue 6, "Load"): every reporting unit of the demo city submits in the last hour, managers review,
the timeliness board is open — on PostgreSQL, through the reporting API, served by gunicorn with the background
worker (``manage.py db_worker``) beside it, as in production.

Data: the city-scale demo (``seed_demo --scale city``, ≈ 1.1 million learners, so each school's snapshot is its real
size), then one ``scoring.measure()`` (quality scores exist before deadline day), then an ad-hoc period opened
through ``services.open_adhoc`` whose deadline is today, covering every component database, ``min_completeness=0``;
the blocking validation rules stay as they are, so a school whose records break one is refused, with the reason.
Every reporting unit (``services.unscoped_reporting_units()``: ≈ 1,640 institutions and 114 communes) gets a user
account holding ``view``, ``submit`` and ``approve`` and an API token; the Sở gets one with ``view`` and ``approve``
(made through the ORM before any timing). ``BENCH_DEADLINE_SCALE=demo`` runs on the small demo instead (≈ 15 s to
seed, most schools without records); ``BENCH_DEADLINE_UNITS=N`` keeps whole communes (and THPT schools) until N
units, for a dry run.

The load (``bench/deadline_client.py``): a paced phase at the real peak's rate (≈ 1,700 submissions in one hour),
concurrent double submits of one unit on an idle server, then the rush — submitter threads as fast as the server
answers, reviewers approving each submission as it lands, managers submitting their roll-up once their units are
decided, the board of the Sở and of one commune polled every few seconds. Afterwards the database is counted: every
unit answered 201 has exactly one submission (and one snapshot whose checksum verifies), every other unit none, and
every refusal carried a Vietnamese ``detail``. The baseline the rate is compared with is the real peak: ≈ 1,700
submissions in one hour ≈ 0.47/s.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import re
import statistics
import sys
import time
from collections import Counter
from contextlib import suppress
from pathlib import Path
from typing import Any

from bench import Check, Column, Context, Figures, Table, Text, setting
from bench.deadline_client import Call, Load, PlanUnit, SmtpSink, quantile
from bench.server import db_worker, gunicorn

SCALE = os.environ.get("BENCH_DEADLINE_SCALE", "city").strip() or "city"
if SCALE not in ("city", "demo"):
    raise SystemExit(f"BENCH_DEADLINE_SCALE={SCALE}: chọn / choose city | demo")
DATA = ("seed_demo --scale city",) if SCALE == "city" else ("seed_demo",)
TITLE = Text(vi="Ngày hạn chót báo cáo: mọi đơn vị chốt số liệu", en="Deadline day: every unit submits its report")
REAL_UNITS, REAL_WINDOW_S = 1700, 3600  # the issue: ≈ 1,700 units submitting within the last hour
REAL_PEAK = REAL_UNITS / REAL_WINDOW_S  # ≈ 0.47 submissions per second
MIN_MARGIN = 2.0
GOAL = Text(
    vi="Cả thành phố (≈ 1.700 đơn vị) chốt số liệu trong giờ cuối trước hạn, trong khi cấp trên duyệt và bảng theo dõi "
    "đang mở (PostgreSQL, gunicorn và tiến trình nền): mỗi lần chốt hoặc được ghi đúng một lần, hoặc bị từ chối với "
    "lý do rõ ràng bằng tiếng Việt, không mất lần nào; hai lần chốt cùng lúc của một đơn vị chỉ tạo một phiên bản; "
    f"tốc độ chốt duy trì được ít nhất {MIN_MARGIN:.0f} lần đỉnh thật (≈ 0,47 lần/giây).",
    en="The whole city (≈ 1,700 units) submits in the last hour before the deadline while managers review and the "
    "timeliness board is open (PostgreSQL, gunicorn and the background worker): every submission either lands exactly "
    "once or is refused with a clear Vietnamese reason, none lost; two simultaneous submissions of one unit give one "
    f"version; the sustained submission rate is at least {MIN_MARGIN:.0f}× the real peak (≈ 0.47/s).",
)
USERNAME = "bench.deadline.{code}"
PROFILED = 20  # schools whose submit is timed in-process, part by part, after the run


# --- set-up: scores, the period, the accounts (before any timing) ------------------------------------------------------


def _measure_quality() -> float:
    from django.db import connection

    from edudb.quality import scoring

    started = time.perf_counter()
    with connection.cursor() as cursor:  # fresh tables: give the planner statistics before reading them
        cursor.execute("ANALYZE")
    scoring.measure(progress=lambda done: print(f"\r[bench] measured {done} units", end="", file=sys.stderr))
    print(file=sys.stderr)
    return time.perf_counter() - started


def _open_period() -> Any:
    from django.utils import timezone

    from edudb.accounts.models import Account
    from edudb.reporting import services
    from edudb.reporting.models import COVERABLE

    today = timezone.localdate()
    return services.open_adhoc(
        by=Account.objects.get(username="so.admin"),
        title=f"Báo cáo nhanh cuối ngày {today:%d/%m/%Y} (benchmark)",
        opens_on=today - dt.timedelta(days=7),
        deadline=today,
        covers=[str(code) for code in COVERABLE],
        instructions="Các đơn vị chốt số liệu của mọi cơ sở dữ liệu thành phần trước hết ngày hôm nay.",
        min_completeness=0,
    )


def _select(rows: list[dict[str, Any]], wanted: int) -> list[dict[str, Any]]:
    """Every reporting unit, or (a dry run) whole subtrees of the Sở's children in a seeded order until ``wanted``."""
    if wanted <= 0 or wanted >= len(rows):
        return rows
    ids = {row["pk"] for row in rows}
    tops = sorted(row["pk"] for row in rows if row["parent_id"] not in ids)
    random.Random(6).shuffle(tops)
    below: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        below.setdefault(row["parent_id"], []).append(row)
    by_pk = {row["pk"]: row for row in rows}
    chosen: list[dict[str, Any]] = []
    for top in tops:
        if len(chosen) >= wanted:
            break
        chosen += [by_pk[top], *below.get(top, [])]
    return chosen


def _accounts(units: list[dict[str, Any]], department: Any) -> dict[int, str]:
    """One user account with view, submit and approve per unit (and one for the Sở), each with a fresh API token."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from edudb.accounts.models import Account, AccountFunction, AccountKind
    from edudb.core.scoping import Function
    from edudb.quality.text import search_key

    now = timezone.now()
    unit_functions: tuple[str, ...] = (Function.VIEW, Function.SUBMIT, Function.APPROVE)
    wanted = {row["pk"]: (row["code"], unit_functions) for row in units}
    wanted[department.pk] = (department.code, (Function.VIEW, Function.APPROVE))
    names = {USERNAME.format(code=code): pk for pk, (code, _f) in wanted.items()}
    existing = dict(Account.objects.filter(username__in=names).values_list("username", "pk"))
    full_name = "Chuyên viên báo cáo"
    Account.objects.bulk_create(
        [
            Account(
                username=username,
                full_name=full_name,
                email=f"{username}@bench.invalid",
                unit_id=pk,
                kind=AccountKind.USER,
                must_change_password=False,
                acknowledged_at=now,
                password=make_password(None),
                name_key=search_key(f"{full_name} {username}"),
            )
            for username, pk in names.items()
            if username not in existing
        ],
        batch_size=1000,
    )
    accounts = dict(Account.objects.filter(username__in=names).values_list("unit_id", "pk"))
    AccountFunction.objects.bulk_create(
        [
            AccountFunction(account_id=accounts[pk], function=function)
            for pk, (_code, functions) in wanted.items()
            for function in functions
        ],
        ignore_conflicts=True,
        batch_size=2000,
    )
    Token.objects.filter(user_id__in=accounts.values()).delete()
    tokens = [Token(key=Token.generate_key(), user_id=account) for account in accounts.values()]
    Token.objects.bulk_create(tokens, batch_size=1000)
    by_account = {token.user_id: token.key for token in tokens}
    return {unit: by_account[account] for unit, account in accounts.items()}


def _plan(wanted: int) -> tuple[Any, Any, dict[int, PlanUnit], int]:
    """The period, the Sở, the units in the run with their tokens, and how many reporting units the city has."""
    from edudb.core.models import Category, Unit
    from edudb.reporting import services

    period = _open_period()
    department = Unit.objects.get(kind__category=Category.DEPARTMENT, depth=0)
    rows = list(
        services.unscoped_reporting_units().order_by("path").values("pk", "code", "name", "parent_id", "kind__category")
    )
    chosen = _select([dict(row) for row in rows], wanted)
    tokens = _accounts(chosen, department)
    in_run = {row["pk"] for row in chosen}
    units = {
        row["pk"]: PlanUnit(
            pk=row["pk"],
            code=row["code"],
            name=row["name"],
            parent=row["parent_id"],
            manager=row["kind__category"] == Category.MANAGER,
            token=tokens[row["pk"]],
            reviewer_token=tokens[row["parent_id"]],  # the unit's manager, or the Sở's account
        )
        for row in chosen
    }
    for unit in units.values():
        if unit.parent in in_run:
            units[unit.parent].children.append(unit.pk)
    units[-1] = PlanUnit(department.pk, department.code, department.name, None, False, tokens[department.pk], "")
    return period, department, units, len(rows)


# --- CPU time of the server, the worker and the database -----------------------------------------------------------


def _cpu_seconds(pid: int, *, children: bool = False) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    if children:
        ticks += int(fields[13]) + int(fields[14])  # cutime, cstime: children that have exited
    return ticks / os.sysconf("SC_CLK_TCK")


def _processes() -> list[tuple[int, int, str]]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                head, tail = (entry / "stat").read_text().rsplit(")", 1)
            except OSError:
                continue
            found.append((int(entry.name), int(tail.split()[1]), head.split("(", 1)[1]))
    return found


def _cpu_snapshot(gunicorn_pid: int, worker_pid: int) -> dict[str, float]:
    """CPU seconds so far: gunicorn (master and workers), the db_worker, and every PostgreSQL process."""
    processes = _processes()
    web = _cpu_seconds(gunicorn_pid) + sum(_cpu_seconds(pid) for pid, ppid, _n in processes if ppid == gunicorn_pid)
    postgres = [pid for pid, _p, name in processes if name == "postgres"]
    pids = set(postgres)
    roots = [pid for pid, ppid, name in processes if name == "postgres" and ppid not in pids]
    database = sum(_cpu_seconds(pid, children=pid in roots) for pid in postgres)
    return {"web": web, "worker": _cpu_seconds(worker_pid), "database": database}


# --- where the time goes (in-process, after the run) ------------------------------------------------------------------


class _Rollback(Exception):
    pass


def _mean_ms(values: list[float]) -> float | None:
    return 1000 * sum(values) / len(values) if values else None


def _in_process(period: Any, units: dict[int, PlanUnit], department: Any, sở_token: str) -> dict[str, Any]:
    """Where a submit's time goes, in this process on a fresh period with every write rolled back: a sample of
    schools POST through the API (Django's test client: authentication, serializers, the answer) while the service
    and its parts are timed inside the same requests — the pre-check's fresh quality measurement and, within it,
    the duplicate-learner check; the snapshot; the audit entry under the chain lock. Means per school, so the parts
    add up. Then the board of the Sở, by ``board.build`` and through the API (median of 5)."""
    from django.db import transaction
    from django.test import Client
    from django.test.utils import setup_test_environment, teardown_test_environment

    from edudb.core import audit
    from edudb.core.models import Unit
    from edudb.quality import scoring
    from edudb.reporting import board, services, snapshots

    names = ("service", "measure", "duplicates", "freeze", "audit")
    parts: dict[str, list[float]] = {name: [] for name in (*names, "api")}
    timers: dict[str, float] = {}
    statuses: Counter[int] = Counter()

    def timed(name: str, function: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                timers[name] = timers.get(name, 0.0) + time.perf_counter() - started

        return wrapper

    def post(client: Client, plan: PlanUnit) -> float:
        """Seconds the API took to answer the school's submit; its writes undone."""
        started = time.perf_counter()
        elapsed = 0.0
        with suppress(_Rollback), transaction.atomic():
            response = client.post(
                "/api/v1/reporting/submissions/",
                {"period": period.pk, "note": ""},
                content_type="application/json",
                headers={"Authorization": f"Token {plan.token}"},
            )
            elapsed = time.perf_counter() - started
            statuses[response.status_code] += 1
            raise _Rollback
        return elapsed

    schools = [u for u in units.values() if not u.manager and not u.children]
    sample = random.Random(7).sample(schools, min(PROFILED + 1, len(schools)))
    originals = (services.submit, scoring.measure, scoring.find_duplicate_children, snapshots.freeze, audit.record)
    services.submit = timed("service", services.submit)
    scoring.measure = timed("measure", scoring.measure)
    scoring.find_duplicate_children = timed("duplicates", scoring.find_duplicate_children)
    snapshots.freeze = timed("freeze", snapshots.freeze)
    audit.record = timed("audit", audit.record)
    setup_test_environment()  # the test client's host name is allowed
    client = Client()
    try:
        post(client, sample[0])  # warm-up: first imports, URL resolver, prepared caches
        statuses.clear()
        for plan in sample[1:]:
            timers.clear()
            parts["api"].append(post(client, plan))
            for name in names:
                parts[name].append(timers.get(name, 0.0))
        department = Unit.objects.select_related("kind").get(pk=department.pk)
        sở = _account_of_token(sở_token)
        builds, pages = [], []
        for _ in range(5):
            started = time.perf_counter()
            board.build(period, sở, department)
            builds.append(time.perf_counter() - started)
            started = time.perf_counter()
            client.get(
                f"/api/v1/reporting/periods/{period.pk}/board/?unit={department.pk}",
                headers={"Authorization": f"Token {sở_token}"},
            )
            pages.append(time.perf_counter() - started)
    finally:
        services.submit, scoring.measure, scoring.find_duplicate_children, snapshots.freeze, audit.record = originals
        teardown_test_environment()
    figures: dict[str, Any] = {name: _mean_ms(values) for name, values in parts.items()}
    figures["board_build"] = 1000 * statistics.median(builds)
    figures["board_api"] = 1000 * statistics.median(pages)
    figures["units"] = len(sample) - 1
    figures["statuses"] = ", ".join(f"{code}×{n}" for code, n in sorted(statuses.items()))
    return figures


def _account_of_token(key: str) -> Any:
    from rest_framework.authtoken.models import Token

    return Token.objects.select_related("user__unit__kind").get(key=key).user


# --- after the run: count what the database holds ---------------------------------------------------------------------


def _verify(period: Any, load: Load, units: dict[int, PlanUnit]) -> dict[str, Any]:
    from django.db.models import Count

    from edudb.core.models import AuditEntry
    from edudb.reporting import snapshots
    from edudb.reporting.models import ReportState, Snapshot, Submission, UnitReport

    run_units = {pk for pk in units if pk > 0}
    in_db = dict(
        Submission.objects.filter(report__period=period)
        .values("report__unit_id")
        .annotate(n=Count("pk"))
        .values_list("report__unit_id", "n")
    )
    ids_in_db = dict(
        Submission.objects.filter(report__period=period).values_list("report__unit_id", "pk")
    )  # one per unit when all is well
    answered_201 = {pk for pk, ids in load.submitted.items() if ids}
    wrong_landed = sorted(pk for pk in answered_201 if in_db.get(pk) != 1 or ids_in_db.get(pk) != load.submitted[pk][0])
    wrong_landed += sorted(pk for pk in answered_201 if len(load.submitted[pk]) != 1)
    refused = run_units - answered_201
    wrong_refused = sorted(pk for pk in refused if in_db.get(pk, 0) != 0)
    stray = sorted(pk for pk in in_db if pk not in run_units)
    asked = {c.unit for c in load.calls if c.kind in ("submit", "rollup", "pair")}
    never_asked = sorted(run_units - asked)
    checksums_bad = 0
    checked = 0
    for payload, checksum in (
        Snapshot.objects.filter(submission__report__period=period)
        .values_list("data", "checksum")
        .iterator(chunk_size=50)
    ):
        checked += 1
        checksums_bad += not snapshots.verify(payload, checksum)
    approved = set(
        UnitReport.objects.filter(period=period, state=ReportState.APPROVED).values_list("unit_id", flat=True)
    )
    approved_expected = {pk for pk, outcome in load.outcome.items() if outcome == "approved"}
    pairs: dict[tuple[str, int], list[Call]] = {}
    for call in load.of(kinds=("pair",)):
        pairs.setdefault((call.phase, call.unit), []).append(call)
    pair_rows = []
    for phase in ("pairs", "main"):
        group = [calls for (p, _u), calls in pairs.items() if p == phase]
        one = sum(
            1
            for calls in group
            if len(calls) == 2
            and sum(c.status == 201 for c in calls) == 1
            and all(c.status == 201 or c.clear_refusal for c in calls)
        )
        both_refused = sum(1 for calls in group if all(c.clear_refusal for c in calls))
        in_db_ok = sum(1 for calls in group if in_db.get(calls[0].unit, 0) <= 1)
        versions = Submission.objects.filter(
            report__period=period, report__unit_id__in=[calls[0].unit for calls in group]
        ).values_list("version", flat=True)
        pair_rows.append(
            {
                "phase": phase,
                "pairs": len(group),
                "one_version": one,
                "both_refused": both_refused,
                "at_most_one_in_db": in_db_ok,
                "max_version": max(versions, default=0),
            }
        )
    audit_submits = AuditEntry.objects.filter(action="reporting.submit", extra__period=period.pk).count()
    from edudb.core import audit

    started = time.perf_counter()
    chain_problems = sum(1 for _problem in audit.verify_chain())
    chain_seconds = time.perf_counter() - started
    return {
        "answered_201": len(answered_201),
        "wrong_landed": wrong_landed,
        "refused": len(refused),
        "wrong_refused": wrong_refused,
        "stray": stray,
        "never_asked": never_asked,
        "submissions_in_db": sum(in_db.values()),
        "snapshots_checked": checked,
        "checksums_bad": checksums_bad,
        "approved_in_db": len(approved),
        "approved_expected": len(approved_expected),
        "approved_mismatch": sorted(approved ^ approved_expected),
        "pairs": pair_rows,
        "audit_submits": audit_submits,
        "chain_problems": chain_problems,
        "chain_entries": AuditEntry.objects.count(),
        "chain_seconds": chain_seconds,
    }


# --- figures ---------------------------------------------------------------------------------------------------------


def _ms(value: float | None) -> float | None:
    return None if value is None else round(value * 1000, 1)


def _latency_row(label: Text, calls: list[Call]) -> dict[str, Any]:
    seconds = [c.seconds for c in calls if c.status]
    return {
        "what": f"{label['vi']} / {label['en']}",
        "n": len(calls),
        "p50": _ms(quantile(seconds, 0.5)),
        "p95": _ms(quantile(seconds, 0.95)),
        "max": _ms(max(seconds, default=None)),
    }


KIND_LABELS = {
    "submit": Text(vi="Chốt số liệu (trường, xã không có trường)", en="submit (schools, communes without schools)"),
    "rollup": Text(vi="Chốt tổng hợp của xã", en="commune roll-up submit"),
    "pair": Text(vi="Chốt hai lần cùng lúc (mỗi yêu cầu)", en="double submit (each request)"),
    "approve": Text(vi="Duyệt", en="approve"),
    "board_city": Text(vi="Bảng theo dõi của Sở (cả thành phố)", en="board of the Sở (whole city)"),
    "board_commune": Text(vi="Bảng theo dõi của một xã", en="board of one commune"),
}
PHASE_LABELS = {
    "paced": Text(vi="Nhịp thật (≈ 0,47/giây)", en="real pace (≈ 0.47/s)"),
    "pairs": Text(vi="Chốt đôi, máy chủ rảnh", en="double submits, idle server"),
    "main": Text(vi="Cao điểm (nhanh hết mức)", en="rush (as fast as served)"),
}


def _outcome_rows(load: Load) -> list[dict[str, Any]]:
    rows = []
    for phase in ("paced", "pairs", "main"):
        for kind in ("submit", "rollup", "pair", "approve", "board_city", "board_commune"):
            calls = load.of(phase=phase, kinds=(kind,))
            if not calls:
                continue
            ok = 200 if kind.startswith("board") or kind == "approve" else 201
            rows.append(
                {
                    "phase": f"{PHASE_LABELS[phase]['vi']} / {PHASE_LABELS[phase]['en']}",
                    "what": f"{KIND_LABELS[kind]['vi']} / {KIND_LABELS[kind]['en']}",
                    "n": len(calls),
                    "ok": sum(c.status == ok for c in calls),
                    "refused_clear": sum(c.clear_refusal for c in calls),
                    "refused_unclear": sum(400 <= c.status < 500 and not c.clear_refusal for c in calls),
                    "server_error": sum(c.status >= 500 for c in calls),
                    "no_answer": sum(c.status == 0 for c in calls),
                }
            )
    return rows


_NUMBER = re.compile(r"\d+")


def _reasons(load: Load, units: dict[int, PlanUnit]) -> list[dict[str, Any]]:
    """Refusals grouped by what they say, with unit names and numbers taken out."""
    grouped: Counter[str] = Counter()
    example: dict[str, str] = {}
    for call in load.calls:
        if call.status in (0, 201) or call.kind not in ("submit", "rollup", "pair"):
            continue
        if call.kind == "pair" and call.unit in load.submitted:  # the twin of a landed submission: expected
            continue
        lines = [line.strip("- ").strip() for line in call.detail.splitlines() if line.strip()]
        unit = units.get(call.unit)
        keys = []
        for line in lines[1:] or lines:
            key = line.split(", ví dụ:", 1)[0]
            if unit:
                key = key.replace(unit.name, "<đơn vị>")
            key = _NUMBER.sub("N", key.split(" lúc ", 1)[0])[:160]
            keys.append(key)
        for key in keys or [f"HTTP {call.status}"]:
            grouped[key] += 1
            example.setdefault(key, call.detail[:300])
    return [{"reason": key, "n": n, "example": example[key].replace("\n", " ")} for key, n in grouped.most_common(12)]


def _rate(load: Load) -> dict[str, float]:
    landed = [c for c in load.of(phase="main", kinds=("submit", "rollup", "pair")) if c.status == 201]
    answered = load.of(phase="main", kinds=("submit", "rollup", "pair"))
    seconds = load.phase_seconds.get("main", 0.0)
    first = min((c.started for c in answered), default=0.0)
    last = max((c.ended for c in answered), default=0.0)
    ends = sorted(c.ended for c in landed)
    steady = 0.0
    if len(ends) >= 10:
        low, high = ends[len(ends) // 10], ends[len(ends) * 9 // 10]
        steady = (len(ends) * 9 // 10 - len(ends) // 10) / (high - low) if high > low else 0.0
    return {
        "steady": steady,
        "landed": len(landed),
        "answered": len(answered),
        "seconds": seconds,
        "rate": len(landed) / seconds if seconds else 0.0,
        "answered_rate": len(answered) / (last - first) if last > first else 0.0,
        "submit_window": last - first,
    }


def _minutes(load: Load) -> list[dict[str, Any]]:
    """The rush minute by minute: submissions landed, approvals, board reads and the submit latency in each."""
    main = load.of(phase="main")
    if not main:
        return []
    start = min(c.started for c in main)
    rows: dict[int, dict[str, Any]] = {}
    latencies: dict[int, list[float]] = {}
    for call in main:
        minute = int((call.ended - start) // 60)
        row = rows.setdefault(minute, {"minute": minute + 1, "landed": 0, "approved": 0, "boards": 0})
        if call.kind in ("submit", "rollup", "pair") and call.status == 201:
            row["landed"] += 1
            latencies.setdefault(minute, []).append(call.seconds)
        elif call.kind == "approve" and call.status == 200:
            row["approved"] += 1
        elif call.kind.startswith("board"):
            row["boards"] += 1
    for minute, row in rows.items():
        row["rate"] = round(row["landed"] / 60, 2)
        row["p95"] = _ms(quantile(latencies.get(minute, []), 0.95))
    return [rows[m] for m in sorted(rows)]


def run(context: Context) -> Figures:
    from django.db import connections

    from edudb.registry.models import Student

    if context.vendor != "postgresql":
        print("[bench] deadline: designed for PostgreSQL (DATABASE_URL=postgres://…); running anyway", file=sys.stderr)
    wanted = setting("BENCH_DEADLINE_UNITS", 0)
    submitters = setting("BENCH_DEADLINE_SUBMITTERS", 8)
    approvers = setting("BENCH_DEADLINE_APPROVERS", submitters)  # one review for each submission, as they come
    workers = setting("BENCH_DEADLINE_WORKERS", 2)
    board_interval = setting("BENCH_DEADLINE_BOARD_EVERY", 3)
    paced_count = setting("BENCH_DEADLINE_PACED", 30)
    idle_pairs = setting("BENCH_DEADLINE_PAIRS", 10)
    rush_pairs = setting("BENCH_DEADLINE_RUSH_PAIRS", 20)
    limit = setting("BENCH_DEADLINE_LIMIT", 3600)

    measure_seconds = _measure_quality() if SCALE == "city" else 0.0  # the demo scale's seed measures already
    started = time.perf_counter()
    period, department, units, city_units = _plan(wanted)
    sở = units.pop(-1)
    setup_seconds = time.perf_counter() - started
    learners = Student.objects.count()
    print(
        f"[bench] period {period.pk}, {len(units)} of {city_units} reporting units, set-up {setup_seconds:.1f} s",
        file=sys.stderr,
        flush=True,
    )
    leaves = sorted(pk for pk, u in units.items() if not u.children)
    rng = random.Random(6)
    rng.shuffle(leaves)
    paced = leaves[:paced_count]
    pairs = leaves[paced_count : paced_count + idle_pairs]
    rush = [pk for pk in units if pk not in set(paced) | set(pairs)]
    rng.shuffle(rush)
    rush_leaves = [pk for pk in rush if not units[pk].children]
    rush_pair_units = set(rush_leaves[:: max(1, len(rush_leaves) // max(1, rush_pairs))][:rush_pairs])
    commune = max((u for u in units.values() if u.manager), key=lambda u: len(u.children), default=None)
    boards = [("board_city", sở.token, department.pk)]
    if commune is not None:
        boards.append(("board_commune", commune.token, commune.pk))
    connections.close_all()

    saved = {
        key: os.environ.get(key) for key in ("EMAIL_HOST", "EMAIL_PORT", "EMAIL_USE_TLS", "EDUDB_EMAIL_NOTIFICATIONS")
    }
    with SmtpSink() as sink:
        os.environ.update(
            EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(sink.port), EMAIL_USE_TLS="0", EDUDB_EMAIL_NOTIFICATIONS="1"
        )
        try:
            with (
                gunicorn(context, ready_path="/bench/bare/units/", workers=workers) as server,
                db_worker(context) as worker_pid,
            ):
                load = Load(
                    server.port,
                    period.pk,
                    units,
                    boards=boards,
                    submitters=submitters,
                    approvers=approvers,
                    board_interval=board_interval,
                )
                print(f"[bench] paced: {len(paced)} submissions at {REAL_PEAK:.2f}/s", file=sys.stderr, flush=True)
                load.paced(paced, REAL_PEAK)
                print(f"[bench] pairs: {len(pairs)} units submitting twice at once", file=sys.stderr, flush=True)
                load.pairs(pairs)
                print(
                    f"[bench] rush: {len(rush)} units, {submitters} submitters, {approvers} reviewers, "
                    f"board every {board_interval} s",
                    file=sys.stderr,
                    flush=True,
                )
                cpu_before = _cpu_snapshot(server.pid, worker_pid)
                finished = load.rush(rush, pairs=rush_pair_units, limit=limit)
                cpu_after = _cpu_snapshot(server.pid, worker_pid)
                final_board = load.board("board_final", sở.token, department.pk)
                mails_at_end = sink.messages
                drained, failed_tasks = _wait_for_worker(120)
                mails = sink.messages
                server_description = server.description
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
    rate = _rate(load)
    print(
        f"[bench] rush: {rate['landed']} landed in {rate['seconds']:.1f} s = {rate['rate']:.2f}/s "
        f"({rate['rate'] / REAL_PEAK:.1f}× the real peak); finished={finished}",
        file=sys.stderr,
        flush=True,
    )
    verified = _verify(period, load, units)
    print(f"[bench] verified: {verified}", file=sys.stderr, flush=True)
    profile = _in_process(_open_period(), units, department, sở.token)
    print(f"[bench] in-process (median ms): {profile}", file=sys.stderr, flush=True)
    cpu = {key: cpu_after[key] - cpu_before[key] for key in cpu_before}
    return _figures(
        load=load,
        rate=rate,
        verified=verified,
        profile=profile,
        cpu=cpu,
        workers=workers,
        finished=finished,
        final_board=final_board,
        mails=(mails_at_end, mails, drained, failed_tasks),
        setup={
            "data": f"manage.py seed_demo{' --scale city' if SCALE == 'city' else ''} ({SCALE}, {learners} learners), "
            f"then scoring.measure() ({measure_seconds:.0f} s)",
            "units": f"{len(units)} of {city_units} reporting units"
            + (f" (BENCH_DEADLINE_UNITS={wanted})" if wanted else ""),
            "period": "ad-hoc, deadline today, every component database, min_completeness=0",
            "server": f"{server_description} + manage.py db_worker; e-mail notifications on, to a local SMTP sink",
            "clients": f"paced: {len(paced)} submissions at {REAL_PEAK:.2f}/s (exponential gaps); pairs: {len(pairs)} "
            f"units POSTing twice at once on the idle server; rush: {submitters} submitter threads, {approvers} "
            f"reviewer threads, {len(rush_pair_units)} more double submits, board of the Sở and of one commune every "
            f"{board_interval} s; Python http.client, one connection per request",
            "scale": f"BENCH_DEADLINE_SCALE={SCALE}",
        },
    )


def _wait_for_worker(limit: float) -> tuple[float | None, int]:
    """Seconds until the worker's queue is empty after the run (None: still busy after ``limit``), failed tasks."""
    from django_tasks_db.models import DBTaskResult

    started = time.perf_counter()
    drained = None
    while time.perf_counter() - started < limit:
        if not DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).exists():
            drained = time.perf_counter() - started
            break
        time.sleep(0.5)
    return drained, DBTaskResult.objects.filter(status="FAILED").count()


def _figures(
    *,
    load: Load,
    rate: dict[str, float],
    verified: dict[str, Any],
    profile: dict[str, Any],
    cpu: dict[str, float],
    workers: int,
    finished: bool,
    final_board: Call,
    mails: tuple[int, int, float | None, int],
    setup: dict[str, Any],
) -> Figures:
    margin = rate["rate"] / REAL_PEAK
    submits = load.of(kinds=("submit", "rollup", "pair"))
    unclear = [c for c in submits if c.status != 201 and not c.clear_refusal]
    lost = [c for c in load.calls if c.status == 0 or c.status >= 500]
    exactly_once = not (
        verified["wrong_landed"] or verified["wrong_refused"] or verified["stray"] or verified["never_asked"]
    )
    pairs_ok = all(row["one_version"] + row["both_refused"] == row["pairs"] for row in verified["pairs"]) and all(
        row["max_version"] <= 1 for row in verified["pairs"]
    )
    board_counts = final_board.body.get("counts", {}) if isinstance(final_board.body, dict) else {}
    checks = [
        Check(
            vi=f"Mọi lần chốt được ghi đúng một lần hoặc bị từ chối: {verified['answered_201']} đơn vị nhận 201 có đúng "
            f"1 phiên bản trong CSDL, {verified['refused']} đơn vị bị từ chối có 0; sai lệch: "
            f"{len(verified['wrong_landed']) + len(verified['wrong_refused']) + len(verified['stray'])}; "
            f"không trả lời/lỗi máy chủ: {len(lost)}",
            en=f"Every submission landed exactly once or was refused: {verified['answered_201']} units answered 201 have "
            f"exactly 1 version in the database, {verified['refused']} refused units have 0; mismatches: "
            f"{len(verified['wrong_landed']) + len(verified['wrong_refused']) + len(verified['stray'])}; "
            f"no answer/server errors: {len(lost)}",
            met=exactly_once and not lost and finished,
        ),
        Check(
            vi=f"Mọi câu trả lời không phải 201 có «detail» tiếng Việt: {len(submits) - len(unclear)}/{len(submits)} "
            f"yêu cầu chốt đúng mực",
            en=f"Every non-201 answer carried a Vietnamese 'detail': {len(submits) - len(unclear)}/{len(submits)} "
            f"submit requests in order",
            met=not unclear,
        ),
        Check(
            vi="Hai lần chốt cùng lúc của một đơn vị tạo đúng một phiên bản: "
            + "; ".join(f"{r['phase']}: {r['one_version']}/{r['pairs']}" for r in verified["pairs"]),
            en="Two simultaneous submissions of one unit give exactly one version: "
            + "; ".join(f"{r['phase']}: {r['one_version']}/{r['pairs']}" for r in verified["pairs"]),
            met=pairs_ok,
        ),
        Check(
            vi=f"Tốc độ chốt duy trì {rate['rate']:.2f}/giây = {margin:.1f} lần đỉnh thật 0,47/giây (≥ {MIN_MARGIN:.0f})",
            en=f"Sustained submission rate {rate['rate']:.2f}/s = {margin:.1f}× the real peak 0.47/s (≥ {MIN_MARGIN:.0f})",
            met=margin >= MIN_MARGIN,
        ),
        Check(
            vi=f"Ảnh dữ liệu khớp mã kiểm tra ({verified['snapshots_checked'] - verified['checksums_bad']}/"
            f"{verified['snapshots_checked']}), nhật ký không đứt ({verified['chain_problems']} lỗi), bảng theo dõi "
            f"cuối cùng đếm {board_counts.get('approved', '?')} báo cáo đã duyệt = {verified['approved_in_db']} trong CSDL",
            en=f"Snapshots match their checksums ({verified['snapshots_checked'] - verified['checksums_bad']}/"
            f"{verified['snapshots_checked']}), audit chain intact ({verified['chain_problems']} problems), the final "
            f"board counts {board_counts.get('approved', '?')} approved reports = {verified['approved_in_db']} in the "
            "database",
            met=not verified["checksums_bad"]
            and not verified["chain_problems"]
            and not verified["approved_mismatch"]
            and board_counts.get("approved") == verified["approved_in_db"],
        ),
    ]
    latency_rows = []
    for phase in ("paced", "pairs", "main"):
        for kind in ("submit", "rollup", "pair", "approve", "board_city", "board_commune"):
            calls = load.of(phase=phase, kinds=(kind,))
            if calls:
                row = _latency_row(KIND_LABELS[kind], calls)
                row["phase"] = f"{PHASE_LABELS[phase]['vi']} / {PHASE_LABELS[phase]['en']}"
                latency_rows.append(row)
    reasons = _reasons(load, load.units)
    total_cpu = sum(cpu.values()) or 1.0
    mails_at_end, mails_total, drained, failed_tasks = mails
    tables = [
        Table(
            title=Text(vi="Tốc độ trong giờ cao điểm so với đỉnh thật", en="Rate in the rush against the real peak"),
            columns=[
                Column(key="what", vi="Đại lượng", en="Quantity"),
                Column(key="value", vi="Giá trị", en="value", digits=2),
            ],
            rows=[
                {"what": "Lần chốt được ghi (201) / submissions landed (201)", "value": rate["landed"]},
                {"what": "Yêu cầu chốt đã trả lời / submit requests answered", "value": rate["answered"]},
                {
                    "what": "Thời gian cao điểm, đến khi mọi đơn vị xong (giây) / rush, until every unit was decided (s)",
                    "value": round(rate["seconds"], 1),
                },
                {
                    "what": "**Tốc độ duy trì (lần chốt/giây)** / **sustained rate (submissions/s)**",
                    "value": round(rate["rate"], 2),
                },
                {
                    "what": "Đỉnh thật: 1.700 đơn vị trong 1 giờ / real peak: 1,700 units in one hour",
                    "value": round(REAL_PEAK, 2),
                },
                {"what": "**Dư địa = tốc độ / đỉnh thật** / **margin = rate / real peak**", "value": round(margin, 1)},
                {
                    "what": "Tốc độ ổn định: 80% lần chốt ở giữa (lần/giây) / steady rate: the middle 80% of submissions "
                    "(per s)",
                    "value": round(rate["steady"], 2),
                },
                {
                    "what": "Yêu cầu chốt trả lời mỗi giây (cả từ chối) / submit requests answered per second (refusals too)",
                    "value": round(rate["answered_rate"], 2),
                },
            ],
        ),
        Table(
            title=Text(vi="Kết quả từng loại yêu cầu", en="Outcome of each kind of request"),
            columns=[
                Column(key="phase", vi="Giai đoạn", en="Phase"),
                Column(key="what", vi="Yêu cầu", en="Request"),
                Column(key="n", vi="Số", en="n"),
                Column(key="ok", vi="Thành công", en="ok"),
                Column(key="refused_clear", vi="Từ chối, có lý do", en="refused, with reason"),
                Column(key="refused_unclear", vi="Từ chối, không rõ", en="refused, unclear"),
                Column(key="server_error", vi="Lỗi máy chủ", en="server error"),
                Column(key="no_answer", vi="Không trả lời", en="no answer"),
            ],
            rows=_outcome_rows(load),
        ),
        Table(
            title=Text(
                vi="Thời gian phản hồi (ms), kể cả chờ trong hàng đợi", en="Response time (ms), queueing included"
            ),
            columns=[
                Column(key="phase", vi="Giai đoạn", en="Phase"),
                Column(key="what", vi="Yêu cầu", en="Request"),
                Column(key="n", vi="Số", en="n"),
                Column(key="p50", vi="Trung vị", en="p50", digits=1),
                Column(key="p95", vi="p95", en="p95", digits=1),
                Column(key="max", vi="Lâu nhất", en="max", digits=1),
            ],
            rows=latency_rows,
        ),
        Table(
            title=Text(
                vi="Chốt đúng một lần: đếm trong CSDL sau khi chạy",
                en="Exactly once: counted in the database afterwards",
            ),
            columns=[
                Column(key="what", vi="Kiểm tra", en="Check"),
                Column(key="value", vi="Giá trị", en="value"),
            ],
            rows=[
                {"what": "Đơn vị trong lần chạy / units in the run", "value": len(load.units)},
                {"what": "Đơn vị nhận 201 / units answered 201", "value": verified["answered_201"]},
                {
                    "what": "… trong đó không có đúng 1 phiên bản (đúng id) / … of which without exactly 1 version (the same id)",
                    "value": len(verified["wrong_landed"]),
                },
                {"what": "Đơn vị chỉ bị từ chối / units only refused", "value": verified["refused"]},
                {
                    "what": "… trong đó có phiên bản trong CSDL / … of which with a version in the database",
                    "value": len(verified["wrong_refused"]),
                },
                {"what": "Phiên bản trong CSDL / versions in the database", "value": verified["submissions_in_db"]},
                {
                    "what": "Mục nhật ký «reporting.submit» / 'reporting.submit' audit entries",
                    "value": verified["audit_submits"],
                },
                {
                    "what": "Ảnh dữ liệu sai mã kiểm tra / snapshots failing their checksum",
                    "value": verified["checksums_bad"],
                },
                {
                    "what": "Đã duyệt trong CSDL / phía khách / approved in the database / by the clients",
                    "value": f"{verified['approved_in_db']} / {verified['approved_expected']}",
                },
                {
                    "what": f"Nhật ký hệ thống: lỗi chuỗi băm trên {verified['chain_entries']} mục / audit chain problems over "
                    f"{verified['chain_entries']} entries",
                    "value": verified["chain_problems"],
                },
            ]
            + [
                {
                    "what": f"Chốt đôi ({PHASE_LABELS[r['phase']]['vi']}): một 201 + một từ chối rõ / double submits "
                    f"({PHASE_LABELS[r['phase']]['en']}): one 201 + one clear refusal",
                    "value": f"{r['one_version']}/{r['pairs']} (cả hai bị từ chối / both refused: {r['both_refused']}; "
                    f"phiên bản lớn nhất / highest version: {r['max_version']})",
                }
                for r in verified["pairs"]
            ],
        ),
        Table(
            title=Text(vi="Thời gian đi đâu", en="Where the time goes"),
            columns=[
                Column(key="what", vi="Phần", en="Part"),
                Column(key="value", vi="Giá trị", en="value", digits=1),
                Column(key="share", vi="Tỉ lệ %", en="share %", digits=0),
            ],
            rows=[
                {
                    "what": f"Chốt qua API trong tiến trình (test client, máy chủ rảnh), trung bình "
                    f"{profile.get('units', 0)} trường (ms; HTTP {profile.get('statuses')}) / submit through the API "
                    f"in-process (test client, idle server), mean of {profile.get('units', 0)} schools (ms; HTTP "
                    f"{profile.get('statuses')})",
                    "value": profile.get("api"),
                    "share": 100.0,
                },
                {
                    "what": "… dịch vụ `services.submit` / … the `services.submit` service",
                    "value": profile.get("service"),
                    "share": _share(profile.get("service"), profile.get("api")),
                },
                {
                    "what": "… … đo lại chất lượng trước khi chốt (`scoring.measure`) / … … the pre-check's fresh quality "
                    "measurement",
                    "value": profile.get("measure"),
                    "share": _share(profile.get("measure"), profile.get("api")),
                },
                {
                    "what": "… … … trong đó tìm học sinh trùng giữa các trường / … … … of which the duplicate-learner check",
                    "value": profile.get("duplicates"),
                    "share": _share(profile.get("duplicates"), profile.get("api")),
                },
                {
                    "what": "… … chụp ảnh dữ liệu (`snapshots.freeze`) / … … the snapshot",
                    "value": profile.get("freeze"),
                    "share": _share(profile.get("freeze"), profile.get("api")),
                },
                {
                    "what": "… … ghi nhật ký (khóa chuỗi) / … … the audit entry (chain lock)",
                    "value": profile.get("audit"),
                    "share": _share(profile.get("audit"), profile.get("api")),
                },
                {
                    "what": "Bảng theo dõi của Sở: `board.build` (ms) / the Sở's board: `board.build` (ms)",
                    "value": profile.get("board_build"),
                    "share": None,
                },
                {
                    "what": "Bảng theo dõi của Sở qua API, trang đầu (ms) / the Sở's board through the API, first page (ms)",
                    "value": profile.get("board_api"),
                    "share": None,
                },
                {
                    "what": "CPU giây trong cao điểm: gunicorn / CPU seconds in the rush: gunicorn",
                    "value": cpu["web"],
                    "share": 100 * cpu["web"] / total_cpu,
                },
                {
                    "what": "CPU giây: PostgreSQL (cả cụm) / CPU seconds: PostgreSQL (whole cluster)",
                    "value": cpu["database"],
                    "share": 100 * cpu["database"] / total_cpu,
                },
                {
                    "what": f"Lõi CPU bận trung bình trong cao điểm (máy có {os.cpu_count()} lõi) / average CPU cores "
                    f"busy in the rush (of {os.cpu_count()})",
                    "value": sum(cpu.values()) / rate["seconds"] if rate["seconds"] else None,
                    "share": None,
                },
                {
                    "what": "CPU giây: db_worker / CPU seconds: db_worker",
                    "value": cpu["worker"],
                    "share": 100 * cpu["worker"] / total_cpu,
                },
                {
                    "what": f"Thư tiến trình nền đã gửi: {mails_at_end} khi hết cao điểm, {mails_total} tổng, {failed_tasks} "
                    f"việc lỗi; hàng đợi trống sau (giây) / e-mails the worker sent: {mails_at_end} at the rush's end, "
                    f"{mails_total} in all, {failed_tasks} failed tasks; queue empty after (s)",
                    "value": drained,
                    "share": None,
                },
            ],
        ),
    ]
    tables.insert(
        3,
        Table(
            title=Text(vi="Giờ cao điểm theo từng phút", en="The rush minute by minute"),
            columns=[
                Column(key="minute", vi="Phút", en="Minute"),
                Column(key="landed", vi="Lần chốt được ghi", en="submissions landed"),
                Column(key="rate", vi="Lần chốt/giây", en="per second", digits=2),
                Column(key="p95", vi="Chốt: p95 (ms)", en="submit p95 (ms)", digits=0),
                Column(key="approved", vi="Lần duyệt", en="approvals"),
                Column(key="boards", vi="Lần xem bảng theo dõi", en="board reads"),
            ],
            rows=_minutes(load),
        ),
    )
    if reasons:
        tables.insert(
            5,
            Table(
                title=Text(
                    vi="Lý do từ chối (tên đơn vị và số thay bằng N)",
                    en="Refusal reasons (unit names and numbers as N)",
                ),
                columns=[Column(key="reason", vi="Lý do", en="Reason"), Column(key="n", vi="Số", en="n")],
                rows=[{"reason": r["reason"], "n": r["n"]} for r in reasons],
            ),
        )
    example = reasons[0]["example"] if reasons else ""
    notes = [
        Text(
            vi="Tốc độ duy trì = số lần chốt được ghi trong giai đoạn cao điểm chia cho thời gian từ yêu cầu đầu tiên "
            "đến khi đơn vị cuối cùng được quyết định (đã duyệt, hoặc bị từ chối), gồm cả việc duyệt, các xã chốt "
            "tổng hợp sau khi trường của mình xong, và Sở duyệt xã. Đỉnh thật: khoảng 1.700 đơn vị chốt trong giờ cuối "
            "= 0,47 lần/giây.",
            en="Sustained rate = submissions landed in the rush divided by the time from its first request until the "
            "last unit was decided (approved or refused), including the reviews, the communes' roll-ups submitted once "
            "their schools were done, and the Sở approving the communes. Real peak: about 1,700 units in the last hour "
            "= 0.47/s.",
        ),
        Text(
            vi=f"Thời gian phản hồi trong giai đoạn cao điểm gồm cả thời gian chờ: {load.submitters} luồng chốt, "
            f"{load.approvers} luồng duyệt và bảng theo dõi cùng gửi tới {workers} worker `sync` của gunicorn, nên một "
            "yêu cầu xếp hàng sau các yêu cầu khác. Thời gian ở nhịp thật (giai đoạn đầu) là điều người dùng thấy vào "
            "ngày hạn chót.",
            en=f"Response times in the rush include queueing: {load.submitters} submitter threads, {load.approvers} "
            f"reviewer threads and the board poller share the {workers} gunicorn `sync` workers, so a request waits "
            "behind the others. The real-pace phase's times are what users see on deadline day.",
        ),
        Text(
            vi="Chốt đôi: hai luồng cùng gửi POST chốt của một đơn vị, được thả cùng lúc bằng một barrier (không dùng "
            "Idempotency-Key). Khi máy chủ rảnh, mỗi worker nhận một yêu cầu: yêu cầu sau chờ khoá dòng của báo cáo "
            "rồi được trả 400 «đã chốt… đang chờ duyệt».",
            en="Double submits: two threads POST the same unit's submission, released together by a barrier (no "
            "Idempotency-Key). On the idle server each worker takes one: the second waits for the report's row lock and "
            "is answered 400 'already submitted… waiting for review'.",
        ),
        Text(
            vi="Đơn vị bị từ chối là kết quả thật của dữ liệu mẫu: bản ghi vi phạm quy tắc kiểm tra chặn chốt số liệu "
            "(không sửa dữ liệu để che). "
            + (f"Ví dụ: {example}" if example else "Lần này không đơn vị nào bị từ chối."),
            en="Refused units are a real outcome of the demo data: records breaking a blocking validation rule (the "
            "data was not edited to hide them). "
            + (f"Example (Vietnamese, as answered): {example}" if example else "No unit was refused this time."),
        ),
        Text(
            vi="CPU của PostgreSQL là của cả cụm (các cơ sở dữ liệu khác trên cùng máy chủ cũng tính vào); tải máy trước "
            "và sau khi đo ghi ở dòng «Máy đo».",
            en="PostgreSQL CPU is the whole cluster's (other databases on the same server count too); the machine load "
            "before and after is in the 'Machine' line.",
        ),
    ]
    return Figures(tables=tables, checks=checks, setup=setup, notes=notes)


def _share(part: float | None, whole: float | None) -> float | None:
    return None if part is None or not whole else 100 * part / whole
