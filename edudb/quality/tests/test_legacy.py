"""Legacy Vietnamese encodings: TCVN3 against glibc's table, VNI letter by letter, and detection that never corrupts."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from edudb.quality import legacy
from edudb.quality.legacy import (
    TCVN3_BYTES,
    decode_tcvn3,
    decode_vni,
    detect,
    encode_tcvn3,
    encode_vni,
    font_encoding,
    is_syllable,
    to_unicode,
)

TONES = ("", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323")  # none, sắc, huyền, hỏi, ngã, nặng
VOWELS = "aăâeêioôơuưy"

# --- TCVN3 against the reference ------------------------------------------------------------------------------


def _iconv_tcvn(raw: bytes) -> list[str]:
    """glibc's TCVN5712-1 (the VN1 table) decoding of each byte of ``raw``, one line each, NFC."""
    iconv = shutil.which("iconv")
    if iconv is None:
        pytest.skip("iconv (glibc) is not installed: the TCVN3 table cannot be checked against a reference")
    lines = b"\n".join(bytes([byte]) for byte in raw)
    done = subprocess.run([iconv, "-f", "TCVN5712-1", "-t", "UTF-8"], input=lines, capture_output=True, check=False)
    if done.returncode:
        pytest.skip(f"this iconv has no TCVN5712-1 converter: {done.stderr.decode(errors='replace').strip()}")
    return [unicodedata.normalize("NFC", line) for line in done.stdout.decode().split("\n")]


def test_every_tcvn3_byte_matches_glibc() -> None:
    defined = sorted(TCVN3_BYTES)
    assert len(defined) == 74  # 60 toned small vowels, 7 small and 7 capital letters with a hat, horn, breve or stroke
    reference = _iconv_tcvn(bytes(defined))
    ours = [decode_tcvn3(chr(byte)) for byte in defined]
    assert ours == reference


def test_bytes_vn3_leaves_empty_are_vn1_capitals_and_marks_and_stay_as_read() -> None:
    # glibc implements VN1, which fills the bytes VN3 leaves empty with toned capitals (0x80–0x9F, 0xAF, 0xBA, 0xBF–0xC5,
    # 0xCD, 0xD9–0xDB, 0xE0, 0xF0, 0xFF) and combining tone marks (0xB0–0xB4). The .VnTime fonts draw none of those,
    # so a VN3 text never holds them as letters: they are left as Windows-1252/Latin-1 read them ("À", "Ð"…).
    empty = [byte for byte in range(0x80, 0x100) if byte not in TCVN3_BYTES and byte != 0xA0]
    reference = _iconv_tcvn(bytes(empty))
    differing = {byte for byte, vn1 in zip(empty, reference, strict=True) if vn1 != chr(byte)}
    expected = {*range(0x80, 0xA0), 0xAF, *range(0xB0, 0xB5), 0xBA, *range(0xBF, 0xC6), 0xCD, 0xD9, 0xDA, 0xDB}
    assert differing == expected | {0xE0, 0xF0, 0xFF}
    assert all(decode_tcvn3(chr(byte)) == chr(byte) for byte in empty)
    for byte in sorted(differing - set(range(0xB0, 0xB5))):
        assert unicodedata.category(reference[empty.index(byte)]) == "Lu"  # VN1's additions: capitals
    for byte in range(0xB0, 0xB5):
        assert unicodedata.combining(reference[empty.index(byte)])  # … and the five tone marks


def test_tcvn3_as_excel_hands_it_over() -> None:
    assert decode_tcvn3("NguyÔn V¨n Anh") == "Nguyễn Văn Anh"
    assert decode_tcvn3("Tr\xadêng THPT Lª Hång Phong") == "Trường THPT Lê Hồng Phong"
    assert decode_tcvn3("NGUYÔN V¡N AN", upper=True) == "NGUYỄN VĂN AN"  # .VnTimeH: the same bytes, drawn capital


# --- VNI, built independently of the module's table -------------------------------------------------------------
# VNI-Win: the modifier byte after a base letter, by tone (none, sắc, huyền, hỏi, ngã, nặng), small / capital.
VNI_TONE = ("", "ù", "ø", "û", "õ", "ï")
VNI_HAT = ("â", "á", "à", "å", "ã", "ä")  # â ê ô, with a tone
VNI_BREVE = ("ê", "é", "è", "ú", "ü", "ë")  # ă, with a tone
VNI_I = ("i", "í", "ì", "æ", "ó", "ò")  # i has a byte of its own per tone


def _vni_code(letter: str) -> str:
    """The VNI spelling of one Unicode letter (base letter and tone), from the rules above."""
    decomposed = unicodedata.normalize("NFD", letter)
    base = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in TONES))
    tone = next((TONES.index(ch) for ch in decomposed if ch in TONES[1:]), 0)
    capital = base.isupper()
    small = base.lower()

    def cased(code: str) -> str:
        return code.upper() if capital else code

    if small == "đ":
        return cased("ñ")
    if small == "i":
        return cased(VNI_I[tone])
    if small == "y" and tone == 5:
        return cased("î")
    if small in "âêô":
        return cased(unicodedata.normalize("NFD", small)[0] + VNI_HAT[tone])
    if small == "ă":
        return cased("a" + VNI_BREVE[tone])
    head = {"ơ": "ô", "ư": "ö"}.get(small, small)
    return cased(head + VNI_TONE[tone])


@pytest.mark.parametrize("vowel", [*VOWELS, *VOWELS.upper()])
def test_vni_every_vowel_and_tone_round_trips(vowel: str) -> None:
    for tone in TONES:
        letter = unicodedata.normalize("NFC", vowel + tone)
        code = _vni_code(letter)
        assert encode_vni(letter) == code, letter
        assert decode_vni(code) == letter, code
        if len(code) == 2:  # the case of the base letter decides, whichever modifier font was used
            assert decode_vni(code[0] + code[1].swapcase()) == letter


def test_vni_d_with_stroke_and_sample() -> None:
    assert decode_vni("ñ Ñ") == "đ Đ"
    assert decode_vni("Nguyeãn Vaên Anh") == "Nguyễn Văn Anh"
    assert decode_vni("Thaønh phoá Haûi Phoøng") == "Thành phố Hải Phòng"
    assert decode_vni("ngöôøi") == "người"


# --- Fonts and detection ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("font", "expected"),
    [
        (".VnTime", ("tcvn3", False)),
        (".VnTimeH", ("tcvn3", True)),
        (".VnArial NarrowH", ("tcvn3", True)),
        (".VnArial", ("tcvn3", False)),
        ("VNI-Times", ("vni", False)),
        ("VNI Times", ("vni", False)),
        ("vni-helve", ("vni", False)),
        ("Times New Roman", (None, False)),
        ("Arial", (None, False)),
        ("Calibri", (None, False)),
    ],
)
def test_font_names(font: str, expected: tuple[str | None, bool]) -> None:
    assert font_encoding(font) == expected


def test_the_font_decides_when_given() -> None:
    assert to_unicode("NguyÔn V¨n Anh", font=".VnTime") == ("Nguyễn Văn Anh", "tcvn3")
    assert to_unicode("NguyÔn V¨n Anh", font=".VnTimeH") == ("NGUYỄN VĂN ANH", "tcvn3")
    assert to_unicode("Nguyeãn Vaên Anh", font="VNI-Times") == ("Nguyễn Văn Anh", "vni")
    assert to_unicode("NguyÔn V¨n Anh", font="Times New Roman") == ("NguyÔn V¨n Anh", None)
    assert to_unicode("Vò", font=".VnTime") == ("Vũ", "tcvn3")  # ambiguous without the font: "vò" is a word too
    assert to_unicode("Nguyễn", font=".VnTime") == ("Nguyễn", None)  # ễ has no Windows-1252 byte: Unicode already


@pytest.mark.parametrize(
    ("legacy_text", "unicode_text", "encoding"),
    [
        ("NguyÔn V¨n Anh", "Nguyễn Văn Anh", "tcvn3"),
        ("Lª Hµ", "Lê Hà", "tcvn3"),
        ("Hµ Néi", "Hà Nội", "tcvn3"),
        ("Thµnh phè H¶i Phßng", "Thành phố Hải Phòng", "tcvn3"),
        ("Tr\xadêng THPT Lª Hång Phong", "Trường THPT Lê Hồng Phong", "tcvn3"),
        ("NGUYÔN THÞ Hµ", "NGUYỄN THỊ HÀ", "tcvn3"),  # capitals typed in .VnTimeH, guessed from the ASCII letters
        ("H'Hen Niª", "H'Hen Niê", "tcvn3"),
        ("Nguyeãn Vaên Anh", "Nguyễn Văn Anh", "vni"),
        ("Ñaø Naüng", "Đà Nẵng", "vni"),
        ("Vieät Nam", "Việt Nam", "vni"),
        ("Ksor Y-Phoân", "Ksor Y-Phôn", "vni"),
        ("Leâ Thò An", "Lê Thị An", "vni"),  # TCVN3 would read "Leõ": a tone on the wrong vowel
    ],
)
def test_detected_without_a_font(legacy_text: str, unicode_text: str, encoding: str) -> None:
    assert to_unicode(legacy_text) == (unicode_text, encoding)
    assert detect(legacy_text) == encoding


@pytest.mark.parametrize(
    "text",
    [
        "Hôtel",
        "Müller",
        "José",
        "Café crème",
        "Nguyễn",
        "ÀÁÂ",
        "Sao Paulo ñ",
        "São Paulo",
        "España",
        "où",
        "Là où",
        "Søren Kierkegaard",
        "smørrebrød",
        "naïve",
        "Björk",
        "Über",
        "Grüße aus Köln",
        "Ångström",
        "résumé",
        "fiancée",
        "Zoë",
        "Noël",
        "Crème brûlée",
        "Perú",
        "Dvořák",
        "né à Paris",
        "Lê Minh Tâm",
        "Tô Hoài",
        "Cao Bá Quát",
        "Vò",  # TCVN3 for Vũ, but also a Vietnamese word: without a font, left alone
        "Thò",
        "hello – “world” …",
    ],
)
def test_text_that_only_looks_legacy_is_left_alone(text: str) -> None:
    assert to_unicode(text) == (text, None)


def test_text_with_a_character_windows_1252_cannot_hold_is_unicode() -> None:
    assert to_unicode("Ng« Thị Hµ") == ("Ng« Thị Hµ", None)  # ị: someone typed Unicode, whatever else is there


@pytest.mark.parametrize(
    ("word", "valid"),
    [
        ("nguyễn", True),
        ("quốc", True),
        ("giếng", True),
        ("khuỷu", True),
        ("người", True),
        ("hoàng", True),
        ("hòa", True),
        ("hoà", True),  # both tone styles are Vietnamese
        ("thủy", True),
        ("thuỷ", True),
        ("quý", True),
        ("cát", True),
        ("cat", False),  # a stop ending carries sắc or nặng
        ("càt", False),
        ("hòang", False),  # the tone sits on the a before a final consonant
        ("mỹller", False),
        ("hơtel", False),
        ("cinh", False),  # k before i, e, ê
        ("quoác", False),  # qu takes no second medial
        ("gì", True),
    ],
)
def test_syllables(word: str, valid: bool) -> None:
    assert is_syllable(word) is valid
    assert is_syllable(word.upper()) is valid


# --- Properties -----------------------------------------------------------------------------------------------------


def _syllables() -> st.SearchStrategy[str]:
    """A Vietnamese syllable, its tone on a vowel the spelling allows (either style for oa/oe/uy)."""

    @st.composite
    def build(draw: st.DrawFn) -> str:
        bare = draw(st.sampled_from(sorted(legacy._SYLLABLES)))
        stop = bare.endswith(("c", "ch", "p", "t"))
        tone = draw(st.sampled_from(TONES[1:2] + TONES[5:] if stop else TONES))
        if tone:
            place = draw(st.sampled_from(sorted(legacy._SYLLABLES[bare])))
            bare = bare[:place] + unicodedata.normalize("NFC", bare[place] + tone) + bare[place + 1 :]
        return bare

    return build()


def _text(case: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    @st.composite
    def build(draw: st.DrawFn) -> str:
        words = draw(st.lists(_syllables(), min_size=1, max_size=6))
        style = draw(case)
        return " ".join(getattr(word, style)() for word in words)

    return build()


@settings(max_examples=300, deadline=None)
@given(_text(st.sampled_from(["lower", "title", "upper"])))
def test_vietnamese_unicode_text_is_never_converted(text: str) -> None:
    assert to_unicode(text) == (text, None)


@settings(max_examples=300, deadline=None)
@given(_text(st.just("lower")), st.sampled_from(["tcvn3", "vni"]))
def test_encoded_vietnamese_comes_back_or_is_left_never_garbled(text: str, encoding: str) -> None:
    encoded = encode_tcvn3(text) if encoding == "tcvn3" else encode_vni(text)
    font = ".VnTime" if encoding == "tcvn3" else "VNI-Times"
    assert to_unicode(encoded, font=font)[0] == text  # with the cell's font: always exact
    # Without it: back to the text, or (every changed word being Vietnamese either way) left as it came.
    assert to_unicode(encoded) in {(text, encoding), (encoded, None)} if encoded != text else True


def test_encoded_names_are_detected_without_a_font() -> None:
    surnames = "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý".split()
    given_names = "An Bình Châu Dũng Hà Hòa Hương Khánh Lan Linh Mai Nam Ngọc Phúc Quân Thủy Trang Tuấn Yến".split()
    middles = ("Văn", "Thị", "Minh", "Thanh", "Ngọc", "Quốc")
    names = [f"{s} {m} {g}" for s in surnames for m in middles for g in given_names]
    for encode, encoding in ((encode_tcvn3, "tcvn3"), (encode_vni, "vni")):
        results = [to_unicode(encode(name)) for name in names]
        assert all(out in {(name, encoding), (encode(name), None)} for name, out in zip(names, results, strict=True))
        right = sum(out == (name, encoding) for name, out in zip(names, results, strict=True))
        assert right >= 0.97 * len(names), (encoding, right, len(names))


# --- The faster forms of the hot helpers keep their meaning ---------------------------------------------------------
_LEGACY_ALPHABET = st.sampled_from(
    sorted({ch for code in legacy.VNI_LETTERS.values() for ch in code} | set(legacy.TCVN3_BYTES.values()))
    + [chr(byte) for byte in range(0xA0, 0x100)]
    + list("aeouyAEOUY nN\u0152\u20ac\u2122")
)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_LEGACY_ALPHABET, max_size=16))
def test_vni_pattern_finds_what_the_longest_first_list_of_codes_finds(text: str) -> None:
    import re

    longest_first = re.compile("|".join(map(re.escape, sorted(legacy._VNI_DECODE, key=len, reverse=True))))
    assert legacy._VNI_PATTERN.findall(text) == longest_first.findall(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_LEGACY_ALPHABET, max_size=16))
def test_byte_tables_translate_as_the_dicts_do(text: str) -> None:
    assert decode_tcvn3(text) == text.translate(TCVN3_BYTES)
    for encoding in ("tcvn3", "vni"):
        drop = legacy._TCVN3_DECODE_DROP if encoding == "tcvn3" else legacy._VNI_SAME_DROP
        rest = text.translate(drop)
        if encoding == "vni":
            rest = legacy._VNI_PATTERN.sub("", rest)
        assert legacy._unexplained(text, encoding) == sum(not ch.isascii() for ch in rest)


@pytest.mark.parametrize(
    ("text", "caps"),
    [("NGUYÔN V¡N ANH", True), ("Lª Hµ", False), ("LÊ Hµ", False), ("N G", False), ("NG", True), ("Nguyen AN", False)],
)
def test_caps_means_a_word_of_two_capitals_and_no_small_ascii_letter(text: str, caps: bool) -> None:
    assert legacy._caps(text) is caps


def test_foreign_words_are_the_words_neither_ascii_nor_vietnamese() -> None:
    assert legacy.foreign_words(["Nguyễn", "Văn", "An", "V¨n", "Müller", "Hà", "NguyÔn"]) == {"V¨n", "Müller", "NguyÔn"}


@st.composite
def _mixed_legacy_text(draw: st.DrawFn) -> str:
    """Words of every kind (Vietnamese, encoded in either font, upper case, ASCII, foreign, raw legacy bytes) and any
    white space between them."""
    words = draw(
        st.lists(
            st.one_of(
                _syllables().flatmap(
                    lambda word: st.sampled_from(
                        [
                            word,
                            word.upper(),
                            word.title(),
                            encode_tcvn3(word),
                            encode_vni(word),
                            encode_vni(word.upper()),
                        ]
                    )
                ),
                st.sampled_from(["An", "VAN", "Müller", "Hôtel", "José", "ñ", "où", "Lâ", "LÂ", "¨", "x2"]),
                st.text(alphabet=_LEGACY_ALPHABET, min_size=1, max_size=6),
            ),
            min_size=1,
            max_size=6,
        )
    )
    spaces = draw(st.lists(st.sampled_from([" ", " ", "  ", "\xa0", "\t"]), min_size=len(words), max_size=len(words)))
    return "".join(space + word for space, word in zip(spaces, words, strict=True))[1:]


@settings(max_examples=600, deadline=None)
@given(_mixed_legacy_text())
def test_the_guess_from_word_profiles_is_the_guess_from_decoding_the_whole_text(text: str) -> None:
    legacy.clear_memo()
    assert legacy._guess(text) == legacy._guess_by_decoding(text)
