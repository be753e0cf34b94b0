"""Code lists (danh mục) in use: the forgiving matcher, the Sở's maintenance services and the Excel sheets (R6.1).

Matching: every spelling that means an item — its official code, its name, its other spellings (aliases) — is
folded once with :func:`edudb.quality.text.search_key` into a dictionary, so "Kinh", "kinh", "KINH", "01", "1",
"1.0" and "Kinh " all find the same item with one dictionary lookup. :class:`CodeMatcher` holds one list (one
query to build), :class:`CodeMatchers` loads each list once for a whole import.

Maintenance: the Sở (``policy.maintains_reference_data``) adds and edits items; a change that would make two items
answer to the same spelling is refused, the code of an item some record uses never changes and such an item is
never deleted (only deactivated). Every change is one transaction with its audit entry.

Reference data has no unit scope; the ``unscoped_…`` helpers here are the views' way to read it.
"""

from __future__ import annotations

import difflib
import hashlib
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any, NamedTuple

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from edudb.core import audit
from edudb.quality.models import CodeItem, CodeList
from edudb.quality.policy import maintains_reference_data
from edudb.quality.text import clean_text, search_key

# --- the matcher ---------------------------------------------------------------------------------------------------

_EXCEL_NUMBER = re.compile(r"^([0-9]+)(?:\.0+)?$")  # "1", "01", "1.0" (Excel's float) — ASCII digits only
_NOT_ALNUM = re.compile(r"[\W_]+")
_CACHE_LIMIT = 50_000  # distinct raw values remembered per list (an import repeats a few values a million times)
_SHOWN_VALUE = 60  # characters of an unknown value quoted back in a message


class Outcome(NamedTuple):
    """What a value means in a list: the item, or why there is none."""

    item: CodeItem | None
    status: str  # "ok", "blank", "unknown", "inactive", "ambiguous"
    candidates: tuple[CodeItem, ...] = ()


_BLANK = Outcome(None, "blank")
_UNKNOWN = Outcome(None, "unknown")


def compact_key(key: str) -> str:
    """A folded key without spaces, hyphens and punctuation: 'gia-rai', 'gia rai' and 'giarai' compare equal."""
    return _NOT_ALNUM.sub("", key)


def _number_key(code: str) -> str | None:
    """A numeric code without its leading zeros ('01' → '1'), as Excel turns it into a number; None if not digits."""
    found = _EXCEL_NUMBER.match(code)
    return str(int(found.group(1))) if found else None


def _as_text(value: object) -> str:
    """A cell or JSON value as text: 1.0 (an Excel float) → '1', None → ''."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def spellings(item: CodeItem) -> list[str]:
    """An item's name and its other spellings, as written (not its code)."""
    return [text for text in (item.name, *item.aliases.split("|")) if text.strip()]


class _Index:
    """Folded spelling → items, for the active items or for the inactive ones."""

    def __init__(self, items: Iterable[CodeItem]) -> None:
        self.exact_code: dict[str, CodeItem] = {}
        self.code: dict[str, list[CodeItem]] = {}
        self.number: dict[str, list[CodeItem]] = {}
        self.name: dict[str, list[CodeItem]] = {}
        self.compact: dict[str, list[CodeItem]] = {}
        for item in items:
            self.exact_code[item.code] = item
            _add(self.code, search_key(item.code), item)
            number = _number_key(item.code)
            if number is not None:
                _add(self.number, number, item)
            for spelling in spellings(item):
                key = search_key(spelling)
                _add(self.name, key, item)
                _add(self.compact, compact_key(key), item)

    def find(self, text: str, key: str) -> Outcome | None:
        """The exact code first; then every item the folded spelling means — a code in any case (codes are plain
        ASCII, so 'Mỹ' is a name, never the code 'MY'), a number without its leading zeros, a name or another
        spelling: one item is a match, two are ambiguous. Last, the spelling without spaces and punctuation."""
        item = self.exact_code.get(text)
        if item is not None:
            return Outcome(item, "ok")
        found: list[CodeItem] = []
        if text.isascii():
            found += self.code.get(key, ())
            number = _number_key(text)
            if number is not None:
                found += self.number.get(number, ())
        found += self.name.get(key, ())
        if not found and key:
            found += self.compact.get(compact_key(key), ())
        unique = list(dict.fromkeys(found))
        if not unique:
            return None
        return Outcome(unique[0], "ok") if len(unique) == 1 else Outcome(None, "ambiguous", tuple(unique))


def _add(index: dict[str, list[CodeItem]], key: str, item: CodeItem) -> None:
    if not key:
        return
    items = index.setdefault(key, [])
    if item not in items:
        items.append(item)


class CodeMatcher:
    """One code list, matched forgivingly. Built from all its items (inactive ones only explain a refusal)."""

    def __init__(self, list_code: str, items: Iterable[CodeItem], *, list_name: str = "") -> None:
        rows = list(items)
        self.list_code = list_code
        self.list_name = list_name or next((i.code_list.name for i in rows if _list_loaded(i)), "") or list_code
        self.items = [item for item in rows if item.is_active]
        self._active = _Index(self.items)
        self._inactive = _Index(item for item in rows if not item.is_active)
        self._cache: dict[object, Outcome] = {}
        self._suggest_keys: dict[str, CodeItem] | None = None

    @classmethod
    def load(cls, list_code: str) -> CodeMatcher:
        """Every item of the list (active or not) in one query."""
        rows = unscoped_all_items_of(list_code).select_related("code_list")
        return cls(list_code, rows)

    # -- matching ----------------------------------------------------------------------------------------------

    def match(self, value: object) -> CodeItem | None:
        """The active item ``value`` means, or None (unknown, blank, ambiguous, or an item no longer in use)."""
        return self.resolve(value).item

    def resolve(self, value: object) -> Outcome:
        """The item ``value`` means, or why there is none. Repeated values are answered from a cache."""
        if isinstance(value, bool):  # True == 1 as a dictionary key: never let it reach the cache
            return _UNKNOWN
        try:
            return self._cache[value]
        except KeyError:
            pass
        except TypeError:  # an unhashable value (a list from JSON): never a code
            return _UNKNOWN
        outcome = self._resolve(value)
        if len(self._cache) < _CACHE_LIMIT:
            self._cache[value] = outcome
        return outcome

    def _resolve(self, value: object) -> Outcome:
        if value is None:
            return _BLANK
        if not isinstance(value, (str, int, float)):
            return _UNKNOWN
        text = _as_text(value)
        if not text:
            return _BLANK
        key = search_key(text)
        found = self._active.find(text, key)
        if found is not None:
            return found
        retired = self._inactive.find(text, key)
        if retired is not None:
            candidates = (retired.item,) if retired.item is not None else retired.candidates
            return Outcome(None, "inactive", candidates)
        return _UNKNOWN

    # -- explaining --------------------------------------------------------------------------------------------

    def suggestions(self, value: object, limit: int = 3) -> list[CodeItem]:
        """The active items whose spellings are closest to ``value`` (for 'did you mean …?')."""
        key = search_key(_as_text(value))
        if not key or len(key) > 100:
            return []
        if self._suggest_keys is None:
            self._suggest_keys = {}
            for item in self.items:
                for spelling in item.keys():
                    self._suggest_keys.setdefault(spelling, item)
        close = difflib.get_close_matches(key, list(self._suggest_keys), n=limit * 3, cutoff=0.6)
        found: list[CodeItem] = []
        for spelling in close:
            item = self._suggest_keys[spelling]
            if item not in found:
                found.append(item)
        return found[:limit]

    def explain(self, value: object, label: str | None = None) -> str:
        """The Vietnamese message for a value that does not match: the field, the value, the closest items and
        where the list is. Empty for a value that matches."""
        outcome = self.resolve(value)
        if outcome.status == "ok":
            return ""
        label = label or self.list_name
        where = _("Xem danh mục tại %(url)s.") % {"url": self.url()}
        shown = _as_text(value)
        if len(shown) > _SHOWN_VALUE:
            shown = shown[:_SHOWN_VALUE] + "…"
        if outcome.status == "blank":
            return _("Hãy nhập %(label)s: mã hoặc tên trong danh mục. %(where)s") % {"label": label, "where": where}
        if outcome.status == "ambiguous":
            return _("%(label)s “%(value)s” có thể là %(choices)s; hãy ghi mã để chọn đúng một giá trị. %(where)s") % {
                "label": label,
                "value": shown,
                "choices": _or_list(outcome.candidates),
                "where": where,
            }
        if outcome.status == "inactive":
            return _(
                "%(label)s “%(value)s” là %(items)s, giá trị đã ngừng dùng trong danh mục; hãy chọn một giá trị "
                "đang dùng. %(where)s"
            ) % {"label": label, "value": shown, "items": _or_list(outcome.candidates), "where": where}
        close = self.suggestions(value)
        if close:
            return _("%(label)s “%(value)s” không có trong danh mục; có phải %(choices)s? %(where)s") % {
                "label": label,
                "value": shown,
                "choices": _or_list(close),
                "where": where,
            }
        return _(
            "%(label)s “%(value)s” không có trong danh mục; hãy ghi mã hoặc tên đúng như trong danh mục "
            "“%(list)s”. %(where)s"
        ) % {"label": label, "value": shown, "list": self.list_name, "where": where}

    def url(self) -> str:
        """The address of the list's page, for messages read outside the system (an import's error file)."""
        path = reverse("quality:codelist_detail", kwargs={"pk": self.list_code})
        return f"{settings.EDUDB_SYSTEM_ADDRESS.rstrip('/')}{path}"


def _list_loaded(item: CodeItem) -> bool:
    return CodeItem.code_list.is_cached(item)


def describe(item: CodeItem) -> str:
    """'“Kinh” (mã 01)'."""
    return _("“%(name)s” (mã %(code)s)") % {"name": item.name, "code": item.code}


def _or_list(items: Sequence[CodeItem]) -> str:
    described = [describe(item) for item in items]
    if len(described) <= 1:
        return "".join(described)
    return _("%(first)s hay %(last)s") % {"first": ", ".join(described[:-1]), "last": described[-1]}


class CodeMatchers:
    """A per-import cache: each list is loaded (one query) the first time it is asked for."""

    def __init__(self) -> None:
        self._loaded: dict[str, CodeMatcher] = {}

    def __getitem__(self, list_code: str) -> CodeMatcher:
        matcher = self._loaded.get(list_code)
        if matcher is None:
            matcher = self._loaded[list_code] = CodeMatcher.load(list_code)
        return matcher

    def match(self, list_code: str, value: object) -> CodeItem | None:
        return self[list_code].match(value)

    def explain(self, list_code: str, value: object, label: str | None = None) -> str:
        return self[list_code].explain(value, label)


# --- reading reference data (no unit scope: every signed-in account reads code lists) -------------------------------


@dataclass
class ListRow:
    """One code list as the list page and the API show it."""

    code: str
    name: str
    description: str
    item_count: int


def unscoped_all_items_of(list_code: str) -> models.QuerySet[CodeItem]:
    """Every item of a list, inactive ones too (reference data, no unit scope)."""
    return CodeItem.objects.filter(code_list__code=list_code)


def unscoped_code_lists(q: str = "") -> list[ListRow]:
    """Every code list with its number of active items, narrowed by a folded search on code, name and basis."""
    rows = [
        ListRow(code_list.code, code_list.name, code_list.description, code_list.item_count)
        for code_list in CodeList.objects.annotate(item_count=Count("items", filter=Q(items__is_active=True))).order_by(
            "name", "code"
        )
    ]
    key = search_key(q)
    if not key:
        return rows
    return [row for row in rows if key in search_key(f"{row.code} {row.name} {row.description}")]


def unscoped_code_list(code: str) -> CodeList | None:
    """One code list by its code (reference data, no unit scope)."""
    return CodeList.objects.filter(code=code).first()


def unscoped_code_list_with_items(code: str) -> tuple[CodeList, list[CodeItem]] | None:
    """A code list and its active items, by code, in one query (None if no such list)."""
    code_list = (
        CodeList.objects.filter(code=code)
        .prefetch_related(models.Prefetch("items", CodeItem.objects.filter(is_active=True), to_attr="active_items"))
        .first()
    )
    if code_list is None:
        return None
    return code_list, list(code_list.active_items)


def unscoped_lists_with_active_items() -> list[tuple[CodeList, list[CodeItem]]]:
    """Every code list that has active items, with them (two queries), for the workbook of all lists."""
    lists = CodeList.objects.order_by("name", "code").prefetch_related(
        models.Prefetch("items", CodeItem.objects.filter(is_active=True), to_attr="active_items")
    )
    return [(code_list, list(code_list.active_items)) for code_list in lists if code_list.active_items]


def unscoped_item(pk: int) -> CodeItem | None:
    """One item with its list (reference data, no unit scope)."""
    return CodeItem.objects.select_related("code_list").filter(pk=pk).first()


def search_items(items: Iterable[CodeItem], q: str) -> list[CodeItem]:
    """Items whose code, name or another spelling contains the folded ``q``."""
    key = search_key(q)
    if not key:
        return list(items)
    return [item for item in items if any(key in spelling for spelling in item.keys())]


def unscoped_items_of_list(code_list: CodeList, *, q: str = "", with_usage: bool = False) -> list[CodeItem]:
    """Every item of a list (active first in the list's order), searched in Python over all spellings; with
    ``with_usage`` each carries ``used`` (some record points at it) — one query either way."""
    items = CodeItem.objects.filter(code_list=code_list).order_by("-is_active", "order", "code")
    if with_usage:
        items = items.annotate(used=_used_expression(code_list.code))
    found = search_items(items, q)
    for item in found:
        setattr(item, "aliases_list", [alias for alias in item.aliases.split("|") if alias.strip()])  # noqa: B010
    return found


# --- usage: which records point at an item --------------------------------------------------------------------------


def _relations_of(list_code: str) -> list[tuple[type[models.Model], str]]:
    """(model, field name) of every relation that may point at an item of this list: foreign keys and many-to-many
    fields limited to the list, and any relation without a limit (it may hold an item of any list)."""
    found: list[tuple[type[models.Model], str]] = []
    for relation in CodeItem._meta.get_fields(include_hidden=True):
        if not (relation.is_relation and relation.auto_created) or relation.related_model is None:
            continue
        field = relation.field  # type: ignore[union-attr]
        model = relation.related_model
        if model._meta.auto_created:  # a many-to-many table: its field on the owning model is listed too
            continue
        limit = field.remote_field.limit_choices_to
        if isinstance(limit, dict) and limit.get("code_list__code") not in (None, list_code):
            continue
        found.append((model, field.name))
    return found


def _used_expression(list_code: str) -> Any:
    """True when a record points at the item (one EXISTS probe per relation, on the relation's index)."""
    probes = [
        Q(Exists(model._base_manager.filter(**{name: OuterRef("pk")}))) for model, name in _relations_of(list_code)
    ]
    if not probes:
        return models.Value(False, output_field=BooleanField())
    return ExpressionWrapper(reduce(or_, probes), output_field=BooleanField())


def is_used(item: CodeItem) -> bool:
    """Whether any record points at this item."""
    return any(
        model._base_manager.filter(**{name: item.pk}).exists() for model, name in _relations_of(item.code_list.code)
    )


# --- maintenance (the Sở only) ---------------------------------------------------------------------------------------

CODE_FORMAT = re.compile(r"^[A-Za-z0-9_]{1,20}$")
AUDITED_FIELDS = ("code", "name", "aliases", "order", "is_active")


def split_aliases(raw: str | Iterable[str]) -> list[str]:
    """Other spellings from a textarea (one a line) or 'a|b', cleaned, without repeats (compared folded)."""
    parts = re.split(r"[|\n]", raw) if isinstance(raw, str) else list(raw)
    seen: set[str] = set()
    aliases = []
    for part in parts:
        text = clean_text(part)
        key = search_key(text)
        if text and key not in seen:
            seen.add(key)
            aliases.append(text)
    return aliases


def item_fingerprint(item: CodeItem) -> str:
    """A short digest of an item's values: an edit sent from a page loaded before someone else's save is refused."""
    values = "\x1f".join(str(getattr(item, name)) for name in AUDITED_FIELDS)
    return hashlib.sha256(values.encode()).hexdigest()[:16]


def check_item(
    code_list: CodeList, *, code: str, name: str, aliases: Sequence[str], is_active: bool, instance: CodeItem | None
) -> dict[str, str]:
    """The refusals for an item about to be saved, by field: a bad or duplicate code, and any spelling that
    already means another active item of the list (matching would no longer know which one is meant)."""
    errors: dict[str, str] = {}
    others = [item for item in unscoped_all_items_of(code_list.code) if instance is None or item.pk != instance.pk]
    if not CODE_FORMAT.match(code):
        errors["code"] = _(
            "Mã chỉ gồm chữ cái không dấu, chữ số và dấu gạch dưới, tối đa 20 ký tự (ví dụ 55 hoặc PBM_TIN); "
            "hãy sửa lại mã."
        )
    else:
        same = next((item for item in others if search_key(item.code) == search_key(code)), None)
        number = _number_key(code)
        twin = next((item for item in others if number is not None and _number_key(item.code) == number), None)
        if same is not None:
            state = "" if same.is_active else _(", đang ngừng dùng — hãy bật lại giá trị đó thay vì thêm mới")
            errors["code"] = _("Mã “%(code)s” đã có trong danh mục: %(item)s%(state)s; hãy chọn mã khác.") % {
                "code": code,
                "item": describe(same),
                "state": state,
            }
        elif twin is not None:
            errors["code"] = _(
                "Mã “%(code)s” trùng với mã %(item)s khi bỏ các số 0 ở đầu (Excel thường làm mất số 0, nên "
                "hai mã sẽ không phân biệt được); hãy chọn mã khác."
            ) % {"code": code, "item": describe(twin)}
    if not name:
        errors["name"] = _("Hãy nhập tên giá trị.")
    if not is_active:
        return errors
    active = [item for item in others if item.is_active]
    taken: dict[str, CodeItem] = {}  # folded names and other spellings of the other active items
    plain: dict[str, CodeItem] = {}  # the same, only those written in plain ASCII (they could be read as a code)
    codes = {search_key(item.code): item for item in active}
    for item in active:
        for spelling in spellings(item):
            taken.setdefault(search_key(spelling), item)
            if spelling.isascii():
                plain.setdefault(search_key(spelling), item)
    code_owner = plain.get(search_key(code))
    if "code" not in errors and code_owner is not None:
        errors["code"] = _(
            "Mã “%(code)s” trùng với tên hoặc cách viết khác của %(item)s; khi nhập liệu hai giá trị sẽ lẫn nhau. "
            "Hãy chọn mã khác."
        ) % {"code": code, "item": describe(code_owner)}
    if name:
        owner = taken.get(search_key(name)) or (codes.get(search_key(name)) if name.isascii() else None)
        if owner is not None:
            errors["name"] = _(
                "Tên “%(name)s” trùng với %(item)s khi so không dấu, không phân biệt hoa thường; hai giá trị sẽ "
                "không phân biệt được khi nhập liệu. Hãy đặt tên khác hoặc sửa giá trị kia."
            ) % {"name": name, "item": describe(owner)}
    for alias in aliases:
        owner = taken.get(search_key(alias)) or (codes.get(search_key(alias)) if alias.isascii() else None)
        if owner is not None:
            errors["aliases"] = _(
                "Cách viết khác “%(alias)s” đã dùng cho %(item)s; nếu thêm, hệ thống sẽ không biết “%(alias)s” là "
                "giá trị nào. Hãy bỏ cách viết này."
            ) % {"alias": alias, "item": describe(owner)}
            break
    return errors


def _require_maintainer(by: Any) -> None:
    if not maintains_reference_data(by):
        raise PermissionDenied(_("Chỉ Sở Giáo dục và Đào tạo được sửa danh mục dùng chung."))


def _lock_list(code_list: CodeList) -> CodeList:
    """Serialise changes to one list, so two editors cannot add the same spelling at once."""
    return CodeList.objects.select_for_update().get(pk=code_list.pk)


def _joined(aliases: Sequence[str], name: str) -> str:
    name_key = search_key(name)
    joined = "|".join(alias for alias in aliases if search_key(alias) != name_key)
    if len(joined) > CodeItem._meta.get_field("aliases").max_length:  # type: ignore[operator]
        raise ValidationError({"aliases": _("Các cách viết khác dài quá 500 ký tự; hãy bớt những cách viết ít gặp.")})
    return joined


@transaction.atomic
def add_item(
    code_list: CodeList,
    *,
    by: Any,
    code: str,
    name: str,
    aliases: str | Iterable[str] = (),
    order: int | None = None,
    is_active: bool = True,
) -> CodeItem:
    """Add a value to a list (the Sở only). Refused, with the field and the fix, when the code or a spelling is
    taken; audited as ``codelists.item_add``."""
    _require_maintainer(by)
    code_list = _lock_list(code_list)
    code, name, spellings = clean_text(code), clean_text(name), split_aliases(aliases)
    errors = check_item(code_list, code=code, name=name, aliases=spellings, is_active=is_active, instance=None)
    if errors:
        raise ValidationError(errors)
    if order is None:
        order = (CodeItem.objects.filter(code_list=code_list).aggregate(m=models.Max("order"))["m"] or 0) + 1
    item = CodeItem(
        code_list=code_list,
        code=code,
        name=name,
        aliases=_joined(spellings, name),
        order=order,
        is_active=is_active,
    )
    item.save()
    after = audit.snapshot(item, AUDITED_FIELDS)
    audit.record(
        "codelists.item_add",
        by=by,
        obj=item,
        unit=getattr(by, "unit", None),
        changes={field: [None, value] for field, value in after.items()},
        extra={"list": code_list.code},
    )
    return item


@transaction.atomic
def edit_item(
    item: CodeItem,
    *,
    by: Any,
    code: str,
    name: str,
    aliases: str | Iterable[str],
    order: int,
    is_active: bool,
    expected: str | None = None,
) -> CodeItem:
    """Change a value (the Sở only): its name, other spellings, order, in use or not; its code only while no
    record uses it. ``expected`` is the fingerprint the editor loaded: a change saved since then is not
    overwritten. Audited as ``codelists.item_edit`` with the changed fields."""
    _require_maintainer(by)
    code_list = _lock_list(item.code_list)
    current = CodeItem.objects.get(pk=item.pk)
    if expected is not None and expected != item_fingerprint(current):
        raise ValidationError(
            _("Giá trị này vừa được người khác sửa sau khi bạn mở trang; hãy tải lại trang rồi sửa lại.")
        )
    code, name, spellings = clean_text(code), clean_text(name), split_aliases(aliases)
    if code != current.code and is_used(current):
        raise ValidationError(
            {
                "code": _(
                    "Mã “%(code)s” đã được dùng trong hồ sơ nên không đổi được (hồ sơ và tệp Excel đã xuất đều "
                    "ghi mã này). Hãy giữ mã cũ; nếu cần mã mới, thêm giá trị mới rồi cho giá trị này ngừng dùng."
                )
                % {"code": current.code}
            }
        )
    errors = check_item(code_list, code=code, name=name, aliases=spellings, is_active=is_active, instance=current)
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(current, AUDITED_FIELDS)
    current.code, current.name, current.order, current.is_active = code, name, order, is_active
    current.aliases = _joined(spellings, name)
    current.save()
    changes = audit.diff(before, audit.snapshot(current, AUDITED_FIELDS))
    if changes:
        audit.record(
            "codelists.item_edit",
            by=by,
            obj=current,
            unit=getattr(by, "unit", None),
            changes=changes,
            extra={"list": code_list.code},
        )
    return current


@transaction.atomic
def delete_item(item: CodeItem, *, by: Any) -> None:
    """Delete a value no record uses (the Sở only); a used value can only be deactivated. Audited as
    ``codelists.item_delete``."""
    _require_maintainer(by)
    code_list = _lock_list(item.code_list)
    current = CodeItem.objects.get(pk=item.pk)
    if is_used(current):
        raise ValidationError(
            _(
                "%(item)s đang được dùng trong hồ sơ nên không xóa được; hãy sửa giá trị và bỏ chọn “Đang dùng” "
                "để nó không còn được chọn khi nhập liệu."
            )
            % {"item": describe(current)}
        )
    audit.record(
        "codelists.item_delete",
        by=by,
        obj=current,
        unit=getattr(by, "unit", None),
        changes={field: [value, None] for field, value in audit.snapshot(current, AUDITED_FIELDS).items()},
        extra={"list": code_list.code},
    )
    current.delete()


# --- Excel sheets ---------------------------------------------------------------------------------------------------

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class SheetRange:
    """Where a list's values sit in a workbook, as absolute references for dropdowns (data validation)."""

    sheet: str
    first_row: int  # 0-based, the first value under the header
    last_row: int  # 0-based, inclusive; first_row - 1 when the list is empty
    codes: str  # e.g. "'Dân tộc'!$A$2:$A$55"
    names: str  # e.g. "'Dân tộc'!$B$2:$B$55"


def sheet_name_for(name: str, used: set[str]) -> str:
    """A valid, unique sheet name (≤ 31 characters, none of []:*?/\\, not 'History'); ``used`` is updated."""
    base = clean_text(_SHEET_FORBIDDEN.sub(" ", name)).strip("' ") or "Danh mục"
    candidate = base[:31].rstrip()
    number = 1
    while candidate.casefold() in used or candidate.casefold() == "history":
        number += 1
        suffix = f" ({number})"
        candidate = base[: 31 - len(suffix)].rstrip() + suffix
    used.add(candidate.casefold())
    return candidate


def _width(texts: Iterable[str], minimum: int, maximum: int = 60) -> int:
    return max(minimum, min(maximum, max((len(text) for text in texts), default=0) + 2))


def write_code_list_sheet(
    workbook: Any, code_list: CodeList, items: Sequence[CodeItem], *, sheet_name: str
) -> SheetRange:
    """Write one list as a sheet: a bold header (Mã, Tên, Cách viết khác), codes as text so '01' keeps its zero,
    widths set, the header frozen, an autofilter. Returns where the codes and names are, for dropdown sources.

    Every cell is written with ``write_string``: a name such as '=1+1' stays text (no formula injection)."""
    from xlsxwriter.utility import quote_sheetname, xl_rowcol_to_cell

    sheet = workbook.add_worksheet(sheet_name)
    header = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    text = workbook.add_format({"num_format": "@"})
    titles = [_("Mã"), _("Tên"), _("Cách viết khác")]
    for column, title in enumerate(titles):
        sheet.write_string(0, column, title, header)
    for row, item in enumerate(items, start=1):
        sheet.write_string(row, 0, item.code, text)
        sheet.write_string(row, 1, item.name, text)
        sheet.write_string(row, 2, ", ".join(a for a in item.aliases.split("|") if a.strip()), text)
    sheet.set_column(0, 0, _width((item.code for item in items), 8), text)
    sheet.set_column(1, 1, _width((item.name for item in items), 24), text)
    sheet.set_column(2, 2, _width((item.aliases for item in items), 20), text)
    sheet.freeze_panes(1, 0)
    last = len(items)
    sheet.autofilter(0, 0, max(last, 1), len(titles) - 1)
    quoted = quote_sheetname(sheet_name)
    end = max(last, 1)  # an empty list still gives a (blank) one-cell range

    def cells(col: int) -> str:
        return f"{quoted}!{xl_rowcol_to_cell(1, col, True, True)}:{xl_rowcol_to_cell(end, col, True, True)}"

    return SheetRange(sheet=sheet_name, first_row=1, last_row=last, codes=cells(0), names=cells(1))


def workbook_bytes(lists: Sequence[tuple[CodeList, Sequence[CodeItem]]], *, contents: bool) -> bytes:
    """An .xlsx file of the given lists, one sheet each; with ``contents`` a first sheet 'Mục lục' lists them."""
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    workbook.set_properties({"title": _("Danh mục dùng chung"), "company": _("Sở Giáo dục và Đào tạo Hải Phòng")})
    used: set[str] = set()
    index = None
    if contents:
        index = workbook.add_worksheet(sheet_name_for(_("Mục lục"), used))
    names = [sheet_name_for(code_list.name, used) for code_list, _items in lists]
    for (code_list, items), name in zip(lists, names, strict=True):
        write_code_list_sheet(workbook, code_list, items, sheet_name=name)
    if index is not None:
        bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        link = workbook.add_format({"font_color": "blue", "underline": 1})
        titles = [_("Mã danh mục"), _("Tên danh mục"), _("Số giá trị"), _("Trang tính"), _("Mô tả, căn cứ")]
        for column, title in enumerate(titles):
            index.write_string(0, column, title, bold)
        for row, ((code_list, items), name) in enumerate(zip(lists, names, strict=True), start=1):
            index.write_string(row, 0, code_list.code)
            index.write_string(row, 1, code_list.name)
            index.write_number(row, 2, len(items))
            index.write_url(row, 3, f"internal:{_quoted(name)}!A1", link, string=name)
            index.write_string(row, 4, code_list.description)
        index.set_column(0, 0, _width((c.code for c, _i in lists), 14))
        index.set_column(1, 1, _width((c.name for c, _i in lists), 20))
        index.set_column(2, 2, 10)
        index.set_column(3, 3, _width(names, 14))
        index.set_column(4, 4, 80)
        index.freeze_panes(1, 0)
        index.autofilter(0, 0, max(len(lists), 1), len(titles) - 1)
        index.activate()
    workbook.close()
    return buffer.getvalue()


def _quoted(sheet_name: str) -> str:
    from xlsxwriter.utility import quote_sheetname

    return str(quote_sheetname(sheet_name))
