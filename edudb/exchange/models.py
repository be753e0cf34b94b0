"""Imports and exports of Excel files: the job, its staged rows, the problems found, and background exports."""

from __future__ import annotations

import json
import zlib
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from edudb.core.models import Unit
from edudb.core.scoping import Domain, ScopedQuerySet


class ImportState(models.TextChoices):
    QUEUED = "queued", _("Đang chờ xử lý")
    READING = "reading", _("Đang đọc và kiểm tra")
    READY = "ready", _("Chờ xác nhận")
    COMMITTING = "committing", _("Đang ghi vào cơ sở dữ liệu")
    DONE = "done", _("Đã nhập xong")
    FAILED = "failed", _("Không nhập được")
    DISCARDED = "discarded", _("Đã hủy")


class ImportMode(models.TextChoices):
    ALL_OR_NOTHING = "all", _("Tất cả hoặc không dòng nào (mặc định)")
    VALID_ONLY = "valid", _("Chỉ nhập các dòng hợp lệ, bỏ qua dòng lỗi")


class ImportJob(models.Model):
    """One uploaded file on its way in: read and checked in the background, previewed, then committed or dropped.

    Scoped by the unit it imports into and by the database it feeds (``domain``), like the records it writes."""

    scope_unit_field: ClassVar[str] = "unit"
    scope_domain_field: ClassVar[str] = "domain"

    unit = models.ForeignKey(Unit, models.PROTECT, related_name="+", verbose_name=_("đơn vị"))
    domain = models.CharField(_("cơ sở dữ liệu"), max_length=20, choices=Domain.choices)
    layout = models.CharField(_("loại dữ liệu"), max_length=20)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+", verbose_name=_("người nhập")
    )
    file = models.FileField(_("tệp"), upload_to="imports/%Y/%m/", max_length=255)
    file_name = models.CharField(_("tên tệp"), max_length=255)
    file_size = models.PositiveBigIntegerField(_("dung lượng"), default=0)
    file_sha256 = models.CharField(_("mã băm SHA-256"), max_length=64, db_index=True)
    state = models.CharField(_("trạng thái"), max_length=12, choices=ImportState.choices, default=ImportState.QUEUED)
    mode = models.CharField(_("cách nhập"), max_length=8, choices=ImportMode.choices, default=ImportMode.ALL_OR_NOTHING)
    stage = models.CharField(_("bước"), max_length=120, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    sheet_name = models.CharField(_("trang tính"), max_length=100, blank=True)
    header_row = models.PositiveIntegerField(_("dòng tiêu đề"), null=True, blank=True)
    columns = models.JSONField(_("cột nhận ra"), default=list, blank=True)  # [[header, field], …]
    ignored_headers = models.JSONField(_("cột bỏ qua"), default=list, blank=True)
    rows_total = models.PositiveIntegerField(_("số dòng"), default=0)
    rows_new = models.PositiveIntegerField(_("dòng mới"), default=0)
    rows_changed = models.PositiveIntegerField(_("dòng thay đổi"), default=0)
    rows_unchanged = models.PositiveIntegerField(_("dòng không đổi"), default=0)
    rows_rejected = models.PositiveIntegerField(_("dòng bị từ chối"), default=0)
    cells_normalised = models.PositiveIntegerField(_("ô được chuẩn hóa"), default=0)
    rows_written = models.PositiveIntegerField(_("dòng đã ghi"), default=0)
    message = models.TextField(_("thông báo"), blank=True)
    created_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)
    previewed_at = models.DateTimeField(_("kiểm tra xong lúc"), null=True, blank=True)
    committed_at = models.DateTimeField(_("ghi xong lúc"), null=True, blank=True)
    audit_entry_id = models.PositiveBigIntegerField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("lần nhập Excel")
        verbose_name_plural = _("các lần nhập Excel")
        indexes = [models.Index(fields=["unit", "-created_at"], name="import_unit_created_idx")]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_state_display()})"

    def get_absolute_url(self) -> str:
        return reverse("exchange:import_detail", kwargs={"pk": self.pk})

    @property
    def percent(self) -> int:
        if not self.progress_total:
            return 0
        return min(100, round(100 * self.progress_done / self.progress_total))

    @property
    def is_running(self) -> bool:
        return self.state in (ImportState.QUEUED, ImportState.READING, ImportState.COMMITTING)


class RowAction(models.TextChoices):
    NEW = "new", _("Mới")
    CHANGED = "changed", _("Thay đổi")
    UNCHANGED = "unchanged", _("Không đổi")
    REJECTED = "rejected", _("Bị từ chối")


class ImportChunk(models.Model):
    """A block of rows as the check left them (normalised values, the action planned, the field changes), kept
    between the preview and the commit so the commit writes exactly what the user saw."""

    job = models.ForeignKey(ImportJob, models.CASCADE, related_name="chunks")
    number = models.PositiveIntegerField()
    # The rows as JSON, compressed: never queried inside, only read back whole by the commit. A jsonb column made
    # PostgreSQL parse and compress each block again: staging a 100,000-row preview took 3.7 s, these bytes 1.7 s
    # (docs/performance.md, ``import``).
    packed = models.BinaryField(default=bytes)

    class Meta:
        ordering = ["job", "number"]
        constraints = [models.UniqueConstraint(fields=["job", "number"], name="one_import_chunk_number")]

    def __str__(self) -> str:
        return f"{self.job_id}/{self.number}"

    @staticmethod
    def pack(rows: list[dict[str, Any]]) -> bytes:
        return zlib.compress(json.dumps(rows, ensure_ascii=False, separators=(",", ":")).encode(), 1)

    @classmethod
    def of(cls, job: ImportJob, number: int, rows: list[dict[str, Any]]) -> ImportChunk:
        chunk = cls(job=job, number=number, packed=cls.pack(rows))
        chunk.__dict__["rows"] = rows  # what ``rows`` would read back
        return chunk

    @cached_property
    def rows(self) -> list[dict[str, Any]]:
        return json.loads(zlib.decompress(self.packed))  # type: ignore[no-any-return]

    def save_rows(self) -> None:
        """Store ``rows`` again after changing them."""
        self.packed = self.pack(self.rows)
        self.save(update_fields=["packed"])


class ImportProblem(models.Model):
    """One thing wrong with one cell or row of an import (or a change the normalisation made, as a notice)."""

    class Severity(models.TextChoices):
        ERROR = "error", _("Lỗi")
        WARNING = "warning", _("Cảnh báo")
        NORMALISED = "normalised", _("Đã chuẩn hóa")

    job = models.ForeignKey(ImportJob, models.CASCADE, related_name="problems")
    row = models.PositiveIntegerField(_("dòng"))  # the row number as Excel shows it (1-based)
    column = models.CharField(_("cột"), max_length=200, blank=True)  # the header as the file has it
    column_index = models.IntegerField(null=True, blank=True)  # 0-based, for the highlighted error report
    field = models.CharField(max_length=60, blank=True)
    value = models.CharField(_("giá trị"), max_length=255, blank=True)
    after = models.CharField(_("sẽ lưu là"), max_length=255, blank=True)
    severity = models.CharField(_("mức độ"), max_length=10, choices=Severity.choices, default=Severity.ERROR)
    message = models.TextField(_("vấn đề và cách sửa"))

    class Meta:
        ordering = ["job", "row", "column_index", "pk"]
        indexes = [models.Index(fields=["job", "severity", "row"], name="import_problem_job_idx")]

    def __str__(self) -> str:
        return f"{self.job_id}:{self.row}:{self.column}"


class ImportChange(models.Model):
    """The field-level change one committed import made to one record (the import itself is one audit entry):
    what a record's history shows for the rows that came from a file."""

    job = models.ForeignKey(ImportJob, models.PROTECT, related_name="changes")
    object_type = models.CharField(max_length=60)
    object_id = models.PositiveBigIntegerField()
    row = models.PositiveIntegerField(_("dòng"))
    action = models.CharField(max_length=10, choices=RowAction.choices)
    changes = models.JSONField(default=dict)

    class Meta:
        ordering = ["job", "row"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="import_change_object_idx")]

    def __str__(self) -> str:
        return f"{self.job_id}:{self.object_type}:{self.object_id}"


class ExportState(models.TextChoices):
    QUEUED = "queued", _("Đang chờ xử lý")
    RUNNING = "running", _("Đang xuất")
    DONE = "done", _("Sẵn sàng tải về")
    FAILED = "failed", _("Không xuất được")


class ExportJob(models.Model):
    """A large export produced in the background: which list, with which filters, for whom, and its file."""

    scope_unit_field: ClassVar[str] = "unit"
    scope_domain_field: ClassVar[str] = "domain"

    unit = models.ForeignKey(Unit, models.PROTECT, related_name="+", verbose_name=_("đơn vị"))
    domain = models.CharField(_("cơ sở dữ liệu"), max_length=20, choices=Domain.choices)
    account = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    source = models.CharField(_("danh sách"), max_length=80)  # the registered export's name
    query = models.CharField(_("bộ lọc"), max_length=2000, blank=True)  # the list's query string, filters kept
    file_format = models.CharField(_("định dạng"), max_length=4, choices=[("xlsx", "Excel (.xlsx)"), ("csv", "CSV")])
    title = models.CharField(_("tên"), max_length=200)
    state = models.CharField(_("trạng thái"), max_length=10, choices=ExportState.choices, default=ExportState.QUEUED)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    file = models.FileField(_("tệp"), upload_to="exports/%Y/%m/", max_length=255, blank=True)
    rows = models.PositiveIntegerField(_("số dòng"), default=0)
    message = models.TextField(_("thông báo"), blank=True)
    created_at = models.DateTimeField(_("yêu cầu lúc"), auto_now_add=True)
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("tệp xuất")
        verbose_name_plural = _("các tệp xuất")

    def __str__(self) -> str:
        return self.title

    @property
    def percent(self) -> int:
        if not self.progress_total:
            return 0
        return min(100, round(100 * self.progress_done / self.progress_total))
