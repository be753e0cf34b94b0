"""Writing a release: exactly the approved fields of the approved units, minimised and watermarked.

Called only by ``services.unscoped_build_release`` (which first checks the approval record). The rows are read
deliberately without an account's scope — the Sở's written consent is the authority here, not a signed-in user —
but only under the approved units (each with the units below it). The list page's own ``refine()`` (called on
these rows, with no account behind it) adds what its columns read and its default filter: classes and room lines
of the request's school year, or of the current one.

Minimisation: only the approved columns, in the catalogue's order; personal IDs become a keyed pseudonym
(``BDD-`` + 16 hex digits of HMAC-SHA256 over the request number and the value: the same person has the same
pseudonym within one release and none can be linked across requests or reversed without the server's key) unless
the consent names them; health columns are left out unless the consent names them; records whose subject obtained a
restriction of processing (a granted personal-data request, ``feedback``) are left out.

Watermark: every sheet's page header and footer, a first line on every data sheet, a first "Thông tin" sheet
(request, requester, purpose, consent document, retention, what was minimised) and the workbook's properties all
carry the request number; a CSV release is a zip whose members start with the same line and whose comment and
``thong-tin.txt`` repeat it.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import hashlib
import hmac
import io
import tempfile
import zipfile
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import IO, Any

import xlsxwriter
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from edudb.core.models import subtree_q
from edudb.exchange.exports import CHUNK_ROWS, cell_value, list_request, neutralise, prepare
from edudb.sharing import catalogue
from edudb.sharing.catalogue import CatalogueField, Sensitivity


def pseudonym(number: str, value: str) -> str:
    key = hashlib.sha256(f"{settings.SECRET_KEY}|edudb.sharing.pseudonym".encode()).digest()
    return "BDD-" + hmac.new(key, f"{number}|{value}".encode(), hashlib.sha256).hexdigest()[:16].upper()


@dataclass(frozen=True)
class Part:
    """One database of the release: its label and the columns written."""

    database: str
    label: str
    fields: tuple[CatalogueField, ...]


def parts(decision: Any) -> list[Part]:
    approved = set(decision.approved_fields)
    made = []
    for database in catalogue.DATABASES:
        chosen = tuple(
            item
            for item in catalogue.fields_of(database.key)
            if item.key in approved and (item.sensitivity != Sensitivity.HEALTH or decision.include_health)
        )
        if chosen:
            made.append(Part(database.key, str(database.label), chosen))
    return made


def rows_of(request: Any, decision: Any, database: str) -> models.QuerySet[Any]:
    spec = catalogue.spec_of(database)
    model: type[models.Model] = spec.view_class.model
    units = list(decision.approved_units.all())
    if not units:
        return model._default_manager.none()
    where = reduce(or_, (subtree_q(unit.path, "unit__") for unit in units))
    # The list page's own refine() adds what its columns read (a class's head count, a school's sites, a room
    # line's totals) and its default filters (the current school year, or the year asked for) — on rows chosen
    # here by the approved units, not by an account's scope; no account stands behind it (AnonymousUser).
    query = f"school_year={request.school_year_id}" if request.school_year_id else ""
    view = spec.view_class()
    view.setup(list_request(spec, AnonymousUser(), query))
    # A data subject who obtained a restriction of processing (R8.4) is not released to anyone outside.
    from edudb.feedback.services import unscoped_restricted_ids

    queryset = view.refine(model._default_manager.filter(where).exclude(pk__in=unscoped_restricted_ids(model)))
    return prepare(queryset, spec).order_by("unit__path", "pk")


def value_of(item: CatalogueField, row: Any, *, number: str, reveal_ids: bool) -> Any:
    if item.sensitivity == Sensitivity.PERSONAL_ID:
        raw = item.column.value(row)
        if raw in (None, ""):
            return None
        return str(raw) if reveal_ids else pseudonym(number, str(raw))
    return cell_value(item.column, row, reveal=False)


def watermark(request: Any, decision: Any) -> str:
    return _(
        "Dữ liệu cung cấp theo yêu cầu %(number)s, văn bản đồng ý số %(doc)s ngày %(date)s của Sở GD&ĐT Hải Phòng; "
        "chỉ dùng cho mục đích đã nêu, lưu đến %(keep)s."
    ) % {
        "number": request.number,
        "doc": decision.document_number,
        "date": decision.document_date.strftime("%d/%m/%Y") if decision.document_date else "",
        "keep": request.keep_until.strftime("%d/%m/%Y"),
    }


def info_lines(request: Any, decision: Any, counts: list[tuple[str, int]]) -> list[tuple[str, str]]:
    lines = [
        (_("Số yêu cầu"), request.number),
        (_("Bên đề nghị"), f"{request.requester_name} — {request.requester_organisation}"),
        (_("Mục đích sử dụng"), request.purpose),
        (_("Căn cứ pháp lý"), request.legal_basis),
        (_("Văn bản đồng ý của Sở"), f"{decision.document_number}, {decision.document_date:%d/%m/%Y}"),
        (_("Người ký"), decision.signer),
        (_("Lưu giữ dữ liệu đến ngày"), f"{request.keep_until:%d/%m/%Y}"),
        (_("Năm học"), str(request.school_year) if request.school_year_id else _("Dữ liệu hiện có")),
        (_("Đơn vị"), "; ".join(f"{u.code} {u.name}" for u in decision.approved_units.order_by("path"))),
        (
            _("Số định danh cá nhân"),
            _("Cung cấp đầy đủ theo văn bản đồng ý.")
            if decision.include_personal_ids
            else _("Đã thay bằng mã giả danh (không suy ngược được số thật)."),
        ),
        (
            _("Dữ liệu sức khỏe"),
            _("Cung cấp theo văn bản đồng ý.") if decision.include_health else _("Không cung cấp."),
        ),
    ]
    lines += [(_("Số dòng: %(part)s") % {"part": label}, str(n)) for label, n in counts]
    lines.append((_("Tạo tệp lúc"), timezone.localtime().strftime("%H:%M %d/%m/%Y")))
    lines.append(
        (
            _("Lưu ý"),
            _(
                "Dữ liệu cá nhân chỉ được dùng đúng mục đích đã nêu, không chuyển cho bên thứ ba, xóa khi hết thời hạn "
                "lưu giữ (Quy chế CSDL ngành, Điều 3 và Điều 10; pháp luật về bảo vệ dữ liệu cá nhân)."
            ),
        )
    )
    return lines


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, (int, float, decimal.Decimal)):
        return str(value)
    return neutralise(str(value))


def write(request: Any, decision: Any, target: IO[bytes]) -> tuple[str, int]:
    """Write the release to ``target`` (a temporary file: a city-wide release does not sit in memory); answers its
    file name and the number of data rows."""
    if request.file_format == "csv":
        return _write_csv(request, decision, target)
    return _write_xlsx(request, decision, target)


def _iter(request: Any, decision: Any, part: Part) -> Any:
    reveal = decision.include_personal_ids
    for row in rows_of(request, decision, part.database).iterator(chunk_size=CHUNK_ROWS):
        yield [value_of(item, row, number=request.number, reveal_ids=reveal) for item in part.fields]


def _amp(text: str) -> str:
    """Text for an xlsx page header/footer, where ``&`` starts a control code."""
    return text.replace("&", "&&")


def _write_xlsx(request: Any, decision: Any, target: IO[bytes]) -> tuple[str, int]:
    # constant_memory: each sheet's rows go to disk as they are written (the "Thông tin" sheet, first in the book,
    # is filled last, in its own row order).
    book = xlsxwriter.Workbook(
        target,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "tmpdir": tempfile.gettempdir(),
        },
    )
    mark = watermark(request, decision)
    book.set_properties(
        {
            "title": _("Dữ liệu cung cấp theo yêu cầu %(n)s") % {"n": request.number},
            "subject": mark,
            "author": "CSDL Ngành Giáo dục Hải Phòng",
            "company": "Sở Giáo dục và Đào tạo Hải Phòng",
            "keywords": f"{request.number}, {decision.document_number}",
            "comments": mark,
        }
    )
    book.set_custom_property("Số yêu cầu", request.number)
    book.set_custom_property("Văn bản đồng ý", decision.document_number)
    bold = book.add_format({"bold": True, "bg_color": "#E7EEF7", "text_wrap": True, "valign": "top", "border": 1})
    note = book.add_format({"italic": True, "font_color": "#7A1F1F"})
    date_format = book.add_format({"num_format": "dd/mm/yyyy"})
    datetime_format = book.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    page_header = f"&L{_amp(request.number)}&R{_amp(decision.document_number)}"[:255]
    page_footer = f"&L{_amp(mark[:200])}&R&P/&N"
    about = book.add_worksheet(_("Thông tin")[:31])
    about.set_header(page_header)
    about.set_footer(page_footer)
    about.set_column(0, 0, 30)
    about.set_column(1, 1, 100)
    total = 0
    counts: list[tuple[str, int]] = []
    for part in parts(decision):
        sheet = book.add_worksheet(part.label[:31])
        sheet.set_header(page_header)
        sheet.set_footer(page_footer)
        sheet.write_string(0, 0, mark, note)
        for index, item in enumerate(part.fields):
            sheet.set_column(index, index, item.column.width)
            sheet.write_string(1, index, neutralise(item.label), bold)
        sheet.freeze_panes(2, 0)
        line = 2
        for values in _iter(request, decision, part):
            for index, value in enumerate(values):
                if value is None:
                    continue
                if isinstance(value, bool):
                    sheet.write_string(line, index, _text(value))
                elif isinstance(value, dt.datetime):
                    sheet.write_datetime(line, index, value, datetime_format)
                elif isinstance(value, dt.date):
                    sheet.write_datetime(line, index, value, date_format)
                elif isinstance(value, (int, float, decimal.Decimal)):
                    sheet.write_number(line, index, float(value))
                else:
                    sheet.write_string(line, index, neutralise(str(value)))
            line += 1
        counts.append((part.label, line - 2))
        total += line - 2
    for row, (label, value) in enumerate(info_lines(request, decision, counts)):
        about.write_string(row, 0, neutralise(str(label)), bold)
        about.write_string(row, 1, neutralise(str(value)))
    book.close()
    return f"{request.number}.xlsx", total


def _write_csv(request: Any, decision: Any, target: IO[bytes]) -> tuple[str, int]:
    mark = watermark(request, decision)
    total = 0
    counts: list[tuple[str, int]] = []
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for part in parts(decision):
            rows = 0
            with (
                archive.open(f"{request.number}-{part.database}.csv", "w", force_zip64=True) as member,
                io.TextIOWrapper(member, encoding="utf-8-sig", newline="") as text,
            ):
                writer = csv.writer(text, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
                writer.writerow([neutralise(mark)])
                writer.writerow([neutralise(item.label) for item in part.fields])
                for values in _iter(request, decision, part):
                    writer.writerow([_text(value) for value in values])
                    rows += 1
            counts.append((part.label, rows))
            total += rows
        info = "\r\n".join(f"{label}: {value}" for label, value in info_lines(request, decision, counts))
        archive.writestr("thong-tin.txt", "\ufeff" + mark + "\r\n\r\n" + info + "\r\n")
        archive.comment = mark.encode()[:65535]
    return f"{request.number}.zip", total
