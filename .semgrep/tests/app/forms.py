"""Fixture: mark_safe and SafeString switch escaping off."""

from django.utils import safestring
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe


def label(unit):
    # ruleid: edudb-mark-safe
    return mark_safe(f"<b>{unit.name}</b>")


def label_string(unit):
    # ruleid: edudb-mark-safe
    return SafeString("<b>" + unit.name + "</b>")


def label_module(unit):
    # ruleid: edudb-mark-safe
    return safestring.mark_safe(unit.name)


# ruleid: edudb-mark-safe
@mark_safe
def banner():
    return "<b>!</b>"


def label_escaped(unit):
    # ok: edudb-mark-safe
    return format_html("<b>{}</b>", unit.name)


def reviewed_svg(svg):
    # ok: edudb-mark-safe
    return mark_safe(svg)  # nosemgrep: edudb-mark-safe -- our own QR SVG, never user input
