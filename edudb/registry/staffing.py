"""The rules of the staff database (R2.3) in one place, shared by the staff pages and the API.

Both doors tidy and check a staff record with the same functions here, and create it through
:func:`create_staff`, which claims the Ministry staff code and inserts the record in one transaction, so a code
is never burnt by a refused write and never given twice (R3.5).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from edudb.core.records import Record, create_record, update_record
from edudb.core.scoping import Function
from edudb.quality.models import CodeItem
from edudb.quality.text import person_name
from edudb.registry import services
from edudb.registry.models import CodeKind, StaffMember
from edudb.registry.services import claim_code

# Code list values the rules refer to (edudb/quality/codelists_data.py).
TEACHER = "2"  # loai_can_bo: Giáo viên
WORKING = "01"  # trang_thai_can_bo: Đang làm việc

MIN_AGE_ON_JOINING = 18
MAX_AGE_ON_JOINING = 70
OLDEST = 100  # no one on the staff list was born more than this many years ago

DUPLICATE_PERSONAL_ID = gettext_lazy(
    "Số định danh cá nhân này đã có trong một hồ sơ cán bộ khác. Hãy kiểm tra lại từng chữ số trên CCCD; nếu đúng "
    "là cùng một người, hãy liên hệ đơn vị quản lý để chuyển hồ sơ thay vì tạo hồ sơ mới."
)


def years_after(day: dt.date, years: int) -> dt.date | None:
    """The same day ``years`` later (29 February → 28 February); None past the calendar's end."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        try:
            return day.replace(year=day.year + years, day=28)
        except ValueError:
            return None


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def clean_full_name(value: str) -> str:
    """A person's name stored one way (NFC, single spaces, each word capitalised); it must have letters."""
    name = person_name(value)
    if not any(ch.isalpha() for ch in name):
        raise ValidationError(_("Họ và tên phải có chữ cái; hãy nhập đầy đủ họ, đệm và tên."), code="name")
    return name


def show_date(day: dt.date) -> str:
    """dd/mm/yyyy, whatever the year (strftime drops the zeros of years before 1000)."""
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def clean_staff_code(raw: object) -> str | None:
    """A staff code as typed or pasted, made canonical and refused if ever issued (claimed at write time)."""
    if raw is None or str(raw).strip() == "":
        return None
    return services.clean_new_code(CodeKind.STAFF, raw)


def clean_personal_id(raw: object, *, instance: StaffMember | None = None) -> str | None:
    """Twelve digits, valid, and on no other staff record — refused without saying whose it is."""
    value = services.clean_personal_id(
        StaffMember, raw, exclude_pk=instance.pk if instance else None, taken_message=str(DUPLICATE_PERSONAL_ID)
    )
    return value or None


def check_staff(data: dict[str, Any], *, today: dt.date | None = None) -> dict[str, str]:
    """Cross-field checks of one staff record: {field: Vietnamese message naming the field and the fix}."""
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    birth, joined = data.get("birth_date"), data.get("joined_on")
    if birth and birth > today:
        errors["birth_date"] = _("Ngày sinh không thể ở tương lai; hãy nhập ngày sinh theo dạng dd/mm/yyyy.")
    elif birth and age_on(birth, today) > OLDEST:
        errors["birth_date"] = _("Ngày sinh %(day)s cho thấy hơn %(n)s tuổi; hãy kiểm tra lại năm sinh.") % {
            "day": show_date(birth),
            "n": OLDEST,
        }
    if joined and joined > today:
        errors["joined_on"] = _("Ngày vào ngành không thể ở tương lai; hãy nhập ngày đã bắt đầu công tác.")
    if birth and "birth_date" not in errors and "joined_on" not in errors:
        adult = years_after(birth, MIN_AGE_ON_JOINING)
        if joined and adult and joined < adult:
            errors["joined_on"] = _(
                "Ngày vào ngành phải từ khi đủ %(n)s tuổi, tức từ ngày %(day)s trở đi; hãy kiểm tra ngày vào ngành "
                "hoặc ngày sinh."
            ) % {"n": MIN_AGE_ON_JOINING, "day": show_date(adult)}
        elif joined and age_on(birth, joined) > MAX_AGE_ON_JOINING:
            errors["joined_on"] = _(
                "Ngày vào ngành cho thấy người này đã hơn %(n)s tuổi khi vào ngành; hãy kiểm tra ngày vào ngành "
                "hoặc năm sinh."
            ) % {"n": MAX_AGE_ON_JOINING}
        elif not joined and adult and adult > today:
            errors["birth_date"] = _(
                "Cán bộ, giáo viên, nhân viên phải đủ %(n)s tuổi; ngày sinh %(day)s cho thấy chưa đủ. Hãy kiểm tra "
                "năm sinh."
            ) % {"n": MIN_AGE_ON_JOINING, "day": show_date(birth)}
    staff_type: CodeItem | None = data.get("staff_type")
    if staff_type is not None and staff_type.code == TEACHER and not (data.get("subjects") or "").strip():
        errors["subjects"] = _("Giáo viên cần có môn dạy; hãy ghi các môn, ví dụ “Toán, Tin học”.")
    return errors


def _duplicate_error() -> ValidationError:
    return ValidationError({"personal_id": [DUPLICATE_PERSONAL_ID]})


@transaction.atomic
def create_staff(record: StaffMember, *, by: Any) -> StaffMember:
    """Insert a new staff record, claiming its Ministry code (if any) in the same transaction."""
    if record.ministry_code:
        claim_code(CodeKind.STAFF, record.ministry_code)
    try:
        with transaction.atomic():
            create_record(record, by=by, function=Function.ENTER_STAFF)
    except IntegrityError as exc:  # two people saving the same personal ID at once
        raise _duplicate_error() from exc
    return record


def update_staff(record: StaffMember, *, by: Any, expected_version: int, before: dict[str, Any]) -> Record:
    """Save an edited staff record (versioned, audited); a clash on the personal ID is a field error."""
    try:
        with transaction.atomic():
            return update_record(
                record, by=by, function=Function.ENTER_STAFF, expected_version=expected_version, before=before
            )
    except IntegrityError as exc:
        raise _duplicate_error() from exc
