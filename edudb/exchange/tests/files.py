"""Builders of good and bad spreadsheet files for the import's tests (safety checks, table reading, the pipeline).

Every builder writes to a path the caller gives and returns it, so a test reads::

    path = files.write_xlsx(tmp_path / "hs.xlsx", [files.STUDENT_HEADERS, *files.student_rows(3)])
    table = reading.open_table(path, safety.inspect_upload(path, "hs.xlsx"), STUDENTS)

Nothing here needs more than the stdlib, xlsxwriter and (for ``encrypted_xlsx`` only) msoffcrypto-tool, a dev
dependency. Rows are lists of cells: ``str``, numbers, ``bool``, ``date`` / ``datetime``, ``None`` for empty.

Good files
    ``write_xlsx`` (xlsxwriter: title rows, several header rows, merged cells, dates, formulas with a cached value,
    extra sheets, formatted empty rows), ``write_xls`` (a real Excel 97-2003 .xls — BIFF8 records in an OLE2
    compound file written by ``write_ole``; no xlwt nor LibreOffice needed), ``write_ods`` (a minimal OpenDocument
    spreadsheet), ``write_csv`` (UTF-8, UTF-8 with BOM, UTF-16 "Unicode text", Windows-1258 as Windows writes it —
    ``cp1258_bytes`` —, any delimiter), ``raw_xlsx`` + ``rows_xml`` / ``cell_xml`` (an .xlsx from hand-written sheet
    XML: formulas without a cached value, cells without a reference, inline and rich strings, prefixed XML, the
    1904 date system, sheets of hundreds of MB written streaming), ``big_xlsx`` (many rows, constant memory, for
    benchmarks), ``empty_rows_xlsx`` (1,048,576 formatted empty rows); the header sets ``STUDENT_HEADERS`` (ours),
    ``MINISTRY_STUDENT_HEADERS``, ``STAFF_HEADERS`` and ``student_rows`` / ``staff_rows`` to fill them.

Bad files
    ``zip_bomb`` (honest headers, 2 GiB of zeros in 2 MB, built in a fraction of a second from one repeated deflate
    block), ``lying_zip_bomb`` (headers claiming a 4 KB part), ``overlapping_zip``, ``many_members_zip``,
    ``exe_file``, ``pdf_file``, ``docx_file``, ``odt_file``, ``xlsb_file``, ``html_as_xls``, ``truncated``,
    ``corrupt_member_xlsx`` (a bad CRC), ``encrypted_xlsx`` (Excel's own password encryption), ``write_xls(...,
    password=True)``, ``macro_xlsx`` (an .xlsm whatever its name), ``macro_xls``, ``doctype_xlsx`` (an external
    entity in a part); ``rewrite_zip`` and ``write_raw_zip`` to make others.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import random
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

Rows = Sequence[Any]  # rows of cells, each a sequence (loosely typed: tests mix headers, dates, numbers)

# --- header sets ------------------------------------------------------------------------------------------------------

#: Our own template's headers for the students layout (a selection, in template order).
STUDENT_HEADERS = [
    "Mã định danh học sinh",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Dân tộc",
    "Số định danh cá nhân",
    "Lớp",
    "Họ tên cha",
    "Họ tên mẹ",
]
#: The same columns as the Ministry's own export spells them.
MINISTRY_STUDENT_HEADERS = [
    "Mã học sinh",
    "Họ tên",
    "NGÀY SINH",
    "Giới tính",
    "Dân tộc",
    "Số ĐDCN",
    "Tên lớp",
    "Họ và tên cha",
    "Họ và tên mẹ",
]
#: The staff layout's headers (a staff file: what a students import must refuse as the wrong template).
STAFF_HEADERS = [
    "Mã cán bộ",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Dân tộc",
    "Số định danh cá nhân",
    "Điện thoại",
    "Loại cán bộ",
    "Chức vụ",
    "Hình thức hợp đồng",
    "Môn dạy",
    "Trình độ đào tạo",
    "Trạng thái làm việc",
]

_FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi"]
_MIDDLE = ["Văn", "Thị", "Minh", "Ngọc", "Đức", "Thu"]
_GIVEN = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Khánh", "Linh", "Nam", "Phương"]


def _name(rng: random.Random) -> str:
    return f"{rng.choice(_FAMILY)} {rng.choice(_MIDDLE)} {rng.choice(_GIVEN)}"


def student_rows(count: int, *, seed: int = 1) -> list[list[object]]:
    """``count`` rows matching ``STUDENT_HEADERS`` / ``MINISTRY_STUDENT_HEADERS`` (birth dates as ``date``)."""
    rng = random.Random(seed)
    rows: list[list[object]] = []
    for index in range(count):
        rows.append(
            [
                f"31{index + 1:08d}",
                _name(rng),
                dt.date(2012, 1, 1) + dt.timedelta(days=rng.randrange(1500)),
                rng.choice(["Nam", "Nữ"]),
                "Kinh",
                f"0312{index + 1:08d}",
                rng.choice(["6A1", "6A2", "7A1"]),
                _name(rng),
                _name(rng),
            ]
        )
    return rows


def staff_rows(count: int, *, seed: int = 2) -> list[list[object]]:
    """``count`` rows matching ``STAFF_HEADERS``."""
    rng = random.Random(seed)
    return [
        [
            f"CB{index + 1:05d}",
            _name(rng),
            dt.date(1975, 1, 1) + dt.timedelta(days=rng.randrange(9000)),
            rng.choice(["Nam", "Nữ"]),
            "Kinh",
            f"0311{index + 1:08d}",
            f"09{rng.randrange(10**8):08d}",
            "Giáo viên",
            "",
            "Biên chế",
            "Toán",
            "Đại học",
            "Đang làm việc",
        ]
        for index in range(count)
    ]


# --- xlsx through xlsxwriter ------------------------------------------------------------------------------------------


def write_xlsx(
    path: Path,
    rows: Rows,
    *,
    sheet_name: str = "Dữ liệu",
    merges: Sequence[tuple[str, object]] = (),
    other_sheets: dict[str, Rows] | None = None,
    first_sheets: dict[str, Rows] | None = None,
    date_format: str = "dd/mm/yyyy",
    formulas: dict[str, tuple[str, object]] | None = None,
    empty_formatted_rows: int = 0,
    date_1904: bool = False,
) -> Path:
    """An .xlsx whose sheet ``sheet_name`` holds ``rows`` from A1 (a row may start with title rows, hold several
    header rows, anything: ``None`` leaves a cell empty; a ``date`` gets ``date_format``).

    ``merges``: ``("C2:E2", "Thông tin cha")`` merged ranges written over the rows; ``first_sheets`` /
    ``other_sheets`` add sheets before / after (instructions, code lists); ``formulas``: ``{"C5": ("=A1*2", 42)}``
    writes a formula with the cached value 42 (a ``date`` value is written as a date); ``empty_formatted_rows`` formats that many empty rows below the
    data (Excel writes a ``<row s=…>`` for each)."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": False, "date_1904": date_1904})
    date_cell = workbook.add_format({"num_format": date_format})
    datetime_cell = workbook.add_format({"num_format": "dd/mm/yyyy hh:mm:ss"})
    shaded = workbook.add_format({"bg_color": "#FFF2CC"})

    def fill(sheet: Any, values: Rows) -> None:
        for r, row in enumerate(values):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, dt.datetime):
                    sheet.write_datetime(r, c, value, datetime_cell)
                elif isinstance(value, dt.date):
                    sheet.write_datetime(r, c, value, date_cell)
                elif isinstance(value, str):
                    sheet.write_string(r, c, value)
                else:
                    sheet.write(r, c, value)

    for name, values in (first_sheets or {}).items():
        fill(workbook.add_worksheet(name), values)
    sheet = workbook.add_worksheet(sheet_name)
    fill(sheet, rows)
    for cells, value in merges:
        sheet.merge_range(cells, value)
    for cell, (formula, value) in (formulas or {}).items():
        if isinstance(value, dt.date):  # a date result: its serial, shown as a date
            serial = (value - dt.date(1904 if date_1904 else 1899, 1 if date_1904 else 12, 1 if date_1904 else 30)).days
            sheet.write_formula(cell, formula, date_cell, serial)
        else:
            sheet.write_formula(cell, formula, None, value)
    for offset in range(empty_formatted_rows):
        sheet.set_row(len(rows) + offset, None, shaded)
    for name, values in (other_sheets or {}).items():
        fill(workbook.add_worksheet(name), values)
    workbook.close()
    return path


def big_xlsx(
    path: Path,
    rows: int,
    columns: int = 30,
    *,
    seed: int = 3,
    shared_strings: bool = False,
    headers: Sequence[str] | None = None,
) -> Path:
    """A large .xlsx for benchmarks: ``headers`` (default ``STUDENT_HEADERS`` then "Cột N"), ``rows`` rows of
    text, dates and numbers; constant memory (inline strings unless ``shared_strings``)."""
    import xlsxwriter

    rng = random.Random(seed)
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": not shared_strings})
    date_cell = workbook.add_format({"num_format": "dd/mm/yyyy"})
    sheet = workbook.add_worksheet("Dữ liệu")
    if headers is None:
        headers = [*STUDENT_HEADERS, *(f"Cột {n}" for n in range(len(STUDENT_HEADERS), columns))][:columns]
    for c, header in enumerate(headers):
        sheet.write_string(0, c, header)
    base = dt.date(2012, 1, 1)
    for r in range(1, rows + 1):
        for c in range(len(headers)):
            kind = c % 5
            if kind == 2:
                sheet.write_datetime(r, c, base + dt.timedelta(days=(r * 7 + c) % 1500), date_cell)
            elif kind == 4:
                sheet.write_number(r, c, r * 31 + c)
            else:
                sheet.write_string(r, c, f"{rng.choice(_FAMILY)} {r} {c}")
    workbook.close()
    return path


# --- zip-level tools --------------------------------------------------------------------------------------------------


def rewrite_zip(
    source: Path,
    target: Path,
    *,
    replace: dict[str, bytes] | None = None,
    add: dict[str, bytes] | None = None,
    drop: Iterable[str] = (),
) -> Path:
    """Copy the zip ``source`` to ``target`` with members replaced, added or dropped (the order is kept)."""
    replace = dict(replace or {})
    dropped = set(drop)
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            if info.filename in dropped:
                continue
            data = replace.pop(info.filename) if info.filename in replace else old.read(info)
            new.writestr(info.filename, data, compress_type=info.compress_type)
        for name, data in {**replace, **(add or {})}.items():
            new.writestr(name, data)
    return target


def _local_header(name: bytes, *, crc: int, compressed: int, size: int, method: int = 8) -> bytes:
    return struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0x21, crc, compressed, size, len(name), 0) + name


def _central_entry(name: bytes, *, crc: int, compressed: int, size: int, offset: int, method: int = 8) -> bytes:
    return (
        struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50,
            20,
            20,
            0,
            method,
            0,
            0x21,
            crc,
            compressed,
            size,
            len(name),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        + name
    )


def write_raw_zip(path: Path, members: Sequence[tuple[str, Iterable[bytes], int, int, int, int]]) -> Path:
    """A zip written by hand, member by member, streaming: ``(name, compressed chunks, compressed size,
    declared uncompressed size, declared CRC-32, method)`` — so a test can make the headers say anything."""
    central: list[bytes] = []
    with path.open("wb") as out:
        for name, chunks, compressed, size, crc, method in members:
            encoded = name.encode()
            offset = out.tell()
            out.write(_local_header(encoded, crc=crc, compressed=compressed, size=size, method=method))
            for chunk in chunks:
                out.write(chunk)
            central.append(
                _central_entry(encoded, crc=crc, compressed=compressed, size=size, offset=offset, method=method)
            )
        start = out.tell()
        directory = b"".join(central)
        out.write(directory)
        out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), len(directory), start, 0))
    return path


def _deflated(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def _zeros_stream(size: int, block: int = 1 << 20) -> tuple[list[bytes], int, int]:
    """A raw deflate stream of ``size`` zero bytes (a multiple of ``block``) without compressing them all: after a
    full flush the compressor starts afresh, so every block of zeros compresses to the same bytes, written again and
    again. Returns (the pieces to write — one repeated object —, the compressed size, the CRC-32)."""
    if size % block:
        raise ValueError("size must be a multiple of block")
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    zeros = bytes(block)
    first = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    again = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    tail = compressor.flush()
    count = size // block
    pieces = [first, *([again] * (count - 1)), tail]
    crc = 0
    for _block in range(count):
        crc = zlib.crc32(zeros, crc)
    return pieces, sum(len(piece) for piece in pieces), crc


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="{main}"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "{extra}</Types>"
)
_XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_XLSM_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)


def zip_bomb(path: Path, *, size: int = 2 << 30, name: str = "xl/worksheets/sheet1.xml") -> Path:
    """A "workbook" whose sheet is ``size`` bytes of zeros (2 GiB by default) in ~2 MB: honest headers, a real
    xlsx content-types part. Built streaming in about a second."""
    pieces, compressed, crc = _zeros_stream(size)
    content_types = _CONTENT_TYPES.format(main=_XLSX_MAIN, extra="").encode()
    small = _deflated(content_types)
    return write_raw_zip(
        path,
        [
            ("[Content_Types].xml", [small], len(small), len(content_types), zlib.crc32(content_types), 8),
            (name, pieces, compressed, size, crc, 8),
        ],
    )


def lying_zip_bomb(path: Path, *, size: int = 256 << 20, declared: int = 4096) -> Path:
    """A workbook whose sheet member inflates to ``size`` bytes while its headers (local and central) say
    ``declared`` bytes — a reader trusting them would be fooled. The declared ratio looks harmless."""
    pieces, compressed, _crc = _zeros_stream(size)
    content_types = _CONTENT_TYPES.format(main=_XLSX_MAIN, extra="").encode()
    small = _deflated(content_types)
    crc_of_declared = zlib.crc32(bytes(declared))
    return write_raw_zip(
        path,
        [
            ("[Content_Types].xml", [small], len(small), len(content_types), zlib.crc32(content_types), 8),
            ("xl/worksheets/sheet1.xml", pieces, compressed, declared, crc_of_declared, 8),
        ],
    )


def overlapping_zip(path: Path, copies: int = 50) -> Path:
    """A "workbook" whose central directory lists ``copies`` parts that all point at the same compressed data
    (the overlapping-files bomb: each part inflates the shared stream again)."""
    content_types = _CONTENT_TYPES.format(main=_XLSX_MAIN, extra="").encode()
    small = _deflated(content_types)
    sheet = b"<worksheet>" + random.Random(4).randbytes(100_000).hex().encode() + b"</worksheet>"
    packed = _deflated(sheet)
    crc, size = zlib.crc32(sheet), len(sheet)
    central: list[bytes] = []
    with path.open("wb") as out:
        name = b"[Content_Types].xml"
        out.write(_local_header(name, crc=zlib.crc32(content_types), compressed=len(small), size=len(content_types)))
        out.write(small)
        central.append(
            _central_entry(
                name, crc=zlib.crc32(content_types), compressed=len(small), size=len(content_types), offset=0
            )
        )
        offset = out.tell()
        out.write(_local_header(b"xl/worksheets/sheet1.xml", crc=crc, compressed=len(packed), size=size))
        out.write(packed)
        for number in range(copies):
            member = f"xl/worksheets/sheet{number + 1}.xml".encode()
            central.append(_central_entry(member, crc=crc, compressed=len(packed), size=size, offset=offset))
        start = out.tell()
        directory = b"".join(central)
        out.write(directory)
        out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), len(directory), start, 0))
    return path


def html_as_xls(path: Path, rows: Rows) -> Path:
    """An HTML table saved under a spreadsheet's name (what old web software exports as "Excel")."""
    body = "".join("<tr>" + "".join(f"<td>{escape(str(v))}</td>" for v in row) + "</tr>" for row in rows)
    path.write_text(f"<html><head><meta charset='utf-8'></head><body><table>{body}</table></body></html>")
    return path


def xlsb_file(path: Path) -> Path:
    """The package of an Excel Binary Workbook (.xlsb): a zip whose main part is binary."""
    types = _CONTENT_TYPES.format(main="application/vnd.ms-excel.sheet.binary.macroEnabled.main", extra="")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("xl/workbook.bin", bytes(64))
    return path


def odt_file(path: Path) -> Path:
    """An OpenDocument text document (a Writer file, not a spreadsheet)."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text", zipfile.ZIP_STORED)
        archive.writestr("content.xml", "<office:document-content/>", zipfile.ZIP_DEFLATED)
    return path


def many_members_zip(path: Path, count: int = 2500) -> Path:
    """A workbook-looking zip of ``count`` tiny members (a way to exhaust a reader's bookkeeping)."""
    content_types = _CONTENT_TYPES.format(main=_XLSX_MAIN, extra="").encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        for number in range(count):
            archive.writestr(f"xl/media/{number}.xml", b"<a/>")
    return path


def truncated(source: Path, target: Path, *, keep: float = 0.6) -> Path:
    """The first ``keep`` of ``source``'s bytes (an upload cut short, a copy broken off)."""
    data = source.read_bytes()
    target.write_bytes(data[: int(len(data) * keep)])
    return target


def corrupt_member_xlsx(source: Path, target: Path, member: str = "xl/worksheets/sheet1.xml") -> Path:
    """``source`` with one byte of ``member``'s compressed data flipped: the zip opens, the CRC check fails."""
    data = bytearray(source.read_bytes())
    with zipfile.ZipFile(source) as archive:
        info = archive.getinfo(member)
    # The local header is 30 bytes plus the name and extra field lengths that it records itself.
    name_length, extra_length = struct.unpack_from("<HH", data, info.header_offset + 26)
    start = info.header_offset + 30 + name_length + extra_length
    data[start + info.compress_size // 2] ^= 0x55
    target.write_bytes(bytes(data))
    return target


def exe_file(path: Path) -> Path:
    """A Windows program's first bytes (``MZ`` … ``PE``), as a renamed .exe starts."""
    header = bytearray(512)
    header[0:2] = b"MZ"
    header[0x3C:0x40] = struct.pack("<I", 0x80)
    header[0x80:0x84] = b"PE\0\0"
    header[0x4E : 0x4E + 39] = b"This program cannot be run in DOS mode."
    path.write_bytes(bytes(header) + bytes(range(256)) * 8)
    return path


def pdf_file(path: Path) -> Path:
    path.write_bytes(
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    )
    return path


def docx_file(path: Path) -> Path:
    """A Word document (a zip whose content types declare wordprocessingml)."""
    content_types = _CONTENT_TYPES.format(
        main="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml", extra=""
    ).replace("/xl/workbook.xml", "/word/document.xml")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("word/document.xml", "<w:document/>")
    return path


def macro_xlsx(source: Path, target: Path) -> Path:
    """``source`` turned into a macro-enabled workbook (what Excel saves as .xlsm), whatever the new name says:
    a ``xl/vbaProject.bin`` part and the macroEnabled main content type."""
    with zipfile.ZipFile(source) as archive:
        types = archive.read("[Content_Types].xml").decode()
    types = types.replace(_XLSX_MAIN, _XLSM_MAIN).replace(
        "</Types>",
        '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>',
    )
    vba = write_ole(io.BytesIO(), {"VBA/dir": b"\x01" * 64, "_VBA_PROJECT": b"\xcc\x61" + bytes(62)})
    return rewrite_zip(
        source,
        target,
        replace={"[Content_Types].xml": types.encode()},
        add={"xl/vbaProject.bin": vba.getvalue()},
    )


def doctype_xlsx(source: Path, target: Path, member: str = "xl/sharedStrings.xml") -> Path:
    """``source`` with a DOCTYPE declaring an external entity in ``member`` (XXE: the parser would read
    /etc/passwd into a cell)."""
    with zipfile.ZipFile(source) as archive:
        xml = archive.read(member).decode()
    declaration, _, rest = xml.partition("?>")
    root = rest.lstrip().split()[0].lstrip("<")
    xml = f'{declaration}?>\n<!DOCTYPE {root} [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n{rest.lstrip()}'
    xml = xml.replace("<t>", "<t>&xxe;", 1)
    return rewrite_zip(source, target, replace={member: xml.encode()})


def encrypted_xlsx(source: Path, target: Path, password: str = "matkhau") -> Path:
    """``source`` encrypted with a password the way Excel does it (File → Info → Protect Workbook → Encrypt with
    Password): an OLE2 file holding ``EncryptionInfo`` and ``EncryptedPackage`` (msoffcrypto-tool, a dev
    dependency)."""
    from msoffcrypto.format.ooxml import OOXMLFile  # type: ignore[import-untyped]

    with source.open("rb") as plain, target.open("wb") as out:
        OOXMLFile(plain).encrypt(password, out)
    return target


# --- xlsx from hand-written XML ---------------------------------------------------------------------------------------

_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/>'
    '<numFmt numFmtId="165" formatCode="[h]:mm"/></numFmts>'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    "</fills>"
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    "</styleSheet>"
)
#: Style indexes of ``raw_xlsx``'s styles part: plain, custom date dd/mm/yyyy, builtin date 14, duration, text.
STYLE_PLAIN, STYLE_DATE, STYLE_BUILTIN_DATE, STYLE_DURATION, STYLE_TEXT = range(5)


def raw_xlsx(
    path: Path,
    sheet_data: str | Iterable[str],
    *,
    shared_strings: Sequence[str] = (),
    shared_strings_xml: str | None = None,
    sheet_name: str = "Dữ liệu",
    date1904: bool = False,
    merges: Sequence[str] = (),
    dimension: str | None = None,
    prefix: str = "",
) -> Path:
    """An .xlsx with one sheet whose ``<sheetData>`` content is ``sheet_data`` (a string, or an iterable of
    strings written streaming — for sheets of hundreds of MB), with ``shared_strings`` and the styles above.
    ``prefix`` ("x:") writes every SpreadsheetML element with a namespace prefix, as .NET writers do."""
    p = prefix
    ns = 'xmlns{colon}="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'.format(
        colon=":" + p[:-1] if p else ""
    )
    rel_ns = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    workbook = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<{p}workbook {ns} {rel_ns}>'
        + (f'<{p}workbookPr date1904="1"/>' if date1904 else "")
        + f'<{p}sheets><{p}sheet name={quoteattr(sheet_name)} sheetId="1" r:id="rId1"/></{p}sheets></{p}workbook>'
    )
    workbook_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
        'Target="styles.xml"/>'
        '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
        'Target="sharedStrings.xml"/></Relationships>'
    )
    extra = (
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    )
    if shared_strings_xml is None:
        shared_strings_xml = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{len(shared_strings)}" '
            f'uniqueCount="{len(shared_strings)}">'
            + "".join(f'<si><t xml:space="preserve">{escape(text)}</t></si>' for text in shared_strings)
            + "</sst>"
        )
    head = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<{p}worksheet {ns} {rel_ns}>'
    if dimension:
        head += f'<{p}dimension ref="{dimension}"/>'
    head += f"<{p}sheetData>"
    tail = f"</{p}sheetData>"
    if merges:
        tail += f'<{p}mergeCells count="{len(merges)}">' + "".join(f'<{p}mergeCell ref="{m}"/>' for m in merges)
        tail += f"</{p}mergeCells>"
    tail += f"</{p}worksheet>"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES.format(main=_XLSX_MAIN, extra=extra))
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", workbook_rels)
        archive.writestr("xl/styles.xml", _STYLES)
        archive.writestr("xl/sharedStrings.xml", shared_strings_xml)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            member.write(head.encode())
            for piece in [sheet_data] if isinstance(sheet_data, str) else sheet_data:
                member.write(piece.encode())
            member.write(tail.encode())
    return path


def cell_xml(ref: str, value: object, *, style: int | None = None, prefix: str = "") -> str:
    """One ``<c>`` element for ``raw_xlsx``: a ``str`` as an inline string, a number as ``<v>``, a bool as t="b";
    ``("=formula", cached)`` a formula (``cached`` None: no ``<v>`` at all)."""
    p = prefix
    s = f' s="{style}"' if style is not None else ""
    if isinstance(value, tuple):
        formula, cached = value
        body = f"<{p}f>{escape(formula.lstrip('='))}</{p}f>"
        if cached is None:
            return f'<{p}c r="{ref}"{s}>{body}</{p}c>'
        if isinstance(cached, str):
            return f'<{p}c r="{ref}"{s} t="str">{body}<{p}v>{escape(cached)}</{p}v></{p}c>'
        return f'<{p}c r="{ref}"{s}>{body}<{p}v>{cached!r}</{p}v></{p}c>'
    if isinstance(value, bool):
        return f'<{p}c r="{ref}"{s} t="b"><{p}v>{int(value)}</{p}v></{p}c>'
    if isinstance(value, (int, float)):
        return f'<{p}c r="{ref}"{s}><{p}v>{value!r}</{p}v></{p}c>'
    return (
        f'<{p}c r="{ref}"{s} t="inlineStr"><{p}is><{p}t xml:space="preserve">{escape(str(value))}</{p}t></{p}is></{p}c>'
    )


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def rows_xml(rows: Rows, *, first_row: int = 1, prefix: str = "") -> str:
    """``<row>`` elements for ``raw_xlsx`` (``None`` / "" cells are left out)."""
    p = prefix
    out = []
    for offset, row in enumerate(rows):
        number = first_row + offset
        cells = "".join(
            cell_xml(f"{column_letter(c)}{number}", value, prefix=p)
            for c, value in enumerate(row)
            if value is not None and value != ""
        )
        out.append(f'<{p}row r="{number}">{cells}</{p}row>')
    return "".join(out)


def empty_rows_xlsx(path: Path, header: Sequence[str], *, rows: int = 1_048_576, cells: int = 0) -> Path:
    """A sheet with ``header`` in row 1 and then every remaining row of the sheet (to 1,048,576) formatted but
    empty — what Excel saves after a whole-sheet fill colour or border. ``cells`` > 0 also writes that many styled
    empty ``<c>`` per row. Written streaming (~60 MB of XML, ~1 MB on disk)."""

    def pieces() -> Iterator[str]:
        yield rows_xml([list(header)])
        batch = []
        empty_cells = "".join(f'<c r="{column_letter(c)}{{n}}" s="1"/>' for c in range(cells))
        for number in range(2, rows + 1):
            if cells:
                batch.append(f'<row r="{number}" s="1" customFormat="1">{empty_cells.format(n=number)}</row>')
            else:
                batch.append(f'<row r="{number}" s="1" customFormat="1" ht="15" customHeight="1"/>')
            if len(batch) == 10000:
                yield "".join(batch)
                batch = []
        yield "".join(batch)

    return raw_xlsx(path, pieces(), dimension=f"A1:{column_letter(max(len(header), cells) - 1)}{rows}")


# --- ods ----------------------------------------------------------------------------------------------------------------


def write_ods(path: Path, rows: Rows, *, sheet_name: str = "Dữ liệu") -> Path:
    """A minimal OpenDocument spreadsheet: ``mimetype`` stored first, ``META-INF/manifest.xml``, ``content.xml``
    (strings, numbers as floats, dates as office:date-value, ``None`` as an empty cell)."""
    cells_xml = []
    for row in rows:
        cells = []
        for value in row:
            if value is None or value == "":
                cells.append("<table:table-cell/>")
            elif isinstance(value, dt.date):
                cells.append(
                    f'<table:table-cell office:value-type="date" office:date-value="{value.isoformat()}">'
                    f"<text:p>{value.strftime('%d/%m/%Y')}</text:p></table:table-cell>"
                )
            elif isinstance(value, bool):
                cells.append(
                    f'<table:table-cell office:value-type="boolean" office:boolean-value="{str(value).lower()}">'
                    f"<text:p>{value}</text:p></table:table-cell>"
                )
            elif isinstance(value, (int, float)):
                cells.append(
                    f'<table:table-cell office:value-type="float" office:value="{value}"><text:p>{value}</text:p>'
                    "</table:table-cell>"
                )
            else:
                lines = "".join(f"<text:p>{escape(line)}</text:p>" for line in str(value).split("\n"))
                cells.append(f'<table:table-cell office:value-type="string">{lines}</table:table-cell>')
        cells_xml.append(f"<table:table-row>{''.join(cells)}</table:table-row>")
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:spreadsheet><table:table table:name={quoteattr(sheet_name)}>"
        + "".join(cells_xml)
        + "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED
        )
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return path


# --- csv ----------------------------------------------------------------------------------------------------------------


def write_csv(path: Path, rows: Rows, *, encoding: str = "utf-8", delimiter: str = ",") -> Path:
    """A CSV as Excel saves it: ``encoding`` "utf-8-sig" (CSV UTF-8), "utf-16" (Unicode text, tab-separated:
    pass ``delimiter="\\t"``), "cp1258" (CSV on a Vietnamese Windows, often with ";"), or "utf-8". Dates are
    written dd/mm/yyyy; lines end with CRLF."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow(
            [
                value.strftime("%d/%m/%Y") if isinstance(value, dt.date) else "" if value is None else value
                for value in row
            ]
        )
    text = buffer.getvalue()
    path.write_bytes(cp1258_bytes(text) if encoding == "cp1258" else text.encode(encoding))
    return path


def cp1258_bytes(text: str) -> bytes:
    """``text`` in Windows-1258 as Windows writes it: the code page has â ă ê ô ơ ư đ but no toned letters, so
    tones are combining marks after the letter ("ậ" → "â" + U+0323)."""
    out: list[str] = []
    for char in unicodedata.normalize("NFD", text):
        if out and unicodedata.combining(char):
            # Join the mark to the cluster's letter if the code page has the result (â, ơ …), else keep it apart.
            base = len(out) - 1
            while base > 0 and unicodedata.combining(out[base]):
                base -= 1
            joined = unicodedata.normalize("NFC", out[base] + char)
            if len(joined) == 1 and _in_cp1258(joined):
                out[base] = joined
                continue
        out.append(char)
    return "".join(out).encode("cp1258")


def _in_cp1258(char: str) -> bool:
    try:
        char.encode("cp1258")
    except UnicodeEncodeError:
        return False
    return True


# --- OLE2 compound files and .xls (BIFF8) -------------------------------------------------------------------------------

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_FREE, _END, _FAT_SECTOR, _NO_STREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
_SECTOR = 512


def write_ole(out: Any, streams: dict[str, bytes]) -> Any:
    """A version-3 OLE2 compound file holding ``streams`` (``"Storage/Stream"`` paths make storages) into the
    binary file object ``out``; returns ``out``. Streams shorter than 4096 bytes are padded to it (so no mini
    stream is needed: real Excel pads its Workbook stream the same way)."""
    # The directory: index 0 is the root; storages and streams follow, each storage's children chained as a
    # right-leaning binary tree in the CFB order (by name length, then upper-cased name).
    entries: list[dict[str, Any]] = [{"name": "Root Entry", "type": 5, "children": [], "data": b""}]
    storages: dict[str, int] = {"": 0}
    for full, data in streams.items():
        parent = ""
        parts = full.split("/")
        for depth, part in enumerate(parts[:-1]):
            key = "/".join(parts[: depth + 1])
            if key not in storages:
                entries.append({"name": part, "type": 1, "children": [], "data": b""})
                storages[key] = len(entries) - 1
                entries[storages[parent]]["children"].append(storages[key])
            parent = key
        if len(data) < 4096:
            data = data + bytes(4096 - len(data))
        entries.append({"name": parts[-1], "type": 2, "children": [], "data": data})
        entries[storages[parent]]["children"].append(len(entries) - 1)

    # Sectors: stream data first, then the directory, then the FAT.
    chains: list[tuple[int, int]] = []  # (first sector, count) per stream entry, in entry order
    sector = 0
    for entry in entries:
        if entry["type"] == 2:
            count = -(-len(entry["data"]) // _SECTOR)
            entry["start"] = sector
            chains.append((sector, count))
            sector += count
        else:
            entry["start"] = _END if entry["type"] == 5 else 0
    directory_sectors = -(-len(entries) * 128 // _SECTOR)
    directory_start = sector
    sector += directory_sectors
    fat_sectors = 1
    while (sector + fat_sectors) > fat_sectors * (_SECTOR // 4):
        fat_sectors += 1
    if fat_sectors > 109:
        raise ValueError("too large for this small writer")
    fat_start = sector
    total = sector + fat_sectors
    fat = [_FREE] * (fat_sectors * (_SECTOR // 4))
    for first, count in [*chains, (directory_start, directory_sectors)]:
        for index in range(first, first + count - 1):
            fat[index] = index + 1
        fat[first + count - 1] = _END
    for index in range(fat_start, total):
        fat[index] = _FAT_SECTOR

    def order(index: int) -> tuple[int, str]:
        return (len(entries[index]["name"]), entries[index]["name"].upper())

    links = {index: [_NO_STREAM, _NO_STREAM, _NO_STREAM] for index in range(len(entries))}  # left, right, child
    for index, entry in enumerate(entries):
        children = sorted(entry["children"], key=order)
        if children:
            links[index][2] = children[0]
            for left, right in itertools.pairwise(children):
                links[left][1] = right

    directory = bytearray()
    for index, entry in enumerate(entries):
        name = entry["name"].encode("utf-16-le") + b"\0\0"
        size = len(entry["data"]) if entry["type"] == 2 else 0
        directory += name.ljust(64, b"\0")
        directory += struct.pack("<HBB", len(name), entry["type"], 1)
        directory += struct.pack("<III", *links[index])
        directory += bytes(16) + bytes(4) + bytes(16)
        directory += struct.pack("<IQ", entry["start"], size)
    directory = directory.ljust(directory_sectors * _SECTOR, b"\0")  # unused entries: type 0, "empty"
    header = bytearray(_SECTOR)
    header[0:8] = _OLE_MAGIC
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 40, 0, fat_sectors, directory_start, 0, 4096, _END, 0, _END, 0)
    difat = [fat_start + n for n in range(fat_sectors)] + [_FREE] * (109 - fat_sectors)
    struct.pack_into("<109I", header, 76, *difat)
    out.write(bytes(header))
    for entry in entries:
        if entry["type"] == 2:
            out.write(entry["data"].ljust(-(-len(entry["data"]) // _SECTOR) * _SECTOR, b"\0"))
    out.write(bytes(directory))
    out.write(struct.pack(f"<{len(fat)}I", *fat))
    return out


def _record(kind: int, body: bytes) -> bytes:
    return struct.pack("<HH", kind, len(body)) + body


def _biff_string(text: str, length_bytes: int = 2) -> bytes:
    encoded = text.encode("utf-16-le")
    count = struct.pack("<H" if length_bytes == 2 else "<B", len(encoded) // 2)
    return count + b"\x01" + encoded


def write_xls(
    path: Path,
    rows: Rows,
    *,
    sheet_name: str = "Dữ liệu",
    merges: Sequence[tuple[int, int, int, int]] = (),
    vba: bool = False,
    password: bool = False,
    fonts: dict[tuple[int, int], str] | None = None,
) -> Path:
    """A real Excel 97-2003 workbook (.xls, BIFF8) with one sheet holding ``rows`` from A1: strings (LABEL),
    numbers (NUMBER), booleans, dates (a NUMBER with the dd/mm/yyyy format); ``merges`` as (first row, last row,
    first col, last col), 0-based. ``vba`` adds a ``_VBA_PROJECT_CUR`` storage (what a workbook with macros
    holds); ``password`` a FILEPASS record (what an .xls saved with a password to open begins with — the cells
    are left readable here, only the marker matters). ``fonts``: (row, col) → the font of that cell (0-based).
    Written with the stdlib only: no xlwt (unmaintained) nor LibreOffice is needed."""
    globals_ = bytearray()
    globals_ += _record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 6))  # BOF globals
    if password:
        globals_ += _record(0x002F, struct.pack("<HHH", 1, 1, 1) + bytes(48))  # FILEPASS: RC4 encryption header
    globals_ += _record(0x0042, struct.pack("<H", 1200))  # CODEPAGE: UTF-16
    globals_ += _record(0x0022, struct.pack("<H", 0))  # DATEMODE 1900
    font = struct.pack("<HHHHHBBBB", 200, 0, 0x7FFF, 400, 0, 0, 0, 0, 0) + _biff_string("Arial", 1)
    for _ in range(5):  # fonts 0-3 and 5 (index 4 is never written)
        globals_ += _record(0x0031, font)
    font_names = sorted(set((fonts or {}).values()))
    for name_of_font in font_names:  # fonts 6, 7, …
        globals_ += _record(0x0031, font[:14] + _biff_string(name_of_font, 1))
    globals_ += _record(0x041E, struct.pack("<H", 164) + _biff_string("dd/mm/yyyy"))  # FORMAT 164

    def xf(font_index: int, format_index: int, style: bool) -> bytes:
        kind = 0xFFF5 if style else 0x0001
        return _record(0x00E0, struct.pack("<HHHHHHIH", font_index, format_index, kind, 0x20, 0, 0, 0, 0x20C0))

    for _ in range(15):
        globals_ += xf(0, 0, True)
    globals_ += xf(0, 0, False)  # XF 15: the default cell format
    globals_ += xf(0, 164, False)  # XF 16: dates
    for number in range(len(font_names)):  # XF 17, 18, …: the cells in fonts 6, 7, …
        globals_ += xf(6 + number, 0, False)
    format_of = {cell: 17 + font_names.index(name_of_font) for cell, name_of_font in (fonts or {}).items()}
    globals_ += _record(0x0293, struct.pack("<HBB", 0x8000, 0, 0xFF))  # STYLE Normal (built-in)
    name = sheet_name.encode("utf-16-le")
    boundsheet_at = len(globals_)
    boundsheet = _record(0x0085, struct.pack("<IBB", 0, 0, 0) + bytes([len(name) // 2, 1]) + name)
    globals_ += boundsheet
    globals_ += _record(0x000A, b"")  # EOF

    sheet = bytearray()
    sheet += _record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0x0DBB, 0x07CC, 0, 6))  # BOF worksheet
    width = max((len(row) for row in rows), default=0)
    sheet += _record(0x0200, struct.pack("<IIHHH", 0, len(rows), 0, width, 0))  # DIMENSIONS
    epoch = dt.date(1899, 12, 30)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, bool):
                sheet += _record(0x0205, struct.pack("<HHHBB", r, c, 15, int(value), 0))
            elif isinstance(value, dt.date):
                serial = float((value - epoch).days)
                sheet += _record(0x0203, struct.pack("<HHHd", r, c, 16, serial))
            elif isinstance(value, (int, float)):
                sheet += _record(0x0203, struct.pack("<HHHd", r, c, 15, float(value)))
            else:
                sheet += _record(
                    0x0204, struct.pack("<HHH", r, c, format_of.get((r, c), 15)) + _biff_string(str(value))
                )
    if merges:
        sheet += _record(0x00E5, struct.pack("<H", len(merges)) + b"".join(struct.pack("<HHHH", *m) for m in merges))
    sheet += _record(0x000A, b"")

    # The sheet's BOF offset goes into BOUNDSHEET's first field.
    struct.pack_into("<I", globals_, boundsheet_at + 4, len(globals_))
    streams = {"Workbook": bytes(globals_ + sheet)}
    if vba:
        streams["_VBA_PROJECT_CUR/VBA/_VBA_PROJECT"] = b"\xcc\x61" + bytes(62)
        streams["_VBA_PROJECT_CUR/PROJECT"] = b'ID="{00000000-0000-0000-0000-000000000000}"\r\n'
    with path.open("wb") as out:
        write_ole(out, streams)
    return path


def macro_xls(path: Path, rows: Rows) -> Path:
    """An .xls whose workbook carries VBA macros (a ``_VBA_PROJECT_CUR`` storage)."""
    return write_xls(path, rows, vba=True)
