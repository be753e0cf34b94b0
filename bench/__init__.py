"""Benchmarks (DESIGN: "Where an issue names a speed or memory goal, measure it with a benchmark under bench/").

A benchmark is a module ``bench/bench_<name>.py`` with a title, a goal and ``run(context) -> Figures``. The
harness (``python -m bench [NAME]``) builds a scratch database (``migrate`` plus the module's ``DATA``
commands, never your own database), points Django at it through ``bench.settings``, runs the module, writes
``bench/results/<name>.json`` with the machine facts, and regenerates ``docs/performance.md`` from every result
file. Every figure a module reports is a ratio against a baseline measured in the same run, so results from
different machines can be compared.

This module imports only the standard library: the benchmark servers import ``bench.settings`` through it.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import import_module
from pathlib import Path
from types import ModuleType
from typing import Any, NotRequired, Protocol, TypedDict, cast

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
DOCS_FILE = ROOT / "docs" / "performance.md"
MODULE_PREFIX = "bench_"


class Text(TypedDict):
    """A sentence in both languages of the docs (Vietnamese first)."""

    vi: str
    en: str


class Column(TypedDict):
    """A table column: the key in each row, its heading in both languages, and the decimals shown for numbers."""

    key: str
    vi: str
    en: str
    digits: NotRequired[int]


class Table(TypedDict):
    """One table of figures; each row maps column keys to numbers or words."""

    title: Text
    columns: list[Column]
    rows: list[dict[str, Any]]


class Check(TypedDict):
    """One measurable part of the goal and whether this run met it."""

    vi: str
    en: str
    met: bool


class Figures(TypedDict):
    """What ``run()`` returns: tables of figures (with ratios against a same-run baseline) and the goal checks."""

    tables: list[Table]
    checks: list[Check]
    setup: dict[str, Any]
    notes: list[Text]


class Benchmark(Protocol):
    """The shape of a ``bench_<name>`` module."""

    TITLE: Text
    GOAL: Text
    DATA: tuple[str, ...]

    def run(self, context: Context) -> Figures: ...


@dataclass(frozen=True)
class Context:
    """What the harness hands a benchmark: the scratch database and how to start processes on it."""

    name: str
    database_url: str
    vendor: str
    python: str
    root: Path

    def env(self) -> dict[str, str]:
        """Environment for a child process (server, management command) that must use the scratch database."""
        return {**os.environ, "DATABASE_URL": self.database_url, "DJANGO_SETTINGS_MODULE": "bench.settings"}


def setting(name: str, default: int) -> int:
    """A numeric knob read from the environment (``BENCH_REQUESTS=400 make bench NAME=x``)."""
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def available() -> list[str]:
    """The names of every benchmark module in bench/, sorted."""
    return sorted(path.stem.removeprefix(MODULE_PREFIX) for path in BENCH_DIR.glob(f"{MODULE_PREFIX}*.py"))


def load(name: str) -> Benchmark:
    """Import ``bench.bench_<name>``, refusing a name that is not a benchmark module."""
    if name not in available():
        raise SystemExit(f"Không có benchmark '{name}' / no benchmark named '{name}'. Có / available: {available()}")
    module: ModuleType = import_module(f"bench.{MODULE_PREFIX}{name}")
    return cast(Benchmark, module)


def result_path(name: str, vendor: str) -> Path:
    """SQLite (the embedded default) writes ``NAME.json``; another database writes ``NAME.<vendor>.json``."""
    return RESULTS_DIR / (f"{name}.json" if vendor == "sqlite" else f"{name}.{vendor}.json")


def _command_output(args: Sequence[str]) -> str:
    try:
        return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=10, check=False).stdout.strip()
    except OSError:
        return ""


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _load_average() -> list[float] | None:
    """1, 5 and 15-minute load: above the core count, other work shared the machine and the figures are noisier."""
    try:
        return [round(value, 2) for value in os.getloadavg()]
    except OSError:
        return None


def machine_facts() -> dict[str, Any]:
    """Cores, CPU, Python, Django, the database and the code version: what a reader needs to weigh a figure.

    Call after ``django.setup()``.
    """
    import django
    from django.db import connection

    connection.ensure_connection()
    if connection.vendor == "sqlite":
        import sqlite3

        db_version = sqlite3.sqlite_version
    elif connection.vendor == "postgresql":
        number = int(getattr(connection, "pg_version", 0))  # e.g. 150004 for 15.4
        db_version = f"{number // 10000}.{number % 10000}"
    else:
        db_version = ""
    commit = _command_output(["git", "rev-parse", "--short", "HEAD"])
    dirty = bool(_command_output(["git", "status", "--porcelain", "--untracked-files=no"]))
    return {
        "cores": os.cpu_count(),
        "cpu": _cpu_model(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "database": connection.vendor,
        "database_version": db_version,
        "os": f"{platform.system()} {platform.release()}",
        "load_average": _load_average(),
        "commit": f"{commit}{'+dirty' if dirty else ''}",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def write_result(path: Path, document: dict[str, Any]) -> None:
    """Write small, stable JSON atomically (``*.tmp`` is git-ignored)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(path.suffix + ".tmp")
    temporary.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(temporary, path)


def read_results() -> list[dict[str, Any]]:
    """Every result file in bench/results, ordered by benchmark name then database."""
    documents = []
    for path in sorted(RESULTS_DIR.glob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        document["_file"] = path.relative_to(ROOT).as_posix()
        documents.append(document)
    return documents


def run_one(name: str) -> Path:
    """Build the scratch database, run one benchmark in this process, write its result and the docs."""
    from bench import database, docs

    module = load(name)
    started = datetime.now(UTC)
    with database.scratch(name, module.DATA) as (url, vendor):
        os.environ["DATABASE_URL"] = url
        os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
        import django

        django.setup()
        context = Context(name=name, database_url=url, vendor=vendor, python=sys.executable, root=ROOT)
        facts = machine_facts()
        figures = module.run(context)
        facts["load_average_after"] = _load_average()
        from django.db import connections

        connections.close_all()
    document: dict[str, Any] = {
        "name": name,
        "title": module.TITLE,
        "goal": {**module.GOAL, "met": all(check["met"] for check in figures["checks"])},
        "reproduce": f"make bench NAME={name}"
        if vendor == "sqlite"
        else f"DATABASE_URL={vendor}://USER:PASSWORD@HOST/DB make bench NAME={name}",
        "machine": facts,
        "duration_s": round((datetime.now(UTC) - started).total_seconds(), 1),
        **figures,
    }
    path = result_path(name, vendor)
    write_result(path, document)
    docs.regenerate()
    return path
