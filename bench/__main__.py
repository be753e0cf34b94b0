"""``python -m bench [NAME ...]``: run every benchmark (each in its own process) or the named ones.

Options: ``--list`` prints the benchmarks; ``--docs`` only regenerates docs/performance.md; ``--rebuild`` forgets
the cached scratch databases first; ``--strict`` exits 1 when a goal is not met (the default only reports it).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

from bench import ROOT, available, run_one


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description="Chạy benchmark / run benchmarks")
    parser.add_argument("names", nargs="*", help=f"benchmark(s) to run; default: all of {available()}")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    parser.add_argument("--docs", action="store_true", help="only regenerate docs/performance.md")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached scratch databases")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a goal is not met")
    options = parser.parse_args(argv)

    if options.list:
        print("\n".join(available()))
        return 0
    from bench import database, docs

    if options.docs:
        docs.regenerate()
        return 0
    if options.rebuild:
        database.clear_cache()
    names = options.names or available()
    if len(names) == 1:
        path = run_one(names[0])
        document = json.loads(path.read_text(encoding="utf-8"))
        met = document["goal"]["met"]
        print(f"[bench] {names[0]}: {'goal met' if met else 'GOAL NOT MET'} → {path.relative_to(ROOT)}")
        return 1 if options.strict and not met else 0
    # Several benchmarks: one child process each, so one cannot warm caches or leak memory into the next.
    failed = []
    for name in names:
        child = [sys.executable, "-m", "bench", name, *(["--strict"] if options.strict else [])]
        if subprocess.run(child, cwd=ROOT, check=False).returncode:
            failed.append(name)
    docs.regenerate()
    if failed:
        print(f"[bench] failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
