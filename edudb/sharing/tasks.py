"""Background work of the sharing app (run by the database worker, ``manage.py db_worker``)."""

from __future__ import annotations

import logging

from django.tasks import task

logger = logging.getLogger(__name__)


@task
def build_release_task(release_pk: int) -> str:
    """Write an approved request's release; answers the release's state."""
    from edudb.sharing import services
    from edudb.sharing.models import Release, ReleaseState

    release = Release.objects.filter(pk=release_pk).first()
    if release is None:
        return "missing"
    try:
        return str(services.unscoped_build_release(release).state)
    except services.NoApproval:
        return "refused"
    except Exception:
        logger.exception("release %s failed", release_pk)
        Release.objects.filter(pk=release_pk, state=ReleaseState.QUEUED).update(
            state=ReleaseState.FAILED, message="Không tạo được tệp do lỗi hệ thống; hãy báo bộ phận hỗ trợ."
        )
        return str(ReleaseState.FAILED)


@task
def expire_releases_task() -> int:
    """Daily: delete the files of releases past their expiry (personal data is not kept longer than needed)."""
    from edudb.sharing import services

    return services.unscoped_purge_expired()
