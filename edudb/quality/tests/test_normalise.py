"""The one normalisation layer: every rule, the bad input of the "Data quality" issue, and idempotence for every kind."""

from __future__ import annotations

import sys
import time
import unicodedata
from datetime import date, datetime
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from edudb.quality import legacy
from edudb.quality.normalise import (
    HARD_LIMIT,
    INVISIBLE,
    OLD_AREA_CODES,
    OLD_MOBILE_PREFIXES,
    REASON_CAPITALISE,
    REASON_CONTROL,
    REASON_DATE_FORM,
    REASON_EXCEL_SERIAL,
    REASON_INVISIBLE,
    REASON_LINE_ENDS,
    REASON_LINES,
    REASON_NFC,
    REASON_PHONE_COUNTRY,
    REASON_PHONE_ZERO,
    REASON_SPACES,
    REASON_TCVN3,
    REASON_TIME_DROPPED,
    REASON_TONE,
    REASON_TWO_DIGIT_YEAR,
    REASON_UNICODE_SPACES,
    REASON_VNI,
    Kind,
    NormaliseError,
    Normaliser,
    clear_memos,
    normalise,
    normalise_code,
    normalise_date,
    normalise_email,
    normalise_name,
    normalise_phone,
    normalise_text,
    normalise_yes_no,
)
from edudb.quality.text import clean_text, person_name, search_key


def reasons_of(value: Any, **options: Any) -> list[str]:
    return [str(reason) for reason in normalise_text(value, **options).reasons]


# --- Text -----------------------------------------------------------------------------------------------------------


def test_clean_text_is_returned_as_it_is() -> None:
    for text in ("Nguyễn Văn An", "Trường THPT Lê Hồng Phong", "plain ASCII", "", "Hòa", "Lê Minh Tâm"):
        result = normalise_text(text)
        assert result.value == text and result.reasons == () and result.minor


def test_spaces_are_trimmed_and_collapsed_a_minor_change() -> None:
    result = normalise_text("  Nguyễn   Văn  An ")
    assert result.value == "Nguyễn Văn An"
    assert result.reasons == (REASON_SPACES,) and result.minor
    assert normalise_text("  plain   ascii ").value == "plain ascii"


def test_nfd_input_is_recomposed() -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Hương")
    result = normalise_text(decomposed)
    assert result.value == "Nguyễn Thị Hương" and unicodedata.is_normalized("NFC", result.value)
    assert result.reasons == (REASON_NFC,) and not result.minor
    # A tone typed before the hat (e + ́ + ̂) is put after it, where NFC can compose the two.
    assert normalise_text("Vie\u0323\u0302t Nguye\u0303\u0302n").value == "Việt Nguyễn"


def test_control_characters_are_removed() -> None:
    result = normalise_text("Nguyễn\x00 Văn\x07 An\x7f\x85")
    assert result.value == "Nguyễn Văn An"
    assert REASON_CONTROL in result.reasons


@pytest.mark.parametrize(
    "mark",
    ["\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"],
)
def test_bidi_marks_embeddings_and_isolates_are_removed(mark: str) -> None:
    result = normalise_text(f"Lê{mark} Hà{mark}")
    assert result.value == "Lê Hà" and result.reasons == (REASON_INVISIBLE,)


@pytest.mark.parametrize("mark", ["\u200b", "\u200c", "\u2060", "\ufeff", "\u00ad"])
def test_zero_width_characters_and_bom_are_removed(mark: str) -> None:
    assert normalise_text(f"{mark}Lê Hà{mark}").value == "Lê Hà"


@pytest.mark.parametrize("space", ["\u00a0", "\u2002", "\u2003", "\u2009", "\u202f", "\u3000", "\t"])
def test_unicode_spaces_become_one_space(space: str) -> None:
    result = normalise_text(f"Lê{space}{space}Hà{space}")
    assert result.value == "Lê Hà"
    assert result.reasons == (REASON_UNICODE_SPACES, REASON_SPACES) and result.minor


def test_line_breaks_in_a_single_line_field_join_the_lines() -> None:
    result = normalise_text("Nguyễn Văn\nAn")
    assert result.value == "Nguyễn Văn An" and result.reasons == (REASON_LINES,) and not result.minor


def test_multiline_text_keeps_lines_and_tabs_with_one_line_ending() -> None:
    result = normalise_text("\r\nDòng một  \r\n\tDòng   hai\rDòng ba\u2028\n\n", multiline=True)
    assert result.value == "Dòng một\n\tDòng hai\nDòng ba"
    assert result.reasons == (REASON_LINE_ENDS, REASON_SPACES) and result.minor


def test_emoji_are_kept_in_free_text_with_their_joiners() -> None:
    family = "👨\u200d👩\u200d👧"
    assert normalise_text(f"Gia đình {family} 😀").value == f"Gia đình {family} 😀"
    assert normalise_text("a\u200db").value == "ab"  # a joiner between letters is invisible noise


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("hoà", "hòa"),
        ("Hoà Bình", "Hòa Bình"),
        ("HOÀ", "HÒA"),
        ("thuỷ", "thủy"),
        ("Thuỷ Nguyên", "Thủy Nguyên"),
        ("khoẻ", "khỏe"),
        ("hoạ sĩ", "họa sĩ"),
        ("Thuý", "Thúy"),
        ("uỷ ban", "ủy ban"),
        ("loè xoè", "lòe xòe"),
        ("quý", "quý"),  # the u belongs to qu
        ("quả", "quả"),
        ("QUÝ", "QUÝ"),
        ("hoàng", "hoàng"),  # a final consonant: the tone is on the a in both styles
        ("thuyền", "thuyền"),
        ("khuỷu", "khuỷu"),
        ("ngoài", "ngoài"),
        ("Chloé", "Chloé"),  # "chl" is no Vietnamese onset
    ],
)
def test_one_tone_mark_style(typed: str, stored: str) -> None:
    result = normalise_text(typed)
    assert result.value == stored
    assert result.reasons == ((REASON_TONE,) if typed != stored else ())


def test_oversize_input_is_refused_first_and_fast() -> None:
    cell = "Nguyễn " * (10 * 1024 * 1024 // 7) + "x" * (10 * 1024 * 1024 % 7)
    assert len(cell) == 10_485_760
    started = time.perf_counter()
    with pytest.raises(NormaliseError) as refused:
        normalise_text(cell, label="Ghi chú")
    assert time.perf_counter() - started < 0.1  # a length comparison: microseconds, with room for a slow machine
    assert refused.value.message == "Ghi chú dài 10 485 760 ký tự, tối đa 32 767; hãy kiểm tra ô này."
    with pytest.raises(NormaliseError, match="dài 121 ký tự, tối đa 120"):
        normalise_name("A" * 121, max_length=120)
    assert normalise_text("  An  ", max_length=2).value == "An"  # the limit applies to the stored value


def test_the_hard_limit_is_excels_cell_limit() -> None:
    assert HARD_LIMIT == 32_767
    assert normalise_text("x" * HARD_LIMIT).value == "x" * HARD_LIMIT


def test_numbers_and_dates_in_text_cells_read_as_shown() -> None:
    assert normalise_text(12.0).value == "12"
    assert normalise_text(12.5).value == "12.5"
    assert normalise_text(date(2020, 3, 5)).value == "05/03/2020"
    assert normalise_text(None).value == ""


# --- Legacy fonts through the layer -------------------------------------------------------------------------------


def test_mixed_encodings_in_one_batch_are_each_converted() -> None:
    layer = Normaliser()
    cells = {"a": "NguyÔn V¨n Anh", "b": "Nguyeãn Vaên Anh", "c": "Nguyễn Văn Anh", "d": "Hôtel Müller"}
    cleaned = {field: layer.clean(field, Kind.TEXT, value, label=field) for field, value in cells.items()}
    assert cleaned == {"a": "Nguyễn Văn Anh", "b": "Nguyễn Văn Anh", "c": "Nguyễn Văn Anh", "d": "Hôtel Müller"}
    assert [(change.field, change.reasons) for change in layer.changes] == [
        ("a", (REASON_TCVN3,)),
        ("b", (REASON_VNI,)),
    ]
    assert str(REASON_TCVN3) == "chuyển từ phông TCVN3 (.VnTime) sang Unicode"
    assert str(REASON_VNI) == "chuyển từ phông VNI sang Unicode"


def test_the_cell_font_decides_the_legacy_conversion() -> None:
    assert normalise_text("Vò", font=".VnTime").value == "Vũ"
    assert normalise_text("Vò").value == "Vò"
    assert normalise_text("NguyÔn V¨n Anh", font="Calibri").value == "NguyÔn V¨n Anh"
    assert normalise_name("nguyÔn v¨n an", font=".VnTimeH").value == "Nguyễn Văn An"


def test_legacy_conversion_then_tone_style_and_spaces() -> None:
    result = normalise_text("  Hoµ  B×nh ")  # TCVN3 for "Hoà Bình", new style and spaced
    assert result.value == "Hòa Bình"
    assert result.reasons == (REASON_TCVN3, REASON_TONE, REASON_SPACES)


@pytest.mark.parametrize("text", ["Hôtel", "Sao Paulo ñ", "Søren", "Café crème", "Müller", "José", "où", "ÀÁÂ"])
def test_text_that_only_looks_legacy_passes_unchanged(text: str) -> None:
    assert normalise_text(text).value == text


# --- Names --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("nguyễn  văn AN", "Nguyễn Văn An"),
        ("ĐINH thị hoà", "Đinh Thị Hòa"),
        ("h'hen niê", "H'Hen Niê"),
        ("ksor y-phôn", "Ksor Y-Phôn"),
        ("H’hen Niê", "H'Hen Niê"),  # typographic apostrophe
        ("Y – Phôn", "Y-Phôn"),  # dash and spaces around it
        ("Nguyễn Văn An", "Nguyễn Văn An"),
        ("NguyÔn V¨n Anh", "Nguyễn Văn Anh"),
    ],
)
def test_names(typed: str, stored: str) -> None:
    assert normalise_name(typed).value == stored


def test_name_capitalisation_is_a_reason() -> None:
    result = normalise_name("nguyễn văn an")
    assert result.reasons == (REASON_CAPITALISE,) and not result.minor
    assert str(REASON_CAPITALISE) == "viết hoa chữ cái đầu"


@pytest.mark.parametrize(("typed", "bad"), [("Nguyễn Văn An 😀", "😀"), ("Lê Văn 2", "2"), ("Trần@Bình", "@")])
def test_names_refuse_digits_emoji_and_symbols(typed: str, bad: str) -> None:
    with pytest.raises(NormaliseError) as refused:
        normalise_name(typed)
    assert refused.value.message == (
        f"Họ và tên chỉ gồm chữ cái, dấu cách, dấu nháy ' hoặc gạch nối -; hãy bỏ ký tự “{bad}”."
    )


@pytest.mark.parametrize("typed", ["-An", "An'", "Y--Phôn", "H' 'Hen"])
def test_marks_belong_between_letters(typed: str) -> None:
    with pytest.raises(NormaliseError, match="giữa hai chữ cái"):
        normalise_name(typed)


# --- Dates --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("12/03/2010", date(2010, 3, 12)),
        ("2010-03-12", date(2010, 3, 12)),
        ("1/3/2010", date(2010, 3, 1)),
        ("12-03-2010", date(2010, 3, 12)),
        ("12.03.2010", date(2010, 3, 12)),
        (" 12 / 03 / 2010 ", date(2010, 3, 12)),
        ("12/03/2010 00:00:00", date(2010, 3, 12)),
        ("2010-03-12T08:30:00", date(2010, 3, 12)),
        (date(2010, 3, 12), date(2010, 3, 12)),
        (datetime(2010, 3, 12, 0, 0), date(2010, 3, 12)),
        (datetime(2010, 3, 12, 8, 30), date(2010, 3, 12)),
        (45123, date(2023, 7, 16)),
        ("45123", date(2023, 7, 16)),
        (45123.75, date(2023, 7, 16)),  # 18:00 on that day: the time is dropped
        ("45123,75", date(2023, 7, 16)),
        (59, date(1900, 2, 28)),  # Excel's serials before its fictitious 29/02/1900 …
        (61, date(1900, 3, 1)),  # … and after it
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_dates_read_day_first(typed: Any, day: date | None) -> None:
    assert normalise_date(typed) == day


def test_two_digit_years_are_the_most_recent_past() -> None:
    today = date(2026, 11, 29)
    assert normalise_date("1/3/10", today=today) == date(2010, 3, 1)
    assert normalise_date("1/3/26", today=today) == date(2026, 3, 1)
    assert normalise_date("1/3/27", today=today) == date(1927, 3, 1)
    assert normalise_date("05-09-99", today=today) == date(1999, 9, 5)


def test_date_reasons_as_shown_to_the_user() -> None:
    layer = Normaliser()
    layer.clean("a", Kind.DATE, "12/03/2010", label="Ngày sinh")
    layer.clean("b", Kind.DATE, "2010-03-12", label="Ngày sinh")
    layer.clean("c", Kind.DATE, 45123.75, label="Ngày vào trường")
    layer.clean("d", Kind.DATE, "1/3/10", label="Ngày sinh")
    layer.clean("e", Kind.DATE, datetime(2010, 3, 12, 8, 30), label="Ngày sinh")
    shown = {change.field: (change.before, change.after, change.reasons) for change in layer.changes}
    assert "a" not in shown
    assert shown["b"] == ("2010-03-12", "12/03/2010", (REASON_DATE_FORM,))
    assert shown["c"] == ("45123.75", "16/07/2023", (REASON_EXCEL_SERIAL, REASON_TIME_DROPPED))
    assert shown["d"][1] == "01/03/2010" and shown["d"][2] == (REASON_DATE_FORM, REASON_TWO_DIGIT_YEAR)
    assert shown["e"] == ("12/03/2010 08:30", "12/03/2010", (REASON_TIME_DROPPED,))


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("31/02/2020", "Ngày sinh “31/02/2020” không có thật: tháng 02 năm 2020 không có ngày 31"),
        ("29/02/2019", "tháng 02 năm 2019 không có ngày 29"),
        ("12/13/2020", "có vẻ ghi tháng trước ngày (kiểu Mỹ); ở đây ngày đứng trước tháng: có phải là 13/12/2020"),
        ("03/25/2020", "có phải là 25/03/2020 (dd/mm/yyyy)?"),
        ("13/13/2020", "không có tháng 13 (đọc theo thứ tự ngày/tháng/năm)"),
        ("01/00/2020", "không có tháng 0"),
        (60, "là số ngày 60 của Excel, tức ngày 29/02/1900 không có thật"),
        ("60", "là số ngày 60 của Excel"),
        ("2020", "“2020” chỉ có năm; hãy nhập đủ ngày theo dạng dd/mm/yyyy"),
        ("abc", "“abc” không đọc được thành ngày; hãy nhập theo dạng dd/mm/yyyy, ví dụ 05/09/2012"),
        ("12/03", "không đọc được thành ngày"),
        (True, "không đọc được thành ngày"),
        (-5, "không đọc được thành ngày"),
        ("x" * 100, "không đọc được thành ngày"),
    ],
)
def test_impossible_dates_are_refused_with_what_was_read(typed: Any, message: str) -> None:
    with pytest.raises(NormaliseError) as refused:
        normalise_date(typed, label="Ngày sinh")
    assert message in refused.value.message
    assert refused.value.message.startswith("Ngày sinh")
    assert "dd/mm/yyyy" in refused.value.message


# --- Phone numbers ------------------------------------------------------------------------------------------------

BRIEF_TABLE = {  # the 2018 change, as published by the carriers (checked against the Bộ TT&TT list)
    **{f"016{n}": f"03{n}" for n in range(2, 10)},
    "0120": "070",
    "0121": "079",
    "0122": "077",
    "0126": "076",
    "0128": "078",
    "0123": "083",
    "0124": "084",
    "0125": "085",
    "0127": "081",
    "0129": "082",
    "0186": "056",
    "0188": "058",
    "0199": "059",
}


def test_the_prefix_table_is_the_published_one() -> None:
    assert OLD_MOBILE_PREFIXES == BRIEF_TABLE


@pytest.mark.parametrize(("old", "new"), sorted(OLD_MOBILE_PREFIXES.items()))
def test_every_old_mobile_prefix(old: str, new: str) -> None:
    layer = Normaliser()
    assert layer.clean("phone", Kind.PHONE, f"{old}3456789", label="Điện thoại") == f"{new}3456789"
    assert [str(reason) for reason in layer.changes[0].reasons] == [f"đầu số cũ {old} → {new}"]


@pytest.mark.parametrize(("old", "new", "length"), OLD_AREA_CODES)
def test_old_area_codes(old: str, new: str, length: int) -> None:
    number = old + "3" * (length - len(old))
    assert normalise_phone(number) == new + "3" * (length - len(old))


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("+84 912 345 678", "0912345678"),
        ("84912345678", "0912345678"),
        ("0084912345678", "0912345678"),
        ("+84 (0) 912 345 678", "0912345678"),
        ("0912.345.678", "0912345678"),
        ("0912-345-678", "0912345678"),
        ("(0225) 3746220", "02253746220"),  # a landline: area code and 7 digits, 11 digits
        ("024 3825 1234", "02438251234"),
        ("912345678", "0912345678"),  # Excel dropped the leading zero
        (912345678, "0912345678"),
        (912345678.0, "0912345678"),
        ("01683456789", "0383456789"),
        ("+84 1683456789", "0383456789"),
        ("031 3746220", "02253746220"),  # Hải Phòng before 2017
        ("0333456789", "0333456789"),  # a Viettel number, not Quảng Ninh's old 033
        ("０９１２３４５６７８", "0912345678"),  # full-width digits
        ("", ""),
        (None, ""),
    ],
)
def test_phone_numbers(typed: Any, stored: str) -> None:
    assert normalise_phone(typed) == stored


def test_phone_reasons() -> None:
    layer = Normaliser()
    layer.clean("a", Kind.PHONE, "+84 912 345 678", label="Điện thoại")
    layer.clean("b", Kind.PHONE, 912345678, label="Điện thoại")
    layer.clean("c", Kind.PHONE, " 0912345678 ", label="Điện thoại")
    reasons = {change.field: change for change in layer.changes}
    assert REASON_PHONE_COUNTRY in reasons["a"].reasons
    assert reasons["b"].reasons == (REASON_PHONE_ZERO,) and reasons["b"].before == "912345678"
    assert reasons["c"].minor


@pytest.mark.parametrize(
    "typed", ["12345", "0912345678 / 0987654321", "+1 555 123 4567", "0130 3456789", "1900 1234", "abc", "0412345678x"]
)
def test_bad_phone_numbers_are_refused_with_an_example(typed: str) -> None:
    with pytest.raises(NormaliseError) as refused:
        normalise_phone(typed, label="Điện thoại phụ huynh")
    assert refused.value.message.startswith(f"Điện thoại phụ huynh “{typed}” không đúng")
    assert "0912345678" in refused.value.message


# --- Yes / no, codes, e-mail ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed", ["x", "X", "✓", "Có", "có", "co", "CÓ", "1", 1, 1.0, True, "true", "yes", "Yes", "đúng", "Đúng", "đ"]
)
def test_yes(typed: Any) -> None:
    assert normalise_yes_no(typed) is True


@pytest.mark.parametrize("typed", ["0", 0, False, "Không", "không", "khong", "KHÔNG", "no", "false", "sai", "Sai"])
def test_no(typed: Any) -> None:
    assert normalise_yes_no(typed) is False


@pytest.mark.parametrize("typed", ["", " ", None])
def test_empty_yes_no(typed: Any) -> None:
    assert normalise_yes_no(typed) is None


@pytest.mark.parametrize("typed", ["maybe", "2", 2, "xx", ["x"]])
def test_other_yes_no_values_are_refused(typed: Any) -> None:
    with pytest.raises(NormaliseError, match="hãy ghi x"):
        normalise_yes_no(typed, label="Khuyết tật")


@pytest.mark.parametrize(
    ("typed", "length", "stored"),
    [("3100012345.0", 10, "3100012345"), (3100012345.0, 10, "3100012345"), (123, 10, "0000000123"), (None, 8, "")],
)
def test_codes_are_repaired_like_repair_code(typed: Any, length: int, stored: str) -> None:
    assert normalise_code(typed, length=length) == stored
    assert normalise(Kind.CODE, typed, length=length).value == stored


def test_code_reasons() -> None:
    assert normalise(Kind.CODE, 123, length=10).reasons != ()
    assert normalise(Kind.CODE, 3100012345.0, length=10).reasons == ()  # Excel shows it as 3100012345 already
    assert normalise(Kind.CODE, "TMP-0001", length=10).reasons == ()


def test_emails() -> None:
    assert normalise_email("  Nguyen.An@Example.EDU.VN ") == "Nguyen.An@example.edu.vn"
    assert normalise_email("mailto:an@haiphong.edu.vn") == "an@haiphong.edu.vn"
    assert normalise_email("") == ""
    for bad in ("an", "an@", "an @haiphong.edu.vn", "an@@haiphong.edu.vn", "an@haiphong"):
        with pytest.raises(NormaliseError, match=r"không đúng dạng; hãy nhập dạng ten@tenmien\.vn"):
            normalise_email(bad, label="Thư điện tử")


# --- The collector -------------------------------------------------------------------------------------------------


def test_the_collector_returns_values_records_changes_and_names_the_field_in_errors() -> None:
    layer = Normaliser()
    assert layer.clean("full_name", Kind.NAME, "nguyễn  văn an", label="Họ và tên", max_length=120) == "Nguyễn Văn An"
    assert layer.clean("birth_date", Kind.DATE, "31/02/2020", label="Ngày sinh") is None
    assert layer.clean("phone", Kind.PHONE, "0912345678", label="Điện thoại") == "0912345678"
    assert layer.clean("note", Kind.MULTILINE, "a\r\nb", label="Ghi chú") == "a\nb"
    assert layer.clean("is_disabled", Kind.YES_NO, "x", label="Khuyết tật") is True
    assert list(layer.errors) == ["birth_date"]
    assert layer.errors["birth_date"].startswith("Ngày sinh “31/02/2020”")
    name, note = layer.changes
    assert (name.field, name.label, name.before, name.after) == (
        "full_name",
        "Họ và tên",
        "nguyễn  văn an",
        "Nguyễn Văn An",
    )
    assert name.reasons == (REASON_SPACES, REASON_CAPITALISE) and not name.minor
    assert note.minor  # only the line ending changed


def test_every_kind_has_an_entry_point() -> None:
    assert {kind.name for kind in Kind} == {"TEXT", "MULTILINE", "NAME", "DATE", "PHONE", "CODE", "YES_NO", "EMAIL"}
    for kind in Kind:
        assert normalise(kind, None).reasons == ()


def test_memos_give_the_same_answers() -> None:
    clear_memos()
    first = [normalise_name("lê  thị hoà"), normalise_text("Hoµ B×nh"), normalise_date("1/3/2010")]
    second = [normalise_name("lê  thị hoà"), normalise_text("Hoµ B×nh"), normalise_date("1/3/2010")]
    assert first == second
    with pytest.raises(NormaliseError):  # a remembered name still meets the field's limit
        normalise_name("lê  thị hoà", max_length=5)


# --- Invisible characters: the list against Unicode's own ---------------------------------------------------------


def test_every_format_character_is_removed() -> None:
    kept = {"\u00ad", "\u200d"}  # the soft hyphen (TCVN3's ư, removed after the legacy step), the emoji joiner
    missing = [
        f"U+{code:04X}"
        for code in range(sys.maxunicode + 1)
        if unicodedata.category(chr(code)) == "Cf" and chr(code) not in kept and not INVISIBLE.fullmatch(chr(code))
    ]
    assert missing == []


# --- text.py: the cheap helpers ----------------------------------------------------------------------------------


def test_clean_text_strips_invisible_characters_but_converts_no_legacy_font() -> None:
    assert clean_text("  Lê\u200b \u202eHà\x00 ") == "Lê Hà"
    assert clean_text("NguyÔn V¨n Anh") == "NguyÔn V¨n Anh"  # a visible change belongs to the layer, which says so
    assert clean_text(unicodedata.normalize("NFD", "Hà")) == "Hà"


def test_person_name_capitalises_every_part() -> None:
    assert person_name("nguyễn  văn AN") == "Nguyễn Văn An"
    assert person_name("h'hen niê") == "H'Hen Niê"
    assert person_name("ksor y-phôn") == "Ksor Y-Phôn"


def test_search_key_ignores_tone_style_case_and_diacritics() -> None:
    assert len({search_key(text) for text in ("hòa", "hoà", "hoa", "HOÀ", "Hòa", "HOA")}) == 1
    assert search_key("Thủy Nguyên") == search_key("thuỷ nguyên") == "thuy nguyen"


# --- Properties ------------------------------------------------------------------------------------------------------

VIETNAMESE = "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
ALPHABET = st.sampled_from(
    [
        *VIETNAMESE,
        *VIETNAMESE.upper(),
        *"AEIOU",
        *"\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b",  # combining marks (NFD input)
        *"µ¨©ª«¬\xad®¡¢£¤¥¦§¸¹ÒÓÔÕÖÞ×",  # TCVN3 bytes
        *"ùøûõïâáàåãäêéèúüëñöôî",  # VNI modifiers and letters
        *" \t\n\r\xa0\u2003\u3000",  # spaces and line breaks
        *"\x00\x07\x1f\x7f\x85\u200b\u200d\u200e\u202e\u2066\ufeff",  # controls and invisible characters
        *"0123456789'-.,😀👩",
    ]
)


def _twice(kind: Kind, value: Any, **options: Any) -> None:
    """Normalising a normalised value changes nothing and gives no reason."""
    try:
        first = normalise(kind, value, **options)
    except NormaliseError:
        assume(False)
        return
    again = normalise(kind, first.value, **options)
    assert again.value == first.value
    assert again.reasons == ()


@settings(max_examples=400, deadline=None)
@given(st.text(ALPHABET, max_size=40), st.sampled_from([Kind.TEXT, Kind.MULTILINE, Kind.NAME]))
def test_text_kinds_are_idempotent(text: str, kind: Kind) -> None:
    _twice(kind, text)


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(
        st.dates(),
        st.datetimes(),
        st.integers(min_value=-10, max_value=3_000_000),
        st.floats(allow_nan=True),
        st.text("0123456789/-. T:", max_size=20),
        st.none(),
    )
)
def test_dates_are_idempotent(value: Any) -> None:
    _twice(Kind.DATE, value)


@st.composite
def phones(draw: st.DrawFn) -> Any:
    """A phone number in one of the forms people type: prefix, digits, separators, country code, or a bare number."""
    prefix, length = draw(
        st.sampled_from(
            [
                *[("091", 10), ("035", 10), ("086", 10), ("070", 10), ("0225", 11), ("024", 11), ("0168", 11)],
                *[("0199", 11), ("031", 10), ("0320", 11), ("04", 10), ("0", draw(st.integers(5, 13)))],
            ]
        )
    )
    digits = prefix + "".join(
        draw(st.lists(st.sampled_from("0123456789"), min_size=length - len(prefix), max_size=length - len(prefix)))
    )
    if draw(st.booleans()):
        return int(digits)
    country = draw(st.sampled_from(["", "+84 ", "84", "0084", "+84 (0)"]))
    body = digits[1:] if country and digits.startswith("0") else digits
    separator = draw(st.sampled_from(["", " ", ".", "-"]))
    return country + separator.join(body[i : i + 3] for i in range(0, len(body), 3))


@settings(max_examples=200, deadline=None)
@given(phones())
def test_phones_are_idempotent(value: Any) -> None:
    _twice(Kind.PHONE, value)


@settings(max_examples=100, deadline=None)
@given(
    st.one_of(
        st.emails(),
        st.text(max_size=20),
        st.sampled_from(["x", "Có", "0", "không", ""]),
        st.integers(),
        st.floats(),
        st.booleans(),
    ),
    st.sampled_from([Kind.EMAIL, Kind.CODE, Kind.YES_NO]),
)
def test_other_kinds_are_idempotent(value: Any, kind: Kind) -> None:
    _twice(kind, value, length=10 if kind is Kind.CODE else None)


@settings(max_examples=200, deadline=None)
@given(st.text(st.sampled_from([*VIETNAMESE, *VIETNAMESE.upper(), " ", "\u0300", "\u0309"]), max_size=30))
def test_the_tone_style_does_not_change_the_search_key(text: str) -> None:
    result = normalise_text(text)
    # A Latin-1-only text may read as legacy text ("Bâ" is no syllable; as TCVN3 it is "Bõ"): a conversion changes
    # the letters, not only the tone style.
    assume(not any(reason is REASON_TCVN3 or reason is REASON_VNI for reason in result.reasons))
    assert search_key(result.value) == search_key(text)


def test_a_latin1_text_read_as_legacy_is_not_a_tone_style_change() -> None:
    assert normalise_text("Bâ").reasons == (REASON_TCVN3,)  # found by the property above: "Bõ" in TCVN3


def test_legacy_module_is_the_one_the_layer_uses() -> None:
    assert legacy.decode_tcvn3("V¨n") == normalise_text("V¨n", font=".VnTime").value == "Văn"
