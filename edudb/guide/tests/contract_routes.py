"""The guide's routes in the scoping contract (gathered by edudb/core/tests/test_scope_contract.py).

- The guide's index and its sections are the same for every signed-in account (the guide holds no unit's data):
  the contract files each section under the Sở and every role reaches it. The sections for parents and outside
  parties are served again under ``public/`` to anyone.
- Screenshots: those shown in public sections are public; any other needs an account (the contract's object is
  one of those, so anonymous is turned away).
- The support contacts' page answers 403 to all but the Sở (the contract's page walk wants 200): exercised by
  its POST, like reporting's period_new.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from edudb.core.tests.contract import UNITS_VISIBLE, Route

EVERYONE: dict[str, set[str]] = {role: {"so"} for role in UNITS_VISIBLE}


@dataclass(frozen=True)
class SectionRef:
    slug: str
    pk: str = ""


@dataclass(frozen=True)
class ShotRef:
    name: str
    pk: str = ""


def signed_in_sections(cast: Any) -> list[tuple[str, Any]]:
    return [("so", SectionRef("bao-cao")), ("so", SectionRef("dang-nhap"))]


def private_screenshots(cast: Any) -> list[tuple[str, Any]]:
    return [("so", ShotRef("17-student-list.png"))]


SUPPORT_VALUES = {
    "hotline": "0225.3746220",
    "email": "sogddt@haiphong.gov.vn",
    "system_address": "https://csdl.haiphong.edu.vn",
    "postal_address": "",
    "working_hours": "",
}

ROUTES = {
    "guide:index": Route("none"),
    "guide:section": Route(
        "objects", visible=EVERYONE, objects=signed_in_sections, url_kwargs=lambda ref: {"slug": ref.slug}
    ),
    "guide:public_index": Route("public"),
    "guide:public_section": Route("public"),
    "guide:screenshot": Route(
        "objects", visible=EVERYONE, objects=private_screenshots, url_kwargs=lambda ref: {"name": ref.name}
    ),
    "guide:support_edit": Route("none", "post", data=SUPPORT_VALUES),
}
