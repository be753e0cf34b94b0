"""The support contacts: shown on every page's footer, edited by the Sở only, audited (Điều 2.2, 7.1)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import Client, RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from conftest import Cast
from edudb.core.models import AuditEntry
from edudb.core.tests.clients import signed_in
from edudb.guide import services
from edudb.guide.context_processors import support
from edudb.guide.forms import SupportContactForm
from edudb.guide.models import SupportContact

NEW = {
    "hotline": "0225.3999888",
    "email": "hotro.csdl@haiphong.edu.vn",
    "system_address": "https://csdlnganh.haiphong.gov.vn",
    "postal_address": "Số 9 Đinh Tiên Hoàng, phường Hồng Bàng, thành phố Hải Phòng",
    "working_hours": "Giờ hành chính các ngày làm việc",
}


def footer(html: str) -> str:
    return html[html.index('<footer class="footer">') : html.index("</footer>")]


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/accounts/login/", "/guide/public/", "/guide/public/phu-huynh/"])
def test_the_footer_shows_the_contacts_to_anonymous_visitors(url: str) -> None:
    text = footer(Client().get(url).content.decode())
    assert 'href="tel:02253746220">0225.3746220</a>' in text
    assert 'href="mailto:sogddt@haiphong.gov.vn"' in text
    assert 'href="https://csdl.haiphong.edu.vn"' in text


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/students/", "/reporting/", "/guide/"])
def test_the_footer_shows_the_contacts_on_signed_in_pages(cast: Cast, url: str) -> None:
    text = footer(signed_in(cast.school_a1_user).get(url).content.decode())
    assert "0225.3746220" in text and "sogddt@haiphong.gov.vn" in text and "csdl.haiphong.edu.vn" in text


@pytest.mark.django_db
@override_settings(EDUDB_HOTLINE="0225.1111111", EDUDB_SYSTEM_ADDRESS="https://csdl.example.vn")
def test_the_defaults_come_from_the_settings() -> None:
    text = footer(Client().get("/accounts/login/").content.decode())
    assert "0225.1111111" in text and "https://csdl.example.vn" in text


@pytest.mark.django_db
def test_a_change_by_the_so_shows_at_once_on_every_footer(cast: Cast) -> None:
    response = signed_in(cast.so_admin).post("/guide/support/edit/", NEW)
    assert response.status_code == 302 and response["Location"] == "/guide/ho-tro/#lien-he"
    for client, url in [(Client(), "/accounts/login/"), (signed_in(cast.school_b2_user), "/students/")]:
        text = footer(client.get(url).content.decode())
        assert 'href="tel:02253999888">0225.3999888</a>' in text
        assert "hotro.csdl@haiphong.edu.vn" in text and "https://csdlnganh.haiphong.gov.vn" in text
        assert "0225.3746220" not in text


@pytest.mark.django_db
def test_the_edit_is_audited_field_by_field(cast: Cast) -> None:
    signed_in(cast.so_admin).post("/guide/support/edit/", {**SupportContact.defaults(), "hotline": "0225.3999888"})
    entry = AuditEntry.objects.filter(action="support.update").get()
    assert entry.actor_id == cast.so_admin.pk and entry.unit_id == cast.so.pk
    assert entry.changes == {"hotline": ["0225.3746220", "0225.3999888"]}
    assert entry.action_label == "Cập nhật thông tin hỗ trợ kỹ thuật"
    contact = SupportContact.objects.get()
    assert contact.updated_by == cast.so_admin and contact.updated_at is not None
    # Saving the same values again writes no second entry.
    signed_in(cast.so_admin).post("/guide/support/edit/", {**SupportContact.defaults(), "hotline": "0225.3999888"})
    assert AuditEntry.objects.filter(action="support.update").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["school_a1_admin", "commune_a_admin", "office_th_user", "thpt_user"])
def test_only_the_so_edits_the_contacts(cast: Cast, role: str) -> None:
    client = signed_in(cast.accounts[role])
    page = client.get("/guide/support/edit/")
    assert page.status_code == 403
    assert "Chỉ Sở Giáo dục và Đào tạo" in page.content.decode()
    assert client.post("/guide/support/edit/", NEW).status_code == 403
    assert not SupportContact.objects.exists()
    assert not AuditEntry.objects.filter(action="support.update").exists()
    assert "Cập nhật thông tin hỗ trợ" not in client.get("/guide/").content.decode()


@pytest.mark.django_db
def test_the_so_sees_the_edit_link_and_the_form(cast: Cast) -> None:
    client = signed_in(cast.so_admin)
    assert 'href="/guide/support/edit/"' in client.get("/guide/").content.decode()
    page = client.get("/guide/support/edit/").content.decode()
    assert 'name="hotline"' in page and 'value="0225.3746220"' in page


@pytest.mark.django_db
def test_a_bad_value_is_refused_with_the_field_and_the_fix_and_nothing_is_written(cast: Cast) -> None:
    response = signed_in(cast.so_admin).post(
        "/guide/support/edit/", {**NEW, "hotline": "gọi Sở", "system_address": "csdl.haiphong.edu.vn"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Điện thoại hỗ trợ: hãy nhập số điện thoại" in html
    assert "https://" in html
    assert not SupportContact.objects.exists()
    assert not AuditEntry.objects.filter(action="support.update").exists()


@pytest.mark.django_db
def test_names_with_markup_are_shown_escaped(cast: Cast) -> None:
    signed_in(cast.so_admin).post("/guide/support/edit/", {**NEW, "working_hours": "<script>alert(1)</script>"})
    text = footer(Client().get("/accounts/login/").content.decode())
    assert "<script>alert(1)" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


@pytest.mark.django_db
def test_the_contacts_take_one_query_then_none_until_they_change(cast: Cast) -> None:
    template = Template("{{ support.hotline }} {{ support.email }} {{ support.system_address }}")

    def render_page() -> tuple[str, int]:
        request = RequestFactory().get("/")
        request.user = cast.school_a1_user
        with CaptureQueriesContext(connection) as queries:
            first = template.render(Context(support(request)))
            again = template.render(Context(support(request)))  # a second use in the same request
        assert first == again
        return first, len(queries)

    assert render_page() == ("0225.3746220 sogddt@haiphong.gov.vn https://csdl.haiphong.edu.vn", 1)
    assert render_page()[1] == 0
    services.update_support(by=cast.so_admin, values=NEW)
    assert render_page() == ("0225.3999888 hotro.csdl@haiphong.edu.vn https://csdlnganh.haiphong.gov.vn", 1)
    assert render_page()[1] == 0


@pytest.mark.django_db
def test_another_process_sees_the_change_through_the_stamp(cast: Cast) -> None:
    from edudb.guide import contacts

    assert contacts.current().hotline == "0225.3746220"
    # Another process saves: the row and the stamp change, this process's copy is not told directly.
    SupportContact.objects.create(pk=SupportContact.SINGLETON_ID, **{**NEW})
    assert contacts.current().hotline == "0225.3746220"  # kept (stamp unchanged)
    contacts._write_stamp()
    assert contacts.current().hotline == "0225.3999888"


@pytest.mark.django_db
def test_a_refused_edit_leaves_the_shared_copy_alone(cast: Cast) -> None:
    client = signed_in(cast.so_admin)
    client.get("/accounts/login/")
    client.post("/guide/support/edit/", {**NEW, "hotline": "gọi Sở"})  # invalid: nothing saved
    text = footer(Client().get("/accounts/login/").content.decode())
    assert "0225.3746220" in text and "hotro.csdl@haiphong.edu.vn" not in text


@pytest.mark.django_db
def test_the_service_refuses_anyone_but_the_so(cast: Cast) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.update_support(by=cast.commune_a_admin, values=NEW)
    assert services.may_edit_support(cast.so_admin)
    assert not services.may_edit_support(cast.office_th_user)


@given(
    st.text(alphabet="0123456789", min_size=3, max_size=12),
    st.lists(st.sampled_from([".", " ", "-"]), max_size=3),
)
def test_phone_numbers_with_separators_are_accepted(digits: str, separators: list[str]) -> None:
    value = digits
    for at, separator in enumerate(separators):
        value = value[: at + 1] + separator + value[at + 1 :]
    form = SupportContactForm(data={**NEW, "hotline": value})
    form.is_valid()
    assert "hotline" not in form.errors


@given(st.text(min_size=1, max_size=20).filter(lambda s: any(ch.isalpha() for ch in s)))
def test_text_with_letters_is_not_a_phone_number(value: Any) -> None:
    form = SupportContactForm(data={**NEW, "hotline": value})
    assert not form.is_valid() and "hotline" in form.errors
