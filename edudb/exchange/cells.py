"""Cell values going out to spreadsheets: text that Excel or LibreOffice would run as a formula is neutralised."""

from __future__ import annotations

# OWASP "CSV injection": a cell beginning with one of these is read as a formula (or a DDE call) by spreadsheet
# programs; a leading apostrophe makes it plain text in every one of them.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """``text`` safe to put in a spreadsheet cell: "=HYPERLINK(…)" → "'=HYPERLINK(…)"; other text unchanged."""
    if text and text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text
