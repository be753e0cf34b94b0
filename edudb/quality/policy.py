"""Who may change the quality reference data: the code lists, the required fields, the rules and thresholds."""

from __future__ import annotations

from typing import Any

from edudb.core.models import Category
from edudb.core.scoping import Function, scope_for


def maintains_reference_data(user: Any) -> bool:
    """The Sở itself (not its offices, not the units below) maintains code lists and quality rules (R6.1–R6.3)."""
    scope = scope_for(user)
    return scope is not None and scope.unit.kind.category == Category.DEPARTMENT and scope.allows(Function.ENTER_UNITS)
