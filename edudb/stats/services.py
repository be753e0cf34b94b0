"""Report documents of the statistics (R7.5): a table as Excel or as a PDF with the official header, small ones at
once, large ones in the background with their progress shown (``StatsDocument``).

A document is always built *as its account*: the background task computes the table with the same scoped queries
the page used, from the query string the page had, so it can show no more than the account could see.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from edudb.core import audit
from edudb.core.models import Category, Unit
from edudb.stats import aggregate, charts, documents
from edudb.stats.models import DocumentState, StatsDocument
from edudb.stats.query import StatsQuery, resolve
from edudb.stats.tables import Column, DocumentHeader, Row, Table

log = logging.getLogger(__name__)
INLINE_ROWS = 200  # tables up to this many rows are produced while the user waits; larger ones in the background
CHART_ROWS = 25  # rows drawn in a document's chart (the table has them all)
FORMATS = {
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "pdf": ("application/pdf", "pdf"),
}
KINDS = ("indicator", "ratios")


def build_table(
    user: Any,
    params: Mapping[str, str],
    *,
    at: Unit | None = None,
    drill: Callable[[StatsQuery, str], Callable[[int], str]] | None = None,
) -> tuple[StatsQuery, Table]:
    """The table a page or a document shows for this query string (``kind=ratios`` for the ratios) at ``at`` (a
    unit already fetched through the scoping door; else the query's own); ``drill`` makes the link one level
    down for the resolved query (pages only)."""
    kind = params.get("kind") or "indicator"
    if kind not in KINDS:
        raise ValidationError({"kind": _("Loại bảng phải là «indicator» (chỉ tiêu) hoặc «ratios» (các tỉ lệ).")})
    query = resolve(user, params, need_indicator=kind == "indicator", at=at)
    drill_url = drill(query, kind) if drill else None
    if kind == "ratios":
        by = "children" if query.by == "categories" else query.by
        return query, aggregate.ratio_table(user, source=query.source, at=query.at, by=by, drill=drill_url)
    indicator = query.indicator
    if indicator is None:  # resolve() refuses a query without one when need_indicator is set
        raise ValidationError({"indicator": _("Hãy chọn chỉ tiêu thống kê (tham số indicator).")})
    table = aggregate.indicator_table(
        user, indicator=indicator, source=query.source, at=query.at, by=query.by, drill=drill_url
    )
    return query, table


def _authority(unit: Unit) -> str:
    parent = unit.parent
    if unit.kind.category == Category.DEPARTMENT or parent is None:
        return _("UBND THÀNH PHỐ HẢI PHÒNG")
    return parent.name.upper()


def _signer(unit: Unit) -> str:
    category = unit.kind.category
    if category in {Category.DEPARTMENT, Category.OFFICE}:
        return _("GIÁM ĐỐC")
    if category == Category.MANAGER:
        return _("TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH")
    return _("GIÁM ĐỐC") if "trung tâm" in unit.kind.name.lower() else _("HIỆU TRƯỞNG")


def header_for(unit: Unit) -> DocumentHeader:
    """The Decree 30 header of a report issued by ``unit``: its authority above it, its name, a number to fill in
    when the document is registered, Hải Phòng and today, and its head's title and name."""
    return DocumentHeader(
        authority=_authority(unit),
        issuer=unit.name.upper(),
        number=_("Số:       /BC-%(code)s") % {"code": unit.code},
        place=_("Hải Phòng"),
        date=timezone.localdate(),
        signer_title=_signer(unit),
        signer_name=unit.head_name,
        recipients=(_("Như trên;"), _("Lưu: VT.")),
    )


def _chart(table: Table) -> str:
    rows = sorted(table.rows, key=lambda row: row.values[0] or 0, reverse=True)[:CHART_ROWS]
    if not rows or not table.columns:
        return ""
    title = f"{table.title} — {table.columns[0].label.lower()}"
    return str(
        charts.bar(title, [(row.label, row.values[0]) for row in rows], unit=table.measure, decimals=table.decimals)
    )


@dataclass(frozen=True)
class Produced:
    content: bytes
    file_name: str
    content_type: str


PDF_COLUMNS = 26  # figure columns an A4 landscape page carries legibly (documents shrinks the type down to 6 pt)


def narrowed(table: Table) -> Table:
    """A table too wide for a page keeps its totals and each group's subtotal ("Cộng"): the learners of every grade
    by gender are some 50 columns; the PDF shows the grades, the Excel file keeps every column."""
    if len(table.columns) <= PDF_COLUMNS or not table.has_groups:
        return table
    keep: list[int] = []
    columns: list[Column] = []
    for index, column in enumerate(table.columns):
        if column.key == "total" or column.key.startswith("total:"):
            columns.append(column)
        elif ":" not in column.key:  # a group's subtotal: named after its group, in one header row
            columns.append(replace(column, label=column.group or column.label, group=""))
        else:
            continue
        keep.append(index)

    def cut(row: Row) -> Row:
        return replace(row, values=[row.values[i] for i in keep], links=[])

    return replace(
        table,
        columns=columns,
        rows=[cut(row) for row in table.rows],
        total=cut(table.total) if table.total else None,
        notes=[*table.notes, _("Bản PDF ghi số cộng của từng nhóm; bản Excel ghi đủ mọi cột.")],
    )


def render(table: Table, at: Unit, file_format: str) -> Produced:
    header = header_for(at)
    if file_format == "pdf":
        table = narrowed(table)
        chart = _chart(table)
        content = documents.pdf_bytes(table, header, charts=[chart] if chart else None)
    else:
        content = documents.xlsx_bytes(table, header)
    content_type, extension = FORMATS[file_format]
    stem = slugify(f"{table.title} {at.code} {timezone.localdate():%Y%m%d}")[:120] or "thong-ke"
    return Produced(content, f"{stem}.{extension}", content_type)


def _audit(by: Any, at: Unit, table: Table, file_format: str, query: str) -> None:
    audit.record(
        "stats.document",
        by=by,
        unit=at,
        extra={"title": table.title, "format": file_format, "query": query[:500], "rows": len(table.rows)},
    )


def request_document(user: Any, params: QueryDict, file_format: str) -> Produced | StatsDocument:
    """A document asked for from a table page, the table built once: made while the user waits when it is small
    (audited as handed out), else recorded and queued for the worker once this transaction commits."""
    from edudb.stats.tasks import document_task

    query, table = build_table(user, params)
    if len(table.rows) <= INLINE_ROWS:
        produced = render(table, query.at, file_format)
        _audit(user, query.at, table, file_format, params.urlencode())
        return produced
    job = StatsDocument(
        unit=query.at,
        account=user,
        query=params.urlencode()[:500],
        file_format=file_format,
        title=f"{table.title} — {query.at.name}"[:255],
        stage=_("Đang chờ đến lượt"),
    )
    job.save()
    transaction.on_commit(lambda: document_task.enqueue(job.pk))
    return job


def unscoped_step(job: StatsDocument, done: int, stage: str) -> None:
    StatsDocument.objects.filter(pk=job.pk).update(progress_done=done, stage=stage)


def unscoped_run_document(pk: int) -> str:
    """Produce a queued document as its account (the worker's side); answers the final state."""
    job = StatsDocument.objects.select_related("account", "unit").filter(pk=pk).first()
    if job is None or job.state != DocumentState.QUEUED:
        return job.state if job else "missing"
    StatsDocument.objects.filter(pk=pk).update(state=DocumentState.RUNNING)
    try:
        unscoped_step(job, 1, _("Đang tổng hợp số liệu"))
        params = QueryDict(job.query)
        query, table = build_table(job.account, params)
        unscoped_step(job, 2, _("Đang tạo tệp"))
        produced = render(table, query.at, job.file_format)
        with transaction.atomic():
            job.file.save(produced.file_name, ContentFile(produced.content), save=False)
            job.state = DocumentState.DONE
            job.progress_done = job.progress_total
            job.stage = _("Đã xong")
            job.finished_at = timezone.now()
            job.save()
            _audit(job.account, query.at, table, job.file_format, job.query)
    except Exception as exc:  # the user must learn the document failed; the worker log keeps the details
        log.exception("stats document %s failed", pk)
        message = "; ".join(exc.messages) if isinstance(exc, ValidationError) else _("Lỗi hệ thống khi tạo tệp.")
        StatsDocument.objects.filter(pk=pk).update(
            state=DocumentState.FAILED,
            message=_("Không tạo được tệp: %(reason)s Hãy thử lại; nếu vẫn lỗi, báo bộ phận hỗ trợ.")
            % {"reason": message},
            finished_at=timezone.now(),
        )
        return DocumentState.FAILED
    return DocumentState.DONE
