"""Personal IDs are sealed at rest (R10.3): the table holds no digits, lookups and uniqueness still work."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import override_settings

from conftest import Cast
from edudb.core.crypto import seal, sealed_length, unseal
from edudb.core.models import Unit
from edudb.quality.models import items_of
from edudb.registry.models import StaffMember, Student


def raw_column(table: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT personal_id FROM {table} WHERE personal_id IS NOT NULL")  # noqa: S608 - fixed names
        return [row[0] for row in cursor.fetchall()]


def make_student(unit: Unit, personal_id: str | None) -> Student:
    return Student.objects.create(
        unit=unit,
        full_name="Phạm Minh Châu",
        birth_date=dt.date(2016, 2, 3),
        gender=items_of("gioi_tinh").get(code="2"),
        status=items_of("trang_thai_hoc_sinh").get(code="01"),
        temporary_code=f"TMP-C{Student.objects.count():07d}",
        personal_id=personal_id,
    )


def test_seal_is_deterministic_bound_to_its_column_and_round_trips() -> None:
    assert seal("031215001234", purpose="personal_id") == seal("031215001234", purpose="personal_id")
    assert seal("031215001234", purpose="personal_id") != seal("031215001234", purpose="other")
    assert unseal(seal("031215001234", purpose="personal_id"), purpose="personal_id") == "031215001234"
    with pytest.raises(ValueError, match="sealed value"):
        unseal(seal("031215001234", purpose="other"), purpose="personal_id")
    with pytest.raises(ValueError, match="not sealed"):
        unseal("031215001234", purpose="personal_id")
    assert len(seal("9" * 12, purpose="personal_id")) <= sealed_length(12)


def test_a_different_key_cannot_open_it() -> None:
    token = seal("031215001234", purpose="personal_id")
    with override_settings(EDUDB_DATA_KEY=bytes(range(64))), pytest.raises(ValueError):
        unseal(token, purpose="personal_id")


@pytest.mark.django_db
def test_the_table_holds_no_digits_and_the_records_read_back(cast: Cast) -> None:
    student = make_student(cast.school_a1, "031215001234")
    staff = StaffMember.objects.create(
        unit=cast.school_a1,
        full_name="Ngô Thanh Vân",
        birth_date=dt.date(1988, 1, 1),
        gender=items_of("gioi_tinh").get(code="2"),
        staff_type=items_of("loai_can_bo").get(code="2"),
        work_status=items_of("trang_thai_can_bo").get(code="01"),
        personal_id="031188004321",
    )
    for table, plain in (("registry_student", "031215001234"), ("registry_staffmember", "031188004321")):
        stored = raw_column(table)
        assert stored and all(value.startswith("s1:") and plain not in value for value in stored)
    assert Student.objects.get(pk=student.pk).personal_id == "031215001234"
    assert Student.objects.filter(personal_id="031215001234").get() == student
    assert StaffMember.objects.values_list("personal_id", flat=True).get(pk=staff.pk) == "031188004321"
    make_student(cast.school_a1, None)  # no personal ID: stays NULL, any number of them
    make_student(cast.school_a1, None)


@pytest.mark.django_db
def test_the_database_still_refuses_a_duplicate(cast: Cast) -> None:
    make_student(cast.school_a1, "031215001234")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_student(cast.school_b1, "031215001234")
