"""The guide's pages: by role, search, sections with their contents, public parts, and the screenshots."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import Cast
from edudb.core.tests.clients import signed_in
from edudb.guide import sections
from edudb.guide.sections import ROLES


def test_every_referenced_screenshot_exists_and_every_section_has_headings() -> None:
    referenced = set()
    for section in sections.SECTIONS:
        assert section.slug not in sections.RESERVED_SLUGS
        body = sections.render_body(section)
        assert len(sections.headings(body)) >= 1, section.slug
        anchors = [heading.anchor for heading in sections.headings(body)]
        assert len(anchors) == len(set(anchors)), section.slug
        for name in sections.screenshots_of(section):
            assert sections.SCREENSHOT_NAME.match(name), name
            assert (sections.SCREENSHOT_DIR / name).is_file(), f"{section.slug}: {name} is not in docs/screenshots"
            referenced.add(name)
    assert len(referenced) >= 30  # the guide shows the real pages


def test_every_role_has_sections_and_every_section_a_role() -> None:
    for role, _label in ROLES:
        assert sections.for_role(role), role
    known = {role for role, _label in ROLES}
    for section in sections.SECTIONS:
        assert section.roles and set(section.roles) <= known
        assert (sections.Role.PUBLIC in section.roles) or not section.public


@pytest.mark.django_db
def test_index_groups_sections_by_role(cast: Cast) -> None:
    html = signed_in(cast.school_a1_user).get("/guide/").content.decode()
    for _role, label in ROLES:
        assert str(label) in html
    for section in sections.SECTIONS:
        assert f'href="/guide/{section.slug}/"' in html


@pytest.mark.django_db
def test_search_ignores_accents_and_case_and_ranks_titles_first(cast: Cast) -> None:
    client = signed_in(cast.school_a1_user)
    html = client.get("/guide/", {"q": "CHOT so lieu"}).content.decode()
    hits = re.findall(r'<h3><a href="/guide/([a-z-]+)/">', html)
    assert hits[0] == "bao-cao"
    html = client.get("/guide/", {"q": "xác thực hai lớp"}).content.decode()
    assert "dang-nhap" in re.findall(r'<h3><a href="/guide/([a-z-]+)/">', html)
    html = client.get("/guide/", {"q": "khongcotrongtailieu"}).content.decode()
    assert "Không tìm thấy phần nào" in html


@pytest.mark.django_db
def test_search_shows_the_query_escaped(cast: Cast) -> None:
    html = signed_in(cast.school_a1_user).get("/guide/", {"q": "<script>alert(1)</script>"}).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)" in html


@given(st.text(max_size=40))
@settings(max_examples=60, deadline=None)
def test_search_never_fails_and_every_hit_holds_every_word(query: str) -> None:
    hits = sections.search(query, sections.SECTIONS)
    words = sections._fold(query).split()
    for hit in hits:
        haystack = sections._fold(
            f"{hit.section.title} {hit.section.summary} " + sections.plain_text(sections.render_body(hit.section))
        )
        assert all(word in haystack for word in words)
    assert hits == [] or words


@pytest.mark.django_db
def test_a_section_has_its_contents_and_screenshots(cast: Cast) -> None:
    html = signed_in(cast.school_a1_user).get("/guide/bao-cao/").content.decode()
    assert '<a href="#chot-so-lieu">Kiểm tra và chốt số liệu</a>' in html
    assert 'id="chot-so-lieu"' in html
    assert 'src="/guide/screenshots/36-reporting-precheck.png"' in html


@pytest.mark.django_db
def test_unknown_sections_are_not_found(cast: Cast) -> None:
    client = signed_in(cast.school_a1_user)
    assert client.get("/guide/khong-co/").status_code == 404
    assert Client().get("/guide/public/bao-cao/").status_code == 404  # not a public section
    assert Client().get("/guide/public/khong-co/").status_code == 404


@pytest.mark.django_db
def test_the_public_guide_needs_no_account_and_shows_only_public_sections() -> None:
    client = Client()
    html = client.get("/guide/public/").content.decode()
    public = [section for section in sections.SECTIONS if section.public]
    for section in sections.SECTIONS:
        assert (f'href="/guide/public/{section.slug}/"' in html) == section.public
    for section in public:
        page = client.get(f"/guide/public/{section.slug}/")
        assert page.status_code == 200
        text = page.content.decode()
        assert re.findall(r'href="/guide/(?!public/|screenshots/)', text) == []  # no link into the signed-in guide
        for name in re.findall(r'src="/guide/screenshots/([^"]+)"', text):
            assert client.get(f"/guide/screenshots/{name}").status_code == 200, name
    assert client.get("/guide/bao-cao/").status_code == 302
    assert client.get("/guide/").status_code == 302


@pytest.mark.django_db
def test_screenshots_are_served_by_whitelisted_name_only(cast: Cast) -> None:
    anonymous, member = Client(), signed_in(cast.school_a1_user)
    public_name = next(iter(sections.public_screenshots()))
    response = anonymous.get(f"/guide/screenshots/{public_name}")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response.getvalue()[:8] == b"\x89PNG\r\n\x1a\n"
    private = "17-student-list.png"
    assert private not in sections.public_screenshots()
    assert anonymous.get(f"/guide/screenshots/{private}").status_code == 302
    assert member.get(f"/guide/screenshots/{private}").status_code == 200
    unshown = {path.name for path in sections.SCREENSHOT_DIR.glob("*.png")} - sections.referenced_screenshots()
    names = ["..%2F..%2Fconfig%2Fsettings.py", "17-student-list.PNG", "99-none.png", ".png", "x.svg", *unshown]
    for name in names:
        assert member.get(f"/guide/screenshots/{name}").status_code == 404, name


@pytest.mark.django_db
def test_guide_pages_keep_a_constant_number_of_queries(cast: Cast) -> None:
    client = signed_in(cast.school_a1_user)
    client.get("/guide/")
    counts = set()
    for url in ["/guide/", "/guide/?q=học sinh", "/guide/bao-cao/", "/guide/hoc-sinh/", "/guide/su-co/"]:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        counts.add(len(ctx.captured_queries))
    assert len(counts) == 1 and counts.pop() <= 12


@pytest.mark.django_db
def test_the_public_sections_link_to_the_public_forms() -> None:
    from django.urls import NoReverseMatch, reverse

    for slug, route in [("phu-huynh", "feedback:public_file"), ("to-chuc-ben-ngoai", "sharing:public_request")]:
        try:
            url = reverse(route)
        except NoReverseMatch:  # the form's app is not there: the section names the page without a link
            continue
        assert f'href="{url}"' in Client().get(f"/guide/public/{slug}/").content.decode()
