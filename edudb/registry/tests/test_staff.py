"""The staff database: pages and API — scoped, masked, versioned, audited, codes set once and never reused."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from conftest import Cast
from edudb.core.models import AuditEntry
from edudb.core.tests.clients import api_client, signed_in
from edudb.core.tests.factories import AccountFactory
from edudb.quality.models import CodeItem, items_of
from edudb.registry.models import IssuedCode, SchoolClass, StaffMember
from edudb.registry.staffing import check_staff, years_after
from edudb.reporting.models import SchoolYear

PERSONAL_ID = "031085001234"
MASKED = "•••••••••234"


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


def form_data(unit: Any, **overrides: Any) -> dict[str, Any]:
    """What the create form posts for a primary teacher (dates as the date picker sends them)."""
    return {
        "unit": unit.pk,
        "full_name": "  trần   văn  BÌNH ",
        "birth_date": "1990-09-02",
        "gender": item("gioi_tinh", "1").pk,
        "ethnicity": item("dan_toc", "01").pk,
        "personal_id": PERSONAL_ID,
        "staff_type": item("loai_can_bo", "2").pk,
        "position": item("chuc_vu", "GV").pk,
        "contract": item("hinh_thuc_hop_dong", "VC").pk,
        "subjects": "Toán, Tiếng Việt",
        "qualification": item("trinh_do_dao_tao", "DH").pk,
        "work_status": item("trang_thai_can_bo", "01").pk,
        "joined_on": "2012-09-05",
        **overrides,
    }


def api_body(unit: Any, **overrides: Any) -> dict[str, Any]:
    return {
        "unit": unit.pk,
        "full_name": "lê thị  mai",
        "birth_date": "1988-01-20",
        "gender": "2",
        "staff_type": "2",
        "subjects": "Ngữ văn",
        "personal_id": PERSONAL_ID,
        **overrides,
    }


# --- list and search -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_search_ignores_diacritics_and_tone_placement_and_finds_codes(cast: Cast) -> None:
    make_staff(cast.school_a1, full_name="Nguyễn Thị Hoà", ministry_code="CB31000007")
    make_staff(cast.school_a2, full_name="Phạm Văn Thuỷ")
    make_staff(cast.school_b1, full_name="Đặng Quốc Huy")
    client = signed_in(cast.so_admin)
    url = reverse("registry:staff_list")
    for query in ("nguyen thi hoa", "Hòa", "HOÀ", "nguyễn"):
        page = client.get(url, {"q": query}).content.decode()
        assert "Nguyễn Thị Hoà" in page and "Phạm Văn Thuỷ" not in page, query
    assert "Phạm Văn Thuỷ" in client.get(url, {"q": "thủy"}).content.decode()  # hoà/hòa, thuỷ/thủy alike
    assert "Đặng Quốc Huy" in client.get(url, {"q": "dang quoc"}).content.decode()  # đ → d
    by_code = client.get(url, {"q": "cb3100000"}).content.decode()
    assert "Nguyễn Thị Hoà" in by_code and "Đặng Quốc Huy" not in by_code


@pytest.mark.django_db
def test_list_filters_by_unit_subtree_and_code_lists(cast: Cast) -> None:
    make_staff(cast.school_a1, full_name="Giáo Viên Một")
    make_staff(
        cast.school_b1,
        full_name="Nhân Viên Hai",
        staff_type=item("loai_can_bo", "3"),
        subjects="",
        gender=item("gioi_tinh", "1"),
        qualification=item("trinh_do_dao_tao", "CD"),
        position=item("chuc_vu", "KT"),
        work_status=item("trang_thai_can_bo", "09"),
    )
    client = signed_in(cast.so_admin)
    url = reverse("registry:staff_list")

    def names(**params: Any) -> set[str]:
        page = client.get(url, params).content.decode()
        return {name for name in ("Giáo Viên Một", "Nhân Viên Hai") if name in page}

    assert names() == {"Giáo Viên Một", "Nhân Viên Hai"}
    assert names(unit=cast.commune_a.pk) == {"Giáo Viên Một"}  # a commune brings its schools
    assert names(staff_type=item("loai_can_bo", "3").pk) == {"Nhân Viên Hai"}
    assert names(position=item("chuc_vu", "KT").pk) == {"Nhân Viên Hai"}
    assert names(qualification=item("trinh_do_dao_tao", "CD").pk) == {"Nhân Viên Hai"}
    assert names(work_status=item("trang_thai_can_bo", "01").pk) == {"Giáo Viên Một"}
    assert names(gender=item("gioi_tinh", "2").pk) == {"Giáo Viên Một"}
    # A unit outside the caller's scope is not a choice: the filter is refused and shows nothing of it.
    scoped = signed_in(cast.school_a1_admin).get(url, {"unit": cast.school_b1.pk}).content.decode()
    assert "Nhân Viên Hai" not in scoped and "Trường Tiểu học An Lão" not in scoped


@pytest.mark.django_db
def test_list_answers_htmx_with_the_results_only(cast: Cast) -> None:
    make_staff(cast.school_a1)
    response = signed_in(cast.school_a1_admin).get(
        reverse("registry:staff_list"), {"q": "hoa"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="staff-results"
    )
    text = response.content.decode()
    assert "Nguyễn Thị Hoà" in text and "<html" not in text and "<form" not in text


# --- the personal ID -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_personal_id_is_masked_in_list_detail_edit_form_and_api(cast: Cast) -> None:
    staff = make_staff(cast.school_a1, personal_id=PERSONAL_ID)
    client = signed_in(cast.school_a1_admin)
    listing = client.get(reverse("registry:staff_list")).content.decode()
    assert "Nguyễn Thị Hoà" in listing and PERSONAL_ID not in listing and MASKED not in listing  # not even masked
    detail = client.get(staff.get_absolute_url()).content.decode()
    assert PERSONAL_ID not in detail and MASKED in detail
    edit = client.get(reverse("registry:staff_edit", kwargs={"pk": staff.pk})).content.decode()
    assert PERSONAL_ID not in edit and MASKED in edit
    api = api_client(cast.school_a1_admin)
    one = api.get(f"/api/v1/staff/{staff.pk}/").json()
    assert one["personal_id_masked"] == MASKED and "personal_id" not in one
    assert PERSONAL_ID not in api.get("/api/v1/staff/").content.decode()


@pytest.mark.django_db
def test_reveal_needs_the_function_and_is_audited(cast: Cast) -> None:
    staff = make_staff(cast.school_a1, personal_id=PERSONAL_ID)
    url = reverse("registry:staff_reveal_id", kwargs={"pk": staff.pk})
    viewer = signed_in(cast.school_a1_user)  # sees the record, may not reveal
    assert "Xem đầy đủ" not in viewer.get(staff.get_absolute_url()).content.decode()
    assert viewer.post(url).status_code == 404
    assert not AuditEntry.objects.filter(action="staffmember.reveal_personal_id").exists()

    admin = signed_in(cast.school_a1_admin)
    assert "Xem đầy đủ" in admin.get(staff.get_absolute_url()).content.decode()
    assert admin.get(url).status_code == 405  # a reveal is an act, never a link to follow
    shown = admin.post(url)
    assert shown.status_code == 200 and PERSONAL_ID in shown.content.decode()
    assert "no-store" in shown["Cache-Control"]
    partial = admin.post(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="personal-id").content.decode()
    assert PERSONAL_ID in partial and "<html" not in partial
    entries = AuditEntry.objects.filter(action="staffmember.reveal_personal_id", object_id=str(staff.pk))
    assert entries.count() == 2 and {e.actor_id for e in entries} == {cast.school_a1_admin.pk}
    assert entries.first().unit_id == cast.school_a1.pk  # type: ignore[union-attr]

    granted = AccountFactory.create(unit=cast.school_a1, functions=["view", "reveal_personal_id"])
    assert PERSONAL_ID in signed_in(granted).post(url).content.decode()
    assert signed_in(cast.school_b1_admin).post(url).status_code == 404  # out of scope, reveal or not


@pytest.mark.django_db
def test_a_duplicate_personal_id_is_refused_without_saying_whose(cast: Cast) -> None:
    make_staff(cast.school_b1, full_name="Người Đã Có", personal_id=PERSONAL_ID)
    client = signed_in(cast.school_a1_admin)
    response = client.post(reverse("registry:staff_create"), form_data(cast.school_a1))
    text = response.content.decode()
    assert response.status_code == 200 and "Số định danh cá nhân này đã có" in text
    assert "Người Đã Có" not in text and "An Lão" not in text
    assert StaffMember.objects.count() == 1
    api = api_client(cast.school_a1_admin)
    refused = api.post("/api/v1/staff/", api_body(cast.school_a1), content_type="application/json")
    assert refused.status_code == 400 and "personal_id" in refused.json()
    assert "Người Đã Có" not in refused.content.decode() and StaffMember.objects.count() == 1
    bad = client.post(reverse("registry:staff_create"), form_data(cast.school_a1, personal_id="12345"))
    assert "Số định danh cá nhân phải gồm đúng 12 chữ số 0–9 (đang là “12345”)" in bad.content.decode()
    # Excel drops the leading zero of the province code; the repaired number is the same person's.
    excel = client.post(reverse("registry:staff_create"), form_data(cast.school_a1, personal_id="31085001234"))
    assert "Số định danh cá nhân này đã có" in excel.content.decode() and StaffMember.objects.count() == 1


@pytest.mark.django_db
def test_a_personal_id_pasted_from_excel_is_repaired(cast: Cast) -> None:
    client = signed_in(cast.school_a1_admin)
    assert client.post(reverse("registry:staff_create"), form_data(cast.school_a1, personal_id="31085001234.0"))[
        "Location"
    ]
    assert StaffMember.objects.get().personal_id == PERSONAL_ID


@pytest.mark.django_db
def test_editing_with_the_personal_id_left_blank_keeps_it(cast: Cast) -> None:
    staff = make_staff(cast.school_a1, personal_id=PERSONAL_ID)
    client = signed_in(cast.school_a1_admin)
    data = form_data(cast.school_a1, personal_id="", version=staff.version, full_name="Nguyễn Thị Hoà")
    response = client.post(reverse("registry:staff_edit", kwargs={"pk": staff.pk}), data)
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.personal_id == PERSONAL_ID and staff.version == 2 and staff.joined_on == dt.date(2012, 9, 5)
    update = AuditEntry.objects.get(action="staffmember.update")
    assert PERSONAL_ID not in str(update.changes) and "personal_id" not in update.changes
    # Replacing the number leaves a trace in the update's diff, without either number.
    data = {**data, "personal_id": "031085009876", "version": 2}
    assert client.post(reverse("registry:staff_edit", kwargs={"pk": staff.pk}), data).status_code == 302
    staff.refresh_from_db()
    assert staff.personal_id == "031085009876"
    replaced = AuditEntry.objects.filter(action="staffmember.update").latest("id")
    assert replaced.changes["personal_id"] == ["•••", "•••"] and replaced.actor_id == cast.school_a1_admin.pk
    assert "031085009876" not in str(replaced.changes)


# --- create, edit, codes ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_create_tidies_the_name_defaults_the_status_and_audits(cast: Cast) -> None:
    client = signed_in(cast.school_a1_admin)
    form = client.get(reverse("registry:staff_create")).content.decode()
    working = item("trang_thai_can_bo", "01")
    assert f'<option value="{working.pk}" selected>' in form
    assert "Trường Tiểu học Lê Văn Tám" in form and "Trường Tiểu học An Lão" not in form
    data = form_data(cast.school_a1)
    del data["work_status"]
    refused = client.post(reverse("registry:staff_create"), data)
    assert refused.status_code == 200 and not StaffMember.objects.exists()  # the status is required
    response = client.post(reverse("registry:staff_create"), form_data(cast.school_a1))
    staff = StaffMember.objects.get()
    assert response.status_code == 302 and response["Location"] == staff.get_absolute_url()
    assert staff.full_name == "Trần Văn Bình" and staff.name_key == "tran van binh"
    assert staff.personal_id == PERSONAL_ID and staff.ministry_code is None and staff.updated_by == cast.school_a1_admin
    created = AuditEntry.objects.get(action="staffmember.create")
    assert created.unit_id == cast.school_a1.pk and created.changes["personal_id"] == [None, "•••"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"subjects": ""}, "subjects", "Giáo viên cần có môn dạy"),
        ({"joined_on": "2005-09-05"}, "joined_on", "phải từ khi đủ 18 tuổi, tức từ ngày 02/09/2008"),
        ({"birth_date": "2999-01-01"}, "birth_date", "Ngày sinh không thể ở tương lai"),
        ({"joined_on": "2999-01-01"}, "joined_on", "Ngày vào ngành không thể ở tương lai"),
        ({"birth_date": "1900-01-01", "joined_on": ""}, "birth_date", "hãy kiểm tra lại năm sinh"),
        ({"birth_date": "1930-01-01", "joined_on": "2010-01-01"}, "joined_on", "hơn 70 tuổi khi vào ngành"),
        ({"personal_id": "000123456789"}, "personal_id", "không phải 000"),
        ({"full_name": ""}, "full_name", "Trường này là bắt buộc"),
        ({"full_name": "  123 \u0301 "}, "full_name", "Họ và tên phải có chữ cái"),
        ({"ministry_code": "CB-31"}, "ministry_code", "Mã cán bộ gồm chữ và số"),
        ({"ministry_code": "ĐB31"}, "ministry_code", "chữ cái không dấu"),
        ({"personal_id": "٠٣١٠٨٥٠٠١٢٣٤"}, "personal_id", "12 chữ số 0–9"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(
    cast: Cast, overrides: dict[str, Any], field: str, message: str
) -> None:
    client = signed_in(cast.school_a1_admin)
    response = client.post(reverse("registry:staff_create"), form_data(cast.school_a1, **overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert field in response.context["form"].errors
    assert not StaffMember.objects.exists() and not IssuedCode.objects.exists()


def test_cross_field_checks_directly() -> None:
    today = dt.date(2026, 3, 1)
    staff_type = CodeItem(code="3", name="Nhân viên")
    assert check_staff({"birth_date": dt.date(2009, 1, 1), "staff_type": staff_type}, today=today) == {
        "birth_date": check_staff({"birth_date": dt.date(2009, 1, 1)}, today=today)["birth_date"]
    }
    assert check_staff({"birth_date": dt.date(2000, 2, 29), "joined_on": dt.date(2018, 2, 28)}, today=today) == {}
    assert years_after(dt.date(2000, 2, 29), 18) == dt.date(2018, 2, 28)
    assert years_after(dt.date(9990, 1, 1), 18) is None


@pytest.mark.django_db
def test_staff_code_is_repaired_claimed_and_never_reused(cast: Cast) -> None:
    client = signed_in(cast.school_a1_admin)
    response = client.post(reverse("registry:staff_create"), form_data(cast.school_a1, ministry_code=" cb31000123 "))
    assert response.status_code == 302
    first = StaffMember.objects.get()
    assert first.ministry_code == "CB31000123"
    assert IssuedCode.objects.filter(kind="staff", code="CB31000123").exists()
    excel = client.post(
        reverse("registry:staff_create"),
        form_data(cast.school_a1, ministry_code="3100012345.0", personal_id="031090005678"),
    )
    assert excel.status_code == 302
    assert StaffMember.objects.filter(ministry_code="3100012345").exists()

    again = client.post(
        reverse("registry:staff_create"),
        form_data(cast.school_a1, ministry_code="CB31000123", personal_id="031090009999"),
    )
    assert again.status_code == 200 and "không thể dùng lại" in again.content.decode()
    first.delete()  # even after deletion the code stays issued
    after_delete = client.post(
        reverse("registry:staff_create"),
        form_data(cast.school_a1, ministry_code="cb31000123", personal_id="031090009999"),
    )
    assert after_delete.status_code == 200 and "không thể dùng lại" in after_delete.content.decode()
    bad = client.post(
        reverse("registry:staff_create"), form_data(cast.school_a1, ministry_code="CB-31", personal_id="031090009999")
    )
    assert "Mã cán bộ gồm chữ và số" in bad.content.decode()
    assert StaffMember.objects.count() == 1 and IssuedCode.objects.count() == 2


@pytest.mark.django_db
def test_a_refused_create_does_not_burn_the_code(cast: Cast) -> None:
    client = signed_in(cast.school_a1_admin)
    refused = client.post(
        reverse("registry:staff_create"), form_data(cast.school_a1, ministry_code="CB31000555", subjects="")
    )
    assert refused.status_code == 200 and not IssuedCode.objects.exists()
    ok = client.post(reverse("registry:staff_create"), form_data(cast.school_a1, ministry_code="CB31000555"))
    assert ok.status_code == 302 and StaffMember.objects.get().ministry_code == "CB31000555"


@pytest.mark.django_db
def test_the_code_is_read_only_once_set_and_given_once_by_the_code_action(cast: Cast) -> None:
    staff = make_staff(cast.school_a1, ministry_code="CB31000001")
    IssuedCode.objects.create(kind="staff", code="CB31000001")
    client = signed_in(cast.school_a1_admin)
    edit = reverse("registry:staff_edit", kwargs={"pk": staff.pk})
    assert client.post(edit, form_data(cast.school_a1, ministry_code="CB39999999", version=1)).status_code == 302
    staff.refresh_from_db()
    assert staff.ministry_code == "CB31000001" and staff.version == 2
    code_url = reverse("registry:staff_set_code", kwargs={"pk": staff.pk})
    refused = client.post(code_url, {"code": "CB31000002"}, follow=True)
    assert "không thay đổi được" in refused.content.decode()
    staff.refresh_from_db()
    assert staff.ministry_code == "CB31000001"

    newcomer = make_staff(cast.school_a1, full_name="Lê Văn Mới")
    code_url = reverse("registry:staff_set_code", kwargs={"pk": newcomer.pk})
    page = client.get(newcomer.get_absolute_url()).content.decode()
    assert code_url in page
    assert "không thể dùng lại" in client.post(code_url, {"code": "cb31000001"}).content.decode()
    assert client.post(code_url, {"code": " cb31000002 "}).status_code == 302
    newcomer.refresh_from_db()
    assert newcomer.ministry_code == "CB31000002"
    entry = AuditEntry.objects.get(action="staffmember.ministry_code")
    assert entry.changes == {"ministry_code": [None, "CB31000002"]}
    # Someone who may only view gets nothing: not the action, not the link.
    viewer = signed_in(cast.school_a1_user)
    assert viewer.post(code_url, {"code": "CB31000003"}).status_code == 404


@pytest.mark.django_db
def test_names_with_markup_are_shown_escaped(cast: Cast) -> None:
    staff = make_staff(cast.school_a1, full_name='<script>alert("x")</script>', subjects="<b>Toán</b>")
    client = signed_in(cast.school_a1_admin)
    for url in (reverse("registry:staff_list"), staff.get_absolute_url()):
        page = client.get(url).content.decode()
        assert "<script>alert" not in page and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page, url
    assert "&lt;b&gt;Toán&lt;/b&gt;" in page


# --- scope -----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_staff_office_sees_and_enters_staff_of_the_so_and_direct_units_only(cast: Cast) -> None:
    make_staff(cast.so, full_name="Cán Bộ Sở")
    make_staff(cast.thpt, full_name="Giáo Viên Ngô Quyền")
    make_staff(cast.school_a1, full_name="Giáo Viên Lê Văn Tám")
    make_staff(cast.commune_b, full_name="Cán Bộ Xã An Lão")
    office = signed_in(cast.office_tccb_user)
    listing = office.get(reverse("registry:staff_list")).content.decode()
    assert "Cán Bộ Sở" in listing and "Giáo Viên Ngô Quyền" in listing
    assert "Giáo Viên Lê Văn Tám" not in listing and "Cán Bộ Xã An Lão" not in listing
    api_names = {row["full_name"] for row in api_client(cast.office_tccb_user).get("/api/v1/staff/").json()["results"]}
    assert api_names == {"Cán Bộ Sở", "Giáo Viên Ngô Quyền"}

    form = office.get(reverse("registry:staff_create")).content.decode()
    assert "Trường THPT Ngô Quyền" in form and "Trường Tiểu học Lê Văn Tám" not in form
    made = office.post(reverse("registry:staff_create"), form_data(cast.thpt))
    assert made.status_code == 302 and StaffMember.objects.filter(unit=cast.thpt).count() == 2
    made = office.post(reverse("registry:staff_create"), form_data(cast.so, personal_id="031090007777"))
    assert made.status_code == 302 and StaffMember.objects.filter(unit=cast.so).count() == 2
    refused = office.post(reverse("registry:staff_create"), form_data(cast.school_a1, personal_id="031090008888"))
    assert refused.status_code == 200 and StaffMember.objects.filter(unit=cast.school_a1).count() == 1
    # The Tiểu học office, which may only view, is offered no button and no unit to write to.
    assert "Thêm cán bộ" not in signed_in(cast.office_th_user).get(reverse("registry:staff_list")).content.decode()


@pytest.mark.django_db
def test_an_out_of_scope_unit_in_the_form_is_refused_and_nothing_written(cast: Cast) -> None:
    client = signed_in(cast.school_a1_admin)
    response = client.post(reverse("registry:staff_create"), form_data(cast.school_b1))
    assert response.status_code == 200 and "unit" in response.context["form"].errors
    assert not StaffMember.objects.exists() and not AuditEntry.objects.filter(action="staffmember.create").exists()
    viewer = signed_in(cast.school_a1_user)  # may view staff, may not enter them
    assert viewer.post(reverse("registry:staff_create"), form_data(cast.school_a1)).status_code == 200
    assert not StaffMember.objects.exists()
    staff = make_staff(cast.school_b1)
    edit = reverse("registry:staff_edit", kwargs={"pk": staff.pk})
    assert client.post(edit, form_data(cast.school_b1, version=1)).status_code == 404


@pytest.mark.django_db
def test_detail_lists_homeroom_classes_in_scope(cast: Cast) -> None:
    staff = make_staff(cast.school_a1)
    year = SchoolYear.objects.get(is_current=True)
    SchoolClass.objects.create(unit=cast.school_a1, school_year=year, name="3A", grade=3, homeroom_teacher=staff)
    page = signed_in(cast.school_a1_admin).get(staff.get_absolute_url()).content.decode()
    assert "3A" in page and str(year) in page
    office_page = signed_in(cast.office_th_user).get(staff.get_absolute_url()).content.decode()
    assert "3A" in office_page  # the Tiểu học office sees primary classes


# --- concurrency -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_second_of_two_concurrent_page_edits_is_refused(cast: Cast) -> None:
    staff = make_staff(cast.school_a1)
    first, second = signed_in(cast.school_a1_admin), signed_in(cast.commune_a_admin)
    edit = reverse("registry:staff_edit", kwargs={"pk": staff.pk})
    assert first.post(edit, form_data(cast.school_a1, version=1, major="Sư phạm Toán")).status_code == 302
    refused = second.post(edit, form_data(cast.school_a1, version=1, major="Ghi đè"))
    assert refused.status_code == 200 and "sau khi bạn mở nó" in refused.content.decode()
    staff.refresh_from_db()
    assert staff.major == "Sư phạm Toán" and staff.version == 2


# --- API -------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_api_creates_with_codes_by_their_code_and_answers_masked(cast: Cast) -> None:
    api = api_client(cast.school_a1_admin)
    body = api_body(cast.school_a1, ministry_code="cb31000321", qualification="THS", position="TTCM")
    response = api.post("/api/v1/staff/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["full_name"] == "Lê Thị Mai" and data["ministry_code"] == "CB31000321"
    assert data["work_status"] == "01" and data["qualification"] == "THS" and data["gender"] == "2"
    assert data["personal_id_masked"] == MASKED and "personal_id" not in data and response["ETag"] == '"1"'
    assert IssuedCode.objects.filter(code="CB31000321").exists()
    unknown = api.post(
        "/api/v1/staff/", api_body(cast.school_a1, staff_type="99", personal_id=""), content_type="application/json"
    )
    assert unknown.status_code == 400 and "staff_type" in unknown.json()
    no_subjects = api.post(
        "/api/v1/staff/", api_body(cast.school_a1, subjects="", personal_id=""), content_type="application/json"
    )
    assert no_subjects.status_code == 400 and "Giáo viên cần có môn dạy" in no_subjects.json()["subjects"][0]


@pytest.mark.django_db
def test_api_filters(cast: Cast) -> None:
    make_staff(cast.school_a1, full_name="Nguyễn Thị Hoà", ministry_code="CB31000009")
    make_staff(
        cast.school_a2,
        full_name="Trần Văn Nam",
        staff_type=item("loai_can_bo", "1"),
        position=item("chuc_vu", "HT"),
        work_status=item("trang_thai_can_bo", "09"),
    )
    api = api_client(cast.commune_a_admin)

    def names(query: str) -> set[str]:
        return {row["full_name"] for row in api.get(f"/api/v1/staff/?{query}").json()["results"]}

    assert names("q=hoa") == {"Nguyễn Thị Hoà"}
    assert names("q=CB3100000") == {"Nguyễn Thị Hoà"}
    assert names(f"unit={cast.school_a2.pk}") == {"Trần Văn Nam"}
    assert names("staff_type=1") == names("position=HT") == names("work_status=09") == {"Trần Văn Nam"}
    assert names(f"unit={cast.school_b1.pk}") == set()


@pytest.mark.django_db
def test_api_edit_needs_if_match_answers_412_when_stale_and_keeps_the_code(cast: Cast) -> None:
    staff = make_staff(cast.school_a1, ministry_code="CB31000001", personal_id=PERSONAL_ID)
    api = api_client(cast.school_a1_admin)
    url = f"/api/v1/staff/{staff.pk}/"
    assert api.get(url)["ETag"] == '"1"'
    body = {"major": "Sư phạm Tiểu học"}
    assert api.patch(url, body, content_type="application/json").status_code == 428
    ok = api.patch(url, body, content_type="application/json", HTTP_IF_MATCH='"1"')
    assert ok.status_code == 200 and ok["ETag"] == '"2"' and ok.json()["major"] == "Sư phạm Tiểu học"
    stale = api.patch(url, {"major": "Ghi đè"}, content_type="application/json", HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412 and stale["ETag"] == '"2"'
    code = api.patch(url, {"ministry_code": "CB39999999"}, content_type="application/json", HTTP_IF_MATCH='"2"')
    assert code.status_code == 400 and "ministry_code" in code.json()
    moved = api.patch(url, {"unit": cast.school_a2.pk}, content_type="application/json", HTTP_IF_MATCH='"2"')
    assert moved.status_code == 400 and "unit" in moved.json()
    staff.refresh_from_db()
    assert staff.major == "Sư phạm Tiểu học" and staff.ministry_code == "CB31000001"
    assert staff.personal_id == PERSONAL_ID and staff.version == 2


@pytest.mark.django_db
def test_api_create_with_an_idempotency_key_creates_once(cast: Cast) -> None:
    api = api_client(cast.school_a1_admin)
    body = api_body(cast.school_a1, ministry_code="CB31000777")
    first = api.post("/api/v1/staff/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="nv-1")
    again = api.post("/api/v1/staff/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="nv-1")
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"] and StaffMember.objects.count() == 1
    assert AuditEntry.objects.filter(action="staffmember.create").count() == 1
    assert PERSONAL_ID not in again.content.decode()


@pytest.mark.django_db
def test_api_refuses_a_unit_out_of_reach_and_a_viewer(cast: Cast) -> None:
    api = api_client(cast.school_a1_admin)
    response = api.post("/api/v1/staff/", api_body(cast.school_b1), content_type="application/json")
    assert response.status_code == 400 and "unit" in response.json()
    viewer = api_client(cast.school_a1_user)
    assert viewer.post("/api/v1/staff/", api_body(cast.school_a1), content_type="application/json").status_code == 400
    assert not StaffMember.objects.exists()
    office = api_client(cast.office_tccb_user)
    made = office.post("/api/v1/staff/", api_body(cast.so), content_type="application/json")
    assert made.status_code == 201 and StaffMember.objects.get().unit_id == cast.so.pk
