"""Staff awards, discipline and training: the rules, the pages, the unit-wide lists, the API and the demo data."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import Cast
from edudb.core.demo.staff_records import build_staff_records
from edudb.core.models import AuditEntry
from edudb.core.tests.clients import api_client, signed_in
from edudb.quality.models import CodeItem, items_of
from edudb.registry import staff_records
from edudb.registry.models import StaffAward, StaffDiscipline, StaffMember, StaffTraining
from edudb.reporting.models import SchoolYear

TODAY = dt.date(2026, 11, 20)


def item(list_code: str, code: str) -> CodeItem:
    return items_of(list_code).get(code=code)


def make_staff(unit: Any, **fields: Any) -> StaffMember:
    values: dict[str, Any] = {
        "full_name": "Nguyễn Thị Hoà",
        "birth_date": dt.date(1985, 4, 12),
        "gender": item("gioi_tinh", "2"),
        "staff_type": item("loai_can_bo", "2"),
        "subjects": "Toán",
        "work_status": item("trang_thai_can_bo", "01"),
        **fields,
    }
    return StaffMember.objects.create(unit=unit, **values)


def make_award(staff: StaffMember, **fields: Any) -> StaffAward:
    values: dict[str, Any] = {
        "title": item("danh_hieu_thi_dua", "LDTT"),
        "year": 2024,
        "decision_number": "12/QĐ-KT",
        "decision_date": dt.date(2025, 6, 20),
        **fields,
    }
    return StaffAward.objects.create(staff=staff, **values)


def make_training(staff: StaffMember, **fields: Any) -> StaffTraining:
    values: dict[str, Any] = {
        "kind": item("loai_boi_duong", "BDTX"),
        "title": "Bồi dưỡng thường xuyên năm học 2024–2025",
        "starts_on": dt.date(2024, 10, 1),
        "ends_on": dt.date(2025, 5, 31),
        "hours": 120,
        **fields,
    }
    return StaffTraining.objects.create(staff=staff, **values)


def make_discipline(staff: StaffMember, **fields: Any) -> StaffDiscipline:
    values: dict[str, Any] = {
        "form": item("hinh_thuc_ky_luat", "01"),
        "reason": "Vi phạm quy chế chuyên môn",
        "decision_number": "7/QĐ-KL",
        "decision_date": dt.date(2025, 3, 3),
        **fields,
    }
    return StaffDiscipline.objects.create(staff=staff, **values)


# --- the rules ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_award_rules_name_the_field_and_the_fix(cast: Cast) -> None:
    staff = make_staff(cast.school_a1, birth_date=dt.date(2000, 5, 10))  # 18 on 10/05/2018
    ldtt = item("danh_hieu_thi_dua", "LDTT")
    admin = cast.school_a1_admin

    def problems(**kwargs: Any) -> dict[str, str]:
        values = {"staff": staff, "title": ldtt, "year": 2024, "decision_date": dt.date(2025, 6, 1), **kwargs}
        return staff_records.award_problems(admin, today=TODAY, **values)

    assert problems() == {}
    assert problems(year=2027, decision_date=None) == {}  # next year is the latest accepted
    too_late = problems(year=2028)["year"]
    assert too_late.startswith("Năm học / năm: 2028 nằm ngoài khoảng 1975–2027") and "ví dụ 2025" in too_late
    assert "1974 nằm ngoài khoảng" in problems(year=1974, decision_date=None)["year"]
    assert "chưa đủ 18 tuổi" in problems(year=2017, decision_date=None)["year"]
    future = problems(decision_date=dt.date(2026, 11, 21))["decision_date"]
    assert future.startswith("Ngày quyết định: ngày 21/11/2026 ở tương lai (hôm nay là 20/11/2026)")
    minor = problems(year=2018, decision_date=dt.date(2018, 5, 9))["decision_date"]
    assert "trước khi Nguyễn Thị Hoà đủ 18 tuổi (từ 10/05/2018)" in minor
    assert "không thể ký trước năm đó" in problems(decision_date=dt.date(2023, 12, 1))["decision_date"]
    # One title once a year per person; editing the row itself is not a duplicate.
    existing = make_award(staff, year=2024)
    assert "đã có «Lao động tiên tiến» năm 2024" in problems()["title"]
    assert problems(instance_pk=existing.pk) == {}
    assert problems(title=item("danh_hieu_thi_dua", "CSTDCS")) == {}


@pytest.mark.django_db
def test_discipline_and_training_rules(cast: Cast) -> None:
    staff = make_staff(cast.school_a1, birth_date=dt.date(2000, 5, 10))

    def discipline(**kwargs: Any) -> dict[str, str]:
        values = {"staff": staff, "decision_date": dt.date(2025, 3, 1), "effective_until": None, **kwargs}
        return staff_records.discipline_problems(today=TODAY, **values)

    assert discipline() == {} and discipline(effective_until=dt.date(2026, 3, 1)) == {}
    same_day = discipline(effective_until=dt.date(2025, 3, 1))["effective_until"]
    assert same_day.startswith("Hết hiệu lực ngày: phải sau ngày quyết định (01/03/2025)")
    assert "ở tương lai" in discipline(decision_date=dt.date(2027, 1, 1))["decision_date"]
    assert "đủ 18 tuổi" in discipline(decision_date=dt.date(2017, 1, 1))["decision_date"]

    def training(**kwargs: Any) -> dict[str, str]:
        values = {"staff": staff, "starts_on": dt.date(2025, 10, 1), "ends_on": dt.date(2026, 5, 31), "hours": 120}
        return staff_records.training_problems(today=TODAY, **{**values, **kwargs})

    assert training() == {} and training(ends_on=None, hours=None) == {}
    assert training(starts_on=dt.date(2027, 9, 1), ends_on=None) == {}  # next year's plan may be entered
    assert "còn hơn một năm nữa" in training(starts_on=dt.date(2028, 1, 1), ends_on=None)["starts_on"]
    backwards = training(ends_on=dt.date(2025, 9, 30))["ends_on"]
    assert backwards.startswith("Đến ngày: 30/09/2025 là trước ngày bắt đầu (01/10/2025)")
    assert training(ends_on=dt.date(2025, 10, 1)) == {}  # a one-day course
    assert "Số tiết: 0 nằm ngoài khoảng 1–3000" in training(hours=0)["hours"]
    assert "hours" in training(hours=3001)
    assert "đủ 18 tuổi" in training(starts_on=dt.date(2016, 1, 1), ends_on=None)["starts_on"]


@pytest.mark.django_db
def test_the_staff_member_must_be_writable(cast: Cast) -> None:
    staff = make_staff(cast.school_a1)
    assert staff_records.staff_problem(cast.school_a1_admin, staff) is None
    assert staff_records.staff_problem(cast.commune_a_admin, staff) is None
    for reader in (cast.school_a1_user, cast.school_b1_admin, cast.office_tccb_user):  # view only / elsewhere
        assert (staff_records.staff_problem(reader, staff) or "").startswith("Cán bộ: bạn không được nhập")


# --- the per-staff page -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_per_staff_page_lists_the_three_kinds_with_actions_for_writers_only(cast: Cast) -> None:
    staff = make_staff(cast.school_a1)
    make_award(staff)
    make_discipline(staff)
    make_training(staff)
    other = make_staff(cast.school_a1, full_name="Trần Văn Khác")
    make_award(other, title=item("danh_hieu_thi_dua", "GK"))
    url = reverse("registry:staff_records", kwargs={"pk": staff.pk})
    page = signed_in(cast.school_a1_admin).get(url).content.decode()
    assert "Khen thưởng, kỷ luật, đào tạo bồi dưỡng" in page
    assert "Lao động tiên tiến" in page and "Khiển trách" in page and "Bồi dưỡng thường xuyên năm học" in page
    assert "Giấy khen" not in page  # another person's award
    assert reverse("registry:staff_award_create", kwargs={"pk": staff.pk}) in page
    viewer = signed_in(cast.school_a1_user).get(url).content.decode()
    assert "Lao động tiên tiến" in viewer and "/awards/new/" not in viewer and "/delete/" not in viewer
    assert signed_in(cast.school_b1_admin).get(url).status_code == 404


@pytest.mark.django_db
def test_adding_an_award_through_the_page_is_audited_and_returns_to_the_staff_page(cast: Cast) -> None:
    staff = make_staff(cast.school_a1)
    client = signed_in(cast.school_a1_admin)
    url = reverse("registry:staff_award_create", kwargs={"pk": staff.pk})
    form = client.get(url).content.decode()
    assert "Nguyễn Thị Hoà" in form and "Lao động tiên tiến" in form
    data = {
        "title": item("danh_hieu_thi_dua", "CSTDCS").pk,
        "year": "2024",
        "decision_number": " 15/QĐ-UBND ",
        "decision_date": "2025-07-02",
        "issued_by": "Chủ tịch  UBND Phường Hồng Bàng",
    }
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"] == f"/staff/{staff.pk}/records/"
    award = StaffAward.objects.get()
    assert award.staff == staff and award.decision_number == "15/QĐ-UBND" and award.updated_by == cast.school_a1_admin
    assert award.issued_by == "Chủ tịch UBND Phường Hồng Bàng"
    entry = AuditEntry.objects.get(action="staffaward.create")
    assert entry.unit_id == cast.school_a1.pk and entry.changes["year"] == [None, 2024]
    # The same title in the same year again: refused on the title field, nothing written.
    again = client.post(url, data)
    assert again.status_code == 200 and "đã có «Chiến sĩ thi đua cơ sở» năm 2024" in again.content.decode()
    assert StaffAward.objects.count() == 1


@pytest.mark.django_db
def test_bad_input_is_refused_with_the_field_named_and_nothing_written(cast: Cast) -> None:
    staff = make_staff(cast.school_a1)
    client = signed_in(cast.school_a1_admin)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    award = client.post(
        reverse("registry:staff_award_create", kwargs={"pk": staff.pk}),
        {"title": item("danh_hieu_thi_dua", "LDTT").pk, "year": "1970", "decision_date": tomorrow.isoformat()},
    ).content.decode()
    assert "Năm học / năm: 1970 nằm ngoài khoảng" in award and "Ngày quyết định: ngày" in award
    discipline = client.post(
        reverse("registry:staff_discipline_create", kwargs={"pk": staff.pk}),
        {
            "form": item("hinh_thuc_ky_luat", "02").pk,
            "reason": "Vi phạm",
            "decision_number": "3/QĐ",
            "decision_date": "2025-05-05",
            "effective_until": "2025-05-01",
        },
    ).content.decode()
    assert "Hết hiệu lực ngày: phải sau ngày quyết định (05/05/2025)" in discipline
    training = client.post(
        reverse("registry:staff_training_create", kwargs={"pk": staff.pk}),
        {
            "kind": item("loai_boi_duong", "BDTX").pk,
            "title": "BDTX",
            "starts_on": "2025-10-01",
            "ends_on": "2025-09-01",
            "hours": "abc",
        },
    ).content.decode()
    assert "Đến ngày: 01/09/2025 là trước ngày bắt đầu" in training and "Số tiết: hãy ghi một số nguyên" in training
    assert not StaffAward.objects.exists() and not StaffDiscipline.objects.exists()
    assert not StaffTraining.objects.exists() and not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_pages_are_404_without_the_right_to_enter_that_staff(cast: Cast) -> None:
    staff = make_staff(cast.school_a1)
    award = make_award(staff)
    data = {"title": item("danh_hieu_thi_dua", "GK").pk, "year": "2024"}
    for account in (cast.school_a1_user, cast.school_b1_admin):
        client = signed_in(account)
        assert client.get(reverse("registry:staff_award_create", kwargs={"pk": staff.pk})).status_code == 404
        assert client.post(reverse("registry:staff_award_create", kwargs={"pk": staff.pk}), data).status_code == 404
        assert client.get(reverse("registry:staff_award_edit", kwargs={"pk": award.pk})).status_code == 404
        assert (
            client.post(reverse("registry:staff_award_delete", kwargs={"pk": award.pk}), {"version": 1}).status_code
            == 404
        )
    assert StaffAward.objects.count() == 1 and not AuditEntry.objects.exists()
    # The commune above the school enters its staff's records.
    commune = signed_in(cast.commune_a_admin)
    assert commune.post(reverse("registry:staff_award_create", kwargs={"pk": staff.pk}), data).status_code == 302


@pytest.mark.django_db
def test_editing_shows_the_history_and_refuses_a_stale_version(cast: Cast) -> None:
    staff = make_staff(cast.school_a1)
    training = make_training(staff)
    client = signed_in(cast.school_a1_admin)
    url = reverse("registry:staff_training_edit", kwargs={"pk": training.pk})
    data = {
        "kind": training.kind_id,
        "title": "Bồi dưỡng thường xuyên 2024–2025 (mô-đun 1–4)",
        "provider": "Sở GD&ĐT",
        "starts_on": "2024-10-01",
        "ends_on": "2025-05-31",
        "hours": "120",
        "version": "1",
    }
    assert client.post(url, data).status_code == 302
    training.refresh_from_db()
    assert training.version == 2 and training.provider == "Sở GD&ĐT"
    page = client.get(url).content.decode()
    assert "Lịch sử thay đổi" in page and "mô-đun 1–4" in page
    stale = client.post(url, {**data, "hours": "90"})  # still version 1
    assert stale.status_code == 200 and "sau khi bạn mở nó" in stale.content.decode()
    training.refresh_from_db()
    assert training.hours == 120 and training.version == 2


@pytest.mark.django_db
def test_delete_asks_first_is_audited_with_the_values_and_refuses_a_stale_version(cast: Cast) -> None:
    staff = make_staff(cast.school_a1)
    discipline = make_discipline(staff)
    client = signed_in(cast.school_a1_admin)
    url = reverse("registry:staff_discipline_delete", kwargs={"pk": discipline.pk})
    confirm = client.get(url)
    assert confirm.status_code == 200 and "Bạn có chắc muốn xóa" in confirm.content.decode()
    assert StaffDiscipline.objects.exists()  # asking deletes nothing
    StaffDiscipline.objects.filter(pk=discipline.pk).update(version=2)  # someone edited it meanwhile
    stale = client.post(url, {"version": "1"})
    assert stale.status_code == 409 and "sau khi bạn mở nó" in stale.content.decode()
    assert StaffDiscipline.objects.exists() and not AuditEntry.objects.filter(action__endswith=".delete").exists()
    assert client.post(url, {"version": "abc"}).status_code == 409
    done = client.post(url, {"version": "2"})
    assert done.status_code == 302 and done["Location"] == f"/staff/{staff.pk}/records/"
    assert not StaffDiscipline.objects.exists()
    entry = AuditEntry.objects.get(action="staffdiscipline.delete")
    assert entry.actor_id == cast.school_a1_admin.pk and entry.unit_id == cast.school_a1.pk
    assert entry.object_id == str(discipline.pk) and entry.changes["reason"] == ["Vi phạm quy chế chuyên môn", None]
    assert entry.extra["staff"] == staff.pk
    assert client.post(url, {"version": "2"}).status_code == 404


@pytest.mark.django_db
def test_markup_in_names_and_titles_is_shown_escaped(cast: Cast) -> None:
    staff = make_staff(cast.school_a1, full_name="<script>alert(1)</script>")
    make_training(staff, title="<script>alert(2)</script>", provider="<b>Sở</b>")
    make_award(staff, issued_by="<script>alert(3)</script>")
    client = signed_in(cast.school_a1_admin)
    for url in (
        reverse("registry:staff_records", kwargs={"pk": staff.pk}),
        reverse("registry:staff_training_list"),
        reverse("registry:staff_award_list"),
    ):
        page = client.get(url).content.decode()
        assert "<script>alert" not in page and "<b>Sở" not in page, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page, url


# --- the unit-wide lists ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_award_list_filters_by_year_title_unit_and_name_within_scope(cast: Cast) -> None:
    hoa = make_staff(cast.school_a1, full_name="Nguyễn Thị Hoà")
    binh = make_staff(cast.school_a2, full_name="Trần Văn Bình")
    lan = make_staff(cast.school_b1, full_name="Lê Thị Lan")
    make_award(hoa, year=2024)
    make_award(binh, year=2023, title=item("danh_hieu_thi_dua", "CSTDCS"), decision_date=dt.date(2024, 7, 1))
    make_award(lan, year=2024, title=item("danh_hieu_thi_dua", "GK"))
    url = reverse("registry:staff_award_list")
    client = signed_in(cast.so_admin)

    def names(account_client: Any = client, **params: Any) -> set[str]:
        page = account_client.get(url, params).content.decode()
        return {name for name in ("Nguyễn Thị Hoà", "Trần Văn Bình", "Lê Thị Lan") if name in page}

    assert names() == {"Nguyễn Thị Hoà", "Trần Văn Bình", "Lê Thị Lan"}
    assert names(year=2024) == {"Nguyễn Thị Hoà", "Lê Thị Lan"}
    assert names(title=item("danh_hieu_thi_dua", "CSTDCS").pk) == {"Trần Văn Bình"}
    assert names(year=2024, title=item("danh_hieu_thi_dua", "GK").pk) == {"Lê Thị Lan"}
    assert names(unit=cast.commune_a.pk) == {"Nguyễn Thị Hoà", "Trần Văn Bình"}
    assert names(q="tran van") == {"Trần Văn Bình"}
    assert names(signed_in(cast.commune_b_admin)) == {"Lê Thị Lan"}
    # A unit out of scope is not a choice: the filter is refused and shows nothing of it.
    scoped = signed_in(cast.school_a1_user).get(url, {"unit": cast.school_b1.pk}).content.decode()
    assert "Lê Thị Lan" not in scoped and "Trường Tiểu học An Lão" not in scoped
    partial = client.get(url, {"year": 2024}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="award-results").content
    assert b"<html" not in partial and "Lê Thị Lan" in partial.decode()


@pytest.mark.django_db
def test_training_list_filters_by_kind_and_year(cast: Cast) -> None:
    hoa = make_staff(cast.school_a1, full_name="Nguyễn Thị Hoà")
    binh = make_staff(cast.school_a2, full_name="Trần Văn Bình")
    make_training(hoa, starts_on=dt.date(2024, 10, 1))
    make_training(binh, kind=item("loai_boi_duong", "TH"), title="Tin học văn phòng", starts_on=dt.date(2025, 3, 1))
    url = reverse("registry:staff_training_list")
    client = signed_in(cast.commune_a_admin)

    def names(**params: Any) -> set[str]:
        page = client.get(url, params).content.decode()
        return {name for name in ("Nguyễn Thị Hoà", "Trần Văn Bình") if name in page}

    assert names() == {"Nguyễn Thị Hoà", "Trần Văn Bình"}
    assert names(kind=item("loai_boi_duong", "TH").pk) == {"Trần Văn Bình"}
    assert names(year=2024) == {"Nguyễn Thị Hoà"}
    assert names(year=2025, kind=item("loai_boi_duong", "BDTX").pk) == set()
    assert "Năm: hãy ghi năm" in client.get(url, {"year": "abc"}).content.decode()


# --- the API ------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_api_creates_awards_idempotently_and_checks_the_same_rules(cast: Cast) -> None:
    staff = make_staff(cast.school_a1)
    api = api_client(cast.school_a1_admin)
    body = {
        "staff": staff.pk,
        "title": "LDTT",
        "year": 2024,
        "decision_date": "2025-06-30",
        "issued_by": " Hiệu  trưởng ",
    }
    first = api.post("/api/v1/staff-awards/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="kt-1")
    again = api.post("/api/v1/staff-awards/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="kt-1")
    assert first.status_code == 201 and again.status_code == 201 and first.json() == again.json()
    assert StaffAward.objects.count() == 1 and first["ETag"] == '"1"'
    data = first.json()
    assert data["title"] == "LDTT" and data["title_name"] == "Lao động tiên tiến" and data["unit"] == cast.school_a1.pk
    assert data["issued_by"] == "Hiệu trưởng"  # text stored as on the pages
    duplicate = api.post("/api/v1/staff-awards/", body, content_type="application/json")
    assert duplicate.status_code == 400 and "đã có «Lao động tiên tiến»" in duplicate.json()["title"][0]
    bad = api.post(
        "/api/v1/staff-awards/", {**body, "year": 2030, "title": "GK"}, content_type="application/json"
    ).json()
    assert bad["year"][0].startswith("Năm học / năm: 2030 nằm ngoài khoảng")
    # A staff member the caller may only see, or not see at all, is not a choice.
    for account in (cast.school_a1_user, cast.school_b1_admin):
        refused = api_client(account).post(
            "/api/v1/staff-awards/", {**body, "title": "GK"}, content_type="application/json"
        )
        assert refused.status_code == 400 and "staff" in refused.json()
    assert StaffAward.objects.count() == 1


@pytest.mark.django_db
def test_api_edits_and_deletes_need_if_match(cast: Cast) -> None:
    staff = make_staff(cast.school_a1)
    training = make_training(staff)
    api = api_client(cast.school_a1_admin)
    url = f"/api/v1/staff-trainings/{training.pk}/"
    read = api.get(url)
    assert read.status_code == 200 and read["ETag"] == '"1"' and read.json()["kind"] == "BDTX"
    assert api.patch(url, {"hours": 90}, content_type="application/json").status_code == 428
    backwards = api.patch(url, {"ends_on": "2024-09-01"}, content_type="application/json", HTTP_IF_MATCH='"1"')
    assert backwards.status_code == 400 and backwards.json()["ends_on"][0].startswith("Đến ngày: 01/09/2024")
    ok = api.patch(url, {"hours": 90}, content_type="application/json", HTTP_IF_MATCH='"1"')
    assert ok.status_code == 200 and ok["ETag"] == '"2"'
    stale = api.patch(url, {"hours": 60}, content_type="application/json", HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412
    moved = api.patch(
        url, {"staff": make_staff(cast.school_a1).pk}, content_type="application/json", HTTP_IF_MATCH='"2"'
    )
    assert moved.status_code == 400 and "staff" in moved.json()
    assert api.delete(url).status_code == 428
    assert api.delete(url, HTTP_IF_MATCH='"1"').status_code == 412
    assert api_client(cast.school_a1_user).delete(url, HTTP_IF_MATCH='"2"').status_code == 404  # view only
    assert api.delete(url, HTTP_IF_MATCH='"2"').status_code == 204
    assert not StaffTraining.objects.exists()
    assert AuditEntry.objects.get(action="stafftraining.delete").changes["hours"] == [90, None]


@pytest.mark.django_db
def test_api_lists_are_scoped_and_filtered(cast: Cast) -> None:
    hoa = make_staff(cast.school_a1)
    lan = make_staff(cast.school_b1, full_name="Lê Thị Lan")
    make_award(hoa, year=2024)
    make_award(lan, year=2023, title=item("danh_hieu_thi_dua", "GK"), decision_date=dt.date(2024, 6, 1))
    make_training(hoa)
    make_discipline(lan)
    so = api_client(cast.so_admin)

    def count(url: str, client: Any = so) -> int:
        response = client.get(url)
        assert response.status_code == 200, url
        return int(response.json()["count"])

    assert count("/api/v1/staff-awards/") == 2
    assert count("/api/v1/staff-awards/?year=2024") == 1
    assert count("/api/v1/staff-awards/?title=GK") == 1
    assert count(f"/api/v1/staff-awards/?staff={hoa.pk}") == 1
    assert count(f"/api/v1/staff-awards/?unit={cast.school_b1.pk}") == 1
    assert count("/api/v1/staff-awards/", api_client(cast.school_a1_user)) == 1
    assert count("/api/v1/staff-disciplines/", api_client(cast.school_a1_admin)) == 0
    assert count("/api/v1/staff-disciplines/?year=2025&form=01") == 1
    assert count("/api/v1/staff-trainings/?kind=BDTX&year=2024") == 1
    assert count("/api/v1/staff-trainings/?year=2025") == 0
    assert so.get("/api/v1/staff-trainings/?year=99999").status_code == 400


# --- demo data ----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_demo_records_are_realistic_and_pass_the_rules(cast: Cast) -> None:
    rng = random.Random(7)
    for unit in (cast.school_a1, cast.school_a2):
        for n in range(60):
            manager = n < 3
            make_staff(
                unit,
                full_name=f"Cán Bộ Thử {n}",
                birth_date=dt.date(1970 + n % 30, 1 + n % 12, 1 + n % 28),
                joined_on=dt.date(1992 + n % 30, 9, 1),
                staff_type=item("loai_can_bo", "1" if manager else ("2" if n < 50 else "3")),
            )
    year = SchoolYear.objects.get(is_current=True)
    counts = build_staff_records([cast.school_a1, cast.school_a2], year=year, rng=rng)
    staff_total = StaffMember.objects.count()
    awarded = StaffAward.objects.values("staff").distinct().count()
    assert 0.2 * staff_total <= awarded <= 0.4 * staff_total
    assert counts.awards == StaffAward.objects.count() and counts.trainings == StaffTraining.objects.count()
    titles = list(StaffAward.objects.values_list("title__code", flat=True))
    assert sum(code in ("LDTT", "CSTDCS", "GK") for code in titles) >= 0.85 * len(titles)
    assert {a.year for a in StaffAward.objects.all()} <= set(range(year.start_year - 3, year.start_year))
    teachers = StaffMember.objects.filter(staff_type__code="2")
    trained = teachers.filter(trainings__kind__code="BDTX").distinct().count()
    assert trained >= 0.75 * teachers.count()
    assert StaffDiscipline.objects.count() <= 0.05 * staff_total
    admin = cast.school_a1_admin
    for award in StaffAward.objects.select_related("staff", "title"):
        problems = staff_records.award_problems(
            admin,
            staff=award.staff,
            title=award.title,
            year=award.year,
            decision_date=award.decision_date,
            instance_pk=award.pk,
        )
        assert problems == {}, problems
    for training in StaffTraining.objects.select_related("staff"):
        assert (
            staff_records.training_problems(
                staff=training.staff, starts_on=training.starts_on, ends_on=training.ends_on, hours=training.hours
            )
            == {}
        )
    for discipline in StaffDiscipline.objects.select_related("staff"):
        assert (
            staff_records.discipline_problems(
                staff=discipline.staff,
                decision_date=discipline.decision_date,
                effective_until=discipline.effective_until,
            )
            == {}
        )
