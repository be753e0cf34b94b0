"""Every input path normalises the same way (DESIGN decision 5) and shows what it changed (R6.1)."""

from __future__ import annotations

import unicodedata

import pytest
from django.urls import reverse

from conftest import Cast
from edudb.core.tests.clients import api_client, signed_in
from edudb.quality.legacy import encode_tcvn3, encode_vni
from edudb.registry.models import StaffMember
from edudb.registry.tests.test_staff import api_body, form_data

pytestmark = pytest.mark.django_db


def test_the_staff_form_converts_a_legacy_name_and_says_so(cast: Cast) -> None:
    client = signed_in(cast.school_a1_admin)
    typed = encode_tcvn3("Nguyễn Thị Thủy")  # pasted from an old .VnTime spreadsheet
    response = client.post(reverse("registry:staff_create"), form_data(cast.school_a1, full_name=typed), follow=True)
    staff = StaffMember.objects.get()
    assert staff.full_name == "Nguyễn Thị Thủy" and staff.name_key == "nguyen thi thuy"
    page = response.content.decode()
    assert "Đã chuẩn hóa" in page and "Nguyễn Thị Thủy" in page and "TCVN3" in page


def test_the_form_stores_one_tone_style_and_nfc(cast: Cast) -> None:
    client = signed_in(cast.school_a1_admin)
    typed = unicodedata.normalize("NFD", "lê thị hoà")
    client.post(reverse("registry:staff_create"), form_data(cast.school_a1, full_name=typed, major="Sư phạm  Toán"))
    staff = StaffMember.objects.get()
    assert staff.full_name == "Lê Thị Hòa" and unicodedata.is_normalized("NFC", staff.full_name)
    assert staff.major == "Sư phạm Toán"


def test_a_name_with_an_emoji_is_refused_naming_the_field(cast: Cast) -> None:
    client = signed_in(cast.school_a1_admin)
    response = client.post(reverse("registry:staff_create"), form_data(cast.school_a1, full_name="Trần An 😀"))
    assert response.status_code == 200 and not StaffMember.objects.exists()
    assert "Họ và tên" in response.content.decode() and "😀" in response.content.decode()


def test_text_fields_ask_for_a_preview_and_the_preview_shows_the_stored_form(cast: Cast) -> None:
    client = signed_in(cast.school_a1_admin)
    form = client.get(reverse("registry:staff_create")).content.decode()
    assert 'hx-get="/quality/normalise/?kind=NAME&amp;field=full_name' in form
    assert 'id="norm-id_full_name"' in form
    url = reverse("quality:normalise_preview")
    vni = client.get(url, {"kind": "NAME", "field": "full_name", "full_name": encode_vni("trần thị ngọc ánh")})
    assert "Trần Thị Ngọc Ánh" in vni.content.decode() and "VNI" in vni.content.decode()
    assert client.get(url, {"kind": "NAME", "field": "full_name", "full_name": "Trần Bình"}).content == b""
    refused = client.get(url, {"kind": "NAME", "field": "full_name", "full_name": "An 😀", "label": "Họ và tên"})
    assert "error" in refused.content.decode() and "Họ và tên" in refused.content.decode()
    assert client.get(url, {"kind": "nonsense"}).content == b""


def test_the_preview_needs_an_account(cast: Cast) -> None:
    from django.test import Client

    response = Client().get(reverse("quality:normalise_preview"), {"kind": "NAME"})
    assert response.status_code == 302


def test_the_api_normalises_the_same_way_and_reports_the_changes(cast: Cast) -> None:
    api = api_client(cast.school_a1_admin)
    body = api_body(cast.school_a1, full_name=encode_vni("Phạm Văn Đức"), phone="01683456789")
    response = api.post("/api/v1/staff/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    staff = StaffMember.objects.get()
    assert staff.full_name == "Phạm Văn Đức" and staff.phone == "0383456789"
    changed = {row["field"]: row for row in response.json()["normalised"]}
    assert changed["full_name"]["after"] == "Phạm Văn Đức" and any("VNI" in r for r in changed["full_name"]["reasons"])
    assert changed["phone"]["after"] == "0383456789"


def test_the_api_refuses_what_the_layer_refuses(cast: Cast) -> None:
    api = api_client(cast.school_a1_admin)
    response = api.post(
        "/api/v1/staff/", api_body(cast.school_a1, full_name="An\u202e 😀"), content_type="application/json"
    )
    assert response.status_code == 400 and "full_name" in response.json()
    assert not StaffMember.objects.exists()


def test_the_guardians_rows_normalise_too_and_say_so(cast: Cast) -> None:
    from edudb.registry.models import Guardian
    from edudb.registry.tests.test_students import form_data as student_form
    from edudb.registry.tests.test_students import make_class

    client = signed_in(cast.school_a1_user)
    data = student_form(cast.school_a1, make_class(cast.school_a1, "1A", 1))
    data["guardians-1-full_name"] = encode_vni("Trần Thị Bích")
    data["guardians-1-phone"] = "0168 345 6789"  # the number before 2018
    response = client.post(reverse("registry:student_create"), data, follow=True)
    mother = Guardian.objects.get()
    assert mother.full_name == "Trần Thị Bích" and mother.phone == "0383456789"
    page = response.content.decode()
    assert "Đã chuẩn hóa" in page and "VNI" in page and "0383456789" in page
