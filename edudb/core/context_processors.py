"""Template context every page needs: the system's facts and the signed-in account's scope."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from edudb.core.scoping import scope_for


def site(request: HttpRequest) -> dict[str, Any]:
    from edudb.oversight.terms import needs_acknowledgement

    user = getattr(request, "user", None)
    setup_pending = bool(
        user is not None
        and user.is_authenticated
        and (user.must_change_password or request.session.get("edudb_enrol_totp") or needs_acknowledgement(user))
    )
    return {
        "setup_pending": setup_pending,
        "system_address": settings.EDUDB_SYSTEM_ADDRESS,
        "hotline": settings.EDUDB_HOTLINE,
        "scope": scope_for(getattr(request, "user", None)),
    }
