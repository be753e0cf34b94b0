"""Invariants of the official code lists in edudb.quality.codelists_data (plain data, no database)."""

from __future__ import annotations

import ast
import re
import unicodedata
from pathlib import Path

import pytest

from edudb.quality import codelists_data
from edudb.quality.codelists_data import CODE_LISTS, CodeListData, Item
from edudb.quality.text import search_key

LISTS_BY_CODE = {code_list.code: code_list for code_list in CODE_LISTS}
LIST_IDS = [code_list.code for code_list in CODE_LISTS]

EXPECTED_LISTS = {
    "dan_toc",
    "quoc_tich",
    "ton_giao",
    "trang_thai_hoc_sinh",
    "loai_khuyet_tat",
    "doi_tuong_chinh_sach",
    "loai_hinh_truong",
    "loai_truong",
    "chuan_quoc_gia",
    "kiem_dinh",
    "gioi_tinh",
    "khu_vuc",
    "nhom_tuoi_mam_non",
    "loai_phong",
    "chat_luong_cong_trinh",
    "trinh_do_dao_tao",
    "loai_can_bo",
    "hinh_thuc_hop_dong",
    "trang_thai_can_bo",
    "chuc_vu",
    "danh_gia_chuan_nghe_nghiep",
    "ngoai_ngu",
    "ket_qua_hoc_tap",
    "ket_qua_ren_luyen",
    "danh_hieu_hoc_sinh",
    "ket_qua_cuoi_nam",
    "danh_hieu_thi_dua",
    "hinh_thuc_ky_luat",
    "loai_boi_duong",
    "thiet_bi",
}

CODE_PATTERN = re.compile(r"^[A-Za-z0-9_]+$")
LIST_CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
# The "new" tone placement on a syllable-final oa/oe/uy (hoà, khoẻ, thuỷ); the traditional style puts the mark on
# the first vowel (hòa, khỏe, thủy). "quý" is not a case: its u belongs to "qu". Checked on lower-cased text.
NEW_STYLE_TONE = re.compile(r"(?<!q)(o[àáảãạ]|o[èéẻẽẹ]|u[ỳýỷỹỵ])(?!\w)")


def all_texts(code_list: CodeListData) -> list[str]:
    texts = [code_list.name, code_list.description]
    for item in code_list.items:
        texts.append(item.name)
        texts.extend(item.aliases)
    return texts


def test_every_expected_list_is_present_once() -> None:
    assert len(LIST_IDS) == len(set(LIST_IDS)), "duplicate list codes"
    assert set(LIST_IDS) == EXPECTED_LISTS


def test_module_has_no_django_imports() -> None:
    """The data migration imports this module: it must stay plain Python."""
    tree = ast.parse(Path(codelists_data.__file__).read_text(encoding="utf-8"))
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert imported <= {"__future__", "typing"}, imported


@pytest.mark.parametrize("code_list", CODE_LISTS, ids=LIST_IDS)
def test_list_shape(code_list: CodeListData) -> None:
    assert isinstance(code_list, CodeListData)
    assert LIST_CODE_PATTERN.match(code_list.code)
    assert code_list.name.strip()
    assert code_list.description.strip().endswith(".")
    assert isinstance(code_list.items, tuple)
    assert code_list.items, "every list is non-empty"
    for item in code_list.items:
        assert isinstance(item, Item)
        assert isinstance(item.code, str)
        assert isinstance(item.aliases, tuple)
        assert all(isinstance(alias, str) and alias.strip() for alias in item.aliases)


@pytest.mark.parametrize("code_list", CODE_LISTS, ids=LIST_IDS)
def test_codes_are_unique_non_empty_and_without_spaces(code_list: CodeListData) -> None:
    codes = [item.code for item in code_list.items]
    assert len(codes) == len(set(codes)), f"duplicate codes in {code_list.code}"
    for code in codes:
        assert CODE_PATTERN.match(code), f"bad code {code!r} in {code_list.code}"


@pytest.mark.parametrize("code_list", CODE_LISTS, ids=LIST_IDS)
def test_text_is_nfc_and_trimmed(code_list: CodeListData) -> None:
    for text in all_texts(code_list):
        assert unicodedata.is_normalized("NFC", text), repr(text)
        assert text == text.strip() and "  " not in text, repr(text)


@pytest.mark.parametrize("code_list", CODE_LISTS, ids=LIST_IDS)
def test_traditional_tone_mark_placement(code_list: CodeListData) -> None:
    for text in all_texts(code_list):
        assert not NEW_STYLE_TONE.search(text.lower()), f"new-style tone mark in {text!r}"


@pytest.mark.parametrize("code_list", CODE_LISTS, ids=LIST_IDS)
def test_names_are_unique_ignoring_case_and_diacritics(code_list: CodeListData) -> None:
    keys = [search_key(item.name) for item in code_list.items]
    assert len(keys) == len(set(keys)), f"duplicate names in {code_list.code}"


@pytest.mark.parametrize("code_list", CODE_LISTS, ids=LIST_IDS)
def test_names_and_aliases_never_collide(code_list: CodeListData) -> None:
    """An alias must resolve to exactly one item, and must not merely repeat a folded name."""
    owner: dict[str, str] = {}
    for item in code_list.items:
        for text in (item.name, *item.aliases):
            key = search_key(text)
            assert key not in owner, (
                f"{text!r} ({item.code}) folds like an entry of {owner.get(key)} in {code_list.code}"
            )
            owner[key] = item.code


def test_the_traditional_tone_check_itself() -> None:
    assert NEW_STYLE_TONE.search("phật giáo hoà hảo")
    assert NEW_STYLE_TONE.search("thuỵ sĩ")
    assert not NEW_STYLE_TONE.search("phật giáo hòa hảo")
    assert not NEW_STYLE_TONE.search("quý")
    assert not NEW_STYLE_TONE.search("hoàn thành")


# --- list-specific facts ----------------------------------------------------------------------------------------------


def test_ethnic_groups_are_the_54_gso_codes() -> None:
    items = LISTS_BY_CODE["dan_toc"].items
    national = [item for item in items if int(item.code) <= 54]
    assert [item.code for item in national] == [f"{n:02d}" for n in range(1, 55)]
    assert all(int(item.code) > 54 for item in items[54:]), "additions come after the 54"
    by_code = {item.code: item for item in items}
    assert by_code["01"].name == "Kinh"
    assert by_code["04"].name == "Hoa" and "Người Hoa" in by_code["04"].aliases
    assert by_code["08"].name == "Mông" and "Mèo" in by_code["08"].aliases
    assert by_code["53"].name == "Ơ Đu"
    assert by_code["54"].name == "Rơ Măm"


def test_ethnic_alias_lookup_through_folding() -> None:
    index = {}
    for item in LISTS_BY_CODE["dan_toc"].items:
        for text in (item.name, *item.aliases):
            index[search_key(text)] = item.code
    assert index[search_key("H'Mông")] == "08"
    assert index[search_key("HMÔNG")] == "08"
    assert index[search_key("Gia-rai")] == "10"
    assert index[search_key("Khơ-me")] == "05"
    assert index[search_key("Co Lao")] == "47"
    assert index[search_key("việt")] == "01"


def test_student_status_has_the_12_national_codes() -> None:
    items = LISTS_BY_CODE["trang_thai_hoc_sinh"].items
    assert len(items) == 12
    assert [item.code for item in items] == [f"{n:02d}" for n in range(1, 13)]
    assert items[0].name == "Đang học"
    names = {search_key(item.name) for item in items}
    # No summer variant of "nghỉ học xin học lại": that is what makes 12, not 13.
    assert search_key("Nghỉ học xin học lại trong hè") not in names


def test_nationalities_start_with_viet_nam_and_use_iso_codes() -> None:
    items = LISTS_BY_CODE["quoc_tich"].items
    assert items[0] == Item("VN", "Việt Nam", items[0].aliases)
    assert len(items) >= 40
    assert all(re.fullmatch(r"[A-Z]{2}", item.code) for item in items)
    by_code = {item.code: item for item in items}
    assert "Mỹ" in by_code["US"].aliases


def test_small_fixed_lists() -> None:
    def pairs(code: str) -> list[tuple[str, str]]:
        return [(item.code, item.name) for item in LISTS_BY_CODE[code].items]

    assert pairs("gioi_tinh") == [("1", "Nam"), ("2", "Nữ")]
    assert pairs("loai_hinh_truong") == [("1", "Công lập"), ("2", "Dân lập"), ("3", "Tư thục")]
    assert [code for code, _ in pairs("chuan_quoc_gia")] == ["0", "1", "2"]
    assert [code for code, _ in pairs("kiem_dinh")] == ["0", "1", "2", "3", "4"]
    assert pairs("chat_luong_cong_trinh") == [
        ("KC", "Kiên cố"),
        ("BKC", "Bán kiên cố"),
        ("TAM", "Tạm"),
        ("TM", "Thuê mượn"),
    ]
    assert [name for _, name in pairs("danh_gia_chuan_nghe_nghiep")] == ["Tốt", "Khá", "Đạt", "Chưa đạt"]
    assert len(pairs("nhom_tuoi_mam_non")) == 6
    assert [code for code, _ in pairs("loai_khuyet_tat")][:6] == ["01", "02", "03", "04", "05", "06"]
    assert [name for _, name in pairs("loai_can_bo")] == ["Cán bộ quản lý", "Giáo viên", "Nhân viên"]
    assert len(pairs("ngoai_ngu")) == 7


def test_religion_codes_start_with_none() -> None:
    items = LISTS_BY_CODE["ton_giao"].items
    assert items[0].code == "00" and items[0].name == "Không"
    assert any(item.name == "Phật giáo Hòa Hảo" for item in items)
