"""The equipment checklist: the rules, the page's grid saved all or nothing, the managers' list, the API and the
demo data; the pages keep a constant number of queries."""

from __future__ import annotations

import random
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from conftest import Cast
from edudb.core.demo.equipment import build_equipment
from edudb.core.models import AuditEntry
from edudb.core.tests.clients import api_client, signed_in
from edudb.core.tests.factories import UnitFactory
from edudb.core.tests.test_query_counts import count_queries
from edudb.quality.models import CodeItem, items_of
from edudb.registry import equipment
from edudb.registry.models import EquipmentCheck
from edudb.reporting.models import SchoolYear


def item(code: str) -> CodeItem:
    return items_of("thiet_bi").get(code=code)


def current_year() -> SchoolYear:
    return SchoolYear.objects.get(is_current=True)


def make_check(unit: Any, code: str, year: SchoolYear | None = None, **fields: Any) -> EquipmentCheck:
    values: dict[str, Any] = {"required": 10, "available": 10, "usable": 10, "meets_standard": True, **fields}
    return EquipmentCheck.objects.create(unit=unit, school_year=year or current_year(), item=item(code), **values)


def checklist_url(unit: Any, year: SchoolYear | None = None) -> str:
    return f"/equipment/{unit.pk}/?school_year={(year or current_year()).pk}"


def grid_data(unit: Any, year: SchoolYear | None = None, **changes: dict[str, Any]) -> dict[str, Any]:
    """What the page posts: every line the school filled as it was loaded (with its version), plus ``changes`` by
    item code (a new line has no version)."""
    year = year or current_year()
    data: dict[str, Any] = {"school_year": year.pk}
    for check in EquipmentCheck.objects.filter(unit=unit, school_year=year).select_related("item"):
        prefix = f"i{check.item_id}-"
        data.update(
            {
                f"{prefix}required": "" if check.required is None else check.required,
                f"{prefix}available": check.available,
                f"{prefix}usable": check.usable,
                f"{prefix}note": check.note,
                f"{prefix}version": check.version,
            }
        )
        if check.meets_standard:
            data[f"{prefix}meets_standard"] = "on"
    for code, values in changes.items():
        prefix = f"i{item(code).pk}-"
        for name, value in values.items():
            if name == "meets_standard":
                if value:
                    data[f"{prefix}meets_standard"] = "on"
                else:
                    data.pop(f"{prefix}meets_standard", None)
            else:
                data[f"{prefix}{name}"] = value
    return data


# --- the rules ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_row_rules_name_the_item_the_field_and_the_fix() -> None:
    projector = item("TRINHCHIEU")

    def problems(**kwargs: Any) -> dict[str, str]:
        values = {"item": projector, "required": 12, "available": 12, "usable": 12, "meets_standard": True}
        return equipment.row_problems(**{**values, **kwargs})

    assert problems() == {}
    assert problems(required=None, usable=None) == {}  # blank usable: everything present works
    over = problems(usable=13)["usable"]
    assert over.startswith("«Máy chiếu hoặc màn hình trình chiếu trong lớp học» — Số lượng dùng được: 13 lớn hơn")
    assert "(12)" in over
    assert "hãy ghi số lượng hiện có (0 nếu chưa có)" in problems(available=None)["available"]
    assert "nằm ngoài khoảng 0–100.000" in problems(available=100_001)["available"]
    assert "required" in problems(required=-1)
    short = problems(usable=10)["meets_standard"]
    assert "— Đạt yêu cầu: chỉ có 10 dùng được trong khi cần 12" in short
    assert problems(usable=10, meets_standard=False) == {}
    assert "chưa có thiết bị nào dùng được" in problems(available=0, usable=0, required=None)["meets_standard"]


# --- the checklist page ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_checklist_lists_every_active_item_filled_or_not(cast: Cast) -> None:
    make_check(cast.school_a1, "TRINHCHIEU", note="Thiếu 2 máy ở điểm lẻ", meets_standard=False, usable=8)
    retired = item("BANGTT")
    retired.is_active = False
    retired.save()
    page = signed_in(cast.school_a1_admin).get(f"/equipment/{cast.school_a1.pk}/").content.decode()
    active = items_of("thiet_bi")
    for code_item in active:
        assert code_item.name in page
    assert "Bảng tương tác thông minh" not in page
    assert page.count("chưa khai báo") == active.count() - 1
    assert "Thiếu 2 máy ở điểm lẻ" in page and 'name="i' in page and "Lưu cả bảng" in page
    assert f"<strong>0</strong> / {active.count()}" in page  # nothing meets the standard yet
    # A view-only account reads the same checklist without inputs; another school's is not found.
    viewer = signed_in(cast.school_a1_user).get(f"/equipment/{cast.school_a1.pk}/").content.decode()
    assert "Thiếu 2 máy ở điểm lẻ" in viewer and 'name="i' not in viewer and "Lưu cả bảng" not in viewer
    assert signed_in(cast.school_b1_admin).get(f"/equipment/{cast.school_a1.pk}/").status_code == 404
    # The staff office oversees staff, not facilities; a commune is not a school.
    assert signed_in(cast.office_tccb_user).get(f"/equipment/{cast.thpt.pk}/").status_code == 404
    assert signed_in(cast.so_admin).get(f"/equipment/{cast.commune_a.pk}/").status_code == 404


@pytest.mark.django_db
def test_saving_the_grid_creates_and_updates_changed_lines_only_audited(cast: Cast) -> None:
    unchanged = make_check(cast.school_a1, "INTERNET", required=1, available=1, usable=1)
    edited = make_check(cast.school_a1, "TRINHCHIEU", required=12, available=12, usable=12)
    client = signed_in(cast.school_a1_admin)
    data = grid_data(
        cast.school_a1,
        TRINHCHIEU={"usable": 10, "meets_standard": False, "note": "  Hỏng   2 máy "},
        MT_HS={"required": 35, "available": 30},  # usable left blank: all 30 work
        PCCC={"available": 8, "meets_standard": True},
    )
    response = client.post(checklist_url(cast.school_a1), data)
    assert response.status_code == 302 and response["Location"] == checklist_url(cast.school_a1)
    computers = EquipmentCheck.objects.get(unit=cast.school_a1, item__code="MT_HS")
    assert (computers.required, computers.available, computers.usable, computers.meets_standard) == (35, 30, 30, False)
    assert computers.updated_by == cast.school_a1_admin and computers.version == 1
    edited.refresh_from_db()
    assert edited.version == 2 and edited.usable == 10 and edited.note == "Hỏng 2 máy" and not edited.meets_standard
    unchanged.refresh_from_db()
    assert unchanged.version == 1
    assert AuditEntry.objects.filter(action="equipmentcheck.create").count() == 2
    update = AuditEntry.objects.get(action="equipmentcheck.update")
    assert update.object_id == str(edited.pk) and update.changes["usable"] == [12, 10]
    assert update.unit_id == cast.school_a1.pk
    assert EquipmentCheck.objects.filter(unit=cast.school_a1).count() == 4  # blank lines stay unfilled
    page = client.get(response["Location"]).content.decode()
    assert "Đã lưu danh mục thiết bị" in page and "2 dòng mới, 1 dòng sửa" in page


@pytest.mark.django_db
def test_one_bad_line_refuses_the_whole_grid(cast: Cast) -> None:
    make_check(cast.school_a1, "TRINHCHIEU", required=12, available=12, usable=12)
    before = list(EquipmentCheck.objects.values_list("pk", "version", "usable"))
    client = signed_in(cast.school_a1_admin)
    data = grid_data(
        cast.school_a1,
        TRINHCHIEU={"usable": 11, "meets_standard": False},  # a good change
        MT_HS={"available": 30, "usable": 31},  # a bad line
        PCCC={"available": "mười"},  # not a number
        GDTC={"note": "Có sân tập"},  # a note without the count
    )
    response = client.post(checklist_url(cast.school_a1), data)
    text = response.content.decode()
    assert response.status_code == 400
    assert "Chưa lưu được — không dòng nào được ghi" in text
    assert "«Máy tính cho học sinh học Tin học» — Số lượng dùng được: 31 lớn hơn số lượng hiện có (30)" in text
    assert "«Thiết bị phòng cháy, chữa cháy» — Số lượng hiện có: hãy ghi một số nguyên" in text
    assert "«Dụng cụ Giáo dục thể chất» — Số lượng hiện có: hãy ghi số lượng hiện có" in text
    assert 'value="mười"' in text  # what was typed is kept for correction
    assert list(EquipmentCheck.objects.values_list("pk", "version", "usable")) == before
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_a_stale_line_refuses_the_whole_grid(cast: Cast) -> None:
    projectors = make_check(cast.school_a1, "TRINHCHIEU", required=12, available=12, usable=12)
    client = signed_in(cast.school_a1_admin)
    data = grid_data(cast.school_a1, TRINHCHIEU={"usable": 11, "meets_standard": False}, INTERNET={"available": 1})
    # Someone else saves the projectors line after the page was loaded.
    other = signed_in(cast.commune_a_admin)
    assert (
        other.post(checklist_url(cast.school_a1), grid_data(cast.school_a1, TRINHCHIEU={"required": 14})).status_code
        == 400
    )
    assert (
        other.post(
            checklist_url(cast.school_a1),
            grid_data(cast.school_a1, TRINHCHIEU={"required": 14, "meets_standard": False}),
        ).status_code
        == 302
    )
    response = client.post(checklist_url(cast.school_a1), data)
    text = response.content.decode()
    assert response.status_code == 400
    assert (
        "«Máy chiếu hoặc màn hình trình chiếu trong lớp học»: dòng này đã được" in text
        and "sau khi bạn mở trang" in text
    )
    projectors.refresh_from_db()
    assert projectors.version == 2 and projectors.usable == 12 and projectors.required == 14
    assert not EquipmentCheck.objects.filter(item__code="INTERNET").exists()  # the good new line was not written either
    # A line someone added after the page was loaded (the page had no version for it) is stale as well.
    make_check(cast.school_a1, "YTE", required=1, available=1, usable=1)
    clash = client.post(checklist_url(cast.school_a1), {**grid_data(cast.school_a1), f"i{item('YTE').pk}-version": ""})
    assert (
        clash.status_code == 400
        and "«Tủ thuốc và thiết bị y tế trường học»: dòng này đã được" in clash.content.decode()
    )


@pytest.mark.django_db
def test_the_grid_needs_the_right_to_enter_facilities(cast: Cast) -> None:
    data = grid_data(cast.school_a1, INTERNET={"available": 1})
    for account in (cast.school_a1_user, cast.school_b1_admin, cast.office_th_user):
        assert signed_in(account).post(checklist_url(cast.school_a1), data).status_code == 404
    assert not EquipmentCheck.objects.exists() and not AuditEntry.objects.exists()
    assert signed_in(cast.commune_a_admin).post(checklist_url(cast.school_a1), data).status_code == 302


@pytest.mark.django_db
def test_save_checklist_service_refuses_out_of_scope_and_rolls_back(cast: Cast) -> None:
    year = current_year()
    rows = [equipment.Row(item=item("INTERNET"), available=1), equipment.Row(item=item("YTE"), available=1, usable=2)]
    with pytest.raises(equipment.ChecklistRefused) as refused:
        equipment.save_checklist(unit=cast.school_a1, school_year=year, rows=rows, by=cast.school_a1_admin)
    assert len(refused.value.problems) == 1 and "«Tủ thuốc" in refused.value.problems[0]
    assert not EquipmentCheck.objects.exists()
    with pytest.raises(PermissionDenied):
        equipment.save_checklist(unit=cast.school_a1, school_year=year, rows=rows[:1], by=cast.school_b1_admin)
    result = equipment.save_checklist(unit=cast.school_a1, school_year=year, rows=rows[:1], by=cast.school_a1_admin)
    assert (result.created, result.updated) == (1, 0)


@pytest.mark.django_db
def test_other_school_years_have_their_own_checklist(cast: Cast) -> None:
    last = SchoolYear.objects.filter(is_current=False).order_by("-start_year").first()
    assert last is not None
    make_check(cast.school_a1, "INTERNET", year=last, note="Năm học trước")
    client = signed_in(cast.school_a1_admin)
    assert "Năm học trước" in client.get(checklist_url(cast.school_a1, last)).content.decode()
    assert "Năm học trước" not in client.get(checklist_url(cast.school_a1)).content.decode()
    assert "Năm học trước" not in client.get(f"/equipment/{cast.school_a1.pk}/?school_year=abc").content.decode()


@pytest.mark.django_db
def test_markup_in_a_note_is_shown_escaped(cast: Cast) -> None:
    client = signed_in(cast.school_a1_admin)
    data = grid_data(cast.school_a1, INTERNET={"available": 1, "note": "<script>alert(1)</script>"})
    assert client.post(checklist_url(cast.school_a1), data).status_code == 302
    assert EquipmentCheck.objects.get().note == "<script>alert(1)</script>"
    for account in (cast.school_a1_admin, cast.school_a1_user):
        page = signed_in(account).get(checklist_url(cast.school_a1)).content.decode()
        assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    school = UnitFactory.create(name="<script>alert(2)</script>", parent=cast.commune_a)
    listing = signed_in(cast.commune_a_admin).get("/equipment/").content.decode()
    assert "<script>alert(2)" not in listing and "&lt;script&gt;alert(2)&lt;/script&gt;" in listing
    assert school.pk


# --- the managers' list ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_managers_list_counts_items_met_and_filled_per_school_in_scope(cast: Cast) -> None:
    items = items_of("thiet_bi").count()
    for code_item in items_of("thiet_bi"):
        make_check(cast.school_a1, code_item.code)  # every item, every one met
    make_check(cast.school_a2, "INTERNET")
    make_check(cast.school_a2, "TRINHCHIEU", usable=5, meets_standard=False)
    make_check(cast.school_b1, "INTERNET")
    client = signed_in(cast.commune_a_admin)
    page = client.get("/equipment/").content.decode()
    assert "Trường Tiểu học Lê Văn Tám" in page and "Trường THCS Chu Văn An" in page
    assert "Trường Tiểu học An Lão" not in page
    assert f"{items} / {items}" in page and f"2 / {items}" in page and "Đạt mọi mục" in page

    def schools(**params: Any) -> set[str]:
        text = signed_in(cast.so_admin).get("/equipment/", params).content.decode()
        names = {
            "a1": "Trường Tiểu học Lê Văn Tám",
            "a2": "Trường THCS Chu Văn An",
            "b1": "Trường Tiểu học An Lão",
            "b2": "Trường Mầm non Hoa Sen",
            "thpt": "Trường THPT Ngô Quyền",
        }
        return {key for key, name in names.items() if name in text}

    assert schools() == {"a1", "a2", "b1", "b2", "thpt"}
    assert schools(status="none") == {"b2", "thpt"}
    assert schools(status="incomplete") == {"a2", "b1"}
    assert schools(status="unmet") == {"a2"}
    assert schools(status="met") == {"a1"}
    assert schools(q="chu van") == {"a2"}
    last = SchoolYear.objects.filter(is_current=False).order_by("-start_year").first()
    assert last is not None
    assert schools(school_year=last.pk, status="none") == {"a1", "a2", "b1", "b2", "thpt"}
    assert "Không có trường phù hợp" in signed_in(cast.office_tccb_user).get("/equipment/").content.decode()
    partial = client.get("/equipment/", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="equipment-results").content
    assert b"<html" not in partial and "Chu Văn An" in partial.decode()


# --- the API ------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_api_writes_lines_with_the_same_rules(cast: Cast) -> None:
    year = current_year()
    api = api_client(cast.school_a1_admin)
    body = {"unit": cast.school_a1.pk, "school_year": year.pk, "item": "MT_HS", "required": 35, "available": 30}
    first = api.post("/api/v1/equipment-checks/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="tb-1")
    again = api.post("/api/v1/equipment-checks/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="tb-1")
    assert first.status_code == 201 and again.json() == first.json() and EquipmentCheck.objects.count() == 1
    assert first.json()["usable"] == 30 and first.json()["item_name"] == "Máy tính cho học sinh học Tin học"
    duplicate = api.post("/api/v1/equipment-checks/", body, content_type="application/json")
    assert duplicate.status_code == 400 and "đã có dòng của mục này" in duplicate.json()["item"][0]
    bad = api.post("/api/v1/equipment-checks/", {**body, "item": "YTE", "usable": 31}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["usable"][0].startswith("«Tủ thuốc và thiết bị y tế trường học»")
    met = api.post(
        "/api/v1/equipment-checks/", {**body, "item": "PCCC", "meets_standard": True}, content_type="application/json"
    )
    assert met.status_code == 400 and "chỉ có 30 dùng được trong khi cần 35" in met.json()["meets_standard"][0]
    for account in (cast.school_a1_user, cast.school_b1_admin, cast.office_tccb_user):
        refused = api_client(account).post(
            "/api/v1/equipment-checks/", {**body, "item": "YTE"}, content_type="application/json"
        )
        assert refused.status_code in (400, 403) and EquipmentCheck.objects.count() == 1
    url = f"/api/v1/equipment-checks/{first.json()['id']}/"
    assert api.patch(url, {"available": 35}, content_type="application/json").status_code == 428
    over = api.patch(url, {"usable": 40}, content_type="application/json", HTTP_IF_MATCH='"1"')
    assert over.status_code == 400 and "usable" in over.json()
    ok = api.patch(
        url,
        {"available": 35, "usable": 35, "meets_standard": True},
        content_type="application/json",
        HTTP_IF_MATCH='"1"',
    )
    assert ok.status_code == 200 and ok["ETag"] == '"2"'
    assert api.patch(url, {"note": "x"}, content_type="application/json", HTTP_IF_MATCH='"1"').status_code == 412
    moved = api.patch(url, {"item": "YTE"}, content_type="application/json", HTTP_IF_MATCH='"2"')
    assert moved.status_code == 400 and "item" in moved.json()


@pytest.mark.django_db
def test_api_list_is_scoped_and_filtered(cast: Cast) -> None:
    make_check(cast.school_a1, "INTERNET")
    make_check(cast.school_a1, "TRINHCHIEU", usable=5, meets_standard=False)
    make_check(cast.school_b1, "INTERNET")

    def count(client: Client, query: str = "") -> int:
        response = client.get(f"/api/v1/equipment-checks/{query}")
        assert response.status_code == 200
        return int(response.json()["count"])

    so = api_client(cast.so_admin)
    assert count(so) == 3
    assert count(so, "?item=INTERNET") == 2
    assert count(so, f"?unit={cast.school_a1.pk}&meets_standard=false") == 1
    assert count(so, f"?school_year={current_year().pk}") == 3
    assert count(api_client(cast.school_a1_user)) == 2
    assert count(api_client(cast.office_tccb_user)) == 0
    assert count(api_client(cast.office_th_user)) == 3  # both primary schools


# --- demo data ----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_demo_checklists_are_realistic(cast: Cast) -> None:
    year = current_year()
    schools = [cast.school_a1, cast.school_a2, cast.school_b2, cast.thpt, cast.commune_a]
    lines = build_equipment(schools, year=year, rng=random.Random(3))
    assert lines == EquipmentCheck.objects.count() and lines > 40
    assert not EquipmentCheck.objects.filter(unit=cast.commune_a).exists()  # a commune has no checklist
    preschool = set(EquipmentCheck.objects.filter(unit=cast.school_b2).values_list("item__code", flat=True))
    assert {"MN_DDDC", "MN_NGOAITROI"} <= preschool and "MT_HS" not in preschool and "TN_KHTN" not in preschool
    primary = set(EquipmentCheck.objects.filter(unit=cast.school_a1).values_list("item__code", flat=True))
    assert "MT_HS" in primary and "MN_DDDC" not in primary and "TN_KHTN" not in primary
    assert "TN_KHTN" in set(EquipmentCheck.objects.filter(unit=cast.thpt).values_list("item__code", flat=True))
    met = EquipmentCheck.objects.filter(meets_standard=True).count()
    assert 0.6 * lines <= met < lines
    for check in EquipmentCheck.objects.select_related("item"):
        problems = equipment.row_problems(
            item=check.item,
            required=check.required,
            available=check.available,
            usable=check.usable,
            meets_standard=check.meets_standard,
        )
        assert problems == {}, problems
        assert check.meets_standard == (check.required is None or check.usable >= check.required)


# --- query counts ------------------------------------------------------------------------------------------------


def grow(cast: Cast, n: int) -> list[Any]:
    """Add n primary schools under commune A, each with a few checklist lines."""
    made = []
    for i in range(n):
        school = UnitFactory.create(name=f"Trường Tiểu học Thêm TB {i}", parent=cast.commune_a)
        for code in ("INTERNET", "TRINHCHIEU", "PCCC"):
            make_check(school, code, meets_standard=code != "PCCC", usable=10 if code != "PCCC" else 3)
        made.append(school)
    return made


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/equipment/", "/equipment/?status=unmet&q=truong", "/api/v1/equipment-checks/", "checklist"]
)
def test_equipment_pages_do_not_grow_queries_with_rows(cast: Cast, url: str) -> None:
    client = Client()
    client.force_login(cast.so_admin)
    client.get("/")
    first = grow(cast, 2)[0]
    target = f"/equipment/{first.pk}/" if url == "checklist" else url
    small = count_queries(client, target)
    grow(cast, 25)
    for code_item in items_of("thiet_bi").exclude(code__in=("INTERNET", "TRINHCHIEU", "PCCC")):
        make_check(first, code_item.code)  # the checklist page: every line filled
    large = count_queries(client, target)
    assert large == small, f"{target}: {small} queries with few rows, {large} with many"
