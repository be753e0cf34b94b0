"""The scratch database a benchmark runs on: migrated and seeded afresh, never the developer's own database.

SQLite (the default): a file in the system temp directory. Building it (``migrate`` plus the benchmark's data
commands) is cached by a hash of the application code, and every run works on a copy, so a benchmark may write
freely. PostgreSQL, when ``DATABASE_URL`` names it: a database ``edudb_bench_<name>`` on
the same server, created, migrated and seeded for the run and dropped afterwards (``BENCH_KEEP_DB=1`` keeps it).
"""

from __future__ import annotations

import hashlib
import os
import shlex
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager, suppress
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench import ROOT

CACHE_DIR = Path(tempfile.gettempdir()) / "edudb-bench"
POSTGRES_SCHEMES = ("postgres", "postgresql", "pgsql", "postgis")


def scratch_name(name: str) -> str:
    """The PostgreSQL database a benchmark creates for itself."""
    return f"edudb_bench_{name}"


def _prepare(url: str, data: Sequence[str]) -> None:
    """``migrate`` and then each data command (e.g. ``seed_demo``), in child processes on ``url``."""
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    for command in ["migrate --no-input -v 0", *data]:
        started = time.perf_counter()
        print(f"[bench] manage.py {command}", file=sys.stderr, flush=True)
        done = subprocess.run([sys.executable, "manage.py", *shlex.split(command)], cwd=ROOT, env=env, check=False)
        if done.returncode:
            raise SystemExit(f"[bench] manage.py {command} failed (exit {done.returncode})")
        print(f"[bench]   {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)


def _fingerprint(data: Sequence[str]) -> str:
    """Changes whenever any application code changes (schema, seed commands, model ``save()``...), never stale."""
    digest = hashlib.sha256("\n".join(data).encode())
    sources = sorted(path for path in ROOT.glob("edudb/**/*.py") if "tests" not in path.parts)
    for path in [*sources, ROOT / "config" / "settings.py"]:
        digest.update(path.relative_to(ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@contextmanager
def _sqlite(name: str, data: Sequence[str]) -> Iterator[tuple[str, str]]:
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    template = CACHE_DIR / f"template-{_fingerprint(data)}.sqlite3"
    if not template.exists():
        building = template.with_suffix(f".{os.getpid()}.building")
        building.unlink(missing_ok=True)
        _prepare(f"sqlite:///{building}", data)
        with closing(sqlite3.connect(building)) as connection:  # read-only opens of a WAL file leave -shm behind
            connection.execute("PRAGMA journal_mode=DELETE")
        for stale in CACHE_DIR.glob("template-*.sqlite3"):  # built from older code: never used again
            stale.unlink(missing_ok=True)
        os.replace(building, template)
    else:
        print(f"[bench] scratch database from cache {template}", file=sys.stderr, flush=True)
    copy = CACHE_DIR / f"run-{name}-{os.getpid()}.sqlite3"
    # mode=ro: a template removed meanwhile by a run on newer code fails loudly instead of yielding an empty copy.
    with (
        closing(sqlite3.connect(f"file:{template}?mode=ro", uri=True)) as source,
        closing(sqlite3.connect(copy)) as target,
    ):
        source.backup(target)
    try:
        yield f"sqlite:///{copy}", "sqlite"
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{copy}{suffix}").unlink(missing_ok=True)


@contextmanager
def _postgresql(url: str, name: str, data: Sequence[str]) -> Iterator[tuple[str, str]]:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    database = scratch_name(name)
    scratch_url = urlunsplit(parts._replace(path=f"/{database}"))
    admin_url = urlunsplit(parts._replace(scheme="postgresql"))

    def drop() -> None:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database)))

    drop()
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
    try:
        _prepare(scratch_url, data)
        yield scratch_url, "postgresql"
    finally:
        if not os.environ.get("BENCH_KEEP_DB"):
            with suppress(psycopg.Error):
                drop()


@contextmanager
def scratch(name: str, data: Sequence[str]) -> Iterator[tuple[str, str]]:
    """Yield ``(DATABASE_URL, vendor)`` of a fresh, migrated and seeded database for benchmark ``name``."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if url.split(":", 1)[0] in POSTGRES_SCHEMES:
        with _postgresql(url, name, data) as result:
            yield result
    else:
        with _sqlite(name, data) as result:
            yield result


def clear_cache() -> None:
    """Forget every cached SQLite template (``python -m bench --rebuild`` does this first)."""
    shutil.rmtree(CACHE_DIR, ignore_errors=True)
