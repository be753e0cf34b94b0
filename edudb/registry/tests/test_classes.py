"""The classes database: pages and API — level rules, same-school choices, class size, scope, versions, escaping."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from django.urls import reverse

from conftest import Cast
from edudb.core.models import AuditEntry
from edudb.core.tests.clients import api_client, signed_in
from edudb.quality.models import CodeItem, items_of
from edudb.registry.models import SchoolClass, Site, StaffMember, Student
from edudb.reporting.models import SchoolYear

_numbers = itertools.count(1)


@pytest.fixture
def year(db: Any) -> SchoolYear:
    return SchoolYear.objects.get(is_current=True)


def item(list_code: str, code: str) -> CodeItem:
    return items_of(list_code).get(code=code)


def site_of(unit: Any, code: str = "DC", name: str | None = None) -> Site:
    return Site.objects.get_or_create(
        unit=unit, code=code, defaults={"name": name or f"Điểm {code}", "is_main": code == "DC"}
    )[0]


def teacher_of(unit: Any, full_name: str) -> StaffMember:
    return StaffMember.objects.create(
        unit=unit,
        full_name=full_name,
        birth_date=dt.date(1985, 3, 14),
        gender=item("gioi_tinh", "2"),
        staff_type=item("loai_can_bo", "2"),
        work_status=item("trang_thai_can_bo", "01"),
    )


def student_in(school_class: SchoolClass, full_name: str, status: str = "01") -> Student:
    return Student.objects.create(
        unit=school_class.unit,
        school_class=school_class,
        full_name=full_name,
        birth_date=dt.date(2018, 1, 1),
        gender=item("gioi_tinh", "1"),
        status=item("trang_thai_hoc_sinh", status),
        temporary_code=f"TMP-{next(_numbers):08d}",
    )


def class_of(unit: Any, year: SchoolYear, name: str, grade: int | None = None, **fields: Any) -> SchoolClass:
    return SchoolClass.objects.create(unit=unit, school_year=year, name=name, grade=grade, **fields)


def form_data(unit: Any, year: SchoolYear, **fields: Any) -> dict[str, Any]:
    return {"unit": unit.pk, "school_year": year.pk, "name": "1A", "grade": 1, **fields}


def errors_of(response: Any) -> str:
    assert response.status_code == 200, "the form should have been shown again"
    text: str = response.content.decode()
    return text


# --- pages: create, edit, history -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_school_admin_creates_and_edits_a_class_with_history(cast: Cast, year: SchoolYear) -> None:
    site = site_of(cast.school_a1)
    teacher = teacher_of(cast.school_a1, "Trần Thị Hoa")
    client = signed_in(cast.school_a1_admin)
    form = client.get(reverse("registry:class_create")).content.decode()
    assert "Trường Tiểu học Lê Văn Tám" in form and "Trần Thị Hoa" in form  # its only school, already chosen
    response = client.post(
        reverse("registry:class_create"),
        form_data(
            cast.school_a1,
            year,
            name="  1A  ",
            site=site.pk,
            homeroom_teacher=teacher.pk,
            max_students=35,
            two_sessions="on",
            foreign_language=item("ngoai_ngu", "EN").pk,
            sessions_per_week=10,
        ),
    )
    school_class = SchoolClass.objects.get()
    assert response.status_code == 302 and response["Location"] == school_class.get_absolute_url()
    assert school_class.name == "1A" and school_class.homeroom_teacher == teacher and school_class.two_sessions
    created = AuditEntry.objects.get(action="schoolclass.create")
    assert created.unit_id == cast.school_a1.pk and created.changes["grade"] == [None, 1]

    edit = reverse("registry:class_edit", kwargs={"pk": school_class.pk})
    data = form_data(cast.school_a1, year, max_students=30, semi_boarding="on", version=1)
    assert client.post(edit, data).status_code == 302
    school_class.refresh_from_db()
    assert school_class.version == 2 and school_class.max_students == 30 and school_class.homeroom_teacher_id is None
    update = AuditEntry.objects.get(action="schoolclass.update")
    assert update.changes["max_students"] == [35, 30] and update.changes["semi_boarding"] == [False, True]
    page = client.get(school_class.get_absolute_url()).content.decode()
    assert "Lịch sử thay đổi" in page and "max_students" in page and "school_a1.admin" in page


@pytest.mark.django_db
def test_a_class_stays_with_its_school(cast: Cast, year: SchoolYear) -> None:
    school_class = class_of(cast.school_a1, year, "1A", 1)
    client = signed_in(cast.commune_a_admin)
    edit = reverse("registry:class_edit", kwargs={"pk": school_class.pk})
    client.post(edit, form_data(cast.school_a2, year, grade=6, version=1))
    school_class.refresh_from_db()
    assert school_class.unit == cast.school_a1  # the school field is disabled on edit: the posted one is ignored


# --- the level rules ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_grade_outside_the_schools_levels_is_refused(cast: Cast, year: SchoolYear) -> None:
    client = signed_in(cast.commune_a_admin)
    page = errors_of(client.post(reverse("registry:class_create"), form_data(cast.school_a1, year, grade=9)))
    assert "Khối lớp: khối 9 không thuộc cấp học của Trường Tiểu học Lê Văn Tám" in page and "tiểu học: 1–5" in page
    page = errors_of(client.post(reverse("registry:class_create"), form_data(cast.school_a2, year, grade=5)))
    assert "khối 5 không thuộc cấp học" in page and "THCS: 6–9" in page
    assert not SchoolClass.objects.exists()
    assert client.post(reverse("registry:class_create"), form_data(cast.school_a2, year, grade=9)).status_code == 302


@pytest.mark.django_db
def test_preschool_classes_have_an_age_group_not_a_grade(cast: Cast, year: SchoolYear) -> None:
    client = signed_in(cast.commune_b_admin)
    oldest = item("nhom_tuoi_mam_non", "18").pk
    create = reverse("registry:class_create")
    page = errors_of(client.post(create, form_data(cast.school_b2, year, name="Lá 1", grade=1)))
    assert "không dạy lớp phổ thông" in page
    ok = client.post(create, form_data(cast.school_b2, year, name="Lá 1", grade="", age_group=oldest))
    assert ok.status_code == 302 and SchoolClass.objects.get().age_group_id == oldest
    page = errors_of(client.post(create, form_data(cast.school_b1, year, name="1B", age_group=oldest)))
    assert "Chỉ chọn một trong hai" in page
    page = errors_of(client.post(create, form_data(cast.school_b1, year, name="1B", grade="", age_group=oldest)))
    assert "Trường Tiểu học An Lão không có cấp mầm non" in page
    page = errors_of(client.post(create, form_data(cast.school_b1, year, name="1B", grade="")))
    assert "hãy chọn khối lớp" in page
    assert SchoolClass.objects.count() == 1


# --- choices of the same school ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_site_of_another_school_is_refused(cast: Cast, year: SchoolYear) -> None:
    own, other = site_of(cast.school_a1, name="Điểm chính Lê Văn Tám"), site_of(cast.school_a2, name="Điểm Chu Văn An")
    client = signed_in(cast.commune_a_admin)
    form = client.get(reverse("registry:class_create"), {"unit": cast.school_a1.pk}).content.decode()
    assert "Điểm chính Lê Văn Tám" in form and "Điểm Chu Văn An" not in form  # the chosen school's sites only
    page = errors_of(client.post(reverse("registry:class_create"), form_data(cast.school_a1, year, site=other.pk)))
    assert "Điểm trường: điểm trường đã chọn không thuộc trường này" in page and not SchoolClass.objects.exists()
    assert (
        client.post(reverse("registry:class_create"), form_data(cast.school_a1, year, site=own.pk)).status_code == 302
    )


@pytest.mark.django_db
def test_a_homeroom_teacher_of_another_school_is_refused(cast: Cast, year: SchoolYear) -> None:
    own, other = teacher_of(cast.school_a1, "Lê Thị Mai"), teacher_of(cast.school_a2, "Phạm Văn Hùng")
    client = signed_in(cast.commune_a_admin)
    form = client.get(reverse("registry:class_create"), {"unit": cast.school_a1.pk}).content.decode()
    assert "Lê Thị Mai" in form and "Phạm Văn Hùng" not in form
    create = reverse("registry:class_create")
    page = errors_of(client.post(create, form_data(cast.school_a1, year, homeroom_teacher=other.pk)))
    assert (
        "Giáo viên chủ nhiệm: người đã chọn không phải cán bộ, giáo viên của trường này" in page
        and not SchoolClass.objects.exists()
    )
    assert client.post(create, form_data(cast.school_a1, year, homeroom_teacher=own.pk)).status_code == 302


@pytest.mark.django_db
def test_without_a_chosen_school_the_dependent_lists_are_empty(cast: Cast, year: SchoolYear) -> None:
    site_of(cast.school_a1, name="Điểm chính Lê Văn Tám")
    teacher_of(cast.school_a1, "Lê Thị Mai")
    page = signed_in(cast.so_admin).get(reverse("registry:class_create")).content.decode()
    assert "Điểm chính Lê Văn Tám" not in page and "Lê Thị Mai" not in page and "Chọn trường trước" in page


# --- names and sizes --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_duplicate_class_name_gets_a_friendly_message(cast: Cast, year: SchoolYear) -> None:
    class_of(cast.school_a1, year, "1A", 1)
    client = signed_in(cast.school_a1_admin)
    page = errors_of(client.post(reverse("registry:class_create"), form_data(cast.school_a1, year, name="1a")))
    assert "Tên lớp: Trường Tiểu học Lê Văn Tám đã có lớp «1a» trong năm học" in page
    assert SchoolClass.objects.count() == 1
    previous = SchoolYear.objects.get(start_year=year.start_year - 1)
    assert client.post(reverse("registry:class_create"), form_data(cast.school_a1, previous)).status_code == 302


@pytest.mark.django_db
def test_class_size_is_within_the_legal_maximum(cast: Cast, year: SchoolYear) -> None:
    create = reverse("registry:class_create")
    primary = signed_in(cast.school_a1_admin)
    page = errors_of(primary.post(create, form_data(cast.school_a1, year, max_students=36)))
    assert "Sĩ số tối đa: 36 vượt mức Điều lệ trường cho phép với lớp này (không quá 35)" in page
    assert primary.post(create, form_data(cast.school_a1, year, max_students=35)).status_code == 302
    secondary = signed_in(cast.school_a2_admin)
    page = errors_of(secondary.post(create, form_data(cast.school_a2, year, name="6A", grade=6, max_students=46)))
    assert "không quá 45" in page
    preschool = signed_in(cast.school_b2_admin)
    babies = form_data(cast.school_b2, year, name="Nhà trẻ 1", grade="", age_group=item("nhom_tuoi_mam_non", "13").pk)
    assert "không quá 15" in errors_of(preschool.post(create, {**babies, "max_students": 16}))
    assert SchoolClass.objects.count() == 1


@pytest.mark.django_db
def test_a_specialised_class_names_its_subject(cast: Cast, year: SchoolYear) -> None:
    client = signed_in(cast.thpt_admin)
    data = form_data(cast.thpt, year, name="10 Toán", grade=10, is_specialised="on")
    assert "Môn chuyên: lớp chuyên / năng khiếu cần ghi môn chuyên" in errors_of(
        client.post(reverse("registry:class_create"), data)
    )
    assert client.post(reverse("registry:class_create"), {**data, "specialised_subject": "Toán"}).status_code == 302


# --- the list: year, counts, scope, escaping ------------------------------------------------------------------


@pytest.mark.django_db
def test_the_list_counts_the_learners_in_each_class(cast: Cast, year: SchoolYear) -> None:
    one_a, one_b = class_of(cast.school_a1, year, "1A", 1, max_students=35), class_of(cast.school_a1, year, "1B", 1)
    for n in range(3):
        student_in(one_a, f"Nguyễn Văn {n}")
    student_in(one_a, "Đã Chuyển Đi", status="04")  # transferred out in term 1: not counted
    student_in(one_b, "Lê Thị Bé")
    page = signed_in(cast.school_a1_admin).get(reverse("registry:class_list")).content.decode()
    assert '<td class="num">3<span class="muted"> / 35</span></td>' in page
    assert '<td class="num">1</td>' in page
    detail = signed_in(cast.school_a1_admin).get(one_a.get_absolute_url()).content.decode()
    assert "Nguyễn Văn 2" in detail and "Đã Chuyển Đi" not in detail and "không quá 35" in detail


@pytest.mark.django_db
def test_the_list_shows_the_current_year_unless_asked(cast: Cast, year: SchoolYear) -> None:
    previous = SchoolYear.objects.get(start_year=year.start_year - 1)
    class_of(cast.school_a1, year, "1A Năm Nay", 1)
    class_of(cast.school_a1, previous, "1A Năm Trước", 1)
    client = signed_in(cast.school_a1_admin)
    page = client.get(reverse("registry:class_list")).content.decode()
    assert "1A Năm Nay" in page and "1A Năm Trước" not in page
    every_year = client.get(reverse("registry:class_list"), {"school_year": ""}).content.decode()
    assert "1A Năm Nay" in every_year and "1A Năm Trước" in every_year
    by_grade = client.get(reverse("registry:class_list"), {"grade": 2}).content.decode()
    assert "1A Năm Nay" not in by_grade


@pytest.mark.django_db
def test_search_finds_a_class_by_its_name_or_its_school(cast: Cast, year: SchoolYear) -> None:
    class_of(cast.school_a1, year, "1A", 1)
    class_of(cast.school_a2, year, "6C", 6, two_sessions=True)
    client = signed_in(cast.commune_a_admin)
    by_school = client.get(reverse("registry:class_list"), {"q": "chu van an"}).content.decode()
    assert ">6C<" in by_school and ">1A<" not in by_school
    by_name = client.get(reverse("registry:class_list"), {"q": "1a"}).content.decode()
    assert ">1A<" in by_name and ">6C<" not in by_name
    by_flag = client.get(reverse("registry:class_list"), {"flag": "two_sessions"}).content.decode()
    assert ">6C<" in by_flag and ">1A<" not in by_flag
    partial = client.get(
        reverse("registry:class_list"), {"q": "6c"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="class-results"
    )
    assert "<html" not in partial.content.decode() and ">6C<" in partial.content.decode()


@pytest.mark.django_db
def test_a_school_sees_only_its_own_classes(cast: Cast, year: SchoolYear) -> None:
    own, other = class_of(cast.school_a1, year, "1A Của Mình", 1), class_of(cast.school_b1, year, "1B Trường Khác", 1)
    client = signed_in(cast.school_a1_admin)
    page = client.get(reverse("registry:class_list")).content.decode()
    assert "1A Của Mình" in page and "1B Trường Khác" not in page and "Trường Tiểu học An Lão" not in page
    assert client.get(other.get_absolute_url()).status_code == 404
    assert client.get(reverse("registry:class_edit", kwargs={"pk": other.pk})).status_code == 404
    assert client.get(own.get_absolute_url()).status_code == 200
    staff_office = signed_in(cast.office_tccb_user).get(reverse("registry:class_list")).content.decode()
    assert "1A Của Mình" not in staff_office and "Trường Tiểu học Lê Văn Tám" not in staff_office
    primary_office = signed_in(cast.office_th_user).get(reverse("registry:class_list")).content.decode()
    assert "1A Của Mình" in primary_office and "1B Trường Khác" in primary_office
    viewer = signed_in(cast.school_a1_user)  # may view, may not enter school data
    assert viewer.get(reverse("registry:class_edit", kwargs={"pk": own.pk})).status_code == 404
    refused = viewer.post(reverse("registry:class_create"), form_data(cast.school_a1, year, name="1C"))
    assert refused.status_code == 200 and not SchoolClass.objects.filter(name="1C").exists()


@pytest.mark.django_db
def test_the_second_of_two_concurrent_edits_is_refused(cast: Cast, year: SchoolYear) -> None:
    school_class = class_of(cast.school_a1, year, "1A", 1)
    first, second = signed_in(cast.school_a1_admin), signed_in(cast.commune_a_admin)
    edit = reverse("registry:class_edit", kwargs={"pk": school_class.pk})
    assert first.post(edit, form_data(cast.school_a1, year, max_students=30, version=1)).status_code == 302
    refused = second.post(edit, form_data(cast.school_a1, year, max_students=25, version=1))
    assert refused.status_code == 200 and "sau khi bạn mở nó" in refused.content.decode()
    school_class.refresh_from_db()
    assert school_class.max_students == 30 and school_class.version == 2


@pytest.mark.django_db
def test_class_names_with_markup_are_shown_escaped(cast: Cast, year: SchoolYear) -> None:
    school_class = class_of(cast.school_a1, year, "<script>x</script>", 1)
    teacher = teacher_of(cast.school_a1, '<b onmouseover="x">Cô</b>')
    school_class.homeroom_teacher = teacher
    school_class.save()
    client = signed_in(cast.school_a1_admin)
    for url in (reverse("registry:class_list"), school_class.get_absolute_url()):
        page = client.get(url).content.decode()
        assert "<script>x" not in page and "&lt;script&gt;x&lt;/script&gt;" in page
        assert "<b onmouseover" not in page and "&lt;b onmouseover=&quot;x&quot;&gt;" in page


# --- API -----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_api_creates_filters_and_versions_classes(cast: Cast, year: SchoolYear) -> None:
    api = api_client(cast.commune_a_admin)
    body = {"unit": cast.school_a2.pk, "school_year": year.pk, "name": " 6A ", "grade": 6, "max_students": 40}
    created = api.post("/api/v1/classes/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="lop-6a")
    again = api.post("/api/v1/classes/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="lop-6a")
    assert created.status_code == again.status_code == 201 and created.json()["id"] == again.json()["id"]
    assert created.json()["name"] == "6A" and created.json()["student_count"] == 0
    assert SchoolClass.objects.count() == 1
    class_of(cast.school_a1, year, "1A", 1)
    listed = api.get("/api/v1/classes/", {"grade": 6}).json()
    assert [row["name"] for row in listed["results"]] == ["6A"]
    assert api.get("/api/v1/classes/", {"unit": cast.school_a1.pk}).json()["count"] == 1
    url = f"/api/v1/classes/{created.json()['id']}/"
    assert api.get(url)["ETag"] == '"1"'
    ok = api.patch(url, {"max_students": 42}, content_type="application/json", HTTP_IF_MATCH='"1"')
    assert ok.status_code == 200 and ok["ETag"] == '"2"'
    stale = api.patch(url, {"max_students": 44}, content_type="application/json", HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412 and SchoolClass.objects.get(name="6A").max_students == 42


@pytest.mark.django_db
def test_api_applies_the_same_rules_as_the_pages(cast: Cast, year: SchoolYear) -> None:
    api = api_client(cast.commune_a_admin)
    other_site, other_teacher = site_of(cast.school_a2), teacher_of(cast.school_a2, "Phạm Văn Hùng")
    base = {"unit": cast.school_a1.pk, "school_year": year.pk, "name": "1A", "grade": 1}
    cases = [
        ({"grade": 9}, "grade", "không thuộc cấp học"),
        ({"site": other_site.pk}, "site", "không thuộc Trường Tiểu học Lê Văn Tám"),
        ({"homeroom_teacher": other_teacher.pk}, "homeroom_teacher", "không phải cán bộ, giáo viên"),
        ({"max_students": 36}, "max_students", "không quá 35"),
        ({"unit": cast.school_b1.pk}, "unit", ""),  # out of reach: "does not exist"
    ]
    for change, field, words in cases:
        response = api.post("/api/v1/classes/", {**base, **change}, content_type="application/json")
        assert response.status_code == 400 and field in response.json(), change
        assert words in str(response.json()[field]), change
    assert not SchoolClass.objects.exists()
    class_of(cast.school_a1, year, "1A", 1)
    duplicate = api.post("/api/v1/classes/", base, content_type="application/json")
    assert duplicate.status_code == 400 and "đã có lớp «1A»" in str(duplicate.json()["name"])
    viewer = api_client(cast.school_a1_user)  # may view, may not enter school data
    assert viewer.post("/api/v1/classes/", {**base, "name": "1B"}, content_type="application/json").status_code == 400
    assert SchoolClass.objects.count() == 1


@pytest.mark.django_db
def test_api_partial_update_is_checked_against_the_stored_values(cast: Cast, year: SchoolYear) -> None:
    school_class = class_of(cast.school_b2, year, "Lá 1", None, age_group=item("nhom_tuoi_mam_non", "18"))
    api = api_client(cast.school_b2_admin)
    url = f"/api/v1/classes/{school_class.pk}/"
    response = api.patch(url, {"max_students": 36}, content_type="application/json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 400 and "không quá 35" in str(response.json()["max_students"])
    response = api.patch(url, {"grade": 1}, content_type="application/json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 400 and "age_group" in response.json()
    school_class.refresh_from_db()
    assert school_class.version == 1 and school_class.max_students is None
