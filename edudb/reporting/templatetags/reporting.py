"""Template helpers of the reporting pages."""

from __future__ import annotations

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
