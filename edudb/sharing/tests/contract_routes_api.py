"""The sharing API's routes in the scoping contract: read-only, scoped like the pages (see contract_routes.py)."""

from __future__ import annotations

from edudb.core.tests.contract import UNITS_VISIBLE, Route
from edudb.sharing.tests.contract_routes import requests

ROUTES: dict[str, Route] = {
    "api:sharing-request-list": Route("none", api=True),
    "api:sharing-request-detail": Route("objects", api=True, visible=UNITS_VISIBLE, objects=requests),
}
