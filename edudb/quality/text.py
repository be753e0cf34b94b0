"""Cheap text helpers every input path already calls; the full treatment is ``edudb.quality.normalise``.

``clean_text`` stores text as Unicode NFC with collapsed white space and without control or invisible characters;
it deliberately converts no legacy font (that visible change belongs to the normalisation layer, which reports
it). ``search_key`` folds case, diacritics and tone placement, so "Hoà", "Hòa", "hoa" and "HOÀ" compare equal.
"""

from __future__ import annotations

import re
import unicodedata

from edudb.quality.normalise import CONTROLS, INVISIBLE

_SPACES = re.compile(r"\s+")


def clean_text(value: str | None) -> str:
    """NFC, trimmed, inner white space collapsed to one space, control and invisible characters removed."""
    if not value:
        return ""
    text = str(value)
    if not text.isprintable():  # one C-level scan decides; the patterns run only on the rare text that needs them
        text = INVISIBLE.sub("", CONTROLS.sub("", text))
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def search_key(value: str | None) -> str:
    """A comparison key: lower case, no diacritics, đ→d, so 'Hoà', 'Hòa' and 'hoa' compare equal."""
    if not value:
        return ""
    decomposed = unicodedata.normalize("NFD", clean_text(value).lower().replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def person_name(value: str | None) -> str:
    """A person's name with every part capitalised: 'nguyễn  văn AN' → 'Nguyễn Văn An', "h'hen" → "H'Hen"."""
    return clean_text(value).title()
