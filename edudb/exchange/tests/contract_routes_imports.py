"""The import pages in the scoping contract (gathered by edudb/core/tests/test_scope_contract.py).

An import is filed under the school it writes to and the database it feeds, so it is seen exactly like that
school's students: anyone else is told "not found" for its page, its buttons and its error report.
"""

from __future__ import annotations

from typing import Any

from edudb.core.tests.contract import Route
from edudb.registry.tests.contract_routes_students import INSTITUTIONS, STUDENTS_VISIBLE


def import_jobs(cast: Any) -> list[tuple[str, Any]]:
    """One checked (failed) student import in every institution of the cast, without a file kept."""
    from edudb.core.scoping import Domain
    from edudb.exchange.models import ImportJob, ImportState

    made = []
    for name in sorted(INSTITUTIONS):
        job, _created = ImportJob.objects.get_or_create(
            unit=cast.units[name],
            file_name=f"hoc-sinh-{name}.xlsx",
            defaults={
                "domain": Domain.STUDENTS,
                "layout": "students",
                "file_sha256": "0" * 64,
                "state": ImportState.FAILED,
                "message": "Tệp kiểm thử.",
            },
        )
        made.append((name, job))
    return made


ROUTES = {
    "exchange:imports": Route("none"),
    "exchange:import_detail": Route("objects", visible=STUDENTS_VISIBLE, objects=import_jobs),
    "exchange:import_report": Route("objects", visible=STUDENTS_VISIBLE, objects=import_jobs),
    "exchange:import_commit": Route("objects", "post", visible=STUDENTS_VISIBLE, objects=import_jobs),
    "exchange:import_recheck": Route("objects", "post", visible=STUDENTS_VISIBLE, objects=import_jobs),
    "exchange:import_discard": Route("objects", "post", visible=STUDENTS_VISIBLE, objects=import_jobs),
}
