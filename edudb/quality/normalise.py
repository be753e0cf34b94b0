"""The one normalisation layer (DESIGN decision 5, SPEC R6.1): every input path cleans values here, the same way.

Forms, the API, the Excel import and management commands hand each raw value to a function of this module (or to
a ``Normaliser``, which collects what changed and what was refused): text becomes Unicode NFC in one tone-mark
style without invisible characters, legacy TCVN3/VNI text is converted, names are capitalised, dates are read day
first, phone numbers take today's 10-digit form. Every function is pure — no database; the clock is read only to
place a two-digit year — and what it changed is reported as short Vietnamese reasons the user can read. See
docs/normalisation.md.

The Excel import normalises about a million cells per file, a column of a chunk of rows at a time
(``normalise_column``): each distinct value is looked at once, C-level tests over the column's joined text point at
the few cells that need the per-cell path (name columns: each distinct word is judged once, and a cell made of words
known to be clean, or known fixes, needs no per-cell call), and the result is exactly what ``Normaliser.clean`` gives
cell by cell.
Cell by cell, the common case (a value already clean) returns after a few C-level string checks, values met before
are remembered (bounded memos), and every table and pattern is built once, here, at import.
"""

from __future__ import annotations

import math
import operator
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from functools import reduce
from itertools import compress, filterfalse, repeat
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.text import format_lazy
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django_stubs_ext import StrOrPromise

from edudb.quality import legacy
from edudb.quality.codes import repair_code

Reasons = tuple[StrOrPromise, ...]

# Excel's own limit for one cell: longer input was not typed by a person, and is refused before any work is done.
HARD_LIMIT = 32_767

# --- Reasons (lazy: shown in the reader's language; built once, so recording one allocates nothing) ----------------
REASON_TCVN3 = gettext_lazy("chuyển từ phông TCVN3 (.VnTime) sang Unicode")
REASON_VNI = gettext_lazy("chuyển từ phông VNI sang Unicode")
REASON_NFC = gettext_lazy("dựng lại dấu (NFD → NFC)")
REASON_TONE = gettext_lazy("đặt dấu thanh kiểu hòa, thủy")
REASON_CONTROL = gettext_lazy("bỏ ký tự điều khiển")
REASON_INVISIBLE = gettext_lazy("bỏ ký tự ẩn (dấu hướng chữ, ký tự độ rộng 0)")
REASON_LINES = gettext_lazy("gộp nhiều dòng thành một dòng")
REASON_LINE_ENDS = gettext_lazy("thống nhất ký tự xuống dòng")
REASON_UNICODE_SPACES = gettext_lazy("đổi tab, dấu cách đặc biệt thành dấu cách thường")
REASON_SPACES = gettext_lazy("bỏ dấu cách thừa")
REASON_CAPITALISE = gettext_lazy("viết hoa chữ cái đầu")
REASON_NAME_MARKS = gettext_lazy("thống nhất dấu nháy ' và gạch nối -")
REASON_DATE_FORM = gettext_lazy("ngày về dạng dd/mm/yyyy")
REASON_EXCEL_SERIAL = gettext_lazy("đổi số ngày kiểu Excel thành ngày")
REASON_TIME_DROPPED = gettext_lazy("bỏ phần giờ")
REASON_TWO_DIGIT_YEAR = gettext_lazy("năm ghi 2 chữ số: hiểu là năm gần nhất không sau năm nay")
REASON_PHONE_DIGITS = gettext_lazy("chỉ giữ chữ số")
REASON_PHONE_COUNTRY = gettext_lazy("bỏ mã nước +84")
REASON_PHONE_ZERO = gettext_lazy("thêm số 0 đầu (Excel đã bỏ)")
REASON_CODE_ZEROS = gettext_lazy("thêm số 0 đầu mã (Excel đã bỏ)")
REASON_CODE_FLOAT = gettext_lazy("bỏ đuôi .0 do Excel thêm")
REASON_CODE_SPACES = gettext_lazy("bỏ dấu cách trong mã")
REASON_CODE_REPAIRED = gettext_lazy("sửa mã bị Excel làm hỏng")
REASON_MAILTO = gettext_lazy("bỏ “mailto:”")
REASON_EMAIL_DOMAIN = gettext_lazy("viết thường tên miền")
# Changes nobody needs to confirm: white space only (UIs may apply them silently).
MINOR_REASONS = (REASON_SPACES, REASON_UNICODE_SPACES, REASON_LINE_ENDS)

_SPACES_ONLY: Reasons = (REASON_SPACES,)
_TONE_ONLY: Reasons = (REASON_TONE,)
_CAPITALISED: Reasons = (REASON_CAPITALISE,)
_NO_REASONS: Reasons = ()

_LABEL_TEXT = gettext_lazy("Nội dung")
_LABEL_NAME = gettext_lazy("Họ và tên")
_LABEL_DATE = gettext_lazy("Ngày")
_LABEL_PHONE = gettext_lazy("Số điện thoại")
_LABEL_CODE = gettext_lazy("Mã")
_LABEL_YES_NO = gettext_lazy("Ô có/không")
_LABEL_EMAIL = gettext_lazy("Thư điện tử")


class NormaliseError(ValueError):
    """A value the layer cannot make sense of; ``message`` says in Vietnamese which field, what was read, the fix."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class Normalised[T]:
    """A normalised value and why it differs from the input (no reasons: the input was already clean)."""

    value: T
    reasons: Reasons = ()

    @property
    def minor(self) -> bool:
        """True when the only changes are white space, so a UI may apply them without asking."""
        return _is_minor(self.reasons)


def _is_minor(reasons: Reasons) -> bool:
    # Identity, not ==: comparing lazy strings would translate both sides on every call. A plain loop: a generator
    # in all() costs more than the test itself, and an import calls this for every change.
    if reasons is _SPACES_ONLY:
        return True
    for reason in reasons:
        if reason is not REASON_SPACES and reason is not REASON_UNICODE_SPACES and reason is not REASON_LINE_ENDS:
            return False
    return True


def _count(number: int) -> str:
    """10485760 → '10 485 760' (grouped the Vietnamese way, readable in both languages)."""
    return f"{number:,}".replace(",", " ")


def _too_long(label: StrOrPromise, size: int, limit: int) -> NormaliseError:
    return NormaliseError(
        _("%(label)s dài %(size)s ký tự, tối đa %(limit)s; hãy kiểm tra ô này.")
        % {"label": label, "size": _count(size), "limit": _count(limit)}
    )


def _excerpt(text: str, limit: int = 40) -> str:
    """The start of a refused value, short enough to quote in a message."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- Text --------------------------------------------------------------------------------------------------------
# Removed: C0/C1 controls (tab and line breaks are handled apart), DEL, and lone surrogates (a broken decode; they
# cannot be stored as UTF-8).
CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff]")
# Removed: format characters (Unicode category Cf) — bidi marks, embeddings and isolates, zero-width space and
# non-joiner, word joiner, BOM, invisible operators, tags … — except the soft hyphen, which is TCVN3's ư and goes
# after the legacy step, and a zero-width joiner inside an emoji sequence (👨‍👩‍👧), which is part of the emoji.
# test_normalise checks this list against unicodedata.
_EMOJI = "\U0001f000-\U0001faff\u2600-\u27bf"
INVISIBLE = re.compile(
    "[\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b\u200c\u200e\u200f\u202a-\u202e\u2060-\u2064"
    "\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]"
    f"|(?<![{_EMOJI}\ufe0f\U0001f3fb-\U0001f3ff])\u200d|\u200d(?![{_EMOJI}])"
)
# Spaces other than U+0020 (no-break, en/em/thin/ideographic …), and the tab outside multi-line text.
_SPACE_LIKE = re.compile("[\xa0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_LINE_BREAKS = re.compile("\r\n|[\r\n\x0b\x0c\x85\u2028\u2029]")
_CONTROLS_STEP = (CONTROLS, "", REASON_CONTROL)
_INVISIBLE_STEP = (INVISIBLE, "", REASON_INVISIBLE)
_SPACE_LIKE_STEP = (_SPACE_LIKE, " ", REASON_UNICODE_SPACES)
_TONES = "\u0300\u0301\u0303\u0309"
# NFC cannot compose a tone typed before the hat or breve (e + ́ + ̂): both have combining class 230.
_TONE_BEFORE_SHAPE = re.compile(f"([{_TONES}])([\u0302\u0306])")

# The "new" tone placement on a syllable-final oa, oe, uy (hoà, khoẻ, thuỷ) → the traditional one (hòa, khỏe,
# thủy). Only at the end of a syllable (hoàng, thuyền keep theirs) and never after q (quý, quả: the u is part of
# qu). The pattern starts with a character class, which the regex engine scans for fast; ``_retone`` then checks
# that what stands before the vowel pair is a Vietnamese onset.
_TONED_AE = "àáảãạèéẻẽẹ"
_TONED_Y = "ỳýỷỹỵ"
_TONE_PREFILTER = re.compile(
    f"[oOuU](?<![qQ][uU])(?:(?<=[oO])[{_TONED_AE}{_TONED_AE.upper()}]|(?<=[uU])[{_TONED_Y}{_TONED_Y.upper()}])"
    "(?![^\\W\\d_])"
)
# The same test in one branch per first letter (for the column path, see there).
_TONED_AE_END = f"[{_TONED_AE}{_TONED_AE.upper()}](?![^\\W\\d_])"
_TONED_Y_END = f"[{_TONED_Y}{_TONED_Y.upper()}](?![^\\W\\d_])"
_ONSETS = frozenset("ngh ng nh ch gh gi kh ph th tr b c d đ g h k l m n p r s t v x".split()) | {""}
_RETONE: dict[str, str] = {}  # "oà" → "òa", in each combination of capitals
for _medial, _toned_vowels in (("o", _TONED_AE), ("u", _TONED_Y)):
    for _toned in _toned_vowels:
        _decomposed = unicodedata.normalize("NFD", _toned)
        _base, _mark = _decomposed[0], _decomposed[1]
        for _first in (_medial, _medial.upper()):
            for _second in (_toned, _toned.upper()):
                _moved = unicodedata.normalize("NFC", _first + _mark)
                _RETONE[_first + _second] = _moved + (_base.upper() if _second.isupper() else _base)


def _retone(text: str) -> str:
    """Move the tone of each syllable-final oa/oe/uy to its first vowel when what precedes it is an onset (or none)."""
    parts: list[str] = []
    done = 0
    for match in _TONE_PREFILTER.finditer(text):
        start = word = match.start()
        while word and text[word - 1].isalpha():
            word -= 1
        if text[word:start].lower() in _ONSETS:  # not "Chloé", whose "chl" is no Vietnamese onset
            parts += (text[done:start], _RETONE[match.group()])
            done = start + 2
    if not parts:
        return text
    retoned = "".join((*parts, text[done:]))
    # A combining mark after the vowel that lost its tone would now compose with it: keep the text NFC.
    return retoned if unicodedata.is_normalized("NFC", retoned) else unicodedata.normalize("NFC", retoned)


def _as_text(value: object) -> str:
    """A non-text cell as the user sees it: 12.0 → '12', a date → 'dd/mm/yyyy'."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return _shown(value)
    return str(value)


class _Memo[V](dict[str, V]):
    """Results already computed for values an import repeats (a commune, an ethnicity, a birth date), bounded."""

    # Only pure results are kept (no label, no limit: those are applied after the look-up), so a hit is exactly what
    # computing again would give. Full, it starts afresh rather than tracking use: cheaper per hit.

    size = 32_768

    def keep(self, key: str, value: V) -> V:
        if len(self) >= self.size:
            self.clear()
        self[key] = value
        return value


_MEMO_LENGTH = 200  # longer text (notes, addresses in full) rarely repeats
_TEXT_MEMO: _Memo[tuple[str, Reasons]] = _Memo()
_NAME_MEMO: _Memo[tuple[str, Reasons]] = _Memo()
_DATE_MEMO: _Memo[tuple[date, Reasons]] = _Memo()


def clear_memos() -> None:
    """Forget every remembered result (a benchmark measuring a cold start, a test of the slow paths)."""
    for memo in (_TEXT_MEMO, _NAME_MEMO, _DATE_MEMO, _TEXT_WORDS, _NAME_WORDS):
        memo.clear()
    legacy.clear_memo()


def _clean_text(
    value: object,
    font: str | None,
    max_length: int | None,
    length: int | None,
    label: StrOrPromise,
    multiline: bool = False,
    remember: bool = True,
    limit_result: bool = True,
) -> tuple[str, Reasons]:
    if value is None:
        return "", _NO_REASONS
    text = value if type(value) is str else _as_text(value)
    limit = max_length or HARD_LIMIT
    if len(text) > HARD_LIMIT:  # first, before any work: a 10 MB cell costs nothing but this comparison
        raise _too_long(label, len(text), limit)
    if text.isascii() and text.isprintable():  # printable ASCII only needs its spaces looked at
        result = text.strip()
        if "  " in result:
            result = " ".join(result.split())
        reasons = _NO_REASONS if result is text else _SPACES_ONLY
    elif remember and font is None and not multiline and len(text) <= _MEMO_LENGTH:
        known = _TEXT_MEMO.get(text)
        result, reasons = known if known is not None else _TEXT_MEMO.keep(text, _clean_unicode(text, None, False))
    else:
        result, reasons = _clean_unicode(text, font, multiline)
    if limit_result and len(result) > limit:
        raise _too_long(label, len(result), limit)
    return result, reasons


_OUTSIDE_LEGACY = legacy.OUTSIDE_LEGACY.search  # a character no legacy byte gives: the text is already Unicode


def _clean_unicode(text: str, font: str | None, multiline: bool) -> tuple[str, Reasons]:
    """Non-ASCII (or non-printable) text: a few C-level checks for the clean case, the whole treatment otherwise."""
    if (
        text.isprintable()  # no control, format or special space character (U+0020 is the one printable space)
        and unicodedata.is_normalized("NFC", text)
        and "  " not in text
        and text[0] != " "
        and text[-1] != " "
        and (
            _OUTSIDE_LEGACY(text)  # already Unicode: the common case
            or (font is not None and legacy.font_encoding(font)[0] is None)
            or legacy.to_unicode(text, font=font)[1] is None  # Latin-1 letters only, but no legacy text ("Lê Hà")
        )
    ):  # clean but perhaps for the tone style
        if not _TONE_PREFILTER.search(text):
            return text, _NO_REASONS
        retoned = _retone(text)
        return (text, _NO_REASONS) if retoned is text else (retoned, _TONE_ONLY)
    return _clean_text_slowly(text, font, multiline)


def _compose(text: str) -> str:
    """NFC, with a tone typed before its vowel's hat or breve moved after it (NFC cannot compose e + ́ + ̂)."""
    text = unicodedata.normalize("NFC", text)
    if _TONE_BEFORE_SHAPE.search(unicodedata.normalize("NFD", text)):
        text = unicodedata.normalize("NFC", _TONE_BEFORE_SHAPE.sub(r"\2\1", unicodedata.normalize("NFD", text)))
    return text


def _add_once(reasons: list[StrOrPromise], reason: StrOrPromise) -> None:
    # By identity: ``in`` would compare lazy strings with ==, translating both.
    if not any(known is reason for known in reasons):
        reasons.append(reason)


def _clean_text_slowly(text: str, font: str | None, multiline: bool) -> tuple[str, Reasons]:
    reasons: list[StrOrPromise] = []
    if not text.isprintable():
        line_breaks = _LINE_BREAKS.sub("\n" if multiline else " ", text)
        if line_breaks != text:
            reasons.append(REASON_LINE_ENDS if multiline else REASON_LINES)
        for pattern, replacement, reason in (_CONTROLS_STEP, _INVISIBLE_STEP, _SPACE_LIKE_STEP):
            cleaned = pattern.sub(replacement, line_breaks)
            if cleaned != line_breaks:
                reasons.append(reason)
                line_breaks = cleaned
        if not multiline and "\t" in line_breaks:
            line_breaks = line_breaks.replace("\t", " ")
            _add_once(reasons, REASON_UNICODE_SPACES)
        text = line_breaks
    # NFC before the legacy step: it leaves legacy text as it is (no Windows-1252 character composes), and a text
    # composed only here must meet the same detection as when it is stored and normalised again.
    if not unicodedata.is_normalized("NFC", text):
        text = _compose(text)
        reasons.append(REASON_NFC)
    # After the invisible characters (a stray zero-width space would hide a legacy text).
    if not _OUTSIDE_LEGACY(text):
        converted, encoding = legacy.to_unicode(text, font=font)
        if encoding is None and "\xad" in text:  # not TCVN3, so the soft hyphen is an invisible character after all
            text = text.replace("\xad", "")
            _add_once(reasons, REASON_INVISIBLE)
            if not unicodedata.is_normalized("NFC", text):  # it stood between a letter and its mark
                text = _compose(text)
                _add_once(reasons, REASON_NFC)
            converted, encoding = legacy.to_unicode(text, font=font)
        if encoding is not None:
            text = converted
            reasons.append(REASON_TCVN3 if encoding == "tcvn3" else REASON_VNI)
    if "\xad" in text:  # the soft hyphen, now that it cannot be TCVN3's ư
        text = text.replace("\xad", "")
        _add_once(reasons, REASON_INVISIBLE)
        if not unicodedata.is_normalized("NFC", text):  # it stood between a letter and its mark
            text = _compose(text)
            _add_once(reasons, REASON_NFC)
    if _TONE_PREFILTER.search(text):
        retoned = _retone(text)
        if retoned is not text:
            text = retoned
            reasons.append(REASON_TONE)
    if multiline:  # each line trimmed and its runs of spaces collapsed; tabs stay; no blank line first or last
        spaced = "\n".join(" ".join(filter(None, line.split(" "))) for line in text.split("\n")).strip("\n")
    else:
        spaced = " ".join(text.split())
    if spaced != text:
        text = spaced
        reasons.append(REASON_SPACES)
    return text, tuple(reasons)


def _clean_multiline(
    value: object, font: str | None, max_length: int | None, length: int | None, label: StrOrPromise
) -> tuple[str, Reasons]:
    return _clean_text(value, font, max_length, length, label, True)


def normalise_text(
    value: object,
    *,
    font: str | None = None,
    max_length: int | None = None,
    multiline: bool = False,
    label: StrOrPromise | None = None,
) -> Normalised[str]:
    """Text as stored: Unicode NFC, legacy fonts converted, one tone style, no invisible characters, spaces tidied."""
    return Normalised(*_clean_text(value, font, max_length, None, label or _LABEL_TEXT, multiline))


# --- Names -------------------------------------------------------------------------------------------------------
_APOSTROPHES = re.compile("[’‘ʼ`´′]")
_HYPHENS = re.compile("[‐‑‒–—―−]")
_SPACED_MARK = re.compile(r" ?([-']) ?")
_NAME_SHAPE = re.compile(r"[^\W\d_]+(?:[ '\-][^\W\d_]+)*")


def _clean_name(
    value: object, font: str | None, max_length: int | None, length: int | None, label: StrOrPromise
) -> tuple[str, Reasons]:
    if font is None and type(value) is str and (known := _NAME_MEMO.get(value)) is not None:
        if max_length and len(known[0]) > max_length:
            raise _too_long(label, len(known[0]), max_length)
        return known
    # The limit applies to the name as stored, after shaping ("Y - Phôn" → "Y-Phôn"), as on a memo hit above:
    # whether a value was met before must not decide whether it is refused.
    text, reasons = _clean_text(value, font, max_length, None, label, False, False, False)
    if text and not (text.istitle() and text.replace(" ", "").isalpha()):  # most names are already right
        text, reasons = _shape_name(text, reasons, label)
    if font is None and type(value) is str and len(value) <= _MEMO_LENGTH:
        _NAME_MEMO.keep(value, (text, reasons))
    limit = max_length or HARD_LIMIT
    if len(text) > limit:
        raise _too_long(label, len(text), limit)
    return text, reasons


def _shape_name(text: str, reasons: Reasons, label: StrOrPromise) -> tuple[str, Reasons]:
    """Letters only, with ' and - between letters, every part capitalised; raises for anything else."""
    if not text.replace(" ", "").isalpha():  # marks, digits or symbols: the rare case, looked at closely
        marked = _HYPHENS.sub("-", _APOSTROPHES.sub("'", text))
        if marked != text:
            text, reasons = marked, (*reasons, REASON_NAME_MARKS)
        tight = _SPACED_MARK.sub(r"\1", text)  # "Y - Phôn" → "Y-Phôn"
        if tight != text:
            text, reasons = tight, (*reasons, REASON_SPACES)
        bad = next((ch for ch in text if not (ch.isalpha() or ch in " '-")), None)
        if bad is not None:
            raise NormaliseError(
                _("%(label)s chỉ gồm chữ cái, dấu cách, dấu nháy ' hoặc gạch nối -; hãy bỏ ký tự “%(char)s”.")
                % {"label": label, "char": bad}
            )
        if not _NAME_SHAPE.fullmatch(text):
            raise NormaliseError(
                _("%(label)s “%(value)s”: dấu nháy ' và gạch nối - phải nằm giữa hai chữ cái; hãy sửa lại.")
                % {"label": label, "value": _excerpt(text)}
            )
    if not text.istitle():
        titled = text.title()  # capitalises after ' and - too: H'Hen, Y-Phôn
        if titled != text:
            text, reasons = titled, (*reasons, REASON_CAPITALISE)
            # Capitals are other Windows-1252 characters: "LÂ" is no TCVN3, but "Lâ" reads as TCVN3 "Lõ". Decide
            # on the form that is stored, so that normalising it again finds nothing more to do.
            converted, encoding = legacy.to_unicode(text) if not _OUTSIDE_LEGACY(text) else (text, None)
            if encoding is not None:
                text, reasons = converted.title(), (*reasons, REASON_TCVN3 if encoding == "tcvn3" else REASON_VNI)
    return text, reasons


def normalise_name(
    value: object, *, font: str | None = None, max_length: int | None = None, label: StrOrPromise | None = None
) -> Normalised[str]:
    """A person's name: normalised text, letters only (with ' and - inside), every part capitalised."""
    return Normalised(*_clean_name(value, font, max_length, None, label or _LABEL_NAME))


# --- Dates -------------------------------------------------------------------------------------------------------
_DMY = re.compile(r"([0-9]{1,2})([/.\-])([0-9]{1,2})\2([0-9]{4}|[0-9]{2})")
_YMD = re.compile(r"([0-9]{4})([/.\-])([0-9]{1,2})\2([0-9]{1,2})")
_TIME_TAIL = re.compile(r"[ T]+([0-9]{1,2}):([0-9]{2})(?::([0-9]{2})(?:[.,][0-9]+)?)?$")
_SERIAL = re.compile(r"[0-9]{1,7}(?:[.,][0-9]+)?")
_EXCEL_DAY_ZERO = date(1899, 12, 31)  # serial 1 is 1 January 1900
_EXCEL_LAST_SERIAL = 2_958_465  # 31/12/9999
_MIDNIGHT = time()
_EXAMPLE_DATE = "05/09/2012"


def _unreadable_date(label: StrOrPromise, text: str) -> NormaliseError:
    return NormaliseError(
        _("%(label)s “%(value)s” không đọc được thành ngày; hãy nhập theo dạng dd/mm/yyyy, ví dụ %(example)s.")
        % {"label": label, "value": _excerpt(text), "example": _EXAMPLE_DATE}
    )


def _from_serial(number: float, shown: str, label: StrOrPromise) -> tuple[date, Reasons]:
    """An Excel serial day number (1900 date system) as a date; refuses Excel's fictitious 29/02/1900 (serial 60)."""
    if not math.isfinite(number) or not 1 <= number < _EXCEL_LAST_SERIAL + 1:
        raise _unreadable_date(label, shown)
    whole = int(number)
    if number == whole and 1900 <= whole <= 2100:
        raise NormaliseError(
            _("%(label)s “%(value)s” chỉ có năm; hãy nhập đủ ngày theo dạng dd/mm/yyyy, ví dụ %(example)s.")
            % {"label": label, "value": shown, "example": _EXAMPLE_DATE}
        )
    if whole == 60:
        raise NormaliseError(
            _(
                "%(label)s “%(value)s” là số ngày 60 của Excel, tức ngày 29/02/1900 không có thật (một lỗi cũ của "
                "Excel); hãy nhập ngày theo dạng dd/mm/yyyy."
            )
            % {"label": label, "value": shown}
        )
    # Excel counts 29/02/1900 as a day (Lotus 1-2-3's leap-year bug), so serials after it are one day ahead.
    day = _EXCEL_DAY_ZERO + timedelta(days=whole - (1 if whole > 60 else 0))
    return day, ((REASON_EXCEL_SERIAL, REASON_TIME_DROPPED) if number != whole else (REASON_EXCEL_SERIAL,))


def _century(two_digits: int, today: date) -> int:
    """The most recent year ending in these two digits that is not after this year (records are of the past)."""
    return today.year - (today.year - two_digits) % 100


def _make_date(day: int, month: int, year: int, text: str, label: StrOrPromise, *, day_first: bool = True) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        pass
    if day_first and day <= 12 < month <= 31:
        raise NormaliseError(
            _(
                "%(label)s “%(value)s” có vẻ ghi tháng trước ngày (kiểu Mỹ); ở đây ngày đứng trước tháng: "
                "có phải là %(fixed)s (dd/mm/yyyy)?"
            )
            % {"label": label, "value": text, "fixed": f"{month:02d}/{day:02d}/{year:04d}"}
        )
    if not 1 <= month <= 12:
        raise NormaliseError(
            _(
                "%(label)s “%(value)s”: không có tháng %(month)s (đọc theo thứ tự ngày/tháng/năm); hãy nhập theo "
                "dạng dd/mm/yyyy, ví dụ %(example)s."
            )
            % {"label": label, "value": text, "month": month, "example": _EXAMPLE_DATE}
        )
    raise NormaliseError(
        _(
            "%(label)s “%(value)s” không có thật: tháng %(month)s năm %(year)s không có ngày %(day)s (đọc theo thứ tự "
            "ngày/tháng/năm); hãy nhập theo dạng dd/mm/yyyy."
        )
        % {"label": label, "value": text, "day": day, "month": f"{month:02d}", "year": year}
    )


def _clean_date(
    value: object,
    font: str | None,
    max_length: int | None,
    length: int | None,
    label: StrOrPromise,
    today: date | None = None,
) -> tuple[date | None, Reasons]:
    if type(value) is not str:
        return _date_of_object(value, label)
    known = _DATE_MEMO.get(value)
    if known is not None:
        return known
    text = value.strip()
    if not text:
        return None, _NO_REASONS
    if len(text) > 64:
        raise _unreadable_date(label, text)
    match = _DMY.fullmatch(text)
    if match and len(match.group(4)) == 4:  # the common case: a date typed the Vietnamese way
        day, separator, month, year = match.groups()
        canonical = separator == "/" and len(day) == 2 and len(month) == 2 and text is value
        reasons = _NO_REASONS if canonical else (REASON_DATE_FORM,)
        found = _make_date(int(day), int(month), int(year), text, label), reasons
    else:
        found = _read_date(text, label, today)
        if any(reason is REASON_TWO_DIGIT_YEAR for reason in found[1]):  # depends on today: not kept
            return found
    return _DATE_MEMO.keep(value, found)


def _date_of_object(value: object, label: StrOrPromise) -> tuple[date | None, Reasons]:
    """A cell that is not text: a date, a datetime (its time dropped), an Excel serial number."""
    if value is None:
        return None, _NO_REASONS
    if type(value) is date:
        return value, _NO_REASONS
    if isinstance(value, datetime):
        return value.date(), (_NO_REASONS if value.time() == _MIDNIGHT else (REASON_TIME_DROPPED,))
    if isinstance(value, date):
        return date(value.year, value.month, value.day), _NO_REASONS
    if isinstance(value, bool):
        raise _unreadable_date(label, str(value))
    if isinstance(value, int | float):
        return _from_serial(value, _as_text(value), label)
    raise _unreadable_date(label, str(value))


def _read_date(text: str, label: StrOrPromise, today: date | None) -> tuple[date, Reasons]:
    """The less common forms: a time after the date, spaces, ISO year first, two-digit years, Excel serials."""
    reasons: list[StrOrPromise] = [REASON_DATE_FORM]
    bare = text
    tail = _TIME_TAIL.search(bare)
    if tail:
        bare = bare[: tail.start()]
        hours, minutes, seconds = (int(part or 0) for part in tail.groups())
        if hours or minutes or seconds:
            reasons.append(REASON_TIME_DROPPED)
    bare = bare.replace(" ", "")
    if match := _DMY.fullmatch(bare):
        day, _separator, month, year = match.groups()
        full_year = int(year)
        if len(year) == 2:
            full_year = _century(full_year, today or date.today())
            reasons.append(REASON_TWO_DIGIT_YEAR)
        return _make_date(int(day), int(month), full_year, text, label), tuple(reasons)
    if match := _YMD.fullmatch(bare):
        year, _separator, month, day = match.groups()
        return _make_date(int(day), int(month), int(year), text, label, day_first=False), tuple(reasons)
    if not tail and _SERIAL.fullmatch(bare):
        return _from_serial(float(bare.replace(",", ".")), text, label)
    raise _unreadable_date(label, text)


def normalise_date(value: object, *, label: StrOrPromise | None = None, today: date | None = None) -> date | None:
    """A date read day first: dd/mm/yyyy, d/m/yy, dd-mm-yyyy, dd.mm.yyyy, ISO, Excel serials, date objects."""
    return _clean_date(value, None, None, None, label or _LABEL_DATE, today)[0]


# --- Phone numbers -----------------------------------------------------------------------------------------------
# The 2018 change of 11-digit mobile numbers to 10 digits (Bộ TT&TT; the carriers' published table).
OLD_MOBILE_PREFIXES = {
    "0162": "032", "0163": "033", "0164": "034", "0165": "035", "0166": "036", "0167": "037", "0168": "038",
    "0169": "039", "0120": "070", "0121": "079", "0122": "077", "0126": "076", "0128": "078", "0123": "083",
    "0124": "084", "0125": "085", "0127": "081", "0129": "082", "0186": "056", "0188": "058", "0199": "059",
}  # fmt: skip
# The 2017 change of landline area codes (Quyết định 2036/QĐ-BTTTT), for Hải Phòng and its neighbours whose old
# numbers cannot be mistaken for anything else: (old prefix, new prefix, length of an old number). Quảng Ninh's
# 033 and Thái Bình's 036 are left out: since 2018, 033x and 036x are Viettel mobile numbers of the same length.
OLD_AREA_CODES = (
    ("031", "0225", 10),  # Hải Phòng: 031 + 7 digits
    ("0320", "0220", 11),  # Hải Dương (part of Hải Phòng since 2025): 0320 + 7 digits
    ("0321", "0221", 11),  # Hưng Yên: 0321 + 7 digits
    ("04", "024", 10),  # Hà Nội: 04 + 8 digits; no mobile number starts with 04
)
_MOBILE = re.compile(r"0(?:3[2-9]|5[2-9]|7[06-9]|8[1-9]|9[0-9])[0-9]{7}")
_MOBILE_PREFIXES = frozenset(f"0{n}" for n in range(10, 100) if _MOBILE.fullmatch(f"0{n}0000000"))
_LANDLINE = re.compile(r"02[0-9]{9}")
_PHONE_SEPARATORS = re.compile(r"[\s.\-()]")
_MOBILE_REASONS = {
    old: format_lazy(gettext_lazy("đầu số cũ {old} → {new}"), old=old, new=new)
    for old, new in OLD_MOBILE_PREFIXES.items()
}
_OLD_MOBILE_ONLY: dict[str, Reasons] = {old: (reason,) for old, reason in _MOBILE_REASONS.items()}
_DIGITS_OLD_MOBILE: dict[str, Reasons] = {old: (REASON_PHONE_DIGITS, reason) for old, reason in _MOBILE_REASONS.items()}
_AREA_REASONS = {
    old: format_lazy(gettext_lazy("mã vùng cũ {old} → {new}"), old=old, new=new) for old, new, _ in OLD_AREA_CODES
}
_EXAMPLE_MOBILE = "0912345678"
_EXAMPLE_LANDLINE = "02253746220"


def _bad_phone(label: StrOrPromise, shown: str) -> NormaliseError:
    return NormaliseError(
        _(
            "%(label)s “%(value)s” không đúng: số di động có 10 chữ số (ví dụ %(mobile)s), số cố định gồm mã vùng và "
            "số máy, 11 chữ số (ví dụ %(landline)s); chỉ nhập một số."
        )
        % {"label": label, "value": _excerpt(shown), "mobile": _EXAMPLE_MOBILE, "landline": _EXAMPLE_LANDLINE}
    )


def _clean_phone(
    value: object, font: str | None, max_length: int | None, length: int | None, label: StrOrPromise
) -> tuple[str, Reasons]:
    if type(value) is str and len(value) == 10 and value[:3] in _MOBILE_PREFIXES and value.isdigit():
        return value, _NO_REASONS  # the common case: already a 10-digit mobile number (isdigit: ASCII, by the prefix)
    if value is None or value == "":
        return "", _NO_REASONS
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise _bad_phone(label, str(value))
    raw = _as_text(value) if isinstance(value, int | float) else str(value)
    shown = raw.strip()
    if not shown:
        return "", _NO_REASONS
    if len(shown) > 64:
        raise _bad_phone(label, shown)
    reasons: list[StrOrPromise] = []
    digits = _PHONE_SEPARATORS.sub("", unicodedata.normalize("NFKC", shown))  # NFKC: full-width digits
    if digits != shown:
        reasons.append(REASON_PHONE_DIGITS)
    plus = digits.startswith("+")
    digits = digits.removeprefix("+")
    if not (digits.isascii() and digits.isdigit()):
        raise _bad_phone(label, shown)
    if digits.startswith("0084"):
        digits, plus = digits[4:], True
    elif plus or (digits.startswith("84") and len(digits) in (11, 12)):  # 84 + 9-digit mobile or 10-digit landline
        if not digits.startswith("84"):
            raise _bad_phone(label, shown)  # another country's number
        digits, plus = digits[2:], True
    if plus:
        digits = digits if digits.startswith("0") else "0" + digits  # "+84 0912…": the 0 was kept by mistake
        reasons.append(REASON_PHONE_COUNTRY)
    elif not digits.startswith("0") and len(digits) in (9, 10):
        digits = "0" + digits
        reasons.append(REASON_PHONE_ZERO)
    if len(digits) == 11 and digits.startswith("01"):
        new = OLD_MOBILE_PREFIXES.get(digits[:4])
        if new is None:
            raise _bad_phone(label, shown)
        reasons.append(_MOBILE_REASONS[digits[:4]])
        digits = new + digits[4:]
    for old, new, old_length in OLD_AREA_CODES:
        if len(digits) == old_length and digits.startswith(old):
            reasons.append(_AREA_REASONS[old])
            digits = new + digits[len(old) :]
            break
    if not ((len(digits) == 10 and _MOBILE.fullmatch(digits)) or (len(digits) == 11 and _LANDLINE.fullmatch(digits))):
        raise _bad_phone(label, shown)
    if not reasons and digits != raw:
        reasons.append(REASON_SPACES)
    return digits, tuple(reasons)


def normalise_phone(value: object, *, label: StrOrPromise | None = None) -> str:
    """A phone number as 10 (mobile) or 11 (landline) digits, old prefixes and area codes updated."""
    return _clean_phone(value, None, None, None, label or _LABEL_PHONE)[0]


# --- Yes / no ----------------------------------------------------------------------------------------------------
def _fold(text: str) -> str:
    """Lower case without diacritics or spaces, đ → d: 'Có' → 'co', 'Đúng' → 'dung'."""
    decomposed = unicodedata.normalize("NFD", text.strip().lower().replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_YES = frozenset({"x", "✓", "✔", "☑", "co", "1", "true", "yes", "y", "dung", "d"})
_NO = frozenset({"0", "khong", "ko", "k", "no", "n", "false", "sai"})
# The values met most often, looked up as they come (True == 1 == 1.0 and False == 0 == 0.0 as keys).
_YES_NO_EXACT: dict[object, bool | None] = {
    None: None, "": None, True: True, False: False, "x": True, "X": True, "✓": True, "Có": True, "có": True,
    "1": True, "0": False, "Không": False, "không": False,
}  # fmt: skip


def _clean_yes_no(
    value: object, font: str | None, max_length: int | None, length: int | None, label: StrOrPromise
) -> tuple[bool | None, Reasons]:
    try:
        return _YES_NO_EXACT[value], _NO_REASONS
    except (KeyError, TypeError):  # TypeError: an unhashable value, refused below
        pass
    if isinstance(value, str) and len(value) <= 32:
        key = _fold(value)
        if not key:
            return None, _NO_REASONS
        if key in _YES:
            return True, _NO_REASONS
        if key in _NO:
            return False, _NO_REASONS
    raise NormaliseError(
        _(
            "%(label)s “%(value)s” không rõ là có hay không; hãy ghi x (hoặc Có) nếu có, để trống hoặc ghi Không nếu không."
        )
        % {"label": label, "value": _excerpt(_as_text(value))}
    )


def normalise_yes_no(value: object, *, label: StrOrPromise | None = None) -> bool | None:
    """x, ✓, Có, 1, đúng, yes → True; 0, Không, sai, no → False; empty → None; anything else refused."""
    return _clean_yes_no(value, None, None, None, label or _LABEL_YES_NO)[0]


# --- Codes -------------------------------------------------------------------------------------------------------
_FLOAT_TAIL = re.compile(r"\.0+$")


def _clean_code(
    value: object, font: str | None, max_length: int | None, length: int | None, label: StrOrPromise
) -> tuple[str, Reasons]:
    if type(value) is str and value.isascii() and value.isalnum() and (length is None or len(value) >= length):
        return value, _NO_REASONS  # the common case: letters and digits only, nothing Excel could have dropped
    code = repair_code(value, length=length)
    shown = "" if value is None else _as_text(value)
    if code == shown:
        return code, _NO_REASONS
    reasons: list[StrOrPromise] = []
    inner = shown.strip()
    if inner != shown:
        reasons.append(REASON_SPACES)
    if any(ch.isspace() for ch in inner):
        reasons.append(REASON_CODE_SPACES)
    if _FLOAT_TAIL.search(inner):
        reasons.append(REASON_CODE_FLOAT)
    if code.startswith("0") and not inner.startswith("0"):
        reasons.append(REASON_CODE_ZEROS)
    return code, tuple(reasons) or (REASON_CODE_REPAIRED,)


def normalise_code(value: object, *, length: int | None = None) -> str:
    """A code repaired from what Excel did to it (``edudb.quality.codes.repair_code``)."""
    return repair_code(value, length=length)


# --- E-mail ------------------------------------------------------------------------------------------------------


def _clean_email(
    value: object, font: str | None, max_length: int | None, length: int | None, label: StrOrPromise
) -> tuple[str, Reasons]:
    if value is None:
        return "", _NO_REASONS
    raw = str(value)
    text = raw.strip()
    reasons: list[StrOrPromise] = [REASON_SPACES] if text != raw else []
    if text[:7].lower() == "mailto:":  # pasted from a link
        text = text[7:].strip()
        reasons = [REASON_MAILTO]
    if not text:
        return "", _NO_REASONS
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
        reasons.append(REASON_NFC)
    local, at, domain = text.rpartition("@")
    address = f"{local}@{domain.lower()}" if at else text
    try:
        if len(address) > (max_length or 254):
            raise ValidationError("too long")
        validate_email(address)
    except ValidationError:
        raise NormaliseError(
            _("%(label)s “%(value)s” không đúng dạng; hãy nhập dạng ten@tenmien.vn, không có dấu cách.")
            % {"label": label, "value": _excerpt(text)}
        ) from None
    if address != text:
        reasons.append(REASON_EMAIL_DOMAIN)
    return address, tuple(reasons)


def normalise_email(value: object, *, label: StrOrPromise | None = None) -> str:
    """An e-mail address: trimmed, NFC, the domain in lower case, its form checked."""
    return _clean_email(value, None, None, None, label or _LABEL_EMAIL)[0]


# --- One entry point per kind, and the collector ----------------------------------------------------------------


class Kind(StrEnum):
    """What a field holds, which decides how it is normalised."""

    TEXT = "text"
    MULTILINE = "multiline"
    NAME = "name"
    DATE = "date"
    PHONE = "phone"
    CODE = "code"
    YES_NO = "yes_no"
    EMAIL = "email"


Cleaner = Callable[[object, str | None, int | None, int | None, StrOrPromise], tuple[Any, Reasons]]
_CLEANERS: dict[Kind, Cleaner] = {
    Kind.TEXT: _clean_text,
    Kind.MULTILINE: _clean_multiline,
    Kind.NAME: _clean_name,
    Kind.DATE: _clean_date,
    Kind.PHONE: _clean_phone,
    Kind.CODE: _clean_code,
    Kind.YES_NO: _clean_yes_no,
    Kind.EMAIL: _clean_email,
}
_DEFAULT_LABELS = {
    Kind.TEXT: _LABEL_TEXT,
    Kind.MULTILINE: _LABEL_TEXT,
    Kind.NAME: _LABEL_NAME,
    Kind.DATE: _LABEL_DATE,
    Kind.PHONE: _LABEL_PHONE,
    Kind.CODE: _LABEL_CODE,
    Kind.YES_NO: _LABEL_YES_NO,
    Kind.EMAIL: _LABEL_EMAIL,
}


def normalise(
    kind: Kind,
    value: object,
    *,
    label: StrOrPromise | None = None,
    font: str | None = None,
    max_length: int | None = None,
    length: int | None = None,
) -> Normalised[Any]:
    """Any kind of value, with its reasons; raises ``NormaliseError``."""
    return Normalised(*_CLEANERS[kind](value, font, max_length, length, label or _DEFAULT_LABELS[kind]))


def _shown(value: object) -> str:
    """A value as the user reads it: dates dd/mm/yyyy, yes/no as Có/Không, 12.0 as 12."""
    if type(value) is str:
        return value
    if value is None:
        return ""
    if isinstance(value, str):
        return str(value)
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if isinstance(value, datetime):
        return f"{value:%d/%m/%Y %H:%M}" if value.time() != _MIDNIGHT else f"{value:%d/%m/%Y}"
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass(frozen=True, slots=True)
class Change:
    """One visible change the layer made to one value, as the user would read it."""

    field: str
    label: StrOrPromise
    before: str
    after: str
    reasons: Reasons
    minor: bool


# A Change made without the frozen dataclass's __init__ (object.__setattr__ per field: 4× slower); an import makes one
# per changed cell. The same object as Change(...) gives: the slots are set through their own descriptors.
_new_object = object.__new__
_SET_CHANGE = tuple(Change.__dict__[name].__set__ for name in ("field", "label", "before", "after", "reasons", "minor"))


def _change(field: str, label: StrOrPromise, before: str, after: str, reasons: Reasons, minor: bool) -> Change:
    change = _new_object(Change)
    set_field, set_label, set_before, set_after, set_reasons, set_minor = _SET_CHANGE
    set_field(change, field)
    set_label(change, label)
    set_before(change, before)
    set_after(change, after)
    set_reasons(change, reasons)
    set_minor(change, minor)
    return change


@dataclass(slots=True)
class Normaliser:
    """Cleans the values of one form, request or import row, collecting the changes made and the values refused."""

    changes: list[Change] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)

    def clean(
        self,
        field: str,
        kind: Kind,
        value: object,
        *,
        label: StrOrPromise,
        font: str | None = None,
        max_length: int | None = None,
        length: int | None = None,
    ) -> Any:
        """The normalised value; a refused one is recorded in ``errors[field]`` (naming ``label``) and gives None."""
        try:
            result, reasons = _CLEANERS[kind](value, font, max_length, length, label)
        except NormaliseError as error:
            self.errors[field] = error.message
            return None
        if reasons:
            self.changes.append(_change(field, label, _shown(value), _shown(result), reasons, _is_minor(reasons)))
        return result


# --- Whole columns: the Excel import's hot path ------------------------------------------------------------------
# An import normalises a chunk of rows a column at a time. A Python call per cell already costs about 0.4× reading
# the cell (python-calamine reads in Rust), so the column path does no per-cell Python work for the cells that are
# already clean: it keeps one copy of each distinct value, joins the distinct strings with a separator that cannot
# occur in them, and runs a few C-level tests over the joined text once (is_normalized, isprintable, and one or two
# precompiled patterns that find anything the per-cell path could change for that kind). Only the values those
# tests point at, and values that are not text, go through the per-cell cleaner — once per distinct value. Every
# test is conservative: a value it lets through is one the per-cell path returns unchanged, with no reason and no
# refusal (``test_normalise_columns`` checks the two paths give the same results on random mixed columns). The
# usual damage of some kinds is also fixed here, by patterns over the joined values, with the result and reasons the
# per-cell path gives: a name's capitals or tone style (word by word, below), a text's tone style, a date typed
# d/m/yyyy or stored as an Excel serial number, a phone number spaced out, with +84, with an old 11-digit mobile
# prefix, or stored as a number that lost its 0. A value such a pattern cannot settle goes through the per-cell path.

_SEP = "\u241e"  # SYMBOL FOR RECORD SEPARATOR: printable, no letter, no space, composes with nothing, not legacy
_LEGACY_NON_ASCII = f"\x80-\xff{re.escape(legacy.CP1252_HIGH)}"
# A text whose every character a legacy font's bytes can give, with one that is not ASCII: whether it is legacy text
# is decided word by word (below), or per cell with the cell's font.
_LEGACY_CELL = re.compile(f"{_SEP}([\x00-\x7f]*+[{_LEGACY_NON_ASCII}][\x00-\x7f{_LEGACY_NON_ASCII}]*+)(?={_SEP})")
# The usual characters that make a text non-printable or not NFC: controls, soft hyphen, special spaces, zero-width
# and bidi characters, combining marks. Only a locator: an exact test of the remaining cells follows.
_ODD = "\x0b-\x1f\x7f-\xa0\xad\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u2000-\u200f\u2028-\u202f\u205f-\u206f\u20d0-\u20ff\ufe00-\ufe0f\ufe20-\ufe2f\ufeff"
_ODD_TEXT = re.compile(f"[\x00-\x0a{_ODD}]")
_ODD_MULTILINE = re.compile(f"[\x00-\x08{_ODD}]")
_ODD_NAME = re.compile(f"[\x00-\x1f!-@\\[-`{{-~{_ODD}’‘ʼ´′‐‑‒–—―−]")  # ASCII marks and digits, and as above
# Spaces to trim or collapse: a cell's ends are separators.
_SPACES_TEXT = ("  ", _SEP + " ", " " + _SEP)
_SPACES_MULTILINE = (*_SPACES_TEXT, " \n", "\n ", _SEP + "\n", "\n" + _SEP)
# ``_TONE_PREFILTER`` found from the toned vowel, a rarer character than o or u: the regex engine scans for it fast.
_TONED_END = f"{_TONED_AE}{_TONED_AE.upper()}{_TONED_Y}{_TONED_Y.upper()}"
_TONE_LOCATOR = re.compile(
    f"[{_TONED_END}](?:(?<=[oO][{_TONED_AE}{_TONED_AE.upper()}])|(?<=[^qQ][uU][{_TONED_Y}{_TONED_Y.upper()}]))"
    "(?![^\\W\\d_])"
)
_DATE_SHAPE = "[0-9]{2}/[0-9]{2}/[0-9]{4}"
_DATE_ISO = re.compile("([0-9]{2})/([0-9]{2})/([0-9]{4})")
_SAFE_TYPES = frozenset({str, bool, int, float, date, datetime, time, timedelta, type(None)})
_NUMBER_TYPES = frozenset({bool, int, float})  # equal across types (1 == 1.0 == True), so never deduplicated together
TEXT_KINDS = frozenset({Kind.TEXT, Kind.MULTILINE, Kind.NAME})  # the kinds whose cells' font counts


def _joined(strings: Iterable[str]) -> str:
    return _SEP + _SEP.join(strings) + _SEP


def _bad_cells(pattern: re.Pattern[str], strings: list[str]) -> list[str]:
    """The strings (joined, each after a separator) at which ``pattern`` matches: it names the cells to look at."""
    joined = _joined(strings)
    end = len(joined) - 1
    return [match.group()[1:] for match in pattern.finditer(joined) if match.start() != end]


def _cells_hit(pattern: re.Pattern[str], joined: str) -> list[str]:
    """The cells of ``joined`` (separator, cell, separator, cell, …, separator) in which ``pattern`` matches."""
    cells = []
    previous = -1
    for match in pattern.finditer(joined):
        at = match.start()
        if at < previous:  # this cell is already taken
            continue
        start = joined.rfind(_SEP, 0, at + 1) + 1
        previous = joined.find(_SEP, at + 1)
        cells.append(joined[start:previous])
    return cells


def _cells_with(needles: tuple[str, ...], joined: str) -> list[str]:
    """The cells of ``joined`` in which one of ``needles`` occurs (str.find: faster than a pattern)."""
    cells = []
    for needle in needles:
        at = joined.find(needle)
        while at != -1:
            start = joined.rfind(_SEP, 0, at + 1) + 1
            end = joined.find(_SEP, at + 1)
            cells.append(joined[start:end])
            at = joined.find(needle, end)
    return cells


def _failing(test: Callable[[str], bool], strings: list[str]) -> list[str]:
    return list(compress(strings, map(operator.not_, map(test, strings))))


def _beyond_ascii(value: object) -> bool:
    """The cell's text (as ``_clean_text`` makes it) has a character beyond ASCII: only such a text reads its font."""
    return value is not None and not (value if type(value) is str else _as_text(value)).isascii()


def _not_nfc(text: str) -> bool:
    return not unicodedata.is_normalized("NFC", text)


def _without_line_breaks(text: str) -> str:
    return text.replace("\n", "").replace("\t", "")


def _is_alpha_name(text: str) -> bool:
    return text.replace(" ", "").isalpha()


def _is_name_shape(text: str) -> bool:
    """What ``_clean_name`` leaves alone once the text is clean: letters and spaces, title() changing nothing.

    Also true of several such texts joined by separators (no letter, no case: title() starts again after one).
    """
    return not text or (text.replace(" ", "").replace(_SEP, "").isalpha() and text.title() == text)


def _text_column(
    strings: list[str], limit: int, kind: Kind, font: str | None, several_fonts: bool
) -> tuple[list[str], dict[str, tuple[str, Reasons]]]:
    """Split distinct strings: (those for the per-cell path, {value: (result, reasons)} fixed here).

    Every string in neither is one the per-cell path returns as it is, with no reason. Fixed here, as the per-cell
    path would: texts whose only fault is the tone style (REASON_TONE), names whose only fault is their capitals
    (REASON_CAPITALISE).
    """
    multiline = kind is Kind.MULTILINE
    name = kind is Kind.NAME
    recased: list[tuple[str, str]] = []
    joined = _joined(strings)
    routed: list[str] = []
    if max(map(len, strings)) > limit:
        routed += [text for text in strings if len(text) > limit]
    # Locators: patterns scanned at C speed that name the cells with the usual problems.
    routed += _cells_with(_SPACES_MULTILINE if multiline else _SPACES_TEXT, joined)
    routed += _cells_hit(_ODD_NAME if name else _ODD_MULTILINE if multiline else _ODD_TEXT, joined)
    candidates: list[str] = _LEGACY_CELL.findall(joined)
    if candidates:
        encoding = None if font is None else legacy.font_encoding(font)[0]
        if several_fonts or encoding is not None:
            routed += candidates  # a legacy font converts them (per cell, with its font)
        elif font is None:
            # Without a font, legacy.to_unicode leaves a text alone when every word of it is ASCII or Vietnamese
            # already (its first test): the words repeat, and are looked at once each.
            foreign = legacy.foreign_words(" ".join(candidates).split())
            if foreign:
                routed += [text for text in candidates if not foreign.isdisjoint(text.split())]
    toned = _cells_hit(_TONE_LOCATOR, joined)
    if routed:
        rest = list(filterfalse(set(routed).__contains__, strings))
        joined = _joined(rest)
    else:
        rest = strings
    # Exact tests over what is left; a failure (rare after the locators) is looked for value by value.
    if not (_without_line_breaks(joined) if multiline else joined).isprintable():
        routed += (
            [text for text in rest if not _without_line_breaks(text).isprintable()]
            if multiline
            else (_failing(str.isprintable, rest))
        )
    if not unicodedata.is_normalized("NFC", joined):
        routed += list(compress(rest, map(_not_nfc, rest)))
    if name:
        if not joined.replace(" ", "").replace(_SEP, "").isalpha():  # after the locator: exotic digits (½, Ⅻ)
            routed += _failing(_is_alpha_name, rest)
        titled = joined.title()  # the separator has no case: title() restarts at each cell as on its own
        if titled != joined:
            after = titled.split(_SEP)[1:-1]
            recased = list(compress(zip(rest, after, strict=True), map(operator.ne, rest, after)))
    retoned: dict[str, str] = {}
    fixed: dict[str, tuple[str, Reasons]] = {}
    if recased:
        # Wrong capitals only, in a text clean otherwise: _shape_name gives its title(), with the one reason, when
        # the text is not istitle() already and the result holds a character no legacy font gives (else: per cell).
        taken = set(routed).union(toned)
        for text, new in recased:
            if text in taken or text.istitle() or len(new) > limit or not _OUTSIDE_LEGACY(new):
                routed.append(text)
            else:
                fixed[text] = (new, _CAPITALISED)
    if toned:
        taken = set(routed)
        toned = [text for text in toned if text not in taken]
        if toned:
            # _retone of the joined cells is the join of each one's _retone: its onset test stops at the separator.
            after = _retone(_SEP.join(toned)).split(_SEP)
            retoned = {text: new for text, new in zip(toned, after, strict=True) if new != text}
            if retoned and (
                max(map(len, retoned.values())) > limit or (name and not _is_name_shape(_SEP.join(retoned.values())))
            ):  # rare: find which, and leave them to the per-cell path
                odd = [text for text, new in retoned.items() if len(new) > limit or (name and not _is_name_shape(new))]
                routed += odd
                for text in odd:
                    del retoned[text]
    for text, new in retoned.items():
        fixed[text] = (new, _TONE_ONLY)
    return routed, fixed


# --- The word path: TEXT and NAME columns with no legacy font -------------------------------------------------------
# Names and addresses are made of a small vocabulary of words. A one-line cell of single-spaced words is cleaned by
# the per-cell path word by word, except for three whole-cell decisions, each settled here by asking more of every
# word: (1) the legacy decision (``legacy.to_unicode`` converts nothing when every word is ASCII, Vietnamese, or holds
# a character no legacy byte gives — some word of the last kind makes the whole text Unicode, and none makes
# ``legacy._guess`` settle it on its first test); (2) a name's capitals (``str.title`` and ``istitle`` restart after
# each space, as they do at the start of a word, and a word with a cased letter that is not ``istitle`` makes the
# whole text not ``istitle``); (3) white space (no empty word: no double, leading or trailing space). NFC
# composition and the tone style are word-local: a space composes with nothing, and ``_retone`` stops at a non-letter.
# So each distinct word is judged once (kept in a bounded cache: an import meets a few thousand), and a cell all of
# whose words are plain is returned as it is; one whose words are all known fixes gets their join, with the reasons
# the per-cell path would give in its order (NFC, tone, capitals); any other goes through the per-cell path.
_NFC_FLAG, _TONE_FLAG, _SPACES_FLAG, _CAP_FLAG = 1, 2, 4, 8  # in the order the per-cell path gives the reasons
_REASONS_OF_FLAGS: dict[int, Reasons] = {
    flags: tuple(
        reason
        for flag, reason in (
            (_NFC_FLAG, REASON_NFC),
            (_TONE_FLAG, REASON_TONE),
            (_SPACES_FLAG, REASON_SPACES),
            (_CAP_FLAG, REASON_CAPITALISE),
        )
        if flags & flag
    )
    for flags in range(1, 16)
}
_REASONS_OF_FLAGS.update({_TONE_FLAG: _TONE_ONLY, _SPACES_FLAG: _SPACES_ONLY, _CAP_FLAG: _CAPITALISED})


class _Word(NamedTuple):
    """What the per-cell path makes of one word of a text or name (judged once, kept)."""

    text: str  # after the text steps: composed (NFC), tone moved
    titled: str  # name: its title(), which a name gets whole when one of its words lacks its capital
    flags: int  # _NFC_FLAG, _TONE_FLAG, _CAP_FLAG (name: not istitle)
    titled_safe: bool  # name: the titled word, too, cannot take part in a legacy conversion


def _legacy_safe(word: str) -> bool:
    """ASCII, Vietnamese, or with a character no legacy byte gives: see (1) above."""
    return word.isascii() or _OUTSIDE_LEGACY(word) is not None or legacy.is_vietnamese_word(word)


def _has_cased(word: str) -> bool:
    """A character str.istitle() counts as cased (upper, lower or title case)."""
    return any(ch.isupper() or ch.islower() or ch.istitle() for ch in word)


def _judge_word(word: str, name: bool) -> _Word | None:
    """The word's fate in a single-spaced one-line cell of such words, or None: the cell takes the per-cell path."""
    if not word:  # a double, leading or trailing space: the per-cell path joins the other words with one space
        return _NO_WORD
    if not word.isprintable():
        return None
    flags = 0
    composed = word
    if not unicodedata.is_normalized("NFC", word):
        composed = _compose(word)
        flags = _NFC_FLAG
    if not _legacy_safe(composed):
        return None
    text = composed
    if _TONE_PREFILTER.search(composed):
        text = _retone(composed)
        if text is not composed:
            flags |= _TONE_FLAG
    if not name:
        return _Word(text, text, flags, True)
    if not text.isalpha():  # marks, digits: _shape_name looks at the whole name
        return None
    titled = text.title()
    if not text.istitle():
        if titled == text or not _has_cased(text):
            return None
        flags |= _CAP_FLAG
    return _Word(text, titled, flags, _legacy_safe(titled))


_NO_WORD = _Word("", "", _SPACES_FLAG, True)
_WORDS_SIZE = 65_536
_ROUTE_FLAG, _UNSAFE_TITLE_FLAG = 16, 32  # the cell takes the per-cell path; its titled form is not legacy-safe


@dataclass(slots=True)
class _Vocabulary:
    """The words judged so far for one kind, as flags (OR-ed over a cell at C speed) and their fixed forms."""

    flags: dict[str, int] = field(default_factory=dict)
    text: dict[str, str] = field(default_factory=dict)
    titled: dict[str, str] = field(default_factory=dict)
    plain: set[str] = field(default_factory=set)  # the words a text keeps as they are

    def learn(self, words: list[str], name: bool) -> None:
        if len(self.flags) + len(words) > _WORDS_SIZE:
            self.clear()
        for word in words:
            verdict = _judge_word(word, name)
            if verdict is None:
                self.flags[word] = _ROUTE_FLAG
                continue
            self.flags[word] = verdict.flags | (0 if verdict.titled_safe else _UNSAFE_TITLE_FLAG)
            self.text[word] = verdict.text
            self.titled[word] = verdict.titled
            if not verdict.flags:
                self.plain.add(word)

    def clear(self) -> None:
        for known in (self.flags, self.text, self.titled, self.plain):
            known.clear()


_TEXT_WORDS = _Vocabulary()
_NAME_WORDS = _Vocabulary()


def _word_column(strings: list[str], limit: int, name: bool) -> tuple[list[str], dict[str, tuple[str, Reasons]]]:
    """``_text_column`` for a one-line TEXT or NAME column with no legacy font, judged word by word (see above)."""
    known = _NAME_WORDS if name else _TEXT_WORDS
    routed: list[str] = []
    if max(map(len, strings)) > min(limit, HARD_LIMIT):
        routed += [text for text in strings if len(text) > limit or len(text) > HARD_LIMIT]
        strings = [text for text in strings if len(text) <= limit and len(text) <= HARD_LIMIT]
    # The cells' words split one list at a time and dropped at once (a list kept per cell would be walked by the
    # garbage collector); split on single spaces, the joined cells give the same words, empty ones included.
    vocabulary = set(" ".join(strings).split(" "))
    new = list(filterfalse(known.flags.__contains__, vocabulary))
    if new:
        known.learn(new if len(known.flags) + len(new) <= _WORDS_SIZE else list(vocabulary), name)
    fixed: dict[str, tuple[str, Reasons]] = {}
    is_plain = list(map(known.plain.issuperset, map(str.split, strings, repeat(" "))))
    if all(is_plain):
        return routed, fixed
    flags_of, text_of, titled_of = known.flags.__getitem__, known.text.__getitem__, known.titled.__getitem__
    for text in compress(strings, map(operator.not_, is_plain)):
        words = text.split(" ")
        flags = reduce(operator.or_, map(flags_of, words))
        if flags & _ROUTE_FLAG or (flags & _CAP_FLAG and flags & _UNSAFE_TITLE_FLAG):
            routed.append(text)
            continue
        # filter: the empty words of extra spaces go; no other word is empty.
        result = " ".join(filter(None, map(titled_of if flags & _CAP_FLAG else text_of, words)))
        if not result or len(result) > limit:
            routed.append(text)
        else:
            fixed[text] = (result, _REASONS_OF_FLAGS[flags & 15])
    return routed, fixed


# Per kind, a pattern matching at the separator before each cell that is not plainly clean.
_PHONE_SUSPECT = re.compile(f"{_SEP}(?!{_MOBILE.pattern}{_SEP})[^{_SEP}]*")  # not a 10-digit mobile number
_DATE_SUSPECT = re.compile(f"{_SEP}(?!{_DATE_SHAPE}{_SEP})[^{_SEP}]*")  # not dd/mm/yyyy


def _code_suspect(length: int | None) -> re.Pattern[str]:
    """Not letters and digits only, or shorter than ``length`` (Excel may have dropped leading zeros)."""
    return re.compile(f"{_SEP}(?![A-Za-z0-9]{{{length or 1},}}{_SEP})[^{_SEP}]*")


def _iso_dates(texts: list[str]) -> list[date | None]:
    """``date.fromisoformat`` of each text (None where the day does not exist), at C speed when every day exists."""
    try:
        return list(map(date.fromisoformat, texts))
    except ValueError:  # a day that does not exist (31/02): found one by one, left to the per-cell path's message
        days: list[date | None] = []
        for text in texts:
            try:
                days.append(date.fromisoformat(text))
            except ValueError:
                days.append(None)
        return days


# d/m/yyyy with a one-digit day or month (no spaces; a year from 1000 on, which %Y shows with four digits, as
# zero-padding does): the per-cell path gives the date, with the one reason REASON_DATE_FORM.
_DATE_LOOSE = re.compile(f"{_SEP}([0-9]{{1,2}}/[0-9]{{1,2}}/[1-9][0-9]{{3}})(?={_SEP})")
_LONE_DIGIT = re.compile("(?<![0-9])([0-9])(?![0-9])")
_ISO_DAY = re.compile("([0-9]{4})-([0-9]{2})-([0-9]{2})")
_DATE_FORM_ONLY: Reasons = (REASON_DATE_FORM,)
_SERIAL_ONLY: Reasons = (REASON_EXCEL_SERIAL,)
_SERIAL_ORDINAL = _EXCEL_DAY_ZERO.toordinal() - 1  # + a serial after 60 (Excel's 29/02/1900): that day's ordinal


def _dates(strings: list[str]) -> tuple[dict[str, date], list[str], dict[Any, tuple[Any, str, str, Reasons]]]:
    """dd/mm/yyyy strings as dates (through the shared memo), the strings that need the per-cell path, and the
    d/m/yyyy strings fixed here: {value: (date, value as shown, the date as shown, reasons)}."""
    suspects = _bad_cells(_DATE_SUSPECT, strings)
    fixed: dict[Any, tuple[Any, str, str, Reasons]] = {}
    if suspects:
        odd = set(suspects)
        strings = [text for text in strings if text not in odd]
        loose = _DATE_LOOSE.findall(_joined(suspects))
        if loose:
            padded = _LONE_DIGIT.sub(r"0\1", _SEP.join(loose))  # "5/3/2010" → "05/03/2010", how it is shown
            days = _iso_dates(_DATE_ISO.sub(r"\3-\2-\1", padded).split(_SEP))
            for text, day, shown in zip(loose, days, padded.split(_SEP), strict=True):
                if day is not None:
                    fixed[text] = (day, text, shown, _DATE_FORM_ONLY)
            if fixed:
                suspects = [text for text in suspects if text not in fixed]
    known = _DATE_MEMO.get
    dates: dict[str, date] = {}
    unknown = []
    for text, found in zip(strings, map(known, strings), strict=True):
        if found is None:
            unknown.append(text)
        else:
            dates[text] = found[0]
    if unknown:
        made = _iso_dates(_DATE_ISO.sub(r"\3-\2-\1", _SEP.join(unknown)).split(_SEP))
        for text, day in zip(unknown, made, strict=True):
            if day is None:  # a day that does not exist: the per-cell path words the message
                suspects.append(text)
            else:
                dates[text] = _DATE_MEMO.keep(text, (day, _NO_REASONS))[0]
    return dates, suspects, fixed


def _serials(numbers: list[float]) -> dict[Any, tuple[Any, str, str, Reasons]]:
    """Excel serial day numbers (float cells of a date column) fixed here as ``_from_serial`` would: the whole ones
    after 1905 (no year alone, no 29/02/1900, no time to drop), as {number: (date, shown, date shown, reasons)}."""
    whole = [number for number in numbers if number.is_integer() and 2100 < number <= _EXCEL_LAST_SERIAL]
    if not whole:
        return {}
    serials = list(map(int, whole))
    days = list(map(date.fromordinal, map(_SERIAL_ORDINAL.__add__, serials)))
    shown = _ISO_DAY.sub(r"\3/\2/\1", _SEP.join(map(date.isoformat, days))).split(_SEP)  # years of 4 digits
    return {
        number: (day, str(serial), after, _SERIAL_ONLY)
        for number, serial, day, after in zip(whole, serials, days, shown, strict=True)
    }


_ZERO_ONLY: Reasons = (REASON_PHONE_ZERO,)


def _phone_numbers(numbers: list[float]) -> dict[Any, tuple[Any, str, str, Reasons]]:
    """Number cells of a phone column fixed here as ``_clean_phone`` would: 9 digits, a mobile number once Excel's
    dropped 0 is put back, as {number: (result, shown, result, reasons)}; the others go to the per-cell path."""
    whole = [number for number in numbers if number.is_integer() and 1e8 <= number < 1e9]
    if not whole:
        return {}
    shown = list(map(str, map(int, whole)))
    mobile = _MOBILE.fullmatch
    return {
        number: ("0" + digits, digits, "0" + digits, _ZERO_ONLY)
        for number, digits in zip(whole, shown, strict=True)
        if mobile("0" + digits)
    }


# Phone numbers in the usual damaged forms, fixed here as ``_clean_phone`` would (a result that is not a 10-digit
# mobile number goes to the per-cell path): digits in groups split by single spaces (0912 345 678), +84 then the
# number with or without its 0, an 11-digit number with an old mobile prefix (01683456789).
_PHONE_SPACED = re.compile(f"{_SEP}([0-9]+(?: [0-9]+)+)(?={_SEP})")
_PHONE_PLUS = re.compile(f"{_SEP}(\\+84( ?[0-9]+(?: [0-9]+)*))(?={_SEP})")
_PHONE_OLD = re.compile(f"{_SEP}(01[0-9]{{9}})(?={_SEP})")
_DIGITS_ONLY: Reasons = (REASON_PHONE_DIGITS,)
_COUNTRY_ONLY: Reasons = (REASON_PHONE_COUNTRY,)
_DIGITS_COUNTRY: Reasons = (REASON_PHONE_DIGITS, REASON_PHONE_COUNTRY)


def _phones(strings: list[str]) -> tuple[list[str], dict[str, tuple[str, Reasons]]]:
    """The phone strings needing the per-cell path, and {value: (result, reasons)} for those fixed here."""
    suspects = _bad_cells(_PHONE_SUSPECT, strings)
    if not suspects:
        return suspects, {}
    joined = _joined(suspects)
    mobile = _MOBILE.fullmatch
    fixed: dict[str, tuple[str, Reasons]] = {}
    spaced = _PHONE_SPACED.findall(joined)
    if spaced:
        for text, digits in zip(spaced, _SEP.join(spaced).replace(" ", "").split(_SEP), strict=True):
            if mobile(digits):
                fixed[text] = (digits, _DIGITS_ONLY)
            elif len(digits) == 11 and (new := OLD_MOBILE_PREFIXES.get(digits[:4])) and mobile(new + digits[4:]):
                fixed[text] = (new + digits[4:], _DIGITS_OLD_MOBILE[digits[:4]])
    for text, rest in _PHONE_PLUS.findall(joined):
        digits = rest.replace(" ", "")
        number = digits if digits[0] == "0" else "0" + digits  # "+84 0912…": the 0 kept by mistake stays one
        if mobile(number):
            fixed[text] = (number, _DIGITS_COUNTRY if " " in rest else _COUNTRY_ONLY)
    for text in _PHONE_OLD.findall(joined):
        new = OLD_MOBILE_PREFIXES.get(text[:4])
        if new is not None and mobile(new + text[4:]):
            fixed[text] = (new + text[4:], _OLD_MOBILE_ONLY[text[:4]])
    if fixed:
        suspects = [text for text in suspects if text not in fixed]
    return suspects, fixed


class CellChange(NamedTuple):
    """A change made to the cell at ``row`` of a column (0 for the first value given), with ``Change``'s fields."""

    row: int
    change: Change

    @property
    def field(self) -> str:
        return self.change.field

    @property
    def label(self) -> StrOrPromise:
        return self.change.label

    @property
    def before(self) -> str:
        return self.change.before

    @property
    def after(self) -> str:
        return self.change.after

    @property
    def reasons(self) -> Reasons:
        return self.change.reasons

    @property
    def minor(self) -> bool:
        return self.change.minor


@dataclass(frozen=True, slots=True)
class Column:
    """A normalised column: its values in order, the changes made (by cell index), the cells refused (index → why)."""

    values: list[Any]
    changes: list[CellChange]
    errors: dict[int, str]


# --- Outcomes kept from chunk to chunk ----------------------------------------------------------------------------
# An import hands a column over in chunks, and its text values repeat from one chunk to the next: the common full
# names ("Nguyễn Thị Hương"), the streets and communes of an address. A ``ColumnMemo`` handed with every chunk of one
# column keeps what the column path made of each distinct text value (left as it is, or its result and its change or
# refusal), and a value met again is not looked at again. A result depends only on the value and the column's kind,
# field, label, font, limits and language (a refusal is a translated message): the memo starts afresh when one of
# these differs, so a kept outcome is exactly what computing it again gives (the Change kept is the same immutable
# object). Bounded: past ``_MEMO_VALUES`` values it starts afresh, or stops keeping when too few were met again.
_MEMO_VALUES = 65_536


class ColumnMemo:
    """What ``normalise_column`` made of the text values of one column in its earlier chunks (one per column)."""

    __slots__ = ("context", "looked", "marks", "met", "off", "plain", "results")

    def __init__(self) -> None:
        self.context: tuple[Any, ...] | None = None
        self.plain: set[str] = set()  # returned as they are, with nothing to show
        self.results: dict[str, Any] = {}  # every other value → its result (None: refused)
        self.marks: dict[str, Change | str] = {}  # those of them with a change, or a refusal's message
        self.looked = self.met = 0  # values looked up, and found, since the memo last started afresh
        self.off = False  # too few values came back: keeping them costs more than it saves

    def bind(self, context: tuple[Any, ...]) -> bool:
        """Make the memo that of ``context`` (starting afresh if it held another's); False: the memo is off."""
        if context != self.context:
            self.context = context
            self._forget()
            self.off = False
        return not self.off

    def _forget(self) -> None:
        self.plain.clear()
        self.results.clear()
        self.marks.clear()
        self.looked = self.met = 0

    def look_up(self, strings: list[str], replaced: dict[Any, Any], marks: dict[Any, Change | str]) -> list[str]:
        """The strings not met before; those met before have their result and mark put in ``replaced``, ``marks``."""
        # Two dicts rather than one of (result, mark) pairs, and no Python call per value: fewer objects for the
        # garbage collector to walk, and the look-up runs at C speed.
        looked = len(strings)
        if self.plain:
            strings = list(filterfalse(self.plain.__contains__, strings))
        if self.results and strings:
            met = list(filter(self.results.__contains__, strings))
            if met:
                replaced.update(zip(met, map(self.results.__getitem__, met), strict=True))
                marked = list(filter(self.marks.__contains__, met))
                marks.update(zip(marked, map(self.marks.__getitem__, marked), strict=True))
                strings = list(filterfalse(self.results.__contains__, strings))
        self.looked += looked
        self.met += looked - len(strings)
        return strings

    def keep(self, strings: list[str], replaced: dict[Any, Any], marks: dict[Any, Change | str]) -> None:
        """Remember what became of ``strings`` (values not met before, all looked at now)."""
        if len(self.plain) + len(self.results) + len(strings) > _MEMO_VALUES:
            off = self.met * 10 < self.looked  # fewer than one in ten came back: unique values (a code typed as text)
            self._forget()
            self.off = off
            if off or len(strings) > _MEMO_VALUES:
                return
        touched = marks.keys() | replaced.keys()
        self.plain.update(filterfalse(touched.__contains__, strings))
        changed = list(filter(touched.__contains__, strings))
        self.results.update(zip(changed, map(replaced.get, changed, changed), strict=True))
        marked = list(filter(marks.__contains__, changed))
        self.marks.update(zip(marked, map(marks.__getitem__, marked), strict=True))


def normalise_column(
    kind: Kind,
    values: Sequence[Any],
    *,
    label: StrOrPromise,
    field: str = "",
    font: str | None = None,
    fonts: Sequence[str | None] | None = None,
    max_length: int | None = None,
    length: int | None = None,
    memo: ColumnMemo | None = None,
) -> Column:
    """A column of cells (as python-calamine reads them), each normalised exactly as ``Normaliser.clean`` would.

    ``fonts`` gives one font per cell (or ``font`` one for all); ``field`` is put in each change. A refused cell
    gives None in ``values`` and its message in ``errors[row]`` (row: its index in ``values``); ``changes`` are
    ``CellChange(row, change)`` in cell order. ``memo``: the same ``ColumnMemo`` handed with every chunk of a
    column, so that text values met in an earlier chunk are not looked at again.
    """
    cleaner = _CLEANERS[kind]
    if fonts is not None:
        if len(fonts) != len(values):
            raise ValueError(f"{len(fonts)} fonts for {len(values)} values")
        distinct = set(fonts)
        if len(distinct) > 1 and kind in TEXT_KINDS:
            # Only a text with a character beyond ASCII reads its font (ASCII is the same in every legacy font): an
            # empty or ASCII cell in another font does not split the column.
            distinct = set(compress(fonts, map(_beyond_ascii, values))) or {None}
        if len(distinct) == 1 or kind not in TEXT_KINDS:  # only text reads the font
            font, fonts = (distinct.pop() if len(distinct) == 1 else font), None
    try:
        uniques = dict.fromkeys(values)
    except TypeError:  # an unhashable value: nothing to share
        return _column_cell_by_cell(cleaner, values, label, field, font, fonts, max_length, length)
    types = set(map(type, uniques))
    if types & _NUMBER_TYPES:  # look at every cell: True and 1.0 would have been merged into one key
        types = set(map(type, values))
    if not types <= _SAFE_TYPES or len(types & _NUMBER_TYPES) > 1:  # 1, 1.0 and True would share one entry
        return _column_cell_by_cell(cleaner, values, label, field, font, fonts, max_length, length)
    if types == {str}:
        strings, others = list(uniques), []
    else:
        is_text = list(map(isinstance, uniques, repeat(str)))  # no str subclass here (the types were checked)
        strings = list(compress(uniques, is_text))
        others = list(compress(uniques, map(operator.not_, is_text)))
    replaced: dict[Any, Any] = {}  # value → its result, where that is another object ("12/03/2010" → a date)
    marks: dict[Any, Change | str] = {}  # value → its change, or the message refusing it
    if memo is not None and strings and fonts is None and kind in TEXT_KINDS:  # see ColumnMemo
        if memo.bind((kind, field, label, font, max_length, length, get_language())):
            strings = memo.look_up(strings, replaced, marks)  # it never holds a value with the separator
        else:
            memo = None
    else:
        memo = None
    if strings and _SEP.join(strings).count(_SEP) != len(strings) - 1:  # the separator was typed: not tested
        others += [text for text in strings if _SEP in text]
        strings = [text for text in strings if _SEP not in text]
    fixed: dict[str, tuple[str, Reasons]] = {}  # text → text fixed here, with the reasons the per-cell path gives
    shown_fixed: dict[Any, tuple[Any, str, str, Reasons]] = {}  # value → (result, before, after, reasons) as shown
    if not strings:
        routed: list[Any] = []
    elif kind in TEXT_KINDS:
        if kind is Kind.NAME and fonts is None and (font is None or legacy.font_encoding(font)[0] is None):
            routed, fixed = _word_column(strings, max_length or HARD_LIMIT, True)
        else:
            routed, fixed = _text_column(strings, max_length or HARD_LIMIT, kind, font, fonts is not None)
    elif kind is Kind.PHONE:
        routed, fixed = _phones(strings)
    elif kind is Kind.CODE:
        routed = _bad_cells(_code_suspect(length), strings)
    elif kind is Kind.DATE:
        dates, routed, shown_fixed = _dates(strings)
        replaced.update(dates)
    else:  # yes/no, e-mail: few distinct values, each through the per-cell path
        routed = strings
    for value, (result, reasons) in fixed.items():
        replaced[value] = result
        marks[value] = _change(field, label, value, result, reasons, _is_minor(reasons))
    if kind is Kind.DATE:  # a date cell is a date already (a datetime may carry a time: looked at)
        others = [value for value in others if type(value) is not date]
    numbers = [value for value in others if type(value) is float]  # no bool beside them: see the types above
    if numbers and (kind is Kind.DATE or kind is Kind.PHONE):
        numbers_fixed = _serials(numbers) if kind is Kind.DATE else _phone_numbers(numbers)
        if numbers_fixed:
            shown_fixed.update(numbers_fixed)
            others = [value for value in others if value not in numbers_fixed]
    for value, (result, before, after, reasons) in shown_fixed.items():  # none is minor: a form, a serial, a 0
        replaced[value] = result
        marks[value] = _change(field, label, before, after, reasons, False)
    routed += others
    if fonts is not None:
        return _column_by_font(cleaner, values, routed, replaced, marks, label, field, fonts, max_length, length)
    for value in dict.fromkeys(routed):
        result, mark = _outcome(cleaner, value, font, max_length, length, label, field)
        if result is not value:
            replaced[value] = result
        if mark is not None:
            marks[value] = mark
    if memo is not None and strings:
        memo.keep(strings, replaced, marks)
    cleaned = list(map(replaced.get, values, values)) if replaced else list(values)
    if not marks:
        return Column(cleaned, [], {})
    # The cells with a change or a refusal, their CellChange made without a Python call each (tuple.__new__).
    indexes = list(compress(range(len(values)), map(marks.__contains__, values)))
    found = list(map(marks.__getitem__, map(values.__getitem__, indexes)))
    errors: dict[int, str] = {}
    if any(type(mark) is str for mark in marks.values()):
        errors = {index: mark for index, mark in zip(indexes, found, strict=True) if type(mark) is str}
        indexes = [index for index, mark in zip(indexes, found, strict=True) if type(mark) is not str]
        found = [mark for mark in found if type(mark) is not str]
    changes = list(map(tuple.__new__, repeat(CellChange), zip(indexes, found, strict=True)))
    return Column(cleaned, changes, errors)


def _outcome(
    cleaner: Cleaner,
    value: Any,
    font: str | None,
    max_length: int | None,
    length: int | None,
    label: StrOrPromise,
    field: str,
) -> tuple[Any, Change | str | None]:
    """What ``Normaliser.clean`` makes of one value: the result, and its change, the message refusing it, or None."""
    try:
        result, reasons = cleaner(value, font, max_length, length, label)
    except NormaliseError as error:
        return None, error.message
    if reasons:
        return result, _change(field, label, _shown(value), _shown(result), reasons, _is_minor(reasons))
    return result, None


def _column_by_font(
    cleaner: Cleaner,
    values: Sequence[Any],
    routed: list[Any],
    replaced: dict[Any, Any],
    marks: dict[Any, Change | str],
    label: StrOrPromise,
    field: str,
    fonts: Sequence[str | None],
    max_length: int | None,
    length: int | None,
) -> Column:
    """A column whose cells have several fonts: the values found clean are kept, the others cleaned with their font."""
    cleaned = list(map(replaced.get, values, values)) if replaced else list(values)
    changes: list[CellChange] = []
    errors: dict[int, str] = {}
    looked_at = dict.fromkeys(routed)
    known: dict[tuple[Any, str | None], tuple[Any, Change | str | None]] = {}
    flagged = looked_at | marks
    for index in compress(range(len(values)), map(flagged.__contains__, values)):
        value = values[index]
        if value in looked_at:
            key = (value, fonts[index])
            outcome = known.get(key)
            if outcome is None:
                outcome = known[key] = _outcome(cleaner, value, key[1], max_length, length, label, field)
            cleaned[index], mark = outcome
        else:
            mark = marks[value]
        if type(mark) is str:
            errors[index] = mark
        elif mark is not None:
            changes.append(CellChange(index, mark))  # type: ignore[arg-type]
    return Column(cleaned, changes, errors)


def _column_cell_by_cell(
    cleaner: Cleaner,
    values: Sequence[Any],
    label: StrOrPromise,
    field: str,
    font: str | None,
    fonts: Sequence[str | None] | None,
    max_length: int | None,
    length: int | None,
) -> Column:
    """The plain loop, for columns whose values cannot be shared out (unhashable, or 1 and True side by side)."""
    cleaned = []
    changes: list[CellChange] = []
    errors: dict[int, str] = {}
    for index, value in enumerate(values):
        result, mark = _outcome(
            cleaner, value, font if fonts is None else fonts[index], max_length, length, label, field
        )
        cleaned.append(result)
        if type(mark) is str:
            errors[index] = mark
        elif mark is not None:
            changes.append(CellChange(index, mark))  # type: ignore[arg-type]
    return Column(cleaned, changes, errors)
