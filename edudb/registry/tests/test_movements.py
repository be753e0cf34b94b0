"""Everyday movements: transfers between schools (two ends), drop-out and return, staff moves, the rollover."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from conftest import Cast
from edudb.core.models import AuditEntry
from edudb.core.tests.clients import api_client, signed_in
from edudb.quality.models import items_of
from edudb.registry import enrolment, rollover, transfers
from edudb.registry.models import (
    LearningResult,
    Rollover,
    SchoolClass,
    StaffMember,
    StaffTransfer,
    Student,
    StudentEvent,
    StudentTransfer,
    TransferState,
)
from edudb.registry.tests.test_students import birth_for, current_year, item, make_class, make_student
from edudb.reporting.models import SchoolYear

pytestmark = pytest.mark.django_db


def term1_day() -> dt.date:
    return current_year().starts_on + dt.timedelta(days=30)


def status_of(student: Student) -> str:
    return Student.objects.select_related("status").get(pk=student.pk).status.code


def make_staff(unit: Any, name: str = "Trần Thị Mai") -> StaffMember:
    return StaffMember.objects.create(
        unit=unit,
        full_name=name,
        birth_date=dt.date(1985, 5, 1),
        gender=item("gioi_tinh", "2"),
        staff_type=item("loai_can_bo", "2"),
        work_status=item("trang_thai_can_bo", "01"),
    )


# --- student transfers ---------------------------------------------------------------------------------------------


def test_a_transfer_moves_the_record_with_its_code_and_both_ends_keep_their_part(cast: Cast) -> None:
    sender, receiver = cast.accounts["school_a1_admin"], cast.accounts["school_b1_admin"]
    student = make_student(
        cast.school_a1,
        ministry_code="3100000123",
        school_class=make_class(cast.school_a1, "3A", 3),
        birth_date=birth_for(3),
    )
    new_class = make_class(cast.school_b1, "3B", 3)

    transfer = transfers.release_student(student.pk, by=sender, to_unit=cast.school_b1, leaves_on=term1_day())
    assert transfer.state == TransferState.PENDING and transfer.term == 1
    assert Student.objects.get(pk=student.pk).unit == cast.school_a1  # still here until accepted

    # The receiving school sees the request, not the student yet; the sender cannot accept it.
    assert not Student.objects.visible_to(receiver).filter(pk=student.pk).exists()
    assert StudentTransfer.objects.visible_to(receiver).filter(pk=transfer.pk).exists()
    with pytest.raises(PermissionDenied):  # the sender is not the receiving end
        transfers.accept_student(transfer.pk, by=sender, to_class=None)

    transfers.accept_student(transfer.pk, by=receiver, to_class=new_class)
    moved = Student.objects.get(pk=student.pk)
    assert (moved.unit, moved.school_class, moved.ministry_code) == (cast.school_b1, new_class, "3100000123")
    assert status_of(student) == "02"  # Chuyển đến kỳ 1
    assert moved.version == student.version + 1

    # Each school keeps its own line in the journal; the sender no longer sees the record, but sees the transfer.
    out = StudentEvent.objects.visible_to(sender).get(student=student)
    into = StudentEvent.objects.visible_to(receiver).get(student=student)
    assert out.status is not None and into.status is not None
    assert (out.kind, out.status.code, out.grade) == ("transferred_out", "04", 3)
    assert (into.kind, into.status.code, into.school_class) == ("transferred_in", "02", new_class)
    assert not Student.objects.visible_to(sender).filter(pk=student.pk).exists()
    assert StudentTransfer.objects.visible_to(sender).get(pk=transfer.pk).state == TransferState.ACCEPTED
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"studenttransfer.release", "studenttransfer.accept", "student.transfer_in"} <= actions

    # Both ends read the record's history on the transfer page.
    for account in (sender, receiver):
        page = signed_in(account).get(reverse("registry:move_transfer_detail", kwargs={"pk": transfer.pk}))
        assert page.status_code == 200
        assert "Chuyển trường" in page.content.decode()


def test_the_status_codes_follow_the_term(cast: Cast) -> None:
    admin = cast.accounts["school_a1_admin"]
    last_year = SchoolYear.objects.get(start_year=current_year().start_year - 1)
    cases = [
        (last_year.second_term_starts + dt.timedelta(days=20), "09"),  # thôi học kỳ 2
        (last_year.ends_on + dt.timedelta(days=20), "12"),  # thôi học trong hè
        (term1_day(), "05"),  # thôi học kỳ 1
    ]
    for number, (day, code) in enumerate(cases):
        student = make_student(cast.school_a1, f"Học Sinh {number}")
        transfers.drop_out(student.pk, by=admin, on=day, reason="Theo gia đình đi làm ăn xa")
        assert status_of(student) == code, day


def test_drop_out_and_return(cast: Cast) -> None:
    admin = cast.accounts["school_a1_admin"]
    student = make_student(cast.school_a1, school_class=make_class(cast.school_a1, "1A", 1))
    with pytest.raises(ValidationError) as refused:
        transfers.drop_out(student.pk, by=admin, on=term1_day(), reason=" ")
    assert "reason" in refused.value.message_dict
    transfers.drop_out(student.pk, by=admin, on=term1_day(), reason="Hoàn cảnh gia đình")
    assert status_of(student) == "05"

    other_school_class = make_class(cast.school_a2, "6A", 6)
    with pytest.raises(ValidationError) as wrong:
        transfers.return_to_school(student.pk, by=admin, on=term1_day(), school_class=other_school_class)
    assert "school_class" in wrong.value.message_dict
    back = make_class(cast.school_a1, "1B", 1)
    transfers.return_to_school(student.pk, by=admin, on=term1_day() + dt.timedelta(days=3), school_class=back)
    assert status_of(student) == "03" and Student.objects.get(pk=student.pk).school_class == back
    kinds = list(StudentEvent.objects.filter(student=student).order_by("pk").values_list("kind", flat=True))
    assert kinds == ["dropped_out", "returned"]


@pytest.mark.parametrize(
    ("target", "field_message"),
    [
        ("commune_b", "không phải là một cơ sở giáo dục"),  # a commune office cannot take a pupil
        ("school_a2", "không dạy khối 3"),  # a lower-secondary school has no grade 3
        ("school_a1", "trùng với trường hiện tại"),
        ("school_b2", "không dạy khối 3"),  # a preschool
    ],
)
def test_a_transfer_out_of_reach_is_refused_and_nothing_is_written(cast: Cast, target: str, field_message: str) -> None:
    student = make_student(cast.school_a1, school_class=make_class(cast.school_a1, "3A", 3), birth_date=birth_for(3))
    audit_before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as refused:
        transfers.release_student(
            student.pk, by=cast.accounts["school_a1_admin"], to_unit=cast.units[target], leaves_on=term1_day()
        )
    assert field_message in " ".join(refused.value.message_dict["to_unit"])
    assert not StudentTransfer.objects.exists() and AuditEntry.objects.count() == audit_before


def test_transfer_pages_release_refuse_and_cancel(cast: Cast) -> None:
    sender = signed_in(cast.accounts["school_a1_admin"])
    student = make_student(cast.school_a1, "<script>alert(1)</script> Nguyễn")
    url = reverse("registry:move_student", kwargs={"pk": student.pk})
    assert sender.get(url).status_code == 200
    # A school typed by its code (as the suggestion list fills it in) and a date as the picker sends it.
    response = sender.post(
        url,
        {
            "to_unit": f"{cast.school_b1.code} — {cast.school_b1.name}",
            "leaves_on": term1_day().isoformat(),
            "reason": "Chuyển nơi ở",
        },
    )
    transfer = StudentTransfer.objects.get(student=student)
    assert response.status_code == 302 and response["Location"] == transfer.get_absolute_url()
    # A second request while one waits is refused with a message, nothing written.
    again = sender.post(url, {"to_unit": cast.school_b1.code, "leaves_on": term1_day().isoformat()})
    assert "đang chờ tiếp nhận" in again.content.decode() and StudentTransfer.objects.count() == 1

    receiver = signed_in(cast.accounts["school_b1_admin"])
    listing = receiver.get(reverse("registry:move_transfer_list") + "?direction=in").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in listing and "<script>alert(1)" not in listing
    refuse_url = reverse("registry:move_transfer_refuse", kwargs={"pk": transfer.pk})
    receiver.post(refuse_url, {"answer": ""})  # a refusal must say why
    assert StudentTransfer.objects.get(pk=transfer.pk).state == TransferState.PENDING
    # The sending school cannot refuse (404), only cancel.
    assert sender.post(refuse_url, {"answer": "x"}).status_code == 404
    sender.post(reverse("registry:move_transfer_cancel", kwargs={"pk": transfer.pk}))
    assert StudentTransfer.objects.get(pk=transfer.pk).state == TransferState.CANCELLED
    assert receiver.post(reverse("registry:move_transfer_cancel", kwargs={"pk": transfer.pk})).status_code == 404


def test_transfer_api_is_idempotent_and_answers_from_the_right_end(cast: Cast) -> None:
    student = make_student(cast.school_a1)
    sender = api_client(cast.accounts["school_a1_admin"])
    body = {"student": student.pk, "to_unit": cast.school_b1.code, "leaves_on": term1_day().isoformat()}
    first = sender.post("/api/v1/student-transfers/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1")
    second = sender.post(
        "/api/v1/student-transfers/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert first.status_code == 201 and second.status_code == 201
    assert first.json()["id"] == second.json()["id"] and StudentTransfer.objects.count() == 1
    pk = first.json()["id"]

    bad = sender.post("/api/v1/student-transfers/", {**body, "to_unit": "00000000"}, content_type="application/json")
    assert bad.status_code == 400 and "to_unit" in bad.json()
    nul = sender.post("/api/v1/student-transfers/", {**body, "to_unit": "3100\x000"}, content_type="application/json")
    assert nul.status_code == 400 and "ký tự không hợp lệ" in nul.json()["to_unit"][0]  # PostgreSQL refuses NUL

    assert (
        sender.post(f"/api/v1/student-transfers/{pk}/accept/", {}, content_type="application/json").status_code == 404
    )
    receiver = api_client(cast.accounts["school_b1_admin"])
    accepted = receiver.post(f"/api/v1/student-transfers/{pk}/accept/", {}, content_type="application/json")
    assert accepted.status_code == 200 and accepted.json()["state"] == "accepted"
    twice = receiver.post(f"/api/v1/student-transfers/{pk}/accept/", {}, content_type="application/json")
    assert twice.status_code == 400 and "đã được xử lý" in json.dumps(twice.json(), ensure_ascii=False)
    events = receiver.get("/api/v1/student-events/?kind=transferred_in").json()
    assert [row["student"] for row in events["results"]] == [student.pk]


# --- staff ---------------------------------------------------------------------------------------------------------


def test_a_manager_moves_staff_between_its_schools_at_once(cast: Cast) -> None:
    teacher = make_staff(cast.school_a1)
    homeroom = make_class(cast.school_a1, "2A", 2)
    SchoolClass.objects.filter(pk=homeroom.pk).update(homeroom_teacher=teacher)
    transfer = transfers.release_staff(
        teacher.pk,
        by=cast.accounts["commune_a_admin"],
        to_unit=cast.school_a2,
        kind="assignment",
        moves_on=term1_day(),
        decision_number="15/QĐ-UBND",
    )
    assert transfer.state == TransferState.ACCEPTED
    moved = StaffMember.objects.select_related("work_status").get(pk=teacher.pk)
    assert moved.unit == cast.school_a2 and moved.work_status.code == "02"
    assert SchoolClass.objects.get(pk=homeroom.pk).homeroom_teacher is None


def test_a_school_releases_staff_and_the_other_unit_accepts(cast: Cast) -> None:
    teacher = make_staff(cast.school_a1)
    transfer = transfers.release_staff(
        teacher.pk, by=cast.accounts["school_a1_admin"], to_unit=cast.school_b1, kind="move", moves_on=term1_day()
    )
    assert transfer.state == TransferState.PENDING
    assert StaffMember.objects.get(pk=teacher.pk).unit == cast.school_a1
    transfers.accept_staff(transfer.pk, by=cast.accounts["school_b1_admin"])
    assert StaffMember.objects.get(pk=teacher.pk).unit == cast.school_b1
    assert StaffTransfer.objects.visible_to(cast.accounts["school_a1_admin"]).filter(pk=transfer.pk).exists()


# --- the school-year rollover --------------------------------------------------------------------------------------


def year_result(student: Student, code: str) -> None:
    LearningResult.objects.create(
        student=student, school_year=current_year(), term=3, outcome=items_of("ket_qua_cuoi_nam").get(code=code)
    )


def test_rollover_previews_then_applies_exactly_the_plan(cast: Cast) -> None:
    admin = cast.accounts["school_a1_admin"]
    teacher = make_staff(cast.school_a1)
    grade1 = make_class(cast.school_a1, "1A", 1)
    grade5 = make_class(cast.school_a1, "5A", 5)
    SchoolClass.objects.filter(pk=grade1.pk).update(homeroom_teacher=teacher)
    pupils = [make_student(cast.school_a1, f"Lớp Một {n}", school_class=grade1) for n in range(3)]
    leavers = [
        make_student(cast.school_a1, f"Lớp Năm {n}", school_class=grade5, birth_date=birth_for(5)) for n in range(2)
    ]
    year_result(pupils[0], "OLL")  # kept back
    year_result(pupils[1], "RLH")  # decided after the summer
    dropped = make_student(cast.school_a1, "Đã Thôi", school_class=grade1, status=item("trang_thai_hoc_sinh", "05"))

    run = rollover.preview(cast.school_a1, current_year(), by=admin)
    assert run.summary["promoted"] == 1 and run.summary["repeating"] == 1
    assert run.summary["finishing"] == 2 and run.summary["undecided"] == 1 and run.summary["new_classes"] == 2
    assert not SchoolClass.objects.filter(school_year=run.to_year).exists()  # a preview writes no class

    rollover.apply(run.pk, by=admin)
    next_year = run.to_year
    two_a = SchoolClass.objects.get(unit=cast.school_a1, school_year=next_year, name="2A")
    assert two_a.grade == 2 and two_a.homeroom_teacher == teacher
    assert Student.objects.get(pk=pupils[2].pk).school_class == two_a
    assert Student.objects.get(pk=pupils[0].pk).school_class.name == "1A"  # type: ignore[union-attr]
    assert Student.objects.get(pk=pupils[0].pk).school_class.school_year == next_year  # type: ignore[union-attr]
    assert Student.objects.get(pk=pupils[1].pk).school_class == grade1  # waits
    assert all(Student.objects.get(pk=s.pk).school_class is None for s in leavers)
    assert Student.objects.get(pk=dropped.pk).school_class == grade1  # not moved
    assert StudentEvent.objects.filter(kind="finished").count() == 2
    assert Rollover.objects.get(pk=run.pk).state == "applied"
    with pytest.raises(ValidationError):
        rollover.apply(run.pk, by=admin)  # once only


def test_rollover_refuses_when_the_data_changed_since_the_preview(cast: Cast) -> None:
    admin = cast.accounts["school_a1_admin"]
    grade1 = make_class(cast.school_a1, "1A", 1)
    make_student(cast.school_a1, "Một", school_class=grade1)
    run = rollover.preview(cast.school_a1, current_year(), by=admin)
    make_student(cast.school_a1, "Hai", school_class=grade1)  # enrolled after the preview
    with pytest.raises(ValidationError) as refused:
        rollover.apply(run.pk, by=admin)
    assert "xem trước lại" in refused.value.messages[0]
    assert not SchoolClass.objects.filter(school_year=run.to_year).exists()


def test_a_manager_rolls_over_its_branch_and_a_school_cannot_reach_another(cast: Cast) -> None:
    for unit, name, grade in ((cast.school_a1, "1A", 1), (cast.school_a2, "6A", 6)):
        school_class = make_class(unit, name, grade)
        make_student(unit, f"Học Sinh {name}", school_class=school_class, birth_date=birth_for(grade))
    run = rollover.preview(cast.units["commune_a"], current_year(), by=cast.accounts["commune_a_admin"])
    assert run.summary["schools"] == 2 and run.summary["promoted"] == 2
    with pytest.raises(PermissionDenied):
        rollover.preview(cast.school_a2, current_year(), by=cast.accounts["school_a1_admin"])


def test_rollover_pages(cast: Cast) -> None:
    client = signed_in(cast.accounts["school_a1_admin"])
    make_student(cast.school_a1, "Một", school_class=make_class(cast.school_a1, "1A", 1))
    response = client.post(
        reverse("registry:move_rollover_new"),
        {"unit": cast.school_a1.pk, "from_year": current_year().pk, "carry_homeroom": "on"},
    )
    run = Rollover.objects.get()
    assert response.status_code == 302 and response["Location"] == run.get_absolute_url()
    page = client.get(run.get_absolute_url()).content.decode()
    assert "Thực hiện chuyển năm học" in page
    client.post(reverse("registry:move_rollover_apply", kwargs={"pk": run.pk}))
    assert Rollover.objects.get(pk=run.pk).state == "applied"


def test_class_names_move_up_a_grade() -> None:
    assert rollover.next_class_name("6A1", 6) == "7A1"
    assert rollover.next_class_name("Lớp 10 Toán", 10) == "Lớp 11 Toán"
    assert rollover.next_class_name("1A", 1) == "2A"
    assert rollover.next_class_name("10A10", 10) == "11A10"
    assert rollover.next_class_name("A", 3) == "4A"
    assert rollover.next_group_name("Chồi 2") == "Lá 2"


def test_movement_lists_keep_a_constant_number_of_queries(cast: Cast) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in(cast.accounts["school_a1_admin"])
    urls = [
        reverse("registry:move_transfer_list"),
        reverse("registry:move_event_list"),
        reverse("registry:move_staff_transfer_list"),
        reverse("registry:move_rollover_list"),
    ]

    client.get(urls[0])  # the first request of a session does its own bookkeeping

    def counts() -> list[int]:
        found = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            found.append(len(queries))
        return found

    def add(n: int) -> None:
        for number in range(n):
            student = make_student(cast.school_a1, f"Học Sinh {Student.objects.count()}")
            transfers.release_student(
                student.pk, by=cast.accounts["school_a1_admin"], to_unit=cast.school_b1, leaves_on=term1_day()
            )
            transfers.drop_out(
                make_student(cast.school_a1, f"Thôi {number}").pk,
                by=cast.accounts["school_a1_admin"],
                on=term1_day(),
                reason="Gia đình chuyển đi",
            )
            teacher = make_staff(cast.school_a1, f"Giáo Viên {number}")
            transfers.release_staff(
                teacher.pk,
                by=cast.accounts["school_a1_admin"],
                to_unit=cast.school_b1,
                kind="move",
                moves_on=term1_day(),
            )

    add(2)
    few = counts()
    add(12)
    assert counts() == few


def test_a_learner_who_finished_primary_is_taken_in_by_code_and_birth_date(cast: Cast) -> None:
    primary_admin, secondary_admin = cast.accounts["school_a1_admin"], cast.accounts["school_a2_admin"]
    grade5 = make_class(cast.school_a1, "5A", 5)
    learner = make_student(
        cast.school_a1, "Vũ Minh Khôi", ministry_code="3100000555", school_class=grade5, birth_date=birth_for(5)
    )
    run = rollover.preview(cast.school_a1, current_year(), by=primary_admin)
    rollover.apply(run.pk, by=primary_admin)
    grade6 = SchoolClass.objects.create(unit=cast.school_a2, school_year=run.to_year, name="6A", grade=6)

    # Typing the code into a new enrolment is refused with the way to do it instead.
    with pytest.raises(ValidationError) as refused:
        enrolment.clean_new_ministry_code("3100000555")
    assert "Tiếp nhận học sinh đầu cấp" in refused.value.messages[0]

    client = signed_in(secondary_admin)
    url = reverse("registry:move_admit")
    wrong = client.post(url, {"code": "3100000555", "birth_date": "01/01/2000", "school_class": grade6.pk})
    assert "Không có học sinh đã hoàn thành" in wrong.content.decode()
    done = client.post(
        url, {"code": "3100000555.0", "birth_date": learner.birth_date.strftime("%d/%m/%Y"), "school_class": grade6.pk}
    )
    assert done.status_code == 302
    moved = Student.objects.get(pk=learner.pk)
    assert (moved.unit, moved.school_class, moved.ministry_code) == (cast.school_a2, grade6, "3100000555")
    assert Student.objects.filter(ministry_code="3100000555").count() == 1
    # The primary school keeps the line saying the learner finished; the record now belongs to the new school.
    assert StudentEvent.objects.visible_to(primary_admin).filter(student=learner, kind="finished").exists()
    assert StudentEvent.objects.visible_to(secondary_admin).filter(student=learner, kind="enrolled").exists()
    # Only once.
    again = api_client(secondary_admin).post(
        "/api/v1/student-admissions/",
        {"code": "3100000555", "birth_date": learner.birth_date.isoformat(), "school_class": grade6.pk},
        content_type="application/json",
    )
    assert again.status_code == 400 and "code" in again.json()


def test_admission_needs_a_class_the_user_may_fill(cast: Cast) -> None:
    grade5 = make_class(cast.school_a1, "5A", 5)
    learner = make_student(
        cast.school_a1, "Lê Hà", ministry_code="3100000556", school_class=grade5, birth_date=birth_for(5)
    )
    admin = cast.accounts["school_a1_admin"]
    rollover.apply(rollover.preview(cast.school_a1, current_year(), by=admin).pk, by=admin)
    other = SchoolClass.objects.create(unit=cast.school_b1, school_year=current_year(), name="6Z", grade=6)
    with pytest.raises(PermissionDenied):
        transfers.admit_finished(
            by=cast.accounts["school_a2_admin"], code="3100000556", birth_date=learner.birth_date, school_class=other
        )
    answer = api_client(cast.accounts["school_a2_admin"]).post(
        "/api/v1/student-admissions/",
        {"code": "3100000556", "birth_date": learner.birth_date.isoformat(), "school_class": other.pk},
        content_type="application/json",
    )
    assert answer.status_code == 400 and "school_class" in answer.json()
    assert Student.objects.get(pk=learner.pk).unit == cast.school_a1


def test_a_large_rollover_runs_in_the_background(
    cast: Cast, settings: Any, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    monkeypatch.setattr(rollover, "BACKGROUND_FROM", 0)
    admin = cast.accounts["school_a1_admin"]
    grade1 = make_class(cast.school_a1, "1A", 1)
    pupil = make_student(cast.school_a1, "Nền", school_class=grade1)
    run = rollover.preview(cast.school_a1, current_year(), by=admin)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        queued = rollover.request_apply(run.pk, by=admin)
        assert queued.state == "queued"
    assert len(callbacks) == 1  # handed to the worker after the commit
    assert Rollover.objects.get(pk=run.pk).state == "applied"
    assert Student.objects.get(pk=pupil.pk).school_class.name == "2A"  # type: ignore[union-attr]


def test_a_background_run_that_finds_changed_data_goes_back_to_preview(cast: Cast, settings: Any) -> None:
    admin = cast.accounts["school_a1_admin"]
    grade1 = make_class(cast.school_a1, "1A", 1)
    make_student(cast.school_a1, "Một", school_class=grade1)
    run = rollover.preview(cast.school_a1, current_year(), by=admin)
    Rollover.objects.filter(pk=run.pk).update(state="queued")
    make_student(cast.school_a1, "Hai", school_class=grade1)
    assert rollover.apply_queued(run.pk, admin.pk) == "failed"
    back = Rollover.objects.get(pk=run.pk)
    assert back.state == "preview" and "xem trước lại" in back.summary["error"]
    page = signed_in(admin).get(back.get_absolute_url()).content.decode()
    assert "không thành công" in page
