"""The project's semgrep rules (.semgrep/rules.yml) report what they should, and nothing else.

Fixtures in .semgrep/tests/ carry semgrep's own annotations: `# ruleid: <id>` before a line the rule must report,
`# ok: <id>` before a line it must leave alone, `# todoruleid: <id>` before a known miss. The scan runs offline,
exactly as scripts/lint runs it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
RULES = ROOT / ".semgrep" / "rules.yml"
FIXTURES = ROOT / ".semgrep" / "tests"
ANNOTATION = re.compile(r"(?:#|\{#)\s*(ruleid|ok|todoruleid):\s*([\w-]+)")
FIXTURE_FILES = sorted(
    path.relative_to(ROOT).as_posix() for path in FIXTURES.rglob("*") if path.is_file() and path.suffix != ".md"
)

Finding = tuple[str, int, str]  # (path, line, rule id)


def semgrep_binary() -> str | None:
    """The semgrep next to this interpreter (the project's venv), else one on PATH."""
    beside = Path(sys.executable).parent / "semgrep"
    return str(beside) if beside.exists() else shutil.which("semgrep")


def rule_ids() -> list[str]:
    return re.findall(r"^\s*- id:\s*([\w-]+)\s*$", RULES.read_text(encoding="utf-8"), flags=re.MULTILINE)


def annotated(kind: str) -> set[Finding]:
    """(path, line, rule) for every annotation of ``kind``; it speaks of the line that follows it."""
    found = set()
    for path in FIXTURE_FILES:
        lines = (ROOT / path).read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines, start=1):
            for match in ANNOTATION.finditer(line):
                if match.group(1) == kind:
                    found.add((path, number + 1, match.group(2)))
    return found


@pytest.fixture(scope="module")
def findings() -> set[Finding]:
    semgrep = semgrep_binary()
    if semgrep is None:
        pytest.skip("semgrep is not installed (it comes with requirements/dev.txt: make setup-dev)")
    env = os.environ | {"SEMGREP_SEND_METRICS": "off", "SEMGREP_ENABLE_VERSION_CHECK": "0"}
    command = [
        semgrep, "scan", "--experimental", "--config", str(RULES), "--metrics=off", "--disable-version-check",
        "--oss-only", "--json", "--quiet", *FIXTURE_FILES,
    ]  # fmt: skip
    completed = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert completed.returncode == 0, f"semgrep failed ({completed.returncode}):\n{completed.stderr[-3000:]}"
    report = json.loads(completed.stdout)
    assert report["errors"] == [], report["errors"]
    assert sorted(report["paths"]["scanned"]) == FIXTURE_FILES, "semgrep skipped some fixtures"
    # check_id is prefixed with the config's folder (".semgrep.edudb-mark-safe"); the rule id is the last part.
    return {(r["path"], r["start"]["line"], r["check_id"].rsplit(".", 1)[-1]) for r in report["results"]}


def test_fixtures_exist_for_every_rule() -> None:
    ids = rule_ids()
    assert ids, "no rules found in .semgrep/rules.yml"
    for kind in ("ruleid", "ok"):
        covered = {rule for _path, _line, rule in annotated(kind)}
        assert set(ids) <= covered, f"rules without a `{kind}` fixture: {sorted(set(ids) - covered)}"
    named = {rule for kind in ("ruleid", "ok", "todoruleid") for _path, _line, rule in annotated(kind)}
    assert named <= set(ids), f"fixtures name unknown rules: {sorted(named - set(ids))}"


@pytest.mark.parametrize("fixture", FIXTURE_FILES)
def test_bad_fixtures_are_reported_by_their_rule(fixture: str, findings: set[Finding]) -> None:
    expected = {f for f in annotated("ruleid") if f[0] == fixture}
    missed = sorted(expected - findings)
    assert not missed, f"expected findings not reported (path, line, rule): {missed}"


@pytest.mark.parametrize("fixture", FIXTURE_FILES)
def test_good_fixtures_are_not_reported(fixture: str, findings: set[Finding]) -> None:
    reported = {f for f in findings if f[0] == fixture}
    ok = {f for f in annotated("ok") if f[0] == fixture}
    assert not sorted(reported & ok), f"reported although marked ok: {sorted(reported & ok)}"
    allowed = annotated("ruleid") | annotated("todoruleid")
    unexpected = sorted(reported - allowed)
    assert not unexpected, f"findings on lines without a `ruleid` annotation (path, line, rule): {unexpected}"


def test_fixtures_are_not_part_of_the_project_scan() -> None:
    """scripts/lint scans the repository; the deliberately bad fixtures must stay out of it."""
    lint = (ROOT / "scripts" / "lint").read_text(encoding="utf-8")
    assert "--exclude=.semgrep" in lint
