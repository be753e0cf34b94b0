"""The statistics through /api/v1/stats/ (R7.4–R7.5), read-only, with the pages' scoping.

- ``stats/indicators/`` — the indicator catalogue, the ratios and the groupings: the same for every account.
- ``stats/table/?indicator=&source=&at=&by=`` — one indicator's table (``by=categories``: one unit's figures with
  the categories as rows).
- ``stats/ratios/?source=&at=&by=`` — the ratios (students per class, per teacher …) as a table.
- ``stats/key-figures/?source=&at=`` — the headline figures against the same period a year earlier.

``source`` is ``live`` (the default) or the id of a reporting period (its approved reports' figures); ``at`` is the
id of a unit (default: the account's own unit, the Sở for a Sở office); ``indicator`` defaults to ``hoc_sinh``. The
tables are the pages' own (``services.build_table``), and their figures are read only through
``Figure.objects.visible_to`` inside ``edudb.stats.aggregate``: a school sees only itself, and every total is the sum
of what the caller may see, so nothing out of scope leaks into it. A unit or period out of scope is "not found"
(404); a value the API does not know is a 400 naming its parameter, in Vietnamese; parameters an endpoint does not
read are ignored.

Numbers are JSON numbers, never strings: integers when the table's ``decimals`` is 0, else decimal numbers rounded
to ``decimals`` digits; an empty ratio is ``null``. Each row's ``link`` is the statistics page one level down
(site-relative; empty for rows with no level below), and ``record_links`` the list pages of the records behind each
number of an institution's row (site-relative, one per value; empty for the other rows).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import NoReverseMatch, reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from edudb.stats import aggregate, indicators, services
from edudb.stats.aggregate import GROUPINGS
from edudb.stats.query import StatsQuery, resolve
from edudb.stats.serializers import (
    CatalogueSerializer,
    KeyFigureSerializer,
    TableSerializer,
    json_number,
)
from edudb.stats.tables import Row, Table

DEFAULT_INDICATOR = "hoc_sinh"  # the table an empty query answers: the learners on the roll

REFUSED = {
    400: OpenApiResponse(description="Tham số không hợp lệ: lỗi theo từng tham số (indicator, source, at, by)"),
    404: OpenApiResponse(description="Đơn vị hoặc kỳ báo cáo không có, hoặc nằm ngoài phạm vi của tài khoản"),
}
SOURCE = OpenApiParameter(
    "source",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    required=False,
    description="Nguồn số liệu: «live» (số liệu trực tiếp, mặc định) hoặc mã số (id) của một kỳ báo cáo — số liệu "
    "các báo cáo đã được duyệt của kỳ",
)
AT = OpenApiParameter(
    "at",
    OpenApiTypes.INT,
    OpenApiParameter.QUERY,
    required=False,
    description="Đơn vị gốc (id); mặc định: đơn vị của tài khoản (Sở, với phòng chuyên môn)",
)
BY = OpenApiParameter(
    "by",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    required=False,
    enum=list(GROUPINGS),
    description="Cách nhóm dòng (mặc định children): "
    + "; ".join(f"{code}: {label}" for code, label in GROUPINGS.items()),
)
INDICATOR = OpenApiParameter(
    "indicator",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    required=False,
    description=f"Mã chỉ tiêu (xem stats/indicators/); mặc định: {DEFAULT_INDICATOR}",
)


def _params(request: Request, names: tuple[str, ...], **defaults: str) -> dict[str, str]:
    """The parameters ``names`` of the request (any other is ignored), defaults filled in."""
    return {name: request.query_params.get(name, "") or defaults.get(name, "") for name in names}


def _refused(exc: DjangoValidationError) -> ValidationError:
    """A parameter the API does not know, as a 400 naming it (the Vietnamese messages of ``resolve``)."""
    if hasattr(exc, "error_dict"):
        return ValidationError(exc.message_dict)
    return ValidationError({"detail": list(exc.messages)})


def _drill(query: StatsQuery, kind: str) -> Callable[[int], str]:
    """A row's drill-down link: the statistics page of the same table at the row's unit ("" if there is none)."""
    rest = query.params(at="", kind=kind if kind != "indicator" else "")

    def link(unit_id: int) -> str:
        try:
            return f"{reverse('stats:table', args=[unit_id])}?{rest}"
        except NoReverseMatch:
            return ""

    return link


def _table(request: Request, kind: str, names: tuple[str, ...], **defaults: str) -> tuple[StatsQuery, Table]:
    """The table the statistics page shows for the same parameters, built by the same service (scoped figures)."""
    params = {**_params(request, names, **defaults), "kind": kind}
    try:
        return services.build_table(request.user, params, drill=_drill)
    except DjangoValidationError as exc:
        raise _refused(exc) from exc


def _row(row: Row, decimals: int) -> dict[str, Any]:
    return {
        "label": row.label,
        "code": row.code,
        "values": [json_number(value, decimals) for value in row.values],
        "link": row.link,
        "record_links": list(row.links),
        "level": row.level,
    }


def table_json(table: Table, query: StatsQuery, *, by: str | None = None) -> Any:
    body = {
        "query": {
            "indicator": query.indicator.code if query.indicator else "",
            "source": query.source.key,
            "at": {"id": query.at.pk, "code": query.at.code, "name": query.at.name},
            "by": by or query.by,
        },
        "title": table.title,
        "source": table.source,
        "scope": table.scope,
        "row_header": table.row_header,
        "measure": table.measure,
        "decimals": table.decimals,
        "notes": [str(note) for note in table.notes],
        "columns": [{"key": c.key, "label": c.label, "group": c.group} for c in table.columns],
        "rows": [_row(row, table.decimals) for row in table.rows],
        "total": _row(table.total or Row("", []), table.decimals),
    }
    return TableSerializer(body).data


def catalogue_json() -> Any:
    body = {
        "indicators": [
            {
                "code": indicator.code,
                "label": str(indicator.label),
                "group": str(indicator.group),
                "domain": str(indicator.domain),
                "measure": str(indicator.measure),
                "decimals": indicator.decimals,
                "key": indicator.key,
                "dimensions": [{"code": dim.code, "label": str(dim.label)} for dim in indicator.dims],
                "columns": [{"key": key, "label": str(label)} for key, _column, label in indicator.columns],
            }
            for indicator in indicators.CATALOGUE
        ],
        "ratios": [
            {
                "code": ratio.code,
                "label": str(ratio.label),
                "numerator": ratio.numerator,
                "denominator": ratio.denominator,
                "numerator_keys": list(ratio.numerator_keys),
                "denominator_keys": list(ratio.denominator_keys),
                "decimals": ratio.decimals,
                "measure": str(ratio.measure),
            }
            for ratio in indicators.RATIOS
        ],
        "groupings": [{"code": code, "label": str(label)} for code, label in GROUPINGS.items()],
    }
    return CatalogueSerializer(body).data


class StatsViewSet(viewsets.ViewSet):
    """Statistics tables of the figures the account may see (no model of its own: the tables are computed)."""

    @extend_schema(
        summary="Danh mục chỉ tiêu thống kê, các tỉ lệ và cách nhóm",
        description="Giống nhau với mọi tài khoản.",
        responses={200: CatalogueSerializer},
    )
    @action(detail=False, methods=["get"])
    def indicators(self, request: Request) -> Response:
        return Response(catalogue_json())

    @extend_schema(
        summary="Bảng số liệu của một chỉ tiêu",
        description="Các dòng theo cách nhóm (đơn vị trực thuộc, từng đơn vị, loại cơ sở, loại hình, xã/phường; "
        "by=categories: các phân tổ của đơn vị gốc), các cột theo phân tổ, dòng tổng là tổng những gì tài khoản "
        "được xem. Số liệu là số JSON: số nguyên khi decimals bằng 0.",
        parameters=[INDICATOR, SOURCE, AT, BY],
        responses={200: TableSerializer, **REFUSED},
    )
    @action(detail=False, methods=["get"])
    def table(self, request: Request) -> Response:
        query, table = _table(request, "indicator", ("indicator", "source", "at", "by"), indicator=DEFAULT_INDICATOR)
        return Response(table_json(table, query))

    @extend_schema(
        summary="Các tỉ lệ bình quân (học sinh/lớp, học sinh/giáo viên …)",
        description="Mỗi tỉ lệ của một dòng là thương của hai tổng của dòng đó (không phải trung bình các tỉ lệ); "
        "null khi mẫu số bằng 0.",
        parameters=[SOURCE, AT, BY],
        responses={200: TableSerializer, **REFUSED},
    )
    @action(detail=False, methods=["get"])
    def ratios(self, request: Request) -> Response:
        query, table = _table(request, "ratios", ("source", "at", "by"))
        # The ratios have no categories of their own: by=categories gives the rows by unit, as on the page.
        return Response(table_json(table, query, by="children" if query.by == "categories" else query.by))

    @extend_schema(
        summary="Các số liệu chính, so với cùng kỳ năm học trước",
        description="Tổng của các chỉ tiêu chính dưới đơn vị gốc (trong phạm vi của tài khoản), với số liệu đã duyệt "
        "của cùng kỳ năm học trước (với số liệu trực tiếp: kỳ đầu năm học trước) và mức tăng, giảm.",
        parameters=[SOURCE, AT],
        responses={200: KeyFigureSerializer(many=True), **REFUSED},
    )
    @action(detail=False, methods=["get"], url_path="key-figures", url_name="key-figures")
    def key_figures(self, request: Request) -> Response:
        try:
            query = resolve(request.user, _params(request, ("source", "at")))
        except DjangoValidationError as exc:
            raise _refused(exc) from exc
        rows = []
        for figure in aggregate.key_figures(request.user, query.source, query.at):
            indicator = indicators.get(figure.code)
            decimals = indicator.decimals if indicator else 1
            rows.append(
                {
                    "code": figure.code,
                    "label": figure.label,
                    "value": json_number(figure.value, decimals),
                    "previous": json_number(figure.previous, decimals),
                    "change": json_number(figure.change, decimals),
                    "change_percent": json_number(figure.change_percent, 1),
                    "measure": figure.measure,
                }
            )
        return Response(KeyFigureSerializer(rows, many=True).data)


def register(router: BaseRouter) -> None:
    """Add the statistics to the /api/v1/ router: stats/indicators/, stats/table/, stats/ratios/, stats/key-figures/."""
    router.register("stats", StatsViewSet, basename="stats")
