"""The students database: pages and API — scoped, masked, versioned, audited, codes claimed once, escaped."""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from conftest import Cast
from edudb.core.models import AuditEntry
from edudb.core.tests.clients import api_client, signed_in
from edudb.quality.models import CodeItem, items_of
from edudb.registry import enrolment
from edudb.registry.models import CodeKind, Guardian, IssuedCode, SchoolClass, Student
from edudb.reporting.models import SchoolYear

PERSONAL_ID = "031215001234"
MASKED = "•••••••••234"


def item(list_code: str, code: str) -> CodeItem:
    return items_of(list_code).get(code=code)


def current_year() -> SchoolYear:
    return SchoolYear.objects.get(is_current=True)


def make_class(unit: Any, name: str, grade: int | None) -> SchoolClass:
    return SchoolClass.objects.create(unit=unit, school_year=current_year(), name=name, grade=grade)


def birth_for(grade: int) -> dt.date:
    """A birth date that fits the grade: turning grade+5 in the school year's first calendar year."""
    return dt.date(current_year().start_year - grade - 5, 3, 15)


def make_student(unit: Any, full_name: str = "Nguyễn Thị Hoà", **fields: Any) -> Student:
    values: dict[str, Any] = {
        "full_name": full_name,
        "birth_date": birth_for(1),
        "gender": item("gioi_tinh", "2"),
        "status": item("trang_thai_hoc_sinh", "01"),
        **fields,
    }
    if not values.get("ministry_code") and not values.get("temporary_code"):
        values["temporary_code"] = f"TMP-X{Student.objects.count() + 1:07d}"
    return Student.objects.create(unit=unit, **values)


def form_data(unit: Any, school_class: SchoolClass | None = None, **overrides: Any) -> dict[str, Any]:
    """What the enrolment form posts for a grade-1 pupil (dates as the date picker sends them), with a mother."""
    return {
        "unit": unit.pk,
        "school_class": school_class.pk if school_class else "",
        "full_name": "nguyễn  văn AN",
        "birth_date": birth_for(1).isoformat(),
        "gender": item("gioi_tinh", "1").pk,
        "ethnicity": item("dan_toc", "01").pk,
        "nationality": item("quoc_tich", "VN").pk,
        "personal_id": PERSONAL_ID,
        "status": item("trang_thai_hoc_sinh", "01").pk,
        "enrolled_on": timezone.localdate().isoformat(),
        "home_address": "Số 5 ngõ 12 Lạch Tray",
        "guardians-TOTAL_FORMS": "2",
        "guardians-INITIAL_FORMS": "0",
        "guardians-0-relation": "father",
        "guardians-0-full_name": "",
        "guardians-1-relation": "mother",
        "guardians-1-full_name": "trần thị  bích",
        "guardians-1-birth_year": "1988",
        "guardians-1-phone": "+84 912 345 678",
        **overrides,
    }


def nothing_written() -> bool:
    return (
        not Student.objects.exists()
        and not IssuedCode.objects.exists()
        and not Guardian.objects.exists()
        and not AuditEntry.objects.filter(action__startswith="student.").exists()
    )


# --- list and search ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_search_ignores_diacritics_and_both_tone_placements(cast: Cast) -> None:
    old_style = unicodedata.normalize("NFC", "Nguyễn Thị Ho\u00e0")  # hoà: the tone on the a
    new_style = unicodedata.normalize("NFC", "Nguyễn Thị H\u00f2a")  # hòa: the tone on the o
    make_student(cast.school_a1, old_style, ministry_code="3100000001")
    make_student(cast.school_a1, new_style, temporary_code="TMP-00000077")
    make_student(cast.school_a1, "Trần Văn Nam", ministry_code="3100000002")
    client = signed_in(cast.school_a1_admin)
    page = client.get(reverse("registry:student_list"), {"q": "nguyen thi hoa"}).content.decode()
    assert old_style in page and new_style in page and "Trần Văn Nam" not in page
    by_code = client.get(reverse("registry:student_list"), {"q": "3100000002"}).content.decode()
    assert "Trần Văn Nam" in by_code and old_style not in by_code
    by_temporary = client.get(reverse("registry:student_list"), {"q": "tmp-000000"}).content.decode()
    assert new_style in by_temporary and "mã tạm" in by_temporary and "Trần Văn Nam" not in by_temporary


@pytest.mark.django_db
def test_list_filters_and_columns(cast: Cast) -> None:
    one_a, two_a = make_class(cast.school_a1, "1A", 1), make_class(cast.school_a1, "2A", 2)
    make_student(cast.school_a1, "Lê Thị Một", school_class=one_a, birth_date=dt.date(2019, 1, 2))
    make_student(cast.school_a1, "Lê Văn Hai", school_class=two_a, gender=item("gioi_tinh", "1"))
    make_student(cast.school_b1, "Lê Văn Ba")
    client = signed_in(cast.commune_a_admin)
    page = client.get(reverse("registry:student_list")).content.decode()
    assert "Lê Thị Một" in page and "Lê Văn Hai" in page and "Lê Văn Ba" not in page  # commune B is out of scope
    assert "02/01/2019" in page and "Trường Tiểu học Lê Văn Tám" in page and "Đang học" in page
    assert "Lê Văn Hai" not in client.get(reverse("registry:student_list"), {"grade": 1}).content.decode()
    by_gender = client.get(reverse("registry:student_list"), {"gender": item("gioi_tinh", "1").pk}).content.decode()
    assert "Lê Văn Hai" in by_gender and "Lê Thị Một" not in by_gender
    by_class = client.get(
        reverse("registry:student_list"), {"unit": cast.school_a1.pk, "school_class": two_a.pk}
    ).content.decode()
    assert "Lê Văn Hai" in by_class and "Lê Thị Một" not in by_class
    # A school out of scope is not a choice: the filter is refused, nothing of it is shown.
    forged = client.get(reverse("registry:student_list"), {"unit": cast.school_b1.pk}).content.decode()
    assert "Lê Văn Ba" not in forged and "Trường Tiểu học An Lão" not in forged


@pytest.mark.django_db
def test_htmx_search_answers_the_results_only(cast: Cast) -> None:
    make_student(cast.school_a1, "Vũ Minh Khôi")
    response = signed_in(cast.school_a1_admin).get(
        reverse("registry:student_list"), {"q": "khoi"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="student-results"
    )
    text = response.content.decode()
    assert "Vũ Minh Khôi" in text and "<html" not in text and 'hx-swap-oob="true"' in text


@pytest.mark.django_db
def test_names_with_markup_are_shown_escaped(cast: Cast) -> None:
    student = make_student(cast.school_a1, '<script>alert("x")</script> An')
    client = signed_in(cast.school_a1_admin)
    for url in (reverse("registry:student_list"), student.get_absolute_url()):
        page = client.get(url).content.decode()
        assert "<script>alert" not in page and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page, url


# --- the personal ID -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_personal_id_is_masked_in_list_detail_and_api(cast: Cast) -> None:
    student = make_student(cast.school_a1, personal_id=PERSONAL_ID)
    client = signed_in(cast.school_a1_admin)
    listing = client.get(reverse("registry:student_list")).content.decode()
    assert PERSONAL_ID not in listing and MASKED not in listing  # never in lists, not even masked
    detail = client.get(student.get_absolute_url()).content.decode()
    assert PERSONAL_ID not in detail and MASKED in detail
    api = api_client(cast.school_a1_admin)
    one = api.get(f"/api/v1/students/{student.pk}/").json()
    assert one["personal_id_masked"] == MASKED and "personal_id" not in one
    assert PERSONAL_ID not in api.get("/api/v1/students/").content.decode()


@pytest.mark.django_db
def test_reveal_needs_the_function_and_is_audited(cast: Cast) -> None:
    student = make_student(cast.school_a1, personal_id=PERSONAL_ID)
    url = reverse("registry:student_reveal_id", kwargs={"pk": student.pk})
    user = signed_in(cast.school_a1_user)  # view + enter students, not reveal
    assert "Hiện số định danh" not in user.get(student.get_absolute_url()).content.decode()
    assert user.post(url).status_code == 404
    assert user.get(url).status_code == 405
    assert not AuditEntry.objects.filter(action="student.reveal_personal_id").exists()

    admin = signed_in(cast.school_a1_admin)
    assert "Hiện số định danh" in admin.get(student.get_absolute_url()).content.decode()
    shown = admin.post(url)
    assert shown.status_code == 200 and PERSONAL_ID in shown.content.decode()
    assert "no-store" in shown["Cache-Control"]
    swapped = admin.post(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="personal-id-box")
    text = swapped.content.decode()
    assert PERSONAL_ID in text and "<html" not in text and "no-store" in swapped["Cache-Control"]
    entries = AuditEntry.objects.filter(action="student.reveal_personal_id", object_id=str(student.pk))
    assert entries.count() == 2 and entries.first().actor_id == cast.school_a1_admin.pk  # type: ignore[union-attr]
    # The admin of another commune may hold the function, but not over this student.
    assert signed_in(cast.commune_b_admin).post(url).status_code == 404


# --- enrolment ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_enrolment_without_a_ministry_code_gets_a_temporary_one(cast: Cast) -> None:
    one_a = make_class(cast.school_a1, "1A", 1)
    client = signed_in(cast.school_a1_user)
    form = client.get(reverse("registry:student_create")).content.decode()
    assert "1A" in form and "Đang học" in form
    response = client.post(reverse("registry:student_create"), form_data(cast.school_a1, one_a))
    student = Student.objects.get()
    assert response.status_code == 302 and response["Location"] == student.get_absolute_url()
    assert student.full_name == "Nguyễn Văn An" and student.name_key == "nguyen van an"
    assert student.ministry_code is None and student.temporary_code == "TMP-00000001"
    assert student.status.code == "01" and student.school_class == one_a and student.personal_id == PERSONAL_ID
    assert IssuedCode.objects.filter(kind=CodeKind.STUDENT_TEMPORARY, code="TMP-00000001").exists()
    mother = Guardian.objects.get(student=student)
    assert (mother.relation, mother.full_name, mother.phone) == ("mother", "Trần Thị Bích", "0912345678")
    created = AuditEntry.objects.get(action="student.create")
    assert created.unit_id == cast.school_a1.pk and created.changes["personal_id"] == [None, "•••"]
    assert AuditEntry.objects.filter(action="student.guardians", object_id=str(student.pk)).exists()
    page = client.get(student.get_absolute_url()).content.decode()
    assert "TMP-00000001" in page and "mã tạm" in page and "Trần Thị Bích" in page and "Lịch sử thay đổi" in page


@pytest.mark.django_db
def test_enrolment_with_a_ministry_code_repairs_and_claims_it(cast: Cast) -> None:
    client = signed_in(cast.school_a1_admin)
    response = client.post(reverse("registry:student_create"), form_data(cast.school_a1, ministry_code="3100012345.0"))
    assert response.status_code == 302
    student = Student.objects.get()
    assert student.ministry_code == "3100012345" and student.temporary_code is None
    assert IssuedCode.objects.filter(kind=CodeKind.STUDENT, code="3100012345").exists()


@pytest.mark.django_db
def test_a_code_issued_before_is_refused_and_nothing_written(cast: Cast) -> None:
    IssuedCode.objects.create(kind=CodeKind.STUDENT, code="3100012345")  # given once, its record since deleted
    client = signed_in(cast.school_a1_admin)
    response = client.post(reverse("registry:student_create"), form_data(cast.school_a1, ministry_code="3100012345"))
    assert response.status_code == 200
    assert "không thể dùng lại" in " ".join(response.context["form"].errors["ministry_code"])
    assert not Student.objects.exists() and IssuedCode.objects.count() == 1
    bad = client.post(reverse("registry:student_create"), form_data(cast.school_a1, ministry_code="31-ABC"))
    assert "10 chữ số" in " ".join(bad.context["form"].errors["ministry_code"])


@pytest.mark.django_db
def test_a_duplicate_personal_id_is_refused_without_saying_whose(cast: Cast) -> None:
    make_student(cast.school_b1, "Hoàng Thị Bí Mật", personal_id=PERSONAL_ID)
    client = signed_in(cast.school_a1_user)
    response = client.post(reverse("registry:student_create"), form_data(cast.school_a1))
    page = response.content.decode()
    assert response.status_code == 200
    assert "đã có trong hồ sơ của một học sinh khác" in " ".join(response.context["form"].errors["personal_id"])
    assert "Bí Mật" not in page and "Trường Tiểu học An Lão" not in page
    assert Student.objects.count() == 1 and not IssuedCode.objects.exists()


@pytest.mark.django_db
def test_birth_dates_in_the_future_or_unfit_for_the_grade_are_refused(cast: Cast) -> None:
    nine_a = make_class(cast.school_a2, "9A", 9)
    client = signed_in(cast.school_a2_admin)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    future = client.post(reverse("registry:student_create"), form_data(cast.school_a2, birth_date=tomorrow.isoformat()))
    assert "tương lai" in " ".join(future.context["form"].errors["birth_date"])
    toddler = dt.date(current_year().start_year - 3, 6, 1)
    young = client.post(
        reverse("registry:student_create"), form_data(cast.school_a2, nine_a, birth_date=toddler.isoformat())
    )
    message = " ".join(young.context["form"].errors["birth_date"])
    assert "3 tuổi" in message and "khối 9" in message and "từ 13 đến 17 tuổi" in message
    assert nothing_written()
    fits = client.post(
        reverse("registry:student_create"), form_data(cast.school_a2, nine_a, birth_date=birth_for(9).isoformat())
    )
    assert fits.status_code == 302 and Student.objects.get().school_class == nine_a


@pytest.mark.django_db
def test_a_class_of_another_school_is_refused_with_a_clear_message(cast: Cast) -> None:
    other = make_class(cast.school_a2, "1B", 1)
    client = signed_in(cast.commune_a_admin)  # may fill both schools' classes, but not mix them up
    response = client.post(reverse("registry:student_create"), form_data(cast.school_a1, other))
    message = " ".join(response.context["form"].errors["school_class"])
    assert "thuộc Trường THCS Chu Văn An, không thuộc Trường Tiểu học Lê Văn Tám" in message
    assert nothing_written()


@pytest.mark.django_db
def test_the_create_form_lists_the_chosen_schools_classes(cast: Cast) -> None:
    make_class(cast.school_a1, "1A", 1)
    make_class(cast.school_a2, "6C", 6)
    client = signed_in(cast.commune_a_admin)
    blank = client.get(reverse("registry:student_create")).content.decode()
    assert "Trường Tiểu học Lê Văn Tám" in blank and "Trường THCS Chu Văn An" in blank
    assert "Trường Tiểu học An Lão" not in blank and ">6C (" not in blank  # no school chosen yet
    chosen = client.get(
        reverse("registry:student_create"), {"unit": cast.school_a2.pk}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert ">6C (khối 6" in chosen and ">1A (" not in chosen


@pytest.mark.django_db
def test_an_out_of_scope_school_is_refused_and_nothing_written(cast: Cast) -> None:
    client = signed_in(cast.school_a1_user)
    form = client.get(reverse("registry:student_create")).content.decode()
    assert "Trường Tiểu học An Lão" not in form
    response = client.post(reverse("registry:student_create"), form_data(cast.school_b1))
    assert response.status_code == 200 and "unit" in response.context["form"].errors
    assert nothing_written()
    viewer = signed_in(cast.school_a2_user)  # may view, may not enter students
    assert viewer.post(reverse("registry:student_create"), form_data(cast.school_a2)).status_code == 200
    assert nothing_written()


# --- edits and the Ministry code ---------------------------------------------------------------------------------


def edit_data(student: Student, **overrides: Any) -> dict[str, Any]:
    return {
        "full_name": student.full_name,
        "birth_date": student.birth_date.isoformat(),
        "gender": student.gender_id,
        "status": student.status_id,
        "version": student.version,
        "guardians-TOTAL_FORMS": "1",
        "guardians-INITIAL_FORMS": "0",
        **overrides,
    }


@pytest.mark.django_db
def test_edit_keeps_the_personal_id_unless_retyped_and_replaces_guardians(cast: Cast) -> None:
    student = make_student(cast.school_a1, personal_id=PERSONAL_ID, ministry_code="3100000009")
    Guardian.objects.create(student=student, relation="father", full_name="Nguyễn Văn Bố")
    client = signed_in(cast.school_a1_user)
    edit = reverse("registry:student_edit", kwargs={"pk": student.pk})
    form = client.get(edit).content.decode()
    assert PERSONAL_ID not in form and MASKED in form and "3100000009" in form and "Nguyễn Văn Bố" in form
    data = edit_data(
        student,
        home_address="Thôn Đông",
        **{
            "guardians-TOTAL_FORMS": "2",
            "guardians-0-relation": "father",
            "guardians-0-full_name": "Nguyễn Văn Bố",
            "guardians-0-DELETE": "on",
            "guardians-1-relation": "guardian",
            "guardians-1-full_name": "lê thị bà",
        },
    )
    assert client.post(edit, data).status_code == 302
    student.refresh_from_db()
    assert student.personal_id == PERSONAL_ID and student.home_address == "Thôn Đông" and student.version == 2
    assert list(Guardian.objects.filter(student=student).values_list("full_name", flat=True)) == ["Lê Thị Bà"]
    assert AuditEntry.objects.get(action="student.update").changes["home_address"] == ["", "Thôn Đông"]
    assert AuditEntry.objects.filter(action="student.guardians").exists()


@pytest.mark.django_db
def test_the_second_of_two_concurrent_edits_is_refused(cast: Cast) -> None:
    student = make_student(cast.school_a1)
    first, second = signed_in(cast.school_a1_admin), signed_in(cast.school_a1_user)
    edit = reverse("registry:student_edit", kwargs={"pk": student.pk})
    assert first.post(edit, edit_data(student, home_address="Số 1")).status_code == 302
    refused = second.post(edit, edit_data(student, home_address="Số 2"))
    assert refused.status_code == 200 and "sau khi bạn mở nó" in refused.content.decode()
    student.refresh_from_db()
    assert student.home_address == "Số 1" and student.version == 2


@pytest.mark.django_db
def test_a_temporary_code_gives_way_to_the_ministry_code_once(cast: Cast) -> None:
    student = make_student(cast.school_a1, temporary_code="TMP-00000042")
    client = signed_in(cast.school_a1_user)
    url = reverse("registry:student_set_code", kwargs={"pk": student.pk})
    assert "Gán mã định danh của Bộ" in client.get(student.get_absolute_url()).content.decode()
    response = client.post(url, {"ministry_code": "3100054321.0"})
    assert response.status_code == 302
    student.refresh_from_db()
    assert student.ministry_code == "3100054321" and student.temporary_code == "TMP-00000042"
    entry = AuditEntry.objects.get(action="student.ministry_code")
    assert entry.changes == {"ministry_code": [None, "3100054321"]} and entry.extra["temporary_code"] == "TMP-00000042"
    again = client.post(url, {"ministry_code": "3100054322"})
    assert again.status_code == 200 and "không thay đổi được" in again.content.decode()
    student.refresh_from_db()
    assert student.ministry_code == "3100054321"
    edit = client.get(reverse("registry:student_edit", kwargs={"pk": student.pk})).content.decode()
    assert "3100054321" in edit and 'name="ministry_code"' not in edit  # shown, not editable
    assert signed_in(cast.school_b1_admin).post(url, {"ministry_code": "3100054323"}).status_code == 404


# --- API -----------------------------------------------------------------------------------------------------


def api_body(unit: Any, **overrides: Any) -> dict[str, Any]:
    return {
        "unit": unit.pk,
        "full_name": "phạm  thu HÀ",
        "birth_date": birth_for(1).isoformat(),
        "gender": "2",
        "personal_id": PERSONAL_ID,
        "policy_groups": ["01"] if items_of("doi_tuong_chinh_sach").filter(code="01").exists() else [],
        "guardians": [{"relation": "mother", "full_name": "phạm thị mẹ", "phone": "0912 345 678"}],
        **overrides,
    }


@pytest.mark.django_db
def test_api_enrols_with_the_same_rules_as_the_page(cast: Cast) -> None:
    api = api_client(cast.school_a1_user)
    created = api.post("/api/v1/students/", api_body(cast.school_a1), content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["full_name"] == "Phạm Thu Hà" and body["code"] == "TMP-00000001" and body["ministry_code"] is None
    assert body["status"] == "01" and body["nationality"] == "VN" and body["personal_id_masked"] == MASKED
    assert "personal_id" not in body and body["guardians"][0]["phone"] == "0912345678"
    assert created["ETag"] == '"1"'
    with_code = api.post(
        "/api/v1/students/",
        api_body(cast.school_a1, personal_id="", ministry_code="3100012345.0"),
        content_type="application/json",
    )
    assert with_code.status_code == 201 and with_code.json()["code"] == "3100012345"
    reused = api.post(
        "/api/v1/students/",
        api_body(cast.school_a1, personal_id="", ministry_code="3100012345"),
        content_type="application/json",
    )
    assert reused.status_code == 400 and "không thể dùng lại" in reused.json()["ministry_code"][0]
    duplicate = api.post("/api/v1/students/", api_body(cast.school_a1), content_type="application/json")
    assert duplicate.status_code == 400 and "học sinh khác" in duplicate.json()["personal_id"][0]
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    late = api.post(
        "/api/v1/students/",
        api_body(cast.school_a1, personal_id="", birth_date=future),
        content_type="application/json",
    )
    assert late.status_code == 400 and "birth_date" in late.json()
    outside = api.post("/api/v1/students/", api_body(cast.school_b1, personal_id=""), content_type="application/json")
    assert outside.status_code == 400 and "unit" in outside.json()
    assert Student.objects.count() == 2


@pytest.mark.django_db
def test_api_refuses_a_class_of_another_school_and_an_unfit_age(cast: Cast) -> None:
    other, nine = make_class(cast.school_a2, "1B", 1), make_class(cast.school_a2, "9A", 9)
    api = api_client(cast.commune_a_admin)
    wrong = api.post(
        "/api/v1/students/", api_body(cast.school_a1, school_class=other.pk), content_type="application/json"
    )
    assert wrong.status_code == 400 and "không thuộc" in wrong.json()["school_class"][0]
    young = api.post(
        "/api/v1/students/", api_body(cast.school_a2, school_class=nine.pk), content_type="application/json"
    )
    assert young.status_code == 400 and "khối 9" in young.json()["birth_date"][0]
    assert nothing_written()


@pytest.mark.django_db
def test_api_edit_needs_if_match_and_answers_412_when_stale(cast: Cast) -> None:
    student = make_student(cast.school_a1, temporary_code="TMP-00000005")
    api = api_client(cast.school_a1_admin)
    url = f"/api/v1/students/{student.pk}/"
    assert api.get(url)["ETag"] == '"1"'
    body = {"home_address": "Số 9 Lê Lợi"}
    assert api.patch(url, body, content_type="application/json").status_code == 428
    ok = api.patch(url, body, content_type="application/json", HTTP_IF_MATCH='"1"')
    assert ok.status_code == 200 and ok["ETag"] == '"2"' and ok.json()["home_address"] == "Số 9 Lê Lợi"
    stale = api.patch(url, {"home_address": "Ghi đè"}, content_type="application/json", HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412 and stale["ETag"] == '"2"'
    student.refresh_from_db()
    assert student.home_address == "Số 9 Lê Lợi"
    coded = api.patch(url, {"ministry_code": "3100077777"}, content_type="application/json", HTTP_IF_MATCH='"2"')
    assert coded.status_code == 200 and coded.json()["code"] == "3100077777"
    assert coded.json()["temporary_code"] == "TMP-00000005"
    etag = coded["ETag"]
    changed = api.patch(url, {"ministry_code": "3100077778"}, content_type="application/json", HTTP_IF_MATCH=etag)
    assert changed.status_code == 400 and "không thay đổi được" in changed.json()["ministry_code"][0]
    commune = api_client(cast.commune_a_admin)  # reaches both schools, still may not move a student by an edit
    moved = commune.patch(url, {"unit": cast.school_a2.pk}, content_type="application/json", HTTP_IF_MATCH=etag)
    assert moved.status_code == 400 and "chuyển trường" in moved.json()["unit"][0]


@pytest.mark.django_db
def test_api_create_with_an_idempotency_key_creates_once(cast: Cast) -> None:
    api = api_client(cast.school_a1_admin)
    body = api_body(cast.school_a1)
    first = api.post("/api/v1/students/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="hs-001")
    again = api.post("/api/v1/students/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="hs-001")
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"] and Student.objects.count() == 1
    assert AuditEntry.objects.filter(action="student.create").count() == 1
    assert IssuedCode.objects.filter(kind=CodeKind.STUDENT_TEMPORARY).count() == 1


@pytest.mark.django_db
def test_api_filters_and_autocomplete_stay_in_scope(cast: Cast) -> None:
    one_a = make_class(cast.school_a1, "1A", 1)
    for n in range(12):
        make_student(cast.school_a1, f"Đặng Văn Hoà {n}", school_class=one_a)
    make_student(cast.school_a2, "Đặng Thị Hòa", ministry_code="3100000123")
    make_student(cast.school_b1, "Đặng Văn Hoà Ngoài")
    api = api_client(cast.commune_a_admin)
    found = api.get("/api/v1/students/autocomplete/", {"q": "dang van hoa"})
    rows = found.json()
    assert found.status_code == 200 and len(rows) == 10
    assert set(rows[0]) == {"id", "code", "full_name", "class"} and rows[0]["class"] == "1A"
    assert all("Ngoài" not in row["full_name"] for row in rows)
    assert api.get("/api/v1/students/autocomplete/", {"q": "310000012"}).json()[0]["full_name"] == "Đặng Thị Hòa"
    assert api.get("/api/v1/students/autocomplete/").json() == []
    listed = api.get("/api/v1/students/", {"q": "dang thi hoa"}).json()
    assert [row["full_name"] for row in listed["results"]] == ["Đặng Thị Hòa"]
    assert api.get("/api/v1/students/", {"school_class": one_a.pk}).json()["count"] == 12
    assert api.get("/api/v1/students/", {"grade": "1", "status": "01"}).json()["count"] == 12
    assert api.get("/api/v1/students/", {"unit": cast.school_a2.pk}).json()["count"] == 1
    assert api.get("/api/v1/students/", {"unit": cast.school_b1.pk}).json()["count"] == 0


def test_expected_ages_follow_the_grade() -> None:
    year = SchoolYear(start_year=2026, starts_on=dt.date(2026, 9, 5), ends_on=dt.date(2027, 5, 31))
    from edudb.core.models import Unit

    school = Unit(level_codes="|th|")
    grade_one = SchoolClass(unit=school, school_year=year, name="1A", grade=1)
    assert enrolment.expected_ages(grade_one) == (5, 9)
    assert enrolment.expected_ages(grade_one, disabled=True) == (5, 12)
    enrolment.check_birth_date(dt.date(2020, 1, 1), grade_one)  # turns 6 in 2026
    with pytest.raises(Exception, match="khối 1"):
        enrolment.check_birth_date(dt.date(2023, 1, 1), grade_one)


@pytest.mark.django_db
def test_a_failure_at_the_last_step_rolls_back_the_code_claim(cast: Cast) -> None:
    """Two enrolments racing for one personal ID: the database refuses the second, and its code claim goes too."""
    make_student(cast.school_b1, "Hoàng Thị Trước", personal_id=PERSONAL_ID, ministry_code="3100000001")
    late = Student(
        unit=cast.school_a1,
        full_name="Hoàng Văn Sau",
        birth_date=birth_for(1),
        gender=item("gioi_tinh", "1"),
        personal_id=PERSONAL_ID,  # passed the form's check before the other enrolment was saved
    )
    with pytest.raises(ValidationError) as refused:
        enrolment.enrol(late, by=cast.school_a1_admin, ministry_code="3100099999")
    assert "học sinh khác" in str(refused.value.message_dict["personal_id"])
    assert Student.objects.count() == 1 and not IssuedCode.objects.exists()
    assert not AuditEntry.objects.filter(action="student.create").exists()


@pytest.mark.django_db
def test_a_temporary_code_held_by_an_unregistered_record_is_skipped(cast: Cast) -> None:
    make_student(cast.school_a1, "Ngô Văn Cũ", temporary_code="TMP-00000001")  # imported, never registered
    client = signed_in(cast.school_a1_admin)
    assert client.post(reverse("registry:student_create"), form_data(cast.school_a1)).status_code == 302
    assert Student.objects.get(full_name="Nguyễn Văn An").temporary_code == "TMP-00000002"


@pytest.mark.django_db
def test_a_guardian_row_without_a_name_is_refused(cast: Cast) -> None:
    client = signed_in(cast.school_a1_admin)
    data = {**form_data(cast.school_a1), "guardians-0-phone": "0912345678", "guardians-1-phone": "12"}
    response = client.post(reverse("registry:student_create"), data)
    assert response.status_code == 200
    rows = response.context["guardians"].forms
    assert "Hãy ghi họ và tên" in " ".join(rows[0].errors["full_name"])
    assert "10 chữ số" in " ".join(rows[1].errors["phone"])
    assert nothing_written()
