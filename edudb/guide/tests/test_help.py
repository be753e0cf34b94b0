"""Every page has help: each named route maps to an existing section and heading, and the header links to it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from conftest import Cast
from edudb.core.tests.clients import signed_in
from edudb.guide import help as guide_help
from edudb.guide import sections


def every_route_name() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[Any], namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(f"{namespace}{pattern.name}")

    walk(get_resolver().url_patterns, "")
    return names


def test_every_named_route_of_the_project_has_a_guide_section_and_heading() -> None:
    missing, broken = [], []
    for name in sorted(every_route_name()):
        target = guide_help.target_for(name)
        if target is None:
            missing.append(name)
            continue
        section = sections.get(target.slug)
        if section is None:
            broken.append(f"{name} → {target.slug} (no such section)")
            continue
        anchors = {heading.anchor for heading in sections.headings(sections.render_body(section))}
        if target.anchor and target.anchor not in anchors:
            broken.append(f"{name} → {target.slug}#{target.anchor} (no such heading)")
    assert missing == [], "pages without help: add them to edudb/guide/help.py"
    assert broken == []


def test_every_mapping_entry_points_at_a_real_section_and_heading() -> None:
    """Entries for routes that do not exist yet (or any more) still must not point nowhere."""
    for text in [*guide_help.EXACT.values(), *guide_help.PREFIXES.values(), *guide_help.NAMESPACES.values()]:
        target = guide_help.Target.parse(text)
        section = sections.get(target.slug)
        assert section is not None, text
        anchors = {heading.anchor for heading in sections.headings(sections.render_body(section))}
        assert not target.anchor or target.anchor in anchors, text
    for slug in guide_help.PUBLIC_NAMESPACES.values():
        found = sections.get(slug)
        assert found is not None and found.public, slug


def test_a_new_namespace_without_help_is_caught() -> None:
    assert guide_help.target_for("newapp:list") is None
    assert guide_help.target_for("registry:student_list") == guide_help.Target("hoc-sinh", "ho-so")
    assert guide_help.target_for("registry:student_results") == guide_help.Target("hoc-sinh", "ket-qua-hoc-tap")
    assert guide_help.target_for("registry:move_staff_transfer_list") == guide_help.Target("bien-dong", "dieu-dong")
    assert guide_help.target_for("sharing:anything") == guide_help.Target("yeu-cau-du-lieu")


def _help_link(html: str) -> str:
    start = html.index('class="who-help" href="') + len('class="who-help" href="')
    return html[start : html.index('"', start)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/", "/guide/bat-dau/#trang-chu"),
        ("/reporting/", "/guide/bao-cao/"),
        ("/students/", "/guide/hoc-sinh/#ho-so"),
        ("/quality/rules/", "/guide/chat-luong/#quy-tac"),
        ("/accounts/", "/guide/tai-khoan/"),
        ("/audit/", "/guide/nhat-ky/#tra-cuu"),
        ("/guide/", "/guide/ho-tro/"),
    ],
)
def test_the_header_help_link_opens_the_section_of_the_page(cast: Cast, url: str, expected: str) -> None:
    response = signed_in(cast.so_admin).get(url)
    assert response.status_code == 200
    assert _help_link(response.content.decode()) == expected


@pytest.mark.django_db
def test_the_help_link_lands_on_a_page_with_that_heading(cast: Cast) -> None:
    client = signed_in(cast.school_a1_user)
    link = _help_link(client.get("/students/").content.decode())
    path, _hash, anchor = link.partition("#")
    page = client.get(path)
    assert page.status_code == 200
    assert f'id="{anchor}"' in page.content.decode()


@pytest.mark.django_db
def test_without_an_account_the_help_goes_to_a_public_section() -> None:
    html = Client().get("/accounts/login/").content.decode()
    assert 'class="footer-help" href="/guide/public/dang-nhap/#dang-nhap"' in html
    assert guide_help.help_url("feedback:public_form", signed_in=False) == "/guide/public/phu-huynh/"
    assert (
        guide_help.help_url("sharing:public_request", signed_in=False) == "/guide/public/to-chuc-ben-ngoai/#gui-de-nghi"
    )
    assert guide_help.help_url("sharing:list", signed_in=False) == "/guide/public/to-chuc-ben-ngoai/"
    assert guide_help.help_url("reporting:home", signed_in=False) == "/guide/public/"
    assert guide_help.help_url(None, signed_in=True) == "/guide/"
