"""API of the code lists (danh mục): read-only reference data every signed-in account reads (no unit scope).

``/api/v1/quality/code-lists/`` lists them with their number of active values; ``…/code-lists/{id}/`` — the list's
code, e.g. ``dan_toc`` — gives one list with its active values. Both take ``?q=`` (searched without diacritics).
Changes are made by the Sở on the pages (edudb/quality/views_codelists.py).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from edudb.quality.codelists import search_items, unscoped_code_list_with_items, unscoped_code_lists
from edudb.quality.models import CodeList

SEARCH = OpenApiParameter(
    "q",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    required=False,
    description="Tìm không dấu: danh mục theo mã, tên, mô tả; giá trị theo mã, tên, cách viết khác",
)
LIST_CODE = OpenApiParameter(
    "id",  # the router's "pk", shown as "id" like every other object route; here it holds the list's code
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="Mã danh mục, ví dụ dan_toc, quoc_tich, trang_thai_hoc_sinh",
)


class CodeListSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(read_only=True, help_text="Mã danh mục, ví dụ dan_toc")
    name = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True, help_text="Mô tả, căn cứ ban hành")
    item_count = serializers.IntegerField(read_only=True, help_text="Số giá trị đang dùng")


class CodeValueSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(read_only=True, help_text="Mã chính thức (chuỗi ký tự, giữ số 0 ở đầu)")
    name = serializers.CharField(read_only=True)
    aliases = serializers.ListField(child=serializers.CharField(), read_only=True, help_text="Các cách viết khác")
    order = serializers.IntegerField(read_only=True)

    def to_representation(self, instance: Any) -> dict[str, Any]:
        return {
            "code": instance.code,
            "name": instance.name,
            "aliases": [alias for alias in instance.aliases.split("|") if alias.strip()],
            "order": instance.order,
        }


class CodeListDetailSerializer(CodeListSerializer):
    items = CodeValueSerializer(many=True, read_only=True, help_text="Các giá trị đang dùng, theo thứ tự")


def _search(request: Request) -> str:
    value = request.query_params.get("q", "")
    return value[:100] if isinstance(value, str) else ""


@extend_schema_view(
    list=extend_schema(summary="Danh sách danh mục dùng chung", parameters=[SEARCH]),
    retrieve=extend_schema(
        summary="Một danh mục và các giá trị đang dùng",
        parameters=[LIST_CODE, SEARCH],
        responses=CodeListDetailSerializer,
    ),
)
class CodeListViewSet(viewsets.GenericViewSet[Any]):
    """Code lists the Sở maintains: reference data, the same for every account (no unit scope)."""

    serializer_class = CodeListSerializer
    queryset = CodeList.objects.none()  # for the schema only: rows come from the unscoped_… reference readers
    lookup_value_regex = r"[A-Za-z0-9_\-]+"

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        return CodeListDetailSerializer if self.action == "retrieve" else CodeListSerializer

    def list(self, request: Request) -> Response:
        rows = unscoped_code_lists(_search(request))
        page = self.paginate_queryset(rows)
        data = self.get_serializer(page if page is not None else rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request: Request, pk: str) -> Response:
        found = unscoped_code_list_with_items(pk)
        if found is None:
            raise Http404(_("Không có danh mục này."))
        code_list, items = found
        body = {
            "code": code_list.code,
            "name": code_list.name,
            "description": code_list.description,
            "item_count": len(items),
            "items": search_items(items, _search(request)),
        }
        return Response(self.get_serializer(body).data)


def register(router: Any) -> None:
    """Add this module's viewsets to the /api/v1/ router."""
    router.register("quality/code-lists", CodeListViewSet, basename="code-list")
