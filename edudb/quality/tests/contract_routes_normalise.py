"""The normalisation preview in the scoping contract: it reads no data, so there is nothing to scope."""

from __future__ import annotations

from edudb.core.tests.contract import Route

ROUTES = {"quality:normalise_preview": Route("none")}
