"""The column path (``normalise_column``) gives exactly what ``Normaliser.clean`` gives cell by cell."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from typing import Any

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edudb.quality import legacy, normalise
from edudb.quality.normalise import (
    REASON_CAPITALISE,
    REASON_TONE,
    CellChange,
    Change,
    ColumnMemo,
    Kind,
    Normaliser,
    clear_memos,
    normalise_column,
    normalise_name,
)

NAMES = [
    "Nguyễn Văn An", "Lê Thị Hà", "Trần Thị Thuỷ", "Phạm Minh Hoà", "Đặng Thùy Khoẻ", "Lê Minh Tâm", "Hôtel Müller",
    "H'Hen Niê", "Ksor Y-Phôn", "Quý", "Chloé", "José", "Lý Hoài Thuý",
]  # fmt: skip
PIECES = ["  ", " ", "\t", "\n", "\r\n", "\xa0", "\u200b", "\xad", "\x07", "\u202e", "\ufeff", "😀", "\u241e", "-", "'"]


def _variants(text: str) -> list[str]:
    """A text and what fonts, people and Excel do to it."""
    return [
        text,
        unicodedata.normalize("NFD", text),
        legacy.encode_tcvn3(text),
        legacy.encode_vni(text),
        text.lower(),
        text.upper(),
        f" {text}",
        f"{text} ",
        text.replace(" ", "  "),
    ]


_TEXTS = st.one_of(
    st.sampled_from(NAMES).flatmap(lambda name: st.sampled_from(_variants(name))),
    st.lists(st.sampled_from(NAMES + PIECES), max_size=4).map("".join),
    st.text(alphabet=st.sampled_from("aAoOuUàáảãạèéỳýỷỹỵ qQđĐêô ¨Ô¸µ0123\u0301\u0300"), max_size=8),
    st.text(max_size=6),
)
_DATES = st.one_of(
    st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31)).flatmap(
        lambda day: st.sampled_from(
            [
                f"{day:%d/%m/%Y}",
                f"{day.day}/{day.month}/{day.year}",
                f"{day:%Y-%m-%d}",
                f"{day:%d-%m-%y}",
                day,
                datetime(day.year, day.month, day.day, 8, 30),
                float((day - date(1899, 12, 30)).days),
            ]
        )
    ),
    st.sampled_from(["31/02/2020", "13/13/2020", "03/25/2020", "60", "2020", "", " 12/03/2010 ", "00/00/0000"]),
    # The forms the column path fixes itself, and their neighbours that it must leave to the per-cell path.
    st.sampled_from(
        ["31/2/2020", "5/13/2020", "5/3/0999", "5/3/999", "05/3/2010", "5/3/2010 ", "5 /3/2010", "0/3/2010"]
    ),
    st.sampled_from([60.0, 61.0, 1900.0, 2100.0, 2101.0, 2101.5, 2_958_465.0, 2_958_466.0, -40000.0, 0.0, 1e300]),
    st.floats(min_value=-10, max_value=3e6),
)
_PHONES = st.one_of(
    st.from_regex(r"0(9[0-9]|3[2-9]|16[2-9])[0-9]{7}", fullmatch=True).flatmap(
        lambda number: st.sampled_from([number, f"{number[:4]} {number[4:]}", f"+84{number[1:]}", float(number)])
    ),
    st.sampled_from(["", "abc", "0912345٦٧٨", "0312345678", "(031) 3746220", "12"]),
    # The damaged forms the column path fixes itself, and their neighbours that it must leave to the per-cell path.
    st.from_regex(r"0(9[0-9]|3[2-9]|16[2-9]|18[68]|199|11[0-9])[0-9]{7}", fullmatch=True).flatmap(
        lambda number: st.sampled_from(
            [
                f"{number[:4]} {number[4:7]} {number[7:]}",
                f"{number[:4]}  {number[4:]}",
                f" {number[:4]} {number[4:]}",
                f"+84 {number[1:]}",
                f"+84 {number}",
                f"+84{number}",
                f"+84 {number[1:4]} {number[4:]}",
                f"+84 {number[1:]}1",
                f"0084 {number[1:]}",
                f"84 {number[1:]}",
                f"{number[1:4]} {number[4:]}",
                float(number[1:]),
                float(number[2:]),
                float(number + "1"),
            ]
        )
    ),
    st.sampled_from(["0313 746 220", "031 3746 220", "+84 313746220", "04 3825 1234", "+84", "+84 ", "0 1"]),
    st.floats(min_value=1e8 - 2, max_value=1e9 + 2),
)
_CODES = st.one_of(
    st.from_regex(r"[0-9]{1,10}", fullmatch=True),
    st.sampled_from(["", "AB12", "31000 1234", "3.1e9"]),
    st.floats(min_value=0, max_value=1e10).map(float),
    st.integers(min_value=0, max_value=10**10),
)
_YES_NO = st.one_of(
    st.sampled_from(["x", "X", "", "Có", "có", "Không", "0", "1", "đúng", "sai", "maybe", "✓"]),
    st.booleans(),
    st.sampled_from([0.0, 1.0, 2.0]),
)
_OTHERS = st.one_of(st.none(), st.booleans(), st.floats(allow_nan=True), st.dates(), st.integers(-5, 5))

KINDS: dict[Kind, Any] = {
    Kind.TEXT: _TEXTS,
    Kind.MULTILINE: _TEXTS,
    Kind.NAME: _TEXTS,
    Kind.DATE: _DATES,
    Kind.PHONE: _PHONES,
    Kind.CODE: _CODES,
    Kind.YES_NO: _YES_NO,
    Kind.EMAIL: st.sampled_from(["an@example.vn", " An@Example.VN ", "mailto:b@x.vn", "sai", ""]),
}


def cell_by_cell(kind: Kind, values: list[Any], fonts: list[str | None], **options: Any) -> tuple[Any, ...]:
    """What the per-cell path gives: values, (index, change) pairs, {index: message}."""
    cleaned, changes, errors = [], [], {}
    for index, (value, font) in enumerate(zip(values, fonts, strict=True)):
        collector = Normaliser()
        cleaned.append(collector.clean("f", kind, value, label="Ô", font=font, **options))
        changes += [(index, change) for change in collector.changes]
        if collector.errors:
            errors[index] = collector.errors["f"]
    return cleaned, changes, errors


def by_column(
    kind: Kind, values: list[Any], fonts: list[str | None] | None, memo: ColumnMemo | None = None, **options: Any
) -> tuple[Any, ...]:
    column = normalise_column(kind, values, label="Ô", field="f", fonts=fonts, memo=memo, **options)
    assert all(isinstance(change, CellChange) for change in column.changes)
    return column.values, [(change.row, change.change) for change in column.changes], column.errors


@st.composite
def columns(draw: st.DrawFn) -> tuple[Kind, list[Any], list[str | None] | None, dict[str, Any]]:
    kind = draw(st.sampled_from(list(KINDS)))
    mixed = draw(st.booleans())
    values: list[Any] = draw(st.lists(st.one_of(KINDS[kind], _OTHERS) if mixed else KINDS[kind], max_size=30))
    repeats: bool = draw(st.booleans())
    if values and repeats:  # repeats, as columns have
        values += draw(st.lists(st.sampled_from(values), max_size=10))
    fonts: list[str | None] | None = None
    if draw(st.booleans()):
        fonts = draw(st.lists(st.sampled_from([None, ".VnTime", ".VnTimeH", "VNI-Times", "Arial"]), min_size=len(values), max_size=len(values)))  # fmt: skip
    options: dict[str, Any] = {}
    if kind in (Kind.TEXT, Kind.MULTILINE, Kind.NAME) and draw(st.booleans()):
        options["max_length"] = draw(st.integers(1, 20))
    if kind is Kind.CODE and draw(st.booleans()):
        options["length"] = draw(st.sampled_from([4, 10]))
    return kind, values, fonts, options


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(columns())
def test_a_column_comes_out_exactly_as_cell_by_cell(column: tuple[Any, ...]) -> None:
    kind, values, fonts, options = column
    clear_memos()
    got = by_column(kind, values, fonts, **options)
    # The per-cell path runs second, with the memos the column path left: what was met before changes nothing.
    assert got == cell_by_cell(kind, values, fonts or [None] * len(values), **options)


@pytest.mark.parametrize(
    ("kind", "values"),
    [
        (Kind.NAME, ["Nguyễn Văn An", "nguyễn văn an", "Trần Thị Thuỷ", "NguyÔn V¨n Anh", "", "Lê Thị Hà"] * 3),
        (Kind.TEXT, ["Số 5 đường Lạch Tray", "Sè 5 ®\xadêng L¹ch Tray", "  Hoà Bình ", "a\u241eb", "Nữ"] * 3),
        (Kind.DATE, ["12/03/2010", "1/3/2010", date(2010, 3, 12), 40249.0, "31/02/2020", ""] * 3),
        (Kind.PHONE, ["0912345678", "0912 345 678", "+84 912345678", 912345678.0, "01683456789", "abc"] * 3),
        (Kind.CODE, ["3100000001", 3100000002.0, "31 0000 0003", ""] * 3),
        (Kind.YES_NO, ["x", "", "Có", "không", True, "maybe"] * 3),
        (Kind.MULTILINE, ["Dòng một\nDòng hai", "Dòng một \n", "\nx", "Hộ nghèo", ""] * 3),
    ],
)
def test_typical_columns(kind: Kind, values: list[Any]) -> None:
    assert by_column(kind, values, None) == cell_by_cell(kind, values, [None] * len(values))


def test_the_result_of_a_column() -> None:
    column = normalise_column(
        Kind.NAME, ["Nguyễn Văn An", "trần thị thuỷ", "Lê Văn 2", "Trần Thị Thuỷ"], label="Họ và tên", field="ten"
    )
    assert column.values == ["Nguyễn Văn An", "Trần Thị Thủy", None, "Trần Thị Thủy"]
    assert [(change.row, change.field, change.after) for change in column.changes] == [
        (1, "ten", "Trần Thị Thủy"),
        (3, "ten", "Trần Thị Thủy"),
    ]
    assert column.changes[1].reasons == (REASON_TONE,) and isinstance(column.changes[1].change, Change)
    assert list(column.errors) == [2] and "Họ và tên" in column.errors[2]


def test_fonts_per_cell_decide_the_legacy_conversion() -> None:
    values = ["Vò", "Vò", "NguyÔn", "Nguyễn"]
    column = normalise_column(Kind.TEXT, values, label="Ô", fonts=[".VnTime", None, "Arial", ".VnTime"])
    assert column.values == ["Vũ", "Vò", "NguyÔn", "Nguyễn"]
    with pytest.raises(ValueError):
        normalise_column(Kind.TEXT, values, label="Ô", fonts=[None])


def test_empty_and_ascii_cells_in_another_font_do_not_split_a_column(monkeypatch: pytest.MonkeyPatch) -> None:
    # A sheet typed in .VnTime has empty cells with no font and ASCII cells in any: the font they have changes
    # nothing, so the column is still normalised with its one font (not cell by cell with each cell's font).
    values = ["Vò Lan", "", "An", "Vò Lan", 12.0, "NguyÔn ThÞ H\xad¬ng"]
    fonts = [".VnTime", None, "Arial", ".VnTime", "Arial", ".VnTime"]

    def not_by_font(*args: Any) -> None:
        raise AssertionError("normalised cell by cell, by font")

    monkeypatch.setattr(normalise, "_column_by_font", not_by_font)
    got = by_column(Kind.NAME, values, fonts)
    assert got[0] == ["Vũ Lan", "", "An", "Vũ Lan", None, "Nguyễn Thị Hương"]
    assert got == by_column(Kind.NAME, values, [".VnTime"] * len(values)) == cell_by_cell(Kind.NAME, values, fonts)


def test_one_and_true_are_not_taken_for_each_other() -> None:
    values = [True, 1.0, 1, "1", False, 0.0]
    for kind in (Kind.TEXT, Kind.YES_NO, Kind.DATE, Kind.PHONE):
        assert by_column(kind, values, None) == cell_by_cell(kind, values, [None] * len(values))


def test_a_name_longer_than_its_limit_only_before_shaping_is_kept_whether_met_before_or_not() -> None:
    # The limit applies to the name as stored: "Y - Phôn" is stored as "Y-Phôn" (6 characters).
    clear_memos()
    assert normalise_name("Y - Phôn", max_length=6).value == "Y-Phôn"
    assert normalise_name("Y - Phôn", max_length=6).value == "Y-Phôn"  # now from the memo
    clear_memos()
    assert normalise_name("Y - Phôn").value == "Y-Phôn"
    assert normalise_name("Y - Phôn", max_length=6).value == "Y-Phôn"


@pytest.mark.parametrize("kind", [Kind.TEXT, Kind.MULTILINE, Kind.NAME, Kind.PHONE, Kind.DATE, Kind.CODE])
def test_a_cell_over_excels_limit_is_refused_in_its_row(kind: Kind) -> None:
    values = ["Nguyễn Văn An", "x" * 40_000, "Lê Thị Hà"]
    column = normalise_column(kind, values, label="Ô")
    assert by_column(kind, values, None) == cell_by_cell(kind, values, [None] * len(values))
    assert (1 in column.errors) is (kind is not Kind.CODE)  # codes have no limit here (their own validators do)


# --- The word path of NAME columns: every cell built of words, each word in any of the forms people and fonts give ---
WORDS = [
    "Nguyễn", "Văn", "An", "Lê", "Hà", "Thị", "Thuỷ", "Thủy", "Hoà", "Hòa", "Khoẻ", "Quý", "Lâm", "Chloé", "José",
    "Müller", "Hôtel", "Y", "Niê", "H'Hen", "Y-Phôn", "Đức", "Ngọc", "Mỹ", "Ánh", "Lâ", "Lõ", "Vò", "Vũ", "李", "ß",
]  # fmt: skip


def _word_forms(word: str) -> list[str]:
    return [
        word,
        word.lower(),
        word.upper(),
        unicodedata.normalize("NFD", word),
        legacy.encode_tcvn3(word),
        legacy.encode_vni(word),
    ]


_WORDY = st.lists(st.sampled_from(WORDS).flatmap(lambda word: st.sampled_from(_word_forms(word))), max_size=4).flatmap(
    lambda words: st.lists(
        st.sampled_from([" ", " ", " ", "  "]), min_size=len(words) + 1, max_size=len(words) + 1
    ).map(
        lambda spaces: "".join(space + word for space, word in zip(spaces, [*words, ""], strict=True)).removeprefix(" ")
    )
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from([Kind.NAME, Kind.TEXT]),
    st.lists(_WORDY, max_size=25),
    st.sampled_from([None, "Arial", ".VnTime"]),
    st.sampled_from([None, 8, 120]),
)
def test_a_column_of_words_comes_out_exactly_as_cell_by_cell(
    kind: Kind, values: list[str], font: str | None, max_length: int | None
) -> None:
    clear_memos()
    fonts = [font] * len(values)
    column = normalise_column(kind, values, label="Ô", field="f", font=font, max_length=max_length)
    got = column.values, [(change.row, change.change) for change in column.changes], column.errors
    assert got == cell_by_cell(kind, values, fonts, max_length=max_length)


@pytest.mark.parametrize(
    "values",
    [
        ["Lª Hµ", "Lê Hà", "NguyÔn V¨n Anh", "Nguyeãn Vaên Anh"],  # legacy cells next to the words they encode
        ["LÂ", "Lâ", "LÂM", "lâm"],  # "Lâ" reads as TCVN3 "Lõ": capitalising "LÂ" converts it
        ["John NguyÔn", "Peter Müller", "Hôtel", "Chloé Lê"],  # foreign words with a legacy one, or none
        ["Nguyễn Văn An", unicodedata.normalize("NFD", "Nguyễn Văn An"), "nguyễn văn an"],  # NFD in one cell
        ["Nguyễn  Văn An", " Nguyễn Văn An", "Nguyễn Văn An ", "  ", ""],  # spaces
        ["Trần Thị Thuỷ", "trần thị thuỷ", "TRẦN THỊ THUỶ", unicodedata.normalize("NFD", " trần  thị thuỷ ")],
        ["李 Văn", "李", "ß Văn", "Hà 2", "H'Hen Niê", "Y - Phôn", "Quý Hoà", "Chloé"],  # uncased, non-letters, marks
    ],
)
@pytest.mark.parametrize("kind", [Kind.NAME, Kind.TEXT])
def test_the_word_path_on_its_edge_cases(kind: Kind, values: list[str]) -> None:
    for max_length in (None, 5):
        clear_memos()
        fonts: list[str | None] = [None] * (len(values) * 2)
        assert by_column(kind, values * 2, None, max_length=max_length) == cell_by_cell(
            kind, values * 2, fonts, max_length=max_length
        )


def test_the_words_judged_are_kept_across_chunks_and_forgotten_with_the_memos() -> None:
    clear_memos()
    first = normalise_column(Kind.NAME, ["Trần Thị Thuỷ", "lê văn an"], label="Ô")
    again = normalise_column(Kind.NAME, ["Lê Thị Thuỷ", "trần văn an"], label="Ô")
    assert first.values == ["Trần Thị Thủy", "Lê Văn An"] and again.values == ["Lê Thị Thủy", "Trần Văn An"]
    assert [change.reasons for change in again.changes] == [(REASON_TONE,), (REASON_CAPITALISE,)]
    clear_memos()
    assert normalise_column(Kind.NAME, ["Lê Thị Thuỷ"], label="Ô").values == ["Lê Thị Thủy"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(columns(), st.integers(1, 12))
def test_a_column_in_chunks_comes_out_exactly_as_cell_by_cell(column: tuple[Any, ...], size: int) -> None:
    """Chunk after chunk, as an import hands them in: what a chunk takes from the ones before changes nothing."""
    kind, values, fonts, options = column
    clear_memos()
    got: list[Any] = [[], [], {}]
    memo = ColumnMemo()  # one for the column, as the import keeps it
    for start in range(0, len(values), size):
        chunk_fonts = None if fonts is None else fonts[start : start + size]
        cleaned, changes, errors = by_column(kind, values[start : start + size], chunk_fonts, memo, **options)
        got[0] += cleaned
        got[1] += [(start + row, change) for row, change in changes]
        got[2].update({start + row: message for row, message in errors.items()})
    assert tuple(got) == cell_by_cell(kind, values, fonts or [None] * len(values), **options)


def test_a_memo_hands_later_chunks_what_earlier_ones_made_of_a_value() -> None:
    clear_memos()
    memo = ColumnMemo()
    first = normalise_column(Kind.NAME, ["Trần Thị Thuỷ", "Lê Văn An", "x1"], label="Họ tên", field="f", memo=memo)
    clear_memos()  # the shared memos forgotten: only the column's memo can know these values
    again = normalise_column(Kind.NAME, ["Lê Văn An", "x1", "Trần Thị Thuỷ"], label="Họ tên", field="f", memo=memo)
    assert (memo.looked, memo.met) == (6, 3)
    assert again.values == ["Lê Văn An", None, "Trần Thị Thủy"]
    assert again.changes[0].row == 2 and again.changes[0].change is first.changes[0].change  # the same object
    assert again.errors == {1: first.errors[2]}
    assert again == normalise_column(Kind.NAME, ["Lê Văn An", "x1", "Trần Thị Thuỷ"], label="Họ tên", field="f")


def test_a_memo_starts_afresh_when_the_column_is_another() -> None:
    memo = ColumnMemo()
    values = ["Lê Văn Thuỷ", "x1"]
    kept = normalise_column(Kind.NAME, values, label="Họ tên", field="f", max_length=120, memo=memo)
    assert kept.values == ["Lê Văn Thủy", None]
    # Another limit, label or language: what was kept does not hold; each is what a fresh column gives.
    shorter = normalise_column(Kind.NAME, values, label="Họ tên", field="f", max_length=5, memo=memo)
    assert shorter.values == [None, None] and "5" in shorter.errors[0]
    relabelled = normalise_column(Kind.NAME, values, label="Tên cha", field="g", max_length=120, memo=memo)
    assert relabelled.changes[0].label == "Tên cha" and relabelled.changes[0].field == "g"
    assert "Tên cha" in relabelled.errors[1]
    with translation.override("en"):
        english = normalise_column(Kind.NAME, values, label="Tên cha", field="g", max_length=120, memo=memo)
        assert english.errors == normalise_column(Kind.NAME, values, label="Tên cha", field="g", max_length=120).errors
    with translation.override("vi"):
        assert english.errors != relabelled.errors
    assert memo.met == 0  # each of them started afresh


def test_a_memo_stops_keeping_values_that_never_come_back(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(normalise, "_MEMO_VALUES", 100)
    memo = ColumnMemo()
    for chunk in range(4):  # a column of distinct values (a code typed as text): nothing is met twice
        values = [f"Mã {chunk * 60 + number}" for number in range(60)]
        assert normalise_column(Kind.TEXT, values, label="Mã", memo=memo).values == values
    assert memo.off and not memo.plain and not memo.results and not memo.marks
    names = ["Lê Văn An"] * 3
    memo = ColumnMemo()
    for _chunk in range(80):  # values that come back: kept, and met again
        normalise_column(Kind.NAME, names, label="Họ tên", memo=memo)
    assert not memo.off and memo.met == 79
