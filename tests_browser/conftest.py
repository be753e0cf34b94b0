"""Browser tests: Playwright (pytest-playwright) driving Debian's Chromium against Django's live server.

* Chromium is ``/usr/bin/chromium`` (``playwright install`` cannot download here, see DESIGN.md). Without it the
  browser tests are skipped, unless ``EDUDB_REQUIRE_BROWSER=1`` (CI) makes its absence a failure.
* The live server needs committed data, so these tests run as transactional tests: Django flushes the database
  after each one. The audit trail refuses DELETE (a trigger, migration core 0003) and SQLite's flush deletes,
  so :func:`browser_db` lifts the guard just before the flush; PostgreSQL's flush truncates, which row triggers
  do not see, and works either way. The flush also empties what the migrations seeded (unit kinds, 0002) and the
  guard is off afterwards, so both are put back after every flush and at the start of every browser test.
* ``--screenshots`` runs ``test_screenshots.py`` (``make screenshots``); without it those tests are skipped.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any

import pytest
from django.db.models.signals import post_migrate
from playwright.sync_api import expect

from conftest import Cast, build_cast
from edudb.core.guards import restore_after_flush, restore_migrated_state, set_guards
from tests_browser.helpers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    DESKTOP,
    REQUIRE_ENV,
    SKIP_MESSAGE,
    BrowserWatch,
    Site,
    browser_required,
    chromium_present,
)

HERE = __file__.rsplit("/", 1)[0]
EXPECT_TIMEOUT_MS = 20_000
BROWSER_FIXTURES = {"page", "context", "browser", "new_context"}


class BrowserHint(UserWarning):
    """Chromium's advice about the markup ("[DOM] Input elements should have autocomplete attributes")."""


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--screenshots",
        action="store_true",
        default=False,
        help="chụp màn hình các trang chính vào docs/screenshots/ (tests_browser/test_screenshots.py)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: kiểm thử trình duyệt (Playwright + Chromium)")
    config.addinivalue_line("markers", "screenshots: chỉ chạy khi có tùy chọn --screenshots")
    # An assertion waits up to this long for the page to agree (Playwright's default: 5 s). A passing test waits
    # no longer for it; a busy machine (CI runs two suites side by side on two cores) no longer fails a slow page.
    expect.set_options(timeout=EXPECT_TIMEOUT_MS)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    no_chromium = pytest.mark.skip(reason=SKIP_MESSAGE)
    no_option = pytest.mark.skip(reason="chụp màn hình chỉ chạy khi có tùy chọn --screenshots (make screenshots)")
    for item in items:
        if not str(item.path).startswith(HERE):
            continue
        if item.get_closest_marker("screenshots") and not config.getoption("--screenshots"):
            item.add_marker(no_option)
        elif (
            BROWSER_FIXTURES & set(getattr(item, "fixturenames", ()))
            and not chromium_present()
            and not browser_required()
        ):
            item.add_marker(no_chromium)


# --- Chromium through pytest-playwright -------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not chromium_present():
        pytest.fail(f"{SKIP_MESSAGE} ({REQUIRE_ENV}=1: trình duyệt là bắt buộc)", pytrace=False)
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "locale": "vi-VN", "timezone_id": "Asia/Ho_Chi_Minh", "viewport": DESKTOP}


@pytest.fixture
def watch(request: pytest.FixtureRequest) -> Iterator[BrowserWatch]:
    """Console messages and CSP violations of every page the test opens; there must be none."""
    watch = BrowserWatch()
    yield watch
    for hint in watch.hints:
        warnings.warn(f"Chromium: {hint}", BrowserHint, stacklevel=1)
    call = getattr(request.node, "rep_call", None)
    if call is not None and call.passed:  # a failed test has said enough already
        watch.assert_clean()


@pytest.fixture
def context(context: Any, watch: BrowserWatch) -> Any:
    watch.attach(context)
    return context


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


# --- the database under a live server ---------------------------------------------------------------------


@pytest.fixture
def browser_db(transactional_db: None, live_server: Any) -> Iterator[Any]:
    """A live server over committed data, with the audit guard on during the test and off for the flush."""
    # The flush after a transactional test emits post_migrate: restore right there, so the tests that follow
    # (browser or not) find the database as the migrations left it.
    post_migrate.connect(restore_after_flush, dispatch_uid="tests_browser.restore_after_flush")
    restore_migrated_state()
    yield live_server
    # transactional_db was set up before this fixture, so its flush comes after this line.
    set_guards(False)


@pytest.fixture
def site(browser_db: Any) -> Site:
    return Site(browser_db.url)


@pytest.fixture
def cast(browser_db: Any) -> Cast:
    """The shared test cast (root conftest), committed so that the live server sees it."""
    return build_cast()
