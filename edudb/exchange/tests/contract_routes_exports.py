"""The list exports' routes in the scoping contract (gathered by edudb/core/tests/test_scope_contract.py).

An export is addressed by the list it exports (the URL argument named pk: "students", "staff", …): whoever holds
"Xuất dữ liệu" opens every list's export — the rows are then the list page's own, scoped as the page is — and
everyone else is told "not found". The contract files the lists under the Sở (like the code lists). A background
export file belongs to the account that asked for it: only that account finds it, and only while it still holds
the export function (the Tổ chức cán bộ office's user does not, so its own file is not found either).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from edudb.core.tests.contract import ALL_UNITS, Route

# Who holds "export" in the cast: every admin account, and the Tiểu học office's user.
EXPORTERS = {"so_admin", "office_th_user", "commune_a_admin", "commune_b_admin", "thpt_admin"} | {
    f"school_{s}_admin" for s in ("a1", "a2", "b1", "b2")
}
LISTS_VISIBLE: dict[str, set[str]] = {role: {"so"} for role in EXPORTERS}

# The account that owns each unit's export file: the unit's admin, or for the offices their user account.
OWNERS = {name: f"{name}_admin" for name in ALL_UNITS - {"office_th", "office_tccb"}} | {
    "office_th": "office_th_user",
    "office_tccb": "office_tccb_user",
}
# Only the owner reaches a file, and only holding "export" (office_tccb_user does not).
JOBS_VISIBLE: dict[str, set[str]] = {owner: {unit} for unit, owner in OWNERS.items() if owner in EXPORTERS}


@dataclass(frozen=True)
class ListRef:
    """A list as the export route addresses it: by its source name (the URL argument named pk)."""

    pk: str


def export_lists(cast: Any) -> list[tuple[str, Any]]:
    """Every list of the export registry."""
    from edudb.exchange.exports import specs

    return [("so", ListRef(source)) for source in sorted(specs())]


def export_jobs(cast: Any) -> list[tuple[str, Any]]:
    """One background export per unit, not yet finished, owned by the unit's account and named after the unit (so
    the jobs page would show the name of another unit if it listed another account's file)."""
    from edudb.exchange.models import ExportJob

    made = []
    for name in sorted(ALL_UNITS):
        unit = cast.units[name]
        owner = cast.accounts[OWNERS[name]]
        job, _created = ExportJob.objects.get_or_create(
            unit=unit,
            account=owner,
            source="staff",
            defaults={"domain": "staff", "file_format": "xlsx", "title": f"Danh sách cán bộ — Đơn vị: {unit.name}"},
        )
        made.append((name, job))
    return made


ROUTES = {
    "exchange:export": Route("objects", visible=LISTS_VISIBLE, objects=export_lists),
    "exchange:exports": Route("none"),
    "exchange:export_download": Route("objects", visible=JOBS_VISIBLE, objects=export_jobs),
}
