"""Reading an accepted upload's table: which sheet, which header row, which column is which, then the data rows in
blocks (R2: imports of Excel files, ours and the Ministry's).

``open_table(path, inspected, layout)`` finds the sheet whose header matches ``layout`` best, maps the file's
columns to the layout's (by :func:`~edudb.exchange.layouts.header_key`, so spelling, accents, case, NFD and
"(dd/mm/yyyy)" notes do not matter), and returns a ``TableReader`` whose ``chunks()`` yield the rows. A file that is
not this layout's raises ``WrongTemplate`` (saying which required headers are missing and, when another layout fits
better, which one it looks like).

Header rows: the first ``HEADER_ROWS`` rows are searched; title rows above are skipped; two header rows are
understood — a group header over sub headers ("Thông tin cha" over "Họ tên | Năm sinh | Nghề nghiệp" finds
"Họ tên cha", "Năm sinh cha", "Nghề nghiệp cha"), a header merged down over both rows, and a row numbering the
columns ("1 2 3 …", "(1) (2) …") right under the header.

Formats:

- .xlsx, .xls, .ods through python-calamine (Rust: ~5 s for 200,000 × 30 cells). It holds a whole sheet in memory
  (~1.7 bytes per byte of sheet XML), so an .xlsx sheet whose XML is larger than ``STREAMING_FROM`` is read
  **streaming** instead: ``iterparse`` over the zip member, one row at a time, the shared strings kept as one
  UTF-8 buffer with offsets. Both paths give the same values (tested by forcing the threshold).
- For every .xlsx, one raw pass over each sheet's XML (inflated 64 KiB at a time, never held whole) finds the
  merged ranges and the cells holding a formula without a cached value (``formula_cells``).
- The cells typed in a legacy Vietnamese font (.VnTime…, VNI-Times…), so that their text is converted by its font
  rather than guessed (``TableReader.fonts``): for an .xlsx, read from ``styles.xml`` and, only when a cell format
  has such a font, one more raw pass over the sheet's XML (``scan_cell_fonts``); for an .xls, from the BIFF records
  of its ``Workbook`` stream (``xls_cell_fonts``): python-calamine does not give fonts.
- .csv with the encoding ``safety`` found; the delimiter (``,`` ``;`` or tab) is the one under which the header
  matches best.

Values are what calamine gives: ``str``, ``float``, ``bool``, ``datetime.date`` / ``datetime`` / ``time`` /
``timedelta`` for cells formatted as dates or durations, ``""`` for empty (CSV: ``str`` only).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import itertools
import logging
import pathlib
import posixpath
import re
import struct
import unicodedata
import xml.etree.ElementTree as ET
import zipfile
import zlib
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from django.utils.translation import gettext as _

from edudb.exchange.layouts import LAYOUTS, Column, Layout, header_key
from edudb.exchange.safety import Inspected, UnsafeFile
from edudb.quality import legacy

logger = logging.getLogger(__name__)

STREAMING_FROM = 200 * 2**20  # an .xlsx sheet whose XML is larger than this is read streaming (tests lower it)
# (200 MB of sheet XML: ≈ 130,000 rows × 30 columns of inline strings, ≈ 450 MB read by calamine at once)
HEADER_ROWS = 20  # the header is searched in this many first rows
MIN_COLUMNS = 3  # fewer recognised columns than this: not this template
BETTER_BY = 3  # another layout recognising this many more columns: the file is that template
SCAN_STEP = 64 * 1024
CSV_SAMPLE = 256 * 1024

Value = object
Grid = list[list[str]]
Merge = tuple[int, int, int, int]  # first row, first col, last row, last col (0-based, inclusive)


class WrongTemplate(Exception):
    """The file's header does not match the layout; ``message`` (Vietnamese) says what is missing and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class DuplicateColumn(WrongTemplate):
    """Two of the file's columns mean the same layout column."""


# --- the reader ---------------------------------------------------------------------------------------------------------


class CellFonts:
    """The cells of the mapped columns whose font is a legacy Vietnamese one (.VnTime…, VNI-Times…), by Excel row.

    The font tells how the cell's text was typed, so the normalisation layer converts it for sure rather than by
    guessing (a word like "Vò" is Vietnamese read either way). One byte per row and mapped column: a code into
    ``names`` (0: no legacy font), so even a million rows of 30 columns cost 30 MB, and only files that use such a
    font pay it.
    """

    def __init__(self, names: list[str], codes: list[bytearray]) -> None:
        self.names = names
        self.codes = codes  # per mapped column (its position in TableReader.columns): per Excel row, a code

    def column(self, position: int, numbers: Sequence[int]) -> list[str | None] | None:
        """The font of the cell of each row ``numbers`` in mapped column ``position``, or None if none is legacy."""
        codes = self.codes[position]
        size = len(codes)
        found = [codes[number] if number < size else 0 for number in numbers]
        if not any(found):
            return None
        names: list[str | None] = [None, *self.names]
        return [names[code] for code in found]


@dataclass
class TableReader:
    """The table found in a file: where its header is, which column is which, and its data rows."""

    sheet_name: str
    header_row: int  # 1-based row number of the (last) header row, as Excel shows it
    columns: list[tuple[int, str, Column]]  # (0-based column index in the file, header text in the file, Column)
    ignored: list[str]  # headers present but not recognised (shown to the user)
    total_rows: int | None  # an estimate for the progress bar (None if unknown)
    formula_cells: list[tuple[int, int]]  # (row, col): 1-based row, 0-based column of a formula without a value
    fonts: CellFonts | None = None  # .xlsx, .xls: the mapped cells typed in a legacy Vietnamese font (None: none are)
    _rows: Callable[[], Iterator[tuple[int, Sequence[Value]]]] | None = field(default=None, repr=False)
    _first_data_row: int = field(default=0, repr=False)  # 1-based: the first row that can hold data
    _closers: list[Callable[[], None]] = field(default_factory=list, repr=False)

    def chunks(self, size: int = 5000) -> Iterator[list[tuple[int, list[object]]]]:
        """Data rows after the header, in blocks: (excel_row_number, values aligned with self.columns). Rows
        with every mapped cell empty are skipped. Values as calamine gives them (str, float, int, bool,
        datetime.date/datetime, '' for empty)."""
        if self._rows is None:
            return
        block: list[tuple[int, list[object]]] = []
        width = len(self.columns)
        for number, values in self._rows():
            if number < self._first_data_row or values.count("") == width:
                continue
            block.append((number, list(values)))
            if len(block) >= size:
                yield block
                block = []
        if block:
            yield block

    def close(self) -> None:
        while self._closers:
            closer = self._closers.pop()
            try:
                closer()
            except Exception:  # noqa: S110 -- closing twice or a closed workbook: nothing left to release
                pass


def open_table(path: pathlib.Path, inspected: Inspected, layout: Layout) -> TableReader:
    """The table of ``layout`` in the accepted upload at ``path``; raises ``WrongTemplate`` or ``UnsafeFile``."""
    if inspected.format == "csv":
        return _open_csv(path, inspected.encoding or "utf-8", layout)
    if inspected.format == "xlsx":
        return _open_xlsx(path, layout)
    if inspected.format in ("xls", "ods"):
        return _open_calamine(path, inspected.format, layout)
    raise UnsafeFile(_("Không đọc được loại tệp “%(format)s”.") % {"format": inspected.format})


# --- header detection -------------------------------------------------------------------------------------------------

_COLUMN_NUMBER = re.compile(r"[(\[]?\s*(\d{1,3})\s*[)\]]?\.?")


@dataclass
class _Header:
    row: int  # 0-based index of the last header row
    columns: list[tuple[int, str, Column]]
    ignored: list[str]
    duplicates: list[tuple[int, str, int, str, Column]]  # (first column, its header, second column, its header, …)
    numbered: bool  # the row below numbers the columns

    @property
    def score(self) -> int:
        return len({id(column) for _index, _text, column in self.columns})


def header_text(value: object) -> str:
    """A header cell as text: numbers without a trailing ".0", dates in ISO form, stripped."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value).strip()


def _grid(
    rows: Iterable[Sequence[Value]], merges: Sequence[Merge] | None
) -> tuple[Grid, dict[tuple[int, int], tuple[int, int]]]:
    """The header zone as text (row i is Excel row i + 1, column j is column j), merged ranges filled with
    their top-left value; and the cells a merge covers → that merge's top-left cell."""
    grid = [[header_text(value) for value in row] for row in rows]
    covered: dict[tuple[int, int], tuple[int, int]] = {}
    for first_row, first_col, last_row, last_col in merges or ():
        if first_row >= len(grid) or first_col >= len(grid[first_row]) or last_col - first_col > 1000:
            continue
        value = grid[first_row][first_col]
        for r in range(first_row, min(last_row, len(grid) - 1) + 1):
            row = grid[r]
            if len(row) <= last_col:
                row.extend([""] * (last_col + 1 - len(row)))
            for c in range(first_col, last_col + 1):
                row[c] = value
                if (r, c) != (first_row, first_col):
                    covered[(r, c)] = (first_row, first_col)
    return grid, covered


def _propagated(row: list[str]) -> list[str]:
    """A group row with each label carried over the empty cells to its right (when merges are unknown)."""
    out = []
    last = ""
    for value in row:
        last = value or last
        out.append(last)
    return out


def _group_key(group: str) -> list[str]:
    key = header_key(group)
    keys = [key]
    if key.startswith("thong tin "):
        keys.insert(0, key[len("thong tin ") :])
    return keys


def _cell(row: list[str], index: int) -> str:
    return row[index] if index < len(row) else ""


def _match_row(
    grid: Grid, covered: dict[tuple[int, int], tuple[int, int]], r: int, layout: Layout, merges_known: bool
) -> _Header:
    """The columns recognised with row ``r`` as the (last) header row. A cell's header is its own text or, when
    empty, the text above it (a header written over both rows); the rows above that text are its groups."""
    row = grid[r]
    group_rows = [grid[k] if merges_known else _propagated(grid[k]) for k in range(r)]
    width = max(len(row), len(grid[r - 1]) if r >= 1 else 0)
    by_key = layout.by_key
    columns: list[tuple[int, str, Column]] = []
    unknown: list[str] = []
    used_groups: set[str] = set()
    seen: dict[int, tuple[int, str]] = {}
    duplicates: list[tuple[int, str, int, str, Column]] = []
    for c in range(width):
        top = r
        sub = _cell(row, c)
        if not sub and r >= 1:
            top = r - 1
            sub = _cell(grid[top], c)
        origin = covered.get((top, c))
        if origin is not None:
            if origin[0] == top:
                continue  # a merge across columns: counted once, at its first column
            top = origin[0]  # merged down from a row above
        if not sub:
            continue
        column = None
        text = sub
        sub_key = header_key(sub)
        for k in (top - 1, top - 2):
            if k < 0:
                break
            group = _cell(group_rows[k], c)
            if not group or group == sub:
                continue
            for group_key in _group_key(group):
                column = by_key.get(f"{sub_key} {group_key}".strip())
                if column is not None:
                    text = f"{sub} ({group})"
                    used_groups.add(group)
                    break
            if column is not None:
                break
        if column is None:
            column = by_key.get(sub_key)
        if column is None:
            unknown.append(sub)
            continue
        if id(column) in seen:
            duplicates.append((*seen[id(column)], c, text, column))
            continue
        seen[id(column)] = (c, text)
        columns.append((c, text, column))
    ignored = list(dict.fromkeys(text for text in unknown if text not in used_groups))
    numbered = r + 1 < len(grid) and _numbers_columns(grid[r + 1])
    return _Header(r, columns, ignored, duplicates, numbered)


def _numbers_columns(row: list[str]) -> bool:
    """ "1 2 3 …" or "(1) (2) …": at least three cells, every filled one a small increasing number."""
    numbers = []
    for text in row:
        if not text:
            continue
        match = _COLUMN_NUMBER.fullmatch(text)
        if match is None:
            return False
        numbers.append(int(match.group(1)))
    return len(numbers) >= 3 and all(a < b for a, b in itertools.pairwise(numbers))


def find_header(
    grid: Grid, layout: Layout, *, merges_known: bool, covered: dict[tuple[int, int], tuple[int, int]] | None = None
) -> _Header | None:
    """The header row of ``layout`` in ``grid``: the row recognising the most distinct columns (the earliest
    on a tie), or None if no row recognises any."""
    best: _Header | None = None
    for r in range(min(len(grid), HEADER_ROWS)):
        if not any(grid[r]) and not (r >= 1 and any(grid[r - 1])):
            continue
        header = _match_row(grid, covered or {}, r, layout, merges_known)
        if header.score and (best is None or header.score > best.score):
            best = header
    return best


@dataclass
class _Candidate:
    """One sheet's grid of header rows, and what it takes to read its data."""

    name: str
    grid: Grid
    covered: dict[tuple[int, int], tuple[int, int]]
    merges_known: bool
    extra: Any = None

    def header(self, layout: Layout) -> _Header | None:
        return find_header(self.grid, layout, merges_known=self.merges_known, covered=self.covered)


def _choose(candidates: list[_Candidate], layout: Layout) -> tuple[_Candidate, _Header]:
    """The sheet and header that match ``layout`` best; WrongTemplate when none is good enough."""
    found = [(candidate, candidate.header(layout)) for candidate in candidates]
    scored = [(candidate, header) for candidate, header in found if header is not None]
    title = str(layout.title)
    if not scored:
        raise WrongTemplate(
            _("Không tìm thấy dòng tiêu đề nào của mẫu %(layout)s trong %(rows)s dòng đầu của các trang tính. %(hint)s")
            % {"layout": title, "rows": HEADER_ROWS, "hint": _better_hint(candidates, layout, 0)}
        )
    candidate, header = max(scored, key=lambda pair: pair[1].score)  # max keeps the first on a tie
    where = _("trang “%(sheet)s”, dòng %(row)s") % {"sheet": candidate.name, "row": header.row + 1}
    if header.duplicates:
        first_index, first, second_index, second, column = header.duplicates[0]
        raise DuplicateColumn(
            _(
                "Cột %(first_letter)s “%(first)s” và cột %(second_letter)s “%(second)s” (%(where)s) cùng là cột "
                "“%(column)s” của mẫu %(layout)s: hãy xóa hoặc đổi tên một trong hai cột rồi nhập lại."
            )
            % {
                "first_letter": column_letter(first_index),
                "first": first,
                "second_letter": column_letter(second_index),
                "second": second,
                "where": where,
                "column": column.header,
                "layout": title,
            }
        )
    missing = [str(column.header) for column in layout.required if all(c is not column for _i, _t, c in header.columns)]
    better = _better_layout(candidates, layout, header.score)
    problems = []
    if missing:
        problems.append(
            _("không tìm thấy cột bắt buộc %(columns)s") % {"columns": ", ".join(f"“{name}”" for name in missing)}
        )
    if header.score < MIN_COLUMNS:
        problems.append(
            _("chỉ nhận ra %(count)s cột (%(columns)s), quá ít để đúng là mẫu %(layout)s")
            % {
                "count": header.score,
                "columns": ", ".join(f"“{text}”" for _i, text, _c in header.columns),
                "layout": title,
            }
        )
    said = False
    if better is not None and not problems:
        other, other_score = better
        problems.append(
            _(
                "tệp này giống mẫu %(other)s (nhận ra %(other_count)s cột của mẫu đó, chỉ %(count)s cột của mẫu %(layout)s)"
            )
            % {"other_count": other_score, "other": str(other.title), "count": header.score, "layout": title}
        )
        said = True
    if problems:
        raise WrongTemplate(
            _("Tệp không đúng mẫu %(layout)s (%(where)s): %(problems)s. %(hint)s")
            % {
                "layout": title,
                "where": where,
                "problems": "; ".join(problems),
                "hint": _better_hint(candidates, layout, header.score, said=said),
            }
        )
    return candidate, header


def _better_layout(candidates: list[_Candidate], layout: Layout, score: int) -> tuple[Layout, int] | None:
    best: tuple[Layout, int] | None = None
    for other in LAYOUTS.values():
        if other.name == layout.name:
            continue
        scores = [candidate.header(other) for candidate in candidates]
        other_score = max((header.score for header in scores if header is not None), default=0)
        if other_score >= max(MIN_COLUMNS, score + BETTER_BY) and (best is None or other_score > best[1]):
            best = (other, other_score)
    return best


def _better_hint(candidates: list[_Candidate], layout: Layout, score: int, *, said: bool = False) -> str:
    """What to do; first which other template the file looks like, unless ``said`` already."""
    better = None if said else _better_layout(candidates, layout, score)
    download = _(
        "Hãy kiểm tra đã chọn đúng loại dữ liệu cần nhập, hoặc tải mẫu %(layout)s ở trang “Mẫu nhập liệu Excel”, "
        "chép dữ liệu vào đúng cột rồi nhập lại."
    ) % {"layout": str(layout.title)}
    if better is None:
        return download
    return _("Tệp này giống mẫu %(other)s. %(download)s") % {"other": str(better[0].title), "download": download}


def _reader(
    candidate: _Candidate,
    header: _Header,
    *,
    rows: Callable[[], Iterator[tuple[int, Sequence[Value]]]],
    total_last_row: int | None,
    formula_cells: list[tuple[int, int]] | None = None,
    closers: list[Callable[[], None]] | None = None,
    fonts: CellFonts | None = None,
) -> TableReader:
    first_data_row = header.row + 2 + (1 if header.numbered else 0)  # 1-based
    total = None if total_last_row is None else max(0, total_last_row - first_data_row + 1)
    return TableReader(
        sheet_name=candidate.name,
        header_row=header.row + 1,
        columns=header.columns,
        ignored=header.ignored,
        total_rows=total,
        formula_cells=formula_cells or [],
        fonts=fonts,
        _rows=rows,
        _first_data_row=first_data_row,
        _closers=closers or [],
    )


def _corrupt(detail: str) -> UnsafeFile:
    return UnsafeFile(
        _(
            "Tệp bị hỏng (%(detail)s) nên không đọc được. Hãy mở bằng Excel và lưu lại (nếu Excel hỏi có sửa tệp "
            "không, chọn Có), rồi tải tệp vừa lưu lên lại."
        )
        % {"detail": detail}
    )


# --- calamine (xls, ods, and xlsx sheets of ordinary size) -------------------------------------------------------------


_SUFFIX_FORMATS = {
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".xlam": "xlsx",
    ".xls": "xls",
    ".xla": "xls",
    ".ods": "ods",
    ".xlsb": "xlsb",
}


def _workbook(path: pathlib.Path, kind: str) -> tuple[Any, list[Callable[[], None]]]:
    """The calamine workbook and what closes it. calamine picks its reader by a known extension, so a file
    whose extension contradicts its content (an .xlsx saved as "ds.xls") is handed over as an open file."""
    import python_calamine

    stream = None
    try:
        if _SUFFIX_FORMATS.get(path.suffix.lower(), kind) != kind:
            stream = path.open("rb")
            workbook = python_calamine.CalamineWorkbook.from_filelike(stream)
            return workbook, [stream.close, workbook.close]
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        return workbook, [workbook.close]
    except python_calamine.PasswordError:
        if stream is not None:
            stream.close()
        raise UnsafeFile(
            _(
                "Tệp được đặt mật khẩu nên hệ thống không đọc được. Hãy bỏ mật khẩu: mở tệp trong Excel, vào File → "
                "Info → Protect Workbook → Encrypt with Password, xóa mật khẩu, lưu lại rồi tải lên lại."
            )
        ) from None
    except (python_calamine.CalamineError, ValueError, OSError) as exc:
        if stream is not None:
            stream.close()
        raise _corrupt(str(exc)[:120]) from None


def _calamine_sheet(workbook: Any, name: str) -> Any:
    import python_calamine

    try:
        return workbook.get_sheet_by_name(name)
    except python_calamine.PasswordError:
        raise UnsafeFile(
            _("Trang tính “%(sheet)s” được đặt mật khẩu: hãy bỏ mật khẩu rồi lưu lại.") % {"sheet": name}
        ) from None
    except (python_calamine.CalamineError, ValueError) as exc:
        raise _corrupt(str(exc)[:120]) from None


def _calamine_top(sheet: Any) -> list[list[Value]]:
    """The sheet's first rows with absolute column positions."""
    start = sheet.start
    if start is None:
        return []
    pad = [""] * start[1]
    return [pad + list(row) for row in itertools.islice(sheet.iter_rows(), HEADER_ROWS + 1)]


def _calamine_rows(
    sheet: Any, columns: list[tuple[int, str, Column]], first_data_row: int
) -> Callable[[], Iterator[tuple[int, Sequence[Value]]]]:
    """Rows as (excel row, the mapped columns' values): one C-level itemgetter per row, nothing per cell.
    python-calamine's iter_rows yields every row from row 1 (the rows above the data as empty rows) and the
    columns from the data's first column."""

    def rows() -> Iterator[tuple[int, Sequence[Value]]]:
        start = sheet.start
        if start is None:
            return
        offsets = [index - start[1] for index, _text, _column in columns]
        width = sheet.width
        if any(offset < 0 or offset >= width for offset in offsets):  # a header outside the data range: never
            return
        pick = itemgetter(*offsets)
        single = len(offsets) == 1
        numbered = enumerate(itertools.islice(sheet.iter_rows(), first_data_row - 1, None), start=first_data_row)
        for number, row in numbered:
            values = pick(row)
            yield number, ((values,) if single else values)

    return rows


def _open_calamine(path: pathlib.Path, kind: str, layout: Layout) -> TableReader:
    import python_calamine

    workbook, closers = _workbook(path, kind)
    try:
        candidates = []
        sheets: dict[str, Any] = {}
        for meta in workbook.sheets_metadata:
            if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
                continue
            sheet = _calamine_sheet(workbook, meta.name)
            merges = sheet.merged_cell_ranges
            merge_list = [(a[0], a[1], b[0], b[1]) for a, b in merges] if merges is not None else None
            candidates.append(_Candidate(meta.name, *_grid(_calamine_top(sheet), merge_list), merges is not None))
            sheets[meta.name] = sheet
        candidate, header = _choose(candidates, layout)
        sheet = sheets[candidate.name]
        sheets.clear()  # only the chosen sheet stays in memory
        first_data_row = header.row + 2 + (1 if header.numbered else 0)
        end = sheet.end
        return _reader(
            candidate,
            header,
            rows=_calamine_rows(sheet, header.columns, first_data_row),
            total_last_row=end[0] + 1 if end else None,
            closers=closers,
            fonts=_xls_fonts(path, candidate.name, header) if kind == "xls" else None,
        )
    except BaseException:
        for close in reversed(closers):
            close()
        raise


def _xls_fonts(path: pathlib.Path, sheet_name: str, header: _Header) -> CellFonts | None:
    from edudb.exchange.safety import workbook_stream

    wanted = {index: position for position, (index, _text, _column) in enumerate(header.columns)}
    try:
        return xls_cell_fonts(workbook_stream(path), sheet_name, wanted)
    except (ValueError, struct.error, OSError, IndexError):  # calamine read the values: the text is left to the guess
        logger.warning("the cell fonts of %s could not be read", path.name, exc_info=True)
        return None


# --- xlsx: the package, styles, shared strings, the raw scan, streaming ------------------------------------------------

_MAIN_NS = (
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",
)
_REL_NS = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "http://purl.oclc.org/ooxml/officeDocument/relationships",
)


def _tags(name: str) -> frozenset[str]:
    return frozenset(f"{{{ns}}}{name}" for ns in _MAIN_NS)


_ROW, _C, _V, _IS, _T, _R, _F, _SI = (_tags(name) for name in ("row", "c", "v", "is", "t", "r", "f", "si"))


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _parse_part(archive: zipfile.ZipFile, name: str) -> ET.Element | None:
    """A small part (workbook, rels, styles) parsed; None if absent."""
    try:
        with archive.open(name) as part:
            return ET.parse(part).getroot()  # noqa: S314 -- checked by safety.inspect_upload: no DOCTYPE/ENTITY
    except KeyError:
        return None
    except ET.ParseError as exc:
        raise _corrupt(_("phần “%(part)s”: %(error)s") % {"part": name, "error": exc}) from None


def _rels(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id → (type's last word, target member name) of ``part``."""
    folder, base = posixpath.split(part)
    root = _parse_part(archive, posixpath.join(folder, "_rels", base + ".rels"))
    out: dict[str, tuple[str, str]] = {}
    for rel in root if root is not None else ():
        target = rel.get("Target", "")
        if rel.get("TargetMode") == "External":
            continue
        member = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        out[rel.get("Id", "")] = (rel.get("Type", "").rpartition("/")[2], member)
    return out


def _date_kind(code: str) -> int:
    """0: a number, 1: a date/time, 2: a duration — Excel's reading of a number format's first section (text in
    quotes, escaped and fill characters, [colour]/[$-locale] sections do not count; [h] [m] [s] make a duration)."""
    in_quotes = False
    skip = False
    bracket = ""
    in_bracket = False
    for char in code:
        if skip:
            skip = False
        elif in_quotes:
            in_quotes = char != '"'
        elif in_bracket:
            if char == "]":
                in_bracket = False
                if bracket and bracket.lower().strip("hms") == "" and len(set(bracket.lower())) == 1:
                    return 2
            else:
                bracket += char
        elif char == '"':
            in_quotes = True
        elif char in "\\_*":
            skip = True
        elif char == "[":
            in_bracket, bracket = True, ""
        elif char == ";":
            return 0
        elif char in "dmyhsDMYHS":
            return 1
    return 0


def _builtin_kind(number: int) -> int:
    if 14 <= number <= 22 or number in (45, 47):
        return 1
    return 2 if number == 46 else 0


@dataclass
class _Styles:
    """What the reader needs of an .xlsx's styles, by cell format (``cellXfs``) index."""

    kinds: list[int]  # 0: a number, 1: a date/time, 2: a duration (see _date_kind)
    legacy_fonts: dict[int, str]  # the formats whose font is a legacy Vietnamese one (.VnTime…, VNI-Times…) → it


def _styles(archive: zipfile.ZipFile, member: str | None) -> _Styles:
    root = _parse_part(archive, member) if member else None
    if root is None:
        return _Styles([], {})
    custom: dict[int, int] = {}
    fonts: list[str] = []
    kinds: list[int] = []
    legacy_fonts: dict[int, str] = {}
    for child in root:
        name = _local(child.tag)
        if name == "numFmts":
            for fmt in child:
                try:
                    custom[int(fmt.get("numFmtId", "-1"))] = _date_kind(fmt.get("formatCode", ""))
                except ValueError:
                    continue
        elif name == "fonts":  # before cellXfs, as the schema orders them
            fonts = [next((item.get("val", "") for item in font if _local(item.tag) == "name"), "") for font in child]
        elif name == "cellXfs":
            for xf in child:
                try:
                    number = int(xf.get("numFmtId", "0"))
                except ValueError:
                    number = 0
                try:
                    font = fonts[int(xf.get("fontId", "0"))].strip()
                except (ValueError, IndexError):
                    font = ""
                if font and legacy.font_encoding(font)[0] is not None:
                    legacy_fonts[len(kinds)] = font
                kinds.append(custom[number] if number in custom else _builtin_kind(number))
    return _Styles(kinds, legacy_fonts)


class SharedStrings:
    """The shared strings of an .xlsx, kept compactly (one UTF-8 buffer and an offset per string: 10 million
    strings of 15 letters take ~230 MB instead of ~650 MB as Python strings) and parsed only as far as asked."""

    def __init__(self, archive: zipfile.ZipFile, member: str | None) -> None:
        self._buffer = bytearray()
        self._offsets = array("q", [0])
        self._parser = self._parse(archive, member) if member and member in archive.NameToInfo else iter(())

    def _parse(self, archive: zipfile.ZipFile, member: str) -> Iterator[None]:
        with archive.open(member) as part:
            root = None
            for event, element in ET.iterparse(part, events=("start", "end")):  # noqa: S314 -- checked by safety
                if event == "start":
                    if root is None:
                        root = element
                    continue
                if element.tag in _SI:
                    self._buffer += _rich_text(element).encode()
                    self._offsets.append(len(self._buffer))
                    if root is not None:
                        root.clear()
                    yield

    def _load(self, index: int) -> bool:
        while len(self._offsets) <= index + 1:
            try:
                next(self._parser)
            except StopIteration:
                return False
            except ET.ParseError as exc:
                raise _corrupt(_("danh sách chuỗi dùng chung: %(error)s") % {"error": exc}) from None
        return True

    def close(self) -> None:
        close = getattr(self._parser, "close", None)
        if close is not None:
            close()

    def get(self, index: int) -> str:
        offsets = self._offsets
        if index + 1 >= len(offsets) and not self._load(index):
            return ""
        return self._buffer[offsets[index] : offsets[index + 1]].decode()

    def load_all(self) -> None:
        self._load(2**62)


def _rich_text(element: ET.Element) -> str:
    """A shared string or inline string: its <t>, or its runs' <t> joined (phonetic runs left out)."""
    parts = []
    for child in element:
        if child.tag in _T:
            parts.append(child.text or "")
        elif child.tag in _R:
            for grandchild in child:
                if grandchild.tag in _T:
                    parts.append(grandchild.text or "")
    return unescape_ooxml("".join(parts))


_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _unescape_match(match: re.Match[str]) -> str:
    code = int(match.group(1), 16)
    return match.group(0) if 0xD800 <= code <= 0xDFFF else chr(code)


def unescape_ooxml(text: str) -> str:
    """OOXML's escapes of characters XML cannot hold: "_x000D_" → "\r", "_x005F_" → "_" (as calamine reads
    them; a lone surrogate stays as written)."""
    return _ESCAPED.sub(_unescape_match, text) if "_x" in text else text


_EPOCH = dt.datetime(1899, 12, 30)
_MS_PER_DAY = 86_400_000


def _round_half_away(value: float) -> int:
    return int(value + 0.5) if value >= 0 else -int(-value + 0.5)


def excel_date(serial: float, kind: int, date1904: bool) -> object:
    """An Excel serial as calamine gives it: a duration → ``timedelta``; below 1 → ``time``; a whole number →
    ``date``; else ``datetime`` (milliseconds rounded); out of range → the number."""
    try:
        if kind == 2:
            return dt.timedelta(milliseconds=_round_half_away(serial * _MS_PER_DAY))
        days = serial + 1462 if date1904 else serial
        if days < 60:
            days += 1  # Excel's phantom 29 February 1900
        moment = _EPOCH + dt.timedelta(milliseconds=_round_half_away(days * _MS_PER_DAY))
    except (OverflowError, ValueError):
        return serial
    if serial < 1.0:
        return moment.time()
    if serial == int(serial):
        return moment.date()
    return moment


def _iso_value(text: str) -> object:
    try:
        if "T" in text or " " in text:
            return dt.datetime.fromisoformat(text)
        if ":" in text:
            return dt.time.fromisoformat(text)
        return dt.date.fromisoformat(text)
    except ValueError:
        return text


_LETTERS: dict[str, int] = {}


def column_index(letters: str) -> int:
    """'A' → 0, 'AB' → 27."""
    index = _LETTERS.get(letters)
    if index is None:
        index = 0
        for char in letters.upper():
            index = index * 26 + ord(char) - 64
        index -= 1
        _LETTERS[letters] = index
    return index


_DIGITS = "0123456789"


def column_letter(index: int) -> str:
    """0 → 'A', 27 → 'AB'."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _stream_rows(
    archive: zipfile.ZipFile,
    member: str,
    strings: SharedStrings,
    kinds: list[int],
    date1904: bool,
    wanted: dict[int, int] | None,
    stop_after: int | None = None,
) -> Iterator[tuple[int, list[Value]]]:
    """The sheet's rows, one at a time: (excel row, values). With ``wanted`` (column → position) the values are
    those columns' only, in that order, and other cells are skipped before any conversion; without, every column
    from A. Rows without cells are not yielded. The hot loop: per cell two attribute reads and a dict lookup."""
    width = len(wanted) if wanted is not None else 0
    number = 0
    kind_of: dict[str | None, int] = {None: 0}
    letters_index = _LETTERS
    row_tag = c_tag = v_tag = is_tag = ""
    try:
        with archive.open(member) as part:
            for _event, row in ET.iterparse(part, events=("end",)):  # noqa: S314 -- checked by safety
                if row.tag != row_tag:
                    if row_tag or row.tag not in _ROW:
                        continue
                    row_tag = row.tag  # the namespace (or prefix-free form) of this sheet, found once
                    ns = row_tag[:-3]
                    c_tag, v_tag, is_tag = ns + "c", ns + "v", ns + "is"
                reference = row.get("r")
                number = int(reference) if reference else number + 1
                if stop_after is not None and number > stop_after:
                    return
                if not len(row):
                    row.clear()
                    continue
                values: list[Value] = [""] * width if wanted is not None else []
                col = -1
                position = 0
                for cell in row:
                    if cell.tag != c_tag:
                        continue
                    ref = cell.get("r")
                    if ref is None:
                        col += 1
                    else:
                        letters = ref.rstrip(_DIGITS)
                        found = letters_index.get(letters)
                        col = column_index(letters) if found is None else found
                    if wanted is not None:
                        found = wanted.get(col)
                        if found is None:
                            continue
                        position = found
                    kind = cell.get("t")
                    value: Value = ""
                    if kind is None or kind == "n":
                        text = cell.findtext(v_tag)
                        if text:
                            try:
                                number_value = float(text)
                            except ValueError:
                                number_value = None
                            if number_value is not None:
                                style = cell.get("s")
                                date_kind = kind_of.get(style)
                                if date_kind is None:
                                    index = int(style) if style and style.isdigit() else 0
                                    date_kind = kinds[index] if index < len(kinds) else 0
                                    kind_of[style] = date_kind
                                value = excel_date(number_value, date_kind, date1904) if date_kind else number_value
                    elif kind == "s":
                        text = cell.findtext(v_tag)
                        value = strings.get(int(text)) if text and text.isdigit() else ""
                    elif kind == "inlineStr":
                        inline = cell.find(is_tag)
                        value = _rich_text(inline) if inline is not None else ""
                    elif kind == "str":
                        value = unescape_ooxml(cell.findtext(v_tag) or "")
                    elif kind == "b":
                        value = cell.findtext(v_tag) in ("1", "true")
                    elif kind == "d":
                        text = cell.findtext(v_tag)
                        value = _iso_value(text) if text else ""
                    if wanted is not None:
                        values[position] = value
                    else:
                        if col >= len(values):
                            values.extend([""] * (col + 1 - len(values)))
                        values[col] = value
                row.clear()
                yield number, values
    except ET.ParseError as exc:
        raise _corrupt(_("trang tính: %(error)s") % {"error": exc}) from None
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise _corrupt(str(exc)[:120]) from None


_MERGE = re.compile(rb'<(?:[\w.-]+:)?mergeCell\s[^>]*?ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
_CELL = re.compile(rb"<((?:[\w.-]+:)?)c\s([^>]*[^/>])>(.*?)</\1c>", re.DOTALL)
_REF = re.compile(rb'(?:^|\s)r="([A-Z]+)(\d+)"')
_HAS_F = re.compile(rb"<(?:[\w.-]+:)?f[\s>/]")
_HAS_V = re.compile(rb"<(?:[\w.-]+:)?v[\s>/]")
_DIMENSION = re.compile(rb'<(?:[\w.-]+:)?dimension\s[^>]*?ref="[A-Z]*\d*:?[A-Z]*(\d+)"')


def _safe_cut(data: bytes) -> int:
    """A position in raw sheet XML that is not inside a cell: after the last "</c>" or "</row>", or before the
    last row's start tag (rows of empty formatted cells are all self-closing)."""
    cell_end = data.rfind(b"c>")
    row_end = data.rfind(b"</row>")
    if row_end < 0:
        row_end = data.rfind(b":row>")
    row_start = data.rfind(b"<row")
    if row_start < 0:
        colon = data.rfind(b":row ")
        row_start = data.rfind(b"<", 0, colon) if colon > 0 else -1
    return max(cell_end + 2 if cell_end >= 0 else 0, row_end + 6 if row_end >= 0 else 0, max(row_start, 0))


def _sheet_pieces(archive: zipfile.ZipFile, member: str) -> Iterator[bytes]:
    """A sheet's raw XML, inflated 64 KiB at a time, in pieces cut where no cell is cut in two (``_safe_cut``)."""
    carry = b""
    try:
        with archive.open(member) as part:
            while True:
                block = part.read(SCAN_STEP)
                data = carry + block
                if not block:
                    yield data
                    return
                cut = _safe_cut(data)
                if cut <= 0:
                    carry = data[-2 * 2**20 :]  # no cell is this long: keep a bounded tail
                    continue
                carry = data[cut:]
                yield data[:cut]
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise _corrupt(str(exc)[:120]) from None


@dataclass
class _Scan:
    merges: list[Merge]
    formula_cells: list[tuple[int, int]]
    last_row: int | None


def scan_sheet_xml(archive: zipfile.ZipFile, member: str) -> _Scan:
    """One pass over a sheet's raw XML (``_sheet_pieces``): the merged ranges (they come after the data),
    the cells holding a formula but no cached value, the last row of the declared dimension. Regular expressions
    run only on the pieces that hold a formula or a merge, so a plain sheet costs its inflation only."""
    merges: list[Merge] = []
    formulas: list[tuple[int, int]] = []
    last_row: int | None = None
    for number, piece in enumerate(_sheet_pieces(archive, member)):
        if number == 0:  # the dimension comes first, before the data
            dimension = _DIMENSION.search(piece[:4096])
            last_row = int(dimension.group(1)) if dimension else None
        if b"f>" in piece or b"<f " in piece or b":f " in piece:
            for match in _CELL.finditer(piece):
                body = match.group(3)
                if _HAS_F.search(body) and not _HAS_V.search(body):
                    ref = _REF.search(match.group(2))
                    if ref:
                        formulas.append((int(ref.group(2)), column_index(ref.group(1).decode())))
        if b"mergeCell" in piece:
            for match in _MERGE.finditer(piece):
                a, r1, b, r2 = match.groups()
                c1 = column_index(a.decode())
                c2 = column_index(b.decode()) if b else c1
                merges.append((int(r1) - 1, c1, int(r2 or r1) - 1, c2))
    return _Scan(merges, formulas, last_row)


_CELL_START = re.compile(rb"<(?:[\w.-]+:)?c\s([^>]*)>")
_STYLE_INDEX = re.compile(rb'(?:^|\s)s="(\d+)"')
# A cell's start tag as Excel, LibreOffice, openpyxl and xlsxwriter write it: r, then s if any, then t, cm, vm.
_CELL_USUAL = re.compile(
    rb'<(?:[\w.-]+:)?c r="([A-Z]+)([0-9]+)"(?: s="([0-9]+)")?(?: t="\w+")?(?: cm="\d+")?(?: vm="\d+")?/?>'
)


def _cell_styles(piece: bytes) -> list[tuple[bytes, bytes, bytes]]:
    """(column letters, row, format index or b"") of each cell start tag of ``piece`` that has a reference."""
    usual = _CELL_USUAL.findall(piece)
    if len(usual) == piece.count(b"c r=") and len(usual) == len(_CELL_START.findall(piece)):
        return usual  # every cell in the usual form: found at C speed
    cells = []
    for attributes in _CELL_START.findall(piece):  # attributes in another order, cells without a reference
        ref = _REF.search(attributes)
        if ref is not None:
            style = _STYLE_INDEX.search(attributes)
            cells.append((ref.group(1), ref.group(2), style.group(1) if style else b""))
    return cells


class _FontCodes:
    """``CellFonts`` being gathered: a code per legacy font, and per mapped cell the code of its format's font."""

    def __init__(self, legacy_fonts: dict[int, str], wanted: dict[int, int]) -> None:
        self.names = sorted(set(legacy_fonts.values()))[:255]  # a code per byte; a real workbook has one or two
        self.code_of = {index: self.names.index(font) + 1 for index, font in legacy_fonts.items() if font in self.names}
        self.wanted = wanted
        self.codes = [bytearray() for _ in wanted]
        self.found = False

    def put(self, column: int, row: int, cell_format: int) -> None:
        """The cell at ``row`` (as Excel numbers it), ``column`` (0-based) has the format ``cell_format``."""
        code = self.code_of.get(cell_format, 0)
        position = self.wanted.get(column) if code else None
        if position is not None:
            self.put_code(position, row, code)

    def put_code(self, position: int, row: int, code: int) -> None:
        codes = self.codes[position]
        if len(codes) <= row:
            codes.extend(bytes(row + 1 - len(codes)))
        codes[row] = code
        self.found = True

    def result(self) -> CellFonts | None:
        return CellFonts(self.names, self.codes) if self.found else None


def scan_cell_fonts(
    archive: zipfile.ZipFile, member: str, wanted: dict[int, int], legacy_fonts: dict[int, str]
) -> CellFonts | None:
    """The mapped cells (``wanted``: column → position) whose format's font is legacy (``legacy_fonts``: format
    index → font), in one more pass over the sheet's raw XML (``_sheet_pieces``); None if there is none.

    Only a workbook with such a font among its formats is scanned. A cell without an ``s`` attribute has format 0
    (the workbook's default font); a cell without an ``r`` attribute cannot be placed and is left to the guess.
    """
    found = _FontCodes(legacy_fonts, wanted)
    # The hot loop works on the bytes the pattern gives: the format and column letters are not converted per cell.
    code_of = {str(index).encode(): code for index, code in found.code_of.items()}
    code_of[b""] = code_of.get(b"0", 0)  # no s attribute: format 0
    needles = [b's="' + index + b'"' for index in code_of if index]
    position_of = {column_letter(index).encode(): position for index, position in wanted.items()}
    for piece in _sheet_pieces(archive, member):
        if code_of[b""] or any(needle in piece for needle in needles):
            for letters, row, style in _cell_styles(piece):
                code = code_of.get(style, 0)
                position = position_of.get(letters) if code else None
                if position is not None:
                    found.put_code(position, int(row), code)
    return found.result()


# --- xls: the legacy fonts of the cells (calamine reads the values) ----------------------------------------------------

_BIFF_TEXT_CELLS = frozenset({0x00FD, 0x0204, 0x00D6, 0x0006})  # LABELSST, LABEL, RSTRING, FORMULA (a text result)


def _biff_short_string(body: bytes, offset: int) -> str:
    """A ShortXLUnicodeString: a count, a flags byte (bit 0: two bytes a character), the characters."""
    count, flags = body[offset], body[offset + 1]
    if flags & 1:
        return body[offset + 2 : offset + 2 + 2 * count].decode("utf-16-le", "replace")
    return body[offset + 2 : offset + 2 + count].decode("latin-1")


def xls_cell_fonts(data: bytes, sheet_name: str, wanted: dict[int, int]) -> CellFonts | None:
    """``scan_cell_fonts`` for an .xls (its BIFF8 ``Workbook`` stream): the fonts (FONT records), each cell format's
    font (XF), then the text cells of the sheet ``sheet_name`` with the format each names; None if no mapped cell is
    in a legacy font. An Excel 5/95 workbook (BIFF5) is not read: its cells rely on the guess."""
    if len(data) < 8 or struct.unpack_from("<HHH", data)[::2] != (0x0809, 0x0600):  # a BOF of BIFF8
        return None
    fonts: list[str] = []
    format_fonts: list[int] = []
    sheets: dict[str, int] = {}
    offset = 0
    while offset + 4 <= len(data):  # the globals
        kind, length = struct.unpack_from("<HH", data, offset)
        body = data[offset + 4 : offset + 4 + length]
        offset += 4 + length
        if kind == 0x0031 and length >= 16:  # FONT: the name at 14
            fonts.append(_biff_short_string(body, 14).strip())
        elif kind == 0x00E0 and length >= 2:  # XF: the font first (index 4 is never written: 5 → the 5th)
            format_fonts.append(struct.unpack_from("<H", body)[0])
        elif kind == 0x0085 and length >= 8:  # BOUNDSHEET: where the sheet's records start, its name at 6
            sheets[_biff_short_string(body, 6)] = struct.unpack_from("<I", body)[0]
        elif kind == 0x000A:  # EOF of the globals
            break
    legacy_fonts = {}
    for index, font in enumerate(format_fonts):
        at = font - 1 if font > 4 else font
        name = fonts[at] if at < len(fonts) else ""
        if name and legacy.font_encoding(name)[0] is not None:
            legacy_fonts[index] = name
    offset = sheets.get(sheet_name, -1)
    if not legacy_fonts or offset < 0:
        return None
    fonts_found = _FontCodes(legacy_fonts, wanted)
    while offset + 4 <= len(data):  # the sheet's records, to its EOF
        kind, length = struct.unpack_from("<HH", data, offset)
        if kind in _BIFF_TEXT_CELLS and length >= 6:
            row, column, cell_format = struct.unpack_from("<HHH", data, offset + 4)
            fonts_found.put(column, row + 1, cell_format)
        elif kind == 0x000A:
            break
        offset += 4 + length
    return fonts_found.result()


@dataclass
class _XlsxSheet:
    member: str
    size: int
    scan: _Scan


def _open_xlsx(path: pathlib.Path, layout: Layout) -> TableReader:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise _corrupt(str(exc)[:120]) from None
    try:
        return _read_xlsx(path, archive, layout)
    except BaseException:
        archive.close()
        raise


def _read_xlsx(path: pathlib.Path, archive: zipfile.ZipFile, layout: Layout) -> TableReader:
    book = next((member for kind, member in _rels(archive, "").values() if kind == "officeDocument"), "xl/workbook.xml")
    root = _parse_part(archive, book)
    if root is None:
        raise _corrupt(_("thiếu phần “%(part)s”") % {"part": book})
    rels = _rels(archive, book)
    date1904 = False
    sheets: list[tuple[str, str]] = []
    for child in root:
        name = _local(child.tag)
        if name == "workbookPr":
            date1904 = child.get("date1904", "").lower() in ("1", "true")
        elif name == "sheets":
            for sheet in child:
                rel_id = next((sheet.get(f"{{{ns}}}id") for ns in _REL_NS if sheet.get(f"{{{ns}}}id")), None)
                kind, member = rels.get(rel_id or "", ("", ""))
                if kind == "worksheet" and member in archive.NameToInfo:
                    sheets.append((sheet.get("name", ""), member))
    styles = _styles(archive, next((m for k, m in rels.values() if k == "styles"), None))
    kinds = styles.kinds
    strings = SharedStrings(archive, next((m for k, m in rels.values() if k == "sharedStrings"), None))
    candidates = []
    for name, member in sheets:
        scan = scan_sheet_xml(archive, member)
        top = [
            (number, values)
            for number, values in _stream_rows(archive, member, strings, kinds, date1904, None, HEADER_ROWS + 1)
        ]
        rows: list[list[Value]] = [[] for _row in range(max((number for number, _v in top), default=0))]
        for number, values in top:
            rows[number - 1] = values
        info = archive.getinfo(member)
        candidates.append(_Candidate(name, *_grid(rows, scan.merges), True, _XlsxSheet(member, info.file_size, scan)))
    candidate, header = _choose(candidates, layout)
    chosen: _XlsxSheet = candidate.extra
    first_data_row = header.row + 2 + (1 if header.numbered else 0)
    wanted = {index: position for position, (index, _text, _column) in enumerate(header.columns)}
    fonts = scan_cell_fonts(archive, chosen.member, wanted, styles.legacy_fonts) if styles.legacy_fonts else None
    if chosen.size > STREAMING_FROM:

        def streamed() -> Iterator[tuple[int, Sequence[Value]]]:
            strings.load_all()
            return _stream_rows(archive, chosen.member, strings, kinds, date1904, wanted)

        return _reader(
            candidate,
            header,
            rows=streamed,
            total_last_row=chosen.scan.last_row,
            formula_cells=chosen.scan.formula_cells,
            closers=[archive.close, strings.close],
            fonts=fonts,
        )
    strings.close()
    archive.close()
    workbook, closers = _workbook(path, "xlsx")
    try:
        calamine_sheet = _calamine_sheet(workbook, candidate.name)
    except BaseException:
        for close in reversed(closers):
            close()
        raise
    end = calamine_sheet.end
    return _reader(
        candidate,
        header,
        rows=_calamine_rows(calamine_sheet, header.columns, first_data_row),
        total_last_row=end[0] + 1 if end else None,
        formula_cells=chosen.scan.formula_cells,
        closers=closers,
        fonts=fonts,
    )


# --- csv ------------------------------------------------------------------------------------------------------------------

_DELIMITERS = (";", ",", "\t")


def _csv_lines(path: pathlib.Path, encoding: str) -> Iterator[str]:
    """The file's lines; Windows-1258 text (tones as combining marks) recomposed to NFC line by line."""
    with path.open(encoding=encoding, newline="") as stream:
        if encoding == "cp1258":
            for line in stream:
                yield unicodedata.normalize("NFC", line)
        else:
            yield from stream


def _open_csv(path: pathlib.Path, encoding: str, layout: Layout) -> TableReader:
    with path.open("rb") as raw:
        sample_bytes = raw.read(CSV_SAMPLE)
    size = path.stat().st_size
    sample = codecs.getincrementaldecoder(encoding)("ignore").decode(sample_bytes)
    if encoding == "cp1258":
        sample = unicodedata.normalize("NFC", sample)
    order = ("\t", ";", ",") if encoding == "utf-16" else _DELIMITERS
    candidates = []
    for delimiter in order:
        try:
            top = list(
                itertools.islice(csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter), HEADER_ROWS + 1)
            )
        except csv.Error:
            continue
        candidates.append(_Candidate("CSV", *_grid(top, None), False, delimiter))
    best: tuple[_Candidate, _Header] | None = None
    for candidate in candidates:
        header = candidate.header(layout)
        if header is not None and (best is None or header.score > best[1].score):
            best = (candidate, header)
    chosen = [best[0]] if best else candidates[:1]
    candidate, header = _choose(chosen or [_Candidate("CSV", [], {}, False, ",")], layout)
    chosen_delimiter: str = candidate.extra
    positions = [index for index, _text, _column in header.columns]

    def rows() -> Iterator[tuple[int, Sequence[Value]]]:
        pick = itemgetter(*positions)
        single = len(positions) == 1
        widest = max(positions) + 1
        try:
            for number, row in enumerate(csv.reader(_csv_lines(path, encoding), delimiter=chosen_delimiter), start=1):
                if len(row) < widest:
                    row = row + [""] * (widest - len(row))
                values = pick(row)
                yield number, ((values,) if single else values)
        except csv.Error as exc:
            raise _corrupt(_("dòng CSV không đọc được: %(error)s") % {"error": exc}) from None
        except UnicodeDecodeError:
            raise _corrupt(_("ký tự sai bảng mã")) from None

    lines = sample.count("\n")
    estimate = None
    if lines and sample_bytes:
        estimate = (
            int(lines * size / len(sample_bytes)) if len(sample_bytes) < size else lines + (not sample.endswith("\n"))
        )
    return _reader(candidate, header, rows=rows, total_last_row=estimate)
