"""Operations on the component databases that are more than an edit: codes (R3) and personal IDs.

Enrolment, transfer, drop-out and return, staff moves and the school-year rollover will join them here.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from edudb.core import audit
from edudb.core.scoping import Function, get_scoped_or_404
from edudb.quality.codes import repair_code, repair_personal_id, validate_digits, validate_personal_id
from edudb.registry.models import CodeKind, IssuedCode, StaffMember, Student

MINISTRY_CODE_LENGTH: dict[str, int] = {CodeKind.STUDENT: 10}


def code_kind_of(record: Any) -> str:
    return CodeKind.STUDENT if isinstance(record, Student) else CodeKind.STAFF


def clean_ministry_code(kind: str, raw: object) -> str:
    """Repair what Excel did to a code and check its format; raises a Vietnamese ValidationError."""
    if kind == CodeKind.STUDENT:
        code = repair_code(raw, length=MINISTRY_CODE_LENGTH[kind])
        validate_digits(code, length=10, label=_("Mã định danh học sinh"))
        return code
    code = repair_code(raw).upper()
    if not code or len(code) > 20 or not (code.isascii() and code.isalnum()):
        raise ValidationError(
            _("Mã cán bộ gồm chữ và số (chữ cái không dấu), không quá 20 ký tự (đang là “%(code)s”).") % {"code": code},
            code="code_format",
        )
    return code


def _reused(code: str) -> ValidationError:
    return ValidationError(
        _("Mã “%(code)s” đã từng được cấp cho một hồ sơ khác và không thể dùng lại.") % {"code": code},
        code="code_reused",
    )


def unscoped_code_ever_issued(kind: str, code: str) -> bool:
    """Whether a code was ever given, in the register or on a record (codes are city-wide; only yes/no leaves)."""
    holder: Any = Student if kind in (CodeKind.STUDENT, CodeKind.STUDENT_TEMPORARY) else StaffMember
    field = "temporary_code" if kind == CodeKind.STUDENT_TEMPORARY else "ministry_code"
    return IssuedCode.objects.filter(kind=kind, code=code).exists() or holder.objects.filter(**{field: code}).exists()


def clean_new_code(kind: str, raw: object) -> str:
    """A Ministry code typed for a new record: repaired, well formed, never given before (it is claimed at write)."""
    code = clean_ministry_code(kind, raw)
    if unscoped_code_ever_issued(kind, code):
        raise _reused(code)
    return code


def unscoped_personal_id_taken(model: type[StaffMember] | type[Student], value: str, exclude_pk: int | None) -> bool:
    """Whether another record of ``model`` holds this personal ID, anywhere in the city; only yes/no leaves."""
    others = model.objects.filter(personal_id=value)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    return others.exists()


def clean_personal_id(
    model: type[StaffMember] | type[Student], raw: object, *, exclude_pk: int | None, taken_message: str
) -> str:
    """A personal ID repaired and validated, held by no other record of ``model``; '' when none was given.

    The refusal never says whose record holds it (``taken_message``)."""
    if raw is None or str(raw).strip() == "":
        return ""
    value = repair_personal_id(raw)
    validate_personal_id(value)
    if unscoped_personal_id_taken(model, value, exclude_pk):
        raise ValidationError(taken_message, code="personal_id_taken")
    return value


def claim_code(kind: str, code: str) -> None:
    """Record that ``code`` is given out, refusing one ever given before (codes are never reused, R3.5)."""
    try:
        with transaction.atomic():
            IssuedCode.objects.create(kind=kind, code=code)
    except IntegrityError as exc:
        raise _reused(code) from exc


def next_temporary_code(prefix: str = "TMP") -> str:
    """A fresh temporary student code, e.g. TMP-00001234, for an enrolment whose Ministry code is not known yet."""
    last = (
        IssuedCode.objects.filter(kind=CodeKind.STUDENT_TEMPORARY, code__startswith=f"{prefix}-")
        .order_by("-code")
        .values_list("code", flat=True)
        .first()
    )
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}-{number:08d}"


@transaction.atomic
def set_ministry_code(record: StaffMember | Student, *, by: Any, code: object) -> None:
    """Give a record its Ministry code once; afterwards it never changes. A temporary code is kept in history."""
    manager: Any = type(record)._default_manager
    if not manager.visible_to(by, record.write_function).filter(pk=record.pk).exists():
        raise PermissionDenied(_("Bản ghi nằm ngoài phạm vi quản lý của bạn."))
    kind = code_kind_of(record)
    if record.ministry_code:
        raise ValidationError(
            _("Hồ sơ đã có mã %(code)s; mã định danh không thay đổi được.") % {"code": record.ministry_code},
            code="code_immutable",
        )
    clean = clean_new_code(kind, code)
    claim_code(kind, clean)
    type(record).objects.filter(pk=record.pk).update(ministry_code=clean)
    previous = getattr(record, "temporary_code", None)
    record.ministry_code = clean
    audit.record(
        f"{record._meta.model_name}.ministry_code",
        by=by,
        obj=record,
        changes={"ministry_code": [None, clean]},
        extra={"temporary_code": previous} if previous else {},
    )


def reveal_personal_id(model: type[StaffMember] | type[Student], *, by: Any, pk: int) -> str:
    """The full personal ID of one record, for an account granted that function; every reveal is audited."""
    record = get_scoped_or_404(model, by, Function.REVEAL_PERSONAL_ID, pk=pk)
    audit.record(f"{record._meta.model_name}.reveal_personal_id", by=by, obj=record)
    return record.personal_id or ""
