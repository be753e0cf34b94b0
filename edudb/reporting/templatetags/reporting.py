"""Template helpers of the reporting pages."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()

# The colour of a state's tag; the tag's words always say the state as well.
TONES = {
    "not_started": "qerror",
    "in_progress": "warn",
    "late": "warn",
    "returned": "qerror",
    "correcting": "warn",
}


@register.filter
def state_tone(state: str | None) -> str:
    """The extra class of a report state's tag ("" for the plain one)."""
    return TONES.get(state or "in_progress", "")


@register.inclusion_tag("reporting/_home_card.html", takes_context=True)
def reporting_card(context: dict[str, Any]) -> dict[str, Any]:
    """The home page's reporting card: the periods open today with the days left and the own unit's report state,
    and how many submissions wait for the account's review (three queries)."""
    from django.utils import timezone

    from edudb.core.models import Category
    from edudb.core.scoping import Function, scope_for
    from edudb.reporting import services
    from edudb.reporting.models import ReportingPeriod, ReportState, Submission, UnitReport

    request = context.get("request")
    user = getattr(request, "user", None)
    scope = scope_for(user)
    if scope is None:
        return {"lines": []}
    today = timezone.localdate()
    periods = list(
        ReportingPeriod.objects.visible_to(user)
        .filter(closed_at__isnull=True, opens_on__lte=today)
        .order_by("deadline")
    )
    own = scope.unit
    reporting = services.reports(own)
    states = {}
    if reporting and periods:
        states = {
            r.period_id: r
            for r in UnitReport.objects.visible_to(user).filter(unit=own, period__in=[p.pk for p in periods])
        }
    lines = []
    for period in periods:
        report = states.get(period.pk)
        left = ((report.deadline if report else period.deadline) - today).days
        lines.append(
            {
                "period": period,
                "left": left,
                "overdue": -left,
                "state": report.get_state_display() if report else ReportState.NOT_STARTED.label,
                "done": report is not None and report.state in (ReportState.SUBMITTED, ReportState.APPROVED),
            }
        )
    reviews_below = scope.allows(Function.APPROVE) and own.kind.category != Category.INSTITUTION
    waiting = Submission.objects.visible_to(user).filter(services.pending_for(user)).count() if reviews_below else None
    return {"lines": lines, "reporting": reporting, "own": own, "waiting": waiting}
