"""The statistics API's routes in the scoping contract (gathered by edudb/core/tests/test_scope_contract.py).

The routes are collections: each answers the figures of the caller's scope (and the catalogue, the same for every
account), so the contract opens them as list routes — at the account's own unit (no ``at``), the tables with every
unit a row of its own (``by=units``) — and checks that no unit out of the role's scope is named. Before it does,
``figures`` gives every unit of the cast a learner (institutions), a staff member and a class, and computes the live
figures, so a leak would show.

A figure is data of its unit in its component database: a role sees the figures of a unit exactly where it sees
that unit's records of that database (``FIGURES_VISIBLE``, the databases' own tables). The ``at`` parameter picks a
unit like an object lookup: a unit of ``UNITS_VISIBLE`` is answered, any other is "not found" (404). The contract
addresses objects through the URL's path only, so that table is walked — every role × every unit — in
``test_api.py`` (``test_at_is_an_object_lookup_answering_404_out_of_scope``), and each role's totals are checked
against ``FIGURES_VISIBLE`` there (``test_each_role_counts_exactly_the_records_of_its_scope``).
"""

from __future__ import annotations

from typing import Any

from edudb.core.tests.contract import UNITS_VISIBLE, Route
from edudb.registry.tests.contract_routes_classes import CLASSES_VISIBLE
from edudb.registry.tests.contract_routes_staff import STAFF_VISIBLE
from edudb.registry.tests.contract_routes_students import STUDENTS_VISIBLE

# Whose figures each role sees, per component database (the same tables as the records behind them).
FIGURES_VISIBLE: dict[str, dict[str, set[str]]] = {
    "students": STUDENTS_VISIBLE,
    "staff": STAFF_VISIBLE,
    "classes": CLASSES_VISIBLE,
}
# Which units a role may name in ``at`` (domain: units): the others answer 404.
AT_VISIBLE: dict[str, set[str]] = UNITS_VISIBLE


def figures(cast: Any) -> list[tuple[str, Any]]:
    """A learner in every institution, a staff member in every unit and a class in every institution of the cast,
    and the live figures computed from them (idempotent: the records are made once)."""
    from edudb.registry.tests.contract_routes_classes import school_classes
    from edudb.registry.tests.contract_routes_staff import staff_members
    from edudb.registry.tests.contract_routes_students import students
    from edudb.stats.compute import unscoped_refresh_live

    made = students(cast) + staff_members(cast) + school_classes(cast)
    unscoped_refresh_live()
    return made


ROUTES = {
    "api:stats-indicators": Route("none", api=True),
    # Every unit a row of its own (by=units): a unit out of scope would be named.
    "api:stats-table": Route("none", api=True, objects=figures, query="?by=units"),
    "api:stats-ratios": Route("none", api=True, objects=figures, query="?by=units"),
    "api:stats-key-figures": Route("none", api=True, objects=figures),
}
