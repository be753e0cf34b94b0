"""The server-side SVG charts: well-formed, accessible, escaped, CSP-clean, and drawn to scale."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from edudb.stats import charts

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = "<script>alert(\"x\")</script> & 'Trường'"
YEARS = ["2021–2022", "2022–2023", "2023–2024", "2024–2025", "2025–2026"]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(str(svg))  # noqa: S314 - the svg this test just drew


def elements(root: ET.Element, tag: str, cls: str | None = None) -> list[ET.Element]:
    return [e for e in root.iter(SVG + tag) if cls is None or e.get("class") == cls]


def texts(root: ET.Element) -> list[str]:
    return [text_of(e) for e in elements(root, "text")]


def child(element: ET.Element, tag: str) -> ET.Element:
    found = element.find(SVG + tag)
    assert found is not None, tag
    return found


def attr(element: ET.Element, name: str) -> str:
    value = element.get(name)
    assert value is not None, name
    return value


def text_of(element: ET.Element) -> str:
    return "".join(element.itertext())


def width(rect: ET.Element) -> float:
    return float(attr(rect, "width"))


def arc_flags(path: str) -> list[tuple[int, int]]:
    """(large-arc, sweep) of each arc command in a path."""
    return [(int(m[1]), int(m[2])) for m in re.finditer(r"A [\d.]+ [\d.]+ 0 ([01]) ([01])", path)]


def every_chart() -> list[str]:
    return [
        charts.bar(HOSTILE, [(HOSTILE, 3), ("Khối 2", None)], links=['/x?a=1&b="2"', ""]),
        charts.bar(HOSTILE, [(HOSTILE, 3), ("B", 5)], horizontal=False),
        charts.bar(HOSTILE, [(f"Trường {i}", i) for i in range(20)], horizontal=False),
        charts.stacked_bar(HOSTILE, [HOSTILE, "Khối 2"], [(HOSTILE, [1, 2]), ("Nữ", [3, None])]),
        charts.donut(HOSTILE, [(HOSTILE, 1), ("B", 0), ("C", None)], unit=HOSTILE),
        charts.donut(HOSTILE, [(HOSTILE, 1)]),
        charts.trend(HOSTILE, [HOSTILE, "2024–2025"], [(HOSTILE, [1, None]), ("B", [2, 3])], unit=HOSTILE),
        charts.bar(HOSTILE, []),
    ]


# --- every chart ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("svg", every_chart())
def test_every_chart_is_csp_clean_and_escapes_labels(svg):
    assert "<script" not in svg
    root = parse(svg)  # well-formed XML
    for element in root.iter():
        assert element.tag.removeprefix(SVG) not in {"style", "script", "foreignObject"}
        assert "style" not in element.attrib
        assert not any(name.startswith("on") for name in element.attrib)
    assert next(e.text for e in elements(root, "title")) == HOSTILE  # parsed back: the very text given


@pytest.mark.parametrize("svg", every_chart())
def test_every_chart_is_one_accessible_scalable_svg(svg):
    root = parse(svg)
    assert root.tag == SVG + "svg"
    assert root.get("role") == "img"
    assert root.get("width") == "100%"
    assert int(root.get("height", "")) > 0
    assert root.get("viewBox") == f"0 0 640 {root.get('height')}"
    assert root.get("font-family") == "DejaVu Sans, sans-serif"
    title_id, desc_id = root.get("aria-labelledby", "").split()
    title, desc = child(root, "title"), child(root, "desc")
    assert (title.get("id"), desc.get("id")) == (title_id, desc_id)
    assert title.text == HOSTILE
    assert desc.text


def test_charts_on_one_page_get_their_own_ids():
    first, second = parse(charts.bar("A", [("x", 1)])), parse(charts.bar("A", [("x", 2)]))
    assert first.get("aria-labelledby") != second.get("aria-labelledby")


@pytest.mark.parametrize(
    "svg",
    [
        charts.bar("T", []),
        charts.stacked_bar("T", [], [("Nam", [])]),
        charts.stacked_bar("T", ["Khối 1"], []),
        charts.donut("T", []),
        charts.trend("T", [], []),
        charts.trend("T", YEARS[:2], [("Nam", [None, None])]),
    ],
)
def test_no_data_says_so(svg):
    root = parse(svg)
    assert "Chưa có số liệu" in texts(root)
    assert text_of(child(root, "desc")) == "Chưa có số liệu"


# --- bar --------------------------------------------------------------------------------------------------------------


def test_bar_lengths_are_proportional_and_labels_vietnamese():
    root = parse(charts.bar("Học sinh", [("Khối 1", 100), ("Khối 2", 50)]))
    first, second = elements(root, "rect", "bar")
    assert width(first) / width(second) == pytest.approx(2, abs=0.01)
    assert {"Khối 1", "100", "50"} <= set(texts(root))
    huge = parse(charts.bar("Học sinh", [("Sở", 1_100_000), ("Trường", 550_000)], unit="học sinh"))
    assert [width(rect) for rect in elements(huge, "rect", "bar")] == [316, 158]
    assert {"1.100.000 học sinh", "550.000 học sinh"} <= set(texts(huge))


def test_bar_description_units_and_decimals():
    svg = charts.bar("Tỉ lệ", [("Khối 1", Decimal("12.5")), ("Khối 2", 1234)], unit="%", decimals=1)
    root = parse(svg)
    assert text_of(child(root, "desc")) == "Khối 1: 12,5 %; Khối 2: 1.234,0 %"
    assert "12,5 %" in texts(root)
    plain = parse(charts.bar("Học sinh", [("Khối 1", 1234), ("Khối 2", 1100)]))
    assert text_of(child(plain, "desc")) == "Khối 1: 1.234; Khối 2: 1.100"


def test_bar_missing_negative_and_zero_values():
    root = parse(charts.bar("T", [("Có", 10), ("Thiếu", None), ("Âm", -5), ("Không", 0)]))
    lengths = [width(rect) for rect in elements(root, "rect", "bar")]
    assert lengths[0] > 0 and lengths[1:] == [0, 0, 0]
    assert {"—", "-5", "0"} <= set(texts(root))
    zeros = parse(charts.bar("T", [("A", 0), ("B", 0)]))
    assert [width(rect) for rect in elements(zeros, "rect", "bar")] == [0, 0]


def test_long_labels_are_cut_but_kept_whole_on_hover():
    long = "Trường Trung học cơ sở Nguyễn Bỉnh Khiêm, phường Hồng Bàng, thành phố Hải Phòng"
    group = elements(parse(charts.bar("T", [(long, 7)])), "g", "bar-group")[0]
    label = text_of(child(group, "text"))
    assert label.endswith("…") and long.startswith(label[:-1]) and len(label) < len(long)
    assert text_of(child(group, "title")) == f"{long}: 7"


def test_bars_drill_down_through_links():
    root = parse(charts.bar("T", [("A", 1), ("B", 2), ("C", 3)], links=["/a?x=1&y=2", "", "/c"]))
    anchors = elements(root, "a")
    assert [a.get("href") for a in anchors] == ["/a?x=1&y=2", "/c"]
    assert all(child(a, "g").get("class") == "bar-group" for a in anchors)


def test_height_grows_with_the_number_of_bars():
    def height(count):
        return int(attr(parse(charts.bar("T", [(f"Trường {i}", i) for i in range(count)])), "height"))

    assert height(50) - height(1) == 49 * charts.ROW
    assert len(elements(parse(charts.bar("T", [(f"Trường {i}", i) for i in range(50)])), "rect", "bar")) == 50


def test_vertical_bar_heights_are_proportional():
    root = parse(charts.bar("T", [("A", 100), ("B", 50), ("C", None)], horizontal=False))
    a, b, c = (float(attr(rect, "height")) for rect in elements(root, "rect", "bar"))
    assert a / b == pytest.approx(2, abs=0.01) and c == 0


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=60))
def test_bar_property_one_bar_per_item_drawn_to_scale(values):
    root = parse(charts.bar("T", [(f"Mục {i}", value) for i, value in enumerate(values)]))
    lengths = [width(rect) for rect in elements(root, "rect", "bar")]
    assert len(lengths) == len(values)
    peak = max(values)
    longest = max(lengths)
    for value, length in zip(values, lengths, strict=True):
        expected = value / peak * longest if peak else 0
        assert length == pytest.approx(expected, abs=0.5)


# --- stacked bar ------------------------------------------------------------------------------------------------------


def test_stacked_segments_add_up_to_the_total():
    series: list[tuple[str, list[int | None]]] = [("Nam", [120, 300, None]), ("Nữ", [110, 280, 90]), ("Khác", [3, 0])]
    root = parse(charts.stacked_bar("Học sinh", ["Khối 1", "Khối 2", "Khối 3"], series, unit="em"))
    groups = elements(root, "g", "bar-group")
    lengths = [sum(width(rect) for rect in elements(group, "rect", "segment")) for group in groups]
    totals = [233, 580, 90]
    for length, total in zip(lengths, totals, strict=True):
        assert length / lengths[1] == pytest.approx(total / 580, abs=0.001)
    first = elements(groups[0], "rect", "segment")
    assert [float(attr(r, "x")) + width(r) for r in first[:-1]] == [float(attr(r, "x")) for r in first[1:]]  # no gaps
    assert len(elements(groups[1], "rect", "segment")) == 2  # a zero segment is not drawn
    assert {"233 em", "580 em", "90 em"} <= set(texts(root))
    legend = elements(root, "g", "legend")[0]
    assert texts(legend) == ["Nam", "Nữ", "Khác"]
    assert text_of(child(root, "desc")).startswith("Khối 1: 233 em (Nam: 120, Nữ: 110, Khác: 3); Khối 2")


# --- donut ------------------------------------------------------------------------------------------------------------


def slice_angle(path: str, cx: float, cy: float) -> float:
    """The clockwise angle from 12 o'clock to the end of a slice's outer arc, in degrees."""
    numbers = [float(n) for n in re.findall(r"-?[\d.]+", path.split("L")[0])]
    x, y = numbers[-2:]
    return math.degrees(math.atan2(x - cx, cy - y)) % 360


def test_donut_slices_are_proportional():
    root = parse(charts.donut("Trường", [("Tiểu học", 25), ("THCS", 75)], unit="trường"))
    ring = child(root, "circle")
    cx, cy = float(attr(ring, "cx")), float(attr(ring, "cy"))
    small, large = (attr(path, "d") for path in elements(root, "path", "slice"))
    assert slice_angle(small, cx, cy) == pytest.approx(90, abs=0.1)
    assert slice_angle(large, cx, cy) == pytest.approx(0, abs=0.1) or slice_angle(large, cx, cy) == pytest.approx(360)
    assert arc_flags(small) == [(0, 1), (0, 0)]
    assert arc_flags(large) == [(1, 1), (1, 0)]  # more than half: the large-arc flag
    legend = [texts(item) for item in elements(root, "g", "legend-item")]
    assert legend == [["Tiểu học", "25 trường (25 %)"], ["THCS", "75 trường (75 %)"]]
    assert {"100", "trường"} <= set(texts(root))  # the total in the middle


def test_donut_percent_uses_a_decimal_comma_and_skips_zero_slices():
    root = parse(charts.donut("T", [("A", 1), ("B", 7), ("C", 0), ("D", None)]))
    assert len(elements(root, "path", "slice")) == 2
    shown = [texts(item)[1] for item in elements(root, "g", "legend-item")]
    assert shown == ["1 (12,5 %)", "7 (87,5 %)", "0 (0 %)", "— (0 %)"]
    assert text_of(child(root, "desc")) == "A: 1 (12,5 %); B: 7 (87,5 %); C: 0 (0 %); D: — (0 %)"


def test_donut_single_slice_is_a_full_ring():
    root = parse(charts.donut("T", [("A", 0), ("B", 1_100_000)]))
    (ring,) = elements(root, "path", "slice")
    assert len(arc_flags(attr(ring, "d"))) == 4  # two half arcs outside, two inside
    assert ring.get("fill-rule") == "evenodd"
    assert "1.100.000" in texts(root)


def test_donut_all_zeros_draws_the_empty_ring():
    root = parse(charts.donut("T", [("A", 0), ("B", 0)]))
    assert elements(root, "path", "slice") == []
    assert [texts(item)[1] for item in elements(root, "g", "legend-item")] == ["0 (—)", "0 (—)"]


# --- trend ------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("peak", "step"),
    [(1000, "250"), (1001, "500"), (260, "100"), (9, "5"), (2, "1"), (0, "1"), (1_100_000, "500000"), (37, "10")],
)
def test_nice_step(peak, step):
    assert charts.nice_step(peak) == Decimal(step)


def test_nice_step_with_decimals_and_ticks():
    assert charts.nice_step(0.9, integral=False) == Decimal("0.25")
    assert charts.ticks(1000) == [0, 250, 500, 750, 1000]
    assert 2 <= len(charts.ticks(1001)) <= 5


def test_trend_lines_break_at_missing_years():
    series = [("Tiểu học", [800, 900, None, 950, 1000]), ("THCS", [None, 520, None, 600, None])]
    root = parse(charts.trend("Học sinh", YEARS, series, unit="học sinh"))
    first, second = elements(root, "g", "series")
    assert len(elements(first, "polyline")) == 2 and len(elements(first, "circle")) == 4
    assert elements(second, "polyline") == [] and len(elements(second, "circle")) == 2  # no neighbours: points only
    assert {"0", "250", "500", "750", "1.000", "2023–2024"} <= set(texts(root))
    assert texts(elements(root, "g", "legend")[0]) == ["Tiểu học", "THCS"]
    assert text_of(child(child(first, "circle"), "title")) == "Tiểu học — 2021–2022: 800 học sinh"


def test_trend_points_sit_on_the_scale():
    root = parse(charts.trend("T", YEARS[:3], [("A", [0, 500, 1000])]))
    (line,) = elements(root, "polyline")
    ys = [float(point.split(",")[1]) for point in attr(line, "points").split()]
    assert ys[0] - ys[1] == pytest.approx(ys[1] - ys[2]) and ys[0] > ys[2]
    grid = sorted(float(attr(g, "y1")) for g in elements(root, "line"))
    assert (grid[0], grid[-1]) == pytest.approx((ys[2], ys[0]))  # 1.000 on the top gridline, 0 on the bottom


def test_trend_with_decimal_ratios():
    root = parse(charts.trend("T", YEARS[:2], [("Đạt", [Decimal("0.42"), Decimal("0.9")])], decimals=2))
    assert {"0,00", "0,25", "0,50", "1,00"} <= set(texts(root))
    assert "Đạt: 2021–2022 0,42, 2022–2023 0,90" == text_of(child(root, "desc"))
