"""The support contacts as every page reads them: no database query in the steady state.

Each process keeps the row it last read. A change by the Sở rewrites a small stamp file (under MEDIA_ROOT, shared
by the web server's processes), at the save and again at the commit; every process compares the stamp with the
one it loaded under (a file read, no query) and reads the row again when they differ. As a safety net for
deployments whose processes do not share MEDIA_ROOT, a kept row is also re-read after ``MAX_AGE`` seconds.
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from edudb.guide.models import SupportContact

MAX_AGE = 300.0
_lock = threading.Lock()


@dataclass(frozen=True)
class _Kept:
    stamp: str
    contact: SupportContact
    loaded_at: float


_kept: _Kept | None = None


def _stamp_file() -> Path:
    return Path(settings.MEDIA_ROOT) / ".support-contacts.stamp"


def _read_stamp() -> str:
    try:
        return _stamp_file().read_text(encoding="ascii")
    except OSError:
        return ""


def _write_stamp() -> None:
    path = _stamp_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(uuid.uuid4().hex, encoding="ascii")
    except OSError:  # a read-only MEDIA_ROOT: the other processes catch up after MAX_AGE
        pass


def forget() -> None:
    """Drop this process's copy (the next read queries the row again)."""
    global _kept
    with _lock:
        _kept = None


def changed() -> None:
    """Tell every process the contacts changed: now, and again once the transaction commits."""
    forget()
    _write_stamp()

    def after_commit() -> None:
        forget()
        _write_stamp()

    transaction.on_commit(after_commit)


def current() -> SupportContact:
    """The contacts (the saved row, or the defaults before the Sở first saves them)."""
    global _kept
    stamp = _read_stamp()
    kept = _kept
    if kept is not None and kept.stamp == stamp and time.monotonic() - kept.loaded_at < MAX_AGE:
        return kept.contact
    contact = SupportContact.current()
    with _lock:
        _kept = _Kept(stamp, contact, time.monotonic())
    return contact
