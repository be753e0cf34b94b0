"""The project's URLs plus the bare baseline views the benchmarks compare pages against (bench settings only)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import include, path
from django.utils.html import escape

from edudb.core.models import Unit, subtree_q
from edudb.quality.codes import mask_personal_id
from edudb.registry.api_students import STUDENT_CODE_ITEMS, student_search
from edudb.registry.models import Guardian, Student

STUDENT_PAGE = 50  # rows per page of the student list and API (ScopedListView.paginate_by, REST_FRAMEWORK PAGE_SIZE)
# The orders the student list page and the students API sort by (views_students.py, api_students.py); the benchmark
# checks that the bare view answers exactly the rows the page shows, so a drift fails it loudly.
STUDENT_PAGE_ORDER = ("unit__name_key", "school_class__grade", "school_class__name", "name_key", "pk")
STUDENT_API_ORDER = ("unit__name_key", "name_key", "pk")


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


def _code(item: Any) -> str | None:
    return item.code if item is not None else None


def unscoped_bare_students(request: HttpRequest) -> HttpResponse:
    """The plain query a developer would write for one page of students, rendered without template or DRF.

    ``?under=<unit id>`` is the subtree to list (what the page's scoping works out from the account), ``q`` the same
    search as the page's, ``page`` the page number: the same filter, order and offset as the page, but no scoping
    door, no count, no search form, no pagination links. ``format=json`` answers with the API's fields (guardians
    and policy groups included), anything else with the HTML table of the list page.
    """
    root = Unit.objects.get(pk=int(request.GET.get("under", "0")))
    students = Student.objects.filter(subtree_q(root.path, "unit__"))
    if request.GET.get("q"):
        students = students.filter(student_search(request.GET["q"]))
    page = max(1, int(request.GET.get("page", "1")))
    window = slice((page - 1) * STUDENT_PAGE, page * STUDENT_PAGE)
    if request.GET.get("format") == "json":
        rows = list(  # fetched as the API fetches them (code-list values in their own queries: see api_students)
            students.select_related("unit", "school_class")
            .prefetch_related(
                *STUDENT_CODE_ITEMS, "policy_groups", Prefetch("guardians", queryset=Guardian.objects.order_by("pk"))
            )
            .order_by(*STUDENT_API_ORDER)[window]
        )
        results = [
            {
                "id": s.pk,
                "version": s.version,
                "unit": s.unit_id,
                "unit_name": s.unit.name,
                "code": s.code,
                "ministry_code": s.ministry_code,
                "temporary_code": s.temporary_code,
                "personal_id_masked": mask_personal_id(s.personal_id or ""),
                "full_name": s.full_name,
                "birth_date": s.birth_date,
                "gender": _code(s.gender),
                "ethnicity": _code(s.ethnicity),
                "nationality": _code(s.nationality),
                "religion": _code(s.religion),
                "birthplace": s.birthplace,
                "phone": s.phone,
                "home_commune_code": s.home_commune_code,
                "home_address": s.home_address,
                "current_address": s.current_address,
                "school_class": s.school_class_id,
                "class_name": s.school_class.name if s.school_class else None,
                "status": _code(s.status),
                "status_on": s.status_on,
                "enrolled_on": s.enrolled_on,
                "disability": _code(s.disability),
                "policy_groups": [g.code for g in s.policy_groups.all()],
                "semi_boarding": s.semi_boarding,
                "boarding": s.boarding,
                "orphan": s.orphan,
                "guardians": [
                    {
                        "relation": g.relation,
                        "full_name": g.full_name,
                        "birth_year": g.birth_year,
                        "occupation": g.occupation,
                        "phone": g.phone,
                    }
                    for g in s.guardians.all()
                ],
                "updated_at": s.updated_at,
            }
            for s in rows
        ]
        return JsonResponse({"results": results}, json_dumps_params={"ensure_ascii": False})
    listed = students.select_related("unit", "gender", "status", "school_class").order_by(*STUDENT_PAGE_ORDER)[window]
    table = "".join(
        f'<tr><td>{escape(s.code)}</td><td><a href="/students/{s.pk}/">{escape(s.full_name)}</a></td>'
        f"<td>{s.birth_date:%d/%m/%Y}</td><td>{escape(s.gender.name)}</td>"
        f"<td>{escape(s.school_class.name if s.school_class else '—')}</td><td>{escape(s.unit.name)}</td>"
        f"<td>{escape(s.status.name)}</td></tr>"
        for s in listed
    )
    return HttpResponse(
        f'<!DOCTYPE html><html lang="vi"><meta charset="utf-8"><title>bare</title><table>{table}</table>'
    )


urlpatterns = [
    path("bench/bare/units/", unscoped_bare_units, name="bench_bare_units"),
    path("bench/bare/students/", unscoped_bare_students, name="bench_bare_students"),
    path("", include("config.urls")),
]
