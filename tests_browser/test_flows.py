"""The main flows in a real browser: signing in (with TOTP and its enrolment), the unit tree with htmx under the
CSP nonce, issuing an account and its holder's first sign-in, scope as the browser sees it, the language switch,
a phone-sized screen. Every page visited must log nothing to the console and violate no CSP rule."""

from __future__ import annotations

import gettext
import re
from typing import Any

import pytest
from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from conftest import Cast
from tests_browser.helpers import PHONE, BrowserWatch, Site, device_code, key_from_secret, totp_code

pytestmark = pytest.mark.browser

BAD_CREDENTIALS = "Tên đăng nhập hoặc mật khẩu không đúng"
OTP_REQUIRED = "Tài khoản quản trị cần mã xác thực 6 chữ số"


def confirmed_device(account: Any) -> TOTPDevice:
    return TOTPDevice.objects.create(user=account, name="Điện thoại", confirmed=True)


def sign_in_admin(page: Page, site: Site, account: Any) -> None:
    site.sign_in(page, account.username, otp=device_code(confirmed_device(account)))
    expect(page.locator("h1")).to_have_text(f"Xin chào, {account.full_name}")


OVERFLOWING = """() => [...document.querySelectorAll('body *')]
  .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .filter((e) => ![...e.children].some((c) => c.getBoundingClientRect().right > document.documentElement.clientWidth + 1))
  .slice(0, 8)
  .map((e) => `${e.tagName.toLowerCase()}.${e.className} right=${Math.round(e.getBoundingClientRect().right)}: ${e.textContent.trim().slice(0, 50)}`)"""


def assert_no_horizontal_scroll(page: Page, what: str) -> None:
    width = int(page.evaluate("document.documentElement.scrollWidth"))
    assert width <= PHONE["width"] + 1, f"{what}: scrollWidth {width} > {PHONE['width']}; {page.evaluate(OVERFLOWING)}"


# --- 1. signing in ----------------------------------------------------------------------------------------


def test_admin_signs_in_with_a_totp_code(page: Page, site: Site, cast: Cast, watch: BrowserWatch) -> None:
    admin = cast.school_a1_admin
    device = confirmed_device(admin)

    site.goto(page, "/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    expect(page.locator("h1")).to_have_text("Đăng nhập hệ thống")

    site.sign_in(page, admin.username, password="Sai-Mat-Khau-1")
    expect(page.locator(".errors")).to_contain_text(BAD_CREDENTIALS)
    expect(page.locator(".errors")).to_contain_text("Sau 5 lần sai liên tiếp tài khoản sẽ bị tạm khóa 15 phút.")
    expect(page.locator("h1")).to_have_text("Đăng nhập hệ thống")

    site.sign_in(page, admin.username)  # right password, no code
    expect(page.locator(".field.has-error")).to_contain_text(OTP_REQUIRED)

    site.sign_in(page, admin.username, otp=device_code(device))
    expect(page).to_have_url(site.url("/"))
    expect(page.locator("h1")).to_have_text(f"Xin chào, {admin.full_name}")
    expect(page.locator(".lead")).to_contain_text("Trường Tiểu học Lê Văn Tám")
    expect(page.locator(".lead")).to_contain_text("Bạn giữ tài khoản quản trị của đơn vị.")
    expect(page.locator(".who-unit")).to_contain_text("Tài khoản quản trị")
    expect(page.locator(".mainnav")).to_contain_text("Tài khoản")
    watch.assert_clean()


def test_admin_without_a_device_enrols_one_at_first_sign_in(
    page: Page, site: Site, cast: Cast, watch: BrowserWatch
) -> None:
    admin = cast.commune_a_admin
    site.sign_in(page, admin.username)  # no device yet: no code asked, enrolment next
    expect(page).to_have_url(site.url("/accounts/two-factor/"))
    expect(page.locator("h1")).to_have_text("Bật xác thực hai lớp")
    expect(page.locator(".qr svg")).to_be_visible()

    site.goto(page, "/units/")  # nothing else is reachable before enrolment
    expect(page).to_have_url(site.url("/accounts/two-factor/"))

    secret = page.locator("code.secret").inner_text()
    key = key_from_secret(secret)
    assert len(key) >= 16, f"secret {secret!r} is shorter than 128 bits"
    right = totp_code(key)
    wrong = f"{(int(right) + 500_000) % 1_000_000:06d}"
    page.locator("#id_token").fill(wrong)
    with page.expect_navigation():
        page.get_by_role("button", name="Xác nhận").click()
    expect(page.locator(".field.has-error")).to_contain_text("Mã không đúng.")
    expect(page.locator("code.secret")).to_have_text(secret)  # the same secret until confirmed

    page.wait_for_timeout(1_100)  # django-otp throttles the device for 1 s after a wrong code
    page.locator("#id_token").fill(totp_code(key))
    with page.expect_navigation():
        page.get_by_role("button", name="Xác nhận").click()
    expect(page).to_have_url(site.url("/"))
    expect(page.locator(".messages")).to_contain_text("Đã bật xác thực hai lớp cho tài khoản.")
    expect(page.locator("h1")).to_have_text(f"Xin chào, {admin.full_name}")
    assert TOTPDevice.objects.filter(user=admin, confirmed=True).count() == 1

    site.sign_out(page)
    site.sign_in(page, admin.username)
    expect(page.locator(".field.has-error")).to_contain_text(OTP_REQUIRED)
    site.sign_in(page, admin.username, otp=totp_code(key, ahead=1))  # the current code is spent
    expect(page).to_have_url(site.url("/"))
    expect(page.locator(".lead")).to_contain_text("UBND Phường Hồng Bàng")
    watch.assert_clean()


# --- 2. the unit tree (htmx under the CSP nonce) ---------------------------------------------------------------


def test_so_admin_browses_and_searches_the_unit_tree(page: Page, site: Site, cast: Cast, watch: BrowserWatch) -> None:
    sign_in_admin(page, site, cast.so_admin)
    page.get_by_role("navigation", name="Chức năng chính").get_by_role("link", name="Đơn vị").click()
    expect(page).to_have_url(site.url("/units/"))
    expect(page.locator("h1")).to_have_text("Cây đơn vị")
    top = page.locator("#unit-results > ul.tree > li.node")
    expect(top).to_have_count(1)
    expect(top.locator("summary > a")).to_have_text(cast.so.name)

    # Expanding a node: htmx fetches its children into the page (no navigation).
    so_summary = page.locator("summary", has_text=cast.so.name)
    with page.expect_request(lambda r: r.url.endswith(f"/units/{cast.so.pk}/children/")) as fetched:
        so_summary.locator(".tag").click()
    assert fetched.value.headers.get("hx-request") == "true"
    so_kids = top.locator(":scope > details > .kids")
    expect(so_kids.locator(":scope > ul.tree[role=group] > li")).to_have_count(5)
    for unit in (cast.office_th, cast.office_tccb, cast.commune_a, cast.commune_b, cast.thpt):
        expect(so_kids).to_contain_text(unit.name)
    expect(page).to_have_url(site.url("/units/"))

    commune = page.locator("summary", has_text="UBND Phường Hồng Bàng")
    commune.locator(".tag").click()
    commune_kids = commune.locator("xpath=..").locator(":scope > .kids")
    expect(commune_kids.locator("li")).to_have_count(2)
    expect(commune_kids).to_contain_text("Trường THCS Chu Văn An")

    commune_kids.get_by_role("link", name="Trường Tiểu học Lê Văn Tám").click()
    expect(page).to_have_url(site.url(f"/units/{cast.school_a1.pk}/"))
    expect(page.locator("h1")).to_have_text("Trường Tiểu học Lê Văn Tám")
    expect(page.locator(".crumbs")).to_have_text(f"{cast.so.name} › UBND Phường Hồng Bàng › Trường Tiểu học Lê Văn Tám")
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("31000101")
    expect(facts).to_contain_text("Trường tiểu học")
    expect(page.locator("main")).to_contain_text(cast.school_a1_admin.username)
    expect(page.locator("main")).to_contain_text(cast.school_a1_user.username)

    # Search without diacritics, answered by htmx as the user types.
    site.goto(page, "/units/")
    with page.expect_request(lambda r: "q=hong" in r.url and r.headers.get("hx-request") == "true"):
        page.locator("#id_q").press_sequentially("hong bang", delay=20)
    results = page.locator("#unit-results")
    expect(results).to_contain_text("Tìm thấy 1 đơn vị.")
    expect(results.locator("tbody tr")).to_have_count(1)
    expect(results.locator("tbody tr")).to_contain_text("UBND Phường Hồng Bàng")
    expect(results.locator("tbody tr")).to_contain_text("11311")
    expect(page).to_have_url(re.compile(r"/units/\?q=hong(\+|%20)bang"))  # hx-push-url

    page.locator("#id_q").fill("khong co don vi nay")
    expect(results).to_contain_text("Không tìm thấy đơn vị phù hợp.")
    watch.assert_clean()


# --- 3. issuing an account, its first sign-in, its scope ------------------------------------------------------------


def test_school_admin_issues_an_account_and_its_holder_signs_in(
    page: Page, site: Site, cast: Cast, watch: BrowserWatch
) -> None:
    school, sibling = cast.school_a1, cast.school_a2
    sign_in_admin(page, site, cast.school_a1_admin)

    page.get_by_role("navigation", name="Chức năng chính").get_by_role("link", name="Tài khoản").click()
    expect(page.locator("h1")).to_have_text("Tài khoản")
    page.get_by_role("link", name="Cấp tài khoản").click()
    expect(page).to_have_url(site.url("/accounts/new/"))
    expect(page.locator("h1")).to_have_text("Cấp tài khoản")
    expect(page.locator("#id_unit option[value]:not([value=''])")).to_have_count(1)  # only its own school
    page.locator("#id_unit").select_option(str(school.pk))
    expect(page.locator("#id_kind")).to_have_value("user")
    page.locator("#id_username").fill("gv.nguyenthilan")
    page.locator("#id_full_name").fill("nguyễn  thị lan")
    page.locator("#id_position").fill("Giáo viên")
    page.get_by_label("Nhập dữ liệu học sinh").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Cấp tài khoản").click()

    expect(page.locator("h1")).to_have_text("Đã cấp tài khoản")
    expect(page.locator("dl.facts")).to_contain_text("gv.nguyenthilan")
    expect(page.locator("dl.facts")).to_contain_text("Nguyễn Thị Lan")  # the name is normalised
    one_time = page.get_by_test_id("one-time-password").inner_text().strip()
    assert re.fullmatch(r"[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}", one_time), one_time

    page.get_by_role("link", name="Xem tài khoản").click()
    expect(page.locator("h1")).to_contain_text("Nguyễn Thị Lan")
    expect(page.locator("h1 .tag")).to_have_text("Tài khoản khai thác")
    expect(page.get_by_label("Nhập dữ liệu học sinh")).to_be_checked()
    expect(page.get_by_label("Xem dữ liệu", exact=True)).not_to_be_checked()
    page.get_by_label("Xem dữ liệu", exact=True).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Lưu chức năng").click()
    expect(page.locator(".messages")).to_contain_text("Đã cập nhật chức năng được giao.")
    expect(page.get_by_label("Xem dữ liệu", exact=True)).to_be_checked()
    expect(page.get_by_label("Nhập dữ liệu học sinh")).to_be_checked()
    expect(page.get_by_label("Quản lý tài khoản khai thác")).not_to_be_checked()

    site.sign_out(page)

    # The holder's first sign-in: the one-time password, then the forced steps.
    site.sign_in(page, "gv.nguyenthilan", password=one_time)
    expect(page).to_have_url(site.url("/accounts/password/"))
    expect(page.locator(".notice")).to_contain_text("Đây là lần đăng nhập đầu tiên")
    site.goto(page, "/units/")
    expect(page).to_have_url(site.url("/accounts/password/"))
    page.locator("#id_old_password").fill(one_time)
    page.locator("#id_new_password1").fill("Bien-Xanh-2026")
    page.locator("#id_new_password2").fill("Bien-Xanh-2026")
    with page.expect_navigation():
        page.get_by_role("button", name="Đổi mật khẩu").click()

    expect(page).to_have_url(site.url("/accounts/acknowledge/"))
    expect(page.locator(".messages")).to_contain_text("Đã đổi mật khẩu.")
    expect(page.locator("h1")).to_have_text("Cam kết trách nhiệm của người được cấp tài khoản")
    expect(page.locator("main")).to_contain_text("Trường Tiểu học Lê Văn Tám")
    page.locator("#id_accept").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Xác nhận").click()

    expect(page).to_have_url(site.url("/"))
    expect(page.locator("h1")).to_have_text("Xin chào, Nguyễn Thị Lan")
    expect(page.locator(".lead")).to_contain_text("Bạn dùng tài khoản khai thác của đơn vị.")
    chips = page.locator("ul.chips li")
    expect(chips).to_have_text(["Xem dữ liệu", "Nhập dữ liệu học sinh"])

    # What it sees: its school only; no account or audit menu without those functions.
    nav = page.get_by_role("navigation", name="Chức năng chính")
    expect(nav.get_by_role("link")).to_have_text(
        [
            "Trang chủ",
            "Đơn vị",
            "Trường học",
            "Lớp học",
            "Đội ngũ",
            "Học sinh",
            "Cơ sở vật chất",
            "Biến động",
            "Chất lượng dữ liệu",
            "Báo cáo",
            "Thống kê",
            "Phản ánh",
            "Sự cố",
            "Giám sát",
            "Nhập Excel",
            "Thông báo",
            "API",
        ]
    )
    expect(page.locator(".tiles")).not_to_contain_text("Quản lý tài khoản")
    nav.get_by_role("link", name="Đơn vị").click()
    expect(page.locator("#unit-results li")).to_have_count(1)
    expect(page.locator("#unit-results")).to_contain_text("Trường Tiểu học Lê Văn Tám")
    expect(page.locator("#unit-results")).not_to_contain_text("Chu Văn An")
    expect(page.locator("#unit-results")).not_to_contain_text("Hồng Bàng")

    own = site.goto(page, f"/units/{school.pk}/")
    assert own is not None and own.status == 200
    expect(page.locator("h1")).to_have_text("Trường Tiểu học Lê Văn Tám")
    expect(page.locator("main")).to_contain_text("Bạn không có chức năng quản lý tài khoản.")
    for path in (f"/units/{sibling.pk}/", f"/units/{cast.commune_a.pk}/", f"/accounts/{cast.school_a1_user.pk}/"):
        with watch.expecting_error_status(site.url(path)):
            response = site.goto(page, path)
        assert response is not None and response.status == 404, (path, response and response.status)
        expect(page.locator("body")).not_to_contain_text("Chu Văn An")
    watch.assert_clean()


# --- 4. the language switch ------------------------------------------------------------------------------------------


def english_catalog() -> gettext.NullTranslations:
    return gettext.translation("django", localedir=str(settings.LOCALE_PATHS[0]), languages=["en"], fallback=True)


def test_language_switch(page: Page, site: Site, cast: Cast, watch: BrowserWatch) -> None:
    site.sign_in(page, cast.school_a1_user.username)
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    nav = page.get_by_role("navigation", name="Chức năng chính")
    expect(nav.get_by_role("link").first).to_have_text("Trang chủ")

    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    expect(page).to_have_url(site.url("/"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Tiếng Việt")).to_be_visible()
    catalog = english_catalog()
    home_en = catalog.gettext("Trang chủ")
    if home_en != "Trang chủ":  # translations exist: the page must be in English
        expect(page.locator(".mainnav a").first).to_have_text(home_en)
        expect(page.locator("h1")).to_have_text(
            catalog.gettext("Xin chào, %(name)s") % {"name": cast.school_a1_user.full_name}
        )
    else:  # no English catalogue yet (locale/en/LC_MESSAGES/django.po is empty): only the language is switched
        expect(page.locator(".mainnav a").first).to_have_text("Trang chủ")

    with page.expect_navigation():
        page.get_by_role("button", name="Tiếng Việt").click()
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("button", name="English")).to_be_visible()
    watch.assert_clean()


# --- 5. the CSP -------------------------------------------------------------------------------------------------


def test_csp_is_sent_and_the_watch_catches_violations(page: Page, site: Site, watch: BrowserWatch) -> None:
    response = site.goto(page, "/accounts/login/")
    assert response is not None
    policy = response.headers.get("content-security-policy", "")
    assert re.search(r"script-src 'self' 'nonce-[^']+'", policy), policy
    assert "unsafe-inline" not in policy
    htmx_config = page.locator("meta[name=htmx-config]").get_attribute("content") or ""
    nonce = re.search(r"'nonce-([^']+)'", policy)
    assert nonce and f'"inlineStyleNonce":"{nonce.group(1)}"' in htmx_config, htmx_config

    # A positive control: an inline script without the nonce is refused, and the watch hears of it.
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.__injected = 1';"
        " document.head.appendChild(s); }"
    )
    for _ in range(20):
        if any("CSP violation" in p for p in watch.problems):
            break
        page.wait_for_timeout(100)
    assert page.evaluate("window.__injected") is None
    assert any("CSP violation" in p and "script-src" in p for p in watch.problems), watch.problems
    assert any(p.startswith("console.error") and "Content Security Policy" in p for p in watch.problems), watch.problems
    watch.problems.clear()
    watch.assert_clean()


# --- 6. a phone-sized screen -----------------------------------------------------------------------------------------


@pytest.mark.browser_context_args(viewport=PHONE, is_mobile=True, has_touch=True)
def test_phone_screen_has_no_horizontal_scroll(page: Page, site: Site, cast: Cast, watch: BrowserWatch) -> None:
    site.goto(page, "/accounts/login/")
    assert page.evaluate("window.innerWidth") == PHONE["width"]
    assert_no_horizontal_scroll(page, "login page")
    sign_in_admin(page, site, cast.so_admin)
    assert_no_horizontal_scroll(page, "home page")

    site.goto(page, "/units/")
    tree = page.locator("#unit-results")
    page.locator("summary", has_text=cast.so.name).locator(".tag").tap()
    expect(tree.get_by_role("link", name="UBND Phường Hồng Bàng")).to_be_visible()
    page.locator("summary", has_text="UBND Phường Hồng Bàng").locator(".tag").tap()
    expect(tree.get_by_role("link", name="Trường Tiểu học Lê Văn Tám")).to_be_visible()
    assert_no_horizontal_scroll(page, "unit tree, expanded")
    watch.assert_clean()


@pytest.mark.browser_context_args(locale="en-US")
def test_an_english_browser_still_gets_vietnamese_until_it_switches(
    page: Page, site: Site, watch: BrowserWatch
) -> None:
    site.goto(page, "/accounts/login/")
    assert page.evaluate("navigator.language") == "en-US"
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.locator("h1")).to_have_text("Đăng nhập hệ thống")
    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text(english_catalog().gettext("Đăng nhập hệ thống"))
    watch.assert_clean()
