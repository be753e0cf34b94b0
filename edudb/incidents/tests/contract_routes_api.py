"""The incidents' API routes in the scoping contract (gathered by edudb/core/tests/test_scope_contract.py).

An incident is seen by the unit that reported it, the managers above and the Sở (domain: units), so the table is
``UNITS_VISIBLE``.
"""

from __future__ import annotations

from edudb.core.tests.contract import UNITS_VISIBLE, Route
from edudb.incidents.tests.contract_routes import incidents

ROUTES = {
    "api:incident-list": Route("none", api=True),
    "api:incident-detail": Route("objects", api=True, visible=UNITS_VISIBLE, objects=incidents),
}
