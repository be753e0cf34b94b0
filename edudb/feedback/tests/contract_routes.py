"""The feedback pages' routes in the scoping contract (gathered by edudb/core/tests/test_scope_contract.py).

- Filing is addressed by the record complained about: whoever sees the record (function ``view``) reaches the form;
  anyone else gets 404 (the contract files about students: the students database's own visibility table).
- An item is handled by the accounts holding ``review`` ("Rà soát dữ liệu") whose scope reaches the unit in charge,
  through the row's component database (the contract's items are complaints about units: domain "units"). The
  contract's items are filed through the public form (no filer account), so no role reaches them as their filer.
- The lists ("mine", "handling") and the public pages take no object.

The tables are written out by hand from the rules, not computed by the scoping code they check.
"""

from __future__ import annotations

from typing import Any

from edudb.core.tests.contract import A_TREE, ALL_UNITS, B_TREE, UNITS_VISIBLE, Route
from edudb.registry.tests.contract_routes_students import STUDENTS_VISIBLE, students

# Accounts holding "review" in the cast: every admin, and the Tiểu học office's user; their unit scope (domain: units).
FEEDBACK_VISIBLE: dict[str, set[str]] = {
    "so_admin": ALL_UNITS,
    "office_th_user": UNITS_VISIBLE["office_th_user"],
    "commune_a_admin": A_TREE,
    "commune_b_admin": B_TREE,
    "thpt_admin": {"thpt"},
    **{f"school_{s}_admin": {f"school_{s}"} for s in ("a1", "a2", "b1", "b2")},
}


def feedback_items(cast: Any) -> list[tuple[str, Any]]:
    """One complaint about each unit of the cast (its own record), received and open."""
    from django.utils import timezone

    from edudb.feedback.models import Feedback, Kind

    made = []
    for name in sorted(ALL_UNITS):
        unit = cast.units[name]
        item, _created = Feedback.objects.get_or_create(
            reference=f"PA-CT{unit.pk:06d}",
            defaults={
                "kind": Kind.RECORD,
                "unit": unit,
                "domain": "units",
                "subject_type": "core.unit",
                "subject_id": unit.pk,
                "subject_repr": unit.name,
                "text": "Địa chỉ đơn vị ghi sai số nhà.",
                "filer_name": "Trần Văn Kiểm",
                "filer_relation": "father",
                "deadline": timezone.localdate(),
            },
        )
        made.append((name, item))
    return made


def _student_kwargs(obj: Any) -> dict[str, Any]:
    return {"subject": "student", "pk": obj.pk}


ROUTES: dict[str, Route] = {
    "feedback:mine": Route("none"),
    "feedback:handling": Route("none"),
    "feedback:public_file": Route("public"),
    "feedback:public_status": Route("public"),
    "feedback:file": Route("objects", visible=STUDENTS_VISIBLE, objects=students, url_kwargs=_student_kwargs),
    "feedback:detail": Route("objects", visible=FEEDBACK_VISIBLE, objects=feedback_items),
    "feedback:summary": Route("objects", visible=FEEDBACK_VISIBLE, objects=feedback_items),
    "feedback:take": Route("objects", "post", visible=FEEDBACK_VISIBLE, objects=feedback_items),
    "feedback:answer": Route("objects", "post", visible=FEEDBACK_VISIBLE, objects=feedback_items),
    "feedback:close": Route("objects", "post", visible=FEEDBACK_VISIBLE, objects=feedback_items),
}
