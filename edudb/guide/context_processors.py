"""Every page's footer and help link: the Sở's support contacts and the guide section for the page (R9.1)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from edudb.guide import contacts
from edudb.guide import help as guide_help
from edudb.guide.models import SupportContact

_CACHE_ATTR = "_edudb_support_contact"


def support_of(request: HttpRequest) -> SupportContact:
    """The contacts, looked up at most once per request (and read from the database only when they changed:
    see :mod:`edudb.guide.contacts`)."""
    found = getattr(request, _CACHE_ATTR, None)
    if found is None:
        found = contacts.current()
        setattr(request, _CACHE_ATTR, found)
    return found


def support(request: HttpRequest) -> dict[str, Any]:
    def link() -> str:
        match = getattr(request, "resolver_match", None)
        user = getattr(request, "user", None)
        return guide_help.help_url(
            match.view_name if match is not None else None,
            signed_in=bool(user is not None and user.is_authenticated),
        )

    return {
        "support": SimpleLazyObject(lambda: support_of(request)),
        "help_url": SimpleLazyObject(link),
    }
