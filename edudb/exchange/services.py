"""Operations on imports: upload, check again, commit, discard — each a service (DESIGN decision 2)."""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from edudb.core import audit
from edudb.core.models import Unit
from edudb.exchange.adapters import ADAPTERS
from edudb.exchange.layouts import LAYOUTS
from edudb.exchange.models import ImportChunk, ImportJob, ImportMode, ImportState
from edudb.exchange.safety import max_upload_bytes


def _check_writer(by: Any, unit: Unit, layout: str) -> None:
    adapter = ADAPTERS.get(layout)
    if adapter is None or layout not in LAYOUTS:
        raise ValidationError({"layout": _("Hãy chọn loại dữ liệu cần nhập.")})
    if not Unit.objects.visible_to(by, adapter.function).filter(pk=unit.pk).exists():
        raise PermissionDenied(_("Bạn không được giao nhập loại dữ liệu này cho đơn vị đã chọn."))


@transaction.atomic
def start_import(
    *,
    by: Any,
    unit: Unit,
    layout: str,
    upload: UploadedFile,
    mode: str = ImportMode.ALL_OR_NOTHING,
    queue: bool = True,
) -> ImportJob:
    """Keep the uploaded file and queue its check; the user follows the progress on the job's page. ``queue=False``
    leaves the check to the caller (the management command runs it in its own process)."""
    _check_writer(by, unit, layout)
    limit = max_upload_bytes()
    if upload.size and upload.size > limit:
        raise ValidationError(
            {
                "file": _(
                    "Tệp “%(name)s” nặng %(size).1f MB, quá giới hạn %(limit)d MB: hãy chia thành nhiều tệp nhỏ hơn "
                    "(ví dụ theo khối lớp) rồi nhập lần lượt."
                )
                % {"name": upload.name, "size": upload.size / 2**20, "limit": limit // 2**20}
            }
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    job = ImportJob(
        unit=unit,
        domain=LAYOUTS[layout].domain,
        layout=layout,
        account=by,
        file_name=(upload.name or "tep")[:255],
        file_size=upload.size or 0,
        file_sha256=digest.hexdigest(),
        mode=mode if mode in ImportMode.values else ImportMode.ALL_OR_NOTHING,
        stage=_("Đang chờ đến lượt kiểm tra"),
    )
    job.file.save(f"{digest.hexdigest()[:16]}.bin", upload, save=False)
    job.save()
    if queue:
        transaction.on_commit(lambda: _queue_preview(job, by))
    return job


def _queue_preview(job: ImportJob, by: Any) -> None:
    from edudb.exchange.tasks import preview_import_task

    preview_import_task.enqueue(job.pk, by.pk)


@transaction.atomic
def recheck(job: ImportJob, *, by: Any) -> ImportJob:
    """Check the same file again against the data as it is now (after someone changed records, say)."""
    _check_writer(by, job.unit, job.layout)
    locked = ImportJob.objects.select_for_update().get(pk=job.pk)
    if locked.state not in (ImportState.READY, ImportState.FAILED):
        raise ValidationError(_("Chỉ kiểm tra lại được lần nhập đang chờ xác nhận hoặc chưa nhập được."))
    locked.state = ImportState.QUEUED
    locked.stage = _("Đang chờ đến lượt kiểm tra")
    locked.message = ""
    locked.progress_done = 0
    locked.save(update_fields=["state", "stage", "message", "progress_done"])
    transaction.on_commit(lambda: _queue_preview(locked, by))
    return locked


@transaction.atomic
def request_commit(job: ImportJob, *, by: Any, mode: str, queue: bool = True) -> ImportJob:
    """Queue the writing of a checked import; refused (with why) when it cannot be written as chosen."""
    _check_writer(by, job.unit, job.layout)
    locked = ImportJob.objects.select_for_update().get(pk=job.pk)
    if locked.state != ImportState.READY:
        raise ValidationError(
            _("Lần nhập này không còn chờ xác nhận (%(state)s).") % {"state": locked.get_state_display()}
        )
    if mode not in ImportMode.values:
        raise ValidationError({"mode": _("Hãy chọn cách nhập.")})
    if mode == ImportMode.ALL_OR_NOTHING and locked.rows_rejected:
        raise ValidationError(
            _(
                "Còn %(count)s dòng bị từ chối. Với cách nhập “tất cả hoặc không”, hãy sửa các dòng đó (tải báo cáo "
                "lỗi) rồi tải tệp lên lại, hoặc chọn “chỉ nhập các dòng hợp lệ”."
            )
            % {"count": locked.rows_rejected}
        )
    if not (locked.rows_new or locked.rows_changed):
        raise ValidationError(_("Không có gì để ghi: mọi dòng hợp lệ đều đã giống hệt dữ liệu trên hệ thống."))
    locked.mode = mode
    locked.state = ImportState.COMMITTING
    locked.stage = _("Đang chờ đến lượt ghi")
    locked.message = ""
    locked.save(update_fields=["mode", "state", "stage", "message"])

    def enqueue() -> None:
        from edudb.exchange.tasks import commit_import_task

        commit_import_task.enqueue(locked.pk, by.pk)

    if queue:
        transaction.on_commit(enqueue)
    return locked


@transaction.atomic
def discard(job: ImportJob, *, by: Any) -> ImportJob:
    """Drop a checked import that will not be written: its staged rows go, the file is deleted."""
    _check_writer(by, job.unit, job.layout)
    locked = ImportJob.objects.select_for_update().get(pk=job.pk)
    if locked.state in (ImportState.DONE, ImportState.COMMITTING, ImportState.DISCARDED):
        raise ValidationError(_("Lần nhập này không hủy được nữa (%(state)s).") % {"state": locked.get_state_display()})
    ImportChunk.objects.filter(job=locked).delete()
    locked.state = ImportState.DISCARDED
    locked.stage = ""
    locked.save(update_fields=["state", "stage"])
    audit.record(
        "import.discard",
        by=by,
        obj=locked,
        unit=locked.unit,
        extra={"file_name": locked.file_name, "file_sha256": locked.file_sha256},
    )
    name = locked.file.name
    if name:
        transaction.on_commit(lambda: locked.file.storage.delete(name))
    return locked
