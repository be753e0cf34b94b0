"""What the normalisation layer will make of a value, shown under the field as the clerk types (R6.1)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from edudb.quality import normalise

MAX_PREVIEW = 2000  # a field's worth; the form itself refuses longer values with its own message


@require_GET
@login_required
def preview(request: HttpRequest) -> HttpResponse:
    """The stored form of ``request.GET[field]`` under ``kind``, with the reasons, or the refusal; empty when the
    value is stored as typed. Touches no data: nothing to scope."""
    try:
        kind = normalise.Kind[request.GET.get("kind", "")]
    except KeyError:
        return HttpResponse("")
    value = request.GET.get(request.GET.get("field", ""), "")[:MAX_PREVIEW]
    layer = normalise.Normaliser()
    layer.clean("value", kind, value, label=request.GET.get("label", ""))
    change = next((c for c in layer.changes if not c.minor), None)
    error = layer.errors.get("value")
    if not change and not error:
        return HttpResponse("")
    return HttpResponse(render_to_string("quality/_normalised.html", {"change": change, "error": error}))
