"""A real server for benchmarks (gunicorn on 127.0.0.1, a free port) and a small HTTP client.

Why 2 gunicorn ``sync`` workers, not 1 worker with threads: Django's request handling is CPU-bound Python, so
under the GIL threads in one process add no CPU, while two processes use both cores of these machines. Why
``sync`` and not ``gthread`` (which would keep connections alive): a ``gthread`` worker accepts connections while
its thread is busy and queues them, so under concurrent load one worker could hold both connections while the
other idled, and requests/s swung by 2× between identical runs; a ``sync`` worker accepts only when it is free,
so the kernel hands each connection to an idle worker. ``sync`` closes the connection after each response, as
nginx → gunicorn does by default; a connect on the loopback costs ≈ 0.1 ms, paid alike by a page and its bare
twin (measured: the same ratios as with ``gthread`` and keep-alive, within noise). ``--preload`` imports the
application once before forking, so both workers are ready when the port answers.
"""

from __future__ import annotations

import http.client
import socket
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

from bench import Context

HOST = "127.0.0.1"
WORKERS = 2


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Server:
    """A running gunicorn: where it listens and how it was started (for the results)."""

    port: int
    description: str
    pid: int = 0  # the gunicorn master's process id (its workers are its children)


@contextmanager
def gunicorn(context: Context, *, ready_path: str, workers: int = WORKERS) -> Iterator[Server]:
    """Serve ``config.wsgi`` with ``bench.settings`` on the scratch database until the block ends."""
    port = free_port()
    args = [
        context.python, "-m", "gunicorn", "config.wsgi:application", "--bind", f"{HOST}:{port}",
        "--workers", str(workers), "--worker-class", "sync", "--timeout", "120", "--preload", "--log-level", "warning",
    ]  # fmt: skip
    with tempfile.NamedTemporaryFile("w+", prefix="edudb-bench-gunicorn-", suffix=".log", delete=False) as log:
        log_path = Path(log.name)
        process = subprocess.Popen(args, cwd=context.root, env=context.env(), stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_until_ready(process, port, ready_path, log_path)
        yield Server(port=port, description=f"gunicorn, {workers} sync workers, {HOST}", pid=process.pid)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log_path.unlink(missing_ok=True)


@contextmanager
def db_worker(context: Context) -> Iterator[int]:
    """The background worker beside the server, as ``make run`` starts it (``manage.py db_worker``); yields its pid."""
    args = [context.python, "manage.py", "db_worker", "--queue-name", "*", "--no-reload", "-v", "0"]
    with tempfile.NamedTemporaryFile("w+", prefix="edudb-bench-worker-", suffix=".log", delete=False) as log:
        log_path = Path(log.name)
        process = subprocess.Popen(args, cwd=context.root, env=context.env(), stdout=log, stderr=subprocess.STDOUT)
    try:
        time.sleep(1)
        if process.poll() is not None:
            raise RuntimeError(f"db_worker exited ({process.returncode}):\n{log_path.read_text()[-3000:]}")
        yield process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log_path.unlink(missing_ok=True)


def _wait_until_ready(process: subprocess.Popen[bytes], port: int, path: str, log_path: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({process.returncode}):\n{log_path.read_text()[-3000:]}")
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=5)
            connection.request("GET", path)
            if connection.getresponse().status == 200:
                connection.close()
                return
            connection.close()
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer on {HOST}:{port} within 60 s:\n{log_path.read_text()[-3000:]}")


@dataclass(frozen=True)
class Target:
    """One URL to time and the credentials to send with it."""

    path: str
    headers: Mapping[str, str] = field(default_factory=dict)


class Client:
    """A client that keeps the cookies it is given, like a browser tab (it reconnects when the server closes)."""

    def __init__(self, port: int, target: Target) -> None:
        self.port = port
        self.target = target
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection(HOST, port, timeout=120)

    def get(self) -> float:
        """Fetch the target once; return the seconds from sending the request to the last byte of the answer."""
        headers = dict(self.target.headers)
        if self.cookies:
            sent = dict(part.split("=", 1) for part in headers.pop("Cookie", "").split("; ") if "=" in part)
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in {**sent, **self.cookies}.items())
        for attempt in (1, 2):
            started = time.perf_counter()
            try:
                self.connection.request("GET", self.target.path, headers=headers)
                response = self.connection.getresponse()
                body = response.read()
            except (http.client.RemoteDisconnected, ConnectionError) as error:
                self.connection.close()
                self.connection = http.client.HTTPConnection(HOST, self.port, timeout=120)
                if attempt == 2:
                    raise RuntimeError(f"GET {self.target.path}: {error}") from error
                continue
            elapsed = time.perf_counter() - started
            if response.status != 200:
                raise RuntimeError(f"GET {self.target.path} answered {response.status}: {body[:500]!r}")
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return elapsed
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.connection.close()


@dataclass(frozen=True)
class Timing:
    """Latencies of the measured requests (seconds) and the throughput of a concurrent burst."""

    latencies: list[float]
    requests_per_second: float

    @property
    def median_ms(self) -> float:
        return statistics.median(self.latencies) * 1000

    @property
    def p95_ms(self) -> float:
        return statistics.quantiles(self.latencies, n=20, method="inclusive")[18] * 1000


def latencies_side_by_side(port: int, targets: list[Target], *, warmup: int, requests: int) -> list[list[float]]:
    """Time several targets in turn, one request each per round, so drift on the machine hits all of them alike.

    Only one request is in flight at a time, so a latency is the server's time for that page (plus a loopback
    connect), not time spent queueing behind another request.
    """
    clients = [Client(port, target) for target in targets]
    try:
        for client in clients:
            for _ in range(warmup):
                client.get()
        samples: list[list[float]] = [[] for _ in clients]
        for round_number in range(requests):
            order = list(range(len(clients)))
            if round_number % 2:
                order.reverse()
            for index in order:
                samples[index].append(clients[index].get())
        return samples
    finally:
        for client in clients:
            client.close()


def throughput(port: int, target: Target, *, requests: int, concurrency: int) -> float:
    """Requests per second with ``concurrency`` clients fetching the target at once (after a short warm-up)."""
    clients = [Client(port, target) for _ in range(concurrency)]
    for client in clients:
        client.get()
    barrier = threading.Barrier(concurrency + 1)
    errors: list[Exception] = []

    def worker(client: Client, count: int) -> None:
        barrier.wait()
        try:
            for _ in range(count):
                client.get()
        except Exception as error:  # reported below, in the main thread
            errors.append(error)

    share = max(1, requests // concurrency)
    threads = [threading.Thread(target=worker, args=(client, share)) for client in clients]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    for client in clients:
        client.close()
    if errors:
        raise RuntimeError(f"throughput run of {target.path} failed") from errors[0]
    return share * concurrency / elapsed
