"""The error report of an import (.xlsx): the rejected rows as the file had them, each problem cell highlighted with
its message in a comment, so the clerk fixes them in Excel and uploads again; then every problem as a list."""

from __future__ import annotations

import io
from collections import defaultdict
from pathlib import Path
from typing import Any

import xlsxwriter
from django.utils.translation import gettext as _

from edudb.exchange.exports import neutralise
from edudb.exchange.models import ImportJob, ImportProblem
from edudb.exchange.pipeline import _shown

MAX_REPORT_ROWS = 100_000


def _rejected_rows(job: ImportJob, wanted: set[int]) -> dict[int, list[Any]]:
    """The original cells of the rejected rows (read again from the kept file), or {} if it is gone."""
    from edudb.exchange import reading, safety
    from edudb.exchange.adapters import adapter_for

    if not wanted or not job.file.name or not job.file.storage.exists(job.file.name):
        return {}
    path = Path(job.file.path)
    found: dict[int, list[Any]] = {}
    try:
        inspected = safety.inspect_upload(path, job.file_name)
        table = reading.open_table(path, inspected, adapter_for(job, job.account).layout)
    except Exception:
        return {}
    try:
        for block in table.chunks(5000):
            for number, values in block:
                if number in wanted:
                    found[number] = list(values)
    finally:
        table.close()
    return found


def build_report(job: ImportJob) -> bytes:
    problems = list(
        ImportProblem.objects.filter(job=job, severity=ImportProblem.Severity.ERROR).order_by(
            "row", "column_index", "pk"
        )[:MAX_REPORT_ROWS]
    )
    by_row: dict[int, list[ImportProblem]] = defaultdict(list)
    for problem in problems:
        by_row[problem.row].append(problem)
    originals = _rejected_rows(job, set(by_row))
    headers = [entry[0] for entry in job.columns]
    indexes = [entry[2] if len(entry) > 2 else i for i, entry in enumerate(job.columns)]
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False}
    )
    bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"})
    bad = workbook.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006", "border": 1, "num_format": "@"})
    text = workbook.add_format({"num_format": "@"})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})

    rows_sheet = workbook.add_worksheet(_("Dòng lỗi"))
    rows_sheet.write_string(0, 0, _("Dòng trong tệp"), bold)
    for col, header in enumerate(headers, start=1):
        rows_sheet.write_string(0, col, header, bold)
        rows_sheet.set_column(col, col, max(10, min(30, len(header) + 4)))
    rows_sheet.write_string(0, len(headers) + 1, _("Vấn đề cần sửa"), bold)
    rows_sheet.set_column(len(headers) + 1, len(headers) + 1, 80)
    rows_sheet.freeze_panes(1, 1)
    for out, (number, row_problems) in enumerate(sorted(by_row.items()), start=1):
        rows_sheet.write_number(out, 0, number)
        values = originals.get(number, [])
        marked = {p.column_index: p for p in row_problems if p.column_index is not None}
        for i, position in enumerate(indexes):
            col = i + 1
            value = values[i] if i < len(values) else ""
            shown = neutralise(_shown(value))
            marked_problem = marked.get(position)
            if marked_problem is not None:
                rows_sheet.write_string(out, col, shown, bad)
                rows_sheet.write_comment(out, col, marked_problem.message[:2000], {"x_scale": 3, "y_scale": 2})
            else:
                rows_sheet.write_string(out, col, shown, text)
        rows_sheet.write_string(out, len(headers) + 1, neutralise(" • ".join(p.message for p in row_problems)), wrap)

    list_sheet = workbook.add_worksheet(_("Danh sách lỗi"))
    for col, header in enumerate([_("Dòng"), _("Cột"), _("Giá trị"), _("Vấn đề và cách sửa")]):
        list_sheet.write_string(0, col, header, bold)
    list_sheet.set_column(0, 0, 8)
    list_sheet.set_column(1, 2, 24)
    list_sheet.set_column(3, 3, 100)
    list_sheet.freeze_panes(1, 0)
    for out, problem in enumerate(problems, start=1):
        list_sheet.write_number(out, 0, problem.row)
        list_sheet.write_string(out, 1, neutralise(problem.column))
        list_sheet.write_string(out, 2, neutralise(problem.value), text)
        list_sheet.write_string(out, 3, neutralise(problem.message), wrap)
    workbook.set_properties({"title": _("Báo cáo lỗi nhập dữ liệu"), "comments": job.file_name})
    workbook.close()
    return buffer.getvalue()
