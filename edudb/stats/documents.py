"""A statistics :class:`~edudb.stats.tables.Table` as a file: a formatted .xlsx and a PDF (R7.5).

With a :class:`~edudb.stats.tables.DocumentHeader`, both files carry the header and signature block of an official
document as Nghị định 30/2020/NĐ-CP, Phụ lục I lays them out:

- top left (ô 2, ô 3): the governing body (upper case), the issuing unit (upper case, bold, a short rule under it),
  "Số: …";
- top right (ô 1, ô 4): "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" (upper case, bold), "Độc lập - Tự do - Hạnh phúc"
  (bold, a rule as long as the text under it), the place and date in italics — day below 10 and months 1 and 2
  with a leading zero (:func:`vietnamese_date`);
- the title (upper case, bold, centred), then the content;
- bottom right (ô 7): the signer's title (upper case, bold), room for the signature and seal, the signer's name
  (bold); bottom left (ô 9b): "Nơi nhận:" (bold italic 12 pt) and one line "- …" per recipient (11 pt).

The PDF follows the rest of Phụ lục I too: A4 (landscape when the table is wide — allowed for documents made of
tables), margins 20 mm top and bottom, 30 mm left, 15 mm right, Times New Roman (Liberation Serif, its metric
twin, which has every Vietnamese glyph; DejaVu Serif as the fallback), 13 pt text, and the page number centred
in the top margin from page 2 on.

The fixed texts of the header (national title, motto, "Số", "ngày … tháng … năm", "Nơi nhận") are the law's words
and stay Vietnamese whatever the interface language; the table's own labels arrive already translated.

Both functions are pure: they read the Table and nothing else (no database, no request).
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import math
import shutil
import subprocess
from dataclasses import dataclass
from typing import Any

import xlsxwriter
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from edudb.exchange.exports import neutralise
from edudb.stats.tables import Column, DocumentHeader, Number, Row, Table, format_number

NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
RECIPIENTS_LABEL = "Nơi nhận:"

LANDSCAPE_ABOVE = 8  # more figure columns than this: the page turns to landscape
SMALL_FONT_ABOVE = 12  # more figure columns than this: the PDF's table drops from 11 pt to 10 pt
SMALLEST_FONT = 6.0  # a table too wide even for 10 pt shrinks until it fits, down to this

# Nghị định 30/2020, Phụ lục I, mục I.5: top and bottom 20–25 mm, left 30–35 mm, right 15–20 mm.
MARGIN_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
_INCH_MM = 25.4

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_CONTENT_TYPE = "application/pdf"


def vietnamese_date(place: str, date: dt.date) -> str:
    """The place and date line of a document: "Hải Phòng, ngày 05 tháng 02 năm 2026".

    Nghị định 30/2020, Phụ lục I, mục II.4: a day below 10 and the months 1 and 2 take a leading zero (so that
    nobody can add a digit in front); the other months are written as they are ("tháng 3", "tháng 11").
    """
    month = f"{date.month:02d}" if date.month <= 2 else str(date.month)
    when = f"ngày {date.day:02d} tháng {month} năm {date.year}"
    return f"{place}, {when}" if place.strip() else when


def number_line(header: DocumentHeader) -> str:
    """The "Số: …" line; the header may hold the whole line or only the number and symbol."""
    number = header.number.strip()
    if number.casefold().startswith("số"):
        return number
    return f"Số: {number}" if number else "Số:"


def sheet_name(title: str) -> str:
    """A legal sheet name made of the title: at most 31 characters, none of []:*?/\\, no quote at either end."""
    clean = " ".join("".join(" " if ch in "[]:*?/\\" else ch for ch in title).split())
    if len(clean) > 31:
        cut = clean[:32].rsplit(" ", 1)[0]  # at a word's end when one is near enough
        clean = cut if len(cut) >= 16 else clean[:31]
    clean = clean.strip().strip("'").strip()
    return clean or "Bảng"


def figure_format(decimals: int) -> str:
    """The cell format of the figures: #,##0 or #,##0.0… — Excel draws the separators of the reader's locale."""
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")


# --- the header rows of the table ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HeaderCell:
    """One cell of the table's header: its text, where it starts (figure column index) and how far it spans."""

    label: str
    first: int  # index of the first figure column it covers
    colspan: int = 1
    rowspan: int = 1


def header_rows(columns: list[Column]) -> tuple[list[HeaderCell], list[HeaderCell]]:
    """The figure columns' header as one or two rows.

    Neighbouring columns of the same ``group`` share one cell in the first row, their own labels go in the second;
    an ungrouped column spans both rows. Without any group the second row is empty.
    """
    grouped = any(column.group for column in columns)
    top: list[HeaderCell] = []
    bottom: list[HeaderCell] = []
    index = 0
    while index < len(columns):
        column = columns[index]
        if not column.group:
            top.append(HeaderCell(column.label, index, 1, 2 if grouped else 1))
            index += 1
            continue
        end = index
        while end + 1 < len(columns) and columns[end + 1].group == column.group:
            end += 1
        top.append(HeaderCell(column.group, index, end - index + 1, 1))
        bottom.extend(HeaderCell(columns[i].label, i) for i in range(index, end + 1))
        index = end + 1
    return top, bottom


def _numbered(table: Table) -> list[tuple[int | None, Row]]:
    """The rows with their STT: top-level rows are numbered 1, 2, …; break-down rows and totals are not."""
    numbered: list[tuple[int | None, Row]] = []
    count = 0
    for row in table.rows:
        if row.level == 0 and not row.is_total:
            count += 1
            numbered.append((count, row))
        else:
            numbered.append((None, row))
    return numbered


def _padded(values: list[Number], width: int) -> list[Number]:
    """A row's values cut or filled (with None) to the number of columns."""
    return (list(values) + [None] * width)[:width]


# --- xlsx ---------------------------------------------------------------------------------------------------------


_STT_WIDTH = 5
_FIGURE_WIDTH = 11
_HEADER_RIGHT_MIN = 46  # … and the right half ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in bold 13 pt)
_FONT = "Times New Roman"


class _Formats:
    """The workbook's cell formats, made once each (xlsxwriter keeps every format it is given)."""

    def __init__(self, book: Any, decimals: int) -> None:
        self.book = book
        self.number = figure_format(decimals)
        self._cache: dict[tuple[tuple[str, Any], ...], Any] = {}

    def get(self, **properties: Any) -> Any:
        properties = {"font_name": _FONT, "font_size": 12, "valign": "vcenter", **properties}
        key = tuple(sorted(properties.items()))
        if key not in self._cache:
            self._cache[key] = self.book.add_format(properties)
        return self._cache[key]


def _label_width(table: Table) -> int:
    longest = max(
        [len(table.row_header)] + [len(row.label) + 2 * row.level for row in table.rows + _total_rows(table)],
        default=10,
    )
    return max(18, min(45, longest + 2))


def _total_rows(table: Table) -> list[Row]:
    return [table.total] if table.total is not None else []


def _write_text(sheet: Any, row: int, first: int, last: int, text: str, style: Any) -> None:
    """A text across columns first..last (merged when more than one): always through ``neutralise`` and
    ``write_string`` — ``merge_range`` itself would go through ``write()``."""
    text = neutralise(text)
    if last > first:
        sheet.merge_range(row, first, row, last, "", style)
    sheet.write_string(row, first, text, style)


def _wrapped_height(text: str, width_chars: float, points: float = 15.0) -> float:
    """A row height that shows a wrapped text whole (Excel does not grow merged rows by itself)."""
    lines = max(1, math.ceil(len(text) / max(width_chars, 1.0)))
    return lines * points


def xlsx_bytes(table: Table, header: DocumentHeader | None = None, *, charts: list[str] | None = None) -> bytes:
    """The table as a one-sheet workbook, laid out to print as an official document.

    ``charts`` (SVG) have no place in a workbook — Excel does not read SVG, and the figures to chart are all in the
    sheet — so they are accepted for symmetry with :func:`pdf_bytes` and left out.
    """
    del charts
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer,
        {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
    )
    book.set_properties({"title": neutralise(table.title), "author": "CSDL Ngành Giáo dục Hải Phòng"})
    sheet = book.add_worksheet(sheet_name(table.title))
    fmt = _Formats(book, table.decimals)

    figures = len(table.columns)
    last_col = 1 + figures  # STT, label, figures
    label_width = _label_width(table)
    figure_width = float(_FIGURE_WIDTH)
    if header is not None and figures:
        # The right half of the header sits over the figure columns: widen them until it fits.
        right_cols = max(1, figures - max(0, figures // 2 - 1))
        figure_width = max(figure_width, math.ceil(_HEADER_RIGHT_MIN / right_cols))
    sheet.set_column(0, 0, _STT_WIDTH)
    sheet.set_column(1, 1, label_width)
    if figures:
        sheet.set_column(2, last_col, figure_width)
    total_width = _STT_WIDTH + label_width + figure_width * figures

    line = 0
    if header is not None:
        left_last, _right_first = _split(last_col, figures)
        left_chars = _STT_WIDTH + label_width + figure_width * (left_last - 1)
        line = _xlsx_header(sheet, fmt, header, last_col, figures, left_chars)

    # Title, source, scope, unit of measure.
    sheet.set_row(line, 24)
    _write_text(sheet, line, 0, last_col, table.title.upper(), fmt.get(bold=True, font_size=14, align="center"))
    line += 1
    for text in (table.source, table.scope):
        if text:
            style = fmt.get(italic=True, align="center", text_wrap=True)
            sheet.set_row(line, _wrapped_height(text, total_width * 0.9))
            _write_text(sheet, line, 0, last_col, text, style)
            line += 1
    if table.measure:
        text = _("Đơn vị tính: %(measure)s") % {"measure": table.measure}
        _write_text(sheet, line, 0, last_col, text, fmt.get(italic=True, align="right"))
        line += 1
    line += 1 if not table.measure else 0

    # The table's header.
    top, bottom = header_rows(table.columns)
    head_rows = 2 if bottom else 1
    head_first = line
    head_style = fmt.get(bold=True, align="center", text_wrap=True, border=1)
    for column, text in ((0, _("STT")), (1, table.row_header)):
        if head_rows == 2:
            sheet.merge_range(line, column, line + 1, column, "", head_style)
        sheet.write_string(line, column, neutralise(text), head_style)
    for cell in top:
        first, last = 2 + cell.first, 2 + cell.first + cell.colspan - 1
        if cell.rowspan > 1 or cell.colspan > 1:
            sheet.merge_range(line, first, line + cell.rowspan - 1, last, "", head_style)
        sheet.write_string(line, first, neutralise(cell.label), head_style)
    for cell in bottom:
        sheet.write_string(line + 1, 2 + cell.first, neutralise(cell.label), head_style)
    for offset, cells in enumerate((top, bottom)[:head_rows]):
        longest = max([len(cell.label) / cell.colspan for cell in cells] + [1.0])
        sheet.set_row(line + offset, max(18.0, _wrapped_height("x" * math.ceil(longest), figure_width - 1)))
    line += head_rows
    sheet.freeze_panes(line, 2)
    sheet.repeat_rows(head_first, line - 1)

    # The body, then the total.
    for stt, row in _numbered(table):
        _xlsx_row(sheet, fmt, line, stt, row, figures)
        line += 1
    for row in _total_rows(table):
        _xlsx_row(sheet, fmt, line, None, row, figures, total=True)
        line += 1

    for note in table.notes:
        sheet.set_row(line, _wrapped_height(note, total_width * 0.95))
        _write_text(sheet, line, 0, last_col, note, fmt.get(italic=True, text_wrap=True, valign="top"))
        line += 1

    if header is not None:
        line = _xlsx_signature(sheet, fmt, header, line + 1, last_col, figures)

    # Print: A4, Decree 30 margins, one page wide, the header rows on every page.
    sheet.set_paper(9)
    if figures > LANDSCAPE_ABOVE:
        sheet.set_landscape()
    else:
        sheet.set_portrait()
    sheet.fit_to_pages(1, 0)
    sheet.center_horizontally()
    sheet.set_margins(
        left=MARGIN_MM["left"] / _INCH_MM,
        right=MARGIN_MM["right"] / _INCH_MM,
        top=MARGIN_MM["top"] / _INCH_MM,
        bottom=MARGIN_MM["bottom"] / _INCH_MM,
    )
    sheet.print_area(0, 0, max(line - 1, 0), last_col)
    book.close()
    return buffer.getvalue()


def _split(last_col: int, figures: int) -> tuple[int, int]:
    """Where the document header's two halves meet: the left one ends at ``left_last``, the right one starts at
    ``right_first`` — the left covers STT, the label and about half the figures, the right at least one column."""
    left_last = 1 + max(0, figures // 2 - 1)
    left_last = min(left_last, last_col - 1) if last_col > 1 else 0
    return left_last, left_last + 1


def _xlsx_header(
    sheet: Any, fmt: _Formats, header: DocumentHeader, last_col: int, figures: int, left_chars: float
) -> int:
    """The Decree 30 header block from row 0; returns the next free row. A long unit name wraps in the left half
    (``left_chars`` wide), its row made tall enough for it."""
    left_last, right_first = _split(last_col, figures)
    centred = {"align": "center", "text_wrap": True}
    left: list[tuple[str, Any]] = []
    if header.authority.strip():
        left.append((header.authority.upper(), fmt.get(font_size=12, **centred)))
    left.append((header.issuer.upper(), fmt.get(bold=True, font_size=12, **centred)))
    right: list[tuple[str, Any]] = [
        (NATIONAL_TITLE, fmt.get(bold=True, font_size=12, **centred)),
        (MOTTO, fmt.get(bold=True, font_size=13, underline=1, **centred)),
    ]
    rows = max(len(left), len(right))
    for index in range(rows):
        # Upper-case 12 pt is about 1.3 of the column width's character unit (a digit at 11 pt).
        height = _wrapped_height(left[index][0], left_chars / 1.3, 16.0) if index < len(left) else 16.0
        sheet.set_row(index, max(18.0, height))
        if index < len(left):
            _write_text(sheet, index, 0, left_last, *left[index])
        if index < len(right):
            _write_text(sheet, index, right_first, last_col, *right[index])
    line = rows + 1  # a blank row under the rules, as on paper
    sheet.set_row(line, 18)
    _write_text(sheet, line, 0, left_last, number_line(header), fmt.get(font_size=13, **centred))
    place_date = vietnamese_date(header.place, header.date)
    _write_text(sheet, line, right_first, last_col, place_date, fmt.get(italic=True, font_size=13, **centred))
    return line + 2


def _xlsx_row(
    sheet: Any, fmt: _Formats, line: int, stt: int | None, row: Row, figures: int, *, total: bool = False
) -> None:
    bold = total or row.is_total
    edge = {"border": 1, "top": 2} if total else {"border": 1}
    if stt is not None:
        sheet.write_number(line, 0, stt, fmt.get(align="center", bold=bold, **edge))
    else:
        sheet.write_blank(line, 0, None, fmt.get(bold=bold, **edge))
    label_style = fmt.get(bold=bold, indent=min(row.level, 15), text_wrap=True, **edge)
    sheet.write_string(line, 1, neutralise(row.label), label_style)
    number_style = fmt.get(bold=bold, num_format=fmt.number, align="right", **edge)
    for index, value in enumerate(_padded(row.values, figures)):
        if value is None:
            sheet.write_blank(line, 2 + index, None, number_style)
        else:
            sheet.write_number(line, 2 + index, float(value), number_style)


def _xlsx_signature(sheet: Any, fmt: _Formats, header: DocumentHeader, line: int, last_col: int, figures: int) -> int:
    """ "Nơi nhận" on the left, the signature block on the right, from ``line``; returns the next free row."""
    left_last, right_first = _split(last_col, figures)
    centred = {"align": "center", "text_wrap": True}
    right: list[tuple[str, Any] | None] = [
        (title.upper(), fmt.get(bold=True, font_size=13, **centred))
        for title in header.signer_title.splitlines()
        if title.strip()
    ]
    right += [None, None, None, None]  # room for the signature and the seal
    if header.signer_name.strip():
        right.append((header.signer_name, fmt.get(bold=True, font_size=13, **centred)))
    left: list[tuple[str, Any] | None] = [(RECIPIENTS_LABEL, fmt.get(bold=True, italic=True, font_size=12))]
    # "– Như trên;": an en dash, where paper has a hyphen — a cell starting with "-" is a formula to a spreadsheet
    # and would have to be quoted ("'- Như trên;", quote and all, on the printout).
    left += [(f"– {recipient}", fmt.get(font_size=11)) for recipient in header.recipients]
    for index in range(max(len(left), len(right))):
        left_cell = left[index] if index < len(left) else None
        right_cell = right[index] if index < len(right) else None
        if left_cell is not None:
            _write_text(sheet, line + index, 0, left_last, *left_cell)
        if right_cell is not None:
            _write_text(sheet, line + index, right_first, last_col, *right_cell)
    return line + max(len(left), len(right))


# --- PDF ------------------------------------------------------------------------------------------------------------


_PT_MM = 25.4 / 72
_CELL_EXTRA_MM = 5 * _PT_MM  # the cell's left and right padding (2 pt each) and its border


def _em(text: str, bold: bool = False) -> float:
    """About how wide a text is in Times (Liberation Serif), in em: digits are 0.5 em, separators 0.25 em."""
    width = 0.0
    for ch in text:
        if ch.isdigit() or ch == " ":
            width += 0.5 if ch.isdigit() else 0.25
        elif ch in ".,":
            width += 0.25
        else:
            width += 0.62 if bold else 0.55
    return width


@dataclass(frozen=True)
class Fit:
    """How the PDF's table fits the page: its font size and, when the natural layout would not fit, fixed widths."""

    font: float
    fixed: bool = False
    stt_mm: float = 0.0
    label_mm: float = 0.0
    figure_mm: tuple[float, ...] = ()


def _fit(table: Table, lines: list[list[str]], landscape: bool) -> Fit:
    """The table's font size: 11 pt, 10 pt above 12 figure columns, and smaller still (down to 6 pt) when the
    figures would not fit across the page otherwise; then the columns get fixed widths (the labels wrap in what
    is left, at least 30 mm) so that the table stays on the page."""
    base = 10.0 if len(table.columns) > SMALL_FONT_ABOVE else 11.0
    available = (297 if landscape else 210) - MARGIN_MM["left"] - MARGIN_MM["right"]
    top, _bottom = header_rows(table.columns)
    # Per figure column, in em: the widest number, and the longest word of its header (bold; words do not break).
    ems = []
    for index, column in enumerate(table.columns):
        widest = max((_em(line[index]) for line in lines if index < len(line)), default=0.0)
        longest_word = max((_em(word, bold=True) for word in column.label.split()), default=0.0)
        for cell in top:  # a group's header shares its columns
            if cell.colspan > 1 and cell.first <= index < cell.first + cell.colspan:
                words = cell.label.split()
                longest_word = max(longest_word, max((_em(w, bold=True) for w in words), default=0.0) / cell.colspan)
        ems.append(max(widest, longest_word))
    stt_em = max(_em(str(len(table.rows))), _em("STT", bold=True))
    label_min_mm = 30.0

    def widths(font: float) -> tuple[float, list[float]]:
        stt = stt_em * font * _PT_MM + _CELL_EXTRA_MM
        return stt, [em * font * _PT_MM + _CELL_EXTRA_MM for em in ems]

    stt, figures = widths(base)
    if stt + label_min_mm + sum(figures) <= available:
        return Fit(font=base)
    font = base
    while font > SMALLEST_FONT:
        font -= 0.5
        stt, figures = widths(font)
        if stt + label_min_mm + sum(figures) <= available:
            break
    # Still too wide at the smallest font (two dozen columns of millions): the labels give up room, down to 20 mm;
    # past that the table runs into the right margin — such a table wants splitting, not a smaller font.
    label = max(label_min_mm if font > SMALLEST_FONT else 20.0, available - stt - sum(figures))
    return Fit(
        font=font,
        fixed=True,
        stt_mm=round(stt, 2),
        label_mm=round(label, 2),
        figure_mm=tuple(round(width, 2) for width in figures),
    )


# Decree 30 prescribes Times New Roman. A PDF is set in the first of these that has the Vietnamese letters on the
# machine (fontconfig's "vi" coverage): Liberation Serif 1.x, still common, lacks ầ ế ộ ơ ư …, and a font that does
# not cover them would have each such letter drawn from another face in mid-word. DejaVu Serif Condensed (on every
# Debian) is the closest in width to Times among the faces that always cover Vietnamese.
PDF_FONTS = ("Times New Roman", "Liberation Serif", "Tinos", "Noto Serif", "DejaVu Serif Condensed", "DejaVu Serif")


@functools.cache
def pdf_font() -> str:
    """The family the PDF names first: Times New Roman or its metric twins where they cover Vietnamese."""
    tool = shutil.which("fc-list")
    if tool is None:
        return PDF_FONTS[-1]
    try:
        listed = subprocess.run(
            [tool, ":lang=vi", "family"], capture_output=True, text=True, timeout=10, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return PDF_FONTS[-1]
    families = {name.strip() for line in listed.splitlines() for name in line.split(",")}
    return next((family for family in PDF_FONTS if family in families), PDF_FONTS[-1])


def _pdf_context(table: Table, header: DocumentHeader | None, charts: list[str]) -> dict[str, Any]:
    figures = len(table.columns)
    top, bottom = header_rows(table.columns)

    def cells(row: Row) -> list[str]:
        return [format_number(value, table.decimals) for value in _padded(row.values, figures)]

    numbered = _numbered(table)
    lines = [cells(row) for _stt, row in numbered] + [cells(row) for row in _total_rows(table)]
    rows = [
        {"stt": stt, "label": row.label, "indent": 1 + 4 * row.level, "bold": row.is_total, "cells": line}
        for (stt, row), line in zip(numbered, lines, strict=False)
    ]
    total = None
    if table.total is not None:
        total = {"label": table.total.label, "indent": 1, "cells": lines[-1]}
    landscape = figures > LANDSCAPE_ABOVE
    fit = _fit(table, lines, landscape)
    return {
        "font": pdf_font(),
        "table": table,
        "header": header,
        "charts": charts,
        "landscape": landscape,
        "margin": MARGIN_MM,
        "table_font": fit.font,
        "fit": fit,
        "head_top": top,
        "head_bottom": bottom,
        "head_rows": 2 if bottom else 1,
        "rows": rows,
        "total": total,
        "national_title": NATIONAL_TITLE,
        "motto": MOTTO,
        "recipients_label": RECIPIENTS_LABEL,
        "number_line": number_line(header) if header is not None else "",
        "place_date": vietnamese_date(header.place, header.date) if header is not None else "",
        "signer_titles": [t for t in header.signer_title.splitlines() if t.strip()] if header is not None else [],
    }


def pdf_html(table: Table, header: DocumentHeader | None = None, *, charts: list[str] | None = None) -> str:
    """The HTML the PDF is drawn from (``templates/stats/document.html``)."""
    return render_to_string("stats/document.html", _pdf_context(table, header, list(charts or [])))


def pdf_bytes(table: Table, header: DocumentHeader | None = None, *, charts: list[str] | None = None) -> bytes:
    """The table as an A4 PDF, with the Decree 30 header and signature block when ``header`` is given.

    ``charts`` are SVG documents made by the app's own chart code (their labels escaped there): they are embedded
    as they are. Nothing outside the document is fetched — the only URLs WeasyPrint may follow are ``data:`` ones.
    """
    import weasyprint  # heavy (Pango, fonts): loaded only when a PDF is made

    html = pdf_html(table, header, charts=charts)
    fetcher = weasyprint.URLFetcher(allowed_protocols={"data"})
    document = weasyprint.HTML(string=html, base_url=None, url_fetcher=fetcher)
    pdf = document.write_pdf()
    if pdf is None:  # write_pdf() without a target returns the bytes
        raise RuntimeError("WeasyPrint returned no PDF")
    return bytes(pdf)
