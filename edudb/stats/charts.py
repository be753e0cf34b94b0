"""Charts drawn on the server as plain SVG: bar, stacked bar, donut and trend across school years (R7.4).

Why our own code and not a library: pygal embeds ``<script>`` and ``<style>`` elements and matplotlib writes
``style=`` attributes — both blocked by our nonce-based Content-Security-Policy and noise in a PDF — and matplotlib is
heavy besides. These charts are a few hundred lines of plain SVG with presentation attributes only (``fill=``,
``stroke=``, ``font-size=``, ``text-anchor=``), so they draw the same in the browser, without JavaScript, and in
WeasyPrint.

Every function returns one ``<svg>`` element as a :class:`SafeString`: ``role="img"`` with ``aria-labelledby``
pointing at its ``<title>`` (the chart title) and ``<desc>`` (the figures on one line), numbers written the Vietnamese
way (:func:`~edudb.stats.tables.format_number`) and every label escaped. Missing values (``None``) draw nothing and are
labelled "—"; negative values are drawn as 0 but labelled with their real value.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from edudb.stats.tables import Number, format_number

WIDTH = 640  # the viewBox width; the svg scales to its container (width="100%")
FONT = "DejaVu Sans, sans-serif"  # every Vietnamese letter (Liberation Sans 1.x, fontconfig's Arial here, lacks many)
INK = "#333333"  # dark grey text
GRID = "#d9d9d9"  # gridlines, the empty ring of a donut
# Okabe–Ito: told apart with the common colour-vision deficiencies (yellow last: it is weak on white).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000", "#F0E442")
ROW = 28  # px per horizontal bar
CHAR = 6.6  # the average width of a 12 px character, to cut labels to the room they have
LABELS, VALUES = 190, 130  # px for the labels left of horizontal bars and the value labels right of them


def colour(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def nice_step(peak: float, *, integral: bool = True) -> Decimal:
    """The gridline step that reaches ``peak`` in at most 4 steps: 1, 2, 2,5 or 5 × 10^k (whole numbers if integral)."""
    raw = peak / 4 if peak > 0 else 1.0
    exponent = math.floor(math.log10(raw))
    if integral:
        exponent = max(exponent, 0)
    for multiple in ("1", "2", "2.5", "5", "10"):
        step = Decimal(multiple).scaleb(exponent)
        if (not integral or step == step.to_integral_value()) and float(step) >= raw:
            return step
    raise AssertionError("unreachable: 10 × 10^k always reaches raw")  # pragma: no cover


def ticks(peak: float, *, integral: bool = True) -> list[Decimal]:
    """The gridline values from 0 to the first nice step at or above ``peak``."""
    step = nice_step(peak, integral=integral)
    count = max(math.ceil(Decimal(repr(max(peak, 0.0))) / step), 1)
    return [step * k for k in range(count + 1)]


def _amount(value: Number) -> float:
    """The length a value is drawn at: a missing value as 0, a negative one clamped at 0."""
    return max(float(value), 0.0) if value is not None else 0.0


def _label(value: Number, decimals: int, unit: str = "") -> str:
    return "—" if value is None else f"{format_number(value, decimals)} {unit}".rstrip()


def _sum(values: Sequence[Number]) -> Number:
    present = [value for value in values if value is not None]
    return sum(present[1:], present[0]) if present else None


def _percent(part: float, whole: float) -> str:
    if whole <= 0:
        return "—"
    share = Decimal(str(round(part / whole * 100, 1)))
    return f"{format_number(share, 0 if share == share.to_integral_value() else 1)} %"


def _fit(text: str, width: float, size: float = 12) -> str:
    """``text`` cut with "…" to fit ``width`` px (estimated: no font metrics on the server)."""
    room = max(int(width / (CHAR * size / 12)), 2)
    return text if len(text) <= room else text[: room - 1].rstrip() + "…"


def _text(x: float, y: float, content: str, *, anchor: str = "start", size: float = 12, extra: str = "") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}"{extra}>{escape(content)}</text>'


def _svg(title: str, desc: str, height: float, body: Sequence[str]) -> SafeString:
    content = "".join(body)
    # Ids from the content: stable output (testable, cacheable), and two charts on one page differ unless identical.
    ident = "chart-" + hashlib.blake2s(f"{title}\0{desc}\0{content}".encode(), digest_size=5).hexdigest()
    h = math.ceil(height)
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {h}" width="100%" height="{h}" role="img" '
        f'aria-labelledby="{ident}-t {ident}-d" font-family="{FONT}" font-size="12" fill="{INK}">'
        f'<title id="{ident}-t">{escape(title)}</title><desc id="{ident}-d">{escape(desc)}</desc>'
    )
    caption = _text(4, 17, _fit(title, WIDTH - 8, 14), size=14, extra=' font-weight="bold"')
    # nosemgrep: edudb-mark-safe -- every text is escaped above; the rest is our own markup and formatted numbers
    return mark_safe(head + caption + content + "</svg>")  # noqa: S308 -- every label above went through escape()


def _empty(title: str) -> SafeString:
    message = gettext("Chưa có số liệu")
    return _svg(title, message, 80, [_text(WIDTH / 2, 54, message, anchor="middle", size=14, extra=' fill="#767676"')])


def _legend(names: Sequence[str], top: float) -> tuple[str, float]:
    """Swatches and names in rows across the chart: the element and the height it takes."""
    parts, x, y = [], 4.0, top
    for index, name in enumerate(names):
        label = _fit(name, 200)
        room = 18 + len(label) * CHAR + 16
        if x > 4 and x + room > WIDTH:
            x, y = 4.0, y + 20
        parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="12" height="12" fill="{colour(index)}"/>')
        parts.append(_text(x + 18, y + 10.5, label))
        x += room
    return f'<g class="legend">{"".join(parts)}</g>', y + 20 - top


def bar(
    title: str,
    items: Sequence[tuple[str, Number]],
    *,
    unit: str = "",
    decimals: int = 0,
    horizontal: bool = True,
    links: Sequence[str] | None = None,
) -> SafeString:
    """One bar per item with its value; horizontal bars (the default) leave room for long Vietnamese labels."""
    if not items:
        return _empty(title)
    desc = "; ".join(f"{label}: {_label(value, decimals, unit)}" for label, value in items)
    peak = max(_amount(value) for _, value in items) or 1.0
    body = []
    top, slot = 30.0, (WIDTH - 8) / len(items)
    turn = not horizontal and slot < 64  # columns too narrow for upright labels: turn them
    start = 74.0 if turn else 4.0  # turned labels reach left of their column
    slot = (WIDTH - 4 - start) / len(items)
    plot = float(WIDTH - LABELS - VALUES - 4) if horizontal else 200.0
    base = top + 18 + (42 if turn else 0) + plot  # the baseline of vertical bars
    height = top + len(items) * ROW + 6 if horizontal else base + (90 if turn else 22)
    for index, (label, value) in enumerate(items):
        length = _amount(value) / peak * plot
        shown = _label(value, decimals, unit)
        parts = [f"<title>{escape(label)}: {escape(shown)}</title>"]
        rect: tuple[float, float, float, float]
        if horizontal:
            y = top + index * ROW
            parts.append(_text(LABELS - 6, y + 18, _fit(label, LABELS - 10), anchor="end"))
            rect = (LABELS, y + 4, length, ROW - 8)
            parts.append(_text(LABELS + length + 5, y + 18, shown))
        else:
            middle = start + (index + 0.5) * slot
            rect = (middle - slot * 0.35, base - length, slot * 0.7, length)
            if turn:
                at = f"{middle + 4:.1f} {base - length - 4:.1f}"
                parts.append(
                    _text(middle + 4, base - length - 4, shown, size=11, extra=f' transform="rotate(-90 {at})"')
                )
                at = f"{middle + 4:.1f} {base + 12:.1f}"
                label_text = _text(
                    middle + 4, base + 12, _fit(label, 100), anchor="end", extra=f' transform="rotate(-45 {at})"'
                )
            else:
                parts.append(_text(middle, base - length - 5, shown, anchor="middle", size=11))
                label_text = _text(middle, base + 16, _fit(label, slot - 4), anchor="middle")
            parts.append(label_text)
        x, y, w, h = rect
        parts.insert(
            1, f'<rect class="bar" x="{x:.2f}" y="{y:.2f}" width="{w:.2f}" height="{h:.2f}" fill="{PALETTE[0]}"/>'
        )
        group = f'<g class="bar-group">{"".join(parts)}</g>'
        link = links[index] if links and index < len(links) else ""
        body.append(f'<a href="{escape(link)}">{group}</a>' if link else group)
    if not horizontal:
        body.append(
            f'<line x1="{start:.0f}" x2="{WIDTH - 4}" y1="{base:.2f}" y2="{base:.2f}" stroke="{INK}" stroke-width="1"/>'
        )
    return _svg(title, desc, height, body)


def stacked_bar(
    title: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[Number]]],
    *,
    unit: str = "",
    decimals: int = 0,
) -> SafeString:
    """One horizontal bar per category, stacked by series ("Nam", "Nữ"), with a legend and the total at the end."""
    if not categories or not series:
        return _empty(title)

    def value_at(values: Sequence[Number], index: int) -> Number:
        return values[index] if index < len(values) else None

    rows = [[value_at(values, index) for _, values in series] for index in range(len(categories))]
    totals = [_sum(row) for row in rows]
    desc = "; ".join(
        f"{category}: {_label(total, decimals, unit)} ("
        + ", ".join(f"{name}: {_label(value, decimals)}" for (name, _), value in zip(series, row, strict=True))
        + ")"
        for category, row, total in zip(categories, rows, totals, strict=True)
    )
    legend, legend_height = _legend([name for name, _ in series], 27)
    top = 27 + legend_height
    plot = WIDTH - LABELS - VALUES - 4
    peak = max(sum(_amount(value) for value in row) for row in rows) or 1.0
    body = [legend]
    for index, (category, row, total) in enumerate(zip(categories, rows, totals, strict=True)):
        y = top + index * ROW
        parts = [f"<title>{escape(category)}: {escape(_label(total, decimals, unit))}</title>"]
        parts.append(_text(LABELS - 6, y + 18, _fit(category, LABELS - 10), anchor="end"))
        reached, start = 0.0, float(LABELS)
        for number, ((name, _), value) in enumerate(zip(series, row, strict=True)):
            reached += _amount(value)
            end = round(LABELS + reached / peak * plot, 2)  # rounded ends: the segments add up to the bar exactly
            if end > start:
                tip = f"{category} — {name}: {_label(value, decimals, unit)}"
                parts.append(
                    f'<rect class="segment" x="{start:.2f}" y="{y + 4:.2f}" width="{end - start:.2f}" height="{ROW - 8}" '
                    f'fill="{colour(number)}" stroke="#ffffff" stroke-width="0.5"><title>{escape(tip)}</title></rect>'
                )
            start = max(start, end)
        parts.append(_text(start + 5, y + 18, _label(total, decimals, unit), extra=' font-weight="bold"'))
        body.append(f'<g class="bar-group">{"".join(parts)}</g>')
    return _svg(title, desc, top + len(categories) * ROW + 6, body)


def _point(cx: float, cy: float, radius: float, angle: float) -> str:
    """The point ``angle`` radians clockwise from 12 o'clock."""
    return f"{cx + radius * math.sin(angle):.2f} {cy - radius * math.cos(angle):.2f}"


def donut(title: str, items: Sequence[tuple[str, Number]], *, unit: str = "", decimals: int = 0) -> SafeString:
    """A ring of slices clockwise from 12 o'clock, the grand total in the middle, a legend with values and shares."""
    if not items:
        return _empty(title)
    whole = sum(_amount(value) for _, value in items)
    shares = [(label, value, _percent(_amount(value), whole)) for label, value in items]
    desc = "; ".join(f"{label}: {_label(value, decimals, unit)} ({share})" for label, value, share in shares)
    top, outer, inner = 30.0, 100.0, 60.0
    cx, cy = 130.0, top + 10 + outer
    ring = (outer + inner) / 2
    body = [f'<circle cx="{cx}" cy="{cy}" r="{ring}" fill="none" stroke="{GRID}" stroke-width="{outer - inner}"/>']
    angle = 0.0
    for index, (label, value, share) in enumerate(shares):
        part = _amount(value) / whole if whole else 0.0
        if part <= 0:
            continue  # a zero slice: in the legend only
        if part >= 1 - 1e-9:  # the whole ring: one arc cannot start and end at the same point, so two halves each
            d = " ".join(
                f"M {cx:.2f} {cy - r:.2f} A {r} {r} 0 1 {s} {cx:.2f} {cy + r:.2f} A {r} {r} 0 1 {s} {cx:.2f} {cy - r:.2f} Z"
                for r, s in ((outer, 1), (inner, 0))
            )
        else:
            end, large = angle + part * 2 * math.pi, 1 if part > 0.5 else 0
            d = (
                f"M {_point(cx, cy, outer, angle)} A {outer} {outer} 0 {large} 1 {_point(cx, cy, outer, end)} "
                f"L {_point(cx, cy, inner, end)} A {inner} {inner} 0 {large} 0 {_point(cx, cy, inner, angle)} Z"
            )
            angle = end
        tip = f"{label}: {_label(value, decimals, unit)} ({share})"
        body.append(
            f'<path class="slice" d="{d}" fill="{colour(index)}" fill-rule="evenodd" stroke="#ffffff" stroke-width="1">'
            f"<title>{escape(tip)}</title></path>"
        )
    total = _sum([value for _, value in items])
    body.append(_text(cx, cy + 4, _label(total, decimals), anchor="middle", size=18, extra=' font-weight="bold"'))
    body.append(_text(cx, cy + 22, unit or gettext("tổng cộng"), anchor="middle", size=11))
    for index, (label, value, share) in enumerate(shares):
        y = top + 10 + index * 22
        body.append(
            f'<g class="legend-item"><title>{escape(label)}</title>'
            f'<rect x="272" y="{y:.1f}" width="12" height="12" fill="{colour(index)}"/>'
            + _text(290, y + 10.5, _fit(label, 160))
            + _text(WIDTH - 4, y + 10.5, f"{_label(value, decimals, unit)} ({share})", anchor="end")
            + "</g>"
        )
    return _svg(title, desc, max(cy + outer + 10, top + 10 + len(items) * 22 + 6), body)


def trend(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[Number]]],
    *,
    unit: str = "",
    decimals: int = 0,
) -> SafeString:
    """Lines across school years ("2023–2024"), one per series; a missing year (None) breaks the line."""
    present = [value for _, values in series for value in values[: len(labels)] if value is not None]
    if not labels or not present:
        return _empty(title)
    desc = "; ".join(
        f"{name}: "
        + ", ".join(f"{label} {_label(value, decimals, unit)}" for label, value in zip(labels, values, strict=False))
        for name, values in series
    )
    legend, legend_height = _legend([name for name, _ in series], 27)
    top, left, right, plot = 27 + legend_height + 18, 72.0, 20.0, 200.0
    base = top + plot
    grid = ticks(max(_amount(value) for value in present), integral=decimals == 0)
    exponent = grid[1].normalize().as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    body = [legend, _text(left - 6, top - 10, unit, anchor="end", size=11)] if unit else [legend]
    for tick in grid:
        y = base - float(tick) / float(grid[-1]) * plot
        body.append(
            f'<line x1="{left}" x2="{WIDTH - right}" y1="{y:.2f}" y2="{y:.2f}" stroke="{GRID}" stroke-width="1"/>'
        )
        body.append(_text(left - 6, y + 4, format_number(tick, places), anchor="end", size=11))
    slot = (WIDTH - left - right) / len(labels)
    turn = slot < 64
    xs = [left + (index + 0.5) * slot for index in range(len(labels))]
    for x, label in zip(xs, labels, strict=True):
        if turn:
            at = f"{x + 4:.1f} {base + 14:.1f}"
            body.append(
                _text(
                    x + 4,
                    base + 14,
                    _fit(label, 100, 11),
                    anchor="end",
                    size=11,
                    extra=f' transform="rotate(-45 {at})"',
                )
            )
        else:
            body.append(_text(x, base + 18, _fit(label, slot - 4, 11), anchor="middle", size=11))
    for number, (name, values) in enumerate(series):
        runs: list[list[str]] = [[]]
        markers = []
        for x, label, value in zip(xs, labels, values, strict=False):
            if value is None:
                runs.append([])
                continue
            point = f"{x:.2f},{base - _amount(value) / float(grid[-1]) * plot:.2f}"
            runs[-1].append(point)
            tip = f"{name} — {label}: {_label(value, decimals, unit)}"
            cx, cy = point.split(",")
            markers.append(
                f'<circle cx="{cx}" cy="{cy}" r="3.5" fill="{colour(number)}"><title>{escape(tip)}</title></circle>'
            )
        lines = [
            f'<polyline points="{" ".join(run)}" fill="none" stroke="{colour(number)}" stroke-width="2"/>'
            for run in runs
            if len(run) > 1
        ]
        body.append(f'<g class="series">{"".join(lines + markers)}</g>')
    return _svg(title, desc, base + (80 if turn else 30), body)
