"""Background tasks of the Excel exchange (run by the database worker)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.tasks import task
from django.utils.translation import gettext as _

from edudb.exchange import pipeline
from edudb.exchange.models import ImportJob, ImportState


@task
def preview_import_task(job_pk: int, account_pk: int) -> str:
    """Read and check an uploaded file (``pipeline.preview``); the job's page shows the progress."""
    job = ImportJob.objects.get(pk=job_pk)
    if job.state not in (ImportState.QUEUED, ImportState.READING):
        return job.state
    user = get_user_model().objects.get(pk=account_pk)
    ImportJob.objects.filter(pk=job_pk).update(state=ImportState.READING)
    job.state = ImportState.READING
    try:
        return pipeline.preview(job, user=user).state
    except Exception:
        ImportJob.objects.filter(pk=job_pk).update(
            state=ImportState.FAILED,
            stage="",
            message=_(
                "Đã có lỗi hệ thống khi đọc tệp; không có gì được ghi. Hãy thử lại, nếu vẫn lỗi hãy báo bộ phận hỗ trợ."
            ),
        )
        raise


@task
def commit_import_task(job_pk: int, account_pk: int) -> str:
    """Write a checked import in one transaction (``pipeline.commit``)."""
    job = ImportJob.objects.get(pk=job_pk)
    user = get_user_model().objects.get(pk=account_pk)
    return pipeline.commit(job, user=user).state
