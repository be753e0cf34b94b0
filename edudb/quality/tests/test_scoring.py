"""The scorecard engine (R6.2–R6.5): figures recounted independently from the records, rolled up the tree."""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from conftest import Cast
from edudb.core.models import AuditEntry
from edudb.quality import scoring, services
from edudb.quality.completeness import current_records, requirements
from edudb.quality.models import CompletenessRule, DataConfirmation, Finding, QualitySettings, Target, UnitScore
from edudb.registry.models import StaffMember, Student
from edudb.registry.tests.test_staff import make_staff
from edudb.registry.tests.test_students import birth_for, item, make_class, make_student

pytestmark = pytest.mark.django_db


def recount_completeness(unit: Any, target: str) -> tuple[int, int]:
    """Required and filled cells of ``unit``'s records, counted field by field in Python."""
    reqs = [r for r in requirements(target) if not r.level or f"|{r.level}|" in unit.level_codes]
    required = filled = 0
    for record in current_records(target).filter(unit=unit):
        for req in reqs:
            required += 1
            field = record._meta.get_field(req.field)
            value = getattr(record, field.attname)
            filled += value not in (None, "")
    return required, filled


def test_completeness_accuracy_and_rollup_match_an_independent_recount(cast: Cast) -> None:
    one_a = make_class(cast.school_a1, "1A", 1)
    make_student(cast.school_a1, "Lê Văn Một", school_class=one_a, ethnicity=item("dan_toc", "01"))
    make_student(cast.school_a1, "Lê Văn Hai", school_class=one_a, birthplace="Hải Phòng")
    make_student(cast.school_a1, "Lê Văn Ba", enrolled_on=birth_for(1) - dt.timedelta(days=5))  # an error rule
    make_student(cast.school_b1, "Trần Thị Bốn")
    make_student(cast.school_b1, "Trần Thị Năm", status=item("trang_thai_hoc_sinh", "05"))  # left: not counted
    scoring.measure()
    so_card = scoring.scorecard(cast.so_admin, cast.so)
    for school in (cast.school_a1, cast.school_b1):
        required, filled = recount_completeness(school, Target.STUDENT)
        card = scoring.scorecard(cast.so_admin, school).by_target[Target.STUDENT]
        assert (card.required_cells, card.filled_cells) == (required, filled)
        assert card.records == current_records(Target.STUDENT).filter(unit=school).count()
    a1 = scoring.scorecard(cast.so_admin, cast.school_a1).by_target[Target.STUDENT]
    assert a1.records == 3 and a1.records_with_errors == 1
    assert a1.accuracy == pytest.approx(2 / 3)
    # Roll-up: the Sở's figures are the sums of its schools'.
    b1 = scoring.scorecard(cast.so_admin, cast.school_b1).by_target[Target.STUDENT]
    city = so_card.by_target[Target.STUDENT]
    assert city.records == a1.records + b1.records == 4
    assert city.filled_cells == a1.filled_cells + b1.filled_cells
    commune_rows = {c.unit.pk: c for c in scoring.child_scorecards(cast.so_admin, cast.so, [cast.commune_a])}
    assert commune_rows[cast.commune_a.pk].by_target[Target.STUDENT].records == 3
    assert commune_rows[cast.commune_a.pk].total.records == 4  # and its one class


def test_the_required_fields_follow_the_sos_rules_and_level(cast: Cast) -> None:
    make_student(cast.school_a1, "Lê Văn Một")
    CompletenessRule.objects.filter(target=Target.STUDENT).update(is_active=False)
    CompletenessRule.objects.create(target=Target.STUDENT, field="birthplace", level="thcs")  # not a1's level
    CompletenessRule.objects.filter(target=Target.STUDENT, field="full_name").update(is_active=True)
    scoring.measure([cast.school_a1.pk])
    score = UnitScore.objects.get(unit=cast.school_a1, target=Target.STUDENT)
    assert (score.required_cells, score.filled_cells) == (1, 1)


def test_findings_name_the_record_and_field_and_replace_the_old_ones(cast: Cast) -> None:
    bad = make_student(cast.school_a1, "Lê Văn Ba", enrolled_on=birth_for(1) - dt.timedelta(days=5))
    scoring.measure([cast.school_a1.pk])
    finding = Finding.objects.get(unit=cast.school_a1, rule="student.dates_order")
    assert finding.object_id == bad.pk and finding.field == "enrolled_on" and "Lê Văn Ba" in finding.object_label
    Student.objects.filter(pk=bad.pk).update(enrolled_on=None)
    scoring.measure([cast.school_a1.pk])
    assert not Finding.objects.filter(unit=cast.school_a1, rule="student.dates_order").exists()


def test_legacy_and_decomposed_text_count_as_inconsistent_and_standardising_fixes_it(cast: Cast) -> None:
    tcvn3 = make_student(cast.school_a1, "NguyÔn V¨n An")  # "Nguyễn Văn An" typed in .VnTime
    nfd = make_student(cast.school_a1, "Trần Thị Lan")
    Student.objects.filter(pk=nfd.pk).update(full_name=unicodedata.normalize("NFD", "Trần Thị Lan"))  # an old load
    clean = make_student(cast.school_a1, "Phạm Thị Hòa")
    scoring.measure([cast.school_a1.pk])
    score = UnitScore.objects.get(unit=cast.school_a1, target=Target.STUDENT)
    inconsistent = set(Finding.objects.filter(kind=Finding.Kind.INCONSISTENT).values_list("object_id", flat=True))
    assert {tcvn3.pk, nfd.pk} <= inconsistent and clean.pk not in inconsistent
    assert score.inconsistent_values >= 2 and score.checked_values >= 3
    message = Finding.objects.get(object_id=tcvn3.pk, kind=Finding.Kind.INCONSISTENT, field="full_name").message
    assert "Nguyễn Văn An" in message and "TCVN3" in message
    changed = services.standardise_records(cast.school_a1, Target.STUDENT, by=cast.school_a1_admin)
    assert changed >= 2
    tcvn3.refresh_from_db()
    assert tcvn3.full_name == "Nguyễn Văn An" and tcvn3.name_key == "nguyen van an"
    entry = AuditEntry.objects.filter(action="student.update", object_id=str(tcvn3.pk)).get()
    assert entry.changes["full_name"] == ["NguyÔn V¨n An", "Nguyễn Văn An"]


def test_stale_records_are_flagged_until_the_unit_confirms(cast: Cast) -> None:
    staff = make_staff(cast.school_a1)
    StaffMember.objects.filter(pk=staff.pk).update(updated_at=timezone.now() - dt.timedelta(days=400))
    scoring.measure([cast.school_a1.pk])
    card = scoring.scorecard(cast.school_a1_admin, cast.school_a1).by_target[Target.STAFF]
    assert card.stale_records == 1 and card.timeliness == 0
    QualitySettings.objects.update_or_create(pk=1, defaults={"stale_after_days": 500})
    scoring.measure([cast.school_a1.pk])
    assert scoring.scorecard(cast.school_a1_admin, cast.school_a1).by_target[Target.STAFF].timeliness == 1
    QualitySettings.objects.filter(pk=1).update(stale_after_days=180)
    services.confirm_data(cast.school_a1, Target.STAFF, by=cast.school_a1_admin)
    scoring.measure([cast.school_a1.pk])
    assert DataConfirmation.objects.filter(unit=cast.school_a1, target=Target.STAFF).exists()
    assert scoring.scorecard(cast.school_a1_admin, cast.school_a1).by_target[Target.STAFF].stale_records == 0


def test_confirming_needs_the_function_to_enter_that_data(cast: Cast) -> None:
    with pytest.raises(PermissionDenied) as refused:
        services.confirm_data(cast.school_a1, Target.STAFF, by=cast.school_a1_user)  # enters students only
    assert "xác nhận" in str(refused.value)
    assert not DataConfirmation.objects.exists()


def test_scores_are_scoped_per_database(cast: Cast) -> None:
    make_staff(cast.school_a1)
    make_student(cast.school_a1, "Lê Văn Một")
    scoring.measure()
    tccb = scoring.scorecard(cast.office_tccb_user, cast.so)  # staff oversight only
    assert set(tccb.by_target) <= {Target.STAFF} and Target.STUDENT not in tccb.by_target
    sibling = scoring.scorecard(cast.school_a2_user, cast.school_a1)
    assert sibling.total.records == 0


def test_the_command_measures_one_branch_with_progress(cast: Cast) -> None:
    import io

    from django.core.management import CommandError, call_command

    make_student(cast.school_a1, "Lê Văn Một")
    out = io.StringIO()
    call_command("measure_quality", unit=cast.commune_a.code, stdout=out)
    assert "3/3 đơn vị" in out.getvalue() and "Đã đo chất lượng dữ liệu của 3 đơn vị" in out.getvalue()
    assert UnitScore.objects.filter(unit=cast.school_a1, target=Target.STUDENT).exists()
    assert not UnitScore.objects.filter(unit=cast.school_b1).exists()
    with pytest.raises(CommandError, match="Không có đơn vị"):
        call_command("measure_quality", unit="NOPE", stdout=io.StringIO())


def test_a_record_page_says_when_it_was_last_changed_or_confirmed(cast: Cast) -> None:
    from edudb.core.tests.clients import signed_in

    staff = make_staff(cast.school_a1)
    client = signed_in(cast.school_a1_admin)
    page = client.get(f"/staff/{staff.pk}/").content.decode()
    assert "sửa lần cuối" in page and "Quá hạn" not in page
    StaffMember.objects.filter(pk=staff.pk).update(updated_at=timezone.now() - dt.timedelta(days=200))
    page = client.get(f"/staff/{staff.pk}/").content.decode()
    assert "Quá hạn" in page and "180 ngày" in page
    services.confirm_data(cast.school_a1, Target.STAFF, by=cast.school_a1_admin)
    page = client.get(f"/staff/{staff.pk}/").content.decode()
    assert "Quá hạn" not in page and "đơn vị xác nhận dữ liệu còn đúng" in page
