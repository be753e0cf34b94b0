"""Vietnamese text normalisation shared by every input path (forms, API, imports, commands).

This is the seed of the one normalisation layer (DESIGN decision 5): text is stored as Unicode NFC with
collapsed white space, and searched through a folded key that ignores case, diacritics and tone placement.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def clean_text(value: str | None) -> str:
    """NFC, trimmed, inner white space collapsed to one space."""
    if not value:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", str(value))).strip()


def search_key(value: str | None) -> str:
    """A comparison key: lower case, no diacritics, đ→d, so 'Hoà', 'Hòa' and 'hoa' compare equal."""
    if not value:
        return ""
    decomposed = unicodedata.normalize("NFD", clean_text(value).lower().replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def person_name(value: str | None) -> str:
    """A person's name in title case: 'nguyễn  văn AN' → 'Nguyễn Văn An'."""
    return " ".join(word[:1].upper() + word[1:].lower() for word in clean_text(value).split(" ") if word)
