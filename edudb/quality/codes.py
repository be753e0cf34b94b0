"""Identifier codes (R3): repairing what Excel and copy-paste do to them, and validating their format."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_FLOAT_TAIL = re.compile(r"^(\d+)\.0+$")
_DIGITS = re.compile(r"^[0-9]+$")  # ASCII only: \d would accept other scripts' digits


def repair_code(value: object, *, length: int | None = None) -> str:
    """A code as text: '3100012345.0' → '3100012345', 123 → '0000000123' when ``length`` says 10, spaces removed.

    Excel stores codes typed into general cells as numbers, dropping leading zeros and adding '.0'; the repair is
    only applied to values made of digits, so letters are never invented or lost.
    """
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    else:
        text = str(value).strip().replace(" ", "").replace("\u00a0", "")
    match = _FLOAT_TAIL.match(text)
    if match:
        text = match.group(1)
    if length and _DIGITS.match(text) and len(text) < length:
        text = text.zfill(length)
    return text


def validate_digits(value: str, *, length: int, label: str) -> None:
    """Raise a Vietnamese error unless ``value`` is exactly ``length`` digits."""
    if not _DIGITS.match(value or "") or len(value) != length:
        raise ValidationError(
            _("%(label)s phải gồm đúng %(length)s chữ số 0–9 (đang là “%(value)s”).")
            % {"label": label, "length": length, "value": value},
            code="code_format",
        )


def validate_school_code(value: str) -> None:
    """A Ministry school code: 8 digits, the first two a province code."""
    validate_digits(value, length=8, label=_("Mã trường"))


def validate_personal_id(value: str) -> None:
    """A personal identification number (số định danh cá nhân / CCCD): 12 digits, a province code first."""
    validate_digits(value, length=12, label=_("Số định danh cá nhân"))
    if value[:3] == "000":
        raise ValidationError(_("Số định danh cá nhân bắt đầu bằng mã tỉnh nơi đăng ký khai sinh, không phải 000."))


def repair_personal_id(raw: object) -> str:
    """A personal ID as pasted: spaces and Excel's '.0' removed, and the leading zeros of the province code
    (001–096) put back when Excel dropped them (10 or 11 digits left)."""
    value = repair_code(raw)
    if _DIGITS.match(value) and 10 <= len(value) < 12:
        value = value.zfill(12)
    return value


def mask_personal_id(value: str) -> str:
    """Show only the last three digits: '031204001234' → '•••••••••234'."""
    return f"{'•' * (len(value) - 3)}{value[-3:]}" if value and len(value) > 3 else value
