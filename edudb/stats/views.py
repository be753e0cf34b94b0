"""The statistics pages (R7.4–R7.5), included under /stats/ (namespace stats).

- ``/stats/`` (the account's own unit; for a Sở office, the Sở) and ``/stats/units/<pk>/`` — a unit's dashboard: key
  figures with the change against the same period a year earlier, server-side SVG charts, the ratios, the catalogue;
- ``/stats/units/<pk>/table/`` — one indicator's table, by the units under the unit (each a link one level down, each
  school's number a link to its records), by every unit, by kind, ownership or commune, or by category;
- ``/stats/units/<pk>/document/`` — that table as Excel or PDF with the official header (large ones in the
  background: ``/stats/documents/<id>/`` shows the progress);
- ``/stats/units/<pk>/refresh/`` — recompute the live figures of the units the account sees there, now (POST).

Every figure comes from ``Figure.objects.visible_to`` through ``aggregate``; the unit and the period come through
``get_scoped_or_404`` (documents: for "Xuất dữ liệu"). No view narrows anything by itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from edudb.core.models import Category, Unit, subtree_q
from edudb.core.scoping import Function, get_scoped_or_404, scope_for
from edudb.core.views_base import htmx_target
from edudb.reporting.models import ReportingPeriod
from edudb.stats import aggregate, charts, compute, indicators, services
from edudb.stats.aggregate import GROUPINGS
from edudb.stats.models import DocumentState, StatsDocument
from edudb.stats.query import StatsQuery, resolve
from edudb.stats.tables import Table

PERIODS_SHOWN = 12  # reporting periods offered as sources (the most recent)
BARS_SHOWN = 20  # units drawn in the dashboard's bar chart (the table lists them all)
TREND = ("hoc_sinh", "lop", "doi_ngu")


def _query(request: HttpRequest, *, at: Unit | None = None) -> StatsQuery | None:
    """The request's query; a bad parameter is told in Vietnamese and the defaults are used instead."""
    try:
        return resolve(request.user, request.GET, at=at)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
        return None


def _ancestors(user: Any, unit: Unit) -> list[Unit]:
    """The units above ``unit`` the user may see, from the top (the breadcrumb)."""
    ids = [int(part) for part in unit.path.strip("/").split("/") if part and int(part) != unit.pk]
    return list(Unit.objects.visible_to(user).filter(pk__in=ids).order_by("depth"))


def _periods(user: Any) -> list[ReportingPeriod]:
    periods = ReportingPeriod.objects.visible_to(user).select_related("school_year")
    return list(periods.order_by("-school_year__start_year", "-deadline", "-pk")[:PERIODS_SHOWN])


def _drill(query: StatsQuery, kind: str = "indicator") -> Callable[[int], str]:
    """A table's link one level down: the same table at another unit."""
    params = query.params(at="", kind=kind if kind != "indicator" else "")
    return lambda unit_id: f"{reverse('stats:table', args=[unit_id])}?{params}"


def _to_dashboard(query: StatsQuery) -> Callable[[int], str]:
    params = query.params(at="", indicator="", by="")
    return lambda unit_id: f"{reverse('stats:unit', args=[unit_id])}?{params}"


def _unit(request: HttpRequest, pk: int, function: str = Function.VIEW) -> Unit:
    return get_scoped_or_404(Unit.objects.select_related("kind", "parent"), request.user, function, pk=pk)


def _common(request: HttpRequest, query: StatsQuery, crumb: Callable[[int], str]) -> dict[str, Any]:
    return {
        "q": query,
        "crumbs": [(unit.name, crumb(unit.pk)) for unit in _ancestors(request.user, query.at)],
        "periods": _periods(request.user),
        "groupings": GROUPINGS,
        "catalogue": _catalogue(),
        "may_export": _may_export(request.user),
    }


def _catalogue() -> list[tuple[str, list[indicators.Indicator]]]:
    sections: dict[str, list[indicators.Indicator]] = {}
    for indicator in indicators.CATALOGUE:
        sections.setdefault(str(indicator.group), []).append(indicator)
    return list(sections.items())


def _may_export(user: Any) -> bool:
    scope = scope_for(user)
    return bool(scope and scope.allows(Function.EXPORT))


def _column_series(table: Table) -> tuple[list[str], list[tuple[str, list[Any]]]]:
    """A category table as chart series: rows are the categories, columns after the total are the series."""
    categories = [row.label for row in table.rows]
    series = [(column.label, [row.values[i] for row in table.rows]) for i, column in enumerate(table.columns) if i > 0]
    return categories, series


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The account's own statistics: its unit's dashboard (for a Sở office, the Sở's)."""
    return _dashboard(request, None)


@login_required
@require_GET
def unit_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    return _dashboard(request, _unit(request, pk))


def _dashboard(request: HttpRequest, at: Unit | None) -> HttpResponse:
    """A unit's statistics at a glance: key figures, charts, ratios, and the way into every table."""
    user = request.user
    query = _query(request, at=at) or resolve(user, QueryDict(), at=at)
    source, at = query.source, query.at
    key = aggregate.key_figures(user, source, at)
    students = aggregate.category_table(user, indicator=indicators.by_code()["hoc_sinh"], source=source, at=at)
    staff = aggregate.category_table(user, indicator=indicators.by_code()["doi_ngu"], source=source, at=at)
    schools = aggregate.category_table(user, indicator=indicators.by_code()["co_so"], source=source, at=at)
    children = aggregate.indicator_table(
        user, indicator=indicators.by_code()["hoc_sinh"], source=source, at=at, drill=_to_dashboard(query)
    )
    ratios = aggregate.ratio_table(user, source=source, at=at, by="children")
    years, series = aggregate.trend(user, at, TREND)
    categories, by_gender = _column_series(students)
    top = sorted(children.rows, key=lambda row: row.values[0] or 0, reverse=True)[:BARS_SHOWN]
    labels = {indicator.code: str(indicator.label) for indicator in indicators.CATALOGUE}
    chart = {
        "students": charts.stacked_bar(
            _("Học sinh theo khối lớp và giới tính"), categories, by_gender, unit=_("học sinh")
        ),
        "staff": charts.donut(
            _("Đội ngũ theo nhóm"), [(row.label, row.values[0]) for row in staff.rows], unit=_("người")
        ),
        "schools": charts.bar(
            _("Cơ sở giáo dục theo loại"), [(row.label, row.values[0]) for row in schools.rows], unit=_("cơ sở")
        ),
        "children": charts.bar(
            _("Học sinh theo đơn vị trực thuộc"),
            [(row.label, row.values[0]) for row in top],
            unit=_("học sinh"),
            links=[row.link for row in top],
        )
        if len(children.rows) > 1
        else "",
        "trend": charts.trend(
            _("Quy mô qua các năm học"), years, [(labels[code], values) for code, values in series.items()]
        ),
    }
    context = {
        **_common(request, query, _to_dashboard(query)),
        "key": key,
        "chart": chart,
        "ratio_totals": [
            (column.label, value)
            for column, value in zip(ratios.columns, ratios.total.values if ratios.total else [], strict=False)
        ],
        "children_count": len(children.rows),
        "bars_shown": BARS_SHOWN,
        "source_label": students.source,
    }
    return render(request, "stats/dashboard.html", context)


@login_required
@require_GET
def table(request: HttpRequest, pk: int) -> HttpResponse:
    """One indicator's (or the ratios') table at a unit, drilling down the tree; without one, the catalogue."""
    at = _unit(request, pk)
    kind = request.GET.get("kind") or "indicator"
    if kind == "indicator" and not request.GET.get("indicator"):
        query = resolve(request.user, QueryDict(), at=at)
        return render(request, "stats/catalogue.html", _common(request, query, _drill(query)))
    try:
        query, built = services.build_table(request.user, request.GET, at=at, drill=_drill)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
        return redirect("stats:unit", pk=at.pk)
    context = {**_common(request, query, _drill(query, kind)), "table": built, "kind": kind}
    if htmx_target(request) == "stats-table":
        return render(request, "stats/table.html#results", context)
    return render(request, "stats/table.html", context)


@login_required
@require_GET
def document(request: HttpRequest, pk: int) -> HttpResponse:
    """The table as a document: at once when small, else queued with its progress page. Only accounts holding
    "Xuất dữ liệu" reach it (the unit is fetched for that function: others find nothing)."""
    at = _unit(request, pk, Function.EXPORT)
    file_format = request.GET.get("format") or "xlsx"
    if file_format not in services.FORMATS:
        messages.error(request, _("Định dạng tệp phải là xlsx hoặc pdf."))
        return redirect("stats:unit", pk=at.pk)
    params = request.GET.copy()
    params.pop("format", None)
    params["at"] = str(at.pk)  # a queued document resolves its unit again, as its account
    try:
        produced = services.request_document(request.user, params, file_format)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
        return redirect("stats:unit", pk=at.pk)
    if isinstance(produced, StatsDocument):
        return redirect("stats:document_status", pk=produced.pk)
    response = HttpResponse(produced.content, content_type=produced.content_type)
    response["Content-Disposition"] = f'attachment; filename="{produced.file_name}"'
    return response


def _job(request: HttpRequest, pk: int) -> StatsDocument:
    job = get_scoped_or_404(StatsDocument, request.user, Function.EXPORT, pk=pk)
    if job.account_id != request.user.pk:
        raise Http404(_("Không tìm thấy dữ liệu."))
    return job


@login_required
@require_GET
def document_status(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    context = {"job": job, "running": job.state in {DocumentState.QUEUED, DocumentState.RUNNING}}
    if htmx_target(request) == "document-progress":
        return render(request, "stats/document_status.html#progress", context)
    return render(request, "stats/document_status.html", context)


@login_required
@require_GET
def document_file(request: HttpRequest, pk: int) -> FileResponse:
    job = _job(request, pk)
    if job.state != DocumentState.DONE or not job.file:
        raise Http404(_("Tệp chưa sẵn sàng."))
    content_type, _extension = services.FORMATS[job.file_format]
    name = (job.file.name or "").rsplit("/", 1)[-1]
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=name, content_type=content_type)


@login_required
@require_POST
def refresh(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue a recomputation of the live figures of the units the account sees under the unit."""
    at = _unit(request, pk)
    if at.kind.category == Category.DEPARTMENT:
        from edudb.stats.tasks import refresh_live_task

        refresh_live_task.enqueue()  # the whole city: one pass of grouped queries over every unit
    else:
        units = Unit.objects.visible_to(request.user).filter(subtree_q(at.path))
        compute.refresh_live_later(units.values_list("pk", flat=True))
    messages.success(
        request, _("Đã yêu cầu tổng hợp lại số liệu trực tiếp; tải lại trang sau ít phút để thấy số liệu mới.")
    )
    return redirect("stats:unit", pk=at.pk)
