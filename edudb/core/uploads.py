"""What an uploaded file really is, read from its first bytes (never from its name or the browser's word).

The one home for the file signatures the governance uploads accept (consent scans, rules documents, screenshots);
each caller keeps its own size limit and its own Vietnamese message naming the field.
"""

from __future__ import annotations

from typing import Any

SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpeg": (b"\xff\xd8\xff",),
}


def kind_of_head(head: bytes) -> str | None:
    """The kind the first bytes announce: pdf, png, jpeg, webp, or None."""
    for kind, magics in SIGNATURES.items():
        if head.startswith(magics):
            return kind
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


def sniff(upload: Any, allowed: frozenset[str] | set[str]) -> str | None:
    """The kind of ``upload`` when it is one of ``allowed``, else None; the file is left at its start."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind = kind_of_head(head)
    return kind if kind in allowed else None
