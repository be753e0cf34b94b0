"""The templates pages' routes in the scoping contract (gathered by edudb/core/tests/test_scope_contract.py).

A template holds no records: every signed-in account downloads every layout's template. The one part that depends
on the account — a school's class dropdown — is scoped in ``templates_xlsx.class_choices`` and tested in
test_templates_xlsx.py. The contract files the templates under the Sở ("so") and lets every role reach them, so it
checks that each role gets each template and that an anonymous visitor is sent to sign in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from edudb.core.tests.contract import UNITS_VISIBLE, Route

# Every role downloads every template.
READERS: dict[str, set[str]] = {role: {"so"} for role in UNITS_VISIBLE}


@dataclass(frozen=True)
class LayoutRef:
    """A template as its route addresses it: by the layout's name (the URL argument named pk)."""

    pk: str


def layouts(cast: Any) -> list[tuple[str, Any]]:
    from edudb.exchange.layouts import LAYOUTS

    return [("so", LayoutRef(name)) for name in sorted(LAYOUTS)]


ROUTES = {
    "exchange:templates": Route("none"),
    "exchange:template_download": Route("objects", visible=READERS, objects=layouts),
}
