"""A school's equipment checklist (danh mục thiết bị, R2.5): the rules and the one-transaction save of the grid.

The checklist of a school for a school year has one line per active item of the ``thiet_bi`` code list. The page
saves the whole grid at once through :func:`save_checklist`: every line is checked first, every line the clerk
changed must still be at the version the page loaded, and then each changed line is written with
``create_record`` / ``update_record`` — all in ONE transaction, so a stale or a bad line refuses the whole save and
nothing is written. The API writes single lines with the same rules (:func:`row_problems`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from edudb.core.models import Category, Unit
from edudb.core.records import StaleRecord, create_record, record_snapshot, update_record
from edudb.core.scoping import Domain, Function, scope_for
from edudb.quality.models import CodeItem, items_of
from edudb.registry.models import EquipmentCheck
from edudb.reporting.models import SchoolYear

ITEM_LIST = "thiet_bi"
# The most of one item a school can need or have: a large library holds tens of thousands of books; anything above
# is a typing mistake (an extra zero, a code pasted into a count).
MAX_QUANTITY = 100_000
QUANTITY_FIELDS = ("required", "available", "usable")


def _label(name: str) -> str:
    labels = {
        "required": _("Số lượng cần"),
        "available": _("Số lượng hiện có"),
        "usable": _("Số lượng dùng được"),
        "meets_standard": _("Đạt yêu cầu"),
        "note": _("Ghi chú"),
    }
    return str(labels[name])


@dataclass
class Row:
    """One line of the grid as the clerk sent it; ``version`` is the version the page loaded (None: a new line)."""

    item: CodeItem
    required: int | None = None
    available: int | None = None
    usable: int | None = None
    meets_standard: bool = False
    note: str = ""
    version: int | None = None

    @property
    def is_blank(self) -> bool:
        return (
            all(getattr(self, name) is None for name in QUANTITY_FIELDS)
            and not self.meets_standard
            and not self.note.strip()
        )


@dataclass
class SaveResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


class ChecklistRefused(Exception):
    """The grid was not saved; ``problems`` lists each bad or stale line, naming its item and field."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class ChecklistLine:
    """One item of the checklist page: the code list item and the school's line for it, if filled."""

    item: CodeItem
    check: EquipmentCheck | None = None
    problems: list[str] = field(default_factory=list)


def facilities_condition(user: Any, function: str = Function.VIEW) -> Q | None:
    """The filter on units whose facilities data ``user`` may reach with ``function``; None means none at all."""
    scope = scope_for(user)
    return scope.unit_q(Domain.FACILITIES) if scope and scope.allows(function) else None


def checklist_schools(user: Any, function: str = Function.VIEW) -> QuerySet[Unit]:
    """The institutions whose facilities data ``user`` may reach with ``function`` (a Sở office only its field's)."""
    condition = facilities_condition(user, function)
    if condition is None:
        return Unit.objects.none()
    return Unit.objects.visible_to(user, function).filter(condition, kind__category=Category.INSTITUTION)


def active_items() -> QuerySet[CodeItem]:
    return items_of(ITEM_LIST).order_by("order", "code")


def row_problems(
    *,
    item: CodeItem | None,
    required: int | None,
    available: int | None,
    usable: int | None,
    meets_standard: bool,
) -> dict[str, str]:
    """Every problem of one checklist line, as {field: a Vietnamese message naming the line's item, the field and
    the fix}."""
    name = item.name if item is not None else ""
    problems: dict[str, str] = {}

    def say(field_name: str, message: str) -> None:
        problems[field_name] = _("«%(item)s» — %(field)s: %(message)s") % {
            "item": name,
            "field": _label(field_name),
            "message": message,
        }

    for field_name, value in (("required", required), ("available", available), ("usable", usable)):
        if value is not None and not 0 <= value <= MAX_QUANTITY:
            say(
                field_name,
                _("%(value)s nằm ngoài khoảng 0–%(max)s. Hãy ghi đúng số lượng (kiểm tra số 0 thừa).")
                % {"value": value, "max": f"{MAX_QUANTITY:,}".replace(",", ".")},
            )
    if available is None:
        say("available", _("hãy ghi số lượng hiện có (0 nếu chưa có)."))
    if problems or available is None:
        return problems
    if usable is not None and usable > available:
        say(
            "usable",
            _(
                "%(usable)s lớn hơn số lượng hiện có (%(available)s). Số dùng được không thể vượt số hiện có; hãy sửa lại."
            )
            % {"usable": usable, "available": available},
        )
        return problems
    working = available if usable is None else usable
    if meets_standard and working == 0:
        say(
            "meets_standard",
            _("chưa có thiết bị nào dùng được thì chưa đạt yêu cầu. Hãy bỏ đánh dấu, hoặc ghi số lượng hiện có."),
        )
    elif meets_standard and required is not None and working < required:
        say(
            "meets_standard",
            _(
                "chỉ có %(working)s dùng được trong khi cần %(required)s. Hãy bỏ đánh dấu «Đạt yêu cầu», hoặc sửa số "
                "lượng cần / dùng được."
            )
            % {"working": working, "required": required},
        )
    return problems


def _stale_message(item: CodeItem, current: EquipmentCheck | None) -> str:
    if current is None:
        return _(
            "«%(item)s»: dòng này đã bị xóa sau khi bạn mở trang. Hãy tải lại trang rồi nhập lại thay đổi của bạn."
        ) % {"item": item.name}
    who = current.updated_by.full_name if current.updated_by else _("người khác")
    return _(
        "«%(item)s»: dòng này đã được %(who)s sửa lúc %(when)s, sau khi bạn mở trang. Không có gì được lưu: hãy tải "
        "lại trang để xem số liệu mới nhất rồi nhập lại thay đổi của bạn."
    ) % {"item": item.name, "who": who, "when": current.updated_at.strftime("%H:%M %d/%m/%Y")}


def _apply(check: EquipmentCheck, row: Row) -> None:
    check.required = row.required
    check.available = row.available or 0
    check.usable = (row.available or 0) if row.usable is None else row.usable
    check.meets_standard = row.meets_standard
    check.note = row.note.strip()


@transaction.atomic
def save_checklist(*, unit: Unit, school_year: SchoolYear, rows: list[Row], by: Any) -> SaveResult:
    """Save the grid of ``unit``'s checklist for ``school_year`` in one transaction: every line or none.

    A line left blank that the school never filled stays unfilled; a blank "dùng được" means all of those present
    work. Raises :class:`ChecklistRefused` (nothing written) listing every bad or stale line.
    """
    if not checklist_schools(by, Function.ENTER_FACILITIES).filter(pk=unit.pk).exists():
        raise PermissionDenied(_("Trường này nằm ngoài phạm vi bạn được nhập dữ liệu cơ sở vật chất."))
    existing = {
        check.item_id: check
        for check in EquipmentCheck.objects.visible_to(by, Function.ENTER_FACILITIES)
        .filter(unit=unit, school_year=school_year)
        .select_related("updated_by")
    }
    problems: list[str] = []
    work: list[tuple[Row, EquipmentCheck | None]] = []
    for row in rows:
        current = existing.get(row.item.pk)
        if current is None and row.is_blank:
            if row.version is not None:
                problems.append(_stale_message(row.item, None))
            continue
        problems.extend(
            row_problems(
                item=row.item,
                required=row.required,
                available=row.available,
                usable=row.usable,
                meets_standard=row.meets_standard,
            ).values()
        )
        if current is not None and row.version != current.version:
            problems.append(_stale_message(row.item, current))
        elif current is None and row.version is not None:
            problems.append(_stale_message(row.item, None))
        work.append((row, current))
    if problems:
        raise ChecklistRefused(problems)

    result = SaveResult()
    try:
        for row, current in work:
            if current is None:
                check = EquipmentCheck(unit=unit, school_year=school_year, item=row.item)
                _apply(check, row)
                with transaction.atomic():
                    create_record(check, by=by, function=Function.ENTER_FACILITIES)
                result.created += 1
                continue
            before = record_snapshot(current)
            _apply(current, row)
            if record_snapshot(current) == before:
                result.unchanged += 1
                continue
            update_record(
                current, by=by, function=Function.ENTER_FACILITIES, expected_version=current.version, before=before
            )
            result.updated += 1
    except StaleRecord as exc:  # saved by someone else between our check and our write
        raise ChecklistRefused([str(exc)]) from exc
    except IntegrityError as exc:  # a line of the same item added by someone else a moment ago
        raise ChecklistRefused(
            [_("Một dòng của danh mục vừa được người khác thêm. Không có gì được lưu: hãy tải lại trang rồi lưu lại.")]
        ) from exc
    return result


def checklist_lines(user: Any, unit: Unit, school_year: SchoolYear) -> list[ChecklistLine]:
    """Every active item of the code list with the school's line for it (None where not yet filled)."""
    checks = {
        check.item_id: check
        for check in EquipmentCheck.objects.visible_to(user)
        .filter(unit=unit, school_year=school_year)
        .select_related("updated_by")
    }
    return [ChecklistLine(item=item, check=checks.get(item.pk)) for item in active_items()]


def summary(lines: list[ChecklistLine]) -> dict[str, int]:
    """How many items the checklist has, how many the school filled, and how many meet the standard."""
    filled = [line.check for line in lines if line.check is not None]
    return {
        "items": len(lines),
        "filled": len(filled),
        "met": sum(1 for check in filled if check.meets_standard),
        "short": sum(1 for check in filled if check.required is not None and check.usable < check.required),
    }
