"""The quality pages and API (R6.2–R6.5): scorecards with figures recounted independently, rolled up the tree and
scoped; the clerk's work list; confirming and standardising; the Sở's settings; the API agreeing with the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format

from conftest import Cast
from edudb.core.models import AuditEntry
from edudb.core.tests.clients import api_client, signed_in
from edudb.quality import scoring
from edudb.quality.models import CompletenessRule, DataConfirmation, QualitySettings, RuleSetting, Target
from edudb.registry.models import StaffMember, Student
from edudb.registry.tests.test_staff import make_staff
from edudb.registry.tests.test_students import birth_for, item, make_student

pytestmark = pytest.mark.django_db

# The student fields the tests require (the Sở's defaults are many; three keep the arithmetic readable).
REQUIRED = ("full_name", "ethnicity", "birthplace")


def require_only(*fields: str) -> None:
    """Make ``fields`` the only required fields of learners, and require nothing of the other kinds of record."""
    CompletenessRule.objects.update(is_active=False)
    for name in fields:
        CompletenessRule.objects.update_or_create(
            target=Target.STUDENT, field=name, level="", defaults={"is_active": True}
        )


def pupil(unit: Any, name: str, **fields: Any) -> Student:
    values = {"ethnicity": item("dan_toc", "01"), "birthplace": "Hải Phòng", **fields}
    return make_student(unit, name, **values)


def cells(unit: Any) -> tuple[int, int]:
    """(required, filled) cells of ``unit``'s learners, recounted field by field in Python."""
    required = filled = 0
    for student in Student.objects.filter(unit=unit):
        for name in REQUIRED:
            required += 1
            field = student._meta.get_field(name)
            value = getattr(student, f"{name}_id" if field.is_relation else name)
            filled += value not in (None, "")
    return required, filled


def pct(part: int, whole: int) -> str:
    """How the pages write a share: rounded to one decimal, a decimal comma."""
    return f"{number_format(round(part / whole * 100, 1), 1)}%"


@pytest.fixture
def data(cast: Cast) -> dict[str, Any]:
    """Three pupils at school A1 (one without an ethnicity, one enrolled before birth: an error rule), two complete
    ones at school A2; measured."""
    require_only(*REQUIRED)
    made = {
        "nam": pupil(cast.school_a1, "Trần Văn Nam"),
        "lan": pupil(cast.school_a1, "Lê Thị Lan", ethnicity=None),
        "duc": pupil(cast.school_a1, "Phạm Minh Đức", enrolled_on=birth_for(1) - dt.timedelta(days=5)),
        "an": pupil(cast.school_a2, "Vũ Văn An"),
        "binh": pupil(cast.school_a2, "Đỗ Thị Bình"),
    }
    scoring.measure()
    return made


def page(account: Any, name: str, **kwargs: Any) -> str:
    response = signed_in(account).get(reverse(name, kwargs=kwargs or None))
    assert response.status_code == 200
    return response.content.decode()


# --- the scorecard ------------------------------------------------------------------------------------------------


def test_scorecard_shows_the_four_figures_recounted_independently(cast: Cast, data: dict[str, Any]) -> None:
    required, filled = cells(cast.school_a1)
    assert (required, filled) == (9, 8)
    text = page(cast.school_a1_admin, "quality:home")  # a school's home: its own scorecard
    assert "Trường Tiểu học Lê Văn Tám" in text
    assert pct(filled, required) in text and f"{filled}/{required} ô bắt buộc đã có" in text
    assert pct(2, 3) in text and "1 bản ghi có lỗi, 0 có cảnh báo" in text  # accuracy: one record with an error
    assert "Dưới 80%: cần khắc phục" in text  # the weak figure is flagged in words, not only in colour
    assert "0 giá trị chưa thống nhất" in text and "0 bản ghi quá 180 ngày chưa cập nhật hay xác nhận" in text
    assert '<th scope="row">Học sinh</th>' in text  # the table per component database
    assert "Đo lại ngay" in text and reverse("quality:worklist", kwargs={"pk": cast.school_a1.pk}) in text


def test_a_communes_figures_are_the_sums_of_its_schools(cast: Cast, data: dict[str, Any]) -> None:
    (r1, f1), (r2, f2) = cells(cast.school_a1), cells(cast.school_a2)
    text = page(cast.commune_a_admin, "quality:scorecard", pk=cast.commune_a.pk)
    assert pct(f1 + f2, r1 + r2) in text and f"{f1 + f2}/{r1 + r2} ô bắt buộc đã có" in text
    assert pct(4, 5) in text  # accuracy: four of five records without an error
    # The children's table: each school with its own figures and a link to its scorecard.
    for school, (required, filled) in ((cast.school_a1, (r1, f1)), (cast.school_a2, (r2, f2))):
        assert reverse("quality:scorecard", kwargs={"pk": school.pk}) in text
        assert pct(filled, required) in text
    # The weakest first by default (what needs attention), by name on request.
    weakest_first = text.index("Trường Tiểu học Lê Văn Tám") < text.index("Trường THCS Chu Văn An")
    by_name = signed_in(cast.commune_a_admin).get(
        reverse("quality:scorecard", kwargs={"pk": cast.commune_a.pk}), {"sort": "name"}
    )
    body = by_name.content.decode()
    assert weakest_first and body.index("Trường THCS Chu Văn An") < body.index("Trường Tiểu học Lê Văn Tám")
    # The breadcrumb of a school shows the commune above it.
    school = page(cast.commune_a_admin, "quality:scorecard", pk=cast.school_a1.pk)
    assert reverse("quality:scorecard", kwargs={"pk": cast.commune_a.pk}) in school


def test_a_staff_only_office_sees_staff_figures_only(cast: Cast, data: dict[str, Any]) -> None:
    make_staff(cast.so, full_name="Trần Văn Sở")
    make_staff(cast.thpt, full_name="Lê Văn Trung")
    pupil(cast.thpt, "Ngô Văn Học")
    scoring.measure()
    text = page(cast.office_tccb_user, "quality:home")  # an office starts from the Sở's scorecard
    assert "Sở Giáo dục và Đào tạo thành phố Hải Phòng" in text
    assert '<th scope="row">Cán bộ, giáo viên, nhân viên</th>' in text
    assert '<th scope="row">Học sinh</th>' not in text
    card = scoring.scorecard(cast.office_tccb_user, cast.so)
    assert card.total.records == 2 == StaffMember.objects.filter(unit__in=[cast.so, cast.thpt]).count()
    for hidden in ("UBND Phường Hồng Bàng", "Trường Tiểu học Lê Văn Tám"):
        assert hidden not in text


def test_a_school_cannot_open_a_siblings_scorecard_or_work_list(cast: Cast, data: dict[str, Any]) -> None:
    client = signed_in(cast.school_a2_admin)
    for name in ("quality:scorecard", "quality:worklist"):
        assert client.get(reverse(name, kwargs={"pk": cast.school_a1.pk})).status_code == 404
    before = AuditEntry.objects.count()
    response = client.post(reverse("quality:confirm", kwargs={"pk": cast.school_a1.pk}), {"target": "student"})
    assert response.status_code == 404 and AuditEntry.objects.count() == before
    assert not DataConfirmation.objects.exists()


def test_remeasuring_a_school_updates_its_figures_and_is_audited(cast: Cast, data: dict[str, Any]) -> None:
    Student.objects.filter(pk=data["lan"].pk).update(ethnicity=item("dan_toc", "01"))
    client = signed_in(cast.school_a1_admin)
    response = client.post(reverse("quality:measure", kwargs={"pk": cast.school_a1.pk}), follow=True)
    text = response.content.decode()
    assert "Đã đo lại." in text and "9/9 ô bắt buộc đã có" in text
    assert AuditEntry.objects.filter(action="quality.measure", actor_username="school_a1.admin").exists()


# --- the work list ------------------------------------------------------------------------------------------------


def test_work_list_names_the_missing_fields_and_the_findings_with_links(cast: Cast, data: dict[str, Any]) -> None:
    pupil(cast.school_a1, "<script>alert(1)</script>", birthplace="")
    client = signed_in(cast.school_a1_admin)
    url = reverse("quality:worklist", kwargs={"pk": cast.school_a1.pk})
    text = client.get(url, {"target": "student"}).content.decode()
    lan, duc = data["lan"], data["duc"]
    assert "Thiếu: Dân tộc" in text and "Thiếu: Nơi sinh" in text
    assert reverse("registry:student_edit", kwargs={"pk": lan.pk}) in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text and "<script>alert(1)" not in text
    # The findings: the record linked, the field's label and the message saying what to do.
    assert reverse("registry:student_detail", kwargs={"pk": duc.pk}) in text
    assert "<strong>Ngày nhập học</strong>" in text and "trước ngày sinh" in text
    assert "Trần Văn Nam" not in text  # nothing to fix
    # Filters: only the rules broken, or only the missing fields.
    invalid = client.get(url, {"target": "student", "kind": "invalid"}).content.decode()
    assert "trước ngày sinh" in invalid and "Thiếu: Dân tộc" not in invalid
    missing = client.get(url, {"target": "student", "kind": "missing"}).content.decode()
    assert "Thiếu: Dân tộc" in missing and "trước ngày sinh" not in missing
    by_rule = client.get(url, {"target": "student", "rule": "student.birth_date"}).content.decode()
    assert "trước ngày sinh" not in by_rule


def test_a_commune_narrows_its_work_list_to_one_school(cast: Cast, data: dict[str, Any]) -> None:
    client = signed_in(cast.commune_a_admin)
    url = reverse("quality:worklist", kwargs={"pk": cast.commune_a.pk})
    everything = client.get(url, {"target": "student"}).content.decode()
    assert "Lê Thị Lan" in everything
    Student.objects.filter(pk=data["an"].pk).update(birthplace="")
    a2 = client.get(url, {"target": "student", "unit": cast.school_a2.pk}).content.decode()
    assert "Vũ Văn An" in a2 and "Lê Thị Lan" not in a2
    # A unit outside the commune is refused with a message, and shows nothing of it.
    outside = client.get(url, {"target": "student", "unit": cast.school_b1.pk}).content.decode()
    assert "hãy chọn một đơn vị trong danh sách" in outside and "Trường Tiểu học An Lão" not in outside


def test_confirming_the_data_makes_stale_records_timely(
    cast: Cast, data: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    Student.objects.filter(unit=cast.school_a1).update(updated_at=timezone.now() - dt.timedelta(days=400))
    scoring.measure([cast.school_a1.pk])
    client = signed_in(cast.school_a1_admin)
    before = page(cast.school_a1_admin, "quality:scorecard", pk=cast.school_a1.pk)
    assert "3 bản ghi quá 180 ngày chưa cập nhật hay xác nhận" in before
    url = reverse("quality:worklist", kwargs={"pk": cast.school_a1.pk})
    assert "Xác nhận dữ liệu còn đúng" in client.get(url, {"target": "student"}).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("quality:confirm", kwargs={"pk": cast.school_a1.pk}), {"target": "student"}, follow=True
        )
    text = response.content.decode()
    assert "còn đúng" in text and "lần gần nhất" in text  # the message, then the last confirmation and who
    assert DataConfirmation.objects.get(unit=cast.school_a1, target=Target.STUDENT).confirmed_by == cast.school_a1_admin
    assert AuditEntry.objects.filter(action="quality.confirm").count() == 1
    after = page(cast.school_a1_admin, "quality:scorecard", pk=cast.school_a1.pk)
    assert "0 bản ghi quá 180 ngày chưa cập nhật hay xác nhận" in after


def test_confirming_needs_the_function_to_enter_that_data(cast: Cast, data: dict[str, Any]) -> None:
    client = signed_in(cast.school_a2_user)  # view only
    response = client.post(
        reverse("quality:confirm", kwargs={"pk": cast.school_a2.pk}), {"target": "student"}, follow=True
    )
    assert "Chỉ người được giao nhập dữ liệu này" in response.content.decode()
    assert not DataConfirmation.objects.exists()
    bad = signed_in(cast.school_a2_admin).post(
        reverse("quality:confirm", kwargs={"pk": cast.school_a2.pk}), {"target": "nonsense"}, follow=True
    )
    assert "Loại bản ghi: hãy chọn loại bản ghi trong danh sách." in bad.content.decode()
    assert not DataConfirmation.objects.exists()


def test_standardising_fixes_legacy_text_shown_in_the_work_list_and_audits_it(cast: Cast, data: dict[str, Any]) -> None:
    legacy = pupil(cast.school_a1, "NguyÔn V¨n An")  # "Nguyễn Văn An" typed in .VnTime (TCVN3)
    scoring.measure([cast.school_a1.pk])
    client = signed_in(cast.school_a1_admin)
    url = reverse("quality:worklist", kwargs={"pk": cast.school_a1.pk})
    text = client.get(url, {"target": "student"}).content.decode()
    assert "Chưa thống nhất" in text and "Nguyễn Văn An" in text  # the change, before → after, shown first
    assert "Chuẩn hóa 1 giá trị" in text
    response = client.post(
        reverse("quality:standardise", kwargs={"pk": cast.school_a1.pk}), {"target": "student"}, follow=True
    )
    assert "Đã chuẩn hóa 1 bản ghi" in response.content.decode()
    legacy.refresh_from_db()
    assert legacy.full_name == "Nguyễn Văn An"
    entry = AuditEntry.objects.get(action="student.update", object_id=str(legacy.pk))
    assert entry.changes["full_name"] == ["NguyÔn V¨n An", "Nguyễn Văn An"]
    assert entry.actor_username == "school_a1.admin"
    # A school that may only read cannot standardise: nothing changes.
    viewer = signed_in(cast.school_a2_user)
    Student.objects.filter(pk=data["an"].pk).update(full_name="Vò V¨n An")
    response = viewer.post(
        reverse("quality:standardise", kwargs={"pk": cast.school_a2.pk}), {"target": "student"}, follow=True
    )
    assert "không được giao sửa" in response.content.decode()
    assert Student.objects.get(pk=data["an"].pk).full_name == "Vò V¨n An"


# --- the Sở's settings ------------------------------------------------------------------------------------------


def test_every_account_reads_the_settings_and_only_the_so_changes_them(cast: Cast) -> None:
    text = page(cast.school_b2_user, "quality:settings")
    assert "Chỉ Sở Giáo dục và Đào tạo thay đổi được" in text and "disabled" in text
    assert "Ngày sinh của học sinh hợp lý" in text  # the rules, readable by a school
    before = (QualitySettings.current().stale_after_days, AuditEntry.objects.count(), RuleSetting.objects.count())
    rules_before = set(CompletenessRule.objects.filter(is_active=True).values_list("target", "field", "level"))
    client = signed_in(cast.school_a1_admin)
    for body in (
        {"action": "stale", "stale_after_days": "30"},
        {"action": "required", "target": "student", "req-student-full_name": [""]},
        {"action": "rules", "active__student__phone": "on", "severity__student__phone": "error"},
    ):
        assert client.post(reverse("quality:settings"), body).status_code == 403
    assert (QualitySettings.current().stale_after_days, AuditEntry.objects.count(), RuleSetting.objects.count()) == (
        before
    )
    assert set(CompletenessRule.objects.filter(is_active=True).values_list("target", "field", "level")) == rules_before


def test_the_so_sets_the_threshold_with_a_clear_refusal_of_bad_input(cast: Cast) -> None:
    client = signed_in(cast.so_admin)
    url = reverse("quality:settings")
    refused = client.post(url, {"action": "stale", "stale_after_days": "3"}).content.decode()
    assert "Số ngày quá hạn: hãy nhập một số ngày từ 7 đến 730." in refused
    assert QualitySettings.current().stale_after_days == 180
    response = client.post(url, {"action": "stale", "stale_after_days": "90"}, follow=True)
    assert "quá 90 ngày" in response.content.decode()
    assert QualitySettings.current().stale_after_days == 90
    entry = AuditEntry.objects.get(action="quality.settings")
    assert entry.changes["stale_after_days"] == [180, 90]


def test_the_so_chooses_the_required_fields_per_level(cast: Cast) -> None:
    client = signed_in(cast.so_admin)
    form = client.get(reverse("quality:settings")).content.decode()
    assert 'name="req-student-ethnicity"' in form and "Mầm non" in form
    body = {
        "action": "required",
        "target": "student",
        "req-student-full_name": [""],
        "req-student-ethnicity": ["th", "thcs"],
        "req-student-birthplace": ["", "mn"],  # every level wins over one level ticked with it
    }
    response = client.post(reverse("quality:settings"), body, follow=True)
    assert "Đã lưu các trường bắt buộc của “Học sinh”." in response.content.decode()
    active = set(CompletenessRule.objects.filter(target=Target.STUDENT, is_active=True).values_list("field", "level"))
    assert active == {("full_name", ""), ("ethnicity", "th"), ("ethnicity", "thcs"), ("birthplace", "")}
    assert AuditEntry.objects.filter(action="quality.required_fields").count() == 1
    bad = client.post(
        reverse("quality:settings"), {"action": "required", "target": "student", "req-student-ethnicity": ["dh"]}
    ).content.decode()
    assert "Dân tộc: cấp học “dh” không có" in bad
    assert (
        set(CompletenessRule.objects.filter(target=Target.STUDENT, is_active=True).values_list("field", "level"))
        == active
    )


def test_the_so_switches_a_rule_off_and_changes_a_severity(cast: Cast) -> None:
    from edudb.quality.forms_scores import RulesForm

    client = signed_in(cast.so_admin)
    form = RulesForm()
    body: dict[str, Any] = {"action": "rules"}
    for _code, _rule, _label, active, severity in form.table():
        if active.initial:
            body[active.html_name] = "on"
        body[severity.html_name] = severity.initial
    body.pop("active__student__phone")
    body["severity__staff__contact"] = "error"
    response = client.post(reverse("quality:settings"), body, follow=True)
    assert "Đã lưu 2 thay đổi của quy tắc kiểm tra." in response.content.decode()
    assert RuleSetting.objects.get(rule="student.phone").is_active is False
    assert RuleSetting.objects.get(rule="staff.contact").severity == "error"
    assert AuditEntry.objects.filter(action="quality.rule").count() == 2
    bad = dict(body, severity__staff__contact="fatal")
    text = client.post(reverse("quality:settings"), bad).content.decode()
    assert "hãy chọn Lỗi hoặc Cảnh báo" in text and AuditEntry.objects.filter(action="quality.rule").count() == 2


# --- the API ---------------------------------------------------------------------------------------------------


def test_api_scorecards_are_scoped_and_agree_with_the_pages(cast: Cast, data: dict[str, Any]) -> None:
    api = api_client(cast.commune_a_admin)
    detail = api.get(f"/api/v1/quality/scorecards/{cast.commune_a.pk}/").json()
    (r1, f1), (r2, f2) = cells(cast.school_a1), cells(cast.school_a2)
    assert detail["total"]["completeness"] == pytest.approx((f1 + f2) / (r1 + r2))
    assert detail["total"]["required_cells"] == r1 + r2 and detail["total"]["filled_cells"] == f1 + f2
    assert detail["total"]["accuracy"] == pytest.approx(4 / 5)
    assert [row["target"] for row in detail["by_target"]] == ["student"]
    children = {row["unit"]["id"]: row["total"] for row in detail["children"]}
    assert set(children) == {cast.school_a1.pk, cast.school_a2.pk}
    assert children[cast.school_a1.pk]["completeness"] == pytest.approx(f1 / r1)
    shown = page(cast.commune_a_admin, "quality:scorecard", pk=cast.commune_a.pk)
    assert pct(detail["total"]["filled_cells"], detail["total"]["required_cells"]) in shown
    # The list: the caller's unit first, then its children.
    listing = api.get("/api/v1/quality/scorecards/").json()["results"]
    assert [row["unit"]["id"] for row in listing] == [cast.commune_a.pk, cast.school_a2.pk, cast.school_a1.pk]
    assert listing[0]["total"] == detail["total"]
    # Out of scope is not found, by id or by ?unit=.
    assert api.get(f"/api/v1/quality/scorecards/{cast.school_b1.pk}/").status_code == 404
    assert api.get("/api/v1/quality/scorecards/", {"unit": cast.school_b1.pk}).status_code == 404
    assert api.get("/api/v1/quality/scorecards/", {"unit": "abc"}).status_code == 400
    sibling = api_client(cast.school_a2_admin)
    assert sibling.get(f"/api/v1/quality/scorecards/{cast.school_a1.pk}/").status_code == 404


def test_api_findings_are_scoped_and_filtered(cast: Cast, data: dict[str, Any]) -> None:
    commune = api_client(cast.commune_a_admin)
    rows = commune.get("/api/v1/quality/findings/", {"kind": "invalid"}).json()["results"]
    mine = [r for r in rows if r["object_id"] == data["duc"].pk]
    assert mine and mine[0]["rule"] == "student.dates_order" and mine[0]["field_label"] == "ngày nhập học"
    assert mine[0]["unit_name"] == "Trường Tiểu học Lê Văn Tám"
    by_unit = commune.get("/api/v1/quality/findings/", {"unit": cast.school_a2.pk}).json()
    assert by_unit["count"] == 0
    assert api_client(cast.school_a2_admin).get("/api/v1/quality/findings/").json()["count"] == 0
    assert (
        api_client(cast.commune_b_admin).get("/api/v1/quality/findings/", {"unit": cast.school_a1.pk}).json()["results"]
        == []
    )


def test_api_rules_give_the_settings_and_the_required_fields(cast: Cast) -> None:
    require_only(*REQUIRED)
    body = api_client(cast.school_b2_user).get("/api/v1/quality/rules/").json()
    assert body["stale_after_days"] == 180
    rules = {r["code"]: r for r in body["rules"]}
    assert rules["student.birth_date"]["severity"] == "error" and rules["student.birth_date"]["is_active"] is True
    required = {(r["target"], r["field"], r["level"]) for r in body["required_fields"]}
    assert required == {("student", name, "") for name in REQUIRED}
