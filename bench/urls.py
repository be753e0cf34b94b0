"""The project's URLs plus the bare baseline view the benchmarks compare pages against (bench settings only)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import include, path
from django.utils.html import escape

from edudb.core.models import Unit


def unscoped_bare_units(request: HttpRequest) -> HttpResponse:
    """The floor a unit list cannot go below: the given rows by primary key, no scoping, no template, no DRF.

    ``?ids=1,2,3`` names the rows (the benchmark takes them from the scoped page it compares with);
    ``format=json`` answers like the API list, anything else like the HTML table of the unit tree.
    """
    ids = [int(part) for part in request.GET.get("ids", "").split(",") if part.isdigit()]
    units = Unit.objects.filter(pk__in=ids).select_related("kind", "parent").order_by("path")
    if request.GET.get("format") == "json":
        results = [
            {
                "id": unit.pk,
                "code": unit.code,
                "name": unit.name,
                "kind": unit.kind.code,
                "kind_name": unit.kind.name,
                "category": unit.kind.category,
                "parent": unit.parent_id,
                "depth": unit.depth,
                "levels": unit.levels,
                "province_code": unit.province_code,
                "commune_code": unit.commune_code,
                "address": unit.address,
                "phone": unit.phone,
                "email": unit.email,
                "head_name": unit.head_name,
                "is_active": unit.is_active,
            }
            for unit in units
        ]
        return JsonResponse({"count": len(results), "results": results}, json_dumps_params={"ensure_ascii": False})
    rows = "".join(
        f'<tr><td>{escape(unit.code)}</td><td><a href="/units/{unit.pk}/">{escape(unit.name)}</a></td>'
        f"<td>{escape(unit.kind.name)}</td><td>{escape(unit.parent.name if unit.parent else '—')}</td></tr>"
        for unit in units
    )
    return HttpResponse(
        f'<!DOCTYPE html><html lang="vi"><meta charset="utf-8"><title>bare</title><table>{rows}</table>'
    )


urlpatterns = [
    path("bench/bare/units/", unscoped_bare_units, name="bench_bare_units"),
    path("", include("config.urls")),
]
