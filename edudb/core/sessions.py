"""Database sessions that treat a malformed session cookie as no session at all (never a database error)."""

from __future__ import annotations

import string

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore

_KEY_CHARS = frozenset(string.ascii_lowercase + string.digits)


class SessionStore(DatabaseSessionStore):
    def _validate_session_key(self, key: str | None) -> bool:
        # Django's own keys are 32 lower-case letters and digits; anything else (NUL bytes included, which
        # PostgreSQL refuses in text) is not looked up.
        return bool(key) and 8 <= len(key or "") <= 40 and set(key or "") <= _KEY_CHARS
