"""Vietnamese by default whatever the browser says; English when the user switches."""

from __future__ import annotations

from django.test import Client


def test_vietnamese_even_for_an_english_browser(db: object) -> None:
    page = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").get("/accounts/login/")
    assert page["Content-Language"] == "vi"
    assert "Đăng nhập hệ thống" in page.content.decode()


def test_the_switch_turns_the_interface_english(db: object) -> None:
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    page = client.get("/accounts/login/")
    assert page["Content-Language"] == "en"
    assert '<html lang="en">' in page.content.decode()
    assert "Sign in" in page.content.decode()
