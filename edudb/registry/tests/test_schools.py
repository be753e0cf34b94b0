"""The schools database: profiles and sites through pages and API — scoped, versioned, audited, escaped."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from conftest import Cast
from edudb.core.models import AuditEntry
from edudb.core.tests.clients import api_client, signed_in
from edudb.quality.models import CodeItem, CodeList
from edudb.registry.models import SchoolProfile, Site


@pytest.fixture
def public(db: Any) -> CodeItem:
    ownership, _ = CodeList.objects.get_or_create(code="loai_hinh_truong", defaults={"name": "Loại hình trường"})
    return CodeItem.objects.get_or_create(code_list=ownership, code="1", defaults={"name": "Công lập"})[0]


def profile_of(unit: Any, **fields: Any) -> SchoolProfile:
    return SchoolProfile.objects.create(unit=unit, **fields)


@pytest.mark.django_db
def test_school_admin_creates_and_edits_its_profile_with_history(cast: Cast, public: CodeItem) -> None:
    client = signed_in(cast.school_a1_admin)
    form = client.get(reverse("registry:school_create")).content.decode()
    assert "Trường Tiểu học Lê Văn Tám" in form and "Trường Tiểu học An Lão" not in form
    response = client.post(
        reverse("registry:school_create"),
        {
            "unit": cast.school_a1.pk,
            "ownership": public.pk,
            "established_year": 1962,
            "principal_name": "  trần   văn  an ",
            "national_standard": 0,
            "accreditation": 2,
            "has_electricity": "on",
            "phone": "02253123456",
        },
    )
    profile = SchoolProfile.objects.get(unit=cast.school_a1)
    assert response.status_code == 302 and response["Location"] == profile.get_absolute_url()
    assert profile.principal_name == "Trần Văn An"  # the normalisation layer: spaces and capitals (R6.1)
    created = AuditEntry.objects.get(action="schoolprofile.create")
    assert created.unit_id == cast.school_a1.pk and created.changes["established_year"] == [None, 1962]

    edit = reverse("registry:school_edit", kwargs={"pk": profile.pk})
    data = {
        "ownership": public.pk,
        "established_year": 1962,
        "national_standard": 1,
        "national_standard_year": 2019,
        "accreditation": 3,
        "version": profile.version,
    }
    assert client.post(edit, data).status_code == 302
    profile.refresh_from_db()
    assert profile.version == 2 and profile.national_standard == 1 and profile.updated_by == cast.school_a1_admin
    update = AuditEntry.objects.get(action="schoolprofile.update")
    assert update.changes["national_standard"] == [0, 1] and update.changes["accreditation"] == [2, 3]
    page = client.get(profile.get_absolute_url()).content.decode()
    assert "Lịch sử thay đổi" in page and "national_standard" in page and "school_a1.admin" in page


@pytest.mark.django_db
def test_the_second_of_two_concurrent_edits_is_refused(cast: Cast, public: CodeItem) -> None:
    profile = profile_of(cast.school_a1, principal_name="Trần Văn An")
    first, second = signed_in(cast.school_a1_admin), signed_in(cast.commune_a_admin)
    edit = reverse("registry:school_edit", kwargs={"pk": profile.pk})
    base = {"national_standard": 0, "accreditation": 0, "version": 1}
    assert first.post(edit, {**base, "principal_name": "Nguyễn Thị Bích"}).status_code == 302
    refused = second.post(edit, {**base, "principal_name": "Lê Văn Cường"})
    assert refused.status_code == 200
    assert "sau khi bạn mở nó" in refused.content.decode()
    profile.refresh_from_db()
    assert profile.principal_name == "Nguyễn Thị Bích" and profile.version == 2


@pytest.mark.django_db
def test_a_forged_unit_outside_scope_is_refused_and_nothing_written(cast: Cast, public: CodeItem) -> None:
    client = signed_in(cast.school_a1_admin)
    response = client.post(
        reverse("registry:site_create"), {"unit": cast.school_b1.pk, "code": "DL", "name": "Điểm lẻ", "is_active": "on"}
    )
    assert response.status_code == 200 and not Site.objects.exists()
    response = client.post(
        reverse("registry:school_create"), {"unit": cast.school_b1.pk, "national_standard": 0, "accreditation": 0}
    )
    assert response.status_code == 200 and not SchoolProfile.objects.exists()


@pytest.mark.django_db
def test_names_with_markup_are_shown_escaped(cast: Cast, public: CodeItem) -> None:
    Site.objects.create(unit=cast.school_a1, code="X", name='<script>alert("x")</script> Điểm "Đông"')
    profile = profile_of(cast.school_a1)
    page = signed_in(cast.school_a1_admin).get(profile.get_absolute_url()).content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


@pytest.mark.django_db
def test_search_ignores_diacritics_and_tone_placement(cast: Cast, public: CodeItem) -> None:
    for unit in (cast.school_a1, cast.school_a2, cast.school_b1):
        profile_of(unit)
    client = signed_in(cast.so_admin)
    page = client.get(reverse("registry:school_list"), {"q": "le van tam"}).content.decode()
    assert "Trường Tiểu học Lê Văn Tám" in page and "Trường THCS Chu Văn An" not in page
    by_code = client.get(reverse("registry:school_list"), {"q": cast.school_b1.code}).content.decode()
    assert "Trường Tiểu học An Lão" in by_code


@pytest.mark.django_db
def test_a_main_site_is_unique_and_a_satellite_has_its_distance(cast: Cast, public: CodeItem) -> None:
    client = signed_in(cast.school_a1_admin)
    data = {"unit": cast.school_a1.pk, "code": "dc", "name": "Điểm chính", "is_main": "on", "is_active": "on"}
    assert client.post(reverse("registry:site_create"), data).status_code == 302
    assert Site.objects.get().code == "DC"
    again = client.post(reverse("registry:site_create"), {**data, "code": "DC2"})
    assert again.status_code == 200 and Site.objects.count() == 1
    bad = client.post(reverse("registry:site_create"), {**data, "code": "DC3", "distance_km": "2.5"})
    assert "không có khoảng cách" in bad.content.decode()


# --- API -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_api_edit_needs_if_match_and_answers_412_when_stale(cast: Cast, public: CodeItem) -> None:
    profile = profile_of(cast.school_a1)
    api = api_client(cast.school_a1_admin)
    url = f"/api/v1/schools/{profile.pk}/"
    read = api.get(url)
    assert read.status_code == 200 and read["ETag"] == '"1"'
    body = {"principal_name": "Đỗ Thị Lan"}
    assert api.patch(url, body, content_type="application/json").status_code == 428
    ok = api.patch(url, body, content_type="application/json", HTTP_IF_MATCH='"1"')
    assert ok.status_code == 200 and ok["ETag"] == '"2"' and ok.json()["principal_name"] == "Đỗ Thị Lan"
    stale = api.patch(url, {"principal_name": "Ghi đè"}, content_type="application/json", HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412 and stale["ETag"] == '"2"'
    profile.refresh_from_db()
    assert profile.principal_name == "Đỗ Thị Lan"


@pytest.mark.django_db
def test_api_create_with_an_idempotency_key_creates_once(cast: Cast, public: CodeItem) -> None:
    api = api_client(cast.school_a1_admin)
    body = {"unit": cast.school_a1.pk, "code": "DL1", "name": "Điểm lẻ Thôn Đông", "distance_km": "3.5"}
    first = api.post("/api/v1/sites/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="abc-123")
    again = api.post("/api/v1/sites/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="abc-123")
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"] and Site.objects.count() == 1
    assert AuditEntry.objects.filter(action="site.create").count() == 1


@pytest.mark.django_db
def test_api_refuses_a_unit_out_of_reach(cast: Cast, public: CodeItem) -> None:
    api = api_client(cast.school_a1_admin)
    body = {"unit": cast.school_b1.pk, "code": "DL1", "name": "Điểm lẻ"}
    response = api.post("/api/v1/sites/", body, content_type="application/json")
    assert response.status_code == 400 and "unit" in response.json()
    assert not Site.objects.exists()
    viewer = api_client(cast.school_a1_user)  # may view, may not enter school data
    assert (
        viewer.post("/api/v1/sites/", {**body, "unit": cast.school_a1.pk}, content_type="application/json").status_code
        == 400
    )
    assert not Site.objects.exists()
