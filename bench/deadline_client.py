"""The load generator of the deadline-day benchmark (``bench_deadline``): clients of the reporting API in threads.

Standard library only, so it could drive any server. Three phases, each recorded request by request (``Call``):

1. ``paced``: units submit one by one at the real peak's pace (≈ 1,700 in an hour), each arrival in its own
   thread, so its latency is what a clerk sees on deadline day;
2. ``pairs``: the same unit POSTs twice at once (a barrier releases both), on an otherwise idle server whose two
   workers take one request each;
3. ``main``: everything else as fast as the server answers: submitter threads take units from a queue (a few of
   them as concurrent pairs again), reviewers approve each submission as it arrives (the unit's manager, or the
   Sở for the units directly under it), a manager submits its roll-up once all of its units are decided (with a
   ``missing_note`` when one was refused), and one client polls the timeliness board of the Sở and of one
   commune every few seconds.

A small SMTP sink (``SmtpSink``) stands in for the mail server, so the background worker does the e-mail work it
would do on deadline day.
"""

from __future__ import annotations

import http.client
import itertools
import json
import queue
import random
import re
import socketserver
import statistics
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

HOST = "127.0.0.1"
TIMEOUT = 300  # seconds: a request that takes longer counts as lost
VIETNAMESE = re.compile(r"[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]", re.IGNORECASE)
SCHOOL, ROLLUP = 1, 0  # queue priorities: a manager's roll-up goes before the schools still waiting


@dataclass
class Call:
    """One request: what it was, for which unit, the answer and when (seconds since the phase's start)."""

    phase: str
    kind: str  # submit, rollup, pair, approve, board_city, board_commune
    unit: int
    status: int  # 0: no answer (connection error or timeout)
    seconds: float
    started: float
    ended: float
    body: Any = None
    error: str = ""

    @property
    def detail(self) -> str:
        if isinstance(self.body, dict):
            value = self.body.get("detail", "")
            return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        return ""

    @property
    def clear_refusal(self) -> bool:
        """A refusal that says why in Vietnamese, in ``detail``."""
        return 400 <= self.status < 500 and bool(VIETNAMESE.search(self.detail))


@dataclass
class PlanUnit:
    """A reporting unit in the run: its token (submits, and reviews its children) and its reviewer's token."""

    pk: int
    code: str
    name: str
    parent: int | None
    manager: bool
    token: str
    reviewer_token: str
    children: list[int] = field(default_factory=list)


def request(port: int, method: str, path: str, token: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
    """One request on a fresh connection (gunicorn ``sync`` closes it anyway); the status and the decoded body."""
    connection = http.client.HTTPConnection(HOST, port, timeout=TIMEOUT)
    try:
        headers = {"Authorization": f"Token {token}", "Accept": "application/json"}
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        connection.request(method, path, body=payload, headers=headers)
        response = connection.getresponse()
        raw = response.read()
        try:
            data = json.loads(raw) if raw else None
        except ValueError:
            data = raw[:500].decode(errors="replace")
        return response.status, data
    finally:
        connection.close()


def quantile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(q * 100) - 1]


class Load:
    """The three phases against one server and one period; ``calls`` holds every request made."""

    def __init__(
        self,
        port: int,
        period: int,
        units: dict[int, PlanUnit],
        *,
        boards: list[tuple[str, str, int]],
        submitters: int,
        approvers: int,
        board_interval: float,
        seed: int = 6,
    ) -> None:
        self.port = port
        self.period = period
        self.units = units
        self.boards = boards  # (kind, token, root unit id)
        self.submitters = submitters
        self.approvers = approvers
        self.board_interval = board_interval
        self.random = random.Random(seed)
        self.calls: list[Call] = []
        self.lock = threading.Lock()
        self.phase = ""
        self.origin = time.perf_counter()
        self.submitted: dict[int, list[int]] = {}  # unit -> ids of its submissions answered 201
        self.outcome: dict[int, str] = {}  # unit -> approved | refused | approve_failed
        self.phase_seconds: dict[str, float] = {}

    # --- recording ----------------------------------------------------------------------------------------------

    def _call(self, kind: str, unit: int, method: str, path: str, token: str, body: dict[str, Any] | None) -> Call:
        started = time.perf_counter()
        try:
            status, data = request(self.port, method, path, token, body)
            error = ""
        except (OSError, http.client.HTTPException) as exc:
            status, data, error = 0, None, f"{type(exc).__name__}: {exc}"
        ended = time.perf_counter()
        call = Call(
            self.phase, kind, unit, status, ended - started, started - self.origin, ended - self.origin, data, error
        )
        with self.lock:
            self.calls.append(call)
        return call

    def submit(self, kind: str, unit: PlanUnit, missing_note: str = "") -> Call:
        body = {"period": self.period, "note": ""}
        if missing_note:
            body["missing_note"] = missing_note
        call = self._call(kind, unit.pk, "POST", "/api/v1/reporting/submissions/", unit.token, body)
        if call.status == 201 and isinstance(call.body, dict):
            with self.lock:
                self.submitted.setdefault(unit.pk, []).append(int(call.body["id"]))
        return call

    def approve(self, unit: PlanUnit, submission: int) -> Call:
        path = f"/api/v1/reporting/submissions/{submission}/approve/"
        return self._call("approve", unit.pk, "POST", path, unit.reviewer_token, {"comment": ""})

    def board(self, kind: str, token: str, root: int) -> Call:
        path = f"/api/v1/reporting/periods/{self.period}/board/?unit={root}"
        return self._call(kind, root, "GET", path, token, None)

    def pair(self, unit: PlanUnit) -> list[Call]:
        """The same unit submitting twice at the same moment (two threads released by one barrier)."""
        barrier = threading.Barrier(2)
        calls: list[Call] = []

        def one() -> None:
            barrier.wait()
            calls.append(self.submit("pair", unit))

        threads = [threading.Thread(target=one) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return calls

    @contextmanager
    def _phase(self, name: str) -> Iterator[None]:
        self.phase = name
        started = time.perf_counter()
        try:
            yield
        finally:
            self.phase_seconds[name] = time.perf_counter() - started

    # --- phase 1: at the real pace -------------------------------------------------------------------------------

    def paced(self, units: list[int], rate: float) -> None:
        """Arrivals at ``rate`` per second (exponential gaps, seeded), each served in its own thread."""
        with self._phase("paced"):
            threads = []
            for pk in units:
                thread = threading.Thread(target=self.submit, args=("submit", self.units[pk]))
                thread.start()
                threads.append(thread)
                time.sleep(self.random.expovariate(rate))
            for thread in threads:
                thread.join()

    # --- phase 2: pairs on an idle server ------------------------------------------------------------------------

    def pairs(self, units: list[int]) -> None:
        with self._phase("pairs"):
            for pk in units:
                self.pair(self.units[pk])
                time.sleep(0.2)

    # --- phase 3: the rush -----------------------------------------------------------------------------------------

    def rush(self, units: list[int], *, pairs: set[int], limit: float) -> bool:
        """Submit ``units`` (the leaves; managers follow their units), approve every submission of the run, poll
        the boards. Returns whether everything was decided within ``limit`` seconds."""
        tasks: queue.PriorityQueue[tuple[int, int, str, int, str]] = queue.PriorityQueue()
        reviews: queue.Queue[tuple[int, int] | None] = queue.Queue()
        counter = itertools.count()
        done = threading.Event()
        in_run = set(self.units)
        waiting = {pk: {c for c in u.children if c in in_run} for pk, u in self.units.items() if u.manager}
        waiting = {pk: children for pk, children in waiting.items() if children}
        refused: dict[int, list[int]] = {pk: [] for pk in waiting}
        remaining = [len(self.units)]

        def finish(pk: int, outcome: str) -> None:
            with self.lock:
                self.outcome[pk] = outcome
                remaining[0] -= 1
                parent = self.units[pk].parent
                if parent in waiting and pk in waiting[parent]:
                    waiting[parent].discard(pk)
                    if outcome != "approved":
                        refused[parent].append(pk)
                    if not waiting[parent]:
                        note = ""
                        if refused[parent]:
                            names = ", ".join(self.units[c].name for c in refused[parent][:5])
                            note = f"Chốt thiếu {len(refused[parent])} đơn vị chưa được duyệt ({names}): đơn vị bị từ chối khi chốt."
                        tasks.put((ROLLUP, next(counter), "rollup", parent, note))
                if remaining[0] == 0:
                    done.set()

        def decided(call: Call, pk: int) -> None:
            if call.status == 201 and isinstance(call.body, dict):
                reviews.put((pk, int(call.body["id"])))
            else:
                finish(pk, "refused")

        def submitter() -> None:
            while True:
                _priority, _n, kind, pk, note = tasks.get()
                if kind == "stop":
                    return
                unit = self.units[pk]
                if kind == "pair":
                    answers = self.pair(unit)
                    won = [c for c in answers if c.status == 201]
                    decided(won[0] if won else answers[0], pk)
                else:
                    decided(self.submit(kind, unit, note), pk)

        def approver() -> None:
            while True:
                item = reviews.get()
                if item is None:
                    return
                pk, submission = item
                call = self.approve(self.units[pk], submission)
                finish(pk, "approved" if call.status == 200 else "approve_failed")

        def poller() -> None:
            while not done.is_set():
                for kind, token, root in self.boards:
                    self.board(kind, token, root)
                done.wait(self.board_interval)

        with self._phase("main"):
            # Units decided in the earlier phases: review what they submitted, count what was refused.
            for pk in list(self.units):
                if pk in self.submitted:
                    reviews.put((pk, self.submitted[pk][0]))
                elif any(c.unit == pk and c.kind in ("submit", "pair") for c in self.calls):
                    finish(pk, "refused")
            for pk in units:
                if self.units[pk].manager and pk in waiting:
                    continue  # submits after its units
                kind = "pair" if pk in pairs else "submit"
                tasks.put((SCHOOL, next(counter), kind, pk, ""))
            threads = [threading.Thread(target=submitter) for _ in range(self.submitters)]
            threads += [threading.Thread(target=approver) for _ in range(self.approvers)]
            board_thread = threading.Thread(target=poller)
            for thread in [*threads, board_thread]:
                thread.start()
            finished = done.wait(limit)
            done.set()
            for _ in range(self.submitters):
                tasks.put((99, next(counter), "stop", 0, ""))
            for _ in range(self.approvers):
                reviews.put(None)
            for thread in [*threads, board_thread]:
                thread.join()
        return finished

    # --- figures -----------------------------------------------------------------------------------------------

    def of(self, *, phase: str | None = None, kinds: tuple[str, ...] = ()) -> list[Call]:
        return [c for c in self.calls if (phase is None or c.phase == phase) and (not kinds or c.kind in kinds)]


class _SmtpHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for Django's backend: greet, accept every command, count the messages."""

    def handle(self) -> None:
        sink: SmtpSink = self.server.sink  # type: ignore[attr-defined]
        self.wfile.write(b"220 bench SMTP sink\r\n")
        in_data = False
        while True:
            line = self.rfile.readline()
            if not line:
                return
            if in_data:
                if line in (b".\r\n", b".\n"):
                    in_data = False
                    with sink.lock:
                        sink.messages += 1
                    self.wfile.write(b"250 OK\r\n")
                continue
            verb = line[:4].upper()
            if verb == b"EHLO":
                self.wfile.write(b"250-bench\r\n250 8BITMIME\r\n")
            elif verb == b"DATA":
                in_data = True
                self.wfile.write(b"354 go on\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 OK\r\n")


class SmtpSink:
    """A local mail server that accepts and counts every message (the background worker's e-mail goes here)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.messages = 0
        self.server = socketserver.ThreadingTCPServer((HOST, 0), _SmtpHandler)
        self.server.daemon_threads = True
        self.server.sink = self  # type: ignore[attr-defined]
        self.port = int(self.server.server_address[1])
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> SmtpSink:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
