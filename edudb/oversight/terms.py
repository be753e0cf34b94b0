"""The current terms of responsibility (Điều 8.3) and whether an account must acknowledge them (again).

The middleware asks on every request; the answer is on the account itself (see ``needs_acknowledgement``).
"""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any


def first_terms_text() -> str:
    seed = importlib.import_module("edudb.oversight.migrations.0002_terms_version_one")
    return str(seed.FIRST_TERMS)


def current_terms() -> Any:
    """The latest published version; version 1 is made at first use when missing (after a test flush)."""
    from edudb.oversight.models import Terms

    terms = Terms.objects.order_by("-version").first()
    if terms is None:
        terms, _created = Terms.objects.get_or_create(
            version=1,
            defaults={
                "effective_on": dt.date(2022, 7, 1),
                "text": first_terms_text(),
                "published_at": dt.datetime(2022, 7, 1, tzinfo=dt.UTC),
            },
        )
    return terms


def needs_acknowledgement(account: Any) -> bool:
    """Whether the holder has not accepted the terms in force: publishing a new version clears every account's
    ``acknowledged_at`` (``services.publish_terms``), so this reads the account alone — no query per request, and
    every worker process sees a new version at once."""
    return getattr(account, "acknowledged_at", None) is None
