"""Identifier codes and code lists: repaired from what Excel does to them, validated, matched forgivingly."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from edudb.quality.codes import mask_personal_id, repair_code, validate_personal_id, validate_school_code
from edudb.quality.models import CodeItem, items_of


@pytest.mark.parametrize(
    ("raw", "length", "expected"),
    [
        ("3100012345.0", 10, "3100012345"),
        (3100012345.0, 10, "3100012345"),
        (123, 10, "0000000123"),
        ("  3100 0123 ", 8, "31000123"),
        ("1000123", 8, "01000123"),
        ("TMP-0001", 10, "TMP-0001"),
        (None, 8, ""),
    ],
)
def test_repair_code(raw: object, length: int, expected: str) -> None:
    assert repair_code(raw, length=length) == expected


def test_school_code_and_personal_id_formats() -> None:
    validate_school_code("31000123")
    validate_personal_id("031204001234")
    with pytest.raises(ValidationError, match="đúng 8 chữ số"):
        validate_school_code("3100012")
    with pytest.raises(ValidationError, match="đúng 12 chữ số"):
        validate_personal_id("03120400123x")
    with pytest.raises(ValidationError, match="mã tỉnh"):
        validate_personal_id("000204001234")
    assert mask_personal_id("031204001234") == "•••••••••234"


@pytest.mark.django_db
def test_official_code_lists_are_seeded_and_match_forgivingly() -> None:
    ethnic = items_of("dan_toc")
    assert ethnic.count() == 54
    kinh = ethnic.get(code="01")
    assert kinh.name == "Kinh" and "kinh" in kinh.keys()
    assert items_of("trang_thai_hoc_sinh").count() == 12
    assert set(items_of("loai_hinh_truong").values_list("name", flat=True)) == {"Công lập", "Dân lập", "Tư thục"}


@pytest.mark.django_db
def test_reloading_the_lists_changes_nothing_and_keeps_retired_items() -> None:
    retired = CodeItem.objects.create(code_list=items_of("dan_toc").first().code_list, code="99", name="Cũ")  # type: ignore[union-attr]
    call_command("load_codelists", stdout=io.StringIO())
    retired.refresh_from_db()
    assert not retired.is_active
    assert items_of("dan_toc").count() == 54
