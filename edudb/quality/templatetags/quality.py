"""Template helpers of the quality pages: figures as Vietnamese percentages, the flag under the threshold, and the
small scorecard card of the home page."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import number_format

from edudb.core.models import Category, Unit
from edudb.core.scoping import scope_for

register = template.Library()

# A figure under this share is flagged on the scorecards (in words as well as in colour).
FLAG_BELOW = 0.8


@register.filter
def pct(value: float | str | None) -> str:
    """0.9534 → "95,3%" (one decimal, the locale's decimal mark); None or "" (nothing to measure) → "—"."""
    if value is None or value == "":
        return "—"
    return f"{number_format(round(float(value) * 100, 1), 1)}%"  # rounded: number_format alone cuts 41.66 to 41,6


@register.filter
def flagged(value: float | None) -> bool:
    """Whether a figure is below the threshold the pages flag."""
    return value is not None and value < FLAG_BELOW


@register.filter
def meter(value: float | None) -> str:
    """A share as the value attribute of a <meter> (never localised: "0.953")."""
    return "0" if value is None else f"{value:.3f}"


def home_unit(user: Any) -> Unit | None:
    """The unit whose scorecard an account starts from: its own, or the Sở's for a Sở office (an office oversees
    the Sở's data by domain and level; its own unit holds next to nothing)."""
    scope = scope_for(user)
    if scope is None:
        return None
    unit = scope.unit
    if unit.kind.category == Category.OFFICE and unit.parent_id:
        # The parent's path is the office's path without its last step: no query needed.
        return Unit(pk=unit.parent_id, path=unit.path.rsplit("/", 2)[0] + "/", name="")
    return unit


@register.inclusion_tag("quality/_home_card.html", takes_context=True)
def quality_card(context: dict[str, Any]) -> dict[str, Any]:
    """The four figures of the account's unit for the home page (one query)."""
    from edudb.quality.scoring import scorecard

    request = context.get("request")
    user = getattr(request, "user", None)
    unit = home_unit(user)
    card = scorecard(user, unit) if unit is not None else None
    return {"card": card, "flag_below": FLAG_BELOW}


@register.simple_tag(takes_context=True)
def query_with(context: dict[str, Any], **changes: Any) -> str:
    """The current query string with ``changes`` applied (a None or empty value drops the parameter), for links
    that change one filter or one page and keep the others."""
    request = context["request"]
    query = request.GET.copy()
    for name, value in changes.items():
        if value in (None, ""):
            query.pop(name, None)
        else:
            query[name] = value
    return f"?{query.urlencode()}" if query else "?"


@register.inclusion_tag("quality/_freshness.html")
def freshness(record: Any) -> dict[str, Any]:
    """Timeliness of one record (R6.4): when it was last changed or confirmed, and whether that is older than the
    Sở's threshold. Called on a record that already came through the scoping door; its unit's confirmations are
    the unit's own rows."""
    import datetime as dt

    from django.utils import timezone

    from edudb.quality.models import DataConfirmation, QualitySettings
    from edudb.quality.rules import target_of

    target = target_of(type(record))
    if target is None or not getattr(record, "updated_at", None):
        return {}
    confirmed = (
        DataConfirmation.objects.filter(unit_id=record.unit_id, target=target)
        .order_by("-confirmed_at")
        .values_list("confirmed_at", flat=True)
        .first()
    )
    fresh_since = max(record.updated_at, confirmed) if confirmed else record.updated_at
    days = QualitySettings.current().stale_after_days
    return {
        "changed": record.updated_at,
        "confirmed": confirmed if confirmed and confirmed > record.updated_at else None,
        "stale": timezone.now() - fresh_since > dt.timedelta(days=days),
        "days": days,
    }
