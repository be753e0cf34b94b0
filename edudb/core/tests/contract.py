"""Shared pieces of the scoping contract: who sees what in the test cast, and how a route is exercised.

Each app lists its routes in ``<app>/tests/contract_routes.py`` (a ``ROUTES`` dict of :class:`Route`); the
contract test gathers them all and fails on any resolver route that no app lists.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

ALL_UNITS = {
    "so",
    "office_th",
    "office_tccb",
    "commune_a",
    "commune_b",
    "thpt",
    "school_a1",
    "school_a2",
    "school_b1",
    "school_b2",
}
A_TREE = {"commune_a", "school_a1", "school_a2"}
B_TREE = {"commune_b", "school_b1", "school_b2"}

# Which units' data each role sees with the "view" function (domain: units).
UNITS_VISIBLE: dict[str, set[str]] = {
    "so_admin": ALL_UNITS,
    # Tiểu học office: the units that have the primary level (the Sở has every level), and itself.
    "office_th_user": {"office_th", "so", "commune_a", "commune_b", "school_a1", "school_b1"},
    # Tổ chức cán bộ: the Sở and what sits directly under it, managers excepted.
    "office_tccb_user": {"so", "office_th", "office_tccb", "thpt"},
    "commune_a_admin": A_TREE,
    "commune_a_user": A_TREE,
    "commune_b_admin": B_TREE,
    "thpt_admin": {"thpt"},
    "thpt_user": {"thpt"},
    **{f"school_{s}_{k}": {f"school_{s}"} for s in ("a1", "a2", "b1", "b2") for k in ("admin", "user")},
}
# Whose accounts each role may manage (function: manage accounts).
ACCOUNTS_VISIBLE: dict[str, set[str]] = {
    "so_admin": ALL_UNITS,
    "commune_a_admin": A_TREE,
    "commune_a_user": A_TREE,
    "commune_b_admin": B_TREE,
    "thpt_admin": {"thpt"},
    **{f"school_{s}_admin": {f"school_{s}"} for s in ("a1", "a2", "b1", "b2")},
}
# Whose audit entries each role may read (function: view audit).
AUDIT_VISIBLE: dict[str, set[str]] = {
    "so_admin": ALL_UNITS,
    "commune_a_admin": A_TREE,
    "commune_a_user": A_TREE,
    "commune_b_admin": B_TREE,
    "thpt_admin": {"thpt"},
    **{f"school_{s}_admin": {f"school_{s}"} for s in ("a1", "a2", "b1", "b2")},
}


@dataclass(frozen=True)
class Route:
    """How the contract exercises one named route."""

    target: str  # "none" (no object), "public", "unit", "account", "audit", or "objects" (see below)
    method: str = "get"
    api: bool = False
    visible: dict[str, set[str]] | None = None
    data: dict[str, Any] | None = None
    # For target "objects": makes (owning unit name, object) pairs in the cast — one or more per unit.
    objects: Callable[[Any], list[tuple[str, Any]]] | None = None
    # For list pages of objects between two units (transfers): per role, the units outside its scope whose *names*
    # the page may show, as the other end of something the role sees (names and codes of units are public).
    counterparts: dict[str, set[str]] | None = None
    # For routes addressed by more than the object's id (``periods/<period>/units/<pk>/``): the URL's keyword
    # arguments for an object of ``objects``; without it the contract reverses with ``{"pk": object.pk}``.
    url_kwargs: Callable[[Any], dict[str, Any]] | None = None
    # A query string the route needs to do its work (``?indicator=hoc_sinh`` of a statistics table).
    query: str = ""

    def kwargs_for(self, obj: Any) -> dict[str, Any]:
        return self.url_kwargs(obj) if self.url_kwargs is not None else {"pk": obj.pk}
