"""The code lists' routes in the scoping contract (gathered by edudb/core/tests/test_scope_contract.py).

Code lists are reference data the Sở keeps: every account reads every list (no unit scope), and only the Sở itself
(``policy.maintains_reference_data``: the Sở's own accounts holding "enter units" — in the cast, its admin) may add,
edit or delete values. The contract files a list and its values under the Sở ("so"); the tables say who reaches
them, so the contract proves that everyone else — a Sở office, a commune, a school admin — gets "not found" from
the editing pages and that a refused delete leaves no trace.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from edudb.core.tests.contract import UNITS_VISIBLE, Route

# Every role reads every list.
READERS: dict[str, set[str]] = {role: {"so"} for role in UNITS_VISIBLE}
# Only the Sở's own admin maintains them (offices oversee, they do not keep the reference data).
MAINTAINERS: dict[str, set[str]] = {"so_admin": {"so"}}


@dataclass(frozen=True)
class ListRef:
    """A code list as its routes address it: by its code (the URL argument named pk)."""

    pk: str


def code_lists(cast: Any) -> list[tuple[str, Any]]:
    return [("so", ListRef("dan_toc")), ("so", ListRef("trang_thai_hoc_sinh"))]


def downloads(cast: Any) -> list[tuple[str, Any]]:
    """One list's workbook and the workbook of every list."""
    return [("so", ListRef("dan_toc")), ("so", ListRef("all"))]


def code_items(cast: Any) -> list[tuple[str, Any]]:
    """A value of a list, unused by any record of the cast."""
    from edudb.quality.models import CodeItem, CodeList

    code_list = CodeList.objects.get(code="dan_toc")
    item, _created = CodeItem.objects.get_or_create(
        code_list=code_list, code="HOPDONG_TEST", defaults={"name": "Giá trị kiểm thử hợp đồng", "order": 999}
    )
    return [("so", item)]


ROUTES = {
    "quality:codelist_list": Route("none"),
    "quality:codelist_detail": Route("objects", visible=READERS, objects=code_lists),
    "quality:codelist_xlsx": Route("objects", visible=READERS, objects=downloads),
    "quality:codelist_item_add": Route("objects", visible=MAINTAINERS, objects=code_lists),
    "quality:codelist_item_edit": Route("objects", visible=MAINTAINERS, objects=code_items),
    "quality:codelist_item_delete": Route("objects", "post", visible=MAINTAINERS, objects=code_items),
    "api:code-list-list": Route("none", api=True),
    "api:code-list-detail": Route("objects", api=True, visible=READERS, objects=code_lists),
}
