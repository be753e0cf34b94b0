"""``{% unit_contacts unit %}``: a unit's head, team and technical focal point, on the unit's page."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("oversight/_unit_contacts.html", takes_context=True)
def unit_contacts(context: dict[str, Any], unit: Any) -> dict[str, Any]:
    """Read through the scoping door as the page's account: someone who does not reach the unit sees nothing."""
    from edudb.oversight.models import ROLE_ORDER, Charter, TeamMember, team_name
    from edudb.oversight.services import is_head, may_edit_records, technical_contact

    request = context.get("request")
    user = getattr(request, "user", None)
    charter = Charter.objects.visible_to(user).filter(unit=unit).select_related("head_account").first()
    members = sorted(
        TeamMember.objects.visible_to(user).filter(unit=unit),
        key=lambda m: (ROLE_ORDER.get(m.role, 9), m.order, m.pk),  # type: ignore[call-overload]
    )
    return {
        "unit": unit,
        "charter": charter,
        "members": [m for m in members if m.role != "member"],
        "technical": technical_contact(members),
        "team_name": team_name(unit),
        "may_edit": may_edit_records(user, unit),
        "may_see_security": user is not None and (is_head(user, unit) or may_edit_records(user, unit)),
    }
