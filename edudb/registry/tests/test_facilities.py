"""The facilities database: room stock through pages and API — area rules, one row per kind, scope, versions."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from conftest import Cast
from edudb.core.models import AuditEntry
from edudb.core.tests.clients import api_client, signed_in
from edudb.quality.models import CodeItem, items_of
from edudb.registry.models import RoomStock, Site
from edudb.reporting.models import SchoolYear


@pytest.fixture
def year(db: Any) -> SchoolYear:
    return SchoolYear.objects.get(is_current=True)


def kind(code: str) -> CodeItem:
    return items_of("loai_phong").get(code=code)


def site_of(unit: Any, code: str = "DC", name: str | None = None) -> Site:
    return Site.objects.get_or_create(
        unit=unit, code=code, defaults={"name": name or f"Điểm {code} {unit.name}", "is_main": code == "DC"}
    )[0]


ZERO = {f"{k}_{q}": 0 for q in ("solid", "semi", "temporary", "borrowed") for k in ("count", "area")}


def form_data(site: Site, year: SchoolYear, room_kind: str = "PH", **fields: Any) -> dict[str, Any]:
    return {
        "unit": site.unit_id,
        "school_year": year.pk,
        "site": site.pk,
        "room_kind": kind(room_kind).pk,
        **ZERO,
        **fields,
    }


def stock_of(site: Site, year: SchoolYear, room_kind: str = "PH", **fields: Any) -> RoomStock:
    return RoomStock.objects.create(unit=site.unit, site=site, school_year=year, room_kind=kind(room_kind), **fields)


def errors_of(response: Any) -> str:
    assert response.status_code == 200, "the form should have been shown again"
    text: str = response.content.decode()
    return text


@pytest.mark.django_db
def test_school_admin_records_its_rooms_with_history(cast: Cast, year: SchoolYear) -> None:
    site = site_of(cast.school_a1)
    client = signed_in(cast.school_a1_admin)
    form = client.get(reverse("registry:room_create")).content.decode()
    assert "Điểm DC Trường Tiểu học Lê Văn Tám" in form and 'aria-label="Diện tích kiên cố (m²)"' in form
    data = form_data(site, year, count_solid=12, area_solid="648", count_borrowed=1, area_borrowed="45.5")
    response = client.post(reverse("registry:room_create"), data)
    stock = RoomStock.objects.get()
    assert response.status_code == 302 and response["Location"] == stock.get_absolute_url()
    assert stock.total_count == 13 and str(stock.area_borrowed) == "45.5"
    assert AuditEntry.objects.get(action="roomstock.create").changes["count_solid"] == [None, 12]

    edit = reverse("registry:room_edit", kwargs={"pk": stock.pk})
    assert client.post(edit, {**data, "count_solid": 13, "area_solid": "700", "version": 1}).status_code == 302
    stock.refresh_from_db()
    assert stock.version == 2 and stock.count_solid == 13
    assert AuditEntry.objects.get(action="roomstock.update").changes["count_solid"] == [12, 13]
    page = client.get(stock.get_absolute_url()).content.decode()
    assert "Lịch sử thay đổi" in page and "count_solid" in page and "30–120 m²" in page


@pytest.mark.django_db
def test_areas_agree_with_counts(cast: Cast, year: SchoolYear) -> None:
    site = site_of(cast.school_a1)
    client = signed_in(cast.school_a1_admin)
    create = reverse("registry:room_create")
    page = errors_of(client.post(create, form_data(site, year, count_solid=3)))
    assert "Diện tích kiên cố (m²): có 3 phòng kiên cố thì diện tích phải lớn hơn 0" in page
    page = errors_of(client.post(create, form_data(site, year, area_semi="50")))
    assert "Diện tích bán kiên cố (m²): không có phòng bán kiên cố nào thì diện tích phải là 0" in page
    page = errors_of(client.post(create, form_data(site, year, count_temporary=1, area_temporary="500")))
    assert "Diện tích tạm (m²): bình quân 500 m² một phòng, ngoài khoảng hợp lý 30–120 m²" in page
    page = errors_of(client.post(create, form_data(site, year, count_solid=10, area_solid="60")))
    assert "bình quân 6 m² một phòng" in page
    page = errors_of(client.post(create, form_data(site, year, count_solid=1, area_solid="-5")))
    assert "Diện tích kiên cố" in page and not RoomStock.objects.exists()
    # a kind with a wide range: one multi-purpose hall of 600 m² is plausible
    assert client.post(create, form_data(site, year, "NDN", count_solid=1, area_solid="600")).status_code == 302


@pytest.mark.django_db
def test_one_row_per_site_year_and_kind(cast: Cast, year: SchoolYear) -> None:
    site = site_of(cast.school_a1)
    stock_of(site, year, count_solid=10, area_solid=540)
    client = signed_in(cast.school_a1_admin)
    page = errors_of(client.post(reverse("registry:room_create"), form_data(site, year, count_solid=2, area_solid=100)))
    assert "đã có dòng «Phòng học» cho năm học" in page and "hãy sửa dòng đã có" in page
    assert RoomStock.objects.count() == 1
    satellite = site_of(cast.school_a1, "DL", "Điểm lẻ Thôn Đông")
    data = form_data(satellite, year, count_solid=2, area_solid=100)
    assert client.post(reverse("registry:room_create"), data).status_code == 302


@pytest.mark.django_db
def test_a_site_of_another_school_is_refused(cast: Cast, year: SchoolYear) -> None:
    own, other = site_of(cast.school_a1), site_of(cast.school_a2, name="Điểm Chu Văn An")
    client = signed_in(cast.commune_a_admin)
    form = client.get(reverse("registry:room_create"), {"unit": cast.school_a1.pk}).content.decode()
    assert "Điểm Chu Văn An" not in form
    data = {**form_data(own, year, count_solid=1, area_solid=50), "site": other.pk}
    page = errors_of(client.post(reverse("registry:room_create"), data))
    assert "Điểm trường: điểm trường đã chọn không thuộc trường này" in page and not RoomStock.objects.exists()


@pytest.mark.django_db
def test_the_list_is_scoped_filtered_and_totalled(cast: Cast, year: SchoolYear) -> None:
    a1, b1 = site_of(cast.school_a1), site_of(cast.school_b1)
    stock_of(a1, year, count_solid=10, area_solid=540, count_semi=2, area_semi=100)
    stock_of(a1, year, "TV", count_solid=1, area_solid=60)
    stock_of(b1, year, count_solid=7, area_solid=380)
    previous = SchoolYear.objects.get(start_year=year.start_year - 1)
    stock_of(a1, previous, count_solid=9, area_solid=480)
    client = signed_in(cast.school_a1_admin)
    page = client.get(reverse("registry:room_list")).content.decode()
    assert "Thư viện</a>" in page and "Trường Tiểu học An Lão" not in page
    assert '<th class="num">13</th><th class="num">700</th>' in page  # this year's rows: 10 + 2 + 1 rooms, 700 m²
    only_library = client.get(reverse("registry:room_list"), {"room_kind": kind("TV").pk}).content.decode()
    assert '<th class="num">1</th><th class="num">60</th>' in only_library
    by_site = client.get(reverse("registry:room_list"), {"unit": cast.school_a1.pk, "site": a1.pk, "school_year": ""})
    assert '<th class="num">22</th>' in by_site.content.decode()  # both years
    site_alone = client.get(reverse("registry:room_list"), {"site": a1.pk}).content.decode()  # no school chosen
    assert '<th class="num">13</th>' in site_alone  # the site filter is left out, with its error, not an empty list
    office = signed_in(cast.office_tccb_user).get(reverse("registry:room_list")).content.decode()
    assert "Trường Tiểu học Lê Văn Tám" not in office and "Thư viện</a>" not in office
    other = RoomStock.objects.get(site=b1)
    assert client.get(other.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_site_names_with_markup_are_shown_escaped(cast: Cast, year: SchoolYear) -> None:
    stock = stock_of(site_of(cast.school_a1, name="<script>x</script> Điểm"), year, count_solid=1, area_solid=50)
    client = signed_in(cast.school_a1_admin)
    for url in (reverse("registry:room_list"), stock.get_absolute_url()):
        page = client.get(url).content.decode()
        assert "<script>x" not in page and "&lt;script&gt;x&lt;/script&gt;" in page


@pytest.mark.django_db
def test_the_second_of_two_concurrent_edits_is_refused(cast: Cast, year: SchoolYear) -> None:
    site = site_of(cast.school_a1)
    stock = stock_of(site, year, count_solid=10, area_solid=540)
    first, second = signed_in(cast.school_a1_admin), signed_in(cast.commune_a_admin)
    edit = reverse("registry:room_edit", kwargs={"pk": stock.pk})
    assert first.post(edit, form_data(site, year, count_solid=11, area_solid=600, version=1)).status_code == 302
    refused = second.post(edit, form_data(site, year, count_solid=12, area_solid=650, version=1))
    assert refused.status_code == 200 and "sau khi bạn mở nó" in refused.content.decode()
    stock.refresh_from_db()
    assert stock.count_solid == 11


# --- API -----------------------------------------------------------------------------------------------------


def api_body(site: Site, year: SchoolYear, **fields: Any) -> dict[str, Any]:
    return {"unit": site.unit_id, "site": site.pk, "school_year": year.pk, "room_kind": "PH", **fields}


@pytest.mark.django_db
def test_api_create_with_an_idempotency_key_creates_once(cast: Cast, year: SchoolYear) -> None:
    site = site_of(cast.school_a1)
    api = api_client(cast.school_a1_admin)
    body = api_body(site, year, count_solid=10, area_solid="540.0")
    first = api.post("/api/v1/rooms/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="ph-2026")
    again = api.post("/api/v1/rooms/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="ph-2026")
    assert first.status_code == again.status_code == 201 and first.json()["id"] == again.json()["id"]
    assert first.json()["total_count"] == 10 and first.json()["room_kind_name"] == "Phòng học"
    assert RoomStock.objects.count() == 1 and AuditEntry.objects.filter(action="roomstock.create").count() == 1
    listed = api.get("/api/v1/rooms/", {"room_kind": "PH", "school_year": str(year.pk)}).json()
    assert listed["count"] == 1 and listed["results"][0]["site_name"] == site.name


@pytest.mark.django_db
def test_api_edit_needs_if_match_and_answers_412_when_stale(cast: Cast, year: SchoolYear) -> None:
    stock = stock_of(site_of(cast.school_a1), year, count_solid=10, area_solid=540)
    api = api_client(cast.school_a1_admin)
    url = f"/api/v1/rooms/{stock.pk}/"
    assert api.get(url)["ETag"] == '"1"'
    body = {"count_solid": 11, "area_solid": "600"}
    assert api.patch(url, body, content_type="application/json").status_code == 428
    ok = api.patch(url, body, content_type="application/json", HTTP_IF_MATCH='"1"')
    assert ok.status_code == 200 and ok["ETag"] == '"2"'
    stale = api.patch(
        url, {"count_solid": 12, "area_solid": "650"}, content_type="application/json", HTTP_IF_MATCH='"1"'
    )
    assert stale.status_code == 412 and stale["ETag"] == '"2"'
    stock.refresh_from_db()
    assert stock.count_solid == 11 and stock.version == 2


@pytest.mark.django_db
def test_api_applies_the_same_rules_as_the_pages(cast: Cast, year: SchoolYear) -> None:
    own, other = site_of(cast.school_a1), site_of(cast.school_a2)
    api = api_client(cast.commune_a_admin)
    cases = [
        (api_body(own, year, count_solid=3), "area_solid", "phải lớn hơn 0"),
        (api_body(own, year, area_semi="20"), "area_semi", "phải là 0"),
        (api_body(own, year, count_solid=1, area_solid="900"), "area_solid", "ngoài khoảng hợp lý"),
        ({**api_body(own, year, count_solid=1, area_solid="50"), "site": other.pk}, "site", "không thuộc"),
        (api_body(site_of(cast.school_b1), year), "unit", ""),  # out of reach: "does not exist"
    ]
    for body, field, words in cases:
        response = api.post("/api/v1/rooms/", body, content_type="application/json")
        assert response.status_code == 400 and field in response.json(), body
        assert words in str(response.json()[field]), body
    assert not RoomStock.objects.exists()
    stock_of(own, year, count_solid=10, area_solid=540)
    duplicate = api.post("/api/v1/rooms/", api_body(own, year), content_type="application/json")
    assert duplicate.status_code == 400 and "đã có dòng" in str(duplicate.json()["room_kind"])
    stock = RoomStock.objects.get()
    partial = api.patch(
        f"/api/v1/rooms/{stock.pk}/", {"count_solid": 0}, content_type="application/json", HTTP_IF_MATCH='"1"'
    )
    assert partial.status_code == 400 and "phải là 0" in str(partial.json()["area_solid"])
    viewer = api_client(cast.school_a1_user)  # may view, may not enter facilities
    body = api_body(own, year, room_kind="TV", count_solid=1, area_solid="60")
    assert viewer.post("/api/v1/rooms/", body, content_type="application/json").status_code == 400
    assert RoomStock.objects.count() == 1
