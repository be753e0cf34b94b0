"""The feedback API's routes in the scoping contract (config/api.py registers them).

The list is the handler's (function ``review``), ``mine`` the filer's own: both take no object. One item is
reached by the accounts that handle it (the pages' table).
"""

from __future__ import annotations

from edudb.core.tests.contract import Route
from edudb.feedback.tests.contract_routes import FEEDBACK_VISIBLE, feedback_items

ROUTES: dict[str, Route] = {
    "api:feedback-list": Route("none", api=True),
    "api:feedback-mine": Route("none", api=True),
    "api:feedback-detail": Route("objects", api=True, visible=FEEDBACK_VISIBLE, objects=feedback_items),
}
