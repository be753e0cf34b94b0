"""The statistics pages in the scoping contract (gathered by edudb/core/tests/test_scope_contract.py).

A unit's statistics are addressed by the unit (``stats/units/<pk>/…``): whoever sees the unit opens its
dashboard, its tables and asks for its live figures to be recomputed; its documents only with "Xuất dữ liệu" (the
unit is fetched for that function, so an account without it finds nothing — 404, as the list exports do). A report
document belongs to the account that asked for it: only that account finds it, and only while it holds "export".
"""

from __future__ import annotations

from typing import Any

from edudb.core.tests.contract import ALL_UNITS, UNITS_VISIBLE, Route
from edudb.exchange.tests.contract_routes_exports import EXPORTERS, JOBS_VISIBLE, OWNERS

DOCUMENTS_VISIBLE: dict[str, set[str]] = {role: UNITS_VISIBLE[role] for role in EXPORTERS}


def documents(cast: Any) -> list[tuple[str, Any]]:
    """One finished report document per unit, owned by the unit's account and named after the unit."""
    from django.core.files.base import ContentFile

    from edudb.stats.models import DocumentState, StatsDocument

    made = []
    for name in sorted(ALL_UNITS):
        unit = cast.units[name]
        job = StatsDocument.objects.filter(unit=unit, account=cast.accounts[OWNERS[name]]).first()
        if job is None:
            job = StatsDocument(
                unit=unit,
                account=cast.accounts[OWNERS[name]],
                query=f"indicator=hoc_sinh&at={unit.pk}",
                file_format="xlsx",
                title=f"Học sinh theo khối lớp và giới tính — {unit.name}",
                state=DocumentState.DONE,
            )
            job.file.save(f"thong-ke-{unit.code}.xlsx", ContentFile(b"PK"), save=False)
            job.save()
        made.append((name, job))
    return made


ROUTES = {
    "stats:dashboard": Route("none"),
    "stats:unit": Route("unit", visible=UNITS_VISIBLE),
    "stats:table": Route("unit", visible=UNITS_VISIBLE, query="?indicator=hoc_sinh&by=units"),
    "stats:document": Route("unit", visible=DOCUMENTS_VISIBLE, query="?indicator=hoc_sinh&format=xlsx"),
    "stats:refresh": Route("unit", "post", visible=UNITS_VISIBLE),
    "stats:document_status": Route("objects", visible=JOBS_VISIBLE, objects=documents),
    "stats:document_file": Route("objects", visible=JOBS_VISIBLE, objects=documents),
}
