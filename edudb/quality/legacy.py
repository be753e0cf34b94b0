"""Legacy Vietnamese encodings: TCVN3 (ABC, the ``.VnTime`` fonts) and VNI (``VNI-Times``), and telling them apart.

Before Unicode (TCVN 6909:2001), Vietnamese text was typed in 8-bit fonts: the bytes were Windows-1252 characters
that the font drew as Vietnamese letters. Excel and CSV hand such text to Python as a ``str`` of those Windows-1252
characters ("NguyÔn V¨n Anh" in TCVN3, "Nguyeãn Vaên Anh" in VNI). This module maps it back to Unicode: exactly
when the cell's font says so, and otherwise only when the converted text is Vietnamese and the original is not, so
genuine Unicode Vietnamese and Western European text ("Hôtel", "Müller", "José") are never touched.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import Literal, NamedTuple

Encoding = Literal["tcvn3", "vni"]

# --- TCVN3 -------------------------------------------------------------------------------------------------------
# TCVN 5712:1993 table VN3, the ABC set of the .VnTime fonts: 74 letters at fixed bytes (runs of consecutive bytes
# here). It has the lowercase toned letters and only Ă Â Ê Ô Ơ Ư Đ as capitals: capitals with a tone were typed in
# the .VnTimeH fonts, which draw these same bytes (and plain ASCII) as capitals. Every byte is ≥ 0xA1, where
# Windows-1252 and Latin-1 agree, so the character Python holds is chr(byte). VN1 (glibc's TCVN5712-1) adds the
# toned capitals and combining marks at the bytes VN3 leaves empty; those are not VN3 and are left as read.
_TCVN3_RUNS = (
    (0xA1, "ĂÂÊÔƠƯĐăâêôơưđ"),
    (0xB5, "àảãáạ"),
    (0xBB, "ằẳẵắ"),
    (0xC6, "ặầẩẫấậè"),
    (0xCE, "ẻẽéẹềểễếệìỉ"),
    (0xDC, "ĩíịò"),
    (0xE1, "ỏõóọồổỗốộờởỡớợù"),
    (0xF1, "ủũúụừửữứựỳỷỹýỵ"),
)
TCVN3_BYTES: dict[int, str] = {start + i: letter for start, letters in _TCVN3_RUNS for i, letter in enumerate(letters)}
_TCVN3_DECODE_DROP: dict[int, None] = dict.fromkeys(TCVN3_BYTES)


def _byte_table(mapping: dict[int, str | None]) -> list[str | None]:
    """A str.translate table for code points below 256 as a list: no KeyError raised (and cleared) per unmapped
    character, as a dict would; characters from 256 on are left as they are (an IndexError, as rare as they are)."""
    return [mapping.get(point, chr(point)) for point in range(256)]


_TCVN3_TABLE = _byte_table(dict(TCVN3_BYTES))
_TCVN3_DROP_TABLE = _byte_table(dict(_TCVN3_DECODE_DROP))
_TCVN3_ENCODE: dict[int, str] = {ord(letter): chr(byte) for byte, letter in TCVN3_BYTES.items()}
for _byte, _letter in TCVN3_BYTES.items():  # a toned capital has no VN3 byte: written with its small letter's byte
    _TCVN3_ENCODE.setdefault(ord(_letter.upper()), chr(_byte))

# --- VNI ---------------------------------------------------------------------------------------------------------
# VNI-Win: a base letter followed by a modifier byte (tone, or circumflex/breve with or without a tone); i, ỵ, ơ, ư
# and đ have bytes of their own. Columns: no tone, sắc (acute), huyền (grave), hỏi (hook), ngã (tilde), nặng (dot).
_VNI_TABLE = (
    ("aáàảãạ", "a aù aø aû aõ aï"),
    ("âấầẩẫậ", "aâ aá aà aå aã aä"),
    ("ăắằẳẵặ", "aê aé aè aú aü aë"),
    ("eéèẻẽẹ", "e eù eø eû eõ eï"),
    ("êếềểễệ", "eâ eá eà eå eã eä"),
    ("oóòỏõọ", "o où oø oû oõ oï"),
    ("ôốồổỗộ", "oâ oá oà oå oã oä"),
    ("ơớờởỡợ", "ô ôù ôø ôû ôõ ôï"),
    ("uúùủũụ", "u uù uø uû uõ uï"),
    ("ưứừửữự", "ö öù öø öû öõ öï"),
    ("iíìỉĩị", "i í ì æ ó ò"),
    ("yýỳỷỹỵ", "y yù yø yû yõ î"),
    ("đ", "ñ"),
    ("AÁÀẢÃẠ", "A AÙ AØ AÛ AÕ AÏ"),
    ("ÂẤẦẨẪẬ", "AÂ AÁ AÀ AÅ AÃ AÄ"),
    ("ĂẮẰẲẴẶ", "AÊ AÉ AÈ AÚ AÜ AË"),
    ("EÉÈẺẼẸ", "E EÙ EØ EÛ EÕ EÏ"),
    ("ÊẾỀỂỄỆ", "EÂ EÁ EÀ EÅ EÃ EÄ"),
    ("OÓÒỎÕỌ", "O OÙ OØ OÛ OÕ OÏ"),
    ("ÔỐỒỔỖỘ", "OÂ OÁ OÀ OÅ OÃ OÄ"),
    ("ƠỚỜỞỠỢ", "Ô ÔÙ ÔØ ÔÛ ÔÕ ÔÏ"),
    ("UÚÙỦŨỤ", "U UÙ UØ UÛ UÕ UÏ"),
    ("ƯỨỪỬỮỰ", "Ö ÖÙ ÖØ ÖÛ ÖÕ ÖÏ"),
    ("IÍÌỈĨỊ", "I Í Ì Æ Ó Ò"),
    ("YÝỲỶỸỴ", "Y YÙ YØ YÛ YÕ Î"),
    ("Đ", "Ñ"),
)
VNI_LETTERS: dict[str, str] = {
    letter: code for letters, codes in _VNI_TABLE for letter, code in zip(letters, codes.split(" "), strict=True)
}
# Bytes that only ever follow a base letter: one left over after decoding means the text was not VNI.
_VNI_MODIFIERS = "ùøûõïâáàåãäêéèúüëÙØÛÕÏÂÁÀÅÃÄÊÉÈÚÜË"
_VNI_DECODE: dict[str, str] = {}
for _letter, _code in VNI_LETTERS.items():
    if _code != _letter:
        _VNI_DECODE[_code] = _letter
        if len(_code) == 2:  # people mixed the capital and small modifier fonts: the base letter decides the case
            _VNI_DECODE.setdefault(_code[0] + _code[1].swapcase(), _letter)
# Longest first: at each place, a base letter with its modifier, else a letter of its own. One branch per base letter
# (with a class of its modifiers), each starting with a literal, so that the regex engine skips fast to the places
# where one can start instead of trying every code in turn.
_VNI_PAIRS: dict[str, str] = {}
for _code in sorted(_VNI_DECODE):
    if len(_code) == 2:
        _VNI_PAIRS[_code[0]] = _VNI_PAIRS.get(_code[0], "") + _code[1]
_VNI_PATTERN = re.compile(
    "|".join(
        [f"{re.escape(base)}[{re.escape(modifiers)}]" for base, modifiers in _VNI_PAIRS.items()]
        + [re.escape(code) for code in _VNI_DECODE if len(code) == 1]
    )
)
_VNI_ORPHAN = re.compile(f"[{_VNI_MODIFIERS}]")
_VNI_ENCODE = {ord(letter): code for letter, code in VNI_LETTERS.items() if code != letter}
# Letters VNI writes as themselves (í ì Í Ì): part of a VNI text though decoding leaves them alone.
_VNI_SAME_DROP: dict[int, None] = {
    ord(letter): None for letter, code in VNI_LETTERS.items() if code == letter and not letter.isascii()
}
_VNI_SAME_DROP_TABLE = _byte_table(dict(_VNI_SAME_DROP))

# --- What legacy text can contain --------------------------------------------------------------------------------
# Windows-1252 puts these at 0x80–0x9F; Latin-1 (the other way a reader may decode) gives U+0080–U+009F there.
CP1252_HIGH = bytes(range(0x80, 0xA0)).decode("cp1252", errors="ignore")
OUTSIDE_LEGACY = re.compile(f"[^\x00-\xff{re.escape(CP1252_HIGH)}]")

# --- The syllable validator ----------------------------------------------------------------------------------------
# A Vietnamese syllable: an optional onset, a rhyme, at most one tone, on the vowel the spelling puts it on; a rhyme
# ending in a stop (c, ch, p, t) takes only sắc or nặng. Rules, not a dictionary: they accept "lõ" as readily as
# "lá", but they are what separates "Nguyễn" from "Mỹller", "Hơtel" or a tone on the wrong vowel ("Leõ").
_ONSETS = "ngh ng nh ch gh gi kh ph qu th tr b c d đ g h k l m n p r s t v x".split()
_RHYMES = """
    a ac ach ai am an ang anh ao ap at au ay  ăc ăm ăn ăng ăp ăt  âc âm ân âng âp ât âu ây
    e ec em en eng eo ep et  ê êch êm ên ênh êp êt êu
    i ia ich im in inh ip it iu iêc iêm iên iêng iêp iêt iêu
    o oc oi om on ong op ot oong ooc  ô ôc ôi ôm ôn ông ôp ôt  ơ ơi ơm ơn ơp ơt
    u ua uc ui um un ung up ut uôc uôi uôm uôn uông uôt
    ư ưa ưc ưi ưm ưn ưng ưt ưu ươc ươi ươm ươn ương ươp ươt ươu
    y yêm yên yêt yêu
    oa oac oach oai oam oan oang oanh oao oap oat oay oăc oăm oăn oăng oăt oe oen oeo oet
    uân uâng uât uây uê uêch uênh uy uya uych uyn uynh uyp uyt uyu uyên uyêt uơ
    iê yê uô ươ
""".split()  # the last line: open rhymes that minority names written in the Vietnamese alphabet use (Niê)
_AFTER_QU = "ynh ych yt yn".split()  # quỳnh, quých, quýt: the y of these rhymes follows qu only


def _spelled_right(onset: str, rhyme: str) -> bool:
    """Vietnamese spelling rules: k/gh/ngh before i, e, ê (y); c/g/ng elsewhere; qu takes no second medial."""
    front = rhyme[0] in "ieêy"
    if onset in ("k", "gh", "ngh"):
        return front and not (onset != "k" and rhyme[0] == "y")
    if onset in ("c", "ng"):
        return not front
    if onset == "g":
        return rhyme[0] != "e" and rhyme[0] != "ê"  # gi…: "gì", "gìn" are g + i…
    if onset == "qu":
        return rhyme[0] not in "ou"
    return True


def _tone_places(onset: str, rhyme: str) -> frozenset[int]:
    """Where the tone mark may sit in onset + rhyme (indices into the syllable)."""
    # On the vowel with a hat, breve or horn (the ơ of ươ); else on the last vowel before a final consonant; else on
    # the first vowel, the middle one of three, or either one of an open oa, oe, uy (both styles are Vietnamese).
    vowels = rhyme[: next((i for i, ch in enumerate(rhyme) if ch not in "aăâeêioôơuưy"), len(rhyme))]
    marked = [i for i, ch in enumerate(vowels) if ch in "ăâêôơư"]
    if marked:
        places = {marked[-1]}
    elif len(vowels) < len(rhyme):
        places = {len(vowels) - 1}
    elif vowels in ("oa", "oe", "uy"):
        places = {0, 1}
    else:
        places = {1} if len(vowels) == 3 else {0}
    return frozenset(len(onset) + place for place in places)


# Every toneless syllable the rules allow (about 4,000, built once) → where its tone may sit.
_SYLLABLES: dict[str, frozenset[int]] = {}
for _onset in ("", *_ONSETS):
    for _rhyme in _RHYMES + (_AFTER_QU if _onset == "qu" else []):
        if not _onset or _spelled_right(_onset, _rhyme) or _rhyme in _AFTER_QU:
            _key = _onset + _rhyme
            _SYLLABLES[_key] = _SYLLABLES.get(_key, frozenset()) | _tone_places(_onset, _rhyme)
_STOPS = ("c", "ch", "p", "t")
_STOP_TONES = ("\u0301", "\u0323")  # sắc, nặng
_TONE_OF: dict[str, str] = {}  # toned small vowel → its tone mark
_UNTONE: dict[int, str] = {}  # str.translate: toned small vowel → the same vowel without its tone
for _vowel in "aăâeêioôơuưy":
    for _mark in "\u0300\u0301\u0303\u0309\u0323":  # huyền, sắc, ngã, hỏi, nặng
        _toned = unicodedata.normalize("NFC", _vowel + _mark)
        _TONE_OF[_toned] = _mark
        _UNTONE[ord(_toned)] = _vowel
_LETTER_RUN = re.compile(r"[^\W\d_]+")
_NON_ASCII_SYMBOL = re.compile(r"[^\x00-\x7f\w]")  # ¨ « ® ¸ · … : what legacy bytes look like when not letters


def is_syllable(word: str) -> bool:
    """One Vietnamese syllable: onset, rhyme, at most one tone on its vowel, a stop ending only with sắc/nặng."""
    small = word.lower()
    places = _SYLLABLES.get(small.translate(_UNTONE))
    if places is None:
        return False
    tones = [(index, _TONE_OF[ch]) for index, ch in enumerate(small) if ch in _TONE_OF]
    if not tones:
        return not small.endswith(_STOPS)  # a syllable ending in c, ch, p, t always carries sắc or nặng
    if len(tones) > 1 or tones[0][0] not in places:
        return False
    return not small.endswith(_STOPS) or tones[0][1] in _STOP_TONES


@lru_cache(maxsize=65_536)  # names and places are made of a few thousand distinct words
def _is_vietnamese_word(word: str) -> bool:
    """A white-space separated word reads as Vietnamese: no stray symbol, every non-ASCII letter run a syllable."""
    if _NON_ASCII_SYMBOL.search(word):
        return False
    return all(run.isascii() or is_syllable(run) for run in _LETTER_RUN.findall(word))


# --- Decoding and encoding -------------------------------------------------------------------------------------------


def decode_tcvn3(text: str, *, upper: bool = False) -> str:
    """TCVN3 text read as Windows-1252 → Unicode; ``upper`` for the .VnTimeH fonts, which draw everything as capitals."""
    decoded = text.translate(_TCVN3_TABLE)
    return decoded.upper() if upper else decoded


def decode_vni(text: str) -> str:
    """VNI text read as Windows-1252 → Unicode."""
    return _VNI_PATTERN.sub(lambda match: _VNI_DECODE[match.group()], text)


def encode_tcvn3(text: str) -> str:
    """Unicode → TCVN3 as Windows-1252 characters (capitals with a tone become small: VN3 has none)."""
    return text.translate(_TCVN3_ENCODE)


def encode_vni(text: str) -> str:
    """Unicode → VNI as Windows-1252 characters."""
    return text.translate(_VNI_ENCODE)


def font_encoding(font: str) -> tuple[Encoding | None, bool]:
    """The encoding a font name implies and whether it draws capitals: '.VnTimeH' → ('tcvn3', True), 'Arial' → None."""
    name = font.strip()
    if name[:3].lower() == ".vn":
        return "tcvn3", name.endswith("H")
    if name[:4].upper() in ("VNI-", "VNI "):
        return "vni", False
    return None, False


_ASCII_SMALL = re.compile("[a-z]")
_ASCII_CAPITAL = re.compile("[A-Z]")
_TWO_CAPITALS = re.compile(r"[A-Z]\S*[A-Z]")  # in one white-space separated word


def _caps(text: str) -> bool:
    """TCVN3 text typed in a .VnTimeH font: some word has ≥ 2 ASCII capitals and no ASCII small letter anywhere."""
    # A single capital proves nothing ("Lª Hµ" is Lê Hà in .VnTime); a small ASCII letter rules capitals out.
    if _ASCII_SMALL.search(text) or not _ASCII_CAPITAL.search(text):
        return False
    return _TWO_CAPITALS.search(text) is not None


def _acceptable(words: list[str], decoded: str) -> int:
    """How many more of the changed words read as Vietnamese after decoding: 0 unless clearly better."""
    # The changed words must include one of two letters or more, all become Vietnamese (one in four may fail when
    # there are four or more, for minority names the validator does not know), and more of them than before.
    changed = [(before, after) for before, after in zip(words, decoded.split(), strict=True) if before != after]
    if not any(len(run) > 1 for _, after in changed for run in _LETTER_RUN.findall(after)):
        return 0  # a lone converted letter ("ñ" → "ủ", "où" → "ó") is too little evidence
    after = sum(_is_vietnamese_word(word) for _, word in changed)
    if after < len(changed) - (len(changed) // 4 if len(changed) >= 4 else 0):
        return 0
    before = sum(_is_vietnamese_word(word) for word, _ in changed)
    return max(after - before, 0)


def _unexplained(text: str, encoding: Encoding) -> int:
    """How many non-ASCII characters of ``text`` the encoding has no meaning for."""
    rest = text.translate(_TCVN3_DROP_TABLE if encoding == "tcvn3" else _VNI_SAME_DROP_TABLE)
    if encoding == "vni":
        rest = _VNI_PATTERN.sub("", rest)
    return len(rest) - len(rest.encode("ascii", "ignore"))


class _Reading(NamedTuple):
    """One word read in one legacy encoding: what ``_guess`` needs of it (words repeat: kept per word)."""

    changed: bool  # decoding changes the word
    long: bool  # changed, and a letter run of two or more after decoding ("ñ" → "ủ" alone is too little)
    after: bool  # changed, and Vietnamese after decoding
    before: bool  # changed, and Vietnamese before
    unexplained: int  # non-ASCII characters the encoding has no meaning for


class _Profile(NamedTuple):
    plain: bool  # ASCII or Vietnamese already
    tcvn3: _Reading
    vni: _Reading
    vni_orphan: bool  # a VNI modifier no base letter took: the text is not VNI


def _reading(word: str, decoded: str, encoding: Encoding) -> _Reading:
    changed = decoded != word
    return _Reading(
        changed,
        changed and any(len(run) > 1 for run in _LETTER_RUN.findall(decoded)),
        changed and _is_vietnamese_word(decoded),
        changed and _is_vietnamese_word(word),
        _unexplained(word, encoding),
    )


@lru_cache(maxsize=65_536)
def _profile(word: str) -> _Profile:
    return _Profile(
        word.isascii() or _is_vietnamese_word(word),
        _reading(word, decode_tcvn3(word), "tcvn3"),
        _reading(word, decode_vni(word), "vni"),
        _VNI_ORPHAN.search(_VNI_PATTERN.sub("", word)) is not None,
    )


def _gain(readings: list[_Reading]) -> int:
    """``_acceptable`` from the words' readings: how many more changed words read as Vietnamese, 0 unless clearly."""
    changed = [reading for reading in readings if reading.changed]
    if not any(reading.long for reading in changed):
        return 0
    after = sum(reading.after for reading in changed)
    if after < len(changed) - (len(changed) // 4 if len(changed) >= 4 else 0):
        return 0
    return max(after - sum(reading.before for reading in changed), 0)


@lru_cache(maxsize=8192)  # an import repeats the same names of places, schools and categories many times
def _guess(text: str) -> tuple[str, Encoding | None]:
    # Decoding is word-local (a character at a time, or a base letter and its modifier) and keeps the white space, so
    # every test below is an aggregate of what each word gives, looked at once per word (``_profile``): the same as
    # decoding the whole text and comparing it word by word (``_guess_by_decoding``, kept as the reference).
    profiles = list(map(_profile, text.split()))
    # Either decoding changes only words with a non-ASCII character; when each of them already reads as Vietnamese,
    # no conversion can make more of them Vietnamese: "Lê Minh Tâm" is settled without decoding anything.
    if all(profile.plain for profile in profiles):
        return text, None
    scored: list[tuple[tuple[int, int], Encoding]] = []
    gain = _gain([profile.tcvn3 for profile in profiles])
    if gain:  # ties go to the encoding that leaves fewer characters unexplained
        scored.append(((gain, -sum(profile.tcvn3.unexplained for profile in profiles)), "tcvn3"))
    if not any(profile.vni_orphan for profile in profiles):
        gain = _gain([profile.vni for profile in profiles])
        if gain:
            scored.append(((gain, -sum(profile.vni.unexplained for profile in profiles)), "vni"))
    if not scored:
        return text, None
    if len(scored) == 2 and scored[0][0] == scored[1][0]:  # both equally good: leaving it alone is the safe answer
        return text, None
    encoding = max(scored)[1]
    if encoding == "tcvn3":
        decoded = decode_tcvn3(text)
        return (decoded.upper(), encoding) if _caps(text) else (decoded, encoding)
    return decode_vni(text), encoding


def _guess_by_decoding(text: str) -> tuple[str, Encoding | None]:
    """What ``_guess`` gives, computed on the whole text (the plain reading of the rules; tests compare the two)."""
    words = text.split()
    if all(word.isascii() or _is_vietnamese_word(word) for word in words):
        return text, None
    candidates: list[tuple[Encoding, str]] = [("tcvn3", decode_tcvn3(text))]
    if not _VNI_ORPHAN.search(_VNI_PATTERN.sub("", text)):  # a modifier no base letter took: not VNI
        candidates.append(("vni", decode_vni(text)))
    scored = []
    for encoding, decoded in candidates:
        gain = _acceptable(words, decoded) if decoded != text else 0
        if gain:  # ties go to the encoding that leaves fewer characters unexplained
            scored.append(((gain, -_unexplained(text, encoding)), decoded, encoding))
    if not scored:
        return text, None
    scored.sort(reverse=True)
    if len(scored) == 2 and scored[0][0] == scored[1][0]:  # both equally good: leaving it alone is the safe answer
        return text, None
    _, decoded, encoding = scored[0]
    if encoding == "tcvn3" and _caps(text):
        return decoded.upper(), encoding
    return decoded, encoding


def is_vietnamese_word(word: str) -> bool:
    """A white-space separated word reads as Vietnamese (answers kept): no stray symbol, every non-ASCII letter run
    a syllable. A text all of whose words are ASCII or Vietnamese is one ``to_unicode`` leaves alone with no font."""
    return _is_vietnamese_word(word)


def foreign_words(words: Iterable[str]) -> set[str]:
    """The words, among these, that are neither ASCII nor Vietnamese (each looked at once; the answers are kept).

    A text none of whose words is foreign is one ``to_unicode`` leaves alone when no font is known (the first test of
    its guess): the column path of the normalisation layer asks this once for all the words of a column.
    """
    return {word for word in set(words) if not word.isascii() and not _is_vietnamese_word(word)}


def clear_memo() -> None:
    """Forget the texts and words already examined."""
    _guess.cache_clear()
    _profile.cache_clear()
    _is_vietnamese_word.cache_clear()


def might_be_legacy(text: str) -> bool:
    """Cheap test: non-ASCII text made only of characters a Windows-1252 reading of legacy bytes can produce."""
    return not text.isascii() and not OUTSIDE_LEGACY.search(text)


def to_unicode(text: str, *, font: str | None = None) -> tuple[str, Encoding | None]:
    """The text in Unicode and the legacy encoding found (None: already Unicode, or not Vietnamese)."""
    # A cell font decides when given (.Vn… → TCVN3, VNI… → VNI, any other font → never converted); without one, the
    # text is converted only when that makes it Vietnamese and it was not. A character Windows-1252 cannot hold
    # (ư, ơ, ạ, đ …) means the text is already Unicode, whatever the font.
    if not might_be_legacy(text):
        return text, None
    if font is None:
        return _guess(text)
    encoding, upper = font_encoding(font)
    if encoding == "tcvn3":
        decoded = decode_tcvn3(text, upper=upper)
    elif encoding == "vni":
        decoded = decode_vni(text)
    else:
        return text, None
    return (decoded, encoding) if decoded != text else (text, None)


def detect(text: str, *, font: str | None = None) -> Encoding | None:
    """The legacy encoding ``to_unicode`` would convert ``text`` from, or None."""
    return to_unicode(text, font=font)[1]
