"""The checks an uploaded file passes before anything parses it (R10: an upload is hostile until proven otherwise).

``inspect_upload(path, name)`` reads the file in a streaming way, never unpacks a member into memory, and either
says what the file is (``Inspected``: format, size, SHA-256, and a CSV's encoding) or raises ``UnsafeFile`` whose
Vietnamese ``message`` names the file, says what is wrong and what the clerk can do about it.

What is refused, in the order checked:

- an empty file, a file over ``max_upload_bytes()``;
- anything that is not a spreadsheet by its *content* (a program, a PDF, a Word document, an archive …) — the
  extension is never trusted: a workbook named ``.xls`` that is really an ``.xlsx`` is read as what it is, a
  program named ``.xlsx`` is refused;
- a zip bomb: more than ``MAX_MEMBERS`` parts, declared sizes over ``MAX_EXPANSION`` × the upload limit or a
  part whose ratio exceeds ``MAX_RATIO``, and — since a header can lie — the real inflated bytes of every part,
  counted through zlib in 64 KiB steps with a running cap (no part may inflate past what its header declares);
- a corrupt zip or OLE2 container (truncated, bad CRC, overlapping or unreadable parts);
- a password-protected workbook (the OLE2 ``EncryptionInfo`` / ``EncryptedPackage`` streams Excel writes for an
  encrypted .xlsx, or a ``FILEPASS`` record in an .xls);
- a macro workbook (``xl/vbaProject.bin``, a macroEnabled content type, an .xls ``_VBA_PROJECT_CUR`` storage or an
  Excel 4.0 macro sheet);
- XML declaring a DOCTYPE or an ENTITY in any part (XXE, "billion laughs");
- HTML or XML saved with a spreadsheet's name (old exports do that), binary text, a text file in no encoding we
  know.

CSV encodings, in order: a UTF-8 BOM ("utf-8-sig"), a UTF-16 BOM ("utf-16", Excel's "Unicode text"), strict
UTF-8, else Windows-1258 ("cp1258", a Vietnamese Windows' ANSI code page).
"""

from __future__ import annotations

import codecs
import hashlib
import itertools
import pathlib
import re
import struct
import sys
import zipfile
import zlib
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from django.conf import settings
from django.utils.translation import gettext as _

DEFAULT_MAX_BYTES = 50 * 2**20
MAX_MEMBERS = 2000  # parts in one zip: a real workbook has tens, a template with many sheets a few hundred
MAX_EXPANSION = 20  # all parts together may inflate to at most 20 × the upload limit (1 GB for 50 MB)
MAX_RATIO = 200  # one part's inflated / compressed size; real sheets stay under ~30 (measured: 12–25)
RATIO_FLOOR = 2**20  # … checked for parts declaring more than 1 MiB: a small part cannot be a bomb
READ_BLOCK = 2**20
INFLATE_STEP = 64 * 1024  # at most this many inflated bytes exist at once while counting
XML_SUFFIXES = (".xml", ".rels", ".vml")
TEXT_SAMPLE = 64 * 1024

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
XLSX_TYPES = (
    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    b"application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
)
MACRO_TYPE = re.compile(rb"macroenabled", re.IGNORECASE)
XLSB_TYPE = b"application/vnd.ms-excel.sheet.binary.macroEnabled.main"
ODS_MIMETYPES = (
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.spreadsheet-template",
)
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".txt", ".xlsb", ".xltx", ".ots")
# "<!DOCTYPE" / "<!ENTITY" as UTF-8 and as UTF-16 (an XML part may be encoded either way).
_FORBIDDEN_XML = [
    word.encode(encoding) for word in ("<!DOCTYPE", "<!ENTITY") for encoding in ("utf-8", "utf-16-le", "utf-16-be")
]
_FORBIDDEN_OVERLAP = max(len(word) for word in _FORBIDDEN_XML)


class UnsafeFile(Exception):
    """An upload refused before reading; ``message`` (Vietnamese) says what is wrong and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Inspected:
    """What an accepted upload is."""

    format: str  # "xlsx" | "xls" | "ods" | "csv"
    size: int
    sha256: str  # hex digest of the file's bytes
    encoding: str | None = None  # csv only: "utf-8-sig" | "utf-16" | "utf-8" | "cp1258"


def max_upload_bytes() -> int:
    """The largest accepted upload: ``settings.EDUDB_IMPORT_MAX_BYTES`` if set, else 50 MiB."""
    configured = getattr(settings, "EDUDB_IMPORT_MAX_BYTES", None)
    return int(configured) if configured else DEFAULT_MAX_BYTES


def megabytes(size: int) -> str:
    """50 MiB → "50", 1.5 MiB → "1,5", 1 KB → "0,001" (Vietnamese decimal comma)."""
    value = size / 2**20
    text = f"{value:.1f}" if value >= 1 else f"{value:.3g}"
    return text.rstrip("0").rstrip(".").replace(".", ",") if "." in text else text


def inspect_upload(path: pathlib.Path, name: str) -> Inspected:
    """Check the upload at ``path`` (shown to the user as ``name``); raise ``UnsafeFile`` or say what it is."""
    size = path.stat().st_size
    if size == 0:
        raise UnsafeFile(
            _("Tệp “%(name)s” rỗng (0 byte), không có dữ liệu: hãy kiểm tra lại tệp trên máy rồi tải lên lại.")
            % {"name": name}
        )
    limit = max_upload_bytes()
    if size > limit:
        raise UnsafeFile(
            _(
                "Tệp “%(name)s” nặng %(size)s MB, quá giới hạn %(limit)s MB: hãy chia thành nhiều tệp nhỏ hơn "
                "(ví dụ theo khối lớp hoặc theo trường) rồi nhập lần lượt."
            )
            % {"name": name, "size": megabytes(size), "limit": megabytes(limit)}
        )
    digest = hashlib.sha256()
    has_nul = False
    with path.open("rb") as stream:
        head = stream.read(8)
        stream.seek(0)
        for block in iter(lambda: stream.read(READ_BLOCK), b""):
            digest.update(block)
            has_nul = has_nul or b"\0" in block
    sha256 = digest.hexdigest()
    encoding: str | None = None
    if head.startswith(ZIP_MAGIC):
        kind = _check_zip(path, name, limit)
    elif head == OLE_MAGIC:
        kind = _check_ole(path, name)
    elif head.startswith((b"MZ", b"\x7fELF", b"%PDF", b"PK", b"Rar!", b"7z\xbc\xaf", b"\x1f\x8b", b"\xca\xfe\xba\xbe")):
        raise _not_spreadsheet(name, _content_kind(head))
    else:
        encoding = _check_text(path, name, has_nul)
        kind = "csv"
    return Inspected(format=kind, size=size, sha256=sha256, encoding=encoding)


# --- messages ---------------------------------------------------------------------------------------------------------


def _content_kind(head: bytes) -> str:
    if head.startswith((b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe")):
        return _("nội dung là một chương trình máy tính")
    if head.startswith(b"%PDF"):
        return _("nội dung là tài liệu PDF")
    if head.startswith((b"PK", b"Rar!", b"7z\xbc\xaf", b"\x1f\x8b")):
        return _("nội dung là tệp nén, không phải bảng tính")
    return _("không nhận ra loại nội dung")


def _not_spreadsheet(name: str, what: str) -> UnsafeFile:
    suffix = pathlib.PurePath(name).suffix.lower()
    if suffix in SPREADSHEET_SUFFIXES:
        what = _("%(what)s, dù tên tệp có đuôi %(suffix)s") % {"what": what, "suffix": suffix}
    return UnsafeFile(
        _(
            "Tệp “%(name)s” không phải là bảng tính (%(what)s). Hệ thống chỉ nhận tệp Excel (.xlsx, .xls), "
            "OpenDocument (.ods) hoặc CSV: hãy chọn đúng tệp dữ liệu rồi tải lên lại."
        )
        % {"name": name, "what": what}
    )


def _corrupt(name: str, detail: str) -> UnsafeFile:
    return UnsafeFile(
        _(
            "Tệp “%(name)s” bị hỏng (%(detail)s) nên không đọc được. Hãy mở bằng Excel và lưu lại (nếu Excel hỏi "
            "có sửa tệp không, chọn Có), rồi tải tệp vừa lưu lên lại."
        )
        % {"name": name, "detail": detail}
    )


def _bomb(name: str, detail: str) -> UnsafeFile:
    return UnsafeFile(
        _(
            "Tệp “%(name)s” không an toàn nên không được mở: %(detail)s — dấu hiệu của một “bom nén” (tệp nhỏ "
            "bung ra cực lớn làm treo máy chủ). Nếu đây là tệp dữ liệu thật, hãy mở bằng Excel, lưu lại thành "
            "“Excel Workbook (*.xlsx)” rồi tải lên lại."
        )
        % {"name": name, "detail": detail}
    )


def _password(name: str) -> UnsafeFile:
    return UnsafeFile(
        _(
            "Tệp “%(name)s” được đặt mật khẩu nên hệ thống không đọc được. Hãy bỏ mật khẩu: mở tệp trong Excel, "
            "vào File → Info → Protect Workbook → Encrypt with Password (Tệp → Thông tin → Bảo vệ Sổ làm việc → "
            "Mã hóa bằng Mật khẩu), xóa mật khẩu, bấm OK, lưu lại rồi tải lên lại."
        )
        % {"name": name}
    )


def _macros(name: str) -> UnsafeFile:
    return UnsafeFile(
        _(
            "Tệp “%(name)s” là sổ làm việc có macro (VBA); vì an toàn, hệ thống không nhận tệp chứa macro. Hãy mở "
            "trong Excel, chọn File → Save As (Lưu thành), kiểu tệp “Excel Workbook (*.xlsx)”, lưu rồi tải tệp "
            ".xlsx mới lên."
        )
        % {"name": name}
    )


def _doctype(name: str, member: str) -> UnsafeFile:
    return UnsafeFile(
        _(
            "Tệp “%(name)s” chứa khai báo XML không được phép (DOCTYPE/ENTITY trong phần “%(member)s”, có thể "
            "dùng để đọc trộm dữ liệu của máy chủ) nên không được mở. Tệp do Excel lưu không bao giờ có khai báo "
            "này: hãy mở bằng Excel, lưu lại thành “Excel Workbook (*.xlsx)” rồi tải lên lại."
        )
        % {"name": name, "member": member}
    )


def _resave(name: str, what: str) -> UnsafeFile:
    return UnsafeFile(
        _(
            "Tệp “%(name)s” là %(what)s, hệ thống chưa đọc được kiểu này. Hãy mở bằng Excel, chọn File → Save As "
            "(Lưu thành), kiểu tệp “Excel Workbook (*.xlsx)”, rồi tải tệp mới lên."
        )
        % {"name": name, "what": what}
    )


# --- zip containers (xlsx, ods) ---------------------------------------------------------------------------------------


def _check_zip(path: pathlib.Path, name: str, limit: int) -> str:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, struct.error):
        raise _corrupt(name, _("tệp nén bị cắt cụt hoặc thiếu phần mục lục")) from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_MEMBERS:
            raise _bomb(name, _("tệp gồm %(count)s phần (tối đa %(max)s)") % {"count": len(infos), "max": MAX_MEMBERS})
        declared = sum(info.file_size for info in infos)
        budget = MAX_EXPANSION * limit
        if declared > budget:
            raise _bomb(
                name,
                _("các phần khi giải nén khai báo %(size)s MB, vượt mức cho phép %(max)s MB")
                % {"size": megabytes(declared), "max": megabytes(budget)},
            )
        for info in infos:
            if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise _bomb(
                    name,
                    _("phần “%(member)s” nén %(ratio)s lần (tối đa %(max)s)")
                    % {
                        "member": info.filename,
                        "ratio": info.file_size // max(info.compress_size, 1),
                        "max": MAX_RATIO,
                    },
                )
            if info.flag_bits & 0x1:
                raise _corrupt(name, _("phần “%(member)s” được nén kèm mật khẩu") % {"member": info.filename})
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise _corrupt(name, _("phần “%(member)s” nén theo kiểu không hỗ trợ") % {"member": info.filename})
        with path.open("rb") as raw:
            spans = _member_spans(raw, infos, path.stat().st_size, name)
            kind, types = _zip_kind(raw, archive, spans, name)
            _check_zip_macros(archive, types, name)
            total = 0
            for info in infos:
                total += _scan_member(raw, info, spans[info.filename], name, budget - total)
    return kind


def _member_spans(raw: BinaryIO, infos: list[zipfile.ZipInfo], size: int, name: str) -> dict[str, int]:
    """Where each member's compressed data starts, after checking the local headers and that no two members'
    data overlap (the "overlapping files" bomb shares one compressed stream among many entries)."""
    spans: dict[str, int] = {}
    ranges = []
    for info in infos:
        raw.seek(info.header_offset)
        header = raw.read(30)
        if len(header) < 30 or header[:4] != ZIP_MAGIC:
            raise _corrupt(name, _("phần “%(member)s” không tìm thấy") % {"member": info.filename})
        name_length, extra_length = struct.unpack("<HH", header[26:30])
        start = info.header_offset + 30 + name_length + extra_length
        if start + info.compress_size > size:
            raise _corrupt(name, _("phần “%(member)s” bị cắt cụt") % {"member": info.filename})
        if info.filename in spans:
            raise _corrupt(name, _("phần “%(member)s” xuất hiện hai lần") % {"member": info.filename})
        spans[info.filename] = start
        ranges.append((info.header_offset, start + info.compress_size, info.filename))
    ranges.sort()
    for (_start, end, _member), (next_start, _end, member) in itertools.pairwise(ranges):
        if next_start < end:
            raise _bomb(name, _("các phần chồng lên nhau (phần “%(member)s”)") % {"member": member})
    return spans


def _inflate(raw: BinaryIO, info: zipfile.ZipInfo, start: int) -> Iterator[bytes]:
    """The member's real bytes, at most ``INFLATE_STEP`` at a time, straight from its compressed data: the
    declared uncompressed size is not used to stop, so a lying header shows as more bytes than declared."""
    raw.seek(start)
    left = info.compress_size
    if info.compress_type == zipfile.ZIP_STORED:
        while left:
            block = raw.read(min(left, INFLATE_STEP))
            if not block:
                raise EOFError
            left -= len(block)
            yield block
        return
    inflater = zlib.decompressobj(-15)
    while left and not inflater.eof:
        block = raw.read(min(left, INFLATE_STEP))
        if not block:
            raise EOFError
        left -= len(block)
        while block and not inflater.eof:
            out = inflater.decompress(block, INFLATE_STEP)
            block = inflater.unconsumed_tail
            if out:
                yield out
    while not inflater.eof:  # the stream may still hold output after its input is all consumed
        out = inflater.decompress(b"", INFLATE_STEP)
        if not out:
            break
        yield out
    if not inflater.eof:
        raise EOFError


def _scan_member(raw: BinaryIO, info: zipfile.ZipInfo, start: int, name: str, budget: int) -> int:
    """Inflate one member with a running cap, check its size and CRC, look for DOCTYPE/ENTITY in XML parts."""
    real = 0
    crc = 0
    member = info.filename
    xml = member.lower().endswith(XML_SUFFIXES)
    tail = b""
    try:
        for block in _inflate(raw, info, start):
            real += len(block)
            if real > info.file_size or real > budget:
                raise _bomb(
                    name,
                    _("phần “%(member)s” bung ra nhiều hơn kích thước khai báo (%(declared)s byte)")
                    % {"member": member, "declared": info.file_size},
                )
            crc = zlib.crc32(block, crc)
            if real == len(block) and block.lstrip(b"\xef\xbb\xbf\xff\xfe\t\r\n ").startswith((b"<", b"\0<")):
                xml = True
            if xml:
                window = tail + block
                if any(word in window for word in _FORBIDDEN_XML):
                    raise _doctype(name, member)
                tail = window[-_FORBIDDEN_OVERLAP:]
    except (zlib.error, EOFError):
        raise _corrupt(name, _("phần “%(member)s” giải nén lỗi") % {"member": member}) from None
    if real != info.file_size or crc != info.CRC:
        raise _corrupt(name, _("phần “%(member)s” sai mã kiểm tra CRC") % {"member": member})
    return real


def _read_member(raw: BinaryIO, info: zipfile.ZipInfo, start: int, limit: int) -> bytes:
    """At most ``limit`` inflated bytes of a member (for [Content_Types].xml and mimetype)."""
    out = bytearray()
    for block in _inflate(raw, info, start):
        out += block
        if len(out) >= limit:
            break
    return bytes(out[:limit])


def _zip_kind(raw: BinaryIO, archive: zipfile.ZipFile, spans: dict[str, int], name: str) -> tuple[str, bytes]:
    """("xlsx" or "ods", the first MiB of [Content_Types].xml) — or refused as not a spreadsheet."""
    names = set(spans)
    try:
        if "mimetype" in names:
            mimetype = _read_member(raw, archive.getinfo("mimetype"), spans["mimetype"], 200).decode("ascii", "replace")
            if mimetype.strip() in ODS_MIMETYPES:
                return "ods", b""
            if mimetype.startswith("application/vnd.oasis.opendocument.text"):
                raise _not_spreadsheet(name, _("nội dung là văn bản OpenDocument, không phải bảng tính"))
        if "[Content_Types].xml" in names:
            types = _read_member(raw, archive.getinfo("[Content_Types].xml"), spans["[Content_Types].xml"], 2**20)
            if XLSB_TYPE in types:
                raise _resave(name, _("sổ làm việc nhị phân Excel (.xlsb)"))
            if any(kind in types for kind in XLSX_TYPES) or b"application/vnd.ms-excel." in types:
                return "xlsx", types  # .xlsm / .xltm / .xlam included: refused as macros next
            if b"wordprocessingml" in types:
                raise _not_spreadsheet(name, _("nội dung là tài liệu Word"))
            if b"presentationml" in types:
                raise _not_spreadsheet(name, _("nội dung là bài trình chiếu PowerPoint"))
    except (zlib.error, EOFError):
        raise _corrupt(name, _("phần mô tả nội dung giải nén lỗi")) from None
    raise _not_spreadsheet(name, _("nội dung là tệp nén, không phải bảng tính"))


def _check_zip_macros(archive: zipfile.ZipFile, types: bytes, name: str) -> None:
    """VBA in an xlsx (``xl/vbaProject.bin``, a macroEnabled content type, Excel 4.0 macro sheets) or an ods
    (``Basic/`` or ``Scripts/`` parts)."""
    for info in archive.infolist():
        lowered = info.filename.lower()
        if lowered.endswith("vbaproject.bin") or lowered.startswith(("xl/macrosheets/", "basic/", "scripts/")):
            raise _macros(name)
    if MACRO_TYPE.search(types):
        raise _macros(name)


# --- OLE2 compound files (xls, encrypted xlsx) ------------------------------------------------------------------------

_END_OF_CHAIN = 0xFFFFFFFE
_MAX_SECTOR = 0xFFFFFFFA


class _Ole:
    """Just enough of an OLE2 (Compound File Binary) reader to list its entries and read a stream's start."""

    def __init__(self, raw: BinaryIO, size: int) -> None:
        self.raw = raw
        header = raw.read(512)
        if len(header) < 512 or header[:8] != OLE_MAGIC:
            raise ValueError("header")
        shift, mini_shift = struct.unpack_from("<HH", header, 30)
        if shift not in (9, 12) or mini_shift != 6:
            raise ValueError("sector size")
        self.sector = 1 << shift
        self.count = max(0, (size - self.sector) // self.sector)  # sectors present after the header
        fat_count, self.directory_start = struct.unpack_from("<II", header, 44)
        self.mini_cutoff, self.minifat_start, _minifat_count, difat_start, difat_count = struct.unpack_from(
            "<IIIII", header, 56
        )
        if fat_count > self.count + 1:
            raise ValueError("fat count")
        fat_sectors = [n for n in struct.unpack_from("<109I", header, 76) if n <= _MAX_SECTOR][:fat_count]
        sector = difat_start
        per_difat = self.sector // 4 - 1
        for _step in range(min(difat_count, self.count)):
            if len(fat_sectors) >= fat_count or sector > _MAX_SECTOR:
                break
            entries = struct.unpack(f"<{per_difat + 1}I", self._sector(sector))
            fat_sectors += [n for n in entries[:per_difat] if n <= _MAX_SECTOR]
            sector = entries[per_difat]
        fat_sectors = fat_sectors[:fat_count]
        self.fat = array("I")
        for number in fat_sectors:
            self.fat.frombytes(self._sector(number))
        if sys.byteorder == "big":
            self.fat.byteswap()
        self.entries = self._directory()
        self._mini_fat: array[int] | None = None

    def _sector(self, number: int) -> bytes:
        if number >= self.count:
            raise ValueError("sector out of range")
        self.raw.seek((number + 1) * self.sector)
        data = self.raw.read(self.sector)
        if len(data) < self.sector:
            raise ValueError("truncated")
        return data

    def chain(self, start: int, fat: array[int] | None = None) -> Iterator[int]:
        table = self.fat if fat is None else fat
        seen = 0
        number = start
        while number != _END_OF_CHAIN:
            if number >= len(table) or seen > len(table):
                raise ValueError("broken chain")
            yield number
            seen += 1
            number = table[number]

    def _directory(self) -> list[tuple[str, int, int, int]]:
        entries = []
        for number in self.chain(self.directory_start):
            data = self._sector(number)
            for offset in range(0, self.sector, 128):
                length, kind = struct.unpack_from("<HB", data, offset + 64)
                if kind not in (1, 2, 5) or not 2 <= length <= 64:
                    continue
                name = data[offset : offset + length - 2].decode("utf-16-le", "replace")
                start, size = struct.unpack_from("<IQ", data, offset + 116)
                entries.append((name, kind, start, size if self.sector == 4096 else size & 0xFFFFFFFF))
        if not entries or entries[0][1] != 5:
            raise ValueError("no root")
        return entries

    def read(self, entry: tuple[str, int, int, int], limit: int) -> bytes:
        """The first ``limit`` bytes of a stream (from the mini stream if it is a small one)."""
        _name, _kind, start, size = entry
        want = min(size, limit)
        out = bytearray()
        if size >= self.mini_cutoff:
            for number in self.chain(start):
                out += self._sector(number)
                if len(out) >= want:
                    break
            return bytes(out[:want])
        if self._mini_fat is None:
            self._mini_fat = array("I")
            for number in self.chain(self.minifat_start) if self.minifat_start <= _MAX_SECTOR else ():
                self._mini_fat.frombytes(self._sector(number))
            if sys.byteorder == "big":
                self._mini_fat.byteswap()
        root = self.entries[0]
        container = [number for number in self.chain(root[2])] if root[2] <= _MAX_SECTOR else []
        per_sector = self.sector // 64
        for mini in self.chain(start, self._mini_fat):
            big, offset = divmod(mini, per_sector)
            if big >= len(container):
                raise ValueError("mini sector out of range")
            data = self._sector(container[big])
            out += data[offset * 64 : offset * 64 + 64]
            if len(out) >= want:
                break
        return bytes(out[:want])


def _check_ole(path: pathlib.Path, name: str) -> str:
    try:
        with path.open("rb") as raw:
            ole = _Ole(raw, path.stat().st_size)
            names = {entry[0]: entry for entry in ole.entries}
            if "EncryptionInfo" in names or "EncryptedPackage" in names:
                raise _password(name)
            workbook = names.get("Workbook") or names.get("Book")
            if workbook is None or workbook[1] != 2:
                if "WordDocument" in names:
                    raise _not_spreadsheet(name, _("nội dung là tài liệu Word 97-2003"))
                if "PowerPoint Document" in names:
                    raise _not_spreadsheet(name, _("nội dung là bài trình chiếu PowerPoint 97-2003"))
                raise _not_spreadsheet(name, _("tệp Office không chứa bảng tính"))
            if any(entry[0] in ("_VBA_PROJECT_CUR", "_VBA_PROJECT", "VBA") for entry in ole.entries):
                raise _macros(name)
            _check_biff_globals(ole.read(workbook, 2**20), name)
    except (ValueError, struct.error, OSError, IndexError, OverflowError):
        raise _corrupt(name, _("cấu trúc tệp Excel 97-2003 không đọc được")) from None
    return "xls"


def workbook_stream(path: pathlib.Path) -> bytes:
    """The whole "Workbook" stream of an .xls that ``inspect_upload`` accepted (its BIFF records); b"" if absent."""
    with path.open("rb") as raw:
        ole = _Ole(raw, path.stat().st_size)
        workbook = next((entry for entry in ole.entries if entry[0] in ("Workbook", "Book") and entry[1] == 2), None)
        return ole.read(workbook, workbook[3]) if workbook is not None else b""


def _check_biff_globals(data: bytes, name: str) -> None:
    """Walk the workbook globals' records: FILEPASS means a password, a macro sheet (BOUNDSHEET type 1) means Excel
    4.0 macros. Stops at the globals' EOF or the end of what was read."""
    offset = 0
    while offset + 4 <= len(data):
        kind, length = struct.unpack_from("<HH", data, offset)
        body = data[offset + 4 : offset + 4 + length]
        if kind == 0x002F:  # FILEPASS
            raise _password(name)
        if kind == 0x0085 and len(body) >= 6 and body[5] & 0x0F == 1:  # BOUNDSHEET of a macro sheet
            raise _macros(name)
        if kind == 0x000A:  # EOF of the globals
            return
        offset += 4 + length


# --- text (csv) -------------------------------------------------------------------------------------------------------

_TEXT_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x19\x1b-\x1f\x7f]")


def _check_text(path: pathlib.Path, name: str, has_nul: bool) -> str:
    with path.open("rb") as stream:
        sample = stream.read(TEXT_SAMPLE)
    if sample.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    else:
        if has_nul:
            raise _not_spreadsheet(name, _("nội dung là dữ liệu nhị phân"))
        candidates = ["utf-8", "cp1258"]
    for encoding in candidates:
        if _decodes(path, encoding):
            break
    else:
        raise UnsafeFile(
            _(
                "Tệp “%(name)s” có ký tự không đọc được theo bảng mã Unicode (UTF-8, UTF-16) hay Windows-1258. "
                "Hãy mở bằng Excel và lưu lại dạng “CSV UTF-8 (Comma delimited) (*.csv)” hoặc “Excel Workbook "
                "(*.xlsx)”, rồi tải lên lại."
            )
            % {"name": name}
        )
    text = sample.decode(encoding, "ignore")
    start = text.lstrip("\ufeff \t\r\n")[:200].lower()
    if start.startswith(("<!doctype html", "<html", "<table", "<?xml", "<workbook", "<meta", "<head")):
        raise _resave(name, _("trang web (HTML) hoặc tệp XML mang tên bảng tính (phần mềm cũ hay xuất như vậy)"))
    if len(_TEXT_CONTROLS.findall(text)) > max(2, len(text) // 100):
        raise _not_spreadsheet(name, _("nội dung là dữ liệu nhị phân"))
    return encoding


def _decodes(path: pathlib.Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    try:
        with path.open("rb") as stream:
            for block in iter(lambda: stream.read(READ_BLOCK), b""):
                decoder.decode(block)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True
