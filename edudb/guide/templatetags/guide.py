"""``{% screenshot "17-student-list.png" "caption" %}``: a screenshot of the guide, taken by the browser tests."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def screenshot(name: str, caption: str = "") -> str:
    url = reverse("guide:screenshot", kwargs={"name": name})
    return format_html(
        '<figure class="guide-shot"><a href="{}"><img src="{}" alt="{}" loading="lazy"></a>'
        "<figcaption>{}</figcaption></figure>",
        url,
        url,
        caption or name,
        caption,
    )
