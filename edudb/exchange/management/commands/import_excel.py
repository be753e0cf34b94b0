"""Import an Excel or CSV file from the command line (the Sở's bulk loads): the same pipeline, rules and audit as
the import page, with a progress bar; nothing is written unless ``--commit`` is given and the check allows it."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError, CommandParser

from edudb.core.models import Unit
from edudb.exchange import pipeline, services
from edudb.exchange.layouts import LAYOUTS
from edudb.exchange.models import ImportJob, ImportMode, ImportProblem, ImportState
from edudb.exchange.report import build_report


class _File(SimpleUploadedFile):
    """A file on disk handed to the import service without reading it into memory."""

    def __init__(self, path: Path) -> None:
        handle = path.open("rb")
        super().__init__(path.name, b"", content_type="application/octet-stream")
        self.file = handle
        self.size = path.stat().st_size


class Command(BaseCommand):
    help = (
        "Nhập tệp Excel/CSV như trang Nhập Excel (cùng chuẩn hóa, kiểm tra, nhật ký); chỉ ghi khi có --commit "
        "(import a spreadsheet through the same pipeline as the page; writes only with --commit)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Đường dẫn tệp .xlsx/.xls/.ods/.csv (path of the file)")
        parser.add_argument("--layout", required=True, choices=sorted(LAYOUTS), help="Loại dữ liệu (kind of records)")
        parser.add_argument("--unit", required=True, help="Mã đơn vị nhập cho (code of the unit imported into)")
        parser.add_argument("--as", dest="username", required=True, help="Tài khoản thực hiện (account acting)")
        parser.add_argument(
            "--valid-only", action="store_true", help="Chỉ ghi các dòng hợp lệ (write the valid rows only)"
        )
        parser.add_argument("--commit", action="store_true", help="Ghi sau khi kiểm tra (write after the check)")
        parser.add_argument("--report", help="Ghi báo cáo lỗi .xlsx ra tệp này (write the error report here)")
        parser.add_argument(
            "--max-mb",
            type=int,
            default=2048,
            help="Dung lượng tệp tối đa, MB (the largest file accepted; the web page keeps its own, smaller limit)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Không thấy tệp {path} (no such file).")
        user = get_user_model().objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"Không có tài khoản {options['username']} đang hoạt động (no such active account).")
        unit = Unit.objects.filter(code=options["unit"]).first()
        if unit is None:
            raise CommandError(f"Không có đơn vị mã {options['unit']} (no unit with this code).")
        # The Sở's bulk files are larger than what the upload page takes; every other check stays the same.
        settings.EDUDB_IMPORT_MAX_BYTES = options["max_mb"] * 2**20
        mode = ImportMode.VALID_ONLY if options["valid_only"] else ImportMode.ALL_OR_NOTHING
        started = time.monotonic()
        try:
            job = services.start_import(
                by=user, unit=unit, layout=options["layout"], upload=_File(path), mode=mode, queue=False
            )
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError(" ".join(getattr(exc, "messages", [str(exc)]))) from exc
        job = ImportJob.objects.get(pk=job.pk)  # the queued check is run here, in this process, instead
        job.state = ImportState.READING
        job.save(update_fields=["state"])
        job = pipeline.preview(job, user=user, progress=self._progress(job, started, "kiểm tra"))
        self.stdout.write("")
        if job.state == ImportState.FAILED:
            raise CommandError(job.message)
        self.stdout.write(
            f"Đã kiểm tra {job.rows_total:,} dòng trong {time.monotonic() - started:.1f} giây: {job.rows_new:,} mới, "
            f"{job.rows_changed:,} thay đổi, {job.rows_unchanged:,} không đổi, {job.rows_rejected:,} bị từ chối; "
            f"{job.cells_normalised:,} ô được chuẩn hóa."
        )
        for problem in ImportProblem.objects.filter(job=job, severity=ImportProblem.Severity.ERROR)[:20]:
            self.stdout.write(f"  dòng {problem.row}, cột “{problem.column}” ({problem.value}): {problem.message}")
        if options["report"] and job.rows_rejected:
            Path(options["report"]).write_bytes(build_report(job))
            self.stdout.write(f"Báo cáo lỗi: {options['report']}")
        if not options["commit"]:
            self.stdout.write(f"Chưa ghi gì (thêm --commit để ghi). Lần nhập số {job.pk}.")
            return
        try:
            job = services.request_commit(job, by=user, mode=mode, queue=False)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        committed = time.monotonic()
        job = pipeline.commit(job, user=user, progress=self._progress(job, committed, "ghi"))
        self.stdout.write("")
        if job.state != ImportState.DONE:
            raise CommandError(job.message or f"Không ghi được (trạng thái {job.state}).")
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã ghi {job.rows_written:,} bản ghi trong {time.monotonic() - committed:.1f} giây (lần nhập số "
                f"{job.pk}, một mục nhật ký)."
            )
        )

    def _progress(self, job: ImportJob, started: float, what: str) -> Any:
        known_total: list[int] = []

        def show(done: int) -> None:
            if not known_total:  # the check finds the file's size once it opened it
                known_total.append(ImportJob.objects.filter(pk=job.pk).values_list("progress_total", flat=True)[0])
            known = max(known_total[0], done)
            percent = 100 * done // known if known else 100
            bar = "█" * (percent // 4) + "░" * (25 - percent // 4)
            sys.stdout.write(f"\r{what} {bar} {percent:3d}% {done:,} dòng ({time.monotonic() - started:.0f} giây)")
            sys.stdout.flush()

        return show
