"""Template helpers of the statistics pages: Vietnamese numbers, a table's header rows and its cells with links."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from edudb.stats.documents import HeaderCell, header_rows
from edudb.stats.tables import Number, Row, Table, format_number

register = template.Library()


@register.filter
def vnum(value: Number, decimals: int = 0) -> str:
    """1.234.567 and 12,5 — blank stays blank, shown as a dash by the template."""
    return format_number(value, int(decimals or 0)) if value is not None else "—"


@register.simple_tag
def table_header(table: Table) -> tuple[list[HeaderCell], list[HeaderCell]]:
    return header_rows(table.columns)


@register.filter
def cells(row: Row) -> list[tuple[Number, str]]:
    """A row's values with the link of each (the records behind the number), "" where there is none."""
    links = row.links or [""] * len(row.values)
    return list(zip(row.values, links, strict=False))


@register.filter
def signed(value: Any, decimals: int = 0) -> str:
    """A change with its sign: +1.234, −56 (a real minus sign), 0."""
    if value is None:
        return ""
    text = format_number(abs(value), int(decimals or 0))
    return f"+{text}" if value > 0 else (f"−{text}" if value < 0 else text)


@register.simple_tag
def stats_table(table: Table) -> SafeString:
    """The table's markup, written here rather than by template loops: the city's table of every unit is some
    60,000 cells, which the template language takes seconds to render and this takes a fraction of one."""
    top, bottom = header_rows(table.columns)
    decimals = table.decimals
    see = escape(gettext("Xem danh sách hồ sơ"))
    out = ['<div class="scroll stats-scroll"><table class="table compact stats-table">']
    caption = str(escape(table.source))
    if table.measure:
        caption += " · " + str(escape(gettext("đơn vị tính: %(m)s") % {"m": table.measure}))
    out.append(f'<caption class="muted">{caption}</caption><thead><tr>')
    out.append(f'<th scope="col" rowspan="{2 if bottom else 1}">{escape(table.row_header)}</th>')
    out.extend(
        f'<th scope="col" class="num" colspan="{cell.colspan}" rowspan="{cell.rowspan}">{escape(cell.label)}</th>'
        for cell in top
    )
    out.append("</tr>")
    if bottom:
        out.append("<tr>" + "".join(f'<th scope="col" class="num">{escape(c.label)}</th>' for c in bottom) + "</tr>")
    out.append("</thead><tbody>")
    if table.total is not None:
        cells = "".join(f'<td class="num">{vnum(value, decimals)}</td>' for value in table.total.values)
        out.append(f'<tr class="total"><th scope="row">{escape(table.total.label)}</th>{cells}</tr>')
    for row in table.rows:
        label = escape(row.label)
        head = f'<a href="{escape(row.link)}">{label}</a>' if row.link else label
        if row.code:
            head += f' <small class="code">{escape(row.code)}</small>'
        parts = [f'<tr><th scope="row">{head}</th>']
        links = row.links
        for index, value in enumerate(row.values):
            text = vnum(value, decimals)
            if links and value:
                parts.append(f'<td class="num"><a href="{escape(links[index])}" title="{see}">{text}</a></td>')
            else:
                parts.append(f'<td class="num">{text}</td>')
        parts.append("</tr>")
        out.append("".join(parts))
    if not table.rows:
        empty = escape(gettext("Chưa có số liệu trong phạm vi này."))
        out.append(f'<tr><td colspan="{len(table.columns) + 1}">{empty}</td></tr>')
    out.append("</tbody></table></div>")
    # nosemgrep: edudb-mark-safe -- every text is escaped above; the rest is our own markup and formatted numbers
    return mark_safe("".join(out))  # noqa: S308 - every text above is escaped; numbers are formatted digits
