"""What the statistics API answers (R7.4): the indicator catalogue, tables of figures, the ratios and the key figures.

Everything here is output only: the tables are built by ``edudb.stats.aggregate`` from the figures the caller may
see, and these serializers give them their JSON shape. Numbers are JSON numbers: a table whose ``decimals`` is 0
holds integers, the others (areas, ratios, percentages) decimal numbers already rounded to ``decimals`` digits; an
empty ratio (its denominator is 0) is ``null``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from edudb.core.scoping import Domain
from edudb.quality.api_scores import UnitRefSerializer
from edudb.stats.aggregate import GROUPINGS


def json_number(value: int | Decimal | None, decimals: int | None = None) -> int | float | None:
    """A figure as a JSON number: an integer when it is whole and ``decimals`` says so (or it is an int already)."""
    if value is None:
        return None
    if isinstance(value, int):
        return value
    if decimals == 0:
        return int(value)
    return float(value)


@extend_schema_field({"type": "number", "description": "Số nguyên, hoặc số thập phân đã làm tròn"})
class NumberField(serializers.Field):
    """A figure of a table: int stays an int, Decimal becomes a JSON number (never a string)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> Any:
        return json_number(value)


# --- The catalogue ---------------------------------------------------------------------------------------------------


class DimensionSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(help_text="Mã phân tổ")
    label = serializers.CharField(help_text="Tên phân tổ")  # type: ignore[assignment]


class ColumnSumSerializer(serializers.Serializer[Any]):
    key = serializers.CharField(help_text="Mã cột (phân tổ thứ hai của chỉ tiêu cộng theo cột)")
    label = serializers.CharField()  # type: ignore[assignment]


class IndicatorSerializer(serializers.Serializer[Any]):
    """One indicator of the catalogue: what it counts, by which categories."""

    code = serializers.CharField(help_text="Mã chỉ tiêu (tham số indicator)")
    label = serializers.CharField(help_text="Tên chỉ tiêu")  # type: ignore[assignment]
    group = serializers.CharField(help_text="Nhóm chỉ tiêu")
    domain = serializers.ChoiceField(choices=Domain.choices, help_text="Cơ sở dữ liệu thành phần")
    measure = serializers.CharField(help_text="Đơn vị tính: học sinh, lớp, phòng, m²…")
    decimals = serializers.IntegerField(help_text="Số chữ số thập phân của số liệu")
    key = serializers.BooleanField(help_text="Thuộc các số liệu chính (key-figures)")
    dimensions = DimensionSerializer(many=True, help_text="Các phân tổ (tối đa hai)")
    columns = ColumnSumSerializer(
        many=True, help_text="Chỉ tiêu cộng theo cột: các cột được cộng (thành phân tổ thứ hai); rỗng: đếm bản ghi"
    )


class RatioSerializer(serializers.Serializer[Any]):
    """A ratio: the total of one indicator over the total of another, computed after aggregation."""

    code = serializers.CharField(help_text="Mã tỉ lệ (khóa cột của bảng ratios)")
    label = serializers.CharField()  # type: ignore[assignment]
    numerator = serializers.CharField(help_text="Mã chỉ tiêu tử số")
    denominator = serializers.CharField(help_text="Mã chỉ tiêu mẫu số")
    numerator_keys = serializers.ListField(
        child=serializers.CharField(), help_text="Chỉ cộng các giá trị này của phân tổ thứ nhất ở tử số; rỗng: tất cả"
    )
    denominator_keys = serializers.ListField(
        child=serializers.CharField(), help_text="Chỉ cộng các giá trị này của phân tổ thứ nhất ở mẫu số; rỗng: tất cả"
    )
    decimals = serializers.IntegerField()
    measure = serializers.CharField()


class GroupingSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(help_text="Giá trị của tham số by")
    label = serializers.CharField()  # type: ignore[assignment]


class CatalogueSerializer(serializers.Serializer[Any]):
    """The indicator catalogue: the same for every account."""

    indicators = IndicatorSerializer(many=True)
    ratios = RatioSerializer(many=True)
    groupings = GroupingSerializer(many=True, help_text="Các cách nhóm dòng của bảng (tham số by)")


# --- Tables ----------------------------------------------------------------------------------------------------------


class ColumnSerializer(serializers.Serializer[Any]):
    key = serializers.CharField(help_text='Mã cột: "total", mã phân tổ, hoặc "a:b" khi có hai phân tổ')
    label = serializers.CharField()  # type: ignore[assignment]
    group = serializers.CharField(help_text="Tiêu đề chung của nhóm cột (ví dụ «Khối 6» trên «Nam», «Nữ»); có thể rỗng")


class RowSerializer(serializers.Serializer[Any]):
    label = serializers.CharField(help_text="Tên đơn vị, nhóm đơn vị hoặc phân tổ")  # type: ignore[assignment]
    code = serializers.CharField(help_text="Mã đơn vị hoặc mã phân tổ; có thể rỗng")
    values = serializers.ListField(
        child=NumberField(allow_null=True), help_text="Số liệu theo thứ tự các cột; null: tỉ lệ có mẫu số bằng 0"
    )
    link = serializers.CharField(
        help_text="Trang thống kê chi tiết của dòng (đường dẫn trong trang web, xuống cấp dưới); rỗng: không có"
    )
    record_links = serializers.ListField(
        child=serializers.CharField(),
        help_text="Với từng số liệu của một cơ sở giáo dục: trang danh sách các bản ghi đứng sau con số (đường dẫn "
        "trong trang web, rỗng nếu không có); danh sách rỗng với các dòng khác",
    )
    level = serializers.IntegerField(help_text="Mức thụt lề")


class QuerySerializer(serializers.Serializer[Any]):
    """The request as understood, defaults filled in."""

    indicator = serializers.CharField(help_text="Mã chỉ tiêu; rỗng với bảng tỉ lệ và số liệu chính")
    source = serializers.CharField(help_text="live, hoặc mã số (id) kỳ báo cáo")  # type: ignore[assignment]
    at = UnitRefSerializer(help_text="Đơn vị gốc của bảng")
    by = serializers.ChoiceField(choices=list(GROUPINGS.items()), help_text="Cách nhóm dòng")


class TableSerializer(serializers.Serializer[Any]):
    """A statistics table, as the page, the Excel file and the PDF show it."""

    query = QuerySerializer()
    title = serializers.CharField()
    source = serializers.CharField(  # type: ignore[assignment]
        help_text="Nguồn số liệu: trực tiếp (lúc tổng hợp) hoặc số liệu đã duyệt của kỳ"
    )
    scope = serializers.CharField(help_text="Đơn vị (phạm vi) của bảng")
    row_header = serializers.CharField(help_text="Tiêu đề cột tên dòng")
    measure = serializers.CharField(help_text="Đơn vị tính; rỗng với bảng tỉ lệ")
    decimals = serializers.IntegerField(help_text="Số chữ số thập phân; 0: mọi số liệu là số nguyên")
    notes = serializers.ListField(child=serializers.CharField(), help_text="Ghi chú của bảng")
    columns = ColumnSerializer(many=True)
    rows = RowSerializer(many=True)
    total = RowSerializer(help_text="Dòng tổng: tổng những gì tài khoản được xem (với tỉ lệ: thương của hai tổng)")


class KeyFigureSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(help_text="Mã chỉ tiêu")
    label = serializers.CharField()  # type: ignore[assignment]
    value = NumberField(help_text="Tổng hiện tại")
    previous = NumberField(allow_null=True, help_text="Cùng kỳ năm học trước; null: không có kỳ để so sánh")
    change = NumberField(allow_null=True, help_text="Tăng (+) / giảm (−) so với cùng kỳ")
    change_percent = NumberField(allow_null=True, help_text="Tăng / giảm theo phần trăm (một chữ số thập phân)")
    measure = serializers.CharField()
