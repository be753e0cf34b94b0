"""``{% unread_notifications %}``: how many notifications the signed-in account has not read (one query)."""

from __future__ import annotations

from typing import Any

from django import template

from edudb.core.models import Notification

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context: dict[str, Any]) -> int:
    """The count for ``request.user`` (0 for anyone not signed in); ``{% unread_notifications as n %}`` keeps it."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.visible_to(user).filter(read_at__isnull=True).count()
