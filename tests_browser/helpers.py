"""Helpers of the browser tests: where Chromium is, signing in through the real form, TOTP codes, and the watch
that collects console messages and CSP violations from every page a test visits."""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django_otp.oath import totp
from playwright.sync_api import BrowserContext, ConsoleMessage, Frame, Page, expect

from edudb.core.tests.factories import TEST_PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SKIP_MESSAGE = "Chromium (/usr/bin/chromium) chưa được cài — bỏ qua kiểm thử trình duyệt; chạy scripts/install-chromium"
REQUIRE_ENV = "EDUDB_REQUIRE_BROWSER"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}


def chromium_present() -> bool:
    return CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)


def browser_required() -> bool:
    return os.environ.get(REQUIRE_ENV, "").strip() == "1"


# --- TOTP --------------------------------------------------------------------------------------------


def totp_code(key: bytes, *, step: int = 30, t0: int = 0, digits: int = 6, ahead: int = 0) -> str:
    """The code an authenticator app shows now (``ahead`` steps later: a device refuses a code used twice)."""
    return f"{totp(key, step=step, t0=t0, digits=digits, drift=ahead):0{digits}d}"


def device_code(device: Any, *, ahead: int = 0) -> str:
    return totp_code(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, ahead=ahead)


def key_from_secret(secret: str) -> bytes:
    """The key behind the base32 secret the enrolment page shows (spaces and padding as people type them)."""
    cleaned = "".join(secret.split()).upper()
    return base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))


# --- console messages and CSP violations ------------------------------------------------------------------

CSP_LISTENER = """
document.addEventListener('securitypolicyviolation', (event) => {
  window.__edudbCspViolation({
    page: location.href, directive: event.violatedDirective, blocked: event.blockedURI,
    source: event.sourceFile, line: event.lineNumber, sample: event.sample,
  });
});
"""


# Chromium asks every site for /favicon.ico; base.html links no icon yet, so that 404 is no finding of ours.
IGNORED_MISSING = ("/favicon.ico",)


@dataclass
class BrowserWatch:
    """Everything the pages said that they should not have: console messages, CSP violations, script errors."""

    problems: list[str] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)
    expected_failures: set[str] = field(default_factory=set)
    checked: bool = False

    def attach(self, context: BrowserContext) -> None:
        context.expose_function("__edudbCspViolation", self._violation)
        context.add_init_script(script=CSP_LISTENER)
        context.on("console", self._console)
        context.on("weberror", lambda error: self.problems.append(f"script error: {error.error}"))
        context.on("page", self._page)

    def _page(self, page: Page) -> None:
        def navigated(frame: Frame) -> None:
            if frame == page.main_frame:
                self.pages.append(frame.url)

        page.on("framenavigated", navigated)

    def _violation(self, report: dict[str, Any]) -> None:
        self.problems.append(f"CSP violation: {report}")

    def _console(self, message: ConsoleMessage) -> None:
        url = message.location.get("url", "")
        if message.text.startswith("Failed to load resource") and (
            url in self.expected_failures or url.endswith(IGNORED_MISSING)
        ):
            return
        entry = f"console.{message.type}: {message.text} [{url}]"
        if str(message.type) == "verbose" and message.text.startswith("[DOM]"):
            # Chromium's own advice on the markup (e.g. autocomplete attributes), not something the page said:
            # reported as a warning by the fixture, not a failure.
            if entry not in self.hints:
                self.hints.append(entry)
            return
        self.problems.append(entry)

    @contextmanager
    def expecting_error_status(self, url: str) -> Iterator[None]:
        """Visiting ``url`` answers 4xx on purpose: Chromium's "Failed to load resource" for it is no problem.

        The URL stays allowed after the block: the console message may arrive after the navigation returned."""
        self.expected_failures.add(url)
        yield

    def assert_clean(self) -> None:
        self.checked = True
        problems, self.problems = self.problems, []
        assert not problems, "the pages logged or violated something:\n" + "\n".join(problems)


# --- the site, through its own pages --------------------------------------------------------------------


@dataclass
class Site:
    base_url: str

    def url(self, path: str) -> str:
        return self.base_url.rstrip("/") + path

    def goto(self, page: Page, path: str) -> Any:
        return page.goto(self.url(path))

    def sign_in(self, page: Page, username: str, password: str = TEST_PASSWORD, otp: str | None = None) -> None:
        """Fill the sign-in form and send it; the caller asserts where it landed."""
        if "/accounts/login/" not in page.url:
            self.goto(page, "/accounts/login/")
        page.locator("#id_username").fill(username)
        page.locator("#id_password").fill(password)
        page.locator("#id_otp").fill(otp or "")
        with page.expect_navigation():
            page.get_by_role("button", name="Đăng nhập", exact=True).click()

    def sign_out(self, page: Page) -> None:
        with page.expect_navigation():
            page.get_by_role("button", name="Đăng xuất").click()
        expect(page.locator(".messages")).to_contain_text("Bạn đã đăng xuất.")
        expect(page.locator("#id_username")).to_be_visible()
