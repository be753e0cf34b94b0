"""Learning results per term and health measurements of the students database (R2.4): the rules and the writes.

Both doors — the class grids (``views_results``) and the API (``api_results``) — check a row with the functions here
and write through them, so a result or a measurement is judged the same way whichever door it came through:

- :func:`result_problems` / :func:`health_problems` — the rules of one row, ``{field: Vietnamese message}``;
- :func:`save_result_grid` / :func:`save_health_grid` — a whole class for one term in ONE transaction: every row is
  checked (class membership, the rules, the version the editor loaded) before anything is written, and if any row
  is refused nothing is written and every problem names its row (number and student) and its field;
- :func:`write_result` / :func:`write_health` — one record, as the API writes it.

Every record is written through ``create_record`` / ``update_record`` (versioned, audited field by field, re-checked
against the writer's scope).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from edudb.core.records import Record, StaleRecord, create_record, record_snapshot, update_record
from edudb.core.scoping import Function
from edudb.quality.text import search_key
from edudb.registry.models import HealthRecord, LearningResult, ResultTerm, SchoolClass, Student, StudentEvent
from edudb.reporting.models import SchoolYear

WRITE = Function.ENTER_STUDENTS

# --- learning results: the levels of each circular ------------------------------------------------------------------

PRIMARY = "primary"  # tiểu học, lớp 1–5: Thông tư 27/2020/TT-BGDĐT
SECONDARY = "secondary"  # THCS, THPT (and GDTX), lớp 6–12: Thông tư 22/2021/TT-BGDĐT

# Kết quả học tập (code list ket_qua_hoc_tap). Primary: Hoàn thành xuất sắc / tốt / Hoàn thành / Chưa hoàn thành
# (TT 27/2020 Điều 9); secondary: Tốt / Khá / Đạt / Chưa đạt (TT 22/2021 Điều 9).
ACADEMIC_LEVELS: dict[str, tuple[str, ...]] = {
    PRIMARY: ("HTXS", "HTT", "HT", "CHT"),
    SECONDARY: ("T", "K", "D", "CD"),
}
# Kết quả rèn luyện (ket_qua_ren_luyen). Secondary: Tốt / Khá / Đạt / Chưa đạt (TT 22/2021 Điều 8). Primary records
# the qualities and competences in three levels — Tốt / Đạt / Cần cố gắng (TT 27/2020 Điều 6), the last one kept
# as "Chưa đạt" in the shared code list — so there is no "Khá".
CONDUCT_LEVELS: dict[str, tuple[str, ...]] = {
    PRIMARY: ("T", "D", "CD"),
    SECONDARY: ("T", "K", "D", "CD"),
}
# Danh hiệu (danh_hieu_hoc_sinh): secondary "Học sinh Xuất sắc" / "Học sinh Giỏi" (TT 22/2021 Điều 15); primary
# "Hoàn thành xuất sắc" / "thành tích vượt trội hay tiến bộ vượt bậc" (TT 27/2020 Điều 15).
TITLES: dict[str, tuple[str, ...]] = {
    PRIMARY: ("HTXS", "TBVT"),
    SECONDARY: ("XS", "G"),
}
CODE_NAMES: dict[str, Any] = {
    "T": gettext_lazy("Tốt"),
    "K": gettext_lazy("Khá"),
    "D": gettext_lazy("Đạt"),
    "CD": gettext_lazy("Chưa đạt"),
    "HTXS": gettext_lazy("Hoàn thành xuất sắc"),
    "HTT": gettext_lazy("Hoàn thành tốt"),
    "HT": gettext_lazy("Hoàn thành"),
    "CHT": gettext_lazy("Chưa hoàn thành"),
}
LEVEL_NAMES: dict[str, Any] = {PRIMARY: gettext_lazy("tiểu học"), SECONDARY: gettext_lazy("trung học")}
CIRCULAR = {PRIMARY: "Thông tư 27/2020/TT-BGDĐT", SECONDARY: "Thông tư 22/2021/TT-BGDĐT"}

# Kết quả cuối năm (ket_qua_cuoi_nam).
PROMOTED = "LL"  # Được lên lớp
COMPLETED = "HTCT"  # Hoàn thành chương trình cấp học
SUMMER_TRAINING = "RLH"  # Rèn luyện trong kỳ nghỉ hè
RETEST = "KTL"  # Kiểm tra lại
REPEAT = "OLL"  # Ở lại lớp
FINAL_GRADES = frozenset({5, 9, 12})  # the last grade of tiểu học, THCS, THPT
MAX_DAYS_ABSENT = 200
MAX_ABSENCES_TO_PASS = 45  # TT 22/2021 Điều 12 khoản 1 điểm c: nghỉ không quá 45 buổi trong năm học

RESULT_FIELDS = (
    "academic",
    "conduct",
    "title",
    "outcome",
    "days_absent_excused",
    "days_absent_unexcused",
    "note",
)
RESULT_CODE_FIELDS = ("academic", "conduct", "title", "outcome")
HEALTH_FIELDS = ("height_cm", "weight_kg", "measured_on", "note")
HEALTH_TERMS = (1, 2)

FIELD_LABELS: dict[str, Any] = {
    "academic": gettext_lazy("Kết quả học tập"),
    "conduct": gettext_lazy("Kết quả rèn luyện"),
    "title": gettext_lazy("Danh hiệu"),
    "outcome": gettext_lazy("Kết quả cuối năm"),
    "days_absent_excused": gettext_lazy("Nghỉ có phép"),
    "days_absent_unexcused": gettext_lazy("Nghỉ không phép"),
    "note": gettext_lazy("Ghi chú"),
    "height_cm": gettext_lazy("Chiều cao"),
    "weight_kg": gettext_lazy("Cân nặng"),
    "measured_on": gettext_lazy("Ngày đo"),
    "student": gettext_lazy("Học sinh"),
    "school_class": gettext_lazy("Lớp"),
    "school_year": gettext_lazy("Năm học"),
    "term": gettext_lazy("Học kỳ"),
}


def level_of(grade: int | None) -> str | None:
    """Primary for grades 1–5, secondary for 6–12; None for a preschool class (no grade)."""
    if grade is None:
        return None
    if 1 <= grade <= 5:
        return PRIMARY
    if 6 <= grade <= 12:
        return SECONDARY
    return None


def term_name(term: int) -> str:
    """ "Học kỳ I", "Học kỳ II", "Cả năm" — as a heading."""
    return str(ResultTerm(term).label) if term in ResultTerm.values else str(term)


TERM_PHRASES: dict[int, Any] = {1: gettext_lazy("học kỳ I"), 2: gettext_lazy("học kỳ II"), 3: gettext_lazy("cả năm")}


def term_phrase(term: int) -> str:
    """ "học kỳ I", "học kỳ II", "cả năm" — inside a sentence."""
    return str(TERM_PHRASES.get(term, term))


def _names(codes: Iterable[str]) -> str:
    return ", ".join(str(CODE_NAMES.get(code, code)) for code in codes)


def _code(item: Any) -> str | None:
    return getattr(item, "code", None) if item is not None else None


def _label(item: Any) -> str:
    return str(getattr(item, "name", "") or "—")


def result_problems(values: Mapping[str, Any], *, grade: int | None, term: int) -> dict[str, str]:
    """The rules of one learning result: ``{field: message naming the field and the fix}``; empty when it passes.

    ``values`` holds the code-list items (``academic``, ``conduct``, ``title``, ``outcome``), the absences and the note.

    - The levels must fit the class: lớp 1–5 are assessed by Thông tư 27/2020 (Hoàn thành xuất sắc / tốt, Hoàn
      thành, Chưa hoàn thành; qualities Tốt / Đạt / Cần cố gắng), lớp 6–12 by Thông tư 22/2021 (Tốt / Khá / Đạt /
      Chưa đạt). "Hoàn thành xuất sắc" is an end-of-year level (TT 27/2020 Điều 9).
    - Titles are awarded on the whole year's results only (TT 22/2021 Điều 15 khoản 1; TT 27/2020 Điều 15):
      "Học sinh Giỏi" needs rèn luyện Tốt and học tập Tốt for the year; "Học sinh Xuất sắc" needs the same and,
      besides, at least 6 subjects with a year average of 9.0 or more — subject marks are not kept here, so only the
      two levels are checked and the rest stays the school's responsibility. Primary: "Hoàn thành xuất sắc" needs
      the year's level Hoàn thành xuất sắc; "thành tích vượt trội / tiến bộ vượt bậc" rewards one subject or one
      competence, so any level may receive it. Secondary titles are refused for primary classes and vice versa.
    - The end-of-year outcome is written on the "Cả năm" row only (also a database constraint), after the year's
      levels. Secondary (TT 22/2021 Điều 12–14): promotion needs rèn luyện and học tập Đạt or better and at most 45
      sessions absent; a retest (kiểm tra lại) is for học tập Chưa đạt, summer training for rèn luyện Chưa đạt, and
      repeating a grade for one of those or more than 45 sessions absent. Primary (TT 27/2020 Điều 11): no retest or
      summer training; promotion needs the programme completed, repeating is for Chưa hoàn thành. "Hoàn thành
      chương trình cấp học" is for the last grade of a level (5, 9, 12), "Được lên lớp" for the others.
    - Sessions absent (buổi nghỉ) are 0–200 each.
    """
    level = level_of(grade)
    if level is None:
        return {
            "": _(
                "Lớp mầm non không ghi kết quả học tập theo học kỳ (chỉ lớp 1–12 được đánh giá theo Thông tư "
                "27/2020 và 22/2021)."
            )
        }
    problems: dict[str, str] = {}
    academic, conduct = values.get("academic"), values.get("conduct")
    a, c, t, o = (_code(values.get(name)) for name in RESULT_CODE_FIELDS)
    context = {"level": LEVEL_NAMES[level], "grade": grade, "circular": CIRCULAR[level], "term": term_phrase(term)}

    if a and a not in ACADEMIC_LEVELS[level]:
        allowed = [code for code in ACADEMIC_LEVELS[level] if code != "HTXS" or term == ResultTerm.YEAR]
        problems["academic"] = _(
            "Lớp %(grade)s là lớp %(level)s: kết quả học tập chỉ nhận các mức %(allowed)s (%(circular)s); "
            "“%(given)s” không dùng cho cấp học này."
        ) % {**context, "allowed": _names(allowed), "given": _label(academic)}
    elif a == "HTXS" and term != ResultTerm.YEAR:
        problems["academic"] = _(
            "Mức Hoàn thành xuất sắc chỉ đánh giá cuối năm học (Thông tư 27/2020/TT-BGDĐT, Điều 9); ở %(term)s hãy "
            "chọn một trong các mức %(allowed)s."
        ) % {**context, "allowed": _names(("HTT", "HT", "CHT"))}
    if c and c not in CONDUCT_LEVELS[level]:
        problems["conduct"] = _(
            "Lớp %(grade)s là lớp %(level)s: kết quả rèn luyện chỉ nhận các mức %(allowed)s (%(circular)s); "
            "“%(given)s” không dùng cho cấp học này."
        ) % {**context, "allowed": _names(CONDUCT_LEVELS[level]), "given": _label(conduct)}

    absent = 0
    for name in ("days_absent_excused", "days_absent_unexcused"):
        days = values.get(name)
        if days is None:
            continue
        if not 0 <= days <= MAX_DAYS_ABSENT:
            problems[name] = _("Số buổi nghỉ phải từ 0 đến %(max)s; đã nhập %(n)s. Hãy nhập lại số buổi.") % {
                "max": MAX_DAYS_ABSENT,
                "n": days,
            }
        else:
            absent += days

    if t:
        problems.update(_title_problem(values, level=level, term=term, codes=(a, c, t), context=context))
    if o:
        if term != ResultTerm.YEAR:
            problems["outcome"] = (
                _("Kết quả cuối năm chỉ ghi ở kết quả “Cả năm”; ở %(term)s hãy để trống ô này.") % context
            )
        elif not a or not c:
            problems["outcome"] = _(
                "Hãy ghi kết quả học tập và kết quả rèn luyện cả năm trước khi ghi kết quả cuối năm."
            )
        elif not {"academic", "conduct"} & set(problems):
            message = _outcome_problem(level=level, grade=grade or 0, codes=(a, c, o), absent=absent, values=values)
            if message:
                problems["outcome"] = message
    return problems


def _title_problem(
    values: Mapping[str, Any], *, level: str, term: int, codes: tuple[str | None, ...], context: dict[str, Any]
) -> dict[str, str]:
    a, c, t = codes
    title = values.get("title")
    if term != ResultTerm.YEAR:
        return {
            "title": _(
                "Danh hiệu chỉ xét theo kết quả cả năm học (Thông tư 22/2021/TT-BGDĐT Điều 15, Thông tư "
                "27/2020/TT-BGDĐT Điều 15); ở %(term)s hãy để trống ô này."
            )
            % context
        }
    if t not in TITLES[level]:
        return {
            "title": _(
                "Danh hiệu “%(given)s” không dành cho lớp %(level)s; lớp %(grade)s chỉ xét các danh hiệu của "
                "%(circular)s."
            )
            % {**context, "given": _label(title)}
        }
    if t in ("XS", "G") and not (a == "T" and c == "T"):
        return {
            "title": _(
                "Danh hiệu “%(title)s” cần kết quả học tập cả năm mức Tốt và kết quả rèn luyện cả năm mức Tốt "
                "(Thông tư 22/2021/TT-BGDĐT, Điều 15); học sinh này có học tập “%(a)s”, rèn luyện “%(c)s”. Hãy "
                "kiểm tra lại hoặc bỏ danh hiệu."
            )
            % {"title": _label(title), "a": _label(values.get("academic")), "c": _label(values.get("conduct"))}
        }
    if t == "HTXS" and a != "HTXS":
        return {
            "title": _(
                "Khen thưởng “Hoàn thành xuất sắc” dành cho học sinh có kết quả giáo dục cả năm mức Hoàn thành xuất "
                "sắc (Thông tư 27/2020/TT-BGDĐT, Điều 15); học sinh này có kết quả học tập “%(a)s”."
            )
            % {"a": _label(values.get("academic"))}
        }
    return {}


def _outcome_problem(
    *, level: str, grade: int, codes: tuple[str, str, str], absent: int, values: Mapping[str, Any]
) -> str:
    a, c, o = codes
    outcome = _label(values.get("outcome"))
    if o == COMPLETED and grade not in FINAL_GRADES:
        return _(
            "“%(o)s” chỉ ghi cho lớp cuối cấp (lớp 5, 9, 12); học sinh lớp %(grade)s đủ điều kiện thì ghi “Được "
            "lên lớp”."
        ) % {"o": outcome, "grade": grade}
    if o == PROMOTED and grade in FINAL_GRADES:
        return _(
            "Lớp %(grade)s là lớp cuối cấp: học sinh đủ điều kiện ghi “Hoàn thành chương trình cấp học”, không ghi "
            "“Được lên lớp”."
        ) % {"grade": grade}
    passing = o in (PROMOTED, COMPLETED)
    if level == PRIMARY:
        if o in (RETEST, SUMMER_TRAINING):
            return _(
                "Tiểu học không có kiểm tra lại hay rèn luyện trong hè (Thông tư 27/2020/TT-BGDĐT, Điều 11): học "
                "sinh chưa hoàn thành được giáo viên giúp đỡ, đánh giá bổ sung rồi xét lên lớp hoặc ở lại lớp."
            )
        if passing and a == "CHT":
            return _(
                "Học sinh có kết quả học tập “Chưa hoàn thành” chưa thể ghi “%(o)s”; hãy đánh giá bổ sung (Thông tư "
                "27/2020/TT-BGDĐT, Điều 11) rồi sửa kết quả học tập, hoặc ghi “Ở lại lớp”."
            ) % {"o": outcome}
        if o == REPEAT and a != "CHT":
            return _(
                "“Ở lại lớp” chỉ ghi cho học sinh chưa hoàn thành chương trình lớp học (kết quả học tập “Chưa hoàn "
                "thành”); hãy kiểm tra lại kết quả học tập hoặc kết quả cuối năm."
            )
        return ""
    reasons = []
    if a == "CD":
        reasons.append(_("kết quả học tập Chưa đạt"))
    if c == "CD":
        reasons.append(_("kết quả rèn luyện Chưa đạt"))
    if absent > MAX_ABSENCES_TO_PASS:
        reasons.append(_("nghỉ %(n)s buổi (quá %(max)s buổi)") % {"n": absent, "max": MAX_ABSENCES_TO_PASS})
    if passing and reasons:
        return _(
            "Học sinh chưa đủ điều kiện “%(o)s” (Thông tư 22/2021/TT-BGDĐT, Điều 12): %(reasons)s. Hãy ghi “Kiểm "
            "tra lại”, “Rèn luyện trong kỳ nghỉ hè” hoặc “Ở lại lớp” tùy trường hợp, hoặc kiểm tra lại các ô khác."
        ) % {"o": outcome, "reasons": "; ".join(str(r) for r in reasons)}
    if o == RETEST and a != "CD":
        return _(
            "“Kiểm tra lại” dành cho học sinh có kết quả học tập cả năm mức Chưa đạt (Thông tư 22/2021/TT-BGDĐT, "
            "Điều 13); học sinh này có học tập “%(a)s”."
        ) % {"a": _label(values.get("academic"))}
    if o == SUMMER_TRAINING and c != "CD":
        return _(
            "“Rèn luyện trong kỳ nghỉ hè” dành cho học sinh có kết quả rèn luyện cả năm mức Chưa đạt (Thông tư "
            "22/2021/TT-BGDĐT, Điều 14); học sinh này có rèn luyện “%(c)s”."
        ) % {"c": _label(values.get("conduct"))}
    if o == REPEAT and not reasons:
        return _(
            "“Ở lại lớp” chỉ ghi khi học sinh có kết quả học tập hoặc rèn luyện Chưa đạt (sau kiểm tra lại, rèn "
            "luyện hè) hoặc nghỉ quá %(max)s buổi (Thông tư 22/2021/TT-BGDĐT, Điều 12); hãy kiểm tra lại."
        ) % {"max": MAX_ABSENCES_TO_PASS}
    return ""


# --- health: measurements, BMI and the nutrition label ---------------------------------------------------------------

MIN_HEIGHT, MAX_HEIGHT = Decimal(40), Decimal(220)  # cm
MIN_WEIGHT, MAX_WEIGHT = Decimal(5), Decimal(150)  # kg
MIN_BMI, MAX_BMI = Decimal(8), Decimal(45)  # beyond these a pair of measurements is a typing mistake
_TENTH = Decimal("0.1")


def tenth(value: Decimal) -> Decimal:
    """A measurement kept to one decimal, rounded half up (120,46 → 120,5)."""
    return value.quantize(_TENTH, rounding=ROUND_HALF_UP)


def show_number(value: Decimal | float) -> str:
    """A number the Vietnamese way: 120,5 (and 120 without a trailing zero)."""
    text = f"{Decimal(str(value)).quantize(_TENTH, rounding=ROUND_HALF_UP):f}"
    return text.removesuffix(".0").replace(".", ",")


def show_date(day: dt.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def bmi_of(height_cm: Decimal | None, weight_kg: Decimal | None) -> Decimal | None:
    """Body-mass index (kg/m²) to one decimal; None unless both measurements are there."""
    if not height_cm or not weight_kg:
        return None
    metres = Decimal(height_cm) / 100
    return tenth(Decimal(weight_kg) / (metres * metres))


def term_dates(year: SchoolYear, term: int) -> tuple[dt.date, dt.date]:
    """First and last day of a term of the school year."""
    second = year.second_term_starts
    if term == 1:
        return year.starts_on, second - dt.timedelta(days=1)
    return second, year.ends_on


def health_problems(
    values: Mapping[str, Any], *, year: SchoolYear, term: int, today: dt.date | None = None
) -> dict[str, str]:
    """The rules of one health record: ``{field: message}``; empty when it passes.

    Height 40–220 cm and weight 5–150 kg; together they must give a BMI between 8 and 45, else one of them was
    mistyped (refused with both values named). The day of measurement is not in the future and falls in the
    record's term of its school year.
    """
    today = today or timezone.localdate()
    problems: dict[str, str] = {}
    height, weight, day = values.get("height_cm"), values.get("weight_kg"), values.get("measured_on")
    if height is not None and not MIN_HEIGHT <= height <= MAX_HEIGHT:
        problems["height_cm"] = _(
            "Chiều cao phải từ %(low)s đến %(high)s cm; đã nhập %(value)s. Hãy nhập chiều cao theo xăng-ti-mét, "
            "ví dụ 132,5."
        ) % {"low": show_number(MIN_HEIGHT), "high": show_number(MAX_HEIGHT), "value": show_number(height)}
    if weight is not None and not MIN_WEIGHT <= weight <= MAX_WEIGHT:
        problems["weight_kg"] = _(
            "Cân nặng phải từ %(low)s đến %(high)s kg; đã nhập %(value)s. Hãy nhập cân nặng theo ki-lô-gam, ví dụ 28,4."
        ) % {"low": show_number(MIN_WEIGHT), "high": show_number(MAX_WEIGHT), "value": show_number(weight)}
    if height is not None and weight is not None and not problems:
        bmi = bmi_of(height, weight)
        if bmi is not None and not MIN_BMI <= bmi <= MAX_BMI:
            problems["weight_kg"] = _(
                "Chiều cao %(height)s cm và cân nặng %(weight)s kg cho chỉ số BMI %(bmi)s, ngoài khoảng hợp lý "
                "%(low)s–%(high)s: một trong hai số đo đã nhập nhầm. Hãy kiểm tra lại cả chiều cao và cân nặng."
            ) % {
                "height": show_number(height),
                "weight": show_number(weight),
                "bmi": show_number(bmi),
                "low": show_number(MIN_BMI),
                "high": show_number(MAX_BMI),
            }
    if day is not None:
        first, last = term_dates(year, term)
        if day > today:
            problems["measured_on"] = _("Ngày đo %(day)s ở tương lai; hãy nhập ngày đã đo (dd/mm/yyyy).") % {
                "day": show_date(day)
            }
        elif not first <= day <= last:
            problems["measured_on"] = _(
                "Ngày đo %(day)s không thuộc %(term)s năm học %(year)s (từ %(first)s đến %(last)s); hãy kiểm tra "
                "lại ngày đo hoặc chọn đúng học kỳ."
            ) % {
                "day": show_date(day),
                "term": term_phrase(term),
                "year": year,
                "first": show_date(first),
                "last": show_date(last),
            }
        elif height is None and weight is None:
            problems["height_cm"] = _("Hãy nhập chiều cao hoặc cân nặng đo ngày %(day)s, hoặc bỏ trống ngày đo.") % {
                "day": show_date(day)
            }
    return problems


class Nutrition(models.TextChoices):
    """Nutritional status from BMI-for-age (WHO), as Vietnamese school health reports name it."""

    THIN = "thin", gettext_lazy("Suy dinh dưỡng thể gầy còm")
    NORMAL = "normal", gettext_lazy("Bình thường")
    OVERWEIGHT = "overweight", gettext_lazy("Thừa cân")
    OBESE = "obese", gettext_lazy("Béo phì")


# BMI-for-age of the WHO, as (age in months, L, M, S) knots per sex (gioi_tinh code "1" boys, "2" girls).
# - 2–5 years: WHO Child Growth Standards 2006 (BMI from standing height), every 6 months from 25 to 60 months.
# - 5–19 years: WHO Growth Reference 2007, every whole year from 60 to 228 months.
# The knots are values of the WHO's published monthly LMS tables; between knots L, M and S are interpolated
# linearly. Against the full monthly tables that moves a z-score by at most 0.012 (2–5 years) and 0.018
# (5–19 years) at the cut-offs — measured when the knots were chosen — which only matters for a child exactly on
# a boundary.
_WHO_2006: dict[str, tuple[tuple[int, float, float, float], ...]] = {
    "1": (
        (25, -0.5840, 15.9800, 0.07792),
        (30, -0.4274, 15.7953, 0.07841),
        (36, -0.3101, 15.5988, 0.07931),
        (42, -0.2919, 15.4420, 0.08061),
        (48, -0.3622, 15.3326, 0.08238),
        (54, -0.5019, 15.2514, 0.08457),
        (60, -0.6892, 15.1916, 0.08700),
    ),
    "2": (
        (25, -0.5684, 15.6590, 0.08452),
        (30, -0.5684, 15.5276, 0.08444),
        (36, -0.5684, 15.3968, 0.08535),
        (42, -0.5684, 15.3116, 0.08813),
        (48, -0.5684, 15.2602, 0.09168),
        (54, -0.5684, 15.2519, 0.09515),
        (60, -0.5684, 15.2747, 0.09789),
    ),
}
_WHO_2007: dict[str, tuple[tuple[int, float, float, float], ...]] = {
    "1": (
        (60, -0.7151, 15.2679, 0.08366),
        (72, -0.9921, 15.3062, 0.08682),
        (84, -1.2460, 15.4832, 0.09068),
        (96, -1.4629, 15.7368, 0.09526),
        (108, -1.6318, 16.0490, 0.10038),
        (120, -1.7407, 16.4433, 0.10566),
        (132, -1.7862, 16.9392, 0.11070),
        (144, -1.7751, 17.5334, 0.11522),
        (156, -1.7168, 18.2330, 0.11898),
        (168, -1.6211, 19.0050, 0.12191),
        (180, -1.4961, 19.7744, 0.12412),
        (192, -1.3529, 20.4951, 0.12579),
        (204, -1.1962, 21.1423, 0.12715),
        (216, -1.0260, 21.7077, 0.12836),
        (228, -0.8419, 22.1883, 0.12948),
    ),
    "2": (
        (60, -0.8702, 15.2453, 0.09646),
        (72, -1.0794, 15.2697, 0.10195),
        (84, -1.2565, 15.4036, 0.10746),
        (96, -1.3880, 15.6810, 0.11291),
        (108, -1.4650, 16.0964, 0.11816),
        (120, -1.4864, 16.6133, 0.12307),
        (132, -1.4606, 17.2459, 0.12748),
        (144, -1.4006, 17.9966, 0.13129),
        (156, -1.3195, 18.8012, 0.13445),
        (168, -1.2266, 19.5647, 0.13700),
        (180, -1.1311, 20.2125, 0.13904),
        (192, -1.0368, 20.7008, 0.14070),
        (204, -0.9423, 21.0367, 0.14208),
        (216, -0.8462, 21.2603, 0.14330),
        (228, -0.7496, 21.4269, 0.14441),
    ),
}
_DAYS_PER_MONTH = 30.4375  # the WHO's conversion of age in days to months
YOUNGEST_MONTHS = 24  # below this WHO assesses lying length (weight-for-length): not labelled here
WHO_2006_UNTIL_MONTHS = 61  # the 2006 standards cover 0–60 months, the 2007 reference 61–228
ADULT_MONTHS = 229  # past 19 years: the WHO's adult cut-offs


@dataclass(frozen=True)
class Assessment:
    """A measurement's BMI, its BMI-for-age z-score and the nutrition label, with the reference used (or why none)."""

    bmi: Decimal | None
    z: float | None
    nutrition: Nutrition | None
    basis: str

    @property
    def label(self) -> str:
        return str(self.nutrition.label) if self.nutrition else ""


def lms(knots: Sequence[tuple[int, float, float, float]], months: float) -> tuple[float, float, float]:
    """L, M, S at ``months``, linear between the knots (clamped to the first and last knot)."""
    if months <= knots[0][0]:
        return knots[0][1:]
    for (a, la, ma, sa), (b, lb, mb, sb) in pairwise(knots):
        if months <= b:
            f = (months - a) / (b - a)
            return la + f * (lb - la), ma + f * (mb - ma), sa + f * (sb - sa)
    return knots[-1][1:]


def lms_z(value: float, l: float, m: float, s: float) -> float:  # noqa: E741 - L, M, S are the method's names
    """The LMS z-score, with the WHO's restricted application beyond ±3 SD (distances measured in the 2–3 SD step)."""
    z = float(((value / m) ** l - 1) / (l * s))
    if -3 <= z <= 3:
        return z

    def at(k: float) -> float:
        return float(m * (1 + l * s * k) ** (1 / l))

    if z > 3:
        return 3 + (value - at(3)) / (at(3) - at(2))
    return -3 + (value - at(-3)) / (at(-2) - at(-3))


def age_in_months(birth: dt.date, day: dt.date) -> float:
    return (day - birth).days / _DAYS_PER_MONTH


def assess(
    height_cm: Decimal | None, weight_kg: Decimal | None, *, birth_date: dt.date | None, sex: str | None, on: dt.date
) -> Assessment:
    """BMI and the nutrition label of one measurement taken on ``on``.

    The label follows the WHO: for 2–5 years BMI-for-age of the 2006 standards (gầy còm below −2 SD, thừa cân above
    +2 SD, béo phì above +3 SD); for 5–19 years the 2007 reference (gầy còm below −2 SD, thừa cân above +1 SD, béo phì
    above +2 SD); past 19 the adult cut-offs (below 18.5, from 25, from 30). Under 2 years (assessed on lying length)
    and when the sex or birth date is unknown, no label is given — never a guess.
    """
    bmi = bmi_of(height_cm, weight_kg)
    if bmi is None:
        return Assessment(None, None, None, "")
    if birth_date is None or sex not in _WHO_2007:
        return Assessment(bmi, None, None, _("Chưa phân loại: thiếu ngày sinh hoặc giới tính."))
    months = age_in_months(birth_date, on)
    value = float(weight_kg) / (float(height_cm) / 100) ** 2  # type: ignore[arg-type]  # unrounded for the z-score
    if months < YOUNGEST_MONTHS:
        return Assessment(
            bmi, None, None, _("Chưa phân loại: trẻ dưới 24 tháng được đánh giá theo cân nặng/chiều dài nằm.")
        )
    if months >= ADULT_MONTHS:
        if value < 18.5:
            label = Nutrition.THIN
        elif value >= 30:
            label = Nutrition.OBESE
        elif value >= 25:
            label = Nutrition.OVERWEIGHT
        else:
            label = Nutrition.NORMAL
        return Assessment(bmi, None, label, _("Ngưỡng BMI người trưởng thành của WHO"))
    if months < WHO_2006_UNTIL_MONTHS:
        z = lms_z(value, *lms(_WHO_2006[sex], months))
        overweight, obese, basis = 2.0, 3.0, _("BMI theo tuổi, chuẩn tăng trưởng WHO 2006")
    else:
        z = lms_z(value, *lms(_WHO_2007[sex], months))
        overweight, obese, basis = 1.0, 2.0, _("BMI theo tuổi, quần thể tham chiếu WHO 2007")
    if z < -2:
        label = Nutrition.THIN
    elif z > obese:
        label = Nutrition.OBESE
    elif z > overweight:
        label = Nutrition.OVERWEIGHT
    else:
        label = Nutrition.NORMAL
    return Assessment(bmi, round(z, 2), label, basis)


def assess_record(record: HealthRecord, *, year: SchoolYear | None = None) -> Assessment:
    """The assessment of a stored record; without a day of measurement, its term's first day stands in for it."""
    student = record.student
    year = year or record.school_year
    day = record.measured_on or term_dates(year, record.term)[0]
    sex = student.gender.code if student.gender_id else None
    return assess(record.height_cm, record.weight_kg, birth_date=student.birth_date, sex=sex, on=day)


# --- who is in a class -------------------------------------------------------------------------------------------


def class_members_queryset(school_class: SchoolClass, user: Any, function: str = Function.VIEW) -> Any:
    """The learners of a class that year, in ``user``'s scope: those placed in it now, and those the records tie to
    it — an event of the learners' journal (enrolled, transferred, promoted into it…) or a result of that year
    recorded with it — so a class of an earlier year, or one a learner has since left, keeps its list."""
    recorded = LearningResult.objects.visible_to(user, function).filter(
        student=OuterRef("pk"), school_class=school_class
    )
    journal = StudentEvent.objects.visible_to(user).filter(student=OuterRef("pk"), school_class=school_class)
    return Student.objects.visible_to(user, function).filter(
        Q(school_class=school_class) | Exists(recorded) | Exists(journal)
    )


def name_order(student: Student) -> tuple[str, str, int]:
    """The order of a Vietnamese class list: by given name (the last word), then the whole name."""
    key = search_key(student.full_name)
    return key.rsplit(" ", 1)[-1], key, student.pk


def class_members(school_class: SchoolClass, user: Any, function: str = Function.VIEW) -> list[Student]:
    """The class list (see :func:`class_members_queryset`) in class-list order, with what the grids show."""
    members = class_members_queryset(school_class, user, function).select_related("gender", "status")
    return sorted(members, key=name_order)


def is_member(student: Student, school_class: SchoolClass, user: Any, function: str = WRITE) -> bool:
    return bool(class_members_queryset(school_class, user, function).filter(pk=student.pk).exists())


def school_years() -> models.QuerySet[SchoolYear]:
    """The school years (reference data, the same for everyone)."""
    return SchoolYear.objects.order_by("-start_year")


def default_term(year: SchoolYear, *, health: bool, today: dt.date | None = None) -> int:
    """The term a grid opens on: the running one in the current year; afterwards the whole year (results) or the
    second term (health)."""
    today = today or timezone.localdate()
    term = year.term_of(today)
    if year.starts_on <= today <= year.ends_on:
        return term
    if today < year.starts_on:
        return 1
    return HEALTH_TERMS[-1] if health else int(ResultTerm.YEAR)


# --- the grids: a whole class for one term, in one transaction ----------------------------------------------------


@dataclass
class GridRow:
    """One submitted row: the student, the version of their record the editor loaded (None: there was none), and
    the values (code-list items, numbers, dates, text)."""

    student_id: int
    version: int | None
    values: dict[str, Any]


@dataclass(frozen=True)
class RowProblem:
    """Why one row (1-based, as numbered on the grid) was refused; ``field`` is "" for the row as a whole."""

    row: int
    student_id: int
    student_name: str
    field: str
    message: str

    def __str__(self) -> str:
        if self.row and self.student_name:
            where = _("Dòng %(row)s (%(name)s)") % {"row": self.row, "name": self.student_name}
        elif self.row:
            where = _("Dòng %(row)s") % {"row": self.row}
        else:
            where = ""
        label = FIELD_LABELS.get(self.field)
        text = f"{label}: {self.message}" if label else self.message
        return f"{where} — {text}" if where else text


class GridRefused(Exception):
    """Nothing was written; ``problems`` says which rows and fields, and why."""

    def __init__(self, problems: list[RowProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


@dataclass
class GridSaved:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    records: list[Record] = field(default_factory=list)


@dataclass(frozen=True)
class _Grid:
    model: type[LearningResult] | type[HealthRecord]
    fields: tuple[str, ...]
    terms: tuple[int, ...]
    check: Callable[[Mapping[str, Any]], dict[str, str]]
    in_class: bool  # the record keeps the class it was written through


def _blank(values: Mapping[str, Any]) -> bool:
    return all(value in (None, "", 0) for value in values.values())


def _current(record: Any, name: str) -> Any:
    concrete = record._meta.get_field(name)
    if concrete.is_relation:
        return getattr(record, concrete.attname)
    return getattr(record, name)


def _wanted(value: Any) -> Any:
    return value.pk if isinstance(value, models.Model) else value


def _same(record: Any, values: Mapping[str, Any]) -> bool:
    return all(_current(record, name) == _wanted(value) for name, value in values.items())


def _normal(values: Mapping[str, Any], fields: Iterable[str]) -> dict[str, Any]:
    """The row's values for ``fields``: absent numbers of absence are 0, absent text is ""."""
    normal: dict[str, Any] = {}
    for name in fields:
        value = values.get(name)
        if name.startswith("days_absent"):
            value = value or 0
        elif name == "note":
            value = value or ""
        normal[name] = value
    return normal


def _stale_message(record: Record) -> str:
    return str(StaleRecord(record))


def _save_grid(grid: _Grid, school_class: SchoolClass, term: int, rows: Sequence[GridRow], by: Any) -> GridSaved:
    year = school_class.school_year
    if term not in grid.terms:
        raise GridRefused([RowProblem(0, 0, "", "term", _("Học kỳ không hợp lệ; hãy chọn lại học kỳ."))])
    if not rows:
        return GridSaved()
    members = {s.pk: s for s in class_members(school_class, by, WRITE)}
    ids = [row.student_id for row in rows if row.student_id in members]
    existing: dict[int, Any] = {
        record.student_id: record
        for record in grid.model.objects.visible_to(by, WRITE).filter(student_id__in=ids, school_year=year, term=term)
    }
    problems: list[RowProblem] = []
    plan: list[tuple[int, Student, Any, dict[str, Any]]] = []
    saved = GridSaved()
    seen: set[int] = set()
    for number, row in enumerate(rows, start=1):
        student = members.get(row.student_id)
        if student is None:
            problems.append(
                RowProblem(
                    number,
                    row.student_id,
                    "",
                    "student",
                    _(
                        "học sinh này không thuộc lớp %(name)s năm học %(year)s, hoặc ngoài phạm vi quản lý của bạn; "
                        "chỉ ghi được cho học sinh của lớp. Hãy tải lại trang."
                    )
                    % {"name": school_class.name, "year": year},
                )
            )
            continue
        if student.pk in seen:
            problems.append(
                RowProblem(number, student.pk, student.full_name, "student", _("học sinh có hai dòng trong bảng."))
            )
            continue
        seen.add(student.pk)
        values = _normal(row.values, grid.fields)
        refused = grid.check(values)
        if refused:
            problems += [RowProblem(number, student.pk, student.full_name, n, m) for n, m in refused.items()]
            continue
        record = existing.get(student.pk)
        if record is None:
            if _blank(values):
                continue
        elif _same(record, values):
            saved.unchanged += 1
            continue
        elif row.version != record.version:
            problems.append(RowProblem(number, student.pk, student.full_name, "", _stale_message(record)))
            continue
        plan.append((number, student, record, values))
    if problems:
        raise GridRefused(problems)
    for number, student, record, values in plan:
        try:
            if record is None:
                extra = {"school_class": school_class} if grid.in_class else {}
                created = grid.model(student=student, school_year=year, term=term, **extra, **values)
                create_record(created, by=by, function=WRITE)
                saved.created += 1
                saved.records.append(created)
            else:
                before = record_snapshot(record)
                for name, value in values.items():
                    setattr(record, name, value)
                if grid.in_class:
                    record.school_class = school_class
                update_record(record, by=by, function=WRITE, expected_version=record.version, before=before)
                saved.updated += 1
                saved.records.append(record)
        except StaleRecord as exc:
            problems.append(RowProblem(number, student.pk, student.full_name, "", str(exc)))
        except IntegrityError:  # someone recorded this student's term a moment ago
            problems.append(
                RowProblem(
                    number,
                    student.pk,
                    student.full_name,
                    "",
                    _("người khác vừa ghi dữ liệu học kỳ này cho học sinh; hãy tải lại trang rồi nhập lại."),
                )
            )
    if problems:
        raise GridRefused(problems)
    return saved


@transaction.atomic
def save_result_grid(*, school_class: SchoolClass, term: int, rows: Sequence[GridRow], by: Any) -> GridSaved:
    """Save the results of a class for one term: all rows, or none (:class:`GridRefused` lists every problem)."""
    grid = _Grid(
        model=LearningResult,
        fields=RESULT_FIELDS,
        terms=tuple(ResultTerm.values),
        check=lambda values: result_problems(values, grade=school_class.grade, term=term),
        in_class=True,
    )
    if level_of(school_class.grade) is None:
        message = result_problems({}, grade=None, term=term)[""]
        raise GridRefused([RowProblem(0, 0, "", "", message)])
    return _save_grid(grid, school_class, term, rows, by)


@transaction.atomic
def save_health_grid(
    *, school_class: SchoolClass, term: int, rows: Sequence[GridRow], by: Any, today: dt.date | None = None
) -> GridSaved:
    """Save the measurements of a class for one term: all rows, or none (:class:`GridRefused` lists the problems)."""
    today = today or timezone.localdate()
    grid = _Grid(
        model=HealthRecord,
        fields=HEALTH_FIELDS,
        terms=HEALTH_TERMS,
        check=lambda values: health_problems(values, year=school_class.school_year, term=term, today=today),
        in_class=False,
    )
    return _save_grid(grid, school_class, term, rows, by)


# --- one record at a time (the API) ------------------------------------------------------------------------------


def result_record_problems(record: LearningResult, *, by: Any) -> dict[str, str]:
    """Check one result as the API would write it: its class, the student in that class, no second record for the
    term, and the rules of :func:`result_problems`."""
    school_class = record.school_class
    if school_class is None:
        return {"school_class": _("Hãy chọn lớp của học sinh trong năm học của kết quả.")}
    student = record.student
    if not is_member(student, school_class, by):
        return {
            "student": _(
                "Học sinh %(student)s không thuộc lớp %(name)s năm học %(year)s; hãy chọn đúng lớp của học sinh."
            )
            % {"student": student.full_name, "name": school_class.name, "year": school_class.school_year}
        }
    if record.term not in ResultTerm.values:
        return {"term": _("Học kỳ phải là 1 (Học kỳ I), 2 (Học kỳ II) hoặc 3 (Cả năm).")}
    twin = (
        LearningResult.objects.visible_to(by)
        .filter(student=student, school_year=school_class.school_year, term=record.term)
        .exclude(pk=record.pk)
        .first()
    )
    if twin is not None:
        return {
            "term": _(
                "Học sinh đã có kết quả %(term)s năm học %(year)s (bản ghi số %(id)s); hãy sửa bản ghi đó thay vì "
                "tạo bản ghi mới."
            )
            % {"term": term_phrase(record.term), "year": school_class.school_year, "id": twin.pk}
        }
    values = {name: getattr(record, name) for name in RESULT_FIELDS}
    return result_problems(_normal(values, RESULT_FIELDS), grade=school_class.grade, term=record.term)


def years_of(student: Student, user: Any) -> set[int]:
    """The school years (ids) in which ``student`` was in a class: the current class's, those of their results and
    those of the journal's events that name a class."""
    years = set(
        LearningResult.objects.visible_to(user, WRITE)
        .filter(student=student, school_class__isnull=False)
        .values_list("school_class__school_year_id", flat=True)
    )
    years |= set(
        StudentEvent.objects.visible_to(user)
        .filter(student=student, school_class__isnull=False)
        .values_list("school_class__school_year_id", flat=True)
    )
    if student.school_class_id:
        years.add(student.school_class.school_year_id)  # type: ignore[union-attr]
    return years


def health_record_problems(record: HealthRecord, *, by: Any, today: dt.date | None = None) -> dict[str, str]:
    """Check one health record as the API would write it: the student in a class that year, one record per term,
    and the rules of :func:`health_problems`."""
    if record.term not in HEALTH_TERMS:
        return {"term": _("Học kỳ phải là 1 (Học kỳ I) hoặc 2 (Học kỳ II).")}
    year = record.school_year
    if year.pk not in years_of(record.student, by):
        return {
            "school_year": _(
                "Học sinh %(student)s không học lớp nào của năm học %(year)s tại trường; hãy chọn đúng năm học."
            )
            % {"student": record.student.full_name, "year": year}
        }
    twin = (
        HealthRecord.objects.visible_to(by)
        .filter(student=record.student, school_year=year, term=record.term)
        .exclude(pk=record.pk)
        .first()
    )
    if twin is not None:
        return {
            "term": _(
                "Học sinh đã có số đo %(term)s năm học %(year)s (bản ghi số %(id)s); hãy sửa bản ghi đó thay vì tạo "
                "bản ghi mới."
            )
            % {"term": term_phrase(record.term), "year": year, "id": twin.pk}
        }
    values = {name: getattr(record, name) for name in HEALTH_FIELDS}
    return health_problems(values, year=year, term=record.term, today=today)


def _write(record: Any, *, by: Any, expected_version: int | None, before: dict[str, Any] | None) -> Any:
    try:
        with transaction.atomic():
            if record.pk is None:
                return create_record(record, by=by, function=WRITE)
            assert expected_version is not None and before is not None  # noqa: S101 - a caller's mistake
            return update_record(record, by=by, function=WRITE, expected_version=expected_version, before=before)
    except IntegrityError as exc:
        raise ValidationError(
            {"term": _("Người khác vừa ghi dữ liệu học kỳ này cho học sinh; hãy tải lại rồi sửa bản ghi đó.")}
        ) from exc


@transaction.atomic
def write_result(
    record: LearningResult, *, by: Any, expected_version: int | None = None, before: dict[str, Any] | None = None
) -> LearningResult:
    """Create (no pk) or update one learning result after the checks; ValidationError names the fields."""
    problems = result_record_problems(record, by=by)
    if problems:
        raise ValidationError(problems)
    assert record.school_class is not None  # noqa: S101 - checked above
    record.school_year = record.school_class.school_year
    for name, value in _normal({n: getattr(record, n) for n in RESULT_FIELDS}, RESULT_FIELDS).items():
        setattr(record, name, value)
    written: LearningResult = _write(record, by=by, expected_version=expected_version, before=before)
    return written


@transaction.atomic
def write_health(
    record: HealthRecord,
    *,
    by: Any,
    expected_version: int | None = None,
    before: dict[str, Any] | None = None,
    today: dt.date | None = None,
) -> HealthRecord:
    """Create (no pk) or update one health record after the checks; ValidationError names the fields."""
    for name in ("height_cm", "weight_kg"):
        value = getattr(record, name)
        if value is not None:
            setattr(record, name, tenth(Decimal(value)))
    problems = health_record_problems(record, by=by, today=today)
    if problems:
        raise ValidationError(problems)
    record.note = record.note or ""
    written: HealthRecord = _write(record, by=by, expected_version=expected_version, before=before)
    return written
